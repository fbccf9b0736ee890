use super::{ComposeContext, ComposeRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a service (or its `build`) that uses a secret or config the project's
    /// top-level `secrets:` / `configs:` does not declare.
    ///
    /// ## Why is this bad?
    /// docker compose refuses to start the service. When the secret is missing the
    /// usual workaround is to move the value into `environment:`, which exposes it to
    /// `docker inspect` and child processes.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     secrets: [db_password]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     secrets: [db_password]
    /// secrets:
    ///   db_password:
    ///     file: ./db_password.txt
    /// ```
    ///
    /// ## How to fix
    /// Declare it under the top-level `secrets:` (or `configs:`) with `file`,
    /// `environment` or `external: true`.
    ///
    /// ## References
    /// - Compose specification, "Secrets top-level elements", "Configs top-level elements"
    pub struct UndeclaredSecretOrConfig;
    code = "CO008", name = "undeclared-secret-or-config", severity = Error,
    category = Correctness, target = Compose, fix = None,
    summary = "A service uses a secret or config that is not declared",
    practices = ["b-compose-secrets", "a-secret-manager"],
}

impl ComposeRule for UndeclaredSecretOrConfig {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut ComposeContext<'_>) {
        for section in ["secrets", "configs"] {
            let declared: Vec<&str> = cx.project.section(section).iter().map(|e| e.key.as_str()).collect();
            let used: Vec<_> = super::unused_secret_or_config::references(cx.project, section);
            for (service, name) in used {
                if !declared.contains(&name.value.as_str()) {
                    let kind = &section[..section.len() - 1];
                    let d = cx.report_value(
                        &Self::META,
                        &name,
                        format!("service `{service}` uses {kind} `{}`, which is not declared", name.value),
                    );
                    d.help(format!("declare it under the top-level `{section}:`"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn short_long_and_build_references() {
        let text = "services:\n  db:\n    image: pg:16\n    secrets:\n      - pw\n      - source: other\n    configs: [conf]\n    build:\n      context: .\n      secrets: [npmrc]\nsecrets:\n  pw:\n    file: pw.txt\n";
        let (found, _) = run(&UndeclaredSecretOrConfig, &[("compose.yaml", text)], &[]);
        assert_eq!(spans(&found), ["other", "conf", "npmrc"]);
    }

    #[test]
    fn declared_is_clean() {
        let text = "services:\n  db:\n    image: pg:16\n    secrets: [pw]\nsecrets:\n  pw:\n    external: true\n";
        assert!(run(&UndeclaredSecretOrConfig, &[("compose.yaml", text)], &[]).0.is_empty());
    }
}
