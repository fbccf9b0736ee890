//! The CIS Docker Benchmark 1.6.0 control catalogue, for `dockward audit --format cis`.
//! Titles are dockward's short wording of each control; the benchmark has the full text.
//! Which dockward rules automate a control comes from the rules' own `cis` metadata.

use dockward_diagnostics::{RuleMeta, Target};

use crate::registry::{
    CONTAINER_RULES, DAEMON_RULES, ENGINE_RULES, HOST_RULES, IMAGE_RULES, NETWORK_RULES, SWARM_RULES,
};

/// One control of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Control {
    pub id: &'static str,
    pub title: &'static str,
    /// The benchmark marks it Automated (scored) rather than Manual.
    pub automated: bool,
}

const fn c(id: &'static str, title: &'static str, automated: bool) -> Control {
    Control { id, title, automated }
}

/// Every control of CIS Docker Benchmark 1.6.0, in benchmark order.
pub static CIS_1_6_CONTROLS: &[Control] = &[
    c("1.1.1", "Separate partition for containers", true),
    c("1.1.2", "Only trusted users control the Docker daemon", true),
    c("1.1.3", "Auditing of the Docker daemon binary", true),
    c("1.1.4", "Auditing of /run/containerd", true),
    c("1.1.5", "Auditing of /var/lib/docker", true),
    c("1.1.6", "Auditing of /etc/docker", true),
    c("1.1.7", "Auditing of docker.service", true),
    c("1.1.8", "Auditing of containerd.sock", true),
    c("1.1.9", "Auditing of docker.socket", true),
    c("1.1.10", "Auditing of /etc/default/docker", true),
    c("1.1.11", "Auditing of /etc/docker/daemon.json", true),
    c("1.1.12", "Auditing of /etc/containerd/config.toml", true),
    c("1.1.13", "Auditing of /etc/sysconfig/docker", true),
    c("1.1.14", "Auditing of /usr/bin/containerd", true),
    c("1.1.15", "Auditing of /usr/bin/containerd-shim", true),
    c("1.1.16", "Auditing of /usr/bin/containerd-shim-runc-v1", true),
    c("1.1.17", "Auditing of /usr/bin/containerd-shim-runc-v2", true),
    c("1.1.18", "Auditing of /usr/bin/runc", true),
    c("1.2.1", "The container host is hardened", false),
    c("1.2.2", "The Docker version is up to date", false),
    c("2.1", "The daemon runs as a non-root user, if possible", false),
    c("2.2", "Network traffic between containers on the default bridge is restricted", true),
    c("2.3", "The logging level is info", true),
    c("2.4", "Docker may change iptables", true),
    c("2.5", "No insecure registries", true),
    c("2.6", "The aufs storage driver is not used", true),
    c("2.7", "TLS authentication for a TCP socket", true),
    c("2.8", "Default ulimits configured appropriately", false),
    c("2.9", "User namespace support enabled", true),
    c("2.10", "Default cgroup usage confirmed", true),
    c("2.11", "Base device size not changed until needed", true),
    c("2.12", "Authorization for Docker client commands enabled", true),
    c("2.13", "Centralized and remote logging configured", true),
    c("2.14", "Containers restricted from acquiring new privileges", true),
    c("2.15", "Live restore enabled", true),
    c("2.16", "Userland proxy disabled", true),
    c("2.17", "A daemon-wide custom seccomp profile, if appropriate", false),
    c("2.18", "No experimental features in production", false),
    c("3.1", "docker.service owned by root:root", true),
    c("3.2", "docker.service mode 644 or stricter", true),
    c("3.3", "docker.socket owned by root:root", true),
    c("3.4", "docker.socket mode 644 or stricter", true),
    c("3.5", "/etc/docker owned by root:root", true),
    c("3.6", "/etc/docker mode 755 or stricter", true),
    c("3.7", "Registry certificates owned by root:root", true),
    c("3.8", "Registry certificates mode 444 or stricter", true),
    c("3.9", "TLS CA certificate owned by root:root", true),
    c("3.10", "TLS CA certificate mode 444 or stricter", true),
    c("3.11", "Docker server certificate owned by root:root", true),
    c("3.12", "Docker server certificate mode 444 or stricter", true),
    c("3.13", "Docker server key owned by root:root", true),
    c("3.14", "Docker server key mode 400", true),
    c("3.15", "Docker socket owned by root:docker", true),
    c("3.16", "Docker socket mode 660 or stricter", true),
    c("3.17", "daemon.json owned by root:root", true),
    c("3.18", "daemon.json mode 644 or stricter", true),
    c("3.19", "/etc/default/docker owned by root:root", true),
    c("3.20", "/etc/default/docker mode 644 or stricter", true),
    c("3.21", "/etc/sysconfig/docker mode 644 or stricter", true),
    c("3.22", "/etc/sysconfig/docker owned by root:root", true),
    c("3.23", "containerd socket owned by root:root", true),
    c("3.24", "containerd socket mode 660 or stricter", true),
    c("4.1", "A user for the container has been created", true),
    c("4.2", "Containers use only trusted base images", false),
    c("4.3", "No unnecessary packages in the container", false),
    c("4.4", "Images are scanned and rebuilt with security patches", false),
    c("4.5", "Content trust for Docker is enabled", true),
    c("4.6", "HEALTHCHECK instructions added to images", true),
    c("4.7", "Update instructions are not used alone", false),
    c("4.8", "setuid and setgid permissions removed", false),
    c("4.9", "COPY is used instead of ADD", false),
    c("4.10", "Secrets are not stored in Dockerfiles", false),
    c("4.11", "Only verified packages are installed", false),
    c("4.12", "All signed artifacts are validated", false),
    c("5.1", "Swarm mode is not enabled, if not needed", true),
    c("5.2", "An AppArmor profile is enabled, if applicable", true),
    c("5.3", "SELinux security options are set, if applicable", true),
    c("5.4", "Linux kernel capabilities are restricted", true),
    c("5.5", "Privileged containers are not used", true),
    c("5.6", "Sensitive host system directories are not mounted", true),
    c("5.7", "sshd is not run within containers", true),
    c("5.8", "Privileged ports are not mapped", true),
    c("5.9", "Only needed ports are open", false),
    c("5.10", "The host's network namespace is not shared", true),
    c("5.11", "Memory usage is limited", true),
    c("5.12", "CPU priority is set appropriately", true),
    c("5.13", "The root filesystem is mounted read-only", true),
    c("5.14", "Incoming traffic is bound to a specific host interface", true),
    c("5.15", "The on-failure restart policy is limited to 5", true),
    c("5.16", "The host's process namespace is not shared", true),
    c("5.17", "The host's IPC namespace is not shared", true),
    c("5.18", "Host devices are not directly exposed", false),
    c("5.19", "The default ulimit is overwritten only if needed", false),
    c("5.20", "Mount propagation mode is not shared", true),
    c("5.21", "The host's UTS namespace is not shared", true),
    c("5.22", "The default seccomp profile is not disabled", true),
    c("5.23", "docker exec commands are not used with the privileged option", true),
    c("5.24", "docker exec commands are not used with the user=root option", false),
    c("5.25", "The cgroup usage is confirmed", true),
    c("5.26", "The container is restricted from acquiring additional privileges", true),
    c("5.27", "Container health is checked at runtime", true),
    c("5.28", "Docker commands always use the latest version of their image", false),
    c("5.29", "The PIDs cgroup limit is used", true),
    c("5.30", "Docker's default bridge docker0 is not used", false),
    c("5.31", "The host's user namespaces are not shared", true),
    c("5.32", "The Docker socket is not mounted inside any containers", true),
    c("6.1", "Image sprawl is avoided", false),
    c("6.2", "Container sprawl is avoided", false),
    c("7.1", "The minimum number of manager nodes is created in a swarm", true),
    c("7.2", "Swarm services are bound to a specific host interface", true),
    c("7.3", "Data exchanged on overlay networks between nodes is encrypted", true),
    c("7.4", "Docker's secret management commands are used for secrets in a swarm", false),
    c("7.5", "Swarm manager runs in auto-lock mode", true),
    c("7.6", "The swarm manager auto-lock key is rotated periodically", false),
    c("7.7", "Node certificates are rotated as appropriate", false),
    c("7.8", "CA certificates are rotated as appropriate", false),
    c("7.9", "Management plane traffic is separated from data plane traffic", false),
];

/// The rules `dockward audit` runs on a live host (container, engine, image, network,
/// daemon and, with `--host-root`, host families) that check control `id`.
pub fn audit_rules_for(id: &str) -> Vec<&'static RuleMeta> {
    CONTAINER_RULES
        .iter()
        .map(|r| r.meta())
        .chain(ENGINE_RULES.iter().map(|r| r.meta()))
        .chain(IMAGE_RULES.iter().map(|r| r.meta()))
        .chain(NETWORK_RULES.iter().map(|r| r.meta()))
        .chain(SWARM_RULES.iter().map(|r| r.meta()))
        .chain(DAEMON_RULES.iter().map(|r| r.meta()))
        .chain(HOST_RULES.iter().map(|r| r.meta()))
        .filter(|r| r.cis.contains(&id) && r.target != Target::Dockerfile)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::all_rules;

    #[test]
    fn catalogue_ids_are_unique_and_every_cis_reference_exists() {
        let mut seen = std::collections::HashSet::new();
        for c in CIS_1_6_CONTROLS {
            assert!(seen.insert(c.id), "duplicate control {}", c.id);
        }
        assert_eq!(CIS_1_6_CONTROLS.len(), 117);
        for r in all_rules() {
            for id in r.cis {
                assert!(seen.contains(id), "{} names unknown CIS control {id}", r.code);
            }
        }
    }

    #[test]
    fn audit_rules_are_found_by_control() {
        let codes: Vec<_> = audit_rules_for("4.1").iter().map(|r| r.code).collect();
        assert_eq!(codes, ["CT020", "IM001"]);
        let codes: Vec<_> = audit_rules_for("1.1.1").iter().map(|r| r.code).collect();
        assert_eq!(codes, ["HO005"]);
        let codes: Vec<_> = audit_rules_for("2.2").iter().map(|r| r.code).collect();
        assert!(codes.contains(&"DM006"), "{codes:?}");
        assert!(audit_rules_for("4.2").is_empty());
    }
}
