use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags a container without a PIDs limit (`pids_limit`, `--pids-limit`,
    /// `deploy.resources.limits.pids`), or with `0` / `-1` (unlimited). Without one
    /// Docker's default applies: unlimited.
    ///
    /// Not reported for Kubernetes workloads: the pids limit is a kubelet setting
    /// (`podPidsLimit`), not a field of the pod.
    ///
    /// ## Why is this bad?
    /// A fork bomb or a runaway worker pool in one container exhausts the host's
    /// process table, and nothing else on the host can start a process.
    ///
    /// ## Example
    /// ```sh
    /// docker run app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --pids-limit 200 app
    /// ```
    ///
    /// ## Fix
    /// Set a PIDs limit a little above what the workload needs.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.29 (5.28 in older versions); practices b, "Runtime Hardening"
    pub struct PidsLimitMissing;
    code = "CT009", name = "pids-limit-missing", severity = Info,
    category = Security, target = Container, fix = None,
    summary = "The container has no PIDs limit",
    aliases = ["221e0658-cb2a-44e3-b08a-db96a341d6fa"],
    cis = ["5.29"],
    practices = ["b-resource-limits", "b-compose-limits"],
}

impl ContainerRule for PidsLimitMissing {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        // The setting does not exist per container on Kubernetes (see docs/container-rules.md).
        if crate::rules::container::docker_only_setting_not_applicable(spec) {
            return;
        }
        match &spec.resources.pids_limit {
            Some(p) if p.value > 0 => {}
            Some(p) => {
                let msg = format!("{} sets pids_limit to {}, which means unlimited", describe(spec), p.value);
                cx.report_value(&Self::META, p, msg);
            }
            None => {
                let msg = format!("{} has no PIDs limit (Docker's default: unlimited)", describe(spec));
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
    fn flags_missing_and_unlimited() {
        assert_run_flags(&PidsLimitMissing, "docker run app", &["docker run app"]);
        assert_run_flags(&PidsLimitMissing, "docker run --pids-limit=-1 app", &["-1"]);
    }

    #[test]
    fn passes_a_limit() {
        assert_run_clean(&PidsLimitMissing, "docker run --pids-limit 100 app");
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_limits_from_pids_limit_or_deploy() {
        assert_compose_flags(&PidsLimitMissing, "services:\n  web:\n    image: x:1\n", &["web"]);
        assert_compose_clean(&PidsLimitMissing, "services:\n  web:\n    image: x:1\n    pids_limit: 100\n");
        assert_compose_clean(
            &PidsLimitMissing,
            "services:\n  web:\n    image: x:1\n    deploy:\n      resources:\n        limits:\n          pids: 64\n",
        );
        assert_compose_flags(&PidsLimitMissing, "services:\n  web:\n    image: x:1\n    pids_limit: -1\n", &["-1"]);
    }
}
