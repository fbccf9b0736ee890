//! Finding fingerprints that survive line moves: SARIF's `partialFingerprints` and
//! the baseline file (`docs/baseline.md`) both read them, so a finding is the "same"
//! finding in a code-scanning dashboard and in a baseline.

use std::collections::HashMap;

use dockward_diagnostics::{Diagnostic, Location};

use crate::scrub::Secrets;

/// One finding's fingerprint: the file or object it is in, and a hash of its rule and
/// primary line's text numbered by occurrence (the second identical line is `:2`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint {
    /// The display name of the file or object (`Location::name`).
    pub artifact: String,
    pub hash: u64,
    /// 1 for the first finding with this hash in this artifact, 2 for the next...
    pub occurrence: usize,
}

impl Fingerprint {
    /// `0123456789abcdef:1`, SARIF's `primaryLocationLineHash`.
    pub fn line_hash(&self) -> String {
        format!("{:016x}:{}", self.hash, self.occurrence)
    }
}

/// Numbers findings by occurrence as it fingerprints them. Feed it the findings in
/// report order (sorted by `Diagnostic::sort_key_cmp`), so the numbering is the same
/// on every run that has the same findings.
#[derive(Debug, Default)]
pub struct Fingerprinter {
    seen: HashMap<(String, u64), usize>,
}

impl Fingerprinter {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn fingerprint(&mut self, d: &Diagnostic) -> Fingerprint {
        let secrets = Secrets::of(d);
        let (artifact, line) = fingerprint_input(d, &secrets);
        // A vulnerability is told apart by its package and advisory, whatever else
        // shares its location (every dpkg package is in one status file).
        let hash = match d.vuln.as_deref() {
            Some(v) => fnv1a(&[d.rule.code, &line, &v.package, &v.advisory]),
            None => fnv1a(&[d.rule.code, &line]),
        };
        // Identical lines in one file are told apart by their occurrence index.
        let count = self.seen.entry((artifact.clone(), hash)).or_insert(0);
        *count += 1;
        Fingerprint { artifact, hash, occurrence: *count }
    }
}

/// The fingerprints of `diagnostics`, in their order.
pub fn fingerprints(diagnostics: &[Diagnostic]) -> Vec<Fingerprint> {
    let mut f = Fingerprinter::new();
    diagnostics.iter().map(|d| f.fingerprint(d)).collect()
}

/// 64-bit FNV-1a: tiny, and unlike `std`'s hasher its output is specified, so
/// fingerprints stay the same across Rust versions and platforms.
pub(crate) fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h = (h ^ 0xff).wrapping_mul(0x0100_0000_01b3); // separator no text contains
        }
        for b in part.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// What the fingerprint hashes: the rule code and the primary line's text with
/// whitespace collapsed (masked, so the hash cannot be used to confirm a guess of a
/// secret), or the logical location's name. Line numbers are left out on purpose so
/// that findings keep their fingerprint when lines are added above them.
pub(crate) fn fingerprint_input(d: &Diagnostic, secrets: &Secrets) -> (String, String) {
    match &d.location {
        Location::Source { file, range } => {
            let line = file.position(range.start()).line;
            let start = u32::from(file.line_index().line_start(line));
            let text = secrets.source(file, file.line_text(line), start);
            (file.name().to_string(), text.split_whitespace().collect::<Vec<_>>().join(" "))
        }
        other => (other.name().to_string(), other.to_string()),
    }
}
