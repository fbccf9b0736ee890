//! The JSON-array test of BuildKit's `parseJSON`: the text must be one valid JSON
//! value (Go's `encoding/json` rules), an array, and hold only strings.
//!
//! Hand-written rather than serde_json because every element needs its span, and
//! because "valid JSON but not all strings" (an error) must be told apart from
//! "not JSON" (shell form).

/// A decoded string element: its value and its byte range (quotes included).
pub(crate) type JsonString = (String, usize, usize);

pub(crate) enum JsonArray {
    /// A valid array of strings.
    Strings(Vec<JsonString>),
    /// Valid JSON array with a non-string element at this range.
    NotStrings(usize, usize),
    /// Not a JSON array: the caller falls back to the shell (or word) form.
    Invalid,
}

/// Go's `encoding/json` nesting limit.
const MAX_DEPTH: usize = 10_000;

struct P<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

/// Parses `text` (already trimmed of leading whitespace) as BuildKit does.
pub(crate) fn parse_array(text: &str) -> JsonArray {
    let mut p = P { s: text.as_bytes(), text, i: 0 };
    if p.s.first() != Some(&b'[') {
        return JsonArray::Invalid;
    }
    p.i = 1;
    let mut items = Vec::new();
    let mut bad: Option<(usize, usize)> = None;
    p.ws();
    if p.peek() == Some(b']') {
        p.i += 1;
    } else {
        loop {
            p.ws();
            let start = p.i;
            if p.peek() == Some(b'"') {
                match p.string() {
                    Some(v) => items.push((v, start, p.i)),
                    None => return JsonArray::Invalid,
                }
            } else {
                if !p.skip_value() {
                    return JsonArray::Invalid;
                }
                bad.get_or_insert((start, p.i));
            }
            p.ws();
            match p.peek() {
                Some(b',') => p.i += 1,
                Some(b']') => {
                    p.i += 1;
                    break;
                }
                _ => return JsonArray::Invalid,
            }
        }
    }
    p.ws();
    if p.i != p.s.len() {
        return JsonArray::Invalid;
    }
    match bad {
        Some((a, b)) => JsonArray::NotStrings(a, b),
        None => JsonArray::Strings(items),
    }
}

impl P<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let h = self.s.get(at..at + 4)?;
        let mut v = 0u32;
        for &b in h {
            v = v * 16 + (b as char).to_digit(16)?;
        }
        Some(v)
    }

    /// Reads a string at `self.i` (a `"`), decoding escapes like Go.
    fn string(&mut self) -> Option<String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let rest = &self.s[self.i..];
            // Copy the run up to the next quote, escape or control character.
            let run = rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
            out.push_str(&self.text[self.i..self.i + run]);
            self.i += run;
            match self.s[self.i] {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    let e = *self.s.get(self.i + 1)?;
                    self.i += 2;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let c = self.hex4(self.i)?;
                            self.i += 4;
                            if (0xD800..0xE000).contains(&c) {
                                // A surrogate: valid only as a high+low pair.
                                let low = if (0xD800..0xDC00).contains(&c)
                                    && self.s.get(self.i) == Some(&b'\\')
                                    && self.s.get(self.i + 1) == Some(&b'u')
                                {
                                    self.hex4(self.i + 2).filter(|l| (0xDC00..0xE000).contains(l))
                                } else {
                                    None
                                };
                                match low {
                                    Some(l) => {
                                        self.i += 6;
                                        let cp = 0x10000 + ((c - 0xD800) << 10) + (l - 0xDC00);
                                        out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                                    }
                                    None => out.push('\u{FFFD}'),
                                }
                            } else {
                                out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                            }
                        }
                        _ => return None,
                    }
                }
                _ => return None, // control character
            }
        }
    }

    fn skip_string(&mut self) -> bool {
        self.string().is_some()
    }

    fn skip_number(&mut self) -> bool {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.i += 1;
                }
            }
            _ => return false,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            let d = self.i;
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.i += 1;
            }
            if self.i == d {
                return false;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            let d = self.i;
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.i += 1;
            }
            if self.i == d {
                return false;
            }
        }
        self.i > start
    }

    fn skip_literal(&mut self, lit: &[u8]) -> bool {
        if self.s[self.i..].starts_with(lit) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    /// Skips one JSON value without recursion (explicit stack of open containers).
    fn skip_value(&mut self) -> bool {
        // Each entry: true for an object, false for an array.
        let mut stack: Vec<bool> = Vec::new();
        loop {
            // Expect a value.
            self.ws();
            match self.peek() {
                Some(b'"') => {
                    if !self.skip_string() {
                        return false;
                    }
                }
                Some(b'-' | b'0'..=b'9') => {
                    if !self.skip_number() {
                        return false;
                    }
                }
                Some(b't') => {
                    if !self.skip_literal(b"true") {
                        return false;
                    }
                }
                Some(b'f') => {
                    if !self.skip_literal(b"false") {
                        return false;
                    }
                }
                Some(b'n') => {
                    if !self.skip_literal(b"null") {
                        return false;
                    }
                }
                Some(b'[') => {
                    self.i += 1;
                    self.ws();
                    if self.peek() == Some(b']') {
                        self.i += 1;
                    } else {
                        if stack.len() >= MAX_DEPTH {
                            return false;
                        }
                        stack.push(false);
                        continue;
                    }
                }
                Some(b'{') => {
                    self.i += 1;
                    self.ws();
                    if self.peek() == Some(b'}') {
                        self.i += 1;
                    } else {
                        if stack.len() >= MAX_DEPTH {
                            return false;
                        }
                        stack.push(true);
                        if !self.object_key() {
                            return false;
                        }
                        continue;
                    }
                }
                _ => return false,
            }
            // After a value: close containers or move to the next element.
            loop {
                let Some(&is_obj) = stack.last() else { return true };
                self.ws();
                match self.peek() {
                    Some(b',') => {
                        self.i += 1;
                        if is_obj && !self.object_key() {
                            return false;
                        }
                        break;
                    }
                    Some(b']') if !is_obj => {
                        self.i += 1;
                        stack.pop();
                    }
                    Some(b'}') if is_obj => {
                        self.i += 1;
                        stack.pop();
                    }
                    _ => return false,
                }
            }
        }
    }

    /// Reads `"key" :` inside an object.
    fn object_key(&mut self) -> bool {
        self.ws();
        if self.peek() != Some(b'"') || !self.skip_string() {
            return false;
        }
        self.ws();
        if self.peek() != Some(b':') {
            return false;
        }
        self.i += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &str) -> Option<Vec<String>> {
        match parse_array(s) {
            JsonArray::Strings(v) => Some(v.into_iter().map(|x| x.0).collect()),
            _ => None,
        }
    }

    #[test]
    fn arrays_of_strings() {
        assert_eq!(strings("[]"), Some(vec![]));
        assert_eq!(strings("[ ]"), Some(vec![]));
        assert_eq!(strings("[\"\"]"), Some(vec!["".into()]));
        assert_eq!(strings("[ \"a\" ,\t\"b\" ]  "), Some(vec!["a".into(), "b".into()]));
        assert_eq!(
            strings(r#"["\" \\ \/ \b \f \n \r \t \u0000 \u00e9 \ud83d\ude00 \ud800x"]"#),
            Some(vec!["\" \\ / \u{8} \u{c} \n \r \t \0 é 😀 \u{FFFD}x".into()])
        );
        match parse_array(r#"["ab", "c"]"#) {
            JsonArray::Strings(v) => assert_eq!((v[1].1, v[1].2), (7, 10)),
            _ => panic!(),
        }
    }

    #[test]
    fn not_json() {
        for s in [
            "['a']",
            "[\"a\"",
            "[\"a]",
            "[\"a\",]",
            "[,]",
            "[\"a\"] x",
            "{}",
            "[\"\t\"]",
            "[\"\\x\"]",
            "[01]",
            "[1.]",
            "[tru]",
            "[\"a\" \"b\"]",
            "[\"\\u12\"]",
            "[{\"a\" 1}]",
            "[[1,]]",
            "[{,}]",
        ] {
            assert!(matches!(parse_array(s), JsonArray::Invalid), "{s}");
        }
    }

    #[test]
    fn valid_but_not_strings() {
        for s in ["[1]", "[\"a\", [\"b\"]]", "[null]", "[true, false]", "[{\"a\": [1, {}]}]", "[-1.5e+3]"] {
            assert!(matches!(parse_array(s), JsonArray::NotStrings(..)), "{s}");
        }
        match parse_array(r#"[ "echo", [ "nested json" ] ]"#) {
            JsonArray::NotStrings(a, b) => assert_eq!((a, b), (10, 27)),
            _ => panic!(),
        }
        let deep = format!("[{}{}]", "[".repeat(20_000), "]".repeat(20_000));
        assert!(matches!(parse_array(&deep), JsonArray::Invalid));
        let ok = format!("[{}{}]", "[".repeat(100), "]".repeat(100));
        assert!(matches!(parse_array(&ok), JsonArray::NotStrings(..)));
    }
}
