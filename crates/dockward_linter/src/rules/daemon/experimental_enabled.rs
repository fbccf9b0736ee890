use dockward_diagnostics::Applicability;

use super::{check_bool, BoolCheck};
use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags `"experimental": true`. The default (`false`) passes.
    ///
    /// ## Why is this bad?
    /// Experimental features are unfinished and not supported; they change between releases and have
    /// not had the scrutiny of stable features. Production daemons should not run them.
    ///
    /// When the key is absent, dockerd's default is `false`.
    ///
    /// ## Example
    /// ```json
    /// { "experimental": true }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "experimental": false }
    /// ```
    ///
    /// ## Fix
    /// The fix sets `"experimental": false`. It is unsafe: whatever uses an experimental feature
    /// stops working.
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.18
    pub struct ExperimentalEnabled;
    code = "DM015", name = "experimental-enabled", severity = Warning,
    category = Security, target = Daemon, fix = Sometimes,
    summary = "Experimental daemon features are on", cis = ["2.18"],
    practices = ["b-daemon-hardening"],
}

impl DaemonRule for ExperimentalEnabled {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        check_bool(
            cx,
            &Self::META,
            BoolCheck {
                key: "experimental",
                bad: true,
                default: false,
                effect: "experimental, unsupported features are enabled",
                fix: Some(Applicability::Unsafe),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;

    #[test]
    fn flags_the_bad_value() {
        assert_json_flags(&ExperimentalEnabled, r#"{"experimental":true}"#, &["true"]);
        assert_json_clean(&ExperimentalEnabled, r#"{"experimental": false}"#);
        // Absent: dockerd's default (`false`) is fine.
        assert_json_clean(&ExperimentalEnabled, "{}");
    }

    #[test]
    fn reads_flags_too() {
        assert_unit_flags(
            &ExperimentalEnabled,
            None,
            "[Service]\nExecStart=/usr/bin/dockerd --experimental=true\n",
            &["true"],
        );
        // A lone unit file does not say what daemon.json sets.
        assert_lone_unit_is_silent(&ExperimentalEnabled);
    }

    #[test]
    fn fix_sets_the_key() {
        assert_json_fix(
            &ExperimentalEnabled,
            "{\n  \"experimental\": true\n}\n",
            "{\n  \"experimental\": false\n}\n",
            Applicability::Unsafe,
        );
    }
}
