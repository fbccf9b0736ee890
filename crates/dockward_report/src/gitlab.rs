//! GitLab Code Quality (`artifacts:reports:codequality`): a JSON array of Code Climate
//! issues, which GitLab shows in merge requests (new and fixed findings) and in the
//! pipeline's Code Quality tab.
//!
//! ```json
//! [{"type": "issue", "check_name": "DF001", "description": "DF001 (last-user-is-root): The image runs as root",
//!   "categories": ["Security"], "severity": "major", "fingerprint": "5c2e…",
//!   "location": {"path": "Dockerfile", "lines": {"begin": 2, "end": 2}}}]
//! ```
//!
//! GitLab compares the fingerprints of a merge request's report with the target
//! branch's to tell new findings from old ones, so a fingerprint must stay the same
//! while the finding does: it hashes what SARIF's `primaryLocationLineHash` hashes (the
//! rule and the finding's line text, masked, whitespace collapsed: not the line number,
//! so lines added above do not make every finding "new") plus the file's path, and
//! tells identical lines of one file apart by their occurrence.

use std::io::{self, Write};

use dockward_diagnostics::{Category, Diagnostic, Location, Severity};
use serde::Serialize;

use crate::fingerprint::{fingerprint_input, fnv1a};
use crate::scrub::Secrets;
use crate::Report;

#[derive(Serialize)]
struct Issue {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: &'static str,
    description: String,
    categories: [&'static str; 1],
    severity: &'static str,
    fingerprint: String,
    location: IssueLocation,
}

#[derive(Serialize)]
struct IssueLocation {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

/// GitLab's five levels. A vulnerability ranks by its advisory; other findings by
/// their severity, keeping `minor` and `blocker` free as hadolint's mapping does not.
fn severity(d: &Diagnostic) -> &'static str {
    if let Some(v) = d.vuln.as_deref() {
        return match v.severity.as_str() {
            "critical" => "blocker",
            "high" => "critical",
            "medium" => "major",
            "low" => "minor",
            _ => "info",
        };
    }
    match d.severity {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

/// Code Climate's category names.
fn category(c: Category) -> &'static str {
    match c {
        Category::Security => "Security",
        Category::Correctness | Category::Syntax => "Bug Risk",
        Category::BestPractice => "Style",
    }
}

/// A path as GitLab wants it: `/` separators, no leading `./`.
fn repo_path(name: &str) -> String {
    let mut path = name.replace('\\', "/");
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.to_string();
    }
    path
}

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut seen: Vec<(u64, usize)> = Vec::new();
    let issues: Vec<Issue> = report
        .diagnostics
        .iter()
        .map(|d| {
            let secrets = Secrets::of(d);
            let mut message = secrets.scrub(&d.message).into_owned();
            let (path, lines) = match &d.location {
                Location::Source { file, range } => {
                    let (start, end) = (file.position(range.start()), file.position(range.end()));
                    (repo_path(file.name()), Lines { begin: start.line, end: end.line.max(start.line) })
                }
                Location::File { name } => (repo_path(name), Lines { begin: 1, end: 1 }),
                // Not a file: the object stands in for the path, its field goes into the
                // description.
                Location::Logical { scope, path } => {
                    message = format!("{path}: {message}");
                    (scope.clone(), Lines { begin: 1, end: 1 })
                }
            };
            if let Some(v) = d.vuln.as_deref().filter(|v| !message.contains(&v.advisory)) {
                message = format!("{}: {message}", v.advisory);
            }
            let (_, line) = fingerprint_input(d, &secrets);
            let hash = match d.vuln.as_deref() {
                Some(v) => fnv1a(&[d.rule.code, &path, &line, &v.package, &v.advisory]),
                None => fnv1a(&[d.rule.code, &path, &line]),
            };
            let occurrence = match seen.iter_mut().find(|(h, _)| *h == hash) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    seen.push((hash, 1));
                    1
                }
            };
            Issue {
                kind: "issue",
                check_name: d.rule.code,
                description: format!("{} ({}): {message}", d.rule.code, d.rule.name),
                categories: [category(d.rule.category)],
                severity: severity(d),
                fingerprint: format!("{hash:016x}{occurrence:04x}"),
                location: IssueLocation { path, lines },
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use crate::Format;
    use serde_json::Value;

    const SCHEMA: &str = include_str!("../schema/gitlab-code-quality.schema.json");

    fn validate(doc: &Value) {
        let schema: Value = serde_json::from_str(SCHEMA).unwrap();
        let validator = jsonschema::draft7::new(&schema).expect("the schema compiles");
        let errors: Vec<String> = validator.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
    }

    fn render(diags: &[Diagnostic]) -> Value {
        serde_json::from_str(&render_to_string(Format::Gitlab, &report(diags, &[]), &plain())).unwrap()
    }

    fn sample(text: &str) -> Vec<Diagnostic> {
        let f = file("./dir\\Dockerfile", text);
        let at = |s: &str| text.find(s).unwrap() as u32;
        let user = at("USER");
        let run = at("RUN a");
        let mut info = diag(&RULE_C, &f, run, run + 11, "spans\nlines");
        info.severity = Severity::Info;
        vec![
            diag(&RULE_A, &f, user, user + 4, "runs as root"),
            info,
            Diagnostic::new(&RULE_B, Location::Logical { scope: "container/web".into(), path: "Env".into() }, "m"),
            Diagnostic::new(&RULE_B, Location::File { name: "bin.Dockerfile".into() }, "not text"),
            vuln("openssl", "DEBIAN-CVE-2024-1", "critical", Some(9.8), Some("1.1")),
        ]
    }

    #[test]
    fn matches_gitlabs_documented_format() {
        let doc = render(&sample("FROM a\nUSER root\nRUN a \\\n  b\n"));
        validate(&doc);
        let first = &doc[0];
        assert_eq!(first["check_name"], "DF001");
        assert_eq!(first["description"], "DF001 (last-user-is-root): runs as root");
        assert_eq!(first["severity"], "major");
        assert_eq!(first["categories"][0], "Security");
        assert_eq!(first["location"]["path"], "dir/Dockerfile");
        assert_eq!(first["location"]["lines"]["begin"], 2);
        assert_eq!(doc[1]["severity"], "info");
        assert_eq!(doc[1]["location"]["lines"]["end"], 4);
        assert_eq!(doc[2]["location"]["path"], "container/web");
        assert_eq!(doc[2]["description"], "DF002 (secret-in-env): Env: m");
        assert_eq!(doc[2]["severity"], "critical");
        assert_eq!(doc[4]["severity"], "blocker");
        // No findings is an empty array, which GitLab reads as "nothing found".
        assert_eq!(render(&[]), Value::Array(vec![]));
        validate(&render(&[]));
    }

    fn fingerprints(doc: &Value) -> Vec<String> {
        doc.as_array().unwrap().iter().map(|i| i["fingerprint"].as_str().unwrap().to_string()).collect()
    }

    /// GitLab marks a finding "new" when its fingerprint is: lines added above it, or
    /// another run, must not change it; a different rule, file or line text must.
    #[test]
    fn fingerprints_are_unique_and_survive_line_moves() {
        let before = fingerprints(&render(&sample("FROM a\nUSER root\nRUN a \\\n  b\n")));
        let mut unique = before.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), before.len());
        let again = fingerprints(&render(&sample("FROM a\nUSER root\nRUN a \\\n  b\n")));
        assert_eq!(before, again);
        let moved = fingerprints(&render(&sample("# added\n\nFROM a\nUSER root\nRUN a \\\n  b\n")));
        assert_eq!(before, moved);
        let changed = fingerprints(&render(&sample("FROM a\nUSER   root # now\nRUN a \\\n  b\n")));
        assert_ne!(before[0], changed[0]);
        assert_eq!(before[1..], changed[1..]);

        // The same finding on two identical lines: two fingerprints.
        let f = file("Dockerfile", "USER root\nUSER root\n");
        let twice = fingerprints(&render(&[diag(&RULE_A, &f, 0, 9, "x"), diag(&RULE_A, &f, 10, 19, "x")]));
        assert_ne!(twice[0], twice[1]);
    }

    /// The hash covers masked text, so it cannot confirm a guess of a secret.
    #[test]
    fn secrets_are_masked() {
        let text = "FROM a\nENV TOKEN=hunter2\n";
        let f = file("Dockerfile", text);
        let at = text.find("hunter2").unwrap() as u32;
        let d = diag(&RULE_B, &f, at - 6, at + 7, "TOKEN is hunter2").with_redaction(range(at, at + 7));
        let other = file("Dockerfile", "FROM a\nENV TOKEN=swordfish\n");
        let at2 = other.text().find("swordfish").unwrap() as u32;
        let d2 = diag(&RULE_B, &other, at2 - 6, at2 + 9, "x").with_redaction(range(at2, at2 + 9));
        let out = render_to_string(Format::Gitlab, &report(&[d], &[]), &plain());
        assert!(!out.contains("hunter2"), "{out}");
        assert!(out.contains("TOKEN is ****"), "{out}");
        let doc: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(fingerprints(&doc), fingerprints(&render(&[d2])));
    }
}
