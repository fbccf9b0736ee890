//! What the RBAC rules (KS007, KS009) share: which roles to judge, how a role's
//! scope reads, and the bindings that grant it as related locations.

use dockward_diagnostics::{Diagnostic, Location};
use dockward_k8s::rbac::{Rbac, Role};

/// Whether a role is judged: not one the API server creates and reconciles itself
/// (`kubernetes.io/bootstrapping: rbac-defaults`, as in a cluster dump), and not an
/// aggregated ClusterRole (its rules are filled in from the roles it aggregates,
/// which are judged themselves).
pub(super) fn judged(role: &Role<'_>) -> bool {
    !role.aggregated
        && role.object.labels.get("kubernetes.io/bootstrapping").map(String::as_str) != Some("rbac-defaults")
}

/// Where the role's grants apply, for messages.
pub(super) fn scope(role: &Role<'_>) -> String {
    match (role.cluster, role.namespace) {
        (true, _) => {
            "in every namespace once bound by a ClusterRoleBinding, in the binding's namespace by a RoleBinding"
                .to_owned()
        }
        (false, Some(ns)) => format!("in namespace `{ns}`"),
        (false, None) => "in its namespace (namespace not set)".to_owned(),
    }
}

/// At most this many bindings, or subjects of one, are named per finding.
pub(super) const MAX_NAMED: usize = 10;

/// The subjects of a binding for a message: the first few, then a count.
pub(super) fn subjects_text(subjects: &[dockward_k8s::rbac::Subject], none: &str) -> String {
    if subjects.is_empty() {
        return none.to_owned();
    }
    let mut names: Vec<String> = subjects.iter().take(MAX_NAMED).map(|s| s.describe()).collect();
    if subjects.len() > MAX_NAMED {
        names.push(format!("{} more subjects", subjects.len() - MAX_NAMED));
    }
    names.join(", ")
}

/// Adds the bindings of the scan that grant `role` (the first few), with their subjects.
pub(super) fn relate_bindings(d: &mut Diagnostic, rbac: &Rbac<'_>, role: &Role<'_>) {
    for binding in rbac.bindings_of(role).take(MAX_NAMED) {
        let to = subjects_text(&binding.subjects, "no subject");
        d.related(
            Location::source(&binding.object.file, binding.role_range),
            format!("{} grants it to {to}", binding.object.display_name()),
        );
    }
}
