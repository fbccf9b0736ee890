//! The CIS Docker Benchmark control catalogues (1.6.0, 1.7.0, 1.8.0), for
//! `dockward audit --format cis --cis-version ...`. Titles are dockward's short wording of
//! each control; the benchmark has the full text. Which dockward rules automate a control
//! comes from the rules' own `cis` metadata, which names 1.6.0 ids; [`translate`] carries
//! them to the newer numbering.
//!
//! Where the catalogues come from (ids and the Automated / Manual assessment; read, not
//! copied):
//! - 1.6.0: the benchmark as docker-bench-security implements it.
//! - 1.7.0: a JSON extraction of the 1.7.0 PDF (public repository `anupyadav27/lab`,
//!   `raw_compliance_database/misc/docker/CIS DOCKER BENCHMARK V1.7 PDF.json`): the same 117
//!   ids as 1.6.0 with the same meaning; its assessment marks far more controls Manual
//!   (all of sections 2, 4, 5, 6 and 7).
//! - 1.8.0: per-control pages of the 1.8.0 text (`cis-docker-X.Y` markdown files by
//!   cyberstrike-official) and an InSpec profile tagged `cis_benchmark: 'CIS Docker
//!   Benchmark v1.8.0'` with `cis_number`. Section 2 gains 2.7 (the devicemapper storage
//!   driver is not used), so 1.6/1.7's 2.7-2.18 become 2.8-2.19; every id of sections 1,
//!   3, 4, 5, 6 and 7 that was looked up (most of them) kept its number and meaning. The
//!   assessment was read for 2.7, 2.9, 6.1, 6.2 and 7.1 (all Manual, as in 1.7.0); the
//!   others are 1.7.0's for the same control, not checked one by one against 1.8.0.

use std::sync::LazyLock;

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

/// Every control of CIS Docker Benchmark 1.7.0, in benchmark order: 1.6.0's controls
/// (same ids, same meaning), of which 1.7.0 marks only [`AUTOMATED_IN_1_7`] Automated.
pub static CIS_1_7_CONTROLS: LazyLock<Vec<Control>> = LazyLock::new(|| {
    CIS_1_6_CONTROLS
        .iter()
        .map(|c| Control { automated: c.automated && AUTOMATED_IN_1_7.contains(&c.id), ..*c })
        .collect()
});

/// The controls 1.7.0 still marks Automated; it marks every other one Manual.
const AUTOMATED_IN_1_7: &[&str] = &[
    "1.1.3", "1.1.6", "1.1.7", "1.1.8", "1.1.9", "1.1.10", "1.1.11", "1.1.12", "1.1.13", "1.1.14", "1.1.15", "1.1.17",
    "1.1.18", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.15", "3.16", "3.23", "3.24",
];

/// Every control of CIS Docker Benchmark 1.8.0, in benchmark order: 1.7.0's controls
/// under their 1.8.0 ids ([`RENUMBERED`]) with the controls 1.8.0 adds in their place.
/// Built rather than written out because, as the sources above say, only the numbering
/// and the added control differ from 1.7.0.
pub static CIS_1_8_CONTROLS: LazyLock<Vec<Control>> = LazyLock::new(|| {
    let mut out = Vec::with_capacity(CIS_1_7_CONTROLS.len() + ADDED_IN_1_8.len());
    for control in CIS_1_7_CONTROLS.iter() {
        let row = RENUMBERED.iter().find(|r| r.id(CisVersion::V1_7) == Some(control.id));
        if let Some(id) = row.map_or(Some(control.id), |r| r.id(CisVersion::V1_8)) {
            out.push(Control { id, ..*control });
        }
        out.extend(ADDED_IN_1_8.iter().filter(|(after, _)| *after == control.id).map(|(_, added)| *added));
    }
    out
});

/// Controls new in 1.8.0, each after the 1.7.0 control it follows.
const ADDED_IN_1_8: &[(&str, Control)] = &[("2.6", c("2.7", "The devicemapper storage driver is not used", false))];

/// A version of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CisVersion {
    V1_6,
    V1_7,
    V1_8,
}

impl CisVersion {
    pub const ALL: [CisVersion; 3] = [CisVersion::V1_6, CisVersion::V1_7, CisVersion::V1_8];

    /// `"1.6"`, as `--cis-version` takes it.
    pub fn short(self) -> &'static str {
        match self {
            CisVersion::V1_6 => "1.6",
            CisVersion::V1_7 => "1.7",
            CisVersion::V1_8 => "1.8",
        }
    }

    /// `"CIS Docker Benchmark 1.6.0"`.
    pub fn title(self) -> &'static str {
        match self {
            CisVersion::V1_6 => "CIS Docker Benchmark 1.6.0",
            CisVersion::V1_7 => "CIS Docker Benchmark 1.7.0",
            CisVersion::V1_8 => "CIS Docker Benchmark 1.8.0",
        }
    }

    pub fn controls(self) -> &'static [Control] {
        match self {
            CisVersion::V1_6 => CIS_1_6_CONTROLS,
            CisVersion::V1_7 => &CIS_1_7_CONTROLS,
            CisVersion::V1_8 => &CIS_1_8_CONTROLS,
        }
    }

    pub fn parse(s: &str) -> Option<CisVersion> {
        let s = s.trim();
        let s = s.strip_suffix(".0").unwrap_or(s);
        CisVersion::ALL.into_iter().find(|v| v.short() == s)
    }
}

/// One control's id in each version, `None` where that version does not have it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Renumbering {
    pub v1_6: Option<&'static str>,
    pub v1_7: Option<&'static str>,
    pub v1_8: Option<&'static str>,
}

impl Renumbering {
    fn id(&self, version: CisVersion) -> Option<&'static str> {
        match version {
            CisVersion::V1_6 => self.v1_6,
            CisVersion::V1_7 => self.v1_7,
            CisVersion::V1_8 => self.v1_8,
        }
    }
}

const fn moved(v1_6: &'static str, v1_8: &'static str) -> Renumbering {
    Renumbering { v1_6: Some(v1_6), v1_7: Some(v1_6), v1_8: Some(v1_8) }
}

/// The controls whose id differs between versions or that only some versions have,
/// matched by what they ask for. Every other control has the same id in every version.
pub static RENUMBERED: &[Renumbering] = &[
    // 1.8.0 inserts "devicemapper is not used" as 2.7 after "aufs is not used" (2.6).
    Renumbering { v1_6: None, v1_7: None, v1_8: Some("2.7") },
    moved("2.7", "2.8"),
    moved("2.8", "2.9"),
    moved("2.9", "2.10"),
    moved("2.10", "2.11"),
    moved("2.11", "2.12"),
    moved("2.12", "2.13"),
    moved("2.13", "2.14"),
    moved("2.14", "2.15"),
    moved("2.15", "2.16"),
    moved("2.16", "2.17"),
    moved("2.17", "2.18"),
    moved("2.18", "2.19"),
];

/// Control `id` of version `from` in version `to`'s numbering; `None` when `to` has no
/// such control (or `from` has no control `id`).
pub fn translate(id: &str, from: CisVersion, to: CisVersion) -> Option<&'static str> {
    let from_id = from.controls().iter().find(|c| c.id == id)?.id;
    if let Some(row) = RENUMBERED.iter().find(|r| r.id(from) == Some(from_id)) {
        return row.id(to);
    }
    to.controls().iter().find(|c| c.id == from_id).map(|c| c.id)
}

/// Audit rules that judge a control no 1.6.0 control corresponds to (the rules' `cis`
/// metadata cannot name it): version, control id, rule codes.
static NEW_CONTROL_RULES: &[(CisVersion, &str, &[&str])] = &[
    // DM018 reports `devicemapper` as well as `aufs` and `overlay`.
    (CisVersion::V1_8, "2.7", &["DM018"]),
];

/// The rules `dockward audit` runs on a live host that check control `id` of `version`:
/// the rules whose `cis` (1.6.0 ids) names the same control, and those listed for a
/// control new in `version`.
pub fn audit_rules_for_version(version: CisVersion, id: &str) -> Vec<&'static RuleMeta> {
    let mut rules = match translate(id, version, CisVersion::V1_6) {
        Some(id_1_6) => audit_rules_for(id_1_6),
        None => Vec::new(),
    };
    for (_, _, codes) in NEW_CONTROL_RULES.iter().filter(|(v, c, _)| *v == version && *c == id) {
        rules.extend(audit_rules().filter(|r| codes.contains(&r.code)));
    }
    rules
}

/// How a rule's `cis` (1.6.0 ids) reads in every version, for its docs page: `"5.4"`
/// when no id differs, else `"1.6/1.7: 2.7; 1.8: 2.8"` (a control new in 1.8.0 that the
/// rule also judges is listed under 1.8).
pub fn cis_ids_by_version(code: &str, cis_1_6: &[&str]) -> String {
    let in_version = |v: CisVersion| -> Vec<&str> {
        let mut ids: Vec<&str> = cis_1_6.iter().filter_map(|id| translate(id, CisVersion::V1_6, v)).collect();
        for (_, id, _) in NEW_CONTROL_RULES.iter().filter(|(nv, _, codes)| *nv == v && codes.contains(&code)) {
            ids.push(id);
        }
        ids
    };
    let (v16, v17, v18) = (in_version(CisVersion::V1_6), in_version(CisVersion::V1_7), in_version(CisVersion::V1_8));
    if v16 == v17 && v17 == v18 {
        return v16.join(", ");
    }
    let mut parts = Vec::new();
    if v16 == v17 {
        parts.push(format!("1.6/1.7: {}", v16.join(", ")));
    } else {
        parts.push(format!("1.6: {}", v16.join(", ")));
        parts.push(format!("1.7: {}", v17.join(", ")));
    }
    parts.push(format!("1.8: {}", v18.join(", ")));
    parts.join("; ")
}

fn audit_rules() -> impl Iterator<Item = &'static RuleMeta> {
    CONTAINER_RULES
        .iter()
        .map(|r| r.meta())
        .chain(ENGINE_RULES.iter().map(|r| r.meta()))
        .chain(IMAGE_RULES.iter().map(|r| r.meta()))
        .chain(NETWORK_RULES.iter().map(|r| r.meta()))
        .chain(SWARM_RULES.iter().map(|r| r.meta()))
        .chain(DAEMON_RULES.iter().map(|r| r.meta()))
        .chain(HOST_RULES.iter().map(|r| r.meta()))
        .filter(|r| r.target != Target::Dockerfile)
}

/// The rules `dockward audit` runs on a live host (container, engine, image, network,
/// daemon and, with `--host-root`, host families) that check control `id`.
pub fn audit_rules_for(id: &str) -> Vec<&'static RuleMeta> {
    audit_rules().filter(|r| r.cis.contains(&id)).collect()
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
        let codes: Vec<_> = audit_rules_for("4.2").iter().map(|r| r.code).collect();
        assert_eq!(codes, ["CT025"], "DF006 checks Dockerfiles, not the live host");
        assert!(audit_rules_for("4.3").is_empty());
    }

    /// `"2.10"` -> `[2, 10]`, so ids compare as the benchmark orders them.
    fn numeric(id: &str) -> Vec<u32> {
        id.split('.').map(|n| n.parse().expect("numeric id")).collect()
    }

    #[test]
    fn every_catalogue_has_unique_ids_in_benchmark_order() {
        for v in CisVersion::ALL {
            let ids: Vec<Vec<u32>> = v.controls().iter().map(|c| numeric(c.id)).collect();
            for pair in ids.windows(2) {
                assert!(pair[0] < pair[1], "{}: {:?} then {:?}", v.title(), pair[0], pair[1]);
            }
        }
        assert_eq!(CIS_1_7_CONTROLS.len(), 117);
        assert_eq!(CIS_1_8_CONTROLS.len(), 118);
    }

    #[test]
    fn every_1_6_control_maps_to_each_version_or_is_marked_removed() {
        for v in CisVersion::ALL {
            let mut targets = std::collections::HashSet::new();
            for c in CIS_1_6_CONTROLS {
                match translate(c.id, CisVersion::V1_6, v) {
                    Some(id) => {
                        assert!(v.controls().iter().any(|t| t.id == id), "{} -> {id} not in {}", c.id, v.title());
                        assert!(targets.insert(id), "two 1.6 controls map to {} {id}", v.title());
                        assert_eq!(translate(id, v, CisVersion::V1_6), Some(c.id), "round trip of {}", c.id);
                    }
                    None => assert!(
                        RENUMBERED.iter().any(|r| r.v1_6 == Some(c.id) && r.id(v).is_none()),
                        "{} has no {} id and is not marked removed",
                        c.id,
                        v.title()
                    ),
                }
            }
            // Whatever is left in the target is marked new there.
            for t in v.controls().iter().filter(|t| !targets.contains(t.id)) {
                assert!(
                    RENUMBERED.iter().any(|r| r.id(v) == Some(t.id) && r.v1_6.is_none()),
                    "{} {} has no 1.6 control and is not marked new",
                    v.title(),
                    t.id
                );
            }
        }
        // Each renumbered id exists where it is named, once.
        for v in CisVersion::ALL {
            let named: Vec<&str> = RENUMBERED.iter().filter_map(|r| r.id(v)).collect();
            for id in &named {
                assert!(v.controls().iter().any(|c| c.id == *id), "{} {id} unknown", v.title());
                assert_eq!(named.iter().filter(|n| *n == id).count(), 1, "{} {id} twice", v.title());
            }
        }
    }

    #[test]
    fn renumbered_controls_keep_their_meaning() {
        let title = |v: CisVersion, id: &str| v.controls().iter().find(|c| c.id == id).map(|c| c.title);
        assert_eq!(translate("2.7", CisVersion::V1_6, CisVersion::V1_8), Some("2.8"));
        assert_eq!(title(CisVersion::V1_8, "2.8"), title(CisVersion::V1_6, "2.7"));
        assert_eq!(translate("2.18", CisVersion::V1_6, CisVersion::V1_8), Some("2.19"));
        assert_eq!(translate("2.6", CisVersion::V1_6, CisVersion::V1_8), Some("2.6"));
        assert_eq!(translate("5.4", CisVersion::V1_6, CisVersion::V1_8), Some("5.4"));
        assert_eq!(translate("2.7", CisVersion::V1_8, CisVersion::V1_6), None);
        assert_eq!(translate("2.19", CisVersion::V1_8, CisVersion::V1_7), Some("2.18"));
        assert_eq!(translate("9.9", CisVersion::V1_6, CisVersion::V1_8), None);
        assert_eq!(CisVersion::parse("1.8.0"), Some(CisVersion::V1_8));
        assert_eq!(CisVersion::parse("1.7"), Some(CisVersion::V1_7));
        assert_eq!(CisVersion::parse("1.5"), None);
    }

    #[test]
    fn rules_land_on_the_same_control_in_each_version() {
        let codes = |v, id| audit_rules_for_version(v, id).iter().map(|r| r.code).collect::<Vec<_>>();
        // User namespaces: 2.9 in 1.6/1.7, 2.10 in 1.8.
        let userns = codes(CisVersion::V1_6, "2.9");
        assert!(!userns.is_empty());
        assert_eq!(codes(CisVersion::V1_7, "2.9"), userns);
        assert_eq!(codes(CisVersion::V1_8, "2.10"), userns);
        assert_ne!(codes(CisVersion::V1_8, "2.9"), userns);
        // devicemapper is new in 1.8 and judged by DM018, which also judges aufs (2.6).
        assert_eq!(codes(CisVersion::V1_8, "2.7"), ["DM018"]);
        assert_eq!(codes(CisVersion::V1_8, "2.6"), ["DM018"]);
        assert!(codes(CisVersion::V1_6, "2.7").iter().all(|c| *c != "DM018"));
        assert_eq!(codes(CisVersion::V1_8, "5.4"), codes(CisVersion::V1_6, "5.4"));
    }

    #[test]
    fn docs_list_the_newer_ids_only_where_they_differ() {
        assert_eq!(cis_ids_by_version("CT002", &["5.4"]), "5.4");
        assert_eq!(cis_ids_by_version("DM999", &["2.9", "5.31"]), "1.6/1.7: 2.9, 5.31; 1.8: 2.10, 5.31");
        assert_eq!(cis_ids_by_version("DM018", &["2.6"]), "1.6/1.7: 2.6; 1.8: 2.6, 2.7");
    }
}
