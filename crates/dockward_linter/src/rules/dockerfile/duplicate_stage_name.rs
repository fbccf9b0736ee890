use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags a stage name (`FROM ... AS name`) used by an earlier stage too. Names are
    /// compared case-insensitively, as BuildKit does.
    ///
    /// ## Why is this bad?
    /// BuildKit refuses the file ("duplicate stage name"). Older builders silently used
    /// one of the stages for `COPY --from`, so a build could copy from the wrong one.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22 AS build
    /// FROM golang:1.22 AS build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22 AS web-build
    /// FROM golang:1.22 AS api-build
    /// ```
    ///
    /// ## Fix
    /// Rename one of the stages and the references to it.
    ///
    /// ## References
    /// - BuildKit build checks, "DuplicateStageName"
    pub struct DuplicateStageName;
    code = "DF112", name = "duplicate-stage-name", severity = Error,
    category = Correctness, target = Dockerfile, fix = None,
    summary = "Two stages have the same name",
    aliases = [
        "DL3024", "DS-0012", "CKV_DOCKER_11", "DuplicateStageName", "f2daed12-c802-49cd-afed-fe41d0b82fed",
    ],
}

impl DockerfileRule for DuplicateStageName {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        let stages = &cx.dockerfile.stages;
        for (i, stage) in stages.iter().enumerate() {
            let Some(name) = &stage.name else { continue };
            if let Some(first) = stages[..i].iter().find_map(|s| s.name.as_ref().filter(|n| n.value == name.value)) {
                found.push((name.range, name.value.clone(), first.range));
            }
        }
        for (range, name, first) in found {
            let at = cx.at(first);
            cx.report(&Self::META, range, format!("stage name `{name}` is already used"))
                .help("give each stage its own name")
                .related(at, "first used here");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_repeated_names() {
        assert_flags(
            &DuplicateStageName,
            "FROM a:1 AS build\nFROM b:1 AS BUILD\nFROM c:1 AS build\n",
            &["BUILD", "build"],
        );
        assert_clean(&DuplicateStageName, "FROM a:1 AS build\nFROM b:1 AS test\nFROM c:1\n");
    }
}
