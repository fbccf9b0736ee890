use dockward_k8s::pss::{run_check, Version};

use super::pss_support::{report_violation, workloads};
use super::{KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports volumes whose type is outside the Restricted Pod Security Standard's
    /// list (`restrictedVolumes`): only `configMap`, `csi`, `downwardAPI`, `emptyDir`,
    /// `ephemeral`, `image`, `persistentVolumeClaim`, `projected` and `secret` are
    /// allowed. `hostPath`, `nfs`, `iscsi`, `rbd`, `cephfs`, `gitRepo`, `flexVolume`,
    /// the in-tree cloud disks and the rest are reported. A volume without any source
    /// is an `emptyDir` (the API server's default) and passes.
    ///
    /// ## Why is this bad?
    /// These volume types are mounted by the node with the node's credentials and
    /// kernel drivers: the pod reaches storage the cluster administrator did not hand
    /// it through a PersistentVolumeClaim, and some (`gitRepo`, `flexVolume`) run
    /// code on the node. A restricted namespace rejects the pod. `hostPath` is also
    /// reported by CT012 to CT014 for what it exposes.
    ///
    /// ## Example
    /// ```yaml
    ///       volumes:
    ///       - name: shared
    ///         nfs: {server: nfs.internal, path: /exports/shared}
    /// ```
    ///
    /// ## How to fix
    /// Mount the storage through a PersistentVolumeClaim bound to an administrator's
    /// PersistentVolume or StorageClass, or use a CSI driver.
    ///
    /// ## References
    /// - Kubernetes, "Pod Security Standards", Restricted: Volume Types
    pub struct RestrictedVolumeType;
    code = "KS021", name = "restricted-volume-type", severity = Warning,
    category = Security, target = Kubernetes, fix = None,
    summary = "A volume type outside the Restricted Pod Security Standard's list",
    aliases = ["KSV-0028", "KSV028"],
    practices = ["b-no-sensitive-mounts"],
}

impl KubernetesRule for RestrictedVolumeType {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        for (_, object, pod) in workloads(cx.objects) {
            if let Some(violation) = run_check("restrictedVolumes", &pod, Version::LATEST) {
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
    fn node_mounted_volume_types_are_reported_at_their_key() {
        let text = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: backup}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: x}]\n      volumes:\n      - name: data\n        persistentVolumeClaim: {claimName: data}\n      - name: shared\n        nfs: {server: nfs.internal, path: /x}\n      - name: host\n        hostPath: {path: /var/log}\n";
        let found = run(&RestrictedVolumeType, &[("j.yaml", text)], None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "Job/backup: restricted volume types: shared (nfs), host (hostPath)");
        assert_eq!(&text[found[0].location.range().unwrap()], "nfs");
        assert_eq!(found[0].related.len(), 1);
    }

    #[test]
    fn allowed_types_and_sourceless_volumes_pass() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x}]\n  volumes:\n  - {name: a}\n  - {name: b, emptyDir: {}}\n  - {name: c, projected: {sources: []}}\n  - {name: d, csi: {driver: x}}\n  - {name: e, ephemeral: {volumeClaimTemplate: {spec: {}}}}\n  - {name: f, image: {reference: x}}\n  - {name: g, hostPath: null}\n";
        assert!(run(&RestrictedVolumeType, &[("p.yaml", text)], None).is_empty());
    }
}
