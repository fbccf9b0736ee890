//! Open documents: the editor's text, kept current by full or incremental changes, and
//! the conversions between LSP positions (line, UTF-16 code unit) and byte offsets.

use std::path::PathBuf;
use std::sync::Arc;

use dockward_source::{SourceFile, TextSize};
use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

use crate::DocumentKind;

/// One document the editor has open.
#[derive(Debug)]
pub struct Document {
    pub uri: Uri,
    /// The file on disk the document is, for `file:` URIs.
    pub path: Option<PathBuf>,
    /// What findings name the document by: its absolute path (so per-file-ignores
    /// globs match relative to their config's directory), or the URI.
    pub name: String,
    pub language_id: String,
    pub version: i32,
    pub text: String,
    /// `None`: a document dockward does not check (its diagnostics stay empty).
    pub kind: Option<DocumentKind>,
}

impl Document {
    /// Applies one change of a `didChange`: a full replacement, or an edit of a range
    /// given in the text as it is after the previous changes of the same notification.
    pub fn apply_change(&mut self, change: TextDocumentContentChangeEvent) {
        match change.range {
            None => self.text = change.text,
            Some(range) => {
                let starts = line_starts(&self.text);
                let start = offset_of(&self.text, &starts, range.start);
                let end = offset_of(&self.text, &starts, range.end);
                let (start, end) = (start.min(end), start.max(end));
                self.text.replace_range(start..end, &change.text);
            }
        }
    }
}

/// The byte offset of every line start. Lines end at `\n` (a `\r` before it belongs to
/// the terminator), as in `dockward_source::LineIndex`, so positions sent and received
/// agree. LSP also ends a line at a lone `\r`, which no Dockerfile or YAML file uses.
pub fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::with_capacity(text.len() / 32 + 1);
    starts.push(0);
    starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
    starts
}

/// The byte offset of an LSP position. Out of range is clamped as the specification
/// asks: a character past the end of its line is the line's end (before its
/// terminator), a line past the last is the end of the text; a position inside a
/// UTF-16 surrogate pair is the end of that character.
pub fn offset_of(text: &str, starts: &[usize], pos: Position) -> usize {
    let Some(&start) = starts.get(pos.line as usize) else { return text.len() };
    let end = starts.get(pos.line as usize + 1).copied().unwrap_or(text.len());
    let line = &text[start..end];
    let content = line.strip_suffix('\n').map_or(line, |l| l.strip_suffix('\r').unwrap_or(l));
    let mut units = 0u32;
    for (i, c) in content.char_indices() {
        if units >= pos.character {
            return start + i;
        }
        units += c.len_utf16() as u32;
    }
    start + content.len()
}

/// The LSP position of a byte offset of `file`.
pub fn position(file: &SourceFile, offset: TextSize) -> Position {
    let p = file.position(offset);
    Position { line: p.line.saturating_sub(1), character: p.column_utf16.saturating_sub(1) }
}

/// The LSP range of a byte range of `file`.
pub fn range(file: &SourceFile, range: dockward_source::TextRange) -> Range {
    Range { start: position(file, range.start()), end: position(file, range.end()) }
}

/// A source file of the text, to convert offsets (no copy of the text).
pub fn source_of(text: &Arc<str>) -> Arc<SourceFile> {
    SourceFile::new("", None, Arc::clone(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    fn doc(text: &str) -> Document {
        Document {
            uri: "file:///x/Dockerfile".parse().unwrap(),
            path: None,
            name: "Dockerfile".into(),
            language_id: "dockerfile".into(),
            version: 1,
            text: text.into(),
            kind: Some(DocumentKind::Dockerfile),
        }
    }

    fn change(range: Option<Range>, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent { range, range_length: None, text: text.into() }
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs_as_two() {
        // `é` is one UTF-16 unit (2 bytes), `😀` two units (4 bytes).
        let text = "é😀x\nRUN y\r\nz";
        let s = line_starts(text);
        assert_eq!(offset_of(text, &s, pos(0, 0)), 0);
        assert_eq!(offset_of(text, &s, pos(0, 1)), 2);
        assert_eq!(offset_of(text, &s, pos(0, 3)), 6);
        assert_eq!(&text[offset_of(text, &s, pos(0, 3))..], "x\nRUN y\r\nz");
        // Inside the surrogate pair: the end of the character.
        assert_eq!(offset_of(text, &s, pos(0, 2)), 6);
        // Past the line's end: before its terminator (`\r\n` too).
        assert_eq!(offset_of(text, &s, pos(0, 99)), 7);
        assert_eq!(offset_of(text, &s, pos(1, 99)), 13);
        assert_eq!(offset_of(text, &s, pos(7, 0)), text.len());
        // And back: the source crate's UTF-16 columns.
        let file = SourceFile::new("f", None, text);
        assert_eq!(position(&file, TextSize::from(6)), pos(0, 3));
        assert_eq!(position(&file, TextSize::from(10)), pos(1, 2));
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let mut d = doc("FROM a\nRUN é b\n");
        // Replace `b` (line 1, UTF-16 column 6), then insert on the first line.
        d.apply_change(change(Some(Range { start: pos(1, 6), end: pos(1, 7) }), "c d"));
        d.apply_change(change(Some(Range { start: pos(0, 6), end: pos(0, 6) }), ":1"));
        assert_eq!(d.text, "FROM a:1\nRUN é c d\n");
        // A deletion across lines, an insertion at the very end, a reversed range.
        d.apply_change(change(Some(Range { start: pos(0, 8), end: pos(1, 0) }), " "));
        d.apply_change(change(Some(Range { start: pos(5, 0), end: pos(5, 0) }), "USER x\n"));
        d.apply_change(change(Some(Range { start: pos(0, 4), end: pos(0, 0) }), "from"));
        assert_eq!(d.text, "from a:1 RUN é c d\nUSER x\n");
        d.apply_change(change(None, "FROM z\n"));
        assert_eq!(d.text, "FROM z\n");
    }
}
