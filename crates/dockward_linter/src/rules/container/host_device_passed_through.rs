use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags host devices passed into the container (`devices:`, `--device`,
    /// `HostConfig.Devices`).
    ///
    /// Not reported for Kubernetes workloads: devices reach a pod through device plugins,
    /// not a per-container list.
    ///
    /// ## Why is this bad?
    /// A device node gives direct access to hardware or kernel interfaces: a disk
    /// (`/dev/sda`) can be read or mounted wholesale, `/dev/mem` and `/dev/kmsg` expose
    /// the kernel. Every passed device widens what an attacker can reach.
    ///
    /// ## Example
    /// ```sh
    /// docker run --device /dev/sda:/dev/xvdc app
    /// ```
    ///
    /// ## Fix
    /// Remove devices the workload does not need; give the rest with the narrowest
    /// permissions (`:r` instead of the default `rwm`).
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.18 (5.17 in older versions); practices b, "Runtime Hardening"
    pub struct HostDevicePassedThrough;
    code = "CT016", name = "host-device-passed-through", severity = Warning,
    category = Security, target = Container, fix = None,
    summary = "A host device is passed into the container",
    cis = ["5.18"],
    practices = ["b-runtime-hardening"],
}

impl ContainerRule for HostDevicePassedThrough {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        // The setting does not exist per container on Kubernetes (see docs/container-rules.md).
        if crate::rules::container::docker_only_setting_not_applicable(spec) {
            return;
        }
        for d in &spec.devices {
            let host = d.value.split(':').next().unwrap_or(&d.value);
            let msg = format!("{} gets the host device `{host}`", describe(spec));
            cx.report_value(&Self::META, d, msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_devices() {
        assert_run_flags(
            &HostDevicePassedThrough,
            "docker run --device=/dev/sda:/dev/xvdc:r x",
            &["/dev/sda:/dev/xvdc:r"],
        );
        assert_eq!(
            run_messages(&HostDevicePassedThrough, "docker run --device /dev/fuse x"),
            ["`docker run` of `x` gets the host device `/dev/fuse`"]
        );
    }

    #[test]
    fn passes_without_devices() {
        assert_run_clean(&HostDevicePassedThrough, "docker run x");
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_each_device() {
        let yaml =
            "services:\n  web:\n    image: x:1\n    devices:\n      - /dev/fuse\n      - \"/dev/sda:/dev/xvda:r\"\n";
        assert_compose_flags(&HostDevicePassedThrough, yaml, &["/dev/fuse", "\"/dev/sda:/dev/xvda:r\""]);
        assert_compose_clean(&HostDevicePassedThrough, "services:\n  web:\n    image: x:1\n");
    }
}
