//! Who did it: the TLS identities `dockward guard` saw, joined with the engine's events.
//!
//! The events API names no user. The guard records, for every request about a container,
//! a `guard.outcome` line (docs/guard.md): the TLS client's CN when there is one, the
//! container's full id (from the daemon's answer to a create), its name, or the name or id
//! the path used, and the event action the request produces. [`GuardLog`] follows that
//! file (rotation and truncation included) into an [`Outcomes`] map, bounded by count and
//! age; a record about an event takes the identity of the outcome that matches the
//! event's container and action and came at or after it. Nothing matches: `unknown`.
//! An identity is never guessed.

use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

use dockward_engine::events::EngineEvent;
use serde::Deserialize;
use serde_json::{json, Value};

/// Outcomes kept at most.
pub const MAX_OUTCOMES: usize = 65_536;
/// Outcomes older than this are forgotten (nanoseconds): an hour.
pub const MAX_AGE_NANOS: i64 = 3_600 * 1_000_000_000;
/// How far an outcome's time may be before its event's: the guard's times have
/// milliseconds, the daemon's nanoseconds.
const BEFORE_EVENT_NANOS: i64 = 5_000_000;
/// How far after its event an outcome may come: the daemon answers right after it
/// logged the event.
const AFTER_EVENT_NANOS: i64 = 10_000_000_000;
/// How much of an existing file is read when following starts.
const INITIAL_TAIL: u64 = 8 << 20;
/// A line longer than this is not an outcome: skipped.
const MAX_LINE: usize = 1 << 20;

/// A known identity, as records carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub user: String,
}

impl Identity {
    pub fn json(identity: Option<&Identity>) -> Value {
        match identity {
            Some(i) => json!({"identity": {"source": "tls", "user": i.user, "via": "dockward guard"}}),
            None => json!({"identity": {"source": "unknown"}}),
        }
    }
}

/// One `guard.outcome` line, as read.
#[derive(Debug, Clone, Deserialize)]
struct OutcomeLine {
    kind: String,
    time: String,
    action: String,
    status: i64,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    container_id: Option<String>,
    #[serde(default)]
    container_name: Option<String>,
    #[serde(default)]
    container_ref: Option<String>,
    #[serde(default)]
    exec_id: Option<String>,
}

#[derive(Debug, Clone)]
struct Outcome {
    seq: u64,
    keys: Vec<String>,
    action: String,
    time_nano: i64,
    user: Option<String>,
}

/// What a lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// The guard saw the request: with its TLS user, or `None` (no TLS).
    Seen(Option<Identity>),
    /// No outcome matches (yet).
    Nothing,
}

/// The outcomes of the last hour (at most [`MAX_OUTCOMES`]), by container id, name, path
/// reference and exec id.
#[derive(Debug)]
pub struct Outcomes {
    by_key: HashMap<String, VecDeque<u64>>,
    order: VecDeque<Outcome>,
    next: u64,
    max: usize,
    max_age: i64,
}

impl Default for Outcomes {
    fn default() -> Self {
        Outcomes::new(MAX_OUTCOMES, MAX_AGE_NANOS)
    }
}

fn container_key(name_or_id: &str) -> String {
    format!("c:{}", name_or_id.trim_start_matches('/'))
}

fn exec_key(id: &str) -> String {
    format!("e:{id}")
}

impl Outcomes {
    pub fn new(max: usize, max_age: i64) -> Self {
        Outcomes { by_key: HashMap::new(), order: VecDeque::new(), next: 0, max: max.max(1), max_age }
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Adds one line of the guard's log (anything but a successful `guard.outcome` is
    /// ignored); `now` bounds the map by age.
    pub fn add_line(&mut self, line: &str, now: i64) {
        if !line.contains("\"guard.outcome\"") {
            return;
        }
        let Ok(o) = serde_json::from_str::<OutcomeLine>(line) else { return };
        if o.kind != "guard.outcome" || !(200..300).contains(&o.status) {
            return;
        }
        let Some(time_nano) = chrono::DateTime::parse_from_rfc3339(&o.time).ok().and_then(|t| t.timestamp_nanos_opt())
        else {
            return;
        };
        let mut keys = Vec::new();
        for c in [&o.container_id, &o.container_name, &o.container_ref].into_iter().flatten() {
            if !c.is_empty() {
                keys.push(container_key(c));
            }
        }
        if let Some(e) = o.exec_id.as_deref().filter(|e| !e.is_empty()) {
            keys.push(exec_key(e));
        }
        if keys.is_empty() {
            return;
        }
        let user = o.user.filter(|u| !u.is_empty());
        self.insert(keys, o.action, time_nano, user);
        self.expire(now);
    }

    fn insert(&mut self, keys: Vec<String>, action: String, time_nano: i64, user: Option<String>) {
        let seq = self.next;
        self.next += 1;
        for k in &keys {
            self.by_key.entry(k.clone()).or_default().push_back(seq);
        }
        self.order.push_back(Outcome { seq, keys, action, time_nano, user });
    }

    /// Forgets the oldest outcomes past the count bound, and those older than the age bound.
    pub fn expire(&mut self, now: i64) {
        while let Some(first) = self.order.front() {
            if self.order.len() <= self.max && first.time_nano >= now - self.max_age {
                break;
            }
            let first = self.order.pop_front().expect("front exists");
            for k in &first.keys {
                if let Some(seqs) = self.by_key.get_mut(k) {
                    // Per key, seqs are in insertion order: the oldest is in front.
                    if seqs.front() == Some(&first.seq) {
                        seqs.pop_front();
                    }
                    if seqs.is_empty() {
                        self.by_key.remove(k);
                    }
                }
            }
        }
    }

    fn get(&self, seq: u64) -> Option<&Outcome> {
        let first = self.order.front()?.seq;
        self.order.get(usize::try_from(seq.checked_sub(first)?).ok()?)
    }

    /// The outcome of the request behind `event`: same action, about the event's container
    /// (by full id, name, an id prefix of at least 12 characters, or the exec's id), at or
    /// after the event; the earliest such.
    pub fn lookup(&self, event: &EngineEvent) -> Found {
        let action = event.base_action();
        let mut keys = Vec::new();
        if action.starts_with("exec_") {
            if let Some(exec) = event.attributes.get("execID") {
                keys.push(exec_key(exec));
            }
        }
        if action != "exec_start" {
            keys.push(container_key(&event.actor_id));
            if let Some(name) = event.attributes.get("name") {
                keys.push(container_key(name));
            }
            // A rename's request names the container by its old name.
            if let Some(old) = event.attributes.get("oldName").filter(|_| action == "rename") {
                keys.push(container_key(old));
            }
            // The CLI's short ids and longer prefixes the daemon resolves.
            let id = &event.actor_id;
            if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
                keys.extend((12..64).map(|n| container_key(&id[..n])));
            }
        }
        let from = event.time_nano - BEFORE_EVENT_NANOS;
        let to = event.time_nano.saturating_add(AFTER_EVENT_NANOS);
        let best = keys
            .iter()
            .filter_map(|k| self.by_key.get(k))
            .flatten()
            .filter_map(|seq| self.get(*seq))
            .filter(|o| o.action == action && o.time_nano >= from && o.time_nano <= to)
            .min_by_key(|o| (o.time_nano, o.seq));
        match best {
            Some(o) => Found::Seen(o.user.clone().map(|user| Identity { user })),
            None => Found::Nothing,
        }
    }
}

/// Whether an event comes from an API request the guard would have recorded: the watcher
/// waits a moment for its outcome. (`die`, `oom`, `exec_die` never do; `start` and
/// `destroy` may also come from a restart policy or `--rm`: then the wait runs out.)
pub fn expects_outcome(event: &EngineEvent) -> bool {
    event.kind == "container"
        && matches!(
            event.base_action(),
            "create"
                | "update"
                | "start"
                | "restart"
                | "rename"
                | "unpause"
                | "pause"
                | "kill"
                | "stop"
                | "destroy"
                | "exec_create"
                | "exec_start"
        )
}

/// Follows the guard's log file: from near its end at start, then line by line. A file
/// replaced (rotated: another inode at the path) is read to its end, then the new one
/// from its start; a file that shrank (truncated) is read again from its start.
#[derive(Debug)]
pub struct GuardLog {
    path: PathBuf,
    file: Option<File>,
    inode: Option<(u64, u64)>,
    offset: u64,
    partial: Vec<u8>,
    skip_to_newline: bool,
    pub outcomes: Outcomes,
}

impl GuardLog {
    pub fn new(path: PathBuf) -> Self {
        GuardLog {
            path,
            file: None,
            inode: None,
            offset: 0,
            partial: Vec::new(),
            skip_to_newline: false,
            outcomes: Outcomes::default(),
        }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Reads what was appended since the last call. Errors (no file yet, unreadable) leave
    /// the map as it is; the next call tries again.
    pub fn poll(&mut self, now: i64) {
        let first = self.inode.is_none();
        let meta = std::fs::metadata(&self.path).ok();
        let identity = meta.as_ref().map(|m| (m.dev(), m.ino()));
        if self.file.is_some() && identity != self.inode {
            // Rotated (or removed): what the old file still holds comes first.
            self.read_open(now);
            self.file = None;
        }
        if self.file.is_none() {
            let Some(meta) = meta else { return };
            let Ok(mut file) = File::open(&self.path) else { return };
            let start = if first { meta.len().saturating_sub(INITIAL_TAIL) } else { 0 };
            if file.seek(SeekFrom::Start(start)).is_err() {
                return;
            }
            self.offset = start;
            self.partial.clear();
            // Started mid-file: the first line is cut.
            self.skip_to_newline = start > 0;
            self.file = Some(file);
            self.inode = identity;
        } else if meta.is_some_and(|m| m.len() < self.offset) {
            // Truncated in place (copytruncate): from the start again.
            if let Some(file) = self.file.as_mut() {
                if file.seek(SeekFrom::Start(0)).is_ok() {
                    self.offset = 0;
                    self.partial.clear();
                    self.skip_to_newline = false;
                }
            }
        }
        self.read_open(now);
        self.outcomes.expire(now);
    }

    fn read_open(&mut self, now: i64) {
        let Some(file) = self.file.as_mut() else { return };
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = match file.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            self.offset += n as u64;
            let mut data = &chunk[..n];
            while let Some(end) = data.iter().position(|b| *b == b'\n') {
                let (line, rest) = data.split_at(end);
                data = &rest[1..];
                if self.skip_to_newline {
                    self.skip_to_newline = false;
                    self.partial.clear();
                    continue;
                }
                if self.partial.len() + line.len() <= MAX_LINE {
                    self.partial.extend_from_slice(line);
                    if let Ok(text) = std::str::from_utf8(&self.partial) {
                        self.outcomes.add_line(text, now);
                    }
                }
                self.partial.clear();
            }
            if self.partial.len() + data.len() <= MAX_LINE {
                self.partial.extend_from_slice(data);
            } else {
                // Too long to be an outcome: drop it up to its end.
                self.partial.clear();
                self.skip_to_newline = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const ID: &str = "4f1c0e8a9b2d3c4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789";
    /// 2026-12-04T23:00:00Z
    const T: i64 = 1_796_425_200_000_000_000;

    fn line(time_ms: i64, action: &str, user: Option<&str>, fields: Value) -> String {
        let time = chrono::DateTime::from_timestamp_millis(time_ms)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut v = json!({"time": time, "kind": "guard.outcome", "endpoint": "x", "method": "POST",
            "path": "/x", "action": action, "status": 201});
        if let Some(u) = user {
            v["user"] = u.into();
        }
        v.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        v.to_string()
    }

    fn event(action: &str, id: &str, name: &str, time_nano: i64) -> EngineEvent {
        EngineEvent {
            kind: "container".into(),
            action: action.into(),
            actor_id: id.into(),
            attributes: [("name".to_string(), name.to_string())].into(),
            scope: "local".into(),
            time_nano,
        }
    }

    fn alice() -> Found {
        Found::Seen(Some(Identity { user: "alice".into() }))
    }

    #[test]
    fn events_take_the_identity_of_the_request_behind_them() {
        let mut m = Outcomes::default();
        let ms = T / 1_000_000;
        m.add_line(&line(ms + 3, "create", Some("alice"), json!({"container_id": ID, "container_name": "web"})), T);
        m.add_line(&line(ms + 50, "start", None, json!({"container_ref": "web"})), T);
        m.add_line(&line(ms + 90, "stop", Some("bob"), json!({"container_ref": &ID[..12]})), T);
        m.add_line(&line(ms + 95, "exec_create", Some("carol"), json!({"container_ref": "web", "exec_id": "e1"})), T);
        m.add_line(&line(ms + 96, "exec_start", Some("dave"), json!({"exec_id": "e1"})), T);
        assert_eq!(m.lookup(&event("create", ID, "web", T + 1)), alice(), "by full id");
        assert_eq!(m.lookup(&event("create", "", "web", T + 1)), alice(), "by name");
        assert_eq!(m.lookup(&event("start", ID, "web", T + 40_000_000)), Found::Seen(None), "seen, no TLS");
        assert_eq!(
            m.lookup(&event("stop", ID, "web", T + 80_000_000)),
            Found::Seen(Some(Identity { user: "bob".into() }))
        );
        let mut exec = event("exec_create: sh -c id", ID, "web", T + 94_000_000);
        exec.attributes.insert("execID".into(), "e1".into());
        assert_eq!(m.lookup(&exec), Found::Seen(Some(Identity { user: "carol".into() })));
        exec.action = "exec_start: sh -c id".into();
        assert_eq!(m.lookup(&exec), Found::Seen(Some(Identity { user: "dave".into() })));
        m.add_line(&line(ms + 97, "rename", Some("erin"), json!({"container_ref": "web"})), T);
        let mut rename = event("rename", ID, "shop", T + 96_000_000);
        rename.attributes.insert("oldName".into(), "/web".into());
        assert_eq!(m.lookup(&rename), Found::Seen(Some(Identity { user: "erin".into() })), "by the old name");
        // Another action, another container, an outcome before the event or long after it.
        assert_eq!(m.lookup(&event("destroy", ID, "web", T)), Found::Nothing);
        assert_eq!(m.lookup(&event("create", &ID.replace('4', "5"), "db", T)), Found::Nothing);
        assert_eq!(m.lookup(&event("create", ID, "web", T + 20_000_000)), Found::Nothing, "the outcome came first");
        assert_eq!(m.lookup(&event("create", ID, "web", T - 11_000_000_000)), Found::Nothing);
    }

    #[test]
    fn only_successful_outcomes_count() {
        let mut m = Outcomes::default();
        let ms = T / 1_000_000;
        let mut denied: Value =
            serde_json::from_str(&line(ms, "create", Some("eve"), json!({"container_name": "x"}))).unwrap();
        denied["status"] = 403.into();
        m.add_line(&denied.to_string(), T);
        m.add_line(r#"{"kind":"guard.decision","decision":"allow","user":"eve"}"#, T);
        m.add_line("{\"kind\":\"guard.outcome\", broken", T);
        m.add_line(&line(ms, "create", Some("eve"), json!({})), T);
        assert!(m.is_empty());
    }

    #[test]
    fn the_map_is_bounded_by_count_and_age() {
        let mut m = Outcomes::new(100, 60_000_000_000);
        let ms = T / 1_000_000;
        for i in 0..1000 {
            m.add_line(&line(ms + i, "start", Some("alice"), json!({"container_ref": format!("c{i}")})), T);
        }
        assert_eq!(m.len(), 100);
        assert_eq!(m.by_key.len(), 100, "keys of forgotten outcomes go too");
        assert_eq!(m.lookup(&event("start", "", "c0", T)), Found::Nothing);
        assert_eq!(m.lookup(&event("start", "", "c999", T + 999_000_000)), alice());
        m.expire(T + 61_000_000_000);
        assert!(m.is_empty() && m.by_key.is_empty(), "an hour (here a minute) later, nothing is kept");
        // One container's many outcomes also stay within the bound.
        for i in 0..500 {
            m.add_line(&line(ms + i, "start", None, json!({"container_ref": "same"})), T);
        }
        assert_eq!((m.len(), m.by_key["c:same"].len()), (100, 100));
    }

    #[test]
    fn the_log_is_followed_through_rotation_and_truncation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("guard.jsonl");
        let ms = T / 1_000_000;
        let append = |text: &str| {
            let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&path).unwrap();
            f.write_all(text.as_bytes()).unwrap();
        };
        let mut log = GuardLog::new(path.clone());
        log.poll(T); // no file yet
        append(&format!("{}\n", line(ms, "start", Some("alice"), json!({"container_ref": "a"}))));
        // Half a line, then its end.
        let b = line(ms, "start", Some("alice"), json!({"container_ref": "b"}));
        append(&b[..20]);
        log.poll(T);
        assert_eq!(log.outcomes.len(), 1);
        append(&format!("{}\n", &b[20..]));
        log.poll(T);
        assert_eq!(log.outcomes.len(), 2);
        // Rotated: the old file's last line, then the new file.
        append(&format!("{}\n", line(ms, "start", Some("alice"), json!({"container_ref": "c"}))));
        std::fs::rename(&path, dir.path().join("guard.jsonl.1")).unwrap();
        append(&format!("{}\n", line(ms, "start", Some("alice"), json!({"container_ref": "d"}))));
        log.poll(T);
        assert_eq!(log.outcomes.len(), 4);
        assert_eq!(log.outcomes.lookup(&event("start", "", "d", T)), alice());
        // Truncated in place, then written again.
        std::fs::write(&path, "").unwrap();
        log.poll(T);
        append(&format!("{}\n", line(ms, "start", Some("alice"), json!({"container_ref": "e"}))));
        log.poll(T);
        assert_eq!(log.outcomes.lookup(&event("start", "", "e", T)), alice());
        // A huge line is skipped; the next one is read.
        append(&format!("{}\n", "x".repeat(3 << 20)));
        append(&format!("{}\n", line(ms, "start", Some("alice"), json!({"container_ref": "f"}))));
        log.poll(T);
        assert_eq!(log.outcomes.lookup(&event("start", "", "f", T)), alice());
    }
}
