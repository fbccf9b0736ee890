use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a daemon without `default-ulimits` (`--default-ulimit`). When the key
    /// is absent, containers inherit dockerd's own limits, which on systemd hosts are
    /// `LimitNOFILE=infinity`/`LimitNPROC=infinity` in the packaged unit.
    ///
    /// ## Why is this bad?
    /// Without a default, one container can open enough files or start enough
    /// processes to starve the others and the host (fork bombs). Setting daemon-wide
    /// defaults (`nofile`, `nproc`) bounds every container that does not ask for more.
    ///
    /// ## Example
    /// ```json
    /// { "icc": false }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "default-ulimits": { "nofile": { "Name": "nofile", "Soft": 64000, "Hard": 64000 } } }
    /// ```
    ///
    /// ## Fix
    /// Choose limits that fit your workloads; no automatic fix.
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.8
    pub struct DefaultUlimitsUnset;
    code = "DM022", name = "default-ulimits-unset", severity = Info,
    category = BestPractice, target = Daemon, fix = None,
    summary = "No default ulimits bound containers' open files and processes",
    cis = ["2.8"],
    practices = ["b-daemon-hardening"],
}

impl DaemonRule for DefaultUlimitsUnset {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        match cx.spec.value("default-ulimits") {
            Some(v) if matches!(&v.value, dockward_spec::DaemonValue::Map(m) if m.is_empty()) => {
                let at = v.at.clone();
                cx.report(&Self::META, at, "`default-ulimits` is empty: containers inherit dockerd's own limits");
            }
            Some(_) => {}
            None => {
                cx.report_absent(
                    &Self::META,
                    "`default-ulimits` is not set, so containers inherit dockerd's own limits (often unlimited)",
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
    fn reports_absent_ulimits() {
        assert_json_flags(&DefaultUlimitsUnset, "{}", &["{"]);
        assert_json_flags(&DefaultUlimitsUnset, r#"{"default-ulimits": {}}"#, &["{}"]);
        assert_json_clean(
            &DefaultUlimitsUnset,
            r#"{"default-ulimits": {"nofile": {"Name": "nofile", "Soft": 1024, "Hard": 4096}}}"#,
        );
        assert_unit_flags(
            &DefaultUlimitsUnset,
            Some("{}"),
            "[Service]\nExecStart=/usr/bin/dockerd --default-ulimit nofile=1024:4096\n",
            &[],
        );
    }
}
