//! Host rules (HO): the files of the machine the daemon runs on, under `--host-root`.

pub mod docker_file_mode;
pub mod docker_file_owner;
pub mod docker_group_member;
pub mod docker_path_not_audited;
pub mod docker_root_not_separate_partition;
pub mod rootful_docker;
