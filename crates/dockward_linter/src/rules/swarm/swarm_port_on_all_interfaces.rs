use crate::audit::{AuditContext, SwarmRule};
use crate::declare_rule;
use dockward_spec::SwarmView;

/// Swarm's node-to-node gossip port (memberlist), TCP and UDP; not configurable.
const GOSSIP_PORT: u16 = 7946;
/// The default manager (raft and API) port, when no manager address says otherwise.
const MANAGER_PORT: u16 = 2377;

declare_rule! {
    /// ## What it does
    /// With `--host-root`, reports swarm ports listening on every interface (`0.0.0.0`
    /// or `::` in the host's `proc/net/tcp` and `proc/net/tcp6`): the managers' port
    /// (the port of each `ManagerStatus.Addr`, 2377 by default) and the gossip port
    /// 7946. Without `--host-root` the rule says nothing: the Engine API shows the
    /// address a node advertises, not the one it listens on (`--listen-addr`, which
    /// defaults to `0.0.0.0:2377`).
    ///
    /// ## Why is this bad?
    /// A node in a multi-homed host (a public and a private interface) that listens on
    /// every interface offers the swarm's control plane on the public one too: anyone
    /// who reaches it can try to join with a leaked token, or attack the raft and
    /// gossip endpoints. Binding to the private interface keeps the swarm's traffic on
    /// the network meant for it.
    ///
    /// ## Example
    /// `docker swarm init` (listens on `0.0.0.0:2377` and `0.0.0.0:7946`).
    ///
    /// ## Fix
    /// `docker swarm init --listen-addr 10.0.0.5:2377 --advertise-addr 10.0.0.5`
    /// (`docker swarm join --listen-addr ...` on the other nodes); an existing node has
    /// to leave and join again to change it.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 7.2 "Ensure that swarm services are bound to a specific host interface"
    pub struct SwarmPortOnAllInterfaces;
    code = "SW003", name = "swarm-port-on-all-interfaces", severity = Warning,
    category = Security, target = Swarm, fix = None,
    summary = "A swarm port listens on every interface of the host",
    cis = ["7.2"],
    practices = ["b-bind-ports"],
}

impl SwarmRule for SwarmPortOnAllInterfaces {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn needs_host_root(&self) -> bool {
        true
    }

    fn check(&self, swarm: &SwarmView, cx: &mut AuditContext<'_>) {
        let Some(listening) = &swarm.listening else { return };
        let mut manager_ports: Vec<u16> = swarm
            .nodes
            .iter()
            .filter_map(|n| n.manager_addr.as_ref())
            .filter_map(|a| a.value.rsplit_once(':').and_then(|(_, p)| p.parse().ok()))
            .collect();
        if manager_ports.is_empty() {
            manager_ports.push(MANAGER_PORT);
        }
        for l in listening.iter().filter(|l| l.is_wildcard()) {
            let what = if manager_ports.contains(&l.port) {
                "swarm manager port"
            } else if l.port == GOSSIP_PORT {
                "swarm gossip port"
            } else {
                continue;
            };
            let msg = format!("the {what} {} listens on every interface (`{}`)", l.port, l.ip);
            cx.report(&Self::META, &l.at, msg)
                .help("give the node a specific `--listen-addr` (leave and join the swarm again)");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::swarm::testing::*;
    use dockward_source::SourceFile;

    fn listening(tcp: &str) -> SwarmView {
        let mut s = swarm();
        s.listening = Some(dockward_spec::swarm::listening_sockets(&SourceFile::new("proc/net/tcp", None, tcp)));
        s
    }

    #[test]
    fn flags_manager_and_gossip_ports_on_every_interface() {
        let s = listening(
            "  sl  local_address rem_address   st\n\
   0: 00000000:0949 00000000:0000 0A\n\
   1: 00000000:1F0A 00000000:0000 0A\n\
   2: 00000000:0016 00000000:0000 0A\n",
        );
        let got: Vec<String> = lint(&SwarmPortOnAllInterfaces::META, &s, 0).into_iter().map(|f| f.1).collect();
        assert_eq!(
            got,
            [
                "the swarm manager port 2377 listens on every interface (`0.0.0.0`)",
                "the swarm gossip port 7946 listens on every interface (`0.0.0.0`)"
            ]
        );
    }

    #[test]
    fn follows_the_managers_port() {
        let mut s = listening("0: 00000000:0949 00000000:0000 0A\n1: 00000000:2710 00000000:0000 0A\n");
        s.nodes[0].manager_addr.as_mut().unwrap().value = "10.0.0.1:10000".into();
        let got = lint(&SwarmPortOnAllInterfaces::META, &s, 0);
        assert_eq!(got.len(), 1);
        assert!(got[0].1.contains("manager port 10000"), "{got:?}");
    }

    #[test]
    fn passes_specific_addresses_and_without_host_files() {
        let s = listening("0: 0100000A:0949 00000000:0000 0A\n1: 0100007F:1F0A 00000000:0000 0A\n");
        assert!(lint(&SwarmPortOnAllInterfaces::META, &s, 0).is_empty());
        assert!(lint(&SwarmPortOnAllInterfaces::META, &swarm(), 0).is_empty());
    }
}
