use dockward_yaml::Node;

use super::{KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports long-running workloads (everything but Jobs, CronJobs and bare Pods)
    /// whose containers have no `livenessProbe` or no `readinessProbe`. Init and
    /// ephemeral containers are not judged. Off by default.
    ///
    /// ## Why is this bad?
    /// Without a readiness probe a Service sends traffic to pods that cannot answer
    /// yet (a rollout can break the application); without a liveness probe a hung
    /// process is never restarted.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: nginx:1.27
    /// ```
    ///
    /// ## How to fix
    /// Add `readinessProbe` and `livenessProbe` (HTTP, TCP, gRPC or exec) with
    /// thresholds that match the application's start-up time (or a `startupProbe`).
    ///
    /// ## References
    /// - Kubernetes documentation, "Configure Liveness, Readiness and Startup Probes"
    pub struct MissingProbes;
    code = "KS016", name = "missing-probes", severity = Info,
    category = BestPractice, target = Kubernetes, fix = None,
    summary = "A container of a long-running workload has no liveness or readiness probe",
    default_enabled = false,
    aliases = [
        "no-liveness-probe", "no-readiness-probe", "livenessProbeMissing", "readinessProbeMissing",
        "pod-probes", "CKV_K8S_8", "CKV_K8S_9", "C-0018", "C-0056",
    ],
}

impl KubernetesRule for MissingProbes {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        for object in cx.objects {
            if matches!(object.kind.as_str(), "Job" | "CronJob" | "Pod" | "PodTemplate") {
                continue;
            }
            let Some(spec) = object.pod_spec() else { continue };
            for container in spec.get("containers").and_then(Node::as_seq).unwrap_or_default() {
                let missing: Vec<&str> =
                    ["livenessProbe", "readinessProbe"].into_iter().filter(|p| container.get(p).is_none()).collect();
                if missing.is_empty() {
                    continue;
                }
                let name_node = container.get("name");
                let name = name_node.and_then(Node::as_str).unwrap_or("?");
                let range = name_node.map_or(container.range, |n| n.range);
                let message =
                    format!("{} container `{name}` has no {}", object.display_name(), missing.join(" and no "));
                cx.report(&Self::META, object, range, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use super::*;

    #[test]
    fn long_running_workloads_need_both_probes() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      initContainers: [{name: init, image: x}]\n      containers:\n      - {name: web, image: x, readinessProbe: {httpGet: {path: /, port: 80}}}\n      - {name: ok, image: x, readinessProbe: {tcpSocket: {port: 1}}, livenessProbe: {tcpSocket: {port: 1}}}\n";
        let found = run(&MissingProbes, &[("d.yaml", text)], None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "Deployment/d container `web` has no livenessProbe");
        assert_eq!(&text[found[0].location.range().unwrap()], "web");
    }

    #[test]
    fn batch_workloads_pass() {
        let text = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec: {template: {spec: {containers: [{name: a, image: b}]}}}\n";
        assert!(run(&MissingProbes, &[("j.yaml", text)], None).is_empty());
    }
}
