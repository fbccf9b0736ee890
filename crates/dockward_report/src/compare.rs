//! `--compare PREVIOUS.json`: what is new, fixed and unchanged since an earlier run.
//!
//! The earlier run is a JSON report (`--format json`) of the same command. Findings are
//! matched by rule code, file (or object) and [`Fingerprint`](crate::fingerprint::Fingerprint),
//! the key baselines and SARIF `partialFingerprints` use, so a finding whose line moved
//! is unchanged and a finding whose line changed is fixed and new.

use std::collections::HashSet;

use dockward_diagnostics::Diagnostic;
use serde::{Deserialize, Serialize};

use crate::fingerprint::Fingerprinter;

/// One finding of the earlier report, as its JSON has it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PreviousFinding {
    pub code: String,
    pub path: String,
    pub fingerprint: String,
    pub severity: String,
    /// Masked when it was written, as every JSON message is.
    pub message: String,
}

/// The findings of an earlier JSON report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Previous {
    pub findings: Vec<PreviousFinding>,
}

#[derive(Deserialize)]
struct PreviousFile {
    version: u32,
    findings: Vec<PreviousFinding>,
}

impl Previous {
    /// Reads a JSON report's text; the error says what is wrong in words (the caller
    /// adds the file name).
    pub fn parse(text: &str) -> Result<Self, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not a dockward JSON report (invalid JSON: {e})"))?;
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(1) => {}
            Some(v) => return Err(format!("JSON report version {v} is not supported (this dockward reads version 1)")),
            None => return Err("not a dockward JSON report (no `version` number)".into()),
        }
        if let Some(findings) = value.get("findings").and_then(serde_json::Value::as_array) {
            if let Some(i) = findings.iter().position(|f| f.get("fingerprint").is_none()) {
                return Err(format!(
                    "finding {} has no `fingerprint` (the report was written by an older dockward: run it again \
                     with this version to compare against it)",
                    i + 1
                ));
            }
        }
        let file: PreviousFile =
            serde_json::from_value(value).map_err(|e| format!("not a dockward JSON report: {e}"))?;
        debug_assert_eq!(file.version, 1);
        Ok(Self { findings: file.findings })
    }
}

/// Whether a finding of this run was in the earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    New,
    Unchanged,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Unchanged => "unchanged",
        }
    }
}

/// This run against an earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// What the earlier report is called (its path as given).
    pub since: String,
    /// One per finding of this run, in report order.
    pub changes: Vec<Change>,
    /// The earlier findings this run no longer has, sorted by path, code and fingerprint.
    pub fixed: Vec<PreviousFinding>,
}

/// Counts of a [`Comparison`], as the JSON and text summaries show them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ChangeCounts {
    pub new: usize,
    pub fixed: usize,
    pub unchanged: usize,
}

impl Comparison {
    /// Compares `current` (sorted, report order: occurrence numbers follow it) with
    /// `previous`.
    pub fn new(since: impl Into<String>, previous: &Previous, current: &[Diagnostic]) -> Self {
        let before: HashSet<(&str, &str, &str)> =
            previous.findings.iter().map(|f| (f.code.as_str(), f.path.as_str(), f.fingerprint.as_str())).collect();
        let mut fingerprinter = Fingerprinter::new();
        let mut seen: HashSet<(String, String, String)> = HashSet::new();
        let changes = current
            .iter()
            .map(|d| {
                let key =
                    (d.rule.code.to_owned(), d.location.name().to_owned(), fingerprinter.fingerprint(d).line_hash());
                let change = if before.contains(&(key.0.as_str(), key.1.as_str(), key.2.as_str())) {
                    Change::Unchanged
                } else {
                    Change::New
                };
                seen.insert(key);
                change
            })
            .collect();
        let mut fixed: Vec<PreviousFinding> = previous
            .findings
            .iter()
            .filter(|f| !seen.contains(&(f.code.clone(), f.path.clone(), f.fingerprint.clone())))
            .cloned()
            .collect();
        fixed.sort_by(|a, b| (&a.path, &a.code, &a.fingerprint).cmp(&(&b.path, &b.code, &b.fingerprint)));
        fixed.dedup();
        Self { since: since.into(), changes, fixed }
    }

    pub fn counts(&self) -> ChangeCounts {
        let new = self.changes.iter().filter(|c| **c == Change::New).count();
        ChangeCounts { new, fixed: self.fixed.len(), unchanged: self.changes.len() - new }
    }

    /// `3 new, 1 fixed, 12 unchanged`.
    pub fn summary(&self) -> String {
        let c = self.counts();
        format!("{} new, {} fixed, {} unchanged", c.new, c.fixed, c.unchanged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use crate::Format;

    fn json_of(diags: &[Diagnostic]) -> String {
        let files = vec!["Dockerfile".to_string()];
        render_to_string(Format::Json, &report(diags, &files), &plain())
    }

    #[test]
    fn findings_are_new_fixed_or_unchanged_and_lines_may_move() {
        let before = file("Dockerfile", "FROM a\nUSER root\nRUN x\n");
        let old = vec![diag(&RULE_A, &before, 7, 16, "root"), diag(&RULE_C, &before, 17, 22, "apt")];
        let previous = Previous::parse(&json_of(&old)).unwrap();
        assert_eq!(previous.findings.len(), 2);
        // A line inserted above: USER root moved, RUN x was fixed, a new finding came.
        let after = file("Dockerfile", "FROM a\nLABEL a=b\nUSER root\nRUN y\n");
        let now = vec![diag(&RULE_A, &after, 17, 26, "root"), diag(&RULE_B, &after, 27, 32, "new")];
        let cmp = Comparison::new("old.json", &previous, &now);
        assert_eq!(cmp.changes, [Change::Unchanged, Change::New]);
        assert_eq!(cmp.fixed.len(), 1);
        assert_eq!((cmp.fixed[0].code.as_str(), cmp.fixed[0].message.as_str()), ("DF003", "apt"));
        assert_eq!(cmp.summary(), "1 new, 1 fixed, 1 unchanged");
    }

    #[test]
    fn bad_previous_reports_say_why() {
        assert!(Previous::parse("{").unwrap_err().contains("invalid JSON"));
        assert!(Previous::parse("{\"version\":2,\"findings\":[]}").unwrap_err().contains("version 2"));
        let old = "{\"version\":1,\"findings\":[{\"code\":\"DF001\",\"path\":\"D\",\"severity\":\"warning\",\"message\":\"m\"}]}";
        assert!(Previous::parse(old).unwrap_err().contains("no `fingerprint`"));
        assert_eq!(Previous::parse("{\"version\":1,\"findings\":[]}").unwrap(), Previous::default());
    }
}
