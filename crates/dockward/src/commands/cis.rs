//! The CIS Docker Benchmark 1.6.0 scorecard of an audit: every control with its status
//! and the findings behind it.

use std::io::{self, Write};

use dockward_diagnostics::{RuleMeta, Target};
use dockward_linter::cis::{audit_rules_for, CIS_1_6_CONTROLS};
use dockward_linter::settings::Settings;
use serde::Serialize;

use super::audit::HostResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// A dockward rule checks it and found nothing.
    Pass,
    /// A dockward rule checks it and found something.
    Fail,
    /// Nothing on the audited hosts it could apply to (no containers, no swarm).
    NotApplicable,
    /// The benchmark leaves it to a person.
    Manual,
    /// Automated in the benchmark, but no rule of `dockward audit` checks it yet (or its
    /// rules are switched off).
    NotChecked,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::NotApplicable => "N/A",
            Status::Manual => "MANUAL",
            Status::NotChecked => "NOT CHECKED",
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ControlResult {
    pub id: &'static str,
    pub title: &'static str,
    pub automated: bool,
    pub status: Status,
    /// The enabled dockward rules that check it.
    pub rules: Vec<&'static str>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub location: String,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct Scorecard {
    pub benchmark: &'static str,
    pub hosts: Vec<String>,
    pub controls: Vec<ControlResult>,
    pub summary: Summary,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub not_applicable: usize,
    pub manual: usize,
    pub not_checked: usize,
}

/// Whether any audited host has objects `rule` looks at.
fn applies(rule: &RuleMeta, results: &[HostResult]) -> bool {
    results.iter().any(|r| {
        let s = &r.snapshot;
        match rule.target {
            Target::Container => !s.containers.is_empty(),
            // Layers are read only for the images containers use.
            Target::Image if is_contents_rule(rule) => s.images.iter().any(|i| !i.used_by.is_empty()),
            Target::Image => !s.images.is_empty(),
            Target::Network => {
                // Overlay encryption is a swarm matter.
                if rule.cis.iter().any(|c| c.starts_with("7.")) {
                    s.swarm.is_some() || s.networks.iter().any(|n| n.driver.value == "overlay")
                } else {
                    !s.networks.is_empty()
                }
            }
            Target::Swarm => s.swarm.is_some(),
            _ => true,
        }
    })
}

/// Whether silence from `rule` means the control passes: a daemon rule about an
/// absent option says nothing over a partial configuration (a remote daemon's `/info`
/// alone), and host rules run only with `--host-root`.
fn judged(rule: &RuleMeta, results: &[HostResult]) -> bool {
    match rule.target {
        Target::Daemon => results.iter().any(|r| r.daemon_complete),
        Target::Host => results.iter().any(|r| r.host_checked),
        Target::Image if is_contents_rule(rule) => results.iter().any(|r| r.contents_checked),
        _ => true,
    }
}

/// IM008 and up read image layers, which only `--image-contents` exports.
fn is_contents_rule(rule: &RuleMeta) -> bool {
    dockward_linter::registry::IMAGE_CONTENTS_RULES.iter().any(|r| r.meta().code == rule.code)
}

pub fn scorecard(results: &[HostResult], settings: &Settings) -> Scorecard {
    let mut controls = Vec::new();
    let mut summary = Summary::default();
    for c in CIS_1_6_CONTROLS {
        let rules: Vec<&'static RuleMeta> =
            audit_rules_for(c.id).into_iter().filter(|r| settings.is_enabled(r)).collect();
        let findings: Vec<Finding> = results
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| rules.iter().any(|r| r.code == d.rule.code))
            .map(|d| Finding { rule: d.rule.code, location: d.location.to_string(), message: d.message.clone() })
            .collect();
        let judging: Vec<&'static RuleMeta> = rules.iter().copied().filter(|r| judged(r, results)).collect();
        let status = if !findings.is_empty() {
            Status::Fail
        } else if judging.is_empty() {
            if c.automated {
                Status::NotChecked
            } else {
                Status::Manual
            }
        } else if judging.iter().any(|r| applies(r, results)) {
            Status::Pass
        } else {
            Status::NotApplicable
        };
        match status {
            Status::Pass => summary.pass += 1,
            Status::Fail => summary.fail += 1,
            Status::NotApplicable => summary.not_applicable += 1,
            Status::Manual => summary.manual += 1,
            Status::NotChecked => summary.not_checked += 1,
        }
        controls.push(ControlResult {
            id: c.id,
            title: c.title,
            automated: c.automated,
            status,
            rules: rules.iter().map(|r| r.code).collect(),
            findings,
        });
    }
    Scorecard {
        benchmark: "CIS Docker Benchmark 1.6.0",
        hosts: results.iter().map(|r| r.snapshot.endpoint.label.clone()).collect(),
        controls,
        summary,
    }
}

pub fn render_text(card: &Scorecard, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{} — {}", card.benchmark, card.hosts.join(", "))?;
    for c in &card.controls {
        let kind = if c.automated { "" } else { " (manual)" };
        let by = if c.rules.is_empty() { String::new() } else { format!(" [{}]", c.rules.join(", ")) };
        writeln!(out, "{:<11} {:<6} {}{kind}{by}", c.status.as_str(), c.id, c.title)?;
        for f in &c.findings {
            writeln!(out, "{:18}{} {}: {}", "", f.rule, f.location, f.message)?;
        }
    }
    let s = &card.summary;
    writeln!(
        out,
        "\n{} pass, {} fail, {} not applicable, {} manual, {} not checked ({} controls)",
        s.pass,
        s.fail,
        s.not_applicable,
        s.manual,
        s.not_checked,
        card.controls.len()
    )
}

pub fn render_json(card: &Scorecard, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, card)?;
    writeln!(out)
}
