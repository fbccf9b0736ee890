use dockward_dockerfile::{Args, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `COPY` and `ADD` sources that are credential files: `.env` files,
    /// SSH private keys (`id_rsa`, `id_ed25519`, ...), `*.key` and private `*.pem`
    /// files, `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, `.docker/config.json`,
    /// and anything under `.aws/` or `.ssh/`. Templates (`.env.example`, `.env.sample`),
    /// public keys (`id_rsa.pub`) and certificate bundles (`ca.pem`, `cert.pem`) are
    /// not reported.
    ///
    /// ## Why is this bad?
    /// A file copied into a layer stays in the image even if a later step deletes it:
    /// anyone who can pull the image can extract it from the layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY .npmrc /root/.npmrc
    /// RUN npm ci && rm /root/.npmrc
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    ///
    /// ## How to fix
    /// Mount the file for the one step that needs it with `RUN --mount=type=secret`
    /// (or `--mount=type=ssh` for SSH keys), and list it in `.dockerignore`.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.10, "Ensure secrets are not stored in Dockerfiles"
    /// - Practices a, "Secrets and Configuration Management"; practices b, "Image Security" (no secrets in Dockerfiles or layers)
    pub struct SecretFileCopied;
    code = "DF009", name = "secret-file-copied", severity = Error,
    category = Security, target = Dockerfile, fix = None,
    summary = "COPY or ADD puts a credential file into the image", aliases = ["DS-0031"],
    cis = ["4.10"],
    practices = ["a: Secrets and Configuration Management", "b: Image Security (no secrets in Dockerfiles or layers)"],
}

/// Why `path` (a COPY/ADD source) is a credential file, if it is.
pub(crate) fn secret_file_kind(path: &str) -> Option<&'static str> {
    let path = path.trim_end_matches('/');
    let components: Vec<&str> = path.split('/').collect();
    let name = components.last().copied().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if components.iter().any(|c| *c == ".aws" || *c == ".ssh" || *c == ".gnupg") {
        return Some("a credentials directory");
    }
    if path.ends_with(".docker/config.json") {
        return Some("a Docker registry login");
    }
    match lower.as_str() {
        ".npmrc" | ".pypirc" | ".netrc" | "_netrc" | ".git-credentials" | ".pgpass" | ".yarnrc.yml" => {
            return Some("a credentials file")
        }
        "credentials"
        | "credentials.json"
        | "service-account.json"
        | "secrets.json"
        | "secrets.yaml"
        | "secrets.yml" => return Some("a credentials file"),
        _ => {}
    }
    if lower == ".env" || lower.strip_prefix(".env.").is_some_and(|s| !is_template(s)) {
        return Some("an environment file");
    }
    for key in ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"] {
        if lower == key
            || lower.strip_prefix(key).is_some_and(|s| s.starts_with(['.', '_', '-']) && !s.ends_with(".pub"))
        {
            return Some("an SSH private key");
        }
    }
    let stem = lower.rsplit_once('.').map_or(lower.as_str(), |(s, _)| s);
    let certificate = ["cert", "ca", "chain", "bundle", "pub", "public", "root", "trust", "fullchain"]
        .iter()
        .any(|w| stem.split(['.', '-', '_']).any(|p| p == *w || p.ends_with("cert") || p.starts_with("cacert")));
    if (lower.ends_with(".key") || lower.ends_with(".p12") || lower.ends_with(".pfx")) && !certificate {
        return Some("a private key");
    }
    if lower.ends_with(".pem") && !certificate {
        return Some("a private key or certificate file");
    }
    None
}

fn is_template(suffix: &str) -> bool {
    matches!(suffix, "example" | "sample" | "template" | "dist" | "defaults" | "default" | "tpl" | "schema")
}

impl DockerfileRule for SecretFileCopied {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        for instr in &cx.dockerfile.instructions {
            if !matches!(instr.kind, InstructionKind::Copy | InstructionKind::Add) {
                continue;
            }
            let Args::Paths(paths) = &instr.args else { continue };
            for src in paths.sources() {
                if src.value.contains("://") {
                    continue;
                }
                let Some(kind) = secret_file_kind(&src.value) else { continue };
                let message = format!("`{}` is {kind}; copied into a layer, it stays in the image", src.value);
                cx.report(&Self::META, src.range, message).help(
                    "mount it for the step that needs it with `RUN --mount=type=secret` and add it to .dockerignore",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_credential_files() {
        for src in [
            ".env",
            ".env.production",
            "id_rsa",
            "keys/id_ed25519",
            "server.key",
            "tls/private.pem",
            ".npmrc",
            ".pypirc",
            ".netrc",
            ".git-credentials",
            ".aws/",
            "home/.ssh/config",
            ".docker/config.json",
        ] {
            assert_flags(&SecretFileCopied, &format!("FROM a:1\nCOPY {src} /x/\n"), &[src]);
        }
        assert_flags(&SecretFileCopied, "FROM a:1\nADD [\"app\", \".env\", \"/app/\"]\n", &["\".env\""]);
    }

    #[test]
    fn templates_public_keys_certificates_and_destinations_are_fine() {
        for src in [
            ".env.example",
            ".env.sample",
            "id_rsa.pub",
            "ca.pem",
            "cert.pem",
            "fullchain.pem",
            "cacert.pem",
            "app.env.js",
            "keyboard.py",
            "src/",
        ] {
            assert_clean(&SecretFileCopied, &format!("FROM a:1\nCOPY {src} /x/\n"));
        }
        // The destination is not a source.
        assert_clean(&SecretFileCopied, "FROM a:1\nCOPY app.conf /root/.ssh/\n");
        assert_clean(&SecretFileCopied, "FROM a:1\nADD https://example.com/.env /x\n");
    }
}
