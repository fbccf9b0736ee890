use dockward_diagnostics::{Location, RuleMeta};
use dockward_k8s::rbac::Rbac;

use super::{grants, KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a ClusterRoleBinding or RoleBinding whose `roleRef` is the ClusterRole
    /// `cluster-admin`, at `roleRef.name`, with its subjects as related locations. The
    /// binding the API server creates itself (`kubernetes.io/bootstrapping:
    /// rbac-defaults`, for the group `system:masters`) is not reported.
    ///
    /// ## Why is this bad?
    /// `cluster-admin` allows every verb on every resource: through a
    /// ClusterRoleBinding in every namespace and on cluster-scoped objects (nodes,
    /// webhooks, RBAC itself); through a RoleBinding on every object of the
    /// namespace, Secrets and RBAC included. A service account with it turns any
    /// compromise of its pods into a compromise of the cluster or namespace.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
    /// subjects: [{kind: ServiceAccount, name: deployer, namespace: ci}]
    /// ```
    ///
    /// ## How to fix
    /// Bind a role that grants what the subject needs (the built-in `edit` or `view`,
    /// or your own), in the namespaces where it needs it.
    ///
    /// ## References
    /// - Kubernetes docs, "Using RBAC Authorization", "User-facing roles"
    /// - CIS Kubernetes Benchmark 5.1.1, "Ensure that the cluster-admin role is only used where required"
    pub struct ClusterAdminBinding;
    code = "KS008", name = "cluster-admin-binding", severity = Warning,
    category = Security, target = Kubernetes, fix = None,
    summary = "A binding grants the cluster-admin ClusterRole",
    aliases = ["cluster-admin-role-binding", "clusterrolebindingClusterAdmin", "KSV-0111", "C-0035"],
}

impl KubernetesRule for ClusterAdminBinding {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        let rbac = Rbac::of(cx.objects, cx.namespaces);
        for binding in &rbac.bindings {
            if binding.role_kind != "ClusterRole" || binding.role_name != "cluster-admin" || binding.is_bootstrap() {
                continue;
            }
            let to = grants::subjects_text(&binding.subjects, "no subject yet");
            let reach = match (binding.cluster, binding.namespace) {
                (true, _) => "every verb on every object of the cluster".to_owned(),
                (false, Some(ns)) => {
                    format!("every verb on every object of namespace `{ns}`, Secrets and RBAC included")
                }
                (false, None) => {
                    "every verb on every object of its namespace (namespace not set), Secrets and RBAC included"
                        .to_owned()
                }
            };
            let message = format!("{} binds cluster-admin to {to}: {reach}", binding.object.display_name());
            let d = cx.report(&Self::META, binding.object, binding.role_range, message);
            d.help("bind a role that grants only what the subjects need (`edit`, `view` or your own) in the namespaces where they need it");
            for subject in binding.subjects.iter().take(grants::MAX_NAMED) {
                d.related(
                    Location::source(&binding.object.file, subject.range),
                    format!("subject {}", subject.describe()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing;
    use super::*;

    fn run(text: &str) -> Vec<dockward_diagnostics::Diagnostic> {
        testing::run(&ClusterAdminBinding, &[("r.yaml", text)], None)
    }

    #[test]
    fn cluster_and_namespace_bindings_are_reported_at_the_role_name() {
        let text = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: ci}\n\
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects:\n- {kind: ServiceAccount, name: deployer, namespace: ci}\n---\n\
apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: local, namespace: shop}\n\
roleRef: {kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: Group, name: devs}]\n";
        let found = run(text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].location.range().unwrap()], "cluster-admin");
        assert_eq!(
            found[0].message,
            "ClusterRoleBinding/ci binds cluster-admin to ServiceAccount ci/deployer: every verb on every object of the cluster"
        );
        assert_eq!(
            &text[found[0].related[0].location.range().unwrap()],
            "{kind: ServiceAccount, name: deployer, namespace: ci}"
        );
        assert!(found[1].message.ends_with("every object of namespace `shop`, Secrets and RBAC included"));
    }

    #[test]
    fn other_roles_and_the_bootstrap_binding_are_not_reported() {
        let text = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: v}\n\
roleRef: {kind: ClusterRole, name: view}\nsubjects: [{kind: Group, name: devs}]\n---\n\
apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: cluster-admin\n  labels: {kubernetes.io/bootstrapping: rbac-defaults}\n\
roleRef: {kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: Group, name: 'system:masters'}]\n---\n\
apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: r, namespace: x}\n\
roleRef: {kind: Role, name: cluster-admin}\nsubjects: [{kind: Group, name: devs}]\n";
        assert!(run(text).is_empty());
    }
}
