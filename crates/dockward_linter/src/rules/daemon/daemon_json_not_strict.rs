use dockward_daemon::JsonIssueKind;
use dockward_diagnostics::{Edit, Fix, Location};

use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags what `daemon.json` may not contain but editors and other tools accept:
    /// `//` and `/* */` comments, trailing commas, and a UTF-8 byte-order mark.
    ///
    /// ## Why is this bad?
    /// dockerd decodes `daemon.json` with Go's strict JSON decoder. A comment or a
    /// trailing comma makes it refuse to start, usually discovered at the next reboot.
    /// Docker Engine before 25.0 also rejects a byte-order mark (Windows editors add one).
    ///
    /// ## Example
    /// ```json
    /// {
    ///   // keep containers running during upgrades
    ///   "live-restore": true,
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "live-restore": true
    /// }
    /// ```
    ///
    /// ## Fix
    /// Trailing commas and the byte-order mark are removed (safe). Comments are left
    /// for you to move elsewhere.
    ///
    /// ## References
    /// - dockerd reference, "Daemon configuration file"
    /// - RFC 8259
    pub struct DaemonJsonNotStrict;
    code = "DM001", name = "daemon-json-not-strict", severity = Error,
    category = Syntax, target = Daemon, fix = Sometimes,
    summary = "daemon.json has comments, trailing commas or a byte-order mark that dockerd rejects",
}

impl DaemonRule for DaemonJsonNotStrict {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        let Some(json) = cx.json else { return };
        for issue in &json.doc.issues {
            let at = Location::source(&json.file, issue.range);
            let (message, fix) = match issue.kind {
                JsonIssueKind::Comment => ("a comment: JSON has none, and dockerd refuses to start", None),
                JsonIssueKind::TrailingComma => (
                    "a trailing comma: dockerd refuses to start",
                    Some(Fix::safe("Remove the trailing comma", vec![Edit::delete(issue.range)])),
                ),
                JsonIssueKind::ByteOrderMark => (
                    "a UTF-8 byte-order mark: Docker Engine before 25.0 refuses to start",
                    Some(Fix::safe("Remove the byte-order mark", vec![Edit::delete(issue.range)])),
                ),
                JsonIssueKind::Syntax => continue,
            };
            let d = cx.report(&Self::META, at, message);
            if let Some(fix) = fix {
                d.fix(fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;
    use dockward_diagnostics::Applicability;

    #[test]
    fn flags_comments_commas_and_bom() {
        assert_json_flags(
            &DaemonJsonNotStrict,
            "{\n  // note\n  \"icc\": false, /* x */\n  \"hosts\": [\"fd://\",],\n}\n",
            &["// note", "/* x */", ",", ","],
        );
        let bom = lint_json(&DaemonJsonNotStrict, "\u{feff}{}");
        assert_eq!(bom.len(), 1);
        assert!(bom[0].message.contains("byte-order mark"));
        assert_json_clean(&DaemonJsonNotStrict, "{\"icc\": false, \"log-opts\": {\"max-size\": \"10m\"}}");
    }

    #[test]
    fn fix_removes_trailing_commas_and_bom() {
        assert_json_fix(
            &DaemonJsonNotStrict,
            "\u{feff}{\"a\": [1,], \"b\": 2,}",
            "{\"a\": [1], \"b\": 2}",
            Applicability::Safe,
        );
    }
}
