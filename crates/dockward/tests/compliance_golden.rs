//! Golden scorecards: each framework's complete scorecard (`--format compliance`) of a
//! `dockward check` of `examples/insecure` (a Dockerfile, a builder Dockerfile, a
//! Compose project, a daemon.json and a script of `docker run` lines) against a
//! checked-in file a person reviewed: every control's outcome, its failing findings,
//! the rules that did not run and the header.
//!
//! After a deliberate change (a mapping, a rule, a message), regenerate with
//! `DOCKWARD_UPDATE_GOLDEN=1 cargo test -p dockward --test compliance_golden` and review
//! the diff before committing it.

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
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/compliance/{framework}.json"));
    if std::env::var_os("DOCKWARD_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (DOCKWARD_UPDATE_GOLDEN=1 writes it)", path.display()));
    if actual != expected {
        // The first differing line, so the failure says what changed.
        let (line, (a, e)) = actual
            .lines()
            .zip(expected.lines())
            .enumerate()
            .find(|(_, (a, e))| a != e)
            .unwrap_or((actual.lines().count().min(expected.lines().count()), ("<end>", "<end>")));
        panic!(
            "the {framework} scorecard differs from {} at line {}:\n  expected: {e}\n  actual:   {a}\n\
             review the change, then regenerate with DOCKWARD_UPDATE_GOLDEN=1",
            path.display(),
            line + 1
        );
    }
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
