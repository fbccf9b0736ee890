//! The records `dockward watch` emits: JSON lines of schema `dockward.watch/1`
//! (`docs/watch.schema.json`, documented in `docs/watch.md`), or the same facts in the
//! Elastic Common Schema (`--format ecs`).

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use dockward_engine::events::EngineEvent;
use dockward_sinks::RecordSeverity;
use serde_json::{json, Map, Value};

use crate::identity::Identity;
use crate::judge::{Finding, ObjectState};
use crate::state::{Change, FindingChange};

pub const SCHEMA: &str = "dockward.watch/1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Ecs,
}

/// The engine a record is about.
#[derive(Debug, Clone, Default)]
pub struct HostInfo {
    /// The endpoint's label (`--host` value or context name).
    pub label: String,
    /// The engine's name (`/info` Name: its host name).
    pub name: String,
    pub engine_id: String,
    pub endpoint: String,
}

impl HostInfo {
    fn json(&self) -> Value {
        json!({"name": self.name, "label": self.label, "engine_id": self.engine_id, "endpoint": self.endpoint})
    }
}

/// Where a finding record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// An engine event.
    Events,
    /// A full audit diffed against the known state (first run, gap, timer, reload).
    Resync,
}

/// `2026-12-04T04:46:11.571436878Z`.
pub fn rfc3339(nanos: i64) -> String {
    let secs = nanos.div_euclid(1_000_000_000);
    let sub = nanos.rem_euclid(1_000_000_000) as u32;
    chrono::DateTime::from_timestamp(secs, sub).unwrap_or_default().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}

pub fn now_nanos() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as i64).unwrap_or(0)
}

/// A record before numbering: its kind, JSON body (without `schema`, `time`, `seq`) and time.
#[derive(Debug, Clone)]
pub struct Draft {
    pub kind: &'static str,
    pub time_nano: i64,
    pub severity: RecordSeverity,
    pub host: Option<String>,
    pub body: Map<String, Value>,
}

impl Draft {
    /// The finished record in `format`, numbered `seq`.
    pub fn finish(self, seq: u64, format: Format) -> dockward_sinks::Record {
        let mut out = Map::new();
        out.insert("schema".into(), SCHEMA.into());
        out.insert("kind".into(), self.kind.into());
        out.insert("time".into(), rfc3339(self.time_nano).into());
        out.insert("seq".into(), seq.into());
        out.extend(self.body);
        let value = match format {
            Format::Json => Value::Object(out),
            Format::Ecs => ecs(&Value::Object(out)),
        };
        let time = UNIX_EPOCH + std::time::Duration::from_nanos(self.time_nano.max(0) as u64);
        dockward_sinks::Record {
            json: value.to_string().into(),
            time,
            severity: self.severity,
            kind: self.kind.into(),
            host: self.host.map(Into::into),
        }
    }
}

fn event_json(e: &EngineEvent) -> Value {
    // `exec_start: sh -c ...` carries a command line: a secret in it is masked like any
    // finding message is.
    let action = mask_command(&e.action);
    json!({
        "type": e.kind,
        "action": action,
        "actor_id": e.actor_id,
        "scope": e.scope,
        "time_nano": e.time_nano,
    })
}

/// Masks what looks like a secret in a command line carried by an exec event
/// (`--password=x`, `TOKEN=x`, `-p x` after a password flag, URL credentials).
pub fn mask_command(action: &str) -> String {
    let Some((head, command)) = action.split_once(':') else { return action.to_string() };
    let secretish = |k: &str| {
        let k = k.trim_start_matches('-').to_ascii_lowercase();
        ["pass", "secret", "token", "key", "auth", "credential", "pwd"].iter().any(|s| k.contains(s))
    };
    let mut out = Vec::new();
    let mut mask_next = false;
    for word in command.split(' ') {
        if mask_next && !word.is_empty() {
            out.push("****".to_string());
            mask_next = false;
            continue;
        }
        if let Some((k, _)) = word.split_once('=') {
            if secretish(k) {
                out.push(format!("{k}=****"));
                continue;
            }
        }
        if word.starts_with('-') && secretish(word) {
            mask_next = true;
        }
        // `scheme://user:password@host`
        if let Some(at) = word.find('@') {
            if let Some(scheme) = word.find("://") {
                if let Some(colon) = word[scheme + 3..at].find(':') {
                    let c = scheme + 3 + colon;
                    out.push(format!("{}:****{}", &word[..c], &word[at..]));
                    continue;
                }
            }
        }
        out.push(word.to_string());
    }
    format!("{head}:{}", out.join(" "))
}

fn finding_json(f: &Finding, change: Option<FindingChange>) -> Value {
    let mut v = json!({
        "code": f.code,
        "name": f.name,
        "severity": f.severity,
        "message": f.message,
        "location": f.location,
        "cis": f.cis,
        "compliance": f.compliance,
        "fingerprint": f.fingerprint,
    });
    if let Some(c) = change {
        v["change"] = c.as_str().into();
    }
    v
}

fn object_json(o: &ObjectState) -> Value {
    let mut v = json!({"kind": o.kind, "name": o.name});
    if let Some(id) = &o.id {
        v["id"] = id.clone().into();
    }
    if let Some(image) = &o.image {
        v["image"] = image.clone().into();
    }
    if let Some(c) = &o.compose {
        v["compose"] = json!({"project": c.project, "service": c.service});
    }
    v
}

/// The findings of one object moved (`change`).
pub fn finding_record(
    host: &HostInfo,
    source: Source,
    event: Option<&EngineEvent>,
    identity: Option<&Identity>,
    object: &ObjectState,
    change: Change,
    findings: &[(Finding, FindingChange)],
) -> Draft {
    let mut body = Map::new();
    body.insert("host".into(), host.json());
    body.insert("source".into(), if source == Source::Events { "events" } else { "resync" }.into());
    if let Some(e) = event {
        body.insert("event".into(), event_json(e));
    }
    body.insert("object".into(), object_json(object));
    // The events API names no user: the guard's TLS identity when it saw the request
    // behind the event, else unknown (docs/watch.md, "Who did it").
    body.insert("actor".into(), Identity::json(identity));
    body.insert("findings".into(), findings.iter().map(|(f, c)| finding_json(f, Some(*c))).collect());
    body.insert("change".into(), change.as_str().into());
    let worst = findings
        .iter()
        .filter(|(_, c)| *c != FindingChange::Resolved)
        .map(|(f, _)| match f.severity.as_str() {
            "error" => RecordSeverity::Error,
            "warning" => RecordSeverity::Warning,
            _ => RecordSeverity::Notice,
        })
        .max()
        .unwrap_or(RecordSeverity::Info);
    Draft {
        kind: "watch.finding",
        time_nano: event.map_or_else(now_nanos, |e| e.time_nano),
        severity: worst,
        host: Some(host.label.clone()),
        body,
    }
}

/// A health record (`watch.started`, `watch.gap`, ...) with its details.
pub fn health_record(kind: &'static str, host: Option<&HostInfo>, severity: RecordSeverity, details: Value) -> Draft {
    let mut body = Map::new();
    if let Some(h) = host {
        body.insert("host".into(), h.json());
    }
    body.insert("source".into(), "watch".into());
    body.insert("health".into(), details);
    Draft { kind, time_nano: now_nanos(), severity, host: host.map(|h| h.label.clone()), body }
}

/// The same record in the Elastic Common Schema (8.x field names); the whole
/// `dockward.watch/1` record is kept under `dockward`.
pub fn ecs(record: &Value) -> Value {
    let kind = record["kind"].as_str().unwrap_or_default();
    let finding = kind == "watch.finding";
    let change = record["change"].as_str().unwrap_or_default();
    let mut out = json!({
        "@timestamp": record["time"],
        "ecs": {"version": "8.11.0"},
        "event": {
            "kind": if finding { "alert" } else { "event" },
            "category": if finding { json!(["configuration"]) } else { json!(["process"]) },
            "type": match change {
                "new" => json!(["creation"]),
                "changed" => json!(["change"]),
                "resolved" => json!(["deletion"]),
                _ => json!(["info"]),
            },
            "action": kind,
            "outcome": if finding && change != "resolved" { "failure" } else { "success" },
            "dataset": "dockward.watch",
            "module": "dockward",
            "sequence": record["seq"],
        },
        "observer": {"product": "dockward", "type": "configuration-audit"},
        "host": {"name": record["host"]["name"], "id": record["host"]["engine_id"]},
        "dockward": record,
    });
    let object = &record["object"];
    if object["kind"] == "container" {
        out["container"] = json!({
            "id": object["id"],
            "name": object["name"],
            "image": {"name": object["image"]},
        });
    }
    if let Some(first) = record["findings"].as_array().and_then(|f| f.first()) {
        let codes: Vec<&Value> = record["findings"].as_array().into_iter().flatten().map(|f| &f["code"]).collect();
        out["rule"] = json!({
            "id": first["code"],
            "name": first["name"],
            "reference": format!("https://example.invalid/dockward/rules/{}", first["code"].as_str().unwrap_or("")),
            "ruleset": "dockward",
        });
        out["message"] = first["message"].clone();
        out["tags"] = json!(codes);
        let worst = record["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["severity"].as_str())
            .map(|s| match s {
                "error" => 73,
                "warning" => 47,
                _ => 21,
            })
            .max()
            .unwrap_or(0);
        out["event"]["severity"] = worst.into();
    }
    // The events API names no user: ECS `user.name` only when an identity is known.
    if let Some(user) = record["actor"]["identity"]["user"].as_str() {
        out["user"] = json!({"name": user});
    }
    // auditd: the caller's uid and process (ECS `user.id` is a keyword).
    let identity = &record["actor"]["identity"];
    if identity["source"] == "auditd" {
        out["user"]["id"] = identity["uid"].to_string().into();
        out["process"] = json!({"pid": identity["pid"], "executable": identity["exe"], "name": identity["comm"]});
    }
    out
}

/// Counts of open findings by (rule, severity), for `Metrics::set_findings`.
pub fn finding_counts<'a>(objects: impl Iterator<Item = &'a ObjectState>) -> BTreeMap<(String, String), u64> {
    let mut counts = BTreeMap::new();
    for o in objects {
        for f in o.findings.values() {
            *counts.entry((f.code.clone(), f.severity.clone())).or_default() += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_have_nanoseconds_in_utc() {
        assert_eq!(rfc3339(1_733_287_571_571_436_878), "2024-12-04T04:46:11.571436878Z");
    }

    fn validator() -> jsonschema::Validator {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/watch.schema.json");
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        jsonschema::validator_for(&schema).unwrap()
    }

    fn container_record(identity: Option<&Identity>) -> Value {
        let host = HostInfo { label: "local".into(), endpoint: "unix:///run/docker.sock".into(), ..Default::default() };
        let event = EngineEvent {
            kind: "container".into(),
            action: "create".into(),
            actor_id: "ab".repeat(32),
            attributes: Default::default(),
            scope: "local".into(),
            time_nano: 1_733_287_571_571_436_878,
        };
        let finding = Finding {
            code: "CT004".into(),
            name: "writable-root-filesystem".into(),
            severity: "warning".into(),
            message: "m".into(),
            location: "container/web/HostConfig".into(),
            cis: vec![],
            compliance: Default::default(),
            fingerprint: "f".into(),
        };
        let object = ObjectState::new("container", "web");
        let draft = finding_record(
            &host,
            Source::Events,
            Some(&event),
            identity,
            &object,
            Change::New,
            &[(finding, FindingChange::New)],
        );
        serde_json::from_str(&draft.finish(1, Format::Json).json).unwrap()
    }

    #[test]
    fn the_actor_is_the_guards_tls_user_or_unknown_and_the_schema_says_so() {
        let v = validator();
        let alice = Identity { user: "alice".into() };
        let known = container_record(Some(&alice));
        assert_eq!(known["actor"], json!({"identity": {"source": "tls", "user": "alice", "via": "dockward guard"}}));
        assert!(v.is_valid(&known), "{:?}", v.iter_errors(&known).map(|e| e.to_string()).collect::<Vec<_>>());
        assert_eq!(ecs(&known)["user"]["name"], "alice");
        let unknown = container_record(None);
        assert_eq!(unknown["actor"], json!({"identity": {"source": "unknown"}}));
        assert!(v.is_valid(&unknown));
        assert!(ecs(&unknown).get("user").is_none(), "no user.name when none is known");
        // The schema refuses an invented or half identity.
        let mut invented = unknown.clone();
        invented["actor"]["identity"]["user"] = "root".into();
        assert!(!v.is_valid(&invented));
        let mut half = known.clone();
        half["actor"]["identity"].as_object_mut().unwrap().remove("user");
        assert!(!v.is_valid(&half));
    }

    #[test]
    fn exec_commands_are_masked() {
        assert_eq!(mask_command("exec_start: sh -c echo hi"), "exec_start: sh -c echo hi");
        assert_eq!(
            mask_command("exec_start: mysql --password hunter2 -u root"),
            "exec_start: mysql --password **** -u root"
        );
        assert_eq!(mask_command("exec_create: env API_TOKEN=abc ls"), "exec_create: env API_TOKEN=**** ls");
        assert_eq!(
            mask_command("exec_start: curl https://u:s3cret@example.com/x"),
            "exec_start: curl https://u:****@example.com/x"
        );
    }
}
