use crate::audit::{AuditContext, SwarmRule};
use crate::declare_rule;
use dockward_spec::SwarmView;

declare_rule! {
    /// ## What it does
    /// Reports that the engine is part of a swarm (`/info` `Swarm.LocalNodeState` is
    /// `active`, `pending`, `locked` or `error`). A host outside any swarm passes.
    ///
    /// ## Why is this bad?
    /// Swarm mode opens the management port (2377/tcp on a manager), the gossip port
    /// (7946/tcp+udp) and the overlay data path (4789/udp), runs a raft store and a
    /// certificate authority, and lets any manager schedule containers onto the node.
    /// None of that is needed on a host that runs its containers on its own. It is only
    /// information: on a node that is meant to be in a swarm, ignore this rule
    /// (`ignore = ["SW001"]` in dockward.toml).
    ///
    /// ## Example
    /// `docker swarm init` was run once to try a stack, and the node stayed a manager.
    ///
    /// ## Fix
    /// `docker swarm leave` (`--force` on the last manager) when the host does not need
    /// swarm mode.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 5.1 "Ensure swarm mode is not Enabled, if not needed"
    pub struct SwarmModeEnabled;
    code = "SW001", name = "swarm-mode-enabled", severity = Info,
    category = Security, target = Swarm, fix = None,
    summary = "The engine is part of a swarm",
    cis = ["5.1"],
    practices = ["b-daemon-hardening"],
}

impl SwarmRule for SwarmModeEnabled {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, swarm: &SwarmView, cx: &mut AuditContext<'_>) {
        let role = if swarm.manager { "a manager" } else { "a node" };
        let state = &swarm.local_node_state;
        let msg = format!("swarm mode is enabled: this engine is {role} of a swarm (state `{}`)", state.value);
        cx.report_value(&Self::META, state, msg).help("run `docker swarm leave` if this host does not need swarm mode");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::swarm::testing::*;

    #[test]
    fn reports_managers_and_workers() {
        let got = lint(&SwarmModeEnabled::META, &swarm(), 0);
        assert_eq!(
            got,
            [(
                "swarm/Info.Swarm.LocalNodeState".to_string(),
                "swarm mode is enabled: this engine is a manager of a swarm (state `active`)".to_string()
            )]
        );
        let mut worker = swarm();
        worker.manager = false;
        worker.local_node_state.value = "locked".into();
        assert!(lint(&SwarmModeEnabled::META, &worker, 0)[0].1.contains("a node of a swarm (state `locked`)"));
    }
}
