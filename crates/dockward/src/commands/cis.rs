//! The CIS Docker Benchmark scorecard of an audit (1.6.0, 1.7.0 or 1.8.0 numbering):
//! every control with its status, its ids in the other versions, and the findings behind it.

use std::io::{self, Write};

use dockward_diagnostics::{RuleMeta, Target};
use dockward_linter::cis::{audit_rules_for_version, translate, CisVersion};
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
    /// This control's id in every version (`null` where a version does not have it).
    pub ids: VersionIds,
    pub status: Status,
    /// The enabled dockward rules that check it.
    pub rules: Vec<&'static str>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Serialize)]
pub struct VersionIds {
    #[serde(rename = "1.6")]
    pub v1_6: Option<&'static str>,
    #[serde(rename = "1.7")]
    pub v1_7: Option<&'static str>,
    #[serde(rename = "1.8")]
    pub v1_8: Option<&'static str>,
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
    /// `"1.6"`, `"1.7"` or `"1.8"`: the numbering of `id`.
    pub version: &'static str,
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

/// Whether `rule` ran over something it judges in this audit: it applies to an
/// audited object and its silence means something (for the compliance scorecards).
pub fn ran_in_audit(rule: &RuleMeta, results: &[HostResult], settings: &Settings) -> bool {
    settings.is_enabled(rule) && applies(rule, results) && judged(rule, results, settings)
}

/// Whether any audited host has objects `rule` looks at.
fn applies(rule: &RuleMeta, results: &[HostResult]) -> bool {
    results.iter().any(|r| {
        let s = &r.snapshot;
        match rule.target {
            Target::Container => !s.containers.is_empty() || s.swarm.as_ref().is_some_and(|sw| !sw.services.is_empty()),
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
            // 5.1 asks for swarm mode to be off: a host outside any swarm meets it. The
            // other swarm rules read what only a manager reports.
            Target::Swarm => rule.cis.contains(&"5.1") || s.swarm.as_ref().is_some_and(|sw| sw.manager),
            _ => true,
        }
    })
}

/// Whether silence from `rule` means the control passes: a daemon rule about an
/// absent option says nothing over a partial configuration (a remote daemon's `/info`
/// alone), host rules run only with `--host-root`, and CT025 (trusted base images, 4.2)
/// says nothing until `trusted-registries` lists the trusted sources.
fn judged(rule: &RuleMeta, results: &[HostResult], settings: &Settings) -> bool {
    if rule.code == "CT025" {
        return !settings.trusted_registries.is_empty();
    }
    match rule.target {
        Target::Daemon => results.iter().any(|r| r.daemon_complete),
        Target::Host => results.iter().any(|r| r.host_checked),
        // Listening sockets are read under `--host-root`; the rest from a manager's API.
        Target::Swarm if dockward_linter::audit::needs_host_root(rule) => results.iter().any(|r| r.host_checked),
        Target::Image if is_contents_rule(rule) => results.iter().any(|r| r.contents_checked),
        _ => true,
    }
}

/// False for a per-path control (an audit watch, a file's owner or mode) judged by host
/// rules alone when no audited host has its file: silence then means nothing was
/// there, which is not applicable rather than a pass (CIS: "if the file does not
/// exist, this recommendation is not applicable").
fn has_its_file(id: &str, version: CisVersion, judging: &[&'static RuleMeta], results: &[HostResult]) -> bool {
    let Some(id_1_6) = translate(id, version, CisVersion::V1_6) else { return true };
    if !dockward_linter::host::PER_PATH_CONTROLS.contains(&id_1_6) || judging.iter().any(|r| r.target != Target::Host) {
        return true;
    }
    results.iter().any(|r| r.host_checked && r.controls_with_files.contains(id_1_6))
}

/// IM008 and up read image layers, which only `--image-contents` exports.
fn is_contents_rule(rule: &RuleMeta) -> bool {
    dockward_linter::registry::IMAGE_CONTENTS_RULES.iter().any(|r| r.meta().code == rule.code)
}

pub fn scorecard(results: &[HostResult], settings: &Settings, version: CisVersion) -> Scorecard {
    let mut controls = Vec::new();
    let mut summary = Summary::default();
    for c in version.controls() {
        let rules: Vec<&'static RuleMeta> =
            audit_rules_for_version(version, c.id).into_iter().filter(|r| settings.is_enabled(r)).collect();
        let findings: Vec<Finding> = results
            .iter()
            .flat_map(|r| &r.diagnostics)
            // A finding narrowed to some of its rule's controls (1.6 ids) counts only
            // against those.
            .filter(|d| {
                rules.iter().any(|r| r.code == d.rule.code)
                    && (d.cis.is_none()
                        || translate(c.id, version, CisVersion::V1_6).is_some_and(|id| d.controls().contains(&id)))
            })
            .map(|d| Finding { rule: d.rule.code, location: d.location.to_string(), message: d.message.to_string() })
            .collect();
        let judging: Vec<&'static RuleMeta> = rules.iter().copied().filter(|r| judged(r, results, settings)).collect();
        let status = if !findings.is_empty() {
            Status::Fail
        } else if judging.is_empty() {
            if c.automated {
                Status::NotChecked
            } else {
                Status::Manual
            }
        } else if judging.iter().any(|r| applies(r, results)) && has_its_file(c.id, version, &judging, results) {
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
            ids: VersionIds {
                v1_6: translate(c.id, version, CisVersion::V1_6),
                v1_7: translate(c.id, version, CisVersion::V1_7),
                v1_8: translate(c.id, version, CisVersion::V1_8),
            },
            status,
            rules: rules.iter().map(|r| r.code).collect(),
            findings,
        });
    }
    Scorecard {
        benchmark: version.title(),
        version: version.short(),
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
        let elsewhere = other_ids(c, card.version);
        writeln!(out, "{:<11} {:<6} {}{kind}{by}{elsewhere}", c.status.as_str(), c.id, c.title)?;
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

/// `" (1.8: 2.8)"`: the control's ids in the other versions where they differ, or
/// `" (not in 1.6, 1.7)"`.
fn other_ids(c: &ControlResult, shown: &str) -> String {
    let mut differ = Vec::new();
    let mut missing = Vec::new();
    for (v, id) in [("1.6", c.ids.v1_6), ("1.7", c.ids.v1_7), ("1.8", c.ids.v1_8)] {
        match id {
            _ if v == shown => {}
            Some(id) if id != c.id => differ.push(format!("{v}: {id}")),
            Some(_) => {}
            None => missing.push(v),
        }
    }
    if !missing.is_empty() {
        differ.push(format!("not in {}", missing.join(", ")));
    }
    if differ.is_empty() {
        String::new()
    } else {
        format!(" ({})", differ.join("; "))
    }
}

pub fn render_json(card: &Scorecard, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, card)?;
    writeln!(out)
}
