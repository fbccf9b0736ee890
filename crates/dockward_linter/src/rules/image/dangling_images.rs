use crate::audit::{AuditContext, ImageRule};
use crate::declare_rule;
use dockward_spec::live::{logical, logical_scope};
use dockward_spec::ImageView;

declare_rule! {
    /// ## What it does
    /// Reports when more untagged (dangling) images pile up on the host than
    /// `[audit] max-dangling-images` (default 10).
    ///
    /// ## Why is this bad?
    /// Old image versions keep their old vulnerabilities and can be started again by
    /// id; they also fill the disk the daemon needs. Image sprawl makes it hard to know
    /// what the host can run.
    ///
    /// ## Example
    /// `docker images --filter dangling=true` lists 40 images.
    ///
    /// ## Fix
    /// Remove what is unused (`docker image prune`), and prune regularly.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 6.1 "Ensure that image sprawl is avoided"
    pub struct DanglingImages;
    code = "IM007", name = "dangling-images", severity = Info,
    category = BestPractice, target = Image, fix = None,
    summary = "Untagged images pile up on the host",
    cis = ["6.1"],
}

impl ImageRule for DanglingImages {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, images: &[ImageView], cx: &mut AuditContext<'_>) {
        let dangling: Vec<&ImageView> = images.iter().filter(|i| i.is_dangling() && i.used_by.is_empty()).collect();
        let max = cx.settings.audit.max_dangling_images;
        if dangling.len() > max {
            let at = logical(&logical_scope("images", "dangling"), "RepoTags");
            cx.report(&Self::META, &at, format!("{} unused untagged images (maximum {max})", dangling.len()))
                .help("remove them with `docker image prune`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::*;

    fn dangling(n: usize) -> Vec<ImageView> {
        (0..n)
            .map(|i| {
                let mut img = image(&format!("{i:012}"));
                img.tags.clear();
                img
            })
            .collect()
    }

    #[test]
    fn flags_more_than_the_maximum() {
        let got = lint_images(&DanglingImages::META, &dangling(11), 0);
        assert_eq!(
            got,
            [("images/dangling/RepoTags".to_string(), "11 unused untagged images (maximum 10)".to_string())]
        );
    }

    #[test]
    fn passes_up_to_the_maximum_and_images_in_use() {
        let mut images = dangling(11);
        images[0].used_by = vec!["c".into()];
        assert!(lint_images(&DanglingImages::META, &images, 0).is_empty());
    }
}
