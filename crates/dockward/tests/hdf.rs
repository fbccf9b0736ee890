//! `--format hdf`: the Heimdall Data Format of a real `dockward check`, validated
//! against the structure Heimdall reads (`schemas/hdf-exec-json.schema.json`, written from
//! MITRE's published exec-json schema), with the statuses and NIST 800-53 tags asserted.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn dockward(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockward")).current_dir(dir).args(args).output().expect("run dockward")
}

fn validate(doc: &Value) {
    let schema_path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schemas/hdf-exec-json.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::draft7::options().build(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

fn control<'v>(doc: &'v Value, id: &str) -> &'v Value {
    doc["profiles"][0]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id}"))
}

fn statuses(c: &Value) -> Vec<&str> {
    c["results"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect()
}

#[test]
fn hdf_has_a_control_per_rule_with_statuses_and_nist_tags() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(dir.join("Dockerfile"), "FROM alpine:3.19\nUSER root\nENV API_TOKEN=s3cr3t-v4lue-0123456789\n")
        .unwrap();
    std::fs::write(dir.join("compose.yaml"), "services:\n  a:\n    image: alpine:3.19\n    privileged: true\n")
        .unwrap();
    let args = ["check", "--isolated", ".", "--format", "hdf", "--compliance", "nist-800-53,pci-dss-4.0.1"];
    let out = dockward(dir, &args);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("s3cr3t-v4lue"), "the secret leaked");
    let doc: Value = serde_json::from_str(&text).unwrap();
    validate(&doc);

    // Failed: a result per finding, the location and the masked message.
    let df001 = control(&doc, "DF001");
    assert_eq!(statuses(df001), ["failed"]);
    assert!(df001["results"][0]["code_desc"].as_str().unwrap().starts_with("Dockerfile:2:"), "{df001}");
    assert_eq!(df001["impact"], 0.5);
    let ct001 = control(&doc, "CT001");
    assert_eq!(statuses(ct001), ["failed"]);
    let nist: Vec<&str> = ct001["tags"]["nist"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert!(nist.contains(&"AC-6") && nist.contains(&"CM-6"), "{nist:?}");
    assert!(ct001["tags"]["pci-dss-4.0.1"].as_array().unwrap().iter().any(|t| t == "2.2.6"), "{ct001}");
    // Passed: the rule ran over a Dockerfile and found nothing.
    assert_eq!(statuses(control(&doc, "DF014")), ["passed"]);
    // Skipped: mapped to 800-53, but no daemon configuration was read.
    let dm008 = control(&doc, "DM008");
    assert_eq!(statuses(dm008), ["skipped"]);
    assert!(dm008["tags"]["nist"].as_array().unwrap().iter().any(|t| t == "CM-6"), "{dm008}");
    // The statistics count the controls by their status.
    let stats = &doc["statistics"]["controls"];
    let failed =
        doc["profiles"][0]["controls"].as_array().unwrap().iter().filter(|c| statuses(c)[0] == "failed").count();
    assert_eq!(stats["failed"]["total"].as_u64(), Some(failed as u64));
    assert!(stats["skipped"]["total"].as_u64().unwrap() > 0);
    // Deterministic.
    assert_eq!(text, String::from_utf8(dockward(dir, &args).stdout).unwrap());

    // Without --compliance: no NIST tags (nothing to map with) and no skipped controls.
    let out = dockward(dir, &["check", "--isolated", ".", "--format", "hdf"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    validate(&doc);
    assert!(control(&doc, "CT001")["tags"].get("nist").is_none());
    assert!(doc["profiles"][0]["controls"].as_array().unwrap().iter().all(|c| statuses(c)[0] != "skipped"));
}

#[test]
fn an_unreadable_input_is_an_error_result() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(dir.join("Dockerfile"), b"FROM a\n\xff\xfe\n").unwrap();
    let out = dockward(dir, &["check", "--isolated", "Dockerfile", "--format", "hdf"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    validate(&doc);
    assert_eq!(statuses(control(&doc, "DW002")), ["error"]);
}
