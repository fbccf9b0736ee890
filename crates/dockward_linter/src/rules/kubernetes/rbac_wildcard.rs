use dockward_diagnostics::{Location, RuleMeta};
use dockward_k8s::rbac::Rbac;

use super::{grants, KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports each rule of a Role or ClusterRole with a wildcard in `apiGroups`,
    /// `resources` or `verbs`: `*`, or `*/sub` (the subresource `sub` of every
    /// resource). One finding per rule, at its first wildcard, naming every field that
    /// has one; the bindings of the scan that grant the role are related locations.
    /// Roles the API server maintains itself (`kubernetes.io/bootstrapping:
    /// rbac-defaults`, such as `cluster-admin` in a cluster dump) and aggregated
    /// ClusterRoles (whose rules come from the roles they aggregate) are not reported.
    ///
    /// ## Why is this bad?
    /// A wildcard grants every verb, resource or group that exists now and every one
    /// added later, CRDs included: `verbs: ["*"]` includes `escalate`, `bind` and
    /// `impersonate`, and `resources: ["*"]` includes Secrets and `pods/exec`. Least
    /// privilege cannot be reviewed on a wildcard.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Role
    /// rules:
    /// - apiGroups: ["apps"]
    ///   resources: ["*"]
    ///   verbs: ["*"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// rules:
    /// - apiGroups: ["apps"]
    ///   resources: ["deployments"]
    ///   verbs: ["get", "list", "watch", "patch"]
    /// ```
    ///
    /// ## How to fix
    /// List the groups, resources and verbs the subject needs.
    ///
    /// ## References
    /// - Kubernetes docs, "Role Based Access Control Good Practices"
    /// - CIS Kubernetes Benchmark 5.1.3, "Minimize wildcard use in Roles and ClusterRoles"
    pub struct RbacWildcard;
    code = "KS007", name = "rbac-wildcard", severity = Warning,
    category = Security, target = Kubernetes, fix = None,
    summary = "An RBAC rule grants a wildcard of verbs, resources or API groups",
    aliases = ["wildcard-in-rules", "CKV_K8S_49", "KSV-0044", "KSV-0045", "KSV-0046", "C-0187"],
}

impl KubernetesRule for RbacWildcard {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        let rbac = Rbac::of(cx.objects, cx.namespaces);
        for role in rbac.roles.iter().filter(|r| grants::judged(r)) {
            for rule in &role.rules {
                let wildcards: Vec<_> = rule.wildcards().collect();
                let Some((_, first)) = wildcards.first() else { continue };
                let mut fields: Vec<&str> = wildcards.iter().map(|(f, _)| *f).collect();
                fields.dedup();
                let message = format!(
                    "{} grants a wildcard in {}: every current and future value, {}",
                    role.object.display_name(),
                    fields.join(" and "),
                    grants::scope(role),
                );
                let d = cx.report(&Self::META, role.object, first.range, message);
                d.help("list the API groups, resources and verbs the subjects need instead of `*`");
                for (field, item) in wildcards.iter().skip(1).take(grants::MAX_NAMED) {
                    d.related(Location::source(&role.object.file, item.range), format!("`{}` in {field}", item.value));
                }
                grants::relate_bindings(d, &rbac, role);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing;
    use super::*;

    const RBAC: &str = "apiVersion: rbac.authorization.k8s.io/v1\n";

    fn run(text: &str) -> Vec<dockward_diagnostics::Diagnostic> {
        testing::run(&RbacWildcard, &[("r.yaml", text)], None)
    }

    #[test]
    fn a_rule_with_wildcards_is_reported_once_at_the_first() {
        let text = format!(
            "{RBAC}kind: Role\nmetadata: {{name: deployer, namespace: shop}}\nrules:\n- apiGroups: [apps]\n  resources: ['*']\n  verbs: ['*']\n- apiGroups: ['']\n  resources: [configmaps]\n  verbs: [get]\n---\n\
             {RBAC}kind: RoleBinding\nmetadata: {{name: ci, namespace: shop}}\nroleRef: {{kind: Role, name: deployer}}\nsubjects: [{{kind: ServiceAccount, name: ci}}]\n"
        );
        let found = run(&text);
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!(&text[d.location.range().unwrap()], "'*'");
        assert_eq!(
            d.message,
            "Role/deployer grants a wildcard in resources and verbs: every current and future value, in namespace `shop`"
        );
        assert_eq!(d.related[0].message, "`*` in verbs");
        assert_eq!(d.related[1].message, "RoleBinding/ci grants it to ServiceAccount shop/ci");
        assert_eq!(&text[d.related[1].location.range().unwrap()], "deployer");
    }

    #[test]
    fn subresource_wildcards_and_api_group_wildcards_count() {
        let text = format!("{RBAC}kind: ClusterRole\nmetadata: {{name: s}}\nrules:\n- apiGroups: ['*']\n  resources: ['*/scale']\n  verbs: [update]\n");
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("in apiGroups and resources"));
        assert!(found[0].message.contains("in every namespace once bound by a ClusterRoleBinding"));
    }

    #[test]
    fn explicit_lists_bootstrap_and_aggregated_roles_are_not_reported() {
        let text = format!(
            "{RBAC}kind: ClusterRole\nmetadata: {{name: reader}}\nrules:\n- apiGroups: ['']\n  resources: [pods]\n  verbs: [get, list]\n---\n\
             {RBAC}kind: ClusterRole\nmetadata:\n  name: cluster-admin\n  labels: {{kubernetes.io/bootstrapping: rbac-defaults}}\nrules:\n- apiGroups: ['*']\n  resources: ['*']\n  verbs: ['*']\n---\n\
             {RBAC}kind: ClusterRole\nmetadata: {{name: agg}}\naggregationRule: {{clusterRoleSelectors: [{{matchLabels: {{x: y}}}}]}}\nrules:\n- apiGroups: ['*']\n  resources: ['*']\n  verbs: ['*']\n"
        );
        assert!(run(&text).is_empty());
    }
}
