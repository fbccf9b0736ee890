//! The pipeline: per engine, a reader task that only moves events from the daemon into a
//! bounded queue (the daemon skips a subscriber slower than 100 ms), and a processor task
//! that judges what the events name, diffs it against the known state and emits records.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bollard::Docker;
use dockward_engine::events::{self, EngineEvent};
use dockward_engine::{Endpoint, ReadOptions};
use dockward_linter::settings::Settings;
use dockward_sinks::{RecordSeverity, SinkSet};
use dockward_spec::{EngineDefaults, EngineInfo, ImageView};
use futures_util::StreamExt;
use serde_json::json;
use tokio::sync::{mpsc, watch};

use crate::identity::{expects_outcome, Found, GuardLog, Identity};
use crate::judge::{self, ObjectState};
use crate::record::{self, Draft, Format, HostInfo, Source};
use crate::stall;
use crate::state::{self, HostState, State};

/// Events waiting between a reader and its processor (WATCH.md: about 64k).
pub const QUEUE: usize = 65_536;

/// What can change while running (SIGHUP reloads it).
#[derive(Clone)]
pub struct Tuning {
    pub settings: Arc<Settings>,
    pub resync: Duration,
}

pub struct Options {
    pub endpoints: Vec<Endpoint>,
    pub timeout_secs: u64,
    pub format: Format,
    pub state_path: Option<std::path::PathBuf>,
    pub tuning: Tuning,
    /// `dockward guard`'s decision log, followed for the TLS identities behind events.
    pub guard_log: Option<std::path::PathBuf>,
    /// `--auditd-log`: who did it, from the audit log (docs/watch.md).
    pub auditd: Option<AuditdOptions>,
}

/// The audit log to correlate events with, and the key of the connect rules.
#[derive(Debug, Clone)]
pub struct AuditdOptions {
    pub log: std::path::PathBuf,
    pub key: String,
}

/// How long after an event the watcher waits for the guard's outcome of the request
/// behind it (the guard writes it right after the daemon answered).
pub const OUTCOME_WAIT: Duration = Duration::from_secs(1);

/// Shared by every task: the sinks, numbering, the state.
pub struct Shared {
    pub sinks: SinkSet,
    pub format: Format,
    seq: AtomicU64,
    pub state: Mutex<State>,
    pub tuning: Mutex<Tuning>,
    /// Set when the state changed since it was last written.
    dirty: std::sync::atomic::AtomicBool,
    /// The sinks' backlog and drops last reported (a record only when they change).
    sink_report: Mutex<Option<SinkReport>>,
    /// The guard's log and the outcomes read from it, when `--guard-log` is given.
    guard: Option<Mutex<GuardLog>>,
    /// Set with `--auditd-log`: identities of the callers from the audit log.
    pub auditd: std::sync::OnceLock<Arc<crate::auditd::Correlator>>,
}

/// Sinks whose backlog is high, and the drop counters' exposition lines.
type SinkReport = (Vec<(String, usize)>, String);

impl Shared {
    pub fn new(
        sinks: SinkSet,
        format: Format,
        state: State,
        tuning: Tuning,
        guard_log: Option<std::path::PathBuf>,
    ) -> Arc<Self> {
        Arc::new(Self {
            sinks,
            format,
            seq: AtomicU64::new(state.seq),
            state: Mutex::new(state),
            tuning: Mutex::new(tuning),
            dirty: Default::default(),
            sink_report: Mutex::new(None),
            guard: guard_log.map(|p| Mutex::new(GuardLog::new(p))),
            auditd: std::sync::OnceLock::new(),
        })
    }

    /// Reads what the guard appended to its log since the last call.
    pub fn poll_guard(&self) {
        if let Some(g) = &self.guard {
            g.lock().unwrap_or_else(|p| p.into_inner()).poll(record::now_nanos());
        }
    }

    /// The TLS identity behind `event`, when the guard saw one.
    fn identity(&self, event: &EngineEvent) -> Option<Identity> {
        let g = self.guard.as_ref()?.lock().unwrap_or_else(|p| p.into_inner());
        match g.outcomes.lookup(event) {
            Found::Seen(identity) => identity,
            Found::Nothing => None,
        }
    }

    /// Waits (at most [`OUTCOME_WAIT`] after each event) until the guard's log holds the
    /// outcome of every recent event that comes from an API request.
    async fn await_outcomes(&self, events: &[EngineEvent]) {
        let Some(g) = &self.guard else { return };
        let wait = OUTCOME_WAIT.as_nanos() as i64;
        // Also bounded by this process's clock: a daemon whose clock runs ahead must not
        // hold the records back for longer.
        let give_up = Instant::now() + OUTCOME_WAIT;
        loop {
            let pending = {
                let mut g = g.lock().unwrap_or_else(|p| p.into_inner());
                let now = record::now_nanos();
                g.poll(now);
                events.iter().any(|ev| {
                    expects_outcome(ev) && now < ev.time_nano + wait && g.outcomes.lookup(ev) == Found::Nothing
                })
            };
            if !pending || Instant::now() >= give_up {
                return;
            }
            // The guard logs an outcome about a millisecond after its event.
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    pub fn emit(&self, draft: Draft) {
        let seq = self.seq.fetch_add(1, Ordering::SeqCst) + 1;
        self.sinks.emit(draft.finish(seq, self.format));
    }

    pub fn tuning(&self) -> Tuning {
        self.tuning.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn with_state<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        self.dirty.store(true, Ordering::Relaxed);
        f(&mut s)
    }

    /// Serialises the state into `buf` (cleared first) when it changed since the last
    /// call. The caller keeps `buf` from one call to the next: the state of a thousand
    /// containers is megabytes of JSON, and a fresh string of that size every second is
    /// a large transient allocation that can leave the allocator's heaps grown.
    pub fn state_json_if_dirty(&self, buf: &mut Vec<u8>) -> bool {
        if !self.dirty.swap(false, Ordering::Relaxed) {
            return false;
        }
        buf.clear();
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.seq = self.seq.load(Ordering::SeqCst);
        serde_json::to_writer(&mut *buf, &*s).is_ok()
    }

    pub fn mark_dirty(&self) {
        self.dirty.store(true, Ordering::Relaxed);
    }
}

/// What a reader tells its processor.
enum Msg {
    Connected { docker: Docker, host: HostInfo, first: bool },
    Event(EngineEvent),
    Gap(String),
}

/// Runs one engine's reader and processor until `stop` turns true; `resync` asks for an
/// immediate resync (SIGHUP).
pub async fn watch_engine(
    shared: Arc<Shared>,
    endpoint: Endpoint,
    timeout_secs: u64,
    stop: watch::Receiver<bool>,
    resync: watch::Receiver<u64>,
) {
    let (tx, rx) = mpsc::channel(QUEUE);
    let dropped = Arc::new(AtomicU64::new(0));
    let reader =
        tokio::spawn(read_events(shared.clone(), endpoint.clone(), timeout_secs, tx, stop.clone(), dropped.clone()));
    let pauses = stall::spawn(stall::PERIOD, stall::THRESHOLD);
    process(shared, endpoint, rx, stop, resync, dropped, pauses).await;
    reader.abort();
    let _ = reader.await;
}

fn host_info(endpoint: &Endpoint, info: &bollard::models::SystemInfo) -> HostInfo {
    HostInfo {
        label: endpoint.label.clone(),
        name: info.name.clone().unwrap_or_default(),
        engine_id: info.id.clone().unwrap_or_default(),
        endpoint: endpoint.host.clone(),
    }
}

/// The reader: connects (backing off), checks that the daemon's ring still covers the
/// last event handled, then forwards live events. It never waits on the processor: a
/// full queue drops the event and reports a gap.
async fn read_events(
    shared: Arc<Shared>,
    endpoint: Endpoint,
    timeout_secs: u64,
    tx: mpsc::Sender<Msg>,
    mut stop: watch::Receiver<bool>,
    dropped: Arc<AtomicU64>,
) {
    let label = endpoint.label.clone();
    let mut backoff = Duration::from_millis(250);
    let mut first = true;
    let mut down_since: Option<Instant> = None;
    let bare = HostInfo { label: label.clone(), endpoint: endpoint.host.clone(), ..Default::default() };
    loop {
        if *stop.borrow() {
            return;
        }
        let opened = async {
            let docker = events::open(&endpoint, timeout_secs).await.map_err(|e| e.to_string())?;
            let (info, daemon_now) = events::identity(&docker).await?;
            Ok::<_, String>((docker, info, daemon_now))
        }
        .await;
        let (docker, info, daemon_now) = match opened {
            Ok(x) => x,
            Err(message) => {
                if down_since.is_none() {
                    down_since = Some(Instant::now());
                    shared.emit(record::health_record(
                        "watch.disconnected",
                        Some(&bare),
                        RecordSeverity::Warning,
                        json!({"reason": message, "retry_in_ms": backoff.as_millis() as u64}),
                    ));
                }
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stop.changed() => return,
                }
                backoff = (backoff * 2).min(Duration::from_secs(30));
                continue;
            }
        };
        backoff = Duration::from_millis(250);
        let host = host_info(&endpoint, &info);
        let engine_id = host.engine_id.clone();
        let (known_id, last_time, last_keys) = shared.with_state(|s| {
            let h = s.hosts.entry(label.clone()).or_default();
            (h.engine_id.clone(), h.last_time_nano, h.last_keys.clone())
        });
        if let Some(since) = down_since.take() {
            shared.emit(record::health_record(
                "watch.reconnected",
                Some(&host),
                RecordSeverity::Notice,
                json!({"down_ms": since.elapsed().as_millis() as u64}),
            ));
        }
        let first_contact = first && last_time == 0;
        let _ = tx.send(Msg::Connected { docker: docker.clone(), host: host.clone(), first: first_contact }).await;
        // Where to resume, and whether the ring still holds the last event handled.
        let mut seen: BTreeSet<String> = last_keys.iter().cloned().collect();
        let mut since = daemon_now;
        if !first_contact {
            let replay: Vec<EngineEvent> = events::subscribe(&docker, Some(last_time), Some(daemon_now))
                .take(4096)
                .filter_map(|r| async move { r.ok() })
                .collect()
                .await;
            let covered = replay.iter().any(|e| last_keys.contains(&e.key()))
                || (last_keys.is_empty() && replay.first().is_some_and(|e| e.time_nano == last_time));
            let reason = if !known_id.is_empty() && known_id != engine_id {
                Some(format!("the engine at this endpoint changed (ID {known_id} -> {engine_id})"))
            } else if !covered {
                Some(
                    "the daemon's event ring no longer holds the last event handled (daemon restarted, more than 256 \
                     events meanwhile, or a long disconnection)"
                        .to_string(),
                )
            } else {
                None
            };
            if let Some(reason) = reason {
                let _ = tx.send(Msg::Gap(reason)).await;
            }
            for e in replay {
                since = since.max(e.time_nano);
                if e.time_nano >= last_time && seen.insert(e.key()) {
                    let _ = tx.send(Msg::Event(e)).await;
                }
            }
        }
        first = false;
        let mut live = events::subscribe(&docker, Some(since), None);
        let reason = loop {
            tokio::select! {
                item = live.next() => match item {
                    Some(Ok(e)) => {
                        if e.time_nano <= since && !seen.insert(e.key()) {
                            continue;
                        }
                        if e.time_nano > since {
                            seen.clear();
                        }
                        match tx.try_send(Msg::Event(e)) {
                            Ok(()) => {}
                            Err(mpsc::error::TrySendError::Full(_)) => {
                                dropped.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(mpsc::error::TrySendError::Closed(_)) => return,
                        }
                    }
                    Some(Err(e)) => break e,
                    None => break "the daemon closed the events stream".to_string(),
                },
                _ = stop.changed() => return,
            }
        };
        down_since = Some(Instant::now());
        shared.emit(record::health_record(
            "watch.disconnected",
            Some(&host),
            RecordSeverity::Warning,
            json!({"reason": reason, "retry_in_ms": backoff.as_millis() as u64}),
        ));
    }
}

/// The processor's view of one engine.
struct Engine {
    docker: Docker,
    host: HostInfo,
    info: EngineInfo,
    defaults: EngineDefaults,
    images: HashMap<String, ImageView>,
}

async fn process(
    shared: Arc<Shared>,
    endpoint: Endpoint,
    mut rx: mpsc::Receiver<Msg>,
    mut stop: watch::Receiver<bool>,
    mut resync_asked: watch::Receiver<u64>,
    dropped: Arc<AtomicU64>,
    mut pauses: watch::Receiver<stall::Pause>,
) {
    let label = endpoint.label.clone();
    let mut engine: Option<Engine> = None;
    let mut last_resync = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut batch = Vec::new();
    let mut reported_drops = 0;
    loop {
        tokio::select! {
            n = rx.recv_many(&mut batch, 1024) => {
                if n == 0 {
                    return;
                }
                let mut events_batch = Vec::new();
                for msg in batch.drain(..) {
                    match msg {
                        Msg::Connected { docker, host, first } => {
                            let reason = if first { Some("first run: a full audit") } else { None };
                            engine = Some(Engine {
                                docker,
                                host,
                                info: EngineInfo::default(),
                                defaults: EngineDefaults::default(),
                                images: HashMap::new(),
                            });
                            let e = engine.as_mut().expect("just set");
                            let known = shared.with_state(|s| s.hosts.get(&label).is_some_and(|h| !h.objects.is_empty()));
                            match reason.or(if known { None } else { Some("first run: a full audit") }) {
                                Some(reason) => resync(&shared, &endpoint, e, Some(reason), &mut last_resync).await,
                                // Resumed: the engine's defaults and images are read for the
                                // container path; the replayed events (or a gap) say what changed.
                                None => prime(&shared, &endpoint, e).await,
                            }
                        }
                        Msg::Gap(reason) => {
                            if let Some(e) = engine.as_mut() {
                                gap(&shared, e, &reason);
                                resync(&shared, &endpoint, e, Some("after a gap"), &mut last_resync).await;
                            }
                        }
                        Msg::Event(ev) => events_batch.push(ev),
                    }
                }
                if let Some(e) = engine.as_mut() {
                    handle_events(&shared, &endpoint, e, events_batch, &mut last_resync).await;
                }
            }
            _ = tick.tick() => {
                shared.sinks.metrics().heartbeat();
                let drops = dropped.load(Ordering::Relaxed);
                let Some(e) = engine.as_mut() else { continue };
                if drops > reported_drops {
                    reported_drops = drops;
                    gap(&shared, e, &format!("the watcher's own queue was full: {drops} events dropped"));
                    resync(&shared, &endpoint, e, Some("after a gap"), &mut last_resync).await;
                } else if last_resync.elapsed() >= shared.tuning().resync {
                    resync(&shared, &endpoint, e, Some("periodic"), &mut last_resync).await;
                }
                report_sinks(&shared);
                shared.poll_guard();
            }
            // Not this task's own lateness: a processor busy with a burst or a resync is
            // late without anything being lost (the reader keeps taking events).
            Ok(()) = pauses.changed() => {
                let pause = *pauses.borrow_and_update();
                if let Some(e) = engine.as_mut() {
                    // The process did not run (stopped, suspended, starved): the daemon
                    // skipped every event it could not deliver within 100 ms.
                    gap(&shared, e, &format!("the watcher did not run for {} ms; the daemon skips a subscriber slower than 100 ms", pause.length.as_millis()));
                    resync(&shared, &endpoint, e, Some("after a gap"), &mut last_resync).await;
                }
            }
            _ = resync_asked.changed() => {
                if let Some(e) = engine.as_mut() {
                    resync(&shared, &endpoint, e, Some("configuration reloaded"), &mut last_resync).await;
                }
            }
            _ = stop.changed() => return,
        }
    }
}

fn gap(shared: &Shared, e: &Engine, reason: &str) {
    shared.sinks.metrics().gap(&e.host.label);
    shared.emit(record::health_record("watch.gap", Some(&e.host), RecordSeverity::Warning, json!({"reason": reason})));
}

/// Sink backlog and drops, as records (each sink's count, once it changed).
fn report_sinks(shared: &Shared) {
    let backlog = shared.sinks.backlog();
    let metrics = shared.sinks.metrics();
    for (sink, n) in &backlog {
        metrics.backlog(sink, *n as u64);
    }
    let dropped: String = metrics
        .render()
        .lines()
        .filter(|l| l.starts_with("dockward_sink_dropped_total{"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut last = shared.sink_report.lock().unwrap_or_else(|p| p.into_inner());
    let busy: Vec<(String, usize)> = backlog.iter().filter(|(_, n)| *n >= 1024).cloned().collect();
    let changed_backlog = last.as_ref().is_none_or(|(b, _)| *b != busy) && !busy.is_empty();
    let changed_drops = last.as_ref().map_or(!dropped.is_empty(), |(_, d)| *d != dropped);
    if changed_backlog {
        let sinks: serde_json::Map<String, serde_json::Value> =
            busy.iter().map(|(s, n)| (s.clone(), json!(n))).collect();
        shared.emit(record::health_record(
            "watch.sink.backlog",
            None,
            RecordSeverity::Warning,
            json!({"sinks": sinks}),
        ));
    }
    if changed_drops {
        let mut sinks = serde_json::Map::new();
        for line in dropped.lines() {
            // dockward_sink_dropped_total{sink="file"} 8
            if let (Some(a), Some(b)) = (line.find("sink=\""), line.rfind(' ')) {
                let name = &line[a + 6..];
                let name = &name[..name.find('"').unwrap_or(name.len())];
                sinks.insert(name.into(), json!(line[b + 1..].parse::<u64>().unwrap_or(0)));
            }
        }
        shared.emit(record::health_record(
            "watch.sink.dropped",
            None,
            RecordSeverity::Warning,
            json!({"sinks": sinks}),
        ));
    }
    *last = Some((busy, dropped));
}

/// Replaces one object's state and emits its change, if any.
fn apply(
    shared: &Shared,
    e: &Engine,
    source: Source,
    event: Option<&EngineEvent>,
    key: &str,
    new: Option<ObjectState>,
) {
    // Only a record about an event has a request behind it; a resync found a state.
    let identity = event.and_then(|ev| shared.identity(ev));
    let drafts = shared.with_state(|s| {
        let h = s.hosts.entry(e.host.label.clone()).or_default();
        let old = h.objects.get(key);
        let mut drafts = Vec::new();
        if let Some((change, findings)) = state::diff(old, new.as_ref()) {
            let mut shown = new.clone().or_else(|| old.cloned()).expect("one side exists");
            if shown.id.is_none() {
                shown.id = old.and_then(|o| o.id.clone());
            }
            drafts.push(record::finding_record(&e.host, source, event, identity.as_ref(), &shown, change, &findings));
        }
        match new {
            Some(mut n) => {
                if n.id.is_none() {
                    n.id = old.and_then(|o| o.id.clone());
                }
                h.objects.insert(key.to_string(), n);
            }
            None => {
                h.objects.remove(key);
            }
        }
        drafts
    });
    for mut d in drafts {
        // Who did it: the audit log only where the guard named nobody (tls first; docs/watch.md).
        if let (Some(ev), Some(auditd)) = (event, shared.auditd.get()) {
            auditd.attach(&e.host.endpoint, ev.time_nano, &mut d.body);
        }
        shared.emit(d);
    }
}

fn publish_counts(shared: &Shared, label: &str) {
    let counts = shared
        .with_state(|s| s.hosts.get(label).map(|h| record::finding_counts(h.objects.values())).unwrap_or_default());
    shared.sinks.metrics().set_findings(label, &counts);
}

/// Reads what the container path needs (the engine's defaults, its images) without
/// judging anything: a resume whose replay covers the time away.
async fn prime(shared: &Shared, endpoint: &Endpoint, e: &mut Engine) {
    match events::read_snapshot(e.docker.clone(), endpoint, &ReadOptions::default(), true).await {
        Ok(snapshot) => {
            e.info = snapshot.engine.clone();
            e.defaults = snapshot.defaults.clone();
            e.images = snapshot.images.iter().map(|i| (i.id.clone(), i.clone())).collect();
        }
        Err(err) => shared.emit(record::health_record(
            "watch.resync",
            Some(&e.host),
            RecordSeverity::Error,
            json!({"reason": "resumed", "error": err.to_string()}),
        )),
    }
}

/// A full audit of the engine diffed against the known state. `reason: None` resyncs
/// silently (no `watch.resync` record): a reconnect that lost nothing.
async fn resync(shared: &Shared, endpoint: &Endpoint, e: &mut Engine, reason: Option<&str>, last: &mut Instant) {
    *last = Instant::now();
    let started = Instant::now();
    let snapshot = match events::read_snapshot(e.docker.clone(), endpoint, &ReadOptions::default(), true).await {
        Ok(s) => s,
        Err(err) => {
            shared.emit(record::health_record(
                "watch.resync",
                Some(&e.host),
                RecordSeverity::Error,
                json!({"reason": reason.unwrap_or("reconnected"), "error": err.to_string()}),
            ));
            return;
        }
    };
    let tuning = shared.tuning();
    let now = record::now_nanos() / 1_000_000_000;
    let judged = judge::judge_snapshot(&snapshot, &tuning.settings, now);
    e.info = snapshot.engine.clone();
    e.defaults = snapshot.defaults.clone();
    e.images = snapshot.images.iter().map(|i| (i.id.clone(), i.clone())).collect();
    let mut keys: BTreeSet<String> = judged.keys().cloned().collect();
    let engine_id = e.host.engine_id.clone();
    shared.with_state(|s| {
        let h = s.hosts.entry(e.host.label.clone()).or_default();
        h.engine_id = engine_id;
        keys.extend(h.objects.keys().cloned());
    });
    let mut changed = 0;
    let before = shared.seq.load(Ordering::SeqCst);
    let mut judged = judged;
    for key in keys {
        apply(shared, e, Source::Resync, None, &key, judged.remove(&key));
    }
    changed += shared.seq.load(Ordering::SeqCst) - before;
    publish_counts(shared, &e.host.label);
    if let Some(reason) = reason {
        shared.emit(record::health_record(
            "watch.resync",
            Some(&e.host),
            RecordSeverity::Notice,
            json!({
                "reason": reason,
                "containers": snapshot.containers.len(),
                "images": snapshot.images.len(),
                "networks": snapshot.networks.len(),
                "changes": changed,
                "ms": started.elapsed().as_millis() as u64,
            }),
        ));
    }
}

/// Which actions make a container worth judging again.
const CONTAINER_ACTIONS: &[&str] =
    &["create", "update", "start", "restart", "exec_create", "exec_start", "exec_die", "rename", "unpause"];
/// Events after which the images, networks, daemon or swarm are read again (a resync).
fn wants_resync(ev: &EngineEvent) -> bool {
    match ev.kind.as_str() {
        "image" => matches!(ev.base_action(), "pull" | "load" | "import" | "tag" | "untag" | "delete"),
        "network" => matches!(ev.base_action(), "create" | "destroy" | "remove" | "update"),
        "daemon" => ev.base_action() == "reload",
        "service" | "node" | "secret" | "config" => true,
        "plugin" => true,
        _ => false,
    }
}

/// The wait before a failed inspect is tried again.
const INSPECT_RETRY: Duration = Duration::from_millis(100);

async fn handle_events(
    shared: &Shared,
    endpoint: &Endpoint,
    e: &mut Engine,
    events: Vec<EngineEvent>,
    last_resync: &mut Instant,
) {
    if events.is_empty() {
        return;
    }
    shared.await_outcomes(&events).await;
    if let (Some(auditd), Some(newest)) = (shared.auditd.get(), events.iter().map(|ev| ev.time_nano).max()) {
        // The window of the newest event reaches 0.5 s past it: wait until the log has it.
        if e.host.endpoint.starts_with("unix://") {
            auditd.settle(newest).await;
        }
    }
    let metrics = shared.sinks.metrics().clone();
    // The last event of the batch for each container to judge (so a create+start is one inspect).
    let mut judge: Vec<(String, EngineEvent)> = Vec::new();
    let mut full = false;
    let mut inspect_failed = false;
    for ev in &events {
        metrics.event(&e.host.label, &ev.kind);
        match (ev.kind.as_str(), ev.base_action()) {
            ("container", "destroy") => {
                judge.retain(|(id, _)| *id != ev.actor_id);
                if let Some(name) = ev.attributes.get("name") {
                    apply(shared, e, Source::Events, Some(ev), &judge::object_key("container", name), None);
                }
            }
            ("container", "rename") => {
                if let Some(old) = ev.attributes.get("oldName") {
                    apply(
                        shared,
                        e,
                        Source::Events,
                        Some(ev),
                        &judge::object_key("container", old.trim_start_matches('/')),
                        None,
                    );
                }
                judge.retain(|(id, _)| *id != ev.actor_id);
                judge.push((ev.actor_id.clone(), ev.clone()));
            }
            ("container", action) if CONTAINER_ACTIONS.contains(&action) => {
                judge.retain(|(id, _)| *id != ev.actor_id);
                judge.push((ev.actor_id.clone(), ev.clone()));
            }
            ("network", "connect" | "disconnect") => {
                if let Some(id) = ev.attributes.get("container") {
                    judge.retain(|(c, _)| c != id);
                    judge.push((id.clone(), ev.clone()));
                }
            }
            _ if wants_resync(ev) => full = true,
            _ => {}
        }
    }
    let tuning = shared.tuning();
    let docker = e.docker.clone();
    // Inspect 16 at a time (a slow inspect does not hold back the next ones); judging and
    // diffing stay in event order. Each inspect gets the images known before the batch
    // (usually all of them) and reads only an image it does not find there.
    let images = Arc::new(std::mem::take(&mut e.images));
    let info = Arc::new(e.info.clone());
    // Owned futures: a stream of closures borrowing the batch is not `Send` to the compiler.
    let inspects: Vec<_> = judge
        .iter()
        .map(|(id, _)| {
            let (docker, info, images, id) = (docker.clone(), info.clone(), images.clone(), id.clone());
            async move {
                let mut new = HashMap::new();
                let r = events::read_container(&docker, &id, &images, &mut new, &info).await;
                (r, new)
            }
        })
        .collect();
    let read: Vec<_> = futures_util::stream::iter(inspects).buffered(16).collect().await;
    e.images = Arc::try_unwrap(images).unwrap_or_else(|shared| (*shared).clone());
    // Objects held under another key by a container judged now (renamed without a
    // `rename` event seen): found in one pass over the state per batch, not per event.
    let ids: std::collections::HashSet<&str> = judge.iter().map(|(id, _)| id.as_str()).collect();
    let mut keys_by_id: HashMap<String, Vec<String>> = shared.with_state(|s| {
        let mut by_id: HashMap<String, Vec<String>> = HashMap::new();
        if let Some(h) = s.hosts.get(&e.host.label) {
            for (k, o) in &h.objects {
                if let Some(id) = o.id.as_deref().filter(|id| ids.contains(id)) {
                    by_id.entry(id.to_string()).or_default().push(k.clone());
                }
            }
        }
        by_id
    });
    for ((id, ev), (r, new_images)) in judge.iter().zip(read) {
        for (k, v) in new_images {
            e.images.entry(k).or_insert(v);
        }
        // A failed inspect (a refused or reset connection, a timeout) would lose the
        // object's findings: it is tried once more, and if it fails again the engine is
        // resynced after the batch, so nothing the event announced is lost.
        let r = match r {
            Err(first) => {
                tokio::time::sleep(INSPECT_RETRY).await;
                let mut again_images = HashMap::new();
                let again = events::read_container(&docker, id, &e.images, &mut again_images, &info).await;
                for (k, v) in again_images {
                    e.images.entry(k).or_insert(v);
                }
                again.map_err(|err| format!("{first}; tried again: {err}"))
            }
            read => read,
        };
        match r {
            Ok(Some(spec)) => {
                let mut object = judge::judge_container(&spec, &e.defaults, &tuning.settings);
                object.id = Some(id.clone());
                let key = object.key();
                let stale: Vec<String> =
                    keys_by_id.remove(id).unwrap_or_default().into_iter().filter(|k| *k != key).collect();
                for stale in stale {
                    apply(shared, e, Source::Events, Some(ev), &stale, None);
                }
                apply(shared, e, Source::Events, Some(ev), &key, Some(object));
            }
            Ok(None) => {} // removed meanwhile: its destroy event resolves it
            Err(err) => {
                eprintln!("dockward: watch: {}: container {id}: {err}; resyncing after this batch", e.host.label);
                inspect_failed = true;
            }
        }
    }
    // Remember the last event handled (the resume point).
    if let Some(last) = events.iter().map(|ev| ev.time_nano).max() {
        let keys: Vec<String> = events.iter().filter(|ev| ev.time_nano == last).map(EngineEvent::key).collect();
        shared.with_state(|s| {
            let h: &mut HostState = s.hosts.entry(e.host.label.clone()).or_default();
            if last > h.last_time_nano {
                h.last_time_nano = last;
                h.last_keys = keys;
            } else if last == h.last_time_nano {
                for k in keys {
                    if !h.last_keys.contains(&k) {
                        h.last_keys.push(k);
                    }
                }
            }
        });
    }
    if inspect_failed {
        resync(shared, endpoint, e, Some("an inspect failed twice"), last_resync).await;
    } else if full {
        resync(shared, endpoint, e, None, last_resync).await;
    }
    publish_counts(shared, &e.host.label);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn shared(guard_log: std::path::PathBuf) -> Arc<Shared> {
        let sinks = SinkSet::start(&[], dockward_sinks::Metrics::new()).unwrap();
        let tuning = Tuning { settings: Arc::new(Settings::default()), resync: Duration::from_secs(900) };
        Shared::new(sinks, Format::Json, State::new(), tuning, Some(guard_log))
    }

    fn create_event(id: &str, time_nano: i64) -> EngineEvent {
        EngineEvent {
            kind: "container".into(),
            action: "create".into(),
            actor_id: id.into(),
            attributes: [("name".to_string(), "web".to_string())].into(),
            scope: "local".into(),
            time_nano,
        }
    }

    fn outcome_line(id: &str, user: &str) -> String {
        let time = record::rfc3339(record::now_nanos());
        format!(
            "{{\"time\":\"{time}\",\"kind\":\"guard.outcome\",\"endpoint\":\"container-create\",\"method\":\"POST\",\
             \"path\":\"/containers/create\",\"action\":\"create\",\"status\":201,\"user\":\"{user}\",\
             \"container_id\":\"{id}\"}}\n"
        )
    }

    /// The records of a fresh event wait for the guard's outcome written after the event
    /// reached the watcher; an event no outcome follows is given up on.
    #[tokio::test]
    async fn a_fresh_event_waits_for_its_outcome() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("guard.jsonl");
        std::fs::write(&log, "").unwrap();
        let shared = shared(log.clone());
        shared.poll_guard();
        let id = "ab".repeat(32);
        let event = create_event(&id, record::now_nanos());
        let writer = {
            let (log, line) = (log.clone(), outcome_line(&id, "alice"));
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
                f.write_all(line.as_bytes()).unwrap();
            })
        };
        assert_eq!(shared.identity(&event), None, "not logged yet");
        shared.await_outcomes(std::slice::from_ref(&event)).await;
        assert_eq!(shared.identity(&event), Some(Identity { user: "alice".into() }));
        writer.await.unwrap();

        // No outcome ever comes: the wait ends, the identity stays unknown.
        let other = create_event(&"cd".repeat(32), record::now_nanos());
        shared.await_outcomes(std::slice::from_ref(&other)).await;
        assert_eq!(shared.identity(&other), None);
    }
}
