//! Upstream test vectors for every ordering, taken as facts from the projects' own
//! test suites (dpkg, apk-tools, rpm, packaging, semver.org and node-semver,
//! golang.org/x/mod and the go command, Maven, RubyGems), plus a no-panic sweep.

mod apk;
mod dpkg;
mod golang;
mod maven;
mod no_panic;
mod pep440;
mod rpm;
mod rubygems;
mod semver;

use std::cmp::Ordering;

use dockward_version::{compare, validate, Scheme};

/// Asserts that `chain` is strictly increasing: every adjacent pair, and every pair
/// of the whole chain (transitively), in both directions; and each element equal to
/// itself.
#[track_caller]
pub fn assert_chain(scheme: Scheme, chain: &[&str]) {
    for (i, a) in chain.iter().enumerate() {
        assert_eq!(compare(scheme, a, a), Ok(Ordering::Equal), "{scheme}: {a} == {a}");
        for b in &chain[i + 1..] {
            assert_eq!(compare(scheme, a, b), Ok(Ordering::Less), "{scheme}: expected {a} < {b}");
            assert_eq!(compare(scheme, b, a), Ok(Ordering::Greater), "{scheme}: expected {b} > {a}");
        }
    }
}

/// Asserts that every version of each group equals every other of the group.
#[track_caller]
pub fn assert_equal(scheme: Scheme, groups: &[&[&str]]) {
    for group in groups {
        for a in *group {
            for b in *group {
                assert_eq!(compare(scheme, a, b), Ok(Ordering::Equal), "{scheme}: expected {a} == {b}");
            }
        }
    }
}

/// Asserts relation lines `a < b`, `a > b`, `a = b` (blank lines and `#` comments
/// are skipped). Answers how many relations were checked.
#[track_caller]
pub fn assert_relations(scheme: Scheme, table: &str) -> usize {
    let mut checked = 0;
    for line in table.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [a, op, b] = fields[..] else { panic!("bad relation line {line:?}") };
        let want = match op {
            "<" => Ordering::Less,
            ">" => Ordering::Greater,
            "=" | "==" => Ordering::Equal,
            _ => panic!("bad operator in {line:?}"),
        };
        assert_eq!(compare(scheme, a, b), Ok(want), "{scheme}: expected {line}");
        assert_eq!(compare(scheme, b, a), Ok(want.reverse()), "{scheme}: expected the reverse of {line}");
        checked += 1;
    }
    checked
}

/// Asserts that the scheme refuses each string, naming it in the error.
#[track_caller]
pub fn assert_invalid(scheme: Scheme, versions: &[&str]) {
    for v in versions {
        let err = validate(scheme, v).expect_err(&format!("{scheme}: {v:?} should be invalid"));
        assert_eq!((err.version.as_str(), err.scheme), (*v, scheme));
        assert!(!err.reason.is_empty());
        assert!(compare(scheme, "1", v).is_err() && compare(scheme, v, "1").is_err(), "{scheme}: {v:?}");
    }
}

/// Asserts that the scheme accepts each string.
#[track_caller]
pub fn assert_valid(scheme: Scheme, versions: &[&str]) {
    for v in versions {
        if let Err(e) = validate(scheme, v) {
            panic!("{scheme}: {v:?} should be valid: {e}");
        }
    }
}
