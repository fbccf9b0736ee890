use dockward_dockerfile::semantic::Target;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=<number>` that refers to a stage by its position instead
    /// of by name. Off by default (style).
    ///
    /// ## Why is this bad?
    /// Inserting or removing a stage silently changes what the number points to.
    /// A name (`FROM ... AS build`, `COPY --from=build`) keeps working.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22
    /// RUN go build -o /app .
    /// FROM scratch
    /// COPY --from=0 /app /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// RUN go build -o /app .
    /// FROM scratch
    /// COPY --from=build /app /app
    /// ```
    ///
    /// ## Fix
    /// Name the stage and refer to the name.
    ///
    /// ## References
    /// - Dockerfile reference, "Multi-stage builds: name your build stages"
    pub struct CopyFromStageIndex;
    code = "DF114", name = "copy-from-stage-index", severity = Info,
    category = BestPractice, target = Dockerfile, fix = None,
    summary = "COPY --from refers to a stage by number",
    default_enabled = false,
    aliases = ["68a51e22-ae5a-4d48-8e87-b01a323605c9"],
}

impl DockerfileRule for CopyFromStageIndex {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for stage in &cx.model.stages {
            for r in &stage.refs {
                let name = &r.name.value.value;
                if matches!(r.target, Target::Stage(_)) && !name.is_empty() && name.chars().all(|c| c.is_ascii_digit())
                {
                    found.push(r.name.range);
                }
            }
        }
        for range in found {
            cx.report(&Self::META, range, "stage referred to by number")
                .help("name the stage with `AS` and use the name");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_numeric_references() {
        assert_flags(&CopyFromStageIndex, "FROM a:1\nFROM b:1\nCOPY --from=0 /x /x\n", &["0"]);
        assert_clean(&CopyFromStageIndex, "FROM a:1 AS build\nFROM b:1\nCOPY --from=build /x /x\n");
    }
}
