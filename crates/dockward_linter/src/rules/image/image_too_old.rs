use crate::audit::{AuditContext, ImageRule};
use crate::declare_rule;
use dockward_spec::ImageView;

declare_rule! {
    /// ## What it does
    /// Flags a local image that audited containers run and that was built longer ago
    /// than `[audit] max-image-age-days` (default 365). The age is the image's
    /// `Created` time: a stale image has a stale base.
    ///
    /// ## Why is this bad?
    /// Images are not patched in place. An image built a year ago carries every
    /// vulnerability fixed in its base image and packages since then.
    ///
    /// ## Example
    /// `docker image inspect app:1 --format '{{.Created}}'` prints a date two years ago.
    ///
    /// ## Fix
    /// Rebuild regularly (`docker build --pull`), and redeploy.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 4.4 "Ensure images are scanned and rebuilt to include security patches"
    /// - Practices a, "Regular Updates"
    pub struct ImageTooOld;
    code = "IM005", name = "image-too-old", severity = Info,
    category = Security, target = Image, fix = None,
    summary = "An image in use was built longer ago than the configured maximum age",
    cis = ["4.4"],
    practices = ["a-update-base", "b-update-docker"],
}

impl ImageRule for ImageTooOld {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, images: &[ImageView], cx: &mut AuditContext<'_>) {
        let max_days = i64::from(cx.settings.audit.max_image_age_days);
        for img in images.iter().filter(|i| !i.used_by.is_empty()) {
            let Some(created) = &img.created else { continue };
            // Imported images and reproducible builds carry an epoch timestamp: unknown, not old.
            if created.value <= 0 {
                continue;
            }
            let days = (cx.now - created.value) / 86_400;
            if days > max_days {
                cx.report_value(
                    &Self::META,
                    created,
                    format!("`{}` was built {days} days ago (maximum {max_days}); rebuild it", img.name),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::*;
    use dockward_spec::Val;

    const DAY: i64 = 86_400;

    fn built(name: &str, at: i64) -> ImageView {
        let mut img = image(name);
        img.used_by = vec!["c".into()];
        img.created = Some(Val::new(at, img.origin.clone()));
        img
    }

    #[test]
    fn flags_images_older_than_the_maximum() {
        let now = 1_000 * DAY;
        let got = lint_images(&ImageTooOld::META, &[built("old:1", now - 400 * DAY)], now);
        assert_eq!(got[0].1, "`old:1` was built 400 days ago (maximum 365); rebuild it");
    }

    #[test]
    fn passes_recent_unknown_and_unused_images() {
        let now = 1_000 * DAY;
        let mut unused = built("unused:1", 0);
        unused.used_by.clear();
        let images = [built("new:1", now - 30 * DAY), built("epoch:1", 0), unused];
        assert!(lint_images(&ImageTooOld::META, &images, now).is_empty());
    }
}
