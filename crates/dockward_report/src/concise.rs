//! One line per finding, like ruff's `concise` and hadolint's `tty` output: easy to
//! grep, to diff between runs, and for editors' "errorformat" (`%f:%l:%c: %m`).
//!
//! ```text
//! Dockerfile:2:1: DF001 [warning] The image runs as root
//! container/web/HostConfig.Privileged: DC001 [error] The container is privileged
//! ```
//!
//! No snippet, no summary: every line is a finding. Messages are put on one line
//! (a line break inside a message would read as a second finding) and masked.

use std::io::{self, Write};

use dockward_diagnostics::{Diagnostic, Location};

use crate::scrub::Secrets;
use crate::Report;

/// `text` on one line: each run of whitespace holding a line break becomes one space.
pub(crate) fn one_line(text: &str) -> String {
    if !text.contains(['\n', '\r']) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut pending_break = false;
    for c in text.chars() {
        if c == '\n' || c == '\r' {
            pending_break = true;
        } else if pending_break && c.is_whitespace() {
            // Indentation after the break is part of it.
        } else {
            if pending_break {
                while out.ends_with([' ', '\t']) {
                    out.pop();
                }
                out.push(' ');
                pending_break = false;
            }
            out.push(c);
        }
    }
    out.trim_end().to_string()
}

fn line(d: &Diagnostic) -> String {
    let secrets = Secrets::of(d);
    let place = match &d.location {
        Location::Source { file, range } => {
            let at = file.position(range.start());
            format!("{}:{}:{}", file.name().replace('\\', "/"), at.line, at.column)
        }
        Location::File { name } => name.replace('\\', "/"),
        other => other.to_string(),
    };
    let mut message = one_line(&secrets.scrub(&d.message));
    if let Some(v) = d.vuln.as_deref().filter(|v| !message.contains(&v.advisory)) {
        message = format!("{}: {message}", v.advisory);
    }
    format!("{place}: {} [{}] {message}", d.rule.code, d.severity.as_str())
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
    use dockward_diagnostics::Severity;

    #[test]
    fn exact_lines() {
        let f = file("dir\\Dockerfile", "FROM a\nUSER root\nRUN a \\\n  b\n");
        let mut info = diag(&RULE_C, &f, 17, 28, "spans\n   several\r\nlines  \n");
        info.severity = Severity::Info;
        let diags = vec![
            diag(&RULE_A, &f, 7, 16, "The image runs as root"),
            info,
            Diagnostic::new(&RULE_B, Location::Logical { scope: "container/web".into(), path: "Env".into() }, "m"),
            Diagnostic::new(&RULE_B, Location::File { name: "bin.Dockerfile".into() }, "not text"),
        ];
        let out = render_to_string(Format::Concise, &report(&diags, &[]), &plain());
        assert_eq!(
            out,
            "dir/Dockerfile:2:1: DF001 [warning] The image runs as root
dir/Dockerfile:3:1: DF003 [info] spans several lines
container/web/Env: DF002 [error] m
bin.Dockerfile: DF002 [error] not text
"
        );
        // What an editor's errorformat or a `grep` relies on: each line one finding.
        assert_eq!(out.lines().count(), diags.len());
    }

    #[test]
    fn vulnerabilities_name_their_advisory() {
        let mut bare = vuln("zlib", "DEBIAN-CVE-2024-2", "low", None, None);
        bare.message = "zlib 1.0-1 is affected".into();
        let diags = vec![vuln("openssl", "DEBIAN-CVE-2024-1", "high", Some(7.5), Some("1.1")), bare];
        let out = render_to_string(Format::Concise, &report(&diags, &[]), &plain());
        assert_eq!(
            out,
            "image/app:1/layers[0]/var/lib/dpkg/status#openssl: VU001 [error] openssl 1.0-1 is affected by DEBIAN-CVE-2024-1
image/app:1/layers[0]/var/lib/dpkg/status#zlib: VU001 [info] DEBIAN-CVE-2024-2: zlib 1.0-1 is affected
"
        );
    }

    #[test]
    fn no_findings_no_output() {
        let files = vec!["Dockerfile".to_string()];
        assert_eq!(render_to_string(Format::Concise, &report(&[], &files), &plain()), "");
    }
}
