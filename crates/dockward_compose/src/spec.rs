//! A service of the merged model as a [`ContainerSpec`], each setting with the exact
//! location it was written at.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dockward_diagnostics::Location;
use dockward_dockerfile::semantic::{Model, Target};
use dockward_dockerfile::InstructionKind;
use dockward_source::{SourceFile, TextRange, TextSize};
use dockward_spec::{
    BuildSpec, ContainerSpec, EnvVar, Healthcheck, ImageConfig, InsertPoint, Logging, Mount, MountKind, PortMapping,
    RestartPolicy, SpecSource, Ulimit, Val,
};

use crate::project::{Problem, ProblemKind, Project, Service};
use crate::value::{Entry, Kind, Value};

impl Project {
    /// Every service as a spec, in the model's order, plus problems found on the way
    /// (required env files that are missing).
    pub fn container_specs(&self) -> (Vec<ContainerSpec>, Vec<Problem>) {
        let mut problems = Vec::new();
        let specs = self
            .service_specs()
            .map(|(spec, found)| {
                problems.extend(found);
                spec
            })
            .collect();
        (specs, problems)
    }

    /// Every service as a spec, built one at a time as the iterator is advanced, in
    /// the model's order, each with the problems found while building it. A spec is
    /// about 4 KB however few settings the service has, and a Compose file can have
    /// 50,000 services: a caller that needs one spec at a time keeps only that one
    /// (issue 19 #5).
    pub fn service_specs(&self) -> impl Iterator<Item = (ContainerSpec, Vec<Problem>)> + '_ {
        let volumes = self.section("volumes");
        self.services().into_iter().map(move |s| {
            let mut problems = Vec::new();
            let spec = service_spec(&s, volumes, &mut problems);
            (spec, problems)
        })
    }
}

fn val(v: &Value) -> Option<Val<String>> {
    Some(Val { value: v.as_str()?.to_string(), at: v.at.clone(), via: v.via.clone() })
}

/// A string setting where the empty string (`user: ${U:-}`) means unset, as it
/// does to Docker.
fn val_set(v: &Value) -> Option<Val<String>> {
    val(v).filter(|v| !v.value.is_empty())
}

fn val_bool(v: &Value) -> Option<Val<bool>> {
    Some(Val { value: v.as_bool()?, at: v.at.clone(), via: v.via.clone() })
}

fn val_i64(v: &Value, parse: impl Fn(&str) -> Option<i64>) -> Option<Val<i64>> {
    Some(Val { value: parse(v.as_str()?)?, at: v.at.clone(), via: v.via.clone() })
}

/// A string or a list of strings.
fn strings(v: Option<&Value>) -> Vec<Val<String>> {
    match v {
        Some(v) => match v.as_seq() {
            Some(items) => items.iter().filter_map(val).collect(),
            None => val(v).into_iter().collect(),
        },
        None => Vec::new(),
    }
}

/// A location inside a scalar's text, when the source spells the text as is (plain
/// or simply quoted); otherwise the whole scalar.
fn sub_at(v: &Value, start: usize, end: usize) -> Location {
    if let (Some(file), Some(range), Some(text)) = (v.file(), v.at.range(), v.as_str()) {
        let src = &file.text()[range];
        let offset = if src == text {
            Some(0)
        } else if src.len() == text.len() + 2 && &src[1..src.len() - 1] == text {
            Some(1)
        } else {
            None
        };
        if let Some(o) = offset {
            let s = u32::from(range.start()) + (o + start) as u32;
            return Location::source(file, TextRange::new(s.into(), (s + (end - start) as u32).into()));
        }
    }
    v.at.clone()
}

fn sub_val(v: &Value, text: &str, start: usize) -> Val<String> {
    Val { value: text.to_string(), at: sub_at(v, start, start + text.len()), via: v.via.clone() }
}

/// Docker's byte sizes: `512`, `512b`, `64k`, `512m`, `1g`, `1gb` (1024-based).
pub fn parse_bytes(s: &str) -> Option<i64> {
    let s = s.trim().to_ascii_lowercase();
    let digits_end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (num, unit) = s.split_at(digits_end);
    let n: f64 = num.parse().ok()?;
    let mult: f64 = match unit.trim() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" | "tib" => 1024f64.powi(4),
        "p" | "pb" | "pib" => 1024f64.powi(5),
        _ => return None,
    };
    let bytes = n * mult;
    (bytes.is_finite() && bytes < i64::MAX as f64).then_some(bytes as i64)
}

fn parse_int(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

/// Byte offset of the start of the line holding `offset`.
fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

fn insert_point(service: &Value) -> Option<InsertPoint> {
    let first = service.as_map()?.first()?;
    let file = service.file()?;
    let (range, key) = (service.at.range()?, first.key_at.range()?);
    // Only a block mapping written in place (not a flow mapping, not an alias).
    if first.key_at.file().map(|f| Arc::ptr_eq(f, file)) != Some(true) || file.text()[range].starts_with('{') {
        return None;
    }
    let text = file.text();
    let key_start = usize::from(key.start());
    let indent = &text[line_start(text, key_start)..key_start];
    if !indent.bytes().all(|b| b == b' ') {
        return None;
    }
    let end = usize::from(range.end());
    let offset = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let keys = service
        .as_map()?
        .iter()
        .filter(|e| e.key_at.file().is_some_and(|f| Arc::ptr_eq(f, file)))
        .map(|e| e.key.clone())
        .collect();
    Some(InsertPoint { file: file.clone(), offset: TextSize::from(offset as u32), indent: indent.to_string(), keys })
}

/// The directory paths in a value are relative to: its own file's.
fn base_dir(v: &Value, fallback: &Path) -> PathBuf {
    v.file()
        .and_then(|f| f.path())
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| fallback.to_path_buf())
}

pub(crate) fn service_spec(service: &Service<'_>, volumes: &[Entry], problems: &mut Vec<Problem>) -> ContainerSpec {
    let s = service.value;
    let mut spec = ContainerSpec::new(SpecSource::ComposeService, service.name, service.key_at.clone());
    let dir = base_dir(s, Path::new("."));
    spec.profiles = strings(s.get("profiles")).into_iter().map(|v| v.value).collect();
    spec.labels = pairs(s.get("labels")).into_iter().filter_map(|(k, v)| Some((k.value, v?))).collect();
    spec.image = s.get("image").and_then(val_set);
    spec.build = s.get("build").and_then(|b| build_spec(b, &dir));
    spec.pull_policy = s.get("pull_policy").and_then(val_set);
    if let Some(b) = &spec.build {
        spec.image_config = b.dockerfile_path.as_deref().and_then(|p| image_config(p, &b.args));
    }
    spec.privileged = s.get("privileged").and_then(val_bool);
    spec.read_only = s.get("read_only").and_then(val_bool);
    spec.init = s.get("init").and_then(val_bool);
    spec.cap_add = strings(s.get("cap_add"));
    spec.cap_drop = strings(s.get("cap_drop"));
    spec.security_opt = strings(s.get("security_opt"));
    spec.masked_paths_disabled = spec.systempaths_unconfined();
    spec.devices = match s.get("devices").and_then(Value::as_seq) {
        Some(items) => items.iter().filter_map(|d| val(d).or_else(|| d.get("source").and_then(val))).collect(),
        None => Vec::new(),
    };
    spec.user = s.get("user").and_then(val_set);
    spec.network_mode = s.get("network_mode").and_then(val_set);
    spec.pid = s.get("pid").and_then(val_set);
    spec.ipc = s.get("ipc").and_then(val_set);
    spec.uts = s.get("uts").and_then(val_set);
    spec.userns_mode = s.get("userns_mode").and_then(val_set);
    spec.cgroupns_mode = s.get("cgroup").and_then(val_set);
    spec.cgroup_parent = s.get("cgroup_parent").and_then(val_set);
    spec.networks = match s.get("networks") {
        Some(n) if n.as_map().is_some() => n
            .as_map()
            .unwrap_or_default()
            .iter()
            .map(|e| Val { value: e.key.clone(), at: e.key_at.clone(), via: e.value.via.clone() })
            .collect(),
        other => strings(other),
    };
    resources(s, &mut spec);
    spec.mounts = mounts(s.get("volumes"));
    for m in &mut spec.mounts {
        host_mount_in_disguise(m, volumes);
    }
    for t in strings(s.get("tmpfs")) {
        let target = t.value.split(':').next().unwrap_or_default().to_string();
        spec.mounts.push(Mount {
            kind: MountKind::Tmpfs,
            source: None,
            target: Val { value: target, at: t.at.clone(), via: t.via.clone() },
            read_only: None,
            propagation: None,
            at: t.at,
        });
    }
    spec.ports =
        s.get("ports").and_then(Value::as_seq).map(|p| p.iter().filter_map(port).collect()).unwrap_or_default();
    spec.restart = restart(s);
    spec.healthcheck = s.get("healthcheck").map(|h| Healthcheck {
        disabled: h.get("disable").and_then(val_bool),
        test: h.get("test").and_then(|t| command(t, true)),
        at: h.at.clone(),
    });
    spec.env =
        pairs(s.get("environment")).into_iter().map(|(name, value)| EnvVar { name, value, from_file: None }).collect();
    env_files(s, &dir, &mut spec, problems);
    spec.secrets = refs(s.get("secrets"));
    spec.configs = refs(s.get("configs"));
    spec.sysctls = pairs(s.get("sysctls")).into_iter().filter_map(|(k, v)| Some((k, v?))).collect();
    spec.logging = s.get("logging").map(|l| Logging {
        driver: l.get("driver").and_then(val),
        options: l
            .get("options")
            .and_then(Value::as_map)
            .unwrap_or_default()
            .iter()
            .filter_map(|e| Some((Val::new(e.key.clone(), e.key_at.clone()), val(&e.value)?)))
            .collect(),
    });
    spec.entrypoint = s.get("entrypoint").and_then(|c| command(c, false));
    spec.command = s.get("command").and_then(|c| command(c, false));
    spec.insert_point = insert_point(s);
    spec
}

/// `K=V` lists and mappings: (name, value); `None` for a name without value.
fn pairs(v: Option<&Value>) -> Vec<(Val<String>, Option<Val<String>>)> {
    let Some(v) = v else { return Vec::new() };
    match &v.kind {
        Kind::Map(m) => m
            .iter()
            .map(|e| {
                let value = if e.value.is_null() { None } else { val(&e.value) };
                (Val { value: e.key.clone(), at: e.key_at.clone(), via: Vec::new() }, value)
            })
            .collect(),
        Kind::Seq(items) => items
            .iter()
            .filter_map(|item| {
                let text = item.as_str()?;
                Some(match text.split_once('=') {
                    Some((k, val)) => (sub_val(item, k, 0), Some(sub_val(item, val, k.len() + 1))),
                    None => (sub_val(item, text, 0), None),
                })
            })
            .collect(),
        Kind::Scalar(_) => Vec::new(),
    }
}

/// `secrets:` / `configs:` of a service: names, short or long syntax.
fn refs(v: Option<&Value>) -> Vec<Val<String>> {
    v.and_then(Value::as_seq)
        .map(|items| items.iter().filter_map(|i| val(i).or_else(|| i.get("source").and_then(val))).collect())
        .unwrap_or_default()
}

/// `command`/`entrypoint`/`healthcheck.test`: a list, or a string (split on blanks;
/// for `test`, a string means `CMD-SHELL`).
fn command(v: &Value, healthcheck: bool) -> Option<Val<Vec<String>>> {
    let words: Vec<String> = match (&v.kind, v.as_str()) {
        (Kind::Seq(items), _) => items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect(),
        // `command: ${CMD:-}`: an empty string sets nothing, like the null it used to read as.
        (_, Some("")) => return None,
        (_, Some(s)) if healthcheck => vec!["CMD-SHELL".into(), s.to_string()],
        (_, Some(s)) => s.split_whitespace().map(str::to_string).collect(),
        _ => return None,
    };
    Some(Val { value: words, at: v.at.clone(), via: v.via.clone() })
}

fn build_spec(b: &Value, dir: &Path) -> Option<BuildSpec> {
    let (context, dockerfile, target, args) = match b.as_str() {
        Some(_) => (val(b)?, None, None, Vec::new()),
        None => {
            let context = b.get("context").and_then(val).unwrap_or_else(|| Val::new(".".into(), b.at.clone()));
            let args = pairs(b.get("args")).into_iter().filter_map(|(k, v)| Some((k.value, v?))).collect();
            (context, b.get("dockerfile").and_then(val), b.get("target").and_then(val), args)
        }
    };
    let is_remote = context.value.contains("://") || context.value.starts_with("git@");
    let dockerfile_path = (!is_remote && b.get("dockerfile_inline").is_none())
        .then(|| {
            let ctx = base_dir(b, dir).join(&context.value);
            let name = dockerfile.as_ref().map_or("Dockerfile", |d| d.value.as_str());
            ctx.join(name)
        })
        .filter(|p| p.is_file());
    Some(BuildSpec { context, dockerfile, dockerfile_path, target, args })
}

/// Official images whose default user is root (their Dockerfiles set no USER).
const ROOT_OFFICIAL_IMAGES: &[&str] = &[
    "alpine",
    "debian",
    "ubuntu",
    "busybox",
    "centos",
    "fedora",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "python",
    "node",
    "golang",
    "rust",
    "openjdk",
    "eclipse-temurin",
    "amazoncorretto",
    "ruby",
    "php",
    "perl",
    "nginx",
    "httpd",
    "redis",
    "postgres",
    "mysql",
    "mariadb",
    "mongo",
    "maven",
    "gradle",
    "buildpack-deps",
];

/// What the Dockerfile at `path` tells of the image: its final USER and HEALTHCHECK.
fn image_config(path: &Path, args: &[(String, Val<String>)]) -> Option<ImageConfig> {
    let text = dockward_source::input::read_to_string(path).ok()?;
    let file = SourceFile::new(crate::project::display_path(path), Some(path.to_path_buf()), text);
    let df = dockward_dockerfile::parse(file.text());
    let build_args: BTreeMap<String, String> = args.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect();
    let model = Model::build(&df, &build_args);
    let last = df.stages.last()?;
    let from = df.instructions.get(last.instructions.start)?;
    let chain = model.ancestry(last.index);
    let root_base = chain.last().and_then(|i| model.stages.get(*i)).map(|s| &s.base);
    let base_is_root = match root_base {
        Some(Target::Scratch) => true,
        Some(Target::Image(img)) => {
            img.is_docker_official() && ROOT_OFFICIAL_IMAGES.contains(&img.repository.trim_start_matches("library/"))
        }
        _ => false,
    };
    let user = match model.stages.get(last.index).and_then(|s| s.user.as_ref()) {
        Some(u) => Some(Some(Val::new(u.value.value.clone(), Location::source(&file, u.range)))),
        None if base_is_root => Some(None),
        None => None,
    };
    let mut healthcheck = None;
    for stage in chain.iter().rev().filter_map(|i| df.stages.get(*i)) {
        for instr in df.stage_instructions(stage).iter().filter(|i| i.kind == InstructionKind::Healthcheck) {
            let none = matches!(
                &instr.args,
                dockward_dockerfile::Args::Healthcheck(dockward_dockerfile::HealthcheckArgs::None { .. })
            );
            healthcheck = Some(!none);
        }
    }
    let has_healthcheck = healthcheck.or(base_is_root.then_some(false));
    Some(ImageConfig { from: Location::source(&file, from.range), user, has_healthcheck })
}

fn resources(s: &Value, spec: &mut ContainerSpec) {
    let r = &mut spec.resources;
    r.memory = s.get("mem_limit").and_then(|v| val_i64(v, parse_bytes));
    r.memory_reservation = s.get("mem_reservation").and_then(|v| val_i64(v, parse_bytes));
    r.memory_swap =
        s.get("memswap_limit").and_then(|v| val_i64(v, |t| if t == "-1" { Some(-1) } else { parse_bytes(t) }));
    r.cpus = s
        .get("cpus")
        .and_then(|v| Some(Val { value: v.as_str()?.parse().ok()?, at: v.at.clone(), via: v.via.clone() }));
    r.cpu_shares = s.get("cpu_shares").and_then(|v| val_i64(v, parse_int));
    r.cpuset = s.get("cpuset").and_then(val_set);
    r.pids_limit = s.get("pids_limit").and_then(|v| val_i64(v, parse_int));
    r.oom_kill_disable = s.get("oom_kill_disable").and_then(val_bool);
    // `docker compose` applies `deploy.resources` after the service-level keys: a
    // deploy limit wins over `mem_limit`/`cpus`/`pids_limit`/`mem_reservation`.
    let deploy_resources = s.get("deploy").and_then(|d| d.get("resources"));
    if let Some(limits) = deploy_resources.and_then(|r| r.get("limits")) {
        if let Some(m) = limits.get("memory").and_then(|v| val_i64(v, parse_bytes)).filter(|m| m.value != 0) {
            r.memory = Some(m);
        }
        let cpus = limits
            .get("cpus")
            .and_then(|v| Some(Val { value: v.as_str()?.parse().ok()?, at: v.at.clone(), via: v.via.clone() }));
        if let Some(c) = cpus.filter(|c: &Val<f64>| c.value != 0.0) {
            r.cpus = Some(c);
        }
        if let Some(p) = limits.get("pids").and_then(|v| val_i64(v, parse_int)).filter(|p| p.value != 0) {
            r.pids_limit = Some(p);
        }
    }
    if let Some(m) = deploy_resources
        .and_then(|r| r.get("reservations"))
        .and_then(|r| r.get("memory"))
        .and_then(|v| val_i64(v, parse_bytes))
        .filter(|m| m.value != 0)
    {
        r.memory_reservation = Some(m);
    }
    if let Some(ulimits) = s.get("ulimits").and_then(Value::as_map) {
        for e in ulimits {
            let (soft, hard) = match e.value.as_str() {
                Some(n) => (parse_int(n), parse_int(n)),
                None => (
                    e.value.get("soft").and_then(Value::as_str).and_then(parse_int),
                    e.value.get("hard").and_then(Value::as_str).and_then(parse_int),
                ),
            };
            r.ulimits.push(Ulimit { name: Val::new(e.key.clone(), e.key_at.clone()), soft, hard });
        }
    }
}

/// The engine's name for a Compose restart condition, as `docker compose` maps
/// `restart` and `deploy.restart_policy.condition` (`none`/`no` -> `no`,
/// `any`/`always` -> `always`, others as written).
fn restart_mode(condition: &str) -> String {
    match condition {
        "none" | "no" => "no".to_string(),
        "any" | "always" => "always".to_string(),
        other => other.to_string(),
    }
}

/// The restart policy `docker compose` gives the container: `deploy.restart_policy`
/// when the service has one (it wins over `restart`), else `restart`.
fn restart(s: &Value) -> Option<RestartPolicy> {
    if let Some(rp) = s.get("deploy").and_then(|d| d.get("restart_policy")).filter(|rp| rp.as_map().is_some()) {
        let policy = match rp.get("condition").and_then(val) {
            Some(c) => Val { value: restart_mode(&c.value), ..c },
            // Compose passes an empty condition to the engine, which then never restarts.
            None => Val { value: "no".into(), at: rp.at.clone(), via: rp.via.clone() },
        };
        return Some(RestartPolicy { policy, max_retries: rp.get("max_attempts").and_then(|v| val_i64(v, parse_int)) });
    }
    let r = s.get("restart").and_then(val_set)?;
    let (policy, retries) = match r.value.split_once(':') {
        Some((p, n)) => (p.to_string(), n.parse().ok()),
        None => (r.value.clone(), None),
    };
    let max_retries = retries.map(|n| Val { value: n, at: r.at.clone(), via: r.via.clone() });
    Some(RestartPolicy { policy: Val { value: restart_mode(&policy), ..r }, max_retries })
}

/// The long syntax's `published`, which may carry the host address the short syntax
/// puts first: `"127.0.0.1:8080"`, `"[::1]:8080"`. Returns (address, port), each with
/// its own place in the file; an empty port is an ephemeral one (`None`).
fn published(v: &Value) -> (Option<Val<String>>, Option<Val<String>>) {
    let Some(text) = v.as_str() else { return (None, val(v)) };
    let split = if let Some(inner) = text.strip_prefix('[') {
        inner.split_once("]:").map(|(ip, port)| ((ip, 1), (port, ip.len() + 3)))
    } else {
        text.rsplit_once(':').map(|(ip, port)| ((ip, 0), (port, ip.len() + 1)))
    };
    let ((ip, ip_start), (port, port_start)) = match split {
        Some(parts) => parts,
        None => return (None, val(v).filter(|p| !p.value.is_empty())),
    };
    let ip = (!ip.is_empty()).then(|| sub_val(v, ip, ip_start));
    let port = (!port.is_empty()).then(|| sub_val(v, port, port_start));
    (ip, port)
}

fn port(p: &Value) -> Option<PortMapping> {
    if p.as_map().is_some() {
        let target = p.get("target").and_then(val)?;
        let (published_ip, host_port) = p.get("published").map_or((None, None), published);
        return Some(PortMapping {
            // An explicit `host_ip` wins over an address written in `published`.
            host_ip: p.get("host_ip").and_then(val).or(published_ip),
            host_port,
            container_port: target,
            protocol: p.get("protocol").and_then(Value::as_str).unwrap_or("tcp").to_string(),
            at: p.at.clone(),
        });
    }
    let text = p.as_str()?;
    let (spec, protocol) = match text.rsplit_once('/') {
        Some((s, proto)) => (s, proto),
        None => (text, "tcp"),
    };
    // `[ip:][host:]container`; an IPv6 address is in brackets.
    let (ip, rest, rest_start) = if let Some(stripped) = spec.strip_prefix('[') {
        let close = stripped.find(']')?;
        let ip = &stripped[..close];
        let after = &stripped[close + 1..];
        (Some((ip, 1)), after.strip_prefix(':').unwrap_or(after), close + 2 + usize::from(after.starts_with(':')))
    } else {
        let parts: Vec<&str> = spec.split(':').collect();
        if parts.len() == 3 {
            let ip = parts[0];
            (Some((ip, 0)), &spec[ip.len() + 1..], ip.len() + 1)
        } else if parts.len() > 3 {
            // A bare IPv6 address: the last two fields are the ports.
            let cut = spec.rfind(':')?;
            let cut2 = spec[..cut].rfind(':')?;
            (Some((&spec[..cut2], 0)), &spec[cut2 + 1..], cut2 + 1)
        } else {
            (None, spec, 0)
        }
    };
    let (host, container, container_start) = match rest.split_once(':') {
        Some((h, c)) => (Some(h), c, rest_start + h.len() + 1),
        None => (None, rest, rest_start),
    };
    Some(PortMapping {
        host_ip: ip.filter(|(i, _)| !i.is_empty()).map(|(i, o)| sub_val(p, i, o)),
        host_port: host.filter(|h| !h.is_empty()).map(|h| sub_val(p, h, rest_start)),
        container_port: sub_val(p, container, container_start),
        protocol: protocol.to_string(),
        at: p.at.clone(),
    })
}

fn is_host_path(source: &str) -> bool {
    source.starts_with(['.', '/', '~', '$']) || source.chars().nth(1) == Some(':')
}

/// A named volume of the `local` driver whose options bind a host directory
/// (`driver_opts: {type: none, o: bind, device: /etc}`) is a bind of `device`: the
/// mount becomes one, its source the device path at the service's volume name, with
/// the volume's definition as a related step. `o: bind,ro` makes it read-only.
fn host_mount_in_disguise(m: &mut Mount, volumes: &[Entry]) {
    if m.kind != MountKind::Volume {
        return;
    }
    let Some(source) = &m.source else { return };
    let Some(def) = volumes.iter().find(|e| e.key == source.value) else { return };
    let v = &def.value;
    let external = v.get("external").is_some_and(|e| e.as_bool() != Some(false));
    let local = v.get("driver").and_then(Value::as_str).is_none_or(|d| d == "local");
    let Some(opts) = v.get("driver_opts").filter(|_| local && !external) else { return };
    let Some(o) = opts.get("o").and_then(Value::as_str) else { return };
    let flags: Vec<&str> = o.split(',').map(str::trim).collect();
    if !flags.iter().any(|f| matches!(*f, "bind" | "rbind")) {
        return;
    }
    let Some(device) = opts.get("device").and_then(val).filter(|d| !d.value.is_empty()) else { return };
    let note = format!("volume `{}` binds the host's `{}`", def.key, device.value);
    let mut via = source.via.clone();
    via.push(dockward_spec::Via { note, location: device.at.clone() });
    let at = source.at.clone();
    if flags.iter().any(|f| matches!(*f, "ro" | "readonly")) && !m.is_read_only() {
        let o_at = opts.get("o").map_or_else(|| device.at.clone(), |o| o.at.clone());
        m.read_only = Some(Val::new(true, o_at));
    }
    m.kind = MountKind::Bind;
    m.source = Some(Val { value: device.value, at, via });
}

fn mounts(v: Option<&Value>) -> Vec<Mount> {
    let Some(items) = v.and_then(Value::as_seq) else { return Vec::new() };
    let mut out = Vec::new();
    for item in items {
        if item.as_map().is_some() {
            let kind = match item.get("type").and_then(Value::as_str).unwrap_or("volume") {
                "bind" => MountKind::Bind,
                "tmpfs" => MountKind::Tmpfs,
                "npipe" => MountKind::Npipe,
                "cluster" => MountKind::Cluster,
                "image" => MountKind::Image,
                _ => MountKind::Volume,
            };
            let Some(target) = item.get("target").and_then(val) else { continue };
            out.push(Mount {
                kind,
                source: item.get("source").and_then(val),
                target,
                read_only: item.get("read_only").and_then(val_bool),
                propagation: item.get("bind").and_then(|b| b.get("propagation")).and_then(val),
                at: item.at.clone(),
            });
            continue;
        }
        let Some(text) = item.as_str() else { continue };
        let parts: Vec<&str> = text.split(':').collect();
        // `C:\x:/y` on Windows: a drive letter is not a separator.
        let (source, target, mode, target_start) = match parts.as_slice() {
            [t] => (None, *t, None, 0),
            [s, t] => (Some(*s), *t, None, s.len() + 1),
            [s, t, m] => (Some(*s), *t, Some(*m), s.len() + 1),
            [d, s, t, rest @ ..] if d.len() == 1 => {
                let src = &text[..d.len() + 1 + s.len()];
                (Some(src), *t, rest.first().copied(), src.len() + 1)
            }
            _ => continue,
        };
        let kind = match source {
            Some(s) if is_host_path(s) => MountKind::Bind,
            _ => MountKind::Volume,
        };
        let mode_start = target_start + target.len() + 1;
        let mut read_only = None;
        let mut propagation = None;
        if let Some(mode) = mode {
            let mut pos = mode_start;
            for opt in mode.split(',') {
                match opt {
                    "ro" | "readonly" => read_only = Some(sub_val(item, opt, pos).map(|_| true)),
                    "rw" => read_only = Some(sub_val(item, opt, pos).map(|_| false)),
                    "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate" => {
                        propagation = Some(sub_val(item, opt, pos))
                    }
                    _ => {}
                }
                pos += opt.len() + 1;
            }
        }
        out.push(Mount {
            kind,
            source: source.map(|s| sub_val(item, s, 0)),
            target: sub_val(item, target, target_start),
            read_only,
            propagation,
            at: item.at.clone(),
        });
    }
    out
}

fn env_files(s: &Value, dir: &Path, spec: &mut ContainerSpec, problems: &mut Vec<Problem>) {
    let Some(v) = s.get("env_file") else { return };
    let items: Vec<&Value> = match v.as_seq() {
        Some(items) => items.iter().collect(),
        None => vec![v],
    };
    for item in items {
        let (path, required) = match item.as_str() {
            Some(_) => (val(item), true),
            None => (item.get("path").and_then(val), item.get("required").and_then(Value::as_bool).unwrap_or(true)),
        };
        let Some(path) = path else { continue };
        let full = base_dir(item, dir).join(&path.value);
        let mut env = crate::env::Env::default();
        match env.load_file(&full, required) {
            Ok(Some(file)) => {
                let lookup = |_: &str| None;
                if let Ok(entries) = crate::dotenv::parse(file.text(), &lookup) {
                    for e in entries {
                        let at = Location::source(&file, e.key);
                        let value_at = Location::source(&file, e.range);
                        spec.env.push(EnvVar {
                            name: Val::new(e.name, at),
                            value: Some(Val::new(e.value, value_at)),
                            from_file: Some(full.clone()),
                        });
                    }
                }
            }
            Ok(None) => {}
            Err(e) => problems.push(Problem {
                kind: ProblemKind::EnvFile,
                at: path.at.clone(),
                message: format!("env_file `{}`: {}", path.value, e.message),
                related: Vec::new(),
            }),
        }
        spec.env_files.push(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sizes() {
        assert_eq!(parse_bytes("512m"), Some(512 << 20));
        assert_eq!(parse_bytes("1g"), Some(1 << 30));
        assert_eq!(parse_bytes("1gb"), Some(1 << 30));
        assert_eq!(parse_bytes("1.5G"), Some(3 << 29));
        assert_eq!(parse_bytes("100"), Some(100));
        assert_eq!(parse_bytes("64k"), Some(65536));
        assert_eq!(parse_bytes("lots"), None);
        assert_eq!(parse_bytes("1x"), None);
    }

    #[test]
    fn line_starts() {
        assert_eq!(line_start("ab\ncd", 4), 3);
        assert_eq!(line_start("ab", 1), 0);
        let _ = TextSize::from(0);
    }
}
