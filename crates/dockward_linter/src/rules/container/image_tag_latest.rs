use dockward_dockerfile::semantic::ImageRef;

use crate::declare_rule;
use crate::rules::container::{describe, image_is_built_locally, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags a container image given without a tag or with `:latest` (and no
    /// digest). Images written with a variable (`$IMAGE`, `${TAG}`) are skipped.
    /// A Compose service with `build:` is skipped: its `image:` names the image Compose
    /// builds and tags, not one pulled from a registry (unless its `pull_policy` pulls
    /// the named image: `always`, `daily`, `weekly`, `refresh`, `every_<duration>`).
    ///
    /// ## Why is this bad?
    /// `latest` is whatever was pushed last: two hosts, or two deploys a day apart,
    /// run different code, rollbacks have nothing to roll back to, and a compromised
    /// push is picked up silently.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d redis
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d redis:7.4.1
    /// ```
    ///
    /// ## Fix
    /// Use a version tag, or a digest (`redis@sha256:...`) for full reproducibility.
    ///
    /// ## References
    /// - Practices a, "Use Trusted Base Images"; practices b, "Image Security"
    pub struct ImageTagLatest;
    code = "CT023", name = "image-tag-latest", severity = Warning,
    category = Correctness, target = Container, fix = None,
    summary = "The container image is untagged or uses latest",
    aliases = ["CKV_K8S_14", "KSV-0013", "C-0075", "latest-tag", "tagNotSpecified", "container-image-tag"],
    practices = ["b-pin-versions", "b-compose-pin"],
}

impl ContainerRule for ImageTagLatest {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        let Some(image) = &spec.image else { return };
        if image.value.contains('$') || image.value.is_empty() || image_is_built_locally(spec) {
            return;
        }
        let r = ImageRef::parse(&image.value);
        if r.digest.is_some() {
            return;
        }
        let msg = match r.tag.as_deref() {
            None => format!("{} uses image `{}` without a tag, which means `latest`", describe(spec), image.value),
            Some(t) if t.eq_ignore_ascii_case("latest") => {
                format!("{} uses image `{}`: `latest` changes under you", describe(spec), image.value)
            }
            Some(_) => return,
        };
        cx.report_value(&Self::META, image, msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_untagged_and_latest() {
        assert_run_flags(&ImageTagLatest, "docker run redis", &["redis"]);
        assert_run_flags(
            &ImageTagLatest,
            "docker run localhost:5000/team/app:latest",
            &["localhost:5000/team/app:latest"],
        );
    }

    #[test]
    fn passes_tags_digests_and_variables() {
        assert_run_clean(&ImageTagLatest, "docker run redis:7.4");
        assert_run_clean(&ImageTagLatest, "docker run localhost:5000/app@sha256:abc");
        assert_run_clean(&ImageTagLatest, "docker run \"$IMAGE\"");
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_latest_and_untagged() {
        let yaml = "services:\n  a:\n    image: nginx\n  b:\n    image: \"redis:latest\"\n  c:\n    image: postgres:16\n  d:\n    image: alpine@sha256:0000000000000000000000000000000000000000000000000000000000000000\n";
        assert_compose_flags(&ImageTagLatest, yaml, &["nginx", "\"redis:latest\""]);
        let d = ComposeCase::new("services:\n  a:\n    image: nginx:${TAG:-latest}\n")
            .assert_flags(&ImageTagLatest, &["nginx:${TAG:-latest}"]);
        assert!(!d[0].related.is_empty() || d[0].message.contains("latest"));
        ComposeCase::new("services:\n  a:\n    image: nginx:${TAG}\n")
            .env(&[("TAG", "1.27")])
            .assert_clean(&ImageTagLatest);
    }

    #[test]
    fn compose_skips_the_image_a_service_builds() {
        // `image:` with `build:` names the image Compose builds and tags.
        let yaml = "services:\n  a:\n    build: .\n    image: acme/app\n  b:\n    build:\n      context: .\n    image: acme/app:latest\n  c:\n    build: .\n    image: registry.acme.com/app:latest\n    pull_policy: build\n";
        assert_compose_clean(&ImageTagLatest, yaml);
        // A pull policy that pulls the named image makes the tag matter again, and an
        // image without build is still judged.
        let yaml = "services:\n  a:\n    build: .\n    image: acme/app:latest\n    pull_policy: always\n  b:\n    build: .\n    image: acme/b\n    pull_policy: every_12h\n  c:\n    image: acme/c\n";
        assert_compose_flags(&ImageTagLatest, yaml, &["acme/app:latest", "acme/b", "acme/c"]);
    }
}
