//! Throughput of the daemon and host checks (run by `bench/daemon.sh`).
//!
//! 1. `daemon.json` files/s: 2,000 generated files (one-line and pretty, with and
//!    without problems), each checked with every rule enabled, 20 passes, one thread.
//! 2. Host-root scan time: a fixture root tree in a temp dir (units, drop-ins,
//!    daemon.json with TLS files, 200 registry certificates, group, audit rules,
//!    mountinfo), `check_host` 200 times; median and best.

use std::time::Instant;

use dockward_linter::check::FixMode;
use dockward_linter::daemon::check_daemon_json_bytes;
use dockward_linter::host::check_host;
use dockward_linter::settings::SettingsBuilder;

/// Nanoseconds this thread has run on a CPU (Linux `/proc/thread-self/schedstat`), so
/// figures stay meaningful on a loaded machine; 0 where unavailable.
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn daemon_json(i: usize) -> String {
    let hosts =
        if i.is_multiple_of(3) { r#"["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"]"# } else { r#"["fd://"]"# };
    let body = format!(
        r#""icc": {icc}, "live-restore": {lr}, "log-level": "{lvl}", "hosts": {hosts},
  "log-driver": "json-file", "log-opts": {{"max-size": "{i}m", "max-file": "3", "labels": "app,tier"}},
  "insecure-registries": ["127.0.0.0/8", "10.{a}.0.0/16"], "storage-driver": "overlay2",
  "default-ulimits": {{"nofile": {{"Name": "nofile", "Soft": 1024, "Hard": 4096}}}},
  "registry-mirrors": ["https://mirror-{i}.example.com"], "userns-remap": "default", "live-restor": true"#,
        icc = i.is_multiple_of(2),
        lr = !i.is_multiple_of(5),
        lvl = if i.is_multiple_of(7) { "debug" } else { "info" },
        a = i % 256,
    );
    if i.is_multiple_of(2) {
        format!("{{{}}}", body.replace('\n', ""))
    } else {
        format!("{{\n  {body}\n}}\n")
    }
}

fn main() {
    let settings = SettingsBuilder { select: Some(vec!["ALL".into()]), ..Default::default() }.build();
    let files: Vec<String> = (0..2000).map(daemon_json).collect();
    let bytes: usize = files.iter().map(String::len).sum();
    let passes = 20;
    let mut findings = 0;
    let start = Instant::now();
    let cpu_start = cpu_ns();
    for _ in 0..passes {
        for f in &files {
            findings +=
                check_daemon_json_bytes("daemon.json", None, f.as_bytes(), &settings, FixMode::Off).diagnostics.len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu_secs = (cpu_ns() - cpu_start) as f64 / 1e9;
    let n = (files.len() * passes) as f64;
    println!(
        "daemon.json: {} files x {passes} passes ({:.1} KiB each on average), {:.0} files/s wall, {:.0} files per CPU-second, {:.1} MiB/s wall, {findings} findings",
        files.len(),
        bytes as f64 / files.len() as f64 / 1024.0,
        n / secs,
        n / cpu_secs,
        (bytes * passes) as f64 / secs / (1024.0 * 1024.0)
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let w = |p: &str, text: &str| {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    w("etc/docker/daemon.json", &daemon_json(1).replace(", \"live-restor\": true", "").replace(
        "\"icc\"",
        "\"tlsverify\": true, \"tlscacert\": \"/etc/docker/tls/ca.pem\", \"tlscert\": \"/etc/docker/tls/cert.pem\", \"tlskey\": \"/etc/docker/tls/key.pem\", \"icc\"",
    ));
    for f in ["ca.pem", "cert.pem", "key.pem"] {
        w(&format!("etc/docker/tls/{f}"), "pem");
    }
    w("lib/systemd/system/docker.service", "[Unit]\nDescription=Docker\n[Service]\nExecStart=/usr/bin/dockerd -H fd:// \\\n  --containerd=/run/containerd/containerd.sock\n");
    w("lib/systemd/system/docker.socket", "[Socket]\nListenStream=/run/docker.sock\n");
    w(
        "etc/systemd/system/docker.service.d/override.conf",
        "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --containerd=/run/containerd/containerd.sock\n",
    );
    for i in 0..200 {
        w(&format!("etc/docker/certs.d/registry-{i}.example.com:5000/ca.crt"), "cert");
    }
    let mut group = String::new();
    for i in 0..500 {
        group.push_str(&format!("group{i}:x:{}:user{i}\n", 2000 + i));
    }
    group.push_str("docker:x:998:alice,bob,ci\n");
    w("etc/group", &group);
    let mut audit = String::new();
    for p in ["/usr/bin/dockerd", "/etc/docker", "/var/lib/docker", "/usr/bin/runc", "/run/containerd"] {
        audit.push_str(&format!("-w {p} -p rwxa -k docker\n"));
    }
    for i in 0..300 {
        audit.push_str(&format!("-a always,exit -F path=/usr/local/bin/tool{i} -F perm=x -k tools\n"));
    }
    w("etc/audit/rules.d/docker.rules", &audit);
    for b in ["dockerd", "containerd", "runc", "containerd-shim-runc-v2"] {
        w(&format!("usr/bin/{b}"), "");
    }
    let mut mounts = String::from("22 1 8:1 / / rw - ext4 /dev/sda1 rw\n");
    for i in 0..100 {
        mounts.push_str(&format!("{} 22 0:{i} / /mnt/m{i} rw - tmpfs t rw\n", 100 + i));
    }
    w("proc/self/mountinfo", &mounts);

    let runs = 200;
    let mut times = Vec::with_capacity(runs);
    let mut host_findings = 0;
    let cpu_start = cpu_ns();
    for _ in 0..runs {
        let t = Instant::now();
        let reports = check_host(root, &settings).expect("host root");
        times.push(t.elapsed().as_secs_f64());
        host_findings = reports.iter().map(|r| r.diagnostics.len()).sum();
    }
    let cpu_ms = (cpu_ns() - cpu_start) as f64 / 1e6 / runs as f64;
    times.sort_by(f64::total_cmp);
    println!(
        "host root: {runs} scans, median {:.2} ms wall, best {:.2} ms, {cpu_ms:.2} ms CPU per scan, {host_findings} findings per scan",
        times[runs / 2] * 1e3,
        times[0] * 1e3
    );
}
