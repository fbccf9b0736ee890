use dockward_diagnostics::Applicability;

use super::{check_bool, BoolCheck};
use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags `icc` left at its default or set to `true`.
    ///
    /// ## Why is this bad?
    /// With `icc` on, every container on the default `docker0` bridge can open connections to every
    /// other one, on every port. One compromised container can probe and attack the rest. Containers
    /// that must talk should share a user-defined network, or use links.
    ///
    /// When the key is absent, dockerd's default is `true`.
    ///
    /// ## Example
    /// ```json
    /// { "icc": true }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "icc": false }
    /// ```
    ///
    /// ## Fix
    /// The fix sets `"icc": false`. It is unsafe: containers on the default bridge that talk to
    /// each other stop reaching each other until moved to a user-defined network.
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.2
    /// - dockerd reference, `--icc`
    pub struct IccEnabled;
    code = "DM006", name = "icc-enabled", severity = Warning,
    category = Security, target = Daemon, fix = Sometimes,
    summary = "Inter-container communication on the default bridge is not disabled", cis = ["2.2"],
    practices = ["b-no-icc"],
}

impl DaemonRule for IccEnabled {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        check_bool(
            cx,
            &Self::META,
            BoolCheck {
                key: "icc",
                bad: true,
                default: true,
                effect: "containers on the default bridge can reach each other on every port",
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
        assert_json_flags(&IccEnabled, r#"{"icc":true}"#, &["true"]);
        assert_json_clean(&IccEnabled, r#"{"icc": false}"#);
        // Absent: dockerd's default applies.
        assert_json_flags(&IccEnabled, "{\"debug\": false}", &["{"]);
        assert!(json_message(&IccEnabled, "{}").contains("default is `true`"));
    }

    #[test]
    fn reads_flags_too() {
        assert_unit_flags(&IccEnabled, None, "[Service]\nExecStart=/usr/bin/dockerd --icc=true\n", &["true"]);
        // A lone unit file does not say what daemon.json sets.
        assert_lone_unit_is_silent(&IccEnabled);
    }

    #[test]
    fn fix_sets_the_key() {
        assert_json_fix(&IccEnabled, "{\n  \"icc\": true\n}\n", "{\n  \"icc\": false\n}\n", Applicability::Unsafe);
        assert_json_fix(
            &IccEnabled,
            "{\n  \"debug\": false\n}\n",
            "{\n  \"debug\": false,\n  \"icc\": false\n}\n",
            Applicability::Unsafe,
        );
    }
}
