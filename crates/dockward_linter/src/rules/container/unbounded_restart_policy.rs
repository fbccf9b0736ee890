use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

/// CIS 5.15's bound: at most five retries.
const MAX_RETRIES: i64 = 5;

declare_rule! {
    /// ## What it does
    /// Reports an `on-failure` restart policy without a retry bound, or with more than
    /// 5 retries (`--restart on-failure`, `deploy.restart_policy.condition: on-failure`
    /// without `max_attempts`). `always` and `unless-stopped` are not reported: they
    /// are the usual choice for long-running services, which should come back after
    /// a reboot, and Docker delays each restart (doubling up to a minute), so a
    /// crash loop cannot spin. `on-failure` is meant for jobs that may fail, and
    /// there a bound keeps a job that can never succeed from retrying forever.
    ///
    /// Not reported for Kubernetes workloads: restarts are the pod's `restartPolicy` and
    /// its controller's, with back-off.
    ///
    /// ## Why is this bad?
    /// An unbounded retry loop hides a broken deployment, hammers dependencies (a
    /// database, an API with rate limits) and fills logs.
    ///
    /// ## Example
    /// ```sh
    /// docker run --restart on-failure migrate
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --restart on-failure:5 migrate
    /// ```
    ///
    /// ## Fix
    /// Give `on-failure` a bound of at most 5 (`on-failure:5`, `max_attempts: 5`).
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.15 (5.14 in older versions)
    pub struct UnboundedRestartPolicy;
    code = "CT026", name = "unbounded-restart-policy", severity = Info,
    category = Correctness, target = Container, fix = None,
    summary = "The on-failure restart policy has no retry bound of at most 5",
    aliases = ["2fc99041-ddad-49d5-853f-e35e70a48391"],
    cis = ["5.15"],
    practices = ["b-runtime-hardening"],
}

impl ContainerRule for UnboundedRestartPolicy {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        // The setting does not exist per container on Kubernetes (see docs/container-rules.md).
        if crate::rules::container::docker_only_setting_not_applicable(spec) {
            return;
        }
        let Some(r) = &spec.restart else { return };
        if !r.policy.value.eq_ignore_ascii_case("on-failure") {
            return;
        }
        match &r.max_retries {
            Some(m) if m.value > 0 && m.value <= MAX_RETRIES => {}
            Some(m) if m.value > MAX_RETRIES => {
                let msg = format!(
                    "{} restarts on failure up to {} times; use at most {MAX_RETRIES}",
                    describe(spec),
                    m.value
                );
                cx.report_value(&Self::META, m, msg);
            }
            _ => {
                let msg = format!("{} restarts on failure without a retry bound", describe(spec));
                cx.report_value(&Self::META, &r.policy, msg);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_unbounded_and_high_bounds() {
        assert_run_flags(&UnboundedRestartPolicy, "docker run --restart on-failure x", &["on-failure"]);
        assert_run_flags(&UnboundedRestartPolicy, "docker run --restart=on-failure:10 x", &["10"]);
    }

    #[test]
    fn passes_bounded_and_service_policies() {
        assert_run_clean(&UnboundedRestartPolicy, "docker run --restart on-failure:5 x");
        assert_run_clean(&UnboundedRestartPolicy, "docker run --restart unless-stopped x");
        assert_run_clean(&UnboundedRestartPolicy, "docker run --restart always x");
        assert_run_clean(&UnboundedRestartPolicy, "docker run x");
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_restart_and_deploy_restart_policy() {
        let yaml = "services:\n  a:\n    image: x:1\n    restart: on-failure\n  b:\n    image: x:1\n    deploy:\n      restart_policy:\n        condition: on-failure\n        max_attempts: 20\n  c:\n    image: x:1\n    restart: \"on-failure:3\"\n  d:\n    image: x:1\n    restart: unless-stopped\n  e:\n    image: x:1\n    deploy:\n      restart_policy: {condition: on-failure, max_attempts: 3}\n";
        assert_compose_flags(&UnboundedRestartPolicy, yaml, &["on-failure", "20"]);
    }

    #[test]
    fn deploy_restart_policy_wins_over_restart() {
        // Compose applies the deploy block: the unbounded `restart` is not what runs...
        let yaml = "services:\n  a:\n    image: x:1\n    restart: on-failure\n    deploy:\n      restart_policy: {condition: on-failure, max_attempts: 3}\n  b:\n    image: x:1\n    restart: on-failure:2\n    deploy:\n      restart_policy: {condition: none}\n";
        assert_compose_clean(&UnboundedRestartPolicy, yaml);
        // ...and an unbounded deploy policy is, whatever `restart` says (`on-failure:3`
        // would be the span if `restart` were judged).
        let yaml = "services:\n  a:\n    image: x:1\n    restart: on-failure:3\n    deploy:\n      restart_policy:\n        condition: on-failure\n";
        assert_compose_flags(&UnboundedRestartPolicy, yaml, &["on-failure"]);
    }
}
