use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_source::TextRange;
use dockward_spec::{ContainerSpec, EnvVar};

declare_rule! {
    /// ## What it does
    /// Flags environment variables that carry a secret as a literal value: a name
    /// that says so (`*PASSWORD*`, `*PASSWD*`, `*SECRET*`, `*TOKEN*`, `*API_KEY*`,
    /// `*PRIVATE_KEY*`, `*ACCESS_KEY*`, `*CREDENTIAL*`) with a value written in the
    /// file, or any value in a known token format (AWS access key ids, GitHub, GitLab,
    /// Slack and Stripe tokens, private key blocks). Values taken from the caller's
    /// environment (`-e TOKEN`, `${TOKEN}`, `$TOKEN`), `*_FILE` variables, booleans
    /// and plain numbers are not reported. The value is redacted in every output format.
    ///
    /// ## Why is this bad?
    /// Environment variables end up in `docker inspect`, in `/proc/*/environ`, in crash
    /// reports and logs, and a value written in a Compose file or script ends up in
    /// version control.
    ///
    /// ## Example
    /// ```sh
    /// docker run -e POSTGRES_PASSWORD=hunter2 postgres:16
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -e POSTGRES_PASSWORD_FILE=/run/secrets/db --mount type=bind,src=./db.txt,dst=/run/secrets/db,ro postgres:16
    /// ```
    ///
    /// ## Fix
    /// Pass secrets as files: Compose `secrets:` (mounted under `/run/secrets`) with a
    /// `*_FILE` variable, or Swarm/Kubernetes secrets. Rotate any secret that was
    /// committed.
    ///
    /// ## References
    /// - Practices b, "Docker Compose Best Practices" (secrets); CWE-798
    pub struct SecretInEnvironment;
    code = "CT021", name = "secret-in-environment", severity = Error,
    category = Security, target = Container, fix = None,
    summary = "A secret is passed as a literal environment variable",
    practices = ["b: Docker Compose Best Practices", "b: Image Security"],
}

const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CREDENTIAL",
];

/// The kind of token `value` is, when it has a well-known format.
pub(crate) fn known_token(value: &str) -> Option<&'static str> {
    let v = value.trim();
    let alnum = |s: &str, n: usize| s.len() >= n && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if v.len() == 20
        && (v.starts_with("AKIA") || v.starts_with("ASIA"))
        && v[4..].bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Some("an AWS access key id");
    }
    for (prefix, what) in [
        ("ghp_", "a GitHub token"),
        ("gho_", "a GitHub token"),
        ("ghs_", "a GitHub token"),
        ("ghu_", "a GitHub token"),
        ("github_pat_", "a GitHub token"),
        ("glpat-", "a GitLab token"),
        ("sk_live_", "a Stripe secret key"),
        ("xoxb-", "a Slack token"),
        ("xoxp-", "a Slack token"),
    ] {
        if let Some(rest) = v.strip_prefix(prefix) {
            if alnum(&rest.replace('-', "_"), 16) {
                return Some(what);
            }
        }
    }
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    None
}

fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    !upper.ends_with("_FILE") && !upper.ends_with("_PATH") && SECRET_WORDS.iter().any(|w| upper.contains(w))
}

/// A value that is not a secret whatever the name says.
fn is_not_a_secret_value(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || v.contains('$')
        || matches!(v.to_ascii_lowercase().as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null")
        || v.bytes().all(|b| b.is_ascii_digit())
        || v.starts_with("/run/secrets/")
}

/// `$NAME` or `${NAME}`, optionally quoted: a reference without any literal text (a
/// default such as `${NAME:-s3cret}` is literal text).
fn is_plain_reference(written: &str) -> bool {
    let t = written.trim_matches(|c| c == '"' || c == '\'');
    let name = match t.strip_prefix("${") {
        Some(rest) => rest.strip_suffix('}'),
        None => t.strip_prefix('$'),
    };
    name.is_some_and(|n| {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') && !n.as_bytes()[0].is_ascii_digit()
    })
}

/// Why `var` holds a secret, if it does.
fn secret_reason(var: &EnvVar) -> Option<String> {
    let value = var.value.as_ref()?;
    match known_token(&value.value) {
        Some(kind) => Some(format!("holds {kind}")),
        None if is_secret_name(&var.name.value) && !is_not_a_secret_value(&value.value) => {
            Some("looks like a secret written as a literal value".to_string())
        }
        None => None,
    }
}

/// The source ranges of every secret value in `spec` (file name, range), whether or
/// not this rule is enabled: every finding whose snippet shows one must mask it.
pub(crate) fn secret_ranges(spec: &ContainerSpec) -> Vec<(String, TextRange)> {
    spec.env
        .iter()
        .filter(|v| secret_reason(v).is_some())
        .filter_map(|v| {
            let at = &v.value.as_ref()?.at;
            let range = at.range()?;
            // `${DB_PASSWORD}` names the secret without holding it: masking the reference
            // would only hide which variable the finding is about.
            let written = at.file()?.text().get(usize::from(range.start())..usize::from(range.end()))?;
            if is_plain_reference(written) {
                return None;
            }
            Some((at.name().to_string(), range))
        })
        .collect()
}

impl ContainerRule for SecretInEnvironment {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        for var in &spec.env {
            let Some(value) = &var.value else { continue };
            let Some(why) = secret_reason(var) else { continue };
            // A value interpolated from a variable (`.env`, the shell) is not written here:
            // point at the key and name the variable, whose file is only referenced.
            let variables: Vec<&str> =
                value.via.iter().map(|v| v.note.as_str()).filter(|n| n.starts_with("`$")).collect();
            let redaction = value.at.range().filter(|r| {
                let written = value.at.file().and_then(|f| f.text().get(usize::from(r.start())..usize::from(r.end())));
                !written.is_some_and(is_plain_reference)
            });
            let d = if variables.is_empty() {
                let msg = format!("{}: environment variable `{}` {why}", describe(spec), var.name.value);
                cx.report_value(&Self::META, value, msg)
            } else {
                let why = if known_token(&value.value).is_some() { why } else { "passes a secret".to_string() };
                let msg = format!(
                    "{}: environment variable `{}` {why} (its value is {})",
                    describe(spec),
                    var.name.value,
                    variables.join(", ")
                );
                let related: Vec<_> = value.related().collect();
                let d = cx.report(&Self::META, &var.name.at, msg);
                d.related.extend(related);
                d
            };
            d.help("pass secrets as files (Compose `secrets:`, a `*_FILE` variable) rather than environment values");
            if let Some(r) = redaction {
                d.mark_secret(r);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_literal_secrets_and_known_tokens() {
        let t = "docker run -e DB_PASSWORD=hunter2 -e api_token=abc123 -e GREETING=ghp_abcdefghijklmnopqrstuvwxyz0123456789 \
                 -e AWS=AKIAABCDEFGHIJKLMNOP x";
        assert_run_flags(
            &SecretInEnvironment,
            t,
            &["hunter2", "abc123", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "AKIAABCDEFGHIJKLMNOP"],
        );
        let msgs = run_messages(&SecretInEnvironment, t);
        assert!(msgs.iter().all(|m| !m.contains("hunter2") && !m.contains("ghp_")), "{msgs:?}");
        assert!(msgs[2].contains("GitHub token"));
    }

    #[test]
    fn redacts_the_value() {
        let t = "docker run -e DB_PASSWORD=hunter2 x";
        let d = lint_run(&SecretInEnvironment, t);
        assert_eq!(&t[d[0].redactions[0]], "hunter2");
    }

    #[test]
    fn passes_references_files_and_non_secrets() {
        assert_run_clean(
            &SecretInEnvironment,
            "docker run -e DB_PASSWORD -e TOKEN=$TOKEN -e 'SECRET=${SECRET}' -e DB_PASSWORD_FILE=/run/secrets/db \
             -e TOKEN_TTL=3600 -e USE_SECRET=true -e LANG=C.UTF-8 x",
        );
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_literal_secrets_in_lists_and_mappings() {
        let yaml = "services:\n  web:\n    image: x:1\n    environment:\n      - DB_PASSWORD=hunter2hunter2\n      - LOG_LEVEL=debug\n  api:\n    image: y:1\n    environment:\n      API_TOKEN: \"s3cr3t-t0ken-value\"\n      TOKEN_FILE: /run/secrets/token\n";
        assert_compose_flags(&SecretInEnvironment, yaml, &["hunter2hunter2", "\"s3cr3t-t0ken-value\""]);
        assert_compose_clean(
            &SecretInEnvironment,
            "services:\n  web:\n    image: x:1\n    environment:\n      DB_PASSWORD_FILE: /run/secrets/db\n      PASSWORD:\n",
        );
    }

    #[test]
    fn compose_secret_from_dotenv_is_located_and_redacted() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".env"), "# creds\nDB_PASSWORD=hunter2hunter2\n").unwrap();
        let yaml = "services:\n  web:\n    image: x:1\n    environment:\n      DB_PASSWORD: ${DB_PASSWORD}\n";
        let d = ComposeCase::new(yaml).in_dir(dir.path()).assert_flags(&SecretInEnvironment, &["DB_PASSWORD"]);
        assert!(d[0].message.contains("`${DB_PASSWORD}` from .env"), "{}", d[0].message);
        assert!(!d[0].message.contains("hunter2"), "{}", d[0].message);
        // The secret is only in .env, which findings name but never quote.
        let related = d[0].related.iter().find(|r| r.location.name().ends_with(".env")).expect("related .env");
        let env_text = std::fs::read_to_string(dir.path().join(".env")).unwrap();
        assert_eq!(&env_text[related.location.range().unwrap()], "DB_PASSWORD");
        assert!(d[0].help.as_deref().is_some_and(|h| !h.contains("hunter2")));
        assert!(d[0].redactions.is_empty(), "`${{DB_PASSWORD}}` holds no secret text: {:?}", d[0].redactions);
        // A default value is literal text in the file: reported there, and masked.
        let with_default =
            "services:\n  web:\n    image: x:1\n    environment:\n      DB_PASSWORD: ${NOPE:-hunter2hunter2}\n";
        let d = ComposeCase::new(with_default).assert_flags(&SecretInEnvironment, &["${NOPE:-hunter2hunter2}"]);
        assert_eq!(d[0].redactions.len(), 1);
    }
}
