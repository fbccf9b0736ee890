//! `--format hdf`: the Heimdall Data Format (MITRE SAF), the `exec-json` shape InSpec
//! writes and Heimdall and the SAF CLI read (`docs/compliance.md`).
//!
//! One HDF control per dockward rule: `failed` with a result per finding, `passed` with
//! one result when the rule ran and found nothing, `skipped` when a rule a selected
//! framework maps did not run, `error` for input that could not be read (DW002). With
//! `--compliance`, each control carries `tags.nist` (the NIST SP 800-53 rev. 5 controls
//! the rule gives evidence for, from `compliance/nist-800-53.toml`, as SAF's profiles tag
//! theirs) and a tag per selected framework with its control ids.
//!
//! Written with serde_json's `json!` rather than a crate: no maintained Rust crate
//! models HDF, and the shape is a handful of keys.

use std::collections::BTreeSet;
use std::io::{self, Write};

use dockward_diagnostics::{Diagnostic, RuleMeta, Severity};
use dockward_linter::compliance::{self, Scorecard};
use dockward_linter::registry;
use serde_json::{json, Value};

/// HDF's impact (0 to 1; InSpec reads 0.7 and up as high, 0.4 as medium, 0.1 as low).
fn impact(severity: Severity) -> f64 {
    match severity {
        Severity::Error => 0.7,
        Severity::Warning => 0.5,
        Severity::Info => 0.3,
    }
}

/// The controls of `framework` that name `code` (a CT035 finding's members too).
fn controls_naming(framework: &compliance::Framework, codes: &[&str]) -> Vec<String> {
    framework
        .controls
        .iter()
        .filter(|c| c.rules.iter().any(|r| codes.contains(&r.as_str())))
        .map(|c| c.id.clone())
        .collect()
}

/// Writes the run as one HDF document. `ran(code)` says whether a rule ran (as for the
/// scorecards); `cards` are the selected frameworks' scorecards (none without
/// `--compliance`). The document is deterministic: no times, no durations (`start_time`
/// is required by the schema and left empty).
pub fn render(
    title: &str,
    version: &str,
    findings: &[Diagnostic],
    cards: &[Scorecard<'_>],
    ran: &dyn Fn(&str) -> bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    // The rules to list: those that ran, those with findings, and (with --compliance)
    // those a selected framework maps, which are skipped when they did not run.
    let mut codes: BTreeSet<&'static str> = registry::all_rules().map(|r| r.code).filter(|c| ran(c)).collect();
    codes.extend(findings.iter().map(|d| d.rule.code));
    for card in cards {
        for control in &card.framework.controls {
            codes.extend(control.rules.iter().filter_map(|r| registry::find(r)).map(|r| r.code));
        }
    }
    let nist = (!cards.is_empty()).then(|| compliance::framework("nist-800-53")).flatten();
    let controls: Vec<Value> = codes
        .iter()
        .filter_map(|code| registry::find(code))
        .map(|rule| control(rule, findings, cards, nist, ran))
        .collect();
    let mut sums = [0usize; 4];
    for c in &controls {
        let status = c["results"].as_array().and_then(|r| r.first()).and_then(|r| r["status"].as_str());
        let slot = match status {
            Some("failed") => 0,
            Some("passed") => 1,
            Some("skipped") => 2,
            _ => 3,
        };
        sums[slot] += 1;
    }
    let ids: Vec<&str> = codes.iter().copied().collect();
    let checksum = {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(format!("dockward {version} {}", ids.join(",")).as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let summary = if cards.is_empty() {
        "Findings of dockward's rules; run with --compliance to tag them with NIST SP 800-53 controls.".to_owned()
    } else {
        cards.iter().map(super::header).collect::<Vec<_>>().join(" ")
    };
    let doc = json!({
        "platform": {"name": "Heimdall Tools", "release": version, "target_id": title},
        "version": version,
        "statistics": {
            "controls": {
                "failed": {"total": sums[0]},
                "passed": {"total": sums[1]},
                "skipped": {"total": sums[2]},
            }
        },
        "profiles": [{
            "name": "dockward",
            "title": title,
            "version": version,
            "maintainer": "dockward",
            "summary": summary,
            "license": null,
            "copyright": null,
            "copyright_email": null,
            "sha256": checksum,
            "supports": [],
            "attributes": [],
            "groups": [{"id": "dockward", "title": title, "controls": ids}],
            "status": "loaded",
            "controls": controls,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn control(
    rule: &'static RuleMeta,
    findings: &[Diagnostic],
    cards: &[Scorecard<'_>],
    nist: Option<&compliance::Framework>,
    ran: &dyn Fn(&str) -> bool,
) -> Value {
    // A grouped CT035 finding is evidence for each member rule it lists, as in the
    // scorecards; it is reported under CT035 itself.
    let own: Vec<&Diagnostic> = findings.iter().filter(|d| d.rule.code == rule.code).collect();
    let input_error = rule.code == registry::UNREADABLE_FILE.code;
    let results: Vec<Value> = if !own.is_empty() {
        own.iter()
            .map(|d| {
                json!({
                    "status": if input_error { "error" } else { "failed" },
                    "code_desc": format!("{}: {}", d.location, dockward_report::masked_message(d)),
                    "message": dockward_report::masked_message(d),
                    "resource": d.location.name(),
                    "start_time": "",
                })
            })
            .collect()
    } else if ran(rule.code) {
        vec![json!({
            "status": "passed",
            "code_desc": format!("no finding of {} on the inputs checked", rule.code),
            "start_time": "",
        })]
    } else {
        vec![json!({
            "status": "skipped",
            "code_desc": format!("{} did not run", rule.code),
            "skip_message": "the rule is not enabled or its kind of input was not read",
            "start_time": "",
        })]
    };
    let severity = own.iter().map(|d| d.severity).max().unwrap_or(rule.severity);
    let mut codes = vec![rule.code];
    if rule.code == "CT035" {
        for d in &own {
            codes.extend(dockward_linter::rules::container::container_not_hardened::members_of(d));
        }
    }
    let mut tags = serde_json::Map::new();
    tags.insert("severity".into(), json!(severity_word(severity)));
    tags.insert("category".into(), json!(rule.category.as_str()));
    if !rule.cis.is_empty() {
        tags.insert("cis_docker".into(), json!(rule.cis));
    }
    if let Some(nist) = nist {
        tags.insert("nist".into(), json!(controls_naming(nist, &codes)));
    }
    for card in cards {
        let ids = controls_naming(card.framework, &codes);
        if !ids.is_empty() {
            tags.insert(card.framework.about.id.clone(), json!(ids));
        }
    }
    json!({
        "id": rule.code,
        "title": format!("{} {}", rule.code, rule.summary),
        "desc": rule.summary,
        "descriptions": [{"label": "default", "data": rule.docs.trim()}],
        "impact": impact(severity),
        "refs": [],
        "tags": tags,
        "code": null,
        "source_location": {},
        "results": results,
    })
}

/// HDF's severity words (Heimdall shows `tags.severity` beside the impact).
fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "high",
        Severity::Warning => "medium",
        Severity::Info => "low",
    }
}
