//! Which files in an image are credentials (IM012, IM013). A file is a candidate by its
//! path; most kinds then need its contents to say yes (`*.pem` holding a private key,
//! `.npmrc` holding a token), so a public certificate or a token-less `.npmrc` passes.
//! Contents are read, never reported.

use std::sync::OnceLock;

use regex::Regex;

use crate::secrets::{judge_variable, pem_kind, PemKind};

const SSH_KEY_NAMES: &[&str] = &["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"];
const KEY_EXTENSIONS: &[&str] = &[".pem", ".key", ".p8"];
const ENV_TEMPLATES: &[&str] = &[".example", ".sample", ".template", ".dist", ".defaults"];

/// Package-managed trees: keys there are libraries' test fixtures, not the image's.
const PACKAGE_TREES: &[&str] = &["node_modules/", "site-packages/", "dist-packages/", "usr/share/", "vendor/"];

fn base(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn in_package_tree(path: &str) -> bool {
    PACKAGE_TREES.iter().any(|t| path.starts_with(t) || path.contains(&format!("/{t}")))
}

fn is_env_file(name: &str) -> bool {
    name == ".env"
        || name.strip_prefix(".env.").is_some_and(|rest| !ENV_TEMPLATES.iter().any(|t| rest.ends_with(&t[1..])))
}

/// What kind of credential file `path` could be, by its path alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Candidate {
    SshKey,
    KeyFile,
    Aws,
    DockerConfig,
    Npmrc,
    Pypirc,
    Netrc,
    GitCredentials,
    Pgpass,
    KubeConfig,
    CloudJson,
    EnvFile,
}

fn candidate(path: &str) -> Option<Candidate> {
    if in_package_tree(path) {
        return None;
    }
    let name = base(path);
    let under = |dir: &str, file: &str| {
        name == file && (path == format!("{dir}/{file}") || path.ends_with(&format!("/{dir}/{file}")))
    };
    Some(match name {
        n if SSH_KEY_NAMES.contains(&n) => Candidate::SshKey,
        n if KEY_EXTENSIONS.iter().any(|e| n.ends_with(e)) => Candidate::KeyFile,
        _ if under(".aws", "credentials") => Candidate::Aws,
        _ if under(".docker", "config.json") => Candidate::DockerConfig,
        ".npmrc" => Candidate::Npmrc,
        ".pypirc" => Candidate::Pypirc,
        ".netrc" | "_netrc" => Candidate::Netrc,
        ".git-credentials" => Candidate::GitCredentials,
        ".pgpass" => Candidate::Pgpass,
        _ if under(".kube", "config") => Candidate::KubeConfig,
        "credentials.json" | "application_default_credentials.json" => Candidate::CloudJson,
        n if n.ends_with(".json") && n.contains("service-account") => Candidate::CloudJson,
        n if is_env_file(n) => Candidate::EnvFile,
        _ => return None,
    })
}

/// True when the reader should keep `path`'s contents for [`classify`].
pub fn is_candidate(path: &str) -> bool {
    candidate(path).is_some()
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid pattern"))
}

fn has(text: &str, cell: &'static OnceLock<Regex>, pattern: &str) -> bool {
    re(cell, pattern).is_match(text)
}

/// The names of secret-looking variables an `.env` file gives a value.
fn env_secrets(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((name, value)) = line.split_once('=') else { continue };
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        let name = name.trim();
        // Only variable names: other text before an `=` (a URL) may hold the secret.
        let is_name = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        let judged = judge_variable(name, value);
        if !line.starts_with('#') && !value.is_empty() && is_name && judged.is_some_and(|j| !j.placeholder) {
            names.push(name.to_string());
        }
    }
    names
}

/// What credential `path` holds, given its contents when they were read: a short
/// description for the finding (never the secret). `None`: not a credential file.
pub fn classify(path: &str, content: Option<&[u8]>) -> Option<String> {
    static AWS: OnceLock<Regex> = OnceLock::new();
    static DOCKER_AUTH: OnceLock<Regex> = OnceLock::new();
    static NPM: OnceLock<Regex> = OnceLock::new();
    static PYPI: OnceLock<Regex> = OnceLock::new();
    static NETRC: OnceLock<Regex> = OnceLock::new();
    static GIT_CRED: OnceLock<Regex> = OnceLock::new();
    static KUBE: OnceLock<Regex> = OnceLock::new();
    static CLOUD: OnceLock<Regex> = OnceLock::new();
    let kind = candidate(path)?;
    if kind == Candidate::SshKey {
        return Some("an SSH private key".into());
    }
    let text = String::from_utf8_lossy(content?);
    let found = match kind {
        Candidate::SshKey => unreachable!("handled above"),
        Candidate::KeyFile => (pem_kind(&text) == PemKind::Private).then_some("a private key"),
        Candidate::Aws => has(&text, &AWS, r"(?i)aws_secret_access_key\s*=\s*\S").then_some("AWS credentials"),
        Candidate::DockerConfig => has(&text, &DOCKER_AUTH, r#""(auth|identitytoken)"\s*:\s*"[^"]+""#)
            .then_some("a Docker registry login (`auths`)"),
        Candidate::Npmrc => {
            has(&text, &NPM, r"(?m)(_authToken|_auth|_password)\s*=\s*\S").then_some("an npm registry token")
        }
        Candidate::Pypirc => has(&text, &PYPI, r"(?m)^\s*password\s*[:=]\s*\S").then_some("a PyPI password"),
        Candidate::Netrc => has(&text, &NETRC, r"\bpassword\s+\S").then_some("a .netrc password"),
        Candidate::GitCredentials => has(&text, &GIT_CRED, r"://[^:/\s@]+:[^@\s]+@").then_some("Git credentials"),
        Candidate::Pgpass => {
            text.lines().any(|l| !l.trim().is_empty() && !l.starts_with('#')).then_some("PostgreSQL passwords")
        }
        Candidate::KubeConfig => {
            has(&text, &KUBE, r"(?m)^\s*(token|client-key-data|password)\s*:\s*\S").then_some("a Kubernetes credential")
        }
        Candidate::CloudJson => has(&text, &CLOUD, r#""(private_key|refresh_token|client_secret)"\s*:\s*"[^"]+""#)
            .then_some("a cloud credential (private key or refresh token)"),
        Candidate::EnvFile => {
            let names = env_secrets(&text);
            return (!names.is_empty()).then(|| format!("secrets in an env file (`{}`)", names.join("`, `")));
        }
    };
    found.map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_files_are_recognised_by_path_and_contents() {
        let cases: &[(&str, &str, &str)] = &[
            ("root/.ssh/id_ed25519", "", "an SSH private key"),
            ("srv/tls/server.key", "-----BEGIN EC PRIVATE KEY-----\nMHc\n", "a private key"),
            ("app/key.pem", "x\n-----BEGIN PRIVATE KEY-----\n", "a private key"),
            ("root/.aws/credentials", "[default]\naws_secret_access_key = abc\n", "AWS credentials"),
            (
                "root/.docker/config.json",
                r#"{"auths":{"r.io":{"auth":"dXNlcjpwdw=="}}}"#,
                "a Docker registry login (`auths`)",
            ),
            ("home/app/.npmrc", "//registry.npmjs.org/:_authToken=npm_abc\n", "an npm registry token"),
            ("root/.pypirc", "[pypi]\nusername = __token__\npassword = pypi-abc\n", "a PyPI password"),
            ("root/.netrc", "machine h login u password p\n", "a .netrc password"),
            ("root/.git-credentials", "https://u:tok@github.com\n", "Git credentials"),
            ("root/.pgpass", "db:5432:*:app:pw\n", "PostgreSQL passwords"),
            ("root/.kube/config", "users:\n- user:\n    token: abc\n", "a Kubernetes credential"),
            (
                "app/credentials.json",
                r#"{"type":"service_account","private_key":"-----BEGIN"}"#,
                "a cloud credential (private key or refresh token)",
            ),
            ("app/.env", "# db\nexport DB_PASSWORD='s3cret'\nPORT=80\n", "secrets in an env file (`DB_PASSWORD`)"),
            (
                "app/.env.production",
                "API_TOKEN=abc\nSECRET_KEY=x\n",
                "secrets in an env file (`API_TOKEN`, `SECRET_KEY`)",
            ),
        ];
        for (path, content, want) in cases {
            assert!(is_candidate(path), "{path}");
            assert_eq!(classify(path, Some(content.as_bytes())).as_deref(), Some(*want), "{path}");
        }
    }

    #[test]
    fn harmless_lookalikes_pass() {
        let cases: &[(&str, &str)] = &[
            ("etc/ssl/certs/ca.pem", "-----BEGIN CERTIFICATE-----\n"),
            ("root/.docker/config.json", r#"{"auths":{},"credsStore":"desktop"}"#),
            ("home/app/.npmrc", "registry=https://registry.npmjs.org/\n"),
            ("root/.pypirc", "[pypi]\nusername = me\n"),
            ("app/.env", "PORT=80\nDB_PASSWORD=\nDB_PASSWORD_FILE=/run/secrets/db\n"),
            ("root/.kube/config", "clusters: []\n"),
            // issue 13 #3: public material under a key file name.
            ("etc/apt/keyrings/repo.key", "-----BEGIN PGP PUBLIC KEY BLOCK-----\nmQINB\n"),
            ("etc/nginx/dhparam.pem", "-----BEGIN DH PARAMETERS-----\nMIIB\n"),
            ("srv/tls/server.key", "-----BEGIN CERTIFICATE-----\nMIIB\n"),
            // issue 13 #2: placeholders and user names in an env file are not secrets.
            ("app/.env", "DB_PASSWORD=changeme\nAPI_TOKEN=<your-token>\nSMTP_USER=mailer\n"),
        ];
        for (path, content) in cases {
            assert_eq!(classify(path, Some(content.as_bytes())), None, "{path}");
        }
        for path in [
            "app/.env.example",
            "app/node_modules/x/test/key.pem",
            "usr/lib/python3/site-packages/t/id_rsa",
            "etc/config.json",
            "app/id_rsa.pub",
        ] {
            assert!(!is_candidate(path), "{path}");
        }
    }

    #[test]
    fn env_lines_that_are_not_assignments_never_reach_the_message() {
        // The text before `=` is reported as a variable name: a URL (or any other
        // line) would put the password it holds into the finding.
        let env = "DATABASE=postgres://app:hunter2TOKEN@db/app?sslmode=require
postgres://app:s3cretPASSWORD@db/x?ssl=1
API_TOKEN=abc
";
        let found = classify("app/.env", Some(env.as_bytes())).unwrap();
        // `DATABASE` is named (issue 13 #2: its URL holds a password); the bare URL
        // line is not a variable and never reaches the message.
        assert_eq!(found, "secrets in an env file (`DATABASE`, `API_TOKEN`)");
        assert!(!found.contains("hunter2") && !found.contains("s3cret"));
        assert_eq!(classify("app/key.pem", None), None, "contents unknown (too large): not judged");
    }
}
