//! Swarm rules (SW family), over the swarm a node belongs to: its own state, and on a
//! manager the cluster's settings and nodes. Services are checked by the CT rules.

pub mod autolock_disabled;
pub mod ca_cert_too_old;
pub mod manager_count;
pub mod node_cert_expiry_too_long;
pub mod swarm_mode_enabled;
pub mod swarm_port_on_all_interfaces;

#[cfg(test)]
pub(crate) mod testing {
    use dockward_diagnostics::RuleMeta;
    use dockward_spec::live::{logical, logical_scope};
    use dockward_spec::{ClusterSettings, NodeView, SwarmView, Val};

    use crate::audit::lint_swarm;
    use crate::audit::testing::{findings, settings_for};
    use crate::settings::Settings;

    /// A one-node swarm whose node is its manager, with Docker's default settings.
    pub fn swarm() -> SwarmView {
        let at = |p: &str| logical("swarm", p);
        SwarmView {
            local_node_state: Val::new("active".into(), at("Info.Swarm.LocalNodeState")),
            node_addr: Some(Val::new("10.0.0.1".into(), at("Info.Swarm.NodeAddr"))),
            manager: true,
            node_count: Some(Val::new(1, at("Info.Swarm.Nodes"))),
            manager_count: Some(Val::new(1, at("Info.Swarm.Managers"))),
            cluster: Some(ClusterSettings {
                auto_lock_managers: Val::new(true, at("Spec.EncryptionConfig.AutoLockManagers")),
                node_cert_expiry_secs: Some(Val::new(90 * 86400, at("Spec.CAConfig.NodeCertExpiry"))),
                ca_not_before: Some(Val::new(0, at("TLSInfo.TrustRoot"))),
                data_path_port: None,
                default_addr_pool: Vec::new(),
            }),
            nodes: vec![node("m1", "manager", "10.0.0.1")],
            services: Vec::new(),
            secrets: Vec::new(),
            configs: Vec::new(),
            listening: None,
        }
    }

    pub fn node(hostname: &str, role: &str, ip: &str) -> NodeView {
        let scope = logical_scope("node", hostname);
        NodeView {
            hostname: hostname.into(),
            role: Val::new(role.into(), logical(&scope, "Spec.Role")),
            availability: None,
            state: None,
            addr: Some(Val::new(ip.into(), logical(&scope, "Status.Addr"))),
            manager_addr: (role == "manager")
                .then(|| Val::new(format!("{ip}:2377"), logical(&scope, "ManagerStatus.Addr"))),
            reachability: None,
        }
    }

    pub fn lint(meta: &'static RuleMeta, s: &SwarmView, now: i64) -> Vec<(String, String)> {
        findings(meta, lint_swarm(s, &settings_for(meta), now))
    }

    pub fn lint_with(meta: &'static RuleMeta, s: &SwarmView, now: i64, settings: Settings) -> Vec<(String, String)> {
        findings(meta, lint_swarm(s, &settings, now))
    }
}
