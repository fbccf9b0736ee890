//! A second dockerd (`support/dockerd.rs`: its own data root, exec root, pidfile, socket
//! and bridge) with a hardened daemon.json, started and stopped by this test: the
//! daemon-level values dockward reads live (`/info` plus the daemon.json found through
//! the dockerd command line) must be the hardened ones.

#[path = "support/dockerd.rs"]
mod dockerd;

use std::time::Duration;

use dockerd::SecondDockerd;
use dockward_engine::{read_endpoints, AuditOptions, Endpoint};

#[test]
fn a_hardened_second_dockerd_reads_back_its_hardening() {
    let daemon = SecondDockerd::start(
        r#"{"no-new-privileges": true, "live-restore": true, "userland-proxy": false, "log-level": "info"}"#,
        &[],
        77,
    );
    let d = daemon.path();
    let socket = &daemon.socket;
    let bridge_name = daemon.bridge_name.clone();
    let log_text = || daemon.log();

    let endpoint = Endpoint {
        label: "second".into(),
        host: format!("unix://{}", socket.display()),
        tls: None,
        skip_tls_verify: false,
    };
    // The socket can exist a moment before the API answers.
    let mut snap = None;
    for _ in 0..50 {
        match read_endpoints(std::slice::from_ref(&endpoint), &AuditOptions::default()).pop().unwrap() {
            Ok(s) => {
                snap = Some(s);
                break;
            }
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
    let snap = snap.unwrap_or_else(|| panic!("second dockerd never answered:\n{}", log_text()));

    assert_eq!(snap.defaults.no_new_privileges, Some(true), "from its daemon.json, found via /proc");
    assert_eq!(snap.defaults.seccomp_default, Some(true));
    assert_eq!(snap.defaults.rootless, Some(false));
    // Our bridge is the default bridge; ICC is on (it needs iptables to be off).
    assert_eq!(snap.defaults.icc, Some(true));
    assert_eq!(snap.engine.live_restore.as_ref().map(|v| v.value), Some(true));
    assert_eq!(
        snap.engine.live_restore.as_ref().map(|v| v.at.to_string()),
        Some(format!("engine/{}/LiveRestoreEnabled", snap.engine.name))
    );
    assert_eq!(snap.engine.docker_root_dir.as_deref(), Some(d.join("data").to_str().unwrap()));
    assert!(snap.containers.is_empty() && snap.images.is_empty());
    let bridge = snap.networks.iter().find(|n| n.is_default_bridge()).expect("default bridge");
    assert_eq!(bridge.option("com.docker.network.bridge.name").map(|v| v.value.as_str()), Some(bridge_name.as_str()));

    // The DM rules over its configuration: daemon.json and command line found through
    // /proc, plus /info and the default bridge.
    let daemon = &snap.daemon;
    assert!(daemon.spec.complete, "every source of this daemon was read");
    let settings = dockward_linter::settings::SettingsBuilder::default().build();
    let found = dockward_linter::daemon::lint_daemon(&daemon.spec, daemon.json.as_ref(), &daemon.flags, &settings);
    let got: Vec<(&str, String)> = found.iter().map(|d| (d.rule.code, d.location.to_string())).collect();
    let codes: Vec<&str> = got.iter().map(|(c, _)| *c).collect();
    for hardened in ["DM007", "DM009", "DM012", "DM013"] {
        assert!(!codes.contains(&hardened), "{hardened} despite the hardened daemon.json: {got:#?}");
    }
    assert!(!codes.contains(&"DM002"), "every flag of the command line is known: {got:#?}");
    // `--iptables=false`, at its value in /proc/<pid>/cmdline.
    let iptables = found.iter().find(|d| d.rule.code == "DM017").unwrap_or_else(|| panic!("{got:#?}"));
    let dockward_diagnostics::Location::Source { file, range } = &iptables.location else { panic!("{iptables:?}") };
    assert!(file.name().starts_with("/proc/") && file.name().ends_with("/cmdline"), "{}", file.name());
    assert_eq!(&file.text()[*range], "false");
    assert!(file.text()[..usize::from(range.start())].ends_with("--iptables="));
    // ICC is on (iptables off), as the default bridge reports.
    assert!(
        got.contains(&("DM006", "network/bridge/Options.com.docker.network.bridge.enable_icc".to_string())),
        "{got:#?}"
    );
}
