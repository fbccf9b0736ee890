use dockward_dockerfile::{Args, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags a relative `WORKDIR` path when no earlier `WORKDIR` of the stage (or of
    /// the stages it is built on) set an absolute one. Paths are expanded first;
    /// a path that starts with an unknown variable is not judged. Windows paths
    /// (`C:\app`) count as absolute.
    ///
    /// ## Why is this bad?
    /// A relative WORKDIR is resolved against whatever working directory the base
    /// image happens to set, so the same Dockerfile lands files in different places
    /// when the base image changes.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR /app
    /// ```
    ///
    /// ## Fix
    /// Write the absolute path. No automatic fix: the base image's directory is not
    /// known here.
    ///
    /// ## References
    /// - Dockerfile reference, "WORKDIR"
    pub struct RelativeWorkdir;
    code = "DF108", name = "relative-workdir", severity = Warning,
    category = Correctness, target = Dockerfile, fix = None,
    summary = "WORKDIR is relative to a directory the base image chooses",
    aliases = [
        "DL3000", "DS-0009", "CKV_DOCKER_10", "WorkdirRelativePath", "6b376af8-cfe8-49ab-a08d-f32de23661a4",
    ],
}

fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/') || path.starts_with('\\') || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

impl DockerfileRule for RelativeWorkdir {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for stage in &cx.dockerfile.stages {
            // An absolute WORKDIR earlier in a base stage settles it for this one.
            // (The base stage's WORKDIR at its end covers the whole chain before it.)
            let mut anchored = super::base_stage_of(cx.model, stage.index).is_some_and(|b| b.workdir.is_some());
            for index in stage.instructions.clone() {
                let instr = &cx.dockerfile.instructions[index];
                if instr.kind != InstructionKind::Workdir {
                    continue;
                }
                let Args::Text(path) = &instr.args else { continue };
                let expanded = cx.model.expand_at(index, &path.value);
                if path.value.trim_start_matches(['"', '\'']).starts_with('$') && !expanded.is_resolved() {
                    anchored = true;
                    continue;
                }
                if is_absolute(&expanded.value) {
                    anchored = true;
                } else if !anchored {
                    found.push(path.range);
                }
            }
        }
        for range in found {
            cx.report(&Self::META, range, "relative WORKDIR depends on the base image's working directory")
                .help("use an absolute path");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_relative_paths_without_an_anchor() {
        assert_flags(&RelativeWorkdir, "FROM node:22\nWORKDIR app\n", &["app"]);
        assert_flags(&RelativeWorkdir, "FROM x:1\nARG D=src\nWORKDIR $D\n", &["$D"]);
    }

    #[test]
    fn anchored_or_absolute_is_fine() {
        assert_clean(&RelativeWorkdir, "FROM x:1\nWORKDIR /app\nWORKDIR src\n");
        assert_clean(&RelativeWorkdir, "FROM x:1 AS a\nWORKDIR /app\nFROM a\nWORKDIR src\n");
        assert_clean(&RelativeWorkdir, "FROM x:1\nARG D=/srv\nWORKDIR ${D}/app\n");
        assert_clean(&RelativeWorkdir, "FROM x:1\nWORKDIR $APP_HOME\n");
        assert_clean(&RelativeWorkdir, "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nWORKDIR C:\\\\app\n");
    }
}
