use dockward_daemon::KeyProblem;
use dockward_diagnostics::{Edit, Fix, Location};

use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags `daemon.json` values of the wrong JSON type for their option: a string
    /// where dockerd wants a boolean (`"icc": "false"`), a number in `log-opts`
    /// (whose values must be strings), a single string where it wants an array.
    ///
    /// ## Why is this bad?
    /// dockerd refuses to start when a value does not decode into the option's type.
    /// `"false"` in quotes is the classic: it reads like the right setting.
    ///
    /// ## Example
    /// ```json
    /// { "icc": "false", "log-opts": { "max-file": 3 } }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "icc": false, "log-opts": { "max-file": "3" } }
    /// ```
    ///
    /// ## Fix
    /// A quoted `"true"`/`"false"` for a boolean option, or a quoted integer for an
    /// integer option, is unquoted (safe: it is what the value says).
    ///
    /// ## References
    /// - dockerd reference, "Daemon configuration file"
    pub struct DaemonOptionWrongType;
    code = "DM003", name = "daemon-option-wrong-type", severity = Error,
    category = Correctness, target = Daemon, fix = Sometimes,
    summary = "A daemon.json value has the wrong type for its option",
}

impl DaemonRule for DaemonOptionWrongType {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        let Some(json) = cx.json else { return };
        for p in &json.problems {
            let KeyProblem::WrongType { key, range, expected, found } = p else { continue };
            let raw = &json.file.text()[*range];
            let inner = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"'));
            let fix = match (*expected, inner) {
                ("a boolean", Some(v @ ("true" | "false"))) => Some(v),
                ("an integer", Some(v)) if v.parse::<i64>().is_ok() => Some(v),
                _ => None,
            };
            let at = Location::source(&json.file, *range);
            let d = cx.report(
                &Self::META,
                at,
                format!("`{key}` must be {expected}, not {found} (dockerd refuses to start)"),
            );
            if let Some(v) = fix {
                d.fix(Fix::safe(format!("Write `{v}` without quotes"), vec![Edit::replace(*range, v.to_string())]));
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
    fn flags_wrong_types() {
        assert_json_flags(
            &DaemonOptionWrongType,
            r#"{"icc": "false", "hosts": "fd://", "log-opts": {"max-file": 3}, "mtu": 1.5, "debug": null}"#,
            &["\"false\"", "\"fd://\"", "{\"max-file\": 3}", "1.5"],
        );
        assert!(json_message(&DaemonOptionWrongType, r#"{"icc": "false"}"#).contains("must be a boolean, not a string"));
        assert_json_clean(
            &DaemonOptionWrongType,
            r#"{"icc": false, "hosts": ["fd://"], "log-opts": {"max-file": "3"}, "mtu": 1500, "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 64000, "Soft": 64000}}}"#,
        );
    }

    #[test]
    fn fix_unquotes_booleans_and_integers() {
        assert_json_fix(
            &DaemonOptionWrongType,
            r#"{"icc": "false", "mtu": "1500"}"#,
            r#"{"icc": false, "mtu": 1500}"#,
            Applicability::Safe,
        );
    }
}
