//! `dockward scan` end to end: a database built from the OSV corpus
//! (`../shared/corpus/vuln/osv`) and the Debian 12 minbase image assembled from its
//! stored files, compared with the image's `expected-findings.json`; the policy
//! options; a missing database; SARIF.
//!
//! The tests marked "needs the matcher" compare real matches: they pass once
//! `dockward_vulnmatch::match_inventory` is implemented.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/corpus_images.rs"]
mod corpus_images;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const OSV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/vuln/osv");

fn dockward(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockward"))
        .args(args)
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .env_remove("DOCKWARD_DB")
        .output()
        .expect("run dockward")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// A database of the whole OSV corpus, the minbase archive and its rootfs.
struct Setup {
    dir: tempfile::TempDir,
    db: PathBuf,
    archives: corpus_images::Archives,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vulns.db");
    dockward_vulndb::build(&[PathBuf::from(OSV)], &db).expect("build the corpus database");
    Setup { dir, db, archives: corpus_images::archives() }
}

impl Setup {
    fn scan(&self, extra: &[&str]) -> Output {
        let mut args = vec!["scan", "--isolated", "--db", self.db.to_str().unwrap()];
        args.extend_from_slice(extra);
        dockward(&args)
    }

    fn scan_json(&self, extra: &[&str]) -> Value {
        let mut args = vec!["--format", "json", "--fail-on", "none"];
        args.extend_from_slice(extra);
        let out = self.scan(&args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)))
    }

    fn minbase(&self) -> &str {
        self.archives.minbase.to_str().unwrap()
    }
}

/// (package, advisory, status) of every vulnerability finding, sorted.
fn found(doc: &Value) -> Vec<(String, String, String)> {
    let mut rows: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f.get("vulnerability"))
        .map(|v| {
            (
                v["package"].as_str().unwrap().to_string(),
                v["advisory"].as_str().unwrap().to_string(),
                v["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn expected() -> Vec<(String, String, String)> {
    let path = Path::new(corpus_images::IMAGES).join("debian12-minbase/expected-findings.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut rows: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["package"].as_str().unwrap().to_string(),
                f["advisory"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.sort();
    assert_eq!(rows.len(), 43, "the corpus changed");
    rows
}

/// Needs the matcher.
#[test]
fn minbase_findings_are_the_expected_ones() {
    let s = setup();
    let doc = s.scan_json(&[s.minbase()]);
    assert_eq!(found(&doc), expected());
    // Fixed ones are VU001, the others VU002 (info); all located in the status file.
    for f in doc["findings"].as_array().unwrap() {
        let Some(v) = f.get("vulnerability") else { continue };
        let code = if v["status"] == "fixed" { "VU001" } else { "VU002" };
        assert_eq!(f["code"], code, "{f}");
        assert_eq!(f["logical"]["scope"], "image/corpus/bookworm-minbase:1");
        assert!(f["logical"]["path"].as_str().unwrap().starts_with("layers[0]/var/lib/dpkg/status#"), "{f}");
        if code == "VU002" {
            assert_eq!(f["severity"], "info");
        }
    }
    assert_eq!(doc["summary"]["vulnerabilities"]["fixable"], 28);
}

/// Needs the matcher.
#[test]
fn ignore_unfixed_leaves_only_the_fixed_ones_and_the_exit_code_follows() {
    let s = setup();
    let doc = s.scan_json(&["--ignore-unfixed", s.minbase()]);
    let want: Vec<_> = expected().into_iter().filter(|(_, _, status)| status == "fixed").collect();
    assert_eq!(want.len(), 28);
    assert_eq!(found(&doc), want);
    // The same as a policy in dockward.toml.
    let config = s.dir.path().join("dockward.toml");
    std::fs::write(&config, "[vulnerabilities]\nignore-unfixed = true\n").unwrap();
    let out = dockward(&[
        "scan",
        "--config",
        config.to_str().unwrap(),
        "--db",
        s.db.to_str().unwrap(),
        "--format",
        "json",
        s.minbase(),
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    assert_eq!(found(&doc), want);
    // Fixable findings at warning or above fail the default --fail-on warning.
    let failing = doc["findings"].as_array().unwrap().iter().any(|f| f["severity"] != "info");
    assert_eq!(out.status.code(), Some(if failing { 1 } else { 0 }), "{}", text(&out));
}

/// The scan's compliance scorecards and its HTML report in a real browser: the
/// vulnerabilities fail 800-190's image-vulnerability control and 800-53 RA-5; the
/// controls no VU rule covers are not checked.
#[test]
fn compliance_and_the_html_report_of_a_scan() {
    let s = setup();
    let out = s.scan(&["--format", "compliance", "--compliance", "nist-800-190,nist-800-53", s.minbase()]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    let outcome = |framework: usize, id: &str| {
        let controls = doc["frameworks"][framework]["controls"].as_array().unwrap();
        controls.iter().find(|c| c["id"] == id).unwrap()["outcome"].as_str().unwrap().to_owned()
    };
    assert_eq!(outcome(0, "4.1.1"), "fail");
    assert_eq!(outcome(1, "RA-5"), "fail");
    assert_eq!(outcome(0, "4.4.3"), "not-checked");
    assert_eq!(outcome(0, "4.1.3"), "manual");

    let page_path = s.dir.path().join("scan.html");
    let out =
        s.scan(&["--format", "html", "--compliance", "nist-800-190", "-o", page_path.to_str().unwrap(), s.minbase()]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
    let page = browser::assert_renders(&page_path, &["<title>dockward scan</title>", "VU001", "4.1.1"], "VU002");
    assert!(page.dom.contains("image/corpus/bookworm-minbase:1"));
    browser::screenshots(&page_path, "scan");
}

/// Needs the matcher.
#[test]
fn sarif_ranks_each_vulnerability() {
    let s = setup();
    let out = s.scan(&["--format", "sarif", "--fail-on", "none", s.minbase()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 43);
    for r in results {
        let score: f64 = r["properties"]["security-severity"].as_str().unwrap().parse().unwrap();
        assert!((0.0..=10.0).contains(&score), "{r}");
        let advisory = r["properties"]["tags"][0].as_str().unwrap();
        assert!(r["message"]["text"].as_str().unwrap().contains(advisory), "{r}");
    }
}

/// Needs the matcher.
#[test]
fn severity_filter_and_text_summary() {
    let s = setup();
    let out = s.scan(&["--fail-on", "none", "--severity", "negligible", s.minbase()]);
    let t = String::from_utf8_lossy(&out.stdout);
    assert!(t.contains("vulnerabilities: "), "{t}");
    for line in t.lines().filter(|l| l.contains(" VU00")) {
        assert!(line.contains("severity negligible"), "{line}");
    }
}

#[test]
fn a_missing_database_is_an_error_that_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db");
    let out = dockward(&["scan", "--isolated", "--db", db.to_str().unwrap(), "whatever.tar"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "dockward: no vulnerability database at {}: run `dockward db update` or `dockward db build --from DIR`\n",
            db.display()
        )
    );
    // The default location follows DOCKWARD_DB, then XDG_CACHE_HOME.
    let out = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .args(["scan", "--isolated", "x.tar"])
        .env_remove("DOCKWARD_DB")
        .env("XDG_CACHE_HOME", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let want = dir.path().join("dockward/vulns.db");
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("at {}:", want.display())), "{}", text(&out));
    let out = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .args(["scan", "--isolated", "x.tar"])
        .env("DOCKWARD_DB", &db)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("at {}:", db.display())), "{}", text(&out));
    // Not a database at all.
    std::fs::write(&db, "not sqlite").unwrap();
    let out = dockward(&["scan", "--isolated", "--db", db.to_str().unwrap(), "x.tar"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("not a dockward vulnerability database"), "{}", text(&out));
}

#[test]
fn an_end_of_life_release_is_a_warning_even_without_matches() {
    let s = setup();
    let root = s.dir.path().join("buster");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(
        root.join("etc/os-release"),
        "PRETTY_NAME=\"Debian GNU/Linux 10 (buster)\"\nID=debian\nVERSION_ID=\"10\"\nVERSION_CODENAME=buster\n",
    )
    .unwrap();
    let target = format!("dir:{}", root.display());
    let out = s.scan(&["--format", "json", &target]);
    assert_eq!(out.status.code(), Some(1), "a warning fails --fail-on warning: {}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &doc["findings"][0];
    assert_eq!(f["code"], "VU003");
    assert_eq!(f["message"], "Debian 10 (buster) reached the end of its LTS on 2024-06-30");
    assert_eq!(f["logical"]["scope"], format!("dir/{}", root.display()));
    assert_eq!(doc["summary"]["files"], 1);
    // The rule can be ignored like any other.
    let config = s.dir.path().join("dockward.toml");
    std::fs::write(&config, "ignore = [\"end-of-life-os\"]\n").unwrap();
    let out = dockward(&["scan", "--config", config.to_str().unwrap(), "--db", s.db.to_str().unwrap(), &target]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn database_age_warns_and_fails_only_with_db_max_age() {
    let s = setup();
    let built = dockward_vulndb::VulnDb::open(&s.db).unwrap().status().unwrap().built_unix;
    // Let at least a second pass, so that the database is older than 0 days.
    while std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64 <= built {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let config = s.dir.path().join("dockward.toml");
    std::fs::write(&config, "[vulnerabilities]\nmax-db-age-days = 0\n").unwrap();
    let root = s.archives.minbase_root.to_str().unwrap();
    let out = dockward(&[
        "scan",
        "--config",
        config.to_str().unwrap(),
        "--db",
        s.db.to_str().unwrap(),
        "--fail-on",
        "error",
        root,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("dockward: warning: the vulnerability database"), "{stderr}");
    assert!(stderr.contains("run `dockward db update`"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "a warning line never fails: {}", text(&out));
    // --db-max-age makes it a finding (VU004), and no warning line.
    let out = s.scan(&["--db-max-age", "0", "--format", "json", "--fail-on", "warning", root]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning: the vulnerability database"));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stale: Vec<&Value> = doc["findings"].as_array().unwrap().iter().filter(|f| f["code"] == "VU004").collect();
    assert_eq!(stale.len(), 1, "{doc}");
    assert_eq!(stale[0]["path"], s.db.to_str().unwrap());
    assert_eq!(out.status.code(), Some(1));
    // A fresh database and a generous limit: nothing.
    let out = s.scan(&["--db-max-age", "30", "--format", "json", "--fail-on", "none", root]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["findings"].as_array().unwrap().iter().all(|f| f["code"] != "VU004"));
}

#[test]
fn policy_problems_are_reported() {
    let s = setup();
    let root = s.archives.minbase_root.to_str().unwrap();
    let config = s.dir.path().join("dockward.toml");
    std::fs::write(
        &config,
        "[vulnerabilities]\nignore = [\n  { id = \"CVE-2016-2781\", reason = \"accepted\", expires = \"2020-01-31\" },\n]\n",
    )
    .unwrap();
    let out = dockward(&[
        "scan",
        "--config",
        config.to_str().unwrap(),
        "--db",
        s.db.to_str().unwrap(),
        "--fail-on",
        "none",
        root,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("ignore entry for CVE-2016-2781 expired on 2020-01-31; it no longer applies").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains(&format!("{}:3:3: ", config.display())), "{stderr}");
    // A broken entry stops the run with its position.
    std::fs::write(&config, "[vulnerabilities]\nignore = [{ id = \"X\", expires = \"soon\" }]\n").unwrap();
    let out = dockward(&["scan", "--config", config.to_str().unwrap(), "--db", s.db.to_str().unwrap(), root]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains(":2:33: invalid expiry date `soon`"), "{}", text(&out));
    // So does a VEX file that is not one.
    let vex = s.dir.path().join("vex.json");
    std::fs::write(&vex, "{\"statements\": [{\"vulnerability\": \"X\", \"status\": \"maybe\"}]}").unwrap();
    let out = s.scan(&["--vex", vex.to_str().unwrap(), root]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("unknown status `maybe`"), "{}", text(&out));
}

/// Needs the matcher.
#[test]
fn vex_and_ignore_entries_drop_matches() {
    let s = setup();
    let all = found(&s.scan_json(&[s.minbase()]));
    assert!(all.iter().any(|(p, a, _)| p == "coreutils" && a == "DEBIAN-CVE-2016-2781"), "{all:?}");
    let vex = s.dir.path().join("vex.json");
    std::fs::write(
        &vex,
        r#"{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
            {"vulnerability": {"name": "CVE-2016-2781"}, "products": [{"@id": "pkg:deb/debian/coreutils"}],
             "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}"#,
    )
    .unwrap();
    let with_vex = found(&s.scan_json(&["--vex", vex.to_str().unwrap(), s.minbase()]));
    let mut want = all.clone();
    want.retain(|(p, a, _)| !(p == "coreutils" && a == "DEBIAN-CVE-2016-2781"));
    assert_eq!(with_vex, want);
    // An ignore entry for the alias, limited to one package of a shared source.
    let config = s.dir.path().join("dockward.toml");
    std::fs::write(
        &config,
        "[vulnerabilities]\nignore = [{ id = \"CVE-2022-0563\", package = \"mount\", reason = \"no setuid\", expires = \"2099-01-01\" }]\n",
    )
    .unwrap();
    let out = dockward(&[
        "scan",
        "--config",
        config.to_str().unwrap(),
        "--db",
        s.db.to_str().unwrap(),
        "--format",
        "json",
        "--fail-on",
        "none",
        s.minbase(),
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut want = all;
    want.retain(|(p, a, _)| !(p == "mount" && a == "DEBIAN-CVE-2022-0563"));
    assert_eq!(found(&doc), want);
}
