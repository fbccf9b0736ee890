use crate::audit::{AuditContext, NetworkRule};
use crate::declare_rule;
use dockward_spec::NetworkView;

declare_rule! {
    /// ## What it does
    /// Flags each audited container attached to the daemon's default `bridge` network
    /// (`docker0`), at the container's `NetworkSettings.Networks.bridge` field.
    ///
    /// ## Why is this bad?
    /// Every container started without `--network` lands on the default bridge, so
    /// unrelated workloads share one flat network (with ICC on, they can all reach each
    /// other), and the default bridge has no name-based discovery to tempt people into
    /// legacy `--link`s. User-defined networks isolate each application.
    ///
    /// ## Example
    /// `docker run -d nginx:1.27` (no `--network`).
    ///
    /// ## Fix
    /// Create a network per application (`docker network create app`) and start its
    /// containers with `--network app` (Compose does this by default).
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 5.30 "Ensure that Docker's default bridge 'docker0' is not used"
    /// - Practices b, "Network Security"
    pub struct DefaultBridgeInUse;
    code = "NW001", name = "default-bridge-in-use", severity = Warning,
    category = Security, target = Network, fix = None,
    summary = "A container is attached to the default bridge network",
    cis = ["5.30"],
    practices = ["a-custom-networks", "b-custom-networks"],
}

impl NetworkRule for DefaultBridgeInUse {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, networks: &[NetworkView], cx: &mut AuditContext<'_>) {
        for net in networks.iter().filter(|n| n.is_default_bridge()) {
            for at in &net.attached {
                cx.report_value(&Self::META, at, format!("on the default bridge network `{}`", net.name))
                    .help("attach the container to a user-defined network instead");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::*;

    #[test]
    fn flags_containers_on_the_default_bridge() {
        let nets = [network("bridge", "bridge", &[], &["a", "b"]), network("app", "bridge", &[], &["c"])];
        let got = lint_networks(&DefaultBridgeInUse::META, &nets);
        assert_eq!(
            got,
            [
                (
                    "container/a/NetworkSettings.Networks.bridge".to_string(),
                    "on the default bridge network `bridge`".to_string()
                ),
                (
                    "container/b/NetworkSettings.Networks.bridge".to_string(),
                    "on the default bridge network `bridge`".to_string()
                ),
            ]
        );
    }

    #[test]
    fn passes_user_defined_networks_and_an_empty_default_bridge() {
        let nets = [network("bridge", "bridge", &[], &[]), network("app", "bridge", &[], &["c"])];
        assert!(lint_networks(&DefaultBridgeInUse::META, &nets).is_empty());
    }
}
