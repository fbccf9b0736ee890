//! Variable expansion and quote removal with BuildKit's `shell/lex.go` semantics.
//!
//! BuildKit runs every argument of ADD, COPY, ENV, EXPOSE, FROM, LABEL, STOPSIGNAL,
//! USER, VOLUME and WORKDIR (and some flags) through this word processor: quotes are
//! removed, the escape character escapes, and `$VAR` / `${VAR...}` are replaced. The
//! parser uses the same code with "keep unset variables as written" to get unquoted,
//! unexpanded values.

use std::borrow::Cow;

/// The result of expanding one word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expanded {
    /// The expanded value, quotes removed.
    pub value: String,
    /// Variables that had no value and no default (`$V`, `${V}`, `${V#x}`, `${V?}`
    /// with `V` unset, or declared without a value), plus the unresolved variables
    /// that the values used were built from. In source order, without duplicates.
    /// When this is not empty, `value` is only what BuildKit would get if none of
    /// them were given a value (for example with `--build-arg`).
    pub unresolved: Vec<String>,
    /// Variables that were found (with a value), in order, without duplicates.
    pub used: Vec<String>,
    /// Syntax errors and `${V?message}` failures. BuildKit would fail the build;
    /// `value` is a best effort.
    pub errors: Vec<String>,
    /// True if any quote was removed.
    pub quoted: bool,
}

impl Expanded {
    /// True if the value does not depend on anything unknown and had no error.
    pub fn is_resolved(&self) -> bool {
        self.unresolved.is_empty() && self.errors.is_empty()
    }
}

/// What a variable lookup found.
pub(crate) enum Found<'a> {
    /// A value, and the unresolved variables it was built from.
    Value(Cow<'a, str>, &'a [String]),
    /// Not set (or declared without a value).
    Unset,
}

/// A variable scope.
pub(crate) trait Env {
    fn get(&self, name: &str) -> Found<'_>;
}

/// An environment with nothing in it.
pub(crate) struct NoEnv;

impl Env for NoEnv {
    fn get(&self, _: &str) -> Found<'_> {
        Found::Unset
    }
}

struct FnEnv<F>(F);

impl<F: Fn(&str) -> Option<String>> Env for FnEnv<F> {
    fn get(&self, name: &str) -> Found<'_> {
        match (self.0)(name) {
            Some(v) => Found::Value(Cow::Owned(v), &[]),
            None => Found::Unset,
        }
    }
}

/// Expands `word` as BuildKit does for ENV, LABEL, COPY, FROM and the like: quote
/// removal, `\` escapes, and every `$VAR` / `${VAR...}` form of `shell/lex.go`.
/// `lookup` returns a variable's value, or `None` if it is unset.
pub fn expand(word: &str, lookup: impl Fn(&str) -> Option<String>) -> Expanded {
    expand_with(word, '\\', lookup)
}

/// [`expand`] with the file's escape character (`\` or `` ` ``).
pub fn expand_with(word: &str, escape: char, lookup: impl Fn(&str) -> Option<String>) -> Expanded {
    expand_env(word, escape, &FnEnv(lookup), false)
}

/// Removes quotes and escapes without expanding anything: unset variables are kept as
/// written (BuildKit's `SkipUnsetEnv`). `"a b"` -> `a b`, `'$X'` -> `$X`,
/// `${X:-"d"}` -> `${X:-d}`.
pub fn unquote(word: &str, escape: char) -> String {
    expand_env(word, escape, &NoEnv, true).value
}

/// True if `word` contains a character that [`unquote`] could change (quote, escape
/// or `$`). When false, the unquoted value is the word itself.
pub(crate) fn needs_unquote(word: &str, escape: char) -> bool {
    let esc = escape as u8;
    word.bytes().any(|b| matches!(b, b'"' | b'\'' | b'$') || b == esc)
}

/// `${` nesting deeper than this is an error: the lexer recurses once per level.
const MAX_DEPTH: u32 = 64;

/// An expansion longer than this is cut (and reported): values that refer to
/// themselves (`ENV A=$A$A`) would otherwise double at every step.
pub(crate) const MAX_VALUE: usize = 64 * 1024;

pub(crate) fn expand_env(word: &str, escape: char, env: &dyn Env, skip_unset: bool) -> Expanded {
    let mut lx = Lexer { src: word, pos: 0, escape, env, skip_unset, depth: 0, out: Expanded::default() };
    let value = lx.process_stop_on(None, false);
    lx.out.value = value;
    lx.out
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    escape: char,
    env: &'a dyn Env,
    skip_unset: bool,
    depth: u32,
    out: Expanded,
}

/// Appends `v` to `result` unless the result would grow past [`MAX_VALUE`].
fn push_capped(result: &mut String, v: &str, errors: &mut Vec<String>) {
    if result.len() + v.len() > MAX_VALUE {
        if !errors.iter().any(|e| e.starts_with("expansion longer than")) {
            errors.push(format!("expansion longer than {MAX_VALUE} bytes, cut"));
        }
        let mut room = MAX_VALUE.saturating_sub(result.len()).min(v.len());
        while !v.is_char_boundary(room) {
            room -= 1;
        }
        result.push_str(&v[..room]);
    } else {
        result.push_str(v);
    }
}

fn push_unique(list: &mut Vec<String>, name: &str) {
    if !list.iter().any(|n| n == name) {
        list.push(name.to_string());
    }
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn error(&mut self, msg: impl Into<String>) {
        self.out.errors.push(msg.into());
    }

    /// Looks `name` up. Returns the value (if set), recording it as used, or as
    /// unresolved when `counts` (the expansion has nothing else to fall back on).
    fn lookup(&mut self, name: &str, counts: bool) -> Option<String> {
        match self.env.get(name) {
            Found::Value(v, tainted) => {
                push_unique(&mut self.out.used, name);
                for t in tainted {
                    push_unique(&mut self.out.unresolved, t);
                }
                Some(v.into_owned())
            }
            Found::Unset => {
                if counts && !self.skip_unset {
                    push_unique(&mut self.out.unresolved, name);
                }
                None
            }
        }
    }

    /// Processes up to `stop` (consumed) or the end. Mirrors `processStopOn`.
    fn process_stop_on(&mut self, stop: Option<char>, raw_escapes: bool) -> String {
        let mut result = String::with_capacity(self.src.len() - self.pos);
        loop {
            // Copy the run of ordinary characters in one go.
            let rest = &self.src.as_bytes()[self.pos..];
            let esc = self.escape as u32;
            let stop_b = stop.map_or(u32::MAX, |c| c as u32);
            let run = rest
                .iter()
                .position(|&b| matches!(b, b'$' | b'\'' | b'"') || b as u32 == esc || b as u32 == stop_b || b >= 0x80)
                .unwrap_or(rest.len());
            if run > 0 {
                result.push_str(&self.src[self.pos..self.pos + run]);
                self.pos += run;
            }
            let Some(ch) = self.peek() else {
                if let Some(stop) = stop {
                    self.error(format!("unexpected end of statement while looking for matching {stop}"));
                }
                return result;
            };
            if Some(ch) == stop {
                self.pos += ch.len_utf8();
                return result;
            }
            match ch {
                '$' => {
                    let v = self.process_dollar();
                    push_capped(&mut result, &v, &mut self.out.errors);
                }
                '\'' => {
                    self.out.quoted = true;
                    self.single_quote(&mut result);
                }
                '"' => {
                    self.out.quoted = true;
                    self.double_quote(&mut result, raw_escapes);
                }
                _ => {
                    self.pos += ch.len_utf8();
                    if ch == self.escape {
                        if raw_escapes {
                            result.push(ch);
                        }
                        match self.next() {
                            Some(c) => result.push(c),
                            None => {
                                // An escape at the very end is dropped.
                                if let Some(stop) = stop {
                                    self.error(format!(
                                        "unexpected end of statement while looking for matching {stop}"
                                    ));
                                }
                                return result;
                            }
                        }
                    } else {
                        result.push(ch);
                    }
                }
            }
        }
    }

    fn single_quote(&mut self, result: &mut String) {
        self.pos += 1;
        let rest = &self.src[self.pos..];
        match memchr::memchr(b'\'', rest.as_bytes()) {
            Some(i) => {
                result.push_str(&rest[..i]);
                self.pos += i + 1;
            }
            None => {
                result.push_str(rest);
                self.pos = self.src.len();
                self.error("unexpected end of statement while looking for matching single-quote");
            }
        }
    }

    fn double_quote(&mut self, result: &mut String, raw_escapes: bool) {
        self.pos += 1;
        loop {
            match self.peek() {
                None => {
                    self.error("unexpected end of statement while looking for matching double-quote");
                    return;
                }
                Some('"') => {
                    self.pos += 1;
                    return;
                }
                Some('$') => {
                    let v = self.process_dollar();
                    push_capped(result, &v, &mut self.out.errors);
                }
                Some(ch) => {
                    self.pos += ch.len_utf8();
                    if ch == self.escape {
                        if raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            // A trailing escape is ignored (the quote is then unterminated).
                            None => continue,
                            Some(c) if c == '"' || c == '$' || c == self.escape => {
                                self.pos += c.len_utf8();
                                result.push(c);
                            }
                            // Other escapes stay as written.
                            Some(_) => {
                                if !raw_escapes {
                                    result.push(ch);
                                }
                            }
                        }
                    } else {
                        result.push(ch);
                    }
                }
            }
        }
    }

    fn process_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && ch.is_numeric() {
                while let Some(d) = self.peek().filter(|c| c.is_numeric()) {
                    self.pos += d.len_utf8();
                    name.push(d);
                }
                return name;
            }
            if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.pos += ch.len_utf8();
                name.push(ch);
                return name;
            }
            if !(ch.is_alphabetic() || ch.is_numeric() || ch == '_') {
                break;
            }
            self.pos += ch.len_utf8();
            name.push(ch);
        }
        name
    }

    fn process_dollar(&mut self) -> String {
        if self.depth >= MAX_DEPTH {
            self.error("substitutions nested too deeply");
            self.pos = self.src.len();
            return String::new();
        }
        self.depth += 1;
        let v = self.process_dollar_inner();
        self.depth -= 1;
        v
    }

    fn process_dollar_inner(&mut self) -> String {
        self.pos += 1; // '$'
        if self.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return "$".into();
            }
            return match self.lookup(&name, true) {
                Some(v) => v,
                None if self.skip_unset => format!("${name}"),
                None => String::new(),
            };
        }
        self.pos += 1; // '{'
        match self.peek() {
            None => {
                self.error("syntax error: missing '}'");
                return String::new();
            }
            Some('{' | '}' | ':') => {
                self.error("syntax error: bad substitution");
                // Skip to the closing brace so the rest of the word still reads.
                self.skip_past('}');
                return String::new();
            }
            _ => {}
        }
        let name = self.process_name();
        let Some(mut ch) = self.next() else {
            self.error("syntax error: missing '}'");
            return String::new();
        };
        let mut modifier = String::from(ch);
        let mut null_is_unset = false;
        match ch {
            '}' => match self.lookup(&name, true) {
                Some(v) => v,
                None if self.skip_unset => format!("${{{name}}}"),
                None => String::new(),
            },
            ':' | '+' | '-' | '?' | '#' | '%' => {
                if ch == ':' {
                    null_is_unset = true;
                    match self.next() {
                        Some(c) => {
                            ch = c;
                            modifier.push(c);
                        }
                        None => {
                            self.error("syntax error: missing '}'");
                            return String::new();
                        }
                    }
                }
                let raw_escapes = ch == '#' || ch == '%';
                let errors_before = self.out.errors.len();
                let word = self.process_stop_on(Some('}'), raw_escapes);
                if self.out.errors.len() > errors_before {
                    return String::new();
                }
                // Whether the operator falls back on something if the variable is unset.
                let counts = matches!(ch, '?' | '#' | '%');
                let value = self.lookup(&name, counts);
                if self.skip_unset && value.is_none() {
                    return format!("${{{name}{modifier}{word}}}");
                }
                match ch {
                    '-' => match value {
                        Some(v) if !(null_is_unset && v.is_empty()) => v,
                        _ => word,
                    },
                    '+' => match value {
                        Some(v) if !(null_is_unset && v.is_empty()) => word,
                        _ => String::new(),
                    },
                    '?' => match value {
                        None => {
                            let msg = if word.is_empty() { "is not allowed to be unset" } else { &word };
                            self.error(format!("{name}: {msg}"));
                            String::new()
                        }
                        Some(v) if null_is_unset && v.is_empty() => {
                            let msg = if word.is_empty() { "is not allowed to be empty" } else { &word };
                            self.error(format!("{name}: {msg}"));
                            String::new()
                        }
                        Some(v) => v,
                    },
                    '#' | '%' => {
                        let value = value.unwrap_or_default();
                        let (greedy, pattern) = match word.strip_prefix(ch) {
                            Some(p) => (true, p),
                            None => (false, word.as_str()),
                        };
                        match parse_pattern(pattern) {
                            Ok(tokens) => {
                                if ch == '#' {
                                    trim_prefix(&tokens, &value, greedy)
                                } else {
                                    trim_suffix(&tokens, &value, greedy)
                                }
                            }
                            Err(e) => {
                                self.error(format!("invalid pattern ({pattern}) in substitution: {e}"));
                                String::new()
                            }
                        }
                    }
                    _ => {
                        self.error(format!("unsupported modifier ({modifier}) in substitution"));
                        String::new()
                    }
                }
            }
            '/' => {
                let replace_all = self.peek() == Some('/');
                if replace_all {
                    self.pos += 1;
                }
                let errors_before = self.out.errors.len();
                let pattern = self.process_stop_on(Some('/'), true);
                if self.out.errors.len() > errors_before {
                    return String::new();
                }
                let replacement = self.process_stop_on(Some('}'), true);
                if self.out.errors.len() > errors_before {
                    return String::new();
                }
                let value = self.lookup(&name, true);
                let Some(value) = value else {
                    if self.skip_unset {
                        let slash = if replace_all { "//" } else { "/" };
                        return format!("${{{name}{slash}{pattern}/{replacement}}}");
                    }
                    return String::new();
                };
                match parse_pattern(&pattern) {
                    Ok(tokens) => replace(&tokens, &value, &replacement, replace_all),
                    Err(e) => {
                        self.error(format!("invalid pattern ({pattern}) in substitution: {e}"));
                        String::new()
                    }
                }
            }
            _ => {
                self.error(format!("unsupported modifier ({modifier}) in substitution"));
                self.skip_past('}');
                String::new()
            }
        }
    }

    fn skip_past(&mut self, c: char) {
        match self.src[self.pos..].find(c) {
            Some(i) => self.pos += i + c.len_utf8(),
            None => self.pos = self.src.len(),
        }
    }
}

/// One element of a shell pattern (`?` is one character, `*` any string; no
/// bracket expressions, like BuildKit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pat {
    Lit(char),
    Any,
    Star,
}

fn parse_pattern(p: &str) -> Result<Vec<Pat>, String> {
    let mut out = Vec::new();
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => out.push(Pat::Star),
            '?' => out.push(Pat::Any),
            '\\' => match chars.peek().copied() {
                // `\}` and `\/` are escapes of the `${}` syntax, not of the pattern.
                Some('}' | '/') => {}
                Some(n @ ('*' | '?' | '\\')) => {
                    chars.next();
                    out.push(Pat::Lit(n));
                }
                Some(n) => return Err(format!("invalid escape '\\{n}'")),
                None => return Err("invalid escape '\\'".into()),
            },
            c => out.push(Pat::Lit(c)),
        }
    }
    Ok(out)
}

/// Work allowed for one pattern operation (characters times pattern elements, summed
/// over the start positions tried). Past it the value is left as it is, so that a
/// pathological pattern cannot make expansion slow.
const PATTERN_BUDGET: usize = 1 << 24;

/// The set of end positions `e` such that `s[start..e]` matches `pat` entirely.
fn match_ends(pat: &[Pat], s: &[char], start: usize) -> Vec<bool> {
    let n = s.len();
    let mut cur = vec![false; n + 1];
    cur[start] = true;
    let mut next = vec![false; n + 1];
    for p in pat {
        next.iter_mut().for_each(|b| *b = false);
        match *p {
            Pat::Star => {
                if let Some(first) = cur.iter().position(|&b| b) {
                    next[first..].iter_mut().for_each(|b| *b = true);
                }
            }
            Pat::Any => {
                for i in 0..n {
                    if cur[i] {
                        next[i + 1] = true;
                    }
                }
            }
            Pat::Lit(c) => {
                for i in 0..n {
                    if cur[i] && s[i] == c {
                        next[i + 1] = true;
                    }
                }
            }
        }
        std::mem::swap(&mut cur, &mut next);
        if !cur.iter().any(|&b| b) {
            break;
        }
    }
    cur
}

fn trim_prefix(pat: &[Pat], value: &str, greedy: bool) -> String {
    if (value.len() + 1).saturating_mul(pat.len() + 1) > PATTERN_BUDGET {
        return value.to_string();
    }
    let chars: Vec<char> = value.chars().collect();
    let ends = match_ends(pat, &chars, 0);
    let end = if greedy { ends.iter().rposition(|&b| b) } else { ends.iter().position(|&b| b) };
    match end {
        Some(e) => chars[e..].iter().collect(),
        None => value.to_string(),
    }
}

fn trim_suffix(pat: &[Pat], value: &str, greedy: bool) -> String {
    if (value.len() + 1).saturating_mul(pat.len() + 1) > PATTERN_BUDGET {
        return value.to_string();
    }
    // Match the reversed pattern against the reversed value from its start.
    let rev_pat: Vec<Pat> = pat.iter().rev().copied().collect();
    let rev: Vec<char> = value.chars().rev().collect();
    let ends = match_ends(&rev_pat, &rev, 0);
    let end = if greedy { ends.iter().rposition(|&b| b) } else { ends.iter().position(|&b| b) };
    match end {
        Some(e) => rev[e..].iter().rev().collect(),
        None => value.to_string(),
    }
}

fn replace(pat: &[Pat], value: &str, replacement: &str, all: bool) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    let cost = (n + 1).saturating_mul(pat.len() + 1);
    let mut budget = PATTERN_BUDGET;
    let mut out = String::new();
    let mut copied = 0; // chars[..copied] are already handled
    let mut pos = 0;
    let mut last_match_end: Option<usize> = None;
    while pos <= n {
        // Leftmost match at or after `pos`, longest at that start (greedy `*`).
        let mut found = None;
        for s0 in pos..=n {
            if budget < cost {
                return value.to_string();
            }
            budget -= cost;
            let ends = match_ends(pat, &chars, s0);
            if let Some(e) = ends.iter().rposition(|&b| b) {
                // An empty match right after the previous match is skipped (Go).
                if e == s0 && last_match_end == Some(s0) {
                    continue;
                }
                found = Some((s0, e));
                break;
            }
        }
        let Some((s0, e)) = found else { break };
        out.extend(&chars[copied..s0]);
        out.push_str(replacement);
        copied = e;
        last_match_end = Some(e);
        if !all {
            break;
        }
        pos = if e > s0 { e } else { e + 1 };
    }
    out.extend(&chars[copied.min(n)..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |n: &str| map.get(n).cloned()
    }

    fn x(word: &str, pairs: &[(&str, &str)]) -> String {
        expand(word, env(pairs)).value
    }

    #[test]
    fn simple_variables() {
        let e = &[("A", "1"), ("EMPTY", ""), ("PATHX", "/usr/local/bin:/usr/bin")];
        assert_eq!(x("$A", e), "1");
        assert_eq!(x("${A}", e), "1");
        assert_eq!(x("a${A}b$A", e), "a1b1");
        assert_eq!(x("$", e), "$");
        assert_eq!(x("$ A", e), "$ A");
        assert_eq!(x("$B", e), "");
        let r = expand("img:${TAG}", env(e));
        assert_eq!(r.value, "img:");
        assert_eq!(r.unresolved, vec!["TAG"]);
        assert!(!r.is_resolved());
    }

    #[test]
    fn default_and_alternative() {
        let e = &[("A", "1"), ("EMPTY", "")];
        assert_eq!(x("${A:-x}", e), "1");
        assert_eq!(x("${B:-x}", e), "x");
        assert_eq!(x("${EMPTY:-x}", e), "x");
        assert_eq!(x("${EMPTY-x}", e), "");
        assert_eq!(x("${B-x}", e), "x");
        assert_eq!(x("${A:+y}", e), "y");
        assert_eq!(x("${EMPTY:+y}", e), "");
        assert_eq!(x("${EMPTY+y}", e), "y");
        assert_eq!(x("${B+y}", e), "");
        assert_eq!(x("${B:-$A}", e), "1");
        assert_eq!(x("${B:-\"a b\"}", e), "a b");
        let r = expand("${TAG:-latest}", env(e));
        assert_eq!(r.value, "latest");
        assert!(r.unresolved.is_empty());
    }

    #[test]
    fn required() {
        let e = &[("A", "1"), ("EMPTY", "")];
        assert_eq!(x("${A:?oops}", e), "1");
        let r = expand("${B:?must set B}", env(e));
        assert_eq!(r.errors, vec!["B: must set B"]);
        assert_eq!(r.unresolved, vec!["B"]);
        let r = expand("${EMPTY:?}", env(e));
        assert_eq!(r.errors, vec!["EMPTY: is not allowed to be empty"]);
        let r = expand("${EMPTY?}", env(e));
        assert!(r.errors.is_empty());
        let r = expand("${B?}", env(e));
        assert_eq!(r.errors, vec!["B: is not allowed to be unset"]);
    }

    #[test]
    fn prefix_suffix_and_replace() {
        let e = &[("P", "linux/arm64/v8"), ("F", "archive.tar.gz"), ("S", "a-b-c")];
        assert_eq!(x("${P#*/}", e), "arm64/v8");
        assert_eq!(x("${P##*/}", e), "v8");
        assert_eq!(x("${P%/*}", e), "linux/arm64");
        assert_eq!(x("${P%%/*}", e), "linux");
        assert_eq!(x("${F%.gz}", e), "archive.tar");
        assert_eq!(x("${F%.*}", e), "archive.tar");
        assert_eq!(x("${F%%.*}", e), "archive");
        assert_eq!(x("${F#nomatch}", e), "archive.tar.gz");
        assert_eq!(x("${F#arc?ive}", e), ".tar.gz");
        assert_eq!(x("${S/-/_}", e), "a_b-c");
        assert_eq!(x("${S//-/_}", e), "a_b_c");
        assert_eq!(x("${S//x/_}", e), "a-b-c");
        assert_eq!(x("${S/b*/X}", e), "a-X");
        assert_eq!(x("${S/\\//X}", e), "a-b-c");
        assert_eq!(x("${NOPE#x}", e), "");
    }

    #[test]
    fn quotes_and_escapes() {
        let e = &[("A", "1")];
        assert_eq!(x("\"a b\"", e), "a b");
        assert_eq!(x("'$A'", e), "$A");
        assert_eq!(x("\"$A\"", e), "1");
        assert_eq!(x("\\$A", e), "$A");
        assert_eq!(x("a\\ b", e), "a b");
        assert_eq!(x("\"a\\\"b\"", e), "a\"b");
        assert_eq!(x("\"a\\nb\"", e), "a\\nb");
        assert_eq!(x("'a\\'", e), "a\\");
        assert_eq!(x("abc\\", e), "abc");
        assert_eq!(expand_with("a`$A b", '`', env(e)).value, "a$A b");
        let r = expand("\"abc", env(e));
        assert_eq!(r.value, "abc");
        assert_eq!(r.errors.len(), 1);
        assert!(expand("'x'", env(e)).quoted);
    }

    #[test]
    fn bad_substitutions_do_not_panic() {
        for w in ["${", "${}", "${:}", "${A", "${A:", "${A:x}", "${A!}", "${A/", "${A/x", "${A#\\q}", "${{x}}"] {
            let r = expand(w, env(&[("A", "abc")]));
            assert!(!r.errors.is_empty(), "{w}");
        }
    }

    #[test]
    fn limits() {
        let deep = "${A:-".repeat(10_000) + &"}".repeat(10_000);
        let r = expand(&deep, env(&[]));
        assert!(!r.errors.is_empty());
        let big = "x".repeat(40_000);
        let r = expand("$B$B$B", env(&[("B", &big)]));
        assert_eq!(r.value.len(), MAX_VALUE);
        assert!(!r.errors.is_empty());
        let long = "ab".repeat(10_000);
        let r = expand("${L//*c/x}", env(&[("L", &long)]));
        assert_eq!(r.value.len(), long.len());
    }

    #[test]
    fn unquote_keeps_variables() {
        assert_eq!(unquote("\"$HOME/x\"", '\\'), "$HOME/x");
        assert_eq!(unquote("${A:-\"d\"}", '\\'), "${A:-d}");
        assert_eq!(unquote("${A}", '\\'), "${A}");
        assert_eq!(unquote("${A//x/y}", '\\'), "${A//x/y}");
        assert_eq!(unquote("value\\ value2", '\\'), "value value2");
        assert_eq!(unquote("'a\\'b''", '\\'), "a\\b");
    }
}
