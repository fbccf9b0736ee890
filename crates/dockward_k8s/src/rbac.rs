//! RBAC: Roles and ClusterRoles with their rules, (Cluster)RoleBindings with their
//! subjects, and who is bound to what, with the semantics of the RBAC authorizer:
//!
//! - a rule grants each verb in `verbs` on each resource in `resources` of each group
//!   in `apiGroups` (`""` is the core group); `*` matches everything in its field, and
//!   `*/sub` every resource's subresource `sub`;
//! - a RoleBinding grants its Role (same namespace) or a ClusterRole within its own
//!   namespace; a ClusterRoleBinding grants a ClusterRole everywhere;
//! - a ServiceAccount subject of a RoleBinding without `namespace` is in the binding's
//!   namespace; the groups `system:serviceaccounts`, `system:serviceaccounts:<ns>` and
//!   `system:authenticated`, and the user `system:serviceaccount:<ns>:<name>`, also
//!   name service accounts.

use std::collections::BTreeMap;

use dockward_source::TextRange;
use dockward_yaml::Node;

use crate::netpol::api_group;
use crate::Object;

/// One string of a rule's list, where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub value: String,
    pub range: TextRange,
}

/// One `rules` entry of a Role or ClusterRole.
#[derive(Debug, Clone)]
pub struct PolicyRule {
    pub api_groups: Vec<Item>,
    pub resources: Vec<Item>,
    pub verbs: Vec<Item>,
    /// `resourceNames`: when set, the rule grants access to those objects only.
    pub resource_names: Vec<Item>,
    /// `nonResourceURLs` (ClusterRoles only).
    pub non_resource_urls: Vec<Item>,
    /// The rule's item in `rules`.
    pub range: TextRange,
}

/// Whether a rule's value is a wildcard for its field (`*`, or `*/sub` for resources).
pub fn is_wildcard(value: &str) -> bool {
    value == "*" || value.starts_with("*/")
}

impl PolicyRule {
    /// The `verbs` item that grants `verb` (exactly, or `*`).
    pub fn verb(&self, verb: &str) -> Option<&Item> {
        self.verbs.iter().find(|v| v.value == verb).or_else(|| self.verbs.iter().find(|v| v.value == "*"))
    }

    /// The first of `verbs` granted, in the order given.
    pub fn any_verb(&self, verbs: &[&str]) -> Option<&Item> {
        verbs
            .iter()
            .find_map(|v| self.verbs.iter().find(|i| i.value == *v))
            .or_else(|| self.verbs.iter().find(|v| v.value == "*"))
    }

    /// Whether the rule covers API group `group` (exactly, or `*`).
    pub fn has_group(&self, group: &str) -> bool {
        self.api_groups.iter().any(|g| g.value == group || g.value == "*")
    }

    /// The `resources` item naming `resource` (`pods/exec`) exactly. Wildcards are
    /// left to the wildcard rule, so one grant is not reported twice.
    pub fn resource(&self, resource: &str) -> Option<&Item> {
        self.resources.iter().find(|r| r.value == resource)
    }

    /// Every wildcard item, per field name.
    pub fn wildcards(&self) -> impl Iterator<Item = (&'static str, &Item)> {
        [("apiGroups", &self.api_groups), ("resources", &self.resources), ("verbs", &self.verbs)]
            .into_iter()
            .flat_map(|(field, items)| items.iter().filter(|i| is_wildcard(&i.value)).map(move |i| (field, i)))
    }
}

/// A Role or ClusterRole.
#[derive(Debug, Clone)]
pub struct Role<'a> {
    pub index: usize,
    pub object: &'a Object,
    pub cluster: bool,
    pub namespace: Option<&'a str>,
    pub rules: Vec<PolicyRule>,
    /// A ClusterRole with an `aggregationRule`: its rules are filled in by the
    /// controller from other ClusterRoles, so the written ones are not what it grants.
    pub aggregated: bool,
}

/// A subject of a binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// `ServiceAccount`, `User` or `Group`.
    pub kind: String,
    pub name: String,
    /// The namespace of a ServiceAccount subject (defaulted to a RoleBinding's own).
    pub namespace: Option<String>,
    pub range: TextRange,
}

impl Subject {
    /// Whether this subject includes the service account `name` of `namespace`.
    pub fn includes_service_account(&self, namespace: Option<&str>, name: &str) -> bool {
        match self.kind.as_str() {
            "ServiceAccount" => self.name == name && self.namespace.as_deref() == namespace,
            "Group" => {
                self.name == "system:serviceaccounts"
                    || self.name == "system:authenticated"
                    || namespace.is_some_and(|n| self.name.strip_prefix("system:serviceaccounts:") == Some(n))
            }
            "User" => namespace.is_some_and(|n| {
                self.name
                    .strip_prefix("system:serviceaccount:")
                    .and_then(|rest| rest.split_once(':'))
                    .is_some_and(|(ns, sa)| ns == n && sa == name)
            }),
            _ => false,
        }
    }

    /// How messages name the subject (`ServiceAccount shop/web`, `Group devs`).
    pub fn describe(&self) -> String {
        match (&self.namespace, self.kind.as_str()) {
            (Some(ns), "ServiceAccount") => format!("ServiceAccount {ns}/{}", self.name),
            _ => format!("{} {}", self.kind, self.name),
        }
    }
}

/// A RoleBinding or ClusterRoleBinding.
#[derive(Debug, Clone)]
pub struct Binding<'a> {
    pub index: usize,
    pub object: &'a Object,
    pub cluster: bool,
    pub namespace: Option<&'a str>,
    /// `roleRef.kind` (`Role` or `ClusterRole`) and `roleRef.name`.
    pub role_kind: String,
    pub role_name: String,
    /// `roleRef.name`'s value, or the binding's kind.
    pub role_range: TextRange,
    pub subjects: Vec<Subject>,
}

impl Binding<'_> {
    /// Whether this is one of the bindings the API server creates and keeps itself
    /// (`kubernetes.io/bootstrapping: rbac-defaults`), as a cluster dump holds them.
    pub fn is_bootstrap(&self) -> bool {
        self.object.labels.get("kubernetes.io/bootstrapping").map(String::as_str) == Some("rbac-defaults")
    }
}

/// The RBAC view of a scan.
#[derive(Debug, Clone, Default)]
pub struct Rbac<'a> {
    pub roles: Vec<Role<'a>>,
    pub bindings: Vec<Binding<'a>>,
    /// The bindings by `roleRef` (kind, name), by index into `bindings`.
    by_role_ref: BTreeMap<(String, String), Vec<usize>>,
}

fn is_rbac(object: &Object) -> bool {
    api_group(&object.api_version) == "rbac.authorization.k8s.io"
}

fn items(node: Option<&Node>) -> Vec<Item> {
    node.and_then(Node::as_seq)
        .into_iter()
        .flatten()
        .filter_map(|n| Some(Item { value: n.as_str()?.to_owned(), range: n.range }))
        .collect()
}

impl<'a> Rbac<'a> {
    /// Reads the roles and bindings of a scan; `namespaces[i]` is the namespace
    /// `objects[i]` is judged in.
    pub fn of(objects: &'a [Object], namespaces: &'a [Option<String>]) -> Self {
        let mut rbac = Rbac::default();
        for (index, object) in objects.iter().enumerate() {
            if !is_rbac(object) {
                continue;
            }
            let namespace = namespaces.get(index).and_then(|n| n.as_deref());
            match object.kind.as_str() {
                "Role" | "ClusterRole" => {
                    let rules = object
                        .root
                        .get("rules")
                        .and_then(Node::as_seq)
                        .into_iter()
                        .flatten()
                        .filter(|r| r.as_map().is_some())
                        .map(|r| PolicyRule {
                            api_groups: items(r.get("apiGroups")),
                            resources: items(r.get("resources")),
                            verbs: items(r.get("verbs")),
                            resource_names: items(r.get("resourceNames")),
                            non_resource_urls: items(r.get("nonResourceURLs")),
                            range: r.range,
                        })
                        .collect();
                    let cluster = object.kind == "ClusterRole";
                    rbac.roles.push(Role {
                        index,
                        object,
                        cluster,
                        namespace: if cluster { None } else { namespace },
                        rules,
                        aggregated: cluster && object.root.get("aggregationRule").is_some_and(|a| !a.is_null()),
                    });
                }
                "RoleBinding" | "ClusterRoleBinding" => {
                    let cluster = object.kind == "ClusterRoleBinding";
                    let role_ref = object.root.get("roleRef");
                    let text = |key: &str| role_ref.and_then(|r| r.get(key)).and_then(Node::as_str).unwrap_or("");
                    let role_range = role_ref
                        .and_then(|r| r.get("name"))
                        .or_else(|| object.root.get("kind"))
                        .map_or(object.root.range, |n| n.range);
                    let subjects = object
                        .root
                        .get("subjects")
                        .and_then(Node::as_seq)
                        .into_iter()
                        .flatten()
                        .filter_map(|s| {
                            let kind = s.get("kind")?.as_str()?.to_owned();
                            let name = s.get("name")?.as_str()?.to_owned();
                            let written = s.get("namespace").and_then(Node::as_str).filter(|n| !n.is_empty());
                            let namespace = match (written, kind.as_str(), cluster) {
                                (Some(n), _, _) => Some(n.to_owned()),
                                // RBAC validation defaults it for RoleBindings only.
                                (None, "ServiceAccount", false) => namespace.map(str::to_owned),
                                _ => None,
                            };
                            Some(Subject { kind, name, namespace, range: s.range })
                        })
                        .collect();
                    rbac.by_role_ref
                        .entry((text("kind").to_owned(), text("name").to_owned()))
                        .or_default()
                        .push(rbac.bindings.len());
                    rbac.bindings.push(Binding {
                        index,
                        object,
                        cluster,
                        namespace: if cluster { None } else { namespace },
                        role_kind: text("kind").to_owned(),
                        role_name: text("name").to_owned(),
                        role_range,
                        subjects,
                    });
                }
                _ => {}
            }
        }
        rbac
    }

    /// The role a binding grants, when it is in the scan.
    pub fn role_of(&self, binding: &Binding<'_>) -> Option<&Role<'a>> {
        self.roles.iter().find(|r| {
            r.object.name.as_deref() == Some(binding.role_name.as_str())
                && match binding.role_kind.as_str() {
                    "ClusterRole" => r.cluster,
                    "Role" => !r.cluster && !binding.cluster && r.namespace == binding.namespace,
                    _ => false,
                }
        })
    }

    /// The bindings that grant `role`.
    pub fn bindings_of<'s>(&'s self, role: &'s Role<'_>) -> impl Iterator<Item = &'s Binding<'a>> + 's {
        let kind = if role.cluster { "ClusterRole" } else { "Role" };
        let key = (kind.to_owned(), role.object.name.clone().unwrap_or_default());
        let found = if role.object.name.is_some() { self.by_role_ref.get(&key) } else { None };
        found
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&b| &self.bindings[b])
            .filter(move |b| role.cluster || (!b.cluster && b.namespace == role.namespace))
    }

    /// The bindings of the scan that name the service account `name` of `namespace`
    /// (`None`: the "namespace not set" group) as a subject, directly or through a
    /// group.
    pub fn bindings_for(&self, namespace: Option<&str>, name: &str) -> Vec<&Binding<'a>> {
        self.bindings
            .iter()
            .filter(|b| b.subjects.iter().any(|s| s.includes_service_account(namespace, name)))
            .collect()
    }

    /// Whether any binding of the scan grants a role to the service account.
    pub fn is_bound(&self, namespace: Option<&str>, name: &str) -> bool {
        !self.bindings_for(namespace, name).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockward_source::SourceFile;
    use dockward_yaml::Budget;

    fn scan(text: &str) -> (Vec<Object>, Vec<Option<String>>) {
        let read = crate::objects_in(&SourceFile::new("r.yaml", None, text), &Budget::default());
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        let namespaces = read.objects.iter().map(|o| o.namespace.clone()).collect();
        (read.objects, namespaces)
    }

    const TEXT: &str =
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader, namespace: shop}\n\
rules:\n- apiGroups: ['']\n  resources: [secrets, '*/scale']\n  verbs: [get, list]\n---\n\
apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb, namespace: shop}\n\
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\n\
subjects:\n- {kind: ServiceAccount, name: web}\n- {kind: ServiceAccount, name: job, namespace: batch}\n---\n\
apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: all}\n\
roleRef: {kind: ClusterRole, name: view}\nsubjects: [{kind: Group, name: 'system:serviceaccounts:ops'}]\n";

    #[test]
    fn subjects_roles_and_bindings_are_resolved() {
        let (objects, namespaces) = scan(TEXT);
        let rbac = Rbac::of(&objects, &namespaces);
        assert_eq!(rbac.roles.len(), 1);
        assert_eq!(rbac.bindings.len(), 2);
        let rule = &rbac.roles[0].rules[0];
        assert_eq!(rule.resource("secrets").map(|i| i.value.as_str()), Some("secrets"));
        assert_eq!(rule.any_verb(&["watch", "list"]).map(|i| i.value.as_str()), Some("list"));
        assert_eq!(
            rule.wildcards().map(|(f, i)| (f, i.value.as_str())).collect::<Vec<_>>(),
            [("resources", "*/scale")]
        );
        assert!(rule.has_group(""));
        // A ServiceAccount subject without a namespace is in the RoleBinding's.
        assert!(rbac.is_bound(Some("shop"), "web"));
        assert!(!rbac.is_bound(Some("batch"), "web"));
        assert!(rbac.is_bound(Some("batch"), "job"));
        assert!(!rbac.is_bound(Some("shop"), "job"));
        // A group of every service account of a namespace.
        assert!(rbac.is_bound(Some("ops"), "anything"));
        assert!(!rbac.is_bound(None, "anything"));
        let binding = &rbac.bindings[0];
        assert_eq!(rbac.role_of(binding).map(|r| r.object.display_name()), Some("Role/reader".to_owned()));
        assert_eq!(rbac.bindings_of(&rbac.roles[0]).count(), 1);
        assert!(rbac.role_of(&rbac.bindings[1]).is_none());
    }

    #[test]
    fn a_role_binding_cannot_grant_a_role_of_another_namespace() {
        let text = TEXT.replace("name: rb, namespace: shop", "name: rb, namespace: other");
        let (objects, namespaces) = scan(&text);
        let rbac = Rbac::of(&objects, &namespaces);
        assert!(rbac.role_of(&rbac.bindings[0]).is_none());
        assert!(rbac.is_bound(Some("other"), "web"));
    }

    #[test]
    fn user_and_authenticated_subjects_name_service_accounts() {
        let text = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\n\
roleRef: {kind: ClusterRole, name: x}\nsubjects:\n- {kind: User, name: 'system:serviceaccount:shop:web'}\n- {kind: ServiceAccount, name: nons}\n";
        let (objects, namespaces) = scan(text);
        let rbac = Rbac::of(&objects, &namespaces);
        assert!(rbac.is_bound(Some("shop"), "web"));
        assert!(!rbac.is_bound(Some("shop"), "api"));
        // No default namespace for ClusterRoleBinding subjects.
        assert_eq!(rbac.bindings[0].subjects[1].namespace, None);
        let text = text.replace("User, name: 'system:serviceaccount:shop:web'", "Group, name: 'system:authenticated'");
        let (objects, namespaces) = scan(&text);
        assert!(Rbac::of(&objects, &namespaces).is_bound(Some("any"), "one"));
    }
}
