use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags a container without a memory limit (`mem_limit`,
    /// `deploy.resources.limits.memory`, `-m`/`--memory`), or with a limit of `0`
    /// (unlimited). Without a limit Docker's default applies: no limit at all.
    ///
    /// ## Why is this bad?
    /// One container with a leak or under attack can take all the host's memory and
    /// get other containers, or the daemon itself, killed by the kernel.
    ///
    /// ## Example
    /// ```sh
    /// docker run app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --memory 512m app
    /// ```
    ///
    /// ## Fix
    /// Set a memory limit sized to the workload.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.11; practices b, "Runtime Hardening"
    pub struct MemoryLimitMissing;
    code = "CT007", name = "memory-limit-missing", severity = Warning,
    category = Security, target = Container, fix = None,
    summary = "The container has no memory limit",
    aliases = ["bb9ac4f7-e13b-423d-a010-c74a1bfbe492", "CKV_K8S_13", "KSV-0018", "C-0004", "unset-memory-requirements", "memoryLimitsMissing", "container-resources"],
    cis = ["5.11"],
    practices = ["a-resource-limits", "b-resource-limits", "b-compose-limits"],
}

impl ContainerRule for MemoryLimitMissing {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        match &spec.resources.memory {
            Some(m) if m.value > 0 => {}
            Some(m) => {
                let msg = format!("{} sets memory to 0, which means unlimited", describe(spec));
                cx.report_value(&Self::META, m, msg);
            }
            None => {
                let msg = if spec.source.is_kubernetes() {
                    format!("{} has no `resources.limits.memory` (unlimited up to the node's memory)", describe(spec))
                } else {
                    format!("{} has no memory limit (Docker's default: unlimited)", describe(spec))
                };
                cx.report(&Self::META, &spec.origin, msg);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_missing_and_zero() {
        assert_run_flags(&MemoryLimitMissing, "docker run app", &["docker run app"]);
        assert_run_flags(&MemoryLimitMissing, "docker run -m 0 app", &["0"]);
    }

    #[test]
    fn passes_a_limit() {
        assert_run_clean(&MemoryLimitMissing, "docker run -m512m app");
        assert_run_clean(&MemoryLimitMissing, "docker run --memory=1g app");
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_limits_from_mem_limit_or_deploy() {
        assert_compose_flags(&MemoryLimitMissing, "services:\n  web:\n    image: x:1\n", &["web"]);
        assert_compose_clean(&MemoryLimitMissing, "services:\n  web:\n    image: x:1\n    mem_limit: 512m\n");
        assert_compose_clean(
            &MemoryLimitMissing,
            "services:\n  web:\n    image: x:1\n    deploy:\n      resources:\n        limits:\n          memory: 1g\n",
        );
        // A reservation is not a limit.
        assert_compose_flags(
            &MemoryLimitMissing,
            "services:\n  web:\n    image: x:1\n    deploy:\n      resources:\n        reservations:\n          memory: 1g\n",
            &["web"],
        );
        assert_compose_flags(
            &MemoryLimitMissing,
            "services:\n  web:\n    image: x:1\n    mem_limit: \"0\"\n",
            &["\"0\""],
        );
        ComposeCase::new("services:\n  web:\n    image: x:1\n    mem_limit: ${MEM}\n")
            .env(&[("MEM", "256m")])
            .assert_clean(&MemoryLimitMissing);
    }
}

#[cfg(test)]
mod kubernetes_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn quantities_are_read() {
        assert_k8s_clean(&MemoryLimitMissing, &deployment("", "resources:\n  limits: {memory: 512Mi}"));
        assert_k8s_clean(&MemoryLimitMissing, &deployment("", "resources:\n  limits: {memory: 1G}"));
        let d =
            assert_k8s_flags(&MemoryLimitMissing, &deployment("", "resources:\n  requests: {memory: 1Gi}"), &["app"]);
        assert!(d[0].message.contains("resources.limits.memory"), "{}", d[0].message);
    }
}
