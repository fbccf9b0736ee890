//! dockerd flags from a systemd unit, `/etc/default/docker` or `/etc/sysconfig/docker`
//! (chosen by the first byte), and the DM rules over them.
#![no_main]
#[path = "common/mod.rs"]
mod common;

use dockward_linter::daemon::FlagFileKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else { return };
    let (kind, name) = match kind % 3 {
        0 => (FlagFileKind::SystemdUnit, "docker.service"),
        1 => (FlagFileKind::DefaultDocker, "docker"),
        _ => (FlagFileKind::SysconfigDocker, "docker"),
    };
    let _ = dockward_linter::daemon::check_flag_file_bytes(kind, name, None, bytes, &common::SETTINGS);
});
