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
        let open_workloads: Vec<&Workload<'_>> = coverage
            .workloads
            .iter()
            .filter(|w| w.namespace == namespace && w.isolated_by(direction).is_empty())
            .collect();
        if open_workloads.is_empty() {
            continue;
        }
        let engines = coverage.other_engines_in(namespace);
        if let Some(engine) = engines.first() {
            // Another engine's policies may isolate these pods; dockward does not
            // evaluate them, so it says so once and judges nothing.
            let names: Vec<String> = open_workloads.iter().map(|w| w.object.display_name()).collect();
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
            for other in engines.iter().skip(1) {
                let at = other.object.root.get("kind").map_or(other.object.root.range, |k| k.range);
                d.related(Location::source(&other.object.file, at), "another policy engine's policy");
            }
            continue;
        }
        for workload in open_workloads {
            report(cx, meta, &coverage, workload, direction, verb, open);
        }
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
    // Why the policies that exist in the namespace do not count.
    for policy in coverage.policies_in(namespace) {
        let at = Location::source(&policy.object.file, policy.selector_site());
        if !policy.pod_selector.matches(&workload.labels) {
            d.related(
                at,
                format!(
                    "{} selects `{}`, not these pods",
                    policy.object.display_name(),
                    policy.pod_selector.describe()
                ),
            );
        } else if !policy.has_type(direction) {
            let types = if policy.types_written { "its policyTypes" } else { "its defaulted policyTypes" };
            d.related(
                at,
                format!("{} selects these pods, but {types} lack {}", policy.object.display_name(), direction.as_str()),
            );
        }
    }
    for invalid in coverage.invalid_in(namespace) {
        d.related(
            Location::source(&invalid.object.file, invalid.error.range),
            format!(
                "{} is rejected by the API server ({}), so it isolates nothing",
                invalid.object.display_name(),
                invalid.error.message
            ),
        );
    }
}
