//! Vulnerability findings: the VU rules over an [`Inventory`] and what the matcher
//! found in it ([`MatchReport`]), with the policy of `[vulnerabilities]` in
//! dockward.toml and OpenVEX statements applied first.
//!
//! Nothing here opens the database or the network: the caller matches (with
//! `dockward_vulnmatch`) and passes the result and the database's facts in.
//!
//! Findings are located like the image-contents rules: `image/<name>` +
//! `layers[<i>]/<metadata file>#<package>` (the layer holding the package's metadata
//! file), or `dir/<path>` + `<metadata file>#<package>` for a directory.

pub mod date;
pub mod eol;
pub mod vex;

use dockward_diagnostics::{Diagnostic, Location, RuleMeta, Severity, VulnFacts};
use dockward_sbom::{Inventory, Package};
use dockward_vulnmatch::{MatchReport, MatchStatus, VulnMatch, VulnSeverity};

pub use date::Date;
pub use vex::{VexStatement, VexStatus};

use crate::audit::AuditContext;
use crate::registry::VULN_RULES;
use crate::settings::Settings;

/// `[vulnerabilities]` in dockward.toml, with the scan's command line on top.
#[derive(Debug, Clone, PartialEq)]
pub struct VulnSettings {
    /// Matches not reported (until their entry expires).
    pub ignore: Vec<IgnoreEntry>,
    /// Report only vulnerabilities with a fix (`--ignore-unfixed`).
    pub ignore_unfixed: bool,
    /// A database older than this many days gets a warning line from the scan, and
    /// is a VU004 finding when that rule is on (`--db-max-age` sets both).
    pub max_db_age_days: u32,
    /// Only vulnerabilities of these advisory severities (`--severity`); empty: all.
    pub severities: Vec<VulnSeverity>,
    /// OpenVEX statements (`--vex`).
    pub vex: Vec<VexStatement>,
}

impl Default for VulnSettings {
    fn default() -> Self {
        Self { ignore: Vec::new(), ignore_unfixed: false, max_db_age_days: 7, severities: Vec::new(), vex: Vec::new() }
    }
}

/// One `[vulnerabilities] ignore` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreEntry {
    /// The advisory id or any of its aliases (`CVE-2026-1`, `DEBIAN-CVE-2026-1`).
    pub id: String,
    /// Only for this package (its name, or its source package's).
    pub package: Option<String>,
    pub reason: Option<String>,
    /// The last day the entry applies.
    pub expires: Option<Date>,
    /// `dockward.toml:12:3`, for messages.
    pub origin: String,
}

impl IgnoreEntry {
    /// The entry no longer applies on `today`.
    pub fn expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|e| today > e)
    }

    /// Whether the entry names this match (expiry aside).
    pub fn names(&self, m: &VulnMatch, package: &Package) -> bool {
        let id = self.id.trim();
        let id_matches = m.advisory.eq_ignore_ascii_case(id) || m.aliases.iter().any(|a| a.eq_ignore_ascii_case(id));
        id_matches
            && self.package.as_deref().is_none_or(|p| p == package.name || package.source_name.as_deref() == Some(p))
    }
}

/// What the scan knows about the database it matched against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbFacts {
    /// The database file, as shown.
    pub path: String,
    /// Build time, RFC 3339 UTC.
    pub built: String,
    /// Build time, Unix seconds.
    pub built_unix: i64,
}

impl DbFacts {
    /// Whole days since the build at `now` (0 for a build in the future).
    pub fn age_days(&self, now: i64) -> i64 {
        (now - self.built_unix).max(0) / 86_400
    }

    /// Older than `max_days` days at `now`.
    pub fn older_than(&self, max_days: u32, now: i64) -> bool {
        now - self.built_unix > i64::from(max_days) * 86_400
    }
}

/// What a VU rule sees of one inventory.
pub struct VulnScan<'a> {
    pub inventory: &'a Inventory,
    /// The matches left after the policy: ignores, VEX, `ignore-unfixed`, `--severity`.
    pub matches: Vec<&'a VulnMatch>,
    /// Unix seconds.
    pub now: i64,
}

impl VulnScan<'_> {
    pub fn package(&self, m: &VulnMatch) -> Option<&Package> {
        self.inventory.packages.get(m.package)
    }

    pub fn today(&self) -> Date {
        Date::from_unix(self.now)
    }
}

/// A VU rule: over one inventory's matches, or over the database.
pub trait VulnRule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, _scan: &VulnScan<'_>, _cx: &mut AuditContext<'_>) {}
    fn check_database(&self, _db: &DbFacts, _cx: &mut AuditContext<'_>) {}
}

/// The matches of `report` the policy keeps: not ignored by a live `[vulnerabilities]
/// ignore` entry, not `not_affected` or `fixed` by a VEX statement, not unfixed with
/// `ignore-unfixed`, and of a selected severity.
pub fn kept_matches<'a>(
    inventory: &Inventory,
    report: &'a MatchReport,
    settings: &Settings,
    now: i64,
) -> Vec<&'a VulnMatch> {
    let policy = &settings.vulnerabilities;
    let today = Date::from_unix(now);
    report
        .matches
        .iter()
        .filter(|m| {
            let Some(package) = inventory.packages.get(m.package) else { return false };
            if policy.ignore_unfixed && m.status != MatchStatus::Fixed {
                return false;
            }
            if !policy.severities.is_empty() && !policy.severities.contains(&m.severity) {
                return false;
            }
            if policy.ignore.iter().any(|e| !e.expired(today) && e.names(m, package)) {
                return false;
            }
            let mut ids: Vec<&str> = vec![m.advisory.as_str()];
            ids.extend(m.aliases.iter().map(String::as_str));
            !vex::deciding(&policy.vex, &ids, &package.purl).is_some_and(|s| s.status.suppresses())
        })
        .collect()
}

/// The VU rules over one inventory (VU001-VU003), with configured severities, sorted.
pub fn lint_vulnerabilities(
    inventory: &Inventory,
    report: &MatchReport,
    settings: &Settings,
    now: i64,
) -> Vec<Diagnostic> {
    let scan = VulnScan { inventory, matches: kept_matches(inventory, report, settings, now), now };
    let mut cx = AuditContext::new(settings, now);
    for rule in VULN_RULES {
        if settings.is_enabled(rule.meta()) {
            rule.check(&scan, &mut cx);
        }
    }
    finish(cx.into_diagnostics(), settings)
}

/// The VU rules over the database itself (VU004), once per run.
pub fn lint_database(db: &DbFacts, settings: &Settings, now: i64) -> Vec<Diagnostic> {
    let mut cx = AuditContext::new(settings, now);
    for rule in VULN_RULES {
        if settings.is_enabled(rule.meta()) {
            rule.check_database(db, &mut cx);
        }
    }
    finish(cx.into_diagnostics(), settings)
}

/// A rule's findings keep the severity the rule gave them (VU001's follows the
/// advisory) unless the configuration sets one for the rule.
fn finish(mut found: Vec<Diagnostic>, settings: &Settings) -> Vec<Diagnostic> {
    for d in &mut found {
        if let Some(s) = settings.severity_override(d.rule) {
            d.severity = s;
        }
    }
    found.sort_by(|a, b| a.sort_key_cmp(b));
    found
}

/// Policy problems to tell the user once per run: `[vulnerabilities] ignore` entries
/// that expired (they no longer suppress anything).
pub fn policy_warnings(settings: &Settings, now: i64) -> Vec<String> {
    let today = Date::from_unix(now);
    settings
        .vulnerabilities
        .ignore
        .iter()
        .filter(|e| e.expired(today))
        .map(|e| {
            let package = e.package.as_deref().map(|p| format!(" ({p})")).unwrap_or_default();
            format!(
                "{}: ignore entry for {}{package} expired on {}; it no longer applies",
                e.origin,
                e.id,
                e.expires.map(|d| d.to_string()).unwrap_or_default()
            )
        })
        .collect()
}

/// `image/<name>` for an image, `dir/<path>` for a directory.
pub fn scope(inventory: &Inventory) -> String {
    if inventory.image_id.is_some() || !inventory.layers.is_empty() {
        format!("image/{}", inventory.name)
    } else {
        format!("dir/{}", inventory.name)
    }
}

/// Where a package's finding points: its metadata file (in its layer), `!` the path
/// inside an archive, `#` the package.
pub fn package_location(inventory: &Inventory, package: &Package) -> Location {
    let mut path = match package.layer {
        Some(i) => format!("layers[{i}]/{}", package.location),
        None => package.location.clone(),
    };
    if let Some(inner) = &package.inner_path {
        path.push('!');
        path.push_str(inner);
    }
    path.push('#');
    path.push_str(&package.name);
    Location::Logical { scope: scope(inventory), path }
}

pub fn severity_str(s: VulnSeverity) -> &'static str {
    match s {
        VulnSeverity::Critical => "critical",
        VulnSeverity::High => "high",
        VulnSeverity::Medium => "medium",
        VulnSeverity::Low => "low",
        VulnSeverity::Negligible => "negligible",
        VulnSeverity::Unknown => "unknown",
    }
}

pub fn parse_severity(s: &str) -> Option<VulnSeverity> {
    Some(match s.trim().to_ascii_lowercase().as_str() {
        "critical" => VulnSeverity::Critical,
        "high" => VulnSeverity::High,
        "medium" | "moderate" => VulnSeverity::Medium,
        "low" => VulnSeverity::Low,
        "negligible" | "unimportant" => VulnSeverity::Negligible,
        "unknown" => VulnSeverity::Unknown,
        _ => return None,
    })
}

pub fn status_str(s: MatchStatus) -> &'static str {
    match s {
        MatchStatus::Fixed => "fixed",
        MatchStatus::Unfixed => "unfixed",
        MatchStatus::WontFix => "wont-fix",
    }
}

/// The finding's payload for the renderers.
pub fn facts(package: &Package, m: &VulnMatch) -> VulnFacts {
    VulnFacts {
        package: package.name.clone(),
        version: package.version.clone(),
        fixed: m.fixed.clone(),
        advisory: m.advisory.clone(),
        aliases: m.aliases.clone(),
        status: status_str(m.status).to_string(),
        severity: severity_str(m.severity).to_string(),
        cvss_score: m.cvss_score,
        purl: package.purl.clone(),
        references: m.references.clone(),
    }
}

/// `zlib1g 1:1.2.13.dfsg-1 (source zlib)`: the package as installed, and its source
/// package when that is another name or version (advisories are per source package).
pub fn package_label(p: &Package) -> String {
    let mut out = format!("{} {}", p.name, p.version);
    let source = p.source_name.as_deref().filter(|s| !s.is_empty());
    let source_version = p.source_version.as_deref().filter(|v| !v.is_empty() && *v != p.version);
    match (source, source_version) {
        (Some(s), Some(v)) => out.push_str(&format!(" (source {s} {v})")),
        (Some(s), None) if s != p.name => out.push_str(&format!(" (source {s})")),
        (None, Some(v)) => out.push_str(&format!(" (source version {v})")),
        _ => {}
    }
    out
}

/// `DEBIAN-CVE-2026-1 (CVE-2026-1)`: the advisory and up to three aliases.
pub fn advisory_label(m: &VulnMatch) -> String {
    let aliases: Vec<&str> = m.aliases.iter().map(String::as_str).filter(|a| *a != m.advisory).collect();
    if aliases.is_empty() {
        return m.advisory.clone();
    }
    let mut shown = aliases.iter().take(3).copied().collect::<Vec<_>>().join(", ");
    if aliases.len() > 3 {
        shown.push_str(&format!(", +{} more", aliases.len() - 3));
    }
    format!("{} ({shown})", m.advisory)
}

/// `severity high (CVSS 7.5)`.
pub fn severity_label(m: &VulnMatch) -> String {
    match m.cvss_score {
        Some(score) => format!("severity {} (CVSS {score:.1})", severity_str(m.severity)),
        None => format!("severity {}", severity_str(m.severity)),
    }
}

/// The finding severity an advisory's severity maps to (VU001).
pub fn finding_severity(s: VulnSeverity) -> Severity {
    match s {
        VulnSeverity::Critical | VulnSeverity::High => Severity::Error,
        VulnSeverity::Medium => Severity::Warning,
        VulnSeverity::Low | VulnSeverity::Negligible | VulnSeverity::Unknown => Severity::Info,
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use dockward_sbom::{Distro, Ecosystem};

    use super::*;

    /// A Debian 12 image inventory with `zlib1g` (source zlib), `bsdutils` (source
    /// util-linux of another version) in layer 0 and `jinja2` in layer 1.
    pub fn inventory() -> Inventory {
        let mut zlib = Package::new(Ecosystem::Deb, "zlib1g", "1:1.2.13.dfsg-1", "var/lib/dpkg/status");
        zlib.source_name = Some("zlib".into());
        zlib.source_version = Some("1:1.2.13.dfsg-1".into());
        zlib.layer = Some(0);
        zlib.purl = "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib".into();
        let mut bsd = Package::new(Ecosystem::Deb, "bsdutils", "1:2.38.1-5+deb12u3", "var/lib/dpkg/status");
        bsd.source_name = Some("util-linux".into());
        bsd.source_version = Some("2.38.1-5+deb12u3".into());
        bsd.layer = Some(0);
        bsd.purl = "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12".into();
        let mut jinja = Package::new(
            Ecosystem::PyPi,
            "Jinja2",
            "2.10",
            "usr/local/lib/python3.11/site-packages/Jinja2-2.10.dist-info/METADATA",
        );
        jinja.layer = Some(1);
        jinja.purl = "pkg:pypi/jinja2@2.10".into();
        Inventory {
            name: "app:1".into(),
            image_id: Some("sha256:abc".into()),
            distro: Some(Distro {
                id: "debian".into(),
                version_id: Some("12".into()),
                codename: Some("bookworm".into()),
                source: "etc/os-release".into(),
                ..Default::default()
            }),
            packages: vec![zlib, bsd, jinja],
            ..Default::default()
        }
    }

    /// A match of package `package` (index) by `advisory`.
    pub fn matched(package: usize, advisory: &str, status: MatchStatus, severity: VulnSeverity) -> VulnMatch {
        let cve = advisory.trim_start_matches("DEBIAN-").to_string();
        VulnMatch {
            package,
            advisory: advisory.into(),
            aliases: if cve == advisory { vec![] } else { vec![cve] },
            installed: "1:1.2.13.dfsg-1".into(),
            fixed: (status == MatchStatus::Fixed).then(|| "1:1.2.13.dfsg-1+deb12u1".to_string()),
            status,
            distro_status: match status {
                MatchStatus::WontFix => Some("no-dsa".into()),
                _ => None,
            },
            severity,
            severity_source: None,
            cvss_score: None,
            cvss_vector: None,
            summary: None,
            references: vec![],
            ecosystem: "Debian:12".into(),
            related: vec![],
            urgency: None,
            informational: None,
        }
    }

    pub fn report(matches: Vec<VulnMatch>) -> MatchReport {
        MatchReport { matches, ..Default::default() }
    }

    /// Settings with exactly `rules` on.
    pub fn settings_with(rules: &[&str]) -> Settings {
        crate::settings::SettingsBuilder {
            select: Some(rules.iter().map(|r| r.to_string()).collect()),
            ..Default::default()
        }
        .build()
    }

    /// 2026-12-04, noon UTC.
    pub const NOW: i64 = 1_796_385_600;

    /// `(location, severity, message)` of each finding.
    pub fn rows(found: &[Diagnostic]) -> Vec<(String, Severity, String)> {
        found.iter().map(|d| (d.location.to_string(), d.severity, d.message.to_string())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    fn entry(id: &str, package: Option<&str>, expires: Option<&str>) -> IgnoreEntry {
        IgnoreEntry {
            id: id.into(),
            package: package.map(String::from),
            reason: None,
            expires: expires.map(|d| Date::parse(d).unwrap()),
            origin: "dockward.toml:3:12".into(),
        }
    }

    fn kept(settings: &Settings, report: &MatchReport) -> Vec<String> {
        kept_matches(&inventory(), report, settings, NOW)
            .iter()
            .map(|m| format!("{}:{}", m.package, m.advisory))
            .collect()
    }

    #[test]
    fn now_is_the_fourth_of_december() {
        assert_eq!(Date::from_unix(NOW).to_string(), "2026-12-04");
    }

    #[test]
    fn ignore_entries_by_id_alias_package_and_expiry() {
        let r = report(vec![
            matched(0, "DEBIAN-CVE-2026-1", MatchStatus::Fixed, VulnSeverity::High),
            matched(1, "DEBIAN-CVE-2026-1", MatchStatus::Fixed, VulnSeverity::High),
            matched(0, "DEBIAN-CVE-2026-2", MatchStatus::Unfixed, VulnSeverity::Low),
            matched(2, "GHSA-aaaa", MatchStatus::Fixed, VulnSeverity::Medium),
        ]);
        let mut s = settings_with(&["VU001", "VU002"]);
        assert_eq!(kept(&s, &r).len(), 4);
        // By alias, for one package (its source name counts too).
        s.vulnerabilities.ignore = vec![entry("cve-2026-1", Some("util-linux"), None)];
        assert_eq!(kept(&s, &r), ["0:DEBIAN-CVE-2026-1", "0:DEBIAN-CVE-2026-2", "2:GHSA-aaaa"]);
        // For every package, still valid on its last day.
        s.vulnerabilities.ignore = vec![entry("DEBIAN-CVE-2026-1", None, Some("2026-12-04"))];
        assert_eq!(kept(&s, &r), ["0:DEBIAN-CVE-2026-2", "2:GHSA-aaaa"]);
        assert!(policy_warnings(&s, NOW).is_empty());
        // Expired: suppresses nothing, and says so once.
        s.vulnerabilities.ignore = vec![entry("DEBIAN-CVE-2026-1", Some("zlib1g"), Some("2026-12-03"))];
        assert_eq!(kept(&s, &r).len(), 4);
        assert_eq!(
            policy_warnings(&s, NOW),
            ["dockward.toml:3:12: ignore entry for DEBIAN-CVE-2026-1 (zlib1g) expired on 2026-12-03; it no longer applies"]
        );
    }

    #[test]
    fn ignore_unfixed_and_severity_filter() {
        let r = report(vec![
            matched(0, "DEBIAN-CVE-2026-1", MatchStatus::Fixed, VulnSeverity::High),
            matched(0, "DEBIAN-CVE-2026-2", MatchStatus::Unfixed, VulnSeverity::Critical),
            matched(0, "DEBIAN-CVE-2026-3", MatchStatus::WontFix, VulnSeverity::Low),
            matched(2, "GHSA-aaaa", MatchStatus::Fixed, VulnSeverity::Medium),
        ]);
        let mut s = settings_with(&["VU001", "VU002"]);
        s.vulnerabilities.ignore_unfixed = true;
        assert_eq!(kept(&s, &r), ["0:DEBIAN-CVE-2026-1", "2:GHSA-aaaa"]);
        s.vulnerabilities.ignore_unfixed = false;
        s.vulnerabilities.severities = vec![VulnSeverity::Critical, VulnSeverity::High];
        assert_eq!(kept(&s, &r), ["0:DEBIAN-CVE-2026-1", "0:DEBIAN-CVE-2026-2"]);
    }

    #[test]
    fn vex_not_affected_and_fixed_drop_matches_for_their_purl() {
        let r = report(vec![
            matched(0, "DEBIAN-CVE-2026-1", MatchStatus::Fixed, VulnSeverity::High),
            matched(1, "DEBIAN-CVE-2026-1", MatchStatus::Fixed, VulnSeverity::High),
            matched(2, "GHSA-aaaa", MatchStatus::Fixed, VulnSeverity::Medium),
        ]);
        let doc = r#"{"statements": [
            {"vulnerability": {"name": "CVE-2026-1"}, "products": [{"@id": "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1"}],
             "status": "not_affected", "justification": "vulnerable_code_not_present"},
            {"vulnerability": {"name": "GHSA-aaaa"}, "products": [{"@id": "pkg:pypi/jinja2@2.10"}], "status": "affected"}
        ]}"#;
        let mut s = settings_with(&["VU001"]);
        s.vulnerabilities.vex = vex::parse_openvex("vex.json", doc).unwrap();
        assert_eq!(kept(&s, &r), ["1:DEBIAN-CVE-2026-1", "2:GHSA-aaaa"]);
        // `fixed` drops it too.
        s.vulnerabilities.vex[1].status = VexStatus::Fixed;
        assert_eq!(kept(&s, &r), ["1:DEBIAN-CVE-2026-1"]);
    }

    #[test]
    fn locations_and_labels() {
        let inv = inventory();
        assert_eq!(
            package_location(&inv, &inv.packages[0]).to_string(),
            "image/app:1/layers[0]/var/lib/dpkg/status#zlib1g"
        );
        let dir = Inventory { name: "rootfs".into(), image_id: None, ..inv.clone() };
        let mut p = inv.packages[2].clone();
        p.layer = None;
        p.inner_path = Some("inner".into());
        assert_eq!(
            package_location(&dir, &p).to_string(),
            "dir/rootfs/usr/local/lib/python3.11/site-packages/Jinja2-2.10.dist-info/METADATA!inner#Jinja2"
        );
        assert_eq!(package_label(&inv.packages[0]), "zlib1g 1:1.2.13.dfsg-1 (source zlib)");
        assert_eq!(package_label(&inv.packages[1]), "bsdutils 1:2.38.1-5+deb12u3 (source util-linux 2.38.1-5+deb12u3)");
        assert_eq!(package_label(&inv.packages[2]), "Jinja2 2.10");
        let mut m = matched(0, "DLA-1-1", MatchStatus::Fixed, VulnSeverity::High);
        m.aliases = (1..=5).map(|i| format!("CVE-2026-{i}")).collect();
        assert_eq!(advisory_label(&m), "DLA-1-1 (CVE-2026-1, CVE-2026-2, CVE-2026-3, +2 more)");
        m.cvss_score = Some(7.54);
        assert_eq!(severity_label(&m), "severity high (CVSS 7.5)");
        assert_eq!(parse_severity("Moderate"), Some(VulnSeverity::Medium));
        assert_eq!(parse_severity("severe"), None);
    }
}
