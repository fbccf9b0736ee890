//! Alpine package versions, ordered as apk-tools orders them (`apk version -t`).
//!
//! The grammar (apk-tools, Gentoo-derived):
//!
//! ```text
//! digits {.digits} [letter] {_suffix[digits]} [~hash] [-r digits]
//! ```
//!
//! - one lower-case `letter` at most, right after a number (`2.3.0b`);
//! - suffixes, any number of them: `_alpha _beta _pre _rc` sort before the release,
//!   `_cvs _svn _git _hg _p` after it, in that order, each with an optional number
//!   (`1.0_rc1`, `3.1_p16`, `0.1.0_alpha_pre2`);
//! - `~hash`: lower-case hexadecimal, compared as a string;
//! - `-rN`: the package revision.
//!
//! Comparison walks both versions token by token. Tokens of the same kind compare by
//! value: numbers numerically, except that a number after a dot with a leading zero
//! (on either side) compares as a string (`1.02 < 1.1`, as Gentoo does); letters,
//! suffix names (by the order above) and hashes as written. At the first token whose
//! *kind* differs, the version whose next token is a pre-release suffix is older;
//! otherwise the version whose next token comes *earlier* in the grammar is newer
//! (it has more version there): `1.0.1 > 1.0a > 1.0_p1 > 1.0~abc > 1.0-r1 > 1.0 > 1.0_rc1`.
//!
//! Anything else is invalid (`1.0bc`, `23_foo`, `1.2-3`, uppercase, an empty string);
//! [`Version::parse`] reports it. apk itself still orders invalid versions by their
//! valid prefix, which [`compare_lenient`] reproduces for data that must be sorted
//! regardless.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::num::{cmp_digits, digits_end};
use crate::{Scheme, VersionError};

/// The kinds of token, in grammar order (the order matters for comparison).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    FirstNumber,
    Number,
    Letter,
    Suffix,
    SuffixNumber,
    Hash,
    Revision,
    End,
    Invalid,
}

/// Suffix names in their order; the first four are pre-releases.
const SUFFIXES: [&str; 9] = ["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"];
const PRE_RELEASE_SUFFIXES: usize = 4;

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: Kind,
    text: &'a [u8],
    /// Where `text` starts; for `Invalid`, where the offending part starts.
    at: usize,
    /// Index into [`SUFFIXES`] for a suffix token.
    suffix: usize,
}

impl Token<'_> {
    fn is_pre_release(&self) -> bool {
        self.kind == Kind::Suffix && self.suffix < PRE_RELEASE_SUFFIXES
    }
}

/// Splits a version into tokens; yields `End` or `Invalid` last, then stops.
struct Tokens<'a> {
    s: &'a [u8],
    pos: usize,
    last: Option<Kind>,
}

impl<'a> Tokens<'a> {
    fn new(s: &'a str) -> Tokens<'a> {
        Tokens { s: s.as_bytes(), pos: 0, last: None }
    }

    /// A run of digits from the current position: `kind`, or `Invalid` when empty.
    fn digits(&mut self, kind: Kind) -> (Kind, usize) {
        let start = self.pos;
        self.pos = digits_end(self.s, start);
        (if self.pos == start { Kind::Invalid } else { kind }, start)
    }

    fn run(&mut self, accept: impl Fn(u8) -> bool) -> usize {
        let start = self.pos;
        while self.pos < self.s.len() && accept(self.s[self.pos]) {
            self.pos += 1;
        }
        start
    }

    fn next_token(&mut self, prev: Option<Kind>) -> Token<'a> {
        let entry = self.pos;
        let mut suffix = 0;
        // Each arm leaves `self.pos` at the end of the token's text and answers the
        // kind and where the text starts.
        let (kind, start) = match prev {
            None => self.digits(Kind::FirstNumber),
            Some(prev) => match self.s.get(self.pos).copied() {
                None => (Kind::End, self.pos),
                Some(b'a'..=b'z') if prev <= Kind::Number => {
                    self.pos += 1;
                    (Kind::Letter, self.pos - 1)
                }
                Some(b'.') if prev <= Kind::Number => {
                    self.pos += 1;
                    self.digits(Kind::Number)
                }
                Some(b'0'..=b'9') if prev == Kind::Suffix => self.digits(Kind::SuffixNumber),
                Some(b'_') if prev <= Kind::SuffixNumber => {
                    self.pos += 1;
                    let start = self.run(|c| c.is_ascii_lowercase());
                    let name = &self.s[start..self.pos];
                    match SUFFIXES.iter().position(|s| s.as_bytes() == name) {
                        Some(index) => {
                            suffix = index;
                            (Kind::Suffix, start)
                        }
                        None => (Kind::Invalid, start),
                    }
                }
                Some(b'~') if prev < Kind::Hash => {
                    self.pos += 1;
                    let start = self.run(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c));
                    (if self.pos == start { Kind::Invalid } else { Kind::Hash }, start)
                }
                Some(b'-') if prev < Kind::Revision && self.s.get(self.pos + 1) == Some(&b'r') => {
                    self.pos += 2;
                    self.digits(Kind::Revision)
                }
                Some(_) => (Kind::Invalid, self.pos),
            },
        };
        let at = if kind == Kind::Invalid { entry } else { start };
        Token { kind, text: &self.s[start..self.pos], at, suffix }
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;
    fn next(&mut self) -> Option<Token<'a>> {
        if matches!(self.last, Some(Kind::End | Kind::Invalid)) {
            return None;
        }
        let token = self.next_token(self.last);
        self.last = Some(token.kind);
        Some(token)
    }
}

fn cmp_same_kind(a: &Token<'_>, b: &Token<'_>) -> Ordering {
    match a.kind {
        Kind::Number if a.text.first() == Some(&b'0') || b.text.first() == Some(&b'0') => a.text.cmp(b.text),
        Kind::FirstNumber | Kind::Number | Kind::SuffixNumber | Kind::Revision => cmp_digits(a.text, b.text),
        Kind::Suffix => a.suffix.cmp(&b.suffix),
        Kind::Letter | Kind::Hash | Kind::End | Kind::Invalid => a.text.cmp(b.text),
    }
}

fn cmp_tokens<'a, 'b>(mut a: impl Iterator<Item = Token<'a>>, mut b: impl Iterator<Item = Token<'b>>) -> Ordering {
    let end = Token { kind: Kind::End, text: &[], at: 0, suffix: 0 };
    loop {
        let ta = a.next().unwrap_or(end);
        let tb = b.next().unwrap_or(end);
        if ta.kind != tb.kind {
            return if ta.is_pre_release() {
                Ordering::Less
            } else if tb.is_pre_release() {
                Ordering::Greater
            } else {
                // The version still in an earlier part of the grammar has more to it.
                tb.kind.cmp(&ta.kind)
            };
        }
        if ta.kind >= Kind::End {
            return Ordering::Equal;
        }
        let by_value = cmp_same_kind(&ta, &tb);
        if by_value != Ordering::Equal {
            return by_value;
        }
    }
}

/// Orders two strings as apk does even when they are not valid versions: tokens
/// compare up to the first invalid one, which counts as a kind after the end, so
/// `1.0_foo < 1.0 < 1.0bc` (the last one diverges at a valid letter).
pub fn compare_lenient(a: &str, b: &str) -> Ordering {
    cmp_tokens(Tokens::new(a), Tokens::new(b))
}

/// A valid apk version.
#[derive(Debug, Clone)]
pub struct Version {
    text: String,
    /// Each token's kind, byte range in `text` and suffix index; `End` excluded.
    tokens: Vec<(Kind, usize, usize, usize)>,
}

impl Version {
    /// Parses and validates an apk version.
    pub fn parse(s: &str) -> Result<Version, VersionError> {
        if s.is_empty() {
            return Err(VersionError::new(Scheme::Apk, s, "version string is empty"));
        }
        let mut tokens = Vec::new();
        for token in Tokens::new(s) {
            match token.kind {
                Kind::End => break,
                Kind::Invalid => return Err(VersionError::new(Scheme::Apk, s, invalid_reason(s, token.at))),
                kind => tokens.push((kind, token.at, token.at + token.text.len(), token.suffix)),
            }
        }
        Ok(Version { text: s.to_owned(), tokens })
    }

    fn tokens(&self) -> impl Iterator<Item = Token<'_>> {
        let bytes = self.text.as_bytes();
        self.tokens.iter().map(move |&(kind, start, end, suffix)| Token {
            kind,
            text: &bytes[start..end],
            at: start,
            suffix,
        })
    }

    /// The version as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The `-rN` revision's digits, if any.
    pub fn revision(&self) -> Option<&str> {
        self.tokens.iter().find(|t| t.0 == Kind::Revision).map(|&(_, start, end, _)| &self.text[start..end])
    }
}

fn invalid_reason(s: &str, at: usize) -> String {
    let rest = s.get(at..).unwrap_or("");
    if at == 0 && !rest.starts_with(|c: char| c.is_ascii_digit()) {
        "a version starts with a digit".to_owned()
    } else if rest.is_empty() {
        "the version ends where a number, suffix name or hash is expected".to_owned()
    } else {
        let shown: String = rest.chars().take(12).collect();
        format!("unexpected {shown:?} (the form is digits{{.digits}}[letter]{{_suffix[N]}}[~hash][-rN])")
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
        cmp_tokens(self.tokens(), other.tokens())
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

/// Compares two version strings with apk's ordering; invalid versions are errors.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(Version::parse(a)?.cmp(&Version::parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Kind> {
        Tokens::new(s).map(|t| t.kind).collect()
    }

    #[test]
    fn tokens_follow_the_grammar() {
        use Kind::*;
        assert_eq!(
            kinds("1.2.3b_rc1_p2~ab12-r3"),
            [FirstNumber, Number, Number, Letter, Suffix, SuffixNumber, Suffix, SuffixNumber, Hash, Revision, End]
        );
        assert_eq!(kinds("1.0bc"), [FirstNumber, Number, Letter, Invalid]);
        assert_eq!(kinds("1a.2"), [FirstNumber, Letter, Invalid]);
        assert_eq!(kinds("1-r"), [FirstNumber, Invalid]);
        assert_eq!(kinds(""), [Invalid]);
        assert_eq!(Version::parse("1.2-r34").unwrap().revision(), Some("34"));
    }
}
