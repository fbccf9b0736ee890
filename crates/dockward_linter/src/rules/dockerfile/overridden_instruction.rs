use dockward_dockerfile::InstructionKind;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that a later instruction of the
    /// same kind in the same stage overrides. Only the last one of each kind takes
    /// effect; the earlier ones are dead code.
    ///
    /// ## Why is this bad?
    /// Readers (and reviewers) see a command that never runs. It usually means a merge
    /// or copy-paste mistake, and whoever edits the first one expects an effect.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["nginx"]
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## Fix
    /// Delete the earlier instruction (or merge what it meant into the last one). No
    /// automatic fix: which one was meant is a human decision.
    ///
    /// ## References
    /// - Dockerfile reference, "CMD": "only the last CMD will take effect"
    pub struct OverriddenInstruction;
    code = "DF109", name = "overridden-instruction", severity = Warning,
    category = Correctness, target = Dockerfile, fix = None,
    summary = "A CMD, ENTRYPOINT or HEALTHCHECK is overridden later in the same stage",
    aliases = [
        "DL3012", "DL4003", "DL4004", "DS-0007", "DS-0016", "DS-0023", "MultipleInstructionsDisallowed",
        "41c195f4-fc31-4a5c-8a1b-90605538d49f", "6938958b-3f1a-451c-909b-baeee14bdc97",
    ],
}

const KINDS: [InstructionKind; 3] = [InstructionKind::Cmd, InstructionKind::Entrypoint, InstructionKind::Healthcheck];

impl DockerfileRule for OverriddenInstruction {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for stage in &cx.dockerfile.stages {
            let instrs = cx.dockerfile.stage_instructions(stage);
            for kind in KINDS {
                let of_kind: Vec<_> = instrs.iter().filter(|i| i.kind == kind).collect();
                if let Some((last, earlier)) = of_kind.split_last() {
                    for i in earlier {
                        found.push((i.keyword.range, kind, last.keyword.range));
                    }
                }
            }
        }
        found.sort_by_key(|f| f.0.start());
        for (range, kind, last) in found {
            let at = cx.at(last);
            cx.report(
                &Self::META,
                range,
                format!("this {} never takes effect: a later one overrides it", kind.as_str()),
            )
            .help("remove it, or merge it into the last one")
            .related(at, "the one that takes effect");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_every_overridden_one() {
        assert_flags(
            &OverriddenInstruction,
            "FROM x:1\nCMD a\nENTRYPOINT [\"b\"]\ncmd c\nHEALTHCHECK NONE\nCMD d\nHEALTHCHECK CMD true\n",
            &["CMD", "cmd", "HEALTHCHECK"],
        );
    }

    #[test]
    fn one_per_stage_is_fine() {
        assert_clean(&OverriddenInstruction, "FROM x:1 AS a\nCMD a\nFROM a\nCMD b\n");
        assert_clean(&OverriddenInstruction, "FROM x:1\nCMD a\nONBUILD CMD b\n");
    }
}
