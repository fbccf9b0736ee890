//! Image rules (IM family): IM001-IM007 over a live host's local images (their config
//! and history), IM008 and up over the files in an image's layers ([`crate::image_contents`]).

pub mod dangling_images;
pub mod deleted_secret_in_layer;
pub mod duplicate_uid_gid;
pub mod empty_password_account;
pub mod image_latest_tag_in_use;
pub mod image_runs_as_root;
pub mod image_too_old;
pub mod image_without_healthcheck;
pub mod secret_file_in_image;
pub mod secret_files;
pub mod secret_in_image;
pub mod setuid_setgid_file;
pub mod unneeded_files;
pub mod unsafe_download_in_history;
pub mod world_writable_file;
