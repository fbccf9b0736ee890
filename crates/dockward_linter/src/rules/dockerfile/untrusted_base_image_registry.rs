use dockward_dockerfile::semantic::ImageRef;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

use super::resolved_base_images;

declare_rule! {
    /// ## What it does
    /// When `[dockerfile] trusted-registries` is set in `dockward.toml`, flags a `FROM`
    /// image that comes from any other registry. An entry is a registry
    /// (`docker.io`, `ghcr.io`) or a registry with a path prefix (`ghcr.io/acme`,
    /// `docker.io/library` for official images only). Images without a registry are
    /// Docker Hub's (`docker.io`). `FROM ${BASE}` is resolved first; an image that
    /// cannot be resolved is not reported. With no list configured, the rule reports
    /// nothing.
    ///
    /// ## Why is this bad?
    /// A base image is code that runs in every container built from it. Teams that
    /// vet their sources (a mirror, verified publishers, their own registry) need every
    /// build to stay inside that list; one `FROM` from an unknown registry is a supply
    /// chain hole.
    ///
    /// ## Example
    /// With `trusted-registries = ["registry.acme.com", "docker.io/library"]`:
    /// ```dockerfile
    /// FROM randomuser/node-with-extras:22
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM registry.acme.com/base/node:22
    /// ```
    ///
    /// ## How to fix
    /// Use an image from a trusted registry (mirror the one you need there), or add its
    /// registry to `trusted-registries` after vetting it.
    ///
    /// ## References
    /// - Practices a, "Use Trusted Base Images"; practices b, "Image Security"
    pub struct UntrustedBaseImageRegistry;
    code = "DF006", name = "untrusted-base-image-registry", severity = Warning,
    category = Security, target = Dockerfile, fix = None,
    summary = "FROM uses an image from a registry outside the trusted list",
    aliases = ["DL3026"], cis = ["4.2"],
    practices = ["a-trusted-source", "b-minimal-trusted-images"],
}

/// True if `image` comes from `entry`: a registry, or a registry plus path prefix
/// matched at a path-component boundary (`ghcr.io/acme` does not trust `ghcr.io/acmex`).
pub(crate) fn trusted_by(image: &ImageRef, entry: &str) -> bool {
    let entry = entry.trim().trim_end_matches('/');
    let entry =
        entry.strip_prefix("index.docker.io").map(|rest| format!("docker.io{rest}")).unwrap_or(entry.to_string());
    if !entry.contains('/') {
        return image.registry_or_default().eq_ignore_ascii_case(&entry)
            || (entry == "docker.io"
                && matches!(image.registry.as_deref(), Some("index.docker.io" | "registry-1.docker.io")));
    }
    let full = image.full_name();
    full.strip_prefix(entry.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

impl DockerfileRule for UntrustedBaseImageRegistry {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let trusted = &cx.settings.trusted_registries;
        if trusted.is_empty() {
            return;
        }
        for (image, name) in resolved_base_images(cx.model) {
            if trusted.iter().any(|t| trusted_by(image, t)) {
                continue;
            }
            let message = format!(
                "`{}` comes from `{}`, which is not in trusted-registries ({})",
                name.value.value,
                image.full_name(),
                trusted.join(", ")
            );
            cx.report(&Self::META, name.range, message)
                .help("use an image from a trusted registry, or vet this one and add it to `trusted-registries`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::SettingsBuilder;
    use crate::testing::*;

    fn with_trusted(list: &[&str], text: &str) -> Vec<String> {
        let b = SettingsBuilder {
            select: Some(vec!["DF006".into()]),
            trusted_registries: list.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        lint_with(&UntrustedBaseImageRegistry, text, b.build())
            .iter()
            .map(|d| text[d.location.range().unwrap()].to_string())
            .collect()
    }

    #[test]
    fn without_a_list_nothing_is_reported() {
        assert_clean(&UntrustedBaseImageRegistry, "FROM evil.example.com/x:1\n");
    }

    #[test]
    fn registries_and_path_prefixes() {
        let list = ["registry.acme.com", "docker.io/library", "ghcr.io/acme"];
        assert!(with_trusted(&list, "FROM alpine:3.20\n").is_empty(), "official images are docker.io/library");
        assert!(with_trusted(&list, "FROM registry.acme.com/base/node:22\n").is_empty());
        assert!(with_trusted(&list, "FROM ghcr.io/acme/tool:1\n").is_empty());
        assert_eq!(with_trusted(&list, "FROM randomuser/node:22\n"), ["randomuser/node:22"]);
        assert_eq!(with_trusted(&list, "FROM ghcr.io/acmex/tool:1\n"), ["ghcr.io/acmex/tool:1"]);
        assert_eq!(with_trusted(&list, "FROM quay.io/x/y:1 AS a\nFROM a\n"), ["quay.io/x/y:1"]);
        assert!(with_trusted(&["docker.io"], "FROM randomuser/node:22\n").is_empty());
        assert!(with_trusted(&["index.docker.io"], "FROM alpine:3\n").is_empty());
    }

    #[test]
    fn resolves_variables_and_skips_unknowns() {
        let list = ["registry.acme.com"];
        assert_eq!(with_trusted(&list, "ARG REG=quay.io\nFROM ${REG}/app:1\n"), ["${REG}/app:1"]);
        assert!(with_trusted(&list, "ARG REG\nFROM ${REG}/app:1\n").is_empty());
        assert!(with_trusted(&list, "FROM scratch\n").is_empty());
    }
}
