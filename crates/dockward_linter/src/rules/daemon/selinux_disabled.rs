use super::{check_bool, BoolCheck};
use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags `selinux-enabled` left at its default or set to `false`.
    ///
    /// ## Why is this bad?
    /// On a host that runs SELinux in enforcing mode, `selinux-enabled` gives each container its own
    /// MCS label, so a process that escapes its namespaces still cannot touch other containers' files or
    /// the host's. Without it containers run unconfined by SELinux. Hosts without SELinux can switch
    /// this rule off.
    ///
    /// When the key is absent, dockerd's default is `false`.
    ///
    /// ## Example
    /// ```json
    /// { "selinux-enabled": false }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "selinux-enabled": true }
    /// ```
    ///
    /// ## Fix
    /// Set `"selinux-enabled": true` on SELinux hosts. No automatic fix: it only has an effect
    /// where the host runs SELinux, which dockward cannot see from the file.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.2 (SELinux security options)
    /// - dockerd reference, `--selinux-enabled`
    pub struct SelinuxDisabled;
    code = "DM024", name = "selinux-disabled", severity = Info,
    category = Security, target = Daemon, fix = None,
    summary = "SELinux support in dockerd is not enabled",
    practices = ["b-runtime-hardening"],
}

impl DaemonRule for SelinuxDisabled {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        check_bool(
            cx,
            &Self::META,
            BoolCheck {
                key: "selinux-enabled",
                bad: false,
                default: false,
                effect: "containers get no SELinux labels (matters on SELinux hosts: RHEL, Fedora, CentOS)",
                fix: None,
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
        assert_json_flags(&SelinuxDisabled, r#"{"selinux-enabled":false}"#, &["false"]);
        assert_json_clean(&SelinuxDisabled, r#"{"selinux-enabled": true}"#);
        // Absent: dockerd's default applies.
        assert_json_flags(&SelinuxDisabled, "{\"debug\": false}", &["{"]);
        assert!(json_message(&SelinuxDisabled, "{}").contains("default is `false`"));
    }

    #[test]
    fn reads_flags_too() {
        assert_unit_flags(
            &SelinuxDisabled,
            None,
            "[Service]\nExecStart=/usr/bin/dockerd --selinux-enabled=false\n",
            &["false"],
        );
        // A lone unit file does not say what daemon.json sets.
        assert_lone_unit_is_silent(&SelinuxDisabled);
    }
}
