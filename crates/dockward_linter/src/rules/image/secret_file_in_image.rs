use crate::audit::AuditContext;
use crate::declare_rule;
use crate::image_contents::{file_location, ImageContentsRule};
use crate::rules::image::secret_files;
use dockward_image::{FileKind, ImageContents};

declare_rule! {
    /// ## What it does
    /// Flags credential files in the image's final filesystem: SSH private keys
    /// (`id_rsa`, `id_ed25519`, ...), `*.pem`/`*.key` files holding a private key,
    /// `~/.aws/credentials`, `~/.docker/config.json` with a registry login in
    /// `auths`, `.npmrc` with an auth token, `.pypirc` or `.netrc` with a password,
    /// `.git-credentials`, `.pgpass`, `~/.kube/config` with a token or client key,
    /// cloud `credentials.json` / service-account keys, and `.env` files that give a
    /// secret-looking variable a real value (placeholders such as `changeme` do not
    /// count; a URL with a password does). A `*.pem`/`*.key` holding only public
    /// material (certificates, public keys, PGP public key blocks, DH parameters) is
    /// not reported. The contents are read to decide and never printed. Dependency trees (`node_modules`, `site-packages`, `/usr/share`) are
    /// skipped: keys there are libraries' test fixtures.
    ///
    /// ## Why is this bad?
    /// Everyone who can pull the image can read the file (`docker cp`, `docker save`).
    /// The credential ships to every registry, cache and host the image reaches, for
    /// as long as the image exists.
    ///
    /// ## Example
    /// `COPY . /app` copies the developer's `.env` with `DB_PASSWORD=...`.
    ///
    /// ## Fix
    /// Keep credentials out of the build context (`.dockerignore`), use BuildKit
    /// secrets (`RUN --mount=type=secret`) at build time and runtime secrets at run
    /// time, and rotate the leaked credential.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 4.10 "Ensure secrets are not stored in Dockerfiles"
    /// - dockle CIS-DI-0010 (its file part; IM003 covers the environment part)
    pub struct SecretFileInImage;
    code = "IM012", name = "secret-file-in-image", severity = Error,
    category = Security, target = Image, fix = None,
    summary = "A credential file is in the image", aliases = ["CIS-DI-0010"],
    cis = ["4.10"],
    practices = ["a-no-hardcoded-secrets", "b-no-secrets-in-images"],
}

impl ImageContentsRule for SecretFileInImage {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, image: &ImageContents, cx: &mut AuditContext<'_>) {
        for f in image.files.values().filter(|f| f.kind == FileKind::File) {
            if let Some(what) = secret_files::classify(&f.path, f.content.as_deref()) {
                cx.report(
                    &Self::META,
                    &file_location(image, f),
                    format!("`{}` in `{}` holds {what} (contents redacted)", f.abs_path(), image.name),
                )
                .help("keep it out of the build context and pass it at run time; rotate it");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image_contents::testing::*;

    #[test]
    fn flags_credential_files_without_their_contents() {
        let img = image(
            "app:1",
            vec![
                file("root/.ssh/id_rsa", 0o600, 1),
                text("app/.env", 2, "DB_PASSWORD=hunter2\n"),
                text("root/.docker/config.json", 0, r#"{"auths":{"r.example":{"auth":"c2VjcmV0"}}}"#),
            ],
        );
        let got = lint(&SecretFileInImage::META, &[img]);
        assert_eq!(
            got,
            [
                (
                    "image/app:1/layers[0]/root/.docker/config.json".to_string(),
                    "`/root/.docker/config.json` in `app:1` holds a Docker registry login (`auths`) (contents redacted)".to_string()
                ),
                (
                    "image/app:1/layers[1]/root/.ssh/id_rsa".to_string(),
                    "`/root/.ssh/id_rsa` in `app:1` holds an SSH private key (contents redacted)".to_string()
                ),
                (
                    "image/app:1/layers[2]/app/.env".to_string(),
                    "`/app/.env` in `app:1` holds secrets in an env file (`DB_PASSWORD`) (contents redacted)".to_string()
                ),
            ]
        );
        assert!(got.iter().all(|(_, m)| !m.contains("hunter2") && !m.contains("c2VjcmV0")));
    }

    #[test]
    fn passes_public_material_and_deleted_files() {
        let mut img = image(
            "app:1",
            vec![
                text("etc/ssl/certs/ca.pem", 0, "-----BEGIN CERTIFICATE-----\n"),
                file("root/.ssh/id_rsa.pub", 0o644, 0),
            ],
        );
        img.hidden.push(deleted(file("root/.ssh/id_rsa", 0o600, 0), 1));
        assert!(lint(&SecretFileInImage::META, &[img]).is_empty());
    }
}
