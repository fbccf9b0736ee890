use crate::audit::{AuditContext, ImageRule};
use crate::declare_rule;
use dockward_spec::ImageView;

declare_rule! {
    /// ## What it does
    /// Flags a local image whose configuration runs its process as root: `Config.User`
    /// is empty, `root`, or uid `0`. Untagged (dangling) images are left to IM007.
    ///
    /// ## Why is this bad?
    /// Every container started from the image runs as root unless its creator remembers
    /// `--user`. Root in a container is root on the host's kernel: one escape or one
    /// writable host mount away from the host.
    ///
    /// ## Example
    /// `docker image inspect app:1.4 --format '{{.Config.User}}'` prints nothing.
    ///
    /// ## Fix
    /// Create a user in the Dockerfile and end with `USER app` (or a numeric uid), then
    /// rebuild the image.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 4.1 "Ensure that a user for the container has been created"
    /// - Practices a, "Running as Non-Root"; practices b, "Image Security"
    pub struct ImageRunsAsRoot;
    code = "IM001", name = "image-runs-as-root", severity = Warning,
    category = Security, target = Image, fix = None,
    summary = "The image's configured user is root",
    aliases = ["CIS-DI-0001"], cis = ["4.1"],
    practices = ["a-non-root", "b-non-root"],
}

/// True if a `Config.User` value means root.
pub fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("");
    name.is_empty() || name == "root" || name == "0"
}

impl ImageRule for ImageRunsAsRoot {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, images: &[ImageView], cx: &mut AuditContext<'_>) {
        for img in images.iter().filter(|i| !i.is_dangling()) {
            match &img.user {
                None => {
                    cx.report(&Self::META, &img.origin, format!("`{}` sets no USER, so it runs as root", img.name));
                }
                Some(u) if is_root_user(&u.value) => {
                    cx.report_value(&Self::META, u, format!("`{}` runs as `{}`", img.name, u.value));
                }
                Some(_) => {}
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
    fn flags_unset_and_root_users() {
        let mut root = image("app:1");
        root.user = Some(Val::new("0:0".to_string(), root.origin.clone()));
        let got = lint_images(&ImageRunsAsRoot::META, &[image("plain:2"), root], 0);
        assert_eq!(
            got,
            [
                ("image/app:1/Config".to_string(), "`app:1` runs as `0:0`".to_string()),
                ("image/plain:2/Config".to_string(), "`plain:2` sets no USER, so it runs as root".to_string()),
            ]
        );
    }

    #[test]
    fn passes_non_root_and_dangling_images() {
        let mut app = image("app:1");
        app.user = Some(Val::new("app".to_string(), app.origin.clone()));
        let mut dangling = image("0123456789ab");
        dangling.tags.clear();
        assert!(lint_images(&ImageRunsAsRoot::META, &[app, dangling], 0).is_empty());
    }
}
