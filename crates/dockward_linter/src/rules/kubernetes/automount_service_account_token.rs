use dockward_diagnostics::Location;
use dockward_k8s::typing::{bool_reading, BoolReading};
use dockward_k8s::Object;
use dockward_source::TextRange;
use dockward_yaml::Node;

use super::{KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a workload whose pods get the API token of their service account mounted
    /// (`/var/run/secrets/kubernetes.io/serviceaccount/token`). The effective value is
    /// the pod spec's `automountServiceAccountToken`, else the ServiceAccount object's
    /// (when the scan holds it), else `true`, Kubernetes' default. A warning when the
    /// scan binds that service account to a Role or ClusterRole, information otherwise
    /// (the token of an account without permissions is worth little, and operators need
    /// theirs).
    ///
    /// A YAML 1.1 spelling (`no`, `off`) is read as `kubectl` and Kustomize may read
    /// it: as `false`, or as a string that leaves the default; the token counts as
    /// mounted.
    ///
    /// ## Why is this bad?
    /// Whoever gets code execution in the container can call the API server with the
    /// account's permissions: list secrets, create pods, or more, depending on RBAC.
    /// Most applications never talk to the API server.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web}
    /// spec:
    ///   template:
    ///     spec:
    ///       containers: [{name: web, image: nginx:1.27}]
    /// ```
    ///
    /// ## How to fix
    /// Set `automountServiceAccountToken: false` in the pod spec (or on the
    /// ServiceAccount), and mount a projected token only where the API is needed.
    ///
    /// ## References
    /// - Kubernetes documentation, "Configure Service Accounts for Pods", opt out of
    ///   API credential automounting
    /// - CIS Kubernetes Benchmark 5.1.6
    pub struct AutomountServiceAccountToken;
    code = "KS006", name = "automount-service-account-token", severity = Warning,
    category = Security, target = Kubernetes, fix = None,
    summary = "The service-account token is mounted into the pods",
    aliases = ["automountServiceAccountToken", "CKV_K8S_38", "KSV-0036", "KSV036", "C-0034"],
    practices = ["a-isolation"],
}

impl KubernetesRule for AutomountServiceAccountToken {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        let objects = cx.objects;
        // ServiceAccounts by (namespace, name), indexed once: a scan can hold thousands
        // of workloads.
        let mut accounts: std::collections::HashMap<(Option<&str>, &str), (usize, &Object)> =
            std::collections::HashMap::new();
        for (j, o) in objects.iter().enumerate() {
            if let (true, Some(name)) = (o.kind == "ServiceAccount", o.name.as_deref()) {
                accounts.entry((cx.namespace_of(j), name)).or_insert((j, o));
            }
        }
        let has_bindings = objects.iter().any(|o| o.kind == "RoleBinding" || o.kind == "ClusterRoleBinding");
        for (index, object) in objects.iter().enumerate() {
            let Some(spec) = object.pod_spec() else { continue };
            let namespace = cx.namespace_of(index);
            let account = spec
                .get("serviceAccountName")
                .or_else(|| spec.get("serviceAccount"))
                .and_then(Node::as_str)
                .filter(|s| !s.is_empty())
                .unwrap_or("default");
            let pod_value = spec.entry("automountServiceAccountToken");
            let account_object = accounts.get(&(namespace, account)).copied();
            let account_value = account_object.and_then(|(_, o)| o.root.entry("automountServiceAccountToken"));
            // (mounted, where it is decided: on the pod spec or the ServiceAccount, why)
            let (mounted, pod_at, account_at, why) = match pod_value.map(|e| (e, bool_reading(&e.value))) {
                Some((e, BoolReading::Plain(b))) => (b, Some(e), None, "the pod spec sets it"),
                Some((e, BoolReading::Ambiguous(true))) => (true, Some(e), None, "the pod spec sets it"),
                // `no`/`off`: false for kubectl, a string (the default) for YAML 1.2 tools.
                _ => match account_value.map(|e| (e, bool_reading(&e.value))) {
                    Some((e, BoolReading::Plain(b))) => (b, None, Some(e), "its ServiceAccount sets it"),
                    Some((e, BoolReading::Ambiguous(true))) => (true, None, Some(e), "its ServiceAccount sets it"),
                    _ if account_object.is_some() => (
                        true,
                        None,
                        None,
                        "neither the pod spec nor its ServiceAccount sets it, and the default is true",
                    ),
                    _ => (
                        true,
                        None,
                        None,
                        "the pod spec does not set it, its ServiceAccount is not in the scan, and the default is true",
                    ),
                },
            };
            if !mounted {
                continue;
            }
            let bindings = if has_bindings { bindings_of(cx, account, namespace) } else { Vec::new() };
            let range = pod_at.map_or_else(|| name_range(object), |e| e.value.range);
            let where_ns = match namespace {
                Some(ns) => format!("namespace `{ns}`"),
                None => "namespace not set (no metadata.namespace, kustomization or --k8s-namespace)".to_string(),
            };
            let bound = if bindings.is_empty() {
                String::new()
            } else {
                let names: Vec<&str> = bindings.iter().map(|(n, _)| n.as_str()).collect();
                format!("; the account is bound by {}", names.join(", "))
            };
            let message = format!(
                "{} mounts the API token of service account `{account}` ({where_ns}): {why}{bound}",
                object.display_name()
            );
            let account_site =
                account_at.zip(account_object).map(|(e, (_, o))| Location::source(&o.file, e.value.range));
            let d = cx.report(&Self::META, object, range, message);
            d.help(
                "set `automountServiceAccountToken: false` in the pod spec, and mount a projected token only where \
                 the API is needed",
            );
            if let Some(at) = account_site {
                d.related(at, "set here on the ServiceAccount");
            }
            for (name, at) in &bindings {
                d.related(at.clone(), format!("{name} grants the account permissions"));
            }
            if bindings.is_empty() {
                d.lower_severity();
            }
        }
    }
}

/// `Kind/name` of the workload's `metadata.name` (or its `kind`), where findings about
/// the whole pod template are reported.
fn name_range(object: &Object) -> TextRange {
    object.at(&["metadata", "name"]).or_else(|| object.root.get("kind")).map_or(object.root.range, |n| n.range)
}

/// The RoleBindings and ClusterRoleBindings of the scan whose subjects include the
/// service account `name` of `namespace`, as (`Kind/name`, location).
fn bindings_of(cx: &KubernetesContext<'_>, name: &str, namespace: Option<&str>) -> Vec<(String, Location)> {
    let mut out = Vec::new();
    for (j, o) in cx.objects.iter().enumerate() {
        if o.kind != "RoleBinding" && o.kind != "ClusterRoleBinding" {
            continue;
        }
        let subjects = o.root.get("subjects").and_then(Node::as_seq).unwrap_or_default();
        let binds = subjects.iter().any(|s| {
            let field = |k: &str| s.get(k).and_then(Node::as_str);
            // A RoleBinding's subject without a namespace is in the binding's own.
            let subject_ns = field("namespace").or(if o.kind == "RoleBinding" { cx.namespace_of(j) } else { None });
            field("kind") == Some("ServiceAccount") && field("name") == Some(name) && subject_ns == namespace
        }) || subjects.iter().any(|s| {
            // `system:serviceaccounts[:ns]` groups hold every account (of a namespace).
            let group = s.get("name").and_then(Node::as_str).unwrap_or("");
            s.get("kind").and_then(Node::as_str) == Some("Group")
                && (group == "system:serviceaccounts"
                    || namespace.is_some_and(|ns| group.strip_prefix("system:serviceaccounts:") == Some(ns)))
        });
        if binds {
            let at = o.root.get("roleRef").map_or(o.root.range, |n| n.range);
            out.push((o.display_name(), Location::source(&o.file, at)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use super::*;
    use dockward_diagnostics::Severity;

    fn deployment(extra: &str) -> String {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  template:\n    spec:\n{extra}      containers: [{{name: a, image: b}}]\n")
    }

    #[test]
    fn default_token_is_info_without_bindings() {
        let found = run(&AutomountServiceAccountToken, &[("d.yaml", &deployment(""))], Some("shop"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Info);
        assert!(found[0].message.contains("`default` (namespace `shop`)"), "{}", found[0].message);
        let found = run(&AutomountServiceAccountToken, &[("d.yaml", &deployment(""))], None);
        assert!(found[0].message.contains("namespace not set"), "{}", found[0].message);
    }

    #[test]
    fn pod_false_passes_and_pod_true_is_pointed_at() {
        let off = deployment("      automountServiceAccountToken: false\n");
        assert!(run(&AutomountServiceAccountToken, &[("d.yaml", &off)], None).is_empty());
        let on = deployment("      automountServiceAccountToken: yes\n");
        let found = run(&AutomountServiceAccountToken, &[("d.yaml", &on)], None);
        assert_eq!(&on[found[0].location.range().unwrap()], "yes");
        // `no` may be a string the API server refuses or ignores: not trusted.
        let no = deployment("      automountServiceAccountToken: no\n");
        assert_eq!(run(&AutomountServiceAccountToken, &[("d.yaml", &no)], None).len(), 1);
    }

    #[test]
    fn the_service_account_decides_when_the_pod_does_not() {
        let pod = deployment("      serviceAccountName: api\n");
        let sa_off =
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}\nautomountServiceAccountToken: false\n";
        assert!(run(&AutomountServiceAccountToken, &[("d.yaml", &pod), ("sa.yaml", sa_off)], None).is_empty());
        // Another namespace's account of the same name does not count.
        let sa_elsewhere = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: other}\nautomountServiceAccountToken: false\n";
        assert_eq!(
            run(&AutomountServiceAccountToken, &[("d.yaml", &pod), ("sa.yaml", sa_elsewhere)], Some("shop")).len(),
            1
        );
        // The pod's own value wins over the account's.
        let pod_on = deployment("      serviceAccountName: api\n      automountServiceAccountToken: true\n");
        assert_eq!(run(&AutomountServiceAccountToken, &[("d.yaml", &pod_on), ("sa.yaml", sa_off)], None).len(), 1);
        let sa_on = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}\nautomountServiceAccountToken: true\n";
        let found = run(&AutomountServiceAccountToken, &[("d.yaml", &pod), ("sa.yaml", sa_on)], None);
        assert_eq!(found[0].related[0].location.name(), "sa.yaml");
    }

    #[test]
    fn bound_accounts_are_warnings() {
        let pod = deployment("      serviceAccountName: api\n");
        let binding = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: api-read, namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\nsubjects:\n- {kind: ServiceAccount, name: api}\n";
        let found = run(&AutomountServiceAccountToken, &[("d.yaml", &pod), ("rb.yaml", binding)], Some("shop"));
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].message.contains("bound by RoleBinding/api-read"));
        // A binding in another namespace binds another account.
        let found = run(&AutomountServiceAccountToken, &[("d.yaml", &pod), ("rb.yaml", binding)], Some("dev"));
        assert_eq!(found[0].severity, Severity::Info);
    }

    #[test]
    fn every_workload_kind_is_judged_and_other_kinds_are_not() {
        let kinds = [
            "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: []}\n",
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: b}\nspec: {jobTemplate: {spec: {template: {spec: {containers: []}}}}}\n",
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: c}\nspec: {template: {spec: {containers: []}}}\n",
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\nspec: {template: {spec: {containers: []}}}\n",
            "apiVersion: batch/v1\nkind: Job\nmetadata: {name: e}\nspec: {template: {spec: {containers: []}}}\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: f}\nspec: {}\n",
        ];
        let files: Vec<_> = kinds.iter().map(|t| ("k.yaml", *t)).collect();
        let found = run(&AutomountServiceAccountToken, &files, None);
        assert_eq!(found.len(), 5);
    }
}
