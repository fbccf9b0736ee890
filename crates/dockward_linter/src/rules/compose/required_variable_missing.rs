use dockward_compose::ProblemKind;

use super::{ComposeContext, ComposeRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports `${VAR:?message}` and `${VAR?message}` whose variable has no value in
    /// the environment, `.env` or the `--env-file`s.
    ///
    /// ## Why is this bad?
    /// docker compose stops with the message: the author marked the variable as
    /// required. Checking the file with the variables of the target environment
    /// catches a deployment that would fail.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     environment:
    ///       POSTGRES_PASSWORD_FILE: ${DB_PASSWORD_FILE:?set DB_PASSWORD_FILE}
    /// ```
    ///
    /// ## How to fix
    /// Set the variable (in `.env`, with `--env-file`, or in the environment), or give
    /// it a default with `${VAR:-default}`.
    ///
    /// ## References
    /// - Compose specification, "Interpolation"
    pub struct RequiredVariableMissing;
    code = "CO004", name = "required-variable-missing", severity = Error,
    category = Correctness, target = Compose, fix = None,
    summary = "A required `${VAR:?}` variable has no value",
}

impl ComposeRule for RequiredVariableMissing {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut ComposeContext<'_>) {
        cx.report_problems(&Self::META, &[ProblemKind::RequiredVariable]);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn points_at_the_expression() {
        let text = "services:\n  web:\n    image: \"app:${TAG:?set TAG}\"\n";
        let (found, _) = run(&RequiredVariableMissing, &[("compose.yaml", text)], &[]);
        assert_eq!(spans(&found), ["${TAG:?set TAG}"]);
        assert!(found[0].message.contains("set TAG"));
        let (found, _) = run(&RequiredVariableMissing, &[("compose.yaml", text)], &[("TAG", "1")]);
        assert!(found.is_empty());
        let (found, _) = run(&RequiredVariableMissing, &[("compose.yaml", text), (".env", "TAG=2\n")], &[]);
        assert!(found.is_empty());
    }
}
