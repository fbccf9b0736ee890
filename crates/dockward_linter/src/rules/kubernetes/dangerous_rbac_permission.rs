use dockward_diagnostics::{Location, RuleMeta};
use dockward_k8s::rbac::{Item, PolicyRule, Rbac};

use super::{grants, KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports each grant of a Role or ClusterRole rule that hands out more than it
    /// seems to:
    /// - `get`, `list` or `watch` on `secrets` (a `get` limited by `resourceNames` to
    ///   named Secrets is not reported: that is least privilege);
    /// - `create` on `pods/exec` or `pods/attach` (and `get`, which is enough over
    ///   WebSocket on clusters before Kubernetes 1.31 or with the
    ///   `AuthorizePodWebsocketUpgradeCreatePermission` gate off);
    /// - the verbs `escalate` and `bind` (on roles), and `impersonate`;
    /// - `create`, `update`, `patch`, `delete` or `deletecollection` on
    ///   `validatingwebhookconfigurations` or `mutatingwebhookconfigurations`;
    /// - approving CertificateSigningRequests (`update`/`patch` on
    ///   `certificatesigningrequests/approval`, or `approve` on `signers`).
    ///
    /// Only resources (and the verbs `escalate`, `bind`, `impersonate`) written by
    /// name are reported here: a `*` resource, or a `*` verb alone, is KS007's. A `*`
    /// verb on a named resource (`secrets`) is reported by both: the wildcard, and what
    /// it grants. The finding points at the resource (or the verb for `escalate`,
    /// `bind`, `impersonate`), with the verb and the bindings that grant the role as
    /// related locations.
    ///
    /// ## Why is this bad?
    /// Each of these is a path to more privilege than the role states: Secrets hold
    /// service account tokens and credentials; exec and attach run commands as any
    /// pod's service account; `escalate` and `bind` lift the rule that a subject can
    /// only grant what it holds; `impersonate` acts as any user or group, such as
    /// `system:masters`; a mutating webhook sees and rewrites every object created; an
    /// approved CSR is a client certificate for any identity.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Role
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["secrets"]
    ///   verbs: ["list"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["secrets"]
    ///   resourceNames: ["app-config"]
    ///   verbs: ["get"]
    /// ```
    ///
    /// ## How to fix
    /// Grant these only to the controllers that need them, limit them with
    /// `resourceNames`, and keep them out of roles bound to workloads.
    ///
    /// ## References
    /// - Kubernetes docs, "Role Based Access Control Good Practices", "Privilege escalation risks"
    /// - CIS Kubernetes Benchmark 5.1.2, "Minimize access to secrets"
    pub struct DangerousRbacPermission;
    code = "KS009", name = "dangerous-rbac-permission", severity = Warning,
    category = Security, target = Kubernetes, fix = None,
    summary = "An RBAC rule grants secrets read, exec/attach, escalate/bind/impersonate, webhook or CSR approval access",
    aliases = [
        "access-to-secrets", "CKV_K8S_155", "CKV_K8S_156", "CKV_K8S_157", "CKV_K8S_158",
        "KSV-0041", "KSV-0050", "KSV-0053", "C-0015", "C-0065",
    ],
}

/// One dangerous grant found in a rule: where to point, the verb granting it, and why.
struct Grant<'r> {
    at: &'r Item,
    verb: Option<&'r Item>,
    what: String,
}

const WRITE: &[&str] = &["create", "update", "patch", "delete", "deletecollection"];

fn grants_of(rule: &PolicyRule) -> Vec<Grant<'_>> {
    let mut found = Vec::new();
    let core = rule.has_group("");
    if core {
        if let Some(at) = rule.resource("secrets") {
            // With resourceNames, get reaches the named Secrets only; list and watch
            // are still reported (a list request does not name one object).
            let verbs: &[&str] =
                if rule.resource_names.is_empty() { &["get", "list", "watch"] } else { &["list", "watch"] };
            if let Some(verb) = rule.any_verb(verbs) {
                found.push(Grant {
                    at,
                    verb: Some(verb),
                    what: format!(
                        "`{}` on secrets: reads every Secret's data, service account tokens included",
                        verb.value
                    ),
                });
            }
        }
        for sub in ["pods/exec", "pods/attach"] {
            let Some(at) = rule.resource(sub) else { continue };
            if let Some(verb) = rule.any_verb(&["create"]) {
                found.push(Grant {
                    at,
                    verb: Some(verb),
                    what: format!("`{}` on {sub}: runs commands in any pod, as its service account", verb.value),
                });
            } else if let Some(verb) = rule.any_verb(&["get"]) {
                found.push(Grant {
                    at,
                    verb: Some(verb),
                    what: format!(
                        "`get` on {sub}: enough to run commands in any pod over WebSocket before Kubernetes 1.31"
                    ),
                });
            }
        }
    }
    for (verb, what) in [
        ("escalate", "lets the subject grant itself permissions it does not hold"),
        ("bind", "lets the subject bind roles with permissions it does not hold"),
        ("impersonate", "lets the subject act as other users, groups or service accounts"),
    ] {
        if let Some(item) = rule.verbs.iter().find(|v| v.value == verb) {
            found.push(Grant { at: item, verb: None, what: format!("`{verb}`: {what}") });
        }
    }
    if rule.has_group("admissionregistration.k8s.io") {
        for resource in ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"] {
            let Some(at) = rule.resource(resource) else { continue };
            if let Some(verb) = rule.any_verb(WRITE) {
                found.push(Grant {
                    at,
                    verb: Some(verb),
                    what: format!(
                        "`{}` on {resource}: intercepts (or disables checks on) every object the API server admits",
                        verb.value
                    ),
                });
            }
        }
    }
    if rule.has_group("certificates.k8s.io") {
        if let Some(at) = rule.resource("certificatesigningrequests/approval") {
            if let Some(verb) = rule.any_verb(&["update", "patch"]) {
                found.push(Grant {
                    at,
                    verb: Some(verb),
                    what: format!(
                        "`{}` on certificatesigningrequests/approval: approves client certificates",
                        verb.value
                    ),
                });
            }
        }
        if let Some(at) = rule.resource("signers") {
            if let Some(verb) = rule.verbs.iter().find(|v| v.value == "approve") {
                found.push(Grant {
                    at,
                    verb: Some(verb),
                    what: "`approve` on signers: approves client certificates for any identity the signer issues"
                        .to_owned(),
                });
            }
        }
    }
    found
}

impl KubernetesRule for DangerousRbacPermission {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        let rbac = Rbac::of(cx.objects, cx.namespaces);
        for role in rbac.roles.iter().filter(|r| grants::judged(r)) {
            for rule in &role.rules {
                for grant in grants_of(rule) {
                    let message =
                        format!("{} grants {}, {}", role.object.display_name(), grant.what, grants::scope(role));
                    let d = cx.report(&Self::META, role.object, grant.at.range, message);
                    d.help(
                        "grant this only to the controllers that need it, narrowed with resourceNames where possible",
                    );
                    if let Some(verb) = grant.verb {
                        d.related(Location::source(&role.object.file, verb.range), format!("verb `{}`", verb.value));
                    }
                    grants::relate_bindings(d, &rbac, role);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing;
    use super::*;

    fn role(rules: &str) -> String {
        format!("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: r, namespace: shop}}\nrules:\n{rules}")
    }

    fn run(text: &str) -> Vec<dockward_diagnostics::Diagnostic> {
        testing::run(&DangerousRbacPermission, &[("r.yaml", text)], None)
    }

    #[test]
    fn secrets_read_is_reported_at_the_resource_with_the_verb_related() {
        let text = role("- apiGroups: ['']\n  resources: [configmaps, secrets]\n  verbs: [watch]\n");
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].location.range().unwrap()], "secrets");
        assert_eq!(
            found[0].message,
            "Role/r grants `watch` on secrets: reads every Secret's data, service account tokens included, in namespace `shop`"
        );
        assert_eq!(&text[found[0].related[0].location.range().unwrap()], "watch");
    }

    #[test]
    fn get_on_named_secrets_is_least_privilege() {
        let text = role("- apiGroups: ['']\n  resources: [secrets]\n  resourceNames: [app-config]\n  verbs: [get]\n");
        assert!(run(&text).is_empty());
        let text =
            role("- apiGroups: ['']\n  resources: [secrets]\n  resourceNames: [app-config]\n  verbs: [get, list]\n");
        assert_eq!(run(&text).len(), 1);
    }

    #[test]
    fn exec_attach_escalate_bind_impersonate_webhooks_and_csr_approval() {
        let text = role(
            "- apiGroups: ['']\n  resources: [pods/exec, pods/attach, pods/log]\n  verbs: [create, get]\n\
             - apiGroups: [rbac.authorization.k8s.io]\n  resources: [roles]\n  verbs: [escalate, bind]\n\
             - apiGroups: ['']\n  resources: [users]\n  verbs: [impersonate]\n\
             - apiGroups: [admissionregistration.k8s.io]\n  resources: [mutatingwebhookconfigurations]\n  verbs: [patch]\n\
             - apiGroups: [admissionregistration.k8s.io]\n  resources: [validatingwebhookconfigurations]\n  verbs: [get, list]\n\
             - apiGroups: [certificates.k8s.io]\n  resources: [certificatesigningrequests/approval]\n  verbs: [update]\n",
        );
        let found = run(&text);
        let at: Vec<_> = found.iter().map(|d| &text[d.location.range().unwrap()]).collect();
        assert_eq!(
            at,
            [
                "pods/exec",
                "pods/attach",
                "escalate",
                "bind",
                "impersonate",
                "mutatingwebhookconfigurations",
                "certificatesigningrequests/approval"
            ]
        );
    }

    #[test]
    fn get_on_exec_is_reported_for_websocket_exec() {
        let found = run(&role("- apiGroups: ['']\n  resources: [pods/exec]\n  verbs: [get]\n"));
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("over WebSocket before Kubernetes 1.31"));
    }

    #[test]
    fn other_groups_and_wildcards_are_left_to_other_rules() {
        // `secrets` of another API group is not the core Secret.
        assert!(run(&role("- apiGroups: [example.com]\n  resources: [secrets]\n  verbs: [get]\n")).is_empty());
        // Wildcards are KS007's.
        assert!(run(&role("- apiGroups: ['']\n  resources: ['*']\n  verbs: [get]\n")).is_empty());
        // A `*` verb on a named resource is reported here.
        assert_eq!(run(&role("- apiGroups: ['']\n  resources: [secrets]\n  verbs: ['*']\n")).len(), 1);
    }

    #[test]
    fn bindings_that_grant_the_role_are_related() {
        let text = role("- apiGroups: ['']\n  resources: [secrets]\n  verbs: [list]\n")
            + "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: shop}\nroleRef: {kind: Role, name: r}\nsubjects: [{kind: ServiceAccount, name: web}]\n";
        let found = run(&text);
        assert_eq!(found[0].related[1].message, "RoleBinding/b grants it to ServiceAccount shop/web");
    }
}
