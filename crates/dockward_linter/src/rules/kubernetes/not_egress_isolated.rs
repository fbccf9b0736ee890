use dockward_diagnostics::RuleMeta;
use dockward_k8s::netpol::Direction;

use super::{isolation, KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports each workload whose pods no NetworkPolicy of type `Egress` selects.
    /// `Egress` is in a policy's types when `policyTypes` names it, or, when
    /// `policyTypes` is not written, when the policy has `egress` rules; so a policy
    /// with only ingress rules and no `policyTypes` leaves egress open, and
    /// `policyTypes: [Egress]` without rules denies all egress. Namespaces, selectors,
    /// invalid policies and other policy engines are handled as in KS001.
    ///
    /// ## Why is this bad?
    /// Pods with open egress can reach every other pod, the cloud metadata endpoint and
    /// the internet: exfiltration and lateral movement need no further step. Egress is
    /// often left open on purpose, hence information level. Policies only take effect
    /// when the cluster's network plugin enforces them.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   podSelector: {matchLabels: {app: web}}
    ///   ingress: [{from: [{podSelector: {matchLabels: {app: lb}}}]}]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   podSelector: {matchLabels: {app: web}}
    ///   policyTypes: [Ingress, Egress]
    ///   ingress: [{from: [{podSelector: {matchLabels: {app: lb}}}]}]
    ///   egress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]
    /// ```
    ///
    /// ## How to fix
    /// Add `Egress` to the `policyTypes` of a policy that selects the pods (or a
    /// namespace-wide `podSelector: {}` default deny) and allow the destinations the
    /// workload needs, DNS included.
    ///
    /// ## References
    /// - Kubernetes docs, "Network Policies"
    pub struct NotEgressIsolated;
    code = "KS002", name = "not-egress-isolated", severity = Info,
    category = Security, target = Kubernetes, fix = None,
    summary = "No NetworkPolicy isolates the workload's pods for egress",
    aliases = ["missingNetworkPolicy", "pod-networkpolicy", "C-0030"],
    practices = ["a-network-policies"],
}

impl KubernetesRule for NotEgressIsolated {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        isolation::check(cx, &Self::META, Direction::Egress);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{self, deployment, policy};
    use super::*;

    fn run(text: &str) -> Vec<dockward_diagnostics::Diagnostic> {
        testing::run(&NotEgressIsolated, &[("m.yaml", text)], None)
    }

    #[test]
    fn ingress_rules_without_policy_types_leave_egress_open() {
        let text = deployment("web", Some("shop"), "{app: web}")
            + &policy("in", Some("shop"), "{podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}");
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("Deployment/web (namespace `shop`) is not egress-isolated"));
        assert_eq!(
            found[0].related[0].message,
            "NetworkPolicy/in selects these pods, but its defaulted policyTypes lack Egress"
        );
    }

    #[test]
    fn egress_rules_or_an_egress_type_isolate() {
        let with_rules =
            policy("p", Some("shop"), "{podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]}");
        assert!(run(&(deployment("web", Some("shop"), "{app: web}") + &with_rules)).is_empty());
        // Polaris #1088: an egress-only default deny.
        let deny = policy("p", Some("shop"), "{podSelector: {}, policyTypes: [Egress]}");
        assert!(run(&(deployment("web", Some("shop"), "{app: web}") + &deny)).is_empty());
    }

    #[test]
    fn other_namespaces_do_not_count() {
        let deny = policy("p", Some("ops"), "{podSelector: {}, policyTypes: [Egress]}");
        assert_eq!(run(&(deployment("web", Some("shop"), "{app: web}") + &deny)).len(), 1);
    }
}
