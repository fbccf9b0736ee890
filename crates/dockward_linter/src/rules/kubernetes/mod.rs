//! Kubernetes rules (KS family), one per file. They read every object of a scan at
//! once, because what they judge crosses objects: a NetworkPolicy selects pods of
//! other objects, a RoleBinding names a Role, a Namespace's labels govern its pods.
//! The containers of workloads are judged by the container rules (CT family) over the
//! `ContainerSpec`s that `dockward_k8s` builds.

pub mod cluster_admin_binding;
pub mod dangerous_rbac_permission;
mod grants;
mod isolation;
pub mod namespace_without_default_deny;
pub mod not_egress_isolated;
pub mod not_ingress_isolated;
pub mod policy_allows_all_ingress;
pub mod policy_selects_nothing;
pub mod rbac_wildcard;

use dockward_diagnostics::{Diagnostic, Location, RuleMeta};
use dockward_k8s::Object;
use dockward_source::TextRange;
use dockward_yaml::Node;

use crate::settings::Settings;

pub mod ambiguous_yaml_value;
pub mod automount_service_account_token;
pub mod helm_chart_not_rendered;
pub mod missing_probes;
pub mod probe_or_lifecycle_host;
mod pss_support;
pub mod rejected_by_namespace_pss;
pub mod restricted_volume_type;
pub mod seccomp_profile_not_set;
pub mod secret_in_configmap;
pub mod secret_in_env;
pub mod windows_host_process;

/// Every container of a workload's pod spec (`containers`, `initContainers`,
/// `ephemeralContainers`), with its name (`?` when unnamed).
pub fn containers_of(object: &Object) -> Vec<(&Node, &str)> {
    let Some(spec) = object.pod_spec() else { return Vec::new() };
    ["initContainers", "containers", "ephemeralContainers"]
        .iter()
        .filter_map(|list| spec.get(list).and_then(Node::as_seq))
        .flatten()
        .map(|c| (c, c.get("name").and_then(Node::as_str).unwrap_or("?")))
        .collect()
}

/// A rule over the Kubernetes objects of one scan.
pub trait KubernetesRule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &mut KubernetesContext<'_>);
}

/// What a Kubernetes rule sees, and where it reports.
pub struct KubernetesContext<'a> {
    /// Every object of the scan, in file then document order.
    pub objects: &'a [Object],
    /// The namespace each object is judged in, by index into `objects`: its
    /// `metadata.namespace`, else the kustomization's, else `--k8s-namespace`; `None`
    /// when none of them says (the objects then form one group, "namespace not set").
    pub namespaces: &'a [Option<String>],
    /// Whether the scan holds every object of its namespaces (`--complete-namespace`):
    /// only then can "selects nothing" or "no policy" about a namespace be judged.
    pub complete_namespaces: bool,
    pub settings: &'a Settings,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> KubernetesContext<'a> {
    pub fn new(
        objects: &'a [Object],
        namespaces: &'a [Option<String>],
        complete_namespaces: bool,
        settings: &'a Settings,
    ) -> Self {
        Self { objects, namespaces, complete_namespaces, settings, diagnostics: Vec::new() }
    }

    /// The namespace object `index` is judged in.
    pub fn namespace_of(&self, index: usize) -> Option<&'a str> {
        self.namespaces.get(index).and_then(|n| n.as_deref())
    }

    /// Reports at a byte range of an object's file.
    pub fn report(
        &mut self,
        rule: &'static RuleMeta,
        object: &Object,
        range: TextRange,
        message: impl Into<dockward_diagnostics::Text>,
    ) -> &mut Diagnostic {
        let at = Location::source(&object.file, range);
        self.diagnostics.push(Diagnostic::new(rule, at, message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Runs one Kubernetes rule over in-memory manifests.

    use dockward_diagnostics::Diagnostic;
    use dockward_k8s::objects_in;
    use dockward_source::SourceFile;
    use dockward_yaml::Budget;

    use super::*;

    /// Reads each (name, text) as a manifest stream and runs `rule` over all objects;
    /// an object without `metadata.namespace` is judged in `default_namespace`.
    pub fn run(rule: &dyn KubernetesRule, files: &[(&str, &str)], default_namespace: Option<&str>) -> Vec<Diagnostic> {
        run_scan(rule, files, default_namespace, true)
    }

    /// [`run`], saying whether the scan holds whole namespaces.
    pub fn run_scan(
        rule: &dyn KubernetesRule,
        files: &[(&str, &str)],
        default_namespace: Option<&str>,
        complete_namespaces: bool,
    ) -> Vec<Diagnostic> {
        let mut objects = Vec::new();
        for (name, text) in files {
            let read = objects_in(&SourceFile::new(*name, None, *text), &Budget::default());
            assert!(read.errors.is_empty(), "{name}: {:?}", read.errors);
            objects.extend(read.objects);
        }
        let namespaces: Vec<_> =
            objects.iter().map(|o| o.namespace.clone().or_else(|| default_namespace.map(str::to_owned))).collect();
        let settings = Settings::default();
        let mut cx = KubernetesContext::new(&objects, &namespaces, complete_namespaces, &settings);
        rule.check(&mut cx);
        let mut found = cx.into_diagnostics();
        found.sort_by(|a, b| a.sort_key_cmp(b));
        found
    }

    /// A Deployment document (with its `---`) whose pod template has `labels` (a flow
    /// mapping).
    pub fn deployment(name: &str, namespace: Option<&str>, labels: &str) -> String {
        let ns = namespace.map(|n| format!(", namespace: {n}")).unwrap_or_default();
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}{ns}}}\nspec:\n  template:\n    metadata: {{labels: {labels}}}\n    spec: {{containers: [{{name: c, image: i}}]}}\n---\n"
        )
    }

    /// A NetworkPolicy document (with its `---`) with `spec` (a flow mapping).
    pub fn policy(name: &str, namespace: Option<&str>, spec: &str) -> String {
        let ns = namespace.map(|n| format!(", namespace: {n}")).unwrap_or_default();
        format!("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}{ns}}}\nspec: {spec}\n---\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::declare_rule! {
        /// Test rule: reports every object with the namespace it is judged in.
        pub struct EveryObject;
        code = "KS999", name = "every-object", severity = Info,
        category = BestPractice, target = Kubernetes, fix = None,
        summary = "Every object",
    }

    impl KubernetesRule for EveryObject {
        fn meta(&self) -> &'static RuleMeta {
            &Self::META
        }
        fn check(&self, cx: &mut KubernetesContext<'_>) {
            for (index, object) in cx.objects.iter().enumerate() {
                let message = format!("{} in {}", object.display_name(), cx.namespace_of(index).unwrap_or("?"));
                let range = object.root.get("kind").map_or(object.root.range, |k| k.range);
                cx.report(&Self::META, object, range, message);
            }
        }
    }

    #[test]
    fn objects_are_judged_in_their_namespace_or_the_default_one() {
        let files = [(
            "a.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\n",
        )];
        let found = testing::run(&EveryObject, &files, Some("dev"));
        let messages: Vec<_> = found.iter().map(|d| d.message.as_ref()).collect();
        assert_eq!(messages, ["Service/s in dev", "Pod/p in shop"]);
        let text = files[0].1;
        let at = found[1].location.range().unwrap();
        assert_eq!(&text[at], "Pod");
        assert!(testing::run(&EveryObject, &files, None)[0].message.ends_with("in ?"));
    }
}
