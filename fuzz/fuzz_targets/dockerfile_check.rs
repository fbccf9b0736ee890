//! `dockward check` of one Dockerfile: parser, every rule, suppressions and, when the
//! first byte asks, the fix loop (fixes re-parsed and re-checked).
#![no_main]
#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else { return };
    let _ = dockward_linter::check::check_dockerfile_bytes(
        "Dockerfile",
        None,
        bytes,
        &common::SETTINGS,
        common::fix_mode(mode),
    );
});
