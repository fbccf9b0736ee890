//! Protocol tests of the HTTP sinks (Elasticsearch/OpenSearch `_bulk`, Loki push, the
//! signed webhook, Splunk HEC) against a recording HTTP server written here: not the real
//! servers, none of which is in Debian 12. The server records every request and answers
//! from a script (partial `_bulk` errors, 429, 503, 400), so the tests assert what the
//! sinks send, what they send again, and what they give up on.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use dockward_sinks::config::HttpConfig;
use dockward_sinks::{Metrics, Record, RecordSeverity, SinkConfig, SinkSet};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use serde_json::Value;

#[path = "support/rsyslog.rs"]
mod support;

#[derive(Clone, Debug)]
struct Recorded {
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Script {
    answers: VecDeque<(u16, String)>,
    seen: Vec<Recorded>,
}

/// Starts the recording server; answers pop from `answers`, then 200 with `{}`.
async fn recording_server(answers: Vec<(u16, &str)>) -> (String, Arc<Mutex<Script>>) {
    recording_server_with(answers, None).await
}

/// The recording server, over TLS when an acceptor is given (then the URL is https).
async fn recording_server_with(
    answers: Vec<(u16, &str)>,
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> (String, Arc<Mutex<Script>>) {
    let script = Arc::new(Mutex::new(Script {
        answers: answers.into_iter().map(|(status, body)| (status, body.to_owned())).collect(),
        seen: Vec::new(),
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let scheme = if tls.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{}", listener.local_addr().unwrap());
    let shared = script.clone();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let script = shared.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let script = script.clone();
                    async move {
                        let path = request.uri().path().to_owned();
                        let headers = request
                            .headers()
                            .iter()
                            .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
                            .collect();
                        let body = request.into_body().collect().await.unwrap().to_bytes().to_vec();
                        let (status, answer) = {
                            let mut script = script.lock().unwrap();
                            script.seen.push(Recorded { path, headers, body });
                            script.answers.pop_front().unwrap_or((200, "{}".into()))
                        };
                        let mut response = hyper::Response::new(Full::new(Bytes::from(answer)));
                        *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
                        Ok::<_, std::convert::Infallible>(response)
                    }
                });
                let http = hyper::server::conn::http1::Builder::new();
                match tls {
                    None => {
                        let _ = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service).await;
                    }
                    Some(acceptor) => {
                        if let Ok(stream) = acceptor.accept(stream).await {
                            let _ = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service).await;
                        }
                    }
                }
            });
        }
    });
    (url, script)
}

fn record(n: u64, severity: RecordSeverity, host: &str) -> Record {
    Record {
        json: serde_json::json!({"seq": n, "object": {"name": format!("web-{n}")}}).to_string().into(),
        time: SystemTime::UNIX_EPOCH + Duration::new(1_796_359_571 + n, 250_000_000),
        severity,
        kind: if n.is_multiple_of(2) { "watch.finding".into() } else { "watch.gap".into() },
        host: Some(host.into()),
    }
}

fn http_config(url: &str, extra: &str) -> HttpConfig {
    toml::from_str(&format!("url = \"{url}\"\ntimeout-secs = 5\n{extra}")).unwrap()
}

/// Emits `records` (all queued before the sink's task first runs: the test runtime has one
/// thread, so they form one batch) and drains.
async fn deliver(config: SinkConfig, records: Vec<Record>) -> Metrics {
    let metrics = Metrics::new();
    let set = SinkSet::start(&[config], metrics.clone()).unwrap();
    for record in records {
        set.emit(record);
    }
    set.shutdown(Duration::from_secs(30)).await;
    metrics
}

fn counter(metrics: &Metrics, family: &str, sink: &str) -> u64 {
    let prefix = format!("{family}{{sink=\"{sink}\"}} ");
    metrics.render().lines().find_map(|line| line.strip_prefix(&prefix).map(|v| v.parse().unwrap())).unwrap_or(0)
}

/// The `_bulk` body as (action line, document) pairs.
fn bulk_pairs(body: &[u8]) -> Vec<(Value, Value)> {
    let text = std::str::from_utf8(body).unwrap();
    assert!(text.ends_with('\n'), "ndjson ends with a newline");
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    lines.chunks(2).map(|pair| (pair[0].clone(), pair[1].clone())).collect()
}

#[tokio::test]
async fn elasticsearch_bulk_protocol_retries_only_the_failed_items() {
    let partial = r#"{"took":3,"errors":true,"items":[
        {"create":{"_index":"logs-dockward.watch-default","status":201}},
        {"create":{"status":429,"error":{"type":"es_rejected_execution_exception"}}},
        {"create":{"status":400,"error":{"type":"mapper_parsing_exception"}}},
        {"create":{"status":503,"error":{"type":"unavailable_shards_exception"}}}]}"#;
    let ok = r#"{"took":1,"errors":false,"items":[{"create":{"status":201}},{"create":{"status":201}}]}"#;
    let (url, script) = recording_server(vec![(200, partial), (503, "busy"), (200, ok)]).await;
    let config = SinkConfig::Elasticsearch(http_config(&url, "headers = { authorization = \"ApiKey abc\" }"));
    let records: Vec<Record> = (0..4).map(|n| record(n, RecordSeverity::Error, "build-1")).collect();
    let metrics = deliver(config, records).await;

    let seen = script.lock().unwrap().seen.clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    for request in &seen {
        assert_eq!(request.path, "/_bulk");
        assert_eq!(request.header("content-type"), Some("application/x-ndjson"));
        assert_eq!(request.header("authorization"), Some("ApiKey abc"));
    }
    let first = bulk_pairs(&seen[0].body);
    assert_eq!(first.len(), 4);
    for (n, (action, document)) in first.iter().enumerate() {
        assert_eq!(action, &serde_json::json!({"create": {"_index": "logs-dockward.watch-default"}}));
        assert_eq!(document["seq"], n);
        assert_eq!(document["@timestamp"], format!("2026-12-04T04:46:{}.250000000Z", 11 + n));
    }
    // Only the 429 and the 503 items go again (twice: the whole second request got 503).
    for request in &seen[1..] {
        let seqs: Vec<u64> = bulk_pairs(&request.body).iter().map(|(_, d)| d["seq"].as_u64().unwrap()).collect();
        assert_eq!(seqs, [1, 3]);
    }
    let sink = format!("elasticsearch:{url}");
    assert_eq!(counter(&metrics, "dockward_sink_dropped_total", &sink), 1, "the 400 item");
    assert_eq!(counter(&metrics, "dockward_sink_failures_total", &sink), 2);
}

#[tokio::test]
async fn loki_push_protocol_keeps_low_cardinality_streams_and_retries_429() {
    let (url, script) = recording_server(vec![(429, "slow down"), (204, "")]).await;
    let config = SinkConfig::Loki(http_config(&url, "tenant = \"ops\""));
    let mut records: Vec<Record> = (0..4).map(|n| record(n, RecordSeverity::Warning, "build-1")).collect();
    // Out of order in the batch: Loki wants each stream in time order.
    records.swap(0, 2);
    records.push(record(4, RecordSeverity::Error, "edge-7"));
    let metrics = deliver(config, records).await;

    let seen = script.lock().unwrap().seen.clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].body, seen[1].body, "the 429 batch is sent again unchanged");
    assert_eq!(seen[0].path, "/loki/api/v1/push");
    assert_eq!(seen[0].header("x-scope-orgid"), Some("ops"));
    let push: Value = serde_json::from_slice(&seen[1].body).unwrap();
    let streams = push["streams"].as_array().unwrap();
    let labels: Vec<&Value> = streams.iter().map(|s| &s["stream"]).collect();
    assert_eq!(
        labels,
        [
            &serde_json::json!({"host": "build-1", "kind": "watch.finding", "severity": "warning"}),
            &serde_json::json!({"host": "build-1", "kind": "watch.gap", "severity": "warning"}),
            &serde_json::json!({"host": "edge-7", "kind": "watch.finding", "severity": "error"}),
        ]
    );
    let findings = streams[0]["values"].as_array().unwrap();
    assert_eq!(findings[0][0], "1796359571250000000");
    assert_eq!(findings[1][0], "1796359573250000000");
    let line: Value = serde_json::from_str(findings[1][1].as_str().unwrap()).unwrap();
    assert_eq!(line["seq"], 2);
    assert_eq!(counter(&metrics, "dockward_sink_delivered_total", &format!("loki:{url}")), 5);

    // A 400 (say, entries too old) can never succeed: dropped and counted, not retried.
    let (url, script) = recording_server(vec![(400, "entry too far behind")]).await;
    let metrics = deliver(SinkConfig::Loki(http_config(&url, "")), vec![record(9, RecordSeverity::Info, "h")]).await;
    assert_eq!(script.lock().unwrap().seen.len(), 1);
    assert_eq!(counter(&metrics, "dockward_sink_dropped_total", &format!("loki:{url}")), 1);
}

/// The HMAC-SHA256 of `body` under `key`, computed by the openssl CLI (an independent oracle).
fn openssl_hmac(key: &str, body: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("body");
    std::fs::write(&path, body).unwrap();
    let output = std::process::Command::new("openssl")
        .args(["dgst", "-sha256", "-hmac", key, "-r"])
        .arg(&path)
        .output()
        .expect("openssl");
    String::from_utf8(output.stdout).unwrap().split_whitespace().next().unwrap().to_owned()
}

#[tokio::test]
async fn webhook_protocol_signs_the_body_and_retries_503() {
    let (url, script) = recording_server(vec![(503, "down"), (202, "")]).await;
    let hook = format!("{url}/hooks/dockward");
    let config = SinkConfig::Webhook(http_config(&hook, "secret = \"k3y\""));
    let records: Vec<Record> = (0..3).map(|n| record(n, RecordSeverity::Notice, "build-1")).collect();
    deliver(config, records.clone()).await;

    let seen = script.lock().unwrap().seen.clone();
    assert_eq!(seen.len(), 2);
    let request = &seen[1];
    assert_eq!(request.path, "/hooks/dockward");
    let signature = request.header("x-dockward-signature-256").unwrap();
    assert_eq!(signature, format!("sha256={}", openssl_hmac("k3y", &request.body)));
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    let sent: Vec<Value> = records.iter().map(|r| serde_json::from_str(&r.json).unwrap()).collect();
    assert_eq!(body, Value::Array(sent));
}

#[tokio::test]
async fn splunk_hec_protocol_sends_events_with_the_token_and_retries_503() {
    let (url, script) = recording_server(vec![
        (503, "{\"text\":\"Server is busy\",\"code\":9}"),
        (200, "{\"text\":\"Success\",\"code\":0}"),
    ])
    .await;
    let config = SinkConfig::SplunkHec(http_config(&url, "token = \"tok-1\"\nindex = \"sec\""));
    deliver(config, (0..2).map(|n| record(n, RecordSeverity::Error, "build-1")).collect()).await;

    let seen = script.lock().unwrap().seen.clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].path, "/services/collector/event");
    assert_eq!(seen[1].header("authorization"), Some("Splunk tok-1"));
    let events: Vec<Value> =
        serde_json::Deserializer::from_slice(&seen[1].body).into_iter::<Value>().map(Result::unwrap).collect();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["time"], 1_796_359_572.25);
    assert_eq!(events[1]["host"], "build-1");
    assert_eq!(events[1]["index"], "sec");
    assert_eq!(events[1]["sourcetype"], "_json");
    assert_eq!(events[1]["event"]["seq"], 1);
}

/// A rustls server configuration for 127.0.0.1 with the certificates `support::certificates` wrote.
fn tls_acceptor(dir: &std::path::Path) -> tokio_rustls::TlsAcceptor {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(dir.join("server.pem")).unwrap().map(Result::unwrap).collect();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

#[tokio::test]
async fn webhook_protocol_over_https_trusts_the_configured_ca_only() {
    let dir = tempfile::tempdir().unwrap();
    support::certificates(dir.path());
    let (url, script) = recording_server_with(vec![], Some(tls_acceptor(dir.path()))).await;
    let ca = dir.path().join("ca.pem").display().to_string();
    let config = SinkConfig::Webhook(http_config(&url, &format!("ca = \"{ca}\"\nsecret = \"k\"")));
    deliver(config, vec![record(0, RecordSeverity::Info, "h")]).await;
    assert_eq!(script.lock().unwrap().seen.len(), 1);

    // With the system's roots the test CA is unknown: the handshake fails, nothing is posted.
    let metrics = Metrics::new();
    let set = SinkSet::start(&[SinkConfig::Webhook(http_config(&url, ""))], metrics.clone()).unwrap();
    set.emit(record(1, RecordSeverity::Info, "h"));
    set.shutdown(Duration::from_millis(500)).await;
    assert_eq!(script.lock().unwrap().seen.len(), 1);
    assert!(counter(&metrics, "dockward_sink_failures_total", &format!("webhook:{url}")) >= 1);
}
