use dockward_dockerfile::InstructionKind;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags an instruction other than `ARG` before the first `FROM`.
    ///
    /// ## Why is this bad?
    /// Only global `ARG`s (and parser directives and comments) may precede the first
    /// stage. BuildKit stops with "no build stage in current context".
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV LANG=C.UTF-8
    /// FROM debian:12
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// ENV LANG=C.UTF-8
    /// ```
    ///
    /// ## Fix
    /// Move the instruction into the stage it belongs to.
    ///
    /// ## References
    /// - Dockerfile reference, "FROM"
    pub struct InstructionBeforeFrom;
    code = "DF128", name = "instruction-before-from", severity = Error,
    category = Correctness, target = Dockerfile, fix = None,
    summary = "An instruction other than ARG comes before the first FROM",
    aliases = ["DL3061"],
}

impl DockerfileRule for InstructionBeforeFrom {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let found: Vec<_> = cx
            .dockerfile
            .instructions
            .iter()
            .take_while(|i| i.kind != InstructionKind::From)
            .filter(|i| !matches!(i.kind, InstructionKind::Arg | InstructionKind::Unknown))
            .map(|i| (i.keyword.range, i.kind))
            .collect();
        for (range, kind) in found {
            cx.report(&Self::META, range, format!("{} before the first FROM", kind.as_str()))
                .help("only ARG may come before the first FROM");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_instructions_before_from() {
        assert_flags(&InstructionBeforeFrom, "ARG V=1\nENV A=1\nFROM x:$V\nENV B=2\n", &["ENV"]);
        assert_clean(&InstructionBeforeFrom, "# syntax=docker/dockerfile:1\nARG V=1\nFROM x:$V\nRUN true\n");
    }
}
