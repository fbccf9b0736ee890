use crate::audit::{AuditContext, EngineRule};
use crate::declare_rule;
use dockward_spec::EngineInfo;

declare_rule! {
    /// ## What it does
    /// Flags an engine older than `[audit] min-engine-version` (default `25.0.0`), from
    /// the version `/version` reports. Distribution suffixes (`20.10.24+dfsg1`) are
    /// ignored.
    ///
    /// ## Why is this bad?
    /// Old engines miss security fixes (container escapes such as CVE-2024-21626 in
    /// runc, BuildKit and API authorisation bypasses) and the hardening defaults of
    /// newer releases. Unsupported release lines get no fixes at all.
    ///
    /// ## Example
    /// `docker version --format '{{.Server.Version}}'` prints `20.10.24`.
    ///
    /// ## Fix
    /// Upgrade Docker Engine to a maintained release.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 1.2.2 "Ensure that the version of Docker is up to date"
    /// - Practices a, "Regular Updates"
    pub struct EngineVersionOutdated;
    code = "EN001", name = "engine-version-outdated", severity = Warning,
    category = Security, target = Daemon, fix = None,
    summary = "The Docker Engine is older than the configured minimum version",
    cis = ["1.2.2"],
    practices = ["b-update-docker"],
}

/// `major.minor.patch` of a version string (`v20.10.24+dfsg1` -> `(20, 10, 24)`).
pub fn parse_version(v: &str) -> Option<(u32, u32, u32)> {
    let v = v.trim().trim_start_matches('v');
    let core = v.split(['+', '-', '~']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u32>());
    let major = parts.next()?.ok()?;
    let minor = parts.next().unwrap_or(Ok(0)).ok()?;
    let patch = parts.next().unwrap_or(Ok(0)).ok()?;
    Some((major, minor, patch))
}

impl EngineRule for EngineVersionOutdated {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, engine: &EngineInfo, cx: &mut AuditContext<'_>) {
        let Some(version) = &engine.version else { return };
        let min = &cx.settings.audit.min_engine_version;
        let (Some(have), Some(want)) = (parse_version(&version.value), parse_version(min)) else { return };
        if have < want {
            cx.report_value(&Self::META, version, format!("Docker Engine {} is older than {min}", version.value))
                .help("upgrade to a maintained Docker Engine release");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::*;
    use crate::settings::SettingsBuilder;
    use dockward_spec::Val;

    fn engine_at(v: &str) -> EngineInfo {
        let mut e = engine();
        e.version = Some(Val::new(v.to_string(), e.origin("Version")));
        e
    }

    #[test]
    fn flags_old_engines() {
        let got = lint_engine(&EngineVersionOutdated::META, &engine_at("20.10.24+dfsg1"));
        assert_eq!(
            got,
            [("engine/host1/Version".to_string(), "Docker Engine 20.10.24+dfsg1 is older than 25.0.0".to_string())]
        );
    }

    #[test]
    fn passes_current_engines_and_honours_the_setting() {
        assert!(lint_engine(&EngineVersionOutdated::META, &engine_at("28.1.1")).is_empty());
        assert!(lint_engine(&EngineVersionOutdated::META, &engine()).is_empty());
        let mut b = SettingsBuilder { select: Some(vec!["EN001".into()]), ..Default::default() };
        b.audit.min_engine_version = "20.10".into();
        assert!(lint_engine_with(&EngineVersionOutdated::META, &engine_at("20.10.24"), b.build()).is_empty());
    }

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("v20.10.24+dfsg1"), Some((20, 10, 24)));
        assert_eq!(parse_version("25.0"), Some((25, 0, 0)));
        assert_eq!(parse_version("master-dockerproject"), None);
    }
}
