use dockward_daemon::KeyProblem;
use dockward_diagnostics::Location;

use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a key written twice in the same `daemon.json` object.
    ///
    /// ## Why is this bad?
    /// dockerd silently keeps the last value. A reviewer reading the first one (say
    /// `"icc": false` near the top) believes a setting that is not in effect.
    ///
    /// ## Example
    /// ```json
    /// { "icc": false, "debug": true, "icc": true }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "icc": false, "debug": true }
    /// ```
    ///
    /// ## Fix
    /// Delete the copy you do not mean; dockward cannot know which one that is.
    ///
    /// ## References
    /// - RFC 8259 section 4 ("names within an object SHOULD be unique")
    pub struct DuplicateDaemonOption;
    code = "DM004", name = "duplicate-daemon-option", severity = Warning,
    category = Correctness, target = Daemon, fix = None,
    summary = "A daemon.json key is written twice; dockerd keeps only the last",
}

impl DaemonRule for DuplicateDaemonOption {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        let Some(json) = cx.json else { return };
        for p in &json.problems {
            let KeyProblem::Duplicate { key, range, first } = p else { continue };
            let at = Location::source(&json.file, *range);
            let first = Location::source(&json.file, *first);
            cx.report(&Self::META, at, format!("`{key}` is set again; dockerd uses this value and ignores the first"))
                .related(first, "first set here");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;

    #[test]
    fn flags_the_second_key() {
        let diags = lint_json(&DuplicateDaemonOption, "{\"icc\": false,\n\"debug\": true,\n\"icc\": true}");
        assert_eq!(covered(&diags), ["\"icc\""]);
        assert_eq!(diags[0].location.span().unwrap().0.line, 3);
        assert_eq!(diags[0].related.len(), 1);
        // Nested objects are their own scope.
        assert_json_clean(&DuplicateDaemonOption, r#"{"log-opts": {"max-size": "1m"}, "storage-opts": ["a", "a"]}"#);
    }
}
