//! The `[guard]` section of `dockward.toml`: what the guard denies, warns about and lets
//! through. The linter's config loader only passes the section through (so `dockward
//! check` accepts a file that has one); it is parsed here, with errors located at the
//! file's line and column.

use std::collections::{BTreeSet, HashSet};
use std::fmt;

use dockward_diagnostics::Severity;
use dockward_linter::settings::resolve_selector;
use dockward_linter::vulns::Date;
use dockward_linter::{Settings, SettingsBuilder};
use dockward_sinks::SinkConfig;
use dockward_source::{SourceFile, TextSize};
use globset::GlobMatcher;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

/// `audit` allows everything and logs what would be denied; `enforce` denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Audit,
    Enforce,
}

/// What to do with a class of requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Allow,
    Deny,
    /// Allowed for these TLS users only.
    Users(Vec<String>),
}

impl Access {
    pub fn allows(&self, user: Option<&str>) -> bool {
        match self {
            Access::Allow => true,
            Access::Deny => false,
            Access::Users(users) => user.is_some_and(|u| users.iter().any(|x| x == u)),
        }
    }
}

/// One `[[guard.exception]]`: findings of `rules` on containers of `images` created by
/// `users` are allowed.
#[derive(Debug, Clone)]
pub struct Exception {
    pub images: Vec<(String, GlobMatcher)>,
    /// Rule codes; empty: every rule.
    pub rules: HashSet<&'static str>,
    /// TLS users; empty: anyone.
    pub users: Vec<String>,
    pub reason: String,
    pub expires: Option<Date>,
}

impl Exception {
    pub fn covers(&self, code: &str, image: Option<&str>, user: Option<&str>, today: Date) -> bool {
        if self.expires.is_some_and(|e| today > e) {
            return false;
        }
        let image_ok = self.images.is_empty() || image.is_some_and(|i| self.images.iter().any(|(_, g)| g.is_match(i)));
        let rule_ok = self.rules.is_empty() || self.rules.contains(code);
        let user_ok = self.users.is_empty() || user.is_some_and(|u| self.users.iter().any(|x| x == u));
        image_ok && rule_ok && user_ok
    }
}

/// The parsed policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The first 12 hex digits of the SHA-256 of the config file's text ("default" without
    /// one): records say which policy decided.
    pub version: String,
    pub mode: Mode,
    /// Rules whose findings deny (codes), besides those at or above `deny_severity`.
    pub deny: HashSet<&'static str>,
    pub deny_severity: Option<Severity>,
    /// Rules whose findings are only logged, even at a denying severity.
    pub warn: HashSet<&'static str>,
    /// A body-needing request without a readable body: deny (default) or allow.
    pub body_required: Access,
    pub unknown_endpoint: Access,
    pub grpc: Access,
    pub swarm_join: Access,
    pub plugins: Access,
    /// Whose `dockward.ignore` container labels are honoured (default: nobody's).
    pub label_suppressions: Access,
    pub exceptions: Vec<Exception>,
    pub sinks: Vec<SinkConfig>,
    /// The linter settings: every rule the policy names plus the default selection, with
    /// the file's severity overrides.
    pub settings: Settings,
}

impl Default for Policy {
    fn default() -> Self {
        parse_policy("<default>", "").expect("the empty policy parses")
    }
}

/// A policy error with its place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.path, self.line, self.column, self.message)
        }
    }
}

impl std::error::Error for PolicyError {}

#[derive(Deserialize, Default)]
struct File {
    #[serde(default)]
    guard: GuardSection,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct GuardSection {
    mode: Option<Spanned<String>>,
    #[serde(default)]
    deny: Vec<Spanned<String>>,
    deny_severity: Option<Spanned<String>>,
    #[serde(default)]
    warn: Vec<Spanned<String>>,
    body_required: Option<Spanned<toml::Value>>,
    unknown_endpoint: Option<Spanned<toml::Value>>,
    grpc: Option<Spanned<toml::Value>>,
    swarm_join: Option<Spanned<toml::Value>>,
    plugins: Option<Spanned<toml::Value>>,
    label_suppressions: Option<Spanned<toml::Value>>,
    #[serde(default)]
    exception: Vec<ExceptionTable>,
    #[serde(default)]
    sink: Vec<SinkConfig>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ExceptionTable {
    #[serde(default)]
    images: Vec<Spanned<String>>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    users: Vec<String>,
    reason: Spanned<String>,
    expires: Option<Spanned<String>>,
}

/// Parses the `[guard]` section (and the severity overrides) of a `dockward.toml`'s text;
/// `name` is used in error positions.
pub fn parse_policy(name: &str, text: &str) -> Result<Policy, PolicyError> {
    let source = SourceFile::new(name, None, text);
    let err_at = |offset: usize, message: String| {
        let p = source.position(TextSize::from(offset as u32));
        PolicyError { path: name.to_string(), line: p.line, column: p.column, message }
    };
    // The linter's own reading of the file: its selectors and severities are checked there.
    let config = dockward_linter::config::parse_config(name, text).map_err(|e| PolicyError {
        path: e.path,
        line: e.line,
        column: e.column,
        message: e.message,
    })?;
    let file: File = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        err_at(offset, e.message().trim().to_string())
    })?;
    let g = file.guard;

    let codes = |selectors: &[Spanned<String>]| -> Result<HashSet<&'static str>, PolicyError> {
        let mut out = HashSet::new();
        for s in selectors {
            let found: Vec<_> = resolve_selector(s.get_ref()).into_iter().filter(|c| c.starts_with("CT")).collect();
            if found.is_empty() {
                return Err(err_at(
                    s.span().start,
                    format!("`{}` names no container rule (see `dockward rules`)", s.get_ref()),
                ));
            }
            out.extend(found);
        }
        Ok(out)
    };
    let mode = match g.mode.as_ref().map(|m| (m.get_ref().as_str(), m.span().start)) {
        None | Some(("enforce", _)) => Mode::Enforce,
        Some(("audit", _)) => Mode::Audit,
        Some((other, at)) => return Err(err_at(at, format!("unknown mode `{other}` (expected audit or enforce)"))),
    };
    let deny = codes(&g.deny)?;
    let warn = codes(&g.warn)?;
    let deny_severity = match &g.deny_severity {
        Some(s) => Some(Severity::parse(s.get_ref()).ok_or_else(|| {
            err_at(s.span().start, format!("unknown severity `{}` (expected error, warning or info)", s.get_ref()))
        })?),
        // With no `deny` list either, errors deny.
        None if deny.is_empty() => Some(Severity::Error),
        None => None,
    };
    let access = |value: &Option<Spanned<toml::Value>>, default: Access, users_allowed: bool| {
        let Some(value) = value else { return Ok(default) };
        let at = value.span().start;
        match value.get_ref() {
            toml::Value::String(s) if s == "allow" => Ok(Access::Allow),
            toml::Value::String(s) if s == "deny" => Ok(Access::Deny),
            toml::Value::Boolean(true) => Ok(Access::Allow),
            toml::Value::Boolean(false) => Ok(Access::Deny),
            toml::Value::Array(users) if users_allowed => users
                .iter()
                .map(|u| u.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .map(Access::Users)
                .ok_or_else(|| err_at(at, "expected a list of user names".into())),
            _ => Err(err_at(
                at,
                if users_allowed {
                    "expected \"allow\", \"deny\" or a list of TLS user names".into()
                } else {
                    "expected \"allow\" or \"deny\"".into()
                },
            )),
        }
    };
    let mut exceptions = Vec::new();
    for e in &g.exception {
        let mut images = Vec::new();
        for glob in &e.images {
            let matcher = dockward_linter::config::compile_glob(glob.get_ref())
                .map_err(|m| err_at(glob.span().start, format!("bad image glob: {m}")))?;
            images.push((glob.get_ref().clone(), matcher));
        }
        if e.reason.get_ref().trim().is_empty() {
            return Err(err_at(e.reason.span().start, "an exception needs a reason".into()));
        }
        let expires = match &e.expires {
            Some(d) => Some(
                Date::parse(d.get_ref())
                    .ok_or_else(|| err_at(d.span().start, format!("`{}` is not a date (YYYY-MM-DD)", d.get_ref())))?,
            ),
            None => None,
        };
        exceptions.push(Exception {
            images,
            rules: codes(&e.rules)?,
            users: e.users.clone(),
            reason: e.reason.get_ref().clone(),
            expires,
        });
    }

    // Every container rule the policy can act on is evaluated: the default selection
    // (what is not denied is logged as a warning), and whatever `deny`/`warn` name.
    let defaults = Settings::default();
    let mut selected: BTreeSet<&'static str> = dockward_linter::registry::all_rules()
        .filter(|r| r.code.starts_with("CT") && defaults.is_enabled(r))
        .map(|r| r.code)
        .collect();
    selected.extend(deny.iter().chain(&warn));
    let builder = SettingsBuilder {
        select: Some(selected.iter().map(|c| c.to_string()).collect()),
        severity: config.builder.severity.clone(),
        trusted_registries: config.builder.trusted_registries.clone(),
        audit: config.builder.audit.clone(),
        ..SettingsBuilder::default()
    };
    let version = if text.is_empty() {
        "default".to_string()
    } else {
        let digest = Sha256::digest(text.as_bytes());
        digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
    };
    Ok(Policy {
        version,
        mode,
        deny,
        deny_severity,
        warn,
        body_required: access(&g.body_required, Access::Deny, false)?,
        unknown_endpoint: access(&g.unknown_endpoint, Access::Allow, true)?,
        grpc: access(&g.grpc, Access::Deny, true)?,
        swarm_join: access(&g.swarm_join, Access::Deny, false)?,
        plugins: access(&g.plugins, Access::Deny, true)?,
        label_suppressions: access(&g.label_suppressions, Access::Deny, true)?,
        exceptions,
        sinks: g.sink,
        settings: builder.build(),
    })
}

/// Reads and parses the policy file at `path`.
pub fn load_policy(path: &std::path::Path) -> Result<Policy, PolicyError> {
    let display = path.display().to_string();
    let text = dockward_source::input::read_to_string(path).map_err(|e| PolicyError {
        path: display.clone(),
        line: 0,
        column: 0,
        message: format!("cannot read the config file: {e}"),
    })?;
    parse_policy(&display, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_denies_errors_and_fails_closed() {
        let p = Policy::default();
        assert_eq!(p.mode, Mode::Enforce);
        assert_eq!(p.deny_severity, Some(Severity::Error));
        assert_eq!(p.body_required, Access::Deny);
        assert_eq!(p.unknown_endpoint, Access::Allow);
        assert_eq!(p.grpc, Access::Deny);
        assert_eq!(p.label_suppressions, Access::Deny);
        assert_eq!(p.version, "default");
    }

    #[test]
    fn a_full_section_parses() {
        let text = r#"
[guard]
mode = "audit"
deny = ["CT001", "docker-socket-mounted"]
warn = ["CT004"]
unknown-endpoint = "deny"
grpc = ["builder"]
label-suppressions = ["ops"]
[[guard.exception]]
images = ["portainer/agent:*"]
rules = ["CT012"]
users = ["ops-portainer"]
reason = "Portainer agent needs the socket"
expires = "2099-01-01"
[[guard.sink]]
type = "file"
path = "/tmp/x.jsonl"
"#;
        let p = parse_policy("dockward.toml", text).unwrap();
        assert_eq!(p.mode, Mode::Audit);
        assert_eq!(p.deny, HashSet::from(["CT001", "CT012"]));
        assert_eq!(p.deny_severity, None);
        assert_eq!(p.grpc, Access::Users(vec!["builder".into()]));
        assert!(p.grpc.allows(Some("builder")) && !p.grpc.allows(None));
        let e = &p.exceptions[0];
        let today = Date::parse("2026-01-01").unwrap();
        assert!(e.covers("CT012", Some("portainer/agent:2.1"), Some("ops-portainer"), today));
        assert!(!e.covers("CT012", Some("portainer/agent:2.1"), None, today));
        assert!(!e.covers("CT001", Some("portainer/agent:2.1"), Some("ops-portainer"), today));
        assert!(!e.covers(
            "CT012",
            Some("portainer/agent:2.1"),
            Some("ops-portainer"),
            Date::parse("2100-01-01").unwrap()
        ));
        assert_eq!(p.sinks.len(), 1);
        assert_ne!(p.version, "default");
    }

    /// Every `[guard]` key of docs/dockward.schema.json parses here, and an unknown key is
    /// refused: the schema and the policy types cannot drift apart.
    #[test]
    fn the_schema_lists_the_policy_keys() {
        let schema = dockward_linter::config_schema::schema();
        let keys = schema["properties"]["guard"]["properties"].as_object().unwrap();
        let sample = |key: &str| match key {
            "mode" => "\"audit\"",
            "deny" | "warn" => "[\"CT001\"]",
            "deny-severity" => "\"warning\"",
            "exception" => "[{ reason = \"r\" }]",
            "sink" => "[{ type = \"stdout\" }]",
            _ => "\"deny\"",
        };
        for key in keys.keys() {
            let text = format!("[guard]\n{key} = {}\n", sample(key));
            parse_policy("g.toml", &text).unwrap_or_else(|e| panic!("{text}: {e}"));
        }
        assert_eq!(keys.len(), 12);
        assert!(parse_policy("g.toml", "[guard]\nnot-a-key = 1\n").is_err());
    }

    #[test]
    fn errors_are_located() {
        let cases = [
            ("[guard]\nmode = \"block\"\n", "2:8"),
            ("[guard]\ndeny = [\"CT001\", \"DF001\"]\n", "2:18"),
            ("[guard]\nfrobnicate = 1\n", "2:1"),
            ("[guard]\nswarm-join = [\"a\"]\n", "2:14"),
            ("[guard]\n[[guard.exception]]\nrules = [\"CT001\"]\nreason = \"x\"\nexpires = \"2026-13-01\"\n", "5:11"),
            ("[guard]\n[[guard.exception]]\nrules = [\"CT001\"]\n", "2:1"),
        ];
        for (text, at) in cases {
            let e = parse_policy("g.toml", text).unwrap_err();
            assert!(e.to_string().starts_with(&format!("g.toml:{at}:")), "{text}: {e}");
        }
    }
}
