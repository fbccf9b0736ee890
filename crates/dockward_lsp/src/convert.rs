//! dockward's findings and fixes as LSP diagnostics and text edits.

use std::str::FromStr;

use dockward_diagnostics::{Diagnostic, Edit, Location, Severity};
use dockward_linter::registry;
use dockward_source::SourceFile;
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, NumberOrString, Position, Range,
    TextEdit, Uri,
};

use crate::document;

/// Where rule pages are: `{code}` is replaced by the rule's code. The same page as
/// SARIF's `helpUri` (`dockward_report::RULE_PAGE_URL`: `docs/rules/` in the repository);
/// `initializationOptions.ruleUrl` changes it.
pub const DEFAULT_RULE_URL: &str = dockward_report::RULE_PAGE_URL;

/// The link to a rule's page.
pub fn rule_href(template: &str, code: &str) -> Option<Uri> {
    Uri::from_str(&dockward_report::rule_page_url(template, code)).ok()
}

/// One finding about the document `file` (the text it was checked as) at `uri`.
pub fn diagnostic(d: &Diagnostic, file: &SourceFile, uri: &Uri, rule_url: &str) -> lsp_types::Diagnostic {
    let range = d.location.range().map_or_else(Range::default, |r| document::range(file, r));
    // Messages never hold secrets, but every output masks them anyway (the same
    // scrubbing as the report formats).
    let mut message = dockward_report::masked_message(d).into_owned();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> =
        d.related.iter().filter_map(|r| related(&r.location, &r.message, file, uri)).collect();
    let unnecessary = d.rule.code == registry::UNUSED_SUPPRESSION.code;
    lsp_types::Diagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.rule.code.to_string())),
        code_description: rule_href(rule_url, d.rule.code).map(|href| CodeDescription { href }),
        source: Some("dockward".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: unnecessary.then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// A related location: in the document itself, or in another file on disk (a
/// Compose base file, an extended file, `.env`). Logical places have no URI.
fn related(at: &Location, message: &str, doc: &SourceFile, uri: &Uri) -> Option<DiagnosticRelatedInformation> {
    let Location::Source { file, range } = at else { return None };
    let same = file.name() == doc.name();
    let target = if same { uri.clone() } else { crate::uri::from_path(file.path()?)? };
    // A range in the document is converted with the document's text; one in another
    // file with that file's.
    let range = if same { document::range(doc, *range) } else { document::range(file, *range) };
    Some(DiagnosticRelatedInformation {
        location: lsp_types::Location { uri: target, range },
        message: message.to_string(),
    })
}

/// The text edits of a fix, in the document's positions, sorted.
pub fn edits(edits: &[Edit], file: &SourceFile) -> Vec<TextEdit> {
    let mut out: Vec<TextEdit> = edits
        .iter()
        .map(|e| TextEdit { range: document::range(file, e.range), new_text: e.content.to_string() })
        .collect();
    out.sort_by_key(|e| (e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character));
    out
}

/// One edit turning `old` into `new`: the changed lines, between the common prefix
/// and suffix of whole lines. A whole-document replacement would move the cursor and
/// the folds; a line diff is more than a fix-all needs.
pub fn minimal_edit(old: &SourceFile, new: &str) -> Option<TextEdit> {
    let old_text = old.text();
    if old_text == new {
        return None;
    }
    let common = old_text.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    // Back to the start of the line (a line start is a character boundary in both).
    let prefix = old_text.as_bytes()[..common].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let max_suffix = (old_text.len() - prefix).min(new.len() - prefix);
    let mut suffix = old_text.bytes().rev().zip(new.bytes().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
    // Forward to a line start: the kept suffix is whole lines.
    while suffix > 0 && old_text.len() - suffix > prefix && old_text.as_bytes()[old_text.len() - suffix - 1] != b'\n' {
        suffix -= 1;
    }
    let start = document::position(old, (prefix as u32).into());
    let end = document::position(old, ((old_text.len() - suffix) as u32).into());
    Some(TextEdit { range: Range { start, end }, new_text: new[prefix..new.len() - suffix].to_string() })
}

/// Whether two ranges overlap or touch (a cursor at a finding's end is on it).
pub fn touches(a: Range, b: Range) -> bool {
    let le = |x: Position, y: Position| (x.line, x.character) <= (y.line, y.character);
    le(a.start, b.end) && le(b.start, a.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, e: &TextEdit) -> String {
        let starts = document::line_starts(text);
        let s = document::offset_of(text, &starts, e.range.start);
        let t = document::offset_of(text, &starts, e.range.end);
        format!("{}{}{}", &text[..s], e.new_text, &text[t..])
    }

    #[test]
    fn minimal_edits_cut_at_characters() {
        for (old, new) in [
            ("FROM é:1\nRUN x\n", "FROM é:2\nRUN x\n"),
            ("aé", "aè"),
            ("abc", "abcabc"),
            ("abcabc", "abc"),
            ("x😀y", "x😁y"),
            ("", "FROM a\n"),
        ] {
            let file = SourceFile::new("f", None, old);
            let e = minimal_edit(&file, new).unwrap();
            assert_eq!(apply(old, &e), new, "{old:?} -> {new:?}: {e:?}");
        }
        assert!(minimal_edit(&SourceFile::new("f", None, "same"), "same").is_none());
    }

    #[test]
    fn rule_links_follow_the_template() {
        assert_eq!(
            rule_href(DEFAULT_RULE_URL, "DF001").unwrap().as_str(),
            format!("{}/blob/main/docs/rules/DF001.md", env!("CARGO_PKG_REPOSITORY"))
        );
        assert_eq!(
            rule_href("https://git.example.org/docs/rules/{code}.md", "CT001").unwrap().as_str(),
            "https://git.example.org/docs/rules/CT001.md"
        );
        assert_eq!(rule_href("https://h/r/", "DM002").unwrap().as_str(), "https://h/r/DM002");
    }
}
