use dockward_compose::ProblemKind;

use super::{ComposeContext, ComposeRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports what the Compose specification's JSON schema rejects: unknown keys,
    /// values of the wrong type (`ports: 80` instead of a list), a file whose top
    /// level is not a mapping. Validation runs on each file after interpolation, as
    /// docker compose does; like Compose, an interpolated value stays a string
    /// (`user: ${UID:-1000}` is `"1000"`, `platform: ${X:-}` is `""`) except in the
    /// fields Compose converts (booleans and numbers such as `privileged`,
    /// `depends_on.*.required`, `ports[].target`).
    ///
    /// ## Why is this bad?
    /// docker compose refuses to start a project with such a file. An unknown key is
    /// usually a typo (`enviroment:`) whose setting silently never applies in tools
    /// that are more lenient.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     enviroment:
    ///       - DEBUG=1
    /// ```
    ///
    /// ## How to fix
    /// Correct the key or the value's type; the message names the path in the model.
    ///
    /// ## References
    /// - Compose specification, `schema/compose-spec.json`
    pub struct SchemaViolation;
    code = "CO002", name = "compose-schema-violation", severity = Error,
    category = Correctness, target = Compose, fix = None,
    summary = "The Compose schema rejects a key or value",
}

impl ComposeRule for SchemaViolation {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut ComposeContext<'_>) {
        cx.report_problems(&Self::META, &[ProblemKind::Schema]);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn unknown_keys_and_wrong_types_point_at_the_node() {
        let text = "services:\n  web:\n    image: a:1\n    enviroment: [A=1]\n    ports: 80\nbogus: 1\n";
        let (found, _) = run(&SchemaViolation, &[("compose.yaml", text)], &[]);
        assert_eq!(spans(&found), ["enviroment", "80", "bogus"]);
        assert!(found[0].message.contains("unknown key `enviroment` in `services.web`"));
    }

    #[test]
    fn interpolated_values_are_typed_before_validation() {
        let text = "services:\n  web:\n    image: a:1\n    privileged: ${PRIV}\n    cpus: ${CPUS}\n";
        let (found, _) = run(&SchemaViolation, &[("compose.yaml", text)], &[("PRIV", "true"), ("CPUS", "0.5")]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn interpolated_values_stay_strings_elsewhere() {
        let text = "services:\n  web:\n    image: a:1\n    platform: ${PLATFORM:-}\n    user: ${UID:-1000}\n    hostname: ${H:-true}\n    depends_on:\n      db: {condition: service_started, required: ${REQ:-false}}\n  db:\n    image: b:1\n";
        let (found, _) = run(&SchemaViolation, &[("compose.yaml", text)], &[]);
        assert!(found.is_empty(), "{found:?}");
        // Written without a variable, a number is a number and null is null.
        let text = "services:\n  web:\n    image: a:1\n    platform:\n    user: 1000\n";
        let (found, _) = run(&SchemaViolation, &[("compose.yaml", text)], &[]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].message.contains("platform") && found[1].message.contains("user"));
    }

    #[test]
    fn non_mapping_root() {
        let (found, _) = run(&SchemaViolation, &[("compose.yaml", "- a\n- b\n")], &[]);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("mapping"));
    }
}
