//! Reading one engine: GET requests only, a bounded number in flight, and a failure of
//! one endpoint (or one container) noted without stopping the rest.

use std::collections::HashMap;
use std::sync::Arc;

use bollard::models::{
    ContainerInspectResponse, ContainerSummary, ImageHistoryResponseItem, ImageInspect, Network, SystemInfo,
    SystemVersion,
};
use bollard::query_parameters::{ListContainersOptions, ListImagesOptions, ListNetworksOptions};
use bollard::Docker;
use futures_util::stream::{self, StreamExt};

use crate::EngineError;

/// Decides, from the container list alone, which containers are inspected: name (without
/// the leading `/`), labels and image.
pub type ContainerSelector = Arc<dyn Fn(&str, &HashMap<String, String>, &str) -> bool + Send + Sync>;

/// Told how many containers an engine has to inspect (`Listed`), then once per
/// container inspected (`Inspected`): drives a progress bar.
pub type ProgressSink = Arc<dyn Fn(Progress) + Send + Sync>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Listed(usize),
    Inspected,
}

#[derive(Clone)]
pub struct ReadOptions {
    /// Requests in flight at once per engine.
    pub concurrency: usize,
    pub select: Option<ContainerSelector>,
    pub progress: Option<ProgressSink>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self { concurrency: 16, select: None, progress: None }
    }
}

/// Something that could not be read; the audit goes on without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The request (`GET /images/json`) or object (`container/web-1`).
    pub subject: String,
    pub message: String,
}

/// One image as the engine reports it.
#[derive(Debug, Clone)]
pub struct RawImage {
    pub inspect: ImageInspect,
    pub history: Vec<ImageHistoryResponseItem>,
}

/// Swarm objects, read only when the node is an active manager. The cluster's own
/// settings come from `/info` (`Swarm.Cluster`): `GET /swarm` would also send the join
/// tokens, which dockward has no use for and so never receives.
#[derive(Debug, Clone, Default)]
pub struct RawSwarm {
    pub nodes: Vec<bollard::models::Node>,
    pub services: Vec<bollard::models::Service>,
    /// Names only: a secret's or config's data is never read.
    pub secrets: Vec<String>,
    pub configs: Vec<String>,
}

/// Everything read from one engine, before normalisation.
#[derive(Debug, Clone, Default)]
pub struct RawHost {
    pub version: Option<SystemVersion>,
    pub info: SystemInfo,
    pub containers: Vec<ContainerInspectResponse>,
    pub images: Vec<RawImage>,
    pub networks: Vec<Network>,
    pub volumes: Vec<String>,
    pub plugins: Vec<String>,
    pub swarm: Option<RawSwarm>,
    pub notes: Vec<Note>,
    /// Containers listed but left out by the selector.
    pub containers_skipped: usize,
    /// Running `docker exec` instances by container id (`crate::exec`).
    pub execs: HashMap<String, Vec<bollard::models::ExecInspectResponse>>,
}

/// Describes a failed request for people: status and the daemon's message, a
/// timeout, or what went wrong on the way in plain words (no client library's type
/// names; the OS's own words only where they help).
pub fn describe(e: &bollard::errors::Error) -> String {
    use bollard::errors::Error as E;
    match e {
        E::DockerResponseServerError { status_code, message } => {
            let message = message.trim();
            let mut s = if message.is_empty() {
                format!("HTTP {status_code} with no message (is this a Docker daemon?)")
            } else {
                format!("HTTP {status_code}: {message}")
            };
            if message.contains("HTTP request to an HTTPS server") {
                s.push_str(" (the daemon requires TLS: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or use a context with TLS material)");
            }
            s
        }
        E::RequestTimeoutError => TIMED_OUT.into(),
        other => {
            // hyper repeats each layer's text in its source chain ("client error (Connect):
            // client error (Connect): ..."): keep each part once.
            let mut parts: Vec<String> = Vec::new();
            let mut push = |text: String| {
                for part in text.split(": ") {
                    if !parts.iter().any(|p| p == part) {
                        parts.push(part.to_string());
                    }
                }
            };
            push(other.to_string());
            let mut src = std::error::Error::source(other);
            while let Some(cause) = src {
                push(cause.to_string());
                src = cause.source();
            }
            plain_failure(&parts)
        }
    }
}

const TIMED_OUT: &str = "the daemon did not answer in time (see --timeout)";

/// Layers of the HTTP client that say nothing to a user.
const CLIENT_NOISE: &[&str] = &[
    "Error in the hyper legacy client",
    "client error (Connect)",
    "client error (SendRequest)",
    "error trying to connect",
    "tcp connect error",
];

/// A transport failure (the parts of an error's source chain) in the user's terms.
pub(crate) fn plain_failure(parts: &[String]) -> String {
    let all = parts.join(": ");
    let lower = all.to_ascii_lowercase();
    let has = |needle: &str| lower.contains(needle);
    // ssh's own explanation (connect/ssh.rs) already speaks plainly.
    let over_ssh = parts.iter().any(|p| p == "ssh" || p.starts_with("ssh "));
    if over_ssh {
        return parts.iter().map(|p| without_os_error(p)).collect::<Vec<_>>().join(": ");
    }
    if has("connection refused") {
        return "connection refused: no daemon is listening there (is it running, on this address?)".into();
    }
    if has("permission denied") {
        return "permission denied on the socket (is this user allowed on it, e.g. in the `docker` group? rootless \
                daemons listen on $XDG_RUNTIME_DIR/docker.sock)"
            .into();
    }
    if has("no such file or directory") {
        return "no Docker socket there (is the daemon running?)".into();
    }
    if has("timed out") || has("deadline has elapsed") {
        return TIMED_OUT.into();
    }
    if has("dns error") || has("failed to lookup address") || has("name or service not known") {
        return "the host name does not resolve".into();
    }
    if has("invalid peer certificate") {
        return if all.contains("NotValidForName") {
            "TLS: the daemon's certificate does not name this host".into()
        } else if all.contains("Expired") {
            "TLS: the daemon's certificate has expired".into()
        } else {
            "TLS: the daemon's certificate does not verify against the trusted CA (ca.pem in DOCKER_CERT_PATH or in \
             the context's TLS material)"
                .into()
        };
    }
    if ["BadCertificate", "UnknownCA", "CertificateRequired", "DecryptError"].iter().any(|k| all.contains(k)) {
        return "TLS: the daemon rejected the client certificate (is cert.pem signed by the CA the daemon trusts, its \
                --tlscacert?)"
            .into();
    }
    if has("tls") && (has("handshake") || has("corrupt message") || has("invalid content type")) {
        return "TLS: the handshake failed (does the daemon speak TLS on this port?)".into();
    }
    if has("connection reset")
        || has("broken pipe")
        || has("connection closed before message completed")
        || has("unexpected eof")
    {
        return "the connection closed before the daemon answered (is this a Docker daemon, and does it expect TLS?)"
            .into();
    }
    if let Some(at) = lower.find("failed to deserialize json") {
        let detail = all[at + "failed to deserialize json".len()..].trim_start_matches([':', ' ']);
        return format!("the daemon's answer is not what the Docker API describes ({detail})");
    }
    let kept: Vec<String> = parts
        .iter()
        .filter(|p| !CLIENT_NOISE.iter().any(|n| p.eq_ignore_ascii_case(n)))
        .map(|p| without_os_error(p))
        .filter(|p| !p.is_empty())
        .collect();
    if kept.is_empty() {
        "the request failed".into()
    } else {
        kept.join(": ")
    }
}

/// `Connection refused (os error 111)` -> `Connection refused`.
fn without_os_error(part: &str) -> String {
    match part.find(" (os error ") {
        Some(i) if part.ends_with(')') => part[..i].to_string(),
        _ => part.to_string(),
    }
}

fn is_not_found(e: &bollard::errors::Error) -> bool {
    matches!(e, bollard::errors::Error::DockerResponseServerError { status_code: 404, .. })
}

/// Reads one engine. Fails only when the engine cannot be reached at all (`/_ping` or
/// `/info`); anything else that fails becomes a [`Note`].
pub async fn read_host(docker: Docker, label: &str, options: &ReadOptions) -> Result<(Docker, RawHost), EngineError> {
    let unreachable =
        |e: bollard::errors::Error| EngineError::Connect { endpoint: label.to_string(), message: describe(&e) };
    docker.ping().await.map_err(unreachable)?;
    // Talk the daemon's API version when it is older than ours.
    let docker = docker.negotiate_version().await.map_err(unreachable)?;
    let info = docker.info().await.map_err(unreachable)?;
    let mut raw = RawHost { info, ..Default::default() };
    let notes = std::sync::Mutex::new(Vec::new());
    let note = |subject: String, e: &bollard::errors::Error| {
        notes.lock().expect("notes lock").push(Note { subject, message: describe(e) });
    };

    let conc = options.concurrency.max(1);
    let version = docker.version();
    let list = docker.list_containers(Some(ListContainersOptions { all: true, ..Default::default() }));
    let images = docker.list_images(Some(ListImagesOptions { all: false, ..Default::default() }));
    let networks = docker.list_networks(None::<ListNetworksOptions>);
    let volumes = docker.list_volumes(None::<bollard::query_parameters::ListVolumesOptions>);
    let plugins = docker.list_plugins(None);
    let (version, list, images, networks, volumes, plugins) =
        futures_util::join!(version, list, images, networks, volumes, plugins);

    match version {
        Ok(v) => raw.version = Some(v),
        Err(e) => note("GET /version".into(), &e),
    }
    let summaries: Vec<ContainerSummary> = match list {
        Ok(l) => l,
        Err(e) => {
            note("GET /containers/json".into(), &e);
            Vec::new()
        }
    };
    let selected: Vec<(String, String)> = summaries
        .iter()
        .filter_map(|s| {
            let id = s.id.clone()?;
            let name = s.names.as_ref().and_then(|n| n.first()).map(|n| n.trim_start_matches('/').to_string())?;
            let keep = options.select.as_ref().is_none_or(|f| {
                f(&name, s.labels.as_ref().unwrap_or(&HashMap::new()), s.image.as_deref().unwrap_or(""))
            });
            keep.then_some((id, name))
        })
        .collect();
    raw.containers_skipped = summaries.len() - selected.len();
    let progress = |p: Progress| {
        if let Some(sink) = &options.progress {
            sink(p);
        }
    };
    progress(Progress::Listed(selected.len()));

    let inspected: Vec<_> = stream::iter(selected)
        .map(|(id, name)| {
            let docker = &docker;
            let progress = &progress;
            async move {
                let r = docker.inspect_container(&id, None).await;
                progress(Progress::Inspected);
                (name, r)
            }
        })
        .buffer_unordered(conc)
        .collect()
        .await;
    for (name, r) in inspected {
        match r {
            Ok(c) => raw.containers.push(c),
            Err(e) if is_not_found(&e) => notes.lock().expect("notes lock").push(Note {
                subject: format!("container/{name}"),
                message: "removed while the audit ran; skipped".into(),
            }),
            Err(e) => note(format!("container/{name}"), &e),
        }
    }
    raw.containers.sort_by(|a, b| a.name.cmp(&b.name));
    let (execs, exec_notes) = crate::exec::read_execs(&docker, &raw.containers, conc).await;
    raw.execs = execs;
    notes.lock().expect("notes lock").extend(exec_notes);

    let image_ids: Vec<String> = match images {
        Ok(l) => l.into_iter().map(|i| i.id).collect(),
        Err(e) => {
            note("GET /images/json".into(), &e);
            Vec::new()
        }
    };
    let read_images: Vec<_> = stream::iter(image_ids)
        .map(|id| {
            let docker = &docker;
            async move {
                let (inspect, history) = futures_util::join!(docker.inspect_image(&id), docker.image_history(&id));
                (id, inspect, history)
            }
        })
        .buffer_unordered(conc)
        .collect()
        .await;
    for (id, inspect, history) in read_images {
        match inspect {
            Ok(inspect) => {
                let history = history.unwrap_or_else(|e| {
                    note(format!("GET /images/{id}/history"), &e);
                    Vec::new()
                });
                raw.images.push(RawImage { inspect, history });
            }
            Err(e) if is_not_found(&e) => {}
            Err(e) => note(format!("image/{id}"), &e),
        }
    }
    raw.images.sort_by(|a, b| a.inspect.id.cmp(&b.inspect.id));

    match networks {
        Ok(mut n) => {
            n.sort_by(|a, b| a.name.cmp(&b.name));
            raw.networks = n;
        }
        Err(e) => note("GET /networks".into(), &e),
    }
    match volumes {
        Ok(v) => {
            raw.volumes = v.volumes.unwrap_or_default().into_iter().map(|v| v.name).collect();
            raw.volumes.sort();
        }
        Err(e) => note("GET /volumes".into(), &e),
    }
    match plugins {
        Ok(p) => {
            raw.plugins = p.into_iter().map(|p| p.name).collect();
            raw.plugins.sort();
        }
        Err(e) => note("GET /plugins".into(), &e),
    }

    let swarm_manager = raw.info.swarm.as_ref().is_some_and(|s| {
        s.local_node_state == Some(bollard::models::LocalNodeState::ACTIVE) && s.control_available == Some(true)
    });
    if swarm_manager {
        let (nodes, services, secrets, configs) = futures_util::join!(
            docker.list_nodes(None),
            docker.list_services(None),
            docker.list_secrets(None),
            docker.list_configs(None)
        );
        let mut swarm = RawSwarm::default();
        match nodes {
            Ok(n) => swarm.nodes = n,
            Err(e) => note("GET /nodes".into(), &e),
        }
        match services {
            Ok(s) => swarm.services = s,
            Err(e) => note("GET /services".into(), &e),
        }
        match secrets {
            Ok(s) => swarm.secrets = s.into_iter().filter_map(|s| s.spec.and_then(|s| s.name)).collect(),
            Err(e) => note("GET /secrets".into(), &e),
        }
        match configs {
            Ok(s) => swarm.configs = s.into_iter().filter_map(|s| s.spec.and_then(|s| s.name)).collect(),
            Err(e) => note("GET /configs".into(), &e),
        }
        swarm.secrets.sort();
        swarm.configs.sort();
        raw.swarm = Some(swarm);
    }
    let mut notes = notes.into_inner().expect("notes lock");
    notes.sort_by(|a, b| a.subject.cmp(&b.subject));
    raw.notes = notes;
    Ok((docker, raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    // issue 13 #27: transport failures in the user's terms, without client type names.
    #[test]
    fn transport_failures_are_plain_sentences() {
        let plain = |chain: &[&str]| plain_failure(&chain.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let refused =
            plain(&["Error in the hyper legacy client", "client error (Connect)", "Connection refused (os error 111)"]);
        assert!(refused.starts_with("connection refused: no daemon is listening there"), "{refused}");
        let denied = plain(&["Error in the hyper legacy client", "Permission denied (os error 13)"]);
        assert!(denied.contains("permission denied on the socket") && denied.contains("`docker` group"), "{denied}");
        assert_eq!(plain(&["client error (Connect)", "operation timed out"]), TIMED_OUT);
        let name = plain(&["client error (Connect)", "invalid peer certificate: NotValidForName"]);
        assert_eq!(name, "TLS: the daemon's certificate does not name this host");
        let ca = plain(&["client error (Connect)", "invalid peer certificate: UnknownIssuer"]);
        assert!(ca.contains("does not verify against the trusted CA") && !ca.contains("UnknownIssuer"), "{ca}");
        let client = plain(&["received fatal alert: BadCertificate"]);
        assert!(client.starts_with("TLS: the daemon rejected the client certificate"), "{client}");
        let json = plain(&["Failed to deserialize JSON", "missing field `ParentId` at line 1 column 44"]);
        assert!(
            json.starts_with("the daemon's answer is not what the Docker API describes (missing field `ParentId`"),
            "{json}"
        );
        // Unknown failures keep their cause, minus the client's layers and OS numbers.
        let other = plain(&["Error in the hyper legacy client", "client error (Connect)", "weird thing (os error 99)"]);
        assert_eq!(other, "weird thing");
        for s in [refused, denied, ca, client, json, other] {
            assert!(!s.contains("hyper") && !s.contains("os error") && !s.contains("client error"), "{s}");
        }
        // ssh explains its own failures; they are kept as they are.
        assert_eq!(plain(&["ssh", "connection refused by u@h:22 (`x`)"]), "ssh: connection refused by u@h:22 (`x`)");
    }
}
