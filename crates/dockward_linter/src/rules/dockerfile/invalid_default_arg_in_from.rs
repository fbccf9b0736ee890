use dockward_dockerfile::semantic::is_automatic_arg;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` whose image name, expanded with the default values of the global
    /// `ARG`s (an ARG without a default expands to nothing), is empty or not a valid
    /// image reference: `FROM alpine:${TAG}` with `ARG TAG` and no default becomes
    /// `alpine:`. Names that use BuildKit's automatic platform ARGs are not judged.
    ///
    /// ## Why is this bad?
    /// The Dockerfile only builds when every caller passes `--build-arg`; a plain
    /// `docker build` fails with an unhelpful reference error, and tools that read the
    /// defaults (scanners, Dependabot) cannot see the base image.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG TAG
    /// FROM alpine:${TAG}
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG TAG=3.20
    /// FROM alpine:${TAG}
    /// ```
    ///
    /// ## Fix
    /// Give the ARG a working default.
    ///
    /// ## References
    /// - BuildKit build checks, "InvalidDefaultArgInFrom"
    pub struct InvalidDefaultArgInFrom;
    code = "DF130", name = "invalid-default-arg-in-from", severity = Warning,
    category = Correctness, target = Dockerfile, fix = None,
    summary = "FROM is not a valid image with the ARG defaults",
    aliases = ["InvalidDefaultArgInFrom"],
}

fn valid_reference(r: &str) -> bool {
    !r.is_empty()
        && !r.starts_with([':', '/', '@', '.', '-'])
        && !r.ends_with([':', '/', '@', '.', '-'])
        && !r.contains("//")
        && !r.contains("::")
        && !r.contains(":/")
        && !r.contains(":@")
        && !r.contains(char::is_whitespace)
}

impl DockerfileRule for InvalidDefaultArgInFrom {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for stage in &cx.model.stages {
            let Some(base) = &stage.base_name else { continue };
            let v = &base.value;
            if v.unresolved.is_empty() || v.unresolved.iter().any(|n| is_automatic_arg(n)) || !v.errors.is_empty() {
                continue;
            }
            if !valid_reference(&v.value) {
                found.push((base.range, v.value.clone(), v.unresolved.join(", ")));
            }
        }
        for (range, value, names) in found {
            cx.report(
                &Self::META,
                range,
                format!("with the ARG defaults this is `{value}`, not an image ({names} unset)"),
            )
            .help("give the ARG a default value");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_invalid_defaults() {
        assert_flags(&InvalidDefaultArgInFrom, "ARG TAG\nFROM alpine:${TAG}\n", &["alpine:${TAG}"]);
        assert_flags(&InvalidDefaultArgInFrom, "ARG IMAGE\nFROM $IMAGE\n", &["$IMAGE"]);
        assert_clean(&InvalidDefaultArgInFrom, "ARG TAG=3.20\nFROM alpine:${TAG}\n");
        assert_clean(&InvalidDefaultArgInFrom, "ARG V\nFROM alpine${V}\n");
        assert_clean(&InvalidDefaultArgInFrom, "FROM --platform=$BUILDPLATFORM golang:1.22-${TARGETARCH}\n");
    }
}
