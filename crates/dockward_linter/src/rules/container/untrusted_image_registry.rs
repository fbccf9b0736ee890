use dockward_dockerfile::semantic::ImageRef;

use crate::declare_rule;
use crate::rules::container::{describe, image_is_built_locally, ContainerContext, ContainerRule};
use crate::rules::dockerfile::untrusted_base_image_registry::trusted_by;
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// When `trusted-registries` is set in `dockward.toml` (the same list DF006
    /// reads), flags a container image from any other registry. An entry is a registry
    /// (`ghcr.io`) or a registry with a path prefix (`ghcr.io/acme`,
    /// `docker.io/library` for official images only). Images without a registry come
    /// from Docker Hub (`docker.io`). With no list configured the rule reports nothing;
    /// images written with a variable are skipped.
    /// A Compose service with `build:` is skipped: its `image:` names the image Compose
    /// builds and tags, not one pulled from a registry (unless its `pull_policy` pulls
    /// the named image: `always`, `daily`, `weekly`, `refresh`, `every_<duration>`).
    ///
    /// ## Why is this bad?
    /// The image is the code that runs. Teams that vet their sources need every
    /// deployment to pull only from them.
    ///
    /// ## Example
    /// With `trusted-registries = ["registry.acme.com"]`:
    /// ```sh
    /// docker run randomuser/tool:1
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run registry.acme.com/mirror/tool:1
    /// ```
    ///
    /// ## Fix
    /// Mirror the image into a trusted registry, or add its registry to the list after vetting it.
    ///
    /// ## References
    /// - Practices a, "Use Trusted Base Images"; practices b, "Image Security"
    pub struct UntrustedImageRegistry;
    code = "CT025", name = "untrusted-image-registry", severity = Warning,
    category = Security, target = Container, fix = None,
    summary = "The container image comes from a registry outside the trusted list",
    aliases = ["KSV-0125", "C-0078"],
    cis = ["4.2"],
    practices = ["a-trusted-source", "b-minimal-trusted-images"],
}

impl ContainerRule for UntrustedImageRegistry {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        let trusted = &cx.settings.trusted_registries;
        let Some(image) = &spec.image else { return };
        if trusted.is_empty() || image.value.contains('$') || image.value.is_empty() || image_is_built_locally(spec) {
            return;
        }
        let r = ImageRef::parse(&image.value);
        if trusted.iter().any(|t| trusted_by(&r, t)) {
            return;
        }
        let msg = format!(
            "{} uses `{}` from `{}`, which is not in trusted-registries ({})",
            describe(spec),
            image.value,
            r.registry_or_default(),
            trusted.join(", ")
        );
        cx.report_value(&Self::META, image, msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;
    use crate::settings::SettingsBuilder;
    use dockward_spec::EngineDefaults;

    fn with_trusted(list: &[&str], line: &str) -> Vec<String> {
        let s = SettingsBuilder {
            select: Some(vec!["CT025".into()]),
            trusted_registries: list.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
        .build();
        spans(line, &lint_spec_with(&UntrustedImageRegistry, spec_from_run(line), &EngineDefaults::default(), &s))
    }

    #[test]
    fn flags_images_outside_the_list() {
        assert_eq!(with_trusted(&["registry.acme.com"], "docker run quay.io/x/y:1"), ["quay.io/x/y:1"]);
        assert_eq!(with_trusted(&["docker.io/library"], "docker run randomuser/y:1"), ["randomuser/y:1"]);
    }

    #[test]
    fn passes_trusted_images_and_no_list() {
        assert!(with_trusted(&["docker.io/library"], "docker run alpine:3").is_empty());
        assert!(with_trusted(&["ghcr.io/acme"], "docker run ghcr.io/acme/tool:1").is_empty());
        assert_run_clean(&UntrustedImageRegistry, "docker run quay.io/x/y:1");
    }
}

#[cfg(test)]
mod compose_tests {
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_images_outside_trusted_registries() {
        let settings = crate::settings::SettingsBuilder {
            select: Some(vec!["CT025".into()]),
            trusted_registries: vec!["registry.example.com".into()],
            ..Default::default()
        }
        .build();
        let yaml = "services:\n  a:\n    image: registry.example.com/team/app:1\n  b:\n    image: ghcr.io/x/y:2\n";
        let specs = ComposeCase::new(yaml).specs();
        let d = crate::check::lint_container_specs(&specs, &dockward_spec::EngineDefaults::default(), &settings);
        assert_eq!(file_spans(&d), ["ghcr.io/x/y:2"]);
        // A built image is named, not pulled, unless the pull policy pulls it.
        let yaml = "services:\n  a:\n    build: .\n    image: ghcr.io/acme/app:1\n  b:\n    build: .\n    image: ghcr.io/acme/b:1\n    pull_policy: daily\n";
        let specs = ComposeCase::new(yaml).specs();
        let d = crate::check::lint_container_specs(&specs, &dockward_spec::EngineDefaults::default(), &settings);
        assert_eq!(file_spans(&d), ["ghcr.io/acme/b:1"]);
    }
}
