//! What the watcher knows between events and between runs: per engine, the last event
//! seen (time and dedupe key) and every object's open findings by fingerprint. The state
//! file (`--state FILE`) is this, as JSON, written atomically (a temporary file in the
//! same directory, then a rename), so a restart resumes with `since` and repeats nothing.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::judge::{Finding, ObjectState};

/// The state file's `version`; another version is refused (a located error), never guessed.
pub const STATE_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    /// The last record's `seq`: numbering continues across restarts.
    pub seq: u64,
    /// By endpoint label.
    pub hosts: BTreeMap<String, HostState>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HostState {
    /// `/info` ID of the engine last watched at this endpoint.
    #[serde(default)]
    pub engine_id: String,
    /// `timeNano` of the last event handled.
    #[serde(default)]
    pub last_time_nano: i64,
    /// [`dockward_engine::events::EngineEvent::key`] of the events handled at
    /// `last_time_nano` (several events can share a nanosecond).
    #[serde(default)]
    pub last_keys: Vec<String>,
    /// By [`ObjectState::key`].
    #[serde(default)]
    pub objects: BTreeMap<String, ObjectState>,
}

impl State {
    pub fn new() -> Self {
        Self { version: STATE_VERSION, ..Default::default() }
    }

    /// Reads a state file; a missing file is a first run.
    pub fn load(path: &Path) -> Result<Option<State>, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let state: State = serde_json::from_str(&text).map_err(|e| {
            format!("{}:{}:{}: not a dockward watch state file: {e}", path.display(), e.line(), e.column())
        })?;
        if state.version != STATE_VERSION {
            return Err(format!(
                "{}: state file version {} (this dockward reads version {STATE_VERSION}); move it away to start afresh",
                path.display(),
                state.version
            ));
        }
        Ok(Some(state))
    }

    /// Writes `json` (a serialised state) atomically next to `path`.
    pub fn write_atomically(path: &Path, json: &[u8]) -> std::io::Result<()> {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("state");
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(json)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)
    }
}

/// How an object's findings moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// It had no open finding and now has some.
    New,
    /// Findings were added or removed; some stay open.
    Changed,
    /// Its last findings are gone (fixed, or the object was removed).
    Resolved,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Changed => "changed",
            Change::Resolved => "resolved",
        }
    }
}

/// A finding's own movement inside a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingChange {
    New,
    Open,
    Resolved,
}

impl FindingChange {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingChange::New => "new",
            FindingChange::Open => "open",
            FindingChange::Resolved => "resolved",
        }
    }
}

/// The difference between what was known of an object and what is found now; `None`
/// when its findings did not change (no repeat).
pub fn diff(old: Option<&ObjectState>, new: Option<&ObjectState>) -> Option<(Change, Vec<(Finding, FindingChange)>)> {
    let empty = BTreeMap::new();
    let before = old.map_or(&empty, |o| &o.findings);
    let after = new.map_or(&empty, |o| &o.findings);
    if before.keys().eq(after.keys()) {
        return None;
    }
    let mut out = Vec::new();
    for (fp, f) in after {
        let change = if before.contains_key(fp) { FindingChange::Open } else { FindingChange::New };
        out.push((f.clone(), change));
    }
    for (fp, f) in before {
        if !after.contains_key(fp) {
            out.push((f.clone(), FindingChange::Resolved));
        }
    }
    out.sort_by(|a, b| (&a.0.location, &a.0.code, &a.0.fingerprint).cmp(&(&b.0.location, &b.0.code, &b.0.fingerprint)));
    let change = if before.is_empty() {
        Change::New
    } else if after.is_empty() {
        Change::Resolved
    } else {
        Change::Changed
    };
    Some((change, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(codes: &[&str]) -> ObjectState {
        let mut o = ObjectState::new("container", "web");
        for code in codes {
            let f = Finding {
                code: code.to_string(),
                name: "x".into(),
                severity: "error".into(),
                message: "m".into(),
                location: format!("container/web/{code}"),
                cis: vec![],
                compliance: BTreeMap::new(),
                fingerprint: format!("{code}:1"),
            };
            o.findings.insert(f.fingerprint.clone(), f);
        }
        o
    }

    #[test]
    fn change_kinds() {
        let a = object(&["CT001"]);
        let ab = object(&["CT001", "CT002"]);
        let none = object(&[]);
        assert_eq!(diff(None, Some(&a)).unwrap().0, Change::New);
        assert_eq!(diff(Some(&none), Some(&a)).unwrap().0, Change::New);
        let (change, findings) = diff(Some(&a), Some(&ab)).unwrap();
        assert_eq!(change, Change::Changed);
        let kinds: Vec<_> = findings.iter().map(|(f, c)| (f.code.as_str(), *c)).collect();
        assert_eq!(kinds, [("CT001", FindingChange::Open), ("CT002", FindingChange::New)]);
        assert_eq!(diff(Some(&ab), None).unwrap().0, Change::Resolved);
        assert!(diff(Some(&a), Some(&a)).is_none(), "no repeat");
        assert!(diff(None, Some(&none)).is_none(), "a clean object says nothing");
    }

    #[test]
    fn state_round_trips_atomically_and_refuses_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert_eq!(State::load(&path).unwrap(), None);
        let mut state = State::new();
        state.seq = 9;
        state.hosts.entry("h".into()).or_default().objects.insert("container/web".into(), object(&["CT001"]));
        State::write_atomically(&path, serde_json::to_string(&state).unwrap().as_bytes()).unwrap();
        assert_eq!(State::load(&path).unwrap(), Some(state));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
        std::fs::write(&path, "{\"version\": 1,\n \"seq\": \"x\"}").unwrap();
        let err = State::load(&path).unwrap_err();
        assert!(err.contains("state.json:2:"), "{err}");
        std::fs::write(&path, "{\"version\": 7, \"seq\": 0, \"hosts\": {}}").unwrap();
        assert!(State::load(&path).unwrap_err().contains("version 7"));
    }
}
