//! `--compliance` scorecards and the HTML report of `dockward check`, the page checked
//! in a real browser (headless Chromium): content present, no console message, the
//! filter working, screenshots kept as test artefacts.

#[path = "support/browser.rs"]
mod browser;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn dockward(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockward")).args(args).output().expect("run dockward")
}

fn example(name: &str) -> String {
    format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn control<'v>(doc: &'v Value, framework: &str, id: &str) -> &'v Value {
    let f = doc["frameworks"].as_array().unwrap().iter().find(|f| f["id"] == framework).unwrap();
    f["controls"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()
}

#[test]
fn scorecards_follow_the_findings_and_what_was_read() {
    let out = dockward(&["check", "--isolated", &example("insecure"), "--format", "compliance"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = doc["frameworks"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["nist-800-190", "pci-dss-4.0.1", "hipaa", "gdpr-32", "nist-800-53", "cis-docker"]);
    let runtime = control(&doc, "nist-800-190", "4.4.3");
    assert_eq!(runtime["outcome"], "fail");
    assert!(runtime["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "CT001"), "{runtime}");
    // A check reads no live engine: the engine's controls are not checked, not passed.
    assert_eq!(control(&doc, "nist-800-190", "4.4.1")["outcome"], "not-checked");
    assert_eq!(control(&doc, "nist-800-190", "4.1.3")["outcome"], "manual");
    // Vulnerability controls need the database and the VU rules.
    assert_eq!(control(&doc, "nist-800-53", "RA-5")["outcome"], "not-checked");
    let text = String::from_utf8_lossy(&out.stdout);
    for word in ["compliant", "certified"] {
        assert!(!text.to_lowercase().contains(word), "the scorecard says {word}");
    }

    // The hardened example's Compose file meets the runtime configuration control of
    // 800-190 as far as its rules ran: no daemon configuration was read, so the DM rules
    // of the control did not run and the control is partial, naming them.
    let dir = tempfile::tempdir().unwrap();
    let compose = dir.path().join("compose.yaml");
    std::fs::copy(format!("{}/compose.yaml", example("hardened")), &compose).unwrap();
    let args =
        ["check", "--isolated", compose.to_str().unwrap(), "--format", "compliance", "--compliance", "nist-800-190"];
    let out = dockward(&args);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let runtime = control(&doc, "nist-800-190", "4.4.3");
    assert_eq!(runtime["outcome"], "partial", "{runtime}");
    assert!(runtime["not_run"].as_array().unwrap().iter().any(|c| c == "DM008"), "{runtime}");

    // Text: the findings, then each scorecard with its header.
    let out = dockward(&["check", "--isolated", &example("insecure"), "--compliance", "hipaa", "--color", "never"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(hipaa)\ndockward evaluates "), "{text}");
    assert!(text.lines().any(|l| l.trim_start().starts_with("MANUAL") && l.contains("164.312(a)(2)(ii)")), "{text}");

    // Bad selections are clear errors (exit 2).
    let out = dockward(&["check", "--isolated", &example("insecure"), "--compliance", "pci"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown compliance framework `pci`"));
    let out = dockward(&["check", "--isolated", &example("insecure"), "--compliance", "hipaa", "--format", "junit"]);
    assert_eq!(out.status.code(), Some(2));
}

/// SARIF with `--compliance`: each framework a taxonomy, each rule related to the
/// controls it gives evidence for; still valid SARIF 2.1.0.
#[test]
fn sarif_carries_the_frameworks_as_taxonomies() {
    let out = dockward(&[
        "check",
        "--isolated",
        &example("insecure"),
        "--format",
        "sarif",
        "--compliance",
        "nist-800-190,hipaa",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/schemas/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::draft4::options().build(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &doc["runs"][0];
    let names: Vec<&str> = run["taxonomies"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["nist-800-190", "hipaa"]);
    let ct001 = run["tool"]["driver"]["rules"].as_array().unwrap().iter().find(|r| r["id"] == "CT001").unwrap();
    let targets: Vec<(&str, &str)> = ct001["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["target"]["toolComponent"]["name"].as_str().unwrap(), r["target"]["id"].as_str().unwrap()))
        .collect();
    assert_eq!(targets, [("nist-800-190", "4.4.3"), ("nist-800-190", "4.5.2")]);
    let supported: Vec<&str> = run["tool"]["driver"]["supportedTaxonomies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(supported, ["nist-800-190", "hipaa"]);
    // Every relationship's target is a taxon of the taxonomy it names.
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        for rel in rule["relationships"].as_array().into_iter().flatten() {
            let taxonomy = run["taxonomies"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["name"] == rel["target"]["toolComponent"]["name"])
                .unwrap();
            assert!(taxonomy["taxa"].as_array().unwrap().iter().any(|t| t["id"] == rel["target"]["id"]), "{rel}");
            assert_eq!(rel["kinds"], serde_json::json!(["relevant"]));
        }
    }
    let taxon = run["taxonomies"][0]["taxa"].as_array().unwrap().iter().find(|t| t["id"] == "4.4.3").unwrap();
    assert!(taxon["fullDescription"]["text"].as_str().unwrap().len() > 20, "{taxon}");
    // Results still come last, after the taxonomies: the log is written as it streams.
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.find("\"taxonomies\"").unwrap() < text.find("\"results\"").unwrap());
}

#[test]
fn the_html_report_of_a_check_renders_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let page_path = dir.path().join("check.html");
    let out = dockward(&[
        "check",
        "--isolated",
        &example("insecure"),
        "--format",
        "html",
        "--compliance",
        "all",
        "-o",
        page_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(&page_path).unwrap();
    // Self-contained: nothing to fetch.
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("url(http"));
    let page = browser::assert_renders(
        &page_path,
        &[
            "<title>dockward check</title>",
            "Compliance evidence",
            "Findings by severity",
            "CT001",
            "4.4.3",
            "id=\"r-CT001\"",
        ],
        "CT001",
    );
    assert!(page.dom.contains("class=\"out out-fail\">FAIL</span>"));
    let shots = browser::screenshots(&page_path, "check");
    assert!(shots.iter().all(|p| std::fs::metadata(p).unwrap().len() > 10_000), "{shots:?}");
    assert!(Path::new(&shots[0]).exists());
}

/// A report of more findings than one page: the script draws the first page from the
/// page's data and offers the rest; a filter reaches findings beyond the first page;
/// secrets stay masked in the data.
#[test]
fn a_large_html_report_draws_a_page_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut compose = String::from("services:\n");
    for i in 0..150 {
        compose.push_str(&format!(
            "  s{i}:\n    image: registry.example/app:latest\n    ports: [\"{}:80\"]\n    environment:\n      DB_PASSWORD: hunter2-s3cr3t-{i}x\n",
            8000 + i
        ));
    }
    std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
    let page_path = dir.path().join("large.html");
    let out = dockward(&[
        "check",
        "--isolated",
        dir.path().to_str().unwrap(),
        "--format",
        "html",
        "-o",
        page_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(&page_path).unwrap();
    assert!(!html.contains("hunter2-s3cr3t"), "a secret reached the page");
    // The last service's findings are past the first page.
    let page = browser::assert_renders(&page_path, &["<title>dockward check</title>"], "s149");
    let (_, total) = browser::counts(&page.dom);
    assert!(total > browser::PAGE, "{total} findings fit one page");
    assert!(page.dom.contains(&format!("Show {} more", browser::PAGE.min(total - browser::PAGE))), "no Show more");
    assert!(!page.dom.contains("hunter2-s3cr3t") && page.dom.contains("****"));
    // The filter of a service past the first page draws its rows with their details.
    let filtered = browser::open(&page_path, "#filter=s149");
    let rows = browser::finding_rows(&filtered.dom);
    assert!(rows.iter().all(|r| r.contains("s149") && r.contains("<details>")), "{rows:?}");
}
