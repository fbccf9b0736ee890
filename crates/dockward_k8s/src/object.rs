//! Manifests as objects: `apiVersion`, `kind`, `metadata` and the spanned tree.

use std::collections::BTreeMap;
use std::sync::Arc;

use dockward_source::SourceFile;
use dockward_yaml::{Budget, Node, YamlError};

/// One Kubernetes object of a manifest file.
#[derive(Debug, Clone)]
pub struct Object {
    /// `apiVersion` as written (`apps/v1`).
    pub api_version: String,
    /// `kind` as written (`Deployment`).
    pub kind: String,
    /// `metadata.name`, when set.
    pub name: Option<String>,
    /// `metadata.namespace` as written. The namespace the object is judged in may
    /// come from elsewhere (a kustomization, `--k8s-namespace`): the loader decides.
    pub namespace: Option<String>,
    /// `metadata.labels` (scalar values only).
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations` (scalar values only).
    pub annotations: BTreeMap<String, String>,
    /// The whole object; its ranges are byte offsets into `file`.
    pub root: Node,
    /// The file the object was read from.
    pub file: Arc<SourceFile>,
    /// The index of the document in its file (0-based), for messages and sorting.
    pub document: usize,
    /// Where the object was written before it was rendered: Helm's `# Source:
    /// chart/templates/x.yaml` comment, or Kustomize's `config.kubernetes.io/origin`
    /// annotation. Findings name it.
    pub origin: Option<String>,
    /// The keys leading to the pod spec for a kind Kubernetes does not know (a custom
    /// controller named in the `podspec-paths` setting).
    pub pod_spec_override: Option<Vec<String>>,
}

/// The kinds whose objects carry a pod template, and where it is.
const POD_SPEC_PATHS: &[(&str, &[&str])] = &[
    ("Pod", &["spec"]),
    ("PodTemplate", &["template", "spec"]),
    ("ReplicationController", &["spec", "template", "spec"]),
    ("ReplicaSet", &["spec", "template", "spec"]),
    ("Deployment", &["spec", "template", "spec"]),
    ("DaemonSet", &["spec", "template", "spec"]),
    ("StatefulSet", &["spec", "template", "spec"]),
    ("Job", &["spec", "template", "spec"]),
    ("CronJob", &["spec", "jobTemplate", "spec", "template", "spec"]),
];

impl Object {
    /// Reads the identity of an object from its root mapping. `None` when the node is
    /// not a mapping with a string `apiVersion` and `kind`.
    pub fn from_node(root: Node, file: Arc<SourceFile>, document: usize) -> Option<Self> {
        let api_version = root.get("apiVersion")?.as_str()?.to_owned();
        let kind = root.get("kind")?.as_str()?.to_owned();
        let metadata = root.get("metadata");
        let text = |key: &str| metadata.and_then(|m| m.get(key)).and_then(Node::as_str).map(str::to_owned);
        let strings = |key: &str| -> BTreeMap<String, String> {
            metadata
                .and_then(|m| m.get(key))
                .and_then(Node::as_map)
                .into_iter()
                .flatten()
                .filter_map(|e| Some((e.key.as_str()?.to_owned(), e.value.as_str()?.to_owned())))
                .collect()
        };
        Some(Self {
            name: text("name"),
            namespace: text("namespace"),
            labels: strings("labels"),
            annotations: strings("annotations"),
            api_version,
            kind,
            root,
            file,
            document,
            origin: None,
            pod_spec_override: None,
        })
    }

    /// The node at a path of mapping keys below the root.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(&self.root, |node, key| node.get(key))
    }

    /// Where the pod template's keys are for this kind (`spec.template.spec` for a
    /// Deployment; for a custom controller, what the `podspec-paths` setting says), or
    /// `None` for kinds that run no pods.
    pub fn pod_spec_path(&self) -> Option<Vec<&str>> {
        if let Some(path) = &self.pod_spec_override {
            return Some(path.iter().map(String::as_str).collect());
        }
        POD_SPEC_PATHS.iter().find(|(kind, _)| *kind == self.kind).map(|(_, path)| path.to_vec())
    }

    /// The pod spec (`containers`, `volumes`, `securityContext`, ...), for workloads.
    pub fn pod_spec(&self) -> Option<&Node> {
        self.at(&self.pod_spec_path()?)
    }

    /// The metadata of the pods this object runs: the template's, or the Pod's own.
    pub fn pod_metadata(&self) -> Option<&Node> {
        let path = self.pod_spec_path()?;
        let (_, parent) = path.split_last()?;
        let mut metadata_path: Vec<&str> = parent.to_vec();
        metadata_path.push("metadata");
        self.at(&metadata_path)
    }

    /// The labels of the pods this object runs (scalar values only).
    pub fn pod_labels(&self) -> BTreeMap<String, String> {
        self.pod_metadata()
            .and_then(|m| m.get("labels"))
            .and_then(Node::as_map)
            .into_iter()
            .flatten()
            .filter_map(|e| Some((e.key.as_str()?.to_owned(), e.value.as_str()?.to_owned())))
            .collect()
    }

    /// `Kind/name` (or `Kind/<unnamed>`), as messages name an object.
    pub fn display_name(&self) -> String {
        format!("{}/{}", self.kind, self.name.as_deref().unwrap_or("<unnamed>"))
    }
}

/// What [`objects_in`] read from one file.
#[derive(Debug, Default)]
pub struct ObjectsRead {
    /// The objects, in document order (the items of a `List` in place of the list).
    pub objects: Vec<Object>,
    /// Documents that are not objects (no `apiVersion` or `kind`, or not a mapping),
    /// by document index and range of their root.
    pub not_objects: Vec<(usize, dockward_source::TextRange)>,
    /// The fatal YAML error that stopped the stream, and the non-fatal ones
    /// (duplicate keys) of every document read.
    pub errors: Vec<YamlError>,
}

/// Reads every document of a manifest stream. `List` and `*List` objects are replaced
/// by their `items`.
pub fn objects_in(file: &Arc<SourceFile>, budget: &Budget) -> ObjectsRead {
    let stream = dockward_yaml::parse_stream(file.text(), budget);
    let mut read = ObjectsRead::default();
    for (index, document) in stream.documents.into_iter().enumerate() {
        read.errors.extend(document.document.errors);
        let Some(root) = document.document.root else { continue };
        let range = root.range;
        match Object::from_node(root, file.clone(), index) {
            Some(object) if object.kind == "List" || object.kind.ends_with("List") => {
                let items = object.root.get("items").and_then(Node::as_seq).unwrap_or_default();
                for item in items {
                    match Object::from_node(item.clone(), file.clone(), index) {
                        Some(object) => read.objects.push(object),
                        None => read.not_objects.push((index, item.range)),
                    }
                }
            }
            Some(object) => read.objects.push(object),
            None => read.not_objects.push((index, range)),
        }
    }
    read.errors.extend(stream.error);
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> ObjectsRead {
        objects_in(&SourceFile::new("m.yaml", None, text), &Budget::default())
    }

    #[test]
    fn a_stream_gives_one_object_per_document_and_unwraps_lists() {
        let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n\
                    apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a, namespace: shop}\n\
                    - {kind: nothing}\n---\n- just a list\n";
        let read = read(text);
        let names: Vec<_> = read.objects.iter().map(Object::display_name).collect();
        assert_eq!(names, ["Namespace/shop", "ConfigMap/a"]);
        assert_eq!(read.objects[1].namespace.as_deref(), Some("shop"));
        assert_eq!(read.objects[1].document, 1);
        assert_eq!(read.not_objects.len(), 2);
        assert!(read.errors.is_empty());
    }

    #[test]
    fn pod_templates_are_found_per_kind() {
        let text = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        metadata: {labels: {app: c}}\n        spec:\n          containers: [{name: x, image: y}]\n";
        let read = read(text);
        let cron = &read.objects[0];
        assert!(cron.pod_spec().and_then(|s| s.get("containers")).is_some());
        assert_eq!(cron.pod_labels().get("app").map(String::as_str), Some("c"));
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {a: b}}\nspec: {containers: []}\n";
        let pod = &read_one(text);
        assert_eq!(pod.pod_labels().get("a").map(String::as_str), Some("b"));
        assert!(read_one("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n").pod_spec().is_none());
    }

    fn read_one(text: &str) -> Object {
        read(text).objects.remove(0)
    }
}
