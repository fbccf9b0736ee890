use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

use super::resolved_base_images;

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` image that is not pinned by digest (`@sha256:...`). Images that
    /// depend on an unresolved variable, `scratch` and earlier stages are not reported.
    ///
    /// Off by default: digests need a bot (Renovate, Dependabot) to keep them
    /// current, or pinned images stop receiving security fixes. Enable it with
    /// `extend-select = ["base-image-not-pinned"]` where reproducible builds matter.
    ///
    /// ## Why is this bad?
    /// A tag can be moved to a different image at any time, by the publisher or by
    /// whoever compromises the registry account; only a digest names fixed content.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13-slim@sha256:<digest>
    /// ```
    ///
    /// ## How to fix
    /// Append the digest (`docker buildx imagetools inspect python:3.13-slim`) and let
    /// a dependency bot update it.
    ///
    /// ## References
    /// - Practices b, "Image Security"; practices a, "Use Trusted Base Images"
    pub struct BaseImageNotPinned;
    code = "DF026", name = "base-image-not-pinned", severity = Warning,
    category = Security, target = Dockerfile, fix = None,
    summary = "FROM uses an image without a digest",
    default_enabled = false,
    practices = ["a-trusted-source", "b-pin-versions"],
}

impl DockerfileRule for BaseImageNotPinned {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        for (image, name) in resolved_base_images(cx.model) {
            if image.digest.is_none() {
                let via = super::resolution_note(&cx.text()[name.range], &name.value.value);
                cx.report(&Self::META, name.range, format!("`{}` is not pinned by digest{via}", name.value.value))
                    .help("append `@sha256:<digest>` and let a dependency bot keep it current");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_images_without_digest() {
        assert_flags(&BaseImageNotPinned, "FROM python:3.13-slim\n", &["python:3.13-slim"]);
        assert_flags(&BaseImageNotPinned, "ARG B=node:22\nFROM $B AS x\nFROM x\n", &["$B"]);
    }

    #[test]
    fn digests_stages_scratch_and_unknowns_are_fine() {
        assert_clean(&BaseImageNotPinned, "FROM python:3.13@sha256:0123456789abcdef\n");
        assert_clean(&BaseImageNotPinned, "FROM scratch\n");
        assert_clean(&BaseImageNotPinned, "ARG B\nFROM ${B}\n");
        assert!(!crate::Settings::default().is_enabled(&BaseImageNotPinned::META));
    }
}
