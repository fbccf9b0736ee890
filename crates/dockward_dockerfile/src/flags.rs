//! Instruction flags: which `--name[=value]` flags each instruction takes (BuildKit's
//! flag table, checked as BuildKit's instruction parser checks them), and CSV flag
//! values (`--mount=type=cache,target=/x`), read like Go's `encoding/csv` reader reads
//! the one record BuildKit asks it for.

use dockward_source::{TextRange, TextSize};

use crate::ast::{
    Args, CsvField, Dockerfile, HealthcheckArgs, Instruction, InstructionKind, OffsetMap, ParseError, Spanned,
};

/// How BuildKit reads a flag's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagKind {
    /// `--name` (true) or `--name=true|false`, any case.
    Bool,
    /// `--name=value`, once.
    String,
    /// `--name=value`, may be repeated (`--mount`, `--exclude`).
    Strings,
}

use FlagKind::{Bool, String as Str, Strings};

/// BuildKit's flags per instruction (labs-only flags included: a file that asks for
/// the labs syntax may use them). Instructions not listed take no flags.
const FLAG_TABLE: &[(InstructionKind, &[(&str, FlagKind)])] = &[
    (InstructionKind::From, &[("platform", Str)]),
    (InstructionKind::Run, &[("mount", Strings), ("network", Str), ("security", Str), ("device", Strings)]),
    (
        InstructionKind::Copy,
        &[("chown", Str), ("from", Str), ("chmod", Str), ("link", Bool), ("exclude", Strings), ("parents", Bool)],
    ),
    (
        InstructionKind::Add,
        &[
            ("chown", Str),
            ("chmod", Str),
            ("link", Bool),
            ("keep-git-dir", Bool),
            ("checksum", Str),
            ("unpack", Bool),
            ("exclude", Strings),
        ],
    ),
    (
        InstructionKind::Healthcheck,
        &[("interval", Str), ("timeout", Str), ("start-period", Str), ("start-interval", Str), ("retries", Str)],
    ),
    (InstructionKind::Arg, &[("required", Bool)]),
];

/// The flags `kind` accepts, with how each is read.
pub fn flags_of(kind: InstructionKind) -> &'static [(&'static str, FlagKind)] {
    FLAG_TABLE.iter().find(|(k, _)| *k == kind).map_or(&[], |(_, f)| f)
}

/// True if BuildKit checks the flags of `instr` at all: it never does for STOPSIGNAL
/// and `HEALTHCHECK NONE`, nor for an unknown instruction (an error of its own).
fn flags_checked(instr: &Instruction) -> bool {
    match instr.kind {
        InstructionKind::Stopsignal | InstructionKind::Unknown => false,
        InstructionKind::Healthcheck => !matches!(instr.args, Args::Healthcheck(HealthcheckArgs::None { .. })),
        _ => true,
    }
}

/// The first flag error of `instr`, worded as BuildKit words it: BuildKit stops at
/// the first bad flag of an instruction. Flag names are compared as written (BuildKit
/// is case-sensitive: `--FROM` is unknown). Returns the error and, for an unknown
/// flag, the nearest accepted name.
fn instruction_flag_error(df: &Dockerfile, instr: &Instruction) -> Option<(ParseError, Option<&'static str>)> {
    if !flags_checked(instr) {
        return None;
    }
    let table = flags_of(instr.kind);
    let mut used: Vec<&str> = Vec::new();
    for flag in &instr.flags {
        let written = df.slice(flag.name.range);
        let name = if written.eq_ignore_ascii_case(&flag.name.value) { written } else { flag.name.value.as_str() };
        let error = |message: String| ParseError { range: flag.range, message };
        let Some(&(known, kind)) = table.iter().find(|(n, _)| *n == name) else {
            let hint = table.iter().map(|(n, _)| *n).find(|n| near(n, name));
            return Some((error(format!("unknown flag: --{name}")), hint));
        };
        if kind != Strings && used.contains(&known) {
            return Some((error(format!("duplicate flag specified: --{name}")), None));
        }
        used.push(known);
        match (kind, &flag.value) {
            (Bool, Some(v)) if v.value.is_empty() => {
                return Some((error(format!("missing a value on flag: --{name}")), None));
            }
            (Bool, Some(v)) if !v.value.eq_ignore_ascii_case("true") && !v.value.eq_ignore_ascii_case("false") => {
                return Some((error(format!("expecting boolean value for flag --{name}, not: {}", v.value)), None));
            }
            (Str | Strings, None) => return Some((error(format!("missing a value on flag: --{name}")), None)),
            _ => {}
        }
    }
    None
}

/// True if `b` is one edit (insert, delete, substitute, swap) or a case change away
/// from `a`: a likely typo (`plattform`, `form`).
fn near(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.to_ascii_lowercase().into_bytes());
    if a == b.as_slice() {
        return true;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (a.len() - prefix - suffix, b.len() - prefix - suffix);
    let swapped = ra == 2 && rb == 2 && a[prefix] == b[prefix + 1] && a[prefix + 1] == b[prefix];
    ra.max(rb) <= 1 || swapped
}

/// One error per instruction whose flags BuildKit refuses (unknown, duplicated, a
/// value missing, a boolean that is not `true`/`false`), in source order, each with
/// a suggestion for a mistyped name. BuildKit's parser accepts these files; its
/// instruction parser then fails the build, so they are kept apart from
/// [`Dockerfile::errors`] (which follow the parser).
pub fn flag_errors(df: &Dockerfile) -> Vec<(ParseError, Option<&'static str>)> {
    df.instructions.iter().filter_map(|i| instruction_flag_error(df, i)).collect()
}

/// Splits a flag value into `key[=value]` fields. Keys are lower-cased (BuildKit
/// compares mount keys case-insensitively); values are kept as written minus CSV
/// quoting. `map` maps offsets in `value.value` to the source; an empty map means the
/// value is written verbatim at `value.range.start()`.
///
/// Go's reader rejects a stray quote; BuildKit would then fail the instruction. Here
/// the quote is kept as an ordinary character so that the fields are still usable.
pub(crate) fn parse_csv(value: &Spanned<String>, map: &OffsetMap) -> Vec<CsvField> {
    let text = value.value.as_str();
    let bytes = text.as_bytes();
    let to_source = |start: usize, end: usize| -> TextRange {
        if map.pieces.is_empty() {
            let base = u32::from(value.range.start());
            TextRange::new(TextSize::from(base + start as u32), TextSize::from(base + end as u32))
        } else {
            map.range_to_source(TextRange::new((start as u32).into(), (end as u32).into()))
        }
    };
    let mut fields = Vec::new();
    if text.is_empty() {
        return fields;
    }
    let mut pos = 0;
    loop {
        // One field: `content` is the unquoted text, `eq` the raw position of its
        // first `=`, `raw` the raw extent of the content.
        let mut content = String::new();
        let mut eq: Option<(usize, usize)> = None; // (content offset, raw offset)
        let raw_start;
        let raw_end;
        let quoted_close = if bytes.get(pos) == Some(&b'"') {
            // Quoted: look for the closing quote followed by `,` or the end.
            let mut i = pos + 1;
            let mut closed = None;
            while i < bytes.len() {
                if bytes[i] == b'"' {
                    if bytes.get(i + 1) == Some(&b'"') {
                        content.push('"');
                        i += 2;
                        continue;
                    }
                    if matches!(bytes.get(i + 1), None | Some(b',')) {
                        closed = Some(i);
                    }
                    break;
                }
                let c = text[i..].chars().next().unwrap_or('"');
                if c == '=' && eq.is_none() {
                    eq = Some((content.len(), i));
                }
                content.push(c);
                i += c.len_utf8();
            }
            closed
        } else {
            None
        };
        match quoted_close {
            Some(close) => {
                raw_start = pos + 1;
                raw_end = close;
                pos = close + 1;
            }
            None => {
                // Unquoted (or a malformed quoted field, read literally).
                content.clear();
                eq = None;
                let end = memchr::memchr(b',', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
                let field = &text[pos..end];
                if let Some(i) = field.find('=') {
                    eq = Some((i, pos + i));
                }
                content.push_str(field);
                raw_start = pos;
                raw_end = end;
                pos = end;
            }
        }
        let field = match eq {
            Some((ci, ri)) => CsvField {
                key: Spanned::new(content[..ci].to_ascii_lowercase(), to_source(raw_start, ri)),
                value: Some(Spanned::new(content[ci + 1..].to_string(), to_source(ri + 1, raw_end))),
            },
            None => {
                CsvField { key: Spanned::new(content.to_ascii_lowercase(), to_source(raw_start, raw_end)), value: None }
            }
        };
        fields.push(field);
        // `pos` is at a `,` or the end.
        if pos >= bytes.len() {
            break;
        }
        pos += 1;
        if pos >= bytes.len() {
            // A trailing comma ends with an empty field, as in Go.
            fields.push(CsvField { key: Spanned::new(String::new(), to_source(pos, pos)), value: None });
            break;
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<(String, String, Option<&'static str>)> {
        let df = crate::parse(text);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        flag_errors(&df).into_iter().map(|(e, hint)| (df.slice(e.range).to_string(), e.message, hint)).collect()
    }

    #[test]
    fn flags_buildkit_refuses() {
        let e = errors("FROM --plattform=linux/amd64 a\nCOPY --foo x /y\nCOPY --from build x /y\n");
        assert_eq!(e[0], ("--plattform=linux/amd64".into(), "unknown flag: --plattform".into(), Some("platform")));
        assert_eq!(e[1], ("--foo".into(), "unknown flag: --foo".into(), None));
        assert_eq!(e[2], ("--from".into(), "missing a value on flag: --from".into(), None));
        let e = errors("FROM a\nCOPY --link=maybe --link x /y\nADD --chown=1 --chown=2 x /y\nADD --unpack= x /y\n");
        assert_eq!(e[0].1, "expecting boolean value for flag --link, not: maybe");
        assert_eq!(e[1].1, "duplicate flag specified: --chown");
        assert_eq!(e[2].1, "missing a value on flag: --unpack");
        // Case matters, and instructions without flags refuse any.
        let e = errors("FROM a\nCOPY --FROM=b x /y\nENV --x=1 A=b\nWORKDIR --p /x\n");
        assert_eq!(
            e.iter().map(|e| e.1.as_str()).collect::<Vec<_>>(),
            ["unknown flag: --FROM", "unknown flag: --x", "unknown flag: --p"]
        );
        assert_eq!(e[0].2, Some("from"));
    }

    #[test]
    fn accepted_flags() {
        let text = "ARG --required V\nFROM --platform=$P a\nRUN --mount=type=cache,target=/c --mount=type=tmpfs,target=/t --network=none true\n\
                    COPY --from=a --chown=1 --chmod=644 --link --parents=TRUE --exclude=*.md --exclude=x a /b/\n\
                    ADD --checksum=sha256:00 --keep-git-dir=false --unpack --link=False x /y\n\
                    HEALTHCHECK --interval=5s --timeout=3s --start-period=1s --start-interval=1s --retries=3 CMD true\n\
                    HEALTHCHECK --whatever NONE\nSTOPSIGNAL --x SIGTERM\nCOPY -- --from x /y\n";
        assert_eq!(errors(text), []);
    }

    /// `(key, value, key span, value span)` of each field.
    type Field = (String, Option<String>, (u32, u32), Option<(u32, u32)>);

    fn csv(s: &str, at: u32) -> Vec<Field> {
        let v = Spanned::new(s.to_string(), TextRange::new(at.into(), (at + s.len() as u32).into()));
        parse_csv(&v, &OffsetMap::default())
            .into_iter()
            .map(|f| {
                (
                    f.key.value,
                    f.value.as_ref().map(|v| v.value.clone()),
                    (f.key.range.start().into(), f.key.range.end().into()),
                    f.value.map(|v| (v.range.start().into(), v.range.end().into())),
                )
            })
            .collect()
    }

    #[test]
    fn mount_fields() {
        let f = csv("type=cache,Target=/root/.cache,ro", 10);
        assert_eq!(f[0], ("type".into(), Some("cache".into()), (10, 14), Some((15, 20))));
        assert_eq!(f[1], ("target".into(), Some("/root/.cache".into()), (21, 27), Some((28, 40))));
        assert_eq!(f[2], ("ro".into(), None, (41, 43), None));
    }

    #[test]
    fn quoted_fields() {
        let f = csv(r#"type=bind,"source=a,b",x="y""z""#, 0);
        assert_eq!(f[1].0, "source");
        assert_eq!(f[1].1.as_deref(), Some("a,b"));
        assert_eq!(f[1].2, (11, 17));
        assert_eq!(f[1].3, Some((18, 21)));
        // A quote inside an unquoted field is kept literally.
        assert_eq!(f[2].1.as_deref(), Some("\"y\"\"z\""));
        assert!(csv("", 0).is_empty());
        let f = csv("a,", 0);
        assert_eq!(f.len(), 2);
        let f = csv("\"unterminated,x", 0);
        assert_eq!(f[0].0, "\"unterminated");
        assert_eq!(f[1].0, "x");
    }

    #[test]
    fn mapped_value() {
        // The value came from `--mount="type=cache,target=/x"` at source offset 100:
        // value offset 0 is source 109.
        let v = Spanned::new("type=cache,target=/x".to_string(), TextRange::new(108.into(), 130.into()));
        let map = OffsetMap { pieces: vec![(0, 109)] };
        let f = parse_csv(&v, &map);
        assert_eq!(
            f[1].value.as_ref().map(|v| (u32::from(v.range.start()), u32::from(v.range.end()))),
            Some((127, 129))
        );
    }
}
