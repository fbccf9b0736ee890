//! The database built from the shared corpus (`shared/corpus/vuln/osv/`, four
//! ecosystems, 8,184 records), checked against facts stated in the corpus README
//! and read from the records themselves.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use dockward_vulndb::{build_with, BuildOptions, BuildReport, Event, FixState, RangeType, SourceKind, VulnDb};

/// PyPI `affected[]` entries with at least one `GIT` range (1,391 ranges in all),
/// counted from the records.
const GIT_ENTRIES: u64 = 1385;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/vuln/osv")
}

/// 2026-12-01T00:00:00Z, so that the recorded build time is known.
fn build_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_083_200)
}

/// The corpus database, built once per test process.
fn corpus_db() -> &'static (PathBuf, BuildReport) {
    static DB: OnceLock<(PathBuf, BuildReport)> = OnceLock::new();
    DB.get_or_init(|| {
        // A fixed name: rebuilt (atomically replaced) by each run, not accumulated.
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vulndb-corpus.db");
        let options = BuildOptions { build_time: Some(build_time()), ..BuildOptions::default() };
        let report = build_with(&[corpus()], &out, &options).expect("the corpus builds");
        (out, report)
    })
}

fn open() -> VulnDb {
    VulnDb::open(&corpus_db().0).expect("the corpus database opens")
}

#[test]
fn build_report_counts() {
    let (_, report) = corpus_db();
    assert_eq!(report.advisories, 4291 + 2661 + 1206 + 26);
    assert_eq!(report.withdrawn, 17 + 10 + 13);
    assert_eq!((report.rejected, report.duplicates, report.skipped_affected), (0, 0, 0));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    // PyPI's GIT ranges are stored and flagged; no SEMVER or ECOSYSTEM range of the
    // corpus is out of order.
    assert_eq!(report.not_comparable_entries, GIT_ENTRIES);
    assert_eq!(report.suspect_entries, 0);
    assert_eq!(report.sources.len(), 1);
    assert_eq!(report.sources[0].kind, SourceKind::Directory);
    assert_eq!(report.sources[0].records, 8184);
    assert_eq!(report.sources[0].sha256.len(), 64);

    let counts: Vec<(&str, u64, u64, u64)> =
        report.ecosystems.iter().map(|e| (e.ecosystem.as_str(), e.advisories, e.packages, e.withdrawn)).collect();
    assert_eq!(
        counts,
        [("Debian:12", 26, 11, 0), ("Go", 4291, 1373, 17), ("PyPI", 2661, 664, 10), ("crates.io", 1206, 908, 13)]
    );
    assert_eq!(report.packages, 11 + 1373 + 664 + 908);

    println!(
        "corpus: {} JSON bytes -> {} database bytes (1/{:.2})",
        report.json_bytes,
        report.db_bytes,
        report.json_bytes as f64 / report.db_bytes as f64
    );
    // The target is a fifth; a quarter is the guard against a schema that bloats.
    assert!(report.db_bytes * 4 <= report.json_bytes, "{} vs {}", report.db_bytes, report.json_bytes);
}

#[test]
fn status() {
    let db = open();
    let status = db.status().unwrap();
    assert_eq!(status.built, "2026-12-01T00:00:00Z");
    assert_eq!(status.schema, dockward_vulndb::SCHEMA_VERSION);
    assert_eq!(status.advisories, 8184);
    assert_eq!(status.dockward_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(status.sources, corpus_db().1.sources);
    assert_eq!(status.ecosystems, corpus_db().1.ecosystems);
    assert_eq!(status.file_bytes, corpus_db().1.db_bytes);
    // Built "in the past" relative to any clock after 2026-12-01.
    if SystemTime::now() > build_time() {
        assert!(status.age.is_some());
    }
    db.verify().unwrap();
}

#[test]
fn debian_perl_thirteen_fixed() {
    let db = open();
    let entries = db.lookup("Debian:12", "perl").unwrap();
    assert_eq!(entries.len(), 13);
    for e in &entries {
        assert_eq!(e.status, FixState::Fixed, "{}", e.advisory_id);
        assert_eq!(e.ranges.len(), 1);
        assert_eq!(e.ranges[0].kind, RangeType::Ecosystem);
        assert_eq!(
            e.ranges[0].events,
            [Event::Introduced("0".into()), Event::Fixed("5.36.0-7+deb12u4".into())],
            "{}",
            e.advisory_id
        );
        assert!(!e.withdrawn && e.informational.is_none() && !e.notes.any());
        let adv = db.advisory(&e.advisory_id).unwrap().unwrap();
        assert!(adv.related.contains(&"DLA-4821-1".to_string()), "{}", e.advisory_id);
        assert_eq!(adv.upstream, [e.advisory_id.trim_start_matches("DEBIAN-").to_string()]);
    }
    let ids: Vec<&str> = entries.iter().map(|e| e.advisory_id.as_str()).collect();
    assert!(ids.contains(&"DEBIAN-CVE-2025-15649") && ids.contains(&"DEBIAN-CVE-2026-57433"));
    // Sorted by id.
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn debian_apt_fixed_and_unfixed() {
    let db = open();
    let entries = db.lookup("Debian:12", "apt").unwrap();
    let ids: Vec<&str> = entries.iter().map(|e| e.advisory_id.as_str()).collect();
    assert_eq!(ids, ["DEBIAN-CVE-2011-3374", "DEBIAN-CVE-2026-109518"]);
    let unfixed = &entries[0];
    assert_eq!(unfixed.status, FixState::Unfixed);
    assert_eq!(unfixed.urgency.as_deref(), Some("unimportant"));
    assert_eq!(unfixed.tracker_status.as_deref(), Some("unfixed"));
    assert_eq!(unfixed.ranges[0].events, [Event::Introduced("0".into())]);
    let fixed = &entries[1];
    assert_eq!(fixed.status, FixState::Fixed);
    assert_eq!(fixed.ranges[0].events.last(), Some(&Event::Fixed("2.6.2".into())));
    assert_eq!(fixed.urgency, None);
    // The other way of asking: names are exact outside PyPI.
    assert!(db.lookup("Debian:12", "APT").unwrap().is_empty());
    assert!(db.lookup("Debian:11", "apt").unwrap().is_empty());
}

#[test]
fn debian_wont_fix_and_unfixed_statuses() {
    let db = open();
    let one = |name: &str| {
        let mut e = db.lookup("Debian:12", name).unwrap();
        assert_eq!(e.len(), 1, "{name}");
        e.remove(0)
    };
    let ncurses = one("ncurses");
    assert_eq!((ncurses.status, ncurses.tracker_status.as_deref()), (FixState::WontFix, Some("no-dsa")));
    let coreutils = one("coreutils");
    assert_eq!((coreutils.status, coreutils.urgency.as_deref()), (FixState::WontFix, Some("low")));
    assert_eq!(coreutils.tracker_status.as_deref(), Some("ignored"));
    let util_linux = one("util-linux");
    assert_eq!((util_linux.status, util_linux.urgency.as_deref()), (FixState::Unfixed, Some("unimportant")));
    let gcrypt = one("libgcrypt20");
    assert_eq!((gcrypt.status, gcrypt.urgency.as_deref()), (FixState::Unfixed, None));
    let xz = one("xz-utils");
    assert_eq!((xz.advisory_id.as_str(), xz.status), ("DLA-4783-1", FixState::Fixed));
    let dla = db.advisory("DLA-4783-1").unwrap().unwrap();
    assert_eq!(dla.upstream, ["GHSA-5qpq-xqfv-j9pg"]);
    assert!(dla.references.iter().all(|u| u.starts_with("https://")));
}

#[test]
fn pypi_names_are_normalised() {
    let db = open();
    let entries = db.lookup("PyPI", "Jinja2").unwrap();
    let ids: Vec<&str> = entries.iter().map(|e| e.advisory_id.as_str()).collect();
    assert_eq!(ids, ["PYSEC-2014-8", "PYSEC-2014-82", "PYSEC-2019-217", "PYSEC-2019-220", "PYSEC-2021-66"]);
    assert_eq!(db.lookup("PyPI", "jinja2").unwrap(), entries);
    assert_eq!(db.lookup("PyPI", " JINJA2 ").unwrap(), entries);
    let e = &entries[2];
    assert_eq!(e.name, "jinja2");
    assert_eq!(e.ranges[0].events, [Event::Introduced("0".into()), Event::Fixed("2.10.1".into())]);
    assert_eq!(e.versions.len(), 31);
    assert!(e.versions.contains(&"2.10".to_string()) && e.versions.contains(&"2.0rc1".to_string()));
    let adv = db.advisory("PYSEC-2019-217").unwrap().unwrap();
    assert_eq!(adv.references.len(), dockward_vulndb::MAX_REFERENCES);
    // Twenty references: the four ADVISORY ones in the record's order, then the first WEB one.
    assert_eq!(adv.references[0], "https://access.redhat.com/errata/RHSA-2019:1152");
    assert_eq!(adv.references[3], "https://github.com/advisories/GHSA-462w-v97r-4m45");
    assert!(adv.references[4].starts_with("https://lists.apache.org/thread.html/b2380d147b508"));
    // zope.interface and friends: separators fold too.
    let names = db.packages("PyPI").unwrap();
    assert!(names.iter().all(|n| n.chars().all(|c| !c.is_uppercase() && c != '_' && c != '.')), "{names:?}");
}

#[test]
fn go_stdlib_has_the_readme_advisories() {
    let db = open();
    let entries = db.lookup("Go", "stdlib").unwrap();
    assert_eq!(entries.len(), 168);
    let ids: BTreeSet<&str> = entries.iter().map(|e| e.advisory_id.as_str()).collect();
    // The README's expected findings for go1.19.8 are all stdlib entries.
    for id in [
        "GO-2023-1751",
        "GO-2023-2382",
        "GO-2024-2598",
        "GO-2024-3107",
        "GO-2025-3373",
        "GO-2025-4175",
        "GO-2026-4337",
        "GO-2026-6218",
    ] {
        assert!(ids.contains(id), "{id}");
    }
    assert!(entries.iter().all(|e| e.ranges.iter().all(|r| r.kind == RangeType::Semver)));
    assert!(entries.iter().all(|e| !e.notes.any()));
    assert!(!db.lookup("Go", "toolchain").unwrap().is_empty());
}

#[test]
fn crates_smallvec() {
    let db = open();
    let entries = db.lookup("crates.io", "smallvec").unwrap();
    let ids: Vec<&str> = entries.iter().map(|e| e.advisory_id.as_str()).collect();
    assert_eq!(
        ids,
        ["RUSTSEC-2018-0003", "RUSTSEC-2018-0018", "RUSTSEC-2019-0009", "RUSTSEC-2019-0012", "RUSTSEC-2021-0003"]
    );
    let e = &entries[4];
    assert_eq!(
        e.ranges[0].events,
        [
            Event::Introduced("0.6.3".into()),
            Event::Fixed("0.6.14".into()),
            Event::Introduced("1.0.0".into()),
            Event::Fixed("1.6.1".into())
        ]
    );
    assert_eq!(e.severity.cvss_score, Some(9.8));
    let adv = db.advisory("RUSTSEC-2021-0003").unwrap().unwrap();
    assert_eq!(adv.aliases, ["CVE-2021-25900", "GHSA-43w2-9j62-hq99"]);
    assert_eq!(adv.summary.as_deref(), Some("Buffer overflow in SmallVec::insert_many"));
    assert_eq!(adv.severity.cvss_vector.as_deref(), Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));
    assert_eq!(adv.severity.cvss_score, Some(9.8));
    assert_eq!(adv.published.as_deref(), Some("2021-01-08T12:00:00Z"));
    assert_eq!(adv.modified, "2026-07-17T15:52:38Z");
    assert_eq!(adv.withdrawn, None);
    // ADVISORY first, then the rest in the record's order.
    assert_eq!(
        adv.references,
        [
            "https://rustsec.org/advisories/RUSTSEC-2021-0003.html",
            "https://github.com/servo/rust-smallvec/issues/252",
            "https://crates.io/crates/smallvec"
        ]
    );
    let v4 = db.advisory("RUSTSEC-2024-0445").unwrap().unwrap();
    assert!(v4.cvss_v4.as_deref().is_some_and(|v| v.starts_with("CVSS:4.0/")));
}

#[test]
fn rustsec_informational_entries() {
    let db = open();
    let mut counts = std::collections::BTreeMap::new();
    for name in db.packages("crates.io").unwrap() {
        for e in db.lookup("crates.io", &name).unwrap() {
            if let Some(kind) = e.informational {
                *counts.entry(kind).or_insert(0) += 1;
            }
        }
    }
    let counts: Vec<(String, i32)> = counts.into_iter().collect();
    assert_eq!(counts, [("notice".to_string(), 6), ("unmaintained".to_string(), 267), ("unsound".to_string(), 203)]);
}

#[test]
fn pypi_git_ranges_with_bad_commits_still_load() {
    let db = open();
    for id in [
        "PYSEC-2017-27",
        "PYSEC-2019-155",
        "PYSEC-2021-371",
        "PYSEC-2021-424",
        "PYSEC-2021-425",
        "PYSEC-2021-436",
        "PYSEC-2023-80",
    ] {
        let text = std::fs::read_to_string(corpus().join("PyPI").join(format!("{id}.json"))).unwrap();
        let record: serde_json::Value = serde_json::from_str(&text).unwrap();
        let name = record["affected"][0]["package"]["name"].as_str().unwrap();
        assert!(db.advisory(id).unwrap().is_some(), "{id}");
        let entries = db.lookup("PyPI", name).unwrap();
        let e = entries.iter().find(|e| e.advisory_id == id).unwrap_or_else(|| panic!("{id} under {name}"));
        assert!(e.notes.not_comparable, "{id}");
        assert!(e.ranges.iter().any(|r| r.kind == RangeType::Git), "{id}");
        assert!(e.ranges.iter().any(|r| r.kind == RangeType::Ecosystem), "{id}");
        // The fix is named by the ECOSYSTEM range, not by the GIT one.
        assert_eq!(e.status, FixState::Fixed, "{id}");
    }
}

#[test]
fn withdrawn_records_are_stored_and_flagged() {
    let db = open();
    let adv = db.advisory("GO-2022-0617").unwrap().unwrap();
    assert_eq!(adv.withdrawn.as_deref(), Some("2024-08-21T16:25:56Z"));
    let entries = db.lookup("Go", "k8s.io/kubernetes").unwrap();
    let e = entries.iter().find(|e| e.advisory_id == "GO-2022-0617").unwrap();
    assert!(e.withdrawn);
    assert!(entries.iter().any(|e| !e.withdrawn));
    assert_eq!(db.advisory("GO-1999-0000").unwrap(), None);
    assert!(db.lookup("Go", "example.com/nothing").unwrap().is_empty());
    assert!(db.lookup("NoSuchEcosystem", "x").unwrap().is_empty());
}

/// Not a benchmark: prints the rate under `--nocapture` and asserts nothing about time.
#[test]
fn lookup_rate() {
    let db = open();
    let mut queries = Vec::new();
    for eco in db.status().unwrap().ecosystems {
        for name in db.packages(&eco.ecosystem).unwrap() {
            queries.push((eco.ecosystem.clone(), format!("{name}~missing")));
            queries.push((eco.ecosystem.clone(), name));
        }
    }
    let start = Instant::now();
    let mut entries = 0;
    for (eco, name) in &queries {
        entries += db.lookup(eco, name).unwrap().len();
    }
    let elapsed = start.elapsed();
    assert_eq!(entries as u64, corpus_db().1.affected);
    println!(
        "{} lookups (half misses), {} entries, {:.1?}: {:.0} lookups/s (debug build)",
        queries.len(),
        entries,
        elapsed,
        queries.len() as f64 / elapsed.as_secs_f64()
    );
}
