use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags `oom_kill_disable: true` / `--oom-kill-disable` on a container that has no
    /// memory limit.
    ///
    /// ## Why is this bad?
    /// With the OOM killer disabled and no limit, the kernel cannot reclaim memory
    /// from this container: when the host runs out, it kills other processes (the
    /// daemon, sshd) instead, or hangs.
    ///
    /// ## Example
    /// ```sh
    /// docker run --oom-kill-disable app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --oom-kill-disable -m 1g app
    /// ```
    ///
    /// ## Fix
    /// Set a memory limit, or leave the OOM killer enabled.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.11; Docker documentation, "Runtime options with Memory, CPUs, and GPUs"
    pub struct OomKillDisabledWithoutMemoryLimit;
    code = "CT010", name = "oom-kill-disabled-without-memory-limit", severity = Warning,
    category = Security, target = Container, fix = None,
    summary = "The OOM killer is disabled for a container without a memory limit",
    cis = ["5.11"],
    practices = ["a-resource-limits", "b-resource-limits"],
}

impl ContainerRule for OomKillDisabledWithoutMemoryLimit {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        let Some(o) = spec.resources.oom_kill_disable.as_ref().filter(|o| o.value) else { return };
        if spec.resources.memory.as_ref().is_some_and(|m| m.value > 0) {
            return;
        }
        let msg = format!("{} disables the OOM killer but has no memory limit", describe(spec));
        cx.report_value(&Self::META, o, msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_without_limit() {
        assert_run_flags(
            &OomKillDisabledWithoutMemoryLimit,
            "docker run --oom-kill-disable app",
            &["--oom-kill-disable"],
        );
    }

    #[test]
    fn passes_with_limit_or_enabled() {
        assert_run_clean(&OomKillDisabledWithoutMemoryLimit, "docker run --oom-kill-disable -m 1g app");
        assert_run_clean(&OomKillDisabledWithoutMemoryLimit, "docker run --oom-kill-disable=false app");
        assert_run_clean(&OomKillDisabledWithoutMemoryLimit, "docker run app");
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_oom_kill_disable_without_limit() {
        assert_compose_flags(
            &OomKillDisabledWithoutMemoryLimit,
            "services:\n  web:\n    image: x:1\n    oom_kill_disable: true\n",
            &["true"],
        );
        assert_compose_clean(
            &OomKillDisabledWithoutMemoryLimit,
            "services:\n  web:\n    image: x:1\n    oom_kill_disable: true\n    deploy:\n      resources:\n        limits: {memory: 256m}\n",
        );
        assert_compose_clean(&OomKillDisabledWithoutMemoryLimit, "services:\n  web:\n    image: x:1\n");
    }
}
