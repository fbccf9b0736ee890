use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags stage names (`FROM ... AS Name`) that are not all lower case.
    ///
    /// ## Why is this bad?
    /// BuildKit compares stage names case-insensitively and reports them in lower
    /// case, so `AS Build` and `--from=build` refer to the same stage while looking
    /// different; `--target Build` in scripts then confuses readers.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS Builder
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22 AS builder
    /// ```
    ///
    /// ## Fix
    /// Lower-case the name (and the references to it). No automatic fix, since
    /// build scripts may use `--target` with the old spelling.
    ///
    /// ## References
    /// - BuildKit build checks, "StageNameCasing"
    pub struct StageNameCasing;
    code = "DF123", name = "stage-name-casing", severity = Info,
    category = BestPractice, target = Dockerfile, fix = None,
    summary = "A stage name is not lower case",
    aliases = ["StageNameCasing"],
}

impl DockerfileRule for StageNameCasing {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let text = cx.text();
        let found: Vec<_> = cx
            .dockerfile
            .stages
            .iter()
            .filter_map(|s| s.name.as_ref())
            .filter(|n| text[std::ops::Range::<usize>::from(n.range)].chars().any(|c| c.is_ascii_uppercase()))
            .map(|n| (n.range, n.value.clone()))
            .collect();
        for (range, lower) in found {
            cx.report(&Self::META, range, "stage names should be lower case").help(format!("write `{lower}`"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_upper_case_names() {
        assert_flags(&StageNameCasing, "FROM x:1 AS Build\nFROM x:1 AS test\n", &["Build"]);
    }
}
