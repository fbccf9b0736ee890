use dockward_diagnostics::{Edit, Fix};
use dockward_dockerfile::{Args, Instruction};
use dockward_source::TextRange;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags instruction keywords whose case differs from the rest of the file: a
    /// mixed-case keyword (`Run`), or an upper-case keyword in a mostly lower-case
    /// file and the other way round. The `AS` of `FROM ... AS name` must match the
    /// case of its `FROM`.
    ///
    /// ## Why is this bad?
    /// Keywords are case-insensitive, but mixed casing makes files harder to read and
    /// to search, and usually marks pasted fragments.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 as build
    /// run echo hi
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20 AS build
    /// RUN echo hi
    /// ```
    ///
    /// ## Fix
    /// The fix rewrites the keyword in the file's majority case (upper case on a
    /// tie). Safe: keywords are case-insensitive.
    ///
    /// ## References
    /// - BuildKit build checks, "ConsistentInstructionCasing" and "FromAsCasing"
    pub struct InconsistentKeywordCasing;
    code = "DF122", name = "inconsistent-keyword-casing", severity = Info,
    category = BestPractice, target = Dockerfile, fix = Always,
    summary = "An instruction keyword is not cased like the rest of the file",
    aliases = ["ConsistentInstructionCasing", "FromAsCasing"],
}

fn is_upper(s: &str) -> bool {
    s.chars().all(|c| !c.is_ascii_lowercase())
}

fn is_lower(s: &str) -> bool {
    s.chars().all(|c| !c.is_ascii_uppercase())
}

fn keywords(instrs: &[Instruction]) -> Vec<&Instruction> {
    let mut out = Vec::new();
    for i in instrs {
        out.push(i);
        if let Some(inner) = i.onbuild_inner() {
            out.push(inner);
        }
    }
    out
}

impl DockerfileRule for InconsistentKeywordCasing {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let text = cx.text();
        let all = keywords(&cx.dockerfile.instructions);
        let upper = all.iter().filter(|i| is_upper(&i.keyword.value)).count();
        let lower = all.iter().filter(|i| is_lower(&i.keyword.value)).count();
        let want_upper = upper >= lower;
        let mut found: Vec<(TextRange, String, String)> = Vec::new();
        for i in &all {
            let kw = &i.keyword.value;
            let ok = if want_upper { is_upper(kw) } else { is_lower(kw) };
            if !ok {
                let fixed = if want_upper { kw.to_ascii_uppercase() } else { kw.to_ascii_lowercase() };
                found.push((i.keyword.range, format!("`{kw}` is not cased like the other keywords"), fixed));
            }
            if let Args::From(from) = &i.args {
                if let Some(as_kw) = from.as_keyword {
                    let written = &text[std::ops::Range::<usize>::from(as_kw)];
                    let from_upper = is_upper(kw);
                    let ok = if from_upper { is_upper(written) } else { is_lower(written) };
                    if !ok {
                        let fixed = if from_upper { "AS" } else { "as" };
                        found.push((as_kw, format!("`{written}` does not match the case of `{kw}`"), fixed.into()));
                    }
                }
            }
        }
        for (range, message, fixed) in found {
            let d = cx.report(&Self::META, range, message);
            d.help(format!("write `{fixed}`"));
            d.fix(Fix::safe("Match the file's keyword case", vec![Edit::replace(range, fixed)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_the_minority_case() {
        assert_flags(&InconsistentKeywordCasing, "FROM x:1 as b\nRUN a\nrun b\nRun c\n", &["as", "run", "Run"]);
        assert_flags(&InconsistentKeywordCasing, "from x:1 AS b\nrun a\nRUN b\n", &["AS", "RUN"]);
        assert_clean(&InconsistentKeywordCasing, "from x:1 as b\nrun a\nonbuild run b\n");
    }

    #[test]
    fn fix_uses_the_majority_case() {
        assert_fix(&InconsistentKeywordCasing, "FROM x:1 as b\nRUN a\nrun b\n", "FROM x:1 AS b\nRUN a\nRUN b\n");
    }
}
