//! `daemon.json`: the strict reader with spans, the DM rules and their fixes.
#![no_main]
#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else { return };
    let _ = dockward_linter::daemon::check_daemon_json_bytes(
        "daemon.json",
        None,
        bytes,
        &common::SETTINGS,
        common::fix_mode(mode),
    );
});
