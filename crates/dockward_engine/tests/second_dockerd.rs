//! A second dockerd, with its own data root, exec root, pidfile and socket in a temp
//! dir and a hardened daemon.json, started and stopped by this test: the daemon-level
//! values dockward reads live (`/info` plus the daemon.json found through the dockerd
//! command line) must be the hardened ones.
//!
//! It must not disturb the host's daemon: never `--bridge=none`, which makes dockerd
//! delete the host's `docker0` interface (moby's `removeDefaultBridgeInterface`), but a
//! bridge interface of its own (`--bridge=<ours>`, removed afterwards), and no firewall
//! or forwarding changes (`--iptables=false --ip-forward=false --ip-masq=false`). So
//! `icc` cannot be set here (dockerd refuses `icc: false` without iptables).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dockward_engine::{read_endpoints, AuditOptions, Endpoint};

/// A bridge interface created for the test, deleted on drop.
struct Bridge(String);

impl Bridge {
    fn create(name: &str, cidr: &str) -> Self {
        let ip = |args: &[&str]| {
            let out = Command::new("ip").args(args).output().expect("run ip");
            assert!(out.status.success(), "ip {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        };
        ip(&["link", "add", "name", name, "type", "bridge"]);
        let bridge = Bridge(name.to_string());
        ip(&["addr", "add", cidr, "dev", name]);
        ip(&["link", "set", name, "up"]);
        bridge
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["link", "delete", &self.0, "type", "bridge"]).status();
    }
}

/// Stops the daemon it started (SIGTERM, so dockerd also stops its own containerd).
struct Daemon {
    child: Child,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_hardened_second_dockerd_reads_back_its_hardening() {
    assert!(Path::new("/usr/sbin/dockerd").exists() || which("dockerd"), "this test needs dockerd");
    let dir = tempfile::Builder::new().prefix("dw-dockerd").tempdir_in("/tmp").unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("daemon.json"),
        r#"{"no-new-privileges": true, "live-restore": true, "userland-proxy": false, "log-level": "info"}"#,
    )
    .unwrap();
    let socket = d.join("d.sock");
    // Interface names are at most 15 bytes.
    let bridge_name = format!("dwt{}", std::process::id() % 1_000_000);
    let _bridge = Bridge::create(&bridge_name, "10.213.77.1/24");
    let log = std::fs::File::create(d.join("dockerd.log")).unwrap();
    let child = Command::new("dockerd")
        .arg(format!("--config-file={}", d.join("daemon.json").display()))
        .arg(format!("--data-root={}", d.join("data").display()))
        .arg(format!("--exec-root={}", d.join("exec").display()))
        .arg(format!("--pidfile={}", d.join("dockerd.pid").display()))
        .arg("-H")
        .arg(format!("unix://{}", socket.display()))
        .arg(format!("--bridge={bridge_name}"))
        .args(["--iptables=false", "--ip6tables=false", "--ip-forward=false", "--ip-masq=false"])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start dockerd");
    let _daemon = Daemon { child };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !socket.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let log_text = || std::fs::read_to_string(d.join("dockerd.log")).unwrap_or_default();
    assert!(socket.exists(), "dockerd did not start:\n{}", log_text());

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

fn which(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|p| p.join(program).exists()))
}
