//! A pod template seen the way the checks read it: metadata, spec and every container
//! (regular, init and ephemeral), each with the path its keys are reported at.

use dockward_yaml::Node;

use super::{present, Field};
use crate::Object;

/// The three lists PSA visits, in the order it reports them.
const CONTAINER_LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

/// A pod template.
#[derive(Debug)]
pub struct Pod<'a> {
    /// The pod's metadata: the Pod's own, or the template's for workloads.
    pub metadata: Option<&'a Node>,
    /// The pod spec.
    pub spec: &'a Node,
    metadata_path: String,
    spec_path: String,
    /// Every container, init container and ephemeral container.
    pub containers: Vec<Container<'a>>,
}

/// One container of a pod.
#[derive(Debug)]
pub struct Container<'a> {
    pub node: &'a Node,
    /// `containers`, `initContainers` or `ephemeralContainers`.
    pub list: &'static str,
    /// `spec.containers[0]` (from the object's root).
    pub path: String,
    /// `name`, when it is a string.
    pub name: Option<&'a str>,
}

impl<'a> Pod<'a> {
    /// The pod template of a Pod or workload.
    pub fn of(object: &'a Object) -> Option<Self> {
        let path = object.pod_spec_path()?;
        let spec = object.pod_spec()?;
        let (_, parent) = path.split_last()?;
        let metadata_path = parent.iter().copied().chain(["metadata"]).collect::<Vec<_>>().join(".");
        Some(Self::new(spec, &path.join("."), object.pod_metadata(), &metadata_path))
    }

    /// A pod from its spec and metadata nodes and the paths they are at.
    pub fn new(spec: &'a Node, spec_path: &str, metadata: Option<&'a Node>, metadata_path: &str) -> Self {
        let mut containers = Vec::new();
        for list in CONTAINER_LISTS {
            let items = present(spec, list).and_then(Node::as_seq).unwrap_or_default();
            for (index, node) in items.iter().enumerate() {
                containers.push(Container {
                    node,
                    list,
                    path: format!("{spec_path}.{list}[{index}]"),
                    name: node.get("name").and_then(Node::as_str),
                });
            }
        }
        Self { metadata, spec, metadata_path: metadata_path.to_owned(), spec_path: spec_path.to_owned(), containers }
    }

    /// The pod-level node at `keys` below the spec, with the field of its last key.
    pub fn spec_field(&self, keys: &[&str]) -> Option<(&'a Node, Field)> {
        field_at(self.spec, &self.spec_path, keys)
    }

    /// The annotations of the pod's metadata, as (key, value, field) for string values.
    pub fn annotations(&self) -> Vec<(&'a str, &'a str, Field)> {
        let Some(entries) = self.metadata.and_then(|m| present(m, "annotations")).and_then(Node::as_map) else {
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|e| {
                let key = e.key.as_str()?;
                let value = e.value.as_str()?;
                let path = format!("{}.annotations.{key}", self.metadata_path);
                Some((key, value, Field { path, range: e.key.range }))
            })
            .collect()
    }

    /// `spec.os.name` is `windows`.
    pub fn is_windows(&self) -> bool {
        self.spec_field(&["os", "name"]).is_some_and(|(n, _)| n.as_str() == Some("windows"))
    }

    /// `spec.hostUsers` is explicitly false: the pod runs in its own user namespace.
    pub fn in_user_namespace(&self) -> bool {
        self.spec_field(&["hostUsers"]).is_some_and(|(n, _)| strict_bool(n) == Some(false))
    }

    /// The pod's `securityContext` and the containers' merged view for one key path:
    /// each container's own value, else the pod-level one.
    pub fn pod_security(&self, keys: &[&str]) -> Option<(&'a Node, Field)> {
        let mut path = vec!["securityContext"];
        path.extend_from_slice(keys);
        self.spec_field(&path)
    }
}

impl<'a> Container<'a> {
    /// The node at `keys` below the container, with the field of its last key.
    pub fn field(&self, keys: &[&str]) -> Option<(&'a Node, Field)> {
        field_at(self.node, &self.path, keys)
    }

    /// The node at `keys` below the container's `securityContext`.
    pub fn security(&self, keys: &[&str]) -> Option<(&'a Node, Field)> {
        let mut path = vec!["securityContext"];
        path.extend_from_slice(keys);
        self.field(&path)
    }

    /// How messages name the container: `container "app"` or `initContainer "setup"`.
    pub fn describe(&self) -> String {
        let kind = match self.list {
            "initContainers" => "initContainer",
            "ephemeralContainers" => "ephemeralContainer",
            _ => "container",
        };
        match self.name {
            Some(name) => format!("{kind} {name:?}"),
            None => format!("{kind} at {}", self.path),
        }
    }

    /// A field pointing at the container itself (its `name` key when it has one), for
    /// requirements that fail because something is missing.
    pub fn whole(&self) -> Field {
        let range = self.node.entry("name").map_or(self.node.range, |e| e.key.range);
        Field { path: self.path.clone(), range }
    }
}

/// Walks `keys` below `node` (an explicit `null` counts as absent) and returns the last
/// value and a field at its key.
fn field_at<'a>(node: &'a Node, base: &str, keys: &[&str]) -> Option<(&'a Node, Field)> {
    let mut current = node;
    let mut range = node.range;
    for key in keys {
        let entry = current.entry(key).filter(|e| !e.value.is_null())?;
        range = entry.key.range;
        current = &entry.value;
    }
    let mut path = base.to_owned();
    for key in keys {
        path.push('.');
        path.push_str(key);
    }
    Some((current, Field { path, range }))
}

/// A boolean as the API reads it from YAML 1.2 (`true`/`false`). Used where `true` or
/// `false` is the *safe* value: a YAML 1.1 spelling (`yes`, `off`) is refused by the API
/// server after `kustomize` quotes it, so it does not count as set.
pub fn strict_bool(node: &Node) -> Option<bool> {
    node.as_bool()
}

/// A boolean with both readings: `yes`/`on`/`no`/`off` as kubectl (YAML 1.1) reads
/// them. Used where a value is *risky*: the more permissive reading is the one judged.
pub fn loose_bool(node: &Node) -> Option<bool> {
    node.as_bool().or_else(|| node.yaml11_bool())
}

/// A string value, not counting `null`.
pub fn text(node: &Node) -> Option<&str> {
    if node.is_null() {
        None
    } else {
        node.as_str()
    }
}

/// The items of a sequence (nothing for anything else).
pub fn items(node: &Node) -> &[Node] {
    node.as_seq().unwrap_or_default()
}

/// A field for the `index`th item of the sequence at `field`.
pub fn item_field(field: &Field, index: usize, node: &Node) -> Field {
    Field { path: format!("{}[{index}]", field.path), range: node.range }
}
