//! Maven artifact versions, ordered as Maven 3.9's `ComparableVersion` orders them.
//!
//! The POM reference ("Version Order Specification") and `ComparableVersion`:
//!
//! - The version is lower-cased and split into items at `.`, at `-` and at every
//!   transition between digits and non-digits. An empty item (`1..2`, `1-`) is `0`.
//! - Items are numbers or strings (qualifiers), held in nested lists: `-` and a
//!   digit/letter transition start a new sub-list, `.` continues the current one —
//!   except that a qualifier after a `.` also starts a sub-list (Maven 3.9, MNG-7644:
//!   `2.0.a == 2-a`, `1.0.0.rc1 < 1.0.0-rc2`). `1.0-alpha-1` is `[1, 0, [alpha, [1]]]`.
//! - Each list then drops its trailing "null" items (`0` and empty lists), stopping at
//!   the first other item but looking past a trailing sub-list:
//!   `1.0.0 == 1`, `1.0-0 == 1`, `1.0.0-foo.0.0 == 1-foo`.
//! - Qualifiers order as `alpha < beta < milestone < rc == cr < snapshot <
//!   "" == ga == final == release < sp`, then every other qualifier, alphabetically.
//!   `a`, `b` and `m` directly followed by a digit mean `alpha`, `beta`, `milestone`
//!   (`1a1 == 1-alpha-1`).
//! - Lists compare item by item; a missing item compares as "null": a number against
//!   null is newer unless it is 0, a qualifier against null compares with the release
//!   qualifier `""` (`1-rc < 1 < 1-sp`), a list against null compares each of its items
//!   with null in turn (MNG-6964: `1-0.alpha < 1`). Between kinds:
//!   number > list > qualifier (`1.1 > 1-1 > 1-sp`), with one exception: Maven's
//!   order is not transitive when a qualifier meets a list that sorts at or below
//!   null while the qualifier sorts at or above it (`1-foo < 1-0.alpha < 1 < 1-foo`);
//!   a Rust [`Ord`] must be total, so there both compare as they compare with null
//!   (`1-0.alpha < 1 < 1-foo`). Only a version with zeros right before a qualifier
//!   (`1-0.alpha`, `0a1`) can meet that case.
//!
//! So `1 < 1.1`, `1-snapshot < 1 < 1-sp`, `1.0-alpha-1 < 1.0`, `1.0.0 == 1`,
//! `1-ga == 1`, `2.0.0.Final == 2`. Since Maven 3.9, `ga`, `final` and `release`
//! sort like the release but are not trimmed, so `1.0.final-redhat < 1.0-sp1-redhat`
//! (MNG-7714). The POM reference's own examples say `1-ga-1 == 1-1`; Maven's
//! implementation, followed here, puts `1-ga-1` before `1-1`.
//!
//! Maven accepts any string; only the empty string is refused here. Only ASCII digits
//! count as digits (Java's `Character.isDigit` would also take other scripts' digits).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::num::Num;
use crate::{Scheme, VersionError};

/// A qualifier's place in the order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Qualifier {
    /// An index into alpha, beta, milestone, rc, snapshot, release, sp.
    Known(u8),
    /// Any other qualifier, after the known ones, by its text.
    Other(String),
}

const RELEASE: Qualifier = Qualifier::Known(5);

impl Qualifier {
    fn new(text: &str, followed_by_digit: bool) -> Qualifier {
        let text = match (text, followed_by_digit) {
            ("a", true) => "alpha",
            ("b", true) => "beta",
            ("m", true) => "milestone",
            _ => text,
        };
        match text {
            "alpha" => Qualifier::Known(0),
            "beta" => Qualifier::Known(1),
            "milestone" => Qualifier::Known(2),
            "rc" | "cr" => Qualifier::Known(3),
            "snapshot" => Qualifier::Known(4),
            "" | "ga" | "final" | "release" => RELEASE,
            "sp" => Qualifier::Known(6),
            other => Qualifier::Other(other.to_owned()),
        }
    }
}

impl Ord for Qualifier {
    fn cmp(&self, other: &Qualifier) -> Ordering {
        match (self, other) {
            (Qualifier::Known(a), Qualifier::Known(b)) => a.cmp(b),
            (Qualifier::Known(_), Qualifier::Other(_)) => Ordering::Less,
            (Qualifier::Other(_), Qualifier::Known(_)) => Ordering::Greater,
            // Java compares strings by UTF-16 code units.
            (Qualifier::Other(a), Qualifier::Other(b)) => a.encode_utf16().cmp(b.encode_utf16()),
        }
    }
}

impl PartialOrd for Qualifier {
    fn partial_cmp(&self, other: &Qualifier) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Debug, Clone)]
enum Item {
    Number(Num),
    Qualifier(Qualifier),
}

impl Item {
    fn is_null(&self) -> bool {
        matches!(self, Item::Number(n) if n.is_zero())
    }

    fn cmp_item(&self, other: &Item) -> Ordering {
        match (self, other) {
            (Item::Number(a), Item::Number(b)) => a.cmp(b),
            (Item::Number(_), Item::Qualifier(_)) => Ordering::Greater,
            (Item::Qualifier(_), Item::Number(_)) => Ordering::Less,
            (Item::Qualifier(a), Item::Qualifier(b)) => a.cmp(b),
        }
    }

    /// Compared with a missing item.
    fn cmp_null(&self) -> Ordering {
        match self {
            Item::Number(n) if n.is_zero() => Ordering::Equal,
            Item::Number(_) => Ordering::Greater,
            Item::Qualifier(q) => q.cmp(&RELEASE),
        }
    }

    /// Compared with a sub-list in the same position (`list` is the sub-list's levels).
    ///
    /// Maven puts a number above a list and a qualifier below one. The second rule is
    /// not transitive when the list sorts at or below "nothing" while the qualifier
    /// sorts at or above it: `1-foo < 1-0.alpha < 1 < 1-foo`. A Rust `Ord` must be a
    /// total order (sorting may panic otherwise), so in exactly that case the two
    /// compare the way each compares with "nothing"; everywhere else this is Maven's.
    fn cmp_list(&self, list: &[Vec<Item>]) -> Ordering {
        match self {
            Item::Number(_) => Ordering::Greater,
            Item::Qualifier(_) => {
                let (item, list) = (self.cmp_null(), cmp_levels_null(list));
                if list.is_le() && item.is_ge() {
                    item.cmp(&list)
                } else {
                    Ordering::Less
                }
            }
        }
    }
}

/// A Maven version. Equality is the ordering's (`1 == 1.0 == 1-ga`), which is looser
/// than `ComparableVersion.equals` (that one tells `1-ga` from `1`).
///
/// The nested lists only ever nest at their end (a new sub-list is always the last
/// item of its parent), so they are kept flat: `levels[0]` holds the top list's
/// items, and each following level is the sub-list ending the previous one.
#[derive(Debug, Clone)]
pub struct Version {
    text: String,
    levels: Vec<Vec<Item>>,
}

/// One position of a list: an item, the sub-list that ends it, or past its end.
enum Slot<'a> {
    Item(&'a Item),
    List,
    Missing,
}

fn slot(levels: &[Vec<Item>], index: usize) -> Slot<'_> {
    let items = &levels[0];
    match items.get(index) {
        Some(item) => Slot::Item(item),
        None if index == items.len() && levels.len() > 1 => Slot::List,
        None => Slot::Missing,
    }
}

/// A list (the first level and its descendants) compared with a missing item.
fn cmp_levels_null(levels: &[Vec<Item>]) -> Ordering {
    levels.iter().flatten().map(Item::cmp_null).find(|o| o.is_ne()).unwrap_or(Ordering::Equal)
}

fn cmp_levels(mut a: &[Vec<Item>], mut b: &[Vec<Item>]) -> Ordering {
    'lists: loop {
        let len = |l: &[Vec<Item>]| l[0].len() + usize::from(l.len() > 1);
        for index in 0..len(a).max(len(b)) {
            let order = match (slot(a, index), slot(b, index)) {
                (Slot::Item(x), Slot::Item(y)) => x.cmp_item(y),
                (Slot::Item(x), Slot::List) => x.cmp_list(&b[1..]),
                (Slot::List, Slot::Item(y)) => y.cmp_list(&a[1..]).reverse(),
                (Slot::Item(x), Slot::Missing) => x.cmp_null(),
                (Slot::Missing, Slot::Item(y)) => y.cmp_null().reverse(),
                (Slot::List, Slot::Missing) => cmp_levels_null(&a[1..]),
                (Slot::Missing, Slot::List) => cmp_levels_null(&b[1..]).reverse(),
                (Slot::List, Slot::List) => {
                    // Both sub-lists end their lists: compare them and be done.
                    a = &a[1..];
                    b = &b[1..];
                    continue 'lists;
                }
                (Slot::Missing, Slot::Missing) => Ordering::Equal,
            };
            if order.is_ne() {
                return order;
            }
        }
        return Ordering::Equal;
    }
}

struct Builder {
    levels: Vec<Vec<Item>>,
}

impl Builder {
    fn current(&mut self) -> &mut Vec<Item> {
        // `levels` starts with one level and never shrinks while building.
        let last = self.levels.len() - 1;
        &mut self.levels[last]
    }

    fn open_list(&mut self) {
        self.levels.push(Vec::new());
    }

    fn push(&mut self, token: &str, digits: bool, followed_by_digit: bool) {
        if token.is_empty() {
            self.current().push(Item::Number(Num::zero()));
        } else if digits {
            self.current().push(Item::Number(Num::new(token.as_bytes())));
        } else {
            // A qualifier never continues a list after a dot (MNG-7644).
            if !self.current().is_empty() {
                self.open_list();
            }
            self.current().push(Item::Qualifier(Qualifier::new(token, followed_by_digit)));
        }
    }

    fn finish(mut self) -> Vec<Vec<Item>> {
        for depth in (0..self.levels.len()).rev() {
            let items = &mut self.levels[depth];
            while items.last().is_some_and(Item::is_null) {
                items.pop();
            }
            if depth > 0 && depth == self.levels.len() - 1 && self.levels[depth].is_empty() {
                self.levels.pop();
            }
        }
        self.levels
    }
}

impl Version {
    /// Parses a Maven version (any non-empty string).
    pub fn parse(input: &str) -> Result<Version, VersionError> {
        if input.is_empty() {
            return Err(VersionError::new(Scheme::Maven, input, "version string is empty"));
        }
        let s = input.to_lowercase();
        let mut b = Builder { levels: vec![Vec::new()] };
        let mut start = 0;
        let mut digits = false;
        for (i, c) in s.char_indices() {
            match c {
                '.' | '-' => {
                    b.push(&s[start..i], digits, false);
                    start = i + 1;
                    if c == '-' {
                        b.open_list();
                    }
                }
                '0'..='9' => {
                    if !digits && i > start {
                        b.push(&s[start..i], false, true);
                        b.open_list();
                        start = i;
                    }
                    digits = true;
                }
                _ => {
                    if digits && i > start {
                        b.push(&s[start..i], true, false);
                        b.open_list();
                        start = i;
                    }
                    digits = false;
                }
            }
        }
        if start < s.len() {
            b.push(&s[start..], digits, false);
        }
        Ok(Version { text: input.to_owned(), levels: b.finish() })
    }

    /// The version as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True when the version sorts before its release: its first qualifier that is
    /// not a release alias (or `sp`) is `alpha`, `beta`, `milestone`, `rc` or
    /// `snapshot`.
    pub fn is_prerelease(&self) -> bool {
        self.levels.iter().flatten().find_map(|item| match item {
            Item::Qualifier(Qualifier::Known(k)) if *k == 5 => None,
            Item::Qualifier(Qualifier::Known(k)) => Some(*k < 5),
            _ => None,
        }) == Some(true)
    }
}

impl FromStr for Version {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Version, VersionError> {
        Version::parse(s)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        cmp_levels(&self.levels, &other.levels)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Version) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

/// Compares two Maven version strings.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(Version::parse(a)?.cmp(&Version::parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lists as Maven's canonical string would show them.
    fn shape(s: &str) -> String {
        let v = Version::parse(s).unwrap();
        let mut out = String::new();
        for (depth, items) in v.levels.iter().enumerate() {
            if depth > 0 {
                out.push('[');
            }
            let shown: Vec<String> = items
                .iter()
                .map(|item| match item {
                    Item::Number(n) => n.to_string(),
                    Item::Qualifier(Qualifier::Known(k)) => {
                        ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"][usize::from(*k)].to_owned()
                    }
                    Item::Qualifier(Qualifier::Other(o)) => o.clone(),
                })
                .collect();
            out.push_str(&shown.join(","));
            if depth + 1 < v.levels.len() && !items.is_empty() {
                out.push(',');
            }
        }
        out.push_str(&"]".repeat(v.levels.len() - 1));
        out
    }

    #[test]
    fn items_nest_and_trim_as_maven_does() {
        assert_eq!(shape("1.0-alpha-1"), "1,[alpha,[1]]");
        assert_eq!(shape("1.0.0"), "1");
        assert_eq!(shape("1a1"), "1,[alpha,[1]]");
        assert_eq!(shape("2.0.a"), "2,[a]");
        assert_eq!(shape("1-0.alpha"), "1,[[alpha]]");
        assert_eq!(shape("1.0.final-redhat"), "1,[,[redhat]]");
        assert_eq!(shape("6.1H.5-beta"), "6,1,[h,5,[beta]]");
        assert_eq!(shape("1..2"), "1,0,2");
        assert_eq!(shape("0"), "");
        assert!(Version::parse("1.0-RC1").unwrap().is_prerelease());
        assert!(!Version::parse("1.0.Final").unwrap().is_prerelease());
        assert!(!Version::parse("1.0-sp1").unwrap().is_prerelease());
    }
}
