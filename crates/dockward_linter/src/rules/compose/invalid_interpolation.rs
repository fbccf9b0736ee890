use dockward_compose::ProblemKind;

use super::{ComposeContext, ComposeRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `$` that starts no valid interpolation: `$(date)`, `${}`, `${1X}`, an
    /// unclosed `${`.
    ///
    /// ## Why is this bad?
    /// docker compose refuses the file ("invalid interpolation format"). A shell
    /// command substitution meant for the container must be written `$$(date)`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   job:
    ///     image: alpine:3.20
    ///     command: sh -c "echo $(date)"
    /// ```
    ///
    /// ## How to fix
    /// Double the `$` (`$$(date)`) to pass it to the container.
    ///
    /// ## References
    /// - Compose specification, "Interpolation"
    pub struct InvalidInterpolation;
    code = "CO005", name = "invalid-interpolation", severity = Error,
    category = Correctness, target = Compose, fix = None,
    summary = "A `$` starts no valid interpolation",
}

impl ComposeRule for InvalidInterpolation {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut ComposeContext<'_>) {
        cx.report_problems(&Self::META, &[ProblemKind::InvalidInterpolation]);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn points_at_the_dollar() {
        let text = "services:\n  job:\n    image: alpine:3.20\n    command: sh -c 'echo $(date)'\n";
        let (found, _) = run(&InvalidInterpolation, &[("compose.yaml", text)], &[]);
        assert_eq!(spans(&found), ["$(date)"]);
        let ok = "services:\n  job:\n    image: alpine:3.20\n    command: sh -c 'echo $$(date)'\n";
        assert!(run(&InvalidInterpolation, &[("compose.yaml", ok)], &[]).0.is_empty());
    }
}
