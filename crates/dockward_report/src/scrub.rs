//! Secret masking shared by every format.
//!
//! A diagnostic's `redactions` are byte ranges of its primary file. Source text from
//! that file is masked by range with [`dockward_diagnostics::redact`]: the secret's own
//! bytes, wherever a snippet, SARIF `snippet` or patch shows them. Strings that are not
//! slices of the file (messages, help, related notes, fix titles and contents) cannot
//! be masked by range; there, and for copies of a secret elsewhere in the file, only a
//! distinctive secret (`hunter2`, not `root`) is masked, as a whole token
//! ([`dockward_diagnostics::mask_copies`]). Masking a plain word by text would mask
//! every other use of that word, and the mask itself would tell the reader the
//! password ("writable **** filesystem"). Rules must not quote secrets in messages;
//! this makes a slip with a real secret harmless.

use std::borrow::Cow;
use std::sync::Arc;

use dockward_diagnostics::{mask_copies, redact, Diagnostic, Edit};
use dockward_source::{SourceFile, TextRange};

/// The secrets of one diagnostic.
pub(crate) struct Secrets<'a> {
    file: Option<&'a Arc<SourceFile>>,
    ranges: &'a [TextRange],
    /// Literal secret texts; [`mask_copies`] keeps only the distinctive ones.
    texts: Vec<&'a str>,
}

impl<'a> Secrets<'a> {
    pub(crate) fn of(d: &'a Diagnostic) -> Self {
        let file = d.location.file();
        let texts: Vec<&'a str> = match file {
            Some(f) => d
                .redactions
                .iter()
                // `get` rather than slicing: a range past the end or inside a
                // multi-byte character must not panic the renderer.
                .filter_map(|r| f.text().get(usize::from(r.start())..usize::from(r.end())))
                .collect(),
            None => Vec::new(),
        };
        Self { file, ranges: &d.redactions, texts }
    }

    /// True if byte ranges of this diagnostic apply to `file`.
    pub(crate) fn covers(&self, file: &SourceFile) -> bool {
        self.file.is_some_and(|f| std::ptr::eq(&**f, file) || f.name() == file.name())
    }

    /// Masks `text`, a slice of `file` that starts at byte `start`.
    pub(crate) fn source(&self, file: &SourceFile, text: &str, start: u32) -> String {
        let masked = if self.covers(file) { redact(text, start, self.ranges) } else { text.to_string() };
        // A distinctive secret may occur in the file outside its marked range (the
        // same token used twice); mask those copies too.
        match self.scrub(&masked) {
            Cow::Borrowed(_) => masked,
            Cow::Owned(s) => s,
        }
    }

    /// Masks whole-token copies of the distinctive secrets in `s`.
    pub(crate) fn scrub<'s>(&self, s: &'s str) -> Cow<'s, str> {
        mask_copies(s, &self.texts)
    }

    /// The replacement text of `edit`, masked. An edit that replaces a secret's own
    /// bytes (`ENV DB_PASSWORD root` rewritten as `DB_PASSWORD=root`) carries that
    /// secret into its content: there any whole-token copy of it is the secret, plain
    /// word or not. Other secrets are masked as in free text.
    pub(crate) fn edit_content<'s>(&self, edit: &'s Edit) -> Cow<'s, str> {
        let Some(file) = self.file else { return self.scrub(&edit.content) };
        let replaced: Vec<&str> = self
            .ranges
            .iter()
            .filter(|r| r.start() < edit.range.end() && edit.range.start() < r.end())
            .filter_map(|r| file.text().get(usize::from(r.start())..usize::from(r.end())))
            .collect();
        let masked = mask_whole_tokens(&edit.content, &replaced);
        match self.scrub(&masked) {
            Cow::Owned(s) => Cow::Owned(s),
            Cow::Borrowed(_) => match masked {
                Cow::Borrowed(b) => Cow::Borrowed(b),
                Cow::Owned(s) => Cow::Owned(s),
            },
        }
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

/// `text` with every whole-token copy of each of `secrets` masked, whatever the
/// secret looks like.
fn mask_whole_tokens<'s>(text: &'s str, secrets: &[&str]) -> Cow<'s, str> {
    let mut out = Cow::Borrowed(text);
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if !out.contains(secret) {
            continue;
        }
        let src: &str = &out;
        let mut masked = String::with_capacity(src.len());
        let mut pos = 0;
        while let Some(found) = src[pos..].find(secret) {
            let start = pos + found;
            let end = start + secret.len();
            masked.push_str(&src[pos..start]);
            let whole = !word(src[..start].chars().next_back()) && !word(src[end..].chars().next());
            masked.push_str(if whole { "****" } else { secret });
            pos = end;
        }
        masked.push_str(&src[pos..]);
        out = Cow::Owned(masked);
    }
    out
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

    /// issue 13 #1: a plain-word secret is masked where it is, never where the same
    /// word means something else.
    #[test]
    fn a_plain_word_secret_is_masked_only_by_range() {
        let text = "services:\n  db:\n    user: root\n    environment:\n      MYSQL_ROOT_PASSWORD: root\n";
        let f = file("compose.yaml", text);
        let at = text.rfind("root").unwrap() as u32;
        let mut d = diag(&RULE_B, &f, at, at + 4, "x");
        d.redactions.push(range(at, at + 4));
        let s = Secrets::of(&d);
        assert_eq!(s.source(&f, f.line_text(5), at - 27), "      MYSQL_ROOT_PASSWORD: ****");
        assert_eq!(s.source(&f, f.line_text(3), 16), "    user: root");
        assert_eq!(
            s.scrub("service `db` has a writable root filesystem"),
            "service `db` has a writable root filesystem"
        );
        assert_eq!(s.masked_len(&f, f.line_text(5), at - 27, 31), "      MYSQL_ROOT_PASSWORD: ****".len());
    }

    /// An edit replacing the secret's bytes carries a plain-word secret: masked there,
    /// not in an edit elsewhere.
    #[test]
    fn an_edit_over_the_secret_masks_it_in_its_content() {
        let text = "ENV DB_PASSWORD root\nUSER root\n";
        let f = file("Dockerfile", text);
        let mut d = diag(&RULE_B, &f, 4, 20, "legacy form");
        d.redactions.push(range(16, 20));
        let s = Secrets::of(&d);
        let over = Edit::replace(range(4, 20), "DB_PASSWORD=root");
        assert_eq!(s.edit_content(&over), "DB_PASSWORD=****");
        let elsewhere = Edit::replace(range(26, 30), "root:root");
        assert_eq!(s.edit_content(&elsewhere), "root:root");
        let insert = Edit::insert(range(0, 0).start(), "# rooted\n");
        assert!(matches!(s.edit_content(&insert), Cow::Borrowed(_)));
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
