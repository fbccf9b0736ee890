//! Protocol test of the fluent-forward sink (not a Fluentd: Fluentd and Fluent Bit are not
//! in Debian 12). The peer is tests/support/forward_decoder.py, a decoder of the frames
//! written with python3-msgpack (`.ci/run` installs it) that answers `{"ack": chunk}` but
//! withholds the first ack, so the test sees the chunk sent again on a new connection.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use dockward_sinks::config::FluentConfig;
use dockward_sinks::{Metrics, Record, RecordSeverity, SinkConfig, SinkSet};
use serde_json::Value;

/// The decoder process; killed by its pid when dropped.
struct Decoder(Child);

impl Drop for Decoder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_decoder(dir: &Path) -> (Decoder, u16) {
    start_decoder_with(dir, None)
}

fn start_decoder_with(dir: &Path, shared_key: Option<&str>) -> (Decoder, u16) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/forward_decoder.py");
    let port_file = dir.join("port");
    // Debian's interpreter, where python3-msgpack lives (a pyenv or venv python3 earlier on
    // PATH does not see it).
    let python = if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" };
    let child = Command::new(python)
        .arg(script)
        .arg(&port_file)
        .arg(dir.join("decoded.jsonl"))
        .args(shared_key)
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3");
    let decoder = Decoder(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(port) = std::fs::read_to_string(&port_file) {
            return (decoder, port.trim().parse().unwrap());
        }
        assert!(Instant::now() < deadline, "the decoder did not start (is python3-msgpack installed?)");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn record(n: u64, kind: &str) -> Record {
    Record {
        json:
            serde_json::json!({"seq": n, "object": {"name": format!("web-{n}")}, "ok": n.is_multiple_of(2), "x": 1.5})
                .to_string()
                .into(),
        time: SystemTime::UNIX_EPOCH + Duration::new(1_796_359_571 + n, 123_456_789),
        severity: RecordSeverity::Warning,
        kind: kind.into(),
        host: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fluent_forward_protocol_resends_a_chunk_whose_ack_is_withheld() {
    let dir = tempfile::tempdir().unwrap();
    let (_decoder, port) = start_decoder(dir.path());
    let config: FluentConfig =
        toml::from_str(&format!("address = \"127.0.0.1:{port}\"\nack-timeout-secs = 1")).unwrap();
    let metrics = Metrics::new();
    let set = SinkSet::start(&[SinkConfig::FluentForward(config)], metrics.clone()).unwrap();
    for n in 0..6 {
        set.emit(record(n, if n < 4 { "watch.finding" } else { "watch.gap" }));
    }
    set.shutdown(Duration::from_secs(30)).await;

    let text = std::fs::read_to_string(dir.path().join("decoded.jsonl")).unwrap();
    let messages: Vec<Value> = text.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    // The first message's ack was withheld: it came again, same records, on connection 2.
    assert!(messages.len() >= 3, "{text}");
    let (first, again) = (&messages[0], &messages[1]);
    assert_eq!(first["connection"], 1);
    assert_eq!(again["connection"], 2);
    assert_eq!(first["entries"], again["entries"]);
    assert_eq!(first["tag"], again["tag"]);

    // Everything after the withheld ack arrived exactly once, by tag, each record whole.
    let delivered: Vec<&Value> = messages[1..].iter().collect();
    let mut seqs = Vec::new();
    for message in &delivered {
        let option = &message["option"];
        let entries = message["entries"].as_array().unwrap();
        assert_eq!(option["size"], entries.len(), "{message}");
        assert_eq!(option["chunk"].as_str().unwrap().len(), 24, "base64 of 128 bits: {message}");
        for entry in entries {
            let n = entry["record"]["seq"].as_u64().unwrap();
            let tag = if n < 4 { "dockward.watch.finding" } else { "dockward.watch.gap" };
            assert_eq!(message["tag"], tag);
            assert_eq!(
                entry["time"],
                serde_json::json!({"ext": 0, "len": 8, "sec": 1_796_359_571 + n, "nsec": 123_456_789})
            );
            let sent: Value = serde_json::from_str(&record(n, "").json).unwrap();
            assert_eq!(entry["record"], sent);
            seqs.push(n);
        }
    }
    assert_eq!(seqs, (0..6).collect::<Vec<u64>>());
    let rendered = metrics.render();
    assert!(
        rendered.contains(&format!("dockward_sink_failures_total{{sink=\"fluent-forward:127.0.0.1:{port}\"}} 1")),
        "{rendered}"
    );
    assert!(
        rendered.contains(&format!("dockward_sink_delivered_total{{sink=\"fluent-forward:127.0.0.1:{port}\"}} 6")),
        "{rendered}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fluent_forward_protocol_shared_key_handshake() {
    let dir = tempfile::tempdir().unwrap();
    let (_decoder, port) = start_decoder_with(dir.path(), Some("s3cret"));
    let config = |key: &str| {
        let text = format!(
            "address = \"127.0.0.1:{port}\"\nack-timeout-secs = 2\nshared-key = \"{key}\"\nself-hostname = \"edge-7\""
        );
        SinkConfig::FluentForward(toml::from_str(&text).unwrap())
    };
    // The wrong key: the decoder refuses the PING, nothing is delivered, the failure counted.
    let metrics = Metrics::new();
    let set = SinkSet::start(&[config("wrong")], metrics.clone()).unwrap();
    set.emit(record(0, "watch.finding"));
    set.shutdown(Duration::from_millis(700)).await;
    let sink = format!("fluent-forward:127.0.0.1:{port}");
    assert!(metrics.render().contains(&format!("dockward_sink_failures_total{{sink=\"{sink}\"}}")));
    assert!(!metrics.render().contains(&format!("dockward_sink_delivered_total{{sink=\"{sink}\"}}")));

    // The right key: handshake, then the records (the decoder withholds its first ack, so
    // the chunk goes twice, each time after a handshake on a new connection).
    let set = SinkSet::start(&[config("s3cret")], Metrics::new()).unwrap();
    set.emit(record(1, "watch.finding"));
    set.shutdown(Duration::from_secs(30)).await;
    let text = std::fs::read_to_string(dir.path().join("decoded.jsonl")).unwrap();
    let lines: Vec<Value> = text.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    let handshakes: Vec<(bool, &str)> =
        lines.iter().filter_map(|l| Some((l.get("handshake")?.as_bool()?, l["hostname"].as_str()?))).collect();
    assert!(handshakes.iter().all(|(_, host)| *host == "edge-7"));
    assert!(handshakes.first().is_some_and(|(ok, _)| !ok), "{text}");
    assert!(handshakes.last().is_some_and(|(ok, _)| *ok), "{text}");
    let records: Vec<u64> = lines
        .iter()
        .filter_map(|l| l.get("entries"))
        .flat_map(|e| e.as_array().unwrap().iter().map(|e| e["record"]["seq"].as_u64().unwrap()))
        .collect();
    assert!(!records.contains(&0), "nothing passes a failed handshake: {text}");
    assert_eq!(records.last(), Some(&1));
}
