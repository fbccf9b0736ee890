//! The HTTP sinks behind one shape: Elasticsearch/OpenSearch `_bulk`, Loki push, a signed
//! webhook and Splunk HEC. Each kind builds its request from a batch and reads the answer;
//! the shared part (hyper 1 client with rustls, timeouts, status classes) is here.
//!
//! Status classes, the same for every kind: 2xx delivered (then the kind looks inside:
//! `_bulk` reports per item); 408, 429 and 5xx (and network errors) fail the batch, which the
//! sink set retries with backoff; any other 4xx can never succeed (a mapping error, an
//! out-of-order Loki entry, a bad token), so the batch is dropped and counted instead of
//! blocking the queue forever. Errors name the sink and the status, never record contents
//! nor the configured headers and secrets.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use hmac::Mac;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Request, StatusCode, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;

use crate::config::SpoolConfig;
use crate::{BoxFuture, Metrics, Record, RecordSeverity, Sink, SinkError};

/// A configured secret: never shown by `Debug`.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"***\"")
    }
}

/// What every HTTP sink table has besides its own keys.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct HttpConfig {
    /// The endpoint: the base URL for Elasticsearch (`/_bulk` is appended), Loki
    /// (`/loki/api/v1/push`) and HEC (`/services/collector/event`); the full URL of a webhook.
    pub url: String,
    /// Extra request headers, e.g. `authorization = "ApiKey …"` (values are secrets).
    #[serde(default)]
    pub headers: BTreeMap<String, Secret>,
    /// PEM file of the CA(s) to trust instead of the system's roots.
    #[serde(default)]
    pub ca: Option<PathBuf>,
    /// Seconds for one request and its answer; 30 by default.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    #[serde(default)]
    pub queue: Option<usize>,
    #[serde(default)]
    pub spool: Option<SpoolConfig>,
    // The kind's own keys (flattening is not possible with deny_unknown_fields, so every
    // kind's keys live here and `open` checks that only the kind's own are set).
    /// Elasticsearch: the index or data stream; `logs-dockward.watch-default` by default.
    #[serde(default)]
    pub index: Option<String>,
    /// Elasticsearch: `create` actions (data streams, the default) or `index`.
    #[serde(default)]
    pub action: Option<String>,
    /// Loki: the tenant (`X-Scope-OrgID`).
    #[serde(default)]
    pub tenant: Option<String>,
    /// Webhook: the HMAC-SHA256 key; the body's signature goes in `X-Dockward-Signature-256`.
    #[serde(default)]
    pub secret: Option<Secret>,
    /// Splunk HEC: the token (`Authorization: Splunk <token>`).
    #[serde(default)]
    pub token: Option<Secret>,
    /// Splunk HEC: the sourcetype; `_json` by default.
    #[serde(default)]
    pub sourcetype: Option<String>,
}

fn default_timeout() -> u64 {
    30
}

/// Which HTTP protocol a sink speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HttpKind {
    Elasticsearch,
    Loki,
    Webhook,
    SplunkHec,
}

impl HttpKind {
    fn type_name(self) -> &'static str {
        match self {
            HttpKind::Elasticsearch => "elasticsearch",
            HttpKind::Loki => "loki",
            HttpKind::Webhook => "webhook",
            HttpKind::SplunkHec => "splunk-hec",
        }
    }

    /// The kind-specific keys it accepts.
    fn own_keys(self) -> &'static [&'static str] {
        match self {
            HttpKind::Elasticsearch => &["index", "action"],
            HttpKind::Loki => &["tenant"],
            HttpKind::Webhook => &["secret"],
            HttpKind::SplunkHec => &["token", "index", "sourcetype"],
        }
    }
}

type HttpsClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

pub(crate) struct HttpSink {
    name: String,
    kind: HttpKind,
    config: HttpConfig,
    endpoint: Uri,
    client: HttpsClient,
    metrics: Metrics,
    /// `_bulk`: the items of the batch being retried that still need sending (by index),
    /// keyed by the batch's identity: its first record (held, so its address cannot be
    /// reused by another batch's record) and its length.
    pending_items: Option<(Arc<str>, usize, Vec<usize>)>,
}

/// The outcome of one request, by status class.
enum Answer {
    Delivered(Bytes),
    Retry(String),
    Refused(String),
}

impl HttpSink {
    pub(crate) fn new(kind: HttpKind, config: &HttpConfig, metrics: Metrics) -> Result<HttpSink, SinkError> {
        // The sink's name (in errors and metric labels) shows the URL, so the URL must not
        // carry credentials: they belong in `headers`.
        let authority = config.url.split("://").nth(1).unwrap_or("").split(['/', '?', '#']).next().unwrap_or("");
        if authority.contains('@') {
            let sink = format!("{}:{}", kind.type_name(), config.url.split("://").next().unwrap_or(""));
            let message = "url: put credentials in `headers` (authorization), not in the URL".into();
            return Err(SinkError::Config { sink, message });
        }
        let name = format!("{}:{}", kind.type_name(), config.url);
        let error = |message: String| SinkError::Config { sink: name.clone(), message };
        let set: [(&str, bool); 6] = [
            ("index", config.index.is_some()),
            ("action", config.action.is_some()),
            ("tenant", config.tenant.is_some()),
            ("secret", config.secret.is_some()),
            ("token", config.token.is_some()),
            ("sourcetype", config.sourcetype.is_some()),
        ];
        for (key, present) in set {
            if present && !kind.own_keys().contains(&key) {
                return Err(error(format!("`{key}` is not a key of type `{}`", kind.type_name())));
            }
        }
        if kind == HttpKind::SplunkHec && config.token.is_none() {
            return Err(error("`token` is required".into()));
        }
        if let Some(action) = &config.action {
            if action != "create" && action != "index" {
                return Err(error(format!("`action` is `create` or `index`, not `{action}`")));
            }
        }
        let base = config.url.trim_end_matches('/');
        let endpoint = match kind {
            HttpKind::Elasticsearch => format!("{base}/_bulk"),
            HttpKind::Loki => format!("{base}/loki/api/v1/push"),
            HttpKind::SplunkHec => format!("{base}/services/collector/event"),
            HttpKind::Webhook => config.url.clone(),
        };
        let endpoint: Uri = endpoint.parse().map_err(|e| error(format!("url: {e}")))?;
        if !matches!(endpoint.scheme_str(), Some("http" | "https")) || endpoint.host().is_none() {
            return Err(error("url: an http:// or https:// URL with a host".into()));
        }
        for (header, value) in &config.headers {
            hyper::header::HeaderName::from_bytes(header.as_bytes())
                .map_err(|_| error(format!("header name `{header}` is invalid")))?;
            hyper::header::HeaderValue::from_str(&value.0)
                .map_err(|_| error(format!("header `{header}`: the value is not a valid header value")))?;
        }
        let tls = crate::tls::client_config(config.ca.as_deref(), None, None).map_err(error)?;
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(Duration::from_secs(config.timeout_secs.max(1))));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(Arc::unwrap_or_clone(tls))
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new()).build(https);
        Ok(HttpSink { name, kind, config: config.clone(), endpoint, client, metrics, pending_items: None })
    }

    async fn post(&self, content_type: &str, body: Vec<u8>, extra: &[(&str, String)]) -> Result<Answer, SinkError> {
        let mut request = Request::post(self.endpoint.clone()).header(hyper::header::CONTENT_TYPE, content_type);
        for (header, value) in &self.config.headers {
            request = request.header(header.as_str(), value.0.as_str());
        }
        for (header, value) in extra {
            request = request.header(*header, value.as_str());
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| SinkError::Config { sink: self.name.clone(), message: e.to_string() })?;
        let exchange = async {
            let response = self.client.request(request).await.map_err(|e| describe(&e))?;
            let status = response.status();
            let body = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
            Ok::<_, String>((status, body))
        };
        let timeout = Duration::from_secs(self.config.timeout_secs.max(1));
        let (status, body) = match tokio::time::timeout(timeout, exchange).await {
            Err(_) => return Ok(Answer::Retry("no answer in time".into())),
            Ok(Err(message)) => return Ok(Answer::Retry(message)),
            Ok(Ok(answer)) => answer,
        };
        Ok(if status.is_success() {
            Answer::Delivered(body)
        } else if status == StatusCode::REQUEST_TIMEOUT
            || status == StatusCode::TOO_MANY_REQUESTS
            || status.is_server_error()
        {
            Answer::Retry(format!("HTTP {status}"))
        } else {
            Answer::Refused(format!("HTTP {status}"))
        })
    }

    /// Turns an answer into the sink's result; a refused batch is dropped and counted.
    fn settle(&self, answer: Answer, records: usize) -> Result<Option<Bytes>, SinkError> {
        match answer {
            Answer::Delivered(body) => Ok(Some(body)),
            Answer::Retry(message) => Err(SinkError::Rejected { sink: self.name.clone(), message }),
            Answer::Refused(message) => {
                eprintln!(
                    "dockward: sink {}: {message}; {records} records dropped (the server will not take them)",
                    self.name
                );
                self.metrics.dropped(&self.name, records as u64);
                Ok(None)
            }
        }
    }

    async fn deliver_bulk(&mut self, batch: &[Record]) -> Result<(), SinkError> {
        let Some(first) = batch.first() else { return Ok(()) };
        let items: Vec<usize> = match self.pending_items.take() {
            Some((held, len, items)) if Arc::ptr_eq(&held, &first.json) && len == batch.len() => items,
            _ => (0..batch.len()).collect(),
        };
        let index = self.config.index.as_deref().unwrap_or("logs-dockward.watch-default");
        let action = self.config.action.as_deref().unwrap_or("create");
        let mut body = Vec::new();
        for &item in &items {
            let record = &batch[item];
            let mut meta = serde_json::Map::new();
            meta.insert(action.into(), serde_json::json!({ "_index": index }));
            serde_json::to_writer(&mut body, &meta).expect("JSON");
            body.push(b'\n');
            body.extend_from_slice(with_timestamp(record).as_bytes());
            body.push(b'\n');
        }
        let answer = self.post("application/x-ndjson", body, &[]).await?;
        let body = match self.settle(answer, items.len()) {
            Ok(Some(body)) => body,
            Ok(None) => return Ok(()),
            Err(error) => {
                // The whole request failed: the same items go again.
                self.pending_items = Some((first.json.clone(), batch.len(), items));
                return Err(error);
            }
        };
        let reply: BulkReply = serde_json::from_slice(&body).map_err(|e| SinkError::Rejected {
            sink: self.name.clone(),
            message: format!("unreadable _bulk answer: {e}"),
        })?;
        if !reply.errors {
            return Ok(());
        }
        if reply.items.len() != items.len() {
            return Err(SinkError::Rejected {
                sink: self.name.clone(),
                message: "_bulk answered for another number of items".into(),
            });
        }
        let (mut retry, mut refused) = (Vec::new(), 0u64);
        let mut reasons = BTreeMap::new();
        for (&item, outcome) in items.iter().zip(&reply.items) {
            let Some(result) = outcome.values().next() else { continue };
            let status = result.status;
            if (200..300).contains(&status) {
                continue;
            }
            let reason = result.error.as_ref().and_then(|e| e.get("type")).and_then(|t| t.as_str()).unwrap_or("error");
            *reasons.entry(format!("{status} {reason}")).or_insert(0) += 1;
            if status == 429 || status >= 500 {
                retry.push(item);
            } else {
                refused += 1;
            }
        }
        if refused > 0 {
            self.metrics.dropped(&self.name, refused);
        }
        let reasons: Vec<String> = reasons.iter().map(|(reason, n)| format!("{n}× {reason}")).collect();
        if retry.is_empty() {
            eprintln!("dockward: sink {}: {refused} items refused ({})", self.name, reasons.join(", "));
            return Ok(());
        }
        let message = format!("{} items to retry ({})", retry.len(), reasons.join(", "));
        self.pending_items = Some((first.json.clone(), batch.len(), retry));
        Err(SinkError::Rejected { sink: self.name.clone(), message })
    }

    async fn deliver_loki(&mut self, batch: &[Record]) -> Result<(), SinkError> {
        // Low-cardinality labels only: host, kind, severity (never an object id).
        let mut streams: BTreeMap<LokiLabels, Vec<(u128, &str)>> = BTreeMap::new();
        for record in batch {
            let host = record.host.as_deref().unwrap_or("-").to_owned();
            let nanos = record.time.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().as_nanos();
            streams
                .entry((host, record.kind.to_string(), severity_name(record.severity)))
                .or_default()
                .push((nanos, &record.json));
        }
        let streams: Vec<serde_json::Value> = streams
            .into_iter()
            .map(|((host, kind, severity), mut values)| {
                // Loki wants each stream's entries in time order.
                values.sort_by_key(|(nanos, _)| *nanos);
                let values: Vec<_> =
                    values.into_iter().map(|(nanos, line)| serde_json::json!([nanos.to_string(), line])).collect();
                serde_json::json!({"stream": {"host": host, "kind": kind, "severity": severity}, "values": values})
            })
            .collect();
        let body = serde_json::to_vec(&serde_json::json!({ "streams": streams })).expect("JSON");
        let extra: Vec<(&str, String)> = self.config.tenant.iter().map(|t| ("x-scope-orgid", t.clone())).collect();
        let answer = self.post("application/json", body, &extra).await?;
        self.settle(answer, batch.len()).map(|_| ())
    }

    async fn deliver_webhook(&mut self, batch: &[Record]) -> Result<(), SinkError> {
        // A JSON array of the records, exactly as produced.
        let mut body = Vec::from(*b"[");
        for (i, record) in batch.iter().enumerate() {
            if i > 0 {
                body.push(b',');
            }
            body.extend_from_slice(record.json.as_bytes());
        }
        body.push(b']');
        let mut extra = Vec::new();
        if let Some(secret) = &self.config.secret {
            extra.push(("x-dockward-signature-256", format!("sha256={}", hmac_sha256_hex(secret.0.as_bytes(), &body))));
        }
        let answer = self.post("application/json", body, &extra).await?;
        self.settle(answer, batch.len()).map(|_| ())
    }

    async fn deliver_hec(&mut self, batch: &[Record]) -> Result<(), SinkError> {
        // HEC takes concatenated event objects in one body.
        let mut body = Vec::new();
        for record in batch {
            let since = record.time.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
            let event: serde_json::Value =
                serde_json::from_str(&record.json).unwrap_or_else(|_| serde_json::json!(record.json.as_ref()));
            let mut object = serde_json::json!({
                "time": format!("{}.{:06}", since.as_secs(), since.subsec_micros()).parse::<f64>().unwrap_or(0.0),
                "source": "dockward",
                "sourcetype": self.config.sourcetype.as_deref().unwrap_or("_json"),
                "event": event,
            });
            if let Some(host) = &record.host {
                object["host"] = serde_json::json!(host.as_ref());
            }
            if let Some(index) = &self.config.index {
                object["index"] = serde_json::json!(index);
            }
            serde_json::to_writer(&mut body, &object).expect("JSON");
        }
        let token = self.config.token.as_ref().map(|t| format!("Splunk {}", t.0)).unwrap_or_default();
        let answer = self.post("application/json", body, &[("authorization", token)]).await?;
        self.settle(answer, batch.len()).map(|_| ())
    }
}

/// A transport error without the URL's credentials: hyper-util's errors name the cause.
fn describe(error: &hyper_util::client::legacy::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// A Loki stream's labels: host, kind, severity.
type LokiLabels = (String, String, &'static str);

fn severity_name(severity: RecordSeverity) -> &'static str {
    match severity {
        RecordSeverity::Info => "info",
        RecordSeverity::Notice => "notice",
        RecordSeverity::Warning => "warning",
        RecordSeverity::Error => "error",
    }
}

/// The record with `@timestamp` added when it has none (data streams require one).
fn with_timestamp(record: &Record) -> String {
    if record.json.contains("\"@timestamp\"") {
        return record.json.to_string();
    }
    let time = chrono::DateTime::<chrono::Utc>::from(record.time.max(SystemTime::UNIX_EPOCH));
    match record.json.strip_prefix('{') {
        Some(rest) => {
            let separator = if rest.trim_start().starts_with('}') { "" } else { "," };
            format!("{{\"@timestamp\":\"{}\"{separator}{rest}", time.format("%Y-%m-%dT%H:%M:%S%.9fZ"))
        }
        None => record.json.to_string(),
    }
}

pub fn hmac_sha256_hex(key: &[u8], body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(body);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Deserialize)]
struct BulkReply {
    errors: bool,
    #[serde(default)]
    items: Vec<BTreeMap<String, BulkItem>>,
}

#[derive(Deserialize)]
struct BulkItem {
    status: u16,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

impl Sink for HttpSink {
    fn name(&self) -> &str {
        &self.name
    }

    fn deliver<'a>(&'a mut self, batch: &'a [Record]) -> BoxFuture<'a, Result<(), SinkError>> {
        Box::pin(async move {
            match self.kind {
                HttpKind::Elasticsearch => self.deliver_bulk(batch).await,
                HttpKind::Loki => self.deliver_loki(batch).await,
                HttpKind::Webhook => self.deliver_webhook(batch).await,
                HttpKind::SplunkHec => self.deliver_hec(batch).await,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: &str) -> Record {
        Record {
            json: json.into(),
            time: SystemTime::UNIX_EPOCH + Duration::new(1, 5),
            severity: RecordSeverity::Info,
            kind: "k".into(),
            host: None,
        }
    }

    #[test]
    fn adds_a_timestamp_only_when_missing() {
        assert_eq!(with_timestamp(&record("{\"a\":1}")), "{\"@timestamp\":\"1970-01-01T00:00:01.000000005Z\",\"a\":1}");
        assert_eq!(with_timestamp(&record("{}")), "{\"@timestamp\":\"1970-01-01T00:00:01.000000005Z\"}");
        assert_eq!(with_timestamp(&record("{\"@timestamp\":\"x\"}")), "{\"@timestamp\":\"x\"}");
    }

    #[test]
    fn secrets_do_not_show_in_debug_and_foreign_keys_are_refused() {
        let config: HttpConfig =
            toml::from_str("url = \"http://h\"\ntoken = \"s3cr3t\"\nheaders = { authorization = \"Bearer x1\" }")
                .unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("s3cr3t") && !debug.contains("x1"), "{debug}");
        let error = HttpSink::new(HttpKind::Loki, &config, Metrics::new()).err().unwrap().to_string();
        assert_eq!(error, "loki:http://h: `token` is not a key of type `loki`");
        let error = HttpSink::new(HttpKind::Webhook, &toml::from_str("url = \"ftp://h\"").unwrap(), Metrics::new())
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("an http:// or https:// URL"), "{error}");
        let config: HttpConfig = toml::from_str("url = \"https://elastic:pa55@es:9200\"").unwrap();
        let error = HttpSink::new(HttpKind::Elasticsearch, &config, Metrics::new()).err().unwrap().to_string();
        assert!(!error.contains("pa55") && error.contains("not in the URL"), "{error}");
    }
}
