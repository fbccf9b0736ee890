use dockward_diagnostics::{Edit, Fix};
use dockward_source::TextRange;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags empty lines inside an instruction continued with `\`.
    ///
    /// ## Why is this bad?
    /// BuildKit skips them today but warns that a future release will treat them as
    /// the end of the instruction, which would cut the command short. They also look
    /// like the instruction ended.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update \
    ///
    ///     && apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update \
    ///     && apt-get install -y curl
    /// ```
    ///
    /// ## Fix
    /// The fix deletes the empty line (safe: BuildKit ignores it now).
    ///
    /// ## References
    /// - BuildKit build checks, "NoEmptyContinuation"
    pub struct EmptyContinuationLine;
    code = "DF124", name = "empty-continuation-line", severity = Warning,
    category = Correctness, target = Dockerfile, fix = Always,
    summary = "An empty line continues an instruction",
    aliases = ["NoEmptyContinuation"],
}

impl DockerfileRule for EmptyContinuationLine {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let text = cx.text();
        let found: Vec<_> = cx
            .dockerfile
            .empty_continuation_lines
            .iter()
            .map(|&r| {
                let mut end = usize::from(r.end());
                if text[end..].starts_with("\r\n") {
                    end += 2;
                } else if text[end..].starts_with('\n') {
                    end += 1;
                }
                (r, TextRange::new(r.start(), (end as u32).into()))
            })
            .collect();
        for (_, line) in found {
            let d = cx.report(&Self::META, line, "empty line inside a continued instruction");
            d.help("delete the empty line");
            d.fix(Fix::safe("Delete the empty line", vec![Edit::delete(line)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_and_deletes_empty_lines() {
        let text = "FROM x:1\nRUN a \\\n\n    && b\n";
        assert_eq!(lint(&EmptyContinuationLine, text).len(), 1);
        assert_fix(&EmptyContinuationLine, text, "FROM x:1\nRUN a \\\n    && b\n");
        assert_clean(&EmptyContinuationLine, "FROM x:1\nRUN a \\\n    && b\n\nRUN c\n");
    }
}
