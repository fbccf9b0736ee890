//! `.env` files, with compose-go's dotenv syntax: `KEY=value`, `export KEY=value`,
//! `KEY: value`, comments, single quotes (literal), double quotes (escapes, may span
//! lines), unquoted values (trimmed, ` #` starts a comment), `KEY` alone (inherited
//! from the environment when set), and `${VAR}` interpolation in unquoted and
//! double-quoted values.

use dockward_source::{TextRange, TextSize};

use crate::interpolate::{interpolate_lenient as interpolate, InterpolationError};

/// One `KEY=value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvEntry {
    pub name: String,
    pub value: String,
    /// The `KEY` token.
    pub key: TextRange,
    /// From the key to the end of the value.
    pub range: TextRange,
}

/// A line that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvError {
    pub range: TextRange,
    pub message: String,
}

fn range(a: usize, b: usize) -> TextRange {
    TextRange::new(TextSize::from(a as u32), TextSize::from(b as u32))
}

/// Parses `text`; `lookup` resolves `${VAR}` in values and inherited `KEY` lines
/// (earlier entries of the same file are looked up first).
pub fn parse(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<Vec<DotenvEntry>, DotenvError> {
    let bytes = text.as_bytes();
    let mut entries: Vec<DotenvEntry> = Vec::new();
    let mut i = if text.starts_with('\u{feff}') { 3 } else { 0 };
    while i < bytes.len() {
        // Skip blank space and comment lines.
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        if bytes[i] == b'#' {
            i = line_end(bytes, i);
            continue;
        }
        let mut start = i;
        if text[i..].starts_with("export ") || text[i..].starts_with("export\t") {
            i += 7;
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
                i += 1;
            }
            start = i;
        }
        while i < bytes.len() && !matches!(bytes[i], b'=' | b':' | b'\n' | b'\r' | b' ' | b'\t' | b'#') {
            i += 1;
        }
        let name = &text[start..i];
        let key = range(start, i);
        if name.is_empty() {
            return Err(DotenvError {
                range: range(start, line_end(bytes, start)),
                message: "expected `KEY=value`".into(),
            });
        }
        if let Some(bad) = name.chars().find(|c| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '[' | ']'))) {
            return Err(DotenvError { range: key, message: format!("invalid character `{bad}` in variable name") });
        }
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
            i += 1;
        }
        if i >= bytes.len() || matches!(bytes[i], b'\n' | b'\r' | b'#') {
            // `KEY` alone: inherited from the environment, if set.
            let lookup_earlier = |n: &str| entries.iter().rev().find(|e| e.name == n).map(|e| e.value.clone());
            if let Some(v) = lookup_earlier(name).or_else(|| lookup(name)) {
                entries.push(DotenvEntry { name: name.to_string(), value: v, key, range: key });
            }
            i = line_end(bytes, i);
            continue;
        }
        if !matches!(bytes[i], b'=' | b':') {
            return Err(DotenvError {
                range: range(start, line_end(bytes, start)),
                message: format!("expected `=` after `{name}`"),
            });
        }
        i += 1;
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
            i += 1;
        }
        let lookup_all = |n: &str| -> Option<String> {
            entries.iter().rev().find(|e| e.name == n).map(|e| e.value.clone()).or_else(|| lookup(n))
        };
        let (value, end) = match bytes.get(i) {
            Some(b'\'') => {
                let close = text[i + 1..].find('\'').ok_or_else(|| DotenvError {
                    range: range(i, line_end(bytes, i)),
                    message: "unterminated single-quoted value".into(),
                })?;
                (text[i + 1..i + 1 + close].to_string(), i + close + 2)
            }
            Some(b'"') => {
                let mut out = String::new();
                let mut j = i + 1;
                let mut closed = false;
                while j < bytes.len() {
                    match bytes[j] {
                        b'\\' if j + 1 < bytes.len() => {
                            let c = bytes[j + 1];
                            match c {
                                b'n' => out.push('\n'),
                                b'r' => out.push('\r'),
                                b't' => out.push('\t'),
                                b'"' | b'\\' | b'\'' => out.push(c as char),
                                b'$' => out.push_str("$$"),
                                _ => {
                                    out.push('\\');
                                    out.push(c as char);
                                }
                            }
                            j += 2;
                        }
                        b'"' => {
                            closed = true;
                            j += 1;
                            break;
                        }
                        _ => {
                            let ch = text[j..].chars().next().unwrap_or('\u{fffd}');
                            out.push(ch);
                            j += ch.len_utf8().max(1);
                        }
                    }
                }
                if !closed {
                    return Err(DotenvError {
                        range: range(i, line_end(bytes, i)),
                        message: "unterminated double-quoted value".into(),
                    });
                }
                let v = interpolate(&out, &|n| lookup_all(n)).map(|r| r.text).map_err(|e| to_error(e, i))?;
                (v, j)
            }
            _ => {
                let le = line_end(bytes, i);
                let mut raw = &text[i..le];
                if let Some(p) = raw.find(" #").or_else(|| raw.find("\t#")) {
                    raw = &raw[..p];
                }
                let raw = raw.trim_end();
                let v = interpolate(raw, &|n| lookup_all(n)).map(|r| r.text).map_err(|e| to_error(e, i))?;
                (v, i + raw.len())
            }
        };
        entries.push(DotenvEntry { name: name.to_string(), value, key, range: range(start, end) });
        i = line_end(bytes, end.min(bytes.len()));
    }
    Ok(entries)
}

fn to_error(e: InterpolationError, value_start: usize) -> DotenvError {
    let at = value_start + e.offset;
    DotenvError { range: range(at, at + e.len.max(1)), message: e.message }
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from.min(bytes.len())..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, String)> {
        let env = |n: &str| (n == "HOME").then(|| "/home/me".to_string());
        parse(text, &env).unwrap().into_iter().map(|e| (e.name, e.value)).collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn plain_quoted_exported_and_commented() {
        let text =
            "\u{feff}# comment\nA=1\nexport B = two words # trailing\nC='lit $HOME'\nD=\"x\\ny $HOME\"\nE: colon\n";
        assert_eq!(
            values(text),
            pairs(&[("A", "1"), ("B", "two words"), ("C", "lit $HOME"), ("D", "x\ny /home/me"), ("E", "colon")])
        );
    }

    #[test]
    fn multi_line_double_quotes_and_references() {
        let text = "A=base\nB=\"line1\nline2\"\nC=${A}-x\nD=${MISSING:-dflt}\nHOME\nUNSET\n";
        assert_eq!(
            values(text),
            pairs(&[("A", "base"), ("B", "line1\nline2"), ("C", "base-x"), ("D", "dflt"), ("HOME", "/home/me")])
        );
    }

    #[test]
    fn key_ranges_and_errors() {
        let text = "FOO=bar\n  BAZ=1\n";
        let e = parse(text, &|_| None).unwrap();
        assert_eq!(&text[e[1].key], "BAZ");
        let err = parse("A=\"open\n", &|_| None).unwrap_err();
        assert!(err.message.contains("unterminated"));
        let err = parse("A B=1\n", &|_| None).unwrap_err();
        assert!(err.message.contains("expected `=`"));
        let err = parse("=x\n", &|_| None).unwrap_err();
        assert_eq!(err.range.start(), TextSize::from(0));
    }

    #[test]
    fn corpus_fixtures_parse() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/compose-go/dotenv/fixtures");
        let Ok(entries) = std::fs::read_dir(dir) else { panic!("corpus missing: {dir}") };
        let mut ok = 0;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(e.path()).unwrap();
            let result = parse(&text, &|_| None);
            if name.starts_with("invalid") {
                assert!(result.is_err(), "{name} should fail");
            } else if name.ends_with(".env") {
                assert!(result.is_ok(), "{name}: {:?}", result.err());
                ok += 1;
            }
        }
        assert!(ok >= 10, "only {ok} fixtures parsed");
        let text = std::fs::read_to_string(format!("{dir}/quoted.env")).unwrap();
        let v = parse(&text, &|_| None).unwrap();
        assert!(v.iter().any(|e| e.name == "OPTION_A" && e.value == "1"));
    }
}
