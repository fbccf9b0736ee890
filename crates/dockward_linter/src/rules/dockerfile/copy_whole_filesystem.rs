use std::collections::HashMap;

use dockward_dockerfile::semantic::Target;
use dockward_dockerfile::{Args, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=<stage> / <dest>`: copying the whole root filesystem of an
    /// earlier build stage. A source of `/`, `/.` or `/*` counts. A stage built
    /// `FROM scratch` is left alone (it holds only what the build put there), and so
    /// is an external image (`COPY --from=docker:cli / /`): such artefact images are
    /// often made to be copied whole, and their contents are not known here.
    ///
    /// ## Why is this bad?
    /// The point of a multi-stage build is to carry only the artefacts the final image
    /// needs. Copying a builder's whole filesystem brings its compilers, package caches,
    /// shells and any secrets left in it, and silently grows with every change to the
    /// builder stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app ./cmd/app
    /// FROM scratch
    /// COPY --from=build / /
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM scratch
    /// COPY --from=build /out/app /app
    /// ```
    ///
    /// ## Fix
    /// Copy the specific files or directories the image needs. When a whole tree is
    /// really wanted (for example a prepared rootfs), build it in its own directory
    /// and copy that directory.
    ///
    /// ## References
    /// - Docker docs, "Multi-stage builds"
    pub struct CopyWholeFilesystem;
    code = "DF133", name = "copy-whole-filesystem", severity = Warning,
    category = BestPractice, target = Dockerfile, fix = None,
    summary = "COPY --from copies the whole root filesystem of a build stage",
    aliases = ["DL3067"],
    practices = ["a-minimal-base"],
}

fn is_root(path: &str) -> bool {
    matches!(path.trim_end_matches('*').trim_end_matches('.').trim_end_matches('/'), "") && path.starts_with('/')
}

impl DockerfileRule for CopyWholeFilesystem {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        // The first stage of each name, so that a file of many COPY --from lines does
        // not search every stage for each.
        let mut by_name: HashMap<&str, usize> = HashMap::new();
        for s in &cx.model.stages {
            if let Some(name) = s.name.as_deref() {
                by_name.entry(name).or_insert(s.index);
            }
        }
        for (index, instr) in cx.dockerfile.instructions.iter().enumerate() {
            if instr.kind != InstructionKind::Copy {
                continue;
            }
            let Some(from) = instr.flag("from").and_then(|f| f.value.as_ref()) else { continue };
            let Args::Paths(paths) = &instr.args else { continue };
            let wanted = from.value.to_ascii_lowercase();
            // The first stage named `wanted` or whose index is written `wanted`.
            let by_index =
                wanted.parse::<usize>().ok().filter(|&i| i < cx.model.stages.len() && i.to_string() == wanted);
            let first = match (by_name.get(wanted.as_str()).copied(), by_index) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let stage = first.and_then(|i| cx.model.stages.get(i));
            // Only a build stage on a real base image is known to carry a whole OS.
            let Some(stage) = stage else { continue };
            let root = cx.model.root_stage(stage.index);
            if matches!(cx.model.stages.get(root).map(|s| &s.base), Some(Target::Scratch)) {
                continue;
            }
            for source in paths.sources() {
                let expanded = cx.model.expand_at(index, &source.value);
                if expanded.is_resolved() && is_root(&expanded.value) {
                    found.push((source.range, from.value.clone()));
                }
            }
        }
        for (range, from) in found {
            cx.report(&Self::META, range, format!("copies the whole filesystem of `{from}`"))
                .help("copy only the files the image needs");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_root_sources_from_stages_and_images() {
        let df = "FROM alpine:3.20 AS build\nRUN true\nFROM scratch\nCOPY --from=build / /\n";
        assert_flags(&CopyWholeFilesystem, df, &["/"]);
        assert_flags(&CopyWholeFilesystem, "FROM debian:12\nFROM scratch\nCOPY --from=0 /. /rootfs/\n", &["/."]);
        let df = "FROM debian:12 AS b\nFROM b AS c\nFROM scratch\nARG R=/\nCOPY --from=c ${R} /\n";
        assert_flags(&CopyWholeFilesystem, df, &["${R}"]);
    }

    #[test]
    fn specific_paths_and_context_copies_are_fine() {
        let df = "FROM alpine:3.20 AS build\nRUN true\nFROM scratch\nCOPY --from=build /out/app /app\n";
        assert_clean(&CopyWholeFilesystem, df);
        assert_clean(&CopyWholeFilesystem, "FROM scratch\nCOPY / /\nCOPY . /app\n");
        assert_clean(&CopyWholeFilesystem, "FROM scratch\nCOPY --from=build $SRC /\n");
        assert_clean(&CopyWholeFilesystem, "FROM scratch\nCOPY --from=build /rootfs/ /\n");
        // Artefact images and scratch-based stages hold only what was put there.
        assert_clean(&CopyWholeFilesystem, "FROM alpine:3.20\nCOPY --from=docker:cli / /\n");
        let df = "FROM scratch AS files\nCOPY app /app\nFROM alpine:3.20\nCOPY --from=files / /\n";
        assert_clean(&CopyWholeFilesystem, df);
    }
}
