//! A strict JSON reader with byte ranges, for `daemon.json`.
//!
//! Why a small hand parser rather than serde_json or jsonc-parser: dockward must report
//! what dockerd's Go `encoding/json` would reject (comments, trailing commas, a BOM)
//! *as findings at their position* and still read the rest of the file, keep every
//! duplicate key (Go silently keeps the last one), and give each key and value an
//! exact range for findings and formatting-preserving fixes. serde_json stops at the
//! first error and merges duplicates; jsonc-parser accepts the extensions but its
//! strict mode stops at them too. This reader is RFC 8259 plus recovery for exactly
//! those three extensions; anything else is a syntax error with a position. Nesting
//! is capped so hostile input cannot overflow the stack.

use dockward_source::{TextRange, TextSize};

/// Nesting deeper than this is reported, not recursed into.
pub const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub struct JsonValue {
    pub kind: JsonKind,
    pub range: TextRange,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JsonKind {
    Null,
    Bool(bool),
    /// As written.
    Number(String),
    String(String),
    Array(Vec<JsonValue>),
    Object(Vec<JsonMember>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct JsonMember {
    pub key: String,
    pub key_range: TextRange,
    pub value: JsonValue,
}

/// Something dockerd's JSON decoder rejects, or a BOM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonIssueKind {
    /// `//` or `/* */` comment.
    Comment,
    /// A comma before `}` or `]`.
    TrailingComma,
    /// A UTF-8 byte-order mark at the start (dockerd before 25.0 rejects it).
    ByteOrderMark,
    /// Anything else that is not JSON: the value is not read past it.
    Syntax,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonIssue {
    pub kind: JsonIssueKind,
    pub range: TextRange,
    pub message: String,
}

/// The parsed document: the top-level value (if one could be read) and the issues.
#[derive(Debug, Clone, Default)]
pub struct JsonDocument {
    pub value: Option<JsonValue>,
    pub issues: Vec<JsonIssue>,
}

impl JsonDocument {
    /// True when there is a hard syntax error (the value may be partial).
    pub fn has_syntax_error(&self) -> bool {
        self.issues.iter().any(|i| i.kind == JsonIssueKind::Syntax)
    }
}

pub fn parse(text: &str) -> JsonDocument {
    let mut p = Parser { text, bytes: text.as_bytes(), pos: 0, issues: Vec::new() };
    if text.starts_with('\u{feff}') {
        p.issue(JsonIssueKind::ByteOrderMark, 0, 3, "the file starts with a UTF-8 byte-order mark");
        p.pos = 3;
    }
    p.skip_trivia();
    if p.pos >= p.bytes.len() {
        let at = p.pos;
        p.issue(JsonIssueKind::Syntax, at, at, "empty file: expected a JSON object");
        return JsonDocument { value: None, issues: p.issues };
    }
    let value = p.value(0);
    if value.is_some() {
        p.skip_trivia();
        if p.pos < p.bytes.len() {
            let at = p.pos;
            p.issue(JsonIssueKind::Syntax, at, at + p.char_len(at), "unexpected text after the JSON value");
        }
    }
    JsonDocument { value, issues: p.issues }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    issues: Vec<JsonIssue>,
}

fn range(start: usize, end: usize) -> TextRange {
    TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32))
}

impl Parser<'_> {
    fn issue(&mut self, kind: JsonIssueKind, start: usize, end: usize, message: impl Into<String>) {
        self.issues.push(JsonIssue { kind, range: range(start, end), message: message.into() });
    }

    fn char_len(&self, at: usize) -> usize {
        self.text[at..].chars().next().map_or(0, char::len_utf8)
    }

    fn syntax(&mut self, message: &str) -> Option<JsonValue> {
        let at = self.pos.min(self.bytes.len());
        let found = match self.text[at..].chars().next() {
            Some(c) => format!("{message}, found `{}`", c.escape_debug()),
            None => format!("{message}, found the end of the file"),
        };
        let end = at + self.char_len(at);
        self.issue(JsonIssueKind::Syntax, at, end, found);
        None
    }

    /// Skips whitespace and comments (each comment is an issue).
    fn skip_trivia(&mut self) {
        loop {
            while self.pos < self.bytes.len() && matches!(self.bytes[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            }
            if self.bytes[self.pos..].starts_with(b"//") {
                let start = self.pos;
                let end = memchr::memchr(b'\n', &self.bytes[start..]).map_or(self.bytes.len(), |i| start + i);
                self.issue(JsonIssueKind::Comment, start, end, "JSON has no comments");
                self.pos = end;
            } else if self.bytes[self.pos..].starts_with(b"/*") {
                let start = self.pos;
                match memchr::memmem::find(&self.bytes[start + 2..], b"*/") {
                    Some(i) => {
                        self.pos = start + 2 + i + 2;
                        self.issue(JsonIssueKind::Comment, start, self.pos, "JSON has no comments");
                    }
                    None => {
                        self.pos = self.bytes.len();
                        self.issue(JsonIssueKind::Syntax, start, start + 2, "unterminated `/*` comment");
                    }
                }
            } else {
                return;
            }
        }
    }

    fn value(&mut self, depth: usize) -> Option<JsonValue> {
        if depth >= MAX_DEPTH {
            return self.syntax(&format!("nesting deeper than {MAX_DEPTH} levels"));
        }
        let start = self.pos;
        match self.bytes.get(self.pos) {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let s = self.string()?;
                Some(JsonValue { kind: JsonKind::String(s), range: range(start, self.pos) })
            }
            Some(b't') if self.bytes[start..].starts_with(b"true") => self.word(4, JsonKind::Bool(true)),
            Some(b'f') if self.bytes[start..].starts_with(b"false") => self.word(5, JsonKind::Bool(false)),
            Some(b'n') if self.bytes[start..].starts_with(b"null") => self.word(4, JsonKind::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => self.syntax("expected a JSON value"),
        }
    }

    fn word(&mut self, len: usize, kind: JsonKind) -> Option<JsonValue> {
        let start = self.pos;
        self.pos += len;
        if self.bytes.get(self.pos).is_some_and(|b| b.is_ascii_alphanumeric()) {
            self.pos = start;
            return self.syntax("expected a JSON value");
        }
        Some(JsonValue { kind, range: range(start, self.pos) })
    }

    fn number(&mut self) -> Option<JsonValue> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = start;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        let digits = |i: &mut usize| {
            let s = *i;
            while *i < b.len() && b[*i].is_ascii_digit() {
                *i += 1;
            }
            *i - s
        };
        let int_start = i;
        let n = digits(&mut i);
        if n == 0 || (n > 1 && b[int_start] == b'0') {
            self.pos = int_start;
            return self.syntax("invalid number");
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if digits(&mut i) == 0 {
                self.pos = i;
                return self.syntax("expected digits after `.`");
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if digits(&mut i) == 0 {
                self.pos = i;
                return self.syntax("expected digits in the exponent");
            }
        }
        self.pos = i;
        Some(JsonValue { kind: JsonKind::Number(self.text[start..i].to_string()), range: range(start, i) })
    }

    /// Reads a string at `"`; leaves `pos` after the closing quote.
    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = &self.bytes[self.pos..];
            let Some(i) = rest.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20) else {
                self.issue(JsonIssueKind::Syntax, start, start + 1, "unterminated string");
                self.pos = self.bytes.len();
                return None;
            };
            out.push_str(&self.text[self.pos..self.pos + i]);
            self.pos += i;
            match self.bytes[self.pos] {
                b'"' => {
                    self.pos += 1;
                    return Some(out);
                }
                b'\\' => {
                    let esc = self.pos;
                    let c = self.bytes.get(self.pos + 1).copied();
                    self.pos += 2;
                    match c {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            let hex =
                                self.text.get(self.pos..self.pos + 4).and_then(|h| u32::from_str_radix(h, 16).ok());
                            let Some(code) = hex else {
                                self.pos = esc;
                                {
                                    self.syntax("invalid `\\u` escape");
                                    return None;
                                }
                            };
                            self.pos += 4;
                            // Surrogates stand for themselves only in pairs; Go replaces a
                            // lone one with U+FFFD, so do the same.
                            let ch = if (0xD800..0xDC00).contains(&code) && self.bytes[self.pos..].starts_with(b"\\u") {
                                let low = self
                                    .text
                                    .get(self.pos + 2..self.pos + 6)
                                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                                    .filter(|l| (0xDC00..0xE000).contains(l));
                                match low {
                                    Some(low) => {
                                        self.pos += 6;
                                        char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                                    }
                                    None => None,
                                }
                            } else {
                                char::from_u32(code)
                            };
                            out.push(ch.unwrap_or('\u{fffd}'));
                        }
                        _ => {
                            self.pos = esc;
                            {
                                self.syntax("invalid escape in a string");
                                return None;
                            }
                        }
                    }
                }
                _ => {
                    self.syntax("control character in a string (escape it)");
                    return None;
                }
            }
        }
    }

    fn object(&mut self, depth: usize) -> Option<JsonValue> {
        let start = self.pos;
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_trivia();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Some(JsonValue { kind: JsonKind::Object(members), range: range(start, self.pos) });
        }
        loop {
            self.skip_trivia();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return self.syntax("expected a quoted key");
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_range = range(key_start, self.pos);
            self.skip_trivia();
            if self.bytes.get(self.pos) != Some(&b':') {
                return self.syntax("expected `:` after the key");
            }
            self.pos += 1;
            self.skip_trivia();
            let value = self.value(depth + 1)?;
            members.push(JsonMember { key, key_range, value });
            self.skip_trivia();
            if self.separator_or_close(b'}')? {
                break;
            }
        }
        Some(JsonValue { kind: JsonKind::Object(members), range: range(start, self.pos) })
    }

    /// After an object member or array item: a `,` (reporting a trailing one before
    /// `close`) or `close` itself. `Some(true)` when the container is closed.
    fn separator_or_close(&mut self, close: u8) -> Option<bool> {
        let close_char = close as char;
        match self.bytes.get(self.pos) {
            Some(b',') => {
                let comma = self.pos;
                self.pos += 1;
                self.skip_trivia();
                if self.bytes.get(self.pos) == Some(&close) {
                    let message = format!("trailing comma before `{close_char}`");
                    self.issue(JsonIssueKind::TrailingComma, comma, comma + 1, message);
                    self.pos += 1;
                    return Some(true);
                }
                Some(false)
            }
            Some(&b) if b == close => {
                self.pos += 1;
                Some(true)
            }
            _ => {
                self.syntax(&format!("expected `,` or `{close_char}`"));
                None
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<JsonValue> {
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_trivia();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Some(JsonValue { kind: JsonKind::Array(items), range: range(start, self.pos) });
        }
        loop {
            self.skip_trivia();
            items.push(self.value(depth + 1)?);
            self.skip_trivia();
            if self.separator_or_close(b']')? {
                break;
            }
        }
        Some(JsonValue { kind: JsonKind::Array(items), range: range(start, self.pos) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<JsonIssueKind> {
        parse(text).issues.iter().map(|i| i.kind).collect()
    }

    #[test]
    fn reads_objects_with_ranges_and_duplicates() {
        let t = r#"{"icc": false, "icc": true, "hosts": ["unix://", "tcp://0.0.0.0:2375"], "n": -1.5e3}"#;
        let doc = parse(t);
        assert!(doc.issues.is_empty(), "{:?}", doc.issues);
        let JsonKind::Object(m) = doc.value.unwrap().kind else { panic!("object") };
        assert_eq!(m.len(), 4);
        assert_eq!(&t[m[0].key_range], "\"icc\"");
        assert_eq!(&t[m[1].value.range], "true");
        assert_eq!(&t[m[3].value.range], "-1.5e3");
        let JsonKind::Array(items) = &m[2].value.kind else { panic!("array") };
        assert_eq!(&t[items[1].range], "\"tcp://0.0.0.0:2375\"");
    }

    #[test]
    fn comments_trailing_commas_and_bom_are_issues_not_failures() {
        let t = "\u{feff}{\n  // c\n  \"a\": [1,],\n  /* b */ \"b\": 2,\n}";
        let doc = parse(t);
        assert_eq!(
            kinds(t),
            [
                JsonIssueKind::ByteOrderMark,
                JsonIssueKind::Comment,
                JsonIssueKind::TrailingComma,
                JsonIssueKind::Comment,
                JsonIssueKind::TrailingComma
            ]
        );
        let JsonKind::Object(m) = doc.value.unwrap().kind else { panic!("object") };
        assert_eq!(m.len(), 2);
        assert_eq!(&t[doc.issues[1].range], "// c");
    }

    #[test]
    fn syntax_errors_have_positions() {
        for (t, at) in [
            ("{\"a\" 1}", 5),
            ("{\"a\": tru}", 6),
            ("{\"a\": 01}", 6),
            ("{\"a\": \"x}", 6),
            ("{} x", 3),
            ("", 0),
            ("{\"a\": 1", 7),
            ("{'a': 1}", 1),
            ("{\"a\": \"\\q\"}", 7),
        ] {
            let doc = parse(t);
            let e = doc.issues.iter().find(|i| i.kind == JsonIssueKind::Syntax).unwrap_or_else(|| panic!("{t}"));
            assert_eq!(u32::from(e.range.start()), at, "{t}: {e:?}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let t = "[".repeat(100_000);
        let doc = parse(&t);
        assert!(doc.issues.iter().any(|i| i.message.contains("nesting")));
    }

    #[test]
    fn escapes_decode() {
        let doc = parse(r#""a\"b\u00e9\ud83d\ude00\n""#);
        assert_eq!(doc.value.unwrap().kind, JsonKind::String("a\"b\u{e9}\u{1f600}\n".into()));
    }
}
