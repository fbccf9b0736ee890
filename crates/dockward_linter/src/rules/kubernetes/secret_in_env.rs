use dockward_yaml::Node;

use super::{containers_of, KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports containers that receive a Secret through environment variables:
    /// `env[].valueFrom.secretKeyRef` or `envFrom[].secretRef`. Off by default.
    ///
    /// ## Why is this bad?
    /// Environment variables leak: child processes inherit them, crash reports and
    /// debug endpoints print them, and `/proc/<pid>/environ` shows them to anyone who
    /// can read the process. A file in a mounted Secret volume can be read only by
    /// the container, and is updated when the Secret changes.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    /// - name: DB_PASSWORD
    ///   valueFrom:
    ///     secretKeyRef: {name: db, key: password}
    /// ```
    ///
    /// ## How to fix
    /// Mount the Secret as a volume and have the application read the file.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.4.1 "Prefer using secrets as files over secrets as
    ///   environment variables"
    pub struct SecretInEnv;
    code = "KS015", name = "secret-in-env", severity = Info,
    category = Security, target = Kubernetes, fix = None,
    summary = "A Secret is passed to a container through environment variables",
    default_enabled = false,
    aliases = ["read-secret-from-env-var", "CKV_K8S_35"],
    practices = ["a-env-config", "a-secret-manager"],
}

impl KubernetesRule for SecretInEnv {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        for object in cx.objects {
            for (container, name) in containers_of(object) {
                let env = container.get("env").and_then(Node::as_seq).unwrap_or_default();
                for var in env {
                    let Some(reference) = var.get("valueFrom").and_then(|v| v.entry("secretKeyRef")) else { continue };
                    let variable = var.get("name").and_then(Node::as_str).unwrap_or("?");
                    let secret = reference.value.get("name").and_then(Node::as_str).unwrap_or("?");
                    let message = format!(
                        "{} container `{name}` gets Secret `{secret}` in the environment variable `{variable}`",
                        object.display_name()
                    );
                    cx.report(&Self::META, object, reference.key.range, message)
                        .help("mount the Secret as a volume and read the file instead");
                }
                let env_from = container.get("envFrom").and_then(Node::as_seq).unwrap_or_default();
                for source in env_from {
                    let Some(reference) = source.entry("secretRef") else { continue };
                    let secret = reference.value.get("name").and_then(Node::as_str).unwrap_or("?");
                    let message = format!(
                        "{} container `{name}` gets every key of Secret `{secret}` as environment variables",
                        object.display_name()
                    );
                    cx.report(&Self::META, object, reference.key.range, message)
                        .help("mount the Secret as a volume and read the files instead");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use super::*;

    #[test]
    fn secret_key_refs_and_env_from_are_reported_in_every_container_list() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      initContainers:\n      - name: migrate\n        envFrom: [{secretRef: {name: db}}, {configMapRef: {name: c}}]\n      containers:\n      - name: app\n        env:\n        - {name: A, value: b}\n        - name: DB_PASSWORD\n          valueFrom: {secretKeyRef: {name: db, key: password}}\n        - name: MODE\n          valueFrom: {configMapKeyRef: {name: c, key: mode}}\n";
        let found = run(&SecretInEnv, &[("d.yaml", text)], None);
        let messages: Vec<_> = found.iter().map(|d| d.message.as_ref()).collect();
        assert_eq!(
            messages,
            [
                "Deployment/d container `migrate` gets every key of Secret `db` as environment variables",
                "Deployment/d container `app` gets Secret `db` in the environment variable `DB_PASSWORD`",
            ]
        );
        assert_eq!(&text[found[1].location.range().unwrap()], "secretKeyRef");
    }

    #[test]
    fn volumes_pass() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    volumeMounts: [{name: db, mountPath: /run/db}]\n  volumes: [{name: db, secret: {secretName: db}}]\n";
        assert!(run(&SecretInEnv, &[("p.yaml", text)], None).is_empty());
    }
}
