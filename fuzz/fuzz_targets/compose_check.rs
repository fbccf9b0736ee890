//! `dockward check` of one Compose file held in memory: loading (interpolation, merge,
//! schema), every CT/CO rule and, when the first byte asks, the fix loop. The file sits
//! in a directory that does not exist, so references to other files fail as unreadable.
#![no_main]
#[path = "common/mod.rs"]
mod common;

use dockward_compose::{LoadOptions, ProjectFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else { return };
    let mut file = ProjectFile::new("/nonexistent-dockward-fuzz/compose.yaml");
    file.bytes = Some(bytes.to_vec());
    let options = LoadOptions { environment: Some(vec![("TAG".to_string(), "1.0".to_string())]), ..Default::default() };
    let _ = dockward_linter::check_compose::check_compose_project(
        &[file],
        &options,
        &common::SETTINGS,
        common::fix_mode(mode),
    );
});
