//! Engine API objects -> dockward's views. Every value is a `Val` whose location is the
//! API field it came from: `container/web-1` / `HostConfig.Privileged`.

use std::collections::{BTreeMap, HashMap};

use bollard::models::{ContainerInspectResponse, Network, SystemInfo, SystemVersion};
use dockward_diagnostics::Location;
use dockward_spec::live::{logical, logical_scope};
use dockward_spec::{
    ContainerSpec, DaemonOption, DaemonSource, DaemonValue, EngineDefaults, EngineInfo, EnvVar, Healthcheck,
    HistoryStep, ImageConfig, ImageView, Logging, Mount, MountKind, NetworkView, PortMapping, RestartPolicy,
    SpecSource, Ulimit, Val,
};

use crate::read::RawImage;

/// Builds values located at fields of one object.
pub(crate) struct Fields {
    pub(crate) scope: String,
}

impl Fields {
    pub(crate) fn at(&self, path: impl Into<String>) -> Location {
        logical(&self.scope, path)
    }

    pub(crate) fn val<T>(&self, value: T, path: impl Into<String>) -> Val<T> {
        Val::new(value, self.at(path))
    }

    /// A string field, `None` when empty.
    pub(crate) fn text(&self, value: Option<&String>, path: &str) -> Option<Val<String>> {
        value.filter(|s| !s.is_empty()).map(|s| self.val(s.clone(), path))
    }

    /// A limit, `None` when 0 or negative (the API's "unlimited").
    pub(crate) fn limit(&self, value: Option<i64>, path: &str) -> Option<Val<i64>> {
        value.filter(|v| *v > 0).map(|v| self.val(v, path))
    }
}

pub(crate) fn sorted<V>(map: Option<&HashMap<String, V>>) -> Vec<(&String, &V)> {
    let mut v: Vec<_> = map.into_iter().flatten().collect();
    v.sort_by(|a, b| a.0.cmp(b.0));
    v
}

/// The short image id used when an image has no tag.
pub fn short_id(id: &str) -> String {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    hex[..hex.len().min(12)].to_string()
}

/// A container's inspect data as a `ContainerSpec`. `images` gives the container's
/// image configuration (its USER and HEALTHCHECK), when the image was read.
pub fn container_spec(c: &ContainerInspectResponse, images: &HashMap<String, &ImageView>) -> ContainerSpec {
    let name = c.name.as_deref().unwrap_or_default().trim_start_matches('/').to_string();
    let f = Fields { scope: logical_scope("container", &name) };
    let mut spec = ContainerSpec::new(SpecSource::LiveContainer, name.clone(), f.at("HostConfig"));
    let empty_hc = Default::default();
    let hc = c.host_config.as_ref().unwrap_or(&empty_hc);
    let empty_cfg = Default::default();
    let cfg = c.config.as_ref().unwrap_or(&empty_cfg);

    for (k, v) in sorted(cfg.labels.as_ref()) {
        spec.labels.push((k.clone(), f.val(v.clone(), format!("Config.Labels.{k}"))));
    }
    spec.image = f.text(cfg.image.as_ref(), "Config.Image");
    if let Some(image) = c.image.as_ref().and_then(|id| images.get(id)) {
        spec.image_config = Some(ImageConfig {
            from: image.origin.clone(),
            user: Some(image.user.clone()),
            has_healthcheck: Some(
                image.healthcheck.as_ref().is_some_and(|h| h.value.first().is_some_and(|t| t != "NONE")),
            ),
        });
    }

    spec.privileged = hc.privileged.map(|v| f.val(v, "HostConfig.Privileged"));
    for (i, cap) in hc.cap_add.iter().flatten().enumerate() {
        spec.cap_add.push(f.val(cap.clone(), format!("HostConfig.CapAdd[{i}]")));
    }
    for (i, cap) in hc.cap_drop.iter().flatten().enumerate() {
        spec.cap_drop.push(f.val(cap.clone(), format!("HostConfig.CapDrop[{i}]")));
    }
    // The API always has the field; `false` is Docker's default, i.e. "not set".
    spec.read_only = hc.readonly_rootfs.filter(|ro| *ro).map(|v| f.val(v, "HostConfig.ReadonlyRootfs"));
    let privileged = hc.privileged == Some(true);
    let host_ns = |m: &Option<String>| m.as_deref() == Some("host");
    let options: Vec<&String> = hc.security_opt.iter().flatten().collect();
    // dockerd appends `label=disable` itself to a privileged container or one sharing
    // the host's PID or IPC namespace (moby `generateSecurityOpt`): a consequence CT001
    // and CT011 report, not a setting of the container.
    let derived_label = (privileged || host_ns(&hc.pid_mode) || host_ns(&hc.ipc_mode))
        .then(|| options.iter().rposition(|o| o.as_str() == "label=disable"))
        .flatten();
    for (i, opt) in options.iter().enumerate() {
        if Some(i) != derived_label {
            spec.security_opt.push(f.val((*opt).clone(), format!("HostConfig.SecurityOpt[{i}]")));
        }
    }
    // `systempaths=unconfined` empties `MaskedPaths`; so does `--privileged`, which
    // CT001 reports: only an unprivileged container with nothing masked is reported.
    spec.masked_paths_disabled = spec.systempaths_unconfined().or_else(|| {
        (!privileged && hc.masked_paths.as_ref().is_some_and(Vec::is_empty))
            .then(|| f.val(true, "HostConfig.MaskedPaths"))
    });
    // A privileged container is always `unconfined` (CT001 says so); an explicit
    // `apparmor=unconfined` shows in `SecurityOpt` as well.
    spec.apparmor_profile =
        f.text(c.app_armor_profile.as_ref(), "AppArmorProfile").filter(|p| !(privileged && p.value == "unconfined"));

    let r = &mut spec.resources;
    r.memory = f.limit(hc.memory, "HostConfig.Memory");
    r.memory_reservation = f.limit(hc.memory_reservation, "HostConfig.MemoryReservation");
    r.memory_swap = hc.memory_swap.filter(|v| *v != 0).map(|v| f.val(v, "HostConfig.MemorySwap"));
    r.cpus = match (hc.nano_cpus, hc.cpu_quota) {
        (Some(n), _) if n > 0 => Some(f.val(n as f64 / 1e9, "HostConfig.NanoCpus")),
        (_, Some(q)) if q > 0 => {
            let period = hc.cpu_period.filter(|p| *p > 0).unwrap_or(100_000);
            Some(f.val(q as f64 / period as f64, "HostConfig.CpuQuota"))
        }
        _ => None,
    };
    r.cpu_shares = f.limit(hc.cpu_shares, "HostConfig.CpuShares");
    r.cpuset = f.text(hc.cpuset_cpus.as_ref(), "HostConfig.CpusetCpus");
    r.pids_limit = f.limit(hc.pids_limit, "HostConfig.PidsLimit");
    r.oom_kill_disable = hc.oom_kill_disable.map(|v| f.val(v, "HostConfig.OomKillDisable"));
    for (i, u) in hc.ulimits.iter().flatten().enumerate() {
        if let Some(n) = &u.name {
            r.ulimits.push(Ulimit {
                name: f.val(n.clone(), format!("HostConfig.Ulimits[{i}]")),
                soft: u.soft,
                hard: u.hard,
            });
        }
    }

    spec.network_mode = f.text(hc.network_mode.as_ref(), "HostConfig.NetworkMode");
    spec.pid = f.text(hc.pid_mode.as_ref(), "HostConfig.PidMode");
    spec.ipc = f.text(hc.ipc_mode.as_ref(), "HostConfig.IpcMode");
    spec.uts = f.text(hc.uts_mode.as_ref(), "HostConfig.UTSMode");
    spec.userns_mode = f.text(hc.userns_mode.as_ref(), "HostConfig.UsernsMode");
    spec.cgroup_parent = f.text(hc.cgroup_parent.as_ref(), "HostConfig.CgroupParent");
    spec.cgroupns_mode = hc
        .cgroupns_mode
        .as_ref()
        .map(|m| m.to_string())
        .filter(|m| !m.is_empty())
        .map(|m| f.val(m, "HostConfig.CgroupnsMode"));
    let networks = c.network_settings.as_ref().and_then(|n| n.networks.as_ref());
    for (net, _) in sorted(networks) {
        spec.networks.push(f.val(net.clone(), format!("NetworkSettings.Networks.{net}")));
    }

    for (i, m) in c.mounts.iter().flatten().enumerate() {
        let kind = match m.typ.as_deref() {
            Some("volume") => MountKind::Volume,
            Some("tmpfs") => MountKind::Tmpfs,
            Some("npipe") => MountKind::Npipe,
            Some("cluster") => MountKind::Cluster,
            Some("image") => MountKind::Image,
            _ => MountKind::Bind,
        };
        let source = match kind {
            MountKind::Volume => f.text(m.name.as_ref(), &format!("Mounts[{i}].Name")),
            MountKind::Tmpfs => None,
            _ => f.text(m.source.as_ref(), &format!("Mounts[{i}].Source")),
        };
        spec.mounts.push(Mount {
            kind,
            source,
            target: f.val(m.destination.clone().unwrap_or_default(), format!("Mounts[{i}].Destination")),
            read_only: m.rw.map(|rw| f.val(!rw, format!("Mounts[{i}].RW"))),
            propagation: f.text(m.propagation.as_ref(), &format!("Mounts[{i}].Propagation")),
            at: f.at(format!("Mounts[{i}]")),
        });
    }
    for (target, opts) in sorted(hc.tmpfs.as_ref()) {
        let path = format!("HostConfig.Tmpfs.{target}");
        spec.mounts.push(Mount {
            kind: MountKind::Tmpfs,
            source: None,
            target: f.val(target.clone(), path.clone()),
            read_only: Some(f.val(opts.split(',').any(|o| o == "ro"), path.clone())),
            propagation: None,
            at: f.at(path),
        });
    }
    for (i, d) in hc.devices.iter().flatten().enumerate() {
        let host = d.path_on_host.clone().unwrap_or_default();
        let inside = d.path_in_container.clone().filter(|p| !p.is_empty()).unwrap_or_else(|| host.clone());
        let perms = d.cgroup_permissions.clone().unwrap_or_default();
        let text = if perms.is_empty() { format!("{host}:{inside}") } else { format!("{host}:{inside}:{perms}") };
        spec.devices.push(f.val(text, format!("HostConfig.Devices[{i}]")));
    }
    spec.user = f.text(cfg.user.as_ref(), "Config.User");

    for (key, bindings) in sorted(hc.port_bindings.as_ref()) {
        let (port, proto) = key.split_once('/').unwrap_or((key.as_str(), "tcp"));
        for (i, b) in bindings.iter().flatten().enumerate() {
            let path = format!("HostConfig.PortBindings.{key}[{i}]");
            spec.ports.push(PortMapping {
                host_ip: f.text(b.host_ip.as_ref(), &format!("{path}.HostIp")),
                host_port: f.text(b.host_port.as_ref(), &format!("{path}.HostPort")),
                container_port: f.val(port.to_string(), format!("HostConfig.PortBindings.{key}")),
                protocol: proto.to_string(),
                at: f.at(path),
            });
        }
    }
    spec.publish_all = hc.publish_all_ports.map(|v| f.val(v, "HostConfig.PublishAllPorts"));
    if let Some(rp) = &hc.restart_policy {
        let policy = rp.name.as_ref().map(|n| n.to_string()).filter(|n| !n.is_empty()).unwrap_or_else(|| "no".into());
        spec.restart = Some(RestartPolicy {
            policy: f.val(policy, "HostConfig.RestartPolicy.Name"),
            max_retries: f.limit(rp.maximum_retry_count, "HostConfig.RestartPolicy.MaximumRetryCount"),
        });
    }
    if let Some(h) = &cfg.healthcheck {
        spec.healthcheck = Some(Healthcheck {
            disabled: None,
            test: h.test.clone().map(|t| f.val(t, "Config.Healthcheck.Test")),
            at: f.at("Config.Healthcheck"),
        });
    }
    // `Config.Env` is the image's environment plus the container's own. What the image
    // sets is the image's (IM rules); the spec keeps what the container sets, as a
    // Compose service or `docker run` line would.
    let image_env: Vec<String> = c
        .image
        .as_ref()
        .and_then(|id| images.get(id))
        .map(|img| {
            img.env
                .iter()
                .map(|e| match &e.value {
                    Some(v) => format!("{}={}", e.name.value, v.value),
                    None => e.name.value.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    spec.env = env_vars(&f, cfg.env.as_deref().unwrap_or_default())
        .into_iter()
        .zip(cfg.env.iter().flatten())
        .filter(|(_, raw)| !image_env.contains(raw))
        .map(|(e, _)| e)
        .collect();
    for (k, v) in sorted(hc.sysctls.as_ref()) {
        let path = format!("HostConfig.Sysctls.{k}");
        spec.sysctls.push((f.val(k.clone(), path.clone()), f.val(v.clone(), path)));
    }
    if let Some(log) = &hc.log_config {
        spec.logging = Some(Logging {
            driver: f.text(log.typ.as_ref(), "HostConfig.LogConfig.Type"),
            options: sorted(log.config.as_ref())
                .into_iter()
                .map(|(k, v)| {
                    let path = format!("HostConfig.LogConfig.Config.{k}");
                    (f.val(k.clone(), path.clone()), f.val(v.clone(), path))
                })
                .collect(),
        });
    }
    spec.init = hc.init.map(|v| f.val(v, "HostConfig.Init"));
    spec.entrypoint = cfg.entrypoint.clone().filter(|e| !e.is_empty()).map(|e| f.val(e, "Config.Entrypoint"));
    spec.command = cfg.cmd.clone().filter(|e| !e.is_empty()).map(|e| f.val(e, "Config.Cmd"));
    spec
}

fn env_vars(f: &Fields, env: &[String]) -> Vec<EnvVar> {
    env.iter()
        .enumerate()
        .map(|(i, kv)| {
            let path = format!("Config.Env[{i}]");
            let (k, v) = match kv.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (kv.as_str(), None),
            };
            EnvVar {
                name: f.val(k.to_string(), path.clone()),
                value: v.map(|v| f.val(v.to_string(), path.clone())),
                from_file: None,
            }
        })
        .collect()
}

/// An image's inspect data and history as an `ImageView`.
pub fn image_view(raw: &RawImage) -> ImageView {
    let i = &raw.inspect;
    let id = i.id.clone().unwrap_or_default();
    let tags: Vec<String> = i.repo_tags.iter().flatten().filter(|t| t.as_str() != "<none>:<none>").cloned().collect();
    let name = tags.first().cloned().unwrap_or_else(|| short_id(&id));
    let f = Fields { scope: logical_scope("image", &name) };
    let cfg = i.config.clone().unwrap_or_default();
    // The API lists history newest first.
    let history = raw
        .history
        .iter()
        .rev()
        .enumerate()
        .map(|(n, h)| HistoryStep {
            created_by: f.val(h.created_by.clone(), format!("History[{}].CreatedBy", raw.history.len() - 1 - n)),
        })
        .collect();
    ImageView {
        origin: f.at("Config"),
        tags: tags.iter().enumerate().map(|(n, t)| f.val(t.clone(), format!("RepoTags[{n}]"))).collect(),
        user: f.text(cfg.user.as_ref(), "Config.User"),
        healthcheck: cfg
            .healthcheck
            .and_then(|h| h.test)
            .filter(|t| !t.is_empty())
            .map(|t| f.val(t, "Config.Healthcheck.Test")),
        env: env_vars(&f, cfg.env.as_deref().unwrap_or_default()),
        history,
        created: i.created.as_ref().and_then(|c| parse_rfc3339_seconds(&c.to_string())).map(|s| f.val(s, "Created")),
        used_by: Vec::new(),
        id,
        name,
    }
}

/// Seconds since the epoch of an RFC 3339 time (`2024-05-01T10:00:00.123Z`), UTC or
/// with an offset. `None` for anything else.
pub fn parse_rfc3339_seconds(s: &str) -> Option<i64> {
    let s = s.trim().trim_matches('"');
    let (date, rest) = s.split_once(['T', ' '])?;
    let mut d = date.split('-');
    let (y, m, day): (i64, i64, i64) = (d.next()?.parse().ok()?, d.next()?.parse().ok()?, d.next()?.parse().ok()?);
    let time_end = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (time, zone) = rest.split_at(time_end);
    let mut t = time.split(':');
    let (hh, mm): (i64, i64) = (t.next()?.parse().ok()?, t.next()?.parse().ok()?);
    let ss: i64 = t.next()?.split('.').next()?.parse().ok()?;
    let offset = match zone.as_bytes().first() {
        Some(b'+') | Some(b'-') => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let (oh, om) = zone[1..].split_once(':').unwrap_or((&zone[1..], "0"));
            sign * (oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60)
        }
        _ => 0,
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = if y2 >= 0 { y2 } else { y2 - 399 } / 400;
    let yoe = y2 - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss - offset)
}

/// A network and the audited containers attached to it.
pub fn network_view(n: &Network, containers: &[ContainerSpec]) -> NetworkView {
    let name = n.name.clone().unwrap_or_default();
    let f = Fields { scope: logical_scope("network", &name) };
    let attached = containers
        .iter()
        .flat_map(|c| c.networks.iter().filter(|net| net.value == name))
        .map(|net| Val::new(net.value.clone(), net.at.clone()))
        .collect();
    NetworkView {
        id: n.id.clone().unwrap_or_default(),
        origin: f.at("Driver"),
        driver: f.val(n.driver.clone().unwrap_or_default(), "Driver"),
        scope: n.scope.clone().unwrap_or_default(),
        internal: n.internal.unwrap_or(false),
        options: sorted(n.options.as_ref())
            .into_iter()
            .map(|(k, v)| (k.clone(), f.val(v.clone(), format!("Options.{k}"))))
            .collect(),
        attached,
        name,
    }
}

/// `/info` and `/version` as an `EngineInfo`.
pub fn engine_info(endpoint: &str, info: &SystemInfo, version: Option<&SystemVersion>) -> EngineInfo {
    let name = info.name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| endpoint.to_string());
    let f = Fields { scope: logical_scope("engine", &name) };
    let swarm = info.swarm.as_ref();
    let mut insecure: Vec<Val<String>> = info
        .registry_config
        .as_ref()
        .and_then(|r| r.index_configs.as_ref())
        .map(|m| {
            let m: BTreeMap<_, _> = m.iter().collect();
            m.into_iter()
                .filter(|(_, c)| c.secure == Some(false))
                .map(|(k, _)| f.val(k.clone(), format!("RegistryConfig.IndexConfigs.{k}.Secure")))
                .collect()
        })
        .unwrap_or_default();
    insecure.sort_by(|a, b| a.value.cmp(&b.value));
    EngineInfo {
        endpoint: endpoint.to_string(),
        version: version
            .and_then(|v| v.version.clone())
            .map(|v| f.val(v, "Version"))
            .or_else(|| f.text(info.server_version.as_ref(), "ServerVersion")),
        api_version: version.and_then(|v| v.api_version.clone()),
        min_api_version: version.and_then(|v| v.min_api_version.clone()),
        os: info.operating_system.clone(),
        kernel_version: info.kernel_version.clone(),
        architecture: info.architecture.clone(),
        storage_driver: f.text(info.driver.as_ref(), "Driver"),
        logging_driver: f.text(info.logging_driver.as_ref(), "LoggingDriver"),
        cgroup_driver: info.cgroup_driver.as_ref().map(|d| d.to_string()),
        cgroup_version: info.cgroup_version.as_ref().map(|d| d.to_string()),
        security_options: info
            .security_options
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, s)| f.val(s.clone(), format!("SecurityOptions[{i}]")))
            .collect(),
        live_restore: info.live_restore_enabled.map(|v| f.val(v, "LiveRestoreEnabled")),
        experimental: info.experimental_build,
        default_runtime: info.default_runtime.clone(),
        docker_root_dir: info.docker_root_dir.clone(),
        swarm_state: swarm.and_then(|s| s.local_node_state.as_ref()).map(|s| s.to_string()).unwrap_or_default(),
        swarm_manager: swarm.and_then(|s| s.control_available).unwrap_or(false),
        containers_total: info.containers.unwrap_or(0),
        containers_running: info.containers_running.unwrap_or(0),
        containers_stopped: info.containers_stopped.unwrap_or(0),
        images_total: info.images.unwrap_or(0),
        insecure_registries: insecure,
        warnings: info.warnings.clone().unwrap_or_default(),
        name,
    }
}

/// What `/info` and the default bridge show of the daemon's configuration, as options
/// under their `daemon.json` keys located at the fields they come from
/// (`daemon/Info.LiveRestoreEnabled`, `network/bridge/Options.<name>`), and whether the
/// daemon runs rootless. Only what the API shows for certain is given: `icc`,
/// `userland-proxy` or `log-opts` of a remote daemon stay unknown.
pub fn daemon_live_options(info: &SystemInfo, networks: &[NetworkView]) -> (Vec<DaemonOption>, bool) {
    let f = Fields { scope: "daemon".into() };
    let mut out = Vec::new();
    let mut add = |key: &str, value: DaemonValue, at: Location| {
        out.push(DaemonOption {
            key: Val::new(key.to_string(), at.clone()),
            value: Val::new(value, at),
            source: DaemonSource::Live,
        });
    };
    if let Some(v) = info.live_restore_enabled {
        add("live-restore", DaemonValue::Bool(v), f.at("Info.LiveRestoreEnabled"));
    }
    if let Some(v) = info.experimental_build {
        add("experimental", DaemonValue::Bool(v), f.at("Info.ExperimentalBuild"));
    }
    for (key, value, path) in [
        ("storage-driver", &info.driver, "Info.Driver"),
        ("log-driver", &info.logging_driver, "Info.LoggingDriver"),
        ("data-root", &info.docker_root_dir, "Info.DockerRootDir"),
    ] {
        if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
            add(key, DaemonValue::String(v.clone()), f.at(path));
        }
    }
    let mut rootless = false;
    let mut selinux = false;
    for (i, opt) in info.security_options.iter().flatten().enumerate() {
        let at = f.at(format!("Info.SecurityOptions[{i}]"));
        let props: Vec<(&str, &str)> = opt.split(',').filter_map(|p| p.split_once('=')).collect();
        let prop = |k: &str| props.iter().find(|(pk, _)| *pk == k).map(|(_, v)| *v);
        match prop("name") {
            Some("seccomp") => {
                if let Some(p) = prop("profile").filter(|p| !matches!(*p, "default" | "builtin")) {
                    add("seccomp-profile", DaemonValue::String(p.to_string()), at);
                }
            }
            Some("selinux") => selinux = true,
            // The remap user is not shown; any non-empty value means "remapped".
            Some("userns") => add("userns-remap", DaemonValue::String(opt.clone()), at),
            Some("rootless") => rootless = true,
            Some("no-new-privileges") => add("no-new-privileges", DaemonValue::Bool(true), at),
            _ => {}
        }
    }
    add("selinux-enabled", DaemonValue::Bool(selinux), f.at("Info.SecurityOptions"));
    if let Some(authz) = info.plugins.as_ref().map(|p| p.authorization.clone().unwrap_or_default()) {
        let items = authz
            .iter()
            .enumerate()
            .map(|(i, p)| f.val(DaemonValue::String(p.clone()), format!("Info.Plugins.Authorization[{i}]")))
            .collect();
        add("authorization-plugins", DaemonValue::List(items), f.at("Info.Plugins.Authorization"));
    }
    if let Some(reg) = &info.registry_config {
        let mut items: Vec<Val<DaemonValue>> = reg
            .insecure_registry_cidrs
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, c)| {
                f.val(DaemonValue::String(c.clone()), format!("Info.RegistryConfig.InsecureRegistryCIDRs[{i}]"))
            })
            .collect();
        let index: BTreeMap<_, _> = reg.index_configs.iter().flatten().collect();
        for (name, _) in index.into_iter().filter(|(_, c)| c.secure == Some(false)) {
            items.push(f.val(DaemonValue::String(name.clone()), format!("Info.RegistryConfig.IndexConfigs.{name}")));
        }
        add("insecure-registries", DaemonValue::List(items), f.at("Info.RegistryConfig"));
    }
    if let Some(bridge) = networks.iter().find(|n| n.is_default_bridge()) {
        if let Some(v) = bridge.option("com.docker.network.bridge.enable_icc") {
            add("icc", DaemonValue::Bool(v.value != "false"), v.at.clone());
        }
        if let Some(v) = bridge.option("com.docker.network.bridge.host_binding_ipv4") {
            add("ip", DaemonValue::String(v.value.clone()), v.at.clone());
        }
    }
    (out, rootless)
}

/// Forgets each container's cgroup namespace mode when it is the daemon's default:
/// dockerd writes its default (`host` on cgroup v1, `private` with `name=cgroupns` in
/// `/info`) into every container it creates, so on cgroup v1 every container would
/// seem to ask for the host's namespace. Compose and `docker run` leave it unset too.
pub fn forget_default_cgroupns(containers: &mut [ContainerSpec], info: &EngineInfo) {
    let default = if info.security_option("cgroupns").is_some() { "private" } else { "host" };
    for c in containers {
        if c.cgroupns_mode.as_ref().is_some_and(|m| m.value == default) {
            c.cgroupns_mode = None;
        }
    }
}

/// The daemon's effective defaults, from `/info`, the default bridge's options and
/// (for a local daemon) its daemon.json.
pub fn engine_defaults(info: &EngineInfo, networks: &[NetworkView], no_new_privileges: Option<bool>) -> EngineDefaults {
    let seccomp = info.security_option("seccomp");
    EngineDefaults {
        no_new_privileges,
        seccomp_default: Some(
            seccomp.is_some_and(|props| !props.iter().any(|(k, v)| k == "profile" && v == "unconfined")),
        ),
        userns_remap: Some(info.security_option("userns").is_some()),
        rootless: Some(info.security_option("rootless").is_some()),
        cgroup_v2: info.cgroup_version.as_deref().map(|v| v == "2"),
        icc: networks
            .iter()
            .find(|n| n.is_default_bridge())
            .map(|n| n.option("com.docker.network.bridge.enable_icc").is_none_or(|v| v.value != "false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times_parse_to_epoch_seconds() {
        assert_eq!(parse_rfc3339_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339_seconds("2024-02-29T12:30:15.123456789Z"), Some(1_709_209_815));
        assert_eq!(parse_rfc3339_seconds("2024-02-29T14:30:15+02:00"), Some(1_709_209_815));
        assert_eq!(parse_rfc3339_seconds("yesterday"), None);
    }

    fn inspect(json: serde_json::Value) -> ContainerInspectResponse {
        serde_json::from_value(json).unwrap()
    }

    fn at(v: &Location) -> String {
        v.to_string()
    }

    #[test]
    fn unlimited_and_empty_fields_are_absent_not_zero() {
        let c = inspect(serde_json::json!({
            "Name": "/plain",
            "HostConfig": {"Memory": 0, "NanoCpus": 0, "PidsLimit": -1, "NetworkMode": "default", "PidMode": "",
                           "Privileged": false, "CapAdd": null, "RestartPolicy": {"Name": "", "MaximumRetryCount": 0}},
            "Config": {"User": "", "Env": ["PATH=/bin", "EMPTY"]}
        }));
        let s = container_spec(&c, &HashMap::new());
        assert_eq!(s.name, "plain");
        assert!(s.resources.memory.is_none() && s.resources.cpus.is_none() && s.resources.pids_limit.is_none());
        assert!(s.pid.is_none() && s.user.is_none() && s.cap_add.is_empty());
        assert_eq!(s.network_mode.as_ref().unwrap().value, "default");
        assert_eq!(s.privileged.as_ref().map(|p| p.value), Some(false));
        assert_eq!(s.restart.as_ref().unwrap().policy.value, "no");
        assert_eq!(s.env[1].name.value, "EMPTY");
        assert!(s.env[1].value.is_none());
        assert_eq!(at(&s.env[0].name.at), "container/plain/Config.Env[0]");
    }

    #[test]
    fn values_dockerd_derives_are_not_container_settings() {
        let img = ImageView {
            id: "sha256:img".into(),
            name: "app:1".into(),
            origin: logical("image/app:1", "Config"),
            tags: Vec::new(),
            user: None,
            healthcheck: None,
            env: env_vars(&Fields { scope: "image/app:1".into() }, &["PATH=/bin".into(), "API_TOKEN=abc".into()]),
            history: Vec::new(),
            created: None,
            used_by: Vec::new(),
        };
        let images: HashMap<String, &ImageView> = [("sha256:img".to_string(), &img)].into();
        let c = inspect(serde_json::json!({
            "Name": "/p", "Image": "sha256:img", "AppArmorProfile": "unconfined",
            "HostConfig": {"Privileged": true, "ReadonlyRootfs": false, "CapAdd": ["CAP_SYS_ADMIN"],
                           "SecurityOpt": ["label=disable", "seccomp=unconfined", "label=disable"],
                           "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}},
            "Config": {"Env": ["PATH=/bin", "API_TOKEN=abc", "DB_PASSWORD=x"]}
        }));
        let s = container_spec(&c, &images);
        assert!(s.read_only.is_none(), "false is Docker's default");
        let opts: Vec<(String, String)> = s.security_opt.iter().map(|o| (o.value.clone(), at(&o.at))).collect();
        assert_eq!(
            opts,
            [
                ("label=disable".to_string(), "container/p/HostConfig.SecurityOpt[0]".to_string()),
                ("seccomp=unconfined".to_string(), "container/p/HostConfig.SecurityOpt[1]".to_string()),
            ],
            "only the label=disable dockerd appended is dropped"
        );
        assert!(s.apparmor_profile.is_none(), "privileged implies unconfined");
        assert_eq!(s.cap_add[0].value, "CAP_SYS_ADMIN");
        assert!(s.ports[0].host_ip.is_none(), "empty HostIp: every interface");
        let env: Vec<(String, String)> = s.env.iter().map(|e| (e.name.value.clone(), at(&e.name.at))).collect();
        assert_eq!(env, [("DB_PASSWORD".to_string(), "container/p/Config.Env[2]".to_string())]);

        // Not privileged, no host namespace: every option is the container's own.
        let c = inspect(serde_json::json!({
            "Name": "/q", "AppArmorProfile": "unconfined",
            "HostConfig": {"ReadonlyRootfs": true, "SecurityOpt": ["label=disable", "no-new-privileges"]}
        }));
        let s = container_spec(&c, &HashMap::new());
        assert_eq!(
            s.read_only.as_ref().map(|r| (r.value, at(&r.at))),
            Some((true, "container/q/HostConfig.ReadonlyRootfs".into()))
        );
        assert_eq!(s.security_opt.len(), 2);
        assert_eq!(s.apparmor_profile.as_ref().map(|p| p.value.as_str()), Some("unconfined"));
        // A host PID namespace also makes dockerd append label=disable.
        let c = inspect(
            serde_json::json!({"Name": "/r", "HostConfig": {"PidMode": "host", "SecurityOpt": ["label=disable"]}}),
        );
        assert!(container_spec(&c, &HashMap::new()).security_opt.is_empty());
    }

    #[test]
    fn masked_paths_disabled_from_security_opt_or_an_empty_masked_paths() {
        let spec = |hc: serde_json::Value| {
            let s = container_spec(&inspect(serde_json::json!({"Name": "/m", "HostConfig": hc})), &HashMap::new());
            s.masked_paths_disabled.map(|m| (m.value, at(&m.at)))
        };
        assert_eq!(
            spec(serde_json::json!({"SecurityOpt": ["systempaths=unconfined"], "MaskedPaths": []})),
            Some((true, "container/m/HostConfig.SecurityOpt[0]".into()))
        );
        assert_eq!(
            spec(serde_json::json!({"MaskedPaths": []})),
            Some((true, "container/m/HostConfig.MaskedPaths".into()))
        );
        assert_eq!(spec(serde_json::json!({"MaskedPaths": ["/proc/kcore"]})), None);
        assert_eq!(spec(serde_json::json!({})), None, "an old daemon without the field: unknown");
        assert_eq!(spec(serde_json::json!({"Privileged": true, "MaskedPaths": []})), None, "CT001's finding");
    }

    #[test]
    fn cgroup_parent_is_read_and_empty_means_unset() {
        let spec = |parent: &str| {
            container_spec(
                &inspect(serde_json::json!({"Name": "/a", "HostConfig": {"CgroupParent": parent}})),
                &HashMap::new(),
            )
        };
        let cs = [spec("/custom"), spec("")];
        let parent = cs[0].cgroup_parent.as_ref().unwrap();
        assert_eq!((parent.value.as_str(), at(&parent.at)), ("/custom", "container/a/HostConfig.CgroupParent".into()));
        assert!(cs[1].cgroup_parent.is_none());
    }

    #[test]
    fn the_daemons_default_cgroupns_mode_is_not_a_container_setting() {
        let spec = |mode: &str| {
            container_spec(
                &inspect(serde_json::json!({"Name": "/c", "HostConfig": {"CgroupnsMode": mode}})),
                &HashMap::new(),
            )
        };
        let v1: SystemInfo = serde_json::from_value(serde_json::json!({"CgroupVersion": "1"})).unwrap();
        let v1 = engine_info("x", &v1, None);
        let mut cs = vec![spec("host"), spec("private")];
        forget_default_cgroupns(&mut cs, &v1);
        assert!(cs[0].cgroupns_mode.is_none());
        assert_eq!(cs[1].cgroupns_mode.as_ref().unwrap().value, "private");
        let v2: SystemInfo =
            serde_json::from_value(serde_json::json!({"CgroupVersion": "2", "SecurityOptions": ["name=cgroupns"]}))
                .unwrap();
        let mut cs = vec![spec("host")];
        forget_default_cgroupns(&mut cs, &engine_info("x", &v2, None));
        assert_eq!(cs[0].cgroupns_mode.as_ref().map(|m| at(&m.at)), Some("container/c/HostConfig.CgroupnsMode".into()));
    }

    #[test]
    fn info_and_the_default_bridge_give_daemon_options_at_their_fields() {
        let info: SystemInfo = serde_json::from_value(serde_json::json!({
            "LiveRestoreEnabled": false, "ExperimentalBuild": false, "Driver": "overlay2", "LoggingDriver": "json-file",
            "SecurityOptions": ["name=seccomp,profile=unconfined", "name=userns", "name=rootless"],
            "Plugins": {"Authorization": null},
            "RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8"],
                               "IndexConfigs": {"docker.io": {"Secure": true}, "reg.local:5000": {"Secure": false}}}
        }))
        .unwrap();
        let bridge = NetworkView {
            id: "b".into(),
            name: "bridge".into(),
            origin: logical("network/bridge", "Driver"),
            driver: Val::new("bridge".into(), logical("network/bridge", "Driver")),
            scope: "local".into(),
            internal: false,
            options: [
                ("com.docker.network.bridge.default_bridge", "true"),
                ("com.docker.network.bridge.enable_icc", "true"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), Val::new(v.to_string(), logical("network/bridge", format!("Options.{k}")))))
            .collect(),
            attached: Vec::new(),
        };
        let (opts, rootless) = daemon_live_options(&info, &[bridge]);
        assert!(rootless);
        let mut spec = dockward_spec::DaemonSpec::new(logical("daemon", "Info"), false);
        spec.add_live(opts);
        let at = |k: &str| spec.value(k).map(|v| at(&v.at)).unwrap_or_default();
        assert_eq!(
            (spec.bool("live-restore"), at("live-restore").as_str()),
            (Some(false), "daemon/Info.LiveRestoreEnabled")
        );
        assert_eq!(spec.str("seccomp-profile"), Some("unconfined"));
        assert_eq!(at("seccomp-profile"), "daemon/Info.SecurityOptions[0]");
        assert_eq!(at("userns-remap"), "daemon/Info.SecurityOptions[1]");
        assert_eq!(spec.bool("selinux-enabled"), Some(false));
        assert!(spec.list("authorization-plugins").is_empty());
        assert_eq!(at("authorization-plugins"), "daemon/Info.Plugins.Authorization");
        let insecure: Vec<_> =
            spec.list("insecure-registries").iter().map(|v| v.value.as_str().unwrap().to_string()).collect();
        assert_eq!(insecure, ["127.0.0.0/8", "reg.local:5000"]);
        assert_eq!(
            (spec.bool("icc"), at("icc").as_str()),
            (Some(true), "network/bridge/Options.com.docker.network.bridge.enable_icc")
        );
        assert_eq!(spec.str("storage-driver"), Some("overlay2"));
    }

    #[test]
    fn cpu_quota_without_nano_cpus_gives_a_fraction() {
        let c = inspect(serde_json::json!({"Name": "/q", "HostConfig": {"CpuQuota": 50000, "CpuPeriod": 100000}}));
        let s = container_spec(&c, &HashMap::new());
        let cpus = s.resources.cpus.unwrap();
        assert_eq!(cpus.value, 0.5);
        assert_eq!(at(&cpus.at), "container/q/HostConfig.CpuQuota");
    }

    #[test]
    fn engine_defaults_follow_security_options() {
        let info: SystemInfo = serde_json::from_value(serde_json::json!({
            "Name": "h", "CgroupVersion": "2",
            "SecurityOptions": ["name=seccomp,profile=default", "name=userns", "name=cgroupns"]
        }))
        .unwrap();
        let e = engine_info("unix:///s", &info, None);
        let d = engine_defaults(&e, &[], Some(true));
        assert_eq!(
            (d.seccomp_default, d.userns_remap, d.rootless, d.cgroup_v2, d.no_new_privileges, d.icc),
            (Some(true), Some(true), Some(false), Some(true), Some(true), None)
        );
        let info: SystemInfo =
            serde_json::from_value(serde_json::json!({"SecurityOptions": ["name=seccomp,profile=unconfined"]}))
                .unwrap();
        let d = engine_defaults(&engine_info("x", &info, None), &[], None);
        assert_eq!((d.seccomp_default, d.no_new_privileges), (Some(false), None));
    }
}
