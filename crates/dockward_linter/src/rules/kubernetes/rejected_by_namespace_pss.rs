use dockward_diagnostics::Location;
use dockward_k8s::pss::{evaluate, namespace_policies, Mode};

use super::pss_support::workloads;
use super::{KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Evaluates every Pod and workload against the Pod Security Admission `enforce`
    /// label of a Namespace object in the same scan (`pod-security.kubernetes.io/enforce`
    /// with its `enforce-version`; `latest`, or no version, means the cluster's version,
    /// `--pss-version`, itself `latest` by default) and reports those whose pods
    /// the namespace rejects, with each failing check at its key.
    ///
    /// A label PSA cannot read is judged as PSA judges it: an unknown level as
    /// `restricted`, an unknown or newer version as `latest`.
    ///
    /// ## Why is this bad?
    /// For a controller (Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet,
    /// ReplicationController) PSA only *warns* when the object is applied:
    /// `kubectl apply` succeeds, then every pod the controller creates is refused and
    /// the rollout stalls with nothing but events on the ReplicaSet to say why. A bare
    /// Pod is refused at `kubectl apply`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels: {pod-security.kubernetes.io/enforce: restricted}
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   template:
    ///     spec:
    ///       containers: [{name: app, image: web:1.4}]
    /// ```
    ///
    /// ## How to fix
    /// Fix the pod template (the message lists the checks; `dockward check --format
    /// pss` gives the full report), or, for a workload that needs the access, move it
    /// to a namespace whose level allows it.
    ///
    /// ## References
    /// - Kubernetes, "Pod Security Admission", "Workload resources and Pod templates"
    /// - Kubernetes, "Pod Security Standards"
    pub struct RejectedByNamespacePss;
    code = "KS013", name = "rejected-by-namespace-pss", severity = Error,
    category = Correctness, target = Kubernetes, fix = None,
    summary = "The namespace's Pod Security enforce level rejects this workload's pods",
    practices = ["b-runtime-hardening"],
}

impl KubernetesRule for RejectedByNamespacePss {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        // By name, the first Namespace object with an enforce label.
        let mut namespaces = std::collections::BTreeMap::new();
        for ns in cx.objects {
            let Some(name) = ns.name.as_deref() else { continue };
            let Some(enforce) = namespace_policies(ns).into_iter().find(|p| p.mode == Mode::Enforce) else { continue };
            namespaces.entry(name).or_insert((ns, enforce));
        }
        if namespaces.is_empty() {
            return;
        }
        for (index, object, _) in workloads(cx.objects) {
            // A PodTemplate creates no pods by itself.
            if object.kind == "PodTemplate" {
                continue;
            }
            let Some(namespace) = cx.namespace_of(index) else { continue };
            let Some((ns, policy)) = namespaces.get(namespace) else { continue };
            let Some(evaluation) = evaluate(object, policy.version_at(cx.settings.pss_version)) else { continue };
            if evaluation.satisfies(policy.level) {
                continue;
            }
            let failures: Vec<_> = evaluation.failures_at(policy.level).collect();
            let checks: Vec<_> = failures.iter().map(|f| f.id).collect();
            let outcome = if object.kind == "Pod" {
                "the API server rejects it"
            } else {
                "kubectl apply succeeds, but every pod the controller creates is rejected"
            };
            let label = match &policy.version_label {
                Some(version) => format!("enforce={} {version}", policy.level_label),
                None => format!("enforce={}", policy.level_label),
            };
            let message = format!(
                "{} violates the Pod Security level of namespace `{namespace}` ({label}): {outcome}; failing: {}",
                object.display_name(),
                checks.join(", ")
            );
            let fields: Vec<_> = failures.iter().flat_map(|f| f.fields.iter().map(move |field| (f, field))).collect();
            let at = fields.first().map_or(object.root.range, |(_, field)| field.range);
            let diagnostic = cx.report(&Self::META, object, at, message);
            diagnostic.related(Location::source(&ns.file, policy.level_range), "the namespace's enforce label");
            for problem in &policy.problems {
                diagnostic.related(Location::source(&ns.file, policy.level_range), problem.clone());
            }
            for (failure, field) in fields.iter().skip(1) {
                diagnostic
                    .related(Location::source(&object.file, field.range), format!("{}: `{}`", failure.id, field.path));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use super::*;

    const NAMESPACE: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n    pod-security.kubernetes.io/warn: restricted\n";

    const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n      containers:\n      - name: app\n        image: web:1\n        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n";

    #[test]
    fn a_workload_below_the_enforced_level_is_an_error_at_its_first_failing_key() {
        let bad = WEB.replace("drop: [ALL]", "drop: [ALL], add: [NET_ADMIN]").replace("runAsNonRoot: true, ", "");
        let found = run(&RejectedByNamespacePss, &[("ns.yaml", NAMESPACE), ("web.yaml", &bad)], None);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "Deployment/web violates the Pod Security level of namespace `shop` (enforce=restricted): kubectl apply succeeds, but every pod the controller creates is rejected; failing: capabilities_restricted, runAsNonRoot"
        );
        assert_eq!(&bad[found[0].location.range().unwrap()], "NET_ADMIN");
        assert_eq!(&NAMESPACE[found[0].related[0].location.range().unwrap()], "pod-security.kubernetes.io/enforce");
        assert_eq!(found[0].severity, dockward_diagnostics::Severity::Error);
    }

    #[test]
    fn the_version_label_and_the_namespace_matter() {
        // runAsUser: 0 is checked from 1.23 on.
        let root = WEB.replace("runAsNonRoot: true,", "runAsNonRoot: true, runAsUser: 0,");
        let pinned = format!("{NAMESPACE}    pod-security.kubernetes.io/enforce-version: v1.22\n");
        assert!(run(&RejectedByNamespacePss, &[("ns.yaml", &pinned), ("web.yaml", &root)], None).is_empty());
        let found = run(&RejectedByNamespacePss, &[("ns.yaml", NAMESPACE), ("web.yaml", &root)], None);
        assert!(found[0].message.ends_with("failing: runAsUser"), "{}", found[0].message);
        // Same workload in another namespace, or a compliant one: nothing.
        let elsewhere = root.replace("namespace: shop", "namespace: other");
        assert!(run(&RejectedByNamespacePss, &[("ns.yaml", NAMESPACE), ("web.yaml", &elsewhere)], None).is_empty());
        assert!(run(&RejectedByNamespacePss, &[("ns.yaml", NAMESPACE), ("web.yaml", WEB)], None).is_empty());
    }

    #[test]
    fn baseline_namespaces_a_bare_pod_and_the_default_namespace() {
        let ns = NAMESPACE.replace("enforce: restricted", "enforce: baseline");
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers: [{name: a, image: x}]\n";
        let found = run(&RejectedByNamespacePss, &[("ns.yaml", &ns), ("p.yaml", pod)], Some("shop"));
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("(enforce=baseline): the API server rejects it; failing: hostNamespaces"));
        // At baseline, restricted-only failures (no runAsNonRoot here) do not count.
        let plain = pod.replace("  hostPID: true\n", "");
        assert!(run(&RejectedByNamespacePss, &[("ns.yaml", &ns), ("p.yaml", &plain)], Some("shop")).is_empty());
    }

    #[test]
    fn unreadable_labels_fail_closed_like_psa() {
        let ns = NAMESPACE.replace("enforce: restricted", "enforce: Restricted");
        let found = run(
            &RejectedByNamespacePss,
            &[("ns.yaml", &ns), ("web.yaml", &WEB.replace("drop: [ALL]", "drop: []"))],
            None,
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].related.iter().any(|r| r.message.contains("is not a level: PSA applies restricted")));
    }
}
