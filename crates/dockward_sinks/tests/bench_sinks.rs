//! Measurements for bench/sinks.sh (ignored: run with `--ignored --nocapture --test-threads 1`
//! in a release build). Each prints `BENCH <name> <value> <unit>` lines that the script
//! collects; the assertions only check that the measurement itself is sound (everything
//! arrived, memory stays bounded), never a speed.

use std::time::{Duration, Instant, SystemTime};

use dockward_sinks::config::{SyslogConfig, SyslogTransport};
use dockward_sinks::{Metrics, Record, RecordSeverity, SinkConfig, SinkSet, SpoolConfig};

#[path = "support/rsyslog.rs"]
mod support;
use support::{certificates, free_port, gtls_installed, tls_input, Rsyslog};

fn records() -> usize {
    std::env::var("DOCKWARD_BENCH_RECORDS").ok().and_then(|n| n.parse().ok()).unwrap_or(100_000)
}

/// A finding record of a realistic size (about 600 bytes).
fn record(n: usize) -> Record {
    let json = serde_json::json!({
        "schema": "dockward.watch/1", "time": "2026-12-04T04:46:11.571436878Z", "seq": n,
        "host": {"name": "build-1", "engine_id": "6c3f0a7e-2b7d-4b6e-9a51-3f1c2d9e8b10", "endpoint": "unix:///var/run/docker.sock"},
        "source": "events", "event": {"type": "container", "action": "create", "actor_id": format!("{n:064x}"), "scope": "local"},
        "object": {"kind": "container", "name": format!("shop-web-{n}"), "image": "nginx:1.27", "compose": {"project": "shop", "service": "web"}},
        "actor": {"identity": {"source": "unknown"}},
        "findings": [{"code": "CT001", "name": "privileged-container", "severity": "error",
            "location": format!("container/shop-web-{n}/HostConfig.Privileged"), "cis": ["5.5"]}],
        "change": "new"
    });
    Record {
        json: json.to_string().into(),
        time: SystemTime::now(),
        severity: RecordSeverity::Error,
        kind: "watch.finding".into(),
        host: Some("build-1".into()),
    }
}

/// Emits `count` records as fast as the sink takes them (never more than 60,000 queued, so
/// nothing is dropped), then drains. Returns the seconds from the first emit to drained.
async fn pump(config: SinkConfig, count: usize) -> (f64, Metrics) {
    let metrics = Metrics::new();
    let set = SinkSet::start(&[config], metrics.clone()).unwrap();
    let started = Instant::now();
    for n in 0..count {
        if n % 1000 == 0 {
            while set.backlog()[0].1 > 60_000 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
        set.emit(record(n));
    }
    set.shutdown(Duration::from_secs(600)).await;
    (started.elapsed().as_secs_f64(), metrics)
}

/// Waits until rsyslog has written `count` lines (or stops growing for 5 s): how many it
/// wrote, and when the last of them appeared.
fn wait_written(rsyslog: &Rsyslog, count: usize) -> (usize, Instant) {
    let mut last = (0, Instant::now());
    loop {
        let written = rsyslog.count();
        if written != last.0 {
            last = (written, Instant::now());
        }
        if written >= count || last.1.elapsed() > Duration::from_secs(5) {
            return last;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn syslog(port: u16, transport: SyslogTransport) -> SyslogConfig {
    let mut config: SyslogConfig = toml::from_str(&format!("address = \"127.0.0.1:{port}\"")).unwrap();
    config.transport = transport;
    config
}

async fn into_rsyslog(name: &str, transport: SyslogTransport) {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let udp_port = free_port();
    let tcp = "module(load=\"imptcp\")\ninput(type=\"imptcp\" address=\"127.0.0.1\" port=\"{port}\" ruleset=\"in\")";
    let (globals, inputs, target) = match transport {
        SyslogTransport::Tcp => (String::new(), tcp.to_owned(), port),
        SyslogTransport::Udp => (
            String::new(),
            format!("{tcp}\nmodule(load=\"imudp\")\ninput(type=\"imudp\" address=\"127.0.0.1\" port=\"{udp_port}\" ruleset=\"in\")"),
            udp_port,
        ),
        SyslogTransport::Tls => {
            assert!(gtls_installed(), "rsyslog-gnutls");
            certificates(dir.path());
            let (globals, inputs) = tls_input(dir.path());
            (globals, inputs.to_owned(), port)
        }
    };
    let rsyslog = Rsyslog::start(dir.path(), port, &globals, &inputs);
    let mut config = syslog(target, transport);
    config.ca = Some(dir.path().join("ca.pem"));
    if transport != SyslogTransport::Tls {
        config.ca = None;
    }
    let count = records();
    let started = Instant::now();
    let (sent, _) = pump(SinkConfig::Syslog(config), count).await;
    let (written, last) = wait_written(&rsyslog, count);
    let total = last.duration_since(started).as_secs_f64();
    println!("BENCH {name}_sent {:.0} records/s", count as f64 / sent);
    println!("BENCH {name}_parsed {:.0} records/s", written as f64 / total);
    println!("BENCH {name}_received {written} of {count}");
    if transport != SyslogTransport::Udp {
        assert_eq!(written, count);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: bench/sinks.sh"]
async fn bench_syslog_tcp_into_rsyslog() {
    into_rsyslog("syslog_tcp", SyslogTransport::Tcp).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: bench/sinks.sh"]
async fn bench_syslog_tls_into_rsyslog() {
    into_rsyslog("syslog_tls", SyslogTransport::Tls).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: bench/sinks.sh"]
async fn bench_syslog_udp_into_rsyslog() {
    into_rsyslog("syslog_udp", SyslogTransport::Udp).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: bench/sinks.sh"]
async fn bench_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("watch.jsonl");
    let config = SinkConfig::File { path: path.clone(), queue: None };
    let count = records();
    let (seconds, _) = pump(config, count).await;
    let lines = std::fs::read(&path).unwrap().iter().filter(|b| **b == b'\n').count();
    assert_eq!(lines, count);
    println!("BENCH file {:.0} records/s", count as f64 / seconds);
}

/// The resident set of this process, in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// A syslog sink whose collector is dead (nothing listens): the queue fills, then every
/// further record is dropped; memory must stop growing once the queue is full. With a
/// spool, the spool file stops at its bound instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: bench/sinks.sh"]
async fn bench_dead_sink_memory_stays_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let dead = free_port();
    for spooled in [false, true] {
        let mut config = syslog(dead, SyslogTransport::Tcp);
        config.queue = Some(65_536);
        let spool_path = dir.path().join(format!("spool-{spooled}"));
        if spooled {
            config.spool = Some(SpoolConfig { path: spool_path.clone(), max_bytes: 32 << 20 });
        }
        let metrics = Metrics::new();
        let set = SinkSet::start(&[SinkConfig::Syslog(config)], metrics.clone()).unwrap();
        let before = rss_kib();
        let mut marks = Vec::new();
        let total = 4 * records().max(100_000);
        for n in 0..total {
            set.emit(record(n));
            if (n + 1) % (total / 4) == 0 {
                // Let the worker move the queue to the spool (when there is one).
                tokio::time::sleep(Duration::from_millis(200)).await;
                marks.push(rss_kib());
            }
        }
        let health = set.health();
        let label = if spooled { "dead_sink_spooled" } else { "dead_sink" };
        println!("BENCH {label}_rss_before {before} KiB");
        for (i, rss) in marks.iter().enumerate() {
            println!("BENCH {label}_rss_after_{} {rss} KiB", (i + 1) * total / 4);
        }
        println!("BENCH {label}_dropped {} of {total}", health[0].dropped);
        println!("BENCH {label}_backlog {}", health[0].backlog);
        if spooled {
            let size = std::fs::metadata(&spool_path).unwrap().len();
            println!("BENCH {label}_spool_bytes {size} (bound {})", 32 << 20);
            assert!(size <= 32 << 20);
        }
        // Bounded: the last quarter adds (almost) nothing once the queue is full.
        let growth = marks[3].saturating_sub(marks[1]);
        println!("BENCH {label}_rss_growth_second_half {growth} KiB");
        assert!(growth < 16 * 1024, "{marks:?}");
        set.shutdown(Duration::from_millis(500)).await;
    }
}
