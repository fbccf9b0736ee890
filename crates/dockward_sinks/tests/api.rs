//! The interface `dockward watch` and `dockward guard` were written against, used exactly as
//! they use it: this file failing to compile means a change broke them.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use dockward_sinks::{BoxFuture, Metrics, Record, RecordSeverity, Sink, SinkConfig, SinkError, SinkSet, DEFAULT_QUEUE};

struct Nothing;

impl Sink for Nothing {
    fn name(&self) -> &str {
        "nothing"
    }
    fn deliver<'a>(&'a mut self, _batch: &'a [Record]) -> BoxFuture<'a, Result<(), SinkError>> {
        Box::pin(async { Ok(()) })
    }
}

#[tokio::test]
async fn the_first_interface_still_works() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("guard.jsonl");
    let configs = vec![SinkConfig::File { path: path.clone(), queue: None }];
    assert_eq!(configs[0].queue_len(), DEFAULT_QUEUE);
    let metrics = Metrics::new();
    metrics.event("h", "container");
    metrics.set_findings("h", &BTreeMap::from([(("CT001".to_owned(), "error".to_owned()), 1)]));
    metrics.gap("h");
    metrics.decision("deny", "containers/create");
    metrics.dropped("s", 1);
    metrics.backlog("s", 2);
    metrics.heartbeat();
    let set: SinkSet = SinkSet::start(&configs, metrics.clone()).unwrap();
    set.emit(Record {
        json: Arc::from("{\"a\":1}"),
        time: SystemTime::now(),
        severity: RecordSeverity::Notice,
        kind: Arc::from("guard.decision"),
        host: None,
    });
    let _: Vec<(String, usize)> = set.backlog();
    let _: &Metrics = set.metrics();
    set.shutdown(Duration::from_secs(5)).await;
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"a\":1}\n");
    let other = SinkSet::from_sinks(vec![Box::new(Nothing)], 8, Metrics::new());
    other.shutdown(Duration::from_secs(1)).await;
    let _: String = metrics.render();
    let error = SinkError::Config { sink: "s".into(), message: "m".into() };
    assert_eq!(error.to_string(), "s: m");
}
