use dockward_k8s::pss::{run_check, Version};

use super::pss_support::{report_violation, workloads};
use super::{KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports probes and lifecycle hooks that name a `host`: `httpGet.host` or
    /// `tcpSocket.host` under `livenessProbe`, `readinessProbe`, `startupProbe` or
    /// `lifecycle.postStart`/`preStop` (the Pod Security Standards' baseline check
    /// `hostProbesAndHostLifecycle`, from Kubernetes 1.34).
    ///
    /// ## Why is this bad?
    /// The kubelet performs these requests itself, from the node's network. A host
    /// other than the pod's own IP turns the pod spec into a way to make the node
    /// connect anywhere: cloud metadata endpoints, the node's localhost services, other
    /// tenants. From 1.34 a baseline namespace rejects such pods; older clusters run
    /// them.
    ///
    /// ## Example
    /// ```yaml
    ///       containers:
    ///       - name: app
    ///         image: web:1.4
    ///         livenessProbe:
    ///           httpGet: {host: 169.254.169.254, path: /latest/meta-data, port: 80}
    /// ```
    ///
    /// ## How to fix
    /// Remove `host`: the probe then targets the pod's IP. To probe through a
    /// hostname, set a `Host` header in `httpGet.httpHeaders` instead.
    ///
    /// ## References
    /// - Kubernetes, "Pod Security Standards", Baseline: Probes / Lifecycle Hooks
    /// - kubernetes/kubernetes#99425 (probes as an SSRF vector)
    pub struct ProbeOrLifecycleHost;
    code = "KS020", name = "probe-or-lifecycle-host", severity = Warning,
    category = Security, target = Kubernetes, fix = None,
    summary = "A probe or lifecycle hook makes the kubelet connect to another host",
}

impl KubernetesRule for ProbeOrLifecycleHost {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        for (_, object, pod) in workloads(cx.objects) {
            if let Some(violation) = run_check("hostProbesAndHostLifecycle", &pod, Version::LATEST) {
                report_violation(cx, &Self::META, object, &violation);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use super::*;

    #[test]
    fn probe_and_hook_hosts_are_reported() {
        let text = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  template:\n    spec:\n      containers:\n      - name: db\n        image: pg:16\n        startupProbe:\n          tcpSocket: {host: 10.0.0.1, port: 5432}\n        lifecycle:\n          preStop:\n            httpGet: {host: metadata.internal, port: 80}\n";
        let found = run(&ProbeOrLifecycleHost, &[("s.yaml", text)], None);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "StatefulSet/db: probe or lifecycle handlers set host 10.0.0.1, metadata.internal (container \"db\")"
        );
        assert_eq!(&text[found[0].location.range().unwrap()], "host");
        assert_eq!(found[0].related.len(), 1);
    }

    #[test]
    fn probes_without_host_or_with_an_empty_one_pass() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: x\n    livenessProbe: {httpGet: {port: 80, host: ''}}\n    readinessProbe: {tcpSocket: {port: 80}}\n    lifecycle: {postStart: {exec: {command: [true]}}}\n";
        assert!(run(&ProbeOrLifecycleHost, &[("p.yaml", text)], None).is_empty());
    }
}
