use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Reports a container placed under a cgroup of its own choosing (Compose
    /// `cgroup_parent`, `--cgroup-parent`), for review. Absent passes: the container
    /// goes under the daemon's parent (`/docker`, or the daemon's `cgroup-parent`,
    /// which DM023 reviews).
    ///
    /// Not reported for Kubernetes workloads: the kubelet places every pod in its own
    /// cgroup.
    ///
    /// ## Why is this bad?
    /// The cgroup parent decides which limits and accounting apply to the container.
    /// A parent outside Docker's hierarchy (`/`, a system slice) can escape the limits
    /// set for containers or share them with host services, so a busy or hostile
    /// container starves what runs beside it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     cgroup_parent: system.slice
    /// ```
    ///
    /// Use instead: leave `cgroup_parent` unset, or confirm the parent holds the limits
    /// you intend and suppress the finding there.
    ///
    /// ## Fix
    /// Remove `cgroup_parent` / `--cgroup-parent`, or document why the container needs
    /// its own parent.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.25 (5.24 in older versions); KICS "Cgroup Not Default"
    pub struct CustomCgroupParent;
    code = "CT031", name = "custom-container-cgroup-parent", severity = Info,
    category = Security, target = Container, fix = None,
    summary = "The container sets its own cgroup parent",
    aliases = ["4d9f44c6-2f4a-4317-9bb5-267adbea0232"],
    cis = ["5.25"],
    practices = ["b-runtime-hardening"],
}

impl ContainerRule for CustomCgroupParent {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        // The setting does not exist per container on Kubernetes (see docs/container-rules.md).
        if crate::rules::container::docker_only_setting_not_applicable(spec) {
            return;
        }
        let Some(parent) = spec.cgroup_parent.as_ref().filter(|p| !p.value.is_empty()) else { return };
        let msg = format!("{} runs under cgroup parent `{}` instead of the daemon's", describe(spec), parent.value);
        cx.report_value(&Self::META, parent, msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn run_lines() {
        assert_run_flags(&CustomCgroupParent, "docker run --cgroup-parent=/ app", &["/"]);
        assert_run_flags(&CustomCgroupParent, "docker run --cgroup-parent system.slice app", &["system.slice"]);
        assert_run_clean(&CustomCgroupParent, "docker run --cgroupns private app");
    }

    #[test]
    fn compose_services() {
        let yaml =
            "services:\n  a:\n    image: x:1\n    cgroup_parent: \"/\"\n  b:\n    image: x:1\n    cgroup: private\n";
        assert_compose_flags(&CustomCgroupParent, yaml, &["\"/\""]);
        let d = ComposeCase::new("services:\n  a:\n    image: x:1\n    cgroup_parent: ${CG}\n")
            .env(&[("CG", "system.slice")])
            .assert_flags(&CustomCgroupParent, &["${CG}"]);
        assert!(d[0].message.contains("system.slice"));
        assert_compose_clean(&CustomCgroupParent, "services:\n  a:\n    image: x:1\n");
    }
}
