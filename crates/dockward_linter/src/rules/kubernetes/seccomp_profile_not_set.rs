use dockward_diagnostics::{Edit, Fix};
use dockward_k8s::pss::Field;
use dockward_k8s::Object;
use dockward_source::TextSize;
use dockward_yaml::{Node, NodeKind};

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
    /// ## Fix
    /// An unsafe fix adds `seccompProfile: {type: RuntimeDefault}` to the pod's
    /// `securityContext` (creating it) when the pod spec is a block mapping. Unsafe:
    /// the runtime's default profile refuses system calls (`unshare`, `mount`,
    /// `ptrace`, ...) a workload may rely on.
    ///
    /// ## References
    /// - Kubernetes, "Pod Security Standards", Restricted: Seccomp
    /// - Kubernetes, "Restrict a Container's Syscalls with seccomp"
    pub struct SeccompProfileNotSet;
    code = "KS011", name = "seccomp-profile-not-set", severity = Warning,
    category = Security, target = Kubernetes, fix = Sometimes,
    summary = "No seccomp profile on the pod or container: Kubernetes runs it Unconfined",
    aliases = ["KSV-0030", "KSV030", "CKV_K8S_31"],
    practices = ["b-runtime-hardening"],
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
            let edit = pod.spec_field(&[]).and_then(|(spec, _)| add_runtime_default(object, spec));
            if let Some(diagnostic) = cx.diagnostics.last_mut() {
                diagnostic.help("set `securityContext.seccompProfile: {type: RuntimeDefault}` on the pod");
                if let Some(edit) = edit {
                    diagnostic.fix(Fix::unsafe_("Set the pod's seccomp profile to RuntimeDefault", vec![edit]));
                }
            }
        }
    }
}

/// The edit that adds the profile to the pod spec `spec`, as a new first key of its
/// `securityContext` or, without one, of the spec itself. `None` where the text does
/// not allow a plain line insertion: flow mappings (`{...}`), aliases (the edit would
/// land in the anchored definition), a key that does not start its line.
fn add_runtime_default(object: &Object, spec: &Node) -> Option<Edit> {
    let (mapping, lines): (&Node, &[&str]) = match spec.entry("securityContext") {
        Some(entry) => (&entry.value, &["seccompProfile:", "  type: RuntimeDefault"]),
        None => (spec, &["securityContext:", "  seccompProfile:", "    type: RuntimeDefault"]),
    };
    if mapping.origin.is_some() || spec.origin.is_some() {
        return None;
    }
    let NodeKind::Map(entries) = &mapping.kind else { return None };
    let first = entries.first()?;
    let text = object.file.text();
    let key_start = usize::from(first.key.range.start());
    let line_start = text[..key_start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..key_start];
    let flow = text[usize::from(mapping.range.start())..].starts_with('{');
    if flow || !indent.bytes().all(|b| b == b' ') {
        return None;
    }
    let content: String = lines.iter().map(|l| format!("{indent}{l}\n")).collect();
    Some(Edit::insert(TextSize::try_from(line_start).ok()?, content))
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

    fn fixed(text: &str) -> Option<String> {
        let found = run(&SeccompProfileNotSet, &[("m.yaml", text)], None);
        let fix = found[0].fix.as_ref()?;
        Some(dockward_diagnostics::apply_fixes(text, [fix]).text)
    }

    #[test]
    fn the_fix_adds_runtime_default_to_the_pod_security_context() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: app, image: web:1}\n";
        let out = fixed(text).unwrap();
        assert_eq!(
            out,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      securityContext:\n        seccompProfile:\n          type: RuntimeDefault\n      containers:\n      - {name: app, image: web:1}\n"
        );
        assert!(run(&SeccompProfileNotSet, &[("m.yaml", &out)], None).is_empty());
        // An existing securityContext gets the key.
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers: [{name: a, image: x}]\n";
        let out = fixed(text).unwrap();
        assert!(
            out.contains(
                "  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n    runAsNonRoot: true\n"
            ),
            "{out}"
        );
        assert!(run(&SeccompProfileNotSet, &[("m.yaml", &out)], None).is_empty());
        let found = run(&SeccompProfileNotSet, &[("m.yaml", text)], None);
        assert_eq!(found[0].fix.as_ref().unwrap().applicability, dockward_diagnostics::Applicability::Unsafe);
        // Flow mappings are left alone.
        assert!(fixed("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: x}]}\n")
            .is_none());
        assert!(fixed("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: true}\n  containers: [{name: a, image: x}]\n").is_none());
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
