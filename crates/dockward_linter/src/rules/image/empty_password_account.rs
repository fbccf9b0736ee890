use crate::audit::AuditContext;
use crate::declare_rule;
use crate::image_contents::{account_lines, file_location, ImageContentsRule};
use dockward_image::ImageContents;

declare_rule! {
    /// ## What it does
    /// Flags accounts with an empty password field in the image's `/etc/shadow` (or in
    /// `/etc/passwd`, for systems without shadow passwords). A locked account (`!`,
    /// `*`, `!!`) or a password hash passes. Only the account name is reported.
    ///
    /// ## Why is this bad?
    /// An empty field means "no password": `su root` or a login on any service that
    /// uses PAM succeeds without one. Alpine shipped `root::` for years
    /// (CVE-2019-5021); anything in the container can become that account.
    ///
    /// ## Example
    /// `/etc/shadow` holds `root::19000:0:99999:7:::`.
    ///
    /// ## Fix
    /// Lock the account in the Dockerfile: `RUN passwd -l root` (or `usermod -p '!'
    /// root`), or rebuild on a fixed base image.
    ///
    /// ## References
    /// - dockle DKL-LI-0001 "Avoid empty password"
    /// - CVE-2019-5021
    pub struct EmptyPasswordAccount;
    code = "IM009", name = "empty-password-account", severity = Error,
    category = Security, target = Image, fix = None,
    summary = "An account in the image has an empty password",
    aliases = ["DKL-LI-0001"],
    practices = ["b-image-hardening"],
}

impl ImageContentsRule for EmptyPasswordAccount {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, image: &ImageContents, cx: &mut AuditContext<'_>) {
        for path in ["etc/shadow", "etc/passwd"] {
            let Some(f) = image.file(path) else { continue };
            let Some(text) = f.text() else { continue };
            for fields in account_lines(&text) {
                if let [name, "", ..] = fields.as_slice() {
                    cx.report(
                        &Self::META,
                        &file_location(image, f),
                        format!("account `{name}` in `{}` of `{}` has an empty password", f.abs_path(), image.name),
                    )
                    .help(format!("lock it: `RUN passwd -l {name}`"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image_contents::testing::*;

    #[test]
    fn flags_empty_password_fields() {
        let shadow = text(
            "etc/shadow",
            1,
            "root::19000:0:99999:7:::\nbin:!:19000::::::\napp:$6$salt$hash:19000::::::\nguest::1::::::\n",
        );
        let passwd = text("etc/passwd", 0, "root:x:0:0::/root:/bin/sh\nold::99:99::/:/bin/sh\n");
        assert_eq!(
            lint(&EmptyPasswordAccount::META, &[image("app:1", vec![shadow, passwd])]),
            [
                (
                    "image/app:1/layers[0]/etc/passwd".to_string(),
                    "account `old` in `/etc/passwd` of `app:1` has an empty password".to_string()
                ),
                (
                    "image/app:1/layers[1]/etc/shadow".to_string(),
                    "account `guest` in `/etc/shadow` of `app:1` has an empty password".to_string()
                ),
                (
                    "image/app:1/layers[1]/etc/shadow".to_string(),
                    "account `root` in `/etc/shadow` of `app:1` has an empty password".to_string()
                ),
            ]
        );
    }

    #[test]
    fn passes_locked_and_hashed_accounts() {
        let shadow = text("etc/shadow", 0, "root:*:19000:0:99999:7:::\nnobody:!!:19000::::::\n# x::\n");
        let passwd = text("etc/passwd", 0, "root:x:0:0::/root:/bin/sh\n");
        assert!(lint(&EmptyPasswordAccount::META, &[image("app:1", vec![shadow, passwd]), image("scratch", vec![])])
            .is_empty());
    }
}
