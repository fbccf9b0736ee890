use std::io::Read;
use std::path::{Component, Path};

use dockward_dockerfile::{Args, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};
use crate::secrets::{pem_kind, PemKind};

declare_rule! {
    /// ## What it does
    /// Flags `COPY` and `ADD` sources that are credential files: `.env` files,
    /// SSH private keys (`id_rsa`, `id_ed25519`, ...), `*.key` and private `*.pem`
    /// files, `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, `.docker/config.json`,
    /// and anything under `.aws/` or `.ssh/`. Templates (`.env.example`, `.env.sample`),
    /// public keys (`id_rsa.pub`) and certificate bundles (`ca.pem`, `cert.pem`) are
    /// not reported.
    ///
    /// A `*.key` or `*.pem` name does not make a file private: when the source is in
    /// the build context (the Dockerfile's directory), the start of the file is read
    /// (at most 64 KiB, never printed), and a file that holds only public material (a
    /// certificate, a public key, a PGP public key block, DH or EC parameters) is not
    /// reported, while one holding a private key block is reported whatever its name.
    /// The destination is judged too: a key copied into a trust store or keyring
    /// (`/etc/ssl/certs/`, `/usr/local/share/ca-certificates/`, `/etc/apt/keyrings/`,
    /// `/usr/share/keyrings/`, `/etc/apt/trusted.gpg.d/`, or a `.crt`, `.pub`, `.asc`
    /// or `.gpg` name) is public, and a source copied to a private key's name
    /// (`/root/.ssh/id_ed25519`) is reported.
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
    practices = ["a-no-hardcoded-secrets", "b-no-secrets-in-images"],
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

/// How much of a key file is read to judge it: enough for a chain of certificates
/// before a private key.
const HEADER_BYTES: u64 = 64 * 1024;

/// Destinations that only ever hold public material: trust stores and keyrings.
const PUBLIC_DESTINATIONS: &[&str] = &[
    "/etc/ssl/certs/",
    "/usr/local/share/ca-certificates/",
    "/usr/share/ca-certificates/",
    "/etc/pki/ca-trust/",
    "/etc/pki/rpm-gpg/",
    "/etc/apt/keyrings/",
    "/usr/share/keyrings/",
    "/etc/apt/trusted.gpg.d/",
    "/etc/apk/keys/",
];

/// True when a key file copied to `dest` is public by where it goes: a trust store,
/// a keyring, or a public name (`.crt`, `.pub`, `.asc`, `.gpg`).
fn public_destination(dest: &str) -> bool {
    let lower = dest.to_ascii_lowercase();
    PUBLIC_DESTINATIONS.iter().any(|d| lower.starts_with(d) || lower == d.trim_end_matches('/'))
        || (!lower.ends_with('/') && [".crt", ".pub", ".asc", ".gpg", ".cer"].iter().any(|e| lower.ends_with(e)))
}

/// The start of `src` when it is a regular file inside `context`: no absolute path,
/// no `..`, no glob, no symbolic link out of the context.
fn read_header(context: &Path, src: &str) -> Option<String> {
    let rel = Path::new(src);
    if src.contains(['*', '?', '[', '$'])
        || !rel.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return None;
    }
    let context = context.canonicalize().ok()?;
    let path = context.join(rel).canonicalize().ok()?;
    if !path.starts_with(&context) || !path.metadata().ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    dockward_source::input::open_regular(&path).ok()?.take(HEADER_BYTES).read_to_end(&mut bytes).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

impl DockerfileRule for SecretFileCopied {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        // The build context, as `docker build` run next to the Dockerfile has it.
        let context =
            cx.file.path().and_then(Path::parent).map(|p| if p.as_os_str().is_empty() { Path::new(".") } else { p });
        for instr in &cx.dockerfile.instructions {
            if !matches!(instr.kind, InstructionKind::Copy | InstructionKind::Add) {
                continue;
            }
            let Args::Paths(paths) = &instr.args else { continue };
            // `COPY --from=stage` copies from an image or stage, not the context.
            let from_context = instr.flag("from").is_none();
            let dest = paths.destination().map(|d| d.value.as_str()).unwrap_or("");
            for src in paths.sources() {
                if src.value.contains("://") {
                    continue;
                }
                let header = context.filter(|_| from_context).and_then(|c| read_header(c, &src.value));
                let contents = header.as_deref().map(pem_kind);
                let by_name = secret_file_kind(&src.value);
                let kind = match (by_name, contents) {
                    // What the file holds beats what it is called.
                    (_, Some(PemKind::Private)) => Some("a private key"),
                    (Some(_), Some(PemKind::Public)) if is_key_name(&src.value) => None,
                    (Some(_), _) if is_key_name(&src.value) && public_destination(dest) => None,
                    (Some(k), _) => Some(k),
                    // Copied to a private key's name (`COPY deploy /root/.ssh/id_rsa`).
                    (None, _) => destination_kind(dest),
                };
                let Some(kind) = kind else { continue };
                let message = format!("`{}` is {kind}; copied into a layer, it stays in the image", src.value);
                cx.report(&Self::META, src.range, message).help(
                    "mount it for the step that needs it with `RUN --mount=type=secret` and add it to .dockerignore",
                );
            }
        }
    }
}

/// `*.key`, `*.pem`, `*.p12`, `*.pfx`: names judged by the contents when known.
fn is_key_name(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".key", ".pem", ".p12", ".pfx"].iter().any(|e| lower.ends_with(e))
}

/// A destination file named like a private key or credentials file. Only the file
/// name counts: `COPY app.conf /root/.ssh/config` puts no secret there by its directory.
fn destination_kind(dest: &str) -> Option<&'static str> {
    if dest.ends_with('/') {
        return None;
    }
    secret_file_kind(dest.rsplit('/').next().unwrap_or(dest))
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

    fn with_context(files: &[(&str, &str)], dockerfile: &str) -> Vec<dockward_diagnostics::Diagnostic> {
        let dir = tempfile::tempdir().unwrap();
        for (name, content) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        let file = dockward_source::SourceFile::new("Dockerfile", Some(dir.path().join("Dockerfile")), dockerfile);
        let df = dockward_dockerfile::parse(dockerfile);
        let settings = crate::Settings::default();
        let model = dockward_dockerfile::semantic::Model::build(&df, &settings.build_args);
        let mut cx = DockerfileContext::new(&file, &df, &model, &settings);
        SecretFileCopied.check(&mut cx);
        cx.into_diagnostics()
    }

    /// issue 13 #3: the contents of a key file in the build context decide.
    #[test]
    fn public_material_under_a_key_name_is_read_and_passes() {
        let files = [
            ("repo.key", "-----BEGIN PGP PUBLIC KEY BLOCK-----\nmQINBF\n-----END PGP PUBLIC KEY BLOCK-----\n"),
            ("tls/server.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
            ("dhparam.pem", "-----BEGIN DH PARAMETERS-----\nMIIB\n-----END DH PARAMETERS-----\n"),
            (
                "real.key",
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMII\n",
            ),
            ("notes.txt", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n"),
            ("unknown.key", "binary"),
        ];
        let df = "FROM a:1\nCOPY repo.key /tmp/\nCOPY tls/server.pem /etc/tls/\nCOPY dhparam.pem /etc/nginx/\nCOPY real.key /etc/tls/\nCOPY notes.txt /srv/\nCOPY unknown.key /srv/\nCOPY missing.key /srv/\n";
        let got: Vec<String> = with_context(&files, df).iter().map(|d| d.message.to_string()).collect();
        assert_eq!(
            got,
            [
                "`real.key` is a private key; copied into a layer, it stays in the image",
                "`notes.txt` is a private key; copied into a layer, it stays in the image",
                "`unknown.key` is a private key; copied into a layer, it stays in the image",
                "`missing.key` is a private key; copied into a layer, it stays in the image",
            ]
        );
        // A file outside the context is never read.
        let got = with_context(&[], "FROM a:1\nCOPY ../../etc/ssl/x.key /k\n");
        assert_eq!(got.len(), 1);
    }

    /// issue 13 #3: the destination name is judged too.
    #[test]
    fn destinations_judge_key_names() {
        assert_clean(&SecretFileCopied, "FROM a:1\nCOPY nginx_signing.key /usr/share/keyrings/nginx.gpg\n");
        assert_clean(&SecretFileCopied, "FROM a:1\nCOPY repo.key /etc/apt/keyrings/\n");
        assert_clean(&SecretFileCopied, "FROM a:1\nCOPY corp-root.pem /usr/local/share/ca-certificates/corp.crt\n");
        assert_flags(&SecretFileCopied, "FROM a:1\nCOPY deploy_key /root/.ssh/id_ed25519\n", &["deploy_key"]);
        assert_flags(&SecretFileCopied, "FROM a:1\nCOPY server.key /etc/tls/server.key\n", &["server.key"]);
        // Another stage's files are not in the context; the name still counts.
        assert_flags(&SecretFileCopied, "FROM a:1\nCOPY --from=build /out/tls.key /k/\n", &["/out/tls.key"]);
    }
}
