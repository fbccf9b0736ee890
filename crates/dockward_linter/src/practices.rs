//! The practices of the two hardening guides (`../shared/practices`), one per line of the
//! hand-written catalogue `docs/coverage/practices.txt`: an id, the guide and section, the
//! practice in words, and what a machine cannot check. Rules name the practices they
//! enforce by id (`practices = ["b-no-privileged"]`); rule pages, `dockward rule` and the
//! coverage page print the words. A test rejects an id no line defines and a practice that
//! neither a rule checks nor a note explains.

use std::sync::LazyLock;

/// The catalogue's text.
pub const CATALOGUE: &str = include_str!("../../../docs/coverage/practices.txt");

/// One practice of a guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Practice {
    /// Stable id: `a-…` for guide A, `b-…` for guide B.
    pub id: &'static str,
    /// The guide and section it comes from: `B §3 Runtime Hardening`.
    pub section: &'static str,
    /// The practice, in words.
    pub text: &'static str,
    /// What a machine cannot check of it, when something is left to a human.
    pub needs_human: Option<&'static str>,
}

static PRACTICES: LazyLock<Vec<Practice>> = LazyLock::new(|| parse(CATALOGUE));

/// Every practice, in the guides' order.
pub fn all() -> &'static [Practice] {
    &PRACTICES
}

/// The practice with this id.
pub fn get(id: &str) -> Option<&'static Practice> {
    PRACTICES.iter().find(|p| p.id == id)
}

/// How a rule page names a practice: `Avoid --privileged (B §3 Runtime Hardening)`; an id
/// that is not in the catalogue (a test forbids it) is printed as it is.
pub fn describe(id: &str) -> String {
    match get(id) {
        Some(p) => format!("{} ({})", p.text, p.section),
        None => id.to_string(),
    }
}

fn parse(text: &'static str) -> Vec<Practice> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let mut cells = line.splitn(4, '|').map(str::trim);
            let id = cells.next().unwrap_or_default();
            let section = cells.next().unwrap_or_default();
            let text = cells.next().unwrap_or_default();
            let needs_human = cells.next().filter(|note| !note.is_empty());
            Practice { id, section, text, needs_human }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::registry;

    #[test]
    fn every_line_is_complete_and_every_id_unique() {
        let mut ids = BTreeSet::new();
        for p in all() {
            assert!(p.id.starts_with("a-") || p.id.starts_with("b-"), "{p:?}");
            assert!(p.section.starts_with("A §") || p.section.starts_with("B §"), "{p:?}");
            assert!(!p.text.is_empty(), "{p:?}");
            assert!(ids.insert(p.id), "{} twice", p.id);
        }
        assert!(all().len() > 50, "the catalogue did not parse: {} practices", all().len());
    }

    #[test]
    fn rules_name_only_catalogued_practices() {
        let unknown: Vec<String> = registry::all_rules()
            .flat_map(|r| r.practices.iter().filter(|id| get(id).is_none()).map(move |id| format!("{} {id}", r.code)))
            .collect();
        assert!(unknown.is_empty(), "practice ids not in docs/coverage/practices.txt: {unknown:?}");
    }

    /// A practice of the guides that no rule checks must say what is left to a human:
    /// every practice a machine can check becomes rules.
    #[test]
    fn every_practice_is_checked_or_explained() {
        let unexplained: Vec<&str> = all()
            .iter()
            .filter(|p| p.needs_human.is_none())
            .filter(|p| !registry::all_rules().any(|r| r.practices.contains(&p.id)))
            .map(|p| p.id)
            .collect();
        assert!(unexplained.is_empty(), "practices with no rule and no note: {unexplained:?}");
    }

    #[test]
    fn describe_prints_the_words_and_the_section() {
        assert_eq!(describe("b-no-privileged"), "Avoid `--privileged` (B §3 Runtime Hardening)");
        assert_eq!(describe("no-such-practice"), "no-such-practice");
    }
}
