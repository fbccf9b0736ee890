//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per
//! finding, which the runner turns into inline annotations on the pull request.
//!
//! ```text
//! ::warning file=Dockerfile,line=2,col=1,endLine=2,endColumn=10,title=DF001 (last-user-is-root)::The image runs as root
//! ```

use std::io::{self, Write};

use dockward_diagnostics::{Diagnostic, Location, Severity};

use crate::scrub::Secrets;
use crate::Report;

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escapes a command's message the way the runner unescapes it; without this a
/// newline would end the command and the rest would print as plain log text.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Properties additionally escape the separators of the property list.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn line(d: &Diagnostic) -> String {
    let secrets = Secrets::of(d);
    let mut props: Vec<(&str, String)> = Vec::new();
    let mut message = secrets.scrub(&d.message).into_owned();
    match &d.location {
        Location::Source { file, range } => {
            let (start, end) = (file.position(range.start()), file.position(range.end()));
            props.push(("file", file.name().replace('\\', "/")));
            props.push(("line", start.line.to_string()));
            // GitHub only accepts columns on single-line annotations.
            if start.line == end.line {
                props.push(("col", start.column.to_string()));
            }
            props.push(("endLine", end.line.to_string()));
            if start.line == end.line {
                props.push(("endColumn", end.column.to_string()));
            }
        }
        Location::File { name } => props.push(("file", name.replace('\\', "/"))),
        // Not a file: the annotation lands on the run summary, so say where.
        Location::Logical { .. } => message = format!("{}: {message}", d.location),
    }
    props.push(("title", format!("{} ({})", d.rule.code, d.rule.name)));
    let props: Vec<String> = props.iter().map(|(k, v)| format!("{k}={}", escape_property(v))).collect();
    format!("::{} {}::{}", command(d.severity), props.join(","), escape_data(&message))
}

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for d in report.diagnostics {
        writeln!(out, "{}", line(d))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use crate::Format;

    #[test]
    fn exact_lines() {
        let f = file("dir\\Docker,file", "FROM a\nUSER root\nRUN a \\\n  b\n");
        let mut info = diag(&RULE_C, &f, 17, 28, "spans\nlines");
        info.severity = Severity::Info;
        let diags = vec![
            diag(&RULE_A, &f, 7, 16, "100% root: yes"),
            info,
            Diagnostic::new(&RULE_B, Location::Logical { scope: "container/web".into(), path: "Env".into() }, "m"),
            Diagnostic::new(&RULE_B, Location::File { name: "bin.Dockerfile".into() }, "not text\r\n"),
        ];
        let out = render_to_string(Format::Github, &report(&diags, &[]), &plain());
        assert_eq!(
            out,
            "::warning file=dir/Docker%2Cfile,line=2,col=1,endLine=2,endColumn=10,title=DF001 (last-user-is-root)::100%25 root: yes
::notice file=dir/Docker%2Cfile,line=3,endLine=4,title=DF003 (apt-no-clean)::spans%0Alines
::error title=DF002 (secret-in-env)::container/web/Env: m
::error file=bin.Dockerfile,title=DF002 (secret-in-env)::not text%0D%0A
"
        );
    }
}
