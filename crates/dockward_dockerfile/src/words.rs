//! Word splitting as BuildKit's line parsers do it. Every function returns byte
//! ranges into its input, so the caller can map them to the source.

use crate::lines::{is_space_byte, is_token_ws};

/// `reWhitespace.Split(s, -1)` (`[\t\v\f\r ]+`) without empty words: the words of
/// FROM, EXPOSE, and COPY/ADD/VOLUME in shell form. Quotes are not special.
pub(crate) fn split_ws(s: &str) -> Vec<(usize, usize)> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && is_token_ws(bytes[i]) {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && !is_token_ws(bytes[i]) {
            i += 1;
        }
        if i > start {
            out.push((start, i));
        }
    }
    out
}

/// Position of the first `[\t\v\f\r ]` byte, and of the first byte after that run.
pub(crate) fn split_first_ws(s: &str) -> Option<(usize, usize)> {
    let bytes = s.as_bytes();
    let sep = bytes.iter().position(|&b| is_token_ws(b))?;
    let mut next = sep;
    while next < bytes.len() && is_token_ws(bytes[next]) {
        next += 1;
    }
    Some((sep, next))
}

/// BuildKit's `parseWords`: whitespace-separated words where quotes group and the
/// escape character escapes the next character. The words keep their quotes and
/// escapes, so each is a slice of `s`, except that an escape at the very end of `s`
/// is dropped.
pub(crate) fn parse_words(s: &str, escape: char) -> Vec<(usize, usize)> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote(char),
    }
    let mut out = Vec::new();
    let mut phase = Phase::Spaces;
    let mut start = 0;
    let mut iter = s.char_indices().peekable();
    while let Some((i, ch)) = iter.next() {
        match phase {
            Phase::Spaces => {
                if ch.is_whitespace() {
                    continue;
                }
                start = i;
                phase = Phase::Word;
                if handle_word_char(ch, i, s, escape, &mut iter, &mut phase, &mut out, start) {
                    return out;
                }
            }
            Phase::Word => {
                if ch.is_whitespace() {
                    out.push((start, i));
                    phase = Phase::Spaces;
                    continue;
                }
                if handle_word_char(ch, i, s, escape, &mut iter, &mut phase, &mut out, start) {
                    return out;
                }
            }
            Phase::Quote(q) => {
                if ch == q {
                    phase = Phase::Word;
                } else if ch == escape && q != '\'' {
                    if i + ch.len_utf8() == s.len() {
                        // The escape at the end is dropped.
                        out.push((start, i));
                        return out;
                    }
                    iter.next();
                }
            }
        }
    }
    if phase != Phase::Spaces && start < s.len() {
        out.push((start, s.len()));
    }
    return out;

    /// Returns true when the word (and the input) ended.
    #[allow(clippy::too_many_arguments)]
    fn handle_word_char(
        ch: char,
        i: usize,
        s: &str,
        escape: char,
        iter: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
        phase: &mut Phase,
        out: &mut Vec<(usize, usize)>,
        start: usize,
    ) -> bool {
        if ch == '\'' || ch == '"' {
            *phase = Phase::Quote(ch);
        } else if ch == escape {
            if i + ch.len_utf8() == s.len() {
                if i > start {
                    out.push((start, i));
                }
                return true;
            }
            iter.next();
        }
        false
    }
}

/// A `--flag[=value]` word read by [`extract_flags`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawFlag {
    /// The word in the input.
    pub start: usize,
    pub end: usize,
    /// The word with quotes and `\` escapes removed: `--name=value`.
    pub word: String,
    /// Input position of the first `=` that ended up in `word` (if any).
    pub eq: Option<usize>,
    /// Runs of `word` copied from the input: `(word_offset, input_offset)`.
    pub pieces: Vec<(u32, u32)>,
}

/// BuildKit's `extractBuilderFlags`: reads `--flag` words from the start of `s` up to
/// the first word that does not start with `--` (or a `--` word, which is dropped).
/// Returns the flags and where the rest starts.
///
/// Like BuildKit, quotes group and `\` escapes (always `\`, whatever the escape
/// directive says).
pub(crate) fn extract_flags(s: &str) -> (Vec<RawFlag>, usize) {
    let bytes = s.as_bytes();
    let mut flags = Vec::new();
    let mut pos = 0;
    loop {
        while pos < bytes.len() && is_space_byte(bytes[pos]) {
            pos += 1;
        }
        if pos >= bytes.len() {
            return (flags, bytes.len());
        }
        if !(bytes[pos] == b'-' && bytes.get(pos + 1) == Some(&b'-')) {
            return (flags, pos);
        }
        let start = pos;
        let mut word = String::with_capacity(32);
        let mut eq = None;
        let mut pieces: Vec<(u32, u32)> = Vec::new();
        let mut quote: Option<u8> = None;
        let mut push = |word: &mut String, at: usize, c: char, pieces: &mut Vec<(u32, u32)>| {
            if c == '=' && eq.is_none() {
                eq = Some(at);
            }
            let w = word.len() as u32;
            let contiguous = pieces.last().is_some_and(|&(pw, pi)| pi + (w - pw) == at as u32);
            if !contiguous {
                pieces.push((w, at as u32));
            }
            word.push(c);
        };
        while pos < bytes.len() {
            let b = bytes[pos];
            match quote {
                None if is_space_byte(b) => break,
                None if b == b'\'' || b == b'"' => {
                    quote = Some(b);
                    pos += 1;
                }
                Some(q) if b == q => {
                    quote = None;
                    pos += 1;
                }
                _ if b == b'\\' => {
                    pos += 1;
                    if pos >= bytes.len() {
                        break;
                    }
                    let c = s[pos..].chars().next().unwrap_or('\\');
                    push(&mut word, pos, c, &mut pieces);
                    pos += c.len_utf8();
                }
                _ => {
                    let c = s[pos..].chars().next().unwrap_or(' ');
                    push(&mut word, pos, c, &mut pieces);
                    pos += c.len_utf8();
                }
            }
        }
        if word == "--" {
            return (flags, pos);
        }
        flags.push(RawFlag { start, end: pos, word, eq, pieces });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words<'a>(s: &'a str, w: &[(usize, usize)]) -> Vec<&'a str> {
        w.iter().map(|&(a, b)| &s[a..b]).collect()
    }

    #[test]
    fn whitespace_split() {
        let s = "a \t b\x0bc";
        assert_eq!(words(s, &split_ws(s)), vec!["a", "b", "c"]);
        assert_eq!(split_ws(""), vec![]);
        assert_eq!(split_first_ws("abc  d"), Some((3, 5)));
    }

    #[test]
    fn buildkit_parse_words() {
        let s = r#"abc="123 456" def 'x y'z a\ b"#;
        assert_eq!(words(s, &parse_words(s, '\\')), vec![r#"abc="123 456""#, "def", "'x y'z", r"a\ b"]);
        let s = "a=b\\";
        assert_eq!(words(s, &parse_words(s, '\\')), vec!["a=b"]);
        let s = "a=\"b\\";
        assert_eq!(words(s, &parse_words(s, '\\')), vec!["a=\"b"]);
        let s = "  \\";
        assert!(parse_words(s, '\\').is_empty());
        let s = "x='a\\'";
        assert_eq!(words(s, &parse_words(s, '\\')), vec!["x='a\\'"]);
        let s = "é=ü  ö";
        assert_eq!(words(s, &parse_words(s, '\\')), vec!["é=ü", "ö"]);
    }

    #[test]
    fn builder_flags() {
        let (f, rest) = extract_flags("--user=me --doit=true foo /tmp/");
        assert_eq!(f.iter().map(|f| f.word.as_str()).collect::<Vec<_>>(), vec!["--user=me", "--doit=true"]);
        assert_eq!(rest, 22);
        let (f, rest) = extract_flags("--doit -- [ ]");
        assert_eq!(f.len(), 1);
        assert_eq!(&"--doit -- [ ]"[rest..], " [ ]");
        let (f, rest) = extract_flags("-- foo");
        assert!(f.is_empty());
        assert_eq!(rest, 2);
        let (f, _) = extract_flags(r#"--mount="type=secret,id=a b" x"#);
        assert_eq!(f[0].word, "--mount=type=secret,id=a b");
        assert_eq!(f[0].eq, Some(7));
        assert_eq!(f[0].pieces, vec![(0, 0), (8, 9)]);
        let (f, rest) = extract_flags("--link");
        assert_eq!(f[0].word, "--link");
        assert_eq!(rest, 6);
        let (f, rest) = extract_flags("-x y");
        assert!(f.is_empty());
        assert_eq!(rest, 0);
    }
}
