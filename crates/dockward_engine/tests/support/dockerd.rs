//! A second dockerd started and stopped by a test: its own data root, exec root,
//! pidfile and unix socket in a temp dir, its own daemon.json, and its own bridge.
//!
//! It must not disturb the host's daemon: never `--bridge=none`, which makes dockerd
//! delete the host's `docker0` interface (moby's `removeDefaultBridgeInterface`), but a
//! bridge interface of its own (`--bridge=<ours>`, removed afterwards), and no firewall
//! or forwarding changes (`--iptables=false --ip-forward=false --ip-masq=false`). So
//! `icc` cannot be set (dockerd refuses `icc: false` without iptables).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A bridge interface created for the test, deleted on drop.
pub struct Bridge(pub String);

impl Bridge {
    pub fn create(name: &str, cidr: &str) -> Self {
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

/// A running second dockerd; stopped (SIGTERM, so it also stops its own containerd)
/// and its bridge removed on drop.
pub struct SecondDockerd {
    pub dir: tempfile::TempDir,
    pub socket: PathBuf,
    pub bridge_name: String,
    child: Child,
    // Dropped after the daemon (fields drop in order), so dockerd never sees its bridge vanish.
    _bridge: Bridge,
}

impl SecondDockerd {
    /// Starts dockerd with `daemon_json` as its config file and `extra` flags; returns
    /// once its unix socket exists. `subnet` is the bridge's third octet, distinct per
    /// test so parallel tests get distinct bridges.
    pub fn start(daemon_json: &str, extra: &[String], subnet: u8) -> Self {
        assert!(Path::new("/usr/sbin/dockerd").exists() || which("dockerd"), "this test needs dockerd");
        let dir = tempfile::Builder::new().prefix("dw-dockerd").tempdir_in("/tmp").unwrap();
        let d = dir.path();
        std::fs::write(d.join("daemon.json"), daemon_json).unwrap();
        let socket = d.join("d.sock");
        // Interface names are at most 15 bytes.
        let bridge_name = format!("dwt{}{subnet}", std::process::id() % 100_000);
        let bridge = Bridge::create(&bridge_name, &format!("10.213.{subnet}.1/24"));
        let log = std::fs::File::create(d.join("dockerd.log")).unwrap();
        let child = Command::new("dockerd")
            .arg(format!("--config-file={}", d.join("daemon.json").display()))
            .arg(format!("--data-root={}", d.join("data").display()))
            .arg(format!("--exec-root={}", d.join("exec").display()))
            .arg(format!("--pidfile={}", d.join("dockerd.pid").display()))
            .arg("-H")
            .arg(format!("unix://{}", socket.display()))
            .args(extra)
            .arg(format!("--bridge={bridge_name}"))
            .args(["--iptables=false", "--ip6tables=false", "--ip-forward=false", "--ip-masq=false"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start dockerd");
        let daemon = SecondDockerd { dir, socket, bridge_name, child, _bridge: bridge };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !daemon.socket.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(daemon.socket.exists(), "dockerd did not start:\n{}", daemon.log());
        daemon
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dockerd.log")).unwrap_or_default()
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Waits until `docker -H <socket> version` answers (the socket can exist a moment
    /// before the API does).
    pub fn wait_for_api(&self) {
        let host = format!("unix://{}", self.socket.display());
        for _ in 0..100 {
            let ok = Command::new("docker")
                .args(["-H", &host, "version"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("second dockerd never answered:\n{}", self.log());
    }
}

impl Drop for SecondDockerd {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut stopped = false;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                stopped = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        if !stopped {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        unmount_under(self.dir.path());
    }
}

/// Unmounts what the stopped daemon left mounted under its directory (its data root's
/// overlay mounts, a swarm's network namespaces in `exec/netns`), deepest first, so the
/// temp dir can be removed and nothing of the test stays mounted.
fn unmount_under(dir: &Path) {
    let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap_or_default();
    let prefix = format!("{}/", dir.display());
    let mut points: Vec<&str> = mounts
        .lines()
        .filter_map(|line| line.split(' ').nth(1))
        .filter(|point| point.starts_with(&prefix) || *point == dir.to_str().unwrap_or_default())
        .collect();
    points.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for point in points {
        let _ = Command::new("umount").args(["-l", point]).stderr(Stdio::null()).status();
    }
}

pub fn which(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|p| p.join(program).exists()))
}
