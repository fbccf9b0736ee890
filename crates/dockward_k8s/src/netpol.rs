//! NetworkPolicy coverage, with the semantics the API server and network plugins give
//! `networking.k8s.io/v1` NetworkPolicies:
//!
//! - a policy selects pods **of its own namespace** only, with `spec.podSelector`
//!   (a value field: missing is `{}`, and `{}` selects every pod of the namespace);
//! - `policyTypes` defaults to `[Ingress]`, plus `Egress` when the policy has egress
//!   rules (an empty list is defaulted the same way); `policyTypes: [Egress]` with no
//!   egress rules denies all egress, and ingress rules of a policy whose types lack
//!   `Ingress` are ignored;
//! - a pod is isolated in a direction when at least one policy of that type selects
//!   it, and the traffic allowed is the union of those policies' rules; a rule with
//!   no peers (`ingress: [{}]`, `from: []`) allows every source, and so does an
//!   `ipBlock` of `0.0.0.0/0` (every IPv4 address) or `::/0` (every IPv6 address).
//!
//! Nothing here is enforced unless the cluster's network plugin implements
//! NetworkPolicy (Calico, Cilium, Antrea and others do; flannel and kindnet alone do
//! not): messages say so.
//!
//! Namespaces are the ones the loader judged each object in (`None` is the group of
//! objects whose namespace is not set; within it, objects are compared with each
//! other, as `kubectl apply` of the set would put them all in one namespace).

use std::collections::{BTreeMap, BTreeSet};

use dockward_source::TextRange;
use dockward_yaml::Node;

use crate::selector::{self, Requirement, Selector, SelectorError};
use crate::Object;

/// A direction of traffic, as `policyTypes` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub const BOTH: [Direction; 2] = [Direction::Ingress, Direction::Egress];

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        }
    }

    /// The key of the rule list (`ingress`/`egress`).
    pub fn rules_key(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    /// The key of a rule's peers (`from`/`to`).
    pub fn peers_key(self) -> &'static str {
        match self {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        }
    }
}

/// A rule (or peer) of a policy that lets traffic in from, or out to, anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowAll {
    /// The rule item (`- {}`) or the `cidr` value.
    pub range: TextRange,
    /// What is allowed, for messages ("every source", "every IPv4 address").
    pub what: &'static str,
    /// Whether the rule restricts ports (`ports:` non-empty): then only those ports.
    pub ports_limited: bool,
}

/// A valid `networking.k8s.io` NetworkPolicy.
#[derive(Debug, Clone)]
pub struct Policy<'a> {
    /// Index of the object in the scan.
    pub index: usize,
    pub object: &'a Object,
    pub namespace: Option<&'a str>,
    pub pod_selector: Selector,
    /// The effective `policyTypes` (after the API server's defaulting).
    pub ingress: bool,
    pub egress: bool,
    /// Whether `policyTypes` is written (non-empty), for messages.
    pub types_written: bool,
    /// The rules that allow everything, per direction (only for directions in the
    /// effective types: rules of other directions are ignored by the plugin).
    pub allow_all_ingress: Vec<AllowAll>,
    pub allow_all_egress: Vec<AllowAll>,
}

impl Policy<'_> {
    /// Whether the policy isolates the pods it selects in `direction`.
    pub fn has_type(&self, direction: Direction) -> bool {
        match direction {
            Direction::Ingress => self.ingress,
            Direction::Egress => self.egress,
        }
    }

    pub fn allow_all(&self, direction: Direction) -> &[AllowAll] {
        match direction {
            Direction::Ingress => &self.allow_all_ingress,
            Direction::Egress => &self.allow_all_egress,
        }
    }

    /// Whether a rule of `direction` allows every source or destination on every port.
    pub fn allows_everything(&self, direction: Direction) -> bool {
        self.allow_all(direction).iter().any(|a| !a.ports_limited && a.what == EVERY_PEER)
    }

    /// Whether this is a default deny for `direction`: it selects every pod of its
    /// namespace (`podSelector: {}`), isolates them in `direction`, and does not
    /// allow everything back. Allow rules for some traffic keep it a default deny:
    /// no pod of the namespace is open in that direction unless a rule says so.
    pub fn is_default_deny(&self, direction: Direction) -> bool {
        self.pod_selector.selects_everything() && self.has_type(direction) && !self.allows_everything(direction)
    }

    /// The key a finding about the policy's selection points at: `spec.podSelector`,
    /// else `spec`, else the kind.
    pub fn selector_site(&self) -> TextRange {
        site(self.object, &["spec", "podSelector"])
    }
}

const EVERY_PEER: &str = "every source and destination";

/// The best key to point at for a path of an object: the deepest one present.
pub fn site(object: &Object, path: &[&str]) -> TextRange {
    (0..=path.len())
        .rev()
        .find_map(|n| object.at(&path[..n]).filter(|_| n > 0).map(|node| node.range))
        .or_else(|| object.root.get("kind").map(|k| k.range))
        .unwrap_or(object.root.range)
}

/// A NetworkPolicy the API server rejects: it isolates nothing.
#[derive(Debug, Clone)]
pub struct InvalidPolicy<'a> {
    pub index: usize,
    pub object: &'a Object,
    pub namespace: Option<&'a str>,
    pub error: SelectorError,
}

/// Where a policy of another engine applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope<'a> {
    /// A namespaced policy (the namespace the loader judged it in).
    Namespace(Option<&'a str>),
    /// A cluster-wide policy: it may select pods of any namespace.
    Cluster,
}

/// A policy of another engine (Cilium, Calico, AdminNetworkPolicy): where it applies,
/// coverage is not judged.
#[derive(Debug, Clone)]
pub struct OtherEngine<'a> {
    pub index: usize,
    pub object: &'a Object,
    pub scope: Scope<'a>,
}

/// An object that runs pods, with the policies that isolate them.
#[derive(Debug, Clone)]
pub struct Workload<'a> {
    pub index: usize,
    pub object: &'a Object,
    pub namespace: Option<&'a str>,
    pub labels: BTreeMap<String, String>,
    /// Indexes into [`Coverage::policies`] of the policies that isolate its pods.
    pub ingress: Vec<usize>,
    pub egress: Vec<usize>,
    /// Every policy whose selector matches its pods, whatever its types, in order.
    pub selected_by: Vec<usize>,
}

impl Workload<'_> {
    pub fn isolated_by(&self, direction: Direction) -> &[usize] {
        match direction {
            Direction::Ingress => &self.ingress,
            Direction::Egress => &self.egress,
        }
    }

    /// Where a coverage finding points: the pod template's labels, else the kind.
    pub fn site(&self) -> TextRange {
        self.object
            .pod_metadata()
            .and_then(|m| m.get("labels"))
            .map(|l| l.range)
            .or_else(|| self.object.root.get("kind").map(|k| k.range))
            .unwrap_or(self.object.root.range)
    }
}

/// The NetworkPolicy view of a scan.
#[derive(Debug, Clone, Default)]
pub struct Coverage<'a> {
    pub policies: Vec<Policy<'a>>,
    pub invalid: Vec<InvalidPolicy<'a>>,
    pub other_engines: Vec<OtherEngine<'a>>,
    pub workloads: Vec<Workload<'a>>,
    /// How many workloads each policy selects, by index into `policies`.
    pub selected_count: Vec<usize>,
    /// What each namespace holds, by index into the lists above.
    pub by_namespace: BTreeMap<Option<String>, NamespaceIndex>,
}

/// The workloads and policies of one namespace, by index into [`Coverage`]'s lists.
#[derive(Debug, Clone, Default)]
pub struct NamespaceIndex {
    pub workloads: Vec<usize>,
    pub policies: Vec<usize>,
    pub invalid: Vec<usize>,
    pub other_engines: Vec<usize>,
}

/// The API group of an `apiVersion` (`networking.k8s.io/v1` -> `networking.k8s.io`,
/// `v1` -> the core group `""`).
pub fn api_group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

/// Whether the object is a Kubernetes NetworkPolicy (and not Calico's, which has the
/// same kind).
pub fn is_network_policy(object: &Object) -> bool {
    object.kind == "NetworkPolicy" && matches!(api_group(&object.api_version), "networking.k8s.io" | "extensions")
}

/// The scope of another policy engine's object, or `None` for other objects.
fn other_engine_scope<'a>(object: &Object, namespace: Option<&'a str>) -> Option<Scope<'a>> {
    let group = api_group(&object.api_version);
    let namespaced = match (group, object.kind.as_str()) {
        ("cilium.io", "CiliumNetworkPolicy") => true,
        ("cilium.io", "CiliumClusterwideNetworkPolicy") => false,
        ("projectcalico.org" | "crd.projectcalico.org", "NetworkPolicy" | "StagedNetworkPolicy") => true,
        ("projectcalico.org" | "crd.projectcalico.org", "GlobalNetworkPolicy" | "StagedGlobalNetworkPolicy") => false,
        ("policy.networking.k8s.io", "AdminNetworkPolicy" | "BaselineAdminNetworkPolicy" | "ClusterNetworkPolicy") => {
            false
        }
        _ => return None,
    };
    Some(if namespaced { Scope::Namespace(namespace) } else { Scope::Cluster })
}

/// Kinds that have a pod template but run no pods themselves.
const TEMPLATE_ONLY: &[&str] = &["PodTemplate"];

/// Whether an object's owner (by `ownerReferences` kind and name) is in the scan in
/// the same namespace: a Pod of a ReplicaSet of a Deployment (a `kubectl get -o yaml`
/// dump) is judged once, through the outermost owner.
fn owned_in_scan(object: &Object, namespace: Option<&str>, present: &BTreeSet<(Option<&str>, &str, &str)>) -> bool {
    let Some(owners) = object.at(&["metadata", "ownerReferences"]).and_then(Node::as_seq) else { return false };
    owners.iter().any(|owner| {
        let kind = owner.get("kind").and_then(Node::as_str);
        let name = owner.get("name").and_then(Node::as_str);
        matches!((kind, name), (Some(k), Some(n)) if present.contains(&(namespace, k, n)))
    })
}

impl<'a> Coverage<'a> {
    /// Reads the policies and workloads of a scan; `namespaces[i]` is the namespace
    /// `objects[i]` is judged in.
    pub fn of(objects: &'a [Object], namespaces: &'a [Option<String>]) -> Self {
        let namespace_of = |i: usize| namespaces.get(i).and_then(|n| n.as_deref());
        let mut coverage = Coverage::default();
        let present: BTreeSet<(Option<&str>, &str, &str)> = objects
            .iter()
            .enumerate()
            .filter_map(|(i, o)| Some((namespace_of(i), o.kind.as_str(), o.name.as_deref()?)))
            .collect();
        for (index, object) in objects.iter().enumerate() {
            let namespace = namespace_of(index);
            if is_network_policy(object) {
                match read_policy(index, object, namespace) {
                    Ok(policy) => {
                        let entry = coverage.by_namespace.entry(namespace.map(str::to_owned)).or_default();
                        entry.policies.push(coverage.policies.len());
                        coverage.policies.push(policy);
                    }
                    Err(error) => {
                        let entry = coverage.by_namespace.entry(namespace.map(str::to_owned)).or_default();
                        entry.invalid.push(coverage.invalid.len());
                        coverage.invalid.push(InvalidPolicy { index, object, namespace, error });
                    }
                }
            } else if let Some(scope) = other_engine_scope(object, namespace) {
                coverage.other_engines.push(OtherEngine { index, object, scope });
            } else if object.pod_spec_path().is_some()
                && !TEMPLATE_ONLY.contains(&object.kind.as_str())
                && !owned_in_scan(object, namespace, &present)
            {
                let entry = coverage.by_namespace.entry(namespace.map(str::to_owned)).or_default();
                entry.workloads.push(coverage.workloads.len());
                coverage.workloads.push(Workload {
                    index,
                    object,
                    namespace,
                    labels: object.pod_labels(),
                    ingress: Vec::new(),
                    egress: Vec::new(),
                    selected_by: Vec::new(),
                });
            }
        }
        // Other engines after the namespaces are known: a cluster-wide one is in all.
        for (e, engine) in coverage.other_engines.iter().enumerate() {
            match engine.scope {
                Scope::Namespace(n) => {
                    coverage.by_namespace.entry(n.map(str::to_owned)).or_default().other_engines.push(e)
                }
                Scope::Cluster => coverage.by_namespace.values_mut().for_each(|ns| ns.other_engines.push(e)),
            }
        }
        coverage.selected_count = vec![0; coverage.policies.len()];
        let Coverage { policies, workloads, by_namespace, selected_count, .. } = &mut coverage;
        for index in by_namespace.values() {
            let labels = LabelIndex::new(policies, &index.policies);
            for &w in &index.workloads {
                let workload = &mut workloads[w];
                for p in labels.candidates(&workload.labels) {
                    let policy = &policies[p];
                    if !policy.pod_selector.matches(&workload.labels) {
                        continue;
                    }
                    selected_count[p] += 1;
                    workload.selected_by.push(p);
                    if policy.ingress {
                        workload.ingress.push(p);
                    }
                    if policy.egress {
                        workload.egress.push(p);
                    }
                }
            }
        }
        coverage
    }

    /// The namespaces that hold a workload or a NetworkPolicy, in order (`None`, the
    /// "namespace not set" group, first).
    pub fn namespaces(&self) -> BTreeSet<Option<&str>> {
        self.by_namespace
            .iter()
            .filter(|(_, i)| !(i.workloads.is_empty() && i.policies.is_empty() && i.invalid.is_empty()))
            .map(|(n, _)| n.as_deref())
            .collect()
    }

    fn index(&self, namespace: Option<&str>) -> Option<&NamespaceIndex> {
        // One small allocation per lookup; lookups are per namespace or workload.
        self.by_namespace.get(&namespace.map(str::to_owned))
    }

    /// The other engines' policies that may select pods of `namespace`: where there
    /// are any, coverage is not judged.
    pub fn other_engines_in(&self, namespace: Option<&str>) -> Vec<&OtherEngine<'a>> {
        match self.index(namespace) {
            Some(index) => index.other_engines.iter().map(|&e| &self.other_engines[e]).collect(),
            // A namespace with nothing of this view (a bare Namespace object) is
            // still under the cluster-wide engines.
            None => self.other_engines.iter().filter(|e| e.scope == Scope::Cluster).collect(),
        }
    }

    /// The first default-deny policy of `namespace` for `direction`.
    pub fn default_deny<'s>(&'s self, namespace: Option<&'s str>, direction: Direction) -> Option<&'s Policy<'a>> {
        self.policies_in(namespace).find(|p| p.is_default_deny(direction))
    }

    /// Whether a policy (index into `policies`) selects a workload of the scan.
    pub fn selects_any(&self, policy: usize) -> bool {
        self.selected_count.get(policy).is_some_and(|&n| n > 0)
    }

    /// The workloads of a namespace.
    pub fn workloads_in<'s>(&'s self, namespace: Option<&'s str>) -> impl Iterator<Item = &'s Workload<'a>> + 's {
        self.index(namespace).into_iter().flat_map(|i| i.workloads.iter().map(|&w| &self.workloads[w]))
    }

    /// The valid policies of a namespace, by index into `policies`, in order.
    pub fn by_namespace_policies(&self, namespace: Option<&str>) -> &[usize] {
        self.index(namespace).map_or(&[][..], |i| i.policies.as_slice())
    }

    /// The valid policies of a namespace.
    pub fn policies_in<'s>(&'s self, namespace: Option<&'s str>) -> impl Iterator<Item = &'s Policy<'a>> + 's {
        self.index(namespace).into_iter().flat_map(|i| i.policies.iter().map(|&p| &self.policies[p]))
    }

    /// The policies of a namespace the API server rejects.
    pub fn invalid_in<'s>(&'s self, namespace: Option<&'s str>) -> impl Iterator<Item = &'s InvalidPolicy<'a>> + 's {
        self.index(namespace).into_iter().flat_map(|i| i.invalid.iter().map(|&p| &self.invalid[p]))
    }
}

/// The policies of one namespace indexed by one `In` requirement each, so that a
/// workload is matched only against policies that can select it: a policy with an
/// `In` requirement selects only pods with that label and one of its values. Policies
/// without one (`{}`, only `NotIn`/`Exists`/`DoesNotExist`) are candidates for every
/// workload. Each policy is indexed under one key, so it is a candidate at most once.
struct LabelIndex<'p> {
    always: Vec<usize>,
    by_label: BTreeMap<(&'p str, &'p str), Vec<usize>>,
}

impl<'p> LabelIndex<'p> {
    fn new(policies: &'p [Policy<'_>], indexes: &[usize]) -> Self {
        let mut index = LabelIndex { always: Vec::new(), by_label: BTreeMap::new() };
        for &p in indexes {
            let first_in = policies[p].pod_selector.requirements.iter().find_map(|r| match r {
                Requirement::In { key, values } => Some((key, values)),
                _ => None,
            });
            match first_in {
                Some((key, values)) => {
                    let mut values: Vec<&str> = values.iter().map(String::as_str).collect();
                    values.sort_unstable();
                    values.dedup();
                    for value in values {
                        index.by_label.entry((key.as_str(), value)).or_default().push(p);
                    }
                }
                None => index.always.push(p),
            }
        }
        index
    }

    /// The candidate policies for a pod's labels, in policy order.
    fn candidates(&self, labels: &BTreeMap<String, String>) -> Vec<usize> {
        let mut found = self.always.clone();
        for (key, value) in labels {
            if let Some(ps) = self.by_label.get(&(key.as_str(), value.as_str())) {
                found.extend_from_slice(ps);
            }
        }
        found.sort_unstable();
        found
    }
}

/// How messages name a namespace group.
pub fn namespace_label(namespace: Option<&str>) -> String {
    match namespace {
        Some(n) => format!("namespace `{n}`"),
        None => "namespace not set".to_owned(),
    }
}

fn invalid(range: TextRange, message: impl Into<String>) -> SelectorError {
    SelectorError { range, message: message.into() }
}

fn read_policy<'a>(index: usize, object: &'a Object, namespace: Option<&'a str>) -> Result<Policy<'a>, SelectorError> {
    let spec = object.root.get("spec").filter(|s| !s.is_null());
    let spec_site = site(object, &["spec"]);
    if let Some(spec) = spec {
        if spec.as_map().is_none() {
            return Err(invalid(spec.range, "spec must be a mapping"));
        }
    }
    let field = |key: &str| spec.and_then(|s| s.get(key)).filter(|n| !n.is_null());
    // `podSelector` is a value field: missing decodes to `{}`, every pod.
    let pod_selector = match field("podSelector") {
        Some(node) => selector::parse(node)?,
        None => Selector::everything(spec_site),
    };
    let rules = |direction: Direction| -> Result<&[Node], SelectorError> {
        match field(direction.rules_key()) {
            None => Ok(&[]),
            Some(node) => node
                .as_seq()
                .ok_or_else(|| invalid(node.range, format!("{} must be a list of rules", direction.rules_key()))),
        }
    };
    let ingress_rules = rules(Direction::Ingress)?;
    let egress_rules = rules(Direction::Egress)?;
    let mut types = BTreeSet::new();
    if let Some(node) = field("policyTypes") {
        let items = node.as_seq().ok_or_else(|| invalid(node.range, "policyTypes must be a list"))?;
        for item in items {
            match item.as_str() {
                Some("Ingress") => types.insert(Direction::Ingress),
                Some("Egress") => types.insert(Direction::Egress),
                _ => {
                    return Err(invalid(
                        item.range,
                        "policyTypes holds only `Ingress` and `Egress`; the API server rejects other values",
                    ))
                }
            };
        }
    }
    let types_written = !types.is_empty();
    if !types_written {
        // The API server's defaulting (`SetDefaults_NetworkPolicy`).
        types.insert(Direction::Ingress);
        if !egress_rules.is_empty() {
            types.insert(Direction::Egress);
        }
    }
    let allow_all_ingress = allow_all(ingress_rules, Direction::Ingress)?;
    let allow_all_egress = allow_all(egress_rules, Direction::Egress)?;
    let ingress = types.contains(&Direction::Ingress);
    let egress = types.contains(&Direction::Egress);
    Ok(Policy {
        index,
        object,
        namespace,
        pod_selector,
        ingress,
        egress,
        types_written,
        allow_all_ingress: if ingress { allow_all_ingress } else { Vec::new() },
        allow_all_egress: if egress { allow_all_egress } else { Vec::new() },
    })
}

/// Validates the rules of one direction and returns those that allow everything.
fn allow_all(rules: &[Node], direction: Direction) -> Result<Vec<AllowAll>, SelectorError> {
    let mut found = Vec::new();
    for rule in rules {
        if rule.is_null() {
            // `- ` (a null rule) decodes to an empty rule: every peer, every port.
            found.push(AllowAll { range: rule.range, what: EVERY_PEER, ports_limited: false });
            continue;
        }
        if rule.as_map().is_none() {
            return Err(invalid(rule.range, format!("an {} rule must be a mapping", direction.rules_key())));
        }
        let ports_limited = rule.get("ports").and_then(Node::as_seq).is_some_and(|p| !p.is_empty());
        let peers = rule.get(direction.peers_key()).filter(|n| !n.is_null());
        let peers = match peers {
            None => &[][..],
            Some(node) => node
                .as_seq()
                .ok_or_else(|| invalid(node.range, format!("`{}` must be a list of peers", direction.peers_key())))?,
        };
        if peers.is_empty() {
            found.push(AllowAll { range: rule.range, what: EVERY_PEER, ports_limited });
        }
        for peer in peers {
            if let Some(all) = check_peer(peer)? {
                found.push(AllowAll { ports_limited, ..all });
            }
        }
    }
    Ok(found)
}

/// Validates one peer (the checks of `ValidateNetworkPolicyPeer`) and says whether it
/// is an ipBlock of every address.
fn check_peer(peer: &Node) -> Result<Option<AllowAll>, SelectorError> {
    if peer.as_map().is_none() {
        return Err(invalid(peer.range, "a peer must be a mapping"));
    }
    let get = |key: &str| peer.get(key).filter(|n| !n.is_null());
    let (pods, namespaces, block) = (get("podSelector"), get("namespaceSelector"), get("ipBlock"));
    for node in [pods, namespaces].into_iter().flatten() {
        selector::parse(node)?;
    }
    match (pods.is_some() || namespaces.is_some(), block) {
        (false, None) => Err(invalid(
            peer.range,
            "a peer needs podSelector, namespaceSelector or ipBlock; the API server rejects an empty one",
        )),
        (true, Some(block)) => Err(invalid(
            block.range,
            "ipBlock cannot be combined with podSelector or namespaceSelector; the API server rejects it",
        )),
        (true, None) => Ok(None),
        (false, Some(block)) => {
            let cidr = block
                .get("cidr")
                .filter(|c| c.as_str().is_some_and(|s| !s.is_empty()))
                .ok_or_else(|| invalid(block.range, "ipBlock needs a cidr; the API server rejects it"))?;
            let cidr_text = cidr.as_str().unwrap_or_default();
            if !is_cidr(cidr_text) {
                return Err(invalid(cidr.range, format!("`{cidr_text}` is not a CIDR; the API server rejects it")));
            }
            let excepts = block.get("except").and_then(Node::as_seq).unwrap_or_default();
            if let Some(bad) = excepts.iter().find(|e| !e.as_str().is_some_and(is_cidr)) {
                return Err(invalid(bad.range, "an ipBlock except entry must be a CIDR; the API server rejects it"));
            }
            let has_except = !excepts.is_empty();
            // A /0 prefix covers the whole family, whatever the address bits.
            let (address, prefix) = cidr_text.split_once('/').unwrap_or_default();
            let what = match (address.parse::<std::net::IpAddr>(), prefix.parse::<u8>()) {
                (Ok(std::net::IpAddr::V4(_)), Ok(0)) => "every IPv4 address",
                (Ok(std::net::IpAddr::V6(_)), Ok(0)) => "every IPv6 address",
                _ => return Ok(None),
            };
            Ok((!has_except).then_some(AllowAll { range: cidr.range, what, ports_limited: false }))
        }
    }
}

/// `address/prefix` with the prefix within the address family's width.
fn is_cidr(text: &str) -> bool {
    let Some((address, prefix)) = text.split_once('/') else { return false };
    let Ok(prefix) = prefix.parse::<u8>() else { return false };
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => prefix <= 32,
        Ok(std::net::IpAddr::V6(_)) => prefix <= 128,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockward_source::SourceFile;
    use dockward_yaml::Budget;

    fn scan(text: &str, default_namespace: Option<&str>) -> (Vec<Object>, Vec<Option<String>>) {
        let read = crate::objects_in(&SourceFile::new("m.yaml", None, text), &Budget::default());
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        let namespaces =
            read.objects.iter().map(|o| o.namespace.clone().or(default_namespace.map(str::to_owned))).collect();
        (read.objects, namespaces)
    }

    fn deployment(name: &str, namespace: Option<&str>, labels: &str) -> String {
        let ns = namespace.map(|n| format!(", namespace: {n}")).unwrap_or_default();
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}{ns}}}\nspec:\n  template:\n    metadata: {{labels: {labels}}}\n    spec: {{containers: [{{name: c, image: i}}]}}\n---\n"
        )
    }

    fn policy(name: &str, namespace: Option<&str>, spec: &str) -> String {
        let ns = namespace.map(|n| format!(", namespace: {n}")).unwrap_or_default();
        format!("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}{ns}}}\nspec: {spec}\n---\n")
    }

    /// (workload name, ingress-isolated, egress-isolated)
    fn isolation(text: &str) -> Vec<(String, bool, bool)> {
        let (objects, namespaces) = scan(text, None);
        let coverage = Coverage::of(&objects, &namespaces);
        coverage
            .workloads
            .iter()
            .map(|w| (w.object.name.clone().unwrap(), !w.ingress.is_empty(), !w.egress.is_empty()))
            .collect()
    }

    #[test]
    fn empty_pod_selector_selects_every_pod_of_the_namespace() {
        let text = deployment("web", Some("shop"), "{app: web}")
            + &deployment("bare", Some("shop"), "{}")
            + &policy("deny", Some("shop"), "{podSelector: {}}");
        assert_eq!(isolation(&text), [("web".into(), true, false), ("bare".into(), true, false)]);
        // A missing podSelector decodes to `{}` as well.
        let text = deployment("web", Some("shop"), "{app: web}") + &policy("deny", Some("shop"), "{}");
        assert_eq!(isolation(&text), [("web".into(), true, false)]);
    }

    #[test]
    fn policy_types_default_to_ingress_plus_egress_when_egress_rules_exist() {
        let web = deployment("web", Some("shop"), "{app: web}");
        let only_ingress = policy("p", Some("shop"), "{podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}");
        assert_eq!(isolation(&(web.clone() + &only_ingress)), [("web".into(), true, false)]);
        let with_egress = policy("p", Some("shop"), "{podSelector: {}, egress: [{to: [{podSelector: {}}]}]}");
        assert_eq!(isolation(&(web.clone() + &with_egress)), [("web".into(), true, true)]);
        // An empty list is defaulted the same way.
        let empty_types = policy("p", Some("shop"), "{podSelector: {}, policyTypes: []}");
        assert_eq!(isolation(&(web.clone() + &empty_types)), [("web".into(), true, false)]);
    }

    #[test]
    fn egress_only_policy_isolates_egress_alone_and_ignores_ingress_rules() {
        let web = deployment("web", Some("shop"), "{app: web}");
        let egress_deny = policy("p", Some("shop"), "{podSelector: {}, policyTypes: [Egress]}");
        let (objects, namespaces) = scan(&(web.clone() + &egress_deny), None);
        let coverage = Coverage::of(&objects, &namespaces);
        assert_eq!(coverage.workloads.iter().map(|w| (w.ingress.len(), w.egress.len())).collect::<Vec<_>>(), [(0, 1)]);
        assert!(coverage.default_deny(Some("shop"), Direction::Egress).is_some());
        assert!(coverage.default_deny(Some("shop"), Direction::Ingress).is_none());
        // Ingress rules of an Egress-only policy are ignored: no allow-all ingress.
        let text = web + &policy("p", Some("shop"), "{podSelector: {}, policyTypes: [Egress], ingress: [{}]}");
        let (objects, namespaces) = scan(&text, None);
        let coverage = Coverage::of(&objects, &namespaces);
        assert!(coverage.policies[0].allow_all_ingress.is_empty());
    }

    #[test]
    fn a_policy_selects_pods_of_its_own_namespace_only() {
        let text = deployment("web", Some("shop"), "{app: web}")
            + &deployment("api", Some("back"), "{app: web}")
            + &deployment("loose", None, "{app: web}")
            + &policy("p", Some("back"), "{podSelector: {}, policyTypes: [Ingress, Egress]}");
        assert_eq!(
            isolation(&text),
            [("web".into(), false, false), ("api".into(), true, true), ("loose".into(), false, false)]
        );
        // Two objects without a namespace are one group: the same namespace once applied.
        let text = deployment("loose", None, "{app: web}") + &policy("p", None, "{podSelector: {}}");
        assert_eq!(isolation(&text), [("loose".into(), true, false)]);
    }

    #[test]
    fn match_labels_and_expressions_are_anded_when_selecting_workloads() {
        let text = deployment("a", Some("n"), "{app: web, tier: front}")
            + &deployment("b", Some("n"), "{app: web, tier: back}")
            + &policy(
                "p",
                Some("n"),
                "{podSelector: {matchLabels: {app: web}, matchExpressions: [{key: tier, operator: NotIn, values: [back]}]}}",
            );
        assert_eq!(isolation(&text), [("a".into(), true, false), ("b".into(), false, false)]);
    }

    /// The label index must select exactly what matching every policy would.
    #[test]
    fn the_label_index_selects_what_a_full_match_does() {
        let selectors = [
            "{}",
            "{matchLabels: {app: a}}",
            "{matchLabels: {app: a, tier: x}}",
            "{matchExpressions: [{key: app, operator: In, values: [a, b]}]}",
            "{matchExpressions: [{key: tier, operator: NotIn, values: [x]}, {key: app, operator: In, values: [b]}]}",
            "{matchExpressions: [{key: tier, operator: Exists}]}",
            "{matchExpressions: [{key: app, operator: DoesNotExist}]}",
            "{matchExpressions: [{key: app, operator: In, values: [a, a]}, {key: tier, operator: In, values: [y]}]}",
        ];
        let labels =
            ["{}", "{app: a}", "{app: b}", "{app: a, tier: x}", "{app: b, tier: y}", "{tier: y}", "{app: a, tier: y}"];
        let mut text = String::new();
        for (i, l) in labels.iter().enumerate() {
            text += &deployment(&format!("w{i}"), Some("n"), l);
        }
        for (i, sel) in selectors.iter().enumerate() {
            text += &policy(&format!("p{i}"), Some("n"), &format!("{{podSelector: {sel}}}"));
        }
        let (objects, namespaces) = scan(&text, None);
        let coverage = Coverage::of(&objects, &namespaces);
        for workload in &coverage.workloads {
            let naive: Vec<usize> = (0..coverage.policies.len())
                .filter(|&p| coverage.policies[p].pod_selector.matches(&workload.labels))
                .collect();
            assert_eq!(workload.selected_by, naive, "{:?}", workload.labels);
        }
        let total: usize = coverage.workloads.iter().map(|w| w.selected_by.len()).sum();
        assert_eq!(coverage.selected_count.iter().sum::<usize>(), total);
        assert!(total > labels.len(), "the cases select something");
    }

    #[test]
    fn allow_all_rules_are_found_where_written() {
        let text = policy("open", Some("n"), "{podSelector: {}, ingress: [{}]}")
            + &policy("v4", Some("n"), "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}]}]}")
            + &policy(
                "except",
                Some("n"),
                "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]}]}",
            )
            + &policy("ports", Some("n"), "{podSelector: {}, ingress: [{ports: [{port: 80}]}]}")
            + &policy("pods", Some("n"), "{podSelector: {}, ingress: [{from: [{namespaceSelector: {}}]}]}");
        let (objects, namespaces) = scan(&text, None);
        let coverage = Coverage::of(&objects, &namespaces);
        let found: Vec<_> = coverage
            .policies
            .iter()
            .map(|p| p.allow_all_ingress.iter().map(|a| (objects[0].file.slice(a.range), a.ports_limited)).collect())
            .collect::<Vec<Vec<_>>>();
        assert_eq!(
            found,
            [vec![("{}", false)], vec![("0.0.0.0/0", false)], vec![], vec![("{ports: [{port: 80}]}", true)], vec![]]
        );
        assert!(coverage.policies[0].allows_everything(Direction::Ingress));
        assert!(!coverage.policies[0].is_default_deny(Direction::Ingress));
        // A default deny with allow rules for some traffic is still a default deny.
        assert!(coverage.policies[3].is_default_deny(Direction::Ingress));
    }

    #[test]
    fn invalid_policies_isolate_nothing() {
        let text = deployment("web", Some("n"), "{app: web}")
            + &policy("bad", Some("n"), "{podSelector: {matchExpressions: [{key: app, operator: In, values: []}]}}")
            + &policy("peer", Some("n"), "{podSelector: {}, ingress: [{from: [{}]}]}")
            + &policy("types", Some("n"), "{podSelector: {}, policyTypes: [Both]}")
            + &policy("cidr", Some("n"), "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/33}}]}]}")
            + &policy(
                "mixed",
                Some("n"),
                "{podSelector: {}, egress: [{to: [{podSelector: {}, ipBlock: {cidr: 10.0.0.0/8}}]}]}",
            );
        let (objects, namespaces) = scan(&text, None);
        let coverage = Coverage::of(&objects, &namespaces);
        assert!(coverage.policies.is_empty());
        assert_eq!(coverage.invalid.len(), 5);
        assert_eq!(objects[0].file.slice(coverage.invalid[3].error.range), "10.0.0.0/33");
        assert!(coverage.workloads[0].ingress.is_empty());
    }

    #[test]
    fn other_engines_and_calicos_same_named_kind_are_told_apart() {
        let text = "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: c, namespace: a}\nspec: {selector: all()}\n---\n\
                    apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: w}\nspec: {}\n---\n"
            .to_owned()
            + &deployment("web", Some("b"), "{app: web}");
        let (objects, namespaces) = scan(&text, None);
        let coverage = Coverage::of(&objects, &namespaces);
        assert!(coverage.policies.is_empty() && coverage.invalid.is_empty());
        assert_eq!(coverage.other_engines[0].scope, Scope::Namespace(Some("a")));
        assert_eq!(coverage.other_engines_in(Some("b")).len(), 1);
        assert_eq!(coverage.other_engines_in(Some("a")).len(), 2);
    }

    #[test]
    fn owned_objects_and_pod_templates_are_not_workloads_of_their_own() {
        let text = deployment("web", Some("n"), "{app: web}")
            + "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n  namespace: n\n  ownerReferences: [{kind: Deployment, name: web}]\nspec: {containers: []}\n---\n"
            + "apiVersion: v1\nkind: Pod\nmetadata:\n  name: orphan\n  namespace: n\n  ownerReferences: [{kind: ReplicaSet, name: gone}]\nspec: {containers: []}\n---\n"
            + "apiVersion: v1\nkind: PodTemplate\nmetadata: {name: t, namespace: n}\ntemplate: {spec: {containers: []}}\n";
        let names: Vec<_> = isolation(&text).into_iter().map(|(n, _, _)| n).collect();
        assert_eq!(names, ["web", "orphan"]);
    }
}
