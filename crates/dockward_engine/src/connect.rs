//! Which engines to talk to, and how: `--host`, `--context`, `DOCKER_HOST`,
//! `DOCKER_CONTEXT`, the Docker CLI's current context (with its TLS material), the
//! rootless socket, then the system socket. `ssh://` engines are reached through the
//! system `ssh` (`ssh.rs`).

use std::path::{Path, PathBuf};

use bollard::{Docker, API_DEFAULT_VERSION};
use sha2::{Digest, Sha256};

use crate::EngineError;

mod ssh;

/// The system socket.
pub const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

/// One engine to audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// What the report calls it: the context name, or the host URL.
    pub label: String,
    /// `unix:///path`, `tcp://host:port`, `https://...`, `ssh://user@host`.
    pub host: String,
    /// Client certificate material, when the connection uses TLS.
    pub tls: Option<TlsFiles>,
    /// The context asks to skip server verification (not supported: we refuse rather
    /// than silently verify or silently not).
    pub skip_tls_verify: bool,
}

impl Endpoint {
    /// The socket path of a `unix://` endpoint.
    pub fn unix_path(&self) -> Option<&str> {
        self.host.strip_prefix("unix://")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TlsFiles {
    fn in_dir(dir: &Path) -> Self {
        Self { ca: dir.join("ca.pem"), cert: dir.join("cert.pem"), key: dir.join("key.pem") }
    }
}

/// The parts of the process environment endpoint resolution reads (a struct, so
/// tests need not touch the real environment).
#[derive(Debug, Clone, Default)]
pub struct ConnectEnv {
    pub docker_host: Option<String>,
    pub docker_context: Option<String>,
    pub tls_verify: bool,
    pub cert_path: Option<PathBuf>,
    /// `$DOCKER_CONFIG`, else `~/.docker`.
    pub config_dir: Option<PathBuf>,
    pub xdg_runtime_dir: Option<PathBuf>,
}

impl ConnectEnv {
    pub fn from_process() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let home = var("HOME").map(PathBuf::from);
        Self {
            docker_host: var("DOCKER_HOST"),
            docker_context: var("DOCKER_CONTEXT"),
            tls_verify: var("DOCKER_TLS_VERIFY").is_some_and(|v| v != "0"),
            cert_path: var("DOCKER_CERT_PATH").map(PathBuf::from),
            config_dir: var("DOCKER_CONFIG").map(PathBuf::from).or_else(|| home.map(|h| h.join(".docker"))),
            xdg_runtime_dir: var("XDG_RUNTIME_DIR").map(PathBuf::from),
        }
    }
}

/// The endpoints to audit. Explicit `hosts` and `contexts` win (each is audited);
/// otherwise `DOCKER_HOST`, then `DOCKER_CONTEXT`, then the CLI's current context,
/// then the rootless socket if it exists, then the system socket.
pub fn resolve_endpoints(
    hosts: &[String],
    contexts: &[String],
    env: &ConnectEnv,
) -> Result<Vec<Endpoint>, EngineError> {
    let mut out = Vec::new();
    for h in hosts {
        out.push(host_endpoint(h, h.clone(), env));
    }
    for c in contexts {
        out.push(context_endpoint(c, env)?);
    }
    if !out.is_empty() {
        return Ok(out);
    }
    if let Some(h) = &env.docker_host {
        return Ok(vec![host_endpoint(h, h.clone(), env)]);
    }
    if let Some(c) = &env.docker_context {
        return Ok(vec![context_endpoint(c, env)?]);
    }
    if let Some(c) = current_context(env)? {
        return Ok(vec![context_endpoint(&c, env)?]);
    }
    Ok(vec![default_endpoint(env)])
}

fn host_endpoint(host: &str, label: String, env: &ConnectEnv) -> Endpoint {
    let host = if host.starts_with('/') { format!("unix://{host}") } else { host.to_string() };
    let tls = (env.tls_verify && (host.starts_with("tcp://") || host.starts_with("https://")))
        .then(|| TlsFiles::in_dir(env.cert_path.as_deref().or(env.config_dir.as_deref()).unwrap_or(Path::new("."))));
    Endpoint { label, host, tls, skip_tls_verify: false }
}

fn default_endpoint(env: &ConnectEnv) -> Endpoint {
    let rootless = env.xdg_runtime_dir.as_ref().map(|d| d.join("docker.sock")).filter(|p| p.exists());
    let path = match rootless {
        Some(p) if !Path::new(DEFAULT_SOCKET).exists() => p.display().to_string(),
        _ => DEFAULT_SOCKET.to_string(),
    };
    let host = format!("unix://{path}");
    Endpoint { label: host.clone(), host, tls: None, skip_tls_verify: false }
}

/// `currentContext` of the CLI's config.json (`None` when absent or `default`).
fn current_context(env: &ConnectEnv) -> Result<Option<String>, EngineError> {
    let Some(dir) = &env.config_dir else { return Ok(None) };
    let path = dir.join("config.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(EngineError::Config(format!(
                "the Docker CLI configuration {} cannot be read: {}",
                path.display(),
                io_reason(&e)
            )))
        }
    };
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        EngineError::Config(format!("the Docker CLI configuration {} is not valid JSON ({e})", path.display()))
    })?;
    Ok(json
        .get("currentContext")
        .and_then(|v| v.as_str())
        .filter(|c| !c.is_empty() && *c != "default")
        .map(String::from))
}

/// An I/O error's reason without the OS error number (`permission denied`).
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a directory".into(),
        _ => {
            let s = e.to_string();
            s.split(" (os error ").next().unwrap_or(&s).to_string()
        }
    }
}

/// The directory name the CLI stores a context under: the SHA-256 of its name, in hex.
pub fn context_dir_name(name: &str) -> String {
    Sha256::digest(name.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn context_endpoint(name: &str, env: &ConnectEnv) -> Result<Endpoint, EngineError> {
    if name == "default" {
        let mut e = match &env.docker_host {
            Some(h) => host_endpoint(h, h.clone(), env),
            None => default_endpoint(env),
        };
        e.label = "default".into();
        return Ok(e);
    }
    let dir = env
        .config_dir
        .clone()
        .ok_or_else(|| EngineError::Config("no Docker config directory (set HOME or DOCKER_CONFIG)".into()))?;
    let id = context_dir_name(name);
    let meta = dir.join("contexts/meta").join(&id).join("meta.json");
    // The CLI stores a context under the SHA-256 of its name: that path means nothing
    // to a user, so errors name the context and the config directory instead.
    let text = match std::fs::read_to_string(&meta) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(EngineError::Config(format!(
                "there is no Docker context `{name}` in {} (`docker context ls` lists them)",
                dir.display()
            )))
        }
        Err(e) => {
            return Err(EngineError::Config(format!(
                "Docker context `{name}` (in {}) cannot be read: {}",
                dir.display(),
                io_reason(&e)
            )))
        }
    };
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        EngineError::Config(format!(
            "Docker context `{name}` (in {}) is damaged: its metadata is not JSON ({e})",
            dir.display()
        ))
    })?;
    let docker = &json["Endpoints"]["docker"];
    let host = docker["Host"].as_str().ok_or_else(|| {
        EngineError::Config(format!("Docker context `{name}` (in {}) names no Docker host", dir.display()))
    })?;
    let tls_dir = dir.join("contexts/tls").join(&id).join("docker");
    let tls = tls_dir.join("ca.pem").exists().then(|| TlsFiles::in_dir(&tls_dir));
    Ok(Endpoint {
        label: name.to_string(),
        host: host.to_string(),
        tls,
        skip_tls_verify: docker["SkipTLSVerify"].as_bool().unwrap_or(false),
    })
}

/// A client for `endpoint`; requests time out after `timeout_secs`. No request is sent
/// yet (the caller pings and negotiates the API version).
pub fn connect(endpoint: &Endpoint, timeout_secs: u64) -> Result<Docker, EngineError> {
    let host = endpoint.host.as_str();
    let fail =
        |e: bollard::errors::Error| EngineError::Connect { endpoint: endpoint.label.clone(), message: e.to_string() };
    if endpoint.skip_tls_verify {
        return Err(EngineError::Connect {
            endpoint: endpoint.label.clone(),
            message: "the context sets SkipTLSVerify; dockward only connects with a verified server certificate".into(),
        });
    }
    if let Some(path) = host.strip_prefix("unix://") {
        if !Path::new(path).exists() {
            return Err(EngineError::Connect {
                endpoint: endpoint.label.clone(),
                message: format!(
                    "no Docker socket at {path} (is the daemon running? rootless: $XDG_RUNTIME_DIR/docker.sock)"
                ),
            });
        }
        return Docker::connect_with_unix(host, timeout_secs, API_DEFAULT_VERSION).map_err(fail);
    }
    if host.starts_with("tcp://") || host.starts_with("http://") || host.starts_with("https://") {
        return match &endpoint.tls {
            Some(tls) => {
                for f in [&tls.ca, &tls.cert, &tls.key] {
                    if !f.exists() {
                        return Err(EngineError::Connect {
                            endpoint: endpoint.label.clone(),
                            message: format!("TLS: {} does not exist", f.display()),
                        });
                    }
                }
                Docker::connect_with_ssl(host, &tls.key, &tls.cert, &tls.ca, timeout_secs, API_DEFAULT_VERSION)
                    .map_err(fail)
            }
            None if host.starts_with("https://") => Err(EngineError::Connect {
                endpoint: endpoint.label.clone(),
                message: "https:// needs client certificates (DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH)".into(),
            }),
            None => Docker::connect_with_http(host, timeout_secs, API_DEFAULT_VERSION).map_err(fail),
        };
    }
    if host.starts_with("ssh://") {
        return ssh::connect(host, timeout_secs)
            .map_err(|message| EngineError::Connect { endpoint: endpoint.label.clone(), message });
    }
    Err(EngineError::Connect {
        endpoint: endpoint.label.clone(),
        message: format!("unsupported host `{host}` (expected unix://, tcp://, https:// or ssh://)"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_in(dir: &Path) -> ConnectEnv {
        ConnectEnv { config_dir: Some(dir.to_path_buf()), ..Default::default() }
    }

    fn write_context(dir: &Path, name: &str, host: &str, skip: bool, with_tls: bool) {
        let id = context_dir_name(name);
        let meta = dir.join("contexts/meta").join(&id);
        std::fs::create_dir_all(&meta).unwrap();
        let json = serde_json::json!({"Name": name, "Metadata": {}, "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": skip}}});
        std::fs::write(meta.join("meta.json"), json.to_string()).unwrap();
        if with_tls {
            let tls = dir.join("contexts/tls").join(&id).join("docker");
            std::fs::create_dir_all(&tls).unwrap();
            for f in ["ca.pem", "cert.pem", "key.pem"] {
                std::fs::write(tls.join(f), "x").unwrap();
            }
        }
    }

    #[test]
    fn context_directory_is_the_sha256_of_the_name() {
        // sha256("default"), as the Docker CLI computes it.
        assert_eq!(context_dir_name("default"), "37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f");
    }

    #[test]
    fn explicit_hosts_and_contexts_win_over_the_environment() {
        let tmp = tempfile::tempdir().unwrap();
        write_context(tmp.path(), "prod", "tcp://10.0.0.5:2376", false, true);
        let env = ConnectEnv { docker_host: Some("unix:///run/other.sock".into()), ..env_in(tmp.path()) };
        let got = resolve_endpoints(&["/tmp/x.sock".into()], &["prod".into()], &env).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].host, "unix:///tmp/x.sock");
        assert_eq!(got[1].label, "prod");
        assert_eq!(got[1].host, "tcp://10.0.0.5:2376");
        let tls = got[1].tls.as_ref().unwrap();
        assert!(tls.ca.ends_with(format!("contexts/tls/{}/docker/ca.pem", context_dir_name("prod"))));
    }

    #[test]
    fn order_is_docker_host_then_docker_context_then_current_context_then_default() {
        let tmp = tempfile::tempdir().unwrap();
        write_context(tmp.path(), "staging", "ssh://ops@staging", false, false);
        write_context(tmp.path(), "lab", "tcp://lab:2375", false, false);
        std::fs::write(tmp.path().join("config.json"), r#"{"currentContext": "lab"}"#).unwrap();
        let base = env_in(tmp.path());
        let e = ConnectEnv {
            docker_host: Some("tcp://h:2375".into()),
            docker_context: Some("staging".into()),
            ..base.clone()
        };
        assert_eq!(resolve_endpoints(&[], &[], &e).unwrap()[0].host, "tcp://h:2375");
        let e = ConnectEnv { docker_context: Some("staging".into()), ..base.clone() };
        assert_eq!(resolve_endpoints(&[], &[], &e).unwrap()[0].host, "ssh://ops@staging");
        assert_eq!(resolve_endpoints(&[], &[], &base).unwrap()[0].host, "tcp://lab:2375");
        std::fs::write(tmp.path().join("config.json"), r#"{"auths": {}}"#).unwrap();
        assert_eq!(resolve_endpoints(&[], &[], &base).unwrap()[0].host, format!("unix://{DEFAULT_SOCKET}"));
    }

    #[test]
    fn tls_verify_takes_certificates_from_cert_path() {
        let env = ConnectEnv { tls_verify: true, cert_path: Some("/certs".into()), ..Default::default() };
        let e = &resolve_endpoints(&["tcp://h:2376".into()], &[], &env).unwrap()[0];
        assert_eq!(e.tls, Some(TlsFiles::in_dir(Path::new("/certs"))));
        // Unix sockets never use TLS.
        assert_eq!(resolve_endpoints(&["unix:///s".into()], &[], &env).unwrap()[0].tls, None);
    }

    #[test]
    fn rootless_socket_is_used_when_the_system_socket_is_missing() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("docker.sock"), "").unwrap();
        let env = ConnectEnv { xdg_runtime_dir: Some(tmp.path().to_path_buf()), ..Default::default() };
        let host = &resolve_endpoints(&[], &[], &env).unwrap()[0].host;
        if Path::new(DEFAULT_SOCKET).exists() {
            assert_eq!(host, &format!("unix://{DEFAULT_SOCKET}"));
        } else {
            assert_eq!(host, &format!("unix://{}", tmp.path().join("docker.sock").display()));
        }
    }

    #[test]
    fn connection_errors_are_clear() {
        let tmp = tempfile::tempdir().unwrap();
        let err = |e: Endpoint| connect(&e, 1).unwrap_err().to_string();
        let ep = |host: &str| Endpoint { label: host.into(), host: host.into(), tls: None, skip_tls_verify: false };
        let missing = format!("unix://{}/nope.sock", tmp.path().display());
        assert!(err(ep(&missing)).contains("no Docker socket at"), "{}", err(ep(&missing)));
        assert!(err(ep("ftp://x")).contains("unsupported host"));
        assert!(err(Endpoint { skip_tls_verify: true, ..ep("tcp://x:1") }).contains("SkipTLSVerify"));
        let tls = TlsFiles::in_dir(tmp.path());
        assert!(err(Endpoint { tls: Some(tls), ..ep("tcp://x:2376") }).contains("ca.pem does not exist"));
        assert!(err(ep("ssh://u@h/x")).contains("extra path after the host"));
        assert!(err(ep("ssh://u@h:99999")).contains("bad port"));
        write_context(tmp.path(), "bad", "tcp://x", false, false);
        let env = env_in(tmp.path());
        let missing = resolve_endpoints(&[], &["missing".into()], &env).unwrap_err().to_string();
        assert!(missing.contains("no Docker context `missing`"), "{missing}");
        // issue 13 #27: the CLI's storage path (a SHA-256 of the name) is never shown.
        assert!(!missing.contains(&context_dir_name("missing")), "{missing}");
        let id = context_dir_name("broken");
        std::fs::create_dir_all(tmp.path().join("contexts/meta").join(&id)).unwrap();
        std::fs::write(tmp.path().join("contexts/meta").join(&id).join("meta.json"), "{bad").unwrap();
        let broken = resolve_endpoints(&[], &["broken".into()], &env).unwrap_err().to_string();
        assert!(broken.contains("Docker context `broken`") && broken.contains("is damaged"), "{broken}");
        assert!(!broken.contains(&id), "{broken}");
    }
}
