//! The controls of the Pod Security Standards, one function per behaviour and a
//! table saying from which Kubernetes minor version each behaviour applies.

use dockward_yaml::Node;

use super::pod::{item_field, items, loose_bool, strict_bool, text, Container, Pod};
use super::{present, Field, Level, Version, Violation};

/// What a check does at one version: `None` when the pod passes.
pub type CheckFn = fn(&Pod<'_>) -> Option<Violation>;

/// One behaviour of a check, in force from `since` (`1.since`) until the next entry.
#[derive(Debug, Clone, Copy)]
pub struct CheckVersion {
    pub since: u16,
    pub run: CheckFn,
}

/// A Pod Security Standards control.
#[derive(Debug)]
pub struct Check {
    /// The PSA check id.
    pub id: &'static str,
    pub level: Level,
    /// Its behaviours, oldest first. Before the first one the check does not exist.
    pub versions: &'static [CheckVersion],
    /// Baseline checks this restricted check replaces where it applies: a stricter
    /// form of the same control, so a restricted namespace reports only this one.
    pub overrides: &'static [&'static str],
}

impl Check {
    /// The behaviour in force at `version`, if the check exists there.
    pub fn at(&self, version: Version) -> Option<CheckFn> {
        self.versions.iter().rev().find(|v| v.since <= version.minor()).map(|v| v.run)
    }

    /// The first version the check applies to.
    pub fn since(&self) -> Version {
        Version::new(self.versions[0].since).unwrap_or(Version::LATEST)
    }
}

const fn v(since: u16, run: CheckFn) -> CheckVersion {
    CheckVersion { since, run }
}

/// Every control, baseline first, in the order of the upstream `checks.go`.
pub static CHECKS: &[Check] = &[
    Check { id: "appArmorProfile", level: Level::Baseline, versions: &[v(0, app_armor_profile)], overrides: &[] },
    Check {
        id: "capabilities_baseline",
        level: Level::Baseline,
        versions: &[v(0, capabilities_baseline)],
        overrides: &[],
    },
    Check { id: "hostNamespaces", level: Level::Baseline, versions: &[v(0, host_namespaces)], overrides: &[] },
    Check { id: "hostPathVolumes", level: Level::Baseline, versions: &[v(0, host_path_volumes)], overrides: &[] },
    Check { id: "hostPorts", level: Level::Baseline, versions: &[v(0, host_ports)], overrides: &[] },
    // Probe and lifecycle handlers that name another host make the kubelet connect
    // there on the pod's behalf (SSRF from the node); closed in 1.34.
    Check {
        id: "hostProbesAndHostLifecycle",
        level: Level::Baseline,
        versions: &[v(34, host_probes_and_lifecycle)],
        overrides: &[],
    },
    Check { id: "privileged", level: Level::Baseline, versions: &[v(0, privileged)], overrides: &[] },
    // From 1.35 a pod in its own user namespace (`hostUsers: false`) may unmask /proc:
    // the masks protect the host, and the host's /proc is not what it sees.
    Check {
        id: "procMount",
        level: Level::Baseline,
        versions: &[v(0, proc_mount), v(35, proc_mount_1_35)],
        overrides: &[],
    },
    // Before 1.19 seccomp was set by annotations; from 1.19 by `seccompProfile`.
    Check {
        id: "seccompProfile_baseline",
        level: Level::Baseline,
        versions: &[v(0, seccomp_baseline_annotations), v(19, seccomp_baseline_fields)],
        overrides: &[],
    },
    Check { id: "seLinuxOptions", level: Level::Baseline, versions: &[v(0, se_linux_options)], overrides: &[] },
    // The safe sysctl list grows with the kernel features the kubelet namespaces.
    Check {
        id: "sysctls",
        level: Level::Baseline,
        versions: &[
            v(0, sysctls_1_0),
            v(27, sysctls_1_27),
            v(29, sysctls_1_29),
            v(32, sysctls_1_32),
            v(37, sysctls_1_37),
        ],
        overrides: &[],
    },
    Check { id: "windowsHostProcess", level: Level::Baseline, versions: &[v(0, windows_host_process)], overrides: &[] },
    // `allowPrivilegeEscalation` exists from 1.8; Windows pods (`spec.os.name`, GA in
    // 1.25) have no such thing and are exempt from then on.
    Check {
        id: "allowPrivilegeEscalation",
        level: Level::Restricted,
        versions: &[v(8, allow_privilege_escalation), v(25, allow_privilege_escalation_1_25)],
        overrides: &[],
    },
    Check {
        id: "capabilities_restricted",
        level: Level::Restricted,
        versions: &[v(22, capabilities_restricted), v(25, capabilities_restricted_1_25)],
        overrides: &["capabilities_baseline"],
    },
    // With 1.35's user-namespace relaxation of `procMount`, restricted keeps the masks.
    Check {
        id: "procMount_restricted",
        level: Level::Restricted,
        versions: &[v(35, proc_mount)],
        overrides: &["procMount"],
    },
    Check {
        id: "restrictedVolumes",
        level: Level::Restricted,
        versions: &[v(0, restricted_volumes)],
        overrides: &["hostPathVolumes"],
    },
    // In a user namespace (1.35) root in the container is not root on the host.
    Check {
        id: "runAsNonRoot",
        level: Level::Restricted,
        versions: &[v(0, run_as_non_root), v(35, run_as_non_root_1_35)],
        overrides: &[],
    },
    Check {
        id: "runAsUser",
        level: Level::Restricted,
        versions: &[v(23, run_as_user), v(35, run_as_user_1_35)],
        overrides: &[],
    },
    Check {
        id: "seccompProfile_restricted",
        level: Level::Restricted,
        versions: &[v(19, seccomp_restricted), v(25, seccomp_restricted_1_25)],
        overrides: &["seccompProfile_baseline"],
    },
];

fn violation(message: String, fields: Vec<Field>) -> Option<Violation> {
    Some(Violation { message, fields })
}

/// Runs `bad` over every container and gathers the containers it flags and their
/// fields.
fn per_container<'a>(pod: &Pod<'a>, mut bad: impl FnMut(&Container<'a>) -> Vec<Field>) -> (Vec<String>, Vec<Field>) {
    let mut names = Vec::new();
    let mut fields = Vec::new();
    for container in &pod.containers {
        let found = bad(container);
        if !found.is_empty() {
            names.push(container.describe());
            fields.extend(found);
        }
    }
    (names, fields)
}

fn is_true(found: Option<(&Node, Field)>) -> Option<Field> {
    found.filter(|(n, _)| loose_bool(n) == Some(true)).map(|(_, f)| f)
}

// ---- baseline ----

const APPARMOR_ANNOTATION: &str = "container.apparmor.security.beta.kubernetes.io/";

fn app_armor_profile(pod: &Pod<'_>) -> Option<Violation> {
    let mut bad = Vec::new();
    let mut fields = Vec::new();
    for (key, value, field) in pod.annotations() {
        let Some(container) = key.strip_prefix(APPARMOR_ANNOTATION) else { continue };
        if !(value.is_empty() || value == "runtime/default" || value.starts_with("localhost/")) {
            bad.push(format!("{container}={value:?}"));
            fields.push(field);
        }
    }
    // The fields that replaced the annotation (1.30): only RuntimeDefault and Localhost.
    let mut check = |found: Option<(&Node, Field)>, who: String| {
        let Some((profile, field)) = found else { return };
        let kind = present(profile, "type").and_then(text);
        if !matches!(kind, Some("RuntimeDefault" | "Localhost")) {
            let at = profile
                .entry("type")
                .map_or(field.clone(), |e| Field { path: format!("{}.type", field.path), range: e.key.range });
            bad.push(format!("{who} type={:?}", kind.unwrap_or("")));
            fields.push(at);
        }
    };
    check(pod.pod_security(&["appArmorProfile"]), "pod".into());
    for container in &pod.containers {
        check(container.security(&["appArmorProfile"]), container.describe());
    }
    (!fields.is_empty())
        .then(|| Violation { message: format!("forbidden AppArmor profiles: {}", bad.join(", ")), fields })
}

/// What a baseline pod may add to the runtime's default capability set: the
/// runtime defaults themselves, NET_RAW excepted.
const BASELINE_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn added_capabilities<'a>(pod: &Pod<'a>, allowed: &[&str]) -> (Vec<String>, Vec<String>, Vec<Field>) {
    let mut names = Vec::new();
    let (containers, fields) = per_container(pod, |c| {
        let Some((add, field)) = c.security(&["capabilities", "add"]) else { return Vec::new() };
        let mut found = Vec::new();
        for (index, item) in items(add).iter().enumerate() {
            // Compared as written: the runtime does not accept `chown` or `CAP_CHOWN`.
            let name = text(item).unwrap_or("");
            if !allowed.contains(&name) {
                names.push(name.to_owned());
                found.push(item_field(&field, index, item));
            }
        }
        found
    });
    names.sort();
    names.dedup();
    (names, containers, fields)
}

fn capabilities_baseline(pod: &Pod<'_>) -> Option<Violation> {
    let (names, containers, fields) = added_capabilities(pod, BASELINE_CAPABILITIES);
    if fields.is_empty() {
        return None;
    }
    violation(format!("non-default capabilities added: {} ({})", names.join(", "), containers.join(", ")), fields)
}

fn host_namespaces(pod: &Pod<'_>) -> Option<Violation> {
    let mut set = Vec::new();
    let mut fields = Vec::new();
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        if let Some(field) = is_true(pod.spec_field(&[key])) {
            set.push(format!("{key}=true"));
            fields.push(field);
        }
    }
    (!fields.is_empty()).then(|| Violation { message: format!("host namespaces shared: {}", set.join(", ")), fields })
}

/// Each volume of the pod with its index and the field of its list.
fn volumes<'a>(pod: &Pod<'a>) -> Vec<(&'a Node, String)> {
    let Some((list, field)) = pod.spec_field(&["volumes"]) else { return Vec::new() };
    items(list).iter().enumerate().map(|(i, v)| (v, format!("{}[{i}]", field.path))).collect()
}

fn volume_name(volume: &Node) -> &str {
    volume.get("name").and_then(text).unwrap_or("<unnamed>")
}

fn host_path_volumes(pod: &Pod<'_>) -> Option<Violation> {
    let mut names = Vec::new();
    let mut fields = Vec::new();
    for (volume, path) in volumes(pod) {
        if let Some(entry) = volume.entry("hostPath").filter(|e| !e.value.is_null()) {
            names.push(volume_name(volume).to_owned());
            fields.push(Field { path: format!("{path}.hostPath"), range: entry.key.range });
        }
    }
    (!fields.is_empty()).then(|| Violation { message: format!("hostPath volumes: {}", names.join(", ")), fields })
}

fn host_ports(pod: &Pod<'_>) -> Option<Violation> {
    let mut ports = Vec::new();
    let (containers, fields) = per_container(pod, |c| {
        let Some((list, field)) = c.field(&["ports"]) else { return Vec::new() };
        let mut found = Vec::new();
        for (index, port) in items(list).iter().enumerate() {
            let Some(entry) = port.entry("hostPort").filter(|e| !e.value.is_null()) else { continue };
            if entry.value.as_i64() == Some(0) {
                continue;
            }
            ports.push(entry.value.as_str().unwrap_or("?").to_owned());
            found.push(Field { path: format!("{}[{index}].hostPort", field.path), range: entry.key.range });
        }
        found
    });
    (!fields.is_empty())
        .then(|| Violation { message: format!("hostPort {} ({})", ports.join(", "), containers.join(", ")), fields })
}

const PROBES: [&str; 3] = ["livenessProbe", "readinessProbe", "startupProbe"];
const LIFECYCLE: [&str; 2] = ["postStart", "preStop"];

fn host_probes_and_lifecycle(pod: &Pod<'_>) -> Option<Violation> {
    let mut hosts = Vec::new();
    let (containers, fields) = per_container(pod, |c| {
        let handlers = PROBES.iter().map(|p| vec![*p]).chain(LIFECYCLE.iter().map(|l| vec!["lifecycle", *l]));
        let mut found = Vec::new();
        for handler in handlers {
            for action in ["httpGet", "tcpSocket"] {
                let mut keys = handler.clone();
                keys.extend([action, "host"]);
                if let Some((host, field)) = c.field(&keys) {
                    if let Some(host) = text(host).filter(|h| !h.is_empty()) {
                        hosts.push(host.to_owned());
                        found.push(field);
                    }
                }
            }
        }
        found
    });
    (!fields.is_empty()).then(|| Violation {
        message: format!("probe or lifecycle handlers set host {} ({})", hosts.join(", "), containers.join(", ")),
        fields,
    })
}

fn privileged(pod: &Pod<'_>) -> Option<Violation> {
    let (containers, fields) = per_container(pod, |c| is_true(c.security(&["privileged"])).into_iter().collect());
    (!fields.is_empty())
        .then(|| Violation { message: format!("privileged containers: {}", containers.join(", ")), fields })
}

fn unmasked_proc(pod: &Pod<'_>) -> Option<Violation> {
    let mut kinds = Vec::new();
    let (containers, fields) = per_container(pod, |c| {
        let Some((value, field)) = c.security(&["procMount"]) else { return Vec::new() };
        let value = text(value).unwrap_or("");
        if value == "Default" {
            return Vec::new();
        }
        kinds.push(value.to_owned());
        vec![field]
    });
    kinds.dedup();
    (!fields.is_empty()).then(|| Violation {
        message: format!("procMount {} instead of Default ({})", kinds.join(", "), containers.join(", ")),
        fields,
    })
}

fn proc_mount(pod: &Pod<'_>) -> Option<Violation> {
    unmasked_proc(pod)
}

fn proc_mount_1_35(pod: &Pod<'_>) -> Option<Violation> {
    if pod.in_user_namespace() {
        return None;
    }
    unmasked_proc(pod)
}

const SECCOMP_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_ANNOTATION: &str = "container.seccomp.security.alpha.kubernetes.io/";

fn seccomp_baseline_annotations(pod: &Pod<'_>) -> Option<Violation> {
    let container_names: Vec<&str> = pod.containers.iter().filter_map(|c| c.name).collect();
    let mut bad = Vec::new();
    let mut fields = Vec::new();
    for (key, value, field) in pod.annotations() {
        if value != "unconfined" {
            continue;
        }
        let applies = key == SECCOMP_POD_ANNOTATION
            || key.strip_prefix(SECCOMP_CONTAINER_ANNOTATION).is_some_and(|name| container_names.contains(&name));
        if applies {
            bad.push(key.to_owned());
            fields.push(field);
        }
    }
    (!fields.is_empty())
        .then(|| Violation { message: format!("seccomp profile unconfined: {}", bad.join(", ")), fields })
}

fn seccomp_type(found: Option<(&Node, Field)>) -> Option<(Option<&str>, Field)> {
    let (profile, field) = found?;
    match profile.entry("type").filter(|e| !e.value.is_null()) {
        Some(entry) => {
            Some((text(&entry.value), Field { path: format!("{}.type", field.path), range: entry.key.range }))
        }
        None => Some((None, field)),
    }
}

fn seccomp_baseline_fields(pod: &Pod<'_>) -> Option<Violation> {
    let mut who = Vec::new();
    let mut fields = Vec::new();
    if let Some((Some("Unconfined"), field)) = seccomp_type(pod.pod_security(&["seccompProfile"])) {
        who.push("pod".to_owned());
        fields.push(field);
    }
    let (containers, found) = per_container(pod, |c| match seccomp_type(c.security(&["seccompProfile"])) {
        Some((Some("Unconfined"), field)) => vec![field],
        _ => Vec::new(),
    });
    who.extend(containers);
    fields.extend(found);
    (!fields.is_empty())
        .then(|| Violation { message: format!("seccompProfile type Unconfined ({})", who.join(", ")), fields })
}

const SELINUX_TYPES: &[&str] = &["", "container_t", "container_init_t", "container_kvm_t"];

fn se_linux_options(pod: &Pod<'_>) -> Option<Violation> {
    let mut bad = Vec::new();
    let mut fields = Vec::new();
    let mut check = |found: Option<(&Node, Field)>, who: String| {
        let Some((options, field)) = found else { return };
        for key in ["type", "user", "role"] {
            let Some(entry) = options.entry(key).filter(|e| !e.value.is_null()) else { continue };
            let value = text(&entry.value).unwrap_or("?");
            let allowed = if key == "type" { SELINUX_TYPES.contains(&value) } else { value.is_empty() };
            if !allowed {
                bad.push(format!("{who} {key}={value:?}"));
                fields.push(Field { path: format!("{}.{key}", field.path), range: entry.key.range });
            }
        }
    };
    check(pod.pod_security(&["seLinuxOptions"]), "pod".into());
    for container in &pod.containers {
        check(container.security(&["seLinuxOptions"]), container.describe());
    }
    (!fields.is_empty()).then(|| Violation { message: format!("forbidden seLinuxOptions: {}", bad.join(", ")), fields })
}

const SYSCTLS_1_0: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
];
const SYSCTLS_1_27: &[&str] = &["net.ipv4.ip_local_reserved_ports"];
const SYSCTLS_1_29: &[&str] = &[
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];
const SYSCTLS_1_32: &[&str] = &["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];
const SYSCTLS_1_37: &[&str] = &["net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"];

fn unsafe_sysctls(pod: &Pod<'_>, safe: &[&[&str]]) -> Option<Violation> {
    let (list, field) = pod.pod_security(&["sysctls"])?;
    let mut names = Vec::new();
    let mut fields = Vec::new();
    for (index, item) in items(list).iter().enumerate() {
        let name = item.get("name").and_then(text).unwrap_or("");
        if !safe.iter().any(|group| group.contains(&name)) {
            names.push(name.to_owned());
            let range = item.entry("name").map_or(item.range, |e| e.key.range);
            fields.push(Field { path: format!("{}[{index}].name", field.path), range });
        }
    }
    (!fields.is_empty()).then(|| Violation { message: format!("unsafe sysctls: {}", names.join(", ")), fields })
}

fn sysctls_1_0(pod: &Pod<'_>) -> Option<Violation> {
    unsafe_sysctls(pod, &[SYSCTLS_1_0])
}

fn sysctls_1_27(pod: &Pod<'_>) -> Option<Violation> {
    unsafe_sysctls(pod, &[SYSCTLS_1_0, SYSCTLS_1_27])
}

fn sysctls_1_29(pod: &Pod<'_>) -> Option<Violation> {
    unsafe_sysctls(pod, &[SYSCTLS_1_0, SYSCTLS_1_27, SYSCTLS_1_29])
}

fn sysctls_1_32(pod: &Pod<'_>) -> Option<Violation> {
    unsafe_sysctls(pod, &[SYSCTLS_1_0, SYSCTLS_1_27, SYSCTLS_1_29, SYSCTLS_1_32])
}

fn sysctls_1_37(pod: &Pod<'_>) -> Option<Violation> {
    unsafe_sysctls(pod, &[SYSCTLS_1_0, SYSCTLS_1_27, SYSCTLS_1_29, SYSCTLS_1_32, SYSCTLS_1_37])
}

fn windows_host_process(pod: &Pod<'_>) -> Option<Violation> {
    let mut who = Vec::new();
    let mut fields = Vec::new();
    if let Some(field) = is_true(pod.pod_security(&["windowsOptions", "hostProcess"])) {
        who.push("pod".to_owned());
        fields.push(field);
    }
    let (containers, found) =
        per_container(pod, |c| is_true(c.security(&["windowsOptions", "hostProcess"])).into_iter().collect());
    who.extend(containers);
    fields.extend(found);
    (!fields.is_empty()).then(|| Violation { message: format!("Windows hostProcess ({})", who.join(", ")), fields })
}

// ---- restricted ----

fn allow_privilege_escalation(pod: &Pod<'_>) -> Option<Violation> {
    let (containers, fields) = per_container(pod, |c| match c.security(&["allowPrivilegeEscalation"]) {
        Some((value, _)) if strict_bool(value) == Some(false) => Vec::new(),
        Some((_, field)) => vec![field],
        None => vec![c.whole()],
    });
    (!fields.is_empty()).then(|| Violation {
        message: format!("securityContext.allowPrivilegeEscalation is not false ({})", containers.join(", ")),
        fields,
    })
}

fn allow_privilege_escalation_1_25(pod: &Pod<'_>) -> Option<Violation> {
    if pod.is_windows() {
        return None;
    }
    allow_privilege_escalation(pod)
}

fn capabilities_restricted(pod: &Pod<'_>) -> Option<Violation> {
    let (not_dropping, missing_drop) = per_container(pod, |c| {
        let drop = c.security(&["capabilities", "drop"]);
        if drop.as_ref().is_some_and(|(drop, _)| items(drop).iter().any(|d| text(d) == Some("ALL"))) {
            return Vec::new();
        }
        let at = drop.or_else(|| c.security(&["capabilities"]));
        vec![at.map_or_else(|| c.whole(), |(_, f)| f)]
    });
    let (added, adders, add_fields) = added_capabilities(pod, &["NET_BIND_SERVICE"]);
    let mut parts = Vec::new();
    if !not_dropping.is_empty() {
        parts.push(format!("capabilities.drop does not include ALL ({})", not_dropping.join(", ")));
    }
    if !add_fields.is_empty() {
        parts.push(format!(
            "capabilities added other than NET_BIND_SERVICE: {} ({})",
            added.join(", "),
            adders.join(", ")
        ));
    }
    let mut fields = missing_drop;
    fields.extend(add_fields);
    (!fields.is_empty()).then(|| Violation { message: parts.join("; "), fields })
}

fn capabilities_restricted_1_25(pod: &Pod<'_>) -> Option<Violation> {
    if pod.is_windows() {
        return None;
    }
    capabilities_restricted(pod)
}

/// Volume sources a restricted pod may use: ones that expose no node storage and
/// need no privileged driver on the node.
const RESTRICTED_VOLUMES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

fn restricted_volumes(pod: &Pod<'_>) -> Option<Violation> {
    let mut bad = Vec::new();
    let mut fields = Vec::new();
    for (volume, path) in volumes(pod) {
        let sources: Vec<_> = volume
            .as_map()
            .unwrap_or_default()
            .iter()
            .filter(|e| e.key.as_str() != Some("name") && !e.value.is_null())
            .collect();
        // A volume without a source is defaulted to emptyDir by the API server.
        if sources.iter().any(|e| e.key.as_str().is_some_and(|k| RESTRICTED_VOLUMES.contains(&k))) {
            continue;
        }
        let Some(entry) = sources.first() else { continue };
        let kind = entry.key.as_str().unwrap_or("?");
        bad.push(format!("{} ({kind})", volume_name(volume)));
        fields.push(Field { path: format!("{path}.{kind}"), range: entry.key.range });
    }
    (!fields.is_empty()).then(|| Violation { message: format!("restricted volume types: {}", bad.join(", ")), fields })
}

fn run_as_non_root(pod: &Pod<'_>) -> Option<Violation> {
    let pod_level = pod.pod_security(&["runAsNonRoot"]);
    let pod_true = pod_level.as_ref().is_some_and(|(n, _)| strict_bool(n) == Some(true));
    let mut who = Vec::new();
    let mut fields = Vec::new();
    if let Some((value, field)) = &pod_level {
        if loose_bool(value) == Some(false) {
            who.push("pod sets runAsNonRoot=false".to_owned());
            fields.push(field.clone());
        }
    }
    // Containers are named in two lists, by why they fail (explicit false, or not set).
    let (mut explicit, mut unset) = (Vec::new(), Vec::new());
    let (_, found) = per_container(pod, |c| match c.security(&["runAsNonRoot"]) {
        Some((value, field)) if loose_bool(value) == Some(false) => {
            explicit.push(c.describe());
            vec![field]
        }
        Some((value, _)) if strict_bool(value) == Some(true) => Vec::new(),
        _ if pod_true => Vec::new(),
        found => {
            unset.push(c.describe());
            vec![found.map_or_else(|| c.whole(), |(_, f)| f)]
        }
    });
    if !explicit.is_empty() {
        who.push(format!("runAsNonRoot=false on {}", explicit.join(", ")));
    }
    if !unset.is_empty() {
        who.push(format!("runAsNonRoot not true on the pod or {}", unset.join(", ")));
    }
    fields.extend(found);
    (!fields.is_empty()).then(|| Violation { message: who.join("; "), fields })
}

fn run_as_non_root_1_35(pod: &Pod<'_>) -> Option<Violation> {
    if pod.in_user_namespace() {
        return None;
    }
    run_as_non_root(pod)
}

fn run_as_user(pod: &Pod<'_>) -> Option<Violation> {
    let zero = |found: Option<(&Node, Field)>| found.filter(|(n, _)| n.as_i64() == Some(0)).map(|(_, f)| f);
    let mut who = Vec::new();
    let mut fields = Vec::new();
    if let Some(field) = zero(pod.pod_security(&["runAsUser"])) {
        who.push("pod".to_owned());
        fields.push(field);
    }
    let (containers, found) = per_container(pod, |c| zero(c.security(&["runAsUser"])).into_iter().collect());
    who.extend(containers);
    fields.extend(found);
    (!fields.is_empty()).then(|| Violation { message: format!("runAsUser=0 ({})", who.join(", ")), fields })
}

fn run_as_user_1_35(pod: &Pod<'_>) -> Option<Violation> {
    if pod.in_user_namespace() {
        return None;
    }
    run_as_user(pod)
}

fn confined(kind: Option<&str>) -> bool {
    matches!(kind, Some("RuntimeDefault" | "Localhost"))
}

fn seccomp_restricted(pod: &Pod<'_>) -> Option<Violation> {
    let pod_level = seccomp_type(pod.pod_security(&["seccompProfile"]));
    let mut parts = Vec::new();
    let mut fields = Vec::new();
    if let Some((kind, field)) = &pod_level {
        if !confined(*kind) {
            parts.push(format!("pod seccompProfile type {:?}", kind.unwrap_or("")));
            fields.push(field.clone());
        }
    }
    let (mut explicit, mut unset) = (Vec::new(), Vec::new());
    let (_, found) = per_container(pod, |c| match seccomp_type(c.security(&["seccompProfile"])) {
        Some((kind, _)) if confined(kind) => Vec::new(),
        Some((_, field)) => {
            explicit.push(c.describe());
            vec![field]
        }
        // Unset inherits the pod's profile, flagged above when it is wrong.
        None if pod_level.is_some() => Vec::new(),
        None => {
            unset.push(c.describe());
            vec![c.whole()]
        }
    });
    if !explicit.is_empty() {
        parts.push(format!("seccompProfile neither RuntimeDefault nor Localhost on {}", explicit.join(", ")));
    }
    if !unset.is_empty() {
        parts.push(format!("seccompProfile not set on the pod or {}", unset.join(", ")));
    }
    fields.extend(found);
    (!fields.is_empty()).then(|| Violation { message: parts.join("; "), fields })
}

fn seccomp_restricted_1_25(pod: &Pod<'_>) -> Option<Violation> {
    if pod.is_windows() {
        return None;
    }
    seccomp_restricted(pod)
}
