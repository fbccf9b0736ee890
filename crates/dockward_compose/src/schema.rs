//! Validation against the Compose specification's JSON schema, with each error
//! mapped back to the YAML node it is about.

use std::sync::OnceLock;

use dockward_diagnostics::Location;
use jsonschema::error::ValidationErrorKind;

use crate::value::Value;

/// The Compose specification schema (compose-go `schema/compose-spec.json`, Apache-2.0;
/// see `schema/NOTICE.md`).
const SCHEMA: &str = include_str!("../schema/compose-spec.json");

fn validator() -> Option<&'static jsonschema::Validator> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let schema: serde_json::Value = serde_json::from_str(SCHEMA).ok()?;
            jsonschema::draft202012::options().should_validate_formats(false).build(&schema).ok()
        })
        .as_ref()
}

/// A schema violation.
#[derive(Debug, Clone)]
pub struct SchemaError {
    pub at: Location,
    pub message: String,
}

/// Validates one file's (interpolated) model.
pub fn validate(root: &Value) -> Vec<SchemaError> {
    let Some(validator) = validator() else {
        return Vec::new();
    };
    let mut json = root.to_json();
    // Like compose-go, an empty resource (`nil:` under `services`) is an empty mapping.
    for section in ["services", "networks", "volumes", "secrets", "configs"] {
        if let Some(serde_json::Value::Object(entries)) = json.get_mut(section) {
            for v in entries.values_mut().filter(|v| v.is_null()) {
                *v = serde_json::Value::Object(Default::default());
            }
        }
    }
    let mut out: Vec<SchemaError> = Vec::new();
    for err in validator.iter_errors(&json) {
        let pointer = err.instance_path().to_string();
        let segments: Vec<String> =
            pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect();
        let path = display_path(&segments);
        let (at, message) = match err.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let node = find(root, &segments);
                let key = unexpected.first().cloned().unwrap_or_default();
                let at = node
                    .and_then(|n| n.entry(&key))
                    .map(|e| e.key_at.clone())
                    .or_else(|| node.map(|n| n.at.clone()))
                    .unwrap_or_else(|| root.at.clone());
                let place = if path.is_empty() { "the top level".to_string() } else { format!("`{path}`") };
                (at, format!("unknown key `{key}` in {place}"))
            }
            _ => {
                let at = find(root, &segments).map(|n| n.at.clone()).unwrap_or_else(|| root.at.clone());
                let place = if path.is_empty() { "the file".to_string() } else { format!("`{path}`") };
                (at, format!("{place}: {}", short_message(&err.to_string())))
            }
        };
        out.push(SchemaError { at, message });
    }
    out.sort_by_key(|e| e.at.range().map(|r| r.start()));
    out.dedup_by(|a, b| a.at.range() == b.at.range() && a.message == b.message);
    out
}

fn display_path(segments: &[String]) -> String {
    segments.join(".")
}

/// jsonschema's messages print whole sub-documents; keep them short.
fn short_message(m: &str) -> String {
    let m = m.replace('\n', " ");
    if m.chars().count() > 200 {
        let cut: String = m.chars().take(200).collect();
        format!("{cut}…")
    } else {
        m
    }
}

/// The value at a JSON pointer's segments.
fn find<'v>(root: &'v Value, segments: &[String]) -> Option<&'v Value> {
    let mut node = root;
    for s in segments {
        node = match node.as_seq() {
            Some(items) => items.iter().filter(|v| !v.is_tagged("reset")).nth(s.parse().ok()?)?,
            None => node.get(s)?,
        };
    }
    Some(node)
}
