use dockward_compose::ProblemKind;

use super::{ComposeContext, ComposeRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `depends_on` entry that names no service of the project (unless it is
    /// marked `required: false`), and dependency cycles (`a` -> `b` -> `a`, or a
    /// service that depends on itself).
    ///
    /// ## Why is this bad?
    /// docker compose refuses the project: it cannot order the services' start-up.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: app:1
    ///     depends_on: [db]
    ///   db:
    ///     image: postgres:16
    ///     depends_on: [web]
    /// ```
    ///
    /// ## How to fix
    /// Remove the dependency that closes the cycle, or fix the service name.
    ///
    /// ## References
    /// - Compose specification, "depends_on"
    pub struct BrokenDependsOn;
    code = "CO011", name = "broken-depends-on", severity = Error,
    category = Correctness, target = Compose, fix = None,
    summary = "A `depends_on` names no service or forms a cycle",
}

impl ComposeRule for BrokenDependsOn {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut ComposeContext<'_>) {
        cx.report_problems(&Self::META, &[ProblemKind::DependsOn]);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn cycles_self_references_and_unknown_services() {
        let text = "services:\n  a:\n    image: a:1\n    depends_on: [b]\n  b:\n    image: b:1\n    depends_on:\n      a:\n        condition: service_started\n  c:\n    image: c:1\n    depends_on: [c, ghost]\n  d:\n    image: d:1\n    depends_on:\n      opt:\n        condition: service_started\n        required: false\n";
        let (found, _) = run(&BrokenDependsOn, &[("compose.yaml", text)], &[]);
        let got: Vec<_> = found.iter().map(|d| d.message.as_ref()).collect();
        assert_eq!(
            got,
            [
                "depends_on cycle: a -> b -> a",
                "depends_on cycle: c -> c",
                "service `c` depends on undefined service `ghost`"
            ]
        );
        assert_eq!(spans(&found), ["a", "c", "ghost"]);
    }

    #[test]
    fn a_dag_is_clean() {
        let text = "services:\n  a:\n    image: a:1\n    depends_on: [b, c]\n  b:\n    image: b:1\n    depends_on: [c]\n  c:\n    image: c:1\n";
        assert!(run(&BrokenDependsOn, &[("compose.yaml", text)], &[]).0.is_empty());
    }
}
