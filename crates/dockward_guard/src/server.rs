//! The plugin socket: hyper's HTTP/1.1 server on a tokio `UnixListener`.
//!
//! Every connection is served in its own task, so a slow call never holds up another
//! (dockerd makes calls concurrently, and the guard's own requests to the daemon come
//! back through it). The policy sits behind an `RwLock<Arc<_>>`: a call clones the `Arc`
//! and judges with that policy while SIGHUP swaps in a new one, so a reload never drops
//! or stalls a request; a policy that fails to parse is logged and the old one kept.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use dockward_sinks::{Metrics, RecordSeverity, SinkConfig, SinkSet};
use dockward_spec::ImageConfig;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::UnixListener;

use crate::daemon::{DaemonClient, ImageCache};
use crate::decide::{judge_decoded, Decision, ImageLookup, Knowledge, Verdict};
use crate::outcome::{outcome, ResponseCall};
use crate::policy::{load_policy, Policy, PolicyError};
use crate::protocol::{AuthzRequest, AuthzResponse, ACTIVATE_RESPONSE, PLUGIN_MEDIA_TYPE};
use crate::record::{decision_record, event_record, outcome_record};
use crate::route::{route, Class};

/// Largest plugin call read: dockerd forwards bodies up to 4 MiB (29.3.1+), base64 in
/// JSON, plus headers.
const MAX_CALL: usize = 8 << 20;

/// How the guard is started.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub socket: PathBuf,
    /// The `dockward.toml` holding `[guard]`; `None`: the default policy.
    pub config: Option<PathBuf>,
    /// Extra sink: JSON lines appended to this file.
    pub log: Option<PathBuf>,
    /// The daemon guarded, for `/info`, image lookups and the self-test; `None`: none.
    pub docker_host: Option<String>,
    pub self_test: bool,
}

/// What a call is judged with.
struct Current {
    policy: Arc<Policy>,
    knowledge: Arc<Knowledge>,
}

/// The running guard's state, shared by every connection.
pub struct Guard {
    current: RwLock<Current>,
    config: Option<PathBuf>,
    /// Taken at shutdown to drain; dockerd keeps its plugin connections open, so the
    /// guard's `Arc` is still shared then.
    sinks: Mutex<Option<SinkSet>>,
    metrics: Metrics,
    daemon: Option<DaemonClient>,
    images: ImageCache,
    /// The self-test's nonce and whether its body arrived.
    probe: Mutex<Option<(String, Option<bool>)>>,
}

/// The name prefix of the self-test's create: the guard denies it whatever the policy.
pub const SELF_TEST_PREFIX: &str = "dockward-guard-selftest-";

impl Guard {
    /// Loads the policy (an error is returned, nothing started) and starts the sinks.
    pub fn new(options: &ServeOptions) -> Result<Arc<Guard>, String> {
        let policy = match &options.config {
            Some(path) => load_policy(path).map_err(|e| e.to_string())?,
            None => Policy::default(),
        };
        let mut sinks: Vec<SinkConfig> = policy.sinks.clone();
        if let Some(log) = &options.log {
            sinks.push(SinkConfig::File { path: log.clone(), queue: None });
        }
        let metrics = Metrics::new();
        let sinks = SinkSet::start(&sinks, metrics.clone()).map_err(|e| e.to_string())?;
        Ok(Arc::new(Guard {
            current: RwLock::new(Current { policy: Arc::new(policy), knowledge: Arc::new(Knowledge::default()) }),
            config: options.config.clone(),
            sinks: Mutex::new(Some(sinks)),
            metrics,
            daemon: options.docker_host.as_deref().map(DaemonClient::new),
            images: ImageCache::default(),
            probe: Mutex::new(None),
        }))
    }

    fn snapshot(&self) -> (Arc<Policy>, Arc<Knowledge>) {
        let c = self.current.read().unwrap_or_else(|p| p.into_inner());
        (c.policy.clone(), c.knowledge.clone())
    }

    pub fn policy(&self) -> Arc<Policy> {
        self.snapshot().0
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Re-reads the config file; on error the policy in force stays.
    pub fn reload(&self) -> Result<String, PolicyError> {
        let policy = match &self.config {
            Some(path) => load_policy(path)?,
            None => Policy::default(),
        };
        let version = policy.version.clone();
        self.current.write().unwrap_or_else(|p| p.into_inner()).policy = Arc::new(policy);
        Ok(version)
    }

    fn set_knowledge(&self, knowledge: Knowledge) {
        self.current.write().unwrap_or_else(|p| p.into_inner()).knowledge = Arc::new(knowledge);
    }

    pub fn log_event(&self, what: &str, severity: RecordSeverity, fields: serde_json::Value) {
        self.emit(event_record(what, severity, fields));
    }

    fn emit(&self, record: dockward_sinks::Record) {
        if let Some(sinks) = self.sinks.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            sinks.emit(record);
        }
    }

    /// Judges one AuthZReq call and records the decision.
    pub async fn authz_request(&self, call: &AuthzRequest) -> AuthzResponse {
        let started = Instant::now();
        let routed = route(&call.request_method, &call.request_uri);
        if routed.class == Class::Read {
            return AuthzResponse::allow();
        }
        if routed.class == Class::ContainerCreate
            && routed.name.as_deref().is_some_and(|n| n.starts_with(SELF_TEST_PREFIX))
        {
            if let Some(answer) = self.self_test_call(call, routed.name.as_deref().unwrap_or_default()) {
                return answer;
            }
        }
        let (policy, knowledge) = self.snapshot();
        let (decoded, image) = match routed.class {
            Class::ContainerCreate => {
                let decoded = crate::protocol::decode_body(call);
                let reference = decoded.as_ref().ok().and_then(|b| b.get("Image")?.as_str().map(str::to_string));
                let image = match reference {
                    Some(reference) => self.lookup_image(reference).await,
                    None => None,
                };
                (Some(decoded), image)
            }
            _ => (None, None),
        };
        let decision = judge_decoded(call, decoded, &policy, &knowledge, &Prefetched(image));
        let micros = started.elapsed().as_micros() as u64;
        self.record(&decision, &policy, micros);
        match decision.verdict {
            Verdict::Deny => AuthzResponse::deny(decision.message),
            Verdict::Allow | Verdict::WouldDeny => AuthzResponse::allow(),
        }
    }

    /// Records what an AuthZRes call says a request about a container did (nothing for
    /// reads, `/_ping` and other objects). The answer is always allow.
    pub fn authz_response(&self, call: &ResponseCall) {
        if let Some(outcome) = outcome(call) {
            self.emit(outcome_record(&outcome, SystemTime::now()));
        }
    }

    fn record(&self, decision: &Decision, policy: &Policy, micros: u64) {
        self.metrics.decision(decision.verdict.label(), decision.endpoint);
        self.emit(decision_record(decision, policy, SystemTime::now(), micros));
    }

    /// The image of a create body, looked up (cached) through the daemon.
    async fn lookup_image(&self, reference: String) -> Option<(String, ImageConfig)> {
        let daemon = self.daemon.as_ref()?;
        if let Some(cached) = self.images.get(&reference) {
            return cached.map(|c| (reference, c));
        }
        match daemon.image_config(&reference).await {
            Ok(config) => {
                self.images.put(&reference, config.clone());
                config.map(|c| (reference, c))
            }
            Err(_) => None,
        }
    }

    /// The self-test's own create: note whether its body arrived, and deny it.
    fn self_test_call(&self, call: &AuthzRequest, name: &str) -> Option<AuthzResponse> {
        let mut probe = self.probe.lock().unwrap_or_else(|p| p.into_inner());
        let (nonce, seen) = probe.as_mut()?;
        if !name.ends_with(nonce.as_str()) {
            return None;
        }
        *seen = Some(call.request_body.as_deref().is_some_and(|b| !b.is_empty()));
        Some(AuthzResponse::deny("dockward guard self-test (never created)"))
    }

    /// Reads the daemon's defaults again (one try).
    pub async fn refresh_defaults(self: Arc<Self>) {
        let Some(daemon) = self.daemon.clone() else { return };
        if let Ok(defaults) = daemon.engine_defaults().await {
            self.set_knowledge(Knowledge { defaults });
        }
    }

    /// Asks the daemon for its defaults, then checks whether it forwards a body over
    /// 1 MiB (CVE-2026-34040): posts a create of about 1.1 MiB named with a nonce and
    /// watches its own AuthZReq. Logs what it found.
    pub async fn start_up_checks(self: Arc<Self>, self_test: bool) {
        let Some(daemon) = self.daemon.clone() else { return };
        // The guard usually starts before dockerd (socket activation): wait for it.
        let deadline = Instant::now() + Duration::from_secs(120);
        let defaults = loop {
            match daemon.engine_defaults().await {
                Ok(d) => break Some(d),
                Err(e) if Instant::now() > deadline => {
                    self.log_event("daemon", RecordSeverity::Warning, json!({"message": format!("no daemon: {e}")}));
                    break None;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(500)).await,
            }
        };
        let Some(defaults) = defaults else { return };
        self.set_knowledge(Knowledge { defaults });
        if !self_test {
            return;
        }
        let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().as_nanos();
        let nonce = format!("{:x}{nanos:x}", std::process::id());
        *self.probe.lock().unwrap_or_else(|p| p.into_inner()) = Some((nonce.clone(), None));
        let padding = "x".repeat(1_150_000);
        let body = json!({
            "Image": format!("dockward-guard-selftest-{nonce}:absent"),
            "Labels": {"dockward.selftest": nonce, "padding": padding},
        });
        let path = format!("/containers/create?name={SELF_TEST_PREFIX}{nonce}");
        let answer = daemon.request("POST", &path, Some(body.to_string().into_bytes())).await;
        let seen = self.probe.lock().unwrap_or_else(|p| p.into_inner()).take().and_then(|(_, seen)| seen);
        let (severity, finding, message) = match (seen, &answer) {
            (Some(true), _) => (
                RecordSeverity::Info,
                "forwards-large-bodies",
                "this daemon forwards a 1.1 MiB request body to authorization plugins".to_string(),
            ),
            (Some(false), _) => (
                RecordSeverity::Warning,
                "drops-large-bodies",
                "this daemon drops request bodies over 1 MiB (CVE-2026-34040); the fail-closed rule is active".to_string(),
            ),
            (None, Ok((status, _))) if *status == 413 || *status == 400 => (
                RecordSeverity::Info,
                "rejects-large-bodies",
                format!("this daemon rejects a 1.1 MiB request body itself (HTTP {status})"),
            ),
            (None, Ok((status, _))) => (
                RecordSeverity::Warning,
                "inconclusive",
                format!("the self-test's request never reached the guard (HTTP {status}): is this plugin configured on this daemon?"),
            ),
            (None, Err(e)) => (RecordSeverity::Warning, "inconclusive", format!("the self-test failed: {e}")),
        };
        eprintln!("dockward guard: self-test: {message}");
        self.log_event("self-test", severity, json!({"result": finding, "message": message}));
    }

    /// Drains the sinks (at most 5 s).
    pub async fn shutdown(&self) {
        let sinks = self.sinks.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(sinks) = sinks {
            sinks.shutdown(Duration::from_secs(5)).await;
        }
    }
}

struct Prefetched(Option<(String, ImageConfig)>);

impl ImageLookup for Prefetched {
    fn image_config(&self, reference: &str) -> Option<ImageConfig> {
        self.0.as_ref().filter(|(r, _)| r == reference).map(|(_, c)| c.clone())
    }
}

fn answer(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static(PLUGIN_MEDIA_TYPE));
    response
}

fn json_answer(value: &AuthzResponse) -> Response<Full<Bytes>> {
    answer(StatusCode::OK, serde_json::to_string(value).unwrap_or_else(|_| "{\"Allow\":false}".into()))
}

/// One plugin call.
pub async fn handle(guard: Arc<Guard>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = request.uri().path().to_string();
    match path.as_str() {
        "/Plugin.Activate" => return Ok(answer(StatusCode::OK, ACTIVATE_RESPONSE.into())),
        "/AuthZPlugin.AuthZReq" | "/AuthZPlugin.AuthZRes" => {}
        _ => return Ok(answer(StatusCode::NOT_FOUND, "{\"Err\":\"not an authz plugin call\"}".into())),
    }
    let bytes = match Limited::new(request.into_body(), MAX_CALL).collect().await {
        // AuthZRes comes after the request ran: a deny would not undo it, only hide the
        // result from the client. It is allowed whatever it carries.
        Err(_) if path == "/AuthZPlugin.AuthZRes" => return Ok(json_answer(&AuthzResponse::allow())),
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            // Too large or cut off: the call cannot be judged.
            let msg = format!("dockward: the plugin call could not be read ({e}) (fail-closed)");
            return Ok(json_answer(&AuthzResponse::deny(msg)));
        }
    };
    if path == "/AuthZPlugin.AuthZRes" {
        if let Ok(call) = serde_json::from_slice::<ResponseCall>(&bytes) {
            guard.authz_response(&call);
        }
        return Ok(json_answer(&AuthzResponse::allow()));
    }
    let call: AuthzRequest = match serde_json::from_slice(&bytes) {
        Ok(call) => call,
        Err(e) => {
            let msg = format!("dockward: the plugin call is not valid JSON ({e}) (fail-closed)");
            return Ok(json_answer(&AuthzResponse::deny(msg)));
        }
    };
    Ok(json_answer(&guard.authz_request(&call).await))
}

/// Binds `socket` (replacing a stale socket file, never another kind of file).
pub fn bind(socket: &Path) -> std::io::Result<UnixListener> {
    if let Ok(meta) = std::fs::symlink_metadata(socket) {
        use std::os::unix::fs::FileTypeExt;
        if meta.file_type().is_socket() {
            std::fs::remove_file(socket)?;
        } else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!("{} exists and is not a socket", socket.display()),
            ));
        }
    }
    if let Some(dir) = socket.parent() {
        std::fs::create_dir_all(dir)?;
    }
    UnixListener::bind(socket)
}

/// Serves `listener` until SIGTERM or SIGINT; SIGHUP reloads the policy.
pub async fn serve(guard: Arc<Guard>, listener: UnixListener, self_test: bool) -> std::io::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hangup = signal(SignalKind::hangup())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let policy = guard.policy();
    guard.log_event(
        "start",
        RecordSeverity::Notice,
        json!({"policy": policy.version, "mode": format!("{:?}", policy.mode).to_ascii_lowercase()}),
    );
    tokio::spawn(guard.clone().start_up_checks(self_test));
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        eprintln!("dockward guard: accept: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let guard = guard.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| handle(guard.clone(), request));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            _ = hangup.recv() => match guard.reload() {
                Ok(version) => {
                    // The daemon may have been reconfigured too: read its defaults again.
                    tokio::spawn(guard.clone().refresh_defaults());
                    eprintln!("dockward guard: policy reloaded ({version})");
                    guard.log_event("reload", RecordSeverity::Notice, json!({"policy": version}));
                }
                Err(e) => {
                    eprintln!("dockward guard: reload failed, the policy in force stays: {e}");
                    guard.log_event("reload", RecordSeverity::Error, json!({"error": e.to_string()}));
                }
            },
            _ = terminate.recv() => break,
            _ = interrupt.recv() => break,
        }
    }
    guard.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn call(body: &str) -> Vec<u8> {
        json!({
            "RequestMethod": "POST",
            "RequestUri": "/v1.47/containers/create?name=t",
            "RequestBody": base64::engine::general_purpose::STANDARD.encode(body),
            "RequestHeaders": {"Content-Type": "application/json"},
        })
        .to_string()
        .into_bytes()
    }

    /// The protocol over a real socket, a reload between calls, and the records.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn serves_the_protocol_and_reloads() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("g.sock");
        let config = dir.path().join("dockward.toml");
        let log = dir.path().join("log.jsonl");
        std::fs::write(&config, "[guard]\nmode = \"enforce\"\n").unwrap();
        let options = ServeOptions {
            socket: socket.clone(),
            config: Some(config.clone()),
            log: Some(log.clone()),
            docker_host: None,
            self_test: false,
        };
        let guard = Guard::new(&options).unwrap();
        let listener = bind(&socket).unwrap();
        let server = tokio::spawn(serve(guard.clone(), listener, false));
        let client = DaemonClient::new(socket.to_str().unwrap());

        let (status, body) = client.request("POST", "/Plugin.Activate", None).await.unwrap();
        assert_eq!((status, &body[..]), (200, ACTIVATE_RESPONSE.as_bytes()));
        let privileged = r#"{"Image":"a","HostConfig":{"Privileged":true}}"#;
        let (_, body) = client.request("POST", "/AuthZPlugin.AuthZReq", Some(call(privileged))).await.unwrap();
        let answer: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(answer["Allow"], false);
        assert!(answer["Msg"].as_str().unwrap().starts_with("dockward: CT001"));
        let (_, body) = client.request("POST", "/AuthZPlugin.AuthZRes", Some(call(privileged))).await.unwrap();
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&body).unwrap()["Allow"], true);
        let (_, body) = client.request("POST", "/AuthZPlugin.AuthZReq", Some(b"{not json".to_vec())).await.unwrap();
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&body).unwrap()["Allow"], false);
        // AuthZRes is allowed whatever it carries, and records what a create made.
        for garbage in [
            &b"{not json"[..],
            b"",
            br#"{"ResponseBody":"!!!","RequestMethod":"POST","RequestUri":"/containers/create"}"#,
        ] {
            let (_, body) = client.request("POST", "/AuthZPlugin.AuthZRes", Some(garbage.to_vec())).await.unwrap();
            assert_eq!(serde_json::from_slice::<serde_json::Value>(&body).unwrap()["Allow"], true);
        }
        let created = json!({
            "User": "alice", "UserAuthNMethod": "TLS", "RequestMethod": "POST",
            "RequestUri": "/v1.47/containers/create?name=web", "ResponseStatusCode": 201,
            "ResponseBody": base64::engine::general_purpose::STANDARD.encode(format!(r#"{{"Id":"{}"}}"#, "ab".repeat(32))),
        });
        let (_, body) =
            client.request("POST", "/AuthZPlugin.AuthZRes", Some(created.to_string().into_bytes())).await.unwrap();
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&body).unwrap()["Allow"], true);
        let (status, _) = client.request("POST", "/Other.Call", None).await.unwrap();
        assert_eq!(status, 404);

        std::fs::write(&config, "[guard]\nmode = \"audit\"\n").unwrap();
        guard.reload().unwrap();
        let (_, body) = client.request("POST", "/AuthZPlugin.AuthZReq", Some(call(privileged))).await.unwrap();
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&body).unwrap()["Allow"], true);
        std::fs::write(&config, "[guard]\nmode = \"nope\"\n").unwrap();
        assert!(guard.reload().is_err());
        assert_eq!(guard.policy().mode, crate::policy::Mode::Audit, "a broken policy keeps the one in force");

        guard.shutdown().await;
        server.abort();
        let records: Vec<serde_json::Value> =
            std::fs::read_to_string(&log).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let decisions: Vec<_> =
            records.iter().filter(|r| r["kind"] == "guard.decision").map(|r| &r["decision"]).collect();
        assert_eq!(decisions, ["deny", "would-deny"]);
        let made: Vec<_> = records
            .iter()
            .filter(|r| r["kind"] == "guard.outcome" && r["container_id"] == "ab".repeat(32))
            .map(|r| (&r["user"], &r["container_name"], &r["status"], &r["action"]))
            .collect();
        assert_eq!(made, [(&json!("alice"), &json!("web"), &json!(201), &json!("create"))]);
        let metrics = guard.metrics().render();
        assert!(
            metrics.contains("dockward_guard_decisions_total{decision=\"deny\",endpoint=\"container-create\"} 1"),
            "{metrics}"
        );
    }
}
