//! `--compliance FRAMEWORK,...`: scorecards of the run's findings against the
//! frameworks' mappings (`dockward_linter::compliance`), as text after the findings,
//! inside the HTML report, or as JSON (`--format compliance`).
//!
//! The wording is deliberate: a scorecard is evidence. It never says "compliant" or
//! "certified", and its header says how many controls need organisational evidence.

use std::collections::BTreeSet;
use std::io::{self, Write};

use dockward_diagnostics::{Diagnostic, RuleMeta};
use dockward_linter::compliance::{self, Coverage, Outcome, Scorecard};
use dockward_linter::registry;
use dockward_linter::settings::Settings;
use dockward_report::{ScorecardRow, ScorecardView};
use serde::Serialize;

mod hdf;

/// Parses `--compliance`: known ids, each once, in the order given; `all` for every one.
pub fn parse(list: &[String]) -> Result<Vec<&'static str>, String> {
    let known = compliance::ids();
    let mut out: Vec<&'static str> = Vec::new();
    for item in list.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if item.eq_ignore_ascii_case("all") {
            for id in &known {
                if !out.contains(id) {
                    out.push(id);
                }
            }
            continue;
        }
        let Some(id) = known.iter().find(|k| k.eq_ignore_ascii_case(item)) else {
            return Err(format!("unknown compliance framework `{item}` (expected one of: {}, all)", known.join(", ")));
        };
        if !out.contains(id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// The families of rules a command ran, by the kinds of input it read. A rule whose
/// family did not run (no such input, or only `audit` runs it) leaves its controls
/// NOT CHECKED rather than passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    /// DW: the run itself.
    Meta,
    Dockerfile,
    /// CT over Compose services, `docker run` lines, live or Kubernetes containers.
    Container,
    Compose,
    /// DM, and EN when an engine was read.
    Daemon,
    Engine,
    Host,
    /// IM001-IM007: images of a live engine.
    Image,
    /// IM008 and up: image layers (an audit with contents, or an image archive).
    ImageContents,
    Network,
    Swarm,
    /// VU, with a database.
    Vulnerability,
    Kubernetes,
}

pub fn family_of(rule: &RuleMeta) -> Family {
    let code = rule.code;
    let prefix = &code[..code.find(|c: char| c.is_ascii_digit()).unwrap_or(code.len())];
    match prefix {
        "DF" => Family::Dockerfile,
        "CT" => Family::Container,
        "CO" => Family::Compose,
        "DM" => Family::Daemon,
        "EN" => Family::Engine,
        "HO" => Family::Host,
        "IM" if registry::IMAGE_CONTENTS_RULES.iter().any(|r| r.meta().code == code) => Family::ImageContents,
        "IM" => Family::Image,
        "NW" => Family::Network,
        "SW" => Family::Swarm,
        "VU" => Family::Vulnerability,
        "KS" => Family::Kubernetes,
        _ => Family::Meta,
    }
}

/// Whether a rule ran: enabled, and its family ran.
pub fn ran_in<'s>(settings: &'s Settings, families: &'s BTreeSet<Family>) -> impl Fn(&str) -> bool + 's {
    move |code: &str| {
        registry::find(code).is_some_and(|rule| settings.is_enabled(rule) && families.contains(&family_of(rule)))
    }
}

/// What the report of a command with `--compliance` is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The scorecards alone, as JSON.
    Scorecards,
    /// The HTML page, scorecards inside.
    Html,
    /// The Heimdall Data Format (MITRE SAF), NIST 800-53 tags with `--compliance`.
    Hdf,
    /// A findings format; text gets the scorecards after the findings.
    Findings(dockward_report::Format),
}

/// What a report says about the frameworks.
#[derive(Clone, Copy)]
pub struct Evidence<'a> {
    /// The selected frameworks' scorecards (none without `--compliance`).
    pub cards: &'a [Scorecard<'a>],
    /// With `--compare`: the earlier run's scorecards ([`previous_cards`]).
    pub before: Option<&'a [Scorecard<'a>]>,
    /// Whether a rule ran (HDF's passed and skipped).
    pub ran: &'a dyn Fn(&str) -> bool,
}

/// Writes a command's report with its scorecards (see [`Output`]).
pub fn render(
    output: Output,
    title: &str,
    report: &dockward_report::Report<'_>,
    options: &dockward_report::ReportOptions,
    evidence: &Evidence<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let Evidence { cards, before, ran } = *evidence;
    let changed = before.map(|before| control_changes(cards, before)).unwrap_or_default();
    match output {
        Output::Scorecards => render_json(cards, before, report.diagnostics, out),
        Output::Hdf => hdf::render(title, &options.tool_version, report.diagnostics, cards, ran, out),
        Output::Html => {
            let sections = dockward_report::HtmlSections {
                title: title.to_owned(),
                scorecards: html_views(cards, report.diagnostics),
                control_changes: changed
                    .iter()
                    .map(|c| dockward_report::ControlChangeView {
                        framework: c.framework.to_owned(),
                        id: c.id.to_owned(),
                        title: c.title.to_owned(),
                        before: c.before.as_str().to_owned(),
                        after: c.after.as_str().to_owned(),
                    })
                    .collect(),
            };
            dockward_report::render_html(report, options, &sections, out)
        }
        Output::Findings(dockward_report::Format::Sarif) if !cards.is_empty() => {
            let options = dockward_report::ReportOptions { taxonomies: taxonomies(cards), ..options.clone() };
            dockward_report::render(dockward_report::Format::Sarif, report, &options, out)
        }
        Output::Findings(format) => {
            dockward_report::render(format, report, options, out)?;
            if format == dockward_report::Format::Text {
                render_text(cards, report.diagnostics, out)?;
                if let (Some(comparison), false) = (report.comparison, cards.is_empty()) {
                    writeln!(out, "\nControls whose outcome changed since {}:", comparison.since)?;
                    if changed.is_empty() {
                        writeln!(out, "  none")?;
                    }
                    for c in &changed {
                        writeln!(
                            out,
                            "  {} {}: {} -> {}  {}",
                            c.framework,
                            c.id,
                            c.before.as_str(),
                            c.after.as_str(),
                            c.title
                        )?;
                    }
                }
            }
            Ok(())
        }
    }
}

/// `--compare` is shown by text, JSON, HTML and the scorecards; other formats refuse it
/// rather than drop it silently.
pub fn check_compare(compare: Option<&std::path::Path>, output: Output) -> Result<(), String> {
    let shown = matches!(
        output,
        Output::Scorecards
            | Output::Html
            | Output::Findings(dockward_report::Format::Text | dockward_report::Format::Json)
    );
    if compare.is_some() && !shown {
        return Err("--compare is shown by --format text, json, html or compliance".into());
    }
    Ok(())
}

/// The scorecards of the earlier run of `--compare`, from its JSON report's findings:
/// a control failed then when one of its rules had a finding. Which rules ran is taken
/// from this run (the JSON report does not record it), so compare runs of the same
/// command over the same kinds of input.
pub fn previous_cards(
    ids: &[&str],
    ran: &dyn Fn(&str) -> bool,
    previous: &dockward_report::compare::Previous,
) -> Vec<Scorecard<'static>> {
    let findings: Vec<Diagnostic> = previous
        .findings
        .iter()
        .filter_map(|f| {
            let rule = registry::find(&f.code)?;
            let location = dockward_diagnostics::Location::Logical { scope: f.path.clone(), path: String::new() };
            // CT035 lists its members in the message; the masked message keeps the codes.
            Some(Diagnostic::new(rule, location, f.message.clone()))
        })
        .collect();
    evaluate(ids, ran, &findings)
}

/// A control whose outcome changed between the earlier run and this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlChange<'a> {
    pub framework: &'a str,
    pub id: &'a str,
    pub title: &'a str,
    pub before: Outcome,
    pub after: Outcome,
}

/// The controls that went to or from FAIL (a control's other outcomes depend on what
/// ran, which the earlier report does not record), in scorecard order.
pub fn control_changes<'a>(now: &'a [Scorecard<'_>], before: &[Scorecard<'_>]) -> Vec<ControlChange<'a>> {
    let mut out = Vec::new();
    for card in now {
        let Some(old) = before.iter().find(|b| b.framework.about.id == card.framework.about.id) else { continue };
        for r in &card.results {
            let Some(was) = old.results.iter().find(|o| o.control.id == r.control.id) else { continue };
            if (was.outcome == Outcome::Fail) != (r.outcome == Outcome::Fail) {
                out.push(ControlChange {
                    framework: &card.framework.about.id,
                    id: &r.control.id,
                    title: &r.control.title,
                    before: was.outcome,
                    after: r.outcome,
                });
            }
        }
    }
    out
}

/// The frameworks of `--compliance` for a report of `output`: only text, HTML and the
/// scorecards show them (the scorecards alone, with none named, mean every framework).
pub fn frameworks_for(list: &[String], output: Output) -> Result<Vec<&'static str>, String> {
    let mut ids = parse(list)?;
    if ids.is_empty() && output == Output::Scorecards {
        ids = compliance::ids();
    }
    let shown = matches!(
        output,
        Output::Scorecards
            | Output::Html
            | Output::Hdf
            | Output::Findings(dockward_report::Format::Text | dockward_report::Format::Sarif)
    );
    if !ids.is_empty() && !shown {
        return Err(
            "--compliance scorecards are shown by --format text, html, sarif (as taxonomies), hdf (as NIST tags) \
             or compliance"
                .into(),
        );
    }
    Ok(ids)
}

/// Scores every selected framework.
pub fn evaluate(ids: &[&str], ran: &dyn Fn(&str) -> bool, findings: &[Diagnostic]) -> Vec<Scorecard<'static>> {
    ids.iter()
        .filter_map(|id| compliance::framework(id))
        .map(|framework| compliance::evaluate(framework, ran, findings))
        .collect()
}

/// The sentence every scorecard starts with.
fn header(card: &Scorecard<'_>) -> String {
    let (technical, organisational) = card.evidence_split();
    let rules: BTreeSet<&str> =
        card.framework.controls.iter().flat_map(|c| c.rules.iter().map(String::as_str)).collect();
    format!(
        "dockward evaluates {} rules mapped to {technical} of {} controls; the other {organisational} controls need \
         organisational evidence. A scorecard is evidence for an assessment, not an attestation.",
        rules.len(),
        card.results.len()
    )
}

/// Writes each scorecard as text: one line per control, the findings' codes after a
/// failure, the interpretation under every PASS and PARTIAL.
pub fn render_text(cards: &[Scorecard<'_>], findings: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    for card in cards {
        writeln!(out, "\n{} ({})", card.framework.about.title, card.framework.about.id)?;
        writeln!(out, "{}", header(card))?;
        let width = card.results.iter().map(|r| r.control.id.len()).max().unwrap_or(0);
        for r in &card.results {
            let mut line = format!("  {:<11} {:<width$}  {}", r.outcome.as_str(), r.control.id, r.control.title);
            if !r.findings.is_empty() {
                let codes: BTreeSet<&str> = r.findings.iter().map(|&i| findings[i].rule.code).collect();
                let codes: Vec<&str> = codes.into_iter().collect();
                line.push_str(&format!(
                    " — {} finding{}: {}",
                    r.findings.len(),
                    if r.findings.len() == 1 { "" } else { "s" },
                    codes.join(", ")
                ));
            }
            writeln!(out, "{line}")?;
            match r.outcome {
                Outcome::Pass | Outcome::Partial => {
                    writeln!(out, "  {:<11} {:<width$}  * {}", "", "", r.control.interpretation)?;
                    if !r.not_run.is_empty() {
                        writeln!(out, "  {:<11} {:<width$}    not run: {}", "", "", r.not_run.join(", "))?;
                    }
                }
                _ => {}
            }
        }
        let counts = card.counts();
        let summary: Vec<String> = counts.iter().map(|(o, n)| format!("{n} {}", o.as_str())).collect();
        writeln!(out, "  {}", summary.join(", "))?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    frameworks: Vec<JsonFramework<'a>>,
}

#[derive(Serialize)]
struct JsonFramework<'a> {
    id: &'a str,
    title: &'a str,
    source: &'a str,
    header: String,
    summary: std::collections::BTreeMap<&'static str, usize>,
    controls: Vec<JsonControl<'a>>,
}

#[derive(Serialize)]
struct JsonControl<'a> {
    id: &'a str,
    title: &'a str,
    coverage: Coverage,
    outcome: Outcome,
    /// Only with `--compare`: the outcome in the earlier run (see [`previous_cards`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_outcome: Option<Outcome>,
    rules: &'a [String],
    not_run: &'a [&'a str],
    interpretation: &'a str,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    location: String,
    message: std::borrow::Cow<'a, str>,
}

/// Writes the scorecards as one JSON document (`version: 1`).
pub fn render_json(
    cards: &[Scorecard<'_>],
    before: Option<&[Scorecard<'_>]>,
    findings: &[Diagnostic],
    out: &mut dyn Write,
) -> io::Result<()> {
    let previous = |framework: &str, control: &str| {
        before?
            .iter()
            .find(|c| c.framework.about.id == framework)?
            .results
            .iter()
            .find(|r| r.control.id == control)
            .map(|r| r.outcome)
    };
    let frameworks = cards
        .iter()
        .map(|card| JsonFramework {
            id: &card.framework.about.id,
            title: &card.framework.about.title,
            source: &card.framework.about.source,
            header: header(card),
            summary: card.counts().into_iter().map(|(o, n)| (o.as_str(), n)).collect(),
            controls: card
                .results
                .iter()
                .map(|r| JsonControl {
                    id: &r.control.id,
                    title: &r.control.title,
                    coverage: r.control.status,
                    outcome: r.outcome,
                    previous_outcome: previous(&card.framework.about.id, &r.control.id),
                    rules: &r.control.rules,
                    not_run: &r.not_run,
                    interpretation: &r.control.interpretation,
                    findings: r
                        .findings
                        .iter()
                        .map(|&i| {
                            let d = &findings[i];
                            JsonFinding {
                                rule: d.rule.code,
                                location: d.location.to_string(),
                                message: dockward_report::masked_message(d),
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &JsonReport { version: 1, frameworks })?;
    writeln!(out)
}

/// Each framework as a SARIF taxonomy (SARIF 2.1.0 section 3.19.3), its controls the
/// taxa; the SARIF renderer gives each rule a `relevant` relationship to every control
/// it gives evidence for, so code-scanning tools can group results by control.
fn taxonomies(cards: &[Scorecard<'_>]) -> Vec<dockward_report::Taxonomy> {
    cards
        .iter()
        .map(|card| {
            let about = &card.framework.about;
            dockward_report::Taxonomy {
                name: about.id.clone(),
                full_name: about.title.clone(),
                information_uri: about.source.clone(),
                taxa: card
                    .framework
                    .controls
                    .iter()
                    .map(|c| dockward_report::Taxon {
                        id: c.id.clone(),
                        title: c.title.clone(),
                        description: c.interpretation.clone(),
                        rules: c.rules.clone(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The scorecards as the HTML report draws them.
pub fn html_views(cards: &[Scorecard<'_>], findings: &[Diagnostic]) -> Vec<ScorecardView> {
    cards
        .iter()
        .map(|card| ScorecardView {
            id: card.framework.about.id.clone(),
            title: card.framework.about.title.clone(),
            header: header(card),
            rows: card
                .results
                .iter()
                .map(|r| ScorecardRow {
                    id: r.control.id.clone(),
                    title: r.control.title.clone(),
                    outcome: r.outcome.as_str().to_owned(),
                    findings: r.findings.iter().map(|&i| findings[i].rule.code.to_owned()).collect(),
                    note: if r.not_run.is_empty() || r.outcome == Outcome::NotChecked {
                        r.control.interpretation.clone()
                    } else {
                        format!("{} Not run: {}.", r.control.interpretation, r.not_run.join(", "))
                    },
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frameworks_parse_by_id_and_all() {
        assert_eq!(parse(&["HIPAA".into(), "hipaa".into(), " gdpr-32".into()]).unwrap(), ["hipaa", "gdpr-32"]);
        assert_eq!(parse(&["all".into()]).unwrap().len(), 6);
        let e = parse(&["pci".into()]).unwrap_err();
        assert!(e.contains("unknown compliance framework `pci`") && e.contains("pci-dss-4.0.1"), "{e}");
    }

    #[test]
    fn rules_run_by_family() {
        let find = |c| registry::find(c).unwrap();
        assert_eq!(family_of(find("EN001")), Family::Engine);
        assert_eq!(family_of(find("IM001")), Family::Image);
        assert_eq!(family_of(find("IM008")), Family::ImageContents);
        assert_eq!(family_of(find("DW001")), Family::Meta);
        let settings = Settings::default();
        let families = BTreeSet::from([Family::Meta, Family::Container]);
        let ran = ran_in(&settings, &families);
        assert!(ran("CT001") && ran("DW001"));
        assert!(!ran("EN001") && !ran("DF001"));
        // Off by default: not run even when its family ran.
        assert!(!ran("CT024"));
    }
}
