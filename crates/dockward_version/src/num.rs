//! Unbounded non-negative integers written in ASCII digits.
//!
//! Versions carry digit runs of any length (`1.0.0_pre20191002222144`, a hundred
//! nines from a fuzzer), so no comparator here converts them to a machine integer:
//! leading zeros are stripped and the rest compares by length, then lexically.

use std::cmp::Ordering;
use std::fmt;

/// Compares two runs of ASCII digits as integers (leading zeros do not count).
pub(crate) fn cmp_digits(a: &[u8], b: &[u8]) -> Ordering {
    let a = strip_zeros(a);
    let b = strip_zeros(b);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn strip_zeros(digits: &[u8]) -> &[u8] {
    let start = digits.iter().position(|&c| c != b'0').unwrap_or(digits.len());
    &digits[start..]
}

/// Where the run of ASCII digits starting at `from` ends.
pub(crate) fn digits_end(s: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < s.len() && s[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// A non-negative integer of any size, kept as its digits without leading zeros
/// (zero is the empty string), so the derived equality agrees with the order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Num(Box<str>);

impl Num {
    /// `digits` must be ASCII digits (it may be empty: zero).
    pub(crate) fn new(digits: &[u8]) -> Num {
        let kept = strip_zeros(digits);
        // Only ASCII digits reach here, so this never fails; a lossy conversion keeps
        // the function total anyway.
        Num(String::from_utf8_lossy(kept).into())
    }

    pub(crate) fn zero() -> Num {
        Num::default()
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// The digits, `"0"` for zero.
    pub(crate) fn as_str(&self) -> &str {
        if self.0.is_empty() {
            "0"
        } else {
            &self.0
        }
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Num) -> Ordering {
        self.0.len().cmp(&other.0.len()).then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Num) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_compare_as_integers_of_any_length() {
        assert_eq!(cmp_digits(b"007", b"7"), Ordering::Equal);
        assert_eq!(cmp_digits(b"", b"0000"), Ordering::Equal);
        assert_eq!(cmp_digits(b"10", b"9"), Ordering::Greater);
        let nines = "9".repeat(100);
        let big = format!("1{}", "0".repeat(100));
        assert_eq!(cmp_digits(nines.as_bytes(), big.as_bytes()), Ordering::Less);
        assert_eq!(Num::new(b"000").as_str(), "0");
        assert!(Num::new(b"0").is_zero());
        assert_eq!(Num::new(b"0042").to_string(), "42");
        assert!(Num::new(nines.as_bytes()) < Num::new(big.as_bytes()));
    }
}
