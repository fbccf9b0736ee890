//! `daemon.json`: the strict reader with spans, the DM rules and their fixes.
#![no_main]
#[path = "common/mod.rs"]
mod common;

use std::sync::LazyLock;

use dockward_linter::Settings;
use libfuzzer_sys::fuzz_target;

static SETTINGS: LazyLock<Settings> = LazyLock::new(common::all_rules);

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else { return };
    let _ =
        dockward_linter::daemon::check_daemon_json_bytes("daemon.json", None, bytes, &SETTINGS, common::fix_mode(mode));
});
