//! Scalars the YAML readers of the Kubernetes tool chain disagree on.
//!
//! `kubectl` decodes manifests with a YAML 1.1 reader (go-yaml v2 through
//! sigs.k8s.io/yaml): `on`, `yes`, `y` are `true`, `off`, `no`, `n` are `false`, and
//! `0755` is octal 493. Kustomize's kyaml follows YAML 1.2 and keeps `yes` a string
//! and `0755` the decimal 755. The same file can therefore mean two things; checks
//! judge such a value with the more permissive of its readings.

use dockward_source::TextRange;
use dockward_yaml::{Node, NodeKind};

/// How a boolean field's value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoolReading {
    /// `true`/`false` (YAML 1.2 core schema): every reader agrees.
    Plain(bool),
    /// `yes`, `on`, `off`, ...: `kubectl` reads this boolean, YAML 1.2 tools a string
    /// (which the API server refuses or the tool drops).
    Ambiguous(bool),
    /// Anything else (a quoted string, a number, a collection).
    Other,
}

/// Reads a boolean field.
pub fn bool_reading(node: &Node) -> BoolReading {
    if let Some(b) = node.as_bool() {
        BoolReading::Plain(b)
    } else if let Some(b) = node.yaml11_bool() {
        BoolReading::Ambiguous(b)
    } else {
        BoolReading::Other
    }
}

/// The value of a boolean field that defaults to `default` when unset, for a check
/// that flags `risky`: an ambiguous spelling counts as whichever of its readings
/// (the YAML 1.1 boolean, or unset) is `risky` if either is.
pub fn permissive_bool(node: Option<&Node>, default: bool, risky: bool) -> bool {
    match node.map(bool_reading) {
        None | Some(BoolReading::Other) => default,
        Some(BoolReading::Plain(b)) => b,
        Some(BoolReading::Ambiguous(b)) => {
            if b == risky || default == risky {
                risky
            } else {
                b
            }
        }
    }
}

/// A scalar whose meaning depends on the YAML version of the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ambiguity {
    /// The scalar.
    pub range: TextRange,
    /// The key path to it (`spec.template.spec.hostNetwork`), `[n]` for items.
    pub path: String,
    pub kind: AmbiguityKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmbiguityKind {
    /// `yes`/`on`/...: the YAML 1.1 boolean.
    Bool(bool),
    /// `0755`: YAML 1.1's octal value, and what YAML 1.2 reads (decimal).
    Octal { yaml11: i64, yaml12: i64 },
}

/// Every ambiguous scalar value (not key) of a tree, in source order.
pub fn ambiguous_scalars(root: &Node) -> Vec<Ambiguity> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    walk(root, &mut path, &mut out);
    out.sort_by_key(|a| a.range.start());
    out
}

fn walk(node: &Node, path: &mut Vec<String>, out: &mut Vec<Ambiguity>) {
    // An alias copy is reported at its anchor, once.
    if node.origin.is_some() {
        return;
    }
    match &node.kind {
        NodeKind::Map(entries) => {
            for e in entries.iter().filter(|e| e.merged_from.is_none()) {
                path.push(e.key.as_str().unwrap_or("?").to_owned());
                walk(&e.value, path, out);
                path.pop();
            }
        }
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(format!("[{i}]"));
                walk(item, path, out);
                path.pop();
            }
        }
        NodeKind::Scalar(s) => {
            let kind = if let Some(b) = node.yaml11_bool() {
                Some(AmbiguityKind::Bool(b))
            } else if node.is_legacy_octal() {
                let decimal = s.value.replace('_', "").parse::<i64>().ok();
                node.as_i64().zip(decimal).map(|(yaml11, yaml12)| AmbiguityKind::Octal { yaml11, yaml12 })
            } else {
                None
            };
            if let Some(kind) = kind {
                let mut joined = String::new();
                for p in path.iter() {
                    if !joined.is_empty() && !p.starts_with('[') {
                        joined.push('.');
                    }
                    joined.push_str(p);
                }
                out.push(Ambiguity { range: node.range, path: joined, kind });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockward_yaml::Budget;

    fn root(text: &str) -> Node {
        dockward_yaml::parse(text, &Budget::default()).unwrap().root.unwrap()
    }

    #[test]
    fn ambiguous_values_are_found_with_their_paths() {
        let text = "a:\n  b: yes\n  c: \"on\"\n  d: [0755, 8, true]\n  on: 1\nmode: 0644\n";
        let found = ambiguous_scalars(&root(text));
        let paths: Vec<_> = found.iter().map(|a| (a.path.as_str(), a.kind)).collect();
        assert_eq!(
            paths,
            [
                ("a.b", AmbiguityKind::Bool(true)),
                ("a.d[0]", AmbiguityKind::Octal { yaml11: 0o755, yaml12: 755 }),
                ("mode", AmbiguityKind::Octal { yaml11: 0o644, yaml12: 644 }),
            ]
        );
    }

    #[test]
    fn the_permissive_reading_wins() {
        let r = root("t: true\ny: yes\nn: no\ns: \"no\"\n");
        // automountServiceAccountToken: default true, risky true.
        assert!(permissive_bool(r.get("n"), true, true));
        assert!(!permissive_bool(r.get("s").filter(|_| false), false, true));
        assert!(permissive_bool(r.get("y"), false, true));
        assert!(!permissive_bool(r.get("n"), false, true));
        assert!(permissive_bool(r.get("t"), false, true));
        assert!(permissive_bool(None, true, true));
        // readOnlyRootFilesystem: default false, risky false: `yes` may be unset.
        assert!(!permissive_bool(r.get("y"), false, false));
    }
}
