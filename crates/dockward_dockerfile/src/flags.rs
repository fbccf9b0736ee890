//! CSV flag values (`--mount=type=cache,target=/x`), read like Go's `encoding/csv`
//! reader reads the one record BuildKit asks it for.

use dockward_source::{TextRange, TextSize};

use crate::ast::{CsvField, OffsetMap, Spanned};

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
