//! `dockward audit` over `ssh://`, end to end: the test starts its own sshd on 127.0.0.1
//! (host key, configuration and authorized keys in a temp dir) and points the system
//! `ssh` at a temp client configuration through a wrapper script first on PATH, so
//! neither /etc/ssh nor ~/.ssh is read or written. The remote is this machine: `docker
//! system dial-stdio` reaches the shared daemon, where a labelled fixture container is
//! audited through ssh and through the socket.

#[path = "../../dockward_engine/tests/support/mod.rs"]
mod fixture;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use fixture::Fixture;
use serde_json::Value;

const SSHD: &str = "/usr/sbin/sshd";
const SSH: &str = "/usr/bin/ssh";

/// An sshd of the test's own, killed on drop.
struct Sshd {
    dir: tempfile::TempDir,
    port: u16,
    child: Child,
}

fn keygen(path: &Path, passphrase: &str) {
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", passphrase, "-C", "dockward-test", "-f"])
        .arg(path)
        .output()
        .expect("ssh-keygen (openssh-client)");
    assert!(out.status.success(), "ssh-keygen: {}", String::from_utf8_lossy(&out.stderr));
}

fn public_key(path: &Path) -> String {
    std::fs::read_to_string(path.with_extension("pub")).unwrap().trim().to_string()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Sshd {
    /// Keys in the temp dir: `client` (authorized), `nodocker` (authorized, but its
    /// sessions get a PATH without `docker`), `locked` (authorized, protected by a
    /// passphrase ssh would ask for without BatchMode), `stranger` (not authorized).
    fn start() -> Self {
        assert!(
            Path::new(SSHD).exists() && Path::new(SSH).exists(),
            "these tests need {SSHD} and {SSH}: apt-get install -y openssh-server openssh-client (see .ci/run)"
        );
        // sshd's privilege-separation directory.
        std::fs::create_dir_all("/run/sshd").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        keygen(&d.join("host_key"), "");
        keygen(&d.join("client"), "");
        keygen(&d.join("nodocker"), "");
        keygen(&d.join("locked"), "not-in-batch-mode");
        keygen(&d.join("stranger"), "");
        let authorized = format!(
            "{}\n{}\nenvironment=\"PATH=/nonexistent\" {}\n",
            public_key(&d.join("client")),
            public_key(&d.join("locked")),
            public_key(&d.join("nodocker"))
        );
        std::fs::write(d.join("authorized_keys"), authorized).unwrap();
        let port = free_port();
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {dir}/host_key\nPidFile {dir}/sshd.pid\n\
             AuthorizedKeysFile {dir}/authorized_keys\nStrictModes no\nPermitRootLogin prohibit-password\n\
             PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nPermitUserEnvironment yes\n",
            dir = d.display()
        );
        std::fs::write(d.join("sshd_config"), config).unwrap();
        let log = std::fs::File::create(d.join("sshd.log")).unwrap();
        let child = Command::new(SSHD)
            .args(["-D", "-e", "-f"])
            .arg(d.join("sshd_config"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start sshd");
        let mut sshd = Sshd { dir, port, child };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = sshd.child.try_wait() {
                panic!("sshd exited ({status}): {}", sshd.log());
            }
            assert!(started.elapsed() < Duration::from_secs(15), "sshd did not listen: {}", sshd.log());
            std::thread::sleep(Duration::from_millis(50));
        }
        sshd
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sshd.log")).unwrap_or_default()
    }

    fn url(&self) -> String {
        format!("ssh://root@127.0.0.1:{}", self.port)
    }

    /// A directory holding an `ssh` wrapper that uses a client configuration of its own:
    /// `key` as the only identity, `known_hosts` in the temp dir.
    fn client(&self, name: &str, key: &str, known_hosts: Option<&str>) -> PathBuf {
        let d = self.dir.path();
        let bin = d.join(format!("bin-{name}"));
        std::fs::create_dir_all(&bin).unwrap();
        let known = d.join(format!("known_hosts-{name}"));
        std::fs::write(&known, known_hosts.unwrap_or("")).unwrap();
        let config = d.join(format!("ssh_config-{name}"));
        std::fs::write(
            &config,
            format!(
                "Host *\n  IdentityFile {}\n  IdentitiesOnly yes\n  UserKnownHostsFile {}\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking accept-new\n",
                d.join(key).display(),
                known.display()
            ),
        )
        .unwrap();
        let wrapper = bin.join("ssh");
        let mut f = std::fs::File::create(&wrapper).unwrap();
        writeln!(f, "#!/bin/sh\nexec {SSH} -F {} \"$@\"", config.display()).unwrap();
        drop(f);
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
        bin
    }

    /// This sshd's host key line for `known_hosts`, with another key in its place.
    fn wrong_known_host(&self) -> String {
        let other = self.dir.path().join("impostor");
        keygen(&other, "");
        format!("[127.0.0.1]:{} {}\n", self.port, public_key(&other))
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `dockward audit` with `ssh_bin` (a wrapper directory) first on PATH and no agent.
fn audit(ssh_bin: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dockward"));
    cmd.arg("audit").arg("--isolated").args(args);
    cmd.env_remove("DOCKER_HOST").env_remove("DOCKER_CONTEXT").env_remove("SSH_AUTH_SOCK");
    cmd.stdin(Stdio::null());
    if let Some(bin) = ssh_bin {
        cmd.env("PATH", format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default()));
    }
    cmd.output().expect("run dockward")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `(code, scope/path)` of every finding whose scope is in `scopes`, sorted.
fn findings_in(o: &Output, scopes: &[String]) -> Vec<(String, String)> {
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("bad json ({e}): {}{}", String::from_utf8_lossy(&o.stdout), stderr(o)));
    let mut got: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            let l = &f["logical"];
            let scope = l["scope"].as_str()?;
            scopes
                .iter()
                .any(|s| scope.ends_with(s.as_str()))
                .then(|| (f["code"].as_str().unwrap().to_string(), format!("{scope}/{}", l["path"].as_str().unwrap())))
        })
        .collect();
    got.sort();
    got
}

#[test]
fn ssh_audit_finds_what_the_socket_audit_finds() {
    let sshd = Sshd::start();
    let mut fx = Fixture::new();
    let base = fx.base_image();
    let name = fx
        .create("ssh", &["--privileged", "-p", "18090:80", "-e", "DB_PASSWORD=ssh-s3cret-42", &base, "sleep", "1000"]);
    let label = fx.label();
    let scopes = [format!("container/{name}"), format!("image/{base}")];
    let args = |host: &str| -> Vec<String> {
        ["--host", host, "--label", &label, "--format", "json", "--select", "CT,IM"].map(String::from).to_vec()
    };
    let run = |bin: Option<&Path>, host: &str| {
        let a = args(host);
        audit(bin, &a.iter().map(String::as_str).collect::<Vec<_>>())
    };

    let socket = run(None, "unix:///var/run/docker.sock");
    assert_eq!(socket.status.code(), Some(1), "{}", stderr(&socket));
    let want = findings_in(&socket, &scopes);
    assert!(
        want.iter().any(|(c, l)| c == "CT001" && l == &format!("container/{name}/HostConfig.Privileged")),
        "{want:?}"
    );
    assert!(want.iter().any(|(c, _)| c == "CT021"), "{want:?}");

    let client = sshd.client("good", "client", None);
    let over_ssh = run(Some(&client), &sshd.url());
    assert_eq!(over_ssh.status.code(), Some(1), "{}\nsshd: {}", stderr(&over_ssh), sshd.log());
    assert_eq!(findings_in(&over_ssh, &scopes), want);
    assert!(!String::from_utf8_lossy(&over_ssh.stdout).contains("ssh-s3cret-42"));
    // The summary names the host it audited.
    let summary = run_text(&client, &sshd.url(), &label);
    assert!(summary.contains(&sshd.url()), "{summary}");

    // A Docker context naming the ssh endpoint reaches the same engine.
    let config = tempfile::tempdir().unwrap();
    let meta = config.path().join("contexts/meta").join(dockward_engine_context_dir("lab-ssh"));
    std::fs::create_dir_all(&meta).unwrap();
    let context = serde_json::json!({"Name": "lab-ssh", "Metadata": {}, "Endpoints": {"docker": {"Host": sshd.url()}}});
    std::fs::write(meta.join("meta.json"), context.to_string()).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dockward"));
    cmd.args([
        "audit",
        "--isolated",
        "--context",
        "lab-ssh",
        "--label",
        &label,
        "--format",
        "json",
        "--select",
        "CT,IM",
    ])
    .env("DOCKER_CONFIG", config.path())
    .env("PATH", format!("{}:{}", client.display(), std::env::var("PATH").unwrap_or_default()))
    .env_remove("DOCKER_HOST")
    .env_remove("SSH_AUTH_SOCK")
    .stdin(Stdio::null());
    let via_context = cmd.output().unwrap();
    assert_eq!(via_context.status.code(), Some(1), "{}", stderr(&via_context));
    assert_eq!(findings_in(&via_context, &scopes), want);
}

fn run_text(client: &Path, host: &str, label: &str) -> String {
    let out = audit(Some(client), &["--host", host, "--label", label, "--select", "CT"]);
    stderr(&out) + &String::from_utf8_lossy(&out.stdout)
}

/// The directory name the Docker CLI stores a context under (SHA-256 of the name).
fn dockward_engine_context_dir(name: &str) -> String {
    dockward_engine::connect::context_dir_name(name)
}

#[test]
fn ssh_failures_exit_2_with_one_clear_line_and_never_prompt() {
    let sshd = Sshd::start();
    let one_line = |out: &Output, url: &str, want: &str| {
        assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
        let err = stderr(out);
        let line = err.lines().find(|l| l.contains("cannot audit")).unwrap_or_else(|| panic!("{err}"));
        assert!(line.starts_with(&format!("dockward: cannot audit {url}: ")), "{err}");
        assert!(line.contains(want), "want `{want}` in: {err}");
    };

    // Nothing listens on the port.
    let dead = format!("ssh://root@127.0.0.1:{}", free_port());
    let good = sshd.client("good", "client", None);
    one_line(&audit(Some(&good), &["--host", &dead]), &dead, "ssh: connection refused by root@127.0.0.1:");

    // The server does not accept the key.
    let stranger = sshd.client("stranger", "stranger", None);
    one_line(
        &audit(Some(&stranger), &["--host", &sshd.url()]),
        &sshd.url(),
        "ssh: authentication failed for root@127.0.0.1:",
    );
    let out = audit(Some(&stranger), &["--host", &sshd.url()]);
    assert!(stderr(&out).contains("BatchMode=yes"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("`docker` group"), "not a socket permission problem: {}", stderr(&out));

    // An accepted key behind a passphrase: under a terminal, plain ssh asks for it and
    // waits; dockward's ssh must fail at once instead.
    let locked = sshd.client("locked", "locked", None);
    let on_tty = |command: String| {
        let out = Command::new("script")
            .args(["-qc", &format!("{command} </dev/null; echo \"exit=$?\""), "/dev/null"])
            .env("PATH", format!("{}:{}", locked.display(), std::env::var("PATH").unwrap_or_default()))
            .env_remove("SSH_AUTH_SOCK")
            .env_remove("DOCKER_HOST")
            .output()
            .expect("script (util-linux)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let plain = on_tty(format!("timeout --foreground 5 ssh -p {} root@127.0.0.1 true", sshd.port));
    assert!(plain.contains("Enter passphrase for key"), "the control case prompts: {plain}");
    let started = Instant::now();
    let tty = on_tty(format!(
        "timeout --foreground 60 {} audit --isolated --host {}",
        env!("CARGO_BIN_EXE_dockward"),
        sshd.url()
    ));
    assert!(tty.contains("exit=2"), "{tty}");
    assert!(tty.contains("ssh: authentication failed for root@127.0.0.1:"), "{tty}");
    assert!(!tty.contains("passphrase for"), "prompted: {tty}");
    assert!(started.elapsed() < Duration::from_secs(30), "took {:?}", started.elapsed());

    // Authenticated, but `docker` is not in the remote PATH.
    let nodocker = sshd.client("nodocker", "nodocker", None);
    one_line(&audit(Some(&nodocker), &["--host", &sshd.url()]), &sshd.url(), "`docker` not found on root@127.0.0.1:");

    // known_hosts holds another key for this host and port.
    let changed = sshd.client("changed", "client", Some(&sshd.wrong_known_host()));
    one_line(&audit(Some(&changed), &["--host", &sshd.url()]), &sshd.url(), "ssh: host key verification failed for");
    let out = audit(Some(&changed), &["--host", &sshd.url()]);
    assert!(stderr(&out).contains(&format!("ssh-keygen -R '[127.0.0.1]:{}'", sshd.port)), "{}", stderr(&out));

    // A server that accepts the connection and never speaks: --timeout bounds it.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let stalled = format!("ssh://root@127.0.0.1:{}", silent.local_addr().unwrap().port());
    std::thread::spawn(move || {
        let held: Vec<TcpStream> = silent.incoming().map_while(Result::ok).collect();
        drop(held);
    });
    let started = Instant::now();
    let out = audit(Some(&good), &["--host", &stalled, "--timeout", "2"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("did not connect within 2s") || err.contains("timed out during banner exchange"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(15), "took {:?}", started.elapsed());
}

#[test]
fn a_fleet_with_a_dead_ssh_host_audits_the_live_one() {
    let sshd = Sshd::start();
    let mut fx = Fixture::new();
    let base = fx.base_image();
    let name = fx.create("fleet", &["--privileged", &base, "sleep", "1000"]);
    let good = sshd.client("good", "client", None);
    let dead = format!("ssh://root@127.0.0.1:{}", free_port());
    let label = fx.label();
    let out = audit(
        Some(&good),
        &["--host", &sshd.url(), "--host", &dead, "--label", &label, "--format", "json", "--select", "CT001"],
    );
    assert_eq!(out.status.code(), Some(1), "one host down is not exit 2: {}", stderr(&out));
    assert_eq!(
        findings_in(&out, &[format!("container/{name}")]),
        [("CT001".to_string(), format!("{}/container/{name}/HostConfig.Privileged", sshd.url()))]
    );
    assert!(stderr(&out).contains(&format!("cannot audit {dead}: ssh: connection refused")), "{}", stderr(&out));
}
