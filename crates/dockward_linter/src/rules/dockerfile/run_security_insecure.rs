use dockward_dockerfile::InstructionKind;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `RUN --security=insecure`.
    ///
    /// ## Why is this bad?
    /// The step runs without the sandbox: like `docker run --privileged`, with every
    /// capability and no seccomp or AppArmor confinement. A malicious dependency
    /// installed in that step can take over the build host. BuildKit only allows it
    /// with the `security.insecure` entitlement, which builders should not grant.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN --security=insecure mount -t tmpfs none /mnt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=tmpfs,target=/mnt ./build.sh
    /// ```
    ///
    /// ## How to fix
    /// Use a mount type (`--mount=type=tmpfs|cache|bind`) or do the privileged work
    /// outside the build.
    ///
    /// ## References
    /// - Practices b, "Runtime Hardening" (avoid `--privileged`); practices a, "Running as Non-Root"
    pub struct RunSecurityInsecure;
    code = "DF015", name = "run-security-insecure", severity = Error,
    category = Security, target = Dockerfile, fix = None,
    summary = "RUN --security=insecure runs a build step without the sandbox",
    practices = ["b-no-privileged"],
}

impl DockerfileRule for RunSecurityInsecure {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        for instr in cx.dockerfile.instructions.iter().filter(|i| i.kind == InstructionKind::Run) {
            for flag in instr.flags_named("security") {
                if flag.value_str().eq_ignore_ascii_case("insecure") {
                    cx.report(&Self::META, flag.range, "this step runs unsandboxed, with every capability")
                        .help("use a `--mount` type instead, or do this outside the build");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_insecure_only() {
        assert_flags(&RunSecurityInsecure, "FROM a:1\nRUN --security=insecure id\n", &["--security=insecure"]);
        assert_clean(&RunSecurityInsecure, "FROM a:1\nRUN --security=sandbox id\n");
        assert_clean(&RunSecurityInsecure, "FROM a:1\nRUN echo --security=insecure\n");
    }
}
