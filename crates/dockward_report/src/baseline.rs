//! Baselines: the findings a repository had when it adopted dockward, so that a run
//! reports only new ones (`docs/baseline.md`).
//!
//! An entry is a finding's rule code, its file (or object) and its
//! [`Fingerprint`](crate::fingerprint::Fingerprint): the hash of the rule and the
//! primary line's text, numbered by occurrence. No line number is kept, so a finding
//! whose line moves (lines inserted above it, another finding added before it) still
//! matches, and a finding whose line changes does not.

use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

/// Bumped on any incompatible change of the file format; a baseline of another
/// version is refused with a clear error rather than silently matching nothing.
pub const BASELINE_VERSION: u32 = 1;

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The file (relative to the baseline's directory when below it) or object.
    pub file: String,
    /// The rule code (`DF001`).
    pub code: String,
    /// `hash:occurrence`, the SARIF `primaryLocationLineHash`.
    pub fingerprint: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// A set of recorded findings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    entries: BTreeSet<Entry>,
}

/// What applying a baseline did, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BaselineSummary {
    /// Findings left out because the baseline has them.
    pub hidden: usize,
    /// Entries of files this run checked that no finding matched any more (fixed, or
    /// changed so that they are reported as new).
    pub stale: usize,
}

impl Baseline {
    pub fn new(entries: impl IntoIterator<Item = Entry>) -> Self {
        Self { entries: entries.into_iter().collect() }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The file's text: pretty JSON, entries sorted by file, code and fingerprint, so
    /// the same findings always give the same bytes (a baseline diffs well in review).
    pub fn to_json(&self) -> String {
        let file = File { version: BASELINE_VERSION, findings: self.entries.iter().cloned().collect() };
        let mut s = serde_json::to_string_pretty(&file).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Reads a baseline file's text; the error says what is wrong in words.
    pub fn parse(text: &str) -> Result<Self, String> {
        // The version first, so a newer file says so instead of "unknown field".
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not a dockward baseline (invalid JSON: {e})"))?;
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(BASELINE_VERSION) => {}
            Some(v) => {
                return Err(format!(
                    "baseline version {v} is not supported (this dockward reads version {BASELINE_VERSION})"
                ))
            }
            None => return Err("not a dockward baseline (no `version` number)".into()),
        }
        let file: File = serde_json::from_value(value).map_err(|e| format!("not a dockward baseline: {e}"))?;
        for e in &file.findings {
            let valid = e.fingerprint.split_once(':').is_some_and(|(h, n)| {
                h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()) && n.parse::<usize>().is_ok_and(|n| n > 0)
            });
            if !valid {
                return Err(format!("not a dockward baseline: invalid fingerprint `{}`", e.fingerprint));
            }
        }
        Ok(Self::new(file.findings))
    }

    /// Splits `findings` into those the baseline does not have (kept, in order) and
    /// counts the hidden ones and the stale entries. `checked` holds the files this
    /// run checked (as entries name them): an entry of a file not checked is not
    /// stale, since a run over part of a repository cannot tell.
    pub fn apply<T>(&self, findings: Vec<(T, Entry)>, checked: &HashSet<String>) -> (Vec<T>, BaselineSummary) {
        let mut matched: HashSet<&Entry> = HashSet::new();
        let mut kept = Vec::with_capacity(findings.len());
        let mut summary = BaselineSummary::default();
        for (item, entry) in findings {
            match self.entries.get(&entry) {
                Some(e) => {
                    matched.insert(e);
                    summary.hidden += 1;
                }
                None => kept.push(item),
            }
        }
        summary.stale =
            self.entries.iter().filter(|e| !matched.contains(e) && checked.contains(e.file.as_str())).count();
        (kept, summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::fingerprints;
    use crate::testutil::*;
    use dockward_diagnostics::Diagnostic;

    /// The findings of `RULE_A` on every line of `text` that starts with `USER`, and
    /// of `RULE_B` on lines starting with `RUN`: a stand-in for a real check.
    fn check(text: &str) -> Vec<Diagnostic> {
        let f = file("Dockerfile", text);
        let mut out = Vec::new();
        let mut at = 0u32;
        for line in text.split_inclusive('\n') {
            if line.starts_with("USER") {
                out.push(diag(&RULE_A, &f, at, at + 4, "user"));
            } else if line.starts_with("RUN") {
                out.push(diag(&RULE_B, &f, at, at + 3, "run"));
            }
            at += line.len() as u32;
        }
        out
    }

    fn entries(diags: &[Diagnostic]) -> Vec<(Diagnostic, Entry)> {
        diags
            .iter()
            .zip(fingerprints(diags))
            .map(|(d, fp)| {
                let e = Entry { file: fp.artifact.clone(), code: d.rule.code.to_string(), fingerprint: fp.line_hash() };
                (d.clone(), e)
            })
            .collect()
    }

    fn baseline_of(text: &str) -> Baseline {
        Baseline::new(entries(&check(text)).into_iter().map(|(_, e)| e))
    }

    fn new_findings(baseline: &Baseline, text: &str) -> (Vec<String>, BaselineSummary) {
        let checked: HashSet<String> = ["Dockerfile".to_string()].into();
        let (kept, summary) = baseline.apply(entries(&check(text)), &checked);
        let lines = kept
            .iter()
            .map(|d| {
                let f = d.location.file().unwrap();
                f.line_text(f.position(d.location.range().unwrap().start()).line).trim_end().to_string()
            })
            .collect();
        (lines, summary)
    }

    const BEFORE: &str = "FROM a\nUSER root\nRUN make\nUSER root\n";

    #[test]
    fn the_same_findings_are_all_hidden() {
        let b = baseline_of(BEFORE);
        assert_eq!(b.len(), 3);
        assert_eq!(new_findings(&b, BEFORE), (vec![], BaselineSummary { hidden: 3, stale: 0 }));
    }

    #[test]
    fn moved_lines_and_a_finding_inserted_above_still_match() {
        let b = baseline_of(BEFORE);
        // Blank lines and a new finding above, the file's lines in another order.
        let after = "# comment\n\nFROM a\nRUN new-step\nRUN make\nUSER root\n\nUSER root\n";
        assert_eq!(
            new_findings(&b, after),
            (vec!["RUN new-step".to_string()], BaselineSummary { hidden: 3, stale: 0 })
        );
    }

    #[test]
    fn a_changed_finding_is_new_and_its_entry_stale() {
        let b = baseline_of(BEFORE);
        let after = "FROM a\nUSER root\nRUN make install\nUSER root\n";
        assert_eq!(
            new_findings(&b, after),
            (vec!["RUN make install".to_string()], BaselineSummary { hidden: 2, stale: 1 })
        );
        // A third identical line is a new occurrence, not a match of the other two.
        let after = "FROM a\nUSER root\nRUN make\nUSER root\nUSER root\n";
        assert_eq!(new_findings(&b, after), (vec!["USER root".to_string()], BaselineSummary { hidden: 3, stale: 0 }));
    }

    #[test]
    fn fixed_findings_are_stale_but_only_in_checked_files() {
        let mut b = baseline_of(BEFORE);
        b.entries.insert(Entry {
            file: "other/Dockerfile".into(),
            code: "DF001".into(),
            fingerprint: "0".repeat(16) + ":1",
        });
        let (kept, summary) = new_findings(&b, "FROM a\nUSER root\n");
        assert!(kept.is_empty());
        assert_eq!(summary, BaselineSummary { hidden: 1, stale: 2 });
    }

    #[test]
    fn the_file_is_sorted_versioned_and_round_trips() {
        let b = baseline_of(BEFORE);
        let text = b.to_json();
        assert!(text.starts_with("{\n  \"version\": 1,\n  \"findings\": [\n"), "{text}");
        let parsed = Baseline::parse(&text).unwrap();
        assert_eq!(parsed, b);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<(String, String)> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["code"].as_str().unwrap().to_string(), e["fingerprint"].as_str().unwrap().to_string()))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(baseline_of(BEFORE).to_json(), text, "deterministic");
    }

    #[test]
    fn a_corrupt_or_foreign_file_is_a_clear_error() {
        let cases = [
            ("", "invalid JSON"),
            ("{\"version\": 1, \"findings\": [", "invalid JSON"),
            ("[]", "no `version`"),
            ("{\"version\": 2, \"findings\": []}", "version 2 is not supported"),
            ("{\"version\": 1}", "missing field `findings`"),
            ("{\"version\": 1, \"findings\": [{\"file\": \"a\", \"code\": \"DF001\"}]}", "missing field `fingerprint`"),
            (
                "{\"version\": 1, \"findings\": [{\"file\": \"a\", \"code\": \"DF001\", \"fingerprint\": \"x:1\"}]}",
                "invalid fingerprint `x:1`",
            ),
            ("{\"version\": 1, \"findings\": [], \"extra\": 1}", "unknown field `extra`"),
        ];
        for (text, expected) in cases {
            let err = Baseline::parse(text).unwrap_err();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }
}
