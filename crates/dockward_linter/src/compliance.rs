//! Compliance frameworks: which rules give technical evidence for which control.
//!
//! The mappings are hand-written data files in `compliance/` (one per framework, see
//! its README): each control has a status (automated, partial, manual, not applicable),
//! the rules whose findings are evidence, and an interpretation saying what a pass
//! shows and what it does not. [`evaluate`] turns a run's findings into a scorecard;
//! rendering belongs to the CLI. The CIS Docker Benchmark scorecard is [`crate::cis`].
//!
//! Nothing here says "compliant": a scorecard is evidence for an assessor, and most
//! controls also need organisational evidence that no tool can give.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use dockward_diagnostics::Diagnostic;
use serde::{Deserialize, Serialize};

/// One framework's mapping.
#[derive(Debug, Clone, Deserialize)]
pub struct Framework {
    #[serde(rename = "framework")]
    pub about: About,
    #[serde(rename = "control")]
    pub controls: Vec<Control>,
}

/// What a framework is and where its control ids come from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct About {
    /// The id `--compliance` takes: `pci-dss-4.0.1`.
    pub id: String,
    pub title: String,
    /// Where to read the framework.
    pub source: String,
    /// Where the control ids of `catalogue` were checked.
    pub catalogue_source: String,
    /// Every control id the mapping may use, entered by hand from `catalogue_source`.
    pub catalogue: Vec<String>,
}

/// One control and the rules that give evidence for it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub id: String,
    /// A short title (a paraphrase where the framework's text is copyrighted).
    pub title: String,
    pub status: Coverage,
    /// Rule codes whose findings fail the control.
    pub rules: Vec<String>,
    /// What no finding of `rules` shows, and what it does not.
    pub interpretation: String,
}

/// How much of a control dockward's rules can check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Coverage {
    /// The rules check what the control asks of a Docker deployment.
    Automated,
    /// The rules check part of it; the rest needs other evidence.
    Partial,
    /// No rule can; the evidence is organisational.
    Manual,
    /// Outside what a container platform does.
    NotApplicable,
}

const DATA: &[(&str, &str)] = &[
    ("nist-800-190", include_str!("../compliance/nist-800-190.toml")),
    ("pci-dss-4.0.1", include_str!("../compliance/pci-dss-4.0.1.toml")),
    ("hipaa", include_str!("../compliance/hipaa.toml")),
    ("gdpr-32", include_str!("../compliance/gdpr-32.toml")),
    ("nist-800-53", include_str!("../compliance/nist-800-53.toml")),
];

/// The id of the CIS Docker Benchmark scorecard, which [`crate::cis`] provides.
pub const CIS_DOCKER: &str = "cis-docker";

static FRAMEWORKS: LazyLock<Vec<Framework>> = LazyLock::new(|| {
    DATA.iter()
        .map(|(id, text)| {
            // The files are part of the build and checked by the tests below; a parse
            // failure here is a defect in the repository, not in a user's input.
            let framework: Framework =
                toml::from_str(text).unwrap_or_else(|e| panic!("compliance/{id}.toml does not parse: {e}"));
            assert_eq!(framework.about.id, *id, "compliance/{id}.toml names another id");
            framework
        })
        .collect()
});

/// Every framework with a data file, in a fixed order.
pub fn frameworks() -> &'static [Framework] {
    &FRAMEWORKS
}

/// Every id `--compliance` accepts, the CIS scorecard last.
pub fn ids() -> Vec<&'static str> {
    DATA.iter().map(|(id, _)| *id).chain([CIS_DOCKER]).collect()
}

/// The framework with this id (not `cis-docker`, which has no data file).
pub fn find(id: &str) -> Option<&'static Framework> {
    frameworks().iter().find(|f| f.about.id == id)
}

static CIS: LazyLock<Framework> = LazyLock::new(|| {
    let controls = crate::cis::CIS_1_6_CONTROLS
        .iter()
        .map(|c| {
            let rules: Vec<String> =
                crate::registry::all_rules().filter(|r| r.cis.contains(&c.id)).map(|r| r.code.to_owned()).collect();
            let status = match (rules.is_empty(), c.automated) {
                (true, _) => Coverage::Manual,
                (false, true) => Coverage::Automated,
                (false, false) => Coverage::Partial,
            };
            let interpretation = if rules.is_empty() {
                "No dockward rule checks this control; it needs manual review.".to_owned()
            } else if c.automated {
                "No finding of the rules that implement this control on the inputs checked.".to_owned()
            } else {
                "The benchmark marks this control Manual: the rules check what a machine can; the rest needs review."
                    .to_owned()
            };
            Control { id: c.id.to_owned(), title: c.title.to_owned(), status, rules, interpretation }
        })
        .collect();
    Framework {
        about: About {
            id: CIS_DOCKER.to_owned(),
            title: "CIS Docker Benchmark 1.6.0 (control ids and dockward's short titles)".to_owned(),
            source: "https://www.cisecurity.org/benchmark/docker".to_owned(),
            catalogue_source: "src/cis.rs".to_owned(),
            catalogue: crate::cis::CIS_1_6_CONTROLS.iter().map(|c| c.id.to_owned()).collect(),
        },
        controls,
    }
});

/// The CIS Docker Benchmark (1.6.0 numbering) as a framework: each control with the
/// rules whose `cis` metadata names it. `dockward audit --format cis` gives the
/// detailed scorecard with other numberings and per-host applicability.
pub fn cis_framework() -> &'static Framework {
    &CIS
}

/// Any framework `--compliance` accepts, `cis-docker` included.
pub fn framework(id: &str) -> Option<&'static Framework> {
    if id == CIS_DOCKER {
        Some(cis_framework())
    } else {
        find(id)
    }
}

/// `FRAMEWORK CONTROL` pairs that name a rule, for its documentation page.
pub fn controls_of(code: &str) -> Vec<(&'static str, &'static str)> {
    frameworks()
        .iter()
        .flat_map(|f| {
            f.controls
                .iter()
                .filter(|c| c.rules.iter().any(|r| r == code))
                .map(|c| (f.about.id.as_str(), c.id.as_str()))
        })
        .collect()
}

/// What a run shows about one control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// A finding of one of its rules.
    Fail,
    /// Every rule ran and found nothing (automated controls).
    Pass,
    /// Its rules that ran found nothing, but they cover only part of the control, or
    /// some of them did not run.
    Partial,
    /// Needs organisational evidence.
    Manual,
    NotApplicable,
    /// None of its rules ran (no such input, not enabled, or a database missing).
    NotChecked,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Fail => "FAIL",
            Outcome::Pass => "PASS",
            Outcome::Partial => "PARTIAL",
            Outcome::Manual => "MANUAL",
            Outcome::NotApplicable => "N/A",
            Outcome::NotChecked => "NOT CHECKED",
        }
    }
}

/// One control's result.
#[derive(Debug, Clone)]
pub struct ControlResult<'a> {
    pub control: &'a Control,
    pub outcome: Outcome,
    /// Indices into the findings given to [`evaluate`], in their order.
    pub findings: Vec<usize>,
    /// The control's rules that did not run.
    pub not_run: Vec<&'a str>,
}

/// A framework's scorecard for one run.
#[derive(Debug, Clone)]
pub struct Scorecard<'a> {
    pub framework: &'a Framework,
    pub results: Vec<ControlResult<'a>>,
}

impl Scorecard<'_> {
    /// How many controls had each outcome.
    pub fn counts(&self) -> BTreeMap<Outcome, usize> {
        let mut counts = BTreeMap::new();
        for r in &self.results {
            *counts.entry(r.outcome).or_insert(0) += 1;
        }
        counts
    }

    /// Controls with technical evidence (automated or partial) and those that need
    /// organisational evidence only.
    pub fn evidence_split(&self) -> (usize, usize) {
        let technical =
            self.results.iter().filter(|r| matches!(r.control.status, Coverage::Automated | Coverage::Partial)).count();
        (technical, self.results.len() - technical)
    }
}

/// Scores a framework: `ran(code)` says whether a rule was run over input it judges
/// (enabled, and its kind of input was there); `findings` are the run's findings
/// after suppressions.
pub fn evaluate<'a>(framework: &'a Framework, ran: &dyn Fn(&str) -> bool, findings: &[Diagnostic]) -> Scorecard<'a> {
    let results = framework
        .controls
        .iter()
        .map(|control| {
            // A grouped CT035 finding counts for each member rule it lists.
            let counts = |d: &Diagnostic| {
                control.rules.iter().any(|r| r == d.rule.code)
                    || crate::rules::container::container_not_hardened::members_of(d)
                        .iter()
                        .any(|m| control.rules.iter().any(|r| r == m))
            };
            let found: Vec<usize> = findings.iter().enumerate().filter(|(_, d)| counts(d)).map(|(i, _)| i).collect();
            let not_run: Vec<&str> = control.rules.iter().map(String::as_str).filter(|code| !ran(code)).collect();
            let outcome = match control.status {
                Coverage::Manual => Outcome::Manual,
                Coverage::NotApplicable => Outcome::NotApplicable,
                _ if control.rules.is_empty() => Outcome::Manual,
                _ if !found.is_empty() => Outcome::Fail,
                _ if not_run.len() == control.rules.len() => Outcome::NotChecked,
                Coverage::Automated if not_run.is_empty() => Outcome::Pass,
                _ => Outcome::Partial,
            };
            ControlResult { control, outcome, findings: found, not_run }
        })
        .collect();
    Scorecard { framework, results }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use dockward_diagnostics::Location;

    use super::*;

    #[test]
    fn every_control_id_is_in_its_catalogue_and_every_rule_exists() {
        let codes: BTreeSet<&str> = crate::registry::all_rules().map(|r| r.code).collect();
        assert_eq!(frameworks().len(), DATA.len());
        for f in frameworks() {
            let catalogue: BTreeSet<&str> = f.about.catalogue.iter().map(String::as_str).collect();
            assert_eq!(catalogue.len(), f.about.catalogue.len(), "{}: the catalogue repeats an id", f.about.id);
            let mut seen = BTreeSet::new();
            for c in &f.controls {
                assert!(catalogue.contains(c.id.as_str()), "{}: {} is not in the catalogue", f.about.id, c.id);
                assert!(seen.insert(&c.id), "{}: {} is mapped twice", f.about.id, c.id);
                for rule in &c.rules {
                    assert!(codes.contains(rule.as_str()), "{} {}: no rule {rule}", f.about.id, c.id);
                }
                let automatable = matches!(c.status, Coverage::Automated | Coverage::Partial);
                assert_eq!(automatable, !c.rules.is_empty(), "{} {}: status and rules disagree", f.about.id, c.id);
                for word in ["compliant", "certified"] {
                    assert!(!c.interpretation.to_lowercase().contains(word), "{} {}: says {word}", f.about.id, c.id);
                }
            }
        }
    }

    #[test]
    fn ids_are_the_data_files_and_the_cis_scorecard() {
        assert_eq!(ids(), ["nist-800-190", "pci-dss-4.0.1", "hipaa", "gdpr-32", "nist-800-53", "cis-docker"]);
        assert!(find("hipaa").is_some());
        assert!(find("cis-docker").is_none());
        assert!(controls_of("CT001").contains(&("nist-800-190", "4.4.3")));
        assert!(controls_of("DW001").is_empty());
        let cis = framework("cis-docker").unwrap();
        assert_eq!(cis.controls.len(), 117);
        let c55 = cis.controls.iter().find(|c| c.id == "5.5").unwrap();
        assert!(c55.rules.iter().any(|r| r == "CT001"));
        assert_eq!(c55.status, Coverage::Automated);
    }

    fn finding(code: &str) -> Diagnostic {
        let meta = crate::registry::find(code).unwrap();
        Diagnostic::new(meta, Location::Logical { scope: "container/x".into(), path: "HostConfig".into() }, "m")
    }

    #[test]
    fn outcomes_follow_findings_and_what_ran() {
        let f = find("nist-800-190").unwrap();
        let outcome =
            |card: &Scorecard<'_>, id: &str| card.results.iter().find(|r| r.control.id == id).unwrap().outcome;
        // Nothing ran: automated controls are not checked, manual ones stay manual.
        let card = evaluate(f, &|_| false, &[]);
        assert_eq!(outcome(&card, "4.4.3"), Outcome::NotChecked);
        assert_eq!(outcome(&card, "4.1.3"), Outcome::Manual);
        // Everything ran and found nothing: automated passes, partial stays partial.
        let card = evaluate(f, &|_| true, &[]);
        assert_eq!(outcome(&card, "4.4.3"), Outcome::Pass);
        assert_eq!(outcome(&card, "4.4.1"), Outcome::Partial);
        // Some rules of an automated control did not run: partial, and they are named.
        let card = evaluate(f, &|code| code != "DM008", &[]);
        let r = card.results.iter().find(|r| r.control.id == "4.4.3").unwrap();
        assert_eq!((r.outcome, r.not_run.as_slice()), (Outcome::Partial, ["DM008"].as_slice()));
        // A finding fails every control whose rules include it.
        let findings = [finding("DF019"), finding("CT001")];
        let card = evaluate(f, &|_| true, &findings);
        let r = card.results.iter().find(|r| r.control.id == "4.5.2").unwrap();
        assert_eq!((r.outcome, r.findings.as_slice()), (Outcome::Fail, [1].as_slice()));
        assert_eq!(outcome(&card, "4.1.2"), Outcome::Fail);
        assert_eq!(outcome(&card, "4.1.4"), Outcome::Pass);
        assert_eq!(card.counts()[&Outcome::Fail], 3);
        // A grouped CT035 finding fails the controls of the members it lists, no others.
        let mut grouped = finding("CT035");
        grouped.message = "service `app` is not hardened: runs as root (CT020)".into();
        let pci = find("pci-dss-4.0.1").unwrap();
        let pci_card = evaluate(pci, &|_| true, std::slice::from_ref(&grouped));
        assert_eq!(outcome(&pci_card, "7.2.5"), Outcome::Fail);
        assert_eq!(outcome(&pci_card, "2.2.6"), Outcome::Pass);
        assert_eq!(card.evidence_split(), (19, 4));
    }
}
