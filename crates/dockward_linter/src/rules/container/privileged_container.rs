use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags a container that runs privileged: Compose `privileged: true`,
    /// `docker run --privileged`, or `HostConfig.Privileged` of a live container.
    ///
    /// ## Why is this bad?
    /// A privileged container gets every capability, every host device, and no
    /// seccomp, AppArmor or SELinux confinement. Root in it is root on the host: it
    /// can mount the host's disks or load kernel modules.
    ///
    /// ## Example
    /// ```sh
    /// docker run --privileged my/agent
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --cap-drop ALL --cap-add NET_BIND_SERVICE my/agent
    /// ```
    ///
    /// ## Fix
    /// Remove `privileged` and add only the capabilities (`cap_add`) and devices
    /// (`devices`) the process really needs.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.5; practices b, "Runtime Hardening"
    pub struct PrivilegedContainer;
    code = "CT001", name = "privileged-container", severity = Error,
    category = Security, target = Container, fix = None,
    summary = "The container runs privileged",
    aliases = ["ae5b6871-7f45-42e0-bb4c-ab300c4d2026"],
    cis = ["5.5"], practices = ["b: Runtime Hardening"],
}

impl ContainerRule for PrivilegedContainer {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        if let Some(p) = spec.privileged.as_ref().filter(|p| p.value) {
            let msg = format!("{} runs privileged: all capabilities, all devices, no confinement", describe(spec));
            cx.report_value(&Self::META, p, msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_privileged() {
        assert_run_flags(&PrivilegedContainer, "docker run --privileged alpine", &["--privileged"]);
        assert_run_flags(&PrivilegedContainer, "docker run --privileged=true alpine", &["--privileged=true"]);
    }

    #[test]
    fn passes_unprivileged() {
        assert_run_clean(&PrivilegedContainer, "docker run alpine");
        assert_run_clean(&PrivilegedContainer, "docker run --privileged=false alpine");
    }
}
