use crate::declare_rule;
use crate::rules::container::runs_as_root::is_root_user;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags a `docker exec` process started with `--user root` (or `0`, `root:<group>`,
    /// `0:<gid>`) in a live container (`dockward audit`: `ProcessConfig.User` of the exec
    /// instances the container lists in `ExecIDs`). An exec without `--user` runs as the
    /// container's user, which CT020 judges. dockerd lists an exec from its creation until
    /// it exits, so one that has already exited is not seen.
    ///
    /// ## Why is this bad?
    /// A container built to run as an unprivileged user gets a root process anyway: it can
    /// write what the application user cannot, and root in the container is root on the
    /// host unless user namespaces remap it.
    ///
    /// ## Example
    /// ```sh
    /// docker exec --user root web-1 sh
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker exec web-1 sh
    /// ```
    ///
    /// ## Fix
    /// Stop the process; run maintenance as the container's own user, or rebuild the image
    /// with what the root session was needed for.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.24 (1.6.0 numbering; the same in 1.7.0 and 1.8.0)
    pub struct ExecAsRoot;
    code = "CT033", name = "exec-as-root", severity = Warning,
    category = Security, target = Container, fix = None,
    summary = "A docker exec process of the container runs as root by --user",
    cis = ["5.24"],
    practices = ["b-non-root"],
}

impl ContainerRule for ExecAsRoot {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        for exec in &spec.execs {
            let Some(user) = exec.user.as_ref().filter(|u| is_root_user(&u.value)) else { continue };
            let msg = format!(
                "{} has a `docker exec --user {}` process (`{}`)",
                describe(spec),
                user.value,
                super::exec_privileged::program(exec)
            );
            cx.report_value(&Self::META, user, msg);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::rules::container::testing::*;
    use dockward_spec::live::logical;
    use dockward_spec::{EngineDefaults, ExecSpec, SpecSource, Val};

    /// A live container `web-1` running `sh -c id` in each exec: (id, privileged, user).
    pub(crate) fn live_with_execs(execs: &[(&str, bool, Option<&str>)]) -> ContainerSpec {
        let scope = "container/web-1";
        let mut spec = ContainerSpec::new(SpecSource::LiveContainer, "web-1", logical(scope, "HostConfig"));
        spec.execs = execs
            .iter()
            .map(|(id, privileged, user)| ExecSpec {
                id: id.to_string(),
                command: vec!["sh".into(), "-c".into(), "id".into()],
                privileged: Val::new(*privileged, logical(scope, format!("Exec[{id}].ProcessConfig.Privileged"))),
                user: user.map(|u| Val::new(u.to_string(), logical(scope, format!("Exec[{id}].ProcessConfig.User")))),
            })
            .collect();
        spec
    }

    fn lint(spec: ContainerSpec) -> Vec<dockward_diagnostics::Diagnostic> {
        lint_spec_with(&ExecAsRoot, spec, &EngineDefaults::default(), &settings_for(&ExecAsRoot))
    }

    #[test]
    fn flags_root_in_every_spelling() {
        let d = lint(live_with_execs(&[
            ("aaaaaaaaaaaa", false, Some("root")),
            ("bbbbbbbbbbbb", false, Some("0:0")),
            ("cccccccccccc", true, Some("1000")),
            ("dddddddddddd", false, Some("00")),
        ]));
        let at: Vec<String> = d.iter().map(|d| d.location.to_string()).collect();
        assert_eq!(
            at,
            [
                "container/web-1/Exec[aaaaaaaaaaaa].ProcessConfig.User",
                "container/web-1/Exec[bbbbbbbbbbbb].ProcessConfig.User",
                "container/web-1/Exec[dddddddddddd].ProcessConfig.User"
            ]
        );
        assert_eq!(d[0].message, "container `web-1` has a `docker exec --user root` process (`sh`)");
    }

    #[test]
    fn passes_other_users_and_execs_without_user() {
        assert!(
            lint(live_with_execs(&[("aaaaaaaaaaaa", false, Some("1000")), ("bbbbbbbbbbbb", false, None)])).is_empty()
        );
        assert_run_clean(&ExecAsRoot, "docker run -u 0 alpine");
    }
}
