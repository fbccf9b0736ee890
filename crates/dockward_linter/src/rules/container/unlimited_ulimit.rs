use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

/// The kernel's default `fs.nr_open`: no process can have more open files than this,
/// so a larger `nofile` only signals "unlimited".
const HUGE: i64 = 1_048_576;

declare_rule! {
    /// ## What it does
    /// Reports `ulimits` / `--ulimit` entries that lift a limit: `-1` (unlimited) for
    /// any resource, or a soft or hard limit above 1,048,576 (the kernel's default
    /// `fs.nr_open`) for `nofile` and `nproc`.
    ///
    /// Not reported for Kubernetes workloads: ulimits are the container runtime's, not a
    /// field of the pod.
    ///
    /// ## Why is this bad?
    /// Ulimits are the per-process brake on runaway resource use. Unlimited processes
    /// or files let one container exhaust the host's tables; unlimited `core` dumps
    /// write the memory of a crashed process, secrets included, to disk; unlimited
    /// `memlock` pins host memory.
    ///
    /// ## Example
    /// ```sh
    /// docker run --ulimit nproc=-1 app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --ulimit nproc=4096 --ulimit nofile=65536:65536 app
    /// ```
    ///
    /// ## Fix
    /// Set a finite limit sized to the workload, or keep the daemon's default.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.19 (5.18 in older versions)
    pub struct UnlimitedUlimit;
    code = "CT030", name = "unlimited-ulimit", severity = Info,
    category = Security, target = Container, fix = None,
    summary = "A ulimit is set to unlimited",
    cis = ["5.19"],
    practices = ["b-resource-limits"],
}

impl ContainerRule for UnlimitedUlimit {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        // The setting does not exist per container on Kubernetes (see docs/container-rules.md).
        if crate::rules::container::docker_only_setting_not_applicable(spec) {
            return;
        }
        for u in &spec.resources.ulimits {
            let limits = [u.soft, u.hard];
            let counted = matches!(u.name.value.as_str(), "nofile" | "nproc");
            let unlimited = limits.iter().flatten().any(|&n| n < 0 || (counted && n > HUGE));
            if unlimited {
                let msg = format!("{} lifts the `{}` limit", describe(spec), u.name.value);
                cx.report_value(&Self::META, &u.name, msg);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_unlimited_and_huge() {
        assert_run_flags(
            &UnlimitedUlimit,
            "docker run --ulimit nproc=-1 --ulimit core=0:-1 --ulimit nofile=2000000:2000000 x",
            &["nproc", "core", "nofile"],
        );
    }

    #[test]
    fn passes_finite_limits() {
        assert_run_clean(&UnlimitedUlimit, "docker run --ulimit nofile=65536:65536 --ulimit nproc=4096 x");
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_unlimited_ulimits() {
        let yaml = "services:\n  a:\n    image: x:1\n    ulimits:\n      memlock: -1\n      nofile:\n        soft: 1024\n        hard: 4096\n      nproc: {soft: 65535, hard: 99999999}\n";
        assert_compose_flags(&UnlimitedUlimit, yaml, &["memlock", "nproc"]);
    }
}
