use dockward_compose::ProblemKind;

use super::{ComposeContext, ComposeRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports `extends` and `include` that cannot be resolved: a missing file, a
    /// service that does not exist, a cycle (`a` extends `b` extends `a`, a file that
    /// includes itself), or an included resource whose name is already defined.
    ///
    /// ## Why is this bad?
    /// docker compose refuses to load the project. dockward still checks the rest, but
    /// the services involved lack the settings they were meant to inherit.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     extends:
    ///       file: common.yaml
    ///       service: webapp
    /// ```
    /// with no `webapp` service in `common.yaml`.
    ///
    /// ## How to fix
    /// Fix the path or the service name, or break the cycle.
    ///
    /// ## References
    /// - Compose specification, "Extends" and "Include"
    pub struct BrokenReference;
    code = "CO006", name = "unresolved-extends-or-include", severity = Error,
    category = Correctness, target = Compose, fix = None,
    summary = "An `extends` or `include` cannot be resolved",
}

impl ComposeRule for BrokenReference {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut ComposeContext<'_>) {
        cx.report_problems(&Self::META, &[ProblemKind::Extends, ProblemKind::Include]);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn cycles_and_missing_targets() {
        let text = "services:\n  a:\n    extends: b\n  b:\n    extends:\n      service: a\n  c:\n    extends: nope\n";
        let (found, _) = run(&BrokenReference, &[("compose.yaml", text)], &[]);
        let messages: Vec<_> = found.iter().map(|d| d.message.as_ref()).collect();
        assert!(messages.iter().any(|m| m.contains("extends cycle")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("`nope`")), "{messages:?}");
        let text = "include:\n  - compose.yaml\n  - missing.yaml\nservices:\n  a:\n    image: x:1\n";
        let (found, _) = run(&BrokenReference, &[("compose.yaml", text)], &[]);
        assert_eq!(spans(&found), ["compose.yaml", "missing.yaml"]);
    }

    #[test]
    fn resolved_extends_across_files_is_clean() {
        let files = [
            ("compose.yaml", "services:\n  web:\n    extends:\n      file: base.yaml\n      service: app\n"),
            ("base.yaml", "services:\n  app:\n    image: app:1\n"),
        ];
        let (found, _) = run(&BrokenReference, &files, &[]);
        assert!(found.is_empty(), "{found:?}");
    }
}
