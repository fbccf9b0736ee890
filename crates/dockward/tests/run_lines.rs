//! End-to-end tests of `docker run` lines in scripts, Makefiles and CI files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dockward"));
    c.env_remove("NO_COLOR").env("TERM", "xterm");
    c
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run dockward")
}

fn json_findings(out: &Output) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad json ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    v["findings"].as_array().cloned().unwrap_or_default()
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content).unwrap();
    p
}

/// (path, code, line, column) of every finding.
fn located(findings: &[Value]) -> Vec<(String, String, u64, u64)> {
    findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
                f["location"]["start"]["line"].as_u64().unwrap(),
                f["location"]["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_file_kind_is_found_and_findings_are_exact() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "scripts/deploy.sh", "#!/bin/sh\nset -eu\ndocker run -d \\\n  --privileged app:1\n");
    write(d, "scripts/quiet.sh", "#!/bin/sh\necho nothing to see\n");
    write(d, "Makefile", "IMG = app:1\nup:\n\t@docker run --pid=host $(IMG)\n");
    write(
        d,
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          docker run \\\n            --cap-add SYS_ADMIN app:1\n",
    );
    write(d, ".gitlab-ci.yml", "test:\n  script:\n    - docker run --network host app:1\n");
    let out = run(bin().current_dir(d).args(["check", "--format", "json", "--select", "CT001,CT002,CT011"]));
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let got = located(&json_findings(&out));
    let want = [
        (".github/workflows/ci.yml", "CT002", 8, 23),
        (".gitlab-ci.yml", "CT011", 3, 28),
        ("Makefile", "CT011", 3, 20),
        ("scripts/deploy.sh", "CT001", 4, 3),
    ];
    let want: Vec<_> = want.iter().map(|(p, c, l, col)| (p.to_string(), c.to_string(), *l, *col)).collect();
    assert_eq!(got, want);
}

#[test]
fn unknown_flags_are_syntax_errors_with_positions() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "run.sh", "docker run --no-such-flag alpine:3\n");
    let out = run(bin().current_dir(dir.path()).args(["check", "--format", "json", "run.sh"]));
    let f = json_findings(&out);
    let syntax: Vec<_> = f.iter().filter(|f| f["code"] == "DW001").collect();
    assert_eq!(syntax.len(), 1, "{f:?}");
    assert_eq!(syntax[0]["location"]["start"]["column"], 12);
    assert!(syntax[0]["message"].as_str().unwrap().contains("--no-such-flag"));
}

#[test]
fn explicit_files_with_a_shebang_are_scripts() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bin/start", "#!/usr/bin/env bash\ndocker run --privileged app:1\n");
    let out = run(bin().current_dir(dir.path()).args(["check", "--format", "json", "--select", "CT001", "bin/start"]));
    assert_eq!(located(&json_findings(&out)), [("bin/start".to_string(), "CT001".to_string(), 2, 12)]);
}

#[test]
fn secrets_never_reach_any_output_format() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "s3cr3t-Hunter2-value";
    let token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    write(dir.path(), "run.sh", &format!("docker run --privileged -e DB_PASSWORD={secret} -e X={token} app:1\n"));
    // CT001 does not look for secrets, but its snippet shows the same line.
    for format in ["text", "json", "sarif", "junit", "github"] {
        let out =
            run(bin().current_dir(dir.path()).args(["check", "--select", "CT021,CT001", "--format", format, "run.sh"]));
        assert_eq!(out.status.code(), Some(1), "{format}");
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(all.contains("CT021") && all.contains("CT001"), "{format}: {all}");
        assert!(!all.contains(secret) && !all.contains("Hunter2"), "{format} leaks the password:\n{all}");
        assert!(!all.contains(token) && !all.contains("ghp_abc"), "{format} leaks the token:\n{all}");
    }
}

#[test]
fn fix_inserts_flags_into_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "run.sh", "docker run -d app:1\n");
    let out = run(bin().current_dir(dir.path()).args(["check", "--fix", "--select", "CT003,CT005", "run.sh"]));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let fixed = std::fs::read_to_string(p).unwrap();
    assert!(fixed.starts_with("docker run --"), "{fixed}");
    assert!(fixed.contains(" --cap-drop ALL") && fixed.contains(" --security-opt no-new-privileges"), "{fixed}");
    assert!(fixed.ends_with(" -d app:1\n"), "{fixed}");
}

#[test]
fn example_scripts_insecure_fails_and_hardened_passes() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = run(bin().current_dir(&repo).args(["check", "--format", "json", "examples/insecure/deploy.sh"]));
    assert_eq!(out.status.code(), Some(1));
    let codes: std::collections::BTreeSet<String> =
        json_findings(&out).iter().map(|f| f["code"].as_str().unwrap().to_string()).collect();
    for expected in ["CT001", "CT002", "CT006", "CT011", "CT012", "CT013", "CT017", "CT021", "CT023", "CT026"] {
        assert!(codes.contains(expected), "missing {expected} in {codes:?}");
    }
    let out = run(bin().current_dir(&repo).args(["check", "examples/hardened"]));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}
