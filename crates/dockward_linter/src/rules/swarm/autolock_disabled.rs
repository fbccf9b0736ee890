use crate::audit::{AuditContext, SwarmRule};
use crate::declare_rule;
use dockward_spec::SwarmView;

declare_rule! {
    /// ## What it does
    /// Reports a swarm whose managers do not run in auto-lock mode
    /// (`Spec.EncryptionConfig.AutoLockManagers` is false or absent). Read on a manager.
    ///
    /// ## Why is this bad?
    /// A manager's raft log holds the swarm's secrets, configs and the keys of its
    /// certificate authority, encrypted with a key that is stored on the manager's disk
    /// next to it. Anyone who copies `/var/lib/docker/swarm` (a stolen disk, a backup)
    /// can decrypt it. With auto-lock, that key is itself encrypted with an unlock key
    /// that is not stored on the node: a restarted manager stays locked until
    /// `docker swarm unlock` is given the key.
    ///
    /// ## Example
    /// `docker swarm init` (auto-lock is off by default).
    ///
    /// ## Fix
    /// `docker swarm update --autolock=true`, and keep the printed unlock key in a
    /// password manager (`docker swarm init --autolock` for a new swarm).
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 7.5 "Ensure that swarm manager is run in auto-lock mode"
    /// - Docker documentation, "Lock your swarm to protect its encryption key"
    pub struct AutolockDisabled;
    code = "SW004", name = "swarm-autolock-disabled", severity = Warning,
    category = Security, target = Swarm, fix = None,
    summary = "The swarm's managers do not run in auto-lock mode",
    cis = ["7.5"],
    practices = ["b-daemon-hardening"],
}

impl SwarmRule for AutolockDisabled {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, swarm: &SwarmView, cx: &mut AuditContext<'_>) {
        let Some(cluster) = &swarm.cluster else { return };
        if !cluster.auto_lock_managers.value {
            cx.report_value(
                &Self::META,
                &cluster.auto_lock_managers,
                "swarm managers are not auto-locked: the raft encryption key is stored unencrypted on their disks",
            )
            .help("run `docker swarm update --autolock=true` and keep the unlock key safe");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::swarm::testing::*;

    #[test]
    fn flags_a_swarm_without_autolock() {
        let mut s = swarm();
        s.cluster.as_mut().unwrap().auto_lock_managers.value = false;
        let got = lint(&AutolockDisabled::META, &s, 0);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "swarm/Spec.EncryptionConfig.AutoLockManagers");
    }

    #[test]
    fn passes_autolock_and_says_nothing_on_a_worker() {
        assert!(lint(&AutolockDisabled::META, &swarm(), 0).is_empty());
        let mut worker = swarm();
        worker.manager = false;
        worker.cluster = None;
        assert!(lint(&AutolockDisabled::META, &worker, 0).is_empty());
    }
}
