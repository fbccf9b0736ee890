use dockward_source::{TextRange, TextSize};

use crate::Text;

/// Whether applying a fix can change behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Only shown; never applied (the fix needs a human decision).
    DisplayOnly,
    /// May change what the image or container does; applied with `--unsafe-fixes`.
    Unsafe,
    /// Keeps the meaning; applied by `--fix`.
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::DisplayOnly => "display-only",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
}

/// Replace `range` with `content` (an insertion when the range is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    /// Most fixes insert or replace a fixed text: kept borrowed, not copied per finding.
    pub content: Text,
}

impl Edit {
    pub fn replace(range: TextRange, content: impl Into<Text>) -> Self {
        Self { range, content: content.into() }
    }

    pub fn insert(at: TextSize, content: impl Into<Text>) -> Self {
        Self { range: TextRange::empty(at), content: content.into() }
    }

    pub fn delete(range: TextRange) -> Self {
        Self { range, content: Text::Borrowed("") }
    }
}

/// A set of edits that together fix one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub message: Text,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(message: impl Into<Text>, edits: Vec<Edit>) -> Self {
        Self { message: message.into(), applicability: Applicability::Safe, edits }
    }

    pub fn unsafe_(message: impl Into<Text>, edits: Vec<Edit>) -> Self {
        Self { message: message.into(), applicability: Applicability::Unsafe, edits }
    }

    fn range(&self) -> Option<TextRange> {
        self.edits.iter().map(|e| e.range).reduce(|a, b| a.cover(b))
    }
}

/// The result of applying fixes to one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixOutcome {
    pub text: String,
    pub applied: usize,
    /// Fixes skipped because they overlapped one applied earlier; a second pass picks
    /// them up after re-checking.
    pub skipped: usize,
}

/// Applies `fixes` to `text`. Fixes are taken in source order; one that overlaps an
/// already applied fix is skipped whole, never half-applied. Takes `&Fix` or, as
/// [`crate::Diagnostic::fix`] holds them, `&Box<Fix>`.
pub fn apply_fixes<'a, F: std::borrow::Borrow<Fix> + 'a>(
    text: &str,
    fixes: impl IntoIterator<Item = &'a F>,
) -> FixOutcome {
    let mut fixes: Vec<&Fix> = fixes.into_iter().map(|f| f.borrow()).filter(|f| !f.edits.is_empty()).collect();
    fixes.sort_by_key(|f| f.range().map(|r| (r.start(), r.end())));
    let mut edits: Vec<&Edit> = Vec::new();
    let mut last_end: Option<TextSize> = None;
    let (mut applied, mut skipped) = (0, 0);
    // Applied fixes that cover the range being looked at. Equal fixes cover equal
    // ranges, which the sort keeps together, so only this run needs comparing (a list
    // of every applied fix made a file of many fixes quadratic).
    let mut same_range: Vec<&Fix> = Vec::new();
    let mut run_range: Option<TextRange> = None;
    for fix in fixes {
        let Some(range) = fix.range() else { continue };
        if run_range != Some(range) {
            run_range = Some(range);
            same_range.clear();
        }
        if same_range.contains(&fix) {
            continue; // the same fix reported twice (e.g. by two rules)
        }
        if last_end.is_some_and(|end| range.start() < end) {
            skipped += 1;
            continue;
        }
        last_end = Some(range.end());
        same_range.push(fix);
        edits.extend(fix.edits.iter());
        applied += 1;
    }
    edits.sort_by_key(|e| (e.range.start(), e.range.end()));
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0usize;
    for e in edits {
        let s = u32::from(e.range.start()) as usize;
        let t = u32::from(e.range.end()) as usize;
        out.push_str(&text[pos..s]);
        out.push_str(&e.content);
        pos = t;
    }
    out.push_str(&text[pos..]);
    FixOutcome { text: out, applied, skipped }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(a: u32, b: u32) -> TextRange {
        TextRange::new(a.into(), b.into())
    }

    #[test]
    fn applies_in_order_and_skips_overlaps() {
        let text = "MAINTAINER me\nRUN x\n";
        let a = Fix::safe("a", vec![Edit::replace(r(0, 10), "LABEL maintainer=")]);
        let b = Fix::safe("b", vec![Edit::replace(r(5, 12), "zzz")]);
        let c = Fix::safe("c", vec![Edit::insert(19.into(), " -y")]);
        let out = apply_fixes(text, [&c, &b, &a]);
        assert_eq!(out.text, "LABEL maintainer= me\nRUN x -y\n");
        assert_eq!((out.applied, out.skipped), (2, 1));
    }

    #[test]
    fn identical_fixes_apply_once() {
        let a = Fix::safe("a", vec![Edit::insert(0.into(), "x")]);
        let out = apply_fixes("y", [&a, &a.clone()]);
        assert_eq!(out.text, "xy");
        assert_eq!(out.applied, 1);
    }
}
