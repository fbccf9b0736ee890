use dockward_diagnostics::RuleMeta;
use dockward_k8s::netpol::Direction;

use super::{isolation, KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports each workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
    /// ReplicationController, Job, CronJob) whose pods no NetworkPolicy of type
    /// `Ingress` selects, with the semantics the API server gives NetworkPolicies: a
    /// policy selects pods of its own namespace only; `podSelector: {}` (or no
    /// `podSelector`) selects every pod of it; `matchLabels` and `matchExpressions`
    /// are ANDed; `policyTypes` defaults to `[Ingress]` (plus `Egress` when the policy
    /// has egress rules), so a policy with only egress rules still isolates ingress,
    /// and `policyTypes: [Egress]` does not. A policy the API server would reject (an
    /// invalid selector) isolates nothing, and the finding says so.
    ///
    /// Objects without a namespace (none in `metadata.namespace`, the kustomization
    /// or `--k8s-namespace`) are compared with each other as one group, and messages
    /// say "namespace not set". Where a Cilium, Calico or AdminNetworkPolicy object of
    /// the scan may select the pods, the workloads are not judged: one note per
    /// namespace says so, one level below this rule's severity. A workload with
    /// `hostNetwork: true` is reported even when a policy selects it: most network
    /// plugins do not apply policies to host-network pods.
    ///
    /// ## Why is this bad?
    /// A pod that no Ingress policy selects accepts connections from every pod of the
    /// cluster and every address that can route to it: one compromised workload can
    /// reach all the others. Policies only take effect when the cluster's network
    /// plugin enforces them (Calico, Cilium, Antrea and others do; flannel and kindnet
    /// alone do not).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: egress-only, namespace: shop}
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Egress]
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   template:
    ///     metadata: {labels: {app: web}}
    /// ```
    ///
    /// Use instead: a default deny for ingress, then allow what is needed:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: default-deny, namespace: shop}
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Ingress, Egress]
    /// ```
    ///
    /// ## How to fix
    /// Add a NetworkPolicy in the workload's namespace with `Ingress` in its
    /// `policyTypes` whose `podSelector` matches the pod template's labels (a
    /// `podSelector: {}` default deny covers every pod), then allow the traffic the
    /// workload needs with `ingress` rules.
    ///
    /// ## References
    /// - Kubernetes docs, "Network Policies"
    /// - NSA/CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub struct NotIngressIsolated;
    code = "KS001", name = "not-ingress-isolated", severity = Warning,
    category = Security, target = Kubernetes, fix = None,
    summary = "No NetworkPolicy isolates the workload's pods for ingress",
    aliases = ["non-isolated-pod", "missingNetworkPolicy", "pod-networkpolicy", "CKV2_K8S_6", "C-0260", "C-0030"],
    practices = ["a-network-policies"],
}

impl KubernetesRule for NotIngressIsolated {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        isolation::check(cx, &Self::META, Direction::Ingress);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{self, deployment, policy};
    use super::*;
    use dockward_diagnostics::Severity;

    fn run(text: &str) -> Vec<dockward_diagnostics::Diagnostic> {
        testing::run(&NotIngressIsolated, &[("m.yaml", text)], None)
    }

    #[test]
    fn a_workload_no_policy_selects_is_reported_at_its_template_labels() {
        let text = deployment("web", Some("shop"), "{app: web}");
        let found = run(&text);
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!(&text[d.location.range().unwrap()], "{app: web}");
        assert_eq!(
            d.message,
            "Deployment/web (namespace `shop`) is not ingress-isolated: no NetworkPolicy with policy type Ingress selects its pods (labels `app=web`), so every pod and address that can reach them may connect to them"
        );
        assert!(d.help.as_deref().unwrap().contains("network plugin"));
    }

    /// kube-score #293/#420: `podSelector: {}` selects every pod of the namespace.
    #[test]
    fn an_empty_pod_selector_isolates_every_workload() {
        let text = deployment("web", Some("shop"), "{app: web}")
            + &deployment("db", Some("shop"), "{}")
            + &policy("deny", Some("shop"), "{podSelector: {}}");
        assert!(run(&text).is_empty());
    }

    /// Polaris wants egress rules and both policyTypes; the API defaults policyTypes
    /// to Ingress (plus Egress when there are egress rules).
    #[test]
    fn policy_types_are_defaulted_as_the_api_server_does() {
        let egress_rules_only =
            policy("p", Some("shop"), "{podSelector: {matchLabels: {app: web}}, egress: [{to: [{podSelector: {}}]}]}");
        assert!(run(&(deployment("web", Some("shop"), "{app: web}") + &egress_rules_only)).is_empty());
        let no_rules = policy("p", Some("shop"), "{podSelector: {matchLabels: {app: web}}}");
        assert!(run(&(deployment("web", Some("shop"), "{app: web}") + &no_rules)).is_empty());
    }

    /// Polaris #1088: an egress-only policy does not isolate ingress, and the finding
    /// says why the policy that selects the pods does not count.
    #[test]
    fn an_egress_only_policy_does_not_isolate_ingress() {
        let text = deployment("web", Some("shop"), "{app: web}")
            + &policy("out", Some("shop"), "{podSelector: {}, policyTypes: [Egress]}");
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].related.len(), 1);
        assert_eq!(
            found[0].related[0].message,
            "NetworkPolicy/out selects these pods, but its policyTypes lack Ingress"
        );
        assert_eq!(&text[found[0].related[0].location.range().unwrap()], "{}");
    }

    /// Polaris #1088: a default deny with no rules at all is the best isolation.
    #[test]
    fn a_default_deny_without_rules_isolates() {
        let text = deployment("web", Some("shop"), "{app: web}")
            + &policy("deny", Some("shop"), "{podSelector: {}, policyTypes: [Ingress, Egress]}");
        assert!(run(&text).is_empty());
    }

    /// Checkov #7474: a `podSelector: {}` in one namespace does not cover another.
    #[test]
    fn policies_of_other_namespaces_do_not_count() {
        let text = deployment("web", Some("shop"), "{app: web}") + &policy("deny", Some("ops"), "{podSelector: {}}");
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert!(found[0].related.is_empty());
    }

    /// kube-score compares namespaces as written, so an unset one never meets a set
    /// one; dockward groups unset namespaces, and says so.
    #[test]
    fn unset_namespaces_form_one_group_named_as_such() {
        let text = deployment("web", None, "{app: web}") + &policy("deny", Some("default"), "{podSelector: {}}");
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("Deployment/web (namespace not set) is not ingress-isolated"));
        let text = deployment("web", None, "{app: web}") + &policy("deny", None, "{podSelector: {}}");
        assert!(run(&text).is_empty());
        // With a namespace from the kustomization or --k8s-namespace, both are in it.
        let text = deployment("web", None, "{app: web}") + &policy("deny", Some("shop"), "{podSelector: {}}");
        assert!(testing::run(&NotIngressIsolated, &[("m.yaml", &text)], Some("shop")).is_empty());
    }

    #[test]
    fn selectors_that_miss_are_named_in_related_locations() {
        let text = deployment("web", Some("shop"), "{app: web, tier: front}")
            + &policy(
                "api",
                Some("shop"),
                "{podSelector: {matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values: [back]}]}}",
            );
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].related[0].message, "NetworkPolicy/api selects `app=web,tier=back`, not these pods");
    }

    #[test]
    fn a_few_policies_are_named_and_the_rest_counted() {
        let mut text = deployment("web", Some("shop"), "{app: web}");
        for i in 0..8 {
            text +=
                &policy(&format!("p{i}"), Some("shop"), &format!("{{podSelector: {{matchLabels: {{app: a{i}}}}}}}"));
        }
        text += &policy("out", Some("shop"), "{podSelector: {}, policyTypes: [Egress]}");
        let found = run(&text);
        assert_eq!(found[0].related.len(), 5);
        assert!(found[0].related[0].message.starts_with("NetworkPolicy/out selects these pods"));
        assert!(found[0]
            .help
            .as_deref()
            .unwrap()
            .ends_with("(4 more policies of the namespace do not select these pods for Ingress)"));
    }

    #[test]
    fn an_invalid_selector_isolates_nothing_and_is_named() {
        let text = deployment("web", Some("shop"), "{app: web}")
            + &policy(
                "bad",
                Some("shop"),
                "{podSelector: {matchExpressions: [{key: app, operator: Equals, values: [web]}]}}",
            );
        let found = run(&text);
        assert_eq!(found.len(), 1);
        let related = &found[0].related[0];
        assert!(related.message.starts_with("NetworkPolicy/bad is rejected by the API server (unknown operator"));
        assert_eq!(&text[related.location.range().unwrap()], "Equals");
    }

    #[test]
    fn other_engines_make_coverage_not_judged_with_one_note_per_namespace() {
        let cilium = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: c, namespace: shop}\nspec: {}\n---\n";
        let text = deployment("web", Some("shop"), "{app: web}")
            + &deployment("api", Some("shop"), "{app: api}")
            + &deployment("other", Some("ops"), "{app: x}")
            + cilium;
        let found = run(&text);
        assert_eq!(found.len(), 2);
        let note = found.iter().find(|d| d.message.starts_with("namespace `shop`")).unwrap();
        assert_eq!(note.severity, Severity::Info);
        assert!(note.message.contains("Deployment/web, Deployment/api not judged: CiliumNetworkPolicy/c"));
        assert!(found.iter().any(|d| d.message.starts_with("Deployment/other (namespace `ops`)")));
        // A cluster-wide engine covers every namespace.
        let text = deployment("web", Some("shop"), "{app: web}")
            + "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec: {}\n";
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Info);
    }

    #[test]
    fn a_selected_host_network_pod_is_not_counted_as_isolated() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: agent, namespace: ops, labels: {app: agent}}\nspec: {hostNetwork: yes, containers: []}\n---\n";
        let text = pod.to_owned() + &policy("deny", Some("ops"), "{podSelector: {}}");
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].location.range().unwrap()], "yes");
        assert!(found[0].message.contains("NetworkPolicy/deny selects it, but most network plugins do not apply"));
        let text =
            pod.replace("hostNetwork: yes", "hostNetwork: false") + &policy("deny", Some("ops"), "{podSelector: {}}");
        assert!(run(&text).is_empty());
    }

    #[test]
    fn every_workload_kind_is_judged_once() {
        let text = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c, namespace: n}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        metadata: {labels: {app: c}}\n        spec: {containers: []}\n---\n\
                    apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n, labels: {app: p}}\nspec: {containers: []}\n---\n\
                    apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: n}\nspec: {}\n";
        let found = run(text);
        let names: Vec<_> = found.iter().map(|d| d.message.split(' ').next().unwrap()).collect();
        assert_eq!(names, ["CronJob/c", "Pod/p"]);
        assert_eq!(&text[found[1].location.range().unwrap()], "{app: p}");
    }
}
