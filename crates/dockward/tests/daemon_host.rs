//! End-to-end tests of daemon configuration files and `--host-root`.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dockward"));
    c.env_remove("NO_COLOR").env("TERM", "xterm");
    c
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run dockward")
}

fn findings(out: &Output) -> Vec<(String, String)> {
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad json ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    v["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| (f["path"].as_str().unwrap_or("").to_string(), f["code"].as_str().unwrap().to_string()))
        .collect()
}

fn write(dir: &Path, name: &str, content: &str, mode: u32) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    p
}

const HARDENED: &str = r#"{
  "icc": false,
  "live-restore": true,
  "userns-remap": "default",
  "no-new-privileges": true,
  "userland-proxy": false,
  "log-driver": "journald",
  "authorization-plugins": ["opa-docker-authz"],
  "default-ulimits": {"nofile": {"Name": "nofile", "Soft": 1024, "Hard": 4096}},
  "selinux-enabled": true,
  "ip": "127.0.0.1",
  "insecure-registries": ["127.0.0.0/8"]
}
"#;

#[test]
fn walking_finds_daemon_json_and_units_by_name() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "etc/docker/daemon.json", r#"{"icc": true, "live-restore": true}"#, 0o644);
    write(
        dir.path(),
        "lib/systemd/system/docker.service",
        "[Service]\nExecStart=/usr/bin/dockerd -H tcp://0.0.0.0:2375\n",
        0o644,
    );
    write(dir.path(), "etc/docker/other.json", "{not json", 0o644);
    let out = run(bin().current_dir(dir.path()).args(["check", "--format", "json"]));
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let got = findings(&out);
    assert!(got.contains(&("etc/docker/daemon.json".into(), "DM006".into())), "{got:?}");
    assert!(got.contains(&("lib/systemd/system/docker.service".into(), "DM011".into())), "{got:?}");
    // A lone unit does not know what daemon.json says: no absent-key findings there.
    assert!(!got.iter().any(|(p, c)| p.ends_with("docker.service") && c == "DM007"), "{got:?}");
    assert!(!got.iter().any(|(p, _)| p.ends_with("other.json")), "{got:?}");
}

#[test]
fn hardened_daemon_json_is_clean_and_fix_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "daemon.json", HARDENED, 0o644);
    let out = run(bin().args(["check", "--fail-on", "info", "--format", "json", "--isolated"]).arg(&p));
    assert_eq!(out.status.code(), Some(0), "{:?}", findings(&out));
    assert!(findings(&out).is_empty());

    let one_line = write(dir.path(), "x/daemon.json", "{\"log-level\":\"debug\",\"icc\":false}", 0o644);
    let out = run(bin().args(["check", "--fix", "--isolated", "-q"]).arg(&one_line));
    assert!(out.status.code().is_some(), "{out:?}");
    let fixed = std::fs::read_to_string(&one_line).unwrap();
    assert!(fixed.starts_with("{\"log-level\":\"info\",\"icc\":false,"), "{fixed}");
    assert!(fixed.contains(",\"live-restore\":true") && fixed.contains("\"max-size\":"), "{fixed}");
    assert!(!fixed.contains('\n'), "a one-line file stays on one line: {fixed}");
    let out = run(bin().args(["check", "--select", "DM007,DM009,DM021", "--format", "json"]).arg(&one_line));
    assert_eq!(out.status.code(), Some(0), "{:?}\n{fixed}", findings(&out));
}

#[test]
fn comments_and_bad_json_are_reported_with_positions_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "daemon.json", "{\n  // hi\n  \"icc\": false,\n}\n", 0o644);
    let out = run(bin().args(["check", "--format", "json", "--select", "DM001"]).arg(&p));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(findings(&out).iter().filter(|(_, c)| c == "DM001").count(), 2);
    let p = write(dir.path(), "bad/daemon.json", "{\"icc\": fals}", 0o644);
    let out = run(bin().args(["check", "--color", "never"]).arg(&p));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("daemon.json:1:9") && text.contains("DW001"), "{text}");
    let p =
        write(dir.path(), "huge/daemon.json", &format!("{{\"labels\": [{}\"x\"]}}", "\"a\",".repeat(200_000)), 0o644);
    let out = run(bin().args(["check", "--select", "DM002"]).arg(&p));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn host_root_checks_config_and_files_without_touching_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "etc/docker/daemon.json", r#"{"hosts": ["tcp://0.0.0.0:2375"]}"#, 0o666);
    write(root, "lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd -H fd://\n", 0o644);
    write(root, "etc/group", "docker:x:998:mallory\n", 0o644);
    std::os::unix::fs::symlink("/etc/loop2", root.join("etc/loop1")).unwrap();
    std::os::unix::fs::symlink("/etc/loop1", root.join("etc/loop2")).unwrap();
    std::os::unix::fs::symlink("/etc/loop1", root.join("etc/default")).unwrap();
    let before = std::fs::read(root.join("etc/docker/daemon.json")).unwrap();
    let out = run(bin().args(["check", "--format", "json", "--fix", "--host-root"]).arg(root));
    // The symlink loop at /etc/default is an input error: exit 2, reported, no panic.
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let got = findings(&out);
    let codes: Vec<&str> = got.iter().map(|(_, c)| c.as_str()).collect();
    for want in ["DM005", "DM011", "HO001", "HO003", "DW002"] {
        assert!(codes.contains(&want), "missing {want} in {got:?}");
    }
    assert_eq!(std::fs::read(root.join("etc/docker/daemon.json")).unwrap(), before, "host files are never written");

    let out = run(bin().args(["check", "--host-root", "/nonexistent/dockward-root"]));
    assert_eq!(out.status.code(), Some(2));
}
