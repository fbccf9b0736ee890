//! Golden scorecards: each framework's complete scorecard (`--format compliance`) of a
//! `dockward check` of `examples/insecure` (a Dockerfile, a builder Dockerfile, a
//! Compose project, a daemon.json and a script of `docker run` lines) against a
//! checked-in file a person reviewed: every control's outcome, its failing findings,
//! the rules that did not run and the header.
//!
//! After a deliberate change (a mapping, a rule, a message), regenerate with
//! `DOCKWARD_UPDATE_GOLDEN=1 cargo test -p dockward --test compliance_golden` and review
//! the diff before committing it.

#[path = "support/golden.rs"]
mod golden;

use std::path::PathBuf;
use std::process::Command;

fn golden(framework: &str) {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/insecure");
    // Run inside the example with `.`, so locations are relative and the file does not
    // depend on where the repository is.
    let out = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .current_dir(&example)
        .args(["check", "--isolated", ".", "--format", "compliance", "--compliance", framework])
        .output()
        .expect("run dockward");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let actual = String::from_utf8(out.stdout).unwrap();
    golden::assert_golden(
        &format!("tests/golden/compliance/{framework}.json"),
        &actual,
        &format!("the {framework} scorecard"),
    );
}

#[test]
fn nist_800_190() {
    golden("nist-800-190");
}

#[test]
fn pci_dss_4_0_1() {
    golden("pci-dss-4.0.1");
}

#[test]
fn hipaa() {
    golden("hipaa");
}

#[test]
fn gdpr_32() {
    golden("gdpr-32");
}

#[test]
fn nist_800_53() {
    golden("nist-800-53");
}

#[test]
fn cis_docker() {
    golden("cis-docker");
}
