//! A real rsyslogd of the test's own (tests/rsyslog.rs, tests/bench_sinks.rs): its own
//! config, work directory and pid file in a temp dir, listening on 127.0.0.1; no system
//! service is touched. Its omfile writes one JSON line per message: the header fields rsyslog
//! parsed and the payload mmjsonparse parsed (`parsed`).

// Each test crate uses part of it.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A running rsyslogd; killed (by its own pid) when dropped, also when a test fails.
pub struct Rsyslog {
    child: Child,
    dir: PathBuf,
    conf: PathBuf,
    port: u16,
}

impl Drop for Rsyslog {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The template: the header fields rsyslog parsed, and the parsed JSON payload.
pub const TEMPLATE: &str = r#"
template(name="line" type="list") {
  constant(value="{")
  property(outname="hostname" name="hostname" format="jsonf") constant(value=",")
  property(outname="app" name="app-name" format="jsonf") constant(value=",")
  property(outname="procid" name="procid" format="jsonf") constant(value=",")
  property(outname="msgid" name="msgid" format="jsonf") constant(value=",")
  property(outname="pri" name="pri" format="jsonf") constant(value=",")
  property(outname="time" name="timereported" dateFormat="rfc3339" format="jsonf") constant(value=",")
  property(outname="sd" name="structured-data" format="jsonf") constant(value=",")
  property(outname="rawmsg" name="msg" format="jsonf") constant(value=",\"parsed\":")
  property(name="$!all-json") constant(value="}\n")
}
"#;

impl Rsyslog {
    /// Starts rsyslogd with `inputs` (config text with `{port}`, `{dir}` placeholders).
    pub fn start(dir: &Path, port: u16, globals: &str, inputs: &str) -> Rsyslog {
        let conf = dir.join("rsyslog.conf");
        let text = format!(
            "global(workDirectory=\"{dir}\" maxMessageSize=\"64k\" {globals})\n\
             module(load=\"mmjsonparse\")\n{TEMPLATE}\n\
             ruleset(name=\"in\") {{\n  action(type=\"mmjsonparse\")\n  \
             action(type=\"omfile\" file=\"{dir}/out.jsonl\" template=\"line\")\n}}\n{inputs}\n",
            dir = dir.display(),
        )
        .replace("{port}", &port.to_string());
        std::fs::write(&conf, text).unwrap();
        Self::run(dir.to_owned(), conf, port)
    }

    pub fn run(dir: PathBuf, conf: PathBuf, port: u16) -> Rsyslog {
        let rsyslogd = ["/usr/sbin/rsyslogd", "/sbin/rsyslogd"]
            .into_iter()
            .find(|path| Path::new(path).exists())
            .expect("rsyslogd is not installed (apt-get install rsyslog; .ci/run does)");
        let child = Command::new(rsyslogd)
            .arg("-n")
            .arg("-f")
            .arg(&conf)
            .arg("-i")
            .arg(dir.join("rsyslogd.pid"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let rsyslog = Rsyslog { child, dir, conf, port };
        // Ready when its TCP input (every config here has one) accepts.
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "rsyslogd did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        rsyslog
    }

    pub fn stop(mut self) -> (PathBuf, PathBuf, u16) {
        // SIGTERM by its own pid: a clean shutdown flushes omfile.
        Command::new("kill").arg(self.child.id().to_string()).status().unwrap();
        let _ = self.child.wait();
        (self.dir.clone(), self.conf.clone(), self.port)
    }

    /// The lines rsyslog wrote, waiting until there are at least `count`.
    pub fn lines(&self, count: usize) -> Vec<Value> {
        wait_lines(&self.dir.join("out.jsonl"), count)
    }
}

pub fn wait_lines(path: &Path, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let lines: Vec<Value> = text.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
        if lines.len() >= count || Instant::now() > deadline {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Rsyslog {
    /// How many lines rsyslog has written so far (counted, not parsed).
    pub fn count(&self) -> usize {
        std::fs::read(self.dir.join("out.jsonl")).map(|data| data.iter().filter(|b| **b == b'\n').count()).unwrap_or(0)
    }
}

/// Writes a CA and a server certificate for 127.0.0.1 signed by it, with the openssl CLI.
pub fn certificates(dir: &Path) {
    let run = |args: &[&str]| {
        let status = Command::new("openssl").args(args).current_dir(dir).stderr(Stdio::null()).status().unwrap();
        assert!(status.success(), "openssl {args:?}");
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=dockward test CA",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(dir.join("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n").unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
}

/// The GnuTLS driver rsyslog needs for TLS inputs is installed.
pub fn gtls_installed() -> bool {
    ["/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so", "/usr/lib/aarch64-linux-gnu/rsyslog/lmnsd_gtls.so"]
        .iter()
        .any(|path| Path::new(path).exists())
}

/// rsyslog's global() settings and input for a TLS listener with `dir`'s certificates.
pub fn tls_input(dir: &Path) -> (String, &'static str) {
    let d = dir.display();
    let globals = format!(
        "defaultNetstreamDriver=\"gtls\" defaultNetstreamDriverCAFile=\"{d}/ca.pem\" \
         defaultNetstreamDriverCertFile=\"{d}/server.pem\" defaultNetstreamDriverKeyFile=\"{d}/server.key\""
    );
    let inputs =
        "module(load=\"imtcp\" streamDriver.name=\"gtls\" streamDriver.mode=\"1\" streamDriver.authMode=\"anon\")\n\
                  input(type=\"imtcp\" address=\"127.0.0.1\" port=\"{port}\" ruleset=\"in\")";
    (globals, inputs)
}

/// A client certificate (`client.pem`, `client.key`) signed by `dir`'s test CA.
pub fn client_certificate(dir: &Path) {
    let run = |args: &[&str]| {
        let status = Command::new("openssl").args(args).current_dir(dir).stderr(Stdio::null()).status().unwrap();
        assert!(status.success(), "openssl {args:?}");
    };
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "client.key",
        "-out",
        "client.csr",
        "-subj",
        "/CN=dockward-client",
    ]);
    std::fs::write(dir.join("client.cnf"), "extendedKeyUsage=clientAuth\n").unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "client.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "client.pem",
        "-days",
        "2",
        "-extfile",
        "client.cnf",
    ]);
}
