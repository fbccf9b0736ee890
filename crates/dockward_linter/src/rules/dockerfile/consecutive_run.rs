use dockward_dockerfile::{Args, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that directly follows another `RUN` with the same flags
    /// (`--mount`, `--network`, ...), so the two could be one. Likewise a `COPY` (or
    /// `ADD`) that directly follows another one with the same flags into the same
    /// directory (`./`, `/app/`): one instruction can copy both sources. Off by
    /// default: with BuildKit, separate instructions are sometimes kept on purpose for
    /// caching (copying a lock file before the sources, for example).
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
    /// ```dockerfile
    /// COPY package.json /app/
    /// COPY package-lock.json /app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY package.json package-lock.json /app/
    /// ```
    ///
    /// ## Fix
    /// Join the commands with `&&` (or use a heredoc); list the sources in one COPY.
    /// No automatic fix.
    ///
    /// ## References
    /// - Docker docs, "Building best practices", minimize the number of layers
    pub struct ConsecutiveRun;
    code = "DF119", name = "consecutive-run", severity = Info,
    category = BestPractice, target = Dockerfile, fix = None,
    summary = "Consecutive RUN instructions, or COPY/ADD into one directory, could be one layer",
    default_enabled = false,
    aliases = ["DL3059", "0008c003-79aa-42d8-95b8-1c2fe37dbfe6"],
    practices = ["a-minimal-base"],
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
        // The directory a COPY/ADD copies into, when more sources could join it: BuildKit
        // takes several sources only into a destination ending in `/` (or `.`).
        let directory = |i: &dockward_dockerfile::Instruction| -> Option<String> {
            let Args::Paths(paths) = &i.args else { return None };
            let dest = paths.destination()?.value.as_str();
            let is_dir = (dest.ends_with('/') || dest == ".") && !dest.contains('$');
            (is_dir && i.heredocs.is_empty() && !paths.sources().is_empty()).then(|| dest.to_string())
        };
        let mut found = Vec::new();
        for pair in cx.dockerfile.instructions.windows(2) {
            if pair[0].kind != pair[1].kind || flags(&pair[0]) != flags(&pair[1]) {
                continue;
            }
            match pair[0].kind {
                InstructionKind::Run => found.push((pair[1].keyword.range, "RUN", "join them with `&&`")),
                InstructionKind::Copy | InstructionKind::Add
                    if directory(&pair[0]).is_some_and(|d| Some(d) == directory(&pair[1])) =>
                {
                    let kind = pair[0].kind.as_str();
                    found.push((pair[1].keyword.range, kind, "list the sources in one instruction"));
                }
                _ => {}
            }
        }
        for (range, kind, help) in found {
            let message = if kind == "RUN" {
                "this RUN directly follows another one".to_string()
            } else {
                format!("this {kind} directly follows another one into the same directory")
            };
            cx.report(&Self::META, range, message).help(help);
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

    /// issue 13 #15: COPY/ADD with the same flags into the same directory.
    #[test]
    fn consecutive_copies_into_one_directory() {
        assert_flags(&ConsecutiveRun, "FROM x:1\nCOPY a /app/\ncopy b /app/\n", &["copy"]);
        assert_flags(
            &ConsecutiveRun,
            "FROM x:1\nCOPY --from=b --chown=1 a ./\nCOPY --from=b --chown=1 [\"c\", \"./\"]\n",
            &["COPY"],
        );
        assert_flags(&ConsecutiveRun, "FROM x:1\nADD a.tgz /opt/\nADD b.tgz /opt/\n", &["ADD"]);
        for text in [
            "COPY a /app/\nCOPY b /srv/\n",
            "COPY --from=b a /app/\nCOPY b /app/\n",
            "COPY a /app/x\nCOPY b /app/x\n",
            "COPY a /app/\nADD b /app/\n",
            "COPY a /app/\nRUN make\nCOPY b /app/\n",
            "COPY a $D/\nCOPY b $D/\n",
        ] {
            assert_clean(&ConsecutiveRun, &format!("FROM x:1\n{text}"));
        }
    }
}
