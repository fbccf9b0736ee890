//! Getting dockward and running it everywhere (issue 14): the extra output formats
//! end to end, completions and man pages, the pre-commit hook, the CI templates and
//! the container image.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dockward"));
    c.env("NO_COLOR", "1");
    c
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run dockward")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The same findings in every format: as many concise lines, Checkstyle errors and
/// GitLab issues as the JSON report has findings, with the same exit code.
#[test]
fn every_format_reports_the_same_findings() {
    let check = |format: &str| run(bin().current_dir(repo()).args(["check", "examples/insecure", "--format", format]));
    let json = check("json");
    assert_eq!(json.status.code(), Some(1), "{}", String::from_utf8_lossy(&json.stderr));
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.len() > 10, "{report}");

    let concise = check("concise");
    assert_eq!(concise.status.code(), Some(1));
    let lines: Vec<String> = stdout(&concise).lines().map(String::from).collect();
    assert_eq!(lines.len(), findings.len());
    for (line, f) in lines.iter().zip(findings) {
        let code = f["code"].as_str().unwrap();
        assert!(line.contains(&format!(": {code} [")), "{line} / {f}");
        assert!(line.starts_with("examples/insecure/"), "{line}");
    }

    let checkstyle = stdout(&check("checkstyle"));
    assert!(checkstyle.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">"));
    assert_eq!(checkstyle.matches("<error ").count(), findings.len());

    let gitlab: Value = serde_json::from_str(&stdout(&check("gitlab"))).unwrap();
    let issues = gitlab.as_array().unwrap();
    assert_eq!(issues.len(), findings.len());
    let mut prints: Vec<&str> = issues.iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
    prints.sort();
    prints.dedup();
    assert_eq!(prints.len(), issues.len(), "fingerprints are unique");
    assert!(issues.iter().all(|i| i["location"]["path"].as_str().unwrap().starts_with("examples/insecure/")));
}

/// `dockward completions` and `dockward man` print what is checked in under `dist/`.
#[test]
fn completions_and_man_print_the_checked_in_files() {
    for (shell, file) in
        [("bash", "dockward.bash"), ("zsh", "_dockward"), ("fish", "dockward.fish"), ("powershell", "_dockward.ps1")]
    {
        let out = run(bin().args(["completions", shell]));
        assert!(out.status.success());
        assert_eq!(out.stdout, std::fs::read(repo().join("dist/completions").join(file)).unwrap(), "{shell}");
    }
    let out = run(bin().arg("man"));
    assert!(out.status.success());
    assert_eq!(out.stdout, std::fs::read(repo().join("dist/man/dockward.1")).unwrap());
    let out = run(bin().args(["man", "check"]));
    assert_eq!(out.stdout, std::fs::read(repo().join("dist/man/dockward-check.1")).unwrap());
    let out = run(bin().args(["man", "nope"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no man page for `dockward-nope.1`"));
    let out = run(bin().args(["completions", "tcsh"]));
    assert_eq!(out.status.code(), Some(2));
}
