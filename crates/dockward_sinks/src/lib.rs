//! Where dockward's continuous records go.
//!
//! `dockward watch` (records of findings, changes and its own health) and `dockward guard`
//! (one record per decision) both produce a stream of [`Record`]s and hand each one to a
//! [`SinkSet`]. A sink set fans a record out to every configured [`Sink`]; each sink runs
//! in its own task behind a bounded queue, so a slow or dead sink never blocks the
//! producer (the engine drops an events subscriber slower than 100 ms). A record that does
//! not fit in a full queue is dropped and counted (`Metrics::dropped`), never waited for.
//! A failed batch is retried with backoff; with a spool (`SpoolConfig`), it goes to disk
//! after a few tries and the queue follows it there while the sink stays down, so records
//! survive a long outage and a restart. docs/sinks.md describes every sink.
//!
//! This crate knows tokio and the network; it knows nothing of rules or of the engine.

pub mod config;
mod file;
pub mod fluent;
pub mod http;
pub mod metrics;
pub mod prometheus;
mod spool;
mod stdout;
pub mod syslog;
mod tls;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub use config::{SinkConfig, SpoolConfig};
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
    /// Records in the queue and in the spool.
    backlog: Arc<AtomicUsize>,
    /// Records dropped (full queue, full spool) since the last [`SinkSet::health`].
    dropped: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

/// One sink's health since the last call of [`SinkSet::health`]: what a producer turns into
/// `sink.backlog` and `sink.dropped` records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SinkHealth {
    pub sink: String,
    /// Records waiting now (queue and spool).
    pub backlog: usize,
    /// Records dropped since the last call.
    pub dropped: u64,
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
        let default = [SinkConfig::Stdout];
        let configs = if configs.is_empty() { &default[..] } else { configs };
        let mut opened = Vec::new();
        let mut spool_paths = std::collections::BTreeSet::new();
        for config in configs {
            let sink = config.open(&metrics)?;
            let spool = config.spool().cloned();
            if let Some(spool) = &spool {
                if !spool_paths.insert(spool.path.clone()) {
                    let message = format!("spool `{}` is used by another sink", spool.path.display());
                    return Err(SinkError::Config { sink: sink.name().to_owned(), message });
                }
            }
            opened.push((sink, config.queue_len(), spool));
        }
        let mut sinks = Vec::new();
        for (sink, queue_len, spool) in opened {
            sinks.push(spawn(sink, queue_len, spool, metrics.clone())?);
        }
        Ok(SinkSet { sinks, metrics })
    }

    /// Starts a set over sinks built by the caller (tests, or a sink this crate has no config for).
    pub fn from_sinks(sinks: Vec<Box<dyn Sink>>, queue_len: usize, metrics: Metrics) -> SinkSet {
        let sinks = sinks
            .into_iter()
            .map(|sink| spawn(sink, queue_len, None, metrics.clone()).expect("no spool, nothing to open"))
            .collect();
        SinkSet { sinks, metrics }
    }

    /// Like [`SinkSet::from_sinks`], each sink with an optional spool (opened now: an
    /// unreadable spool is an error naming the sink).
    pub fn from_spooled_sinks(
        sinks: Vec<(Box<dyn Sink>, Option<SpoolConfig>)>,
        queue_len: usize,
        metrics: Metrics,
    ) -> Result<SinkSet, SinkError> {
        let sinks = sinks
            .into_iter()
            .map(|(sink, spool)| spawn(sink, queue_len, spool, metrics.clone()))
            .collect::<Result<_, _>>()?;
        Ok(SinkSet { sinks, metrics })
    }

    /// Hands the record to every sink without waiting; a full queue drops it for that sink
    /// and counts the drop.
    pub fn emit(&self, record: Record) {
        for sink in &self.sinks {
            // Counted before sending, so the task never subtracts a record not yet added.
            sink.backlog.fetch_add(1, Ordering::Relaxed);
            if sink.sender.try_send(record.clone()).is_err() {
                sink.backlog.fetch_sub(1, Ordering::Relaxed);
                sink.dropped.fetch_add(1, Ordering::Relaxed);
                self.metrics.dropped(&sink.name, 1);
            }
        }
    }

    /// Records waiting per sink (queue and spool).
    pub fn backlog(&self) -> Vec<(String, usize)> {
        self.sinks.iter().map(|sink| (sink.name.clone(), sink.backlog.load(Ordering::Relaxed))).collect()
    }

    /// Each sink's backlog now and its drops since the last call (which resets them), in
    /// configuration order.
    pub fn health(&self) -> Vec<SinkHealth> {
        self.sinks
            .iter()
            .map(|sink| {
                let backlog = sink.backlog.load(Ordering::Relaxed);
                self.metrics.backlog(&sink.name, backlog as u64);
                SinkHealth { sink: sink.name.clone(), backlog, dropped: sink.dropped.swap(0, Ordering::Relaxed) }
            })
            .collect()
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Stops taking records, drains the queues and closes the sinks, waiting at most
    /// `deadline` in all. A sink with a spool that cannot deliver moves its queue to the
    /// spool and stops at once (the records go out after the next start). A sink still busy
    /// at the deadline is stopped: its remaining records are reported and abandoned (its
    /// task would otherwise keep retrying, and holding them, after the set is gone).
    pub async fn shutdown(self, deadline: Duration) {
        let ends = tokio::time::Instant::now() + deadline;
        // Every queue closes first, so all sinks drain at once.
        let sinks: Vec<_> = self
            .sinks
            .into_iter()
            .map(|sink| {
                drop(sink.sender);
                (sink.name, sink.backlog, sink.task)
            })
            .collect();
        for (name, backlog, mut task) in sinks {
            if tokio::time::timeout_at(ends, &mut task).await.is_err() {
                task.abort();
                let left = backlog.load(Ordering::Relaxed);
                eprintln!("dockward: sink {name}: {left} records not delivered by the shutdown deadline");
            }
        }
    }
}

/// Records per delivery.
const BATCH: usize = 512;

fn spawn(
    sink: Box<dyn Sink>,
    queue_len: usize,
    spool: Option<SpoolConfig>,
    metrics: Metrics,
) -> Result<SinkHandle, SinkError> {
    let name = sink.name().to_owned();
    let spool = match spool {
        Some(config) => Some(
            spool::Spool::open(&config)
                .map_err(|source| SinkError::Io { sink: format!("{name}: spool {}", config.path.display()), source })?,
        ),
        None => None,
    };
    let (sender, receiver) = mpsc::channel::<Record>(queue_len.max(1));
    let spooled = spool.as_ref().map_or(0, |spool| spool.records() as usize);
    let backlog = Arc::new(AtomicUsize::new(spooled));
    let dropped = Arc::new(AtomicU64::new(0));
    let worker = Worker {
        sink,
        receiver,
        spool,
        backlog: backlog.clone(),
        dropped: dropped.clone(),
        metrics,
        name: name.clone(),
    };
    let task = tokio::spawn(worker.run());
    Ok(SinkHandle { name, sender, backlog, dropped, task })
}

/// The task behind one sink.
struct Worker {
    sink: Box<dyn Sink>,
    receiver: mpsc::Receiver<Record>,
    spool: Option<spool::Spool>,
    backlog: Arc<AtomicUsize>,
    dropped: Arc<AtomicU64>,
    metrics: Metrics,
    name: String,
}

const FIRST_RETRY: Duration = Duration::from_millis(100);
/// Deliveries of a batch tried before it goes to the spool (100 + 200 ms of waiting).
const IN_MEMORY_ATTEMPTS: u32 = 3;
const LAST_RETRY: Duration = Duration::from_secs(30);

impl Worker {
    async fn run(mut self) {
        let mut batch = Vec::new();
        let mut delay = FIRST_RETRY;
        loop {
            // Spooled records first, oldest first.
            if self.spool.as_ref().is_some_and(|spool| !spool.is_empty()) {
                match self.deliver_spooled().await {
                    Ok(()) => delay = FIRST_RETRY,
                    Err(()) => {
                        if self.wait_spooling(delay).await {
                            break;
                        }
                        delay = (delay * 2).min(LAST_RETRY);
                    }
                }
                continue;
            }
            if self.receiver.recv_many(&mut batch, BATCH).await == 0 {
                break;
            }
            let mut attempts = 0;
            loop {
                attempts += 1;
                match self.sink.deliver(&batch).await {
                    Ok(()) => {
                        self.delivered(batch.len());
                        delay = FIRST_RETRY;
                        break;
                    }
                    Err(error) => {
                        self.failed(&error, delay);
                        // A few quick retries in memory first: a passing failure costs no
                        // disk, and a sink that retries part of a batch (`_bulk` items)
                        // keeps doing so; a spooled batch goes again whole.
                        if self.spool.is_some() && attempts >= IN_MEMORY_ATTEMPTS {
                            self.spool_batch(&batch).await;
                            self.left(batch.len());
                            break;
                        }
                        tokio::time::sleep(delay).await;
                        delay = (delay * 2).min(LAST_RETRY);
                    }
                }
            }
            batch.clear();
        }
        if let Err(error) = self.sink.close().await {
            eprintln!("dockward: sink {error}");
        }
    }

    fn failed(&self, error: &SinkError, delay: Duration) {
        // The error names the sink and the failure, never a record's content.
        eprintln!("dockward: sink {error}; retrying in {delay:?}");
        self.metrics.failure(&self.name);
        // A dead sink delivers nothing, so the gauge is refreshed here too.
        self.metrics.backlog(&self.name, self.backlog.load(Ordering::Relaxed) as u64);
    }

    /// `records` left the queue or the spool.
    fn left(&self, records: usize) {
        let left = self.backlog.fetch_sub(records, Ordering::Relaxed).saturating_sub(records);
        self.metrics.backlog(&self.name, left as u64);
    }

    fn delivered(&self, records: usize) {
        self.metrics.delivered(&self.name, records as u64);
        self.left(records);
    }

    /// Delivers one batch from the spool; `Err` when the sink failed (already reported).
    async fn deliver_spooled(&mut self) -> Result<(), ()> {
        let spool = self.spool.as_mut().expect("checked by the caller");
        let (records, end, lines) = match spool.read(BATCH).await {
            Ok(read) => read,
            Err(source) => {
                let error = SinkError::Io { sink: format!("{}: spool {}", self.name, spool.path().display()), source };
                self.failed(&error, FIRST_RETRY);
                return Err(());
            }
        };
        if !records.is_empty() {
            if let Err(error) = self.sink.deliver(&records).await {
                self.failed(&error, FIRST_RETRY);
                return Err(());
            }
            self.metrics.delivered(&self.name, records.len() as u64);
        }
        let spool = self.spool.as_mut().expect("checked above");
        if let Err(source) = spool.consume(end, lines).await {
            eprintln!("dockward: sink {}: spool {}: {source}", self.name, spool.path().display());
        }
        self.left(lines as usize);
        Ok(())
    }

    /// Appends to the spool (the records stay in the backlog); what does not fit is dropped.
    async fn spool_batch(&mut self, batch: &[Record]) {
        let spool = self.spool.as_mut().expect("only called with a spool");
        let dropped = match spool.append(batch).await {
            Ok(dropped) => dropped,
            Err(source) => {
                eprintln!("dockward: sink {}: spool {}: {source}", self.name, spool.path().display());
                batch.len() as u64
            }
        };
        self.backlog.fetch_add(batch.len() - dropped as usize, Ordering::Relaxed);
        if dropped > 0 {
            self.dropped.fetch_add(dropped, Ordering::Relaxed);
            self.metrics.dropped(&self.name, dropped);
        }
    }

    /// Waits `delay` before the next try, moving queued records to the spool meanwhile so
    /// the queue never fills while the sink is down. True when the set shuts down.
    async fn wait_spooling(&mut self, delay: Duration) -> bool {
        let sleep = tokio::time::sleep(delay);
        tokio::pin!(sleep);
        let mut batch = Vec::new();
        loop {
            tokio::select! {
                _ = &mut sleep => return false,
                received = self.receiver.recv_many(&mut batch, BATCH) => {
                    if received == 0 {
                        return true;
                    }
                    self.spool_batch(&batch).await;
                    self.left(batch.len());
                    batch.clear();
                }
            }
        }
    }
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

    /// Fails every delivery while `down` is set; records what it accepted.
    struct Switch {
        seen: Arc<Mutex<Vec<String>>>,
        down: Arc<std::sync::atomic::AtomicBool>,
    }

    impl Sink for Switch {
        fn name(&self) -> &str {
            "switch"
        }
        fn deliver<'a>(&'a mut self, batch: &'a [Record]) -> BoxFuture<'a, Result<(), SinkError>> {
            Box::pin(async move {
                if self.down.load(Ordering::Relaxed) {
                    return Err(SinkError::Rejected { sink: "switch".into(), message: "down".into() });
                }
                self.seen.lock().unwrap().extend(batch.iter().map(|record| record.json.to_string()));
                Ok(())
            })
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_spool_keeps_what_a_dead_sink_missed_across_a_restart_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let spool = SpoolConfig { path: dir.path().join("spool.jsonl"), max_bytes: 1 << 20 };
        let seen = Arc::new(Mutex::new(Vec::new()));
        let down = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let switch = || Box::new(Switch { seen: seen.clone(), down: down.clone() }) as Box<dyn Sink>;

        // First run: the sink is down the whole time; a queue of 4 would drop most of 100
        // records, but once the first batch has failed its in-memory tries (300 ms) the
        // worker moves them to the spool as they come.
        let set = SinkSet::from_spooled_sinks(vec![(switch(), Some(spool.clone()))], 4, Metrics::new()).unwrap();
        set.emit(record(0));
        tokio::time::sleep(Duration::from_millis(600)).await;
        for n in 1..100 {
            set.emit(record(n));
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let health = set.health();
        assert_eq!(health[0].backlog + health[0].dropped as usize, 100, "{health:?}");
        set.shutdown(Duration::from_secs(5)).await;
        assert!(seen.lock().unwrap().is_empty());
        let spooled = std::fs::read_to_string(&spool.path).unwrap().lines().count();
        assert_eq!(spooled, 100 - health[0].dropped as usize);
        assert!(spooled > 50, "{spooled} spooled");

        // Second run: the sink is up; the spool goes first, then new records.
        down.store(false, Ordering::Relaxed);
        let metrics = Metrics::new();
        let set = SinkSet::from_spooled_sinks(vec![(switch(), Some(spool.clone()))], 4, metrics.clone()).unwrap();
        assert_eq!(set.backlog()[0].1, spooled);
        set.emit(record(1000));
        set.shutdown(Duration::from_secs(5)).await;
        let seen = seen.lock().unwrap().clone();
        let numbers: Vec<usize> =
            seen.iter().map(|json| json.trim_start_matches("{\"n\":").trim_end_matches('}').parse().unwrap()).collect();
        assert_eq!(numbers.len(), spooled + 1);
        assert!(numbers.windows(2).all(|pair| pair[0] < pair[1]), "{numbers:?}");
        assert_eq!(numbers.last(), Some(&1000));
        assert!(metrics
            .render()
            .contains(&format!("dockward_sink_delivered_total{{sink=\"switch\"}} {}", spooled + 1)));
        assert_eq!(std::fs::metadata(&spool.path).unwrap().len(), 0);
    }

    #[tokio::test]
    async fn health_reports_drops_since_the_last_call() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let set = SinkSet::from_sinks(vec![Box::new(Memory(seen, 1))], 3, Metrics::new());
        for n in 0..5 {
            set.emit(record(n));
        }
        assert_eq!(set.health(), [SinkHealth { sink: "memory".into(), backlog: 3, dropped: 2 }]);
        assert!(set.metrics().render().contains("dockward_sink_backlog{sink=\"memory\"} 3"));
        assert_eq!(set.health()[0].dropped, 0);
        set.shutdown(Duration::from_secs(5)).await;
    }

    #[tokio::test]
    async fn two_sinks_cannot_share_a_spool() {
        let dir = tempfile::tempdir().unwrap();
        let spool = SpoolConfig { path: dir.path().join("s"), max_bytes: 100 };
        let file = |name: &str| {
            SinkConfig::RotatingFile(config::FileConfig {
                path: dir.path().join(name),
                spool: Some(spool.clone()),
                ..Default::default()
            })
        };
        let error = SinkSet::start(&[file("a"), file("b")], Metrics::new()).err().unwrap().to_string();
        assert!(error.contains("is used by another sink"), "{error}");
    }

    /// Never delivers; sets its flag when dropped.
    struct Dead(Arc<std::sync::atomic::AtomicBool>);

    impl Drop for Dead {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }

    impl Sink for Dead {
        fn name(&self) -> &str {
            "dead"
        }
        fn deliver<'a>(&'a mut self, _: &'a [Record]) -> BoxFuture<'a, Result<(), SinkError>> {
            Box::pin(async { Err(SinkError::Rejected { sink: "dead".into(), message: "down".into() }) })
        }
    }

    #[tokio::test]
    async fn shutdown_stops_a_sink_still_retrying_at_the_deadline() {
        let dropped = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let set = SinkSet::from_sinks(vec![Box::new(Dead(dropped.clone()))], 16, Metrics::new());
        set.emit(record(0));
        let started = std::time::Instant::now();
        set.shutdown(Duration::from_millis(300)).await;
        assert!(started.elapsed() < Duration::from_secs(2));
        // The aborted task dropped the sink (and the records it held).
        tokio::task::yield_now().await;
        assert!(dropped.load(Ordering::Relaxed));
    }
}
