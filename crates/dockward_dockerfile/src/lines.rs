//! Physical lines and BuildKit's line joining.
//!
//! BuildKit reads a Dockerfile line by line and builds each instruction's "logical
//! line": the first line left-trimmed, then continuation lines appended as they are
//! (not trimmed), with comment lines and whitespace-only lines inside the
//! continuation dropped, and the continuation escape (plus trailing spaces/tabs)
//! removed from the end of every line. This module does the same while recording
//! which source bytes each logical byte came from.

use std::borrow::Cow;

use dockward_source::TextRange;

/// Go's `unicode.IsSpace` on a byte that is treated as a rune (BuildKit does this in
/// a few byte-wise loops). Only the ASCII part matters for valid UTF-8 text.
pub(crate) fn is_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// BuildKit's `[\t\v\f\r ]` (`reWhitespace`, `tokenWhitespace`).
pub(crate) fn is_token_ws(b: u8) -> bool {
    matches!(b, b'\t' | 0x0B | 0x0C | b'\r' | b' ')
}

/// Length of the leading Unicode whitespace of `s` (Go's `unicode.IsSpace` and Rust's
/// `char::is_whitespace` agree on the set).
pub(crate) fn leading_ws(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if !is_space_byte(b) {
                return i;
            }
            i += 1;
        } else {
            // Rare: fall back to the char-aware trim for the rest.
            return s.len() - s.trim_start().len();
        }
    }
    i
}

/// Length of `s` without its trailing Unicode whitespace.
pub(crate) fn trimmed_end(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut end = bytes.len();
    while end > 0 {
        let b = bytes[end - 1];
        if b < 0x80 {
            if !is_space_byte(b) {
                return end;
            }
            end -= 1;
        } else {
            return s[..end].trim_end().len();
        }
    }
    end
}

/// One physical line of the input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PhysLine {
    pub start: usize,
    /// End of the content: trailing `\r` and `\n` bytes excluded (Go's
    /// `bytes.TrimRight(line, "\r\n")`).
    pub content_end: usize,
    /// Start of the next line.
    pub next: usize,
}

/// Reads the physical line starting at `start` (which must be `< text.len()`).
pub(crate) fn phys_line(text: &str, start: usize) -> PhysLine {
    let bytes = text.as_bytes();
    let (raw_end, next) = match memchr::memchr(b'\n', &bytes[start..]) {
        Some(i) => (start + i, start + i + 1),
        None => (bytes.len(), bytes.len()),
    };
    let mut content_end = raw_end;
    while content_end > start && matches!(bytes[content_end - 1], b'\r' | b'\n') {
        content_end -= 1;
    }
    PhysLine { start, content_end, next }
}

/// BuildKit's line-continuation test, on a line already stripped of its terminator.
///
/// The regex is ``([^E])E[ \t]*$|^E[ \t]*$`` (E the escape character): the escape
/// at the end of the line, optionally followed by spaces and tabs, not itself
/// preceded by an escape. Returns the length of the line to keep (the character
/// before the escape stays) when it is a continuation.
pub(crate) fn continuation(line: &str, escape: u8) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut end = bytes.len();
    while end > 0 && matches!(bytes[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    if end == 0 || bytes[end - 1] != escape {
        return None;
    }
    let e = end - 1;
    if e > 0 && bytes[e - 1] == escape {
        // `\\` at the end is an escaped escape, not a continuation.
        return None;
    }
    Some(e)
}

/// True if the line (terminator stripped) is a comment: `#` after optional
/// whitespace.
pub(crate) fn is_comment(line: &str) -> bool {
    line.as_bytes().get(leading_ws(line)) == Some(&b'#')
}

/// A logical line being built: its text and where each run of it came from.
#[derive(Debug, Default)]
pub(crate) struct Joiner {
    /// `(logical_start, source_start)` for every copied run, in order.
    pub pieces: Vec<(u32, u32)>,
    /// The joined text, used only when there is more than one piece.
    pub buf: String,
    /// The single piece, when there is only one (no copy needed).
    single: Option<(usize, usize)>,
    len: usize,
}

impl Joiner {
    pub fn clear(&mut self) {
        self.pieces.clear();
        self.buf.clear();
        self.single = None;
        self.len = 0;
    }

    /// Appends `text[start..end]`.
    pub fn push(&mut self, text: &str, start: usize, end: usize) {
        if start >= end {
            return;
        }
        self.pieces.push((self.len as u32, start as u32));
        match (self.single, self.pieces.len()) {
            (None, 1) => self.single = Some((start, end)),
            (Some((s, e)), _) => {
                // Second piece: switch to the owned buffer.
                self.buf.push_str(&text[s..e]);
                self.buf.push_str(&text[start..end]);
                self.single = None;
            }
            _ => self.buf.push_str(&text[start..end]),
        }
        self.len += end - start;
    }

    /// The joined text.
    pub fn text<'t>(&'t self, text: &'t str) -> &'t str {
        match self.single {
            Some((s, e)) => &text[s..e],
            None => &self.buf,
        }
    }
}

/// The logical text of one instruction: a view used while parsing it.
#[derive(Clone, Copy)]
pub(crate) struct Logical<'a> {
    pub text: &'a str,
    pub pieces: &'a [(u32, u32)],
}

impl Logical<'_> {
    /// Source offset of logical offset `at`.
    pub fn src(&self, at: usize) -> u32 {
        let at = at as u32;
        let idx = self.pieces.partition_point(|p| p.0 <= at);
        if idx == 0 {
            return at;
        }
        let (l, s) = self.pieces[idx - 1];
        s + (at - l)
    }

    /// Source range of the logical range `start..end`; the end maps as "just after
    /// the last byte".
    pub fn range(&self, start: usize, end: usize) -> TextRange {
        let s = self.src(start);
        let e = if end > start { self.src(end - 1) + 1 } else { s };
        TextRange::new(s.into(), e.max(s).into())
    }

    /// The pieces of `start..end`, rebased so that `start` is logical offset 0.
    pub fn sub_pieces(&self, start: usize, end: usize) -> Vec<(u32, u32)> {
        let (start, end) = (start as u32, end as u32);
        let mut out = Vec::new();
        for (i, &(l, s)) in self.pieces.iter().enumerate() {
            let next = self.pieces.get(i + 1).map_or(u32::MAX, |p| p.0);
            if next <= start {
                continue;
            }
            if l >= end {
                break;
            }
            let from = l.max(start);
            out.push((from - start, s + (from - l)));
        }
        if out.is_empty() {
            out.push((0, self.src(start as usize)));
        }
        out
    }
}

/// The logical (joined) text of a source range inside one instruction, as BuildKit
/// sees it: continuation escapes removed, comment and whitespace-only lines inside
/// the range dropped. Borrowed when the range holds no line break.
///
/// `escape` is the file's escape character ([`crate::Dockerfile::escape`]).
pub fn logical_text(text: &str, range: TextRange, escape: char) -> Cow<'_, str> {
    let start = (u32::from(range.start()) as usize).min(text.len());
    let end = (u32::from(range.end()) as usize).min(text.len()).max(start);
    if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return Cow::Borrowed("");
    }
    let slice = &text[start..end];
    if memchr::memchr(b'\n', slice.as_bytes()).is_none() {
        return Cow::Borrowed(slice);
    }
    let esc = if escape == '`' { b'`' } else { b'\\' };
    let mut out = String::with_capacity(slice.len());
    let mut pos = start;
    let mut first = true;
    while pos < end {
        let line = phys_line(text, pos);
        let content_end = line.content_end.min(end);
        let content = &text[pos..content_end];
        let reaches_eol = content_end == line.content_end;
        if !first && (is_comment(content) || leading_ws(content) == content.len()) && reaches_eol {
            pos = line.next;
            continue;
        }
        let keep = if reaches_eol { continuation(content, esc).unwrap_or(content.len()) } else { content.len() };
        out.push_str(&content[..keep]);
        first = false;
        pos = line.next;
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_regex() {
        assert_eq!(continuation("RUN a \\", b'\\'), Some(6));
        assert_eq!(continuation("RUN a\\  \t", b'\\'), Some(5));
        assert_eq!(continuation("\\", b'\\'), Some(0));
        assert_eq!(continuation("  \\ ", b'\\'), Some(2));
        assert_eq!(continuation("a\\\\", b'\\'), None);
        assert_eq!(continuation("a`", b'`'), Some(1));
        assert_eq!(continuation("a\\", b'`'), None);
        assert_eq!(continuation("", b'\\'), None);
        assert_eq!(continuation("é\\", b'\\'), Some(2));
    }

    #[test]
    fn lines_and_crlf() {
        let t = "ab\r\ncd\r\r\nx";
        let l = phys_line(t, 0);
        assert_eq!((l.start, l.content_end, l.next), (0, 2, 4));
        let l = phys_line(t, 4);
        assert_eq!((l.start, l.content_end, l.next), (4, 6, 9));
        let l = phys_line(t, 9);
        assert_eq!((l.start, l.content_end, l.next), (9, 10, 10));
    }

    #[test]
    fn joiner_borrows_single_piece() {
        let t = "RUN a \\\n  b";
        let mut j = Joiner::default();
        j.push(t, 0, 6);
        assert_eq!(j.text(t), "RUN a ");
        j.push(t, 8, 11);
        assert_eq!(j.text(t), "RUN a   b");
        assert_eq!(j.pieces, vec![(0, 0), (6, 8)]);
        let l = Logical { text: j.text(t), pieces: &j.pieces };
        assert_eq!(l.src(6), 8);
        assert_eq!(l.range(4, 9), TextRange::new(4.into(), 11.into()));
        assert_eq!(l.sub_pieces(4, 9), vec![(0, 4), (2, 8)]);
    }

    #[test]
    fn logical_text_of_range() {
        let t = "RUN a \\\n# c\n\n  b \\\n c";
        let r = TextRange::new(4.into(), (t.len() as u32).into());
        assert_eq!(logical_text(t, r, '\\'), "a   b  c");
        assert_eq!(logical_text(t, TextRange::new(0.into(), 3.into()), '\\'), "RUN");
    }
}
