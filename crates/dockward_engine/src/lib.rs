//! The live Docker Engine: which engines to reach ([`connect`]), what to read from each
//! with GET requests only ([`read`]), and how that becomes dockward's views
//! ([`normalise`]): `ContainerSpec` per container, `ImageView`, `NetworkView`,
//! `EngineInfo` and the daemon's effective `EngineDefaults`.
//!
//! This is the only crate that knows tokio and the network. Its entry point,
//! [`read_endpoints`], is blocking: it runs one single-threaded runtime and reads every
//! endpoint concurrently.

pub mod connect;
pub mod local;
pub mod normalise;
pub mod read;
pub mod recording_proxy;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use dockward_spec::{ContainerSpec, EngineDefaults, EngineInfo, ImageView, NetworkView};

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

/// Swarm objects of an active manager node.
#[derive(Debug, Clone, Default)]
pub struct SwarmSummary {
    pub nodes: usize,
    pub services: Vec<String>,
    pub secrets: Vec<String>,
    pub configs: Vec<String>,
}

/// One engine, read and normalised.
#[derive(Debug, Clone)]
pub struct HostSnapshot {
    pub endpoint: Endpoint,
    pub engine: EngineInfo,
    pub defaults: EngineDefaults,
    /// Sorted by name.
    pub containers: Vec<ContainerSpec>,
    /// Every local image (tagged or not), sorted by id.
    pub images: Vec<ImageView>,
    pub networks: Vec<NetworkView>,
    pub volumes: Vec<String>,
    pub plugins: Vec<String>,
    pub swarm: Option<SwarmSummary>,
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
    let daemon_json = match endpoint.unix_path() {
        Some(socket) if options.read_local_config => {
            local::daemon_json_for_socket(socket).and_then(|path| read_daemon_json(&path))
        }
        _ => None,
    };
    Ok(snapshot(endpoint.clone(), raw, daemon_json.as_ref()))
}

/// A daemon.json as JSON; a missing file is an empty configuration (the daemon runs
/// on its defaults); an unreadable or invalid one is unknown.
fn read_daemon_json(path: &Path) -> Option<serde_json::Value> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).ok(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(serde_json::json!({})),
        Err(_) => None,
    }
}

/// Normalises what was read from one engine.
pub fn snapshot(endpoint: Endpoint, raw: read::RawHost, daemon_json: Option<&serde_json::Value>) -> HostSnapshot {
    let engine = normalise::engine_info(&endpoint.host, &raw.info, raw.version.as_ref());
    let mut images: Vec<ImageView> = raw.images.iter().map(normalise::image_view).collect();
    let mut containers: Vec<ContainerSpec> = {
        let by_id: HashMap<String, &ImageView> = images.iter().map(|i| (i.id.clone(), i)).collect();
        raw.containers.iter().map(|c| normalise::container_spec(c, &by_id)).collect()
    };
    normalise::forget_default_cgroupns(&mut containers, &engine);
    for (c, spec) in raw.containers.iter().zip(&containers) {
        if let Some(img) = images.iter_mut().find(|i| Some(&i.id) == c.image.as_ref()) {
            img.used_by.push(spec.name.clone());
        }
    }
    let networks: Vec<NetworkView> = raw.networks.iter().map(|n| normalise::network_view(n, &containers)).collect();
    let defaults = normalise::engine_defaults(&engine, &networks, daemon_json);
    HostSnapshot {
        endpoint,
        engine,
        defaults,
        containers,
        images,
        networks,
        volumes: raw.volumes,
        plugins: raw.plugins,
        swarm: raw.swarm.map(|s| SwarmSummary {
            nodes: s.nodes,
            services: s.services,
            secrets: s.secrets,
            configs: s.configs,
        }),
        notes: raw.notes,
        containers_skipped: raw.containers_skipped,
    }
}
