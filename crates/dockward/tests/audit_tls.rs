//! `dockward audit` over TCP with TLS against a real second dockerd that requires client
//! certificates (`--tlsverify`): through `DOCKER_HOST` + `DOCKER_TLS_VERIFY` +
//! `DOCKER_CERT_PATH` and through a Docker context with TLS material, and the TLS
//! failures (a server certificate the client's CA did not sign, a client certificate
//! the daemon does not trust, plain HTTP to a TLS port) as clear errors with exit code 2.
//! Certificates are made for the test with the `openssl` command.

#[path = "../../dockward_engine/tests/support/dockerd.rs"]
mod dockerd;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dockerd::SecondDockerd;
use serde_json::Value;

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl").current_dir(dir).args(args).output().expect("run openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A certificate authority (`ca.pem`, `ca-key.pem` in `dir`) that signs certificates.
struct Ca {
    dir: PathBuf,
}

impl Ca {
    fn new(dir: PathBuf, name: &str) -> Self {
        std::fs::create_dir_all(&dir).unwrap();
        let subject = format!("/CN=dockward test {name} CA");
        openssl(
            &dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                &subject,
                "-keyout",
                "ca-key.pem",
                "-out",
                "ca.pem",
            ],
        );
        Ca { dir }
    }
}

/// Writes `<out>/{cert,key}.pem` signed by `ca` with the given extensions, and a copy of
/// the CA certificate a client would trust as `<out>/ca.pem`.
fn issue(ca: &Path, trusted_ca: &Path, out: &Path, subject: &str, extensions: &str) {
    std::fs::create_dir_all(out).unwrap();
    std::fs::write(out.join("ext.cnf"), extensions).unwrap();
    let key = out.join("key.pem");
    let csr = out.join("req.csr");
    let cert = out.join("cert.pem");
    openssl(
        out,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            subject,
            "-keyout",
            key.to_str().unwrap(),
            "-out",
            csr.to_str().unwrap(),
        ],
    );
    openssl(
        out,
        &[
            "x509",
            "-req",
            "-days",
            "2",
            "-in",
            csr.to_str().unwrap(),
            "-CA",
            ca.join("ca.pem").to_str().unwrap(),
            "-CAkey",
            ca.join("ca-key.pem").to_str().unwrap(),
            "-CAcreateserial",
            "-extfile",
            out.join("ext.cnf").to_str().unwrap(),
            "-out",
            cert.to_str().unwrap(),
        ],
    );
    std::fs::copy(trusted_ca.join("ca.pem"), out.join("ca.pem")).unwrap();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn audit(env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dockward"));
    cmd.arg("audit").arg("--isolated").args(args).env_remove("DOCKER_HOST").env_remove("DOCKER_CONTEXT");
    for v in ["DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONFIG"] {
        cmd.env_remove(v);
    }
    cmd.envs(env.iter().copied());
    cmd.output().expect("run dockward")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn findings(o: &Output) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("bad json ({e}): {}\n{}", String::from_utf8_lossy(&o.stdout), stderr(o)));
    v["findings"].as_array().unwrap().clone()
}

fn codes(o: &Output) -> Vec<String> {
    findings(o).iter().map(|f| f["code"].as_str().unwrap().to_string()).collect()
}

/// A Docker CLI config dir with one context `name` at `host` whose TLS material is
/// copied from `tls` (the layout `docker context create --docker host=...,ca=...` makes).
fn write_context(config: &Path, name: &str, host: &str, tls: &Path) {
    let out = Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(name.as_bytes())?;
            child.wait_with_output()
        })
        .expect("run sha256sum");
    let id = String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap().to_string();
    let meta = config.join("contexts/meta").join(&id);
    std::fs::create_dir_all(&meta).unwrap();
    let json = serde_json::json!({
        "Name": name,
        "Metadata": {},
        "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": false}}
    });
    std::fs::write(meta.join("meta.json"), json.to_string()).unwrap();
    let tls_dir = config.join("contexts/tls").join(&id).join("docker");
    std::fs::create_dir_all(&tls_dir).unwrap();
    for f in ["ca.pem", "cert.pem", "key.pem"] {
        std::fs::copy(tls.join(f), tls_dir.join(f)).unwrap();
    }
    std::fs::write(config.join("config.json"), r#"{"currentContext": "default"}"#).unwrap();
}

#[test]
fn tls_daemon_is_audited_with_client_certificates_and_tls_failures_are_clear() {
    let pki = tempfile::tempdir().unwrap();
    let p = pki.path();
    let ca = Ca::new(p.join("ca"), "good");
    let rogue = Ca::new(p.join("rogue"), "rogue");
    issue(
        &ca.dir,
        &ca.dir,
        &p.join("server"),
        "/CN=127.0.0.1",
        "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    );
    let client_ext = "extendedKeyUsage=clientAuth\n";
    issue(&ca.dir, &ca.dir, &p.join("client"), "/CN=dockward-client", client_ext);
    // Trusts the rogue CA, so the daemon's real certificate does not verify.
    issue(&ca.dir, &rogue.dir, &p.join("wrong-server-ca"), "/CN=dockward-client", client_ext);
    // Trusts the right CA, but presents a certificate the daemon's CA never signed.
    issue(&rogue.dir, &ca.dir, &p.join("untrusted-client"), "/CN=intruder", client_ext);

    let port = free_port();
    let tcp = format!("tcp://127.0.0.1:{port}");
    let server = p.join("server");
    let flag = |name: &str, file: &str| format!("--{name}={}", server.join(file).display());
    let daemon = SecondDockerd::start(
        "{}",
        &[
            "-H".to_string(),
            tcp.clone(),
            "--tlsverify".to_string(),
            format!("--tlscacert={}", ca.dir.join("ca.pem").display()),
            flag("tlscert", "cert.pem"),
            flag("tlskey", "key.pem"),
        ],
        78,
    );
    daemon.wait_for_api();

    // DOCKER_HOST + DOCKER_TLS_VERIFY + DOCKER_CERT_PATH, as the Docker CLI reads them.
    let client = p.join("client");
    let env =
        [("DOCKER_HOST", tcp.as_str()), ("DOCKER_TLS_VERIFY", "1"), ("DOCKER_CERT_PATH", client.to_str().unwrap())];
    let out = audit(&env, &["--format", "json"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}\n{}", stderr(&out), daemon.log());
    let found = codes(&out);
    // The daemon listens on a loopback port of this machine, so dockward finds its
    // process and judges its command line and daemon.json, not only `/info`.
    let iptables = findings(&out).into_iter().find(|f| f["code"] == "DM017");
    let path = iptables.as_ref().and_then(|f| f["path"].as_str()).unwrap_or_default().to_string();
    assert!(path.starts_with("/proc/") && path.ends_with("/cmdline"), "{iptables:?} in {found:?}");
    assert!(found.iter().any(|c| c == "DM008"), "absent options are judged for a local daemon: {found:?}");
    assert!(!found.iter().any(|c| c == "DM010" || c == "DM011"), "its TCP socket requires TLS: {found:?}");
    assert!(stderr(&out).contains(&format!("{tcp}: Docker Engine")), "{}", stderr(&out));

    // The same daemon through a context holding the TLS material.
    let config = p.join("docker-config");
    write_context(&config, "tls-test", &tcp, &client);
    let config_env = [("DOCKER_CONFIG", config.to_str().unwrap())];
    let by_context = audit(&config_env, &["--context", "tls-test", "--format", "json"]);
    assert!(matches!(by_context.status.code(), Some(0 | 1)), "{}", stderr(&by_context));
    assert_eq!(codes(&by_context), found, "a context and the environment reach the same daemon");

    // The daemon's certificate is not signed by the CA the client trusts.
    let wrong = p.join("wrong-server-ca");
    let env =
        [("DOCKER_HOST", tcp.as_str()), ("DOCKER_TLS_VERIFY", "1"), ("DOCKER_CERT_PATH", wrong.to_str().unwrap())];
    let out = audit(&env, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains(&tcp) && message.contains("does not verify against the trusted CA"), "{message}");
    assert!(!message.contains("client error (Connect): client error (Connect)"), "each cause once: {message}");

    // The daemon refuses a client certificate its CA did not sign.
    let intruder = p.join("untrusted-client");
    let env =
        [("DOCKER_HOST", tcp.as_str()), ("DOCKER_TLS_VERIFY", "1"), ("DOCKER_CERT_PATH", intruder.to_str().unwrap())];
    let out = audit(&env, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("the daemon rejected the client certificate"), "{}", stderr(&out));

    // Plain HTTP to the TLS port.
    let out = audit(&[("DOCKER_HOST", tcp.as_str())], &["--format", "json", "--timeout", "5"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("the daemon requires TLS: set DOCKER_TLS_VERIFY=1"), "{}", stderr(&out));

    // Missing client files are named.
    let env = [("DOCKER_HOST", tcp.as_str()), ("DOCKER_TLS_VERIFY", "1"), ("DOCKER_CERT_PATH", "/nonexistent")];
    let out = audit(&env, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/ca.pem"), "{}", stderr(&out));
}
