//! Reading manifest files: every document of a stream, each on its own.
//!
//! A stream is cut at its `---` lines before it is parsed, so that one broken document
//! (a syntax error, an alias bomb) costs only itself: the documents after it are still
//! read, and every range stays a byte offset into the whole file. Documents that are
//! not objects, `List`s (nested ones too), Helm's `# Source:` comments and Kustomize's
//! origin annotations are handled here; rules only see [`Object`]s.

use std::collections::BTreeMap;
use std::sync::Arc;

use dockward_source::{SourceFile, TextRange, TextSize};
use dockward_yaml::{Budget, Comment, Node, NodeKind};

use crate::Object;

/// How manifests are read.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `Kind` -> the keys leading to its pod spec (`["spec", "template", "spec"]`), for
    /// custom controllers (Argo Rollouts, Knative, OpenShift DeploymentConfig); from
    /// the `[kubernetes] podspec-paths` setting.
    pub podspec_paths: BTreeMap<String, Vec<String>>,
    /// The budget of each document; the file as a whole gets [`file_node_cap`].
    pub budget: Budget,
}

/// What went wrong in a manifest file, at a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub range: TextRange,
    pub message: String,
}

/// One manifest file, read.
#[derive(Debug)]
pub struct Manifest {
    pub file: Arc<SourceFile>,
    /// The objects, in document order (a `List`'s items in place of the list).
    pub objects: Vec<Object>,
    /// Every comment of every document (for `# dockward: ignore[...]`).
    pub comments: Vec<Comment>,
    /// Syntax errors, duplicate keys, documents that are not objects: each located,
    /// none stops the other documents.
    pub problems: Vec<Problem>,
    /// How many documents the stream holds (empty ones excepted).
    pub documents: usize,
}

/// The node count a whole file may expand to: its documents' own nodes (bounded by
/// its length) plus one document's budget of alias expansion. Without it ten thousand
/// documents each just under the per-document budget would hold billions of nodes.
pub fn file_node_cap(text_len: usize, budget: &Budget) -> usize {
    text_len.saturating_add(budget.max_nodes)
}

/// Reads every document of a manifest stream.
pub fn load_manifest(file: &Arc<SourceFile>, options: &LoadOptions) -> Manifest {
    let text = file.text();
    let mut manifest =
        Manifest { file: file.clone(), objects: Vec::new(), comments: Vec::new(), problems: Vec::new(), documents: 0 };
    let mut nodes_left = file_node_cap(text.len(), &options.budget);
    let mut index = 0usize;
    for (start, end) in document_chunks(text) {
        let chunk = &text[start..end];
        let shift = TextSize::from(start as u32);
        let budget = Budget { max_nodes: options.budget.max_nodes.min(nodes_left.max(1)), ..options.budget };
        let stream = dockward_yaml::parse_stream(chunk, &budget);
        for document in stream.documents {
            let mut document = document.document;
            for c in &mut document.comments {
                c.range += shift;
            }
            let source = document.comments.iter().find_map(|c| helm_source(&c.text));
            manifest.comments.append(&mut document.comments);
            for e in document.errors {
                manifest.problems.push(Problem { range: e.range + shift, message: e.message });
            }
            let Some(mut root) = document.root else { continue };
            if root.is_null() {
                continue;
            }
            shift_node(&mut root, shift);
            nodes_left = nodes_left.saturating_sub(count_nodes(&root));
            manifest.documents += 1;
            read_document(&mut manifest, root, index, source.as_deref(), options, 0);
            index += 1;
        }
        if let Some(e) = stream.error {
            let message = if e.message.contains("budget") || e.message.contains("nodes") {
                format!("{}; this document is not read (the others are)", e.message)
            } else {
                e.message
            };
            manifest.problems.push(Problem { range: e.range + shift, message });
            // A broken document still counts: its neighbours are numbered as kubectl would.
            manifest.documents += 1;
            index += 1;
        }
    }
    manifest
}

/// Lists nest (`kubectl get` of a List of Lists): their items are read down to this
/// depth, which the YAML depth budget bounds anyway.
const MAX_LIST_DEPTH: usize = 8;

fn read_document(
    manifest: &mut Manifest,
    root: Node,
    index: usize,
    source: Option<&str>,
    options: &LoadOptions,
    depth: usize,
) {
    let what = match &root.kind {
        NodeKind::Map(_) => None,
        NodeKind::Seq(_) => Some("a sequence"),
        NodeKind::Scalar(_) => Some("a scalar"),
    };
    if let Some(what) = what {
        manifest.problems.push(Problem {
            range: root.range,
            message: format!("document {} is {what}, not a Kubernetes object; kubectl rejects it", index + 1),
        });
        return;
    }
    let range = root.range;
    let Some(mut object) = Object::from_node(root, manifest.file.clone(), index) else {
        manifest.problems.push(Problem {
            range,
            message: format!(
                "document {} is a mapping without a string `apiVersion` and `kind`, not a Kubernetes object; \
                 kubectl rejects it",
                index + 1
            ),
        });
        return;
    };
    if object.kind == "List" || object.kind.ends_with("List") {
        let items = object.root.get("items").and_then(Node::as_seq).map(<[Node]>::to_vec).unwrap_or_default();
        if depth >= MAX_LIST_DEPTH {
            manifest.problems.push(Problem {
                range: object.root.range,
                message: format!("lists nested more than {MAX_LIST_DEPTH} deep; the inner ones are not read"),
            });
            return;
        }
        for item in items {
            read_document(manifest, item, index, source, options, depth + 1);
        }
        return;
    }
    object.origin = source.map(str::to_owned).or_else(|| kustomize_origin(&object));
    if let Some(path) = options.podspec_paths.get(&object.kind) {
        object.pod_spec_override = Some(path.clone());
    }
    manifest.objects.push(object);
}

/// The ranges of each document of `text`: cut before every line that starts with
/// `---` followed by a space, a tab or the end of the line (a YAML document marker,
/// which ends any block scalar too). What precedes a marker without content (blank
/// lines, comments, `%YAML` directives) stays with the document after it.
pub fn document_chunks(text: &str) -> Vec<(usize, usize)> {
    let mut cuts = vec![0];
    let bytes = text.as_bytes();
    let mut line_start = 0;
    let mut content_since_cut = false;
    while line_start < bytes.len() {
        let line_end = memchr_newline(&bytes[line_start..]).map_or(bytes.len(), |i| line_start + i);
        let line = &bytes[line_start..line_end];
        let marker = line.starts_with(b"---") && line.get(3).is_none_or(|b| matches!(b, b' ' | b'\t' | b'\r'));
        if marker && content_since_cut {
            cuts.push(line_start);
            content_since_cut = false;
        }
        let trimmed = line.trim_ascii_start();
        content_since_cut |= marker || !(trimmed.is_empty() || trimmed.starts_with(b"#") || trimmed.starts_with(b"%"));
        line_start = line_end + 1;
    }
    cuts.push(text.len());
    cuts.windows(2).map(|w| (w[0], w[1])).filter(|(a, b)| a < b).collect()
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == b'\n')
}

/// `chart/templates/x.yaml` from Helm's `# Source: chart/templates/x.yaml`.
fn helm_source(comment: &str) -> Option<String> {
    let path = comment.trim().strip_prefix("Source:")?.trim();
    (!path.is_empty()).then(|| path.to_owned())
}

/// The file Kustomize read an object from: the `path:` of its
/// `config.kubernetes.io/origin` annotation (`buildMetadata: [originAnnotations]`).
fn kustomize_origin(object: &Object) -> Option<String> {
    let origin = object.annotations.get("config.kubernetes.io/origin")?;
    origin.lines().find_map(|l| l.trim().strip_prefix("path:")).map(|p| p.trim().trim_matches(['"', '\'']).to_owned())
}

/// Moves every range of a tree parsed from a slice to the slice's place in the file.
fn shift_node(node: &mut Node, by: TextSize) {
    node.range += by;
    if let Some(tag) = &mut node.tag {
        tag.range += by;
    }
    if let Some(origin) = &mut node.origin {
        origin.alias += by;
        origin.anchor += by;
    }
    match &mut node.kind {
        NodeKind::Map(entries) => {
            for e in entries {
                shift_node(&mut e.key, by);
                shift_node(&mut e.value, by);
                if let Some(m) = &mut e.merged_from {
                    *m += by;
                }
            }
        }
        NodeKind::Seq(items) => items.iter_mut().for_each(|i| shift_node(i, by)),
        NodeKind::Scalar(s) => s.raw += by,
    }
}

fn count_nodes(node: &Node) -> usize {
    1 + match &node.kind {
        NodeKind::Map(entries) => entries.iter().map(|e| count_nodes(&e.key) + count_nodes(&e.value)).sum(),
        NodeKind::Seq(items) => items.iter().map(count_nodes).sum(),
        NodeKind::Scalar(_) => 0,
    }
}

/// Whether the first bytes of a `.yaml`/`.yml`/`.json` file look like Kubernetes
/// manifests: a top-level `apiVersion:` and `kind:` (or JSON `"apiVersion"` and
/// `"kind"`), and no top-level `services:` (a Compose file is never claimed).
pub fn looks_like_manifest(head: &str) -> bool {
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return head.contains("\"apiVersion\"") && head.contains("\"kind\"");
    }
    let (mut api, mut kind, mut services) = (false, false, false);
    for line in head.trim_start_matches('\u{feff}').lines() {
        api |= line.starts_with("apiVersion:");
        kind |= line.starts_with("kind:");
        services |= line.starts_with("services:");
    }
    api && kind && !services
}

/// The `namespace:` a kustomization sets on the objects it renders.
pub fn kustomization_namespace(text: &str) -> Option<String> {
    let document = dockward_yaml::parse(text, &Budget::default()).ok()?;
    let namespace = document.root?.get("namespace")?.as_str()?.trim().to_owned();
    (!namespace.is_empty()).then_some(namespace)
}

/// Kinds Kubernetes itself serves (in its own API groups: no dot in the group, or one
/// ending `.k8s.io`). Objects of other kinds (CRDs, other policy engines) are read
/// and counted, but no rule judges what it does not know.
const BUILTIN_KINDS: &[&str] = &[
    "APIService",
    "Binding",
    "CSIDriver",
    "CSINode",
    "CSIStorageCapacity",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "ConfigMap",
    "ControllerRevision",
    "CronJob",
    "CustomResourceDefinition",
    "DaemonSet",
    "Deployment",
    "EndpointSlice",
    "Endpoints",
    "Event",
    "FlowSchema",
    "HorizontalPodAutoscaler",
    "Ingress",
    "IngressClass",
    "Job",
    "Lease",
    "LimitRange",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "NetworkPolicy",
    "Node",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Pod",
    "PodDisruptionBudget",
    "PodSecurityPolicy",
    "PodTemplate",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "ReplicaSet",
    "ReplicationController",
    "ResourceQuota",
    "Role",
    "RoleBinding",
    "RuntimeClass",
    "Secret",
    "Service",
    "ServiceAccount",
    "StatefulSet",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
];

/// Whether dockward knows what an object of this kind does: a built-in kind of a
/// built-in group, or a kind given a pod spec path by `podspec-paths`.
pub fn is_known_kind(object: &Object) -> bool {
    if object.pod_spec_override.is_some() {
        return true;
    }
    let group = object.api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let builtin_group = !group.contains('.') || group.ends_with(".k8s.io");
    builtin_group && BUILTIN_KINDS.binary_search(&object.kind.as_str()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Manifest {
        load_manifest(&SourceFile::new("m.yaml", None, text), &LoadOptions::default())
    }

    #[test]
    fn builtin_kinds_are_sorted() {
        assert!(BUILTIN_KINDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn documents_keep_exact_ranges_and_a_broken_one_stops_nothing() {
        let text =
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: [\n\
                    ---\n# Source: shop/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";
        let m = load(text);
        let names: Vec<_> = m.objects.iter().map(Object::display_name).collect();
        assert_eq!(names, ["Service/a", "ConfigMap/c"]);
        assert_eq!(m.problems.len(), 1, "{:?}", m.problems);
        let at = m.file.position(m.problems[0].range.start());
        assert_eq!(at.line, 7, "{:?}", m.problems);
        let cm = &m.objects[1];
        assert_eq!(cm.document, 2);
        assert_eq!(cm.origin.as_deref(), Some("shop/templates/cm.yaml"));
        let kind = cm.root.get("kind").unwrap();
        assert_eq!(&text[kind.range], "ConfigMap");
        assert_eq!(m.documents, 3);
    }

    #[test]
    fn documents_that_are_not_objects_are_located() {
        let text = "- a\n- b\n---\njust text\n---\nmetadata: {name: x}\n---\n---\n";
        let m = load(text);
        assert!(m.objects.is_empty());
        let messages: Vec<_> = m.problems.iter().map(|p| (&text[p.range], p.message.as_str())).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert_eq!(messages[0].0, "- a\n- b");
        assert!(messages[0].1.contains("a sequence"));
        assert!(messages[1].1.contains("a scalar"));
        assert!(messages[2].1.contains("without a string `apiVersion`"));
    }

    #[test]
    fn lists_of_lists_are_unwrapped() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMapList\n  items:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: inner}}\n- {apiVersion: v1, kind: Secret, metadata: {name: s}}\n- 3\n";
        let m = load(text);
        let names: Vec<_> = m.objects.iter().map(Object::display_name).collect();
        assert_eq!(names, ["ConfigMap/inner", "Secret/s"]);
        assert_eq!(m.problems.len(), 1);
        assert_eq!(&text[m.problems[0].range], "3");
    }

    #[test]
    fn an_alias_bomb_costs_only_its_document() {
        let mut bomb = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let prev = format!("*a{}", i - 1);
            bomb.push_str(&format!("  a{i}: &a{i} [{}]\n", [prev.as_str(); 10].join(", ")));
        }
        let text = format!("{bomb}---\napiVersion: v1\nkind: Service\nmetadata: {{name: after}}\n");
        let m = load(&text);
        let names: Vec<_> = m.objects.iter().map(Object::display_name).collect();
        assert_eq!(names, ["Service/after"]);
        assert_eq!(m.problems.len(), 1);
        assert!(m.file.position(m.problems[0].range.start()).line <= 13);
    }

    #[test]
    fn ten_thousand_documents_are_read() {
        let mut text = String::new();
        for i in 0..10_000 {
            text.push_str(&format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\ndata: {{k: v}}\n"));
        }
        let m = load(&text);
        assert_eq!(m.objects.len(), 10_000);
        assert_eq!(m.objects[9_999].document, 9_999);
        assert!(m.problems.is_empty());
    }

    #[test]
    fn a_document_marker_inside_a_block_scalar_ends_the_document() {
        let chunks = document_chunks("a: |\n  x\n---\nb: 1\n---x: not a marker\n");
        assert_eq!(chunks, [(0, 9), (9, 37)]);
        // Comments and directives before the first marker stay with its document.
        let text = "# licence\n%YAML 1.1\n---\na: 1\n---\n---\nb: 2\n";
        assert_eq!(document_chunks(text), [(0, 29), (29, 33), (33, 42)]);
        let m = load("# licence\n%YAML 1.1\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n");
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.objects.len(), 1);
    }

    #[test]
    fn custom_controllers_get_their_pod_spec_path_and_kinds_are_known_or_not() {
        let text = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: b}]\n---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n---\napiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: e}\n";
        let mut options = LoadOptions::default();
        options.podspec_paths.insert("Rollout".into(), vec!["spec".into(), "template".into(), "spec".into()]);
        let m = load_manifest(&SourceFile::new("m.yaml", None, text), &options);
        let rollout = &m.objects[0];
        assert!(rollout.pod_spec().and_then(|s| s.get("containers")).is_some());
        let known: Vec<_> = m.objects.iter().map(is_known_kind).collect();
        assert_eq!(known, [true, false, true, false]);
        assert!(load(text).objects[0].pod_spec().is_none());
    }

    #[test]
    fn kustomize_origins_name_the_file() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations:\n    config.kubernetes.io/origin: |\n      path: ../base/svc.yaml\n";
        assert_eq!(load(text).objects[0].origin.as_deref(), Some("../base/svc.yaml"));
    }

    #[test]
    fn kustomization_namespaces() {
        assert_eq!(kustomization_namespace("namespace: shop\nresources: [a.yaml]\n").as_deref(), Some("shop"));
        assert_eq!(kustomization_namespace("resources: [a.yaml]\n"), None);
        assert_eq!(kustomization_namespace("namespace: [\n"), None);
    }

    #[test]
    fn manifests_are_told_from_compose_files() {
        assert!(looks_like_manifest("# c\napiVersion: v1\nkind: Pod\n"));
        assert!(looks_like_manifest("\u{feff}apiVersion: v1\nkind: Pod\n"));
        assert!(looks_like_manifest("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": []}"));
        assert!(!looks_like_manifest("services:\n  web: {image: x}\n"));
        assert!(!looks_like_manifest("apiVersion: v1\nkind: X\nservices:\n  a: 1\n"));
        assert!(!looks_like_manifest("apiVersion: v2\nname: chart\n"));
        assert!(!looks_like_manifest("{\"name\": \"pkg\"}"));
    }
}
