//! Image rules (IM family), over a live host's local images: their config and history.

pub mod dangling_images;
pub mod image_latest_tag_in_use;
pub mod image_runs_as_root;
pub mod image_too_old;
pub mod image_without_healthcheck;
pub mod secret_in_image;
pub mod unsafe_download_in_history;
