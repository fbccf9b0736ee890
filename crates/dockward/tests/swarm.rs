//! `dockward audit` of a swarm manager, end to end. The shared daemon is never put in
//! swarm mode: this test starts a second dockerd of its own (own data root, exec root,
//! pidfile, socket and bridge interface, `--iptables=false`, never `--bridge=none`;
//! see `dockward_engine/tests/support/dockerd.rs`), runs `swarm init` on it bound to
//! 127.0.0.1, creates an insecure service, an unencrypted overlay network and a
//! secret, audits it, and stops it.

#[path = "../../dockward_engine/tests/support/dockerd.rs"]
mod dockerd;
#[path = "support/report.rs"]
mod report;

use std::net::{TcpListener, UdpSocket};
use std::path::Path;
use std::process::{Command, Stdio};

use dockerd::SecondDockerd;
use report::{audit, findings};
use serde_json::Value;

const BUSYBOX: &str = "/bin/busybox";

/// Leaves the swarm (which removes its services, networks and secrets with it) before
/// the daemon stops.
struct LeaveSwarm(String);

impl Drop for LeaveSwarm {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["-H", &self.0, "swarm", "leave", "--force"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// `swarm init` makes the daemon create `docker_gwbridge` in the host's network namespace
/// (a second dockerd shares it), and the daemon leaves it behind when it stops. Deleted on
/// drop, after the daemon, only when it did not exist before the test: a host's own
/// swarm keeps its bridge.
struct GatewayBridge {
    existed: bool,
}

impl GatewayBridge {
    const NAME: &'static str = "docker_gwbridge";

    fn note() -> Self {
        GatewayBridge { existed: Path::new("/sys/class/net").join(Self::NAME).exists() }
    }
}

impl Drop for GatewayBridge {
    fn drop(&mut self) {
        if !self.existed {
            let _ = Command::new("ip").args(["link", "delete", Self::NAME]).stderr(Stdio::null()).status();
        }
    }
}

fn docker(host: &str, args: &[&str]) -> String {
    let out = Command::new("docker").arg("-H").arg(host).args(args).output().expect("run docker");
    assert!(out.status.success(), "docker {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn free_tcp_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn free_udp_port() -> u16 {
    // `--data-path-port` must be within 1024-49151.
    (20000..49151).find(|p| UdpSocket::bind(("0.0.0.0", *p)).is_ok()).expect("a free udp port")
}

#[test]
fn a_swarm_manager_is_audited_without_leaking_its_tokens() {
    assert!(Path::new("/usr/sbin/dockerd").exists(), "this test needs dockerd");
    assert!(Path::new(BUSYBOX).exists(), "this test needs {BUSYBOX}");
    // The gossip port is fixed: a swarm already on this machine would hold it.
    assert!(TcpListener::bind("127.0.0.1:7946").is_ok(), "port 7946 is taken; cannot start a test swarm");
    // Dropped last: the daemon has stopped by then.
    let _gateway = GatewayBridge::note();
    // Its own (empty) daemon.json, not the host's /etc/docker/daemon.json.
    let daemon = SecondDockerd::start("{}", &[], 79);
    daemon.wait_for_api();
    let d = daemon.path();
    let host = format!("unix://{}", daemon.socket.display());
    let leave = LeaveSwarm(host.clone());

    // An image for the service (nothing can be pulled).
    let root = d.join("rootfs");
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::copy(BUSYBOX, root.join("bin/busybox")).unwrap();
    std::os::unix::fs::symlink("busybox", root.join("bin/sleep")).unwrap();
    let tar = d.join("rootfs.tar");
    assert!(Command::new("tar").arg("-C").arg(&root).arg("-cf").arg(&tar).arg(".").status().unwrap().success());
    docker(&host, &["import", tar.to_str().unwrap(), "dw-swarm:base"]);

    let manager_port = free_tcp_port();
    let data_port = free_udp_port().to_string();
    docker(
        &host,
        &[
            "swarm",
            "init",
            "--listen-addr",
            &format!("127.0.0.1:{manager_port}"),
            "--advertise-addr",
            "127.0.0.1",
            "--data-path-port",
            &data_port,
            "--default-addr-pool",
            "10.215.0.0/16",
            "--cert-expiry",
            "8760h",
        ],
    );
    let secrets = [
        docker(&host, &["swarm", "join-token", "-q", "worker"]),
        docker(&host, &["swarm", "join-token", "-q", "manager"]),
    ];
    assert!(secrets.iter().all(|t| t.starts_with("SWMTKN-")), "{secrets:?}");
    docker(&host, &["network", "create", "-d", "overlay", "backend"]);
    let secret_file = d.join("secret.txt");
    std::fs::write(&secret_file, "dw-swarm-data-7f3a9c").unwrap();
    docker(&host, &["secret", "create", "db_password", secret_file.to_str().unwrap()]);
    docker(
        &host,
        &[
            "service",
            "create",
            "--detach",
            "--no-resolve-image",
            "--name",
            "web",
            "--cap-add",
            "SYS_ADMIN",
            "--publish",
            "8080:80",
            "--env",
            "API_TOKEN=dw-swarm-env-9c1e4b",
            "--user",
            "root",
            "--network",
            "backend",
            "--secret",
            "db_password",
            "--limit-memory",
            "64m",
            "dw-swarm:base",
            "sleep",
            "600",
        ],
    );

    // The engine's view: the CA's notBefore read from the v3 certificate of a real
    // swarm, the node's manager address, the service as a spec.
    let endpoint =
        dockward_engine::Endpoint { label: "swarm".into(), host: host.clone(), tls: None, skip_tls_verify: false };
    let options = dockward_engine::AuditOptions { read_local_config: false, ..Default::default() };
    let snap = dockward_engine::read_endpoints(&[endpoint], &options).pop().unwrap().unwrap();
    let sw = snap.swarm.as_ref().expect("a swarm view");
    let cluster = sw.cluster.as_ref().expect("cluster settings on a manager");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let issued = cluster.ca_not_before.as_ref().expect("the CA's notBefore").value;
    // swarmkit backdates a new CA's notBefore by up to a day against clock skew.
    assert!(issued <= now && now - issued < 2 * 86400, "notBefore {issued}, now {now}");
    assert_eq!(cluster.node_cert_expiry_secs.as_ref().map(|v| v.value), Some(8760 * 3600));
    assert_eq!(cluster.data_path_port.as_ref().map(|v| v.value.to_string()), Some(data_port.clone()));
    assert_eq!(sw.nodes.len(), 1);
    assert_eq!(sw.nodes[0].manager_addr.as_ref().map(|a| a.value.clone()), Some(format!("127.0.0.1:{manager_port}")));
    assert_eq!(sw.services.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["web"]);
    assert_eq!(sw.secrets, ["db_password"]);

    let out = audit(&["-H", &host, "--format", "json"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let got = findings(&out);
    let of = |prefix: &str| -> Vec<(String, String)> {
        let mut v: Vec<_> = got.iter().filter(|(c, _)| c.starts_with(prefix)).cloned().collect();
        v.sort();
        v
    };
    let pair = |c: &str, at: &str| (c.to_string(), at.to_string());
    assert_eq!(
        of("SW"),
        [
            pair("SW001", "swarm/Info.Swarm.LocalNodeState"),
            pair("SW004", "swarm/Spec.EncryptionConfig.AutoLockManagers"),
            pair("SW005", "swarm/Spec.CAConfig.NodeCertExpiry"),
        ],
        "{err}"
    );
    assert_eq!(of("NW003"), [pair("NW003", "network/backend/Driver")]);
    // The CT rules over the service, at its spec's fields; what a service cannot set
    // (privileged, host namespaces, devices) is never reported, and its memory limit
    // and network are seen (no CT007, no CT019).
    let cs = "service/web/Spec.TaskTemplate.ContainerSpec";
    let mut service: Vec<_> = got.iter().filter(|(_, at)| at.starts_with("service/")).cloned().collect();
    service.sort();
    assert_eq!(
        service,
        [
            pair("CT002", &format!("{cs}.CapabilityAdd[0]")),
            pair("CT003", cs),
            pair("CT004", cs),
            pair("CT005", cs),
            pair("CT008", cs),
            pair("CT009", cs),
            pair("CT017", "service/web/Spec.EndpointSpec.Ports[0]"),
            pair("CT020", &format!("{cs}.User")),
            pair("CT021", &format!("{cs}.Env[0]")),
        ]
    );
    assert!(err.contains("swarm manager: 1 nodes, 1 services, 1 secrets, 0 configs"), "{err}");

    // The CIS scorecard judges section 7 from what the manager reported.
    // This manager runs here, so its machine's listening sockets (`/proc/net/tcp`) judge
    // 7.2: it listens on 127.0.0.1 only.
    let card = audit(&["-H", &host, "--format", "cis-json"]);
    let v: Value = serde_json::from_slice(&card.stdout).unwrap();
    let no_host = audit(&["-H", &host, "--format", "cis-json", "--no-host-files"]);
    let without_host_files: Value = serde_json::from_slice(&no_host.stdout).unwrap();
    let control = without_host_files["controls"].as_array().unwrap().iter().find(|c| c["id"] == "7.2").cloned();
    assert_eq!(control.unwrap()["status"], "not-checked", "no host files, no listening sockets to judge");
    let status = |id: &str| {
        v["controls"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let statuses: Vec<(&str, String)> =
        ["5.1", "7.1", "7.2", "7.3", "7.5", "7.7", "7.8"].iter().map(|id| (*id, status(id))).collect();
    assert_eq!(
        statuses,
        [
            ("5.1", "fail".to_string()),
            ("7.1", "pass".to_string()),
            ("7.2", "pass".to_string()),
            ("7.3", "fail".to_string()),
            ("7.5", "fail".to_string()),
            ("7.7", "fail".to_string()),
            ("7.8", "pass".to_string()),
        ]
    );

    // With the host's sockets (a copy of this machine's proc/net/tcp, where the test
    // manager listens on 127.0.0.1, plus one gossip socket on every interface).
    let host_root = d.join("root");
    std::fs::create_dir_all(host_root.join("proc/net")).unwrap();
    let mut tcp = std::fs::read_to_string("/proc/net/tcp").unwrap();
    let ours = format!("0100007F:{manager_port:04X} 00000000:0000 0A");
    assert!(tcp.contains(&ours), "the manager listens on 127.0.0.1:{manager_port}:\n{tcp}");
    tcp.push_str("  99: 00000000:1F0A 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\n");
    std::fs::write(host_root.join("proc/net/tcp"), &tcp).unwrap();
    let line = tcp.lines().count();
    let root_arg = host_root.to_str().unwrap();
    let out = audit(&["-H", &host, "--host-root", root_arg, "--format", "json", "--select", "SW003"]);
    assert_eq!(findings(&out), [pair("SW003", &format!("{root_arg}/proc/net/tcp:{line}"))]);
    let card = audit(&["-H", &host, "--host-root", root_arg, "--format", "cis-json", "--select", "SW,NW"]);
    let v: Value = serde_json::from_slice(&card.stdout).unwrap();
    let c72 = v["controls"].as_array().unwrap().iter().find(|c| c["id"] == "7.2").unwrap().clone();
    assert_eq!(c72["status"], "fail");

    // Auto-lock: the finding goes, and the unlock key is never printed either.
    let unlock = docker(&host, &["swarm", "update", "--autolock=true"]);
    let key = unlock.split_whitespace().find(|w| w.starts_with("SWMKEY-")).expect("an unlock key").to_string();
    let mut outputs = Vec::new();
    for format in ["text", "json", "sarif", "junit", "github", "cis", "cis-json"] {
        let o = audit(&["-H", &host, "--format", format]);
        outputs.push((format, String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)));
    }
    let json = audit(&["-H", &host, "--format", "json"]);
    assert!(!findings(&json).iter().any(|(c, _)| c == "SW004"));
    for (format, text) in &outputs {
        for secret in secrets.iter().chain([&key]) {
            assert!(!text.contains(secret.as_str()), "{format} output shows a swarm token or key");
        }
        assert!(!text.contains("dw-swarm-env-9c1e4b"), "{format} output shows the service's secret env value");
        let at = text.find("dw-swarm-data-7f3a9c");
        assert!(
            at.is_none(),
            "{format} output shows the secret's data: {}",
            &text[at.unwrap_or(0).saturating_sub(300)..]
        );
    }
    drop(leave);
    drop(daemon);
}
