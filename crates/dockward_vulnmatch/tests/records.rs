//! The matcher against small databases built from records written here: range
//! semantics, skipped records, bad versions, alias merging, severity, distributions.

use std::fs;
use std::path::Path;

use dockward_sbom::{Distro, Ecosystem, Inventory, Package};
use dockward_vulndb::{build, VulnDb};
use dockward_vulnmatch::{match_inventory, MatchOptions, MatchReport, MatchStatus, VulnMatch, VulnSeverity};
use serde_json::{json, Value};

/// A database of `records` (OSV JSON values) in a temporary directory.
struct Db {
    _dir: tempfile::TempDir,
    db: VulnDb,
}

fn db(records: &[Value]) -> Db {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("osv");
    fs::create_dir(&src).unwrap();
    for (i, r) in records.iter().enumerate() {
        fs::write(src.join(format!("{i}.json")), serde_json::to_vec(r).unwrap()).unwrap();
    }
    let out = dir.path().join("v.db");
    let report = build(&[src], &out).unwrap();
    assert_eq!(report.rejected, 0, "{:?}", report.warnings);
    let db = VulnDb::open(&out).unwrap();
    Db { _dir: dir, db }
}

/// One record: one affected package with the given ranges (and extra fields merged in).
fn record(id: &str, ecosystem: &str, name: &str, ranges: Value, extra: Value) -> Value {
    let mut r = json!({
        "id": id,
        "modified": "2024-01-01T00:00:00Z",
        "summary": format!("summary of {id}"),
        "affected": [{"package": {"ecosystem": ecosystem, "name": name}, "ranges": ranges}],
    });
    if let (Some(obj), Some(more)) = (r.as_object_mut(), extra.as_object()) {
        for (k, v) in more {
            if k == "affected_extra" {
                let entry = obj["affected"][0].as_object_mut().unwrap();
                for (ek, ev) in v.as_object().unwrap() {
                    entry.insert(ek.clone(), ev.clone());
                }
            } else {
                obj.insert(k.clone(), v.clone());
            }
        }
    }
    r
}

fn eco_range(events: Value) -> Value {
    json!([{"type": "ECOSYSTEM", "events": events}])
}

fn fixed_at(id: &str, ecosystem: &str, name: &str, fixed: &str) -> Value {
    record(id, ecosystem, name, eco_range(json!([{"introduced": "0"}, {"fixed": fixed}])), json!({}))
}

fn pkg(ecosystem: Ecosystem, name: &str, version: &str) -> Package {
    Package::new(ecosystem, name, version, "somewhere")
}

fn deb(name: &str, version: &str, source: &str, source_version: &str) -> Package {
    let mut p = pkg(Ecosystem::Deb, name, version);
    p.source_name = Some(source.into());
    p.source_version = Some(source_version.into());
    p
}

fn debian12() -> Option<Distro> {
    Some(Distro { id: "debian".into(), version_id: Some("12".into()), ..Distro::default() })
}

fn inventory(distro: Option<Distro>, packages: Vec<Package>) -> Inventory {
    Inventory { name: "test".into(), distro, packages, ..Inventory::default() }
}

fn run(db: &Db, inv: &Inventory) -> MatchReport {
    match_inventory(&db.db, inv, &MatchOptions::default())
}

/// (package index, advisory, fixed) of every match.
fn summary(report: &MatchReport) -> Vec<(usize, String, Option<String>)> {
    report.matches.iter().map(|m| (m.package, m.advisory.clone(), m.fixed.clone())).collect()
}

fn one<'a>(report: &'a MatchReport, advisory: &str) -> &'a VulnMatch {
    let found: Vec<&VulnMatch> = report.matches.iter().filter(|m| m.advisory == advisory).collect();
    assert_eq!(found.len(), 1, "{advisory}: {:#?}", report.matches);
    found[0]
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

#[test]
fn events_out_of_order_are_sorted_by_the_comparator() {
    let d = db(&[record(
        "PYSEC-1",
        "PyPI",
        "foo",
        eco_range(json!([{"fixed": "2.0.1"}, {"introduced": "2.0"}, {"fixed": "1.10"}, {"introduced": "0"}])),
        json!({}),
    )]);
    let inv = inventory(
        None,
        vec![
            pkg(Ecosystem::PyPi, "foo", "1.9"),
            pkg(Ecosystem::PyPi, "foo", "1.10"),
            pkg(Ecosystem::PyPi, "Foo", "2.0.0"),
        ],
    );
    let r = run(&d, &inv);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    // 1.9 < 1.10 by PEP 440 (a text sort would put "1.10" first); 2.0.0 == 2.0.
    assert_eq!(summary(&r), [(0, "PYSEC-1".into(), s("1.10")), (2, "PYSEC-1".into(), s("2.0.1"))]);
    assert!(r.matches.iter().all(|m| m.status == MatchStatus::Fixed));
}

#[test]
fn last_affected_limit_and_versions_lists() {
    let d = db(&[
        record(
            "GHSA-last",
            "npm",
            "left-pad",
            eco_range(json!([{"introduced": "1.0.0"}, {"last_affected": "1.3.0"}])),
            json!({}),
        ),
        record(
            "GHSA-limit",
            "npm",
            "right-pad",
            json!([{"type": "SEMVER", "events": [{"introduced": "0"}, {"limit": "2.0.0"}]}]),
            json!({}),
        ),
        record(
            "PYSEC-list",
            "PyPI",
            "listed",
            json!([{"type": "GIT", "repo": "https://x", "events": [{"introduced": "0"}, {"fixed": "abc"}]}]),
            json!({"affected_extra": {"versions": ["1.0", "1.1"]}}),
        ),
    ]);
    let inv = inventory(
        None,
        vec![
            pkg(Ecosystem::Npm, "left-pad", "1.3.0"),
            pkg(Ecosystem::Npm, "left-pad", "1.3.1"),
            pkg(Ecosystem::Npm, "left-pad", "0.9.0"),
            pkg(Ecosystem::Npm, "right-pad", "1.9.9"),
            pkg(Ecosystem::Npm, "right-pad", "2.0.0"),
            pkg(Ecosystem::PyPi, "listed", "1.0.0"),
            pkg(Ecosystem::PyPi, "listed", "1.2"),
        ],
    );
    let r = run(&d, &inv);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(
        summary(&r),
        [(0, "GHSA-last".into(), None), (3, "GHSA-limit".into(), None), (5, "PYSEC-list".into(), None)]
    );
    assert!(r.matches.iter().all(|m| m.status == MatchStatus::Unfixed));
}

#[test]
fn withdrawn_git_only_and_informational_records() {
    let rustsec_unmaintained = record(
        "RUSTSEC-2020-0001",
        "crates.io",
        "old",
        json!([{"type": "SEMVER", "events": [{"introduced": "0"}]}]),
        json!({"affected_extra": {"database_specific": {"informational": "unmaintained"}}}),
    );
    let d = db(&[
        record(
            "GO-withdrawn",
            "Go",
            "example.com/m",
            json!([{"type": "SEMVER", "events": [{"introduced": "0"}]}]),
            json!({"withdrawn": "2024-02-01T00:00:00Z"}),
        ),
        record(
            "PYSEC-git",
            "PyPI",
            "gitonly",
            json!([{"type": "GIT", "repo": "https://x", "events": [{"introduced": "0"}, {"fixed": "deadbeef"}]}]),
            json!({}),
        ),
        rustsec_unmaintained,
    ]);
    let inv = inventory(
        None,
        vec![
            pkg(Ecosystem::Go, "example.com/m", "v1.0.0"),
            pkg(Ecosystem::PyPi, "gitonly", "1.0"),
            pkg(Ecosystem::Crates, "old", "0.1.0"),
        ],
    );
    let r = run(&d, &inv);
    assert!(r.matches.is_empty(), "{:#?}", r.matches);
    assert!(r.problems.is_empty(), "{:?}", r.problems);

    let r = match_inventory(&d.db, &inv, &MatchOptions { informational: true });
    assert_eq!(summary(&r), [(2, "RUSTSEC-2020-0001".into(), None)]);
    assert_eq!(r.matches[0].informational.as_deref(), Some("unmaintained"));
}

#[test]
fn an_unparseable_installed_version_is_one_problem_and_no_match() {
    let d = db(&[fixed_at("PYSEC-1", "PyPI", "foo", "2.0")]);
    let inv = inventory(
        None,
        vec![
            pkg(Ecosystem::PyPi, "foo", "not a version!"),
            pkg(Ecosystem::PyPi, "foo", "not a version!"),
            // Nothing to compare with: no problem for this one.
            pkg(Ecosystem::PyPi, "bar", "also not one!"),
        ],
    );
    let r = run(&d, &inv);
    assert!(r.matches.is_empty());
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    assert_eq!(r.problems[0].package, Some(0));
    assert!(r.problems[0].message.contains("not a version!"), "{}", r.problems[0].message);
    assert!(
        r.problems[0].message.starts_with("PyPI foo: installed invalid pep440 version"),
        "{}",
        r.problems[0].message
    );
}

#[test]
fn an_unparseable_record_version_is_one_problem_and_that_entry_is_not_matched() {
    let d = db(&[
        fixed_at("PYSEC-bad", "PyPI", "foo", "2004d"),
        fixed_at("PYSEC-bad2", "PyPI", "foo", "2004d"),
        fixed_at("PYSEC-good", "PyPI", "foo", "3.0"),
    ]);
    let inv = inventory(None, vec![pkg(Ecosystem::PyPi, "foo", "1.0"), pkg(Ecosystem::PyPi, "foo", "1.1")]);
    let r = run(&d, &inv);
    assert_eq!(summary(&r), [(0, "PYSEC-good".into(), s("3.0")), (1, "PYSEC-good".into(), s("3.0"))]);
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    let message = &r.problems[0].message;
    assert!(message.contains("\"2004d\"") && message.contains("PYSEC-bad"), "{message}");
}

#[test]
fn alpine_fixed_zero_is_not_affected() {
    let d = db(&[
        record("ALPINE-1", "Alpine:v3.20", "musl", eco_range(json!([{"introduced": "0"}, {"fixed": "0"}])), json!({})),
        fixed_at("ALPINE-2", "Alpine:v3.20", "musl", "1.2.5-r1"),
    ]);
    let mut musl = pkg(Ecosystem::Apk, "musl", "1.2.5-r0");
    musl.source_name = Some("musl".into());
    musl.source_version = Some("1.2.5-r0".into());
    let distro = Distro { id: "alpine".into(), version_id: Some("3.20.3".into()), ..Distro::default() };
    let r = run(&d, &inventory(Some(distro), vec![musl]));
    assert_eq!(r.os_ecosystem.as_deref(), Some("Alpine:v3.20"));
    assert_eq!(summary(&r), [(0, "ALPINE-2".into(), s("1.2.5-r1"))]);
}

#[test]
fn os_packages_by_source_name_and_version_with_tracker_statuses() {
    let status = |id: &str, name: &str, tracker: &str| {
        record(
            id,
            "Debian:12",
            name,
            eco_range(json!([{"introduced": "0"}])),
            json!({"affected_extra": {"database_specific": {"debian_tracker_status": tracker}}}),
        )
    };
    let d = db(&[
        fixed_at("DEBIAN-CVE-2024-1", "Debian:12", "foo", "2.0-2"),
        // On the binary's name: never looked up.
        fixed_at("DEBIAN-CVE-2024-2", "Debian:12", "libfoo1", "9.0-1"),
        // Already fixed at the source version.
        fixed_at("DEBIAN-CVE-2024-3", "Debian:12", "foo", "2.0-1"),
        status("DEBIAN-CVE-2024-4", "foo", "<end-of-life>"),
        status("DEBIAN-CVE-2024-5", "foo", "postponed"),
        status("DEBIAN-CVE-2024-6", "foo", "not-affected"),
        status("DEBIAN-CVE-2024-7", "foo", "no-dsa"),
    ]);
    let inv = inventory(debian12(), vec![deb("libfoo1", "1:2.0-1+b1", "foo", "2.0-1")]);
    let r = run(&d, &inv);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.os_ecosystem.as_deref(), Some("Debian:12"));
    let got: Vec<(&str, MatchStatus, Option<&str>)> =
        r.matches.iter().map(|m| (m.advisory.as_str(), m.status, m.distro_status.as_deref())).collect();
    assert_eq!(
        got,
        [
            ("DEBIAN-CVE-2024-1", MatchStatus::Fixed, None),
            ("DEBIAN-CVE-2024-4", MatchStatus::WontFix, Some("end-of-life")),
            ("DEBIAN-CVE-2024-5", MatchStatus::Unfixed, Some("postponed")),
            ("DEBIAN-CVE-2024-7", MatchStatus::WontFix, Some("no-dsa")),
        ]
    );
    assert!(r.matches.iter().all(|m| m.installed == "2.0-1" && m.ecosystem == "Debian:12"));
}

#[test]
fn records_of_one_vulnerability_merge_under_the_most_specific_id() {
    let d = db(&[
        record(
            "PYSEC-2024-1",
            "PyPI",
            "foo",
            eco_range(json!([{"introduced": "0"}, {"fixed": "1.5"}])),
            json!({"aliases": ["CVE-2024-1"]}),
        ),
        // Same CVE, its own fix: merged, and the lower fixed version is shown.
        record(
            "GHSA-aaaa-bbbb-cccc",
            "PyPI",
            "foo",
            eco_range(json!([{"introduced": "0"}, {"fixed": "1.4"}])),
            json!({"aliases": ["CVE-2024-1"], "related": ["CVE-2023-9"]}),
        ),
        // Linked only through the GHSA record's alias chain: merged too.
        record(
            "OSV-2024-7",
            "PyPI",
            "foo",
            eco_range(json!([{"introduced": "0"}, {"fixed": "1.5"}])),
            json!({"aliases": ["GHSA-aaaa-bbbb-cccc"]}),
        ),
        // Another vulnerability.
        record(
            "GHSA-zzzz-zzzz-zzzz",
            "PyPI",
            "foo",
            eco_range(json!([{"introduced": "0"}, {"fixed": "2.0"}])),
            json!({"aliases": ["CVE-2024-2"]}),
        ),
    ]);
    let r = run(&d, &inventory(None, vec![pkg(Ecosystem::PyPi, "foo", "1.0")]));
    assert_eq!(r.matches.len(), 2, "{:#?}", r.matches);
    let m = one(&r, "PYSEC-2024-1");
    assert_eq!(m.aliases, ["CVE-2024-1", "GHSA-aaaa-bbbb-cccc", "OSV-2024-7"]);
    assert_eq!(m.related, ["CVE-2023-9"]);
    assert_eq!(m.fixed.as_deref(), Some("1.4"));
    assert_eq!(m.summary.as_deref(), Some("summary of PYSEC-2024-1"));
    let other = one(&r, "GHSA-zzzz-zzzz-zzzz");
    assert_eq!(other.aliases, ["CVE-2024-2"]);
}

#[test]
fn debian_related_and_bundled_upstream_ids_do_not_merge() {
    let debian = |id: &str, extra: Value| {
        record(id, "Debian:12", "perl", eco_range(json!([{"introduced": "0"}, {"fixed": "5.36.0-7+deb12u4"}])), extra)
    };
    let d = db(&[
        debian("DEBIAN-CVE-2026-1", json!({"upstream": ["CVE-2026-1"], "related": ["DLA-9-1"]})),
        debian("DEBIAN-CVE-2026-2", json!({"upstream": ["CVE-2026-2"], "related": ["DLA-9-1"]})),
        // The DLA itself, fixing both: a bundle, its own finding.
        debian("DLA-9-1", json!({"upstream": ["CVE-2026-1", "CVE-2026-2"]})),
        // A record that is the same vulnerability as its single upstream GHSA.
        debian("DLA-10-1", json!({"upstream": ["GHSA-xxxx-yyyy-zzzz"]})),
        debian("DEBIAN-GHSA", json!({"aliases": ["GHSA-xxxx-yyyy-zzzz"]})),
    ]);
    let inv = inventory(debian12(), vec![deb("perl-base", "5.36.0-7+deb12u3", "perl", "5.36.0-7+deb12u3")]);
    let r = run(&d, &inv);
    let ids: Vec<&str> = r.matches.iter().map(|m| m.advisory.as_str()).collect();
    assert_eq!(ids, ["DEBIAN-CVE-2026-1", "DEBIAN-CVE-2026-2", "DEBIAN-GHSA", "DLA-9-1"]);
    assert_eq!(one(&r, "DEBIAN-CVE-2026-1").aliases, ["CVE-2026-1"]);
    assert_eq!(one(&r, "DEBIAN-CVE-2026-1").related, ["DLA-9-1"]);
    assert_eq!(one(&r, "DLA-9-1").aliases, Vec::<String>::new());
    assert_eq!(one(&r, "DLA-9-1").related, ["CVE-2026-1", "CVE-2026-2"]);
    assert_eq!(one(&r, "DEBIAN-GHSA").aliases, ["DLA-10-1", "GHSA-xxxx-yyyy-zzzz"]);
}

#[test]
fn severity_vendor_first_then_label_then_cvss_then_alias_records() {
    const CRITICAL_VECTOR: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    const MEDIUM_VECTOR: &str = "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:N";
    let cvss = |v: &str| json!([{"type": "CVSS_V3", "score": v}]);
    let d = db(&[
        // Debian urgency beats the record's label and CVSS.
        record(
            "DEBIAN-CVE-2024-1",
            "Debian:12",
            "foo",
            eco_range(json!([{"introduced": "0"}])),
            json!({
                "severity": cvss(CRITICAL_VECTOR),
                "database_specific": {"severity": "CRITICAL"},
                "affected_extra": {"ecosystem_specific": {"urgency": "low"}},
            }),
        ),
        // `not yet assigned` says nothing: the CVSS score decides.
        record(
            "DEBIAN-CVE-2024-2",
            "Debian:12",
            "foo",
            eco_range(json!([{"introduced": "0"}])),
            json!({"severity": cvss(MEDIUM_VECTOR), "affected_extra": {"ecosystem_specific": {"urgency": "not yet assigned"}}}),
        ),
        // A GHSA label beats the CVSS score.
        record(
            "GHSA-1111-2222-3333",
            "npm",
            "bar",
            eco_range(json!([{"introduced": "0"}, {"fixed": "2.0.0"}])),
            json!({"severity": cvss(CRITICAL_VECTOR), "database_specific": {"severity": "MODERATE"}}),
        ),
        // No severity of its own: its alias's record (another ecosystem) gives it.
        record(
            "PYSEC-2024-9",
            "PyPI",
            "baz",
            eco_range(json!([{"introduced": "0"}, {"fixed": "2.0"}])),
            json!({"aliases": ["GHSA-4444-5555-6666"]}),
        ),
        record(
            "GHSA-4444-5555-6666",
            "Maven",
            "org.example:unrelated",
            eco_range(json!([{"introduced": "0"}])),
            json!({"severity": cvss(CRITICAL_VECTOR), "database_specific": {"severity": "HIGH"}}),
        ),
        // Nothing anywhere.
        fixed_at("PYSEC-2024-10", "PyPI", "baz", "3.0"),
    ]);
    let inv = inventory(
        debian12(),
        vec![
            deb("foo", "1.0-1", "foo", "1.0-1"),
            pkg(Ecosystem::Npm, "bar", "1.0.0"),
            pkg(Ecosystem::PyPi, "baz", "1.0"),
        ],
    );
    let r = run(&d, &inv);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    let sev = |id: &str| {
        let m = one(&r, id);
        (m.severity, m.severity_source.as_deref(), m.cvss_score, m.cvss_vector.as_deref())
    };
    assert_eq!(sev("DEBIAN-CVE-2024-1"), (VulnSeverity::Low, Some("debian-urgency"), Some(9.8), Some(CRITICAL_VECTOR)));
    assert_eq!(one(&r, "DEBIAN-CVE-2024-1").urgency.as_deref(), Some("low"));
    assert_eq!(sev("DEBIAN-CVE-2024-2"), (VulnSeverity::Medium, Some("cvss-v3"), Some(5.4), Some(MEDIUM_VECTOR)));
    assert_eq!(sev("GHSA-1111-2222-3333"), (VulnSeverity::Medium, Some("ghsa"), Some(9.8), Some(CRITICAL_VECTOR)));
    assert_eq!(sev("PYSEC-2024-9"), (VulnSeverity::High, Some("ghsa"), Some(9.8), Some(CRITICAL_VECTOR)));
    assert_eq!(sev("PYSEC-2024-10"), (VulnSeverity::Unknown, None, None, None));
}

#[test]
fn distributions_that_cannot_be_matched() {
    let d = db(&[fixed_at("DEBIAN-CVE-2024-1", "Debian:12", "foo", "2.0-1"), fixed_at("PYSEC-1", "PyPI", "py", "2.0")]);
    let packages = vec![deb("foo", "1.0-1", "foo", "1.0-1"), pkg(Ecosystem::PyPi, "py", "1.0")];

    // No distribution at all.
    let r = run(&d, &inventory(None, packages.clone()));
    assert_eq!(r.os_ecosystem, None);
    assert_eq!(summary(&r), [(1, "PYSEC-1".into(), s("2.0"))]);
    let messages: Vec<&str> = r.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(messages, ["no operating system detected: 1 OS package not matched"]);

    // A distribution OSV has no ecosystem for.
    let arch = Distro { id: "arch".into(), pretty_name: Some("Arch Linux".into()), ..Distro::default() };
    let r = run(&d, &inventory(Some(arch), packages.clone()));
    assert_eq!(r.os_ecosystem, None);
    assert_eq!(r.problems.len(), 1);
    assert!(r.problems[0].message.starts_with("Arch Linux is not in the database's ecosystems"), "{:?}", r.problems);
    assert_eq!(r.matches.len(), 1);

    // A release the database has no records for.
    let trixie = Distro { id: "debian".into(), version_id: Some("13".into()), ..Distro::default() };
    let r = run(&d, &inventory(Some(trixie), packages.clone()));
    assert_eq!(r.os_ecosystem, None);
    let messages: Vec<&str> = r.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(messages, ["the vulnerability database has no `Debian:13` records: 1 OS package not checked"]);

    // No OS packages, no distribution: nothing to say.
    let r = run(&d, &inventory(None, vec![pkg(Ecosystem::PyPi, "py", "1.0")]));
    assert!(r.problems.is_empty());

    // A language ecosystem the database lacks.
    let r = run(&d, &inventory(debian12(), vec![pkg(Ecosystem::Npm, "x", "1.0.0"), pkg(Ecosystem::Npm, "y", "1.0.0")]));
    assert_eq!(r.os_ecosystem.as_deref(), Some("Debian:12"));
    let messages: Vec<&str> = r.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(messages, ["the vulnerability database has no `npm` records: 2 packages not checked"]);
}

#[test]
fn go_stdlib_main_modules_and_maven_names() {
    let d = db(&[
        record(
            "GO-2023-1",
            "Go",
            "stdlib",
            json!([{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.19.9"}, {"introduced": "1.20.0-0"}, {"fixed": "1.20.4"}]}]),
            json!({}),
        ),
        fixed_at("GO-2023-2", "Go", "example.com/demo", "1.0.0"),
        record(
            "GO-2023-3",
            "Go",
            "github.com/x/y",
            json!([{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.4"}]}]),
            json!({}),
        ),
        fixed_at("RUSTSEC-2024-1", "crates.io", "demo", "9.0.0"),
        fixed_at("GHSA-mmmm-mmmm-mmmm", "Maven", "org.example:lib", "2.0"),
    ]);
    let mut main = pkg(Ecosystem::Go, "example.com/demo", "(devel)");
    main.extra.insert("main-module".into(), "true".into());
    let mut root_crate = pkg(Ecosystem::Crates, "demo", "0.1.0");
    root_crate.extra.insert("main-module".into(), "true".into());
    root_crate.extra.insert("source".into(), "local".into());
    let inv = inventory(
        None,
        vec![
            pkg(Ecosystem::Go, "stdlib", "go1.19.8"),
            pkg(Ecosystem::Go, "stdlib", "go1.20rc2"),
            pkg(Ecosystem::Go, "stdlib", "go1.20.4"),
            main,
            pkg(Ecosystem::Go, "github.com/x/y", "v1.2.3"),
            root_crate,
            pkg(Ecosystem::Maven, "org.example:lib", "1.9"),
            pkg(Ecosystem::Go, "stdlib", "devel go1.23-abc"),
        ],
    );
    let r = run(&d, &inv);
    assert_eq!(
        summary(&r),
        [
            (0, "GO-2023-1".into(), s("1.19.9")),
            (1, "GO-2023-1".into(), s("1.20.4")),
            (4, "GO-2023-3".into(), s("1.2.4")),
            (6, "GHSA-mmmm-mmmm-mmmm".into(), s("2.0")),
        ]
    );
    assert_eq!(r.matches[0].installed, "1.19.8");
    // go1.20rc2 is 1.20.0-rc.2, inside [1.20.0-0, 1.20.4) (`-0` is the lowest
    // pre-release); go1.20.4 is fixed; the (devel) main module and the local root
    // crate are not looked up although records name them.
    assert_eq!(r.matches[1].installed, "1.20.0-rc.2");
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    assert_eq!(r.problems[0].package, Some(7));
    assert!(r.problems[0].message.contains("devel go1.23-abc"), "{}", r.problems[0].message);
}

#[test]
fn the_report_serialises() {
    let d = db(&[fixed_at("PYSEC-1", "PyPI", "py", "2.0")]);
    let r = run(&d, &inventory(None, vec![pkg(Ecosystem::PyPi, "py", "1.0")]));
    let text = serde_json::to_value(&r).unwrap();
    assert_eq!(text["matches"][0]["status"], "fixed");
    assert_eq!(text["matches"][0]["severity"], "unknown");
    assert_eq!(text["os_ecosystem"], Value::Null);
    assert!(Path::new(d.db.path()).exists());
}
