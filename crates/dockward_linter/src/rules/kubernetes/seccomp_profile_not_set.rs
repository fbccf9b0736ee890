use dockward_k8s::pss::Field;

use super::pss_support::{report_fields, workloads};
use super::{KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports containers of a Pod or workload that get no seccomp profile at all:
    /// neither the container's `securityContext.seccompProfile` nor the pod's is set.
    /// Windows pods (`spec.os.name: windows`) have no seccomp and are left out. An
    /// explicit `Unconfined` profile is CT006's finding, not this one.
    ///
    /// ## Why is this bad?
    /// Unlike Docker, Kubernetes runs a container without a profile **Unconfined**
    /// unless every kubelet of the cluster sets `seccompDefault: true`: every system
    /// call is open to the container. The Restricted Pod Security Standard requires
    /// `RuntimeDefault` or `Localhost` on the pod or on every container
    /// (`seccompProfile_restricted`, from Kubernetes 1.19), so a restricted namespace
    /// rejects these pods.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web}
    /// spec:
    ///   template:
    ///     spec:
    ///       containers:
    ///       - name: app
    ///         image: web:1.4
    /// ```
    ///
    /// ## How to fix
    /// Set the profile once for the pod:
    /// ```yaml
    ///     spec:
    ///       securityContext:
    ///         seccompProfile: {type: RuntimeDefault}
    /// ```
    ///
    /// ## References
    /// - Kubernetes, "Pod Security Standards", Restricted: Seccomp
    /// - Kubernetes, "Restrict a Container's Syscalls with seccomp"
    pub struct SeccompProfileNotSet;
    code = "KS011", name = "seccomp-profile-not-set", severity = Warning,
    category = Security, target = Kubernetes, fix = None,
    summary = "No seccomp profile on the pod or container: Kubernetes runs it Unconfined",
    aliases = ["KSV-0030", "CKV_K8S_31"],
}

impl KubernetesRule for SeccompProfileNotSet {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        for (_, object, pod) in workloads(cx.objects) {
            if pod.is_windows() || pod.pod_security(&["seccompProfile"]).is_some() {
                continue;
            }
            let unset: Vec<_> = pod.containers.iter().filter(|c| c.security(&["seccompProfile"]).is_none()).collect();
            if unset.is_empty() {
                continue;
            }
            let names: Vec<String> = unset.iter().map(|c| c.describe()).collect();
            let fields: Vec<Field> = unset.iter().map(|c| c.whole()).collect();
            let message = format!(
                "{}: no seccomp profile for {} (neither the pod nor the container sets securityContext.seccompProfile): \
                 it runs Unconfined unless the kubelet defaults to RuntimeDefault",
                object.display_name(),
                names.join(", ")
            );
            report_fields(cx, &Self::META, object, &fields, object.root.range, message);
            if let Some(diagnostic) = cx.diagnostics.last_mut() {
                diagnostic.help("set `securityContext.seccompProfile: {type: RuntimeDefault}` on the pod");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use super::*;

    fn spans(text: &str, found: &[dockward_diagnostics::Diagnostic]) -> Vec<String> {
        found.iter().map(|d| text[d.location.range().unwrap()].to_owned()).collect()
    }

    #[test]
    fn containers_without_any_profile_are_reported_at_their_name() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: web:1\n      - name: side\n        image: side:1\n        securityContext: {seccompProfile: {type: RuntimeDefault}}\n      initContainers:\n      - {name: init, image: busybox:1}\n";
        let found = run(&SeccompProfileNotSet, &[("d.yaml", text)], None);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "Deployment/web: no seccomp profile for container \"app\", initContainer \"init\" (neither the pod nor the container sets securityContext.seccompProfile): it runs Unconfined unless the kubelet defaults to RuntimeDefault"
        );
        assert_eq!(spans(text, &found), ["name"]);
        assert_eq!(found[0].related.len(), 1);
    }

    #[test]
    fn a_pod_level_profile_windows_pods_and_other_kinds_pass() {
        let pod_level = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}\n  containers: [{name: a, image: x}]\n";
        let windows = "apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n  os: {name: windows}\n  containers: [{name: a, image: x}]\n";
        let service = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n";
        // Unconfined is set, not unset: CT006 reports it.
        let unconfined = "apiVersion: v1\nkind: Pod\nmetadata: {name: u}\nspec:\n  containers: [{name: a, image: x, securityContext: {seccompProfile: {type: Unconfined}}}]\n";
        for text in [pod_level, windows, service, unconfined] {
            assert!(run(&SeccompProfileNotSet, &[("m.yaml", text)], None).is_empty(), "{text}");
        }
    }
}
