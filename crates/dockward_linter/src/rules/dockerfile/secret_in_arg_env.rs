use dockward_dockerfile::{Args, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `ARG` and `ENV` instructions whose name says it holds a secret
    /// (`PASSWORD`, `SECRET`, `TOKEN`, `API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`,
    /// `CREDENTIALS`, ...) and whose value is a literal. A value made only of variables
    /// (`${DB_PASSWORD}`), an empty value, a boolean switch (`ALLOW_EMPTY_PASSWORD=yes`)
    /// and a file path (`PASSWORD_FILE=/run/secrets/db`) are not reported, nor are
    /// names where the word is qualified (`TOKEN_URL`, `PASSWORD_MIN_LENGTH`).
    /// The value is masked in every output format.
    ///
    /// ## Why is this bad?
    /// ENV values are stored in the image config and ARG values in its build history:
    /// anyone who can pull the image can read them with `docker inspect` or `docker
    /// history`. The Dockerfile itself, with the secret in it, usually sits in version
    /// control.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV DB_PASSWORD=s3cr3t-value
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN --mount=type=secret,id=db_password,env=DB_PASSWORD ./migrate
    /// ```
    ///
    /// ## How to fix
    /// Pass build-time secrets with `RUN --mount=type=secret` and run-time secrets
    /// through the orchestrator (Docker/Compose secrets, Kubernetes Secrets), never as
    /// ARG or ENV values. Rotate the exposed secret.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.10, "Ensure secrets are not stored in Dockerfiles"
    /// - Practices a, "Secrets and Configuration Management"; practices b, "Image Security" (no secrets in Dockerfiles or layers)
    pub struct SecretInArgEnv;
    code = "DF007", name = "secret-in-arg-env", severity = Error,
    category = Security, target = Dockerfile, fix = None,
    summary = "ARG or ENV holds a literal secret",
    aliases = ["DL3064", "DS-0031", "781e75f7-bf43-4ab7-bae7-a08ad6607af3", "SecretsUsedInArgOrEnv"],
    cis = ["4.10"],
    practices = ["a: Secrets and Configuration Management", "b: Image Security (no secrets in Dockerfiles or layers)"],
}

/// Name parts that mark a secret on their own.
const SECRET_WORDS: &[&str] = &["PASSWORD", "PASSWD", "PASS", "PASSPHRASE", "SECRET", "TOKEN", "CREDENTIALS", "APIKEY"];
/// `<first>_<second>` pairs that mark a secret (`API_KEY`, `PRIVATE_KEY`).
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("API", "KEY"),
    ("PRIVATE", "KEY"),
    ("ACCESS", "KEY"),
    ("SECRET", "KEY"),
    ("AUTH", "KEY"),
    ("ENCRYPTION", "KEY"),
    ("SIGNING", "KEY"),
    ("MASTER", "KEY"),
    ("CLIENT", "KEY"),
    ("AUTH", "TOKEN"),
    ("LICENSE", "KEY"),
];
/// Name parts after the secret word that say the value is about the secret, not it.
const QUALIFIERS: &[&str] = &[
    "FILE",
    "PATH",
    "DIR",
    "URL",
    "URI",
    "ENDPOINT",
    "HOST",
    "LENGTH",
    "LEN",
    "MIN",
    "MAX",
    "TTL",
    "EXPIRY",
    "EXPIRE",
    "EXPIRATION",
    "TIMEOUT",
    "HEADER",
    "NAME",
    "TYPE",
    "ID",
    "ALGORITHM",
    "POLICY",
    "SIZE",
    "COUNT",
    "ENABLED",
    "REQUIRED",
    "MODE",
    "PREFIX",
    "FORMAT",
    "VERSION",
    "HASH",
    "ROTATION",
    "REGEX",
    "SOURCE",
];
/// Name parts before the secret word that make it a switch or setting.
const SWITCHES: &[&str] = &["ALLOW", "EMPTY", "RANDOM", "NO", "SKIP", "DISABLE", "ENABLE", "USE", "REQUIRE", "FORCE"];

/// A name part that marks a secret: one of [`SECRET_WORDS`], or a word ending in one
/// (`ROOTPASS`, `DBPASSWORD`, `GHTOKEN`), except words such as `BYPASS`.
fn is_secret_word(part: &str) -> bool {
    if SECRET_WORDS.contains(&part) {
        return true;
    }
    if matches!(part, "BYPASS" | "COMPASS" | "SURPASS" | "KEEPASS") {
        return false;
    }
    ["PASS", "PASSWORD", "PASSWD", "SECRET", "TOKEN"].iter().any(|w| part.ends_with(w))
}

/// True if `name` says it holds a secret.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase().replace('-', "_");
    let parts: Vec<&str> = upper.split('_').filter(|p| !p.is_empty()).collect();
    for (i, part) in parts.iter().enumerate() {
        let pair_end = SECRET_PAIRS.iter().any(|(a, b)| part == a && parts.get(i + 1) == Some(b)).then_some(i + 1);
        let end = if is_secret_word(part) { Some(i) } else { pair_end };
        let Some(end) = end else { continue };
        if parts[end + 1..].iter().any(|p| QUALIFIERS.contains(p)) {
            return false;
        }
        if parts[..i].iter().any(|p| SWITCHES.contains(p)) {
            return false;
        }
        return true;
    }
    false
}

/// True for a value that is a literal secret rather than a switch, path or reference.
pub(crate) fn is_literal_secret_value(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() || v.contains('$') {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(lower.as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "0" | "1" | "none" | "null") {
        return false;
    }
    // Absolute paths (a secret file's location) and URLs without credentials.
    if v.starts_with('/') && !v.contains(' ') {
        return false;
    }
    true
}

impl DockerfileRule for SecretInArgEnv {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        for instr in &cx.dockerfile.instructions {
            if !matches!(instr.kind, InstructionKind::Arg | InstructionKind::Env) {
                continue;
            }
            let Args::KeyValues(kvs) = &instr.args else { continue };
            for kv in kvs {
                let Some(value) = &kv.value else { continue };
                if !is_secret_name(&kv.key.value) || !is_literal_secret_value(&value.value) {
                    continue;
                }
                let secret = kv.raw_value.unwrap_or(value.range);
                let message = format!(
                    "{} `{}` holds a literal secret; it is readable by anyone who can pull the image",
                    instr.kind.as_str(),
                    kv.key.value
                );
                cx.report(&Self::META, secret, message)
                    .mark_secret(secret)
                    .help("pass it with `RUN --mount=type=secret,id=...` (build) or a runtime secret, then rotate it");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_literal_secrets_and_masks_them() {
        let text = "FROM alpine:3.20\nENV DB_PASSWORD=hunter22 APP=x\nARG GITHUB_TOKEN=abc123def\n";
        assert_flags(&SecretInArgEnv, text, &["hunter22", "abc123def"]);
        let diags = lint(&SecretInArgEnv, text);
        assert_eq!(&text[diags[0].redactions[0]], "hunter22");
        assert!(!diags[0].message.contains("hunter22"));
        assert_flags(&SecretInArgEnv, "FROM a:1\nENV api_key \"k-123\"\n", &["\"k-123\""]);
        assert_flags(&SecretInArgEnv, "FROM a:1\nENV AWS_SECRET_ACCESS_KEY=wJalr\n", &["wJalr"]);
        assert_flags(&SecretInArgEnv, "FROM a:1\nENV STRIPE_PRIVATE_KEY=sk_live_x\n", &["sk_live_x"]);
    }

    #[test]
    fn references_empty_switches_paths_and_qualified_names_are_fine() {
        for line in [
            "ENV DB_PASSWORD=${DB_PASSWORD}",
            "ENV DB_PASSWORD=$PW",
            "ARG NPM_TOKEN",
            "ENV DB_PASSWORD=\"\"",
            "ENV MYSQL_ALLOW_EMPTY_PASSWORD=yes",
            "ENV MYSQL_RANDOM_ROOT_PASSWORD=true",
            "ENV POSTGRES_PASSWORD_FILE=/run/secrets/db",
            "ENV TOKEN_URL=https://auth.example.com/token",
            "ENV PASSWORD_MIN_LENGTH=12",
            "ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D",
            "ENV KEYCLOAK_HOST=k",
            "ENV SSL_KEY_PATH=/etc/ssl/k.pem",
            "ARG SECRET_ID=42",
        ] {
            assert_clean(&SecretInArgEnv, &format!("FROM alpine:3.20\n{line}\n"));
        }
    }

    #[test]
    fn names() {
        assert!(is_secret_name("DB_PASSWORD"));
        assert!(is_secret_name("apiKey"));
        assert!(is_secret_name("API_KEY"));
        assert!(is_secret_name("NPM_AUTH_TOKEN"));
        assert!(!is_secret_name("MONKEY"));
        assert!(!is_secret_name("TOKENIZER_PARALLELISM"));
        // Seen in the corpus.
        assert!(is_secret_name("NAGIOSADMIN_PASS"));
        assert!(is_secret_name("LDAP_ROOTPASS"));
        assert!(is_secret_name("LICENSE_KEY"));
        assert!(!is_secret_name("KEEPASSXC_VERSION"));
        assert!(!is_secret_name("CACHE_BYPASS"));
    }
}
