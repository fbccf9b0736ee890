use crate::audit::{AuditContext, EngineRule};
use crate::declare_rule;
use dockward_spec::EngineInfo;

declare_rule! {
    /// ## What it does
    /// Reports when more stopped containers pile up on the engine than
    /// `[audit] max-stopped-containers` (default 25), from `/info`'s
    /// `ContainersStopped`.
    ///
    /// ## Why is this bad?
    /// Stopped containers keep their configuration, writable layer and often secrets in
    /// their environment; any of them can be started again as it was. They also hide
    /// what the host is meant to run.
    ///
    /// ## Example
    /// `docker ps -a --filter status=exited` lists 80 containers.
    ///
    /// ## Fix
    /// Remove what is not needed (`docker container prune`); start short-lived
    /// containers with `--rm`.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 6.2 "Ensure that container sprawl is avoided"
    pub struct ContainerSprawl;
    code = "EN002", name = "container-sprawl", severity = Info,
    category = BestPractice, target = Daemon, fix = None,
    summary = "Stopped containers pile up on the engine",
    cis = ["6.2"],
}

impl EngineRule for ContainerSprawl {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, engine: &EngineInfo, cx: &mut AuditContext<'_>) {
        let max = cx.settings.audit.max_stopped_containers;
        let stopped = engine.containers_stopped.max(0) as usize;
        if stopped > max {
            cx.report(
                &Self::META,
                &engine.origin("ContainersStopped"),
                format!("{stopped} stopped containers of {} (maximum {max})", engine.containers_total),
            )
            .help("remove them with `docker container prune`; run short-lived containers with `--rm`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::*;

    #[test]
    fn flags_many_stopped_containers() {
        let e = EngineInfo { containers_total: 40, containers_stopped: 30, ..engine() };
        let got = lint_engine(&ContainerSprawl::META, &e);
        assert_eq!(
            got,
            [("engine/host1/ContainersStopped".to_string(), "30 stopped containers of 40 (maximum 25)".to_string())]
        );
    }

    #[test]
    fn passes_up_to_the_maximum() {
        let e = EngineInfo { containers_total: 40, containers_stopped: 25, ..engine() };
        assert!(lint_engine(&ContainerSprawl::META, &e).is_empty());
    }
}
