use dockward_dockerfile::semantic::ImageRef;

use crate::declare_rule;
use crate::rules::container::{describe, image_is_built_locally, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Reports a container image that is not pinned by digest (`image@sha256:...`).
    /// Off by default: enable it (`extend-select = ["CT024"]`) where deployments must
    /// be byte-for-byte reproducible. Images written with a variable are skipped.
    /// A Compose service with `build:` is skipped: its `image:` names the image Compose
    /// builds and tags, not one pulled from a registry (unless its `pull_policy` pulls
    /// the named image: `always`, `daily`, `weekly`, `refresh`, `every_<duration>`).
    ///
    /// ## Why is this bad?
    /// Tags are mutable: the same `app:1.4` can point to a different image tomorrow,
    /// by a re-push or a registry compromise. Only a digest names exact content.
    ///
    /// ## Example
    /// ```sh
    /// docker run redis:7.4
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run redis:7.4@sha256:<digest>
    /// ```
    ///
    /// ## Fix
    /// Append the digest (`docker buildx imagetools inspect redis:7.4`), and let a bot
    /// (Renovate, Dependabot) update it.
    ///
    /// ## References
    /// - Practices a, "Use Trusted Base Images"; practices b, "Image Security"
    pub struct ImageNotPinnedByDigest;
    code = "CT024", name = "image-not-pinned-by-digest", severity = Info,
    category = Correctness, target = Container, fix = None,
    summary = "The container image is not pinned by digest",
    default_enabled = false,
    aliases = ["CKV_K8S_43"],
    practices = ["a-trusted-source", "b-pin-versions", "b-compose-pin"],
}

impl ContainerRule for ImageNotPinnedByDigest {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        let Some(image) = &spec.image else { return };
        if image.value.contains('$')
            || image.value.is_empty()
            || image_is_built_locally(spec)
            || ImageRef::parse(&image.value).is_pinned()
        {
            return;
        }
        let msg = format!("{} uses image `{}`, which is not pinned by digest", describe(spec), image.value);
        cx.report_value(&Self::META, image, msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_tags() {
        assert_run_flags(&ImageNotPinnedByDigest, "docker run redis:7.4", &["redis:7.4"]);
    }

    #[test]
    fn passes_digests() {
        assert_run_clean(&ImageNotPinnedByDigest, "docker run redis:7.4@sha256:0123");
    }

    #[test]
    fn is_off_by_default() {
        assert!(!crate::Settings::default().is_enabled(&ImageNotPinnedByDigest::META));
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_tags_without_digest() {
        let yaml = "services:\n  a:\n    image: nginx:1.27\n  b:\n    image: alpine:3@sha256:0000000000000000000000000000000000000000000000000000000000000000\n  c:\n    build: .\n";
        assert_compose_flags(&ImageNotPinnedByDigest, yaml, &["nginx:1.27"]);
    }

    #[test]
    fn compose_skips_the_image_a_service_builds() {
        let yaml = "services:\n  a:\n    build: .\n    image: acme/app:1.2\n  b:\n    build: .\n    image: acme/b:1\n    pull_policy: always\n";
        assert_compose_flags(&ImageNotPinnedByDigest, yaml, &["acme/b:1"]);
    }
}
