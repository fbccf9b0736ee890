use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a daemon without user-namespace remapping: `userns-remap` absent or empty,
    /// unless the daemon runs rootless (which remaps by construction).
    ///
    /// ## Why is this bad?
    /// Without remapping, root in a container is root on the host: a process that
    /// escapes its namespaces, or a bind mount of a host path, acts with uid 0.
    /// `"userns-remap": "default"` maps container root to an unprivileged subordinate
    /// uid range. When the key is absent dockerd does not remap.
    ///
    /// ## Example
    /// ```json
    /// { "icc": false }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "icc": false, "userns-remap": "default" }
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: remapping changes the owner of every file containers write
    /// (existing volumes and images become unreadable to them), and some workloads
    /// (`--privileged`, host namespaces) cannot run with it. Plan the change, or run
    /// Docker rootless.
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.9
    /// - Docker docs, "Isolate containers with a user namespace"
    pub struct UsernsRemapDisabled;
    code = "DM008", name = "userns-remap-disabled", severity = Warning,
    category = Security, target = Daemon, fix = None,
    summary = "Container root is host root: userns-remap is not enabled",
    cis = ["2.9"],
    practices = ["b-userns-remap"],
}

impl DaemonRule for UsernsRemapDisabled {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        if cx.spec.rootless {
            return;
        }
        match cx.spec.value("userns-remap") {
            Some(v) if v.value.as_str() == Some("") => {
                let at = v.at.clone();
                cx.report(&Self::META, at, "`userns-remap` is empty: container root is root on the host");
            }
            Some(_) => {}
            None => {
                cx.report_absent(
                    &Self::META,
                    "`userns-remap` is not set, and by default dockerd does not remap: container root is root on the host",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;

    #[test]
    fn flags_absent_or_empty_remap() {
        assert_json_flags(&UsernsRemapDisabled, "{\"icc\": false}", &["{"]);
        assert_json_flags(&UsernsRemapDisabled, r#"{"userns-remap": ""}"#, &["\"\""]);
        assert_json_clean(&UsernsRemapDisabled, r#"{"userns-remap": "default"}"#);
        assert_unit_flags(
            &UsernsRemapDisabled,
            Some("{}"),
            "[Service]\nExecStart=/usr/bin/dockerd --userns-remap=dockremap\n",
            &[],
        );
    }

    #[test]
    fn rootless_daemon_passes() {
        assert_unit_flags(&UsernsRemapDisabled, Some("{}"), "[Service]\nExecStart=/usr/bin/dockerd-rootless.sh\n", &[]);
        assert_unit_flags(&UsernsRemapDisabled, Some("{}"), "[Service]\nExecStart=/usr/bin/dockerd\n", &["{"]);
    }
}
