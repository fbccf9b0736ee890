use crate::audit::{AuditContext, ImageRule};
use crate::declare_rule;
use dockward_spec::ImageView;

declare_rule! {
    /// ## What it does
    /// Flags a local image that runs containers and defines no `HEALTHCHECK` (or
    /// defines `NONE`). Images no audited container uses are not reported.
    ///
    /// ## Why is this bad?
    /// Without a health check the engine (and Swarm, and most orchestrators reading
    /// `docker inspect`) only knows whether the process exists, not whether it works: a
    /// hung service is never restarted or taken out of rotation.
    ///
    /// ## Example
    /// `docker image inspect web:2 --format '{{.Config.Healthcheck}}'` prints `<nil>`.
    ///
    /// ## Fix
    /// Add `HEALTHCHECK CMD ...` to the Dockerfile, or give the containers a
    /// `--health-cmd` / Compose `healthcheck:`.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 4.6 "Ensure that HEALTHCHECK instructions have been added to container images"
    /// - Practices b, "Runtime Hardening" (health checks)
    pub struct ImageWithoutHealthcheck;
    code = "IM002", name = "image-without-healthcheck", severity = Info,
    category = BestPractice, target = Image, fix = None,
    summary = "An image in use defines no HEALTHCHECK",
    aliases = ["CIS-DI-0006"], cis = ["4.6"],
    practices = ["b-image-hardening"],
}

impl ImageRule for ImageWithoutHealthcheck {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, images: &[ImageView], cx: &mut AuditContext<'_>) {
        for img in images.iter().filter(|i| !i.used_by.is_empty()) {
            let disabled = img.healthcheck.as_ref().is_some_and(|h| h.value.first().is_some_and(|t| t == "NONE"));
            if img.healthcheck.is_none() || disabled {
                let what = if disabled { "disables its HEALTHCHECK" } else { "defines no HEALTHCHECK" };
                cx.report(
                    &Self::META,
                    &img.origin,
                    format!("`{}` {what} (used by {})", img.name, img.used_by.join(", ")),
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

    #[test]
    fn flags_images_in_use_without_healthcheck() {
        let mut web = image("web:2");
        web.used_by = vec!["web-1".into(), "web-2".into()];
        let mut off = image("off:1");
        off.used_by = vec!["o".into()];
        off.healthcheck = Some(Val::new(vec!["NONE".into()], off.origin.clone()));
        let got = lint_images(&ImageWithoutHealthcheck::META, &[web, off], 0);
        assert_eq!(got[0].1, "`off:1` disables its HEALTHCHECK (used by o)");
        assert_eq!(
            got[1],
            ("image/web:2/Config".to_string(), "`web:2` defines no HEALTHCHECK (used by web-1, web-2)".to_string())
        );
    }

    #[test]
    fn passes_healthy_and_unused_images() {
        let mut ok = image("ok:1");
        ok.used_by = vec!["c".into()];
        ok.healthcheck = Some(Val::new(vec!["CMD".into(), "true".into()], ok.origin.clone()));
        assert!(lint_images(&ImageWithoutHealthcheck::META, &[ok, image("unused:1")], 0).is_empty());
    }
}
