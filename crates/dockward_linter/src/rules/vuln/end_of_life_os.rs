use dockward_diagnostics::Location;

use crate::audit::AuditContext;
use crate::declare_rule;
use crate::vulns::{eol, scope, VulnRule, VulnScan};

declare_rule! {
    /// ## What it does
    /// Reports an image (or root filesystem) whose operating system release is past
    /// the end of its security support (`dockward scan`), from a dated table of
    /// Debian, Ubuntu, Alpine, RHEL, CentOS, Rocky, AlmaLinux and Amazon Linux
    /// releases built from the vendors' lifecycle pages. Debian counts until the end
    /// of its LTS, Ubuntu until the end of standard support (not ESM), RHEL until the
    /// end of maintenance support. A release missing from the table is not reported.
    ///
    /// ## Why is this bad?
    /// Nobody publishes fixes for the release any more, so the vulnerability database
    /// stops recording new issues against it: a scan of an end-of-life image looks
    /// cleaner every month while it gets worse.
    ///
    /// ## Example
    /// ```text
    /// image/app:1/etc/os-release: warning VU003 [end-of-life-os]
    ///   Debian 10 (buster) reached the end of its security support (LTS) on 2024-06-30
    /// ```
    ///
    /// ## How to fix
    /// Rebuild on a supported release of the base image (`FROM debian:12-slim`), or buy
    /// extended support from the vendor and record it with `ignore = ["VU003"]`.
    ///
    /// ## References
    /// - Debian LTS: <https://wiki.debian.org/LTS>
    /// - Ubuntu release cycle: <https://ubuntu.com/about/release-cycle>
    /// - Alpine Linux releases: <https://alpinelinux.org/releases/>
    /// - Red Hat Enterprise Linux life cycle: <https://access.redhat.com/support/policy/updates/errata>
    pub struct EndOfLifeOs;
    code = "VU003", name = "end-of-life-os", severity = Warning,
    category = Security, target = Image, fix = None,
    summary = "The operating system release no longer gets security fixes",
    default_enabled = false,
    practices = ["a-update-base"],
}

impl VulnRule for EndOfLifeOs {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, scan: &VulnScan<'_>, cx: &mut AuditContext<'_>) {
        let Some(distro) = &scan.inventory.distro else { return };
        let Some(life) = eol::lookup(distro) else { return };
        if !life.ended(scan.today()) {
            return;
        }
        let at = Location::Logical { scope: scope(scan.inventory), path: distro.source.clone() };
        cx.report(&Self::META, &at, format!("{} reached the end of its {} on {}", life.name, life.support, life.end))
            .help("rebuild on a supported release of the base image: no fixes are published for this one");
    }
}

#[cfg(test)]
mod tests {
    use dockward_diagnostics::Severity;
    use dockward_sbom::Distro;

    use crate::vulns::testing::*;
    use crate::vulns::{lint_vulnerabilities, Date};

    fn scan(id: &str, version: &str, today: &str) -> Vec<(String, Severity, String)> {
        let mut inv = inventory();
        inv.distro = Some(Distro {
            id: id.into(),
            version_id: Some(version.into()),
            source: "etc/os-release".into(),
            ..Default::default()
        });
        let now = Date::parse(today).unwrap().unix() + 3600;
        rows(&lint_vulnerabilities(&inv, &report(vec![]), &settings_with(&["VU003"]), now))
    }

    #[test]
    fn reports_releases_past_their_end() {
        assert_eq!(
            scan("debian", "10", "2026-12-04"),
            [(
                "image/app:1/etc/os-release".to_string(),
                Severity::Warning,
                "Debian 10 (buster) reached the end of its LTS on 2024-06-30".to_string()
            )]
        );
        assert_eq!(
            scan("alpine", "3.18.4", "2026-12-04")[0].2,
            "Alpine Linux 3.18 reached the end of its support on 2025-05-09"
        );
        assert_eq!(scan("amzn", "2", "2026-07-01").len(), 1);
        assert_eq!(
            scan("ubuntu", "20.04", "2026-12-04")[0].2,
            "Ubuntu 20.04 LTS reached the end of its standard support on 2025-05-31"
        );
    }

    #[test]
    fn passes_supported_and_unknown_releases() {
        assert!(scan("debian", "12", "2026-12-04").is_empty());
        // The last day is still supported.
        assert!(scan("debian", "11", "2026-08-31").is_empty());
        assert_eq!(scan("debian", "11", "2026-09-01").len(), 1);
        assert!(scan("ubuntu", "24.04", "2026-12-04").is_empty());
        assert!(scan("gentoo", "2.17", "2026-12-04").is_empty());
        let mut inv = inventory();
        inv.distro = None;
        assert!(lint_vulnerabilities(&inv, &report(vec![]), &settings_with(&["VU003"]), NOW).is_empty());
    }

    #[test]
    fn a_directory_is_located_by_its_path() {
        let mut inv = inventory();
        inv.image_id = None;
        inv.name = "rootfs".into();
        inv.distro.as_mut().unwrap().version_id = Some("9".into());
        let found = lint_vulnerabilities(&inv, &report(vec![]), &settings_with(&["VU003"]), NOW);
        assert_eq!(found[0].location.to_string(), "dir/rootfs/etc/os-release");
    }
}
