use dockward_diagnostics::Applicability;

use super::{check_bool, BoolCheck};
use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags `live-restore` left at its default or set to `false`.
    ///
    /// ## Why is this bad?
    /// Without live restore, restarting or upgrading dockerd stops every container. Security updates of
    /// the engine then mean downtime, so they get postponed. (Swarm mode does not support live restore.)
    ///
    /// When the key is absent, dockerd's default is `false`.
    ///
    /// ## Example
    /// ```json
    /// { "live-restore": false }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "live-restore": true }
    /// ```
    ///
    /// ## Fix
    /// The fix sets `"live-restore": true` (safe: it only changes what happens when dockerd
    /// restarts; reload with `systemctl reload docker`).
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.15
    /// - Docker docs, "Live restore"
    pub struct LiveRestoreDisabled;
    code = "DM007", name = "live-restore-disabled", severity = Warning,
    category = BestPractice, target = Daemon, fix = Sometimes,
    summary = "live-restore is off, so containers stop when the daemon stops", cis = ["2.15"],
    practices = ["b-live-restore"],
}

impl DaemonRule for LiveRestoreDisabled {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        check_bool(
            cx,
            &Self::META,
            BoolCheck {
                key: "live-restore",
                bad: false,
                default: false,
                effect: "every container stops when dockerd stops or is upgraded",
                fix: Some(Applicability::Safe),
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
        assert_json_flags(&LiveRestoreDisabled, r#"{"live-restore":false}"#, &["false"]);
        assert_json_clean(&LiveRestoreDisabled, r#"{"live-restore": true}"#);
        // Absent: dockerd's default applies.
        assert_json_flags(&LiveRestoreDisabled, "{\"debug\": false}", &["{"]);
        assert!(json_message(&LiveRestoreDisabled, "{}").contains("default is `false`"));
    }

    #[test]
    fn reads_flags_too() {
        assert_unit_flags(
            &LiveRestoreDisabled,
            None,
            "[Service]\nExecStart=/usr/bin/dockerd --live-restore=false\n",
            &["false"],
        );
        // A lone unit file does not say what daemon.json sets.
        assert_lone_unit_is_silent(&LiveRestoreDisabled);
    }

    #[test]
    fn fix_sets_the_key() {
        assert_json_fix(
            &LiveRestoreDisabled,
            "{\n  \"live-restore\": false\n}\n",
            "{\n  \"live-restore\": true\n}\n",
            Applicability::Safe,
        );
        assert_json_fix(
            &LiveRestoreDisabled,
            "{\n  \"debug\": false\n}\n",
            "{\n  \"debug\": false,\n  \"live-restore\": true\n}\n",
            Applicability::Safe,
        );
    }
}
