use dockward_dockerfile::semantic::is_automatic_arg;
use dockward_dockerfile::InstructionKind;
use dockward_source::TextRange;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `$VAR` / `${VAR}` in an instruction that BuildKit expands (FROM, COPY,
    /// ADD, ENV, ARG, LABEL, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL) when the
    /// variable is certainly not defined at that point:
    /// - in `FROM`, a name that no global `ARG` (before the first FROM) declares and
    ///   that is not one of BuildKit's automatic platform ARGs;
    /// - inside a stage, a name that is only declared *later* in the stage, or only
    ///   by a global ARG that the stage does not re-declare with `ARG NAME` (global
    ///   ARGs are invisible inside stages), or that is set by the same ENV
    ///   instruction (`ENV A=1 B=$A` reads the old `A`).
    ///
    /// Other unknown names may come from the base image's environment (`$PATH`,
    /// `$JAVA_HOME`), which a Dockerfile alone cannot see, so they are not reported.
    /// `${VAR:-default}` and `${VAR:+alt}` forms are deliberate and not reported.
    /// RUN, CMD and ENTRYPOINT are left to the shell, which may define the variable.
    ///
    /// ## Why is this bad?
    /// The variable expands to an empty string: `FROM alpine:$VERSION` becomes
    /// `alpine:` (an error), `COPY app $DEST` copies to the wrong place, and
    /// the build does not say why.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG VERSION=3.20
    /// FROM alpine:${VERSION}
    /// RUN echo "building ${VERSION}"
    /// LABEL version=$VERSION
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG VERSION=3.20
    /// FROM alpine:${VERSION}
    /// ARG VERSION
    /// LABEL version=$VERSION
    /// ```
    ///
    /// ## Fix
    /// Declare the variable (again) before its use.
    ///
    /// ## References
    /// - Dockerfile reference, "Understand how ARG and FROM interact"; BuildKit
    ///   build checks "UndefinedVar" and "UndefinedArgInFrom"
    pub struct UndefinedVariable;
    code = "DF118", name = "undefined-variable", severity = Warning,
    category = Correctness, target = Dockerfile, fix = None,
    summary = "A variable is used where it is not defined",
    aliases = ["UndefinedVar", "UndefinedArgInFrom", "DL3044"],
}

/// A `$NAME` reference in instruction text.
struct VarRef {
    name: String,
    range: TextRange,
}

/// `$NAME` and `${NAME}` references in `text` (starting at source offset `base`),
/// skipping escaped `$`, single-quoted text, comment lines and `${NAME:-x}`-style
/// forms with a fallback.
fn references(text: &str, base: usize, escape: char, skip: &[TextRange]) -> Vec<VarRef> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut single = false;
    let mut line_start = true;
    while i < bytes.len() {
        let c = bytes[i];
        let at = base + i;
        if skip.iter().any(|r| r.contains((at as u32).into())) {
            i += 1;
            continue;
        }
        if line_start && !single {
            let rest = text[i..].trim_start_matches([' ', '\t']);
            if rest.starts_with('#') {
                i += text[i..].find('\n').map_or(text.len() - i, |n| n + 1);
                continue;
            }
        }
        line_start = c == b'\n';
        if c as char == escape && !single {
            i += 2;
            continue;
        }
        if c == b'\'' {
            single = !single;
        } else if c == b'$' && !single {
            let start = i;
            let braced = bytes.get(i + 1) == Some(&b'{');
            let name_start = if braced { i + 2 } else { i + 1 };
            let mut j = name_start;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                j += 1;
            }
            if j > name_start && !bytes[name_start].is_ascii_digit() {
                let name = text[name_start..j].to_string();
                let mut end = j;
                let mut fallback = false;
                if braced {
                    fallback = matches!(bytes.get(j), Some(b':' | b'-' | b'+'));
                    end = text[j..].find('}').map_or(j, |n| j + n + 1);
                }
                if !fallback {
                    out.push(VarRef {
                        name,
                        range: TextRange::new(((base + start) as u32).into(), ((base + end) as u32).into()),
                    });
                }
                i = end.max(j);
                continue;
            }
        }
        i += 1;
    }
    out
}

const EXPANDED: &[InstructionKind] = &[
    InstructionKind::From,
    InstructionKind::Copy,
    InstructionKind::Add,
    InstructionKind::Env,
    InstructionKind::Arg,
    InstructionKind::Label,
    InstructionKind::Workdir,
    InstructionKind::User,
    InstructionKind::Expose,
    InstructionKind::Volume,
    InstructionKind::Stopsignal,
];

impl DockerfileRule for UndefinedVariable {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let text = cx.text();
        let escape = cx.dockerfile.escape;
        let mut found = Vec::new();
        for (index, instr) in cx.dockerfile.instructions.iter().enumerate() {
            if !EXPANDED.contains(&instr.kind) {
                continue;
            }
            let start = usize::from(instr.keyword.range.end());
            let end = usize::from(instr.range.end());
            let skip: Vec<TextRange> = instr.heredocs.iter().map(|h| h.body).collect();
            let stage = if instr.kind == InstructionKind::From { None } else { cx.model.stage_of(index) };
            for r in references(&text[start..end], start, escape, &skip) {
                if cx.model.variable_at(index, &r.name).is_some() {
                    continue;
                }
                let message = match stage {
                    None => {
                        if is_automatic_arg(&r.name) {
                            continue;
                        }
                        format!("`{}` is not declared by an ARG before the first FROM", r.name)
                    }
                    Some(stage) => {
                        let vars = cx.model.stage_variables(stage);
                        let later = vars.iter().find(|v| v.name == r.name && v.instruction >= index);
                        // `ENV PATH=$PATH:/x` reads the old value on purpose.
                        if later.is_some_and(|v| v.instruction == index && v.range.contains_range(r.range)) {
                            continue;
                        }
                        match later.map(|v| v.instruction) {
                            Some(i) if i == index => {
                                format!("`{}` is set by this same instruction; here it still has its old value", r.name)
                            }
                            Some(_) => format!("`{}` is used before it is declared", r.name),
                            None if cx.model.global_args.iter().any(|v| v.name == r.name) => format!(
                                "`{}` is a global ARG, not visible in a stage until re-declared with `ARG {}`",
                                r.name, r.name
                            ),
                            None => continue,
                        }
                    }
                };
                found.push((r.range, message));
            }
        }
        for (range, message) in found {
            cx.report(&Self::META, range, message).help("declare it with ARG or ENV before this instruction");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_certainly_undefined_names() {
        assert_flags(&UndefinedVariable, "FROM alpine:$VERSION\n", &["$VERSION"]);
        assert_flags(&UndefinedVariable, "ARG V=1\nFROM alpine:3\nLABEL v=${V}\n", &["${V}"]);
        assert_flags(&UndefinedVariable, "FROM alpine:3\nWORKDIR $APP\nARG APP=/app\n", &["$APP"]);
        assert_flags(&UndefinedVariable, "FROM alpine:3\nENV A=1 B=$A\n", &["$A"]);
    }

    #[test]
    fn defined_fallback_and_base_image_names_are_fine() {
        for text in [
            "ARG V=3\nFROM alpine:$V\nARG V\nLABEL v=$V\n",
            "FROM --platform=$BUILDPLATFORM alpine:3\n",
            "FROM alpine:${TAG:-3.20}\n",
            "FROM alpine:3\nENV PATH=$PATH:/opt/bin\n",
            "FROM alpine:3\nENV A=1\nENV B=$A\n",
            "FROM alpine:3\nLABEL x='$NOT_EXPANDED' y=\\$ESCAPED\n",
            "FROM alpine:3\nRUN echo $UNDEFINED_IN_SHELL\n",
            "FROM alpine:3\nCOPY <<EOF /x\n$SHELL_VAR\nEOF\n",
        ] {
            assert_clean(&UndefinedVariable, text);
        }
    }
}
