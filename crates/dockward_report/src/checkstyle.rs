//! Checkstyle XML, the format Jenkins (Warnings NG), reviewdog, SonarQube and many
//! editors read from linters:
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <checkstyle version="4.3">
//!   <file name="Dockerfile">
//!     <error line="2" column="1" severity="warning" message="The image runs as root" source="dockward.DF001"/>
//!   </file>
//! </checkstyle>
//! ```
//!
//! One `<file>` per checked file (clean ones too, empty, as Checkstyle itself does, so a
//! consumer can tell "checked, nothing found" from "not checked"), sorted by name;
//! findings not in a file (an audit's containers and images) sit under a `<file>`
//! named after their object. Written by hand: the format is a dozen lines and escaping
//! is all there is to get right.

use std::collections::BTreeMap;
use std::io::{self, Write};

use dockward_diagnostics::{Diagnostic, Location};

use crate::scrub::Secrets;
use crate::Report;

/// `s` escaped for a double-quoted XML attribute. Line breaks and tabs are written as
/// character references (a parser would otherwise normalise them to spaces), and
/// characters XML 1.0 cannot hold at all (other C0 controls, U+FFFE, U+FFFF) become
/// U+FFFD, so the document always parses.
pub(crate) fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The `<file name>` a finding belongs to.
fn file_name(d: &Diagnostic) -> String {
    match &d.location {
        Location::Source { file, .. } => file.name().replace('\\', "/"),
        Location::File { name } => name.replace('\\', "/"),
        Location::Logical { scope, .. } => scope.clone(),
    }
}

fn error(d: &Diagnostic) -> String {
    let secrets = Secrets::of(d);
    let mut message = secrets.scrub(&d.message).into_owned();
    let mut position = String::new();
    match &d.location {
        Location::Source { file, range } => {
            let at = file.position(range.start());
            position = format!(" line=\"{}\" column=\"{}\"", at.line, at.column);
        }
        Location::File { .. } => {}
        // The object is the `<file>`; the field inside it goes into the message.
        Location::Logical { path, .. } => message = format!("{path}: {message}"),
    }
    if let Some(v) = d.vuln.as_deref().filter(|v| !message.contains(&v.advisory)) {
        message = format!("{}: {message}", v.advisory);
    }
    format!(
        "    <error{position} severity=\"{}\" message=\"{}\" source=\"dockward.{}\"/>",
        d.severity.as_str(),
        escape_attr(&message),
        escape_attr(d.rule.code)
    )
}

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut files: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for name in report.files {
        files.entry(name.replace('\\', "/")).or_default();
    }
    for d in report.diagnostics {
        files.entry(file_name(d)).or_default().push(d);
    }
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(out, "<checkstyle version=\"4.3\">")?;
    for (name, diagnostics) in files {
        if diagnostics.is_empty() {
            writeln!(out, "  <file name=\"{}\"/>", escape_attr(&name))?;
            continue;
        }
        writeln!(out, "  <file name=\"{}\">", escape_attr(&name))?;
        for d in diagnostics {
            writeln!(out, "{}", error(d))?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use crate::Format;
    use dockward_diagnostics::Severity;
    use quick_xml::events::Event;

    /// One `<error>` as a reader sees it: (file, line, column, severity, message, source).
    type Read = (String, Option<String>, Option<String>, String, String, String);

    /// Reads the document back with a real XML parser, checking its structure on the
    /// way: a `checkstyle` root, `file`s with a `name` directly under it, `error`s with
    /// the required attributes directly under a `file`, nothing else.
    fn read_back(xml: &str) -> (Vec<String>, Vec<Read>) {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut stack: Vec<String> = Vec::new();
        let (mut files, mut errors) = (Vec::new(), Vec::new());
        loop {
            let event = reader.read_event().unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{xml}"));
            let (element, empty) = match &event {
                Event::Start(e) => (e.clone(), false),
                Event::Empty(e) => (e.clone(), true),
                Event::End(_) => {
                    stack.pop();
                    continue;
                }
                Event::Eof => break,
                Event::Decl(_) | Event::Text(_) => continue,
                other => panic!("unexpected {other:?}"),
            };
            let name = String::from_utf8(element.name().as_ref().to_vec()).unwrap();
            let attr = |key: &str| {
                element.try_get_attribute(key).unwrap().map(|a| {
                    // Normalised as the XML spec says (literal line breaks become spaces), so
                    // this checks that breaks were written as character references.
                    a.decoded_and_normalized_value(quick_xml::XmlVersion::default(), reader.decoder())
                        .unwrap()
                        .into_owned()
                })
            };
            match (stack.last().map(String::as_str), name.as_str()) {
                (None, "checkstyle") => assert_eq!(attr("version").as_deref(), Some("4.3")),
                (Some("checkstyle"), "file") => files.push(attr("name").expect("file name")),
                (Some("file"), "error") => errors.push((
                    files.last().unwrap().clone(),
                    attr("line"),
                    attr("column"),
                    attr("severity").expect("severity"),
                    attr("message").expect("message"),
                    attr("source").expect("source"),
                )),
                (parent, child) => panic!("<{child}> is not allowed under {parent:?}"),
            }
            if !empty {
                stack.push(name);
            }
        }
        assert!(stack.is_empty(), "unclosed elements {stack:?}");
        (files, errors)
    }

    #[test]
    fn a_reader_gets_back_every_finding_unchanged() {
        let f = file("dir\\Dockerfile", "FROM a\nUSER root\nRUN a \\\n  b\n");
        let mut info = diag(&RULE_C, &f, 17, 28, "tab\there, \"quotes\" & <tags>\nand a\u{1}control");
        info.severity = Severity::Info;
        let diags = vec![
            diag(&RULE_A, &f, 7, 16, "runs as 'root'"),
            info,
            Diagnostic::new(&RULE_B, Location::Logical { scope: "container/web".into(), path: "Env".into() }, "m"),
            Diagnostic::new(&RULE_B, Location::File { name: "bin.Dockerfile".into() }, "not text"),
        ];
        let files = vec!["clean/Dockerfile".to_string(), "dir\\Dockerfile".to_string()];
        let out = render_to_string(Format::Checkstyle, &report(&diags, &files), &plain());
        let (names, errors) = read_back(&out);
        assert_eq!(names, ["bin.Dockerfile", "clean/Dockerfile", "container/web", "dir/Dockerfile"]);
        let s = |x: &str| x.to_string();
        assert_eq!(
            errors,
            vec![
                (s("bin.Dockerfile"), None, None, s("error"), s("not text"), s("dockward.DF002")),
                (s("container/web"), None, None, s("error"), s("Env: m"), s("dockward.DF002")),
                (
                    s("dir/Dockerfile"),
                    Some(s("2")),
                    Some(s("1")),
                    s("warning"),
                    s("runs as 'root'"),
                    s("dockward.DF001")
                ),
                (
                    s("dir/Dockerfile"),
                    Some(s("3")),
                    Some(s("1")),
                    s("info"),
                    s("tab\there, \"quotes\" & <tags>\nand a\u{FFFD}control"),
                    s("dockward.DF003")
                ),
            ]
        );
    }

    #[test]
    fn no_findings_is_a_valid_document() {
        let out = render_to_string(Format::Checkstyle, &report(&[], &[]), &plain());
        assert_eq!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n</checkstyle>\n");
        assert_eq!(read_back(&out), (vec![], vec![]));
    }

    #[test]
    fn vulnerabilities_name_their_advisory() {
        let mut d = vuln("zlib", "DEBIAN-CVE-2024-2", "medium", None, None);
        d.message = "zlib is affected".into();
        let out = render_to_string(Format::Checkstyle, &report(&[d], &[]), &plain());
        let (_, errors) = read_back(&out);
        assert_eq!(errors[0].0, "image/app:1");
        assert_eq!(errors[0].4, "DEBIAN-CVE-2024-2: layers[0]/var/lib/dpkg/status#zlib: zlib is affected");
    }
}
