//! Adopting dockward on a repository that already has findings: baselines and the
//! `--severity` filter (docs/baseline.md).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

// Only the fake engine is used here.
#[allow(dead_code)]
mod support;
use support::fake_engine;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dockward"));
    c.env_remove("NO_COLOR").env("TERM", "dumb");
    c
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run dockward")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad json ({e}): {}\n{}", String::from_utf8_lossy(&out.stdout), stderr(out)))
}

/// `(code, line)` of every finding of a JSON report.
fn findings(out: &Output) -> Vec<(String, u64)> {
    json(out)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap().to_string(), f["location"]["start"]["line"].as_u64().unwrap_or(0)))
        .collect()
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content).unwrap();
    p
}

/// Four findings: DF102 and DF103 (info) on line 2, DF001 on line 3, DF011 on line 4.
const DOCKERFILE: &str =
    "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nUSER root\nADD https://example.com/x /x\n";

fn check_json(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["check", ".", "--format", "json"];
    args.extend_from_slice(extra);
    run(bin().current_dir(dir).args(args))
}

#[test]
fn a_baseline_hides_recorded_findings_through_line_moves() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "app/Dockerfile", DOCKERFILE);

    // Recording exits 0 although there are warnings, and says what it wrote.
    let out = run(bin().current_dir(dir).args(["check", ".", "--baseline-write", "baseline.json"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("wrote 4 findings to the baseline baseline.json"), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.join("baseline.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], 1);
    let entries = v["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    assert!(entries.iter().all(|e| e["file"] == "app/Dockerfile"), "{text}");
    let codes: Vec<&str> = entries.iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["DF001", "DF011", "DF102", "DF103"], "sorted");

    // Unchanged: nothing new, exit 0.
    let out = check_json(dir, &["--baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(findings(&out), []);
    assert_eq!(json(&out)["summary"]["baseline"], serde_json::json!({"hidden": 4, "stale": 0}));

    // Lines inserted above, a new finding (a second ADD) above the old ones: only
    // the new one is reported, on its new line.
    write(
        dir,
        "app/Dockerfile",
        "# syntax note\n\nFROM debian:12\nADD https://example.com/new /new\nRUN apt-get update && apt-get install -y curl\n\nUSER root\nADD https://example.com/x /x\n",
    );
    let out = check_json(dir, &["--baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(findings(&out), [("DF011".to_string(), 4)]);
    assert_eq!(json(&out)["summary"]["baseline"]["hidden"], 4);

    // From another directory, naming the file another way, the entries still match.
    let out = run(bin().current_dir(dir.join("app")).args([
        "check",
        "../app/Dockerfile",
        "--format",
        "json",
        "--baseline",
        "../baseline.json",
    ]));
    assert_eq!(findings(&out), [("DF011".to_string(), 4)], "{}", stderr(&out));
}

#[test]
fn a_changed_finding_is_new_and_a_fixed_one_is_stale() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "Dockerfile", DOCKERFILE);
    let out = run(bin().current_dir(dir).args(["check", ".", "-q", "--baseline-write", "b.json"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "quiet: {}", stderr(&out));

    // The ADD line changed (another URL): reported again; USER root fixed: stale.
    write(
        dir,
        "Dockerfile",
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nUSER 10001\nADD https://example.com/y /x\n",
    );
    let out = check_json(dir, &["--baseline", "b.json"]);
    assert_eq!(findings(&out), [("DF011".to_string(), 4)]);
    assert_eq!(json(&out)["summary"]["baseline"], serde_json::json!({"hidden": 2, "stale": 2}));
    let out = run(bin().current_dir(dir).args(["check", ".", "--color", "never", "--baseline", "b.json"]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Baseline: 2 findings hidden, 2 stale entries (recorded but no longer found).\n"), "{text}");

    // Recording again with the old baseline applied: the new file has today's three.
    let out =
        run(bin().current_dir(dir).args(["check", ".", "-q", "--baseline", "b.json", "--baseline-write", "b.json"]));
    assert_eq!(out.status.code(), Some(1), "new findings still fail: {}", stderr(&out));
    let out = check_json(dir, &["--baseline", "b.json"]);
    assert_eq!(findings(&out), []);
    assert_eq!(json(&out)["summary"]["baseline"], serde_json::json!({"hidden": 3, "stale": 0}));
}

#[test]
fn a_corrupt_or_missing_baseline_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "Dockerfile", DOCKERFILE);
    for (content, expected) in [
        (Some("{\"version\": 1, \"findings\": [{\"file\": 3}]}"), "bad.json: not a dockward baseline"),
        (Some("{\"version\": 9, \"findings\": []}"), "bad.json: baseline version 9 is not supported"),
        (Some("not json"), "bad.json: not a dockward baseline (invalid JSON"),
        (None, "bad.json: cannot read the baseline"),
    ] {
        let _ = std::fs::remove_file(dir.join("bad.json"));
        if let Some(c) = content {
            write(dir, "bad.json", c);
        }
        let out = run(bin().current_dir(dir).args(["check", ".", "--baseline", "bad.json"]));
        assert_eq!(out.status.code(), Some(2), "{content:?}");
        assert!(stderr(&out).contains(expected), "{content:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn severity_filters_what_is_shown_and_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "Dockerfile", DOCKERFILE);
    let out = check_json(dir, &["--severity", "info"]);
    assert_eq!(findings(&out), [("DF102".to_string(), 2), ("DF103".to_string(), 2)]);
    // Info findings alone do not fail at the default threshold (warning).
    assert_eq!(out.status.code(), Some(0));
    let out = check_json(dir, &["--severity", "error,warning"]);
    assert_eq!(findings(&out), [("DF001".to_string(), 3), ("DF011".to_string(), 4)]);
    assert_eq!(json(&out)["summary"]["findings"], 2);
    assert_eq!(out.status.code(), Some(1));
    let out = check_json(dir, &["--severity", "error"]);
    assert_eq!(findings(&out), []);
    assert_eq!(out.status.code(), Some(0), "hidden warnings do not fail the run");
    let out = run(bin().current_dir(dir).args(["check", ".", "--severity", "loud"]));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_hadolint_config_is_read_when_there_is_no_dockward_config() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "Dockerfile", DOCKERFILE);
    write(
        dir,
        ".hadolint.yaml",
        "ignored:\n  - DL3002\n  - SC2086\noverride:\n  error:\n    - DL3020\nfailure-threshold: error\n",
    );
    let out = check_json(dir, &[]);
    // DL3002 is DF001's alias: left out. SC2086 has no equivalent: a warning, not exit 2.
    let codes: Vec<String> = findings(&out).into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, ["DF102", "DF103", "DF011"], "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            ".hadolint.yaml:3:5: `SC2086` in `ignored` is left out: a ShellCheck check, which dockward does not run"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).matches("SC2086").count(), 1, "once: {}", stderr(&out));
    // failure-threshold: error, and the findings left are warnings and info.
    assert_eq!(out.status.code(), Some(0));
    // A dockward.toml wins: the hadolint file is not read.
    write(dir, "dockward.toml", "fail-on = \"warning\"\n");
    let out = check_json(dir, &[]);
    assert!(findings(&out).iter().any(|(c, _)| c == "DF001"));
    assert!(!stderr(&out).contains("SC2086"));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn show_files_lists_what_discovery_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "Dockerfile", DOCKERFILE);
    write(dir, "deploy/compose.yaml", "services:\n  web:\n    image: x:1\n");
    write(dir, "scripts/run.sh", "#!/bin/sh\ndocker run --rm x:1\n");
    write(dir, "README.md", "# not checked\n");
    write(dir, "ignored/Dockerfile", DOCKERFILE);
    write(dir, ".gitignore", "ignored/\n");
    std::fs::create_dir(dir.join(".git")).unwrap();
    let out = run(bin().current_dir(dir).args(["check", "--show-files"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = listed.lines().map(|l| l.trim_start_matches("./")).collect();
    assert_eq!(lines, ["Dockerfile", "deploy/compose.yaml", "scripts/run.sh"], "{listed}");
    let out = run(bin().current_dir(dir).args(["check", "--show-files", "nope"]));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn show_settings_names_the_config_and_the_effective_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "Dockerfile", DOCKERFILE);
    write(dir, "svc/Dockerfile", DOCKERFILE);
    write(
        dir,
        "svc/dockward.toml",
        "select = [\"DF001\", \"DF011\"]\nfail-on = \"error\"\n[severity]\nDF011 = \"error\"\n\
         [per-file-ignores]\n\"Dockerfile\" = [\"DF001\"]\n[dockerfile]\ntrusted-registries = [\"ghcr.io/acme\"]\n",
    );
    let out = run(bin().current_dir(dir).args(["check", "--show-settings", "svc/Dockerfile"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let config_line = text.lines().nth(1).unwrap();
    assert!(config_line.starts_with("config: ") && config_line.ends_with("svc/dockward.toml"), "{text}");
    assert!(text.contains("fail-on: error\n"), "{text}");
    assert!(text.contains("trusted-registries: ghcr.io/acme\n"), "{text}");
    assert!(text.contains("  DF011  error    add-url-without-checksum (default warning)\n"), "{text}");
    assert!(text.contains("ignored for this file (per-file-ignores): DF001\n"), "{text}");
    // The file at the top has no config: the defaults, every default rule.
    let out = run(bin().current_dir(dir).args(["check", "--show-settings", "Dockerfile", "--ignore", "DF001"]));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains("config: none (the defaults)\n"), "{text}");
    assert!(!text.contains("  DF001 "), "{text}");
    assert!(text.contains("  CT035  warning  container-not-hardened\n"), "{text}");
}

#[test]
fn init_writes_a_starter_config_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = run(bin().current_dir(dir).args(["init"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.join("dockward.toml")).unwrap();
    assert!(text.starts_with("# dockward.toml"), "{text}");
    // It is the config `check` then uses, and it is valid.
    write(dir, "Dockerfile", DOCKERFILE);
    let out = run(bin().current_dir(dir).args(["check", "--show-settings", "Dockerfile"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).lines().nth(1).unwrap().ends_with("dockward.toml"));
    // A second run refuses to overwrite, and leaves the file alone.
    std::fs::write(dir.join("dockward.toml"), "fail-on = \"error\"\n").unwrap();
    let out = run(bin().current_dir(dir).args(["init"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.join("dockward.toml")).unwrap(), "fail-on = \"error\"\n");
    let out = run(bin().current_dir(dir).args(["init", "sub"]));
    assert_eq!(out.status.code(), Some(2), "a directory that does not exist");
}

#[test]
fn audit_takes_a_baseline_too() {
    let engine = fake_engine::start(fake_engine::healthy);
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("audit-baseline.json");
    let file = file.to_str().unwrap();
    let host = engine.host();
    let audit = |extra: &[&str]| {
        let mut args = vec!["audit", "--isolated", "--host", host.as_str(), "--select", "NW", "--format", "json"];
        args.extend_from_slice(extra);
        run(bin().args(args).env_remove("DOCKER_HOST").env_remove("DOCKER_CONTEXT"))
    };
    let out = audit(&[]);
    assert_eq!(findings(&out).len(), 1, "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(1));
    let out = audit(&["--baseline-write", file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(v["findings"][0]["file"], "container/web", "objects keep their names");
    let out = audit(&["--baseline", file]);
    assert_eq!(findings(&out), []);
    assert_eq!(json(&out)["summary"]["baseline"], serde_json::json!({"hidden": 1, "stale": 0}));
    assert_eq!(out.status.code(), Some(0));
    // --severity works on audits too: NW001 is a warning.
    let out = audit(&["--severity", "error"]);
    assert_eq!((findings(&out).len(), out.status.code()), (0, Some(0)));
    let out = audit(&["--severity", "warning,info"]);
    assert_eq!((findings(&out).len(), out.status.code()), (1, Some(1)));
}

#[test]
fn a_large_check_shows_files_on_a_terminal_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for i in 0..120 {
        write(dir, &format!("s{i}/Dockerfile"), "FROM debian:12\nUSER 10001\n");
    }
    let out = run(bin().current_dir(dir).args(["check", "."]));
    assert!(!stderr(&out).contains("checking"), "not a terminal: {}", stderr(&out));
    // `script` gives the command a pseudo-terminal.
    let bin = env!("CARGO_BIN_EXE_dockward");
    let on_tty = |extra: &str| {
        let cmd = format!("cd {} && {bin} check . --color never {extra}", dir.display());
        let out = Command::new("script").args(["-qc", &cmd, "/dev/null"]).output().expect("script (util-linux)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let tty = on_tty("");
    assert!(tty.contains("checking") && tty.contains("/120 files"), "{tty}");
    assert!(!on_tty("--quiet").contains("/120 files"));
}
