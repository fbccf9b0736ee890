use dockward_diagnostics::{Edit, Fix};
use dockward_dockerfile::{Args, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags the deprecated `MAINTAINER` instruction.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` has been deprecated since Docker 1.13. Tools read image metadata
    /// from labels (`org.opencontainers.image.authors`, `maintainer`), not from the
    /// legacy `Author` field it sets.
    ///
    /// ## Example
    /// ```dockerfile
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL maintainer="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## How to fix
    /// Replace it with a `LABEL`. The fix does it safely: quotes, the escape character
    /// and `$` are escaped so the label holds exactly the old text (LABEL expands
    /// variables, MAINTAINER does not).
    ///
    /// ## References
    /// - Dockerfile reference, "MAINTAINER (deprecated)"
    pub struct MaintainerDeprecated;
    code = "DF005", name = "maintainer-deprecated", severity = Info,
    category = BestPractice, target = Dockerfile, fix = Always,
    summary = "MAINTAINER is deprecated; use a LABEL",
    aliases = ["DL4000", "DS-0022", "CKV_DOCKER_6", "MaintainerDeprecated", "99614418-f82b-4852-a9ae-5051402b741c"],
}

impl DockerfileRule for MaintainerDeprecated {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let escape = cx.dockerfile.escape;
        for instr in cx.dockerfile.instructions.iter().filter(|i| i.kind == InstructionKind::Maintainer) {
            let fix = match &instr.args {
                Args::Text(t) if !t.value.contains('\n') => {
                    let mut quoted = String::with_capacity(t.value.len() + 2);
                    for c in t.value.chars() {
                        if c == '"' || c == escape || c == '$' {
                            quoted.push(escape);
                        }
                        quoted.push(c);
                    }
                    let label = super::keyword_like(instr, "LABEL");
                    Some(Fix::safe(
                        "Replace MAINTAINER with a maintainer LABEL",
                        vec![Edit::replace(instr.range, format!("{label} maintainer=\"{quoted}\""))],
                    ))
                }
                _ => None,
            };
            let d = cx.report(&Self::META, instr.keyword.range, "MAINTAINER is deprecated");
            d.help("use `LABEL maintainer=\"...\"` (or `org.opencontainers.image.authors`)");
            if let Some(fix) = fix {
                d.fix(fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_the_keyword() {
        assert_flags(&MaintainerDeprecated, "FROM alpine:3.20\nMAINTAINER Jane <j@x.org>\n", &["MAINTAINER"]);
        assert_clean(&MaintainerDeprecated, "FROM alpine:3.20\nLABEL maintainer=jane\n");
    }

    #[test]
    fn fix_writes_an_equivalent_label() {
        assert_fix(
            &MaintainerDeprecated,
            "FROM alpine:3.20\nMAINTAINER Jane \"JD\" Doe <j@x.org>\nRUN true\n",
            "FROM alpine:3.20\nLABEL maintainer=\"Jane \\\"JD\\\" Doe <j@x.org>\"\nRUN true\n",
        );
        assert_fix(
            &MaintainerDeprecated,
            "FROM alpine:3.20\nmaintainer $HOME\n",
            "FROM alpine:3.20\nlabel maintainer=\"\\$HOME\"\n",
        );
        assert_fix(
            &MaintainerDeprecated,
            "# escape=`\nFROM alpine:3.20\nMAINTAINER a\\b\n",
            "# escape=`\nFROM alpine:3.20\nLABEL maintainer=\"a\\b\"\n",
        );
    }
}
