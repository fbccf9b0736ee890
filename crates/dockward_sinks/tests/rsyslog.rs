//! The syslog sink against a real rsyslogd (Debian's `rsyslog`, plus `rsyslog-gnutls` for
//! TLS; `.ci/run` installs both). Each test runs its own rsyslogd in the foreground with its
//! own config, work directory and pid file under a temp dir, listening on 127.0.0.1 on a
//! free port: no system service is touched. rsyslog parses the RFC 5424 header itself and
//! the `@cee:` payload with mmjsonparse; its omfile writes one JSON line per message with
//! the header fields it parsed and `$!all-json`, which the tests compare with what was sent.

use std::time::{Duration, SystemTime};

use dockward_sinks::config::{SyslogConfig, SyslogTransport};
use dockward_sinks::{Metrics, Record, RecordSeverity, SinkConfig, SinkSet, SpoolConfig};
use serde_json::Value;

#[path = "support/rsyslog.rs"]
mod support;
use support::{certificates, client_certificate, free_port, gtls_installed, tls_input, Rsyslog};

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
    let short = SyslogConfig { max_datagram: 480, ..config };
    let mut big = record(10, RecordSeverity::Error);
    big.json = format!("{{\"pad\":\"{}\",\"seq\":10}}", "x".repeat(1000)).into();
    let metrics = send(short, [big]).await;
    let lines = rsyslog.lines(11);
    let cut = &lines[10];
    assert_eq!(cut["msgid"], "watch.finding");
    let rawmsg = cut["rawmsg"].as_str().unwrap();
    assert!(rawmsg.starts_with("@cee:{\"pad\":\"xxx"), "{cut}");
    assert!(rawmsg.len() < 480 && !rawmsg.contains("seq"), "{cut}");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsyslog_gtls_receives_rfc5425_over_tls_verified_against_a_configured_ca() {
    assert!(
        gtls_installed(),
        "rsyslog's GnuTLS driver is not installed (apt-get install rsyslog-gnutls; .ci/run does)"
    );
    let dir = tempfile::tempdir().unwrap();
    certificates(dir.path());
    let port = free_port();
    let (globals, inputs) = tls_input(dir.path());
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsyslog_gtls_requires_and_accepts_a_client_certificate() {
    assert!(
        gtls_installed(),
        "rsyslog's GnuTLS driver is not installed (apt-get install rsyslog-gnutls; .ci/run does)"
    );
    let dir = tempfile::tempdir().unwrap();
    certificates(dir.path());
    client_certificate(dir.path());
    let port = free_port();
    let (globals, inputs) = tls_input(dir.path());
    // x509/certvalid: the client must present a certificate the CA signed.
    let inputs = inputs.replace("streamDriver.authMode=\"anon\"", "streamDriver.authMode=\"x509/certvalid\"");
    let rsyslog = Rsyslog::start(dir.path(), port, &globals, &inputs);
    let mut config = syslog(format!("127.0.0.1:{port}"), SyslogTransport::Tls);
    config.ca = Some(dir.path().join("ca.pem"));

    // Without a client certificate rsyslog closes the session: nothing is written.
    let set = SinkSet::start(&[SinkConfig::Syslog(config.clone())], Metrics::new()).unwrap();
    set.emit(record(0, RecordSeverity::Error));
    set.shutdown(Duration::from_secs(1)).await;

    config.cert = Some(dir.path().join("client.pem"));
    config.key = Some(dir.path().join("client.key"));
    send(config, (1..4).map(|n| record(n, RecordSeverity::Error))).await;
    let lines = rsyslog.lines(3);
    let seqs: Vec<u64> = lines.iter().map(|line| line["parsed"]["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3]);
    for (n, line) in lines.iter().enumerate() {
        assert_parsed(line, n + 1, "155");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spool_carries_records_over_a_restart_while_rsyslog_is_down() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut config = syslog(format!("127.0.0.1:{port}"), SyslogTransport::Tcp);
    config.queue = Some(16);
    config.spool = Some(SpoolConfig { path: dir.path().join("spool/syslog.jsonl"), max_bytes: 1 << 20 });

    // rsyslog is not running: once the first batch has failed its tries in memory (100
    // and 200 ms apart), the sink spools (a queue of 16 would drop most of 300) and
    // reports the backlog; the process then stops.
    let set = SinkSet::start(&[SinkConfig::Syslog(config.clone())], Metrics::new()).unwrap();
    set.emit(record(0, RecordSeverity::Error));
    tokio::time::sleep(Duration::from_millis(600)).await;
    for n in 1..300 {
        set.emit(record(n, RecordSeverity::Error));
        if n % 10 == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    let health = set.health();
    set.shutdown(Duration::from_secs(5)).await;
    let dropped = health[0].dropped as usize;
    assert!(dropped < 150, "{health:?}");
    assert_eq!(health[0].backlog + dropped, 300, "{health:?}");

    // rsyslog comes up and the process starts again: the spool goes out first, in order.
    let rsyslog = Rsyslog::start(dir.path(), port, "", TCP_INPUT);
    let metrics = Metrics::new();
    let set = SinkSet::start(&[SinkConfig::Syslog(config)], metrics.clone()).unwrap();
    set.emit(record(300, RecordSeverity::Error));
    set.shutdown(Duration::from_secs(30)).await;
    let lines = rsyslog.lines(300 - dropped + 1);
    let seqs: Vec<u64> = lines.iter().map(|line| line["parsed"]["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs.len(), 300 - dropped + 1);
    assert!(seqs.windows(2).all(|pair| pair[0] < pair[1]), "{seqs:?}");
    assert_eq!(seqs.last(), Some(&300));
}
