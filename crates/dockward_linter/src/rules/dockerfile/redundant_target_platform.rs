use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`).
    ///
    /// ## Why is this bad?
    /// The target platform is already the default for every FROM, so the flag does
    /// nothing but suggest that it does something (usually the author meant
    /// `$BUILDPLATFORM`, for a cross-compiling builder stage).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine:3.20
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Fix
    /// The fix removes the flag (safe: it is the default).
    ///
    /// ## References
    /// - BuildKit build checks, "RedundantTargetPlatform"
    pub struct RedundantTargetPlatform;
    code = "DF126", name = "redundant-target-platform", severity = Info,
    category = BestPractice, target = Dockerfile, fix = Always,
    summary = "FROM --platform=$TARGETPLATFORM is the default",
    aliases = ["DL3065", "RedundantTargetPlatform"],
}

impl DockerfileRule for RedundantTargetPlatform {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let text = cx.text();
        let mut found = Vec::new();
        for instr in cx.dockerfile.instructions.iter().filter(|i| i.kind == dockward_dockerfile::InstructionKind::From)
        {
            for flag in instr.flags_named("platform") {
                let v = flag.value_str();
                if v == "$TARGETPLATFORM" || v == "${TARGETPLATFORM}" {
                    // Delete the flag and the blank after it.
                    let mut end = usize::from(flag.range.end());
                    while text[end..].starts_with([' ', '\t']) {
                        end += 1;
                    }
                    found.push((flag.range, dockward_source::TextRange::new(flag.range.start(), (end as u32).into())));
                }
            }
        }
        for (range, delete) in found {
            let d = cx.report(&Self::META, range, "`--platform=$TARGETPLATFORM` is already the default");
            d.help("remove the flag (or did you mean `$BUILDPLATFORM`?)");
            d.fix(dockward_diagnostics::Fix::safe("Remove the flag", vec![dockward_diagnostics::Edit::delete(delete)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_and_removes_the_flag() {
        assert_flags(
            &RedundantTargetPlatform,
            "FROM --platform=${TARGETPLATFORM} a:1\n",
            &["--platform=${TARGETPLATFORM}"],
        );
        assert_clean(&RedundantTargetPlatform, "FROM --platform=$BUILDPLATFORM a:1\n");
        assert_fix(&RedundantTargetPlatform, "FROM --platform=$TARGETPLATFORM a:1\n", "FROM a:1\n");
    }
}
