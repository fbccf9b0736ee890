//! A reader that stops early (`dockward rules | head`) closes stdout: every command, in
//! every format, ends quietly with its normal exit code, never with a panic.

#[allow(dead_code)]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use support::fake_engine;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs dockward with the read end of its stdout closed before it writes anything;
/// returns the exit code and stderr.
fn with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .args(args)
        .current_dir(repo())
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dockward");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait for dockward");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn assert_quiet(args: &[&str], code: i32) {
    let (got, stderr) = with_closed_stdout(args);
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    assert!(!stderr.contains("Broken pipe"), "{args:?} reported the closed pipe: {stderr}");
    assert_eq!(got, Some(code), "{args:?}: {stderr}");
}

/// A Dockerfile of about 250 KiB: its AST dump and its findings are far larger than a
/// pipe's buffer.
fn big_dockerfile(dir: &Path) -> String {
    let mut text = String::from("FROM alpine\n");
    for i in 0..3000 {
        text.push_str(&format!("RUN apt-get install curl-{i} && curl -k https://example.com/{i} | sh\n"));
    }
    let p = dir.join("Dockerfile");
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn rules_rule_and_help() {
    assert_quiet(&["rules"], 0);
    assert_quiet(&["rules", "--format", "json"], 0);
    assert_quiet(&["rule", "DF001"], 0);
    assert_quiet(&["--help"], 0);
    assert_quiet(&["check", "--help"], 0);
}

#[test]
fn debug_ast_of_a_big_dockerfile() {
    let dir = tempfile::tempdir().unwrap();
    let file = big_dockerfile(dir.path());
    assert_quiet(&["debug", "ast", &file], 0);
    assert_quiet(&["debug", "ast", "--format", "buildkit", &file], 0);
}

#[test]
fn check_in_every_format_and_diff() {
    let dir = tempfile::tempdir().unwrap();
    let file = big_dockerfile(dir.path());
    for format in ["text", "json", "sarif", "junit", "github"] {
        assert_quiet(&["check", "--isolated", "--format", format, &file], 1);
        assert_quiet(&["check", "--isolated", "--format", format, "examples/insecure"], 1);
    }
    assert_quiet(&["check", "--isolated", "--statistics", &file], 1);
    assert_quiet(&["check", "--isolated", "--diff", "--unsafe-fixes", &file], 1);
    // An error run keeps its exit code 2.
    assert_quiet(&["check", "--isolated", "no/such/path"], 2);
}

#[test]
fn sbom_in_every_format() {
    for format in ["cyclonedx", "spdx", "json", "text"] {
        assert_quiet(&["sbom", "--format", format, "crates/dockward"], 0);
    }
}

#[test]
fn audit_in_every_format() {
    let engine = fake_engine::start(fake_engine::healthy);
    let host = engine.host();
    for format in ["text", "json", "sarif", "junit", "github", "cis", "cis-json"] {
        let (code, stderr) = with_closed_stdout(&["audit", "--isolated", "--host", &host, "--format", format]);
        assert!(!stderr.contains("panicked"), "{format} panicked: {stderr}");
        assert!(matches!(code, Some(0 | 1)), "{format}: {code:?} {stderr}");
    }
}
