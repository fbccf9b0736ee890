use dockward_dockerfile::semantic::Model;
use dockward_dockerfile::Dockerfile;
use dockward_dockerfile::{Args, HealthcheckArgs, Instruction, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

use super::final_stage_chain;

declare_rule! {
    /// ## What it does
    /// Flags a final stage (with the stages it is built `FROM`) that has no
    /// `HEALTHCHECK`.
    ///
    /// Off by default: the base image may define a HEALTHCHECK this file cannot see,
    /// Kubernetes ignores HEALTHCHECK in favour of its own probes, and tools, jobs and
    /// base images have no service to check. Enable it (`extend-select =
    /// ["missing-healthcheck"]`) for long-running services run by Docker or Swarm.
    ///
    /// ## Why is this bad?
    /// Without a health check Docker only knows whether the process exists, not whether
    /// it answers: a hung service stays "up", and Swarm or `depends_on: condition:
    /// service_healthy` cannot react.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27-alpine
    /// COPY site/ /usr/share/nginx/html/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27-alpine
    /// COPY site/ /usr/share/nginx/html/
    /// HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://127.0.0.1/ || exit 1
    /// ```
    ///
    /// ## How to fix
    /// Add a `HEALTHCHECK CMD` that exercises the service cheaply.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.6, "Ensure that HEALTHCHECK instructions have been added to container images"
    /// - Practices a, "Compliance and Auditing"; practices b, "Monitoring & Compliance"
    pub struct MissingHealthcheck;
    code = "DF023", name = "missing-healthcheck", severity = Info,
    category = Security, target = Dockerfile, fix = None,
    summary = "The final stage has no HEALTHCHECK",
    default_enabled = false,
    aliases = ["DL3057", "DS-0026", "CKV_DOCKER_2", "b03a748a-542d-44f4-bb86-9199ab4fd2d5", "698ed579-b239-4f8f-a388-baa4bcb13ef8"],
    cis = ["4.6"],
    practices = ["b-image-hardening"],
}

/// The HEALTHCHECK in force in the final image, if this file sets one: the last one
/// of the final stage, else of the stage it is built on, and so on.
pub(crate) fn final_healthcheck<'a>(df: &'a Dockerfile, model: &Model) -> Option<&'a Instruction> {
    final_stage_chain(df, model)
        .into_iter()
        .find_map(|s| df.stage_instructions(s).iter().rev().find(|i| i.kind == InstructionKind::Healthcheck))
}

impl DockerfileRule for MissingHealthcheck {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let df = cx.dockerfile;
        let Some(last) = df.stages.last() else { return };
        if final_healthcheck(df, cx.model).is_some() {
            return;
        }
        let from = &df.instructions[last.instructions.start];
        let range = match &from.args {
            Args::From(f) => f.image.range,
            _ => from.keyword.range,
        };
        cx.report(&Self::META, range, "the final stage has no HEALTHCHECK")
            .help("add `HEALTHCHECK CMD <probe>` so Docker can tell a hung service from a healthy one");
    }
}

/// True for `HEALTHCHECK NONE`.
pub(crate) fn is_none(instr: &Instruction) -> bool {
    matches!(instr.args, Args::Healthcheck(HealthcheckArgs::None { .. }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_a_final_stage_without_healthcheck() {
        assert_flags(&MissingHealthcheck, "FROM nginx:1.27\nCOPY a /a\n", &["nginx:1.27"]);
        assert_flags(&MissingHealthcheck, "FROM a:1 AS b\nHEALTHCHECK CMD true\nFROM c:1\n", &["c:1"]);
    }

    #[test]
    fn healthchecks_in_the_chain_count() {
        assert_clean(&MissingHealthcheck, "FROM a:1\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n");
        assert_clean(&MissingHealthcheck, "FROM a:1 AS base\nHEALTHCHECK CMD true\nFROM base\nRUN x\n");
        // NONE is DF024's finding.
        assert_clean(&MissingHealthcheck, "FROM a:1\nHEALTHCHECK NONE\n");
    }

    #[test]
    fn off_by_default() {
        assert!(!crate::Settings::default().is_enabled(&MissingHealthcheck::META));
    }
}
