//! Decision records: one JSON object per decision, handed to `dockward_sinks`.

use std::time::{SystemTime, UNIX_EPOCH};

use dockward_linter::vulns::Date;
use dockward_sinks::{Record, RecordSeverity};
use serde_json::{json, Value};

use crate::decide::{Decision, Verdict};
use crate::outcome::Outcome;
use crate::policy::{Mode, Policy};

/// RFC 3339 UTC with milliseconds (`2026-12-04T22:20:02.123Z`).
pub fn rfc3339(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs() as i64;
    let of_day = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}.{:03}Z",
        Date::from_unix(secs),
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60,
        since.subsec_millis()
    )
}

/// The record's JSON: time, kind, decision, endpoint, method, path, user, container,
/// image, findings, reason, message, mode, policy version, and how long the decision took.
pub fn decision_json(decision: &Decision, policy: &Policy, time: SystemTime, micros: u64) -> Value {
    let mut v = json!({
        "time": rfc3339(time),
        "kind": "guard.decision",
        "decision": decision.verdict.label(),
        "mode": match policy.mode { Mode::Audit => "audit", Mode::Enforce => "enforce" },
        "policy": policy.version,
        "decision_us": micros,
    });
    let body = serde_json::to_value(decision).unwrap_or(Value::Null);
    if let (Some(out), Value::Object(fields)) = (v.as_object_mut(), body) {
        for (k, value) in fields {
            if k != "verdict" {
                out.insert(k, value);
            }
        }
    }
    v
}

/// The sink record of a decision.
pub fn decision_record(decision: &Decision, policy: &Policy, time: SystemTime, micros: u64) -> Record {
    let severity = match decision.verdict {
        Verdict::Allow if decision.findings.is_empty() => RecordSeverity::Info,
        Verdict::Allow => RecordSeverity::Notice,
        Verdict::WouldDeny => RecordSeverity::Warning,
        Verdict::Deny => RecordSeverity::Error,
    };
    let json = decision_json(decision, policy, time, micros).to_string();
    Record { json: json.into(), time, severity, kind: "guard.decision".into(), host: None }
}

/// The sink record of an outcome (kind `guard.outcome`): time, endpoint, method, path,
/// action, status, user if known, and the container or exec it is about.
pub fn outcome_record(outcome: &Outcome, time: SystemTime) -> Record {
    let mut v = json!({ "time": rfc3339(time), "kind": "guard.outcome" });
    if let (Some(out), Ok(Value::Object(fields))) = (v.as_object_mut(), serde_json::to_value(outcome)) {
        out.extend(fields);
    }
    Record {
        json: v.to_string().into(),
        time,
        severity: RecordSeverity::Info,
        kind: "guard.outcome".into(),
        host: None,
    }
}

/// A record of the guard's own (start, reload, self-test), kind `guard.<what>`.
pub fn event_record(what: &str, severity: RecordSeverity, fields: Value) -> Record {
    let time = SystemTime::now();
    let mut v = json!({ "time": rfc3339(time), "kind": format!("guard.{what}") });
    if let (Some(out), Value::Object(fields)) = (v.as_object_mut(), fields) {
        out.extend(fields);
    }
    Record { json: v.to_string().into(), time, severity, kind: format!("guard.{what}").into(), host: None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn times_are_rfc3339_utc() {
        let t = UNIX_EPOCH + Duration::from_millis(1_796_422_802_123);
        assert_eq!(rfc3339(t), "2026-12-04T22:20:02.123Z");
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
    }
}
