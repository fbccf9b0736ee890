//! The syslog sink against a real rsyslogd (Debian's `rsyslog`, plus `rsyslog-gnutls` for
//! TLS; `.ci/run` installs both). Each test runs its own rsyslogd in the foreground with its
//! own config, work directory and pid file under a temp dir, listening on 127.0.0.1 on a
//! free port: no system service is touched. rsyslog parses the RFC 5424 header itself and
//! the `@cee:` payload with mmjsonparse; its omfile writes one JSON line per message with
//! the header fields it parsed and `$!all-json`, which the tests compare with what was sent.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use dockward_sinks::config::{SyslogConfig, SyslogTransport};
use dockward_sinks::{Metrics, Record, RecordSeverity, SinkConfig, SinkSet};
use serde_json::Value;

/// A running rsyslogd; killed (by its own pid) when dropped, also when a test fails.
struct Rsyslog {
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

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The template: the header fields rsyslog parsed, and the parsed JSON payload.
const TEMPLATE: &str = r#"
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
    fn start(dir: &Path, port: u16, globals: &str, inputs: &str) -> Rsyslog {
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

    fn run(dir: PathBuf, conf: PathBuf, port: u16) -> Rsyslog {
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

    fn stop(mut self) -> (PathBuf, PathBuf, u16) {
        // SIGTERM by its own pid: a clean shutdown flushes omfile.
        Command::new("kill").arg(self.child.id().to_string()).status().unwrap();
        let _ = self.child.wait();
        (self.dir.clone(), self.conf.clone(), self.port)
    }

    /// The lines rsyslog wrote, waiting until there are at least `count`.
    fn lines(&self, count: usize) -> Vec<Value> {
        wait_lines(&self.dir.join("out.jsonl"), count)
    }
}

fn wait_lines(path: &Path, count: usize) -> Vec<Value> {
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

fn record(n: usize, severity: RecordSeverity) -> Record {
    let json = serde_json::json!({
        "schema": "dockward.watch/1",
        "seq": n,
        "object": {"name": format!("shop-web-{n}"), "note": "multi\nline \"quoted\" é ✓"},
        "findings": [{"code": "CT001", "severity": "error"}],
    });
    Record {
        json: json.to_string().into(),
        time: SystemTime::UNIX_EPOCH + Duration::new(1_796_359_571 + n as u64, 571_436_878),
        severity,
        kind: "watch.finding".into(),
        host: Some("build-1".into()),
    }
}

fn syslog(address: String, transport: SyslogTransport) -> SyslogConfig {
    toml::from_str::<SyslogConfig>(&format!("address = \"{address}\"\nhostname = \"edge-7\"\nfacility = \"local3\""))
        .map(|config| SyslogConfig { transport, sd_id: Some("dockward@32473".into()), ..config })
        .unwrap()
}

async fn send(config: SyslogConfig, records: impl IntoIterator<Item = Record>) -> Metrics {
    let metrics = Metrics::new();
    let set = SinkSet::start(&[SinkConfig::Syslog(config)], metrics.clone()).unwrap();
    for record in records {
        set.emit(record);
    }
    set.shutdown(Duration::from_secs(20)).await;
    metrics
}

/// Every field rsyslog parsed out of message `n`.
fn assert_parsed(line: &Value, n: usize, pri: &str) {
    let sent: Value = serde_json::from_str(&record(n, RecordSeverity::Error).json).unwrap();
    assert_eq!(line["parsed"], sent, "{line}");
    assert_eq!(line["hostname"], "edge-7");
    assert_eq!(line["app"], "dockward");
    assert_eq!(line["procid"], std::process::id().to_string());
    assert_eq!(line["msgid"], "watch.finding");
    assert_eq!(line["pri"], pri);
    assert_eq!(line["time"], format!("2026-12-04T04:46:{:02}.571436Z", 11 + n));
    assert_eq!(line["sd"], "[dockward@32473 kind=\"watch.finding\" host=\"build-1\"]");
}

const TCP_INPUT: &str =
    "module(load=\"imptcp\")\ninput(type=\"imptcp\" address=\"127.0.0.1\" port=\"{port}\" ruleset=\"in\")";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsyslog_parses_rfc5424_with_octet_counting_over_tcp() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let rsyslog = Rsyslog::start(dir.path(), port, "", TCP_INPUT);
    let severities = [RecordSeverity::Error, RecordSeverity::Warning, RecordSeverity::Notice, RecordSeverity::Info];
    let records = (0..40).map(|n| record(n, severities[n % 4]));
    send(syslog(format!("127.0.0.1:{port}"), SyslogTransport::Tcp), records).await;
    let lines = rsyslog.lines(40);
    assert_eq!(lines.len(), 40);
    for (n, line) in lines.iter().enumerate() {
        // local3 = 19: PRI = 19 * 8 + severity (error 3, warning 4, notice 5, info 6).
        assert_parsed(line, n, &(19 * 8 + 3 + (n % 4)).to_string());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsyslog_parses_one_udp_datagram_per_record_and_truncates_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let udp_port = free_port();
    let inputs = format!(
        "{TCP_INPUT}\nmodule(load=\"imudp\")\ninput(type=\"imudp\" address=\"127.0.0.1\" port=\"{udp_port}\" ruleset=\"in\")"
    );
    let rsyslog = Rsyslog::start(dir.path(), port, "", &inputs);
    let config = syslog(format!("127.0.0.1:{udp_port}"), SyslogTransport::Udp);
    let metrics = send(config.clone(), (0..10).map(|n| record(n, RecordSeverity::Error))).await;
    let lines = rsyslog.lines(10);
    assert_eq!(lines.len(), 10);
    for (n, line) in lines.iter().enumerate() {
        assert_parsed(line, n, "155");
    }
    assert!(!metrics.render().contains("dockward_sink_truncated_total{"), "{}", metrics.render());

    // A datagram limit below the record's size: rsyslog receives the cut message (no longer
    // valid JSON, so mmjsonparse leaves it unparsed) and the cut is counted.
    let short = SyslogConfig { max_datagram: 200, ..config };
    let metrics = send(short, [record(10, RecordSeverity::Error)]).await;
    let lines = rsyslog.lines(11);
    let cut = &lines[10];
    assert_eq!(cut["msgid"], "watch.finding");
    assert!(cut["rawmsg"].as_str().unwrap().starts_with("@cee:{\"findings\""), "{cut}");
    assert!(cut["parsed"].get("seq").is_none(), "{cut}");
    let rendered = metrics.render();
    assert!(
        rendered.contains(&format!("dockward_sink_truncated_total{{sink=\"syslog:udp://127.0.0.1:{udp_port}\"}} 1")),
        "{rendered}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnects_when_rsyslog_restarts_and_loses_nothing_written_after() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let rsyslog = Rsyslog::start(dir.path(), port, "", TCP_INPUT);
    let metrics = Metrics::new();
    let config = syslog(format!("127.0.0.1:{port}"), SyslogTransport::Tcp);
    let set = SinkSet::start(&[SinkConfig::Syslog(config)], metrics.clone()).unwrap();
    for n in 0..5 {
        set.emit(record(n, RecordSeverity::Error));
    }
    assert_eq!(rsyslog.lines(5).len(), 5);
    let (dir_path, conf, port) = rsyslog.stop();
    // The collector is down: these are retried until it is back.
    for n in 5..10 {
        set.emit(record(n, RecordSeverity::Error));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rsyslog = Rsyslog::run(dir_path, conf, port);
    for n in 10..15 {
        set.emit(record(n, RecordSeverity::Error));
    }
    set.shutdown(Duration::from_secs(30)).await;
    let lines = rsyslog.lines(15);
    let seqs: Vec<u64> = lines.iter().map(|line| line["parsed"]["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (0..15).collect::<Vec<u64>>());
}

/// Writes a CA and a server certificate for 127.0.0.1 signed by it, with the openssl CLI.
fn certificates(dir: &Path) {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsyslog_gtls_receives_rfc5425_over_tls_verified_against_a_configured_ca() {
    assert!(
        ["/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so", "/usr/lib/aarch64-linux-gnu/rsyslog/lmnsd_gtls.so"]
            .iter()
            .any(|path| Path::new(path).exists()),
        "rsyslog's GnuTLS driver is not installed (apt-get install rsyslog-gnutls; .ci/run does)"
    );
    let dir = tempfile::tempdir().unwrap();
    certificates(dir.path());
    let port = free_port();
    let d = dir.path().display();
    let globals = format!(
        "defaultNetstreamDriver=\"gtls\" defaultNetstreamDriverCAFile=\"{d}/ca.pem\" \
         defaultNetstreamDriverCertFile=\"{d}/server.pem\" defaultNetstreamDriverKeyFile=\"{d}/server.key\""
    );
    let inputs =
        "module(load=\"imtcp\" streamDriver.name=\"gtls\" streamDriver.mode=\"1\" streamDriver.authMode=\"anon\")\n\
                  input(type=\"imtcp\" address=\"127.0.0.1\" port=\"{port}\" ruleset=\"in\")";
    let rsyslog = Rsyslog::start(dir.path(), port, &globals, inputs);
    let mut config = syslog(format!("127.0.0.1:{port}"), SyslogTransport::Tls);
    config.ca = Some(dir.path().join("ca.pem"));
    send(config.clone(), (0..20).map(|n| record(n, RecordSeverity::Error))).await;
    let lines = rsyslog.lines(20);
    assert_eq!(lines.len(), 20);
    for (n, line) in lines.iter().enumerate() {
        assert_parsed(line, n, "155");
    }

    // Verification is real: with the system roots (which do not hold the test CA) the
    // handshake fails and nothing arrives.
    config.ca = None;
    let metrics = Metrics::new();
    let set = SinkSet::start(&[SinkConfig::Syslog(config)], metrics).unwrap();
    set.emit(record(20, RecordSeverity::Error));
    set.shutdown(Duration::from_secs(1)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rsyslog.lines(21).len(), 20);
}
