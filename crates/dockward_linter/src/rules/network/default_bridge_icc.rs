use crate::audit::{AuditContext, NetworkRule};
use crate::declare_rule;
use dockward_spec::NetworkView;

declare_rule! {
    /// ## What it does
    /// Flags the default `bridge` network when inter-container communication is on:
    /// its option `com.docker.network.bridge.enable_icc` is `true` or absent (the
    /// daemon's `--icc` default). User-defined bridges are per application and meant
    /// to let their members talk; they are not reported.
    ///
    /// ## Why is this bad?
    /// With ICC on, any container on the default bridge reaches every port of every
    /// other one: one compromised container can attack all the unrelated workloads
    /// started without `--network`.
    ///
    /// ## Example
    /// `docker network inspect bridge` shows `"com.docker.network.bridge.enable_icc": "true"`.
    ///
    /// ## Fix
    /// Set `"icc": false` in daemon.json (restart the daemon) and give applications
    /// user-defined networks.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 2.2 "Ensure network traffic is restricted between containers on the default bridge"
    /// - Practices b, "Network Security"
    pub struct DefaultBridgeIcc;
    code = "NW002", name = "default-bridge-icc", severity = Warning,
    category = Security, target = Network, fix = None,
    summary = "Containers on the default bridge can reach each other (ICC on)",
    cis = ["2.2"],
    practices = ["b-no-icc"],
}

const ICC: &str = "com.docker.network.bridge.enable_icc";

impl NetworkRule for DefaultBridgeIcc {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, networks: &[NetworkView], cx: &mut AuditContext<'_>) {
        for net in networks.iter().filter(|n| n.is_default_bridge()) {
            match net.option(ICC) {
                Some(v) if v.value == "false" => {}
                Some(v) => {
                    cx.report_value(&Self::META, v, format!("ICC is on for the default bridge `{}`", net.name))
                        .help("set `\"icc\": false` in daemon.json");
                }
                None => {
                    cx.report(
                        &Self::META,
                        &net.origin,
                        format!("ICC is on for the default bridge `{}` (daemon default)", net.name),
                    )
                    .help("set `\"icc\": false` in daemon.json");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::*;

    #[test]
    fn flags_icc_on_the_default_bridge() {
        let got = lint_networks(&DefaultBridgeIcc::META, &[network("bridge", "bridge", &[(ICC, "true")], &[])]);
        assert_eq!(
            got,
            [(format!("network/bridge/Options.{ICC}"), "ICC is on for the default bridge `bridge`".to_string())]
        );
        let got = lint_networks(&DefaultBridgeIcc::META, &[network("bridge", "bridge", &[], &[])]);
        assert_eq!(got[0].0, "network/bridge/Driver");
    }

    #[test]
    fn passes_icc_off_and_user_defined_bridges() {
        let nets =
            [network("bridge", "bridge", &[(ICC, "false")], &[]), network("app", "bridge", &[(ICC, "true")], &[])];
        assert!(lint_networks(&DefaultBridgeIcc::META, &nets).is_empty());
    }
}
