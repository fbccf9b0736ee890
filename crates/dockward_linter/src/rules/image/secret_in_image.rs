use crate::audit::{AuditContext, ImageRule};
use crate::declare_rule;
use crate::secrets::judge_variable;
use dockward_spec::ImageView;

declare_rule! {
    /// ## What it does
    /// Flags credentials baked into a local image: an `ENV` in `Config.Env` whose name
    /// looks like a secret (`*_PASSWORD`, `*_PASS`, `*_PASSPHRASE`, `*_PWD`,
    /// `*_TOKEN`, `*SECRET*`, `API_KEY`, ...) and whose value is a literal, any `ENV`
    /// holding a known token or a URL with a password (`DATABASE_URL=postgres://app:pw@db`),
    /// and such build arguments that the history records (`RUN |1 DB_PASSWORD=...
    /// /bin/sh -c ...`). Paths, references, user names and empty values are not
    /// reported; an obvious placeholder (`changeme`, `<...>`, `dummy`) is reported one
    /// severity lower (warning) and named a placeholder. The same judgement as CT021
    /// and DF007. The value is never printed.
    ///
    /// ## Why is this bad?
    /// Anyone who can pull the image reads its config and history: `docker history
    /// --no-trunc` shows build arguments used by `RUN`, and `docker inspect` every
    /// `ENV`. The secret ships to every registry and host the image reaches.
    ///
    /// ## Example
    /// `docker history --no-trunc app:1` shows `|1 DB_PASSWORD=hunter2 /bin/sh -c ./setup`.
    ///
    /// ## Fix
    /// Use BuildKit secrets (`RUN --mount=type=secret,id=db ...`) at build time and
    /// runtime secrets (Docker/Compose secrets, a secrets manager) at run time. Rotate
    /// the leaked credential: removing it from the next build does not remove it from
    /// images already pushed.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 4.10 "Ensure secrets are not stored in Dockerfiles"
    /// - Practices a, "Secrets Management"; practices b, "Secrets"
    pub struct SecretInImage;
    code = "IM003", name = "secret-in-image", severity = Error,
    category = Security, target = Image, fix = None,
    summary = "A secret-looking ENV value or build argument is stored in the image",
    aliases = ["CIS-DI-0010"], cis = ["4.10"],
    practices = ["a-no-hardcoded-secrets", "b-no-secrets-in-images"],
}

/// The `KEY=VALUE` build arguments a history step records: `|2 A=1 B=2 /bin/sh -c ...`.
fn recorded_build_args(created_by: &str) -> Vec<(&str, &str)> {
    let Some(rest) = created_by.trim_start().strip_prefix('|') else { return Vec::new() };
    let mut words = rest.split_whitespace();
    let count: usize = words.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    words.take(count).filter_map(|w| w.split_once('=')).collect()
}

/// The message's ending and the help for a finding judged `placeholder`.
fn wording(placeholder: bool) -> (&'static str, &'static str) {
    if placeholder {
        ("a placeholder credential", "leave it out of the image and pass the real secret at run time")
    } else {
        ("value redacted", "pass secrets at run time (Docker secrets, a secrets manager), never in ENV")
    }
}

impl ImageRule for SecretInImage {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, images: &[ImageView], cx: &mut AuditContext<'_>) {
        for img in images {
            for var in &img.env {
                let Some(value) = &var.value else { continue };
                // An empty ENV in an image config is a declaration, not a credential.
                if value.value.is_empty() {
                    continue;
                }
                let Some(judged) = judge_variable(&var.name.value, &value.value) else { continue };
                let (note, help) = wording(judged.placeholder);
                let d = cx.report_value(
                    &Self::META,
                    &var.name,
                    format!("`{}` stores a value in `{}` ({note})", img.name, var.name.value),
                );
                d.help(help);
                if judged.placeholder {
                    d.lower_severity();
                }
            }
            for step in &img.history {
                for (arg, value) in recorded_build_args(&step.created_by.value) {
                    if value.is_empty() {
                        continue;
                    }
                    let Some(judged) = judge_variable(arg, value) else { continue };
                    let (note, _) = wording(judged.placeholder);
                    let d = cx.report_value(
                        &Self::META,
                        &step.created_by,
                        format!("`{}` records the build argument `{arg}` in its history ({note})", img.name),
                    );
                    d.help("use `RUN --mount=type=secret` instead of a build argument");
                    if judged.placeholder {
                        d.lower_severity();
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::*;

    #[test]
    fn flags_secret_env_and_build_args_without_their_values() {
        let img = with_env(image("app:1"), &[("PATH", "/bin"), ("API_TOKEN", "tok-123456"), ("DB_PASSWORD", "")]);
        let img =
            with_history(img, &["|2 DB_PASSWORD=hunter2 VERSION=1 /bin/sh -c ./setup", "/bin/sh -c #(nop)  ENV X=1"]);
        let got = lint_images(&SecretInImage::META, &[img], 0);
        assert_eq!(
            got,
            [
                (
                    "image/app:1/Config.Env[1]".to_string(),
                    "`app:1` stores a value in `API_TOKEN` (value redacted)".to_string()
                ),
                (
                    "image/app:1/History[0].CreatedBy".to_string(),
                    "`app:1` records the build argument `DB_PASSWORD` in its history (value redacted)".to_string()
                ),
            ]
        );
        assert!(got.iter().all(|(_, m)| !m.contains("tok-123456") && !m.contains("hunter2")));
    }

    #[test]
    fn the_same_judgement_as_compose_and_dockerfiles() {
        let img = with_env(
            image("app:1"),
            &[
                ("SMTP_PASS", "s3cret-x"),
                ("DATABASE_URL", "postgres://app:hunter2@db/app"),
                ("DB_PASSWORD", "changeme"),
                ("SMTP_USER", "mailer"),
                ("JWT_SECRET", "/run/secrets/jwt"),
                ("REGISTRY_AUTH_TOKEN_REALM", "https://auth.example.com/token"),
            ],
        );
        let img = with_history(img, &["|2 NPM_TOKEN= GPG_PASSPHRASE=dummy /bin/sh -c make"]);
        let got = lint_images(&SecretInImage::META, &[img], 0);
        let messages: Vec<&str> = got.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`app:1` stores a value in `SMTP_PASS` (value redacted)",
                "`app:1` stores a value in `DATABASE_URL` (value redacted)",
                "`app:1` stores a value in `DB_PASSWORD` (a placeholder credential)",
                "`app:1` records the build argument `GPG_PASSPHRASE` in its history (a placeholder credential)",
            ]
        );
        assert!(messages.iter().all(|m| !m.contains("hunter2") && !m.contains("s3cret")));
    }

    #[test]
    fn passes_ordinary_env_and_args() {
        let img = with_env(image("app:1"), &[("PASSWORD_FILE", "/run/secrets/db"), ("LANG", "C.UTF-8")]);
        let img = with_history(img, &["|1 VERSION=1.2 /bin/sh -c make", "/bin/sh -c echo TOKEN=1"]);
        assert!(lint_images(&SecretInImage::META, &[img], 0).is_empty());
    }
}
