use dockward_k8s::pss::{run_check, Version};

use super::pss_support::{report_violation, workloads};
use super::{KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports Windows HostProcess containers: `securityContext.windowsOptions.hostProcess:
    /// true` on the pod or on a container (the Pod Security Standards' baseline check
    /// `windowsHostProcess`).
    ///
    /// ## Why is this bad?
    /// A HostProcess container is not isolated at all: it runs as a process on the
    /// Windows node, with the node's network and filesystem and, usually, as
    /// `NT AUTHORITY\SYSTEM`. It is the Windows equivalent of a privileged container
    /// in the host namespaces, and the baseline level forbids it.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostNetwork: true
    ///   securityContext:
    ///     windowsOptions:
    ///       hostProcess: true
    ///       runAsUserName: "NT AUTHORITY\\SYSTEM"
    /// ```
    ///
    /// ## How to fix
    /// Run the workload as an ordinary Windows container. Node agents that truly need
    /// the host belong in a namespace labelled `pod-security.kubernetes.io/enforce:
    /// privileged`, reviewed as such.
    ///
    /// ## References
    /// - Kubernetes, "Pod Security Standards", Baseline: HostProcess
    /// - Kubernetes, "Create a Windows HostProcess Pod"
    pub struct WindowsHostProcess;
    code = "KS012", name = "windows-host-process", severity = Error,
    category = Security, target = Kubernetes, fix = None,
    summary = "Windows HostProcess container: runs on the node without isolation",
    aliases = ["KSV-0103", "KSV103"],
    practices = ["b-no-privileged"],
}

impl KubernetesRule for WindowsHostProcess {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        for (_, object, pod) in workloads(cx.objects) {
            if let Some(violation) = run_check("windowsHostProcess", &pod, Version::LATEST) {
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
    fn host_process_on_the_pod_or_a_container_is_reported() {
        let text = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  template:\n    spec:\n      securityContext:\n        windowsOptions: {hostProcess: true}\n      containers:\n      - name: a\n        image: x\n        securityContext:\n          windowsOptions:\n            hostProcess: true\n";
        let found = run(&WindowsHostProcess, &[("ds.yaml", text)], None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "DaemonSet/agent: Windows hostProcess (pod, container \"a\")");
        assert_eq!(&text[found[0].location.range().unwrap()], "hostProcess");
        assert_eq!(found[0].related.len(), 1);
        assert!(found[0].related[0].message.contains("containers[0].securityContext.windowsOptions.hostProcess"));
    }

    #[test]
    fn false_or_absent_is_fine() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {windowsOptions: {hostProcess: false}}\n  containers: [{name: a, image: x, securityContext: {windowsOptions: {runAsUserName: app}}}]\n";
        assert!(run(&WindowsHostProcess, &[("p.yaml", text)], None).is_empty());
    }
}
