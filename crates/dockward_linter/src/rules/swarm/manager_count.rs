use crate::audit::{AuditContext, SwarmRule};
use crate::declare_rule;
use dockward_spec::SwarmView;

/// Raft slows down with every voter; Docker advises at most seven managers.
const MAX_MANAGERS: i64 = 7;

declare_rule! {
    /// ## What it does
    /// Checks the number of managers of a swarm (`/info` `Swarm.Managers` and
    /// `Swarm.Nodes`, read on a manager) and reports:
    /// - a single manager in a swarm of several nodes;
    /// - an even number of managers;
    /// - more than seven managers.
    ///
    /// A one-node swarm with its one manager passes: there is nothing to fail over to.
    ///
    /// ## Why is this bad?
    /// Managers keep the swarm's state with raft, which needs a majority of them: N
    /// managers survive the loss of (N-1)/2. A single manager is a single point of
    /// failure for the whole swarm (no scheduling, no updates, no secrets without it).
    /// An even number adds no fault tolerance over one manager fewer (4 survive one
    /// loss, like 3) but adds one more node whose loss counts, and a network split in
    /// two equal halves leaves neither with a majority. Beyond seven, every write waits
    /// for more managers to acknowledge it, so consensus slows down while fault
    /// tolerance is already ample.
    ///
    /// ## Example
    /// A swarm of five nodes with one manager; or two managers "for redundancy".
    ///
    /// ## Fix
    /// Run an odd number of managers, three or five for most swarms (seven at most):
    /// `docker node promote <node>` / `docker node demote <node>`.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 7.1 "Ensure that the minimum number of manager nodes have been created in a swarm"
    /// - Docker documentation, "Administer and maintain a swarm of Docker Engines" (raft fault tolerance)
    pub struct ManagerCount;
    code = "SW002", name = "swarm-manager-count", severity = Warning,
    category = Security, target = Swarm, fix = None,
    summary = "The swarm's number of managers gives no or needless fault tolerance",
    cis = ["7.1"],
    practices = ["b-daemon-hardening"],
}

impl SwarmRule for ManagerCount {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, swarm: &SwarmView, cx: &mut AuditContext<'_>) {
        let Some(managers) = &swarm.manager_count else { return };
        let n = managers.value;
        let nodes = swarm.node_count.as_ref().map_or(n, |c| c.value);
        let msg = if n == 1 && nodes > 1 {
            format!("the swarm has {nodes} nodes but a single manager: losing it leaves the swarm without control")
        } else if n > MAX_MANAGERS {
            format!("the swarm has {n} managers: more than {MAX_MANAGERS} slow down raft consensus")
        } else if n >= 2 && n % 2 == 0 {
            format!(
                "the swarm has {n} managers, an even number: they survive {} lost manager(s), like {}",
                (n - 1) / 2,
                n - 1
            )
        } else {
            return;
        };
        cx.report_value(&Self::META, managers, msg)
            .help("run an odd number of managers, 3 or 5 (at most 7): `docker node promote` / `docker node demote`");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::swarm::testing::*;

    fn with_counts(managers: i64, nodes: i64) -> SwarmView {
        let mut s = swarm();
        s.manager_count.as_mut().unwrap().value = managers;
        s.node_count.as_mut().unwrap().value = nodes;
        s
    }

    #[test]
    fn flags_a_lone_manager_even_counts_and_too_many() {
        let got = lint(&ManagerCount::META, &with_counts(1, 4), 0);
        assert_eq!(
            got,
            [(
                "swarm/Info.Swarm.Managers".to_string(),
                "the swarm has 4 nodes but a single manager: losing it leaves the swarm without control".to_string()
            )]
        );
        let got = lint(&ManagerCount::META, &with_counts(4, 6), 0);
        assert_eq!(got[0].1, "the swarm has 4 managers, an even number: they survive 1 lost manager(s), like 3");
        assert!(lint(&ManagerCount::META, &with_counts(2, 2), 0)[0].1.contains("survive 0 lost"));
        assert!(lint(&ManagerCount::META, &with_counts(9, 20), 0)[0].1.contains("more than 7"));
    }

    #[test]
    fn passes_odd_counts_a_single_node_swarm_and_workers() {
        for (m, n) in [(1, 1), (3, 3), (3, 10), (5, 8), (7, 30)] {
            assert!(lint(&ManagerCount::META, &with_counts(m, n), 0).is_empty(), "{m} managers of {n}");
        }
        let mut worker = swarm();
        worker.manager_count = None;
        assert!(lint(&ManagerCount::META, &worker, 0).is_empty());
    }
}
