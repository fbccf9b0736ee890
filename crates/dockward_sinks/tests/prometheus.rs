//! The metrics sinks against Debian's `prometheus` package (`.ci/run` installs it): every
//! exposition passes `promtool check metrics`, and a real `prometheus` process (its own
//! config and TSDB directory in a temp dir, 127.0.0.1 ports) scrapes the `/metrics`
//! listener and is queried over its HTTP API.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dockward_sinks::config::{PrometheusConfig, TextfileConfig};
use dockward_sinks::{Metrics, SinkConfig, SinkSet};
use serde_json::Value;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Every family populated, with label values that need escaping.
fn busy_metrics() -> Metrics {
    let metrics = Metrics::new();
    metrics.event("build-1", "container");
    metrics.event("build-1", "container");
    metrics.event("edge \"7\"\\\n", "image");
    let mut findings = BTreeMap::new();
    findings.insert(("CT001".to_owned(), "error".to_owned()), 3);
    findings.insert(("IM002".to_owned(), "warning".to_owned()), 1);
    metrics.set_findings("build-1", &findings);
    metrics.gap("build-1");
    metrics.resync("build-1");
    metrics.reconnect("build-1");
    metrics.decision("deny", "containers/create");
    metrics.delivered("syslog:tcp://127.0.0.1:514", 10);
    metrics.failure("syslog:tcp://127.0.0.1:514");
    metrics.dropped("file:/x", 2);
    metrics.backlog("file:/x", 7);
    metrics.truncated("syslog:udp://127.0.0.1:514", 1);
    metrics.heartbeat();
    metrics
}

/// `promtool check metrics` on `text`: its exit status and what it complained about.
fn promtool(text: &str) -> (bool, String) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool is not installed (apt-get install prometheus; .ci/run does)");
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), said)
}

/// A plain HTTP/1.0 GET: status line, headers and body.
fn get(address: &str, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    (head.to_owned(), body.to_owned())
}

#[test]
fn promtool_accepts_the_empty_and_the_busy_exposition() {
    for metrics in [Metrics::new(), busy_metrics()] {
        let text = metrics.render();
        let (ok, said) = promtool(&text);
        assert!(ok && said.trim().is_empty(), "promtool: {said}\n{text}");
    }
    // The check is real: a family without HELP fails it.
    let (ok, said) = promtool("# TYPE x counter\nx 1\n");
    assert!(!ok || !said.trim().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_listener_serves_the_exposition_and_only_on_metrics() {
    let address = format!("127.0.0.1:{}", free_port());
    let metrics = busy_metrics();
    let config = SinkConfig::Prometheus(PrometheusConfig { listen: address.parse().unwrap() });
    let set = SinkSet::start(std::slice::from_ref(&config), metrics.clone()).unwrap();
    let (head, body) = tokio::task::spawn_blocking({
        let address = address.clone();
        move || get(&address, "/metrics")
    })
    .await
    .unwrap();
    assert!(head.starts_with("HTTP/1.0 200") || head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.to_ascii_lowercase().contains("content-type: text/plain; version=0.0.4; charset=utf-8"), "{head}");
    assert_eq!(body, metrics.render());
    let (ok, said) = promtool(&body);
    assert!(ok && said.trim().is_empty(), "{said}");
    let (head, _) = tokio::task::spawn_blocking({
        let address = address.clone();
        move || get(&address, "/")
    })
    .await
    .unwrap();
    assert!(head.contains(" 404 "), "{head}");

    // A taken address is an error at start, naming the sink.
    let error = SinkSet::start(&[config], Metrics::new()).err().unwrap().to_string();
    assert!(error.starts_with(&format!("prometheus:{address}: ")), "{error}");
    set.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_textfile_is_replaced_atomically_on_its_interval_and_at_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dockward.prom");
    let metrics = Metrics::new();
    let config = SinkConfig::PrometheusTextfile(TextfileConfig { path: path.clone(), interval_secs: 1 });
    let set = SinkSet::start(&[config], metrics.clone()).unwrap();
    metrics.gap("build-1");
    // Written on the interval while running: wait for the gap to show up.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if text.contains("dockward_watch_gaps_total{host=\"build-1\"} 1") {
            break;
        }
        assert!(Instant::now() < deadline, "{text}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    metrics.gap("build-1");
    set.shutdown(Duration::from_secs(5)).await;
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("dockward_watch_gaps_total{host=\"build-1\"} 2"), "{text}");
    let (ok, said) = promtool(&text);
    assert!(ok && said.trim().is_empty(), "{said}");
    // Only the target is left: no temporary file.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["dockward.prom"]);

    let wrong = SinkConfig::PrometheusTextfile(TextfileConfig { path: dir.path().join("x.txt"), interval_secs: 1 });
    let error = SinkSet::start(&[wrong], Metrics::new()).err().unwrap().to_string();
    assert!(error.contains("`.prom`"), "{error}");
}

/// A prometheus server of the test's own; killed by its pid when dropped.
struct Prometheus(Child);

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_prometheus(dir: &Path, target: &str, port: u16) -> Prometheus {
    let config = dir.join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: dockward\n    static_configs:\n      - targets: ['{target}']\n"
        ),
    )
    .unwrap();
    let child = Command::new("prometheus")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.tsdb.path={}", dir.join("tsdb").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus is not installed (apt-get install prometheus; .ci/run does)");
    Prometheus(child)
}

/// `/api/v1/query?query=<query>` on the test's prometheus; `None` until it answers.
fn query(port: u16, query: &str) -> Option<Value> {
    let address = format!("127.0.0.1:{port}");
    let stream = TcpStream::connect(&address).ok()?;
    drop(stream);
    let encoded: String = query
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'_' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    let (head, body) = get(&address, &format!("/api/v1/query?query={encoded}"));
    head.contains(" 200 ").then(|| serde_json::from_str(&body).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_prometheus_scrapes_the_listener() {
    let dir = tempfile::tempdir().unwrap();
    let listen = format!("127.0.0.1:{}", free_port());
    let metrics = busy_metrics();
    let set = SinkSet::start(
        &[SinkConfig::Prometheus(PrometheusConfig { listen: listen.parse().unwrap() })],
        metrics.clone(),
    )
    .unwrap();
    let port = free_port();
    let _prometheus = start_prometheus(dir.path(), &listen, port);
    let found = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(answer) = query(port, "dockward_findings{severity=\"error\"}") {
                let result = &answer["data"]["result"];
                if result.as_array().is_some_and(|r| !r.is_empty()) {
                    let events = query(port, "sum(dockward_watch_events_total)").unwrap();
                    let up = query(port, "up{job=\"dockward\"}").unwrap();
                    return (result.clone(), events["data"]["result"].clone(), up["data"]["result"].clone());
                }
            }
            assert!(Instant::now() < deadline, "prometheus never scraped {listen}");
            std::thread::sleep(Duration::from_millis(250));
        }
    })
    .await
    .unwrap();
    let (findings, events, up) = found;
    assert_eq!(findings.as_array().unwrap().len(), 1, "{findings}");
    assert_eq!(findings[0]["metric"]["rule"], "CT001");
    assert_eq!(findings[0]["metric"]["host"], "build-1");
    assert_eq!(findings[0]["value"][1], "3");
    assert_eq!(events[0]["value"][1], "3");
    assert_eq!(up[0]["value"][1], "1");
    set.shutdown(Duration::from_secs(5)).await;
}
