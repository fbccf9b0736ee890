use dockward_dockerfile::semantic::Target;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from` (and `RUN --mount=from=`) references that cannot mean what
    /// they say:
    /// - the stage itself or a later stage (BuildKit rejects a cycle or forward
    ///   reference);
    /// - a stage index that does not exist (`--from=3` with two stages);
    /// - a plain name that is no stage of this file (`--from=biulder`): BuildKit then
    ///   pulls an image of that name from Docker Hub, which is almost always a typo
    ///   and, at worst, runs someone else's image content into yours. Names that look
    ///   like image references (with a tag, digest, registry or path) are left alone.
    ///
    /// References built from unknown variables are not judged.
    ///
    /// ## Why is this bad?
    /// The build either fails late, or silently copies files from an unrelated image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS builder
    /// RUN go build -o /out/app .
    /// FROM gcr.io/distroless/static
    /// COPY --from=biulder /out/app /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY --from=builder /out/app /app
    /// ```
    ///
    /// ## Fix
    /// Name an earlier stage, or write the full image reference with a tag.
    ///
    /// ## References
    /// - Dockerfile reference, "COPY --from"
    pub struct InvalidCopyFrom;
    code = "DF111", name = "invalid-copy-from", severity = Error,
    category = Correctness, target = Dockerfile, fix = None,
    summary = "COPY --from names no earlier stage",
    aliases = ["DL3022", "DL3023", "DS-0006", "cdddb86f-95f6-4fc4-b5a1-483d9afceb2b"],
}

impl DockerfileRule for InvalidCopyFrom {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for stage in &cx.model.stages {
            for r in &stage.refs {
                if !r.name.value.is_resolved() {
                    continue;
                }
                let name = r.name.value.value.as_str();
                let message = match &r.target {
                    Target::LaterStage(i) if *i == stage.index => format!("`{name}` is the current stage"),
                    Target::LaterStage(_) => {
                        format!("stage `{name}` is defined later; only earlier stages can be used")
                    }
                    Target::Image(_) if name.chars().all(|c| c.is_ascii_digit()) => {
                        format!("there is no stage {name}")
                    }
                    Target::Image(_) if !name.contains([':', '/', '@', '.']) => {
                        format!("no stage is named `{name}`; BuildKit would pull the image `docker.io/library/{name}`")
                    }
                    _ => continue,
                };
                found.push((r.name.range, message));
            }
        }
        for (range, message) in found {
            cx.report(&Self::META, range, message).help("name an earlier stage, or a full image reference with a tag");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_impossible_references() {
        assert_flags(&InvalidCopyFrom, "FROM x:1 AS a\nCOPY --from=a /x /x\n", &["a"]);
        assert_flags(&InvalidCopyFrom, "FROM x:1 AS a\nCOPY --from=b /x /x\nFROM x:1 AS b\n", &["b"]);
        assert_flags(&InvalidCopyFrom, "FROM x:1 AS build\nFROM y:1\nCOPY --from=biulder /x /x\n", &["biulder"]);
        assert_flags(&InvalidCopyFrom, "FROM x:1\nFROM y:1\nCOPY --from=5 /x /x\n", &["5"]);
        assert_flags(&InvalidCopyFrom, "FROM x:1\nRUN --mount=from=nope,target=/m true\n", &["nope"]);
    }

    #[test]
    fn stages_and_images_are_fine() {
        assert_clean(&InvalidCopyFrom, "FROM x:1 AS Build\nFROM y:1\nCOPY --from=build /x /x\nCOPY --from=0 /y /y\n");
        assert_clean(&InvalidCopyFrom, "FROM y:1\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n");
        assert_clean(&InvalidCopyFrom, "FROM y:1\nCOPY --from=ghcr.io/acme/tools /bin/t /bin/t\n");
        assert_clean(&InvalidCopyFrom, "FROM y:1\nCOPY --from=$STAGE /x /x\n");
    }
}
