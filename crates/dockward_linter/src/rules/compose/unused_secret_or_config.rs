use dockward_compose::{Project, Value};
use dockward_spec::Val;

use super::{ComposeContext, ComposeRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a top-level secret or config that no service (nor any service's
    /// `build`) uses.
    ///
    /// ## Why is this bad?
    /// An unused secret is usually a leftover of a service that was changed to read
    /// the value some other way, often from `environment:`. It also keeps a
    /// credential file referenced, and maybe deployed, for nothing.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    /// secrets:
    ///   db_password:
    ///     file: ./db_password.txt
    /// ```
    ///
    /// ## How to fix
    /// Give the secret to the service that needs it (`secrets: [db_password]`), or
    /// remove the declaration.
    ///
    /// ## References
    /// - Compose specification, "Secrets top-level elements"
    pub struct UnusedSecretOrConfig;
    code = "CO009", name = "unused-secret-or-config", severity = Warning,
    category = BestPractice, target = Compose, fix = None,
    summary = "A declared secret or config is used by no service",
    practices = ["b-compose-secrets"],
}

/// Every use of a secret (`section` = "secrets") or config by a service or its
/// build: (service, name).
pub(crate) fn references<'p>(project: &'p Project, section: &str) -> Vec<(&'p str, Val<String>)> {
    let mut out = Vec::new();
    for service in project.services() {
        let lists = [service.value.get(section), service.value.get("build").and_then(|b| b.get(section))];
        for item in lists.into_iter().flatten().filter_map(Value::as_seq).flatten() {
            let name = item.as_str().map(|_| item).or_else(|| item.get("source"));
            if let Some(n) =
                name.and_then(|n| Some(Val { value: n.as_str()?.to_string(), at: n.at.clone(), via: n.via.clone() }))
            {
                out.push((service.name, n));
            }
        }
    }
    out
}

impl ComposeRule for UnusedSecretOrConfig {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut ComposeContext<'_>) {
        for section in ["secrets", "configs"] {
            let used = references(cx.project, section);
            for e in cx.project.section(section) {
                if !used.iter().any(|(_, n)| n.value == e.key) {
                    let kind = &section[..section.len() - 1];
                    cx.report(&Self::META, &e.key_at, format!("{kind} `{}` is declared but no service uses it", e.key));
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
    fn unused_declarations_are_reported_at_the_key() {
        let text = "services:\n  db:\n    image: pg:16\n    secrets: [pw]\n    build:\n      context: .\n      secrets: [npmrc]\nsecrets:\n  pw:\n    file: a\n  npmrc:\n    file: b\n  old:\n    file: c\nconfigs:\n  conf:\n    file: d\n";
        let (found, _) = run(&UnusedSecretOrConfig, &[("compose.yaml", text)], &[]);
        assert_eq!(spans(&found), ["old", "conf"]);
        assert!(found[0].message.contains("secret `old`"));
    }

    #[test]
    fn no_declarations_no_findings() {
        assert!(run(&UnusedSecretOrConfig, &[("compose.yaml", "services:\n  a:\n    image: a:1\n")], &[]).0.is_empty());
    }
}
