//! `dockward.toml`: the configuration file.
//!
//! Errors point at the config file's line and column: TOML syntax and type errors come
//! with spans from the `toml` crate, and every rule selector is kept as
//! `Spanned<String>` so an unknown one can be pointed at too.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use dockward_diagnostics::Severity;
use dockward_source::{SourceFile, TextSize};
use globset::{Glob, GlobBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::settings::{resolve_selector, PerFileIgnore, SettingsBuilder};

/// File names searched, in order, in each directory from the checked path upward.
pub const CONFIG_FILE_NAMES: &[&str] = &["dockward.toml", ".dockward.toml"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    pub select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub extend_select: Vec<Spanned<String>>,
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    /// Default for `--fail-on`.
    pub fail_on: Option<Spanned<String>>,
    /// Rule selector -> severity.
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Glob -> rule selectors.
    #[serde(default)]
    pub per_file_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    #[serde(default)]
    pub dockerfile: DockerfileSection,
    #[serde(default)]
    pub host: HostSection,
    #[serde(default)]
    pub audit: AuditSection,
    #[serde(default)]
    pub vulnerabilities: VulnerabilitiesSection,
    #[serde(default)]
    pub kubernetes: KubernetesSection,
    /// `[guard]`: the policy of `dockward guard`, parsed (with located errors) by the
    /// `dockward_guard` crate; passed through here so `check` accepts the section.
    pub guard: Option<toml::Table>,
    /// `[watch]`: read by `dockward watch` itself (crates/dockward_watch/src/config.rs,
    /// which also checks the sink tables); its keys are checked here so `check` takes
    /// the file and reports a misspelt one.
    #[serde(default)]
    pub watch: Option<WatchSection>,
}

/// `[watch]`, as far as the linter needs it (the sinks' own keys are the watcher's).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WatchSection {
    pub resync: Option<u64>,
    pub state: Option<String>,
    pub format: Option<String>,
    pub timeout: Option<u64>,
    pub guard_log: Option<String>,
    pub auditd_log: Option<String>,
    pub auditd_key: Option<String>,
    #[serde(default)]
    pub sink: Vec<toml::Table>,
}

/// `[kubernetes]`: how manifests are read.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KubernetesSection {
    /// `Kind = "spec.template.spec"`: where a custom controller (Argo Rollouts,
    /// Knative, OpenShift DeploymentConfig) keeps its pod spec.
    #[serde(default)]
    pub podspec_paths: BTreeMap<String, Spanned<String>>,
    /// The namespace of objects that name none (like `--k8s-namespace`).
    pub namespace: Option<String>,
}

/// `[vulnerabilities]`: the policy of `dockward scan` (the VU rules).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct VulnerabilitiesSection {
    /// Matches not to report: `{ id, package?, reason?, expires? }`.
    #[serde(default)]
    pub ignore: Vec<Spanned<IgnoreTable>>,
    /// Report only vulnerabilities that have a fix.
    pub ignore_unfixed: Option<bool>,
    /// Warn about (and, with VU004, report) a database older than this.
    pub max_db_age_days: Option<u32>,
}

/// One `[vulnerabilities] ignore` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct IgnoreTable {
    /// The advisory id or one of its aliases.
    pub id: Spanned<String>,
    pub package: Option<String>,
    pub reason: Option<String>,
    /// `"2027-01-31"` or a TOML date `2027-01-31`: the last day the entry applies.
    pub expires: Option<Spanned<DateValue>>,
}

/// A date written as a string or as a TOML local date.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum DateValue {
    Text(String),
    Date(toml::value::Datetime),
}

/// `[host]`: settings of the host checks (`--host-root`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HostSection {
    /// Users allowed in the `docker` group (root-equivalent); others are reported.
    #[serde(default)]
    pub docker_group_allow: Vec<String>,
}

/// `[audit]`: `dockward audit` options.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AuditSection {
    pub min_engine_version: Option<String>,
    pub max_image_age_days: Option<u32>,
    pub max_dangling_images: Option<usize>,
    pub max_stopped_containers: Option<usize>,
    pub max_node_cert_expiry_days: Option<u32>,
    pub max_ca_cert_age_days: Option<u32>,
    /// Container name globs not audited.
    #[serde(default)]
    pub ignore_containers: Vec<String>,
    /// Image reference globs whose containers are not audited.
    #[serde(default)]
    pub ignore_images: Vec<String>,
    /// `key` or `key=value` labels whose containers are not audited.
    #[serde(default)]
    pub ignore_labels: Vec<String>,
    /// Export and check the layers of every image in use (`--image-contents`).
    pub image_contents: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DockerfileSection {
    #[serde(default)]
    pub trusted_registries: Vec<Spanned<String>>,
    #[serde(default)]
    pub build_args: BTreeMap<String, String>,
    /// Repositories the full-base-image rule reports (replaces its built-in list).
    pub full_base_images: Option<Vec<String>>,
}

/// A configuration error with its position in the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.path, self.line, self.column, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

/// A loaded configuration: the settings layer it contributes, plus `fail-on`.
#[derive(Debug, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub builder: SettingsBuilder,
    pub fail_on: Option<FailOn>,
    /// What was left out of a file written for another tool (`.hadolint.yaml`):
    /// `file:line:column: message`, for the user to read, never an error.
    pub warnings: Vec<String>,
}

/// The `--fail-on` threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Severity(Severity),
    None,
}

impl FailOn {
    pub fn parse(s: &str) -> Option<Self> {
        if s.eq_ignore_ascii_case("none") {
            return Some(FailOn::None);
        }
        Severity::parse(s).map(FailOn::Severity)
    }
}

/// Finds the config file for `start` (a file or directory), searching upward: the
/// nearest `dockward.toml`, else (a repository moving from hadolint) the nearest
/// `.hadolint.yaml`.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    find_named(start, CONFIG_FILE_NAMES).or_else(|| find_named(start, crate::hadolint_config::HADOLINT_FILE_NAMES))
}

fn find_named(start: &Path, names: &[&str]) -> Option<PathBuf> {
    let start = if start.is_file() { start.parent()? } else { start };
    // `Dockerfile`'s parent is the empty path, which `absolute` refuses.
    let start = if start.as_os_str().is_empty() { Path::new(".") } else { start };
    let abs = std::path::absolute(start).ok()?;
    for dir in abs.ancestors() {
        for name in names {
            let candidate = dir.join(name);
            // Anything there but a directory: a FIFO or a device is then refused with
            // a clear error by `load_config`, never silently skipped.
            if std::fs::metadata(&candidate).is_ok_and(|m| !m.is_dir()) {
                return Some(candidate);
            }
        }
    }
    None
}

/// Reads and validates the config file at `path`.
pub fn load_config(path: &Path) -> Result<Config, ConfigError> {
    let display = path.display().to_string();
    let text = dockward_source::input::read_to_string(path).map_err(|e| ConfigError {
        path: display.clone(),
        line: 0,
        column: 0,
        message: format!("cannot read the config file: {e}"),
    })?;
    let mut config = if crate::hadolint_config::is_hadolint_config(path) {
        crate::hadolint_config::parse_hadolint_config(&display, &text)?
    } else {
        parse_config(&display, &text)?
    };
    config.path = Some(path.to_path_buf());
    config.builder.per_file_base =
        path.parent().and_then(|dir| std::path::absolute(dir).ok()).map(|dir| crate::settings::lexically_normal(&dir));
    Ok(config)
}

/// Parses config text; `name` is used in error positions.
pub fn parse_config(name: &str, text: &str) -> Result<Config, ConfigError> {
    let source = SourceFile::new(name, None, text);
    let err_at = |offset: usize, message: String| {
        let p = source.position(TextSize::from(offset as u32));
        ConfigError { path: name.to_string(), line: p.line, column: p.column, message }
    };
    let file: ConfigFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        err_at(offset, e.message().trim().to_string())
    })?;

    let check_selector = |s: &Spanned<String>| -> Result<String, ConfigError> {
        if resolve_selector(s.get_ref()).is_empty() {
            return Err(err_at(s.span().start, format!("`{}` names no rule (see `dockward rules`)", s.get_ref())));
        }
        Ok(s.get_ref().clone())
    };

    let mut builder = SettingsBuilder::default();
    if let Some(select) = &file.select {
        builder.select = Some(select.iter().map(check_selector).collect::<Result<_, _>>()?);
    }
    builder.extend_select = file.extend_select.iter().map(check_selector).collect::<Result<_, _>>()?;
    builder.ignore = file.ignore.iter().map(check_selector).collect::<Result<_, _>>()?;
    for (sel, sev) in &file.severity {
        let sel = check_selector(sel)?;
        let sev = Severity::parse(sev.get_ref()).ok_or_else(|| {
            err_at(sev.span().start, format!("unknown severity `{}` (expected error, warning or info)", sev.get_ref()))
        })?;
        builder.severity.push((sel, sev));
    }
    for (glob, selectors) in &file.per_file_ignores {
        let matcher = compile_glob(glob.get_ref()).map_err(|e| err_at(glob.span().start, e))?;
        let mut codes = Vec::new();
        for s in selectors {
            codes.extend(resolve_selector(&check_selector(s)?));
        }
        builder.per_file_ignores.push(PerFileIgnore { pattern: glob.get_ref().clone(), matcher, codes });
    }
    builder.trusted_registries = file.dockerfile.trusted_registries.iter().map(|s| s.get_ref().clone()).collect();
    builder.build_args = file.dockerfile.build_args.clone();
    builder.full_base_images = file.dockerfile.full_base_images.clone();
    builder.docker_group_allow = file.host.docker_group_allow.clone();
    let a = &file.audit;
    let audit = &mut builder.audit;
    if let Some(v) = &a.min_engine_version {
        audit.min_engine_version = v.clone();
    }
    if let Some(v) = a.max_image_age_days {
        audit.max_image_age_days = v;
    }
    if let Some(v) = a.max_dangling_images {
        audit.max_dangling_images = v;
    }
    if let Some(v) = a.max_stopped_containers {
        audit.max_stopped_containers = v;
    }
    if let Some(v) = a.max_node_cert_expiry_days {
        audit.max_node_cert_expiry_days = v;
    }
    if let Some(v) = a.max_ca_cert_age_days {
        audit.max_ca_cert_age_days = v;
    }
    audit.ignore_containers = a.ignore_containers.clone();
    audit.ignore_images = a.ignore_images.clone();
    audit.ignore_labels = a.ignore_labels.clone();
    if let Some(v) = a.image_contents {
        audit.image_contents = v;
    }
    let v = &file.vulnerabilities;
    let policy = &mut builder.vulnerabilities;
    for entry in &v.ignore {
        let origin = {
            let p = source.position(TextSize::from(entry.span().start as u32));
            format!("{name}:{}:{}", p.line, p.column)
        };
        let t = entry.get_ref();
        let id = t.id.get_ref().trim();
        if id.is_empty() {
            return Err(err_at(t.id.span().start, "an ignore entry needs a vulnerability id".into()));
        }
        let expires = match &t.expires {
            None => None,
            Some(e) => {
                let date = match e.get_ref() {
                    DateValue::Text(text) => crate::vulns::Date::parse(text.trim()),
                    DateValue::Date(d) => match (d.date, d.time, d.offset) {
                        (Some(date), None, None) => {
                            crate::vulns::Date::new(i64::from(date.year), u32::from(date.month), u32::from(date.day))
                        }
                        _ => None,
                    },
                };
                let shown = match e.get_ref() {
                    DateValue::Text(text) => text.clone(),
                    DateValue::Date(d) => d.to_string(),
                };
                Some(date.ok_or_else(|| {
                    err_at(e.span().start, format!("invalid expiry date `{shown}` (expected YYYY-MM-DD)"))
                })?)
            }
        };
        policy.ignore.push(crate::vulns::IgnoreEntry {
            id: id.to_string(),
            package: t.package.clone().filter(|p| !p.trim().is_empty()),
            reason: t.reason.clone(),
            expires,
            origin,
        });
    }
    if let Some(b) = v.ignore_unfixed {
        policy.ignore_unfixed = b;
    }
    if let Some(days) = v.max_db_age_days {
        policy.max_db_age_days = days;
    }
    for (kind, path) in &file.kubernetes.podspec_paths {
        let keys: Vec<String> =
            path.get_ref().trim().trim_start_matches('.').split('.').map(|k| k.trim().to_string()).collect();
        if kind.trim().is_empty() || keys.iter().any(String::is_empty) {
            return Err(err_at(
                path.span().start,
                format!(
                    "`{kind} = \"{}\"`: a pod spec path is keys joined by dots, like `spec.template.spec`",
                    path.get_ref()
                ),
            ));
        }
        builder.kubernetes.podspec_paths.insert(kind.clone(), keys);
    }
    builder.kubernetes.namespace = file.kubernetes.namespace.clone().filter(|n| !n.trim().is_empty());
    let fail_on = match &file.fail_on {
        None => None,
        Some(s) => Some(FailOn::parse(s.get_ref()).ok_or_else(|| {
            err_at(
                s.span().start,
                format!("unknown fail-on level `{}` (expected error, warning, info or none)", s.get_ref()),
            )
        })?),
    };
    Ok(Config { path: None, builder, fail_on, warnings: Vec::new() })
}

/// Compiles a per-file-ignores glob. A pattern without `/` matches at any depth,
/// like `.gitignore` patterns.
pub fn compile_glob(pattern: &str) -> Result<globset::GlobMatcher, String> {
    let full = if pattern.contains('/') { pattern.to_string() } else { format!("**/{pattern}") };
    let full = full.strip_prefix("./").unwrap_or(&full).to_string();
    GlobBuilder::new(&full)
        .literal_separator(true)
        .build()
        .or_else(|_| Glob::new(&full))
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("invalid glob `{pattern}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_config() {
        let cfg = parse_config(
            "dockward.toml",
            r#"
select = ["DF"]
ignore = ["DL3020"]
fail-on = "error"
[severity]
last-user-is-root = "error"
[per-file-ignores]
"test/**" = ["DF001"]
[dockerfile]
trusted-registries = ["ghcr.io/acme"]
build-args = { BASE = "debian:12" }
full-base-images = ["python", "ghcr.io/acme/base"]
[host]
docker-group-allow = ["deploy"]
[audit]
min-engine-version = "26.1"
ignore-containers = ["buildx_*"]
"#,
        )
        .unwrap();
        assert_eq!(cfg.builder.select, Some(vec!["DF".to_string()]));
        assert_eq!(cfg.builder.ignore, vec!["DL3020".to_string()]);
        assert_eq!(cfg.fail_on, Some(FailOn::Severity(Severity::Error)));
        assert_eq!(cfg.builder.severity, vec![("last-user-is-root".to_string(), Severity::Error)]);
        assert_eq!(cfg.builder.per_file_ignores[0].codes, vec!["DF001"]);
        assert!(cfg.builder.per_file_ignores[0].matcher.is_match("test/a/Dockerfile"));
        assert_eq!(cfg.builder.trusted_registries, vec!["ghcr.io/acme".to_string()]);
        assert_eq!(cfg.builder.build_args.get("BASE").map(String::as_str), Some("debian:12"));
        assert_eq!(cfg.builder.full_base_images, Some(vec!["python".to_string(), "ghcr.io/acme/base".to_string()]));
        assert_eq!(cfg.builder.docker_group_allow, vec!["deploy".to_string()]);
        assert_eq!(cfg.builder.audit.min_engine_version, "26.1");
        assert_eq!(cfg.builder.audit.max_image_age_days, 365);
        assert_eq!(cfg.builder.audit.ignore_containers, ["buildx_*"]);
    }

    #[test]
    fn categories_are_selectors_in_the_config_file() {
        let cfg = parse_config(
            "d.toml",
            "select = [\"security\"]\nignore = [\"hygiene\"]\n[severity]\ncorrectness = \"error\"\n",
        )
        .unwrap();
        assert_eq!(cfg.builder.select, Some(vec!["security".to_string()]));
        let settings = cfg.builder.build();
        let df001 = crate::registry::all_rules().find(|r| r.code == "DF001").unwrap();
        assert!(settings.is_enabled(df001));
        let correctness =
            crate::registry::all_rules().find(|r| r.category == dockward_diagnostics::Category::Correctness).unwrap();
        assert_eq!(settings.severity(correctness), Severity::Error);
    }

    #[test]
    fn kubernetes_section() {
        let cfg = parse_config(
            "d.toml",
            "[kubernetes]\nnamespace = \"shop\"\npodspec-paths = { Rollout = \"spec.template.spec\", Service = \".spec.template.spec\" }\n",
        )
        .unwrap();
        let k = &cfg.builder.kubernetes;
        assert_eq!(k.namespace.as_deref(), Some("shop"));
        assert_eq!(k.podspec_paths["Rollout"], ["spec", "template", "spec"]);
        assert_eq!(k.podspec_paths["Service"], ["spec", "template", "spec"]);
        let err = parse_config("d.toml", "[kubernetes]\npodspec-paths = { X = \"spec..spec\" }\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 23));
        assert!(err.message.contains("keys joined by dots"), "{err}");
    }

    #[test]
    fn unknown_selector_points_at_its_line_and_column() {
        let err = parse_config("d.toml", "select = [\"DF001\",\n  \"NOPE42\"]\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 3));
        assert!(err.message.contains("NOPE42"), "{err}");
        assert_eq!(err.to_string(), format!("d.toml:2:3: {}", err.message));
    }

    #[test]
    fn unknown_key_and_bad_type_have_positions() {
        let err = parse_config("d.toml", "selcet = [\"DF\"]\n").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.message.contains("selcet"), "{err}");
        let err = parse_config("d.toml", "\n\nfail-on = 3\n").unwrap_err();
        assert_eq!(err.line, 3);
        let err = parse_config("d.toml", "[severity]\nDF001 = \"loud\"\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 9));
    }

    #[test]
    fn bare_glob_matches_at_any_depth() {
        let m = compile_glob("Dockerfile.test").unwrap();
        assert!(m.is_match("a/b/Dockerfile.test"));
        assert!(m.is_match("Dockerfile.test"));
        assert!(!m.is_match("a/Dockerfile"));
    }

    #[test]
    fn vulnerabilities_policy() {
        let cfg = parse_config(
            "d.toml",
            r#"
[vulnerabilities]
ignore-unfixed = true
max-db-age-days = 3
ignore = [
  { id = "CVE-2026-1", package = "zlib1g", reason = "not reachable", expires = "2027-01-31" },
  { id = "DEBIAN-CVE-2026-2", expires = 2027-02-28 },
  { id = "GHSA-aaaa" },
]
"#,
        )
        .unwrap();
        let v = &cfg.builder.vulnerabilities;
        assert!(v.ignore_unfixed);
        assert_eq!(v.max_db_age_days, 3);
        assert_eq!(v.ignore.len(), 3);
        let e = &v.ignore[0];
        assert_eq!(
            (e.id.as_str(), e.package.as_deref(), e.reason.as_deref(), e.origin.as_str()),
            ("CVE-2026-1", Some("zlib1g"), Some("not reachable"), "d.toml:6:3")
        );
        assert_eq!(e.expires.unwrap().to_string(), "2027-01-31");
        assert_eq!(v.ignore[1].expires.unwrap().to_string(), "2027-02-28");
        assert_eq!(v.ignore[2].expires, None);
        // The defaults.
        let cfg = parse_config("d.toml", "").unwrap();
        assert_eq!(cfg.builder.vulnerabilities, crate::vulns::VulnSettings::default());
        assert_eq!(cfg.builder.vulnerabilities.max_db_age_days, 7);
    }

    #[test]
    fn vulnerabilities_errors_are_located() {
        let err = parse_config("d.toml", "[vulnerabilities]\nignore = [{ id = \"X\", expires = \"2027-02-30\" }]\n")
            .unwrap_err();
        assert_eq!((err.line, err.column), (2, 33));
        assert_eq!(err.message, "invalid expiry date `2027-02-30` (expected YYYY-MM-DD)");
        let err = parse_config("d.toml", "[vulnerabilities]\nignore = [{ id = \" \" }]\n").unwrap_err();
        assert_eq!((err.line, err.message.as_str()), (2, "an ignore entry needs a vulnerability id"));
        let err = parse_config("d.toml", "[vulnerabilities]\nignore = [{ id = \"X\", until = \"2027-01-01\" }]\n")
            .unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("until"), "{err}");
        let err =
            parse_config("d.toml", "[vulnerabilities]\nignore = [{ id = \"X\", expires = 2027-01-01T10:00:00 }]\n")
                .unwrap_err();
        assert!(err.message.starts_with("invalid expiry date"), "{err}");
        let err = parse_config("d.toml", "[vulnerabilities]\n\nmax-db-age-days = -1\n").unwrap_err();
        assert_eq!(err.line, 3);
    }
}
