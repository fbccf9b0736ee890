//! Resolved settings: which rules run, at what severity, and the options rules read.
//!
//! Built from the defaults, then the config file, then the command line, each layer
//! overriding the previous one (see [`SettingsBuilder`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use dockward_diagnostics::{RuleMeta, Severity};
use globset::GlobMatcher;

use crate::registry;

/// Everything a check run needs to know besides the files.
#[derive(Debug, Clone)]
pub struct Settings {
    enabled: HashSet<&'static str>,
    /// Rules named exactly (code, name or alias) by `select`/`extend-select`, not only
    /// through a prefix, a category or `ALL`: grouped rules report them on their own.
    explicit: HashSet<&'static str>,
    severity_overrides: HashMap<&'static str, Severity>,
    pub per_file_ignores: Vec<PerFileIgnore>,
    /// The directory of the config file the per-file-ignores globs came from (absolute):
    /// globs match paths relative to it, like ruff's.
    pub per_file_base: Option<std::path::PathBuf>,
    /// Registries (and optionally path prefixes: `ghcr.io/acme`) base images may come from.
    /// Empty: every registry is trusted.
    pub trusted_registries: Vec<String>,
    /// `--build-arg` values: override ARG defaults when resolving `FROM ${VAR}`.
    pub build_args: BTreeMap<String, String>,
    /// Repositories DF028 (full-base-image) reports when the final stage uses a full,
    /// non-slim tag. `None`: its built-in list.
    pub full_base_images: Option<Vec<String>>,
    /// Users allowed in the host's `docker` group (config `[host] docker-group-allow`).
    pub docker_group_allow: Vec<String>,
    /// `[audit]`: options of the live-host rules and which containers to leave out.
    pub audit: crate::audit::AuditSettings,
    /// `[vulnerabilities]`: the policy of the VU rules, with the scan's options on top.
    pub vulnerabilities: crate::vulns::VulnSettings,
    /// The images the checked tree's own Dockerfiles build (filled by the binary
    /// before checking; empty when one file is checked alone).
    pub project_images: std::sync::Arc<crate::project_images::ProjectImages>,
    /// `--pss-version`: the Kubernetes version Pod Security is judged at (what a
    /// namespace's `latest` means). `latest` when not given.
    pub pss_version: dockward_k8s::pss::Version,
    /// `[kubernetes]` with the command line's `--k8s-namespace` and
    /// `--complete-namespace` on top.
    pub kubernetes: crate::check_k8s::KubernetesSettings,
}

#[derive(Debug, Clone)]
pub struct PerFileIgnore {
    pub pattern: String,
    pub matcher: GlobMatcher,
    /// Rule codes ignored in matching files.
    pub codes: Vec<&'static str>,
}

impl Default for Settings {
    fn default() -> Self {
        SettingsBuilder::default().build()
    }
}

impl Settings {
    pub fn is_enabled(&self, rule: &RuleMeta) -> bool {
        self.enabled.contains(rule.code)
    }

    /// The severity a finding of `rule` is reported with.
    pub fn severity(&self, rule: &RuleMeta) -> Severity {
        self.severity_overrides.get(rule.code).copied().unwrap_or(rule.severity)
    }

    /// The severity the configuration sets for `rule`, if any (rules whose findings
    /// vary in severity keep theirs unless one is set).
    pub fn severity_override(&self, rule: &RuleMeta) -> Option<Severity> {
        self.severity_overrides.get(rule.code).copied()
    }

    /// True if `rule` is ignored for the file at `path` by a per-file-ignores entry.
    /// `path` is as displayed (relative to the working directory, or absolute); a file
    /// below the config's directory is matched relative to that directory.
    pub fn ignored_for_path(&self, rule: &RuleMeta, path: &str) -> bool {
        if !self.per_file_ignores.iter().any(|p| p.codes.contains(&rule.code)) {
            return false;
        }
        let path = path.strip_prefix("./").unwrap_or(path);
        let below_base = self.per_file_base.as_deref().and_then(|base| {
            let abs = lexically_normal(&std::path::absolute(path).ok()?);
            abs.strip_prefix(base).ok().map(|rel| rel.to_string_lossy().into_owned())
        });
        let path = below_base.as_deref().unwrap_or(path);
        self.per_file_ignores.iter().any(|p| p.codes.contains(&rule.code) && p.matcher.is_match(path))
    }

    /// True if `rule` is enabled and was named exactly by a selection (its code, name
    /// or an alias), not only through a prefix, a category or `ALL`.
    pub fn is_explicitly_selected(&self, rule: &RuleMeta) -> bool {
        self.explicit.contains(rule.code) && self.is_enabled(rule)
    }

    pub fn enabled_codes(&self) -> impl Iterator<Item = &&'static str> {
        self.enabled.iter()
    }
}

/// `path` with `.` and `..` resolved by name (`/a/b/../c` -> `/a/c`), as the user meant
/// it; `std::path::absolute` keeps them.
pub(crate) fn lexically_normal(path: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Layered construction of [`Settings`]. Selector lists hold rule codes, names,
/// aliases (`DL3002`), `cis-4.1`, code prefixes (`DF`) or `ALL`.
#[derive(Debug, Clone, Default)]
pub struct SettingsBuilder {
    /// Replaces the default selection when set.
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: Vec<(String, Severity)>,
    pub per_file_ignores: Vec<PerFileIgnore>,
    pub per_file_base: Option<std::path::PathBuf>,
    pub trusted_registries: Vec<String>,
    pub build_args: BTreeMap<String, String>,
    pub full_base_images: Option<Vec<String>>,
    pub docker_group_allow: Vec<String>,
    pub audit: crate::audit::AuditSettings,
    pub vulnerabilities: crate::vulns::VulnSettings,
    pub pss_version: Option<dockward_k8s::pss::Version>,
    pub kubernetes: crate::check_k8s::KubernetesSettings,
}

/// A selector that names no rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSelector(pub String);

impl SettingsBuilder {
    /// Checks every selector names at least one rule; returns the first that does not.
    pub fn validate(&self) -> Result<(), UnknownSelector> {
        let all = self
            .select
            .iter()
            .flatten()
            .chain(&self.extend_select)
            .chain(&self.ignore)
            .chain(self.severity.iter().map(|(s, _)| s));
        for sel in all {
            if resolve_selector(sel).is_empty() {
                return Err(UnknownSelector(sel.clone()));
            }
        }
        Ok(())
    }

    pub fn build(self) -> Settings {
        let mut enabled: HashSet<&'static str> = match &self.select {
            None => registry::all_rules().filter(|r| r.default_enabled).map(|r| r.code).collect(),
            Some(sel) => sel.iter().flat_map(|s| select(s)).collect(),
        };
        for s in &self.extend_select {
            enabled.extend(select(s));
        }
        for s in &self.ignore {
            for code in resolve_selector(s) {
                enabled.remove(code);
            }
        }
        // Meta rules about the input itself cannot be switched off: a file that does
        // not parse must never look clean.
        for r in registry::all_rules().filter(|r| is_always_on(r)) {
            enabled.insert(r.code);
        }
        let explicit: HashSet<&'static str> = self
            .select
            .iter()
            .flatten()
            .chain(&self.extend_select)
            .flat_map(|s| registry::all_rules().filter(move |r| r.is_named(s)).map(|r| r.code))
            .collect();
        let mut severity_overrides = HashMap::new();
        for (sel, sev) in &self.severity {
            for code in resolve_selector(sel) {
                severity_overrides.insert(code, *sev);
            }
        }
        Settings {
            enabled,
            explicit,
            severity_overrides,
            per_file_ignores: self.per_file_ignores,
            per_file_base: self.per_file_base,
            trusted_registries: self.trusted_registries,
            build_args: self.build_args,
            full_base_images: self.full_base_images,
            docker_group_allow: self.docker_group_allow,
            audit: self.audit,
            vulnerabilities: self.vulnerabilities,
            project_images: Default::default(),
            pss_version: self.pss_version.unwrap_or(dockward_k8s::pss::Version::LATEST),
            kubernetes: self.kubernetes,
        }
    }
}

/// Rules a selector names. Rules off by default are included only when named
/// exactly (code, name or alias), or by a prefix that names only rules off by default
/// (`VU`: an opt-in family), never by a mixed prefix or `ALL`.
fn select(selector: &str) -> Vec<&'static str> {
    let exact = registry::all_rules().any(|r| names_exactly(r, selector))
        || registry::all_rules().filter(|r| r.matches(selector)).all(|r| !r.default_enabled);
    registry::all_rules().filter(|r| r.matches(selector) && (r.default_enabled || exact)).map(|r| r.code).collect()
}

fn names_exactly(rule: &RuleMeta, selector: &str) -> bool {
    rule.is_named(selector)
}

/// Every rule code a selector matches.
pub fn resolve_selector(selector: &str) -> Vec<&'static str> {
    registry::all_rules().filter(|r| r.matches(selector)).map(|r| r.code).collect()
}

/// Rules that report input dockward could not read or parse.
fn is_always_on(rule: &RuleMeta) -> bool {
    rule.code == registry::SYNTAX_ERROR.code || rule.code == registry::UNREADABLE_FILE.code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enabled(select: &[&str]) -> Vec<&'static str> {
        let s = SettingsBuilder { select: Some(select.iter().map(|s| s.to_string()).collect()), ..Default::default() }
            .build();
        let mut codes: Vec<_> = s.enabled_codes().copied().filter(|c| c.starts_with("VU")).collect();
        codes.sort();
        codes
    }

    #[test]
    fn categories_select_and_ignore_their_rules() {
        use dockward_diagnostics::Category;
        let build = |b: SettingsBuilder| b.build();
        let security = build(SettingsBuilder { select: Some(vec!["security".into()]), ..Default::default() });
        let mut n = 0;
        for r in registry::all_rules() {
            let on = security.is_enabled(r);
            if r.category == Category::Security {
                // Rules off by default stay off: a category is a group, like a prefix.
                assert_eq!(on, r.default_enabled, "{}", r.code);
                n += usize::from(on);
            } else {
                assert!(!on || is_always_on(r), "{} is not a security rule", r.code);
            }
        }
        assert!(n > 20, "{n}");
        let no_hygiene = build(SettingsBuilder { ignore: vec!["hygiene".into()], ..Default::default() });
        let no_best = build(SettingsBuilder { ignore: vec!["Best-Practice".into()], ..Default::default() });
        assert_eq!(
            {
                let mut v: Vec<_> = no_hygiene.enabled_codes().collect();
                v.sort();
                v
            },
            {
                let mut v: Vec<_> = no_best.enabled_codes().collect();
                v.sort();
                v
            }
        );
        assert!(registry::all_rules().filter(|r| r.category == Category::BestPractice).all(|r| !no_best.is_enabled(r)));
        assert!(!resolve_selector("correctness").is_empty());
        assert!(SettingsBuilder { ignore: vec!["securty".into()], ..Default::default() }.validate().is_err());
    }

    #[test]
    fn an_opt_in_family_prefix_selects_it_but_all_does_not() {
        assert_eq!(enabled(&["VU"]), ["VU001", "VU002", "VU003", "VU004"]);
        assert_eq!(enabled(&["VU001"]), ["VU001"]);
        assert!(enabled(&["ALL"]).is_empty());
    }
}
