//! The Compose model as a tree of values that remember where they came from.
//!
//! Each file's YAML tree is converted into [`Value`]s once, with interpolation
//! applied to scalars and alias copies resolved to their use site; merging (overrides,
//! `extends`, `include`) then moves whole values around, so every value keeps the
//! exact location of its text in whichever file it was written.

use std::sync::Arc;

use dockward_diagnostics::Location;
use dockward_source::{SourceFile, TextRange};
use dockward_spec::Via;
use dockward_yaml::{Node, NodeKind, ScalarStyle};

use crate::env::Env;
use crate::interpolate::{self, ErrorKind};

/// A Compose value.
#[derive(Debug, Clone)]
pub struct Value {
    pub kind: Kind,
    /// Where the value is used: the exact scalar (quotes included) or collection, or
    /// the alias (`*name`) / merge entry (`<<: *name`) it came through.
    pub at: Location,
    /// What it went through: the anchor definition, the variables it read.
    pub via: Vec<Via>,
    /// A local tag: `reset` or `override`.
    pub tag: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Map(Vec<Entry>),
    Seq(Vec<Value>),
    Scalar(Scalar),
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub key_at: Location,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub struct Scalar {
    /// The text after decoding and interpolation.
    pub text: String,
    /// Unquoted, untagged and not interpolated: typed like YAML 1.2 (bool, int,
    /// float, null). A plain scalar with a `${...}` is a string to YAML, and Compose
    /// keeps its interpolated text one (see [`CAST_PATHS`] for the exceptions).
    pub plain: bool,
}

/// A problem found while converting (interpolation).
#[derive(Debug, Clone)]
pub struct ConvertProblem {
    pub kind: ErrorKind,
    pub at: Location,
    pub message: String,
}

impl Value {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key == key)
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a scalar that is not null.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s) if !self.is_null() => Some(&s.text),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar(s) if s.plain && matches!(s.text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A YAML 1.2 boolean, or the strings `true`/`false` Compose also accepts
    /// after interpolation.
    pub fn as_bool(&self) -> Option<bool> {
        match self.as_str()? {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }

    pub fn is_tagged(&self, tag: &str) -> bool {
        self.tag.as_deref() == Some(tag)
    }

    /// The file this value is written in.
    pub fn file(&self) -> Option<&Arc<SourceFile>> {
        self.at.file()
    }

    /// The value as JSON, typed the way Compose types YAML (for the schema).
    /// Entries tagged `!reset` are left out. A string at one of the paths Compose
    /// casts after interpolation ([`CAST_PATHS`]) is typed as Compose casts it.
    pub fn to_json(&self) -> serde_json::Value {
        self.json_at(&mut Vec::new())
    }

    fn json_at<'k>(&'k self, path: &mut Vec<&'k str>) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.kind {
            Kind::Map(m) => J::Object(
                m.iter()
                    .filter(|e| !e.value.is_tagged("reset"))
                    .map(|e| {
                        path.push(&e.key);
                        let v = e.value.json_at(path);
                        path.pop();
                        (e.key.clone(), v)
                    })
                    .collect(),
            ),
            Kind::Seq(s) => J::Array(
                s.iter()
                    .filter(|v| !v.is_tagged("reset"))
                    .map(|v| {
                        path.push("[]");
                        let j = v.json_at(path);
                        path.pop();
                        j
                    })
                    .collect(),
            ),
            Kind::Scalar(s) if s.plain => typed_scalar(&s.text),
            Kind::Scalar(s) if self.tag.is_none() && is_cast_path(path) => typed_scalar(&s.text),
            Kind::Scalar(s) => J::String(s.text.clone()),
        }
    }

    pub fn scalar(text: impl Into<String>, at: Location) -> Value {
        Value { kind: Kind::Scalar(Scalar { text: text.into(), plain: false }), at, via: Vec::new(), tag: None }
    }
}

/// The fields compose-go converts from string after interpolation (its loader's
/// `interpolateTypeCastMapping`): `*` is any key, `[]` any list item. Everywhere
/// else an interpolated value stays a string. The schema accepts a string for most
/// of these too; it matters for the few it does not (`depends_on.*.required`,
/// network `priority`, `use_api_socket`).
pub const CAST_PATHS: &[&str] = &[
    "services.*.configs.[].mode",
    "services.*.cpu_count",
    "services.*.cpu_percent",
    "services.*.cpu_period",
    "services.*.cpu_quota",
    "services.*.cpu_rt_period",
    "services.*.cpu_rt_runtime",
    "services.*.cpus",
    "services.*.cpu_shares",
    "services.*.init",
    "services.*.depends_on.*.required",
    "services.*.depends_on.*.restart",
    "services.*.deploy.replicas",
    "services.*.deploy.update_config.parallelism",
    "services.*.deploy.update_config.max_failure_ratio",
    "services.*.deploy.rollback_config.parallelism",
    "services.*.deploy.rollback_config.max_failure_ratio",
    "services.*.deploy.restart_policy.max_attempts",
    "services.*.deploy.placement.max_replicas_per_node",
    "services.*.develop.watch.[].initial_sync",
    "services.*.healthcheck.retries",
    "services.*.healthcheck.disable",
    "services.*.networks.*.priority",
    "services.*.networks.*.gw_priority",
    "services.*.oom_kill_disable",
    "services.*.oom_score_adj",
    "services.*.pids_limit",
    "services.*.ports.[].target",
    "services.*.privileged",
    "services.*.read_only",
    "services.*.scale",
    "services.*.secrets.[].mode",
    "services.*.stdin_open",
    "services.*.tty",
    "services.*.ulimits.*",
    "services.*.ulimits.*.hard",
    "services.*.ulimits.*.soft",
    "services.*.use_api_socket",
    "services.*.volumes.[].read_only",
    "services.*.volumes.[].volume.nocopy",
    "networks.*.external",
    "networks.*.internal",
    "networks.*.attachable",
    "networks.*.enable_ipv4",
    "networks.*.enable_ipv6",
    "volumes.*.external",
    "secrets.*.external",
    "configs.*.external",
];

fn is_cast_path(path: &[&str]) -> bool {
    CAST_PATHS.iter().any(|pattern| {
        let mut parts = pattern.split('.');
        let mut keys = path.iter();
        loop {
            match (parts.next(), keys.next()) {
                (None, None) => return true,
                (Some(p), Some(k)) if p == *k || (p == "*" && *k != "[]") || (p == "[]" && *k == "[]") => {}
                _ => return false,
            }
        }
    })
}

fn typed_scalar(text: &str) -> serde_json::Value {
    use serde_json::Value as J;
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return J::Null,
        "true" | "True" | "TRUE" => return J::Bool(true),
        "false" | "False" | "FALSE" => return J::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse::<i64>() {
            return J::from(n);
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(n) = i64::from_str_radix(hex, 16) {
            return J::from(n);
        }
    }
    if text.bytes().any(|b| b.is_ascii_digit())
        && text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
    {
        if let Ok(f) = text.parse::<f64>() {
            if let Some(n) = serde_json::Number::from_f64(f) {
                return J::Number(n);
            }
        }
    }
    J::String(text.to_string())
}

/// Converts a YAML node of `file` into a [`Value`], interpolating scalars with `env`.
pub struct Converter<'a> {
    pub file: &'a Arc<SourceFile>,
    pub env: &'a Env,
    pub problems: Vec<ConvertProblem>,
    /// No interpolation (for `x-` extension blocks, which Compose never reads).
    pub interpolate: bool,
}

/// The alias a copied subtree came through.
#[derive(Clone, Copy)]
struct AliasUse {
    site: TextRange,
}

impl<'a> Converter<'a> {
    pub fn new(file: &'a Arc<SourceFile>, env: &'a Env) -> Self {
        Self { file, env, problems: Vec::new(), interpolate: true }
    }

    pub fn convert(&mut self, node: &Node) -> Value {
        self.node(node, None, 0)
    }

    fn loc(&self, range: TextRange) -> Location {
        Location::source(self.file, range)
    }

    fn node(&mut self, node: &Node, alias: Option<AliasUse>, depth: usize) -> Value {
        let mut via = Vec::new();
        let alias = match node.origin.as_deref() {
            Some(o) => {
                via.push(Via {
                    note: format!("defined at anchor `{}`", &self.file.text()[o.anchor]),
                    location: self.loc(o.anchor),
                });
                Some(AliasUse { site: o.alias })
            }
            None => alias,
        };
        let at = match alias {
            Some(a) => {
                if node.origin.is_none() {
                    via.push(Via {
                        note: "the value in the anchored definition".into(),
                        location: self.loc(node.range),
                    });
                }
                self.loc(a.site)
            }
            None => self.loc(node.range),
        };
        let tag = node.tag.as_ref().filter(|t| t.handle == "!").map(|t| t.suffix.clone());
        let kind = match &node.kind {
            NodeKind::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for e in entries {
                    let key = match e.key.as_str() {
                        Some(k) => k.to_string(),
                        // Compose turns every key into a string; a collection key is
                        // nonsense the schema will reject by name.
                        None => self.file.text()[e.key.range].to_string(),
                    };
                    let (key_at, entry_alias) = match (e.merged_from, alias) {
                        (_, Some(a)) => (self.loc(a.site), Some(a)),
                        (Some(m), None) => (self.loc(m), Some(AliasUse { site: m })),
                        (None, None) => (self.loc(e.key.range), None),
                    };
                    let saved = self.interpolate;
                    if depth == 0 && key.starts_with("x-") {
                        self.interpolate = false;
                    }
                    let mut value = self.node(&e.value, entry_alias, depth + 1);
                    self.interpolate = saved;
                    if e.merged_from.is_some() && alias.is_none() {
                        value.via.push(Via { note: "merged through `<<`".into(), location: self.loc(e.key.range) });
                    }
                    out.push(Entry { key, key_at, value });
                }
                Kind::Map(out)
            }
            NodeKind::Seq(items) => Kind::Seq(items.iter().map(|n| self.node(n, alias, depth + 1)).collect()),
            NodeKind::Scalar(s) => {
                let interpolated = self.interpolate && s.value.contains('$');
                // `${X:-}` or `${UID:-1000}` is a string to YAML before interpolation,
                // and Compose keeps the result one: not null, not a number.
                let plain = s.style == ScalarStyle::Plain && node.tag.is_none() && !interpolated;
                let text = if interpolated {
                    self.interpolate_scalar(node, &s.value, s.raw, &mut via)
                } else {
                    s.value.clone()
                };
                Kind::Scalar(crate::value::Scalar { text, plain })
            }
        };
        Value { kind, at, via, tag }
    }

    fn interpolate_scalar(&mut self, node: &Node, text: &str, raw: TextRange, via: &mut Vec<Via>) -> String {
        let lookup = |name: &str| self.env.get(name).map(|v| v.value.clone());
        match interpolate::interpolate(text, &lookup) {
            Ok(r) => {
                for u in r.used {
                    let Some(var) = self.env.get(&u.name) else {
                        continue;
                    };
                    via.push(Via {
                        note: format!("`{}` from {}", u.expression, var.source),
                        location: var
                            .defined_at
                            .clone()
                            .unwrap_or_else(|| Location::Logical { scope: "environment".into(), path: u.name.clone() }),
                    });
                }
                r.text
            }
            Err(e) => {
                // Exact offsets only when the source text is the decoded text.
                let range = if &self.file.text()[raw] == text {
                    let start = u32::from(raw.start()) + e.offset as u32;
                    TextRange::new(start.into(), (start + e.len as u32).into())
                } else {
                    node.range
                };
                self.problems.push(ConvertProblem { kind: e.kind, at: self.loc(range), message: e.message });
                text.to_string()
            }
        }
    }
}
