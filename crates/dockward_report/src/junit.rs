//! JUnit XML, for CI systems that show test reports: one test suite `dockward`, one
//! test case per checked file, failing when the file has findings.
//!
//! No timestamps, durations or host names are written, so the same findings give the
//! same bytes.

use std::io::{self, Write};

use dockward_diagnostics::{Diagnostic, Location};
use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

use crate::scrub::Secrets;
use crate::Report;

/// `line:col CODE message`, or without the position when there is none.
fn failure_line(d: &Diagnostic) -> String {
    let message = Secrets::of(d).scrub(&d.message).into_owned();
    match &d.location {
        Location::Source { file, range } => format!("{} {} {message}", file.position(range.start()), d.rule.code),
        Location::File { .. } => format!("{} {message}", d.rule.code),
        Location::Logical { path, .. } => format!("{path} {} {message}", d.rule.code),
    }
}

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    // Checked files first, in the caller's order; then anything findings name that is
    // not a checked file (live objects), sorted, so every finding lands in a case.
    let mut names: Vec<&str> = report.files.iter().map(String::as_str).collect();
    let mut extra: Vec<&str> =
        report.diagnostics.iter().map(|d| d.location.name()).filter(|n| !names.contains(n)).collect();
    extra.sort_unstable();
    extra.dedup();
    names.extend(extra);

    let mut suite = TestSuite::new("dockward");
    for name in names {
        let findings: Vec<&Diagnostic> = report.diagnostics.iter().filter(|d| d.location.name() == name).collect();
        let status = match findings.iter().map(|d| d.severity).max() {
            None => TestCaseStatus::success(),
            Some(worst) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                let n = findings.len();
                status.set_message(format!("{n} finding{}", if n == 1 { "" } else { "s" }));
                status.set_type(worst.as_str());
                let text: Vec<String> = findings.iter().map(|d| failure_line(d)).collect();
                status.set_description(text.join("\n"));
                status
            }
        };
        let mut case = TestCase::new(name, status);
        case.set_classname("dockward");
        suite.add_test_case(case);
    }
    let mut junit = quick_junit::Report::new("dockward");
    junit.add_test_suite(suite);
    let xml = junit.to_string().map_err(io::Error::other)?;
    // End with exactly one newline, whatever the serializer does.
    writeln!(out, "{}", xml.trim_end())
}

#[cfg(test)]
mod tests {
    use crate::testutil::*;
    use crate::Format;
    use dockward_diagnostics::{Diagnostic, Location};

    #[test]
    fn one_case_per_file_and_failures_list_findings() {
        let f = file("b/Dockerfile", "FROM a\nUSER root\nENV PW=hunter2\n");
        let diags = vec![
            diag(&RULE_A, &f, 7, 16, "runs as <root> & more"),
            diag(&RULE_B, &f, 17, 31, "has hunter2").with_redaction(range(24, 31)),
            Diagnostic::new(&RULE_A, Location::Logical { scope: "container/web".into(), path: "User".into() }, "root"),
        ];
        let files = vec!["a/Dockerfile".to_string(), "b/Dockerfile".to_string()];
        let out = render_to_string(Format::Junit, &report(&diags, &files), &plain());
        assert!(!out.contains("hunter2"), "{out}");
        let report = quick_junit::Report::deserialize_from_str(&out).expect("valid JUnit XML");
        assert_eq!(report.tests, 3);
        assert_eq!(report.failures, 2);
        let suite = &report.test_suites[0];
        assert_eq!(suite.name.as_str(), "dockward");
        let names: Vec<&str> = suite.test_cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a/Dockerfile", "b/Dockerfile", "container/web"]);
        assert!(matches!(suite.test_cases[0].status, quick_junit::TestCaseStatus::Success { .. }));
        match &suite.test_cases[1].status {
            quick_junit::TestCaseStatus::NonSuccess { kind, message, ty, description, .. } => {
                assert_eq!(*kind, quick_junit::NonSuccessKind::Failure);
                assert_eq!(message.as_ref().map(|m| m.as_str()), Some("2 findings"));
                assert_eq!(ty.as_ref().map(|m| m.as_str()), Some("error"));
                assert_eq!(
                    description.as_ref().map(|m| m.as_str()),
                    Some("2:1 DF001 runs as <root> & more\n3:1 DF002 has ****")
                );
            }
            other => panic!("expected a failure, got {other:?}"),
        }
        assert!(out.contains("User DF001 root"), "{out}");
        // No clock or host in the output.
        assert!(out.ends_with("</testsuites>\n"), "{out:?}");
        assert!(!out.contains("timestamp") && !out.contains("hostname") && !out.contains("time="), "{out}");
        assert_eq!(out, render_to_string(Format::Junit, &crate::testutil::report(&diags, &files), &plain()));
    }
}
