//! Inputs that grow along one axis (issue 19 class 4), at the x1 size of
//! `bench/hostile.sh`: the findings must be the ones a small file of the same shape
//! gets, per link of the chain. How long they take is measured by the bench script,
//! never here.

use std::collections::BTreeMap;
use std::path::PathBuf;

use dockward_compose::{LoadOptions, ProjectFile};
use dockward_linter::check::{check_dockerfile_text, FileReport, FixMode};
use dockward_linter::check_compose::check_compose_project;
use dockward_linter::daemon::{check_flag_file_bytes, FlagFileKind};
use dockward_linter::Settings;

/// Findings per rule code.
fn counts(reports: &[FileReport]) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        *out.entry(d.rule.code).or_default() += 1;
    }
    out
}

/// `bench/hostile_gen.py stages`: `n` stages, each built on the one before.
fn stage_chain(n: usize) -> String {
    let mut out = String::from("# syntax=docker/dockerfile:1\nFROM alpine:3.20 AS s0\nRUN echo base > /base\n");
    for i in 1..n {
        let p = i - 1;
        out.push_str(&format!(
            "FROM s{p} AS s{i}\nENV V{i}=value-{i} PREV=$V{p}\nWORKDIR /work/s{i}\nCOPY --from=s{p} / /snap{i}\nRUN cd /tmp && echo $V{i} $PREV > /out{i}\n"
        ));
    }
    out.push_str("USER 1000\n");
    out
}

#[test]
fn a_chain_of_a_thousand_stages() {
    let text = stage_chain(1000);
    let report = check_dockerfile_text("Dockerfile", None, &text, &Settings::default(), FixMode::Off);
    // Each stage copies the whole filesystem of the one before, which is built on
    // alpine through the chain: one DF133 per stage but the first, and nothing else.
    assert_eq!(counts(std::slice::from_ref(&report)), BTreeMap::from([("DF133", 999)]));
    let last = report.diagnostics.iter().map(|d| d.message.as_ref()).next_back().unwrap_or_default();
    assert!(last.contains("s998"), "{last}");
}

/// `bench/hostile_gen.py extends`: `n` services, each extending the one before and
/// overriding `LEVEL`.
fn extends_chain(n: usize) -> String {
    let mut out = String::from("services:\n  s0:\n    image: alpine:3.20\n    environment:\n      LEVEL: '0'\n");
    for i in 1..n {
        out.push_str(&format!(
            "  s{i}:\n    extends:\n      service: s{}\n    environment:\n      LEVEL: '{i}'\n",
            i - 1
        ));
    }
    out
}

#[test]
fn a_chain_of_eight_hundred_extends() {
    let dir = std::env::temp_dir().join(format!("dockward-hostile-extends-{}", std::process::id()));
    let file = ProjectFile { path: dir.join("compose.yaml"), display: "compose.yaml".into(), bytes: None };
    let file = ProjectFile { bytes: Some(extends_chain(800).into_bytes()), ..file };
    let options = LoadOptions { environment: Some(Vec::new()), ..LoadOptions::default() };
    let reports = check_compose_project(&[file], &options, &Settings::default(), FixMode::Off);
    assert_eq!(counts(&reports), BTreeMap::from(EXTENDS_FINDINGS));
}

/// The container rules' findings of one `alpine` service with no hardening, for
/// each of the 800 (resolved, every service is one): the eight missing settings are
/// one CT035 finding per service.
const EXTENDS_FINDINGS: [(&str, usize); 1] = [("CT035", 800)];

/// `bench/hostile_gen.py flags`: a unit whose ExecStart passes `n` flags, ten to a
/// continuation line.
fn many_flags(n: usize) -> String {
    const CYCLE: [&str; 10] = [
        "--icc=false",
        "-D",
        "--dns 9.9.9.9",
        "--live-restore",
        "--log-opt a=b",
        "--userland-proxy=false",
        "--debug",
        "--no-such-flag",
        "-H fd://",
        "--ip 0.0.0.0",
    ];
    let mut out = String::from("[Unit]\nDescription=Docker\n\n[Service]\nExecStart=/usr/bin/dockerd");
    for i in 0..n {
        if i % 10 == 0 {
            out.push_str(" \\\n ");
        }
        out.push(' ');
        out.push_str(CYCLE[i % 10]);
    }
    out.push_str("\n\n[Install]\nWantedBy=multi-user.target\n");
    out
}

#[test]
fn a_hundred_thousand_dockerd_flags() {
    let text = many_flags(100_000);
    let report = check_flag_file_bytes(
        FlagFileKind::SystemdUnit,
        "docker.service",
        Some(PathBuf::from("docker.service")),
        text.as_bytes(),
        &Settings::default(),
    );
    assert_eq!(counts(std::slice::from_ref(&report)), BTreeMap::from(FLAGS_FINDINGS));
}

/// One unknown flag (DM002) in every ten, and one finding each about the resulting
/// configuration (no log rotation, DM021; `--ip 0.0.0.0`, DM025), whatever its length.
const FLAGS_FINDINGS: [(&str, usize); 3] = [("DM002", 10_000), ("DM021", 1), ("DM025", 1)];

#[test]
fn thirteen_thousand_fixes_in_one_file() {
    let mut text = String::from("FROM alpine:3.20\n");
    for i in 0..13_000 {
        text.push_str(&format!("RUN echo upper-{i}\nrun echo lower-{i}\n"));
    }
    let fix = FixMode::Apply { unsafe_fixes: false };
    let report = check_dockerfile_text("Dockerfile", None, &text, &Settings::default(), fix);
    let fixed = report.fixed.expect("the keywords are fixed");
    assert_eq!(fixed.applied, 13_000);
    assert_eq!(fixed.text, text.replace("\nrun ", "\nRUN "));
    assert!(report.diagnostics.iter().all(|d| d.rule.code != "DF122"), "no casing finding is left");
}
