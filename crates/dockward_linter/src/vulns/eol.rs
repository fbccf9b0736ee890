//! When each operating system release stops getting security fixes (VU003).
//!
//! One row per release, from the vendors' published lifecycle pages. The date is the
//! last day fixes are published, counting the vendor's own long-term support but not
//! paid extensions (Debian ELTS, Ubuntu Pro/ESM, RHEL ELS):
//!
//! * Debian: the LTS team's end dates, <https://wiki.debian.org/LTS> (security
//!   support proper ends earlier; LTS keeps publishing DLAs until these dates).
//! * Ubuntu: end of standard support, <https://ubuntu.com/about/release-cycle>. The
//!   page gives months; the month's last day is used.
//! * Alpine: end of support of each branch's `main` repository,
//!   <https://alpinelinux.org/releases/>.
//! * Red Hat Enterprise Linux: end of Maintenance Support,
//!   <https://access.redhat.com/support/policy/updates/errata>; CentOS Linux,
//!   <https://www.centos.org/centos-linux-eol/>; Rocky Linux,
//!   <https://wiki.rockylinux.org/rocky/version/>; AlmaLinux,
//!   <https://wiki.almalinux.org/release-notes/> (both follow RHEL's dates).
//! * Amazon Linux: <https://aws.amazon.com/amazon-linux-2/faqs/> and
//!   <https://aws.amazon.com/linux/amazon-linux-2023/faqs/>.
//!
//! A release missing here is never reported: unknown is not end of life.

use dockward_sbom::Distro;

use super::date::Date;

/// One release's end of security support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifecycle {
    /// os-release `ID`.
    pub id: &'static str,
    /// The release as [`release_key`] derives it from `VERSION_ID`.
    pub version: &'static str,
    /// How people name it: `Debian 10 (buster)`.
    pub name: &'static str,
    /// The last day of support, `YYYY-MM-DD`.
    pub end: &'static str,
    /// Which support ends then (`LTS`, `standard support`, ...).
    pub support: &'static str,
}

const fn row(
    id: &'static str,
    version: &'static str,
    name: &'static str,
    end: &'static str,
    support: &'static str,
) -> Lifecycle {
    Lifecycle { id, version, name, end, support }
}

/// The table, by (id, version).
pub static LIFECYCLES: &[Lifecycle] = &[
    row("debian", "7", "Debian 7 (wheezy)", "2018-05-31", "LTS"),
    row("debian", "8", "Debian 8 (jessie)", "2020-06-30", "LTS"),
    row("debian", "9", "Debian 9 (stretch)", "2022-06-30", "LTS"),
    row("debian", "10", "Debian 10 (buster)", "2024-06-30", "LTS"),
    row("debian", "11", "Debian 11 (bullseye)", "2026-08-31", "LTS"),
    row("debian", "12", "Debian 12 (bookworm)", "2028-06-30", "LTS"),
    row("debian", "13", "Debian 13 (trixie)", "2030-06-30", "LTS"),
    row("ubuntu", "14.04", "Ubuntu 14.04 LTS", "2019-04-30", "standard support"),
    row("ubuntu", "16.04", "Ubuntu 16.04 LTS", "2021-04-30", "standard support"),
    row("ubuntu", "18.04", "Ubuntu 18.04 LTS", "2023-05-31", "standard support"),
    row("ubuntu", "20.04", "Ubuntu 20.04 LTS", "2025-05-31", "standard support"),
    row("ubuntu", "22.04", "Ubuntu 22.04 LTS", "2027-06-30", "standard support"),
    row("ubuntu", "23.04", "Ubuntu 23.04", "2024-01-31", "support"),
    row("ubuntu", "23.10", "Ubuntu 23.10", "2024-07-31", "support"),
    row("ubuntu", "24.10", "Ubuntu 24.10", "2025-07-31", "support"),
    row("ubuntu", "25.04", "Ubuntu 25.04", "2026-01-31", "support"),
    row("alpine", "3.12", "Alpine Linux 3.12", "2022-05-01", "support"),
    row("alpine", "3.13", "Alpine Linux 3.13", "2022-11-01", "support"),
    row("alpine", "3.14", "Alpine Linux 3.14", "2023-05-01", "support"),
    row("alpine", "3.15", "Alpine Linux 3.15", "2023-11-01", "support"),
    row("alpine", "3.16", "Alpine Linux 3.16", "2024-05-23", "support"),
    row("alpine", "3.17", "Alpine Linux 3.17", "2024-11-22", "support"),
    row("alpine", "3.18", "Alpine Linux 3.18", "2025-05-09", "support"),
    row("alpine", "3.19", "Alpine Linux 3.19", "2025-11-01", "support"),
    row("alpine", "3.20", "Alpine Linux 3.20", "2026-04-01", "support"),
    row("alpine", "3.21", "Alpine Linux 3.21", "2026-11-01", "support"),
    row("rhel", "7", "Red Hat Enterprise Linux 7", "2024-06-30", "maintenance support"),
    row("rhel", "8", "Red Hat Enterprise Linux 8", "2029-05-31", "maintenance support"),
    row("rhel", "9", "Red Hat Enterprise Linux 9", "2032-05-31", "maintenance support"),
    row("centos", "7", "CentOS Linux 7", "2024-06-30", "support"),
    row("centos", "8", "CentOS Linux 8", "2021-12-31", "support"),
    row("rocky", "8", "Rocky Linux 8", "2029-05-31", "security support"),
    row("rocky", "9", "Rocky Linux 9", "2032-05-31", "security support"),
    row("almalinux", "8", "AlmaLinux 8", "2029-05-31", "security support"),
    row("almalinux", "9", "AlmaLinux 9", "2032-05-31", "security support"),
    row("amzn", "2018.03", "Amazon Linux AMI 2018.03", "2023-12-31", "support"),
    row("amzn", "2", "Amazon Linux 2", "2026-06-30", "support"),
    row("amzn", "2023", "Amazon Linux 2023", "2029-06-30", "support"),
];

/// The part of `VERSION_ID` a lifecycle is per: the major version for Debian and the
/// RHEL family (`8.9` -> `8`), major.minor for Alpine (`3.20.3` -> `3.20`), the whole
/// of it for Ubuntu and Amazon Linux.
pub fn release_key(distro: &Distro) -> Option<String> {
    let v = distro.version_id.as_deref()?.trim();
    if v.is_empty() {
        return None;
    }
    let mut parts = v.split('.');
    Some(match distro.id.as_str() {
        "debian" | "rhel" | "centos" | "rocky" | "almalinux" => parts.next()?.to_string(),
        "alpine" => format!("{}.{}", parts.next()?, parts.next()?),
        _ => v.to_string(),
    })
}

/// The lifecycle of `distro`'s release, when the table has it.
pub fn lookup(distro: &Distro) -> Option<&'static Lifecycle> {
    let key = release_key(distro)?;
    LIFECYCLES.iter().find(|l| l.id == distro.id && l.version == key)
}

impl Lifecycle {
    pub fn end_date(&self) -> Date {
        Date::parse(self.end).expect("the table holds valid dates")
    }

    /// Support ended before `today` (the end date itself is still supported).
    pub fn ended(&self, today: Date) -> bool {
        today > self.end_date()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distro(id: &str, version: &str) -> Distro {
        Distro { id: id.into(), version_id: Some(version.into()), ..Default::default() }
    }

    #[test]
    fn every_row_is_valid_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for l in LIFECYCLES {
            assert!(Date::parse(l.end).is_some(), "{l:?}");
            assert!(seen.insert((l.id, l.version)), "{l:?} twice");
        }
    }

    #[test]
    fn releases_are_keyed_per_vendor() {
        assert_eq!(lookup(&distro("debian", "10")).unwrap().end, "2024-06-30");
        assert_eq!(lookup(&distro("alpine", "3.18.4")).unwrap().version, "3.18");
        assert_eq!(lookup(&distro("rhel", "8.9")).unwrap().version, "8");
        assert_eq!(lookup(&distro("ubuntu", "20.04")).unwrap().end, "2025-05-31");
        assert_eq!(lookup(&distro("amzn", "2")).unwrap().end, "2026-06-30");
        assert_eq!(lookup(&distro("ubuntu", "20.10")), None);
        assert_eq!(lookup(&distro("alpine", "3")), None);
        assert_eq!(lookup(&Distro { id: "debian".into(), ..Default::default() }), None);
        let buster = lookup(&distro("debian", "10")).unwrap();
        assert!(!buster.ended(Date::parse("2024-06-30").unwrap()));
        assert!(buster.ended(Date::parse("2024-07-01").unwrap()));
    }
}
