//! The counters and gauges `dockward watch` and `dockward guard` keep, in the Prometheus
//! text exposition format (served on `/metrics` or written as a node_exporter textfile by
//! the metrics sinks).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Shared, cheap to clone. Every method takes `&self`.
#[derive(Clone, Default)]
pub struct Metrics {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    /// (host, rule, severity) -> open findings.
    findings: BTreeMap<(String, String, String), u64>,
    /// (host, event type) -> events seen.
    events: BTreeMap<(String, String), u64>,
    /// host -> gaps detected.
    gaps: BTreeMap<String, u64>,
    /// (decision, endpoint class) -> guard decisions.
    decisions: BTreeMap<(String, String), u64>,
    /// sink -> records dropped.
    dropped: BTreeMap<String, u64>,
    /// sink -> records waiting.
    backlog: BTreeMap<String, u64>,
    /// sink -> records truncated to fit a datagram.
    truncated: BTreeMap<String, u64>,
    /// sink -> records delivered.
    delivered: BTreeMap<String, u64>,
    /// sink -> failed delivery attempts.
    failures: BTreeMap<String, u64>,
    /// host -> resyncs run.
    resyncs: BTreeMap<String, u64>,
    /// host -> reconnections to the events stream.
    reconnects: BTreeMap<String, u64>,
    heartbeats: u64,
}

impl Metrics {
    pub fn new() -> Self {
        Self::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        let mut inner = self.inner.lock().unwrap_or_else(|poison| poison.into_inner());
        f(&mut inner)
    }

    /// One engine event of `kind` (container, image, network, ...) seen on `host`.
    pub fn event(&self, host: &str, kind: &str) {
        self.with(|m| *m.events.entry((host.into(), kind.into())).or_default() += 1);
    }

    /// Replaces `host`'s open findings by (rule, severity) -> count.
    pub fn set_findings(&self, host: &str, counts: &BTreeMap<(String, String), u64>) {
        self.with(|m| {
            m.findings.retain(|(h, _, _), _| h != host);
            for ((rule, severity), count) in counts {
                m.findings.insert((host.into(), rule.clone(), severity.clone()), *count);
            }
        });
    }

    pub fn gap(&self, host: &str) {
        self.with(|m| *m.gaps.entry(host.into()).or_default() += 1);
    }

    /// One guard decision (`allow`, `deny`, `would-deny`) on an endpoint class.
    pub fn decision(&self, decision: &str, endpoint: &str) {
        self.with(|m| *m.decisions.entry((decision.into(), endpoint.into())).or_default() += 1);
    }

    pub fn dropped(&self, sink: &str, records: u64) {
        self.with(|m| *m.dropped.entry(sink.into()).or_default() += records);
    }

    pub fn backlog(&self, sink: &str, records: u64) {
        self.with(|m| {
            m.backlog.insert(sink.into(), records);
        });
    }

    /// Records cut to fit a transport's size limit (syslog over UDP).
    pub fn truncated(&self, sink: &str, records: u64) {
        self.with(|m| *m.truncated.entry(sink.into()).or_default() += records);
    }

    /// Records a sink delivered (acknowledged where the protocol acknowledges).
    pub fn delivered(&self, sink: &str, records: u64) {
        self.with(|m| *m.delivered.entry(sink.into()).or_default() += records);
    }

    /// One failed delivery attempt of a sink (it is retried).
    pub fn failure(&self, sink: &str) {
        self.with(|m| *m.failures.entry(sink.into()).or_default() += 1);
    }

    /// One resync (a full audit diffed against the known state) of `host`.
    pub fn resync(&self, host: &str) {
        self.with(|m| *m.resyncs.entry(host.into()).or_default() += 1);
    }

    /// One reconnection to `host`'s events stream.
    pub fn reconnect(&self, host: &str) {
        self.with(|m| *m.reconnects.entry(host.into()).or_default() += 1);
    }

    pub fn heartbeat(&self) {
        self.with(|m| m.heartbeats += 1);
    }

    /// The Prometheus text exposition (version 0.0.4), families sorted, every family with
    /// HELP and TYPE.
    pub fn render(&self) -> String {
        self.with(|m| {
            let mut out = String::new();
            family(
                &mut out,
                "dockward_findings",
                "gauge",
                "Open findings by host, rule and severity.",
                m.findings.iter().map(|((h, r, s), v)| {
                    (vec![("host", h.as_str()), ("rule", r.as_str()), ("severity", s.as_str())], *v)
                }),
            );
            family(
                &mut out,
                "dockward_watch_events_total",
                "counter",
                "Engine events seen by host and type.",
                m.events.iter().map(|((h, t), v)| (vec![("host", h.as_str()), ("type", t.as_str())], *v)),
            );
            family(
                &mut out,
                "dockward_watch_gaps_total",
                "counter",
                "Gaps in the events stream detected, by host.",
                m.gaps.iter().map(|(h, v)| (vec![("host", h.as_str())], *v)),
            );
            family(
                &mut out,
                "dockward_watch_resyncs_total",
                "counter",
                "Resyncs (full audits diffed against the known state), by host.",
                m.resyncs.iter().map(|(h, v)| (vec![("host", h.as_str())], *v)),
            );
            family(
                &mut out,
                "dockward_watch_reconnects_total",
                "counter",
                "Reconnections to the events stream, by host.",
                m.reconnects.iter().map(|(h, v)| (vec![("host", h.as_str())], *v)),
            );
            family(
                &mut out,
                "dockward_guard_decisions_total",
                "counter",
                "Authorization decisions by decision and endpoint class.",
                m.decisions.iter().map(|((d, e), v)| (vec![("decision", d.as_str()), ("endpoint", e.as_str())], *v)),
            );
            family(
                &mut out,
                "dockward_sink_delivered_total",
                "counter",
                "Records a sink delivered (acknowledged where the protocol acknowledges).",
                m.delivered.iter().map(|(s, v)| (vec![("sink", s.as_str())], *v)),
            );
            family(
                &mut out,
                "dockward_sink_failures_total",
                "counter",
                "Failed delivery attempts (each is retried).",
                m.failures.iter().map(|(s, v)| (vec![("sink", s.as_str())], *v)),
            );
            family(
                &mut out,
                "dockward_sink_dropped_total",
                "counter",
                "Records dropped by a full or failing sink.",
                m.dropped.iter().map(|(s, v)| (vec![("sink", s.as_str())], *v)),
            );
            family(
                &mut out,
                "dockward_sink_backlog",
                "gauge",
                "Records waiting in a sink's queue.",
                m.backlog.iter().map(|(s, v)| (vec![("sink", s.as_str())], *v)),
            );
            family(
                &mut out,
                "dockward_sink_truncated_total",
                "counter",
                "Records truncated to fit a transport's size limit.",
                m.truncated.iter().map(|(s, v)| (vec![("sink", s.as_str())], *v)),
            );
            family(
                &mut out,
                "dockward_heartbeats_total",
                "counter",
                "Heartbeats of the running process.",
                std::iter::once((Vec::new(), m.heartbeats)),
            );
            out
        })
    }
}

fn family<'a>(
    out: &mut String,
    name: &str,
    kind: &str,
    help: &str,
    samples: impl Iterator<Item = (Vec<(&'a str, &'a str)>, u64)>,
) {
    use std::fmt::Write;
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
    for (labels, value) in samples {
        out.push_str(name);
        if !labels.is_empty() {
            out.push('{');
            for (i, (key, label)) in labels.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{key}=\"{}\"", escape_label(label));
            }
            out.push('}');
        }
        let _ = writeln!(out, " {value}");
    }
}

/// Label values escape backslash, double quote and newline (the exposition format's rule).
fn escape_label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_labels_escaped_and_sorted() {
        let metrics = Metrics::new();
        metrics.event("b", "container");
        metrics.event("a\"x", "image");
        metrics.event("b", "container");
        let text = metrics.render();
        let a = text.find("host=\"a\\\"x\"").unwrap();
        let b = text.find("dockward_watch_events_total{host=\"b\",type=\"container\"} 2").unwrap();
        assert!(a < b, "{text}");
        assert!(text.contains("# TYPE dockward_findings gauge"));
    }
}
