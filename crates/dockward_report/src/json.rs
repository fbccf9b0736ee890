//! The JSON format: a documented, versioned schema (`docs/output-formats.md`).
//!
//! Built from structs rather than maps so key order is fixed by declaration order
//! and every field is always present (`null` or `[]` when empty): consumers can rely
//! on the shape without probing.

use std::io::{self, Write};

use dockward_diagnostics::{Diagnostic, Location, VulnFacts};
use dockward_source::{SourceFile, TextSize};
use serde::Serialize;

use crate::compare::{Change, ChangeCounts, Comparison, PreviousFinding};
use crate::fingerprint::Fingerprinter;
use crate::scrub::Secrets;
use crate::{Counts, Report, ReportOptions, VulnCounts};

/// Bumped on any incompatible change of the schema below; additions keep it.
const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool<'a>,
    summary: Summary,
    findings: Findings<'a>,
    /// Only with `--compare`: the earlier report and the findings it had that this run
    /// no longer has.
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison: Option<ComparisonOut<'a>>,
}

/// The findings, each turned into its JSON shape only while it is written: a
/// report of many findings is not held a second time as output structs.
struct Findings<'a>(&'a [Diagnostic], Option<&'a Comparison>);

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Fingerprints are numbered in report order, as baselines and SARIF number them.
        let mut fingerprinter = Fingerprinter::new();
        serializer.collect_seq(self.0.iter().enumerate().map(|(i, d)| {
            let mut f = finding(d);
            f.fingerprint = fingerprinter.fingerprint(d).line_hash();
            f.change = self.1.and_then(|c| c.changes.get(i)).copied();
            f
        }))
    }
}

#[derive(Serialize)]
struct ComparisonOut<'a> {
    since: &'a str,
    #[serde(flatten)]
    counts: ChangeCounts,
    fixed_findings: &'a [PreviousFinding],
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    info: usize,
    fixes_applied: usize,
    fixable: usize,
    /// Only when some finding is about a vulnerability.
    #[serde(skip_serializing_if = "Option::is_none")]
    vulnerabilities: Option<VulnCounts>,
    /// Only with `--baseline`: findings it hid, entries no finding matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<crate::baseline::BaselineSummary>,
}

#[derive(Serialize)]
struct Finding<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    category: &'static str,
    message: String,
    path: &'a str,
    location: Option<Span>,
    logical: Option<Logical<'a>>,
    related: Vec<RelatedOut<'a>>,
    help: Option<String>,
    fix: Option<FixOut>,
    aliases: Vec<String>,
    cis: &'static [&'static str],
    /// Only on vulnerability findings (VU rules): the one key that is left out rather
    /// than `null`, so the other findings keep their shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    vulnerability: Option<&'a VulnFacts>,
    /// `hash:occurrence`: the baseline's and SARIF's `primaryLocationLineHash`; with
    /// the rule code and `path`, what `--compare` matches findings by.
    fingerprint: String,
    /// Only with `--compare`: `new` or `unchanged`.
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<Change>,
}

#[derive(Serialize)]
struct Span {
    start: Point,
    end: Point,
}

#[derive(Serialize)]
struct Point {
    line: u32,
    column: u32,
    offset: u32,
}

#[derive(Serialize)]
struct Logical<'a> {
    scope: &'a str,
    path: &'a str,
}

#[derive(Serialize)]
struct RelatedOut<'a> {
    message: String,
    path: &'a str,
    location: Option<Span>,
    logical: Option<Logical<'a>>,
}

#[derive(Serialize)]
struct FixOut {
    message: String,
    applicability: &'static str,
    edits: Vec<EditOut>,
}

#[derive(Serialize)]
struct EditOut {
    start: Point,
    end: Point,
    content: String,
}

fn point(file: &SourceFile, offset: TextSize) -> Point {
    let p = file.position(offset);
    Point { line: p.line, column: p.column, offset: p.offset }
}

/// `(location, logical)` for one [`Location`]: exactly one is set for source and
/// logical locations, neither for a whole file.
fn place(location: &Location) -> (Option<Span>, Option<Logical<'_>>) {
    match location {
        Location::Source { file, range } => {
            (Some(Span { start: point(file, range.start()), end: point(file, range.end()) }), None)
        }
        Location::File { .. } => (None, None),
        Location::Logical { scope, path } => (None, Some(Logical { scope, path })),
    }
}

fn finding(d: &Diagnostic) -> Finding<'_> {
    let secrets = Secrets::of(d);
    let (location, logical) = place(&d.location);
    let related = d
        .related
        .iter()
        .map(|r| {
            let (location, logical) = place(&r.location);
            RelatedOut { message: secrets.scrub(&r.message).into_owned(), path: r.location.name(), location, logical }
        })
        .collect();
    let fix = d.fix.as_ref().map(|fix| FixOut {
        message: secrets.scrub(&fix.message).into_owned(),
        applicability: fix.applicability.as_str(),
        edits: match d.location.file() {
            Some(file) => fix
                .edits
                .iter()
                .map(|e| EditOut {
                    start: point(file, e.range.start()),
                    end: point(file, e.range.end()),
                    content: secrets.edit_content(e).into_owned(),
                })
                .collect(),
            // Edits are byte ranges of a source file; without one they have no meaning.
            None => Vec::new(),
        },
    });
    Finding {
        code: d.rule.code,
        name: d.rule.name,
        severity: d.severity.as_str(),
        category: d.rule.category.as_str(),
        message: secrets.scrub(&d.message).into_owned(),
        path: d.location.name(),
        location,
        logical,
        related,
        help: d.help.as_ref().map(|h| secrets.scrub(h).into_owned()),
        fix,
        aliases: d.rule.peer_ids(),
        cis: d.rule.cis,
        vulnerability: d.vuln.as_deref(),
        fingerprint: String::new(),
        change: None,
    }
}

pub(crate) fn render(report: &Report, options: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    let c = Counts::of(report.diagnostics);
    let doc = Output {
        version: SCHEMA_VERSION,
        tool: Tool { name: "dockward", version: &options.tool_version },
        summary: Summary {
            files: report.files.len(),
            findings: c.total(),
            errors: c.errors,
            warnings: c.warnings,
            info: c.info,
            fixes_applied: report.fixes_applied,
            fixable: report.fixable,
            vulnerabilities: VulnCounts::of(report.diagnostics),
            baseline: report.baseline,
        },
        findings: Findings(report.diagnostics, report.comparison),
        comparison: report.comparison.map(|c| ComparisonOut {
            since: &c.since,
            counts: c.counts(),
            fixed_findings: &c.fixed,
        }),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use crate::testutil::*;
    use crate::Format;
    use dockward_diagnostics::{Diagnostic, Edit, Fix, Location};
    use serde_json::{json, Value};

    #[test]
    fn schema_fields_and_values() {
        let f = file("Dockerfile", "FROM a\nUSER ré\n");
        let d1 = diag(&RULE_A, &f, 12, 15, "runs as ré")
            .with_help("use nobody")
            .with_related(Location::source(&f, range(0, 4)), "stage here")
            .with_fix(Fix::safe("switch", vec![Edit::replace(range(12, 15), "nobody")]));
        let d2 = Diagnostic::new(&RULE_B, Location::Logical { scope: "container/web".into(), path: "Env".into() }, "m");
        let diags = vec![d1, d2];
        let files = vec!["Dockerfile".to_string()];
        let mut r = report(&diags, &files);
        r.fixes_applied = 3;
        r.fixable = 1;
        let out = render_to_string(Format::Json, &r, &plain());
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["tool"], json!({"name": "dockward", "version": "0.0.0-test"}));
        assert_eq!(
            v["summary"],
            json!({"files": 1, "findings": 2, "errors": 1, "warnings": 1, "info": 0, "fixes_applied": 3, "fixable": 1})
        );
        r.baseline = Some(crate::baseline::BaselineSummary { hidden: 4, stale: 2 });
        let with: Value = serde_json::from_str(&render_to_string(Format::Json, &r, &plain())).unwrap();
        assert_eq!(with["summary"]["baseline"], json!({"hidden": 4, "stale": 2}));
        let a = &v["findings"][0];
        assert_eq!(a["code"], "DF001");
        assert_eq!(a["name"], "last-user-is-root");
        assert_eq!(a["severity"], "warning");
        assert_eq!(a["category"], "security");
        assert_eq!(a["path"], "Dockerfile");
        // "ré" is 3 bytes, 2 characters: columns count characters, offsets bytes.
        assert_eq!(
            a["location"],
            json!({"start": {"line": 2, "column": 6, "offset": 12}, "end": {"line": 2, "column": 8, "offset": 15}})
        );
        assert_eq!(a["logical"], Value::Null);
        assert_eq!(a["related"][0]["message"], "stage here");
        assert_eq!(a["related"][0]["location"]["start"]["line"], 1);
        assert_eq!(a["help"], "use nobody");
        assert_eq!(a["fix"]["applicability"], "safe");
        assert_eq!(a["fix"]["edits"][0]["content"], "nobody");
        assert_eq!(a["fix"]["edits"][0]["start"]["column"], 6);
        // Peer ids: the aliases, then docker-bench's id of each CIS control.
        assert_eq!(a["aliases"], json!(["DL3002", "check_4_1"]));
        assert_eq!(a["cis"], json!(["4.1"]));
        let b = &v["findings"][1];
        assert_eq!(b["location"], Value::Null);
        assert_eq!(b["logical"], json!({"scope": "container/web", "path": "Env"}));
        assert_eq!(b["path"], "container/web");
        assert_eq!(b["fix"], Value::Null);
        assert_eq!(b["help"], Value::Null);
        // Key order is part of the contract.
        let keys: Vec<&str> = a.as_object().unwrap().keys().map(String::as_str).collect();
        assert!(out.find("\"code\"").unwrap() < out.find("\"cis\"").unwrap());
        assert_eq!(keys.len(), 14);
        assert_eq!(a["fingerprint"].as_str().unwrap().len(), 18);
        assert!(out.ends_with("}\n"));
    }

    #[test]
    fn deterministic_and_empty() {
        let files = vec!["a".to_string(), "b".to_string()];
        let r = report(&[], &files);
        let one = render_to_string(Format::Json, &r, &plain());
        assert_eq!(one, render_to_string(Format::Json, &r, &plain()));
        let v: Value = serde_json::from_str(&one).unwrap();
        assert_eq!(v["findings"], json!([]));
        assert_eq!(v["summary"]["files"], 2);
    }

    #[test]
    fn vulnerability_findings_carry_their_facts() {
        let f = file("Dockerfile", "FROM a\n");
        let diags = vec![
            diag(&RULE_A, &f, 0, 4, "plain"),
            vuln("zlib1g", "DEBIAN-CVE-2026-1", "high", Some(7.5), Some("1.0-2")),
            vuln("zlib1g", "DEBIAN-CVE-2026-2", "low", None, None),
        ];
        let files = vec!["image/app:1".to_string()];
        let v: Value =
            serde_json::from_str(&render_to_string(Format::Json, &report(&diags, &files), &plain())).unwrap();
        // A finding without facts keeps its shape: no `vulnerability` key at all.
        assert!(v["findings"][0].get("vulnerability").is_none());
        assert_eq!(v["findings"][0].as_object().unwrap().len(), 14);
        let a = &v["findings"][1];
        assert_eq!(a["aliases"], json!([]), "the rule's peer ids are untouched");
        assert_eq!(
            a["vulnerability"],
            json!({
                "package": "zlib1g",
                "version": "1.0-1",
                "fixed": "1.0-2",
                "advisory": "DEBIAN-CVE-2026-1",
                "aliases": ["CVE-2026-1"],
                "status": "fixed",
                "severity": "high",
                "cvss_score": 7.5,
                "purl": "pkg:deb/debian/zlib1g@1.0-1?arch=amd64",
                "references": ["https://security-tracker.debian.org/tracker/DEBIAN-CVE-2026-1"]
            })
        );
        assert_eq!(v["findings"][2]["vulnerability"]["fixed"], Value::Null);
        assert_eq!(v["findings"][2]["vulnerability"]["cvss_score"], Value::Null);
        assert_eq!(
            v["summary"]["vulnerabilities"],
            json!({"critical": 0, "high": 1, "medium": 0, "low": 1, "negligible": 0, "unknown": 0, "fixable": 1})
        );
    }
}
