//! Where dockward's continuous records go.
//!
//! `dockward watch` (records of findings, changes and its own health) and `dockward guard`
//! (one record per decision) both produce a stream of [`Record`]s and hand each one to a
//! [`SinkSet`]. A sink set fans a record out to every configured [`Sink`]; each sink runs
//! in its own task behind a bounded queue, so a slow or dead sink never blocks the
//! producer (the engine drops an events subscriber slower than 100 ms). A record that does
//! not fit in a full queue is dropped and counted (`Metrics::dropped`), never waited for.
//!
//! This crate knows tokio and the network; it knows nothing of rules or of the engine.

pub mod config;
mod file;
pub mod metrics;
pub mod prometheus;
mod stdout;
pub mod syslog;
mod tls;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub use config::SinkConfig;
pub use metrics::Metrics;
use tokio::sync::mpsc;

/// One record: a JSON object serialised on one line (no trailing newline), and the few
/// facts sinks route on without parsing it again.
#[derive(Clone, Debug)]
pub struct Record {
    /// The whole record, a JSON object on one line.
    pub json: Arc<str>,
    /// When the record's event happened (syslog TIMESTAMP, Loki's and Fluent's event time).
    pub time: SystemTime,
    /// How a log pipeline should rank it (the syslog severity).
    pub severity: RecordSeverity,
    /// What the record is, dotted: `watch.finding`, `watch.gap`, `guard.decision`, ...
    /// (the syslog MSGID, a low-cardinality label).
    pub kind: Arc<str>,
    /// The host or engine the record is about, when there is one (a low-cardinality label).
    pub host: Option<Arc<str>>,
}

/// A record's rank, mapped onto syslog's severities by the syslog sink.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RecordSeverity {
    Info,
    Notice,
    Warning,
    Error,
}

#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error("{sink}: {message}")]
    Config { sink: String, message: String },
    #[error("{sink}: {source}")]
    Io {
        sink: String,
        #[source]
        source: std::io::Error,
    },
    /// The peer answered but refused (HTTP status, missing ack); retried by the sink set.
    #[error("{sink}: {message}")]
    Rejected { sink: String, message: String },
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One destination. `deliver` returns when the batch is delivered (acknowledged, where the
/// protocol acknowledges) or has failed; the sink set retries failed batches.
pub trait Sink: Send + 'static {
    fn name(&self) -> &str;
    fn deliver<'a>(&'a mut self, batch: &'a [Record]) -> BoxFuture<'a, Result<(), SinkError>>;
    /// Called once before shutdown, after the last batch.
    fn close(&mut self) -> BoxFuture<'_, Result<(), SinkError>> {
        Box::pin(async { Ok(()) })
    }
}

/// Queue length per sink when the config gives none.
pub const DEFAULT_QUEUE: usize = 65_536;

struct SinkHandle {
    name: String,
    sender: mpsc::Sender<Record>,
    backlog: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

/// The configured sinks, each behind its own bounded queue and task.
pub struct SinkSet {
    sinks: Vec<SinkHandle>,
    metrics: Metrics,
}

impl SinkSet {
    /// Starts one task per configured sink; must be called inside a tokio runtime. With no
    /// configuration, records go to stdout.
    pub fn start(configs: &[SinkConfig], metrics: Metrics) -> Result<SinkSet, SinkError> {
        let mut sinks = Vec::new();
        let default = [SinkConfig::Stdout];
        let configs = if configs.is_empty() { &default[..] } else { configs };
        for config in configs {
            let sink = config.open(&metrics)?;
            sinks.push(spawn(sink, config.queue_len(), metrics.clone()));
        }
        Ok(SinkSet { sinks, metrics })
    }

    /// Starts a set over sinks built by the caller (tests, or a sink this crate has no config for).
    pub fn from_sinks(sinks: Vec<Box<dyn Sink>>, queue_len: usize, metrics: Metrics) -> SinkSet {
        let sinks = sinks.into_iter().map(|sink| spawn(sink, queue_len, metrics.clone())).collect();
        SinkSet { sinks, metrics }
    }

    /// Hands the record to every sink without waiting; a full queue drops it for that sink
    /// and counts the drop.
    pub fn emit(&self, record: Record) {
        for sink in &self.sinks {
            // Counted before sending, so the task never subtracts a record not yet added.
            sink.backlog.fetch_add(1, Ordering::Relaxed);
            if sink.sender.try_send(record.clone()).is_err() {
                sink.backlog.fetch_sub(1, Ordering::Relaxed);
                self.metrics.dropped(&sink.name, 1);
            }
        }
    }

    /// Records waiting per sink.
    pub fn backlog(&self) -> Vec<(String, usize)> {
        self.sinks.iter().map(|sink| (sink.name.clone(), sink.backlog.load(Ordering::Relaxed))).collect()
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Stops taking records, drains the queues and closes the sinks, waiting at most
    /// `deadline` in all.
    pub async fn shutdown(self, deadline: Duration) {
        let tasks: Vec<_> = self
            .sinks
            .into_iter()
            .map(|sink| {
                drop(sink.sender);
                sink.task
            })
            .collect();
        let _ = tokio::time::timeout(deadline, async {
            for task in tasks {
                let _ = task.await;
            }
        })
        .await;
    }
}

fn spawn(mut sink: Box<dyn Sink>, queue_len: usize, metrics: Metrics) -> SinkHandle {
    let (sender, mut receiver) = mpsc::channel::<Record>(queue_len.max(1));
    let backlog = Arc::new(AtomicUsize::new(0));
    let name = sink.name().to_owned();
    let task_backlog = backlog.clone();
    let task = tokio::spawn(async move {
        let name = sink.name().to_owned();
        let mut batch = Vec::new();
        while receiver.recv_many(&mut batch, 512).await > 0 {
            let mut delay = Duration::from_millis(100);
            loop {
                match sink.deliver(&batch).await {
                    Ok(()) => break,
                    Err(error) => {
                        // The error names the sink and the failure, never a record's content.
                        eprintln!("dockward: sink {error}; retrying in {delay:?}");
                        metrics.failure(&name);
                        tokio::time::sleep(delay).await;
                        delay = (delay * 2).min(Duration::from_secs(30));
                    }
                }
            }
            let left = task_backlog.fetch_sub(batch.len(), Ordering::Relaxed).saturating_sub(batch.len());
            metrics.delivered(&name, batch.len() as u64);
            metrics.backlog(&name, left as u64);
            batch.clear();
        }
        if let Err(error) = sink.close().await {
            eprintln!("dockward: sink {error}");
        }
    });
    SinkHandle { name, sender, backlog, task }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    struct Memory(Arc<Mutex<Vec<String>>>, usize);

    impl Sink for Memory {
        fn name(&self) -> &str {
            "memory"
        }
        fn deliver<'a>(&'a mut self, batch: &'a [Record]) -> BoxFuture<'a, Result<(), SinkError>> {
            Box::pin(async move {
                // Fails the first delivery to prove the set retries it.
                if self.1 == 0 {
                    self.1 += 1;
                    return Err(SinkError::Rejected { sink: "memory".into(), message: "503".into() });
                }
                let mut seen = self.0.lock().unwrap();
                seen.extend(batch.iter().map(|record| record.json.to_string()));
                Ok(())
            })
        }
    }

    fn record(n: usize) -> Record {
        Record {
            json: format!("{{\"n\":{n}}}").into(),
            time: SystemTime::UNIX_EPOCH,
            severity: RecordSeverity::Info,
            kind: "test".into(),
            host: None,
        }
    }

    #[tokio::test]
    async fn retries_a_failed_batch_and_drains_on_shutdown() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let set = SinkSet::from_sinks(vec![Box::new(Memory(seen.clone(), 0))], 16, Metrics::new());
        for n in 0..3 {
            set.emit(record(n));
        }
        set.shutdown(Duration::from_secs(5)).await;
        assert_eq!(*seen.lock().unwrap(), ["{\"n\":0}", "{\"n\":1}", "{\"n\":2}"]);
    }

    #[tokio::test]
    async fn a_full_queue_drops_and_counts() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let metrics = Metrics::new();
        let set = SinkSet::from_sinks(vec![Box::new(Memory(seen.clone(), 0))], 2, metrics.clone());
        // The sink task has not run yet (current-thread runtime), so two fit and eight drop.
        for n in 0..10 {
            set.emit(record(n));
        }
        assert!(metrics.render().contains("dockward_sink_dropped_total{sink=\"memory\"} 8"));
        set.shutdown(Duration::from_secs(5)).await;
        assert_eq!(seen.lock().unwrap().len(), 2);
    }
}
