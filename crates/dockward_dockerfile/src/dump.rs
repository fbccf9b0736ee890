//! BuildKit's AST dump (`Node.Dump()`), the format of its parser test files.
//!
//! BuildKit's nodes hold raw text for most arguments (quotes kept in ENV/LABEL values
//! and shell forms), so the dump prints the logical (joined) source text of each
//! span, and decoded strings only for JSON arrays.

use std::fmt::Write as _;

use dockward_source::TextRange;

use crate::ast::*;
use crate::json::{parse_array, JsonArray};
use crate::lines::{is_space_byte, logical_text};

/// Prints `df` as BuildKit's parser tests do: one s-expression per instruction,
/// lines joined by `\n`, no trailing newline. `text` is the text `df` was parsed from.
///
/// ```
/// let text = "FROM alpine AS base\nCOPY --chown=me a /b\nENV A=1 B=\"x y\"\n";
/// let df = dockward_dockerfile::parse(text);
/// assert_eq!(
///     dockward_dockerfile::dump_buildkit(&df, text),
///     "(from \"alpine\" \"AS\" \"base\")\n(copy [\"--chown=me\"] \"a\" \"/b\")\n(env \"A\" \"1\" \"=\" \"B\" \"\\\"x y\\\"\" \"=\")"
/// );
/// ```
pub fn dump_buildkit(df: &Dockerfile, text: &str) -> String {
    let mut out = String::new();
    for instr in &df.instructions {
        out.push('(');
        node(&mut out, instr, text, df.escape);
        out.push_str(")\n");
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

fn raw(out: &mut String, text: &str, range: TextRange, escape: char) {
    out.push(' ');
    go_quote_into(out, &logical_text(text, range, escape));
}

fn val(out: &mut String, s: &str) {
    out.push(' ');
    go_quote_into(out, s);
}

fn command(out: &mut String, c: &CommandArgs) {
    match c {
        CommandArgs::Exec { argv, .. } => argv.iter().for_each(|a| val(out, &a.value)),
        CommandArgs::Shell(s) if !s.logical.is_empty() => val(out, &s.logical),
        CommandArgs::Shell(_) => {}
    }
}

fn node(out: &mut String, instr: &Instruction, text: &str, escape: char) {
    out.push_str(&instr.keyword.value.to_lowercase());
    if !instr.flags.is_empty() {
        out.push_str(" [");
        for (i, f) in instr.flags.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            // The flag word as BuildKit keeps it: unquoted `--name=value`, the name in
            // its original case when it was written plainly.
            let written = text.get(std::ops::Range::<usize>::from(f.name.range)).unwrap_or("");
            let name = if written.len() == f.name.value.len() { written } else { f.name.value.as_str() };
            let mut word = format!("--{name}");
            if let Some(v) = &f.value {
                word.push('=');
                word.push_str(&v.value);
            }
            go_quote_into(out, &word);
        }
        out.push(']');
    }
    match &instr.args {
        Args::Empty => {}
        Args::From(f) => {
            raw(out, text, f.image.range, escape);
            if let Some(r) = f.as_keyword {
                raw(out, text, r, escape);
            }
            if let Some(a) = &f.alias {
                raw(out, text, a.range, escape);
            }
        }
        Args::Command(c) => command(out, c),
        Args::Paths(p) => {
            for path in &p.paths {
                if p.json {
                    val(out, &path.value);
                } else {
                    raw(out, text, path.range, escape);
                }
            }
        }
        Args::KeyValues(kvs) => {
            for kv in kvs {
                if instr.kind == InstructionKind::Arg {
                    raw(out, text, kv.range, escape);
                    continue;
                }
                raw(out, text, kv.key.range, escape);
                match kv.raw_value {
                    Some(r) => raw(out, text, r, escape),
                    None => val(out, ""),
                }
                val(out, if kv.legacy { "" } else { "=" });
            }
        }
        Args::Words(words) => words.iter().for_each(|w| raw(out, text, w.range, escape)),
        Args::Text(t) => {
            if instr.kind == InstructionKind::Unknown {
                // BuildKit ignores the arguments of an unknown instruction.
                val(out, "");
            } else {
                val(out, &t.value);
            }
        }
        Args::Healthcheck(h) => match h {
            HealthcheckArgs::None { keyword } => raw(out, text, *keyword, escape),
            HealthcheckArgs::Cmd { keyword, command: c } => {
                raw(out, text, *keyword, escape);
                command(out, c);
            }
            HealthcheckArgs::Other(t) => {
                let bytes = t.value.as_bytes();
                let sep = bytes.iter().position(|&b| is_space_byte(b)).unwrap_or(bytes.len());
                let mut next = sep;
                while next < bytes.len() && is_space_byte(bytes[next]) {
                    next += 1;
                }
                val(out, &t.value[..sep]);
                let rest = &t.value[next..];
                if !rest.is_empty() {
                    match parse_array(rest) {
                        JsonArray::Strings(items) => items.iter().for_each(|(v, _, _)| val(out, v)),
                        _ => val(out, rest),
                    }
                }
            }
        },
        Args::Onbuild(inner) => {
            out.push_str(" (");
            node(out, inner, text, escape);
            out.push(')');
        }
    }
}

/// Go's `strconv.Quote`.
#[cfg(test)]
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    go_quote_into(&mut out, s);
    out
}

/// Appends Go's `strconv.Quote(s)` to `out`.
fn go_quote_into(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_go_print(c) => out.push(c),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
}

/// An approximation of Go's `unicode.IsPrint`: letters, marks, numbers, punctuation,
/// symbols and the ASCII space. Control, format, private-use, surrogate and
/// non-ASCII space characters are not printable.
fn is_go_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let format = matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890 | 0x891 | 0x8E2 | 0x180E | 0x200B..=0x200F
        | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD
        | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F);
    let private = matches!(u, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF);
    let nonchar = (u & 0xFFFE) == 0xFFFE || (0xFDD0..=0xFDEF).contains(&u);
    !(format || private || nonchar)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_like_go() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("\u{0}\u{8}\u{c}\n\r\t\u{b}\u{7}\u{1b}\u{7f}"), r#""\x00\b\f\n\r\t\v\a\x1b\x7f""#);
        assert_eq!(go_quote("♥☃é"), "\"♥☃é\"");
        assert_eq!(go_quote("\u{a0}\u{200b}\u{feff}\u{e000}"), r#""\u00a0\u200b\ufeff\ue000""#);
        assert_eq!(go_quote("\u{10ffff}😀"), "\"\\U0010ffff😀\"");
    }
}
