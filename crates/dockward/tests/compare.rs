//! `--compare PREVIOUS.json`: two real runs of `dockward check` over a repository that
//! changed between them, classified as new, fixed and unchanged in text, JSON, HTML
//! and the scorecards (controls that went to or from FAIL); two scans of the corpus
//! image, the first with a VEX statement that the second drops.

#[path = "support/corpus_images.rs"]
mod corpus_images;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn dockward(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockward")).current_dir(dir).args(args).output().expect("run dockward")
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// The first run: DF001 in the Dockerfile (fixed later), CT001 on service `a` (kept,
/// its line moves), nothing on service `b` (CT011 comes later).
fn first_run(dir: &Path) {
    write(dir, "Dockerfile", "FROM alpine:3.19\nUSER root\n");
    write(
        dir,
        "compose.yaml",
        "services:\n  a:\n    image: alpine:3.19\n    privileged: true\n  b:\n    image: alpine:3.19\n",
    );
    let out = dockward(
        dir,
        &["check", "--isolated", ".", "--select", "DF001,CT001,CT011", "--format", "json", "-o", "prev.json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
}

fn change(dir: &Path) {
    write(dir, "Dockerfile", "FROM alpine:3.19\nUSER 1000\n");
    write(
        dir,
        "compose.yaml",
        "# moved down a line\nservices:\n  a:\n    image: alpine:3.19\n    privileged: true\n  b:\n    image: alpine:3.19\n    network_mode: host\n",
    );
}

const SELECT: [&str; 3] = ["--isolated", "--select", "DF001,CT001,CT011"];

#[test]
fn findings_are_new_fixed_or_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    first_run(dir);
    let previous: Value = serde_json::from_slice(&std::fs::read(dir.join("prev.json")).unwrap()).unwrap();
    let prints: Vec<&str> =
        previous["findings"].as_array().unwrap().iter().map(|f| f["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(prints.len(), 2, "{previous}");
    change(dir);

    // JSON: each finding's change, the counts and the fixed findings.
    let out = dockward(dir, &[&["check", "."][..], &SELECT, &["--format", "json", "--compare", "prev.json"]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap().to_owned(), f["change"].as_str().unwrap().to_owned()))
        .collect();
    let mut changes = changes;
    changes.sort();
    assert_eq!(changes, [("CT001".to_owned(), "unchanged".to_owned()), ("CT011".to_owned(), "new".to_owned())]);
    let cmp = &doc["comparison"];
    assert_eq!(
        (cmp["since"].as_str(), cmp["new"].as_u64(), cmp["fixed"].as_u64(), cmp["unchanged"].as_u64()),
        (Some("prev.json"), Some(1), Some(1), Some(1)),
        "{cmp}"
    );
    assert_eq!(cmp["fixed_findings"][0]["code"], "DF001");
    assert_eq!(cmp["fixed_findings"][0]["path"], "Dockerfile");
    // The unchanged finding's fingerprint is the earlier one, though its line moved.
    let ct001 = doc["findings"].as_array().unwrap().iter().find(|f| f["code"] == "CT001").unwrap();
    assert!(prints.contains(&ct001["fingerprint"].as_str().unwrap()));
    assert_eq!(ct001["location"]["start"]["line"], 5);

    // Text, with the scorecard: the lines and the controls that changed.
    let args = [&["check", "."][..], &SELECT, &["--compare", "prev.json", "--compliance", "nist-800-190"]].concat();
    let text = String::from_utf8(dockward(dir, &args).stdout).unwrap();
    assert!(text.contains("Changes since prev.json: 1 new, 1 fixed, 1 unchanged"), "{text}");
    assert!(text.contains("  new    compose.yaml:") && text.contains("CT011"), "{text}");
    assert!(text.contains("  fixed  Dockerfile: warning DF001"), "{text}");
    // 4.1.2 (image configuration) failed on DF001 only; 4.4.2 (network access) fails on CT011.
    assert!(text.contains("nist-800-190 4.1.2: FAIL -> PARTIAL"), "{text}");
    assert!(text.contains("nist-800-190 4.4.2: PARTIAL -> FAIL"), "{text}");
    assert!(!text.contains("nist-800-190 4.4.3:"), "4.4.3 failed both times:\n{text}");

    // The scorecards as JSON carry the earlier outcome.
    let args = [
        &["check", "."][..],
        &SELECT,
        &["--compare", "prev.json", "--format", "compliance", "--compliance", "nist-800-190"],
    ]
    .concat();
    let cards: Value = serde_json::from_slice(&dockward(dir, &args).stdout).unwrap();
    let control = |id: &str| {
        cards["frameworks"][0]["controls"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap().clone()
    };
    assert_eq!(
        (control("4.4.2")["previous_outcome"].as_str(), control("4.4.2")["outcome"].as_str()),
        (Some("partial"), Some("fail"))
    );
    assert_eq!(control("4.1.2")["previous_outcome"], "fail");

    // HTML: the "changes since" section with both tables and the changed controls.
    let args =
        [&["check", "."][..], &SELECT, &["--compare", "prev.json", "--format", "html", "--compliance", "nist-800-190"]]
            .concat();
    let page = String::from_utf8(dockward(dir, &args).stdout).unwrap();
    let section = &page[page.find("<section id=changes>").expect("a changes section")..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(section.contains("Changes since prev.json") && section.contains("<b>1</b> new"), "{section}");
    assert!(section.contains("id=new-findings") && section.contains("CT011"), "{section}");
    assert!(section.contains("id=fixed-findings") && section.contains("DF001"), "{section}");
    assert!(section.contains("id=control-changes") && section.contains("4.4.2"), "{section}");

    // Comparing a run with itself: nothing new, nothing fixed.
    let out = dockward(dir, &[&["check", "."][..], &SELECT, &["--format", "json", "-o", "now.json"]].concat());
    assert_eq!(out.status.code(), Some(1));
    let args = [&["check", "."][..], &SELECT, &["--format", "json", "--compare", "now.json"]].concat();
    let doc: Value = serde_json::from_slice(&dockward(dir, &args).stdout).unwrap();
    assert_eq!((doc["comparison"]["new"].as_u64(), doc["comparison"]["fixed"].as_u64()), (Some(0), Some(0)));
}

#[test]
fn bad_previous_reports_and_formats_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    write(dir, "Dockerfile", "FROM alpine:3.19\n");
    write(dir, "old.json", "{\"version\":1,\"findings\":[{\"code\":\"DF001\",\"path\":\"Dockerfile\"}]}");
    let out = dockward(dir, &["check", "--isolated", ".", "--compare", "old.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("old.json") && err.contains("no `fingerprint`"), "{err}");
    let out = dockward(dir, &["check", "--isolated", ".", "--compare", "missing.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.json"));
    write(dir, "empty.json", "{\"version\":1,\"findings\":[]}");
    let out = dockward(dir, &["check", "--isolated", ".", "--compare", "empty.json", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--compare is shown by"));
}

#[test]
fn a_scan_compares_by_package_and_advisory() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vulns.db");
    let osv = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/vuln/osv"));
    dockward_vulndb::build(&[osv], &db).expect("build the corpus database");
    let archives = corpus_images::archives();
    let image = archives.minbase.to_str().unwrap();
    let vex = dir.path().join("vex.json");
    std::fs::write(
        &vex,
        r#"{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
            {"vulnerability": {"name": "CVE-2016-2781"}, "products": [{"@id": "pkg:deb/debian/coreutils"}],
             "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}"#,
    )
    .unwrap();
    let scan = |extra: &[&str]| {
        let mut args = vec!["scan", "--isolated", "--db", db.to_str().unwrap(), "--fail-on", "none"];
        args.extend_from_slice(extra);
        let out = Command::new(env!("CARGO_BIN_EXE_dockward"))
            .current_dir(dir.path())
            .args(&args)
            .env_remove("DOCKWARD_DB")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    // Before: the VEX statement drops coreutils' advisory. Now: no VEX, so it is new.
    scan(&["--vex", vex.to_str().unwrap(), "--format", "json", "-o", "before.json", image]);
    let doc: Value = serde_json::from_slice(&scan(&["--format", "json", "--compare", "before.json", image])).unwrap();
    let new: Vec<(&str, &str)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["change"] == "new")
        .map(|f| (f["vulnerability"]["package"].as_str().unwrap(), f["vulnerability"]["advisory"].as_str().unwrap()))
        .collect();
    assert_eq!(new, [("coreutils", "DEBIAN-CVE-2016-2781")]);
    let cmp = &doc["comparison"];
    assert_eq!((cmp["new"].as_u64(), cmp["fixed"].as_u64()), (Some(1), Some(0)), "{cmp}");
    assert_eq!(cmp["unchanged"].as_u64().unwrap() + 1, doc["findings"].as_array().unwrap().len() as u64);
    // The other way round, the advisory is fixed.
    scan(&["--format", "json", "-o", "all.json", image]);
    let doc: Value = serde_json::from_slice(&scan(&[
        "--vex",
        vex.to_str().unwrap(),
        "--format",
        "json",
        "--compare",
        "all.json",
        image,
    ]))
    .unwrap();
    let fixed = doc["comparison"]["fixed_findings"].as_array().unwrap();
    assert_eq!(fixed.len(), 1, "{fixed:?}");
    assert!(
        fixed[0]["message"].as_str().unwrap().contains("CVE-2016-2781")
            || fixed[0]["message"].as_str().unwrap().contains("coreutils"),
        "{fixed:?}"
    );
}
