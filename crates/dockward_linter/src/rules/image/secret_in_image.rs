use crate::audit::{is_secret_name, AuditContext, ImageRule};
use crate::declare_rule;
use dockward_spec::ImageView;

declare_rule! {
    /// ## What it does
    /// Flags credentials baked into a local image: an `ENV` whose name looks like a
    /// secret (`*_PASSWORD`, `*_TOKEN`, `*SECRET*`, `API_KEY`, ...) and has a value in
    /// `Config.Env`, and build arguments with such names that the history records
    /// (`RUN |1 DB_PASSWORD=... /bin/sh -c ...`). The value is never printed.
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
    practices = ["a: Secrets Management", "b: Secrets"],
}

/// The `KEY=VALUE` build arguments a history step records: `|2 A=1 B=2 /bin/sh -c ...`.
fn recorded_build_args(created_by: &str) -> Vec<&str> {
    let Some(rest) = created_by.trim_start().strip_prefix('|') else { return Vec::new() };
    let mut words = rest.split_whitespace();
    let count: usize = words.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    words.take(count).filter_map(|w| w.split_once('=').map(|(k, _)| k)).collect()
}

impl ImageRule for SecretInImage {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, images: &[ImageView], cx: &mut AuditContext<'_>) {
        for img in images {
            for var in &img.env {
                let has_value = var.value.as_ref().is_some_and(|v| !v.value.is_empty());
                if has_value && is_secret_name(&var.name.value) {
                    cx.report_value(
                        &Self::META,
                        &var.name,
                        format!("`{}` stores a value in `{}` (value redacted)", img.name, var.name.value),
                    )
                    .help("pass secrets at run time (Docker secrets, a secrets manager), never in ENV");
                }
            }
            for step in &img.history {
                for arg in recorded_build_args(&step.created_by.value) {
                    if is_secret_name(arg) {
                        cx.report_value(
                            &Self::META,
                            &step.created_by,
                            format!(
                                "`{}` records the build argument `{arg}` in its history (value redacted)",
                                img.name
                            ),
                        )
                        .help("use `RUN --mount=type=secret` instead of a build argument");
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
    fn passes_ordinary_env_and_args() {
        let img = with_env(image("app:1"), &[("PASSWORD_FILE", "/run/secrets/db"), ("LANG", "C.UTF-8")]);
        let img = with_history(img, &["|1 VERSION=1.2 /bin/sh -c make", "/bin/sh -c echo TOKEN=1"]);
        assert!(lint_images(&SecretInImage::META, &[img], 0).is_empty());
    }
}
