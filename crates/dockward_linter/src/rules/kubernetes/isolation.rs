//! What KS001 (ingress) and KS002 (egress) share: one finding per workload whose pods
//! no NetworkPolicy of the direction selects, or one note per namespace where another
//! policy engine may select them.

use dockward_diagnostics::{Location, RuleMeta};
use dockward_k8s::netpol::{namespace_label, Coverage, Direction, Workload};

use super::KubernetesContext;

/// The pod labels as a message shows them (`app=web,tier=front`, or "no labels").
pub(super) fn labels_text(workload: &Workload<'_>) -> String {
    if workload.labels.is_empty() {
        return "no labels".to_owned();
    }
    let pairs: Vec<String> = workload.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("labels `{}`", pairs.join(","))
}

/// Reports the workloads not isolated in `direction`.
pub(super) fn check(cx: &mut KubernetesContext<'_>, meta: &'static RuleMeta, direction: Direction) {
    let coverage = Coverage::of(cx.objects, cx.namespaces);
    let (verb, open) = match direction {
        Direction::Ingress => ("ingress", "every pod and address that can reach them may connect to them"),
        Direction::Egress => ("egress", "they may connect to every pod and address they can reach"),
    };
    for namespace in coverage.namespaces() {
        let open_workloads: Vec<&Workload<'_>> =
            coverage.workloads_in(namespace).filter(|w| w.isolated_by(direction).is_empty()).collect();
        if open_workloads.is_empty() {
            continue;
        }
        let engines = coverage.other_engines_in(namespace);
        if let Some(engine) = engines.first() {
            // Another engine's policies may isolate these pods; dockward does not
            // evaluate them, so it says so once and judges nothing.
            let mut names: Vec<String> =
                open_workloads.iter().take(MAX_NAMED).map(|w| w.object.display_name()).collect();
            if open_workloads.len() > MAX_NAMED {
                names.push(format!("{} more workloads", open_workloads.len() - MAX_NAMED));
            }
            let message = format!(
                "{}: {verb} isolation of {} not judged: {} (another policy engine) may select their pods, and dockward evaluates Kubernetes NetworkPolicies only",
                namespace_label(namespace),
                names.join(", "),
                engine.object.display_name(),
            );
            let at = engine.object.root.get("kind").map_or(engine.object.root.range, |k| k.range);
            let d = cx.report(meta, engine.object, at, message);
            // A note, never a failure: one level below the rule's severity, whatever
            // it is configured to.
            d.lower_severity();
            for other in engines.iter().skip(1).take(MAX_RELATED) {
                let at = other.object.root.get("kind").map_or(other.object.root.range, |k| k.range);
                d.related(Location::source(&other.object.file, at), "another policy engine's policy");
            }
            continue;
        }
        for workload in open_workloads {
            report(cx, meta, &coverage, workload, direction, verb, open);
        }
    }
    // Pods in the host's network namespace: policies that select them are not
    // applied by most network plugins (the API leaves it undefined), so a selecting
    // policy is no isolation to count on.
    for workload in &coverage.workloads {
        let Some(&first) = workload.isolated_by(direction).first() else { continue };
        if !coverage.other_engines_in(workload.namespace).is_empty() {
            continue;
        }
        let Some(host_network) = workload.object.pod_spec().and_then(|s| s.get("hostNetwork")) else { continue };
        // The more permissive reading of YAML 1.1 spellings (`yes`, `on`).
        if !(host_network.as_bool() == Some(true) || host_network.yaml11_bool() == Some(true)) {
            continue;
        }
        let policy = &coverage.policies[first];
        let message = format!(
            "{} ({}) runs in the host's network namespace (`hostNetwork: true`): {} selects it, but most network plugins do not apply NetworkPolicies to host-network pods, so it is not reliably {verb}-isolated",
            workload.object.display_name(),
            namespace_label(workload.namespace),
            policy.object.display_name(),
        );
        let d = cx.report(meta, workload.object, host_network.range, message);
        d.help("drop `hostNetwork` where the pod does not need the host's interfaces; otherwise restrict its traffic on the host (firewall rules)");
        d.related(Location::source(&policy.object.file, policy.selector_site()), "the policy that selects it");
    }
}

fn report(
    cx: &mut KubernetesContext<'_>,
    meta: &'static RuleMeta,
    coverage: &Coverage<'_>,
    workload: &Workload<'_>,
    direction: Direction,
    verb: &str,
    open: &str,
) {
    let namespace = workload.namespace;
    let message = format!(
        "{} ({}) is not {verb}-isolated: no NetworkPolicy with policy type {} selects its pods ({}), so {open}",
        workload.object.display_name(),
        namespace_label(namespace),
        direction.as_str(),
        labels_text(workload),
    );
    let d = cx.report(meta, workload.object, workload.site(), message);
    let ns_text = namespace.map_or("the same namespace".to_owned(), |n| format!("namespace `{n}`"));
    d.help(format!(
        "add a NetworkPolicy in {ns_text} with `policyTypes: [{}]` whose podSelector matches these pods (a default deny, `podSelector: {{}}`, covers every pod of the namespace), then allow the traffic they need; policies take effect only where the cluster's network plugin enforces NetworkPolicy (Calico, Cilium, Antrea do; flannel and kindnet do not)",
        direction.as_str()
    ));
    // Why the policies that exist in the namespace do not count: those that select
    // the pods for the other direction only first, then rejected ones, then those
    // that select other pods; a few of them, as a namespace may hold thousands, so
    // the messages are built for those few only.
    let other_type = workload.selected_by.iter().map(|&p| &coverage.policies[p]).filter(|p| !p.has_type(direction));
    for policy in other_type.take(MAX_RELATED) {
        let types = if policy.types_written { "its policyTypes" } else { "its defaulted policyTypes" };
        let text =
            format!("{} selects these pods, but {types} lack {}", policy.object.display_name(), direction.as_str());
        d.related(Location::source(&policy.object.file, policy.selector_site()), text);
    }
    for invalid in coverage.invalid_in(namespace).take(MAX_RELATED.saturating_sub(d.related.len())) {
        let text = format!(
            "{} is rejected by the API server ({}), so it isolates nothing",
            invalid.object.display_name(),
            invalid.error.message
        );
        d.related(Location::source(&invalid.object.file, invalid.error.range), text);
    }
    // `selected_by` is in policy order, so a merge walk skips the selecting ones.
    let mut selecting = workload.selected_by.iter().peekable();
    let others = coverage.by_namespace_policies(namespace).iter().filter(move |&&p| {
        while selecting.next_if(|&&s| s < p).is_some() {}
        selecting.peek() != Some(&&p)
    });
    for &p in others.take(MAX_RELATED.saturating_sub(d.related.len())) {
        let policy = &coverage.policies[p];
        let text =
            format!("{} selects `{}`, not these pods", policy.object.display_name(), policy.pod_selector.describe());
        d.related(Location::source(&policy.object.file, policy.selector_site()), text);
    }
    let total = workload.selected_by.iter().filter(|&&p| !coverage.policies[p].has_type(direction)).count()
        + coverage.invalid_in(namespace).count()
        + (coverage.by_namespace_policies(namespace).len() - workload.selected_by.len());
    let more = total.saturating_sub(d.related.len());
    if more > 0 {
        let help = d.help.take().unwrap_or_default();
        d.help(format!(
            "{help} ({more} more policies of the namespace do not select these pods for {})",
            direction.as_str()
        ));
    }
}

/// At most this many policies are named per finding.
const MAX_RELATED: usize = 5;

/// At most this many workloads are named in a "not judged" note.
const MAX_NAMED: usize = 10;

#[cfg(test)]
mod tests {
    use super::super::testing;
    use crate::registry::KUBERNETES_RULES;

    /// Objects of the right kinds with the wrong shapes: every NetworkPolicy and RBAC
    /// rule reads them without panicking, and the malformed policies are reported
    /// as rejected rather than read as "select all".
    #[test]
    fn malformed_policies_and_rbac_objects_never_panic() {
        let text = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: a}\nspec: 5\n---\n\
apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: b}\nspec: {podSelector: [x], ingress: {}}\n---\n\
apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: c}\nspec: {ingress: [5, {from: 7}], policyTypes: Ingress}\n---\n\
apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: d}\nspec: {egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [bad]}}]}]}\n---\n\
apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules: [5, {verbs: '*', resources: {a: b}}, {apiGroups: [[x]], verbs: [[y]]}]\n---\n\
apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\nroleRef: 5\nsubjects: [5, {kind: [x]}, {kind: User}]\n---\n\
apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: c}\nsubjects: {kind: Group}\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, ownerReferences: 5}\nspec: {template: {metadata: {labels: [x]}, spec: 5}}\n";
        for rule in KUBERNETES_RULES {
            let _ = testing::run(*rule, &[("m.yaml", text)], None);
        }
        let found = testing::run_scan(
            &super::super::policy_selects_nothing::PolicySelectsNothing,
            &[("m.yaml", text)],
            None,
            false,
        );
        let rejected: Vec<_> = found.iter().map(|d| d.message.split(' ').next().unwrap()).collect();
        assert_eq!(rejected, ["NetworkPolicy/a", "NetworkPolicy/b", "NetworkPolicy/c", "NetworkPolicy/d"]);
    }
}
