use crate::audit::AuditContext;
use crate::declare_rule;
use crate::image_contents::{file_location, ImageContentsRule};
use crate::rules::image::secret_files;
use dockward_image::{ImageContents, Removal};

declare_rule! {
    /// ## What it does
    /// Flags credential files (the kinds IM012 knows) that one layer added and a
    /// later layer deleted (`RUN rm`, a whiteout) or overwrote. The file is gone from
    /// the container's view, but its bytes are still in the layer that added it.
    ///
    /// ## Why is this bad?
    /// A layer is immutable: `docker save`, a registry pull or `docker history` plus
    /// the layer tar give the file back to anyone who has the image. Deleting a key
    /// in a later `RUN` only hides it.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY id_rsa /root/.ssh/id_rsa
    /// RUN git clone git@example.com:org/app.git && rm /root/.ssh/id_rsa
    /// ```
    /// The `COPY` layer still holds the key.
    ///
    /// ## Fix
    /// Never put the secret in a layer: `RUN --mount=type=secret,id=key ...` or
    /// `--mount=type=ssh`, or fetch in a build stage that is not copied into the
    /// final one. Rotate the credential: every copy of the image has it.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 4.10 "Ensure secrets are not stored in Dockerfiles"
    /// - Docker documentation, "Build secrets"
    pub struct DeletedSecretInLayer;
    code = "IM013", name = "deleted-secret-in-layer", severity = Error,
    category = Security, target = Image, fix = None,
    summary = "A credential file deleted by a later layer is still in an earlier one",
    cis = ["4.10"],
    practices = ["a-no-hardcoded-secrets", "b-no-secrets-in-images"],
}

impl ImageContentsRule for DeletedSecretInLayer {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, image: &ImageContents, cx: &mut AuditContext<'_>) {
        for h in &image.hidden {
            let f = &h.entry;
            let Some(what) = secret_files::classify(&f.path, f.content.as_deref()) else { continue };
            let how = match h.removal {
                Removal::Deleted { by } => format!("deleted by layers[{by}]"),
                Removal::Replaced { by } => format!("overwritten by layers[{by}]"),
            };
            cx.report(
                &Self::META,
                &file_location(image, f),
                format!(
                    "`{}` in `{}` holds {what} (contents redacted); it was {how}, but layers[{}] still has it",
                    f.abs_path(),
                    image.name,
                    f.layer
                ),
            )
            .help("use a build secret (`RUN --mount=type=secret`) instead of a file in a layer; rotate the credential");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image_contents::testing::*;
    use dockward_image::HiddenFile;

    #[test]
    fn flags_secrets_deleted_or_overwritten_later() {
        let mut img = image("app:1", vec![]);
        img.hidden.push(deleted(file("root/.ssh/id_ed25519", 0o600, 0), 2));
        img.hidden.push(HiddenFile {
            entry: text("srv/.npmrc", 1, "//r/:_authToken=npm_xyz\n"),
            removal: Removal::Replaced { by: 3 },
        });
        let got = lint(&DeletedSecretInLayer::META, &[img]);
        assert_eq!(
            got,
            [
                (
                    "image/app:1/layers[0]/root/.ssh/id_ed25519".to_string(),
                    "`/root/.ssh/id_ed25519` in `app:1` holds an SSH private key (contents redacted); it was deleted by layers[2], but layers[0] still has it".to_string()
                ),
                (
                    "image/app:1/layers[1]/srv/.npmrc".to_string(),
                    "`/srv/.npmrc` in `app:1` holds an npm registry token (contents redacted); it was overwritten by layers[3], but layers[1] still has it".to_string()
                ),
            ]
        );
        assert!(got.iter().all(|(_, m)| !m.contains("npm_xyz")));
    }

    #[test]
    fn passes_deleted_harmless_files_and_present_secrets() {
        let mut img = image("app:1", vec![file("root/.ssh/id_rsa", 0o600, 0)]);
        img.hidden.push(deleted(text("app/.env", 0, "PORT=80\n"), 1));
        img.hidden.push(deleted(file("tmp/build.log", 0o644, 0), 1));
        assert!(lint(&DeletedSecretInLayer::META, &[img]).is_empty());
    }
}
