use dockward_dockerfile::{Args, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `COPY`/`ADD` to a relative destination in a stage where no `WORKDIR` has
    /// been set (in the stage or the stages it is built on).
    ///
    /// ## Why is this bad?
    /// The destination is then resolved against the base image's working directory,
    /// which is `/` for some images and an application directory for others; files
    /// land elsewhere when the base image changes.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY app.py app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /srv
    /// COPY app.py app/
    /// ```
    ///
    /// ## Fix
    /// Set a WORKDIR first, or write an absolute destination.
    ///
    /// ## References
    /// - Dockerfile reference, "COPY" (relative destinations)
    pub struct CopyRelativeDestination;
    code = "DF127", name = "copy-relative-destination", severity = Info,
    category = Correctness, target = Dockerfile, fix = None,
    summary = "COPY to a relative path before any WORKDIR",
    aliases = ["DL3045"],
}

impl DockerfileRule for CopyRelativeDestination {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for stage in &cx.dockerfile.stages {
            // The base stage's WORKDIR at its end covers the whole chain before it.
            let mut has_workdir = super::base_stage_of(cx.model, stage.index).is_some_and(|b| b.workdir.is_some());
            for index in stage.instructions.clone() {
                let instr = &cx.dockerfile.instructions[index];
                match instr.kind {
                    InstructionKind::Workdir => has_workdir = true,
                    InstructionKind::Copy | InstructionKind::Add if !has_workdir => {
                        let Args::Paths(paths) = &instr.args else { continue };
                        let Some(dest) = paths.destination() else { continue };
                        let v = cx.model.expand_at(index, &dest.value);
                        let b = v.value.as_bytes();
                        let absolute = v.value.starts_with(['/', '\\']) || (b.len() >= 2 && b[1] == b':');
                        if v.is_resolved() && !absolute && paths.paths.len() >= 2 {
                            found.push(dest.range);
                        }
                    }
                    _ => {}
                }
            }
        }
        for range in found {
            cx.report(&Self::META, range, "relative destination, and no WORKDIR is set in this stage")
                .help("set WORKDIR first or use an absolute path");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_relative_destinations_without_workdir() {
        assert_flags(&CopyRelativeDestination, "FROM x:1\nCOPY a app/\nWORKDIR /w\nCOPY b .\n", &["app/"]);
        assert_clean(&CopyRelativeDestination, "FROM x:1 AS a\nWORKDIR /w\nFROM a\nCOPY b .\nCOPY c /abs/\n");
    }
}
