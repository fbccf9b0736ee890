//! The live Docker Engine: which engines to reach ([`connect`]), what to read from each
//! with GET requests only ([`read`]), and how that becomes dockward's views
//! ([`normalise`]): `ContainerSpec` per container, `ImageView`, `NetworkView`,
//! `EngineInfo` and the daemon's effective `EngineDefaults`.
//!
//! This is the only crate that knows tokio and the network. Its entry point,
//! [`read_endpoints`], is blocking: it runs one single-threaded runtime and reads every
//! endpoint concurrently.

pub mod connect;
pub mod create_body;
pub mod events;
pub mod exec;
pub mod export;
pub mod local;
pub mod normalise;
pub mod read;
pub mod recording_proxy;
pub mod swarm;

use std::collections::HashMap;
use std::fmt;

use dockward_daemon::{DaemonJson, FlagSet};
use dockward_diagnostics::Location;
use dockward_source::SourceFile;
use dockward_spec::{
    ContainerSpec, DaemonOption, DaemonSpec, EngineDefaults, EngineInfo, ImageView, NetworkView, SwarmView,
};

pub use connect::{resolve_endpoints, ConnectEnv, Endpoint, TlsFiles};
pub use read::{ContainerSelector, Note, Progress, ProgressSink, ReadOptions};

/// Why an engine could not be audited at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    /// The Docker CLI configuration or a context could not be read.
    Config(String),
    /// The engine could not be reached or refused the first requests.
    Connect { endpoint: String, message: String },
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::Config(m) => f.write_str(m),
            EngineError::Connect { endpoint, message } => write!(f, "{endpoint}: {message}"),
        }
    }
}

impl std::error::Error for EngineError {}

/// The daemon's configuration as the DM rules read it: the running dockerd's
/// `daemon.json` and command line when it serves a local socket, and what `/info` and
/// the default bridge show.
#[derive(Debug, Clone)]
pub struct DaemonConfig {
    pub spec: DaemonSpec,
    /// The strict reading of the local daemon's `daemon.json` (file-level rules).
    pub json: Option<DaemonJson>,
    /// The local dockerd's command line.
    pub flags: Vec<FlagSet>,
    /// What the running daemon reports, as options located at `/info` fields.
    pub live: Vec<DaemonOption>,
    /// `/info` says the daemon runs rootless.
    pub live_rootless: bool,
}

impl DaemonConfig {
    /// A spec from configuration sources read elsewhere (`--host-root`), with this
    /// daemon's live values added.
    pub fn with_sources(&self, mut spec: DaemonSpec) -> DaemonSpec {
        spec.rootless |= self.live_rootless;
        spec.add_live(self.live.clone());
        spec
    }
}

/// The local dockerd's configuration files, read for [`snapshot`].
#[derive(Debug, Clone)]
pub struct LocalConfig {
    pub dockerd: local::LocalDockerd,
    pub daemon_json_path: std::path::PathBuf,
    /// `Ok(None)`: no file (dockerd runs on its defaults); `Err`: unreadable.
    pub daemon_json: Result<Option<String>, String>,
}

impl LocalConfig {
    pub fn read(dockerd: local::LocalDockerd) -> Self {
        let path = dockerd.args.daemon_json();
        let daemon_json = match dockward_source::input::read(&path) {
            Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|e| e.to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.to_string()),
        };
        Self { dockerd, daemon_json_path: path, daemon_json }
    }
}

/// One engine, read and normalised.
#[derive(Debug, Clone)]
pub struct HostSnapshot {
    pub endpoint: Endpoint,
    pub engine: EngineInfo,
    pub defaults: EngineDefaults,
    pub daemon: DaemonConfig,
    /// Sorted by name.
    pub containers: Vec<ContainerSpec>,
    /// Every local image (tagged or not), sorted by id.
    pub images: Vec<ImageView>,
    pub networks: Vec<NetworkView>,
    pub volumes: Vec<String>,
    pub plugins: Vec<String>,
    /// The swarm this node is in (`None` outside any swarm); its services, nodes and
    /// cluster settings only when the node is a manager.
    pub swarm: Option<SwarmView>,
    /// What could not be read; the rest of the audit went on.
    pub notes: Vec<Note>,
    pub containers_skipped: usize,
}

#[derive(Clone)]
pub struct AuditOptions {
    pub read: ReadOptions,
    /// Per-request timeout.
    pub timeout_secs: u64,
    /// Read the daemon.json of a local daemon (found through the dockerd command line
    /// in `/proc`) for settings `/info` does not show, such as `no-new-privileges`.
    pub read_local_config: bool,
}

impl Default for AuditOptions {
    fn default() -> Self {
        Self { read: ReadOptions::default(), timeout_secs: 30, read_local_config: true }
    }
}

/// Reads every endpoint concurrently; one result per endpoint, in the given order.
pub fn read_endpoints(endpoints: &[Endpoint], options: &AuditOptions) -> Vec<Result<HostSnapshot, EngineError>> {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            let msg = format!("cannot start the I/O runtime: {e}");
            return endpoints.iter().map(|_| Err(EngineError::Config(msg.clone()))).collect();
        }
    };
    runtime.block_on(futures_util::future::join_all(endpoints.iter().map(|e| read_endpoint(e, options))))
}

async fn read_endpoint(endpoint: &Endpoint, options: &AuditOptions) -> Result<HostSnapshot, EngineError> {
    let docker = connect::connect(endpoint, options.timeout_secs)?;
    let (_docker, raw) = read::read_host(docker, &endpoint.label, &options.read).await?;
    let local = match local::local_address(&endpoint.host) {
        Some(address) if options.read_local_config => local::dockerd_serving(&address).map(LocalConfig::read),
        _ => None,
    };
    Ok(snapshot(endpoint.clone(), raw, local.as_ref()))
}

/// The daemon's configuration: the local files (complete when every one was read)
/// plus the live values.
fn daemon_config(
    info: &bollard::models::SystemInfo,
    networks: &[NetworkView],
    local: Option<&LocalConfig>,
) -> DaemonConfig {
    let (live, live_rootless) = normalise::daemon_live_options(info, networks);
    let mut json = None;
    let mut flags = Vec::new();
    let mut complete = false;
    if let Some(l) = local {
        let name = l.daemon_json_path.display().to_string();
        complete = match &l.daemon_json {
            Ok(Some(text)) => {
                let file = SourceFile::new(name, Some(l.daemon_json_path.clone()), text.clone());
                let j = dockward_daemon::read_daemon_json(&file);
                let readable = !j.doc.has_syntax_error();
                json = Some(j);
                readable
            }
            Ok(None) => true,
            Err(_) => false,
        };
        let cmdline = format!("/proc/{}/cmdline", l.dockerd.pid);
        flags.push(dockward_daemon::read_proc_cmdline(&cmdline, &l.dockerd.cmdline));
    }
    let mut spec = if local.is_some() {
        let refs: Vec<&FlagSet> = flags.iter().collect();
        dockward_daemon::build_spec(json.as_ref(), &refs, complete)
    } else {
        DaemonSpec::new(Location::Logical { scope: "daemon".into(), path: "Info".into() }, false)
    };
    spec.rootless |= live_rootless;
    spec.add_live(live.clone());
    DaemonConfig { spec, json, flags, live, live_rootless }
}

/// Normalises what was read from one engine.
pub fn snapshot(endpoint: Endpoint, raw: read::RawHost, local: Option<&LocalConfig>) -> HostSnapshot {
    let engine = normalise::engine_info(&endpoint.host, &raw.info, raw.version.as_ref());
    let mut images: Vec<ImageView> = raw.images.iter().map(normalise::image_view).collect();
    let mut containers: Vec<ContainerSpec> = {
        let by_id: HashMap<String, &ImageView> = images.iter().map(|i| (i.id.clone(), i)).collect();
        raw.containers
            .iter()
            .map(|c| {
                let mut spec = normalise::container_spec(c, &by_id);
                if let Some(execs) = c.id.as_ref().and_then(|id| raw.execs.get(id)) {
                    spec.execs = exec::exec_specs(&spec.name, execs);
                }
                spec
            })
            .collect()
    };
    normalise::forget_default_cgroupns(&mut containers, &engine);
    for (c, spec) in raw.containers.iter().zip(&containers) {
        if let Some(img) = images.iter_mut().find(|i| Some(&i.id) == c.image.as_ref()) {
            img.used_by.push(spec.name.clone());
        }
    }
    let networks: Vec<NetworkView> = raw.networks.iter().map(|n| normalise::network_view(n, &containers)).collect();
    let daemon = daemon_config(&raw.info, &networks, local);
    let spec = &daemon.spec;
    let no_new_privileges = spec.bool("no-new-privileges").or(spec.complete.then_some(false));
    let defaults = normalise::engine_defaults(&engine, &networks, no_new_privileges);
    let swarm = swarm::swarm_view(&raw.info, raw.swarm.as_ref(), &networks);
    HostSnapshot {
        endpoint,
        engine,
        defaults,
        daemon,
        containers,
        images,
        networks,
        volumes: raw.volumes,
        plugins: raw.plugins,
        swarm,
        notes: raw.notes,
        containers_skipped: raw.containers_skipped,
    }
}
