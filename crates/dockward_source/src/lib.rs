//! Source text, byte ranges and positions.
//!
//! Every parser in dockward reports byte ranges ([`TextRange`]) into the text of a
//! [`SourceFile`]. Turning those into human positions happens here, once, so that the
//! text renderer, JSON, SARIF (UTF-16 columns) and GitHub annotations all agree.

pub mod input;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use text_size::{TextLen, TextRange, TextSize};

/// A path as reports show it: as given, with `/` separators and without `.` components
/// (`./a/./b` is `a/b`), so a file reached as `dir/./sub/x` (a Compose `extends.file:
/// ./sub/x`) and walked as `dir/sub/x` has one name in the report. `..` stays: resolving
/// it without the file system could name another file when a component is a symlink.
pub fn display_path(p: &std::path::Path) -> String {
    use std::path::Component;
    let mut out = String::new();
    for c in p.components() {
        let part = match c {
            Component::CurDir => continue,
            Component::RootDir => {
                out.push('/');
                continue;
            }
            Component::Prefix(prefix) => prefix.as_os_str().to_string_lossy(),
            Component::ParentDir => "..".into(),
            Component::Normal(n) => n.to_string_lossy(),
        };
        if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(&part);
    }
    if out.is_empty() && !p.as_os_str().is_empty() {
        out.push('.');
    }
    out.replace('\\', "/")
}

/// A file (or stdin, or any other named text) that diagnostics point into.
#[derive(Debug)]
pub struct SourceFile {
    name: String,
    path: Option<PathBuf>,
    /// Shared, so a parser that keeps the text (the Dockerfile tree does) needs no copy.
    text: Arc<str>,
    line_index: LineIndex,
}

impl SourceFile {
    /// `name` is the display name (relative path as given, or `--stdin-filename`).
    pub fn new(name: impl Into<String>, path: Option<PathBuf>, text: impl Into<Arc<str>>) -> Arc<Self> {
        let text = text.into();
        let line_index = LineIndex::new(&text);
        Arc::new(Self { name: name.into(), path, text, line_index })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The path on disk, when the text came from one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text, shared (no copy).
    pub fn shared_text(&self) -> &Arc<str> {
        &self.text
    }

    pub fn line_index(&self) -> &LineIndex {
        &self.line_index
    }

    pub fn slice(&self, range: TextRange) -> &str {
        &self.text[range]
    }

    /// Human position of a byte offset.
    pub fn position(&self, offset: TextSize) -> Position {
        self.line_index.position(&self.text, offset)
    }

    /// The text of the 1-based `line`, without its line terminator.
    pub fn line_text(&self, line: u32) -> &str {
        let range = self.line_index.line_range(line, &self.text);
        &self.text[range]
    }
}

/// A position in a file, every field 1-based except `offset`.
///
/// `column` counts Unicode scalar values (what editors show); `column_utf16` counts
/// UTF-16 code units (what SARIF's `utf16CodeUnits` column kind and LSP expect).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub column_utf16: u32,
    pub offset: u32,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Start offsets of every line. Lines end at `\n`; a preceding `\r` belongs to the
/// terminator, so CRLF files get the same columns as LF files.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    line_starts: Vec<TextSize>,
    ascii: bool,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(TextSize::from(0));
        for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
            line_starts.push(TextSize::from(nl as u32 + 1));
        }
        Self { line_starts, ascii: text.is_ascii() }
    }

    pub fn line_count(&self) -> u32 {
        self.line_starts.len() as u32
    }

    /// 1-based line number containing `offset`.
    pub fn line_of(&self, offset: TextSize) -> u32 {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    pub fn line_start(&self, line: u32) -> TextSize {
        self.line_starts[(line.max(1) - 1) as usize]
    }

    /// Range of the 1-based `line`, without `\n` or `\r\n`.
    pub fn line_range(&self, line: u32, text: &str) -> TextRange {
        let idx = (line.max(1) - 1) as usize;
        let start = self.line_starts[idx.min(self.line_starts.len() - 1)];
        let mut end = self.line_starts.get(idx + 1).map(|s| *s - TextSize::from(1)).unwrap_or_else(|| text.text_len());
        let bytes = text.as_bytes();
        if end > start && bytes[u32::from(end) as usize - 1] == b'\r' {
            end -= TextSize::from(1);
        }
        TextRange::new(start, end)
    }

    pub fn position(&self, text: &str, offset: TextSize) -> Position {
        let offset = offset.min(text.text_len());
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let (column, column_utf16) = if self.ascii {
            let c = u32::from(offset - start) + 1;
            (c, c)
        } else {
            // An offset inside a multi-byte character counts as that character.
            let mut end = u32::from(offset) as usize;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let prefix = &text[u32::from(start) as usize..end];
            let chars = prefix.chars().count() as u32;
            let utf16 = prefix.chars().map(|c| c.len_utf16() as u32).sum::<u32>();
            (chars + 1, utf16 + 1)
        };
        Position { line, column, column_utf16, offset: offset.into() }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn display_paths_drop_dot_components_only() {
        use super::display_path;
        use std::path::Path;
        assert_eq!(display_path(Path::new("./a/./b/c.yaml")), "a/b/c.yaml");
        assert_eq!(display_path(Path::new("dir/./sub/x")), display_path(Path::new("dir/sub/x")));
        assert_eq!(display_path(Path::new("/abs/./x")), "/abs/x");
        assert_eq!(display_path(Path::new("a/../b")), "a/../b");
        assert_eq!(display_path(Path::new(".")), ".");
        assert_eq!(display_path(Path::new("./")), ".");
        assert_eq!(display_path(Path::new("-")), "-");
    }

    use super::*;

    #[test]
    fn positions_in_ascii_and_crlf() {
        let f = SourceFile::new("t", None, "FROM a\r\nRUN b\n");
        let p = f.position(TextSize::from(8));
        assert_eq!((p.line, p.column), (2, 1));
        assert_eq!(f.line_text(1), "FROM a");
        assert_eq!(f.line_text(2), "RUN b");
        assert_eq!(f.line_text(3), "");
        let p = f.position(TextSize::from(12));
        assert_eq!((p.line, p.column), (2, 5));
    }

    #[test]
    fn columns_count_chars_and_utf16_units() {
        // "é" is 2 bytes / 1 char / 1 unit; "😀" is 4 bytes / 1 char / 2 units.
        let f = SourceFile::new("t", None, "x é😀 y");
        let off = "x é😀 ".len() as u32;
        let p = f.position(TextSize::from(off));
        assert_eq!(p.column, 6);
        assert_eq!(p.column_utf16, 7);
        assert_eq!(p.offset, off);
    }

    #[test]
    fn offset_past_end_is_clamped() {
        let f = SourceFile::new("t", None, "ab");
        let p = f.position(TextSize::from(99));
        assert_eq!((p.line, p.column, p.offset), (1, 3, 2));
    }
}
