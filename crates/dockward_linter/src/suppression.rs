//! Inline suppressions in comments.
//!
//! - `# dockward: ignore[DF001,last-user-is-root] reason`: the next instruction.
//! - `# dockward: file-ignore[DF003] reason`: the whole file.
//! - `# hadolint ignore=DL3008,DL3015` and `# hadolint global ignore=DL3008`: honoured
//!   through rule aliases, so teams can migrate without rewriting their pragmas.
//!
//! dockward pragmas that suppress nothing are reported (`unused-suppression`), and ones
//! that name no rule are reported (`invalid-suppression`). hadolint pragmas are not
//! reported either way: hadolint has rules dockward does not mirror one to one.

use dockward_dockerfile::Dockerfile;
use dockward_source::{TextRange, TextSize};

use crate::settings::resolve_selector;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The instruction after the comment, whole (continuations and heredocs included).
    Range(TextRange),
    File,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Dockward,
    Hadolint,
}

#[derive(Debug, Clone)]
pub struct SuppressionCode {
    /// As written.
    pub selector: String,
    pub range: TextRange,
    /// Rule codes it resolves to (empty: names no rule).
    pub codes: Vec<&'static str>,
    pub used: bool,
}

#[derive(Debug, Clone)]
pub struct Suppression {
    pub origin: Origin,
    pub scope: Scope,
    pub comment: TextRange,
    pub codes: Vec<SuppressionCode>,
    pub reason: Option<String>,
}

impl Suppression {
    /// Marks and returns true if this suppression covers a finding of `code` at `at`.
    pub fn covers(&mut self, code: &str, at: TextSize) -> bool {
        let in_scope = match self.scope {
            Scope::File => true,
            Scope::Range(r) => r.contains_inclusive(at),
        };
        if !in_scope {
            return false;
        }
        let mut hit = false;
        for c in &mut self.codes {
            if c.codes.contains(&code) {
                c.used = true;
                hit = true;
            }
        }
        hit
    }
}

/// Reads every suppression pragma in a Dockerfile's comments.
pub fn collect(text: &str, df: &Dockerfile) -> Vec<Suppression> {
    let mut out = Vec::new();
    for comment in df.comments.iter().filter(|c| !c.inside_instruction) {
        let body_start = u32::from(comment.text.start());
        let body = &text[comment.text];
        let Some(parsed) = parse_pragma(body) else { continue };
        let scope = if parsed.file {
            Scope::File
        } else {
            match df.instructions.iter().find(|i| i.range.start() >= comment.range.end()) {
                Some(next) => Scope::Range(next.range),
                // A pragma after the last instruction covers nothing; keep it so an
                // unused dockward pragma is still reported.
                None => Scope::Range(TextRange::empty(comment.range.end())),
            }
        };
        out.push(suppression(parsed, scope, comment.range, body_start));
    }
    out
}

/// Reads the pragmas of a line-oriented file with `#` comments (shell scripts,
/// Makefiles, YAML): a comment on its own line covers the next non-blank,
/// non-comment line and its `\` continuation lines; `file-ignore` covers the file.
/// Only comments that start their line (after indentation) count, so a `#` inside a
/// quoted word is never read as a pragma.
pub fn collect_line_pragmas(text: &str) -> Vec<Suppression> {
    let mut lines = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        lines.push((offset, line));
        offset += line.len();
    }
    let mut out = Vec::new();
    for (n, &(at, line)) in lines.iter().enumerate() {
        let body_line = line.trim_end_matches(['\n', '\r']);
        let indent = body_line.len() - body_line.trim_start().len();
        let trimmed = &body_line[indent..];
        // YAML list items (`- # dockward: ...`) are not pragmas; plain comments are.
        let Some(after_hash) = trimmed.strip_prefix('#') else { continue };
        let lead = after_hash.len() - after_hash.trim_start().len();
        let body = after_hash.trim_start();
        let body_start = (at + indent + 1 + lead) as u32;
        let Some(parsed) = parse_pragma(body) else { continue };
        let comment = TextRange::new(((at + indent) as u32).into(), ((at + body_line.len()) as u32).into());
        let scope = if parsed.file {
            Scope::File
        } else {
            let next = lines[n + 1..].iter().position(|(_, l)| {
                let t = l.trim();
                !t.is_empty() && !t.starts_with('#')
            });
            match next {
                Some(i) => {
                    let first = n + 1 + i;
                    let mut last = first;
                    while lines[last].1.trim_end_matches(['\n', '\r']).ends_with('\\') && last + 1 < lines.len() {
                        last += 1;
                    }
                    let (last_at, last_line) = lines[last];
                    let end = last_at + last_line.trim_end_matches(['\n', '\r']).len();
                    Scope::Range(TextRange::new((lines[first].0 as u32).into(), (end as u32).into()))
                }
                None => Scope::Range(TextRange::empty(comment.end())),
            }
        };
        out.push(suppression(parsed, scope, comment, body_start));
    }
    out
}

struct Pragma<'a> {
    origin: Origin,
    file: bool,
    /// (selector, start, end) relative to the comment body.
    codes: Vec<(&'a str, usize, usize)>,
    reason: Option<&'a str>,
}

/// Reads every suppression pragma in a YAML file's comments. A pragma on its own line
/// covers the next content line and everything indented under it (a key and its
/// value, a whole service); a trailing pragma covers its own line.
pub fn collect_yaml(text: &str, comments: &[dockward_yaml::Comment]) -> Vec<Suppression> {
    let mut out = Vec::new();
    for comment in comments {
        let body = comment.text.trim_start();
        // `text` follows the `#`.
        let body_start = u32::from(comment.range.start()) + 1 + (comment.text.len() - body.len()) as u32;
        let Some(parsed) = parse_pragma(body) else { continue };
        let scope = if parsed.file {
            Scope::File
        } else if comment.trailing {
            let start = text[..usize::from(comment.range.start())].rfind('\n').map_or(0, |i| i + 1);
            Scope::Range(TextRange::new((start as u32).into(), comment.range.end()))
        } else {
            Scope::Range(yaml_block_after(text, usize::from(comment.range.end())))
        };
        out.push(suppression(parsed, scope, comment.range, body_start));
    }
    out
}

/// A parsed pragma as a suppression; selector ranges are relative to the comment body,
/// which starts at `body_start` in the file.
fn suppression(parsed: Pragma<'_>, scope: Scope, comment: TextRange, body_start: u32) -> Suppression {
    let codes = parsed
        .codes
        .into_iter()
        .map(|(sel, start, end)| SuppressionCode {
            codes: resolve_selector(sel),
            selector: sel.to_string(),
            range: TextRange::new((body_start + start as u32).into(), (body_start + end as u32).into()),
            used: false,
        })
        .collect();
    Suppression { origin: parsed.origin, scope, comment, codes, reason: parsed.reason.map(str::to_string) }
}

/// The next content line after `from` and the lines indented deeper than it.
fn yaml_block_after(text: &str, from: usize) -> TextRange {
    let indent = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let is_content = |line: &str| {
        let t = line.trim_start();
        !t.is_empty() && !t.starts_with('#')
    };
    let mut pos = text[from..].find('\n').map_or(text.len(), |i| from + i + 1);
    let mut start = None;
    let mut end = pos;
    let mut base = 0;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = &text[pos..line_end];
        if is_content(line) {
            match start {
                None => {
                    start = Some(pos);
                    base = indent(line);
                    end = line_end;
                }
                Some(_) if indent(line) > base => end = line_end,
                Some(_) => break,
            }
        }
        pos = line_end + 1;
    }
    let start = start.unwrap_or(end);
    TextRange::new((start as u32).into(), (end as u32).into())
}

fn parse_pragma(body: &str) -> Option<Pragma<'_>> {
    if let Some(rest) = strip_word(body, "dockward:") {
        let rest_off = body.len() - rest.len();
        let (file, after) = if let Some(a) = rest.strip_prefix("file-ignore") {
            (true, a)
        } else if let Some(a) = rest.strip_prefix("ignore") {
            (false, a)
        } else {
            return None;
        };
        let after_off = body.len() - after.len();
        let inner = after.strip_prefix('[')?;
        let close = inner.find(']')?;
        let list = &inner[..close];
        let list_off = after_off + 1;
        let reason = inner[close + 1..].trim();
        let _ = rest_off;
        return Some(Pragma {
            origin: Origin::Dockward,
            file,
            codes: split_list(list, list_off),
            reason: (!reason.is_empty()).then_some(reason),
        });
    }
    if let Some(rest) = strip_word(body, "hadolint") {
        let (file, rest) = match strip_word(rest, "global") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let list = rest.strip_prefix("ignore=")?;
        let list_off = body.len() - list.len();
        let end = list.find(char::is_whitespace).unwrap_or(list.len());
        return Some(Pragma {
            origin: Origin::Hadolint,
            file,
            codes: split_list(&list[..end], list_off),
            reason: None,
        });
    }
    None
}

/// Strips `word` and the whitespace after it; `None` if `s` does not start with it.
fn strip_word<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let rest = s.strip_prefix(word)?;
    Some(rest.trim_start())
}

fn split_list(list: &str, offset: usize) -> Vec<(&str, usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for part in list.split(',') {
        let lead = part.len() - part.trim_start().len();
        let t = part.trim();
        if !t.is_empty() {
            let s = offset + pos + lead;
            out.push((t, s, s + t.len()));
        }
        pos += part.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dockward_pragmas_with_code_spans() {
        let p = parse_pragma("dockward: ignore[DF001, last-user-is-root] base image sets USER").unwrap();
        assert!(!p.file);
        assert_eq!(p.origin, Origin::Dockward);
        let body = "dockward: ignore[DF001, last-user-is-root] base image sets USER";
        let spans: Vec<&str> = p.codes.iter().map(|(_, s, e)| &body[*s..*e]).collect();
        assert_eq!(spans, ["DF001", "last-user-is-root"]);
        assert_eq!(p.reason, Some("base image sets USER"));
        let p = parse_pragma("dockward: file-ignore[DF003]").unwrap();
        assert!(p.file && p.reason.is_none());
    }

    #[test]
    fn parses_hadolint_pragmas() {
        let body = "hadolint ignore=DL3008,DL3015";
        let p = parse_pragma(body).unwrap();
        assert_eq!(p.origin, Origin::Hadolint);
        let spans: Vec<&str> = p.codes.iter().map(|(_, s, e)| &body[*s..*e]).collect();
        assert_eq!(spans, ["DL3008", "DL3015"]);
        assert!(parse_pragma("hadolint global ignore=DL3002").unwrap().file);
    }

    #[test]
    fn ordinary_comments_are_not_pragmas() {
        for c in ["install deps", "dockward is great", "dockward: ignore DF001", "hadolint shell=bash"] {
            assert!(parse_pragma(c).is_none(), "{c}");
        }
    }
}
