//! Scalar typing, the way Compose reads scalars.
//!
//! Compose decodes YAML with go-yaml v3 into untyped values and validates them against
//! its JSON schema afterwards, so what matters is how go-yaml v3 *resolves* an untyped
//! scalar: YAML 1.2 core booleans and nulls, but Go's `strconv.ParseInt(s, 0, 64)` for
//! integers, which still reads a leading zero as octal. These helpers follow that, and
//! the `yaml11_*`/`is_legacy_octal` helpers expose the spellings where YAML readers
//! disagree, for lints.

use crate::{Node, NodeKind, ScalarStyle};

impl Node {
    /// The text of a scalar that a resolver may type as `core` (`bool`, `int`, `null`):
    /// plain and untagged, or explicitly tagged `!!core` whatever its style. Quoted
    /// scalars are strings, and so is anything with another tag.
    fn resolvable(&self, core: &str) -> Option<&str> {
        let NodeKind::Scalar(s) = &self.kind else { return None };
        match &self.tag {
            None if s.style == ScalarStyle::Plain => Some(&s.value),
            Some(tag) if tag.is_core(core) => Some(&s.value),
            _ => None,
        }
    }

    /// A YAML 1.2 core-schema boolean: `true`, `True`, `TRUE`, `false`, `False`,
    /// `FALSE`, plain (or tagged `!!bool`). This is also exactly what go-yaml v3, and so
    /// Compose, reads as a boolean. `"true"` (quoted) is a string and gives `None`.
    pub fn as_bool(&self) -> Option<bool> {
        match self.resolvable("bool")? {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }

    /// The boolean a YAML 1.1 reader (PyYAML, go-yaml v2) would see in a plain scalar
    /// that YAML 1.2 and go-yaml v3 read as a *string*: `y`, `yes`, `on`, `n`, `no`,
    /// `off` in their lower, capitalised and upper-case spellings. `None` for anything
    /// else, including `true`/`false` (see [`Node::as_bool`]).
    ///
    /// Compose keeps `privileged: yes` as the string `"yes"` and then rejects or
    /// misreads it, which is worth a lint.
    pub fn yaml11_bool(&self) -> Option<bool> {
        match self.resolvable("bool")? {
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
            "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
            _ => None,
        }
    }

    /// An integer as go-yaml v3 (Compose) resolves a plain scalar: underscores are
    /// dropped, then an optional sign and Go's base prefixes apply: `0x`/`0X` hex,
    /// `0o`/`0O` octal, `0b`/`0B` binary, and a bare leading `0` is **octal**
    /// (`0755` is 493; see [`Node::is_legacy_octal`]), otherwise decimal. `None` for
    /// anything else, for floats (`1e3`, `08`), and for values outside `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        parse_go_int(self.resolvable("int")?)
    }

    /// Whether this is a plain integer written with a leading zero (`0755`, `-012`):
    /// YAML 1.2 reads it as decimal (755), go-yaml v3 (Compose) and YAML 1.1 readers as
    /// octal (493). File modes and umasks are where this bites.
    pub fn is_legacy_octal(&self) -> bool {
        let Some(text) = self.resolvable("int") else { return false };
        let text = text.replace('_', "");
        let digits = text.strip_prefix(['+', '-']).unwrap_or(&text);
        digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| matches!(b, b'0'..=b'7'))
    }

    /// Whether this is a null: a plain `~`, `null`, `Null`, `NULL` or an absent value
    /// (`key:`), or anything tagged `!!null`. Quoted `""` is an empty string, not null,
    /// and so is an empty value with a custom tag (`command: !reset`): check the tag
    /// first where Compose's `!reset` matters.
    pub fn is_null(&self) -> bool {
        if self.tag.as_ref().is_some_and(|t| t.is_core("null")) {
            return true;
        }
        matches!(self.resolvable("null"), Some("" | "~" | "null" | "Null" | "NULL"))
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)` after go-yaml's underscore removal.
fn parse_go_int(text: &str) -> Option<i64> {
    let owned;
    let text = if text.contains('_') {
        owned = text.replace('_', "");
        owned.as_str()
    } else {
        text
    };
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = |i: usize| unsigned.as_bytes().get(i).map(u8::to_ascii_lowercase);
    let (radix, digits) = match (lower(0), lower(1)) {
        (Some(b'0'), Some(b'x')) => (16, &unsigned[2..]),
        (Some(b'0'), Some(b'o')) => (8, &unsigned[2..]),
        (Some(b'0'), Some(b'b')) => (2, &unsigned[2..]),
        (Some(b'0'), Some(_)) => (8, &unsigned[1..]),
        _ => (10, unsigned),
    };
    // `from_str_radix` would accept a second sign; Go does not.
    if digits.is_empty() || !digits.bytes().all(|b| (b as char).is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::parse_go_int;

    #[test]
    fn go_int_syntax() {
        assert_eq!(parse_go_int("42"), Some(42));
        assert_eq!(parse_go_int("+42"), Some(42));
        assert_eq!(parse_go_int("-42"), Some(-42));
        assert_eq!(parse_go_int("0"), Some(0));
        assert_eq!(parse_go_int("-0"), Some(0));
        assert_eq!(parse_go_int("0755"), Some(0o755));
        assert_eq!(parse_go_int("0o755"), Some(0o755));
        assert_eq!(parse_go_int("0x1F"), Some(31));
        assert_eq!(parse_go_int("0X1f"), Some(31));
        assert_eq!(parse_go_int("0b101"), Some(5));
        assert_eq!(parse_go_int("-0x10"), Some(-16));
        assert_eq!(parse_go_int("1_000"), Some(1000));
        assert_eq!(parse_go_int("9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_go_int("-9223372036854775808"), Some(i64::MIN));
        for bad in ["", "-", "+", "0x", "08", "1e3", "1.0", "--1", "+-1", "0x+1", "abc", "9223372036854775808", "１"] {
            assert_eq!(parse_go_int(bad), None, "{bad:?}");
        }
    }
}
