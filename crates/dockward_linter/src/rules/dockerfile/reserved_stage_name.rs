use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags a stage named `scratch` or `context`.
    ///
    /// ## Why is this bad?
    /// `scratch` already means the empty image and `context` names the build context
    /// in `COPY --from` and bake files; a stage with one of these names is ambiguous,
    /// and BuildKit reports it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS scratch
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20 AS base
    /// ```
    ///
    /// ## Fix
    /// Rename the stage and the references to it.
    ///
    /// ## References
    /// - BuildKit build checks, "ReservedStageName"
    pub struct ReservedStageName;
    code = "DF113", name = "reserved-stage-name", severity = Error,
    category = Correctness, target = Dockerfile, fix = None,
    summary = "A stage uses a reserved name (`scratch`, `context`)",
    aliases = ["DL3063", "ReservedStageName"],
}

impl DockerfileRule for ReservedStageName {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let found: Vec<_> = cx
            .dockerfile
            .stages
            .iter()
            .filter_map(|s| s.name.as_ref())
            .filter(|n| n.value == "scratch" || n.value == "context")
            .map(|n| (n.range, n.value.clone()))
            .collect();
        for (range, name) in found {
            cx.report(&Self::META, range, format!("`{name}` is a reserved name")).help("choose another stage name");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_reserved_names() {
        assert_flags(&ReservedStageName, "FROM a:1 AS Scratch\nFROM b:1 AS context\n", &["Scratch", "context"]);
        assert_clean(&ReservedStageName, "FROM scratch AS base\n");
    }
}
