use dockward_compose::ProblemKind;

use super::{ComposeContext, ComposeRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports an env file that cannot be read or parsed: a service's `env_file`
    /// (unless marked `required: false`), `--env-file`, or a malformed `.env`.
    ///
    /// ## Why is this bad?
    /// docker compose stops on a missing required env file, and a malformed line
    /// leaves variables unset, so interpolated values change silently.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: app:1
    ///     env_file: web.env   # the file does not exist
    /// ```
    ///
    /// ## How to fix
    /// Create the file, fix the path, or use the long syntax with `required: false`
    /// when the file is optional.
    ///
    /// ## References
    /// - Compose specification, "env_file"
    pub struct EnvFileUnreadable;
    code = "CO007", name = "env-file-unreadable", severity = Error,
    category = Correctness, target = Compose, fix = None,
    summary = "An env file cannot be read or parsed",
}

impl ComposeRule for EnvFileUnreadable {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut ComposeContext<'_>) {
        cx.report_problems(&Self::META, &[ProblemKind::EnvFile]);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn missing_required_env_file() {
        let text = "services:\n  web:\n    image: a:1\n    env_file:\n      - web.env\n      - path: opt.env\n        required: false\n";
        let (found, _) = run(&EnvFileUnreadable, &[("compose.yaml", text)], &[]);
        assert_eq!(spans(&found), ["web.env"]);
        let (found, _) = run(&EnvFileUnreadable, &[("compose.yaml", text), ("web.env", "A=1\n")], &[]);
        assert!(found.is_empty());
        let (found, _) = run(&EnvFileUnreadable, &[("compose.yaml", "services: {}\n"), (".env", "A=\"open\n")], &[]);
        assert_eq!(found.len(), 1);
    }
}
