use dockward_compose::ProblemKind;

use super::{ComposeContext, ComposeRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a key written twice in the same mapping, a second YAML document in the
    /// file, and `<<` merge keys whose value is not a mapping.
    ///
    /// ## Why is this bad?
    /// docker compose rejects duplicate keys; other YAML readers silently keep the
    /// first or the last value, so two tools can disagree on what a service runs with
    /// (for example which `user:` applies).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     user: app
    ///     user: root
    /// ```
    ///
    /// ## How to fix
    /// Keep one of the entries.
    ///
    /// ## References
    /// - YAML 1.2, "mapping keys must be unique"
    pub struct DuplicateKey;
    code = "CO003", name = "duplicate-yaml-key", severity = Error,
    category = Correctness, target = Compose, fix = None,
    summary = "A key is written twice in the same mapping",
}

impl ComposeRule for DuplicateKey {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut ComposeContext<'_>) {
        cx.report_problems(&Self::META, &[ProblemKind::DuplicateKey]);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn points_at_the_second_key() {
        let text = "services:\n  web:\n    image: a:1\n    user: app\n    user: root\n";
        let (found, _) = run(&DuplicateKey, &[("compose.yaml", text)], &[]);
        assert_eq!(found.len(), 1);
        let (start, _) = found[0].location.span().unwrap();
        assert_eq!(start.line, 5);
        let (found, _) = run(&DuplicateKey, &[("compose.yaml", "services:\n  web:\n    image: a:1\n")], &[]);
        assert!(found.is_empty());
    }
}
