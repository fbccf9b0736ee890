//! The Docker daemon's configuration, read exactly: `daemon.json` (strict JSON with
//! byte ranges, checked against the documented options) and dockerd's flags from
//! systemd units and environment files, into one [`DaemonSpec`] with provenance.

pub mod flags;
pub mod json;
pub mod options;

use std::sync::Arc;

use dockward_diagnostics::Location;
use dockward_source::{SourceFile, TextRange};
use dockward_spec::{DaemonOption, DaemonSource, DaemonSpec, DaemonValue, Val};

pub use flags::{read_env_file, read_proc_cmdline, read_systemd_units, FlagProblem, FlagSet};
pub use json::{JsonDocument, JsonIssue, JsonIssueKind, JsonKind, JsonValue};
use options::OptionType;

/// A problem with a key of `daemon.json`, against the option table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProblem {
    Unknown {
        key: String,
        range: TextRange,
        suggestion: Option<&'static str>,
    },
    Removed {
        key: String,
        range: TextRange,
        why: &'static str,
    },
    WrongType {
        key: String,
        range: TextRange,
        expected: &'static str,
        found: &'static str,
    },
    /// The same key twice in one object; dockerd keeps the last.
    Duplicate {
        key: String,
        range: TextRange,
        first: TextRange,
    },
}

/// A parsed `daemon.json`.
#[derive(Debug, Clone)]
pub struct DaemonJson {
    pub file: Arc<SourceFile>,
    pub doc: JsonDocument,
    pub options: Vec<DaemonOption>,
    pub problems: Vec<KeyProblem>,
}

impl DaemonJson {
    /// The top-level object's range, when the file has one.
    pub fn object_range(&self) -> Option<TextRange> {
        self.doc.value.as_ref().filter(|v| matches!(v.kind, JsonKind::Object(_))).map(|v| v.range)
    }

    pub fn members(&self) -> &[json::JsonMember] {
        match self.doc.value.as_ref().map(|v| &v.kind) {
            Some(JsonKind::Object(m)) => m,
            _ => &[],
        }
    }
}

/// Parses `daemon.json` and maps its keys onto options.
pub fn read_daemon_json(file: &Arc<SourceFile>) -> DaemonJson {
    let mut doc = json::parse(file.text());
    let mut options = Vec::new();
    let mut problems = Vec::new();
    match doc.value.as_ref().map(|v| (&v.kind, v.range)) {
        Some((JsonKind::Object(members), _)) => {
            for (i, m) in members.iter().enumerate() {
                if let Some(first) = members[..i].iter().find(|p| p.key == m.key) {
                    problems.push(KeyProblem::Duplicate {
                        key: m.key.clone(),
                        range: m.key_range,
                        first: first.key_range,
                    });
                }
                let Some(info) = options::by_key(&m.key) else {
                    problems.push(KeyProblem::Unknown {
                        key: m.key.clone(),
                        range: m.key_range,
                        suggestion: options::suggest(&m.key),
                    });
                    continue;
                };
                if let Some(why) = info.removed {
                    problems.push(KeyProblem::Removed { key: m.key.clone(), range: m.key_range, why });
                }
                if !type_matches(info.ty, &m.value) {
                    problems.push(KeyProblem::WrongType {
                        key: m.key.clone(),
                        range: m.value.range,
                        expected: info.ty.describe(),
                        found: json_type(&m.value.kind),
                    });
                }
                options.push(DaemonOption {
                    key: Val::new(m.key.clone(), Location::source(file, m.key_range)),
                    value: convert(file, &m.value),
                    source: DaemonSource::ConfigFile,
                });
            }
        }
        Some((kind, range)) => doc.issues.push(JsonIssue {
            kind: JsonIssueKind::Syntax,
            range,
            message: format!("daemon.json must hold a JSON object, not {}", json_type(kind)),
        }),
        None => {}
    }
    DaemonJson { file: file.clone(), doc, options, problems }
}

fn json_type(kind: &JsonKind) -> &'static str {
    match kind {
        JsonKind::Null => "null",
        JsonKind::Bool(_) => "a boolean",
        JsonKind::Number(_) => "a number",
        JsonKind::String(_) => "a string",
        JsonKind::Array(_) => "an array",
        JsonKind::Object(_) => "an object",
    }
}

fn type_matches(ty: OptionType, v: &JsonValue) -> bool {
    match (ty, &v.kind) {
        // Go decodes null into any type as "unset".
        (_, JsonKind::Null) => true,
        (OptionType::Bool, JsonKind::Bool(_)) | (OptionType::String, JsonKind::String(_)) => true,
        (OptionType::Int, JsonKind::Number(n)) => n.parse::<i64>().is_ok(),
        (OptionType::StringList, JsonKind::Array(items)) => items.iter().all(|i| matches!(i.kind, JsonKind::String(_))),
        (OptionType::ObjectList, JsonKind::Array(items)) => items.iter().all(|i| matches!(i.kind, JsonKind::Object(_))),
        (OptionType::StringMap, JsonKind::Object(m)) => m.iter().all(|m| matches!(m.value.kind, JsonKind::String(_))),
        (OptionType::Object, JsonKind::Object(_)) => true,
        _ => false,
    }
}

fn convert(file: &Arc<SourceFile>, v: &JsonValue) -> Val<DaemonValue> {
    let value = match &v.kind {
        JsonKind::Null => DaemonValue::Null,
        JsonKind::Bool(b) => DaemonValue::Bool(*b),
        JsonKind::Number(n) => DaemonValue::Number(n.clone()),
        JsonKind::String(s) => DaemonValue::String(s.clone()),
        JsonKind::Array(items) => DaemonValue::List(items.iter().map(|i| convert(file, i)).collect()),
        JsonKind::Object(members) => DaemonValue::Map(
            members
                .iter()
                .map(|m| (Val::new(m.key.clone(), Location::source(file, m.key_range)), convert(file, &m.value)))
                .collect(),
        ),
    };
    Val::new(value, Location::source(file, v.range))
}

/// Builds the spec from a `daemon.json` and flag sets. `complete` says whether every
/// configuration source was read (see [`DaemonSpec::complete`]).
pub fn build_spec(json: Option<&DaemonJson>, flag_sets: &[&FlagSet], complete: bool) -> DaemonSpec {
    let origin = json
        // The object's opening brace: findings about absent keys point there, not at
        // the whole file.
        .and_then(|j| j.object_range().map(|r| Location::source(&j.file, TextRange::at(r.start(), 1.into()))))
        .or_else(|| json.map(|j| Location::File { name: j.file.name().to_string() }))
        .or_else(|| flag_sets.iter().find_map(|f| f.command.map(|r| Location::source(&f.file, r))))
        .unwrap_or(Location::Logical { scope: "daemon".into(), path: "config".into() });
    let mut spec = DaemonSpec::new(origin, complete);
    if let Some(j) = json {
        spec.options.extend(j.options.iter().cloned());
    }
    for f in flag_sets {
        spec.options.extend(f.options.iter().cloned());
        spec.rootless |= f.rootless;
    }
    spec
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> DaemonJson {
        read_daemon_json(&SourceFile::new("daemon.json", None, text))
    }

    #[test]
    fn one_line_json_reads_like_any_other() {
        let j = read(r#"{"icc":false,"log-opts":{"max-size":"10m","tls":"x"},"insecure-registries":["127.0.0.0/8"]}"#);
        assert!(j.problems.is_empty(), "{:?}", j.problems);
        let spec = build_spec(Some(&j), &[], true);
        assert_eq!(spec.bool("icc"), Some(false));
        assert_eq!(spec.bool("tls"), None);
        assert_eq!(spec.list("insecure-registries").len(), 1);
    }

    #[test]
    fn unknown_removed_wrong_type_and_duplicate_keys() {
        let t = r#"{"live-restor": true, "graph": "/d", "icc": "false", "log-opts": {"max-size": 10}, "icc": false}"#;
        let j = read(t);
        let got: Vec<String> = j
            .problems
            .iter()
            .map(|p| match p {
                KeyProblem::Unknown { range, suggestion, .. } => format!("unknown {} {suggestion:?}", &t[*range]),
                KeyProblem::Removed { range, .. } => format!("removed {}", &t[*range]),
                KeyProblem::WrongType { range, found, .. } => format!("type {} {found}", &t[*range]),
                KeyProblem::Duplicate { range, first, .. } => {
                    format!("dup {} {}", &t[*range], u32::from(first.start()))
                }
            })
            .collect();
        assert_eq!(
            got,
            [
                "unknown \"live-restor\" Some(\"live-restore\")",
                "removed \"graph\"",
                "type \"false\" a string",
                "type {\"max-size\": 10} an object",
                "dup \"icc\" 37",
            ]
        );
    }

    #[test]
    fn a_running_dockerds_command_line_gives_flags_at_their_offsets() {
        let raw = b"/usr/bin/dockerd\0-H\0unix:///run/d.sock\0--iptables=false\0--icc=false\0";
        let set = read_proc_cmdline("/proc/42/cmdline", raw);
        let text = set.file.text();
        assert_eq!(text, "/usr/bin/dockerd -H unix:///run/d.sock --iptables=false --icc=false");
        let spec = build_spec(None, &[&set], true);
        assert_eq!(spec.bool("iptables"), Some(false));
        assert_eq!(spec.bool("icc"), Some(false));
        let at = |k: &str| match &spec.value(k).unwrap().at {
            Location::Source { range, .. } => text[*range].to_string(),
            other => panic!("{other:?}"),
        };
        assert_eq!(at("iptables"), "false");
        assert_eq!(spec.list("hosts").len(), 1);
        assert!(set.problems.is_empty(), "{:?}", set.problems);
        assert!(read_proc_cmdline("/proc/1/cmdline", b"/usr/bin/dockerd-rootless.sh\0").rootless);
    }

    #[test]
    fn non_object_top_level_is_a_syntax_issue() {
        let j = read("[1]");
        assert!(j.doc.has_syntax_error());
        assert!(j.options.is_empty());
    }

    #[test]
    fn flags_win_and_conflicts_are_listed() {
        let j = read(r#"{"icc": true, "hosts": ["unix:///var/run/docker.sock"]}"#);
        let unit = read_systemd_units(&[SourceFile::new(
            "docker.service",
            None,
            "[Service]\nExecStart=/usr/bin/dockerd --icc=false -H fd://\n",
        )])
        .unwrap();
        let spec = build_spec(Some(&j), &[&unit], true);
        assert_eq!(spec.bool("icc"), Some(false));
        let conflicts: Vec<_> = spec.conflicts().iter().map(|(f, _)| f.key.value.clone()).collect();
        assert_eq!(conflicts, ["icc", "hosts"]);
    }
}
