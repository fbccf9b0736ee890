use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `cgroup-parent` other than the default, for review. Absent passes:
    /// containers then go under `/docker` (cgroupfs) or `system.slice` (systemd).
    ///
    /// ## Why is this bad?
    /// The parent cgroup decides which limits apply to all containers together. A
    /// parent shared with host services, or one without limits, lets containers take
    /// resources from the host. It is not wrong in itself, hence the info level: check
    /// that it is deliberate.
    ///
    /// ## Example
    /// ```json
    /// { "cgroup-parent": "/" }
    /// ```
    ///
    /// ## Fix
    /// Remove it unless a resource plan calls for it.
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.10
    pub struct CustomCgroupParent;
    code = "DM023", name = "custom-cgroup-parent", severity = Info,
    category = BestPractice, target = Daemon, fix = None,
    summary = "A custom cgroup parent is set for all containers; confirm it",
    cis = ["2.10"],
    practices = ["b-daemon-hardening"],
}

impl DaemonRule for CustomCgroupParent {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        let Some(v) = cx.spec.value("cgroup-parent") else { return };
        let Some(parent) = v.value.as_str().filter(|p| !p.is_empty() && *p != "/docker") else { return };
        let parent = parent.to_string();
        let at = v.at.clone();
        cx.report(
            &Self::META,
            at,
            format!("every container's cgroup is under `{parent}`; confirm its limits are meant"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;

    #[test]
    fn reports_custom_parent() {
        assert_json_flags(&CustomCgroupParent, r#"{"cgroup-parent": "/"}"#, &["\"/\""]);
        assert_json_clean(&CustomCgroupParent, r#"{"cgroup-parent": "/docker"}"#);
        assert_json_clean(&CustomCgroupParent, "{}");
    }
}
