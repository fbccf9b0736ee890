use dockward_vulnmatch::MatchStatus;

use crate::audit::AuditContext;
use crate::declare_rule;
use crate::vulns::{
    advisory_label, facts, finding_severity, package_label, package_location, severity_label, VulnRule, VulnScan,
};

declare_rule! {
    /// ## What it does
    /// Reports each installed package that a known vulnerability affects and that has
    /// a fixed version (`dockward scan`): the package as installed (and its source
    /// package, which distributions' advisories are written against), the advisory
    /// and its aliases, the version that fixes it, and the advisory's severity.
    ///
    /// The finding's severity follows the advisory's: critical and high are errors,
    /// medium a warning, low, negligible (Debian's `unimportant`) and unknown are
    /// info. `[severity] VU001 = "..."` in dockward.toml sets one severity for all.
    ///
    /// ## Why is this bad?
    /// A fix exists: the vulnerable version stays in the image only because the image
    /// was not rebuilt or the package not upgraded. Such known, fixable issues are what
    /// attackers scan for first.
    ///
    /// ## Example
    /// ```text
    /// image/app:1/layers[0]/var/lib/dpkg/status#zlib1g: error VU001 [vulnerable-package]
    ///   zlib1g 1:1.2.13.dfsg-1 (source zlib) is affected by DEBIAN-CVE-2026-27171
    ///   (CVE-2026-27171), fixed in 1:1.2.13.dfsg-1+deb12u1; severity high
    /// ```
    ///
    /// ## How to fix
    /// Rebuild the image on an updated base image (`docker build --pull`), or upgrade
    /// the package in the Dockerfile (`apt-get install --only-upgrade zlib1g`,
    /// `pip install 'jinja2>=2.10.1'`). A vulnerability that does not apply can be
    /// recorded in `[vulnerabilities] ignore` of dockward.toml, with a reason and an
    /// expiry, or in an OpenVEX document passed with `--vex`.
    ///
    /// ## References
    /// - OSV schema: <https://ossf.github.io/osv-schema/>
    /// - Debian security tracker: <https://security-tracker.debian.org/tracker/>
    pub struct VulnerablePackage;
    code = "VU001", name = "vulnerable-package", severity = Error,
    category = Security, target = Image, fix = None,
    summary = "An installed package has a known vulnerability that a newer version fixes",
    default_enabled = false,
    practices = ["a-scan-images", "b-scan-images"],
}

impl VulnRule for VulnerablePackage {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, scan: &VulnScan<'_>, cx: &mut AuditContext<'_>) {
        for m in scan.matches.iter().filter(|m| m.status == MatchStatus::Fixed) {
            let Some(package) = scan.package(m) else { continue };
            let fixed =
                m.fixed.as_deref().map_or_else(|| "fixed in a later version".to_string(), |f| format!("fixed in {f}"));
            let message = format!(
                "{} is affected by {}, {fixed}; {}",
                package_label(package),
                advisory_label(m),
                severity_label(m)
            );
            let target = m.fixed.as_deref().map_or_else(|| "a fixed version".to_string(), |f| f.to_string());
            // The first layer is the base image's (or the whole image, when flat):
            // its packages are updated by rebuilding on a newer base.
            let help = if package.ecosystem.is_os() && package.layer == Some(0) {
                format!("rebuild on an updated base image or upgrade the package ({} to {target})", package.name)
            } else {
                format!("upgrade {} to {target}", package.name)
            };
            let d = cx.report(&Self::META, &package_location(scan.inventory, package), message);
            d.severity = finding_severity(m.severity);
            d.help(help);
            d.vuln = Some(Box::new(facts(package, m)));
        }
    }
}

#[cfg(test)]
mod tests {
    use dockward_diagnostics::Severity;
    use dockward_vulnmatch::VulnSeverity;

    use crate::vulns::testing::*;
    use crate::vulns::{lint_vulnerabilities, parse_severity};

    #[test]
    fn fixed_matches_by_advisory_severity() {
        let mut high = matched(0, "DEBIAN-CVE-2026-27171", MatchStatus::Fixed, VulnSeverity::High);
        high.cvss_score = Some(7.5);
        let r = report(vec![
            high,
            matched(1, "DEBIAN-CVE-2022-0563", MatchStatus::Fixed, VulnSeverity::Medium),
            matched(2, "GHSA-aaaa", MatchStatus::Fixed, VulnSeverity::Negligible),
            matched(0, "DEBIAN-CVE-2026-2", MatchStatus::Unfixed, VulnSeverity::Critical),
        ]);
        let found = lint_vulnerabilities(&inventory(), &r, &settings_with(&["VU001"]), NOW);
        assert_eq!(
            rows(&found),
            [
                (
                    "image/app:1/layers[0]/var/lib/dpkg/status#bsdutils".to_string(),
                    Severity::Warning,
                    "bsdutils 1:2.38.1-5+deb12u3 (source util-linux 2.38.1-5+deb12u3) is affected by \
                     DEBIAN-CVE-2022-0563 (CVE-2022-0563), fixed in 1:1.2.13.dfsg-1+deb12u1; severity medium"
                        .to_string()
                ),
                (
                    "image/app:1/layers[0]/var/lib/dpkg/status#zlib1g".to_string(),
                    Severity::Error,
                    "zlib1g 1:1.2.13.dfsg-1 (source zlib) is affected by DEBIAN-CVE-2026-27171 (CVE-2026-27171), \
                     fixed in 1:1.2.13.dfsg-1+deb12u1; severity high (CVSS 7.5)"
                        .to_string()
                ),
                (
                    "image/app:1/layers[1]/usr/local/lib/python3.11/site-packages/Jinja2-2.10.dist-info/METADATA#Jinja2"
                        .to_string(),
                    Severity::Info,
                    "Jinja2 2.10 is affected by GHSA-aaaa, fixed in 1:1.2.13.dfsg-1+deb12u1; severity negligible"
                        .to_string()
                ),
            ]
        );
        let zlib = &found[1];
        assert_eq!(
            zlib.help.as_deref(),
            Some("rebuild on an updated base image or upgrade the package (zlib1g to 1:1.2.13.dfsg-1+deb12u1)")
        );
        assert_eq!(found[2].help.as_deref(), Some("upgrade Jinja2 to 1:1.2.13.dfsg-1+deb12u1"));
        let v = zlib.vuln.as_deref().unwrap();
        assert_eq!(
            (v.package.as_str(), v.version.as_str(), v.advisory.as_str(), v.status.as_str(), v.severity.as_str()),
            ("zlib1g", "1:1.2.13.dfsg-1", "DEBIAN-CVE-2026-27171", "fixed", "high")
        );
        assert_eq!(v.aliases, ["CVE-2026-27171"]);
        assert_eq!(v.cvss_score, Some(7.5));
        assert!(v.purl.starts_with("pkg:deb/debian/zlib1g@"));
    }

    #[test]
    fn severity_mapping_and_configured_override() {
        for (level, want) in [
            ("critical", Severity::Error),
            ("high", Severity::Error),
            ("medium", Severity::Warning),
            ("low", Severity::Info),
            ("negligible", Severity::Info),
            ("unknown", Severity::Info),
        ] {
            let r = report(vec![matched(0, "CVE-1", MatchStatus::Fixed, parse_severity(level).unwrap())]);
            let found = lint_vulnerabilities(&inventory(), &r, &settings_with(&["VU001"]), NOW);
            assert_eq!(found[0].severity, want, "{level}");
        }
        let mut b = crate::settings::SettingsBuilder { select: Some(vec!["VU001".into()]), ..Default::default() };
        b.severity.push(("VU001".into(), Severity::Warning));
        let r = report(vec![matched(0, "CVE-1", MatchStatus::Fixed, VulnSeverity::Critical)]);
        assert_eq!(lint_vulnerabilities(&inventory(), &r, &b.build(), NOW)[0].severity, Severity::Warning);
    }

    #[test]
    fn off_unless_selected() {
        let r = report(vec![matched(0, "CVE-1", MatchStatus::Fixed, VulnSeverity::High)]);
        assert!(lint_vulnerabilities(&inventory(), &r, &crate::Settings::default(), NOW).is_empty());
        let all = crate::settings::SettingsBuilder { select: Some(vec!["ALL".into()]), ..Default::default() }.build();
        assert!(lint_vulnerabilities(&inventory(), &r, &all, NOW).is_empty(), "ALL leaves off-by-default rules off");
    }

    use super::*;
}
