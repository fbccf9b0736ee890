use dockward_diagnostics::RuleMeta;
use dockward_k8s::netpol::{namespace_label, Coverage};

use super::{KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports an ingress rule of a NetworkPolicy that lets every source in on every
    /// port: a rule with no `from` (`ingress: [{}]`, `from: []`), or a peer
    /// `ipBlock` of `0.0.0.0/0` (every IPv4 address) or `::/0` (every IPv6 address)
    /// without `except`, in a rule with no `ports`. Rules limited to some ports (a
    /// public web server's `ports: [{port: 443}]`) are not reported, and neither are
    /// the ingress rules of a policy whose `policyTypes` lack `Ingress` (the network
    /// plugin ignores them).
    ///
    /// ## Why is this bad?
    /// Allowed traffic is the union of every policy that selects a pod, so one
    /// allow-all rule undoes every other policy's ingress restrictions for the pods it
    /// selects, often without the author of the other policies noticing.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   podSelector: {matchLabels: {app: web}}
    ///   ingress: [{}]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   podSelector: {matchLabels: {app: web}}
    ///   ingress:
    ///   - from: [{podSelector: {matchLabels: {app: lb}}}]
    ///     ports: [{port: 8080}]
    /// ```
    ///
    /// ## How to fix
    /// Name the sources (`podSelector`, `namespaceSelector`, narrower `ipBlock`s) and
    /// the ports the pods serve.
    ///
    /// ## References
    /// - Kubernetes docs, "Network Policies", "Allow all ingress traffic"
    pub struct PolicyAllowsAllIngress;
    code = "KS004", name = "policy-allows-all-ingress", severity = Info,
    category = Security, target = Kubernetes, fix = None,
    summary = "A NetworkPolicy allows ingress from every source on every port",
    practices = ["a-network-policies"],
}

impl KubernetesRule for PolicyAllowsAllIngress {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        let coverage = Coverage::of(cx.objects, cx.namespaces);
        for policy in &coverage.policies {
            for all in policy.allow_all_ingress.iter().filter(|a| !a.ports_limited) {
                let message = format!(
                    "{} ({}) allows ingress from {} on every port to the pods it selects (`{}`)",
                    policy.object.display_name(),
                    namespace_label(policy.namespace),
                    all.what,
                    policy.pod_selector.describe(),
                );
                let d = cx.report(&Self::META, policy.object, all.range, message);
                d.help("name the sources and ports instead; allowed traffic is the union of every policy that selects a pod, so this rule overrides the others' ingress restrictions");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{self, policy};
    use super::*;

    fn run(text: &str) -> Vec<dockward_diagnostics::Diagnostic> {
        testing::run(&PolicyAllowsAllIngress, &[("m.yaml", text)], None)
    }

    #[test]
    fn an_empty_rule_and_the_whole_address_space_are_reported_where_written() {
        let text = policy("open", Some("shop"), "{podSelector: {matchLabels: {app: web}}, ingress: [{}]}")
            + &policy("v6", Some("shop"), "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: '::/0'}}]}]}");
        let found = run(&text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].location.range().unwrap()], "{}");
        assert_eq!(
            found[0].message,
            "NetworkPolicy/open (namespace `shop`) allows ingress from every source and destination on every port to the pods it selects (`app=web`)"
        );
        assert_eq!(&text[found[1].location.range().unwrap()], "'::/0'");
        assert!(found[1].message.contains("every IPv6 address"));
    }

    #[test]
    fn narrower_rules_and_ignored_directions_are_not_reported() {
        let text = policy("ports", None, "{podSelector: {}, ingress: [{ports: [{port: 443}]}]}")
            + &policy(
                "except",
                None,
                "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}}]}]}",
            )
            + &policy("pods", None, "{podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}")
            + &policy("egress-only", None, "{podSelector: {}, policyTypes: [Egress], ingress: [{}]}")
            + &policy("deny", None, "{podSelector: {}}");
        assert!(run(&text).is_empty());
    }
}
