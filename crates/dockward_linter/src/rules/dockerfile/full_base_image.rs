use dockward_dockerfile::semantic::Target;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags a final stage built on a full distribution or language image (`ubuntu`,
    /// `debian`, `centos`, `fedora`, `node`, `python`, `golang`, `openjdk`, `ruby`,
    /// `php`, `rust`, `maven`, `gradle`, ...) with a tag that is not a slim variant
    /// (`slim`, `alpine`, `distroless`, `minimal`, `micro`, `chiseled`). The list is
    /// configurable: `[dockerfile] full-base-images = ["python", "ghcr.io/acme/base"]`
    /// replaces it. Build stages are not reported: their size does not ship.
    ///
    /// Off by default, since a full image is sometimes needed (glibc, debugging
    /// tools) and the choice is a trade-off. Enable it with `extend-select =
    /// ["full-base-image"]`.
    ///
    /// ## Why is this bad?
    /// Every package in the image is attack surface and scanner noise: full images
    /// bring shells, compilers and hundreds of libraries the application never uses.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// ```
    ///
    /// ## How to fix
    /// Use the image's slim or alpine variant, or build in a full stage and copy the
    /// result into a distroless or `scratch` final stage.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.3, "Ensure that unnecessary packages are not installed in the container"
    /// - Practices a, "Minimal and Lean Images"; practices b, "Image Security"
    pub struct FullBaseImage;
    code = "DF028", name = "full-base-image", severity = Info,
    category = Security, target = Dockerfile, fix = None,
    summary = "The final stage uses a full distribution image where a slim variant exists",
    default_enabled = false,
    cis = ["4.3"],
    practices = ["a-minimal-base", "b-minimal-trusted-images"],
}

/// Repositories with slim, alpine or distroless variants.
pub const DEFAULT_FULL_BASE_IMAGES: &[&str] = &[
    "ubuntu",
    "debian",
    "centos",
    "fedora",
    "rockylinux",
    "almalinux",
    "oraclelinux",
    "amazonlinux",
    "node",
    "python",
    "golang",
    "openjdk",
    "eclipse-temurin",
    "ruby",
    "php",
    "rust",
    "perl",
    "maven",
    "gradle",
    "elixir",
    "erlang",
    "buildpack-deps",
    "mcr.microsoft.com/dotnet/sdk",
];

const SLIM_MARKERS: &[&str] =
    &["slim", "alpine", "distroless", "minimal", "micro", "chiseled", "busybox", "jre", "nano"];

impl DockerfileRule for FullBaseImage {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let Some(last) = cx.model.stages.last() else { return };
        let root = cx.model.root_stage(last.index);
        let stage = &cx.model.stages[root];
        let (Target::Image(image), Some(name)) = (&stage.base, &stage.base_name) else { return };
        if !name.value.is_resolved() {
            return;
        }
        let defaults: Vec<String>;
        let list: &[String] = match &cx.settings.full_base_images {
            Some(l) => l,
            None => {
                defaults = DEFAULT_FULL_BASE_IMAGES.iter().map(|s| s.to_string()).collect();
                &defaults
            }
        };
        let full = image.full_name();
        let short = image.repository.strip_prefix("library/").unwrap_or(&image.repository);
        let listed = list.iter().any(|entry| {
            (image.is_docker_official() && entry == short) || full == *entry || full == format!("docker.io/{entry}")
        });
        if !listed {
            return;
        }
        let tag = image.tag.as_deref().unwrap_or("latest").to_ascii_lowercase();
        if SLIM_MARKERS.iter().any(|m| tag.contains(m)) {
            return;
        }
        cx.report(
            &Self::META,
            name.range,
            format!("the final image is built on the full `{}` image", name.value.value),
        )
        .help("use a slim/alpine variant, or copy the build result into a distroless or scratch final stage");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::SettingsBuilder;
    use crate::testing::*;

    #[test]
    fn flags_full_final_images() {
        assert_flags(&FullBaseImage, "FROM python:3.13\n", &["python:3.13"]);
        assert_flags(&FullBaseImage, "FROM golang:1.23 AS b\nFROM node:22-bookworm\n", &["node:22-bookworm"]);
        assert_flags(&FullBaseImage, "FROM ubuntu:24.04 AS base\nFROM base\n", &["ubuntu:24.04"]);
    }

    #[test]
    fn slim_build_stages_unknowns_and_other_images_are_fine() {
        assert_clean(&FullBaseImage, "FROM python:3.13-slim\n");
        assert_clean(&FullBaseImage, "FROM node:22-alpine\n");
        assert_clean(&FullBaseImage, "FROM golang:1.23 AS build\nFROM gcr.io/distroless/static-debian12\n");
        assert_clean(&FullBaseImage, "ARG B\nFROM $B\n");
        assert_clean(&FullBaseImage, "FROM nginx:1.27\n");
        assert_clean(&FullBaseImage, "FROM acme/python:3\n");
    }

    #[test]
    fn the_list_is_configurable() {
        let b = SettingsBuilder {
            select: Some(vec!["DF028".into()]),
            full_base_images: Some(vec!["nginx".into()]),
            ..Default::default()
        };
        assert_eq!(lint_with(&FullBaseImage, "FROM nginx:1.27\n", b.clone().build()).len(), 1);
        assert!(lint_with(&FullBaseImage, "FROM python:3.13\n", b.build()).is_empty());
    }
}
