use dockward_dockerfile::InstructionKind;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that directly follows another `RUN` with the same flags
    /// (`--mount`, `--network`, ...), so the two could be one. Off by default: with
    /// BuildKit, separate RUNs are sometimes kept on purpose for caching.
    ///
    /// ## Why is this bad?
    /// Each RUN adds a layer. Files a later RUN deletes still take space in the earlier
    /// layer, and many small layers slow pulls.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## Fix
    /// Join the commands with `&&` (or use a heredoc). No automatic fix.
    ///
    /// ## References
    /// - Docker docs, "Building best practices", minimize the number of layers
    pub struct ConsecutiveRun;
    code = "DF119", name = "consecutive-run", severity = Info,
    category = BestPractice, target = Dockerfile, fix = None,
    summary = "Consecutive RUN instructions could be one layer",
    default_enabled = false,
    aliases = ["DL3059", "0008c003-79aa-42d8-95b8-1c2fe37dbfe6"],
    practices = ["a: Minimal and Lean Images"],
}

impl DockerfileRule for ConsecutiveRun {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let text = cx.text();
        let flags = |i: &dockward_dockerfile::Instruction| -> Vec<&str> {
            i.flags.iter().map(|f| &text[std::ops::Range::<usize>::from(f.range)]).collect()
        };
        let mut found = Vec::new();
        for pair in cx.dockerfile.instructions.windows(2) {
            if pair[0].kind == InstructionKind::Run
                && pair[1].kind == InstructionKind::Run
                && flags(&pair[0]) == flags(&pair[1])
            {
                found.push(pair[1].keyword.range);
            }
        }
        for range in found {
            cx.report(&Self::META, range, "this RUN directly follows another one").help("join them with `&&`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_the_second_run() {
        assert_flags(&ConsecutiveRun, "FROM x:1\nRUN a\n# why\nrun b\nRUN c\n", &["run", "RUN"]);
        assert_clean(&ConsecutiveRun, "FROM x:1\nRUN a\nWORKDIR /x\nRUN b\nRUN --mount=type=cache,target=/c c\n");
    }
}
