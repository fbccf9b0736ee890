//! `dockward watch`: follows the events of one or several Docker engines, judges every
//! new or changed object with dockward's rules, and emits records of findings (new,
//! changed, resolved) and of its own health through `dockward_sinks` (docs/watch.md).
//!
//! Like `dockward_engine`, this crate knows tokio; the binary calls [`run`], which blocks.

pub mod auditd;
pub mod config;
pub mod identity;
pub mod judge;
pub mod record;
pub mod stall;
pub mod state;
pub mod systemd;
pub mod watcher;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use dockward_sinks::{Metrics, RecordSeverity, SinkConfig, SinkSet};
use serde_json::json;

pub use record::Format;
pub use watcher::{AuditdOptions, Options, Tuning};

/// Rebuilds the rule settings and resync interval (SIGHUP).
pub type Reload = Box<dyn Fn() -> Result<Tuning, String> + Send>;

/// Runs until SIGTERM or SIGINT; then drains the sinks and writes the state. Returns the
/// process exit code's meaning as an error message when the watcher could not start.
pub fn run(options: Options, sinks: Vec<SinkConfig>, reload: Reload) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the I/O runtime: {e}"))?;
    runtime.block_on(run_async(options, sinks, reload))
}

async fn run_async(options: Options, sinks: Vec<SinkConfig>, reload: Reload) -> Result<(), String> {
    use tokio::signal::unix::{signal, SignalKind};
    let state = match &options.state_path {
        Some(p) => state::State::load(p)?.unwrap_or_else(state::State::new),
        None => state::State::new(),
    };
    let metrics = Metrics::new();
    let sinks = SinkSet::start(&sinks, metrics).map_err(|e| e.to_string())?;
    let shared = watcher::Shared::new(sinks, options.format, state, options.tuning.clone(), options.guard_log.clone());
    shared.poll_guard();
    let auditd_poller = options.auditd.as_ref().map(|a| start_auditd(&shared, a, &options.endpoints));
    let mut term = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let mut int = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;
    let mut hup = signal(SignalKind::hangup()).map_err(|e| e.to_string())?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let (resync_tx, resync_rx) = tokio::sync::watch::channel(0u64);
    shared.emit(record::health_record(
        "watch.started",
        None,
        RecordSeverity::Notice,
        json!({
            "version": env!("CARGO_PKG_VERSION"),
            "pid": std::process::id(),
            "endpoints": options.endpoints.iter().map(|e| e.host.clone()).collect::<Vec<_>>(),
            "resync_secs": options.tuning.resync.as_secs(),
            "resumed": shared.state.lock().map(|s| !s.hosts.is_empty()).unwrap_or(false),
            "guard_log": options.guard_log.as_ref().map(|p| p.display().to_string()),
        }),
    ));
    let mut tasks = Vec::new();
    for endpoint in options.endpoints.clone() {
        tasks.push(tokio::spawn(watcher::watch_engine(
            shared.clone(),
            endpoint,
            options.timeout_secs,
            stop_rx.clone(),
            resync_rx.clone(),
        )));
    }
    let mut save = tokio::time::interval(Duration::from_secs(1));
    // Reused from one write to the next (see `state_json_if_dirty`).
    let mut state_buf = Vec::new();
    let mut write_state = |shared: &watcher::Shared, path: &Option<PathBuf>| {
        if let Some(path) = path.as_ref().filter(|_| shared.state_json_if_dirty(&mut state_buf)) {
            if let Err(e) = state::State::write_atomically(path, &state_buf) {
                eprintln!("dockward: watch: cannot write the state file {}: {e}", path.display());
                shared.mark_dirty();
            }
        }
    };
    let mut reloads = 0u64;
    let why = loop {
        tokio::select! {
            _ = term.recv() => break "SIGTERM",
            _ = int.recv() => break "SIGINT",
            _ = hup.recv() => {
                match reload() {
                    Ok(tuning) => {
                        *shared.tuning.lock().unwrap_or_else(|p| p.into_inner()) = tuning;
                        reloads += 1;
                        let _ = resync_tx.send(reloads);
                        shared.emit(record::health_record("watch.reloaded", None, RecordSeverity::Notice, json!({"reloads": reloads})));
                    }
                    Err(e) => shared.emit(record::health_record(
                        "watch.reloaded",
                        None,
                        RecordSeverity::Error,
                        json!({"error": e, "kept": "the previous configuration"}),
                    )),
                }
            }
            _ = save.tick() => write_state(&shared, &options.state_path),
        }
    };
    let _ = stop_tx.send(true);
    if let Some(poller) = auditd_poller {
        // Its clone of the shared state must be gone before the sinks are taken back.
        poller.abort();
        let _ = poller.await;
    }
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(5), t).await;
    }
    shared.emit(record::health_record("watch.stopped", None, RecordSeverity::Notice, json!({"signal": why})));
    shared.mark_dirty();
    write_state(&shared, &options.state_path);
    let shared = Arc::try_unwrap(shared).map_err(|_| "a task still holds the sinks".to_string())?;
    shared.sinks.shutdown(Duration::from_secs(20)).await;
    Ok(())
}

/// Reads the audit log every 250 ms (the window stays current and bounded between events);
/// a read error is reported once in a `watch.auditd` record, and again after a recovery.
fn start_auditd(
    shared: &Arc<watcher::Shared>,
    options: &watcher::AuditdOptions,
    endpoints: &[dockward_engine::Endpoint],
) -> tokio::task::JoinHandle<()> {
    let hosts: Vec<String> = endpoints.iter().map(|e| e.host.clone()).collect();
    let correlator = Arc::new(auditd::Correlator::new(&options.log, &options.key, &hosts));
    let _ = shared.auditd.set(correlator.clone());
    let shared = shared.clone();
    let log = options.log.display().to_string();
    tokio::spawn(async move {
        let mut failing = false;
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        loop {
            tick.tick().await;
            let c = correlator.clone();
            let result = tokio::task::spawn_blocking(move || c.poll()).await.unwrap_or_else(|e| Err(e.to_string()));
            match result {
                Err(error) if !failing => {
                    failing = true;
                    shared.emit(record::health_record(
                        "watch.auditd",
                        None,
                        RecordSeverity::Warning,
                        json!({"log": log, "error": error}),
                    ));
                }
                Ok(()) if failing => {
                    failing = false;
                    shared.emit(record::health_record(
                        "watch.auditd",
                        None,
                        RecordSeverity::Notice,
                        json!({"log": log, "reading": true}),
                    ));
                }
                _ => {}
            }
        }
    })
}
