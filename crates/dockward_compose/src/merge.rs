//! Merging Compose models: override files onto the base, a service onto the one it
//! `extends`. compose-go's rules: mappings merge key by key, the later value wins for
//! scalars, sequences are appended, except:
//! - `command`, `entrypoint` and `healthcheck.test` are replaced;
//! - `environment`, `labels`, `annotations`, `sysctls`, `build.args`, `extra_hosts`
//!   merge by name whether written as a list (`K=V`) or a mapping;
//! - `volumes` merge by target, `secrets` and `configs` by source, `ports` and the
//!   plain string lists (`cap_add`, `dns`, ...) drop exact duplicates;
//! - `!reset` removes the base value, `!override` replaces it whole.

use crate::value::{Entry, Kind, Scalar, Value};

/// Merges `over` into `base`; `path` is where `base` sits (`["services", "*", "ports"]`).
pub fn merge(base: &mut Value, over: Value, path: &[&str]) {
    if over.is_tagged("override") || over.is_tagged("reset") {
        *base = over;
        return;
    }
    let key = path.last().copied().unwrap_or("");
    let in_service = path.len() >= 3 && path[0] == "services";
    let service_key = if in_service { path[2..].join(".") } else { String::new() };
    match (&mut base.kind, over.kind) {
        (Kind::Map(b), Kind::Map(o)) => {
            for e in o {
                if e.value.is_tagged("reset") {
                    b.retain(|x| x.key != e.key);
                    continue;
                }
                match b.iter_mut().find(|x| x.key == e.key) {
                    Some(x) => {
                        let mut p = path.to_vec();
                        p.push(if path.len() == 1 && path[0] == "services" { "*" } else { e.key.as_str() });
                        merge(&mut x.value, e.value, &p);
                    }
                    None => b.push(e),
                }
            }
        }
        (Kind::Seq(b), Kind::Seq(o)) if in_service => match service_key.as_str() {
            "command" | "entrypoint" | "healthcheck.test" => *b = o,
            "volumes" => merge_keyed(b, o, volume_target),
            "secrets" | "configs" => merge_keyed(b, o, source_name),
            "environment" | "labels" | "annotations" | "sysctls" | "build.args" | "extra_hosts" => {
                merge_keyed(b, o, |v| v.as_str().map(|s| s.split(['=', ':']).next().unwrap_or(s).to_string()))
            }
            _ => {
                for v in o {
                    let dup = v.as_str().is_some_and(|s| b.iter().any(|x| x.as_str() == Some(s)));
                    if !dup {
                        b.push(v);
                    }
                }
            }
        },
        (Kind::Seq(b), Kind::Seq(o)) => b.extend(o),
        (_, kind) => {
            let over = Value { kind, at: over.at, via: over.via, tag: over.tag };
            // Lists and mappings of `K=V` pairs merge by name.
            if matches!(key, "environment" | "labels" | "annotations" | "sysctls" | "args" | "extra_hosts") {
                if let (Some(mut b), Some(o)) = (to_pairs(base), to_pairs(&over)) {
                    for e in o {
                        match b.iter_mut().find(|x| x.key == e.key) {
                            Some(x) => *x = e,
                            None => b.push(e),
                        }
                    }
                    base.kind = Kind::Map(b);
                    return;
                }
            }
            *base = over;
        }
    }
}

/// A `K=V` list or a mapping as mapping entries.
fn to_pairs(v: &Value) -> Option<Vec<Entry>> {
    match &v.kind {
        Kind::Map(m) => Some(m.clone()),
        Kind::Seq(items) => items
            .iter()
            .map(|item| {
                let s = item.as_str()?;
                let (k, val) = match s.split_once(['=', ':']) {
                    Some((k, val)) => (k, Some(val)),
                    None => (s, None),
                };
                let scalar = match val {
                    Some(val) => Scalar { text: val.into(), plain: false },
                    None => Scalar { text: String::new(), plain: true },
                };
                let value = Value { kind: Kind::Scalar(scalar), ..item.clone() };
                Some(Entry { key: k.trim().to_string(), key_at: item.at.clone(), value })
            })
            .collect(),
        Kind::Scalar(_) => None,
    }
}

fn merge_keyed(base: &mut Vec<Value>, over: Vec<Value>, key: impl Fn(&Value) -> Option<String>) {
    for v in over {
        match key(&v).and_then(|k| base.iter().position(|x| key(x).as_deref() == Some(&k))) {
            Some(i) => base[i] = v,
            None => base.push(v),
        }
    }
}

/// A volume entry's container path: `src:/target[:mode]` or `target:` of the long form.
pub(crate) fn volume_target(v: &Value) -> Option<String> {
    if let Some(s) = v.as_str() {
        let parts: Vec<&str> = s.split(':').collect();
        return Some(match parts.len() {
            1 => parts[0].to_string(),
            _ => parts[1].to_string(),
        });
    }
    v.get("target").and_then(Value::as_str).map(str::to_string)
}

fn source_name(v: &Value) -> Option<String> {
    v.as_str().or_else(|| v.get("source").and_then(Value::as_str)).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Env;
    use crate::value::Converter;
    use dockward_source::SourceFile;

    fn value(text: &str) -> Value {
        let file = SourceFile::new("t.yaml", None, text);
        let doc = dockward_yaml::parse(text, &Default::default()).unwrap();
        let env = Env::default();
        Converter::new(&file, &env).convert(doc.root.as_ref().unwrap())
    }

    fn merged(a: &str, b: &str) -> serde_json::Value {
        let mut base = value(a);
        merge(&mut base, value(b), &[]);
        base.to_json()
    }

    #[test]
    fn override_rules() {
        let base = "services:\n  web:\n    image: a\n    command: [a, b]\n    ports: ['80:80']\n    environment: [A=1, B=2]\n    volumes: ['./x:/data', 'y:/logs']\n    cap_add: [NET_ADMIN]\n";
        let over = "services:\n  web:\n    image: b\n    command: [c]\n    ports: ['80:80', '443:443']\n    environment: {B: 3, C: 4}\n    volumes: ['./z:/data']\n    cap_add: [NET_ADMIN, SYS_TIME]\n";
        let j = merged(base, over);
        let web = &j["services"]["web"];
        assert_eq!(web["image"], "b");
        assert_eq!(web["command"], serde_json::json!(["c"]));
        assert_eq!(web["ports"], serde_json::json!(["80:80", "443:443"]));
        assert_eq!(web["environment"], serde_json::json!({"A": "1", "B": 3, "C": 4}));
        assert_eq!(web["volumes"], serde_json::json!(["./z:/data", "y:/logs"]));
        assert_eq!(web["cap_add"], serde_json::json!(["NET_ADMIN", "SYS_TIME"]));
    }

    #[test]
    fn reset_and_override_tags() {
        let base = "services:\n  web:\n    image: a\n    ports: ['80:80']\n    labels: {a: 1}\n";
        let over = "services:\n  web:\n    ports: !reset []\n    labels: !override {b: 2}\n";
        let j = merged(base, over);
        assert!(j["services"]["web"].get("ports").is_none());
        assert_eq!(j["services"]["web"]["labels"], serde_json::json!({"b": 2}));
    }
}
