//! Kubernetes label selectors (`metav1.LabelSelector`), read from the spanned tree.
//!
//! `matchLabels` and every `matchExpressions` requirement are ANDed; a selector with
//! neither (`{}`) selects everything. Whether a *missing* selector selects everything
//! or nothing depends on the field, so callers decide that before calling [`parse`]
//! (a NetworkPolicy's `spec.podSelector` is a value, so missing is `{}`; a peer's
//! `podSelector` is a pointer, so missing means "not this kind of peer").
//!
//! A selector the API server would reject (an unknown operator, `In` without values,
//! `Exists` with values, a non-mapping) is an error with its range, never a selector
//! that matches everything: the object that holds it is never created.

use std::collections::BTreeMap;

use dockward_source::TextRange;
use dockward_yaml::Node;

/// One `matchExpressions` requirement, or one `matchLabels` pair (as `In [value]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    In { key: String, values: Vec<String> },
    NotIn { key: String, values: Vec<String> },
    Exists { key: String },
    DoesNotExist { key: String },
}

impl Requirement {
    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        match self {
            Requirement::In { key, values } => labels.get(key).is_some_and(|v| values.contains(v)),
            // NotIn matches objects without the label too (apimachinery `labels.NotIn`).
            Requirement::NotIn { key, values } => labels.get(key).is_none_or(|v| !values.contains(v)),
            Requirement::Exists { key } => labels.contains_key(key),
            Requirement::DoesNotExist { key } => !labels.contains_key(key),
        }
    }
}

/// A valid label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// Every requirement; all must hold. Empty: the selector selects everything.
    pub requirements: Vec<Requirement>,
    /// The selector's node (`podSelector: ...` value), or the range given for a
    /// missing selector.
    pub range: TextRange,
}

/// Why a selector is invalid, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorError {
    pub range: TextRange,
    pub message: String,
}

impl Selector {
    /// The selector that selects everything, for a missing value-typed field.
    pub fn everything(range: TextRange) -> Self {
        Self { requirements: Vec::new(), range }
    }

    /// Whether this selector selects every object, present and future (`{}`).
    pub fn selects_everything(&self) -> bool {
        self.requirements.is_empty()
    }

    /// Whether an object with these labels is selected.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }

    /// The selector as `kubectl` prints one (`app=web,tier in (a,b),!debug`), or
    /// `{}` (everything).
    pub fn describe(&self) -> String {
        if self.requirements.is_empty() {
            return "{} (everything)".to_owned();
        }
        let parts: Vec<String> = self
            .requirements
            .iter()
            .map(|r| match r {
                Requirement::In { key, values } if values.len() == 1 => format!("{key}={}", values[0]),
                Requirement::In { key, values } => format!("{key} in ({})", values.join(",")),
                Requirement::NotIn { key, values } => format!("{key} notin ({})", values.join(",")),
                Requirement::Exists { key } => key.clone(),
                Requirement::DoesNotExist { key } => format!("!{key}"),
            })
            .collect();
        parts.join(",")
    }
}

/// A label name or value segment: at most 63 characters, alphanumerics at both ends,
/// `-`, `_` and `.` between (apimachinery `IsQualifiedName` / `IsValidLabelValue`).
fn is_label_segment(s: &str) -> bool {
    let bytes = s.as_bytes();
    !s.is_empty()
        && s.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A label key: `name` or `prefix/name`, the prefix a DNS subdomain.
pub fn is_label_key(key: &str) -> bool {
    let (prefix, name) = key.rsplit_once('/').map_or((None, key), |(p, n)| (Some(p), n));
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|part| {
                let b = part.as_bytes();
                !b.is_empty()
                    && part.len() <= 63
                    && b[0].is_ascii_alphanumeric()
                    && b[b.len() - 1].is_ascii_alphanumeric()
                    && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
            })
    });
    prefix_ok && is_label_segment(name)
}

/// A label value: empty, or a segment as for names.
pub fn is_label_value(value: &str) -> bool {
    value.is_empty() || is_label_segment(value)
}

fn check_key(node: &Node, key: &str) -> Result<(), SelectorError> {
    if is_label_key(key) {
        Ok(())
    } else {
        Err(error(node.range, format!("`{key}` is not a valid label key; the API server rejects it")))
    }
}

fn check_value(node: &Node, value: &str) -> Result<(), SelectorError> {
    if is_label_value(value) {
        Ok(())
    } else {
        Err(error(node.range, format!("`{value}` is not a valid label value; the API server rejects it")))
    }
}

fn error(range: TextRange, message: impl Into<String>) -> SelectorError {
    SelectorError { range, message: message.into() }
}

/// A scalar's text, or an error at the node.
fn text<'a>(node: &'a Node, what: &str) -> Result<&'a str, SelectorError> {
    node.as_str().ok_or_else(|| error(node.range, format!("{what} must be a string")))
}

/// Reads a label selector node. A null node (`podSelector:` or `~`) is `{}`, as the
/// API decodes it into the value-typed field; callers handling pointer fields check
/// for null themselves.
pub fn parse(node: &Node) -> Result<Selector, SelectorError> {
    let mut selector = Selector::everything(node.range);
    if node.is_null() {
        return Ok(selector);
    }
    let Some(entries) = node.as_map() else {
        return Err(error(node.range, "a label selector must be a mapping"));
    };
    for entry in entries {
        match entry.key.as_str() {
            Some("matchLabels") if entry.value.is_null() => {}
            Some("matchLabels") => {
                let pairs =
                    entry.value.as_map().ok_or_else(|| error(entry.value.range, "matchLabels must be a mapping"))?;
                for pair in pairs {
                    let key = text(&pair.key, "a matchLabels key")?.to_owned();
                    check_key(&pair.key, &key)?;
                    // A null value decodes to the empty string in a `map[string]string`.
                    let value = if pair.value.is_null() {
                        String::new()
                    } else {
                        text(&pair.value, "a matchLabels value")?.to_owned()
                    };
                    check_value(&pair.value, &value)?;
                    selector.requirements.push(Requirement::In { key, values: vec![value] });
                }
            }
            Some("matchExpressions") if entry.value.is_null() => {}
            Some("matchExpressions") => {
                let items =
                    entry.value.as_seq().ok_or_else(|| error(entry.value.range, "matchExpressions must be a list"))?;
                for item in items {
                    selector.requirements.push(expression(item)?);
                }
            }
            // Unknown fields are dropped by the API server (or rejected under strict
            // field validation); they do not change what is selected.
            _ => {}
        }
    }
    Ok(selector)
}

fn expression(item: &Node) -> Result<Requirement, SelectorError> {
    if item.as_map().is_none() {
        return Err(error(item.range, "a matchExpressions item must be a mapping"));
    }
    let key = item.get("key").ok_or_else(|| error(item.range, "a matchExpressions item needs a key"))?;
    let key_node = key;
    let key = text(key, "key")?.to_owned();
    check_key(key_node, &key)?;
    let operator =
        item.get("operator").ok_or_else(|| error(item.range, "a matchExpressions item needs an operator"))?;
    let op = text(operator, "operator")?;
    let values_node = item.get("values").filter(|v| !v.is_null());
    let values: Vec<String> = match values_node {
        None => Vec::new(),
        Some(node) => {
            let seq = node.as_seq().ok_or_else(|| error(node.range, "values must be a list"))?;
            let mut values = Vec::with_capacity(seq.len());
            for v in seq {
                let value = text(v, "a value")?;
                check_value(v, value)?;
                values.push(value.to_owned());
            }
            values
        }
    };
    let values_range = values_node.map_or(item.range, |v| v.range);
    // The checks of apimachinery's `ValidateLabelSelectorRequirement`.
    match op {
        "In" | "NotIn" if values.is_empty() => {
            Err(error(values_range, format!("operator {op} needs at least one value; the API server rejects it")))
        }
        "Exists" | "DoesNotExist" if !values.is_empty() => {
            Err(error(values_range, format!("operator {op} takes no values; the API server rejects it")))
        }
        "In" => Ok(Requirement::In { key, values }),
        "NotIn" => Ok(Requirement::NotIn { key, values }),
        "Exists" => Ok(Requirement::Exists { key }),
        "DoesNotExist" => Ok(Requirement::DoesNotExist { key }),
        other => Err(error(
            operator.range,
            format!("unknown operator `{other}` (In, NotIn, Exists or DoesNotExist); the API server rejects it"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockward_yaml::{parse as parse_yaml, Budget};

    fn selector(text: &str) -> Result<Selector, SelectorError> {
        let doc = parse_yaml(text, &Budget::default()).unwrap();
        parse(doc.root.as_ref().unwrap())
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn empty_and_null_selectors_select_everything() {
        for text in ["{}", "~", "matchLabels: {}", "matchExpressions: []", "matchLabels:\nmatchExpressions:"] {
            let s = selector(text).unwrap();
            assert!(s.selects_everything(), "{text}");
            assert!(s.matches(&labels(&[])));
        }
    }

    #[test]
    fn match_labels_and_expressions_are_anded() {
        let s = selector(
            "matchLabels: {app: web}\nmatchExpressions:\n- {key: tier, operator: In, values: [front, edge]}\n- {key: debug, operator: DoesNotExist}\n",
        )
        .unwrap();
        assert!(s.matches(&labels(&[("app", "web"), ("tier", "edge")])));
        assert!(!s.matches(&labels(&[("app", "web")])));
        assert!(!s.matches(&labels(&[("app", "web"), ("tier", "edge"), ("debug", "1")])));
        assert!(!s.matches(&labels(&[("app", "api"), ("tier", "edge")])));
        assert_eq!(s.describe(), "app=web,tier in (front,edge),!debug");
        let s = selector("matchLabels: {app: ~, tier:}").unwrap();
        assert!(s.matches(&labels(&[("app", ""), ("tier", "")])));
        assert!(!s.matches(&labels(&[("app", "web"), ("tier", "")])));
    }

    #[test]
    fn not_in_matches_objects_without_the_label_and_exists_needs_it() {
        let s = selector("matchExpressions: [{key: env, operator: NotIn, values: [prod]}]").unwrap();
        assert!(s.matches(&labels(&[])));
        assert!(s.matches(&labels(&[("env", "dev")])));
        assert!(!s.matches(&labels(&[("env", "prod")])));
        let s = selector("matchExpressions: [{key: env, operator: Exists}]").unwrap();
        assert!(!s.matches(&labels(&[])));
        assert!(s.matches(&labels(&[("env", "")])));
    }

    #[test]
    fn invalid_selectors_are_errors_at_the_fault_never_match_all() {
        let text = "matchExpressions: [{key: env, operator: Equals, values: [a]}]";
        let e = selector(text).unwrap_err();
        assert_eq!(&text[e.range], "Equals");
        assert!(e.message.contains("unknown operator"));
        let text = "matchExpressions: [{key: env, operator: In, values: []}]";
        let e = selector(text).unwrap_err();
        assert_eq!(&text[e.range], "[]");
        assert!(selector("matchExpressions: [{key: env, operator: In}]").is_err());
        assert!(selector("matchExpressions: [{key: env, operator: Exists, values: [a]}]").is_err());
        assert!(selector("matchExpressions: [{operator: Exists}]").is_err());
        assert!(selector("matchLabels: [app]").is_err());
        assert!(selector("[app]").is_err());
        assert!(selector("matchLabels: {app: {x: 1}}").is_err());
        let text = "matchLabels: {app name: web}";
        assert_eq!(&text[selector(text).unwrap_err().range], "app name");
        assert!(selector("matchLabels: {app: -web}").is_err());
        assert!(selector("matchExpressions: [{key: 'Example.com/app', operator: Exists}]").is_err());
        assert!(selector("matchExpressions: [{key: app, operator: In, values: ['a b']}]").is_err());
    }

    #[test]
    fn label_keys_and_values_follow_the_api_syntax() {
        for key in ["app", "app.kubernetes.io/name", "a_b-c.d", "x/y"] {
            assert!(is_label_key(key), "{key}");
        }
        for key in ["", "/app", "app/", "-app", "Ex.com/app", &"a".repeat(64)] {
            assert!(!is_label_key(key), "{key}");
        }
        assert!(is_label_value(""));
        assert!(is_label_value("v1.2_x"));
        assert!(!is_label_value("v1 "));
    }
}
