//! Secret masking shared by every format.
//!
//! A diagnostic's `redactions` are byte ranges of its primary file. Source text from
//! that file is masked by range with [`dockward_diagnostics::redact`]. Strings that are
//! not slices of the file (messages, fix contents) cannot be masked by range, so the
//! secrets' literal texts are also scrubbed from them: rules must not put secrets there,
//! and this makes a slip harmless instead of a leak.

use std::borrow::Cow;
use std::sync::Arc;

use dockward_diagnostics::{redact, Diagnostic};
use dockward_source::{SourceFile, TextRange};

/// The mask that replaces a secret, the same one `redact` writes.
const MASK: &str = "****";

/// Secrets shorter than this are only masked by range, not scrubbed from free text:
/// replacing every `a` or `id` in a message would garble it without protecting anything.
const MIN_SCRUB_LEN: usize = 4;

/// The secrets of one diagnostic.
pub(crate) struct Secrets<'a> {
    file: Option<&'a Arc<SourceFile>>,
    ranges: &'a [TextRange],
    /// Literal secret texts, longest first so a secret containing another is replaced
    /// whole.
    texts: Vec<&'a str>,
}

impl<'a> Secrets<'a> {
    pub(crate) fn of(d: &'a Diagnostic) -> Self {
        let file = d.location.file();
        let mut texts: Vec<&'a str> = match file {
            Some(f) => d
                .redactions
                .iter()
                // `get` rather than slicing: a range past the end or inside a
                // multi-byte character must not panic the renderer.
                .filter_map(|r| f.text().get(usize::from(r.start())..usize::from(r.end())))
                .filter(|t| t.len() >= MIN_SCRUB_LEN)
                .collect(),
            None => Vec::new(),
        };
        texts.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        texts.dedup();
        Self { file, ranges: &d.redactions, texts }
    }

    /// True if byte ranges of this diagnostic apply to `file`.
    pub(crate) fn covers(&self, file: &SourceFile) -> bool {
        self.file.is_some_and(|f| std::ptr::eq(&**f, file) || f.name() == file.name())
    }

    /// Masks `text`, a slice of `file` that starts at byte `start`.
    pub(crate) fn source(&self, file: &SourceFile, text: &str, start: u32) -> String {
        let masked = if self.covers(file) { redact(text, start, self.ranges) } else { text.to_string() };
        // A secret may occur in the file outside its marked range (the same token
        // used twice); scrub literal copies too.
        match self.scrub(&masked) {
            Cow::Borrowed(_) => masked,
            Cow::Owned(s) => s,
        }
    }

    /// Replaces literal copies of the secrets in `s`.
    pub(crate) fn scrub<'s>(&self, s: &'s str) -> Cow<'s, str> {
        let mut out = Cow::Borrowed(s);
        for t in &self.texts {
            if out.contains(t) {
                out = Cow::Owned(out.replace(t, MASK));
            }
        }
        out
    }

    /// Length in bytes of `text[..end]` once masked, for moving offsets from the
    /// source into the masked copy. An offset inside a secret maps to the end of its
    /// mask.
    pub(crate) fn masked_len(&self, file: &SourceFile, text: &str, start: u32, end: usize) -> usize {
        let mut end = end.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        self.source(file, &text[..end], start).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn masks_ranges_and_scrubs_copies() {
        let f = file("Dockerfile", "ENV PW=hunter2\nRUN echo hunter2\n");
        let mut d = diag(&RULE_B, &f, 4, 14, "secret in ENV");
        d.redactions.push(range(7, 14));
        let s = Secrets::of(&d);
        assert_eq!(s.source(&f, f.line_text(1), 0), "ENV PW=****");
        // The second copy is not marked but is scrubbed all the same.
        assert_eq!(s.source(&f, f.line_text(2), 15), "RUN echo ****");
        assert_eq!(s.scrub("set to hunter2!"), "set to ****!");
        assert!(matches!(s.scrub("nothing here"), Cow::Borrowed(_)));
        assert_eq!(s.masked_len(&f, f.line_text(1), 0, 10), "ENV PW=****".len());
        assert_eq!(s.masked_len(&f, f.line_text(1), 0, 7), 7);
    }

    #[test]
    fn bad_ranges_do_not_panic() {
        let f = file("Dockerfile", "ENV é=1\n");
        let mut d = diag(&RULE_B, &f, 0, 3, "x");
        d.redactions.push(range(5, 6)); // inside "é"
        d.redactions.push(range(50, 60)); // past the end
        let s = Secrets::of(&d);
        assert_eq!(s.source(&f, f.line_text(1), 0), "ENV ****=1");
        assert_eq!(s.masked_len(&f, f.line_text(1), 0, 6), "ENV ****".len());
    }
}
