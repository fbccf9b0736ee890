//! The matcher over the shared corpus (`shared/corpus/vuln/`): the database built from
//! all four `osv/` folders, the inventories read from the stored image files and
//! binaries, and the results compared exactly with the corpus's expected findings.

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use dockward_sbom::{inventory_dir, Ecosystem, Inventory};
use dockward_vulndb::{build, normalize_name, VulnDb};
use dockward_vulnmatch::{match_inventory, MatchOptions, MatchReport, MatchStatus, VulnMatch};
use serde_json::Value;

fn vuln_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/vuln")
}

/// The corpus database, built once per test process.
fn corpus_db() -> &'static Path {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        // A fixed name: rebuilt (atomically replaced) by each run, not accumulated.
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vulnmatch-corpus.db");
        build(&[vuln_corpus().join("osv")], &out).expect("the corpus builds");
        out
    })
}

fn open() -> VulnDb {
    VulnDb::open(corpus_db()).expect("the corpus database opens")
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else if kind.is_file() {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn install_binary(from: &Path, root: &Path, at: &str) {
    let target = root.join(at);
    fs::create_dir_all(target.parent().unwrap()).unwrap();
    fs::copy(from, &target).unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o755)).unwrap();
}

fn minbase_inventory() -> Inventory {
    inventory_dir(&vuln_corpus().join("images/debian12-minbase/rootfs")).unwrap()
}

/// The python image as one tree: the minbase layer, the python layer's metadata and
/// the Go binary at `usr/local/bin/demo`.
fn python_inventory() -> (tempfile::TempDir, Inventory) {
    let tmp = tempfile::tempdir().unwrap();
    let images = vuln_corpus().join("images");
    copy_tree(&images.join("debian12-minbase/rootfs"), tmp.path());
    copy_tree(&images.join("debian12-python/layer2"), tmp.path());
    install_binary(&vuln_corpus().join("binaries/go/demo-go1.19.8"), tmp.path(), "usr/local/bin/demo");
    let inventory = inventory_dir(tmp.path()).unwrap();
    (tmp, inventory)
}

fn binary_inventory(binary: &str) -> Inventory {
    let tmp = tempfile::tempdir().unwrap();
    install_binary(&vuln_corpus().join("binaries").join(binary), tmp.path(), "usr/local/bin/demo");
    inventory_dir(tmp.path()).unwrap()
}

fn status_word(status: MatchStatus) -> &'static str {
    match status {
        MatchStatus::Fixed => "fixed",
        MatchStatus::Unfixed => "unfixed",
        MatchStatus::WontFix => "wont-fix",
    }
}

/// (package name, advisory, status, fixed) of each match; PyPI names PEP 503-normalised
/// as the expected files write them.
type Key = (String, String, String, Option<String>);

fn key_of(inventory: &Inventory, m: &VulnMatch) -> Key {
    let p = &inventory.packages[m.package];
    let name =
        if p.ecosystem == Ecosystem::PyPi { normalize_name("PyPI", &p.name).into_owned() } else { p.name.clone() };
    (name, m.advisory.clone(), status_word(m.status).to_string(), m.fixed.clone())
}

fn expected_key(f: &Value) -> Key {
    (
        f["package"].as_str().unwrap().to_string(),
        f["advisory"].as_str().unwrap().to_string(),
        f["status"].as_str().unwrap_or("fixed").to_string(),
        f["fixed_version"].as_str().map(str::to_string),
    )
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

fn expected(image: &str) -> Value {
    let path = vuln_corpus().join("images").join(image).join("expected-findings.json");
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

/// Compares a report with an expected-findings file exactly, ids included.
fn check_image(inventory: &Inventory, report: &MatchReport, expected: &Value) {
    let findings = expected["findings"].as_array().unwrap();
    let want: BTreeSet<Key> = findings.iter().map(expected_key).collect();
    let got: Vec<Key> = report.matches.iter().map(|m| key_of(inventory, m)).collect();
    let got_set: BTreeSet<Key> = got.iter().cloned().collect();
    assert_eq!(got.len(), got_set.len(), "a (package, advisory) pair is reported twice");
    let missing: Vec<&Key> = want.difference(&got_set).collect();
    let extra: Vec<&Key> = got_set.difference(&want).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing {missing:#?}\nextra {extra:#?}");
    assert_eq!(report.matches.len(), expected["total"].as_u64().unwrap() as usize);

    for f in findings {
        let key = expected_key(f);
        let m = report.matches.iter().find(|m| key_of(inventory, m) == key).unwrap();
        let p = &inventory.packages[m.package];
        assert_eq!(m.ecosystem, f["ecosystem"].as_str().unwrap());
        if m.ecosystem == "Debian:12" {
            // OS packages: the source version was compared, and the ids are the
            // record's upstream (same vulnerability) and related (the DLA).
            assert_eq!(Some(m.installed.as_str()), f["source_version"].as_str());
            assert_eq!(p.version, f["version"].as_str().unwrap());
            assert_eq!(p.source_name.as_deref(), f["source"].as_str());
            assert_eq!(m.aliases.iter().cloned().collect::<BTreeSet<_>>(), strings(&f["upstream"]), "{key:?}");
            assert_eq!(m.related.iter().cloned().collect::<BTreeSet<_>>(), strings(&f["related"]), "{key:?}");
            assert_eq!(m.urgency.as_deref(), f["urgency"].as_str(), "{key:?}");
            let tracker = f["debian_tracker_status"].as_str();
            let want_distro = tracker.or((m.urgency.as_deref() == Some("unimportant")).then_some("unimportant"));
            assert_eq!(m.distro_status.as_deref(), want_distro, "{key:?}");
        } else {
            assert_eq!(m.installed, f["version"].as_str().unwrap());
            assert_eq!(m.aliases.iter().cloned().collect::<BTreeSet<_>>(), strings(&f["aliases"]), "{key:?}");
            // `related` (GO-2023-2102 names CVE-2023-44487) is not in the expected
            // files; it must not overlap the aliases.
            assert!(m.related.iter().all(|r| !m.aliases.contains(r)), "{key:?}");
        }
        assert_eq!(p.layer, None, "a directory has no layers");
        if let Some(location) = f["location"].as_str() {
            assert_eq!(p.location, location);
        }
        assert!(m.aliases.windows(2).all(|w| w[0] < w[1]), "aliases sorted and unique: {:?}", m.aliases);
        assert!(!m.aliases.contains(&m.advisory));
    }
}

fn count(report: &MatchReport, ecosystem: &str, status: MatchStatus) -> usize {
    report.matches.iter().filter(|m| m.ecosystem == ecosystem && m.status == status).count()
}

#[test]
fn debian12_minbase_exactly_the_expected_43() {
    let db = open();
    let inventory = minbase_inventory();
    let report = match_inventory(&db, &inventory, &MatchOptions::default());
    assert_eq!(report.os_ecosystem.as_deref(), Some("Debian:12"));
    assert!(report.problems.is_empty(), "{:#?}", report.problems);
    check_image(&inventory, &report, &expected("debian12-minbase"));
    assert_eq!(count(&report, "Debian:12", MatchStatus::Fixed), 28);
    assert_eq!(count(&report, "Debian:12", MatchStatus::Unfixed), 11);
    assert_eq!(count(&report, "Debian:12", MatchStatus::WontFix), 4);
    let sorted = report.matches.windows(2).all(|w| (w[0].package, &w[0].advisory) < (w[1].package, &w[1].advisory));
    assert!(sorted, "sorted by (package, advisory)");
    // tzdata has newer versions in bookworm-security but no security record.
    assert!(report.matches.iter().all(|m| inventory.packages[m.package].name != "tzdata"));
}

#[test]
fn debian_severity_status_and_details() {
    let db = open();
    let inventory = minbase_inventory();
    let report = match_inventory(&db, &inventory, &MatchOptions::default());
    let find = |package: &str, advisory: &str| {
        report
            .matches
            .iter()
            .find(|m| inventory.packages[m.package].name == package && m.advisory == advisory)
            .unwrap_or_else(|| panic!("{package} {advisory}"))
    };
    let apt = find("apt", "DEBIAN-CVE-2011-3374");
    assert_eq!((apt.status, apt.severity), (MatchStatus::Unfixed, dockward_vulnmatch::VulnSeverity::Negligible));
    assert_eq!(apt.severity_source.as_deref(), Some("debian-urgency"));
    assert_eq!(apt.installed, "2.6.1");
    let coreutils = find("coreutils", "DEBIAN-CVE-2016-2781");
    assert_eq!((coreutils.status, coreutils.severity), (MatchStatus::WontFix, dockward_vulnmatch::VulnSeverity::Low));
    assert_eq!(coreutils.distro_status.as_deref(), Some("ignored"));
    let ncurses = find("libtinfo6", "DEBIAN-CVE-2023-50495");
    assert_eq!((ncurses.status, ncurses.distro_status.as_deref()), (MatchStatus::WontFix, Some("no-dsa")));
    assert_eq!(
        (ncurses.severity, ncurses.severity_source.as_deref()),
        (dockward_vulnmatch::VulnSeverity::Unknown, None)
    );
    // bsdutils 1:2.38.1-5+deb12u3 is built from util-linux 2.38.1-5+deb12u3 (no epoch).
    let bsdutils = find("bsdutils", "DEBIAN-CVE-2022-0563");
    assert_eq!(bsdutils.installed, "2.38.1-5+deb12u3");
    assert_eq!(inventory.packages[bsdutils.package].version, "1:2.38.1-5+deb12u3");
    let xz = find("liblzma5", "DLA-4783-1");
    assert_eq!(xz.aliases, ["GHSA-5qpq-xqfv-j9pg"]);
    assert_eq!(xz.fixed.as_deref(), Some("5.4.1-1+deb12u2"));
    let pcre = find("libpcre2-8-0", "DEBIAN-CVE-2026-103111");
    assert_eq!(pcre.aliases, ["CVE-2026-103111", "GHSA-r9hj-j2rw-4q3m"]);
    assert_eq!(pcre.related, ["DLA-4816-1"]);
    assert!(pcre.summary.is_some());
    assert!(!pcre.references.is_empty());
}

#[test]
fn debian12_python_exactly_the_expected_134() {
    let db = open();
    let (_tmp, inventory) = python_inventory();
    let report = match_inventory(&db, &inventory, &MatchOptions::default());
    assert_eq!(report.os_ecosystem.as_deref(), Some("Debian:12"));
    assert!(report.problems.is_empty(), "{:#?}", report.problems);
    check_image(&inventory, &report, &expected("debian12-python"));
    assert_eq!(count(&report, "Debian:12", MatchStatus::Fixed), 28);
    assert_eq!(count(&report, "PyPI", MatchStatus::Fixed), 11);
    assert_eq!(count(&report, "Go", MatchStatus::Fixed), 80);
    assert_eq!(report.matches.len(), 134);
    // The main module `example.com/demo (devel)` is in the inventory, not matched.
    assert!(inventory.packages.iter().any(|p| p.name == "example.com/demo" && p.version == "(devel)"));
    assert!(report.matches.iter().all(|m| inventory.packages[m.package].name != "example.com/demo"));
}

fn expected_modules() -> Value {
    serde_json::from_slice(&fs::read(vuln_corpus().join("binaries/expected-modules.json")).unwrap()).unwrap()
}

fn check_binary(report: &MatchReport, inventory: &Inventory, expected: &Value) {
    let want: BTreeSet<(String, String, Option<String>, BTreeSet<String>)> = expected["expected_findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["package"].as_str().unwrap().to_string(),
                f["advisory"].as_str().unwrap().to_string(),
                f["fixed_version"].as_str().map(str::to_string),
                strings(&f["aliases"]),
            )
        })
        .collect();
    let got: BTreeSet<(String, String, Option<String>, BTreeSet<String>)> = report
        .matches
        .iter()
        .map(|m| {
            (
                inventory.packages[m.package].name.clone(),
                m.advisory.clone(),
                m.fixed.clone(),
                m.aliases.iter().cloned().collect(),
            )
        })
        .collect();
    assert_eq!(got.len(), report.matches.len());
    assert_eq!(got, want);
    assert!(report.matches.iter().all(|m| m.status == MatchStatus::Fixed));
}

#[test]
fn binaries_match_expected_modules() {
    let db = open();
    let expected = expected_modules();

    let go = binary_inventory("go/demo-go1.19.8");
    let report = match_inventory(&db, &go, &MatchOptions::default());
    assert!(report.problems.is_empty(), "{:#?}", report.problems);
    assert_eq!(report.os_ecosystem, None);
    assert_eq!(report.matches.len(), 80);
    check_binary(&report, &go, &expected["go/demo-go1.19.8"]);
    assert!(report.matches.iter().all(|m| m.installed == "1.19.8"));

    let rust = binary_inventory("rust/demo-cargo-auditable");
    let report = match_inventory(&db, &rust, &MatchOptions::default());
    assert!(report.problems.is_empty(), "{:#?}", report.problems);
    check_binary(&report, &rust, &expected["rust/demo-cargo-auditable"]);
    let m = &report.matches[0];
    assert_eq!(
        (m.advisory.as_str(), m.installed.as_str(), m.fixed.as_deref()),
        ("RUSTSEC-2021-0003", "1.6.0", Some("1.6.1"))
    );
    assert_eq!(m.aliases, ["CVE-2021-25900", "GHSA-43w2-9j62-hq99"]);
    assert_eq!(m.informational, None);
}

#[test]
fn matching_is_deterministic() {
    let db = open();
    let (_tmp, inventory) = python_inventory();
    let a = match_inventory(&db, &inventory, &MatchOptions::default());
    let b = match_inventory(&VulnDb::open(corpus_db()).unwrap(), &inventory, &MatchOptions::default());
    assert_eq!(a, b);
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
}

/// For the bench: matches per second over the python image (run with `--ignored
/// --nocapture`; nothing about time is asserted).
#[test]
#[ignore = "a measurement, not a check"]
fn match_rate_python_image() {
    let db = open();
    let (_tmp, inventory) = python_inventory();
    let rounds = 20;
    let start = Instant::now();
    let mut matches = 0;
    for _ in 0..rounds {
        matches += match_inventory(&db, &inventory, &MatchOptions::default()).matches.len();
    }
    let elapsed = start.elapsed();
    println!(
        "{rounds} matches of {} packages ({} findings each) in {elapsed:.1?}: {:.1} ms per image, {:.0} findings/s, {:.0} packages/s",
        inventory.packages.len(),
        matches / rounds,
        elapsed.as_secs_f64() * 1000.0 / rounds as f64,
        matches as f64 / elapsed.as_secs_f64(),
        (inventory.packages.len() * rounds) as f64 / elapsed.as_secs_f64(),
    );
}

/// Every package of the language ecosystems in the corpus at a few versions: no panic,
/// and the only problems are the two PyPI records whose ECOSYSTEM ranges hold a
/// version PEP 440 refuses, and `v2.3.4`, which is no Go toolchain version.
#[test]
fn every_corpus_package_at_a_few_versions() {
    let db = open();
    let mut packages = Vec::new();
    for (eco, osv) in [(Ecosystem::PyPi, "PyPI"), (Ecosystem::Go, "Go"), (Ecosystem::Crates, "crates.io")] {
        for name in db.packages(osv).unwrap() {
            for version in ["0.0.1", "1.0.0", "v2.3.4", "999.0"] {
                packages.push(dockward_sbom::Package::new(eco, name.clone(), version, "x"));
            }
        }
    }
    let inventory = Inventory { name: "all".into(), packages, ..Inventory::default() };
    let report = match_inventory(&db, &inventory, &MatchOptions::default());
    assert!(report.matches.len() > 1000, "{}", report.matches.len());
    let problems: Vec<&str> = report.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].starts_with("PyPI binderhub: invalid pep440 version \"0.2.0-n653\""), "{}", problems[0]);
    assert!(problems[0].ends_with("in PYSEC-2021-371: that record is not matched"), "{}", problems[0]);
    assert!(problems[1].starts_with("PyPI steam: invalid pep440 version \"2019-09-12\""), "{}", problems[1]);
    assert!(problems[2].starts_with("Go stdlib: invalid go version \"v2.3.4\""), "{}", problems[2]);
}
