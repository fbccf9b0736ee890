//! OSV range semantics for one installed version against one affected entry.
//!
//! Only `SEMVER` and `ECOSYSTEM` ranges are evaluated; `GIT` ranges and types the
//! schema does not know are ignored. The events of a range are sorted with the
//! ecosystem's comparator before they are read (records are not trusted to list them
//! in order), `introduced: "0"` being below every version. Then, as the OSV schema's
//! evaluation says, a version is affected when the last event at or below it opens a
//! range: `introduced <= v`, closed again by `fixed <= v` or `last_affected < v`, and
//! when it is below one of the range's `limit`s (if it has any; `*` is no limit).
//! Events with equal versions keep the record's order, which is what separates an
//! empty range (`introduced X, fixed X`) from two ranges that meet at `X`.
//!
//! An entry's explicit `versions` list matches by the scheme's equality
//! (`1.0 == 1.0.0` in PEP 440).

use std::cmp::Ordering;

use dockward_version::{compare, validate, Scheme, VersionError};
use dockward_vulndb::{Event, Range, RangeType};

/// An installed version inside an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    /// The lowest `fixed` above the installed version that closes a range holding it.
    pub fixed: Option<String>,
}

/// A version bound: OSV's `0` sentinel or a version string.
#[derive(Debug, Clone, Copy)]
enum Bound<'a> {
    Zero,
    Version(&'a str),
}

impl<'a> Bound<'a> {
    fn of(version: &'a str) -> Bound<'a> {
        if version.trim() == "0" {
            Bound::Zero
        } else {
            Bound::Version(version)
        }
    }
}

/// Compares two strings already checked with [`validate`]; `Equal` if the scheme
/// should refuse one after all (it cannot: every comparator is total on what it
/// accepts), so the sort's order stays total.
fn cmp_valid(scheme: Scheme, a: &str, b: &str) -> Ordering {
    compare(scheme, a, b).unwrap_or(Ordering::Equal)
}

fn cmp_bounds(scheme: Scheme, a: Bound<'_>, b: Bound<'_>) -> Ordering {
    match (a, b) {
        (Bound::Zero, Bound::Zero) => Ordering::Equal,
        (Bound::Zero, Bound::Version(_)) => Ordering::Less,
        (Bound::Version(_), Bound::Zero) => Ordering::Greater,
        (Bound::Version(a), Bound::Version(b)) => cmp_valid(scheme, a, b),
    }
}

/// `installed` compared with a bound (`0` is below everything).
fn cmp_installed(scheme: Scheme, installed: &str, bound: Bound<'_>) -> Ordering {
    match bound {
        Bound::Zero => Ordering::Greater,
        Bound::Version(v) => cmp_valid(scheme, installed, v),
    }
}

/// The version strings of the comparable ranges that the scheme refuses, in record
/// order, without repeats. `0` (the sentinel) and a limit of `*` are always fine.
pub(crate) fn invalid_versions(scheme: Scheme, ranges: &[Range]) -> Vec<VersionError> {
    let mut bad: Vec<VersionError> = Vec::new();
    for range in ranges.iter().filter(|r| comparable(&r.kind)) {
        for event in &range.events {
            let v = event.version();
            if v.trim() == "0" || (matches!(event, Event::Limit(_)) && v.trim() == "*") {
                continue;
            }
            if let Err(e) = validate(scheme, v) {
                if !bad.iter().any(|b| b.version == e.version) {
                    bad.push(e);
                }
            }
        }
    }
    bad
}

fn comparable(kind: &RangeType) -> bool {
    matches!(kind, RangeType::Semver | RangeType::Ecosystem)
}

/// Whether `installed` (accepted by `scheme`) is inside one of `ranges` or equal to
/// one of `versions`. The ranges' versions must have passed [`invalid_versions`].
/// `versions` items the scheme refuses are skipped: such an item could only equal an
/// installed version the scheme refuses too, which is never compared (PyPI's lists
/// carry legacy versions such as `0.7.10p1` by the dozen).
pub(crate) fn evaluate(scheme: Scheme, installed: &str, ranges: &[Range], versions: &[String]) -> Option<Hit> {
    let mut hit: Option<Hit> = None;
    for range in ranges.iter().filter(|r| comparable(&r.kind)) {
        let Some(found) = in_range(scheme, installed, range) else { continue };
        hit = Some(match hit {
            None => found,
            Some(prev) => Hit { fixed: lowest(scheme, prev.fixed, found.fixed) },
        });
    }
    if hit.is_none()
        && versions.iter().any(|v| validate(scheme, v).is_ok() && cmp_valid(scheme, installed, v) == Ordering::Equal)
    {
        hit = Some(Hit { fixed: None });
    }
    hit
}

/// The lower of two optional fixed versions (a known one wins over none).
pub(crate) fn lowest(scheme: Scheme, a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if cmp_valid(scheme, &b, &a) == Ordering::Less { b } else { a }),
        (a, b) => a.or(b),
    }
}

fn in_range(scheme: Scheme, installed: &str, range: &Range) -> Option<Hit> {
    // Alpine's secdb says "never affected" with a fix at version 0; in OSV form that
    // is `introduced 0, fixed 0`. Whatever else the range says, it holds nothing.
    if range.events.iter().any(|e| matches!(e, Event::Fixed(v) if v.trim() == "0")) {
        return None;
    }
    let mut limits = Vec::new();
    let mut events: Vec<(Bound<'_>, &Event)> = Vec::with_capacity(range.events.len());
    for event in &range.events {
        match event {
            Event::Limit(v) => limits.push(v.as_str()),
            _ => events.push((Bound::of(event.version()), event)),
        }
    }
    // Stable: equal versions keep the record's order.
    events.sort_by(|a, b| cmp_bounds(scheme, a.0, b.0));

    let mut affected = false;
    for (bound, event) in &events {
        let order = cmp_installed(scheme, installed, *bound);
        match event {
            Event::Introduced(_) if order != Ordering::Less => affected = true,
            Event::Fixed(_) if order != Ordering::Less => affected = false,
            Event::LastAffected(_) if order == Ordering::Greater => affected = false,
            _ => {}
        }
    }
    if !affected {
        return None;
    }
    let below_a_limit = limits.is_empty()
        || limits.iter().any(|l| l.trim() == "*" || cmp_installed(scheme, installed, Bound::of(l)) == Ordering::Less);
    if !below_a_limit {
        return None;
    }
    // The range's end: the first `fixed` above the installed version or
    // `last_affected` at or above it, in sorted order.
    let end = events.iter().find(|(bound, event)| {
        let order = cmp_installed(scheme, installed, *bound);
        match event {
            Event::Fixed(_) => order == Ordering::Less,
            Event::LastAffected(_) => order != Ordering::Greater,
            _ => false,
        }
    });
    let fixed = match end {
        Some((_, Event::Fixed(v))) => Some(v.clone()),
        _ => None,
    };
    Some(Hit { fixed })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(kind: RangeType, events: &[(&str, &str)]) -> Range {
        Range {
            kind,
            events: events
                .iter()
                .map(|(k, v)| {
                    let v = v.to_string();
                    match *k {
                        "i" => Event::Introduced(v),
                        "f" => Event::Fixed(v),
                        "a" => Event::LastAffected(v),
                        "l" => Event::Limit(v),
                        _ => unreachable!("test helper"),
                    }
                })
                .collect(),
        }
    }

    fn eco(events: &[(&str, &str)]) -> Vec<Range> {
        vec![range(RangeType::Ecosystem, events)]
    }

    fn fixed_of(scheme: Scheme, installed: &str, ranges: &[Range]) -> Option<Option<String>> {
        assert!(invalid_versions(scheme, ranges).is_empty());
        evaluate(scheme, installed, ranges, &[]).map(|h| h.fixed)
    }

    #[test]
    fn introduced_fixed_in_any_order() {
        let r = eco(&[("f", "1.24.3"), ("i", "1.25.0"), ("f", "1.25.9"), ("i", "0")]);
        let f = |v: &str| fixed_of(Scheme::Pep440, v, &r);
        assert_eq!(f("1.24.1"), Some(Some("1.24.3".into())));
        assert_eq!(f("1.24.3"), None);
        assert_eq!(f("1.24.9"), None);
        assert_eq!(f("1.25.0"), Some(Some("1.25.9".into())));
        assert_eq!(f("1.25.9"), None);
        assert_eq!(f("2.0"), None);
    }

    #[test]
    fn open_ended_last_affected_and_limit() {
        let open = eco(&[("i", "1.0")]);
        assert_eq!(fixed_of(Scheme::Semver, "0.9.0", &open), None);
        assert_eq!(fixed_of(Scheme::Semver, "7.0.0", &open), Some(None));

        let last = eco(&[("i", "0"), ("a", "1.2.0")]);
        assert_eq!(fixed_of(Scheme::Semver, "1.2.0", &last), Some(None));
        assert_eq!(fixed_of(Scheme::Semver, "1.2.1", &last), None);

        let limited = eco(&[("i", "1.0.0"), ("l", "2.0.0")]);
        assert_eq!(fixed_of(Scheme::Semver, "1.5.0", &limited), Some(None));
        assert_eq!(fixed_of(Scheme::Semver, "2.0.0", &limited), None);
        let star = eco(&[("i", "1.0.0"), ("l", "*")]);
        assert_eq!(fixed_of(Scheme::Semver, "9.0.0", &star), Some(None));
    }

    #[test]
    fn adjacent_ranges_and_empty_ranges() {
        let adjacent = eco(&[("i", "1.0"), ("f", "2.0"), ("i", "2.0"), ("f", "3.0")]);
        assert_eq!(fixed_of(Scheme::Pep440, "2.0", &adjacent), Some(Some("3.0".into())));
        let empty = eco(&[("i", "2.0"), ("f", "2.0")]);
        assert_eq!(fixed_of(Scheme::Pep440, "2.0", &empty), None);
        let alpine = eco(&[("i", "0"), ("f", "0")]);
        assert_eq!(fixed_of(Scheme::Apk, "1.2.3-r0", &alpine), None);
        assert_eq!(fixed_of(Scheme::Apk, "0", &alpine), None);
    }

    #[test]
    fn lowest_fix_over_several_ranges_and_git_ignored() {
        let ranges = vec![
            range(RangeType::Git, &[("i", "0"), ("f", "abc")]),
            range(RangeType::Semver, &[("i", "0"), ("f", "1.4.0")]),
            range(RangeType::Ecosystem, &[("i", "0"), ("f", "1.3.0")]),
        ];
        assert_eq!(fixed_of(Scheme::Semver, "1.0.0", &ranges), Some(Some("1.3.0".into())));
        let git = vec![range(RangeType::Git, &[("i", "0")])];
        assert_eq!(fixed_of(Scheme::Semver, "1.0.0", &git), None);
        let other = vec![range(RangeType::Other("WEIRD".into()), &[("i", "0")])];
        assert_eq!(fixed_of(Scheme::Semver, "1.0.0", &other), None);
    }

    #[test]
    fn versions_list_by_scheme_equality() {
        let versions = vec!["0.7.10p1".to_string(), "1.0".to_string()];
        assert_eq!(evaluate(Scheme::Pep440, "1.0.0", &[], &versions), Some(Hit { fixed: None }));
        assert_eq!(evaluate(Scheme::Pep440, "1.1", &[], &versions), None);
        // A range hit comes first, with its fix.
        let ranges = eco(&[("i", "0"), ("f", "1.0.1")]);
        assert_eq!(evaluate(Scheme::Pep440, "1.0", &ranges, &versions), Some(Hit { fixed: Some("1.0.1".into()) }));
    }

    #[test]
    fn invalid_record_versions_are_listed_once() {
        let ranges = eco(&[("i", "0"), ("f", "2004d"), ("i", "2004d"), ("l", "*"), ("f", "1.0")]);
        let bad = invalid_versions(Scheme::Pep440, &ranges);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].version, "2004d");
    }
}
