//! Speed of the auditd correlation (bench/auditd.sh): reads a whole audit log line by
//! line into the window (the watcher's follower reads at most the last 4 MiB at start,
//! then what is appended), then asks the window for verdicts.
//!
//! `cargo run --release -p dockward_watch --example auditd_window -- LOG [KEY] [VERDICTS]`

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::time::Instant;

use dockward_watch::auditd::{Filter, Verdict, Window, DEFAULT_KEY};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let log = args.get(1).expect("usage: auditd_window LOG [KEY] [VERDICTS]");
    let key = args.get(2).map_or(DEFAULT_KEY, String::as_str);
    let verdicts: u64 = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let filter = Filter::new(key, &["unix:///var/run/docker.sock".to_string()]);
    let bytes = std::fs::metadata(log).map(|m| m.len()).unwrap_or(0);
    let reader = BufReader::new(File::open(log).expect("open the log"));
    let mut window = Window::default();
    let mut lines = 0u64;
    let (mut first_ms, mut last_ms) = (i64::MAX, i64::MIN);
    let started = Instant::now();
    for line in reader.split(b'\n') {
        let line = line.expect("read the log");
        let l = String::from_utf8_lossy(&line);
        lines += 1;
        if let Some(p) = dockward_watch::auditd::parse_line(&l) {
            first_ms = first_ms.min(p.time_ms);
            last_ms = last_ms.max(p.time_ms);
        }
        window.feed(&l, &filter);
    }
    let read = started.elapsed();
    let sockets = Filter::sockets_of("unix:///var/run/docker.sock");
    let span = (last_ms - 120_000).max(first_ms)..=last_ms.max(first_ms);
    let started = Instant::now();
    let (mut one, mut unknown) = (0u64, 0u64);
    for i in 0..verdicts {
        let t = span.start() + (i as i64 * 7919) % (span.end() - span.start() + 1).max(1);
        match window.verdict(t, &sockets, &filter) {
            Verdict::One(..) => one += 1,
            Verdict::Unknown(_) => unknown += 1,
        }
    }
    let asked = started.elapsed();
    println!(
        "read {lines} lines ({:.1} MiB) in {:.3} s: {:.0} lines/s, {:.1} MiB/s; window holds {} connects",
        bytes as f64 / 1048576.0,
        read.as_secs_f64(),
        lines as f64 / read.as_secs_f64(),
        bytes as f64 / 1048576.0 / read.as_secs_f64(),
        window.len()
    );
    println!(
        "{verdicts} verdicts in {:.3} s: {:.1} µs each ({one} named, {unknown} unknown)",
        asked.as_secs_f64(),
        asked.as_secs_f64() * 1e6 / verdicts as f64
    );
}
