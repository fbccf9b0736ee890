use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

use super::{resolution_note, resolved_base_images};

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` whose image has no tag or the tag `latest`, and no digest.
    /// `FROM ${BASE}` is resolved through the global `ARG` defaults and `--build-arg`
    /// values first; an image that cannot be resolved is never reported, and `scratch`
    /// and earlier stages are not images.
    ///
    /// ## Why is this bad?
    /// `latest` moves. The same Dockerfile builds a different image tomorrow, with new
    /// packages, a new major version, or a compromised upstream push, and a rebuild of
    /// a security fix can silently pull in breaking changes. A pinned version is
    /// reviewable and reproducible.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx
    /// FROM redis:latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27-alpine
    /// FROM redis:7.4.1@sha256:<digest>
    /// ```
    ///
    /// ## How to fix
    /// Pin a version tag, and for full reproducibility a digest as well.
    ///
    /// ## References
    /// - Practices b, "Image Security": "Do not use `:latest` — always pin versions"
    /// - Practices a, "Use Trusted Base Images", "Regular Updates"
    pub struct BaseImageLatest;
    code = "DF003", name = "base-image-latest", severity = Warning,
    category = Security, target = Dockerfile, fix = None,
    summary = "FROM uses an untagged or `latest` image",
    aliases = ["DL3006", "DL3007", "DS-0001", "CKV_DOCKER_7", "9efb0b2d-89c9-41a3-91ca-dcc0aec911fd", "f45ea400-6bbe-4501-9fc7-1c3d75c32067"],
    practices = ["a-trusted-source", "b-pin-versions"],
}

impl DockerfileRule for BaseImageLatest {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        for (image, name) in resolved_base_images(cx.model) {
            if image.digest.is_some() {
                continue;
            }
            let resolved = &name.value.value;
            let via = resolution_note(&cx.text()[name.range], resolved);
            let message = match image.tag.as_deref() {
                None => format!("`{resolved}` has no tag, so it means `latest`{via}"),
                Some("latest") => format!("`{resolved}` uses the moving `latest` tag{via}"),
                Some(_) => continue,
            };
            cx.report(&Self::META, name.range, message)
                .help("pin a version tag (and a digest for reproducible builds)");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::SettingsBuilder;
    use crate::testing::*;

    #[test]
    fn flags_untagged_and_latest() {
        assert_flags(&BaseImageLatest, "FROM nginx\n", &["nginx"]);
        assert_flags(&BaseImageLatest, "FROM redis:latest\n", &["redis:latest"]);
        assert_flags(&BaseImageLatest, "FROM --platform=linux/amd64 ghcr.io/acme/app AS x\n", &["ghcr.io/acme/app"]);
        // A registry port is not a tag.
        assert_flags(&BaseImageLatest, "FROM localhost:5000/app\n", &["localhost:5000/app"]);
    }

    #[test]
    fn pinned_images_stages_and_scratch_are_fine() {
        assert_clean(&BaseImageLatest, "FROM nginx:1.27-alpine\n");
        assert_clean(&BaseImageLatest, "FROM localhost:5000/app:1.2\n");
        let digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        assert_clean(&BaseImageLatest, &format!("FROM nginx@{digest}\n"));
        assert_clean(&BaseImageLatest, &format!("FROM nginx:latest@{digest}\n"));
        assert_clean(&BaseImageLatest, "FROM scratch\n");
        assert_clean(&BaseImageLatest, "FROM golang:1.23 AS build\nFROM build\n");
        assert_clean(&BaseImageLatest, "FROM golang:1.23 AS Build\nFROM build AS final\n");
    }

    #[test]
    fn resolves_args_and_build_args_before_judging() {
        assert_flags(&BaseImageLatest, "ARG BASE=debian\nFROM ${BASE}\n", &["${BASE}"]);
        assert!(message(&BaseImageLatest, "ARG BASE=debian\nFROM ${BASE}\n").contains("resolves to `debian`"));
        assert_clean(&BaseImageLatest, "ARG BASE=debian:12\nFROM ${BASE}\n");
        assert_clean(&BaseImageLatest, "ARG TAG=12\nFROM debian:${TAG}\n");
        // No default and no build-arg: unknown, so never a false positive.
        assert_clean(&BaseImageLatest, "ARG BASE\nFROM ${BASE}\n");
        assert_clean(&BaseImageLatest, "ARG REGISTRY\nFROM ${REGISTRY}/team/app:1.0\n");
        let mut b = SettingsBuilder { select: Some(vec!["DF003".into()]), ..Default::default() };
        b.build_args.insert("BASE".into(), "alpine:latest".into());
        let diags = lint_with(&BaseImageLatest, "ARG BASE=debian:12\nFROM ${BASE}\n", b.build());
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("alpine:latest"));
    }
}
