use dockward_dockerfile::{Args, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};
use crate::secrets::{is_secret_name, judge_value, Verdict};

declare_rule! {
    /// ## What it does
    /// Flags `ARG` and `ENV` instructions whose name says it holds a secret
    /// (`PASSWORD`, `*_PASS`, `*_PASSPHRASE`, `*_PWD`, `SECRET`, `TOKEN`, `API_KEY`,
    /// `PRIVATE_KEY`, `ACCESS_KEY`, `CREDENTIALS`, ...) and whose value is a literal.
    /// A value made only of variables (`${DB_PASSWORD}`), an `ARG` with an empty
    /// default, a boolean switch (`ALLOW_EMPTY_PASSWORD=yes`) and a file path
    /// (`/run/secrets/db`, `./secrets/jwt.key`) are not reported, nor are names where
    /// the word is qualified (`TOKEN_URL`, `PASSWORD_MIN_LENGTH`, `SMTP_USER`,
    /// `REGISTRY_AUTH_TOKEN_REALM`). An obvious placeholder (`changeme`, `your-...`,
    /// `xxxx`, `<...>`, `dummy`, an empty ENV) is reported one severity lower
    /// (warning) and named a placeholder. The value is masked in every output format.
    /// Passwords in URLs are DF008's.
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
    practices = ["a-no-hardcoded-secrets", "b-no-secrets-in-images"],
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
                if !is_secret_name(&kv.key.value) {
                    continue;
                }
                let verdict = judge_value(&value.value);
                // `ARG NPM_TOKEN=""` declares an optional build argument; nothing is set.
                let empty_arg = instr.kind == InstructionKind::Arg && value.value.trim().is_empty();
                if verdict == Verdict::NotSecret || empty_arg {
                    continue;
                }
                let written = kv.raw_value.unwrap_or(value.range);
                if verdict == Verdict::Placeholder {
                    let message = format!(
                        "{} `{}` holds a placeholder credential; whoever runs the image gets that value unless they override it",
                        instr.kind.as_str(),
                        kv.key.value
                    );
                    cx.report(&Self::META, written, message)
                        .lower_severity()
                        .help("leave the value out and pass the real one at run time (a secret file, `RUN --mount=type=secret` at build)");
                    continue;
                }
                let message = format!(
                    "{} `{}` holds a literal secret; it is readable by anyone who can pull the image",
                    instr.kind.as_str(),
                    kv.key.value
                );
                cx.report(&Self::META, written, message)
                    .mark_secret(written)
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
    fn placeholders_are_one_level_lower_and_say_so() {
        let text = "FROM a:1\nENV DB_PASSWORD=changeme API_TOKEN=<your-token> SMTP_PASS=\"\"\nARG NPM_TOKEN=\"\"\n";
        let diags = lint(&SecretInArgEnv, text);
        assert_eq!(diags.len(), 3, "{diags:#?}");
        for d in &diags {
            assert_eq!(d.severity, dockward_diagnostics::Severity::Warning);
            assert!(d.message.contains("placeholder"), "{}", d.message);
            assert!(d.redactions.is_empty(), "a placeholder hides nothing");
        }
        // issue 13 #2: `*_PASS`, `*_PASSPHRASE`, `*_PWD` are secrets; user names are not.
        let text = "FROM a:1\nENV SMTP_PASS=s3cret-x GPG_PASSPHRASE=pass-phrase-1 MYSQL_PWD=hunter22 SMTP_USER=bob DB_USERNAME=app\n";
        assert_flags(&SecretInArgEnv, text, &["s3cret-x", "pass-phrase-1", "hunter22"]);
        assert!(lint(&SecretInArgEnv, text).iter().all(|d| d.severity == dockward_diagnostics::Severity::Error));
    }

    #[test]
    fn paths_and_realm_names_are_not_secrets() {
        for line in [
            "ENV JWT_SECRET=./secrets/jwt.key",
            "ENV DB_PASSWORD=secrets/db_password.txt",
            "ENV REGISTRY_AUTH_TOKEN_REALM=https://auth.example.com/token",
            "ENV REGISTRY_AUTH_TOKEN_SERVICE=\"Docker registry\"",
            "ENV REGISTRY_AUTH_TOKEN_ISSUER=\"Acme auth server\"",
        ] {
            assert_clean(&SecretInArgEnv, &format!("FROM alpine:3.20\n{line}\n"));
        }
    }
}
