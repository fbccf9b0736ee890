//! End-to-end tests of `dockward check` on Compose projects.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dockward"));
    // Only the Compose-structure and meta rules: the container rules (CT) have their
    // own tests, and these must not change when CT rules are added.
    c.env_remove("NO_COLOR").env("TERM", "xterm").args(["check", "--isolated", "--select", "CO,DW"]);
    c
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content).unwrap();
    p
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad json ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn findings(out: &Output) -> Vec<Value> {
    json(out)["findings"].as_array().cloned().unwrap_or_default()
}

fn codes(out: &Output) -> Vec<String> {
    findings(out).iter().map(|f| f["code"].as_str().unwrap().to_string()).collect()
}

#[test]
fn json_output_on_a_real_corpus_file() {
    let out =
        bin().args(["--format", "json"]).arg(corpus().join("awesome-compose/wireguard/compose.yaml")).output().unwrap();
    let doc = json(&out);
    assert_eq!(doc["summary"]["files"], 1);
    let co001: Vec<&Value> = doc["findings"].as_array().unwrap().iter().filter(|f| f["code"] == "CO001").collect();
    assert_eq!(co001.len(), 1, "{doc}");
    let f = co001[0];
    assert_eq!(f["name"], "obsolete-version-key");
    assert_eq!(f["severity"], "info");
    assert!(f["path"].as_str().unwrap().ends_with("awesome-compose/wireguard/compose.yaml"));
    assert_eq!(f["location"]["start"]["line"], 1);
    assert_eq!(f["location"]["start"]["column"], 1);
    assert_eq!(f["location"]["end"]["column"], 8);
    assert_eq!(f["fix"]["applicability"], "safe");
    assert_eq!(f["fix"]["edits"][0]["end"]["line"], 2);
    assert_eq!(f["fix"]["edits"][0]["content"], "");
}

#[test]
fn directory_walk_groups_base_and_override_into_one_project() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app/compose.yaml", "services:\n  web:\n    image: a:1\n    secrets: [pw]\n");
    // The override declares the secret: one project, so no undeclared-secret error.
    write(dir.path(), "app/compose.override.yaml", "secrets:\n  pw:\n    file: ./pw.txt\n");
    write(dir.path(), "other/docker-compose.yml", "services:\n  job:\n    image: j:1\n    secrets: [missing]\n");
    let out = bin().args(["--format", "json"]).arg(dir.path()).output().unwrap();
    let doc = json(&out);
    assert_eq!(doc["summary"]["files"], 3, "{doc}");
    assert_eq!(codes(&out), ["CO008"]);
    assert!(findings(&out)[0]["path"].as_str().unwrap().ends_with("other/docker-compose.yml"));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn explicit_files_merge_in_order_with_env_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.yaml", "services:\n  web:\n    image: app:${TAG:?TAG is required}\n");
    let b = write(dir.path(), "b.yaml", "services:\n  web:\n    user: app\n");
    let env = write(dir.path(), "ci.env", "TAG=1.2\n");
    let out = bin().args(["--format", "json", "-f"]).arg(&a).arg("-f").arg(&b).output().unwrap();
    assert_eq!(codes(&out), ["CO004"]);
    let out =
        bin().args(["--format", "json", "-f"]).arg(&a).arg("-f").arg(&b).arg("--env-file").arg(&env).output().unwrap();
    assert!(codes(&out).is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn fix_removes_version_and_keeps_comments() {
    let dir = tempfile::tempdir().unwrap();
    let p =
        write(dir.path(), "compose.yaml", "# top\nversion: \"3.9\"\nservices:\n  web:  # the app\n    image: a:1\n");
    let out = bin().arg("--fix").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "# top\nservices:\n  web:  # the app\n    image: a:1\n");
}

#[test]
fn yaml_comment_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# dockward: ignore[CO001]\nversion: '3'\nservices:\n  web:\n    image: a:1\n    bogus: 1  # dockward: ignore[compose-schema-violation]\n    secrets: [nope]\n";
    let p = write(dir.path(), "compose.yaml", text);
    let out = bin().args(["--format", "json"]).arg(&p).output().unwrap();
    assert_eq!(codes(&out), ["CO008"]);
    let text = "# dockward: file-ignore[CO008, CO009]\nservices:\n  web:\n    image: a:1\n    secrets: [nope]\n";
    let p = write(dir.path(), "compose.yaml", text);
    let out = bin().args(["--format", "json"]).arg(&p).output().unwrap();
    assert_eq!(codes(&out), ["DW003"], "the unused CO009 code is reported");
    let text = "services:\n  web:\n    # dockward: ignore[CO002]\n    image: a:1\n";
    let p = write(dir.path(), "compose.yaml", text);
    let out = bin().args(["--format", "json"]).arg(&p).output().unwrap();
    let f = findings(&out);
    assert_eq!(codes(&out), ["DW003"]);
    assert_eq!(f[0]["message"], "`CO002` suppresses nothing in the YAML lines it covers");
    assert_eq!(f[0]["location"]["start"]["line"], 3);
    // A pragma above a service covers the whole service.
    let text = "services:\n  # dockward: ignore[CO008]\n  web:\n    image: a:1\n    secrets: [nope]\n  job:\n    image: j:1\n    secrets: [gone]\n";
    let p = write(dir.path(), "compose.yaml", text);
    let out = bin().args(["--format", "json"]).arg(&p).output().unwrap();
    assert_eq!(codes(&out), ["CO008"]);
    assert_eq!(findings(&out)[0]["location"]["start"]["line"], 8);
}

#[test]
fn broken_files_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "compose.yaml", "services:\n\tweb:\n\t\timage: a\n");
    let out = bin().args(["--format", "json"]).arg(&p).output().unwrap();
    let f = findings(&out);
    assert_eq!(f[0]["code"], "DW001");
    assert_eq!(f[0]["location"]["start"]["line"], 2);
    let p = write(dir.path(), "docker-compose.yml", "services:\n  web:\n    image: \"\u{1}\"\n");
    let out = bin().arg(&p).output().unwrap();
    assert!(out.status.code().is_some());
    std::fs::write(&p, b"services:\n  web:\n    image: \xfe\n").unwrap();
    let out = bin().args(["--format", "json"]).arg(&p).output().unwrap();
    assert_eq!(codes(&out), ["DW002"]);
    assert_eq!(out.status.code(), Some(2));
}
