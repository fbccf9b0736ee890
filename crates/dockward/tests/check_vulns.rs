//! The VU rules in `dockward check` when selected: an image archive (the Debian 12
//! minbase image assembled from the corpus) gives the findings `dockward scan` gives,
//! and the lockfiles of a repository are matched against the same database. Without a
//! VU selection neither happens; without a database there is one note and no error.

#[path = "support/corpus_images.rs"]
mod corpus_images;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const OSV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/vuln/osv");

fn dockward(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockward"))
        .args(args)
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .env("DOCKWARD_DB", db)
        .output()
        .expect("run dockward")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

fn database(dir: &Path) -> PathBuf {
    let db = dir.join("vulns.db");
    dockward_vulndb::build(&[PathBuf::from(OSV)], &db).expect("build the corpus database");
    db
}

/// (package, advisory) of every vulnerability finding, sorted.
fn pairs(doc: &Value) -> Vec<(String, String)> {
    let mut rows: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f.get("vulnerability"))
        .map(|v| (v["package"].as_str().unwrap().to_string(), v["advisory"].as_str().unwrap().to_string()))
        .collect();
    rows.sort();
    rows
}

fn vu_codes(doc: &Value) -> usize {
    doc["findings"].as_array().unwrap().iter().filter(|f| f["code"].as_str().unwrap().starts_with("VU")).count()
}

#[test]
fn check_archive_with_vu_selected_gives_the_scan_findings() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let archives = corpus_images::archives();
    let minbase = archives.minbase.to_str().unwrap();

    let scan = dockward(&db, &["scan", "--isolated", "--format", "json", "--fail-on", "none", minbase]);
    let scanned = pairs(&json(&scan));
    assert_eq!(scanned.len(), 43, "{}", text(&scan));

    let out =
        dockward(&db, &["check", "--isolated", "--select", "VU", "--format", "json", "--fail-on", "none", minbase]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc = json(&out);
    assert_eq!(pairs(&doc), scanned);
    for f in doc["findings"].as_array().unwrap() {
        assert_eq!(f["logical"]["scope"], "image/corpus/bookworm-minbase:1", "{f}");
        assert!(f["logical"]["path"].as_str().unwrap().starts_with("layers[0]/var/lib/dpkg/status#"), "{f}");
    }

    // --extend-select keeps the default rules and adds one VU rule.
    let out = dockward(
        &db,
        &["check", "--isolated", "--extend-select", "VU001", "--format", "json", "--fail-on", "none", minbase],
    );
    let doc = json(&out);
    assert!(vu_codes(&doc) > 0 && vu_codes(&doc) < 43, "{}", text(&out));
    assert!(doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with("VU"))
        .all(|f| f["code"] == "VU001"));

    // Not selected: no VU finding (and no database needed).
    let out = dockward(
        Path::new("/nonexistent/vulns.db"),
        &["check", "--isolated", "--format", "json", "--fail-on", "none", minbase],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(vu_codes(&json(&out)), 0);
    assert!(!text(&out).contains("vulnerability database"), "{}", text(&out));
}

#[test]
fn vu_selected_without_a_database_is_one_note_and_no_error() {
    let archives = corpus_images::archives();
    let missing = Path::new("/nonexistent/vulns.db");
    let out = dockward(missing, &["check", "--isolated", "--select", "VU", archives.minbase.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr
            .matches(
                "VU rules selected but no vulnerability database at /nonexistent/vulns.db: run `dockward db update`"
            )
            .count(),
        1,
        "{stderr}"
    );
}

#[test]
fn lockfiles_are_checked_only_when_vu_is_selected() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("svc")).unwrap();
    std::fs::create_dir_all(repo.join("empty")).unwrap();
    std::fs::write(repo.join("requirements.txt"), "flask==2.0.0\nurllib3==1.24.1\nJinja2==2.10\n").unwrap();
    std::fs::write(
        repo.join("svc/Cargo.lock"),
        "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"smallvec\",\n]\n\n\
         [[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    )
    .unwrap();
    std::fs::write(repo.join("Dockerfile"), "FROM debian:12\n").unwrap();
    let repo_s = repo.to_str().unwrap();

    let out =
        dockward(&db, &["check", "--isolated", "--select", "VU", "--format", "json", "--fail-on", "none", repo_s]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc = json(&out);
    let got = pairs(&doc);
    let mut want: Vec<(String, String)> = [
        ("Jinja2", "PYSEC-2019-217"),
        ("Jinja2", "PYSEC-2021-66"),
        ("smallvec", "RUSTSEC-2021-0003"),
        ("urllib3", "PYSEC-2019-132"),
        ("urllib3", "PYSEC-2019-133"),
        ("urllib3", "PYSEC-2020-148"),
        ("urllib3", "PYSEC-2021-108"),
        ("urllib3", "PYSEC-2023-192"),
        ("urllib3", "PYSEC-2023-207"),
        ("urllib3", "PYSEC-2023-212"),
    ]
    .iter()
    .map(|(p, a)| (p.to_string(), a.to_string()))
    .collect();
    want.sort();
    // flask 2.0.0 may have advisories of its own in the corpus: compare the others.
    let got: Vec<_> = got.into_iter().filter(|(p, _)| p != "flask").collect();
    assert_eq!(got, want, "{}", text(&out));
    // On the line that names the package.
    for f in doc["findings"].as_array().unwrap() {
        let v = &f["vulnerability"];
        let (file, line) = match v["package"].as_str().unwrap() {
            "Jinja2" => ("requirements.txt", 3),
            "urllib3" => ("requirements.txt", 2),
            "smallvec" => ("svc/Cargo.lock", 11),
            _ => continue,
        };
        assert!(f["path"].as_str().unwrap().ends_with(file), "{f}");
        assert_eq!(f["location"]["start"]["line"], line, "{f}");
    }
    assert_eq!(doc["summary"]["files"], 3, "{}", doc["summary"]);

    // Without a VU selection the lockfiles are not claimed.
    let out = dockward(&db, &["check", "--isolated", "--format", "json", "--fail-on", "none", repo_s]);
    let doc = json(&out);
    assert_eq!(vu_codes(&doc), 0);
    assert_eq!(doc["summary"]["files"], 1, "{}", doc["summary"]);
}

#[path = "../../dockward_engine/tests/support/mod.rs"]
mod fixture;

#[test]
fn real_daemon_audit_with_image_contents_and_vu_selected() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let mut fx = fixture::Fixture::new();
    let root = fx.dir.path().join("minbase");
    corpus_images::minbase_rootfs(&root);
    let image = fx.import_rootfs(&root, "vu-minbase");
    fx.create("vu-user", &[&image, "/bin/true"]);
    let label = fx.label();
    let audit = |extra: &[&str]| {
        let mut args = vec!["audit", "--isolated", "--label", &label, "--format", "json", "--fail-on", "none"];
        args.extend_from_slice(extra);
        dockward(&db, &args)
    };
    let out = audit(&["--image-contents", "--select", "VU"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc = json(&out);
    let found = pairs(&doc);
    // The same 43 (package, advisory) pairs as the archive of the same rootfs.
    let archives = corpus_images::archives();
    let scan = dockward(
        &db,
        &["scan", "--isolated", "--format", "json", "--fail-on", "none", archives.minbase.to_str().unwrap()],
    );
    assert_eq!(found, pairs(&json(&scan)), "{}", text(&out));
    for f in doc["findings"].as_array().unwrap().iter().filter(|f| f.get("vulnerability").is_some()) {
        assert_eq!(f["logical"]["scope"], format!("image/{image}"), "{f}");
    }
    // Without --image-contents the VU rules read nothing (no export, no finding).
    let out = audit(&["--select", "VU"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(pairs(&json(&out)).is_empty());
}
