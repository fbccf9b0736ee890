//! Swarm objects -> `SwarmView`: the node's `/info` `Swarm` state, and on a manager the
//! cluster's settings (`/info` `Swarm.Cluster`, the same `Spec`/`TLSInfo` as
//! `GET /swarm` without the join tokens), `/nodes`, `/services` (as `ContainerSpec`s)
//! and the names of `/secrets` and `/configs`.

use std::collections::BTreeMap;

use base64::Engine as _;
use bollard::models::{LocalNodeState, Node, Service, SystemInfo};
use dockward_spec::live::logical_scope;
use dockward_spec::{
    ClusterSettings, ContainerSpec, EnvVar, Healthcheck, Logging, Mount, MountKind, NetworkView, NodeView, PortMapping,
    RestartPolicy, SpecSource, SwarmView, Ulimit,
};

use crate::normalise::{sorted, Fields};
use crate::read::RawSwarm;

/// The swarm this node is in, or `None` when `/info` shows it outside any swarm.
/// `raw` holds what a manager read; `networks` resolve a service's network ids.
pub fn swarm_view(info: &SystemInfo, raw: Option<&RawSwarm>, networks: &[NetworkView]) -> Option<SwarmView> {
    let sw = info.swarm.as_ref()?;
    let state = sw.local_node_state.as_ref()?;
    if matches!(state, LocalNodeState::INACTIVE | LocalNodeState::EMPTY) {
        return None;
    }
    let f = Fields { scope: "swarm".into() };
    let manager = sw.control_available == Some(true);
    let cluster = sw.cluster.as_ref().filter(|_| manager).map(|c| {
        let spec = c.spec.clone().unwrap_or_default();
        let ca = spec.ca_config.unwrap_or_default();
        ClusterSettings {
            auto_lock_managers: f.val(
                spec.encryption_config.and_then(|e| e.auto_lock_managers).unwrap_or(false),
                "Spec.EncryptionConfig.AutoLockManagers",
            ),
            node_cert_expiry_secs: ca
                .node_cert_expiry
                .filter(|n| *n > 0)
                .map(|n| f.val(n / 1_000_000_000, "Spec.CAConfig.NodeCertExpiry")),
            ca_not_before: c
                .tls_info
                .as_ref()
                .and_then(|t| t.trust_root.as_deref())
                .and_then(pem_not_before)
                .map(|s| f.val(s, "TLSInfo.TrustRoot")),
            data_path_port: c.data_path_port.filter(|p| *p > 0).map(|p| f.val(p, "DataPathPort")),
            default_addr_pool: c
                .default_addr_pool
                .iter()
                .flatten()
                .enumerate()
                .map(|(i, p)| f.val(p.clone(), format!("DefaultAddrPool[{i}]")))
                .collect(),
        }
    });
    let mut nodes: Vec<NodeView> = raw.map(|r| r.nodes.iter().map(node_view).collect()).unwrap_or_default();
    nodes.sort_by(|a, b| a.hostname.cmp(&b.hostname));
    let mut services: Vec<ContainerSpec> =
        raw.map(|r| r.services.iter().filter_map(|s| service_spec(s, networks)).collect()).unwrap_or_default();
    services.sort_by(|a, b| a.name.cmp(&b.name));
    Some(SwarmView {
        local_node_state: f.val(state.to_string(), "Info.Swarm.LocalNodeState"),
        node_addr: f.text(sw.node_addr.as_ref(), "Info.Swarm.NodeAddr"),
        manager,
        node_count: sw.nodes.filter(|_| manager).map(|n| f.val(n, "Info.Swarm.Nodes")),
        manager_count: sw.managers.filter(|_| manager).map(|n| f.val(n, "Info.Swarm.Managers")),
        cluster,
        nodes,
        services,
        secrets: raw.map(|r| r.secrets.clone()).unwrap_or_default(),
        configs: raw.map(|r| r.configs.clone()).unwrap_or_default(),
        listening: None,
    })
}

fn node_view(n: &Node) -> NodeView {
    let hostname = n.description.as_ref().and_then(|d| d.hostname.clone()).unwrap_or_else(|| {
        // By characters: an id is hex, but one that is not must not panic.
        n.id.as_deref().unwrap_or_default().chars().take(12).collect()
    });
    let f = Fields { scope: logical_scope("node", &hostname) };
    let spec = n.spec.clone().unwrap_or_default();
    let status = n.status.clone().unwrap_or_default();
    let ms = n.manager_status.as_ref();
    NodeView {
        role: f.val(spec.role.map(|r| r.to_string()).unwrap_or_default(), "Spec.Role"),
        availability: spec.availability.map(|a| f.val(a.to_string(), "Spec.Availability")),
        state: status.state.map(|s| f.val(s.to_string(), "Status.State")),
        addr: f.text(status.addr.as_ref(), "Status.Addr"),
        manager_addr: f.text(ms.and_then(|m| m.addr.as_ref()), "ManagerStatus.Addr"),
        reachability: ms
            .and_then(|m| m.reachability.as_ref())
            .map(|r| f.val(r.to_string(), "ManagerStatus.Reachability")),
        hostname,
    }
}

/// A service's task template as a `ContainerSpec` at `service/<name>/Spec...`. What a
/// service cannot set (privileged, devices, host PID/IPC/UTS namespaces) stays absent.
pub fn service_spec(s: &Service, networks: &[NetworkView]) -> Option<ContainerSpec> {
    let spec = s.spec.as_ref()?;
    let name = spec.name.clone()?;
    let f = Fields { scope: logical_scope("service", &name) };
    const CS: &str = "Spec.TaskTemplate.ContainerSpec";
    let mut out = ContainerSpec::new(SpecSource::SwarmService, name, f.at(CS));
    let template = spec.task_template.clone().unwrap_or_default();
    let cs = template.container_spec.clone().unwrap_or_default();
    let p = |field: &str| format!("{CS}.{field}");

    for (k, v) in sorted(cs.labels.as_ref()) {
        out.labels.push((k.clone(), f.val(v.clone(), p(&format!("Labels.{k}")))));
    }
    out.image = f.text(cs.image.as_ref(), &p("Image"));
    for (i, cap) in cs.capability_add.iter().flatten().enumerate() {
        out.cap_add.push(f.val(cap.clone(), p(&format!("CapabilityAdd[{i}]"))));
    }
    for (i, cap) in cs.capability_drop.iter().flatten().enumerate() {
        out.cap_drop.push(f.val(cap.clone(), p(&format!("CapabilityDrop[{i}]"))));
    }
    out.read_only = cs.read_only.filter(|r| *r).map(|v| f.val(v, p("ReadOnly")));
    // Privileges are fields of their own in a service; they become the security
    // options the CT rules read, located at those fields.
    if let Some(pr) = &cs.privileges {
        if pr.seccomp.as_ref().and_then(|s| s.mode.as_ref()).is_some_and(|m| m.to_string() == "unconfined") {
            out.security_opt.push(f.val("seccomp=unconfined".to_string(), p("Privileges.Seccomp.Mode")));
        }
        if pr.app_armor.as_ref().and_then(|a| a.mode.as_ref()).is_some_and(|m| m.to_string() == "disabled") {
            out.security_opt.push(f.val("apparmor=unconfined".to_string(), p("Privileges.AppArmor.Mode")));
        }
        if pr.se_linux_context.as_ref().and_then(|c| c.disable) == Some(true) {
            out.security_opt.push(f.val("label=disable".to_string(), p("Privileges.SELinuxContext.Disable")));
        }
        if pr.no_new_privileges == Some(true) {
            out.security_opt.push(f.val("no-new-privileges=true".to_string(), p("Privileges.NoNewPrivileges")));
        }
    }

    let res = template.resources.clone().unwrap_or_default();
    let limits = res.limits.unwrap_or_default();
    let r = &mut out.resources;
    r.memory = f.limit(limits.memory_bytes, "Spec.TaskTemplate.Resources.Limits.MemoryBytes");
    r.cpus = limits
        .nano_cpus
        .filter(|n| *n > 0)
        .map(|n| f.val(n as f64 / 1e9, "Spec.TaskTemplate.Resources.Limits.NanoCPUs"));
    r.pids_limit = f.limit(limits.pids, "Spec.TaskTemplate.Resources.Limits.Pids");
    r.memory_reservation =
        f.limit(res.reservations.and_then(|v| v.memory_bytes), "Spec.TaskTemplate.Resources.Reservations.MemoryBytes");
    for (i, u) in cs.ulimits.iter().flatten().enumerate() {
        if let Some(n) = &u.name {
            r.ulimits.push(Ulimit { name: f.val(n.clone(), p(&format!("Ulimits[{i}]"))), soft: u.soft, hard: u.hard });
        }
    }

    // `Spec.Networks` is the deprecated place of the same list.
    let (attachments, base) = match (&template.networks, &spec.networks) {
        (Some(n), _) if !n.is_empty() => (n.clone(), "Spec.TaskTemplate.Networks"),
        (_, Some(n)) => (n.clone(), "Spec.Networks"),
        _ => (Vec::new(), "Spec.TaskTemplate.Networks"),
    };
    for (i, a) in attachments.iter().enumerate() {
        let target = a.target.clone().unwrap_or_default();
        let net = networks.iter().find(|n| n.id == target || n.name == target);
        let name = net.map_or(target.clone(), |n| n.name.clone());
        let at = format!("{base}[{i}]");
        // A service on the `host` network runs its tasks in the node's network namespace.
        if net.is_some_and(|n| n.driver.value == "host") {
            out.network_mode = Some(f.val("host".to_string(), at.clone()));
        }
        out.networks.push(f.val(name, at));
    }

    for (i, m) in cs.mounts.iter().flatten().enumerate() {
        let kind = match m.typ.as_ref().map(|t| t.to_string()).as_deref() {
            Some("volume") => MountKind::Volume,
            Some("tmpfs") => MountKind::Tmpfs,
            Some("npipe") => MountKind::Npipe,
            Some("cluster") => MountKind::Cluster,
            Some("image") => MountKind::Image,
            _ => MountKind::Bind,
        };
        let at = p(&format!("Mounts[{i}]"));
        out.mounts.push(Mount {
            kind,
            source: if kind == MountKind::Tmpfs { None } else { f.text(m.source.as_ref(), &format!("{at}.Source")) },
            target: f.val(m.target.clone().unwrap_or_default(), format!("{at}.Target")),
            read_only: m.read_only.map(|ro| f.val(ro, format!("{at}.ReadOnly"))),
            propagation: m
                .bind_options
                .as_ref()
                .and_then(|b| b.propagation.as_ref())
                .map(|pr| pr.to_string())
                .filter(|pr| !pr.is_empty())
                .map(|pr| f.val(pr, format!("{at}.BindOptions.Propagation"))),
            at: f.at(at),
        });
    }
    out.user = f.text(cs.user.as_ref(), &p("User"));

    // Swarm publishes on every interface: `ingress` on every node (the routing mesh),
    // `host` on each node running a task; neither mode takes an address.
    let endpoint = spec.endpoint_spec.clone().or_else(|| s.endpoint.as_ref().and_then(|e| e.spec.clone()));
    let endpoint_ports = endpoint.and_then(|e| e.ports).unwrap_or_default();
    for (i, port) in endpoint_ports.iter().enumerate() {
        let at = format!("Spec.EndpointSpec.Ports[{i}]");
        out.ports.push(PortMapping {
            host_ip: None,
            host_port: port
                .published_port
                .filter(|p| *p > 0)
                .map(|p| f.val(p.to_string(), format!("{at}.PublishedPort"))),
            container_port: f.val(port.target_port.unwrap_or_default().to_string(), format!("{at}.TargetPort")),
            protocol: port.protocol.as_ref().map(|p| p.to_string()).filter(|p| !p.is_empty()).unwrap_or("tcp".into()),
            at: f.at(at),
        });
    }
    // Without networks of its own, a task is attached to `ingress` when it publishes a
    // port there, and to the node's default bridge otherwise (CT019).
    if out.networks.is_empty() {
        if let Some(i) =
            endpoint_ports.iter().position(|p| p.publish_mode.as_ref().is_none_or(|m| m.to_string() != "host"))
        {
            out.networks.push(f.val("ingress".to_string(), format!("Spec.EndpointSpec.Ports[{i}].PublishMode")));
        }
    }
    if let Some(rp) = &template.restart_policy {
        let policy = match rp.condition.as_ref().map(|c| c.to_string()).as_deref() {
            Some("none") => "no",
            Some("on-failure") => "on-failure",
            _ => "always",
        };
        out.restart = Some(RestartPolicy {
            policy: f.val(policy.to_string(), "Spec.TaskTemplate.RestartPolicy.Condition"),
            max_retries: f.limit(rp.max_attempts, "Spec.TaskTemplate.RestartPolicy.MaxAttempts"),
        });
    }
    if let Some(h) = &cs.health_check {
        out.healthcheck = Some(Healthcheck {
            disabled: None,
            test: h.test.clone().filter(|t| !t.is_empty()).map(|t| f.val(t, p("HealthCheck.Test"))),
            at: f.at(p("HealthCheck")),
        });
    }
    for (i, kv) in cs.env.iter().flatten().enumerate() {
        let path = p(&format!("Env[{i}]"));
        let (k, v) = match kv.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (kv.as_str(), None),
        };
        out.env.push(EnvVar {
            name: f.val(k.to_string(), path.clone()),
            value: v.map(|v| f.val(v.to_string(), path.clone())),
            from_file: None,
        });
    }
    for (i, sec) in cs.secrets.iter().flatten().enumerate() {
        if let Some(n) = &sec.secret_name {
            out.secrets.push(f.val(n.clone(), p(&format!("Secrets[{i}].SecretName"))));
        }
    }
    for (i, c) in cs.configs.iter().flatten().enumerate() {
        if let Some(n) = &c.config_name {
            out.configs.push(f.val(n.clone(), p(&format!("Configs[{i}].ConfigName"))));
        }
    }
    for (k, v) in sorted(cs.sysctls.as_ref()) {
        let path = p(&format!("Sysctls.{k}"));
        out.sysctls.push((f.val(k.clone(), path.clone()), f.val(v.clone(), path)));
    }
    if let Some(log) = &template.log_driver {
        let opts: BTreeMap<_, _> = log.options.iter().flatten().collect();
        out.logging = Some(Logging {
            driver: f.text(log.name.as_ref(), "Spec.TaskTemplate.LogDriver.Name"),
            options: opts
                .into_iter()
                .map(|(k, v)| {
                    let path = format!("Spec.TaskTemplate.LogDriver.Options.{k}");
                    (f.val(k.clone(), path.clone()), f.val(v.clone(), path))
                })
                .collect(),
        });
    }
    out.init = cs.init.map(|v| f.val(v, p("Init")));
    // In a service, `Command` replaces the image's ENTRYPOINT and `Args` its CMD.
    out.entrypoint = cs.command.clone().filter(|c| !c.is_empty()).map(|c| f.val(c, p("Command")));
    out.command = cs.args.clone().filter(|c| !c.is_empty()).map(|c| f.val(c, p("Args")));
    Some(out)
}

/// The notBefore of the first certificate of a PEM bundle, seconds since the Unix epoch.
///
/// A small DER walk rather than an X.509 crate: dockward needs this one field of a
/// certificate the swarm's own CA made, and a full parser (x509-parser and its nom,
/// asn1-rs, der-parser, oid-registry, time) would more than double the engine crate's
/// dependency tree for it. Certificate ::= SEQUENCE { tbsCertificate SEQUENCE {
/// [0] version OPTIONAL, serialNumber INTEGER, signature SEQUENCE, issuer SEQUENCE,
/// validity SEQUENCE { notBefore Time, ... }, ... }, ... } (RFC 5280 4.1).
pub fn pem_not_before(pem: &str) -> Option<i64> {
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE-----"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .map(str::trim)
        .collect();
    let der = base64::engine::general_purpose::STANDARD.decode(body).ok()?;
    let (_, cert, _) = der_item(&der)?;
    let (_, mut tbs, _) = der_item(cert)?;
    let mut item = || -> Option<(u8, &[u8])> {
        let (tag, content, rest) = der_item(tbs)?;
        tbs = rest;
        Some((tag, content))
    };
    let (mut tag, _) = item()?;
    if tag == 0xA0 {
        tag = item()?.0; // the explicit [0] version; then the serial number
    }
    if tag != 0x02 {
        return None;
    }
    item()?; // signature algorithm
    item()?; // issuer
    let (tag, validity) = item()?;
    if tag != 0x30 {
        return None;
    }
    let (tag, time, _) = der_item(validity)?;
    der_time(tag, std::str::from_utf8(time).ok()?)
}

/// One DER item: its tag, its content and what follows it.
fn der_item(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | *b as usize);
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// UTCTime (`YYMMDDHHMMSSZ`, tag 0x17; years 50-99 are 19xx) or GeneralizedTime
/// (`YYYYMMDDHHMMSSZ`, tag 0x18) as seconds since the Unix epoch.
fn der_time(tag: u8, s: &str) -> Option<i64> {
    let s = s.strip_suffix('Z')?;
    // Digits only before any slicing: a multi-byte character would split a byte index.
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let full = match (tag, s.len()) {
        (0x17, 12) => {
            let yy: i64 = s[..2].parse().ok()?;
            format!("{}{}", if yy >= 50 { 1900 + yy } else { 2000 + yy }, &s[2..])
        }
        (0x18, 14) => s.to_string(),
        _ => return None,
    };
    let rfc3339 =
        format!("{}-{}-{}T{}:{}:{}Z", &full[..4], &full[4..6], &full[6..8], &full[8..10], &full[10..12], &full[12..14]);
    crate::normalise::parse_rfc3339_seconds(&rfc3339)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockward_diagnostics::Location;
    use dockward_spec::live::logical;
    use dockward_spec::Val;

    fn at(l: &Location) -> String {
        l.to_string()
    }

    /// A self-signed P-256 certificate made with `openssl ca -selfsign -startdate
    /// 240301120000Z`: an X.509 v1 certificate (no `[0] version`); the v3 one of a real
    /// swarm is read by the engine test against a second dockerd.
    const SWARM_CA: &str = "-----BEGIN CERTIFICATE-----
MIIBDTCBtAIBATAKBggqhkjOPQQDAjATMREwDwYDVQQDDAhzd2FybS1jYTAeFw0y
NDAzMDExMjAwMDBaFw00NDAyMjYxMjAwMDBaMBMxETAPBgNVBAMMCHN3YXJtLWNh
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEdDQU3tC2l4cZHVkLfRVeyD9H1Dwa
dxZH7QdaHBa6jfJaBWDFhgoNe4vTGxg7S4hc3d2iSkIjWQSApkBL018qRTAKBggq
hkjOPQQDAgNIADBFAiAJh22w/6Rk573HzQDIC+z5FztObn4drysbMM4gJ/9W7gIh
ANK45ZAdN+wa4DLnHwqUvQv3H+OjJAaz5TqWssBh37wa
-----END CERTIFICATE-----
";

    #[test]
    fn the_ca_certificate_gives_its_not_before() {
        assert_eq!(pem_not_before(SWARM_CA), crate::normalise::parse_rfc3339_seconds("2024-03-01T12:00:00Z"));
        assert_eq!(pem_not_before("not a certificate"), None);
        let truncated: String = SWARM_CA.lines().take(3).collect::<Vec<_>>().join("\n");
        assert_eq!(pem_not_before(&truncated), None);
    }

    #[test]
    fn der_times_in_both_encodings() {
        assert_eq!(der_time(0x17, "991231235959Z"), crate::normalise::parse_rfc3339_seconds("1999-12-31T23:59:59Z"));
        assert_eq!(der_time(0x17, "240101000000Z"), crate::normalise::parse_rfc3339_seconds("2024-01-01T00:00:00Z"));
        assert_eq!(der_time(0x18, "20500101000000Z"), crate::normalise::parse_rfc3339_seconds("2050-01-01T00:00:00Z"));
        assert_eq!(der_time(0x17, "2401010000Z"), None);
        assert_eq!(der_time(0x02, "240101000000Z"), None);
    }

    #[test]
    fn garbage_der_times_and_node_ids_do_not_panic() {
        // 12 bytes before the `Z`, but `é` straddles the 2-byte year of a UTCTime.
        assert_eq!(der_time(0x17, "1\u{e9}345678901Z"), None);
        assert_eq!(der_time(0x17, "24010100000\u{e9}Z"), None);
        assert_eq!(der_time(0x18, "2024010100000\u{e9}Z"), None);
        // A node without a hostname is named by its id's first 12 characters.
        let node: Node = serde_json::from_value(serde_json::json!({"ID": "abcdefghijk\u{e9}xyz"})).unwrap();
        assert_eq!(node_view(&node).hostname, "abcdefghijk\u{e9}");
    }

    fn service(json: serde_json::Value) -> Service {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_service_becomes_a_container_spec_at_its_fields() {
        let s = service(serde_json::json!({
            "ID": "x", "Spec": {"Name": "web", "TaskTemplate": {
                "ContainerSpec": {
                    "Image": "busybox:1", "User": "root", "Env": ["DB_PASSWORD=hunter2", "MODE"],
                    "CapabilityAdd": ["CAP_SYS_ADMIN"], "CapabilityDrop": ["ALL"], "ReadOnly": false,
                    "Privileges": {"NoNewPrivileges": true, "Seccomp": {"Mode": "unconfined"}, "AppArmor": {"Mode": "default"}},
                    "Mounts": [{"Type": "bind", "Source": "/var/run/docker.sock", "Target": "/s", "ReadOnly": true}],
                    "Sysctls": {"net.ipv4.ip_forward": "1"}, "Init": true,
                    "Secrets": [{"SecretName": "db", "SecretID": "1"}],
                    "Command": ["sh"], "Args": ["-c", "true"]
                },
                "Resources": {"Limits": {"MemoryBytes": 67108864, "NanoCPUs": 500000000, "Pids": 0}},
                "RestartPolicy": {"Condition": "on-failure", "MaxAttempts": 0},
                "Networks": [{"Target": "n1"}]
            },
            "EndpointSpec": {"Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "ingress"}]}}
        }));
        let nets = [NetworkView {
            id: "n1".into(),
            name: "backend".into(),
            origin: logical("network/backend", "Driver"),
            driver: Val::new("overlay".into(), logical("network/backend", "Driver")),
            scope: "swarm".into(),
            internal: false,
            options: Vec::new(),
            attached: Vec::new(),
        }];
        let c = service_spec(&s, &nets).unwrap();
        assert_eq!((c.source, c.name.as_str()), (SpecSource::SwarmService, "web"));
        assert_eq!(at(&c.origin), "service/web/Spec.TaskTemplate.ContainerSpec");
        let user = c.user.as_ref().unwrap();
        assert_eq!(
            (user.value.as_str(), at(&user.at).as_str()),
            ("root", "service/web/Spec.TaskTemplate.ContainerSpec.User")
        );
        assert_eq!(at(&c.cap_add[0].at), "service/web/Spec.TaskTemplate.ContainerSpec.CapabilityAdd[0]");
        assert_eq!(c.cap_drop[0].value, "ALL");
        assert!(c.read_only.is_none() && c.privileged.is_none() && c.pid.is_none() && c.network_mode.is_none());
        let opts: Vec<_> = c.security_opt.iter().map(|o| (o.value.as_str(), at(&o.at))).collect();
        assert_eq!(
            opts,
            [
                (
                    "seccomp=unconfined",
                    "service/web/Spec.TaskTemplate.ContainerSpec.Privileges.Seccomp.Mode".to_string()
                ),
                (
                    "no-new-privileges=true",
                    "service/web/Spec.TaskTemplate.ContainerSpec.Privileges.NoNewPrivileges".to_string()
                ),
            ]
        );
        assert_eq!(c.resources.memory.as_ref().map(|m| m.value), Some(67108864));
        assert_eq!(
            c.resources.cpus.as_ref().map(|m| at(&m.at)),
            Some("service/web/Spec.TaskTemplate.Resources.Limits.NanoCPUs".into())
        );
        assert!(c.resources.pids_limit.is_none(), "0 is unlimited");
        assert_eq!(at(&c.mounts[0].at), "service/web/Spec.TaskTemplate.ContainerSpec.Mounts[0]");
        assert!(c.mounts[0].is_read_only());
        let port = &c.ports[0];
        assert!(port.host_ip.is_none(), "swarm publishes on every interface");
        assert_eq!(at(&port.at), "service/web/Spec.EndpointSpec.Ports[0]");
        assert_eq!(port.host_port.as_ref().map(|p| p.value.as_str()), Some("8080"));
        assert_eq!(c.networks.iter().map(|n| n.value.as_str()).collect::<Vec<_>>(), ["backend"]);
        let r = c.restart.as_ref().unwrap();
        assert_eq!((r.policy.value.as_str(), r.max_retries.is_none()), ("on-failure", true));
        assert_eq!(c.env.len(), 2);
        assert_eq!(at(&c.env[0].name.at), "service/web/Spec.TaskTemplate.ContainerSpec.Env[0]");
        assert!(c.env[1].value.is_none());
        assert_eq!(c.secrets[0].value, "db");
        assert_eq!(c.init.as_ref().map(|i| i.value), Some(true));
        assert_eq!(c.entrypoint.as_ref().map(|e| e.value.clone()), Some(vec!["sh".to_string()]));
    }

    /// `(code, location)` of the CT findings over one service, without daemon defaults.
    fn ct_findings(s: &Service) -> Vec<(&'static str, String)> {
        let spec = service_spec(s, &[]).unwrap();
        let settings = dockward_linter::settings::SettingsBuilder::default().build();
        let found = dockward_linter::check::lint_container_specs(&[spec], &Default::default(), &settings);
        found.into_iter().map(|d| (d.rule.code, d.location.to_string())).collect()
    }

    #[test]
    fn a_service_is_on_the_default_bridge_only_without_networks_and_ingress_ports() {
        let bare =
            service(serde_json::json!({"Spec": {"Name": "bare", "TaskTemplate": {"ContainerSpec": {"Image": "x:1"}}}}));
        let got = ct_findings(&bare);
        assert!(got.contains(&("CT019", "service/bare/Spec.TaskTemplate.ContainerSpec".into())), "{got:?}");
        // What a service cannot set is never reported.
        for absent in ["CT001", "CT011", "CT013", "CT016"] {
            assert!(got.iter().all(|(c, _)| *c != absent), "{absent}: {got:?}");
        }
        let published = service(serde_json::json!({"Spec": {"Name": "pub",
            "TaskTemplate": {"ContainerSpec": {"Image": "x:1"}},
            "EndpointSpec": {"Ports": [{"TargetPort": 80, "PublishedPort": 8080}]}}}));
        let got = ct_findings(&published);
        assert!(got.iter().all(|(c, _)| *c != "CT019"), "{got:?}");
        assert!(got.contains(&("CT017", "service/pub/Spec.EndpointSpec.Ports[0]".into())), "{got:?}");
        let host_mode = service(serde_json::json!({"Spec": {"Name": "h",
            "TaskTemplate": {"ContainerSpec": {"Image": "x:1"}},
            "EndpointSpec": {"Ports": [{"TargetPort": 80, "PublishedPort": 8080, "PublishMode": "host"}]}}}));
        assert!(ct_findings(&host_mode).iter().any(|(c, _)| *c == "CT019"));
    }

    #[test]
    fn the_swarm_view_keeps_settings_and_nodes() {
        let info: SystemInfo = serde_json::from_value(serde_json::json!({"Swarm": {
            "NodeID": "n", "NodeAddr": "10.0.0.1", "LocalNodeState": "active", "ControlAvailable": true,
            "Nodes": 2, "Managers": 1,
            "Cluster": {"Spec": {"EncryptionConfig": {"AutoLockManagers": false}, "CAConfig": {"NodeCertExpiry": 7776000000000000u64}},
                        "TLSInfo": {"TrustRoot": SWARM_CA}, "DataPathPort": 4789, "DefaultAddrPool": ["10.0.0.0/8"]}
        }}))
        .unwrap();
        let node: Node = serde_json::from_value(serde_json::json!({
            "ID": "abc", "Description": {"Hostname": "m1"}, "Spec": {"Role": "manager", "Availability": "active"},
            "Status": {"State": "ready", "Addr": "10.0.0.1"},
            "ManagerStatus": {"Leader": true, "Reachability": "reachable", "Addr": "10.0.0.1:2377"}
        }))
        .unwrap();
        let raw = RawSwarm { nodes: vec![node], ..Default::default() };
        let v = swarm_view(&info, Some(&raw), &[]).unwrap();
        assert!(v.manager);
        let c = v.cluster.as_ref().unwrap();
        assert_eq!(at(&c.auto_lock_managers.at), "swarm/Spec.EncryptionConfig.AutoLockManagers");
        assert!(!c.auto_lock_managers.value);
        assert_eq!(c.node_cert_expiry_secs.as_ref().map(|v| v.value), Some(90 * 86400));
        assert_eq!(c.ca_not_before.as_ref().map(|v| at(&v.at)), Some("swarm/TLSInfo.TrustRoot".into()));
        assert_eq!(v.manager_count.as_ref().map(|m| m.value), Some(1));
        let n = &v.nodes[0];
        assert_eq!(n.hostname, "m1");
        assert_eq!(n.manager_addr.as_ref().map(|a| at(&a.at)), Some("node/m1/ManagerStatus.Addr".into()));
        assert_eq!(n.addr.as_ref().map(|a| a.value.as_str()), Some("10.0.0.1"));

        let outside: SystemInfo =
            serde_json::from_value(serde_json::json!({"Swarm": {"LocalNodeState": "inactive"}})).unwrap();
        assert!(swarm_view(&outside, None, &[]).is_none());
        let worker: SystemInfo = serde_json::from_value(
            serde_json::json!({"Swarm": {"LocalNodeState": "active", "ControlAvailable": false, "Nodes": 3}}),
        )
        .unwrap();
        let w = swarm_view(&worker, None, &[]).unwrap();
        assert!(!w.manager && w.cluster.is_none() && w.node_count.is_none());
    }
}
