//! Who did it, with real components: a second dockerd of the test's own listening on TCP
//! with `--tlsverify` (certificates made here with `openssl`) and on its unix socket,
//! `dockward guard` as its authorization plugin logging to a file, and `dockward watch`
//! on the unix socket following that file (`--guard-log`). The real `docker` CLI creates
//! labelled containers over TLS with a client certificate `CN=alice`, and over the unix
//! socket with none: the watch records name alice for the first and stay `unknown` for
//! the second; a change made over the unix socket to alice's container is not hers.
//!
//! Teardown (drop guards, also on failure): the watcher and the plugin stop by pid, the
//! daemon stops by pid and its data root is unmounted, the plugin socket is removed.

#[path = "../../dockward_engine/tests/support/dockerd.rs"]
mod dockerd;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use dockerd::SecondDockerd;
use serde_json::Value;

const BUSYBOX: &str = "/bin/busybox";
const PLUGIN_DIR: &str = "/run/docker/plugins";
/// The bridge's third octet: distinct from the other tests' second daemons.
const SUBNET: u8 = 85;

/// A child process stopped by pid on drop (SIGTERM, then SIGKILL).
struct Process {
    child: Option<Child>,
    /// Removed after the process stopped (the plugin's socket).
    remove: Option<PathBuf>,
}

impl Process {
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(path) = self.remove.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Stops the daemon, then unmounts what is left of its data root (dockerd bind-mounts it
/// onto itself) before the temp dir is removed.
struct Daemon(Option<SecondDockerd>);

impl Drop for Daemon {
    fn drop(&mut self) {
        let Some(daemon) = self.0.take() else { return };
        let data = daemon.path().join("data").display().to_string();
        let dir = daemon.path().to_path_buf();
        drop(daemon);
        let mounted = || -> Vec<String> {
            std::fs::read_to_string("/proc/self/mounts")
                .unwrap_or_default()
                .lines()
                .filter_map(|l| l.split(' ').nth(1).map(str::to_string))
                .filter(|m| m.starts_with(&data))
                .collect()
        };
        for _ in 0..10 {
            let left = mounted();
            if left.is_empty() {
                break;
            }
            for m in left.iter().rev() {
                let _ = Command::new("umount").arg("-l").arg(m).status();
            }
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl").current_dir(dir).args(args).output().expect("run openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A CA in `dir` (`ca.pem`, `ca-key.pem`).
fn make_ca(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=dockward identity test CA",
            "-keyout",
            "ca-key.pem",
            "-out",
            "ca.pem",
        ],
    );
}

/// `<out>/{cert,key,ca}.pem`: a certificate for `subject` signed by the CA in `ca`, the
/// layout `DOCKER_CERT_PATH` reads.
fn issue(ca: &Path, out: &Path, subject: &str, extensions: &str) {
    std::fs::create_dir_all(out).unwrap();
    std::fs::write(out.join("ext.cnf"), extensions).unwrap();
    openssl(out, &["req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", "key.pem", "-out", "req.csr"]);
    let ca_cert = ca.join("ca.pem").display().to_string();
    let ca_key = ca.join("ca-key.pem").display().to_string();
    openssl(
        out,
        &[
            "x509",
            "-req",
            "-days",
            "2",
            "-in",
            "req.csr",
            "-CA",
            &ca_cert,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-extfile",
            "ext.cnf",
            "-out",
            "cert.pem",
        ],
    );
    std::fs::copy(ca.join("ca.pem"), out.join("ca.pem")).unwrap();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The docker CLI against `host`; `tls`: the client certificate directory.
fn docker(host: &str, tls: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new("docker");
    for v in ["DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"] {
        cmd.env_remove(v);
    }
    if let Some(dir) = tls {
        cmd.env("DOCKER_TLS_VERIFY", "1").env("DOCKER_CERT_PATH", dir);
    }
    cmd.arg("-H").arg(host).args(args).output().expect("run docker")
}

fn docker_ok(host: &str, tls: Option<&Path>, args: &[&str]) -> String {
    let out = docker(host, tls, args);
    assert!(out.status.success(), "docker {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn records(path: &Path) -> Vec<Value> {
    // The last line may be half written.
    std::fs::read_to_string(path).unwrap_or_default().lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
}

fn wait_for(path: &Path, what: &str, want: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(r) = records(path).into_iter().find(&want) {
            return r;
        }
        let all: Vec<String> = records(path).iter().map(Value::to_string).collect();
        assert!(Instant::now() < deadline, "no record {what} in {}:\n{}", path.display(), all.join("\n"));
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn finding_of<'a>(name: &'a str, change: &'a str) -> impl Fn(&Value) -> bool + 'a {
    move |r: &Value| r["kind"] == "watch.finding" && r["object"]["name"] == name && r["change"] == change
}

fn validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/watch.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("docs/watch.schema.json is a valid schema")
}

#[test]
fn watch_records_name_the_tls_user_the_guard_saw_and_nobody_else() {
    for program in ["dockerd", "docker", "openssl"] {
        assert!(dockerd::which(program), "this test needs {program}");
    }
    assert!(Path::new(BUSYBOX).exists(), "this test needs {BUSYBOX}");
    let run = format!("identity-{}", std::process::id());
    let label = format!("dockward.test={run}");
    let tmp = tempfile::Builder::new().prefix("dw-identity").tempdir_in("/tmp").unwrap();
    let d = tmp.path();

    // Certificates: the daemon's (127.0.0.1) and alice's client certificate.
    let ca = d.join("ca");
    make_ca(&ca);
    issue(&ca, &d.join("server"), "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    let alice = d.join("alice");
    issue(&ca, &alice, "/CN=alice", "extendedKeyUsage=clientAuth\n");

    // The guard first (dockerd refuses to start while a configured plugin is missing), in
    // audit mode: every request is allowed and recorded.
    let name = format!("dwtest-{}-{SUBNET}", std::process::id());
    let socket = Path::new(PLUGIN_DIR).join(format!("{name}.sock"));
    let config = d.join("guard.toml");
    std::fs::write(&config, "[guard]\nmode = \"audit\"\n").unwrap();
    let guard_log = d.join("guard.jsonl");
    let guard_err = std::fs::File::create(d.join("guard.err")).unwrap();
    let mut guard = Process {
        child: Some(
            Command::new(env!("CARGO_BIN_EXE_dockward"))
                .args(["guard", "serve", "--socket"])
                .arg(&socket)
                .arg("--config")
                .arg(&config)
                .arg("--log")
                .arg(&guard_log)
                .stdout(Stdio::null())
                .stderr(guard_err)
                .spawn()
                .expect("start dockward guard serve"),
        ),
        remove: Some(socket.clone()),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while !socket.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(socket.exists(), "the guard did not bind {}", socket.display());

    let port = free_port();
    let tcp = format!("tcp://127.0.0.1:{port}");
    let server = d.join("server");
    let flag = |name: &str, file: &str| format!("--{name}={}", server.join(file).display());
    let daemon = Daemon(Some(SecondDockerd::start(
        "{}",
        &[
            "-H".to_string(),
            tcp.clone(),
            "--tlsverify".to_string(),
            format!("--tlscacert={}", ca.join("ca.pem").display()),
            flag("tlscert", "cert.pem"),
            flag("tlskey", "key.pem"),
            format!("--authorization-plugin={name}"),
        ],
        SUBNET,
    )));
    let second = daemon.0.as_ref().unwrap();
    second.wait_for_api();
    let unix = format!("unix://{}", second.socket.display());

    // An image without a registry.
    let root = d.join("rootfs/bin");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::copy(BUSYBOX, root.join("busybox")).unwrap();
    std::os::unix::fs::symlink("busybox", root.join("sleep")).unwrap();
    let tar = d.join("rootfs.tar");
    assert!(Command::new("tar")
        .arg("-C")
        .arg(d.join("rootfs"))
        .args(["-cf"])
        .arg(&tar)
        .arg(".")
        .status()
        .unwrap()
        .success());
    docker_ok(&unix, None, &["import", tar.to_str().unwrap(), "dw-identity/bb:1"]);

    // The watcher on the unix socket, following the guard's log.
    let watch_out = d.join("watch.jsonl");
    let mut watcher = Process {
        child: Some(
            Command::new(env!("CARGO_BIN_EXE_dockward"))
                .args(["watch", "--isolated", "--host", &unix, "--guard-log"])
                .arg(&guard_log)
                .stdout(std::fs::File::create(&watch_out).unwrap())
                .stderr(std::fs::File::create(d.join("watch.err")).unwrap())
                .stdin(Stdio::null())
                .spawn()
                .expect("start dockward watch"),
        ),
        remove: None,
    };
    wait_for(&watch_out, "of the first resync", |r| r["kind"] == "watch.resync");

    // Over TLS with alice's certificate.
    let theirs = format!("dwi-alice-{}", std::process::id());
    let create = |name: &str| -> Vec<String> {
        ["create", "--name", name, "--label", &label, "--network", "none", "dw-identity/bb:1", "sleep", "300"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let args = create(&theirs);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let id = docker_ok(&tcp, Some(&alice), &args);
    let new = wait_for(&watch_out, "of alice's container", finding_of(&theirs, "new"));
    assert_eq!(new["object"]["id"], id.as_str(), "{new}");
    assert_eq!(new["actor"]["identity"]["source"], "tls", "{new}");
    assert_eq!(new["actor"]["identity"]["user"], "alice", "{new}");
    assert_eq!(new["actor"]["identity"]["via"], "dockward guard", "{new}");

    // The guard's trail names the container the daemon made and who made it.
    let outcome = wait_for(&guard_log, "of the create's outcome", |r| {
        r["kind"] == "guard.outcome" && r["action"] == "create" && r["container_name"] == theirs.as_str()
    });
    assert_eq!(outcome["container_id"], id.as_str(), "{outcome}");
    assert_eq!(outcome["user"], "alice");
    assert_eq!(outcome["status"], 201);
    // For bench/README.md: how long after the event the guard logged the outcome.
    eprintln!("create event at {} ns, outcome logged at {}", new["event"]["time_nano"], outcome["time"]);

    // Over the unix socket: no TLS, no identity.
    let anonymous = format!("dwi-anon-{}", std::process::id());
    let args = create(&anonymous);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    docker_ok(&unix, None, &args);
    let new = wait_for(&watch_out, "of the anonymous container", finding_of(&anonymous, "new"));
    assert_eq!(new["actor"], serde_json::json!({"identity": {"source": "unknown"}}), "{new}");
    let outcome = wait_for(&guard_log, "of the anonymous create's outcome", |r| {
        r["kind"] == "guard.outcome" && r["container_name"] == anonymous.as_str()
    });
    assert!(outcome.get("user").is_none(), "{outcome}");

    // A change to alice's container over the unix socket is not hers.
    docker_ok(&unix, None, &["update", "--memory", "64m", "--memory-swap", "64m", &theirs]);
    let changed = wait_for(&watch_out, "of the update", finding_of(&theirs, "changed"));
    assert_eq!(changed["actor"]["identity"]["source"], "unknown", "{changed}");

    // Removed over TLS by alice (by its short id): the resolution is hers.
    docker_ok(&tcp, Some(&alice), &["rm", "-f", &id[..12]]);
    let resolved = wait_for(&watch_out, "of the removal", finding_of(&theirs, "resolved"));
    assert_eq!(resolved["actor"]["identity"]["user"], "alice", "{resolved}");
    docker_ok(&unix, None, &["rm", "-f", &anonymous]);
    let resolved = wait_for(&watch_out, "of the anonymous removal", finding_of(&anonymous, "resolved"));
    assert_eq!(resolved["actor"]["identity"]["source"], "unknown", "{resolved}");

    watcher.stop();
    guard.stop();
    let all = records(&watch_out);
    let v = validator();
    for r in &all {
        let errors: Vec<String> = v.iter_errors(r).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{r}\n{errors:?}");
    }
    // Nobody else got a name: only records about alice's TLS requests carry one.
    let named: Vec<(&Value, &Value)> = all
        .iter()
        .filter(|r| r["actor"]["identity"]["source"] == "tls")
        .map(|r| (&r["object"]["name"], &r["change"]))
        .collect();
    assert_eq!(named.len(), 2, "{named:?}");
    assert!(named.iter().all(|(n, _)| *n == theirs.as_str()), "{named:?}");
}
