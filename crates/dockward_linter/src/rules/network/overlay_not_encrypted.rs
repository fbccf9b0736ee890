use crate::audit::{AuditContext, NetworkRule};
use crate::declare_rule;
use dockward_spec::NetworkView;

declare_rule! {
    /// ## What it does
    /// Flags overlay networks without the `encrypted` option. Swarm's `ingress` routing
    /// mesh network is not reported.
    ///
    /// ## Why is this bad?
    /// Overlay traffic between nodes travels in plain VXLAN over the hosts' network:
    /// anyone who can see that network reads (and can inject) container traffic. The
    /// `encrypted` option turns on IPsec between the nodes.
    ///
    /// ## Example
    /// `docker network create -d overlay backend`.
    ///
    /// ## Fix
    /// `docker network create -d overlay --opt encrypted backend`.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 7.3 "Ensure that data exchanged between containers are encrypted on different nodes on the overlay network"
    /// - Practices b, "Network Security"
    pub struct OverlayNotEncrypted;
    code = "NW003", name = "overlay-not-encrypted", severity = Warning,
    category = Security, target = Network, fix = None,
    summary = "An overlay network does not encrypt traffic between nodes",
    cis = ["7.3"],
    practices = ["a-encrypted-overlay"],
}

impl NetworkRule for OverlayNotEncrypted {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, networks: &[NetworkView], cx: &mut AuditContext<'_>) {
        for net in networks.iter().filter(|n| n.driver.value == "overlay" && n.name != "ingress") {
            if net.option("encrypted").is_none() {
                cx.report_value(&Self::META, &net.driver, format!("overlay network `{}` is not encrypted", net.name))
                    .help("recreate it with `--opt encrypted`");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::*;

    #[test]
    fn flags_plain_overlays() {
        let got = lint_networks(&OverlayNotEncrypted::META, &[network("backend", "overlay", &[], &[])]);
        assert_eq!(
            got,
            [("network/backend/Driver".to_string(), "overlay network `backend` is not encrypted".to_string())]
        );
    }

    #[test]
    fn passes_encrypted_ingress_and_bridges() {
        let nets = [
            network("secure", "overlay", &[("encrypted", "")], &[]),
            network("ingress", "overlay", &[], &[]),
            network("app", "bridge", &[], &[]),
        ];
        assert!(lint_networks(&OverlayNotEncrypted::META, &nets).is_empty());
    }
}
