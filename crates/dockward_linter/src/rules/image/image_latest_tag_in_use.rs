use crate::audit::{AuditContext, ImageRule};
use crate::declare_rule;
use dockward_spec::ImageView;

declare_rule! {
    /// ## What it does
    /// Flags a local image tagged `latest` that audited containers run.
    ///
    /// ## Why is this bad?
    /// `latest` says nothing about what runs: the next pull or rebuild silently replaces
    /// it, two hosts running "the same" container may run different code, and a rollback
    /// has nothing to roll back to.
    ///
    /// ## Example
    /// `docker ps` shows containers of `nginx:latest`.
    ///
    /// ## Fix
    /// Run a versioned tag (`nginx:1.27.3`), or a digest.
    ///
    /// ## References
    /// - Practices b, "Image Security" (pin versions)
    pub struct ImageLatestTagInUse;
    code = "IM004", name = "image-latest-tag-in-use", severity = Warning,
    category = Security, target = Image, fix = None,
    summary = "Containers run an image tagged `latest`",
    aliases = ["DKL-DI-0006"],
    practices = ["b-pin-versions"],
}

impl ImageRule for ImageLatestTagInUse {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, images: &[ImageView], cx: &mut AuditContext<'_>) {
        for img in images.iter().filter(|i| !i.used_by.is_empty()) {
            if let Some(tag) = img.tags.iter().find(|t| t.value.ends_with(":latest")) {
                cx.report_value(
                    &Self::META,
                    tag,
                    format!("`{}` runs {}; pin a version", tag.value, img.used_by.join(", ")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::*;

    #[test]
    fn flags_latest_in_use() {
        let mut img = image("nginx:latest");
        img.used_by = vec!["web".into()];
        let got = lint_images(&ImageLatestTagInUse::META, &[img], 0);
        assert_eq!(
            got,
            [("image/nginx:latest/RepoTags[0]".to_string(), "`nginx:latest` runs web; pin a version".to_string())]
        );
    }

    #[test]
    fn passes_versions_and_unused_latest() {
        let mut pinned = image("nginx:1.27");
        pinned.used_by = vec!["web".into()];
        assert!(lint_images(&ImageLatestTagInUse::META, &[pinned, image("redis:latest")], 0).is_empty());
    }
}
