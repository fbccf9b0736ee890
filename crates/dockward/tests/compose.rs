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

/// `(file name, line, code)` of every finding, sorted.
fn located(out: &Output) -> Vec<(String, u64, String)> {
    let mut v: Vec<_> = findings(out)
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let name = Path::new(path).file_name().unwrap().to_string_lossy().into_owned();
            (name, f["location"]["start"]["line"].as_u64().unwrap_or(0), f["code"].as_str().unwrap().to_string())
        })
        .collect();
    v.sort();
    v
}

fn ct_bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dockward"));
    c.args(["check", "--isolated", "--format", "json", "--select", "CT004,CT017,CT020,CO"]);
    c
}

const BASE: &str = "services:\n  web:\n    image: nginx:1.25\n    user: \"1000\"\n";
const LAYER: &str = "services:\n  web:\n    ports:\n      - \"8080:80\"\n  extra:\n    image: x:1\n";

// issue 13 #11: a fragment beside a base is judged layered over it, and reports only
// its own findings (the base's come once, from the base's own project).
#[test]
fn fragment_beside_a_base_is_layered_over_it_and_reports_only_its_own_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "compose.yaml", BASE);
    write(dir.path(), "compose.prod.yaml", LAYER);
    write(dir.path(), "docker-compose-dev.yml", LAYER);
    let out = ct_bin().arg(dir.path()).output().unwrap();
    let mut want = vec![("compose.yaml".to_string(), 2, "CT004".to_string())];
    for f in ["compose.prod.yaml", "docker-compose-dev.yml"] {
        // `web` gets its user from the base (no CT020 on it); `extra` is the
        // fragment's own service, judged whole.
        want.push((f.into(), 4, "CT017".into()));
        want.push((f.into(), 5, "CT004".into()));
        want.push((f.into(), 5, "CT020".into()));
    }
    want.sort();
    assert_eq!(located(&out), want);
    // Named alone, the fragment still layers over the base on disk.
    let out = ct_bin().arg(dir.path().join("compose.prod.yaml")).output().unwrap();
    let alone: Vec<_> = want.iter().filter(|w| w.0 == "compose.prod.yaml").cloned().collect();
    assert_eq!(located(&out), alone);
}

// issue 13 #11: with no base beside it, an override is found and judged on what it
// sets, not on what its partial services lack.
#[test]
fn override_without_a_base_judges_what_it_sets_not_what_partial_services_lack() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker-compose.override.yml", LAYER);
    let out = ct_bin().arg(dir.path()).output().unwrap();
    // `web` is partial (no image): only its published port is judged; `extra` is whole.
    let want: Vec<_> = [(4, "CT017"), (5, "CT004"), (5, "CT020")]
        .iter()
        .map(|(line, code)| ("docker-compose.override.yml".to_string(), *line, code.to_string()))
        .collect();
    assert_eq!(located(&out), want);
    // The same file under a project name is a whole project: its partial service is judged.
    write(dir.path(), "solo/compose.yaml", LAYER);
    let out = ct_bin().arg(dir.path().join("solo")).output().unwrap();
    assert!(located(&out).contains(&("compose.yaml".into(), 2, "CT020".into())), "{:?}", located(&out));
}

// issue 13 #11: fixing a fragment never edits the base (its own project fixes it once).
#[test]
fn fixing_a_fragment_leaves_the_base_to_its_own_project() {
    let dir = tempfile::tempdir().unwrap();
    let base = write(dir.path(), "compose.yaml", "version: \"3\"\nservices:\n  web:\n    image: a:1\n");
    let layer = write(dir.path(), "compose.prod.yaml", "version: \"3\"\nservices:\n  web:\n    init: true\n");
    let out = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .args(["check", "--isolated", "--select", "CO001", "--fix"])
        .arg(&layer)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(std::fs::read_to_string(&layer).unwrap(), "services:\n  web:\n    init: true\n");
    assert!(std::fs::read_to_string(&base).unwrap().starts_with("version:"));
}

// A file reached through `extends.file: ./sub/x.yaml` and the same file found by the walk
// have one name in the report (`sub/x.yaml`), not `./sub/x.yaml` beside `sub/x.yaml`.
#[test]
fn a_file_reached_through_dot_components_has_one_name() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    extends:\n      file: ./sub/./compose-base.yaml\n      service: base\n",
    );
    write(dir.path(), "sub/compose-base.yaml", "services:\n  base:\n    image: nginx:1.25\n    privileged: true\n");
    let out = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .current_dir(dir.path())
        .args(["check", "--isolated", "--format", "json", "--select", "CT001", "."])
        .output()
        .unwrap();
    let paths: std::collections::BTreeSet<String> =
        findings(&out).iter().map(|f| f["path"].as_str().unwrap().to_string()).collect();
    // CT001 once for `base` (its own project) and once for `web` (which extends it).
    assert_eq!(
        paths.into_iter().collect::<Vec<_>>(),
        ["sub/compose-base.yaml"],
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(findings(&out).len(), 2);
}
