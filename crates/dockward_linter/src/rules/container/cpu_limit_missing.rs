use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags a container with no CPU limit: neither `cpus` (`--cpus`,
    /// `deploy.resources.limits.cpus`), nor `cpu_shares` (`-c`), nor a `cpuset`.
    /// Without one, Docker's default applies: the container may use every CPU.
    ///
    /// On Kubernetes (`resources.limits.cpu`) the finding stays information and its
    /// message names the controversy: a CPU limit is enforced by CFS quota and
    /// throttles a container even on an idle node, so many operators set requests only.
    ///
    /// ## Why is this bad?
    /// A busy or compromised container can starve every other container and the host
    /// of CPU time.
    ///
    /// ## Example
    /// ```sh
    /// docker run app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --cpus 1.5 app
    /// ```
    ///
    /// ## Fix
    /// Set `cpus` (a hard limit), or `cpu_shares` for a relative weight.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.12; practices b, "Runtime Hardening"
    pub struct CpuLimitMissing;
    code = "CT008", name = "cpu-limit-missing", severity = Info,
    category = Security, target = Container, fix = None,
    summary = "The container has no CPU limit",
    aliases = ["6b610c50-99fb-4ef0-a5f3-e312fd945bc3", "CKV_K8S_11", "KSV-0011", "C-0050", "unset-cpu-requirements", "cpuLimitsMissing", "container-resources"],
    cis = ["5.12"],
    practices = ["a-resource-limits", "b-resource-limits", "b-compose-limits"],
}

impl ContainerRule for CpuLimitMissing {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        let r = &spec.resources;
        if r.cpus.as_ref().is_some_and(|c| c.value > 0.0)
            || r.cpu_shares.as_ref().is_some_and(|c| c.value > 0)
            || r.cpuset.is_some()
        {
            return;
        }
        let msg = if spec.source.is_kubernetes() {
            // On Kubernetes a CPU limit throttles (CFS quota) even when the node is idle,
            // and many operators set only requests on purpose: this stays information.
            format!(
                "{} has no `resources.limits.cpu`; on Kubernetes a CPU request alone is a common choice (limits throttle even on an idle node)",
                describe(spec)
            )
        } else {
            format!("{} has no CPU limit (Docker's default: all CPUs)", describe(spec))
        };
        match &r.cpus {
            Some(c) => cx.report_value(&Self::META, c, msg),
            None => cx.report(&Self::META, &spec.origin, msg),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_missing_and_zero() {
        assert_run_flags(&CpuLimitMissing, "docker run app", &["docker run app"]);
        assert_run_flags(&CpuLimitMissing, "docker run --cpus 0 app", &["0"]);
    }

    #[test]
    fn passes_any_cpu_control() {
        assert_run_clean(&CpuLimitMissing, "docker run --cpus=0.5 app");
        assert_run_clean(&CpuLimitMissing, "docker run -c 512 app");
        assert_run_clean(&CpuLimitMissing, "docker run --cpuset-cpus 0-1 app");
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_limits_from_cpus_or_deploy() {
        assert_compose_flags(&CpuLimitMissing, "services:\n  web:\n    image: x:1\n", &["web"]);
        assert_compose_clean(&CpuLimitMissing, "services:\n  web:\n    image: x:1\n    cpus: 0.5\n");
        assert_compose_clean(
            &CpuLimitMissing,
            "services:\n  web:\n    image: x:1\n    deploy:\n      resources:\n        limits:\n          cpus: '1.5'\n",
        );
        assert_compose_flags(&CpuLimitMissing, "services:\n  web:\n    image: x:1\n    cpus: 0\n", &["0"]);
    }
}

#[cfg(test)]
mod kubernetes_tests {
    use super::*;
    use crate::rules::container::testing::*;
    use dockward_diagnostics::Severity;

    #[test]
    fn a_missing_cpu_limit_is_information_that_names_the_controversy() {
        let d = assert_k8s_flags(&CpuLimitMissing, &deployment("", "resources:\n  requests: {cpu: 100m}"), &["app"]);
        assert_eq!(d[0].severity, Severity::Info);
        assert!(d[0].message.contains("throttle"), "{}", d[0].message);
        assert_k8s_clean(&CpuLimitMissing, &deployment("", "resources:\n  limits: {cpu: 500m}"));
        assert_k8s_clean(&CpuLimitMissing, &deployment("", "resources:\n  limits: {cpu: \"1.5\"}"));
    }
}
