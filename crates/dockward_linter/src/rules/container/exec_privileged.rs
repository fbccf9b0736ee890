use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags a `docker exec` process started with `--privileged` in a live container
    /// (`dockward audit`: `ProcessConfig.Privileged` of the exec instances the container
    /// lists in `ExecIDs`). dockerd lists an exec from its creation until it exits, so
    /// one that has already exited is not seen.
    ///
    /// ## Why is this bad?
    /// A privileged exec gets every capability and no seccomp or AppArmor confinement,
    /// whatever the container itself was started with: the hardening of a container with
    /// `--cap-drop ALL` and a read-only root does not apply to it.
    ///
    /// ## Example
    /// ```sh
    /// docker exec --privileged web-1 sh
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker exec web-1 sh
    /// ```
    ///
    /// ## Fix
    /// Stop the process and run what it needs without `--privileged`; if the work needs a
    /// capability, give the container that one capability where it is defined.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.23 (1.6.0 numbering; the same in 1.7.0 and 1.8.0)
    pub struct ExecPrivileged;
    code = "CT032", name = "exec-privileged", severity = Error,
    category = Security, target = Container, fix = None,
    summary = "A docker exec process of the container is privileged",
    cis = ["5.23"],
    practices = ["b-no-privileged"],
}

impl ContainerRule for ExecPrivileged {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        for exec in spec.execs.iter().filter(|e| e.privileged.value) {
            let msg = format!("{} has a `docker exec --privileged` process (`{}`)", describe(spec), program(exec));
            cx.report_value(&Self::META, &exec.privileged, msg);
        }
    }
}

/// The program an exec runs, without its arguments: a command line can carry a
/// password (`mysql -pS3cret`) that no rule knows to redact.
pub(crate) fn program(exec: &dockward_spec::ExecSpec) -> &str {
    exec.command.first().map(|p| p.rsplit('/').next().unwrap_or(p)).unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::exec_as_root::tests::live_with_execs;
    use crate::rules::container::testing::*;
    use dockward_spec::EngineDefaults;

    #[test]
    fn flags_each_privileged_exec_at_its_process_config() {
        let spec = live_with_execs(&[("aaaaaaaaaaaa", true, None), ("bbbbbbbbbbbb", false, Some("0"))]);
        let d = lint_spec_with(&ExecPrivileged, spec, &EngineDefaults::default(), &settings_for(&ExecPrivileged));
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].location.to_string(), "container/web-1/Exec[aaaaaaaaaaaa].ProcessConfig.Privileged");
        assert_eq!(d[0].message, "container `web-1` has a `docker exec --privileged` process (`sh`)");
    }

    #[test]
    fn messages_name_the_program_not_its_arguments() {
        let mut spec = live_with_execs(&[("aaaaaaaaaaaa", true, None)]);
        spec.execs[0].command = vec!["/usr/bin/mysql".into(), "-pS3cret-7e1".into(), "db".into()];
        let d = lint_spec_with(&ExecPrivileged, spec, &EngineDefaults::default(), &settings_for(&ExecPrivileged));
        assert_eq!(d[0].message, "container `web-1` has a `docker exec --privileged` process (`mysql`)");
    }

    #[test]
    fn passes_unprivileged_execs_and_containers_without_execs() {
        let spec = live_with_execs(&[("aaaaaaaaaaaa", false, Some("root"))]);
        assert!(lint_spec_with(&ExecPrivileged, spec, &EngineDefaults::default(), &settings_for(&ExecPrivileged))
            .is_empty());
        // Compose services and run lines have no execs.
        assert_run_clean(&ExecPrivileged, "docker run --privileged alpine");
    }
}
