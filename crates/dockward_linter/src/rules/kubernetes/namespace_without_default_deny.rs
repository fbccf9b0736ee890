use std::collections::BTreeSet;

use dockward_diagnostics::{Location, RuleMeta};
use dockward_k8s::netpol::{namespace_label, Coverage, Direction};
use dockward_source::TextRange;

use super::{KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports each namespace of the scan (one that holds a workload or a
    /// NetworkPolicy, or a Namespace object) without a default deny: a NetworkPolicy
    /// with `podSelector: {}` that isolates every pod of the namespace, for ingress and
    /// for egress (one policy with both `policyTypes`, or one per direction). A
    /// namespace-wide policy that also allows some traffic still counts; one whose
    /// rules allow every source or destination on every port (`ingress: [{}]`) does
    /// not. Namespaces where a Cilium, Calico or AdminNetworkPolicy object may apply
    /// are not judged (KS001 notes them). The finding points at the Namespace object
    /// when the scan has it, else at the namespace's first workload or policy.
    ///
    /// ## Why is this bad?
    /// Without a default deny, every new workload starts open until someone writes a
    /// policy for it, and a label change can silently take a pod out of its policy.
    /// Policies only take effect when the cluster's network plugin enforces them.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata: {name: shop}
    /// ```
    ///
    /// Use instead:
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
    /// Add the default-deny policy above to the namespace, then one policy per
    /// workload allowing the traffic it needs.
    ///
    /// ## References
    /// - Kubernetes docs, "Network Policies", "Default policies"
    pub struct NamespaceWithoutDefaultDeny;
    code = "KS003", name = "namespace-without-default-deny", severity = Info,
    category = Security, target = Kubernetes, fix = None,
    summary = "The namespace has no default-deny NetworkPolicy",
    aliases = ["C-0049"],
    practices = ["a-network-policies"],
}

impl KubernetesRule for NamespaceWithoutDefaultDeny {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        let coverage = Coverage::of(cx.objects, cx.namespaces);
        let namespace_objects: Vec<usize> = (0..cx.objects.len())
            .filter(|&i| cx.objects[i].kind == "Namespace" && cx.objects[i].api_version == "v1")
            .filter(|&i| cx.objects[i].name.is_some())
            .collect();
        let mut namespaces: BTreeSet<Option<&str>> = coverage.namespaces();
        namespaces.extend(namespace_objects.iter().map(|&i| cx.objects[i].name.as_deref()));
        for namespace in namespaces {
            if !coverage.other_engines_in(namespace).is_empty() {
                continue;
            }
            let missing: Vec<Direction> =
                Direction::BOTH.into_iter().filter(|&d| coverage.default_deny(namespace, d).is_none()).collect();
            if missing.is_empty() {
                continue;
            }
            // Where to point: the Namespace object, else the first workload or policy.
            let at: Option<(usize, TextRange)> = namespace_objects
                .iter()
                .find(|&&i| namespace.is_some() && cx.objects[i].name.as_deref() == namespace)
                .map(|&i| (i, cx.objects[i].at(&["metadata", "name"]).map_or(cx.objects[i].root.range, |n| n.range)))
                .or_else(|| {
                    let first_workload = coverage.workloads_in(namespace).next().map(|w| w.index);
                    let first_policy = coverage
                        .policies_in(namespace)
                        .map(|p| p.index)
                        .chain(coverage.invalid_in(namespace).map(|p| p.index))
                        .min();
                    let index = first_workload.into_iter().chain(first_policy).min()?;
                    let object = &cx.objects[index];
                    Some((index, object.root.get("kind").map_or(object.root.range, |k| k.range)))
                });
            let Some((index, range)) = at else { continue };
            let names: Vec<&str> = missing.iter().map(|d| d.as_str()).collect();
            let consequence = match missing.as_slice() {
                [Direction::Ingress] => "a pod no policy selects accepts every connection",
                [Direction::Egress] => "a pod no policy selects may connect anywhere",
                _ => "a pod no policy selects accepts every connection and may connect anywhere",
            };
            let message = format!(
                "{} has no default-deny NetworkPolicy (`podSelector: {{}}`) for {}: {consequence}",
                namespace_label(namespace),
                names.join(" and "),
            );
            let object = &cx.objects[index];
            let present: Vec<(Location, String)> = Direction::BOTH
                .into_iter()
                .filter_map(|d| coverage.default_deny(namespace, d).map(|p| (d, p)))
                .map(|(d, p)| {
                    (
                        Location::source(&p.object.file, p.selector_site()),
                        format!("{} is the default deny for {}", p.object.display_name(), d.as_str()),
                    )
                })
                .collect();
            let d = cx.report(&Self::META, object, range, message);
            d.help(format!(
                "add a NetworkPolicy with `podSelector: {{}}` and `policyTypes: [{}]` to the namespace, then allow each workload's traffic; it takes effect only where the network plugin enforces NetworkPolicy",
                names.join(", ")
            ));
            for (location, text) in present {
                d.related(location, text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{self, deployment, policy};
    use super::*;

    fn run(text: &str) -> Vec<dockward_diagnostics::Diagnostic> {
        testing::run(&NamespaceWithoutDefaultDeny, &[("m.yaml", text)], None)
    }

    #[test]
    fn a_namespace_object_without_policies_is_reported_at_its_name() {
        let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n".to_owned()
            + &deployment("web", Some("shop"), "{app: web}");
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].location.range().unwrap()], "shop");
        assert_eq!(
            found[0].message,
            "namespace `shop` has no default-deny NetworkPolicy (`podSelector: {}`) for Ingress and Egress: a pod no policy selects accepts every connection and may connect anywhere"
        );
    }

    #[test]
    fn one_policy_with_both_types_or_one_per_direction_is_a_default_deny() {
        let web = deployment("web", Some("shop"), "{app: web}");
        assert!(run(&(web.clone() + &policy("d", Some("shop"), "{podSelector: {}, policyTypes: [Ingress, Egress]}")))
            .is_empty());
        let split = policy("in", Some("shop"), "{podSelector: {}}")
            + &policy("out", Some("shop"), "{podSelector: {}, policyTypes: [Egress]}");
        assert!(run(&(web.clone() + &split)).is_empty());
        // Allowing some traffic keeps it a default deny (the egress rules default the types).
        let with_rules = policy(
            "d",
            Some("shop"),
            "{podSelector: {}, ingress: [{from: [{podSelector: {}}]}], egress: [{ports: [{port: 53, protocol: UDP}]}]}",
        );
        assert!(run(&(web.clone() + &with_rules)).is_empty());
    }

    #[test]
    fn the_missing_direction_is_named_and_the_present_one_related() {
        let text = deployment("web", Some("shop"), "{app: web}") + &policy("in", Some("shop"), "{podSelector: {}}");
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("for Egress: a pod no policy selects may connect anywhere"));
        assert_eq!(found[0].related[0].message, "NetworkPolicy/in is the default deny for Ingress");
        assert_eq!(&text[found[0].location.range().unwrap()], "Deployment");
    }

    #[test]
    fn policies_that_select_some_pods_or_allow_everything_are_not_default_denies() {
        let text = deployment("web", None, "{app: web}")
            + &policy("some", None, "{podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress, Egress]}")
            + &policy("open", None, "{podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{}], egress: [{}]}");
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("namespace not set has no default-deny NetworkPolicy"));
    }

    #[test]
    fn namespaces_of_other_engines_are_not_judged() {
        let text = deployment("web", Some("shop"), "{app: web}")
            + "apiVersion: crd.projectcalico.org/v1\nkind: GlobalNetworkPolicy\nmetadata: {name: g}\nspec: {}\n";
        assert!(run(&text).is_empty());
    }
}
