//! Downloads one file over HTTP or HTTPS to disk, for `dockward db update`.
//!
//! [`fetch_to_file`] is blocking: it runs its own single-threaded tokio runtime for
//! the one download, so callers stay synchronous. The client is hyper 1 through
//! hyper-util's client with rustls (ring) trusting the system's root certificates
//! (`SSL_CERT_FILE` and `SSL_CERT_DIR` are honoured), the stack bollard already
//! brings into the workspace.
//!
//! What one call does:
//!
//! * a `GET` with `If-None-Match` / `If-Modified-Since` when the caller has a stored
//!   ETag or `Last-Modified`; `304 Not Modified` is [`FetchOutcome::NotModified`];
//! * redirects (301, 302, 303, 307, 308) followed up to [`FetchOptions::max_redirects`],
//!   never from `https` to `http`;
//! * an idle timeout (no response or no body bytes for that long is an error) and a
//!   total timeout;
//! * a size cap, checked against `Content-Length` up front and against the bytes
//!   received while streaming;
//! * the body streamed to the destination file with its SHA-256 computed on the way;
//!   fewer bytes than `Content-Length` is an error;
//! * one retry, from the start, when the connection is reset; no other retries.
//!
//! Errors say what happened in the user's terms ([`FetchError`]); hyper's own error
//! types never leave this crate.

use std::error::Error as StdError;
use std::fmt;
use std::fs::File;
use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::header::{
    HeaderMap, HeaderValue, ACCEPT_ENCODING, CONTENT_LENGTH, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    LOCATION, USER_AGENT,
};
use hyper::{Request, StatusCode, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

/// No response, or no body bytes, for this long is an error.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// A whole download (redirects included) may take this long.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(60 * 60);
/// The largest file downloaded: 2 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 2 << 30;
/// Redirects followed before giving up.
pub const DEFAULT_MAX_REDIRECTS: usize = 5;

/// How one download behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOptions {
    /// The ETag of the copy the caller has, sent as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` value of the copy the caller has, sent back verbatim as
    /// `If-Modified-Since`.
    pub last_modified: Option<String>,
    pub idle_timeout: Duration,
    pub total_timeout: Duration,
    pub max_bytes: u64,
    pub max_redirects: usize,
    pub user_agent: String,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            etag: None,
            last_modified: None,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
            max_bytes: DEFAULT_MAX_BYTES,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            user_agent: concat!("dockward/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

/// What a download did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    /// The server said the caller's copy is current (`304`); nothing was written.
    NotModified,
    /// The file was written to the destination.
    Downloaded(Download),
}

/// A completed download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// Bytes written.
    pub bytes: u64,
    /// Hex SHA-256 of the bytes written.
    pub sha256: String,
    /// The response's `ETag`, for the next conditional request.
    pub etag: Option<String>,
    /// The response's `Last-Modified`, for the next conditional request.
    pub last_modified: Option<String>,
    /// The URL the file came from, after redirects.
    pub url: String,
}

/// Why a download failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("`{url}` is not a URL to download from: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("cannot connect to {host}: {reason}")]
    Connect { host: String, reason: String },
    #[error("no answer from {url}: {reason}")]
    NoAnswer { url: String, reason: String },
    /// `status` is the code and reason phrase, e.g. `404 Not Found`.
    #[error("the server answered {status} for {url}")]
    Status { url: String, status: String },
    #[error("more than {max} redirects, starting at {url}")]
    TooManyRedirects { url: String, max: usize },
    #[error("{from} redirects to {to}: a redirect from https to http is refused")]
    InsecureRedirect { from: String, to: String },
    #[error("the redirect from {url} is unusable: {reason}")]
    BadRedirect { url: String, reason: String },
    #[error("no data for {} from {url}", Secs(*timeout))]
    Idle { url: String, timeout: Duration },
    #[error("the download of {url} took longer than {}", Secs(*timeout))]
    TotalTimeout { url: String, timeout: Duration },
    /// Fewer bytes arrived than `Content-Length` announced.
    #[error("the transfer stopped after {received} bytes of {expected} from {url}")]
    Truncated { url: String, received: u64, expected: u64 },
    #[error("the transfer from {url} stopped after {received} bytes: {reason}")]
    Interrupted { url: String, received: u64, reason: String },
    #[error("the connection was reset after {received} bytes from {url} (tried twice)")]
    Reset { url: String, received: u64 },
    #[error("{url} is larger than the download limit of {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("no trusted root certificates found on this system for {url} (set SSL_CERT_FILE or SSL_CERT_DIR)")]
    NoRootCertificates { url: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the download: {0}")]
    Runtime(std::io::Error),
    #[error("cannot set up TLS: the TLS library refused its default settings")]
    Tls,
}

/// A duration for messages: `30 s`, `1.5 s`.
struct Secs(Duration);

impl fmt::Display for Secs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_millis();
        if ms.is_multiple_of(1000) {
            write!(f, "{} s", ms / 1000)
        } else {
            let text = format!("{:.3}", self.0.as_secs_f64());
            write!(f, "{} s", text.trim_end_matches('0'))
        }
    }
}

/// Percent-encodes one URL path segment: everything but `A-Z a-z 0-9 - . _ ~`
/// (`Debian:12` is `Debian%3A12`, `GitHub Actions` is `GitHub%20Actions`).
pub fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Downloads `url` into `dest_tmp` (created or truncated). On
/// [`FetchOutcome::NotModified`] and on any error, `dest_tmp` is removed; the caller
/// renames it into place after checking it.
pub fn fetch_to_file(url: &str, dest_tmp: &Path, opts: &FetchOptions) -> Result<FetchOutcome, FetchError> {
    let uri = parse_url(url)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(FetchError::Runtime)?;
    let result = runtime.block_on(fetch(uri, dest_tmp, opts));
    // A name lookup still running on a blocking thread (after a timeout) is not waited for.
    runtime.shutdown_background();
    if !matches!(result, Ok(FetchOutcome::Downloaded(_))) {
        let _ = std::fs::remove_file(dest_tmp);
    }
    result
}

fn parse_url(url: &str) -> Result<Uri, FetchError> {
    let bad = |reason: &str| FetchError::BadUrl { url: url.to_string(), reason: reason.to_string() };
    let uri: Uri = url.parse().map_err(|_| bad("not a valid URL"))?;
    match uri.scheme_str() {
        Some("http") | Some("https") => {}
        Some(_) => return Err(bad("only http:// and https:// URLs are supported")),
        None => return Err(bad("give a full URL starting with http:// or https://")),
    }
    if uri.authority().is_none() {
        return Err(bad("no host"));
    }
    Ok(uri)
}

type HttpsClient = Client<HttpsConnector<HttpConnector>, Empty<Bytes>>;

/// The TLS configuration (shared by every download of the process) and how many
/// trusted roots it holds; `None` if rustls refused its own defaults (not expected).
fn tls_config() -> Option<&'static (Arc<rustls::ClientConfig>, usize)> {
    static CONFIG: OnceLock<Option<(Arc<rustls::ClientConfig>, usize)>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let mut roots = rustls::RootCertStore::empty();
            let (added, _ignored) = roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .ok()?
                .with_root_certificates(roots)
                .with_no_client_auth();
            Some((Arc::new(config), added))
        })
        .as_ref()
}

fn client(opts: &FetchOptions) -> Result<HttpsClient, FetchError> {
    let (config, _) = tls_config().ok_or(FetchError::Tls)?;
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(opts.idle_timeout));
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config((**config).clone())
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    // One request at a time and a fresh connection for each: nothing to reuse.
    Ok(Client::builder(TokioExecutor::new()).pool_max_idle_per_host(0).build(https))
}

/// The deadlines of one download.
struct Clock {
    deadline: Instant,
    idle: Duration,
    total: Duration,
}

impl Clock {
    /// Waits for `fut` at most the idle timeout, and never past the deadline.
    async fn wait<F: Future>(&self, url: &Uri, fut: F) -> Result<F::Output, FetchError> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(self.idle.min(left), fut).await {
            Ok(v) => Ok(v),
            Err(_) if left <= self.idle => Err(FetchError::TotalTimeout { url: url.to_string(), timeout: self.total }),
            Err(_) => Err(FetchError::Idle { url: url.to_string(), timeout: self.idle }),
        }
    }
}

async fn fetch(uri: Uri, dest: &Path, opts: &FetchOptions) -> Result<FetchOutcome, FetchError> {
    let clock =
        Clock { deadline: Instant::now() + opts.total_timeout, idle: opts.idle_timeout, total: opts.total_timeout };
    let client = client(opts)?;
    match attempt(&client, &uri, dest, opts, &clock).await {
        Err(FetchError::Reset { .. }) => attempt(&client, &uri, dest, opts, &clock).await,
        other => other,
    }
}

fn is_reset(e: &(dyn StdError + 'static)) -> bool {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if matches!(io.kind(), std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted) {
                return true;
            }
        }
        cur = err.source();
    }
    false
}

/// The innermost cause of an error, as a sentence fragment without OS error codes
/// (`connection refused`).
fn root_cause(e: &(dyn StdError + 'static)) -> String {
    let mut last = e;
    while let Some(next) = last.source() {
        last = next;
    }
    let text = last.to_string();
    // rustls names its reasons by type (`invalid peer certificate: UnknownIssuer`).
    if text.contains("invalid peer certificate") {
        return if text.contains("NotValidForName") {
            "TLS: the server's certificate does not name this host".into()
        } else if text.contains("Expired") {
            "TLS: the server's certificate has expired".into()
        } else {
            "TLS: the server's certificate is not signed by a trusted authority".into()
        };
    }
    let text = match text.find(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if !chars.as_str().starts_with(|c: char| c.is_uppercase()) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => text,
    }
}

fn header_text(headers: &HeaderMap, name: hyper::header::HeaderName) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

fn request(uri: &Uri, opts: &FetchOptions) -> Result<Request<Empty<Bytes>>, FetchError> {
    let mut req = Request::get(uri.clone())
        .body(Empty::new())
        .map_err(|e| FetchError::BadUrl { url: uri.to_string(), reason: e.to_string() })?;
    let headers = req.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&opts.user_agent) {
        headers.insert(USER_AGENT, v);
    }
    headers.insert(ACCEPT_ENCODING, HeaderValue::from_static("identity"));
    // A stored value that is not a valid header value is simply not sent.
    if let Some(v) = opts.etag.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
        headers.insert(IF_NONE_MATCH, v);
    }
    if let Some(v) = opts.last_modified.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
        headers.insert(IF_MODIFIED_SINCE, v);
    }
    Ok(req)
}

fn host_of(uri: &Uri) -> String {
    uri.authority().map(|a| a.to_string()).unwrap_or_else(|| uri.to_string())
}

async fn attempt(
    client: &HttpsClient,
    uri: &Uri,
    dest: &Path,
    opts: &FetchOptions,
    clock: &Clock,
) -> Result<FetchOutcome, FetchError> {
    let mut current = uri.clone();
    let mut redirects = 0;
    let response = loop {
        if current.scheme_str() == Some("https") && tls_config().is_none_or(|c| c.1 == 0) {
            return Err(FetchError::NoRootCertificates { url: current.to_string() });
        }
        let response = clock.wait(&current, client.request(request(&current, opts)?)).await?.map_err(|e| {
            if is_reset(&e) {
                FetchError::Reset { url: current.to_string(), received: 0 }
            } else if e.is_connect() {
                FetchError::Connect { host: host_of(&current), reason: root_cause(&e) }
            } else {
                FetchError::NoAnswer { url: current.to_string(), reason: root_cause(&e) }
            }
        })?;
        let status = response.status();
        if matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
            if redirects >= opts.max_redirects {
                return Err(FetchError::TooManyRedirects { url: uri.to_string(), max: opts.max_redirects });
            }
            redirects += 1;
            let location = response.headers().get(LOCATION).ok_or_else(|| FetchError::BadRedirect {
                url: current.to_string(),
                reason: format!("the server answered {} without a Location", status_text(status)),
            })?;
            let location = location.to_str().map_err(|_| FetchError::BadRedirect {
                url: current.to_string(),
                reason: "the Location is not text".into(),
            })?;
            current = resolve_redirect(&current, location)?;
            continue;
        }
        break response;
    };
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED && (opts.etag.is_some() || opts.last_modified.is_some()) {
        return Ok(FetchOutcome::NotModified);
    }
    if !matches!(status, StatusCode::OK | StatusCode::NON_AUTHORITATIVE_INFORMATION) {
        return Err(FetchError::Status { url: current.to_string(), status: status_text(status) });
    }
    let url = current.to_string();
    let expected = header_text(response.headers(), CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok());
    if expected.is_some_and(|n| n > opts.max_bytes) {
        return Err(FetchError::TooLarge { url, limit: opts.max_bytes });
    }
    let etag = header_text(response.headers(), ETAG);
    let last_modified = header_text(response.headers(), LAST_MODIFIED);
    let io_err = |source| FetchError::Io { path: dest.to_path_buf(), source };
    let mut file = File::create(dest).map_err(io_err)?;
    let mut hasher = Sha256::new();
    let mut received: u64 = 0;
    let mut body = response.into_body();
    loop {
        let frame = match clock.wait(&current, body.frame()).await? {
            None => break,
            Some(Ok(frame)) => frame,
            Some(Err(e)) => {
                return Err(if is_reset(&e) {
                    FetchError::Reset { url, received }
                } else if let Some(expected) = expected.filter(|&n| received < n) {
                    FetchError::Truncated { url, received, expected }
                } else {
                    FetchError::Interrupted { url, received, reason: root_cause(&e) }
                })
            }
        };
        let Ok(data) = frame.into_data() else { continue };
        received += data.len() as u64;
        if received > opts.max_bytes {
            return Err(FetchError::TooLarge { url, limit: opts.max_bytes });
        }
        hasher.update(&data);
        file.write_all(&data).map_err(io_err)?;
    }
    if let Some(expected) = expected.filter(|&n| n != received) {
        return Err(FetchError::Truncated { url, received, expected });
    }
    file.flush().map_err(io_err)?;
    file.sync_all().map_err(io_err)?;
    let sha256 = hasher.finalize().iter().fold(String::with_capacity(64), |mut s, b| {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02x}");
        s
    });
    Ok(FetchOutcome::Downloaded(Download { bytes: received, sha256, etag, last_modified, url }))
}

/// The target of a redirect from `base` to `location` (absolute, scheme-relative,
/// absolute-path or relative-path). A redirect from https to http is refused.
pub fn resolve_redirect(base: &Uri, location: &str) -> Result<Uri, FetchError> {
    let location = location.trim();
    let bad = |reason: String| FetchError::BadRedirect { url: base.to_string(), reason };
    let scheme = base.scheme_str().unwrap_or("http");
    let authority = base.authority().map(|a| a.as_str()).unwrap_or("");
    let target = if location.contains("://") {
        location.to_string()
    } else if let Some(rest) = location.strip_prefix("//") {
        format!("{scheme}://{rest}")
    } else if location.starts_with('/') {
        format!("{scheme}://{authority}{location}")
    } else if location.is_empty() {
        return Err(bad("the Location is empty".into()));
    } else {
        let path = base.path();
        let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
        let dir = if dir.is_empty() { "/" } else { dir };
        format!("{scheme}://{authority}{dir}{location}")
    };
    let uri: Uri = target.parse().map_err(|_| bad(format!("`{location}` is not a valid URL")))?;
    match uri.scheme_str() {
        Some("http") if scheme == "https" => {
            Err(FetchError::InsecureRedirect { from: base.to_string(), to: uri.to_string() })
        }
        Some("http") | Some("https") if uri.authority().is_some() => Ok(uri),
        _ => Err(bad(format!("`{location}` is not an http or https URL"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        s.parse().unwrap()
    }

    // issue 13 #27: the cause in plain words, without the TLS library's type names.
    #[test]
    fn root_causes_are_plain() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused (os error 111)");
        assert_eq!(root_cause(&io), "connection refused");
        let tls = std::io::Error::other("invalid peer certificate: UnknownIssuer");
        assert_eq!(root_cause(&tls), "TLS: the server's certificate is not signed by a trusted authority");
        let name = std::io::Error::other("invalid peer certificate: NotValidForName");
        assert_eq!(root_cause(&name), "TLS: the server's certificate does not name this host");
    }

    #[test]
    fn redirect_targets() {
        let base = uri("https://mirror.example/osv/Debian%3A12/all.zip");
        let to = |l: &str| resolve_redirect(&base, l).map(|u| u.to_string());
        assert_eq!(to("https://cdn.example/x.zip").unwrap(), "https://cdn.example/x.zip");
        assert_eq!(to("//cdn.example/x.zip").unwrap(), "https://cdn.example/x.zip");
        assert_eq!(to("/other/all.zip").unwrap(), "https://mirror.example/other/all.zip");
        assert_eq!(to("v2.zip?x=1").unwrap(), "https://mirror.example/osv/Debian%3A12/v2.zip?x=1");
        let insecure = to("http://mirror.example/all.zip").unwrap_err();
        assert!(matches!(
            resolve_redirect(&base, "http://mirror.example/all.zip"),
            Err(FetchError::InsecureRedirect { .. })
        ));
        assert_eq!(
            insecure.to_string(),
            "https://mirror.example/osv/Debian%3A12/all.zip redirects to http://mirror.example/all.zip: a redirect from https to http is refused"
        );
        assert!(to("ftp://x.example/a").is_err());
        assert!(to("").is_err());
        // http -> https is fine.
        let plain = uri("http://mirror.example/a/b");
        assert_eq!(
            resolve_redirect(&plain, "https://mirror.example/b").unwrap().to_string(),
            "https://mirror.example/b"
        );
    }

    #[test]
    fn urls_and_segments() {
        assert_eq!(encode_path_segment("Debian:12"), "Debian%3A12");
        assert_eq!(encode_path_segment("GitHub Actions"), "GitHub%20Actions");
        assert_eq!(encode_path_segment("crates.io"), "crates.io");
        assert!(parse_url("ftp://x/y").is_err());
        assert!(parse_url("/just/a/path").is_err());
        assert!(parse_url("https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip").is_ok());
    }

    #[test]
    fn durations_in_messages() {
        assert_eq!(Secs(Duration::from_secs(30)).to_string(), "30 s");
        assert_eq!(Secs(Duration::from_millis(1500)).to_string(), "1.5 s");
        assert_eq!(Secs(Duration::from_millis(250)).to_string(), "0.25 s");
    }

    #[test]
    fn causes_lose_os_codes() {
        let e = std::io::Error::from_raw_os_error(111);
        let text = root_cause(&e);
        assert!(!text.contains("os error"), "{text}");
        assert!(text.starts_with(char::is_lowercase), "{text}");
    }
}
