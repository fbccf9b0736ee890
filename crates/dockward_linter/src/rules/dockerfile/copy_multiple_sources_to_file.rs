use dockward_dockerfile::{Args, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `COPY` and `ADD` with more than one source (heredoc sources included)
    /// whose destination does not end in `/`. A destination built from an unknown
    /// variable is not judged.
    ///
    /// ## Why is this bad?
    /// With several sources the destination must be a directory, and BuildKit
    /// requires the trailing `/` to say so; the build fails with "When using COPY with
    /// more than one source file, the destination must be a directory and end with a /".
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY package.json package-lock.json /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY package.json package-lock.json /app/
    /// ```
    ///
    /// ## Fix
    /// The fix appends `/` to the destination (safe: the build could not succeed
    /// otherwise).
    ///
    /// ## References
    /// - Dockerfile reference, "COPY"
    pub struct CopyMultipleSourcesToFile;
    code = "DF115", name = "copy-multiple-sources-to-file", severity = Error,
    category = Correctness, target = Dockerfile, fix = Sometimes,
    summary = "COPY or ADD has several sources but the destination is not a directory",
    aliases = ["DL3021", "DS-0011", "6db6e0c2-32a3-4a2e-93b5-72c35f4119db"],
}

impl DockerfileRule for CopyMultipleSourcesToFile {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for (index, instr) in cx.dockerfile.instructions.iter().enumerate() {
            if !matches!(instr.kind, InstructionKind::Copy | InstructionKind::Add) {
                continue;
            }
            let Args::Paths(paths) = &instr.args else { continue };
            let Some(dest) = paths.destination() else { continue };
            let sources = paths.sources().len() + instr.heredocs.len();
            if sources < 2 {
                continue;
            }
            let expanded = cx.model.expand_at(index, &dest.value);
            if !expanded.is_resolved() || expanded.value.ends_with('/') || expanded.value.ends_with('\\') {
                continue;
            }
            found.push((dest.range, !paths.json && !dest.value.contains(['"', '\''])));
        }
        for (range, fixable) in found {
            let d = cx.report(&Self::META, range, "several sources need a directory destination ending in `/`");
            d.help("append `/` to the destination");
            if fixable {
                d.fix(dockward_diagnostics::Fix::safe(
                    "Append `/`",
                    vec![dockward_diagnostics::Edit::insert(range.end(), "/")],
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_file_destinations() {
        assert_flags(&CopyMultipleSourcesToFile, "FROM x:1\nCOPY a b /app\n", &["/app"]);
        assert_flags(&CopyMultipleSourcesToFile, "FROM x:1\nADD [\"a\", \"b\", \"/app\"]\n", &["\"/app\""]);
        assert_clean(&CopyMultipleSourcesToFile, "FROM x:1\nCOPY a b /app/\nCOPY a /app\nCOPY a b $DEST\n");
        assert_clean(&CopyMultipleSourcesToFile, "FROM x:1\nARG D=/app/\nCOPY a b $D\n");
    }

    #[test]
    fn fix_appends_a_slash() {
        assert_fix(&CopyMultipleSourcesToFile, "FROM x:1\nCOPY a b /app\n", "FROM x:1\nCOPY a b /app/\n");
    }
}
