use dockward_diagnostics::Applicability;

use super::{check_bool, BoolCheck};
use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags `no-new-privileges` left at its default or set to `false`.
    ///
    /// ## Why is this bad?
    /// Without it, a process in a container can raise its privileges by running a setuid or setgid
    /// binary (`su`, `sudo`, `ping` on old images), a step in many container breakouts. Setting it
    /// daemon-wide makes it the default for every container.
    ///
    /// When the key is absent, dockerd's default is `false`.
    ///
    /// ## Example
    /// ```json
    /// { "no-new-privileges": false }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "no-new-privileges": true }
    /// ```
    ///
    /// ## Fix
    /// The fix sets `"no-new-privileges": true`. It is unsafe: images that rely on `sudo` or other
    /// setuid programs at run time stop working.
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.14
    /// - Linux `PR_SET_NO_NEW_PRIVS`
    pub struct NoNewPrivilegesDisabled;
    code = "DM012", name = "no-new-privileges-disabled", severity = Warning,
    category = Security, target = Daemon, fix = Sometimes,
    summary = "Containers may gain privileges through setuid binaries by default", cis = ["2.14"],
    practices = ["b-no-new-privileges"],
}

impl DaemonRule for NoNewPrivilegesDisabled {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        check_bool(
            cx,
            &Self::META,
            BoolCheck {
                key: "no-new-privileges",
                bad: false,
                default: false,
                effect: "processes in containers can gain privileges through setuid and setgid binaries",
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
        assert_json_flags(&NoNewPrivilegesDisabled, r#"{"no-new-privileges":false}"#, &["false"]);
        assert_json_clean(&NoNewPrivilegesDisabled, r#"{"no-new-privileges": true}"#);
        // Absent: dockerd's default applies.
        assert_json_flags(&NoNewPrivilegesDisabled, "{\"debug\": false}", &["{"]);
        assert!(json_message(&NoNewPrivilegesDisabled, "{}").contains("default is `false`"));
    }

    #[test]
    fn reads_flags_too() {
        assert_unit_flags(
            &NoNewPrivilegesDisabled,
            None,
            "[Service]\nExecStart=/usr/bin/dockerd --no-new-privileges=false\n",
            &["false"],
        );
        // A lone unit file does not say what daemon.json sets.
        assert_lone_unit_is_silent(&NoNewPrivilegesDisabled);
    }

    #[test]
    fn fix_sets_the_key() {
        assert_json_fix(
            &NoNewPrivilegesDisabled,
            "{\n  \"no-new-privileges\": false\n}\n",
            "{\n  \"no-new-privileges\": true\n}\n",
            Applicability::Unsafe,
        );
        assert_json_fix(
            &NoNewPrivilegesDisabled,
            "{\n  \"debug\": false\n}\n",
            "{\n  \"debug\": false,\n  \"no-new-privileges\": true\n}\n",
            Applicability::Unsafe,
        );
    }
}
