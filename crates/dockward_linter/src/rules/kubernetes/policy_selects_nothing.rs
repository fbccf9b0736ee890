use dockward_diagnostics::RuleMeta;
use dockward_k8s::netpol::{namespace_label, Coverage};

use super::{KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a NetworkPolicy whose `podSelector` matches the pod template labels of
    /// no workload of its namespace in the scan. This is judged only when the scan
    /// holds whole namespaces (`--complete-namespace`): otherwise the pods may come
    /// from manifests that are not scanned. A `podSelector: {}` policy is never
    /// reported: it applies to every pod, present and future.
    ///
    /// A policy the API server rejects (an invalid selector: an unknown operator, `In`
    /// without values, a peer with no selector, an unknown policy type) selects nothing
    /// wherever it is applied, so it is reported in every scan, at the fault.
    ///
    /// ## Why is this bad?
    /// A policy that selects nothing usually means a label was renamed on one side:
    /// the pods it was written for are not isolated the way the author believes.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   podSelector: {matchLabels: {app: frontend}}   # the pods are labelled app: web
    /// ```
    ///
    /// ## How to fix
    /// Fix the selector (or the pod labels), or delete the policy.
    ///
    /// ## References
    /// - Kubernetes docs, "Network Policies"
    pub struct PolicySelectsNothing;
    code = "KS005", name = "policy-selects-nothing", severity = Info,
    category = Correctness, target = Kubernetes, fix = None,
    summary = "A NetworkPolicy selects no workload of the scan",
    aliases = ["dangling-networkpolicy", "networkpolicy-targets-pod"],
    practices = ["a-network-policies"],
}

impl KubernetesRule for PolicySelectsNothing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        let coverage = Coverage::of(cx.objects, cx.namespaces);
        for invalid in &coverage.invalid {
            let message = format!(
                "{} ({}) selects no pods: the API server rejects it ({})",
                invalid.object.display_name(),
                namespace_label(invalid.namespace),
                invalid.error.message,
            );
            cx.report(&Self::META, invalid.object, invalid.error.range, message);
        }
        if !cx.complete_namespaces {
            return;
        }
        for (p, policy) in coverage.policies.iter().enumerate() {
            if policy.pod_selector.selects_everything() || coverage.selects_any(p) {
                continue;
            }
            let candidates = coverage.workloads_in(policy.namespace).count();
            let message = format!(
                "{} ({}) selects no workload of the scan: its podSelector `{}` matches none of the {candidates} workload(s) of the namespace",
                policy.object.display_name(),
                namespace_label(policy.namespace),
                policy.pod_selector.describe(),
            );
            let d = cx.report(&Self::META, policy.object, policy.selector_site(), message);
            d.help("fix the selector or the pods' labels, or delete the policy; the pods it was meant for are not isolated by it");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{self, deployment, policy};
    use super::*;

    #[test]
    fn a_selector_matching_no_workload_is_reported_in_complete_scans_only() {
        let text = deployment("web", Some("shop"), "{app: web}")
            + &policy("front", Some("shop"), "{podSelector: {matchLabels: {app: frontend}}}")
            + &policy("web", Some("shop"), "{podSelector: {matchLabels: {app: web}}}")
            + &policy("elsewhere", Some("ops"), "{podSelector: {matchLabels: {app: web}}}")
            + &policy("all", Some("empty"), "{podSelector: {}}");
        let files = [("m.yaml", text.as_str())];
        let found = testing::run(&PolicySelectsNothing, &files, None);
        let messages: Vec<_> = found.iter().map(|d| d.message.as_ref()).collect();
        assert_eq!(
            messages,
            [
                "NetworkPolicy/front (namespace `shop`) selects no workload of the scan: its podSelector `app=frontend` matches none of the 1 workload(s) of the namespace",
                "NetworkPolicy/elsewhere (namespace `ops`) selects no workload of the scan: its podSelector `app=web` matches none of the 0 workload(s) of the namespace",
            ]
        );
        assert_eq!(&text[found[0].location.range().unwrap()], "{matchLabels: {app: frontend}}");
        assert!(testing::run_scan(&PolicySelectsNothing, &files, None, false).is_empty());
    }

    #[test]
    fn an_invalid_policy_is_reported_in_every_scan() {
        let text = policy("bad", None, "{podSelector: {matchExpressions: [{key: app, operator: In}]}}");
        let found = testing::run_scan(&PolicySelectsNothing, &[("m.yaml", &text)], None, false);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("NetworkPolicy/bad (namespace not set) selects no pods: the API server rejects it (operator In needs at least one value"));
    }
}
