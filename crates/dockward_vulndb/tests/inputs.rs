//! Building from small made-up inputs: directories, zips and files with bad records,
//! duplicates, odd ecosystems and ranges; and opening files that are not (or no
//! longer) good databases.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use dockward_vulndb::{build, build_with, BuildOptions, DbError, Event, FixState, SourceKind, SourceLimits, VulnDb};

fn record(id: &str, modified: &str, ecosystem: &str, name: &str, events: &str) -> String {
    format!(
        r#"{{"id":"{id}","modified":"{modified}","summary":"s {id}","details":"long text",
        "affected":[{{"package":{{"ecosystem":"{ecosystem}","name":"{name}"}},
        "ranges":[{{"type":"ECOSYSTEM","events":{events}}}]}}]}}"#
    )
}

fn fixed(id: &str, ecosystem: &str, name: &str, version: &str) -> String {
    record(id, "2024-01-01T00:00:00Z", ecosystem, name, &format!(r#"[{{"introduced":"0"}},{{"fixed":"{version}"}}]"#))
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, text).unwrap();
}

fn zip_of(path: &Path, entries: &[(&str, &str)]) {
    let mut zip = zip::ZipWriter::new(fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in entries {
        if name.ends_with('/') {
            zip.add_directory(*name, options).unwrap();
        } else {
            zip.start_file(*name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
    }
    zip.finish().unwrap();
}

#[test]
fn directory_skips_non_json_and_locates_bad_records() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("osv");
    write(&src.join("LICENSE"), "not json");
    write(&src.join("README.md"), "# hi");
    write(&src.join("a/GHSA-1.json"), &fixed("GHSA-1", "PyPI", "Foo_Bar", "1.0"));
    write(&src.join("a/b/X-2.json"), &fixed("X-2", "npm", "@scope/Pkg", "2.0.0"));
    write(&src.join(".git/X-9.json"), &fixed("X-9", "npm", "hidden", "1"));
    write(&src.join("bad-json.json"), "{\"id\": \"X-3\", ");
    write(&src.join("no-id.json"), r#"{"modified":"2024-01-01T00:00:00Z"}"#);
    write(
        &src.join("two-keys.json"),
        &record("X-4", "2024-01-01T00:00:00Z", "PyPI", "a", r#"[{"introduced":"0","fixed":"1"}]"#),
    );
    write(
        &src.join("list.json"),
        &format!(
            "[{}, {{\"id\": 5}}, {}]",
            fixed("L-1", "Go", "example.com/m", "1.2.3"),
            fixed("L-2", "Go", "example.com/m", "1.3.0")
        ),
    );
    let out = tmp.path().join("v.db");
    let report = build(std::slice::from_ref(&src), &out).unwrap();
    assert_eq!(report.advisories, 4, "{:?}", report.warnings);
    assert_eq!(report.rejected, 4);
    let locations: Vec<String> = report.warnings.iter().map(|w| w.location.clone()).collect();
    let expect = |suffix: &str| {
        let w = report.warnings.iter().find(|w| w.location.ends_with(suffix));
        w.unwrap_or_else(|| panic!("no warning at {suffix}: {locations:?}")).message.clone()
    };
    assert!(expect("bad-json.json").contains("EOF"), "{}", expect("bad-json.json"));
    assert!(expect("no-id.json").contains("missing field `id`"));
    assert!(expect("two-keys.json").contains("exactly one"));
    assert!(expect("list.json#1").contains("invalid type"));
    assert_eq!(report.sources[0].kind, SourceKind::Directory);
    assert_eq!(report.sources[0].records, 4);

    let db = VulnDb::open(&out).unwrap();
    let foo = db.lookup("PyPI", "foo-bar").unwrap();
    assert_eq!(foo.len(), 1);
    assert_eq!(foo[0].name, "Foo_Bar");
    assert_eq!(db.lookup("PyPI", "FOO.bar").unwrap(), foo);
    assert_eq!(db.lookup("npm", "@scope/Pkg").unwrap().len(), 1);
    assert!(db.lookup("npm", "@scope/pkg").unwrap().is_empty());
    assert_eq!(db.lookup("Go", "example.com/m").unwrap().len(), 2);
    assert!(db.lookup("npm", "hidden").unwrap().is_empty());
    // Details are parsed but not stored; the summary is.
    assert_eq!(db.advisory("GHSA-1").unwrap().unwrap().summary.as_deref(), Some("s GHSA-1"));

    // The same tree hashes the same; a changed file changes the hash.
    let again = build(std::slice::from_ref(&src), &tmp.path().join("w.db")).unwrap();
    assert_eq!(again.sources[0].sha256, report.sources[0].sha256);
    write(&src.join("a/b/X-2.json"), &fixed("X-2", "npm", "@scope/Pkg", "2.0.1"));
    let changed = build(&[src], &tmp.path().join("w.db")).unwrap();
    assert_ne!(changed.sources[0].sha256, report.sources[0].sha256);
}

#[test]
fn zip_input_matches_directory_input() {
    let tmp = tempfile::tempdir().unwrap();
    let good = fixed("GO-1", "Go", "stdlib", "1.20.1");
    let also = fixed("GO-2", "Go", "stdlib", "1.21.0");
    let zip_path = tmp.path().join("all.zip");
    zip_of(
        &zip_path,
        &[
            ("LICENSE", "licence text"),
            ("sub/", ""),
            ("GO-1.json", &good),
            ("sub/GO-2.json", &also),
            ("bad.json", "[1, 2"),
        ],
    );
    let report = build(std::slice::from_ref(&zip_path), &tmp.path().join("z.db")).unwrap();
    assert_eq!((report.advisories, report.rejected), (2, 1));
    assert_eq!(report.sources[0].kind, SourceKind::Zip);
    assert_eq!(report.warnings.len(), 1);
    assert_eq!(report.warnings[0].location, format!("{}!bad.json", zip_path.display()));

    let dir = tmp.path().join("dir");
    write(&dir.join("GO-1.json"), &good);
    write(&dir.join("GO-2.json"), &also);
    build(&[dir], &tmp.path().join("d.db")).unwrap();
    let (z, d) = (VulnDb::open(&tmp.path().join("z.db")).unwrap(), VulnDb::open(&tmp.path().join("d.db")).unwrap());
    assert_eq!(z.lookup("Go", "stdlib").unwrap(), d.lookup("Go", "stdlib").unwrap());
    assert_eq!(z.lookup("Go", "stdlib").unwrap().len(), 2);
}

#[test]
fn oversized_entries_are_skipped_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("all.zip");
    let big = format!(r#"{{"id":"BIG-1","modified":"2024-01-01T00:00:00Z","details":"{}"}}"#, "x".repeat(4096));
    zip_of(&zip_path, &[("BIG-1.json", &big), ("OK-1.json", &fixed("OK-1", "PyPI", "a", "1"))]);
    let options = BuildOptions {
        limits: SourceLimits { max_document_bytes: 1024, ..SourceLimits::default() },
        ..BuildOptions::default()
    };
    let report = build_with(std::slice::from_ref(&zip_path), &tmp.path().join("v.db"), &options).unwrap();
    assert_eq!((report.advisories, report.rejected), (1, 1));
    assert!(report.warnings[0].message.contains("limit"), "{:?}", report.warnings);

    let few = BuildOptions {
        limits: SourceLimits { max_zip_entries: 1, ..SourceLimits::default() },
        ..BuildOptions::default()
    };
    let err = build_with(&[zip_path], &tmp.path().join("v2.db"), &few).unwrap_err();
    assert!(matches!(err, DbError::Limit { .. }), "{err}");
    assert!(!tmp.path().join("v2.db").exists());
}

#[test]
fn truncated_zip_fails_and_keeps_the_old_database() {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("all.zip");
    let entries: Vec<(String, String)> =
        (0..20).map(|i| (format!("X-{i}.json"), fixed(&format!("X-{i}"), "PyPI", "pkg", "1.0"))).collect();
    let refs: Vec<(&str, &str)> = entries.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    zip_of(&zip_path, &refs);
    let out = tmp.path().join("v.db");
    build(std::slice::from_ref(&zip_path), &out).unwrap();
    let before = fs::read(&out).unwrap();

    let bytes = fs::read(&zip_path).unwrap();
    let cut = tmp.path().join("cut.zip");
    fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let err = build(&[cut], &out).unwrap_err();
    assert!(matches!(err, DbError::Source { .. }), "{err}");
    assert!(err.to_string().contains("cut.zip"), "{err}");
    assert_eq!(fs::read(&out).unwrap(), before, "the old database is untouched");
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(VulnDb::open(&out).unwrap().lookup("PyPI", "pkg").unwrap().len(), 20);
}

#[test]
fn missing_and_empty_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("v.db");
    assert!(matches!(build(&[], &out), Err(DbError::NoInputs)));
    let err = build(&[tmp.path().join("nope")], &out).unwrap_err();
    assert!(matches!(err, DbError::Io { .. }), "{err}");
    let err = build(&[tmp.path().to_path_buf()], &tmp.path().join("no/such/dir/v.db")).unwrap_err();
    assert!(matches!(err, DbError::Io { .. }), "{err}");
    // An empty directory builds an empty, valid database.
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let report = build(&[empty], &out).unwrap();
    assert_eq!(report.advisories, 0);
    let db = VulnDb::open(&out).unwrap();
    assert!(db.status().unwrap().ecosystems.is_empty());
}

#[test]
fn duplicates_keep_the_newer_record() {
    let tmp = tempfile::tempdir().unwrap();
    let old = record("D-1", "2024-01-01T00:00:00Z", "PyPI", "old-name", r#"[{"introduced":"0"},{"fixed":"1"}]"#);
    let new = record("D-1", "2024-06-01T00:00:00+02:00", "PyPI", "new-name", r#"[{"introduced":"0"},{"fixed":"2"}]"#);
    let older = record("D-1", "2023-01-01T00:00:00Z", "PyPI", "older-name", r#"[{"introduced":"0"}]"#);
    let (a, b, c) = (tmp.path().join("a.json"), tmp.path().join("b.json"), tmp.path().join("c.json"));
    write(&a, &old);
    write(&b, &new);
    write(&c, &older);
    let out = tmp.path().join("v.db");
    let report = build(&[a, b, c], &out).unwrap();
    assert_eq!((report.advisories, report.duplicates), (1, 2));
    assert_eq!(report.warnings.len(), 2);
    assert!(report.warnings[0].message.contains("replaces"), "{:?}", report.warnings);
    assert!(report.warnings[1].message.contains("ignored"), "{:?}", report.warnings);
    let db = VulnDb::open(&out).unwrap();
    assert!(db.lookup("PyPI", "old-name").unwrap().is_empty());
    assert!(db.lookup("PyPI", "older-name").unwrap().is_empty());
    let e = db.lookup("PyPI", "new-name").unwrap();
    assert_eq!(e[0].ranges[0].events[1], Event::Fixed("2".into()));
    assert_eq!(db.advisory("D-1").unwrap().unwrap().modified, "2024-05-31T22:00:00Z");
    let status = db.status().unwrap();
    assert_eq!(status.ecosystems.len(), 1);
    assert_eq!((status.ecosystems[0].advisories, status.ecosystems[0].packages), (1, 1));
    assert_eq!(db.packages("PyPI").unwrap(), ["new-name"]);
}

#[test]
fn odd_ecosystems_ranges_and_fields_are_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("odd.json");
    write(
        &path,
        r#"{"id":"ODD-1","modified":"not a time","published":"2024-02-03T04:05:06.789Z",
            "withdrawn":"2024-03-01T00:00:00Z","aliases":null,"severity":[{"type":"Ubuntu","score":"medium"}],
            "references":[{"type":"WEB","url":"https://example.invalid/a"},{"url":"https://example.invalid/b"}],
            "affected":[
              {"package":{"ecosystem":"FooEco:7","name":"Thing"},
               "ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"2"},{"introduced":"0"}]},
                         {"type":"NEWKIND","events":[{"introduced":"0"},{"limit":"z"}]}],
               "versions":["1","1.5"],
               "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"}],
               "database_specific":{"severity":"HIGH"}},
              {"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}
            ]}"#,
    );
    let out = tmp.path().join("v.db");
    let report = build(&[path], &out).unwrap();
    assert_eq!((report.advisories, report.withdrawn, report.skipped_affected), (1, 1, 1));
    assert_eq!((report.suspect_entries, report.not_comparable_entries), (1, 1));
    assert!(report.warnings[0].message.contains("affected[1] names no package"), "{:?}", report.warnings);
    let db = VulnDb::open(&out).unwrap();
    let e = &db.lookup("FooEco:7", "Thing").unwrap()[0];
    assert!(e.withdrawn);
    assert!(e.notes.out_of_order && e.notes.not_comparable);
    assert_eq!(e.ranges[0].events, [Event::Fixed("2".into()), Event::Introduced("0".into())]);
    assert_eq!(e.ranges[1].kind, dockward_vulndb::RangeType::Other("NEWKIND".into()));
    assert_eq!(e.ranges[1].events[1], Event::Limit("z".into()));
    assert_eq!(e.versions, ["1", "1.5"]);
    assert_eq!(e.status, FixState::Fixed);
    assert_eq!(e.severity.label.as_deref(), Some("HIGH"));
    assert_eq!(e.severity.cvss_score, Some(5.5));
    let adv = db.advisory("ODD-1").unwrap().unwrap();
    assert_eq!(adv.modified, "not a time");
    assert_eq!(adv.published.as_deref(), Some("2024-02-03T04:05:06Z"));
    assert_eq!(adv.withdrawn.as_deref(), Some("2024-03-01T00:00:00Z"));
    assert_eq!(adv.severity.label.as_deref(), Some("medium"));
    assert_eq!(adv.severity.cvss_score, None);
    assert_eq!(adv.references, ["https://example.invalid/a", "https://example.invalid/b"]);
    assert!(adv.aliases.is_empty());
}

fn small_db(dir: &Path) -> PathBuf {
    let src = dir.join("src");
    for i in 0..300 {
        write(&src.join(format!("P-{i}.json")), &fixed(&format!("P-{i}"), "PyPI", &format!("pkg{}", i % 50), "1.0"));
    }
    let out = dir.join("v.db");
    build(&[src], &out).unwrap();
    out
}

#[test]
fn not_a_database() {
    let tmp = tempfile::tempdir().unwrap();
    let junk = tmp.path().join("junk.db");
    fs::write(
        &junk,
        b"definitely not sqlite, but long enough to have a header of one hundred bytes or more....................",
    )
    .unwrap();
    assert!(matches!(VulnDb::open(&junk), Err(DbError::NotADatabase { .. })));
    fs::write(&junk, b"").unwrap();
    assert!(matches!(VulnDb::open(&junk), Err(DbError::NotADatabase { .. })));
    assert!(matches!(VulnDb::open(&tmp.path().join("missing.db")), Err(DbError::Io { .. })));
    assert!(VulnDb::open(tmp.path()).is_err());

    // Another application's SQLite file.
    let other = tmp.path().join("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
    drop(conn);
    let err = VulnDb::open(&other).unwrap_err();
    assert!(matches!(err, DbError::Foreign { .. }), "{err}");
}

#[test]
fn other_schema_versions_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = small_db(tmp.path());
    let conn = rusqlite::Connection::open(&out).unwrap();
    conn.execute_batch("PRAGMA user_version = 99").unwrap();
    drop(conn);
    let err = VulnDb::open(&out).unwrap_err();
    assert!(matches!(err, DbError::SchemaVersion { found: 99, expected: 1, .. }), "{err}");
    assert!(err.to_string().contains("schema 99"), "{err}");

    // The header agrees but the meta table does not.
    let out = small_db(&tmp.path().join("b"));
    let conn = rusqlite::Connection::open(&out).unwrap();
    conn.execute_batch("UPDATE meta SET value = 2 WHERE key = 'schema_version'").unwrap();
    drop(conn);
    assert!(matches!(VulnDb::open(&out), Err(DbError::SchemaVersion { found: 2, .. })));
}

#[test]
fn damaged_databases_give_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let out = small_db(tmp.path());
    let good = fs::read(&out).unwrap();

    // Truncated: caught on open from the header's page count.
    fs::write(&out, &good[..good.len() / 2]).unwrap();
    let err = VulnDb::open(&out).unwrap_err();
    assert!(matches!(err, DbError::Corrupt { .. }), "{err}");

    // Pages overwritten, length kept: open may succeed; reading must not panic, and
    // the integrity check must fail.
    let page = u16::from_be_bytes([good[16], good[17]]) as usize;
    for start in (page..good.len()).step_by(page) {
        let mut bad = good.clone();
        for b in &mut bad[start..(start + page).min(good.len())] {
            *b = 0xA5;
        }
        fs::write(&out, &bad).unwrap();
        let Ok(db) = VulnDb::open(&out) else { continue };
        let _ = db.status();
        for i in 0..50 {
            let _ = db.lookup("PyPI", &format!("pkg{i}"));
        }
        let _ = db.advisory("P-1");
        let _ = db.packages("PyPI");
        assert!(db.verify().is_err(), "page at {start} overwritten and still verified");
    }

    fs::write(&out, &good).unwrap();
    let db = VulnDb::open(&out).unwrap();
    db.verify().unwrap();
    assert_eq!(db.lookup("PyPI", "pkg7").unwrap().len(), 6);
}

#[test]
fn paths_with_uri_characters() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a dir?with#odd%chars&=");
    let src = dir.join("in put.json");
    write(&src, &fixed("U-1", "crates.io", "u", "1.0.0"));
    let out = dir.join("v 1?.db");
    let report = build(std::slice::from_ref(&src), &out).unwrap();
    assert_eq!(report.sources[0].kind, SourceKind::File);
    assert_eq!(report.sources[0].sha256.len(), 64);
    let db = VulnDb::open(&out).unwrap();
    assert_eq!(db.lookup("crates.io", "u").unwrap().len(), 1);
    assert_eq!(db.status().unwrap().sources[0].path, src);
}

#[test]
fn corpus_zip_builds_like_the_directories() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/vuln/osv");
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("all.zip");
    let mut texts = Vec::new();
    for folder in ["Debian", "crates.io"] {
        let mut names: Vec<PathBuf> = fs::read_dir(corpus.join(folder)).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        for path in names.into_iter().filter(|p| p.is_file()) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            texts.push((name, fs::read_to_string(&path).unwrap()));
        }
    }
    let entries: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    zip_of(&zip_path, &entries);
    let from_zip = build(std::slice::from_ref(&zip_path), &tmp.path().join("z.db")).unwrap();
    let from_dirs = build(&[corpus.join("Debian"), corpus.join("crates.io")], &tmp.path().join("d.db")).unwrap();
    assert_eq!(from_zip.advisories, 26 + 1206);
    assert_eq!(from_zip.rejected, 0, "{:?}", from_zip.warnings);
    assert_eq!(from_zip.ecosystems, from_dirs.ecosystems);
    assert_eq!(from_zip.json_bytes, from_dirs.json_bytes);
    assert_eq!(from_dirs.sources.len(), 2);
    let (z, d) = (VulnDb::open(&tmp.path().join("z.db")).unwrap(), VulnDb::open(&tmp.path().join("d.db")).unwrap());
    for name in d.packages("crates.io").unwrap() {
        assert_eq!(z.lookup("crates.io", &name).unwrap(), d.lookup("crates.io", &name).unwrap(), "{name}");
    }
    assert_eq!(z.advisory("RUSTSEC-2021-0003").unwrap(), d.advisory("RUSTSEC-2021-0003").unwrap());
}

#[test]
fn check_zip_counts_json_entries_and_refuses_what_is_not_a_zip() {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("all.zip");
    let record = fixed("GO-1", "Go", "stdlib", "1.20.1");
    zip_of(&zip_path, &[("LICENSE", "x"), ("d/", ""), ("GO-1.json", &record), ("d/GO-2.JSON", &record)]);
    assert_eq!(dockward_vulndb::check_zip(&zip_path).unwrap(), 2);
    let junk = tmp.path().join("junk.zip");
    fs::write(&junk, (0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect::<Vec<u8>>()).unwrap();
    let err = dockward_vulndb::check_zip(&junk).unwrap_err();
    assert!(matches!(err, DbError::Source { .. }), "{err:?}");
    assert!(err.to_string().contains("not a readable zip"), "{err}");
    let full = fs::read(&zip_path).unwrap();
    fs::write(&junk, &full[..full.len() - 30]).unwrap();
    assert!(dockward_vulndb::check_zip(&junk).is_err(), "a truncated zip has no central directory");
    assert!(matches!(dockward_vulndb::check_zip(&tmp.path().join("none.zip")), Err(DbError::Io { .. })));
}
