//! The `[[watch.sink]]` / `[[guard.sink]]` tables of `dockward.toml`.

use std::path::PathBuf;

use serde::Deserialize;

pub use crate::fluent::FluentConfig;
use crate::http::HttpKind;
pub use crate::http::{HttpConfig, Secret};
pub use crate::prometheus::{PrometheusConfig, TextfileConfig};
pub use crate::syslog::{SyslogConfig, SyslogTransport};
use crate::{Metrics, Sink, SinkError};

/// One configured sink. Tagged by `type`.
///
/// `type = "file"` reads as [`SinkConfig::File`] when the table has only `path` and `queue`
/// (the variant callers build in code), and as [`SinkConfig::RotatingFile`] when it also has
/// `max-bytes`, `keep` or `spool`: the two are one sink; the split only keeps
/// `SinkConfig::File { path, queue }` literals compiling.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(from = "TaggedSinkConfig")]
pub enum SinkConfig {
    /// JSON lines on standard output.
    Stdout,
    /// JSON lines appended to a file.
    File { path: PathBuf, queue: Option<usize> },
    /// JSON lines appended to a file, rotated by size and/or with a spool.
    RotatingFile(FileConfig),
    /// RFC 5424 syslog over UDP, TCP (octet counting) or TLS.
    Syslog(SyslogConfig),
    /// The metrics on a `/metrics` listener (takes no records).
    Prometheus(PrometheusConfig),
    /// The metrics as a node_exporter textfile, written atomically (takes no records).
    PrometheusTextfile(TextfileConfig),
    /// Fluent forward protocol (Fluentd, Fluent Bit), acknowledged chunks.
    FluentForward(FluentConfig),
    /// Elasticsearch / OpenSearch `_bulk` (per-item errors, only the failed items retried).
    Elasticsearch(HttpConfig),
    /// Grafana Loki push API.
    Loki(HttpConfig),
    /// A JSON POST of each batch, signed with HMAC-SHA256.
    Webhook(HttpConfig),
    /// Splunk HTTP Event Collector.
    SplunkHec(HttpConfig),
}

/// `type = "file"`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FileConfig {
    pub path: PathBuf,
    #[serde(default)]
    pub queue: Option<usize>,
    /// Rotate when the next batch would take the file past this many bytes; no rotation
    /// when absent.
    #[serde(default)]
    pub max_bytes: Option<u64>,
    /// Rotated files kept (`path.1` newest ... `path.<keep>` oldest); 5 by default.
    #[serde(default)]
    pub keep: Option<u32>,
    #[serde(default)]
    pub spool: Option<SpoolConfig>,
}

/// The tables as written; [`SinkConfig`] is read through it.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
enum TaggedSinkConfig {
    Stdout,
    File(FileConfig),
    Syslog(SyslogConfig),
    Prometheus(PrometheusConfig),
    PrometheusTextfile(TextfileConfig),
    FluentForward(FluentConfig),
    Elasticsearch(HttpConfig),
    Loki(HttpConfig),
    Webhook(HttpConfig),
    SplunkHec(HttpConfig),
}

impl From<TaggedSinkConfig> for SinkConfig {
    fn from(tagged: TaggedSinkConfig) -> SinkConfig {
        match tagged {
            TaggedSinkConfig::Stdout => SinkConfig::Stdout,
            TaggedSinkConfig::File(FileConfig { path, queue, max_bytes: None, keep: None, spool: None }) => {
                SinkConfig::File { path, queue }
            }
            TaggedSinkConfig::File(config) => SinkConfig::RotatingFile(config),
            TaggedSinkConfig::Syslog(config) => SinkConfig::Syslog(config),
            TaggedSinkConfig::Prometheus(config) => SinkConfig::Prometheus(config),
            TaggedSinkConfig::PrometheusTextfile(config) => SinkConfig::PrometheusTextfile(config),
            TaggedSinkConfig::FluentForward(config) => SinkConfig::FluentForward(config),
            TaggedSinkConfig::Elasticsearch(config) => SinkConfig::Elasticsearch(config),
            TaggedSinkConfig::Loki(config) => SinkConfig::Loki(config),
            TaggedSinkConfig::Webhook(config) => SinkConfig::Webhook(config),
            TaggedSinkConfig::SplunkHec(config) => SinkConfig::SplunkHec(config),
        }
    }
}

/// An on-disk spool: batches a sink could not deliver are appended here and delivered
/// first, also after a restart, so they survive one. Bounded: past `max-bytes`, records
/// are dropped and counted.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SpoolConfig {
    pub path: PathBuf,
    /// 64 MiB by default.
    #[serde(default = "default_spool_bytes")]
    pub max_bytes: u64,
}

fn default_spool_bytes() -> u64 {
    64 << 20
}

impl SinkConfig {
    pub fn queue_len(&self) -> usize {
        let queue = match self {
            SinkConfig::Stdout | SinkConfig::Prometheus(_) | SinkConfig::PrometheusTextfile(_) => None,
            SinkConfig::File { queue, .. } => *queue,
            SinkConfig::RotatingFile(config) => config.queue,
            SinkConfig::Syslog(config) => config.queue,
            SinkConfig::FluentForward(config) => config.queue,
            SinkConfig::Elasticsearch(config)
            | SinkConfig::Loki(config)
            | SinkConfig::Webhook(config)
            | SinkConfig::SplunkHec(config) => config.queue,
        };
        queue.unwrap_or(crate::DEFAULT_QUEUE)
    }

    /// The sink's spool, when one is configured.
    pub fn spool(&self) -> Option<&SpoolConfig> {
        match self {
            SinkConfig::Stdout | SinkConfig::Prometheus(_) | SinkConfig::PrometheusTextfile(_) => None,
            SinkConfig::File { .. } => None,
            SinkConfig::RotatingFile(config) => config.spool.as_ref(),
            SinkConfig::Syslog(config) => config.spool.as_ref(),
            SinkConfig::FluentForward(config) => config.spool.as_ref(),
            SinkConfig::Elasticsearch(config)
            | SinkConfig::Loki(config)
            | SinkConfig::Webhook(config)
            | SinkConfig::SplunkHec(config) => config.spool.as_ref(),
        }
    }

    pub(crate) fn open(&self, metrics: &Metrics) -> Result<Box<dyn Sink>, SinkError> {
        Ok(match self {
            SinkConfig::Stdout => Box::new(crate::stdout::StdoutSink::new()),
            SinkConfig::File { path, .. } => Box::new(crate::file::FileSink::new(path.clone())),
            SinkConfig::RotatingFile(config) => Box::new(
                crate::file::FileSink::new(config.path.clone()).rotate(config.max_bytes, config.keep.unwrap_or(5)),
            ),
            SinkConfig::Syslog(config) => Box::new(crate::syslog::SyslogSink::new(config, metrics.clone())?),
            SinkConfig::Prometheus(config) => {
                Box::new(crate::prometheus::ListenerSink::start(config, metrics.clone())?)
            }
            SinkConfig::FluentForward(config) => Box::new(crate::fluent::FluentSink::new(config)),
            SinkConfig::Elasticsearch(config) => Box::new(http(HttpKind::Elasticsearch, config, metrics)?),
            SinkConfig::Loki(config) => Box::new(http(HttpKind::Loki, config, metrics)?),
            SinkConfig::Webhook(config) => Box::new(http(HttpKind::Webhook, config, metrics)?),
            SinkConfig::SplunkHec(config) => Box::new(http(HttpKind::SplunkHec, config, metrics)?),
            SinkConfig::PrometheusTextfile(config) => {
                Box::new(crate::prometheus::TextfileSink::start(config, metrics.clone())?)
            }
        })
    }
}

fn http(kind: HttpKind, config: &HttpConfig, metrics: &Metrics) -> Result<crate::http::HttpSink, SinkError> {
    crate::http::HttpSink::new(kind, config, metrics.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Tables {
        sink: Vec<SinkConfig>,
    }

    #[test]
    fn parses_every_type_and_rejects_unknown_keys() {
        let tables: Tables = toml::from_str(
            r#"
            [[sink]]
            type = "stdout"
            [[sink]]
            type = "file"
            path = "/var/log/dockward.jsonl"
            max-bytes = 1000
            keep = 3
            spool = { path = "/var/spool/dockward/file" }
            [[sink]]
            type = "syslog"
            address = "logs:6514"
            transport = "tls"
            app-name = "dw"
            [[sink]]
            type = "prometheus"
            listen = "127.0.0.1:9323"
            [[sink]]
            type = "prometheus-textfile"
            path = "/var/lib/node_exporter/textfile/dockward.prom"
            "#,
        )
        .unwrap();
        assert_eq!(tables.sink.len(), 5);
        let plain: Tables = toml::from_str("[[sink]]\ntype = \"file\"\npath = \"/x\"\nqueue = 9").unwrap();
        assert_eq!(plain.sink, [SinkConfig::File { path: "/x".into(), queue: Some(9) }]);
        assert!(matches!(&tables.sink[4], SinkConfig::PrometheusTextfile(t) if t.interval_secs == 15));
        assert_eq!(tables.sink[1].spool().unwrap().max_bytes, 64 << 20);
        let SinkConfig::Syslog(syslog) = &tables.sink[2] else { panic!("{:?}", tables.sink[2]) };
        assert_eq!(
            (syslog.transport, syslog.app_name.as_str(), syslog.facility.as_str()),
            (SyslogTransport::Tls, "dw", "daemon")
        );

        let error =
            toml::from_str::<Tables>("[[sink]]\ntype = \"syslog\"\naddress = \"a:1\"\nport = 1\n").err().unwrap();
        assert!(error.to_string().contains("unknown field `port`"), "{error}");
        let error = toml::from_str::<Tables>("[[sink]]\ntype = \"file\"\npath = \"x\"\nsize = 1\n").err().unwrap();
        assert!(error.to_string().contains("unknown field `size`"), "{error}");
    }
}
