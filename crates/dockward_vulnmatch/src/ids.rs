//! Advisory ids: which one of several names of a vulnerability to show, and which
//! ids of a record name the same vulnerability.

use dockward_vulndb::Advisory;

/// The id prefixes of an ecosystem's own records, most specific first.
fn own_prefixes(ecosystem: &str) -> &'static [&'static str] {
    match ecosystem.split(':').next().unwrap_or(ecosystem) {
        "Debian" => &["DEBIAN-", "DSA-", "DLA-", "DTSA-"],
        "Ubuntu" => &["UBUNTU-", "USN-"],
        "Alpine" => &["ALPINE-"],
        "Wolfi" => &["WOLFI-", "CGA-"],
        "Chainguard" => &["CHAINGUARD-", "CGA-"],
        "Red Hat" => &["RHSA-", "RHBA-", "RHEA-"],
        "Rocky Linux" => &["RLSA-", "RXSA-"],
        "AlmaLinux" => &["ALSA-", "ALBA-", "ALEA-"],
        "SUSE" | "openSUSE" => &["SUSE-", "openSUSE-"],
        "Mageia" => &["MGASA-"],
        "Photon OS" => &["PHSA-"],
        "PyPI" => &["PYSEC-"],
        "Go" => &["GO-"],
        "crates.io" => &["RUSTSEC-"],
        "Hex" => &["EEF-"],
        "Packagist" => &["PKSA-"],
        "RubyGems" => &["RUBYSEC-"],
        _ => &[],
    }
}

/// How specific an id is for a package of `ecosystem`: lower is more specific. The
/// ecosystem's own records first (in their prefix order), then any other database's
/// record, then GHSA, then CVE.
pub(crate) fn specificity(ecosystem: &str, id: &str) -> usize {
    if let Some(i) = own_prefixes(ecosystem).iter().position(|p| id.starts_with(p)) {
        return i;
    }
    if id.starts_with("CVE-") {
        30
    } else if id.starts_with("GHSA-") {
        20
    } else {
        10
    }
}

/// The most specific of `ids` (ties: the smallest string).
pub(crate) fn most_specific<'a>(ecosystem: &str, ids: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    ids.min_by(|a, b| specificity(ecosystem, a).cmp(&specificity(ecosystem, b)).then_with(|| a.cmp(b)))
}

/// The ids of `advisory` that name the same vulnerability as its own id, and the ones
/// that name others.
///
/// `aliases` name the same vulnerability. `upstream` does too when it is the
/// vulnerability the record is about (`DEBIAN-CVE-X` → `CVE-X`, also when it adds the
/// GHSA of that CVE); a record whose `upstream` lists two or more CVEs is a bundle (a
/// DSA or DLA fixing several), and its upstream ids are only related. `related` ids
/// (a DLA that fixes this CVE among others) are never the same vulnerability.
pub(crate) fn split_ids(advisory: &Advisory) -> (Vec<String>, Vec<String>) {
    let mut same: Vec<String> = advisory.aliases.clone();
    let mut related: Vec<String> = advisory.related.clone();
    let cves = advisory.upstream.iter().filter(|id| id.starts_with("CVE-")).count();
    if cves >= 2 {
        related.extend(advisory.upstream.iter().cloned());
    } else {
        same.extend(advisory.upstream.iter().cloned());
    }
    (same, related)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specificity_order() {
        let pick = |eco: &str, ids: &[&str]| most_specific(eco, ids.iter().copied()).map(str::to_string);
        assert_eq!(pick("Debian:12", &["CVE-1", "DEBIAN-CVE-1", "GHSA-x"]).as_deref(), Some("DEBIAN-CVE-1"));
        assert_eq!(pick("Debian:12", &["DLA-4783-1", "GHSA-x"]).as_deref(), Some("DLA-4783-1"));
        assert_eq!(pick("Debian:12", &["DLA-1", "DEBIAN-CVE-1"]).as_deref(), Some("DEBIAN-CVE-1"));
        assert_eq!(pick("PyPI", &["GHSA-x", "PYSEC-2019-1", "CVE-1"]).as_deref(), Some("PYSEC-2019-1"));
        assert_eq!(pick("Go", &["GHSA-x", "GO-2023-1"]).as_deref(), Some("GO-2023-1"));
        assert_eq!(pick("crates.io", &["CVE-1", "RUSTSEC-2021-0003"]).as_deref(), Some("RUSTSEC-2021-0003"));
        assert_eq!(pick("npm", &["CVE-1", "GHSA-b", "GHSA-a"]).as_deref(), Some("GHSA-a"));
        assert_eq!(pick("npm", &["CVE-1", "OSV-2020-1", "GHSA-a"]).as_deref(), Some("OSV-2020-1"));
        assert_eq!(pick("npm", &[]), None);
    }
}
