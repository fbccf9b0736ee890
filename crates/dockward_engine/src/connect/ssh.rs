//! `ssh://[user@]host[:port]` engines, the Docker CLI's way: every connection is one
//! `ssh -o BatchMode=yes -o ConnectTimeout=<timeout> -T [-l user] [-p port] -- host docker
//! system dial-stdio`, and HTTP runs over its stdin and stdout. The system `ssh` does the
//! rest, so the user's `~/.ssh/config`, agent and `known_hosts` apply exactly as they do
//! for `docker -H ssh://...`. BatchMode makes ssh fail instead of prompting; its stderr
//! becomes a one-line message.
//!
//! bollard's own `ssh` feature is not used: it forces `StrictHostKeyChecking=accept-new`
//! over the user's configuration and starts a control master per connection.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bollard::{BollardRequest, Docker, API_DEFAULT_VERSION};
use hyper::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

/// ssh processes (connections) per engine at most. sshd drops new unauthenticated
/// connections at random beyond `MaxStartups` (10 by default), and each one costs a key
/// exchange, so requests beyond this wait for a free connection.
const MAX_CONNECTIONS: usize = 6;

/// A further connection is only started while more requests have been waiting this long
/// than there are connections, i.e. while one of them waits for a connection: an ssh
/// start costs a key exchange and a remote `docker` process, far more than a request on
/// a nearby host, so such an audit runs over one connection; a distant host (each request
/// a round trip) grows to [`MAX_CONNECTIONS`].
const GROW_AFTER: Duration = Duration::from_millis(100);

/// How long a failed request waits for the ssh process to exit and explain why.
const EXPLAIN_WAIT: Duration = Duration::from_secs(3);

/// Where `ssh://[user@]host[:port]` points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshTarget {
    pub user: Option<String>,
    /// Without the brackets of an IPv6 literal.
    pub host: String,
    pub port: Option<u16>,
}

impl SshTarget {
    /// Parses `ssh://[user@]host[:port]` as the Docker CLI does: no password, path, query
    /// or fragment; an IPv6 address in brackets.
    pub fn parse(url: &str) -> Result<Self, String> {
        let rest = url.strip_prefix("ssh://").ok_or_else(|| format!("`{url}` is not an ssh:// URL"))?;
        if rest.contains('?') {
            return Err("ssh:// URLs take no query".into());
        }
        if rest.contains('#') {
            return Err("ssh:// URLs take no fragment".into());
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if !path.is_empty() {
            return Err(format!("extra path after the host: `{path}` (expected ssh://[user@]host[:port])"));
        }
        let (user, host_port) = match authority.rfind('@') {
            Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
            None => (None, authority),
        };
        if let Some(u) = user {
            if u.contains(':') {
                return Err("plain-text passwords are not supported in ssh:// URLs (use a key)".into());
            }
            if u.is_empty()
                || u.starts_with('-')
                || u.chars().any(|c| c.is_whitespace() || c.is_control() || is_shell_meta(c))
            {
                return Err(format!("bad user `{u}` in ssh:// URL"));
            }
        }
        let (host, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
            let end = bracketed.find(']').ok_or("unclosed `[` in ssh:// URL")?;
            let after = &bracketed[end + 1..];
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':').ok_or_else(|| format!("unexpected `{p}` after `]`"))?),
            };
            (&bracketed[..end], port)
        } else {
            match host_port.split_once(':') {
                Some((h, p)) if !p.contains(':') => (h, Some(p)),
                Some(_) => return Err("an IPv6 address needs brackets: ssh://[::1]:22".into()),
                None => (host_port, None),
            }
        };
        if host.is_empty() {
            return Err("no host in ssh:// URL".into());
        }
        if host.starts_with('-')
            || host.chars().any(|c| c.is_whitespace() || c.is_control() || c == '@' || is_shell_meta(c))
        {
            return Err(format!("bad host `{host}` in ssh:// URL"));
        }
        let port = match port {
            None => None,
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 => Some(n),
                _ => return Err(format!("bad port `{p}` in ssh:// URL (1-65535)")),
            },
        };
        Ok(Self { user: user.map(String::from), host: host.to_string(), port })
    }

    /// The arguments of `ssh` that open the Docker API on the remote host.
    pub fn ssh_args(&self, connect_timeout_secs: u64) -> Vec<String> {
        let mut args: Vec<String> = vec![
            "-o".into(),
            "BatchMode=yes".into(),
            "-o".into(),
            format!("ConnectTimeout={}", connect_timeout_secs.max(1)),
            "-T".into(),
        ];
        if let Some(u) = &self.user {
            args.extend(["-l".into(), u.clone()]);
        }
        if let Some(p) = self.port {
            args.extend(["-p".into(), p.to_string()]);
        }
        args.extend(["--", &self.host, "docker", "system", "dial-stdio"].map(String::from));
        args
    }
}

/// What a shell would interpret: ssh hands the host and user to the user's own
/// `ProxyCommand` / `Match exec` through `sh -c` (`%h`, `%r`), and only OpenSSH 9.6 and
/// newer refuse them itself (the same set).
fn is_shell_meta(c: char) -> bool {
    "'`\"$\\;&<>|(){}".contains(c)
}

impl SshTarget {
    /// `ssh [-p port] [user@]host`: what a person runs to try the connection.
    pub fn command_line(&self) -> String {
        let port = self.port.map(|p| format!("-p {p} ")).unwrap_or_default();
        let user = self.user.as_ref().map(|u| format!("{u}@")).unwrap_or_default();
        format!("ssh {port}{user}{}", self.host)
    }
}

impl std::fmt::Display for SshTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(u) = &self.user {
            write!(f, "{u}@")?;
        }
        match self.port {
            Some(p) if self.host.contains(':') => write!(f, "[{}]:{p}", self.host),
            Some(p) => write!(f, "{}:{p}", self.host),
            None => write!(f, "{}", self.host),
        }
    }
}

/// Turns what a failed `ssh ... docker system dial-stdio` wrote on stderr into one line.
pub fn explain_failure(target: &SshTarget, exit_code: Option<i32>, stderr: &[String]) -> String {
    let lines: Vec<&str> = stderr
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !l.starts_with("Warning: Permanently added") && !l.starts_with("@@@"))
        .collect();
    let find = |needles: &[&str]| {
        lines.iter().rev().find(|l| {
            let l = l.to_ascii_lowercase();
            needles.iter().any(|n| l.contains(n))
        })
    };
    let dest = target.to_string();
    if find(&["remote host identification has changed", "host key verification failed"]).is_some() {
        let why = if find(&["remote host identification has changed"]).is_some() {
            let known = match target.port {
                Some(p) if p != 22 => format!("[{}]:{p}", target.host),
                _ => target.host.clone(),
            };
            format!(
                "its key differs from the one in known_hosts; if the change is expected, remove the old key with `ssh-keygen -R '{known}'`"
            )
        } else {
            format!(
                "its key is not in known_hosts and BatchMode cannot ask: check it and record it by running `{}` once",
                target.command_line()
            )
        };
        return format!("ssh: host key verification failed for {dest} ({why})");
    }
    if let Some(l) = find(&["permission denied (", "too many authentication failures", "no supported authentication"]) {
        // ssh says `Permission denied (publickey,password).`: name the methods, not the
        // phrase, which reads like a socket permission problem.
        let why = match l.rsplit_once('(') {
            Some((_, methods)) if l.to_ascii_lowercase().contains("permission denied") => {
                format!("no key worked; the server allows {}", methods.trim_end_matches(['.', ')']))
            }
            _ => l.trim_end_matches('.').to_string(),
        };
        return format!(
            "ssh: authentication failed for {dest} ({why}); dockward runs ssh with BatchMode=yes, so it cannot ask for a password or passphrase: load the key into ssh-agent or name it with IdentityFile in ~/.ssh/config"
        );
    }
    if let Some(l) = find(&["connection refused"]) {
        return format!("ssh: connection refused by {dest} (`{l}`): is sshd listening there?");
    }
    if let Some(l) = find(&[
        "could not resolve hostname",
        "connection timed out",
        "operation timed out",
        "no route to host",
        "network is unreachable",
        "connection closed by",
        "connection reset by",
    ]) {
        return format!("ssh: cannot reach {dest}: {l}");
    }
    if exit_code == Some(127) || find(&["command not found", "docker: not found"]).is_some() {
        let detail = lines.last().map(|l| format!(" (`{l}`)")).unwrap_or_default();
        return format!(
            "`docker` not found on {dest}{detail}: dockward runs `docker system dial-stdio` there, which needs the Docker CLI in the PATH of non-interactive ssh sessions"
        );
    }
    if let Some(l) = find(&["dial-stdio"]) {
        return format!("the Docker CLI on {dest} has no `docker system dial-stdio` (Docker 18.09 or newer): `{l}`");
    }
    if let Some(l) = find(&["cannot connect to the docker daemon", "while trying to connect to the docker"]) {
        return format!("the Docker CLI on {dest} cannot reach its daemon: {l}");
    }
    let status = exit_code.map_or("was killed".to_string(), |c| format!("exited with status {c}"));
    match lines.last() {
        Some(l) => format!("ssh to {dest} {status}: {l}"),
        None => format!("ssh to {dest} {status} without a message"),
    }
}

/// What the connections of one engine share.
struct Shared {
    target: SshTarget,
    args: Vec<String>,
    timeout: Duration,
    slots: Arc<Semaphore>,
    /// A response came back once: ssh works, a later stall is the daemon's.
    answered: AtomicBool,
    /// When each request in flight started, by request number.
    in_flight: Mutex<HashMap<u64, Instant>>,
    next_request: AtomicU64,
    /// The last stderr line of any ssh process, for a stall's message.
    last_stderr: Mutex<Option<String>>,
    /// The explanation of the last ssh process that failed.
    failure: watch::Sender<Option<String>>,
}

impl Shared {
    /// More requests have waited [`GROW_AFTER`] than there are connections (open or
    /// starting), so one of them waits for a connection.
    fn starved(&self) -> bool {
        let open = MAX_CONNECTIONS - self.slots.available_permits();
        let Ok(in_flight) = self.in_flight.lock() else { return true };
        in_flight.values().filter(|started| started.elapsed() >= GROW_AFTER).count() > open
    }

    fn timed_out(&self) -> io::Error {
        if self.answered.load(Ordering::Relaxed) {
            return io::Error::new(io::ErrorKind::TimedOut, "the daemon did not answer in time (see --timeout)");
        }
        let last = self.last_stderr.lock().ok().and_then(|l| l.clone()).map(|l| format!(" (ssh: `{l}`)"));
        io::Error::new(
            io::ErrorKind::TimedOut,
            format!(
                "ssh to {} did not connect within {}s{} (see --timeout)",
                self.target,
                self.timeout.as_secs(),
                last.unwrap_or_default()
            ),
        )
    }

    /// The ssh process's explanation when it failed, else the error chain.
    async fn explain(&self, err: hyper_util::client::legacy::Error) -> io::Error {
        let mut chain = err.to_string();
        let mut src = std::error::Error::source(&err);
        while let Some(cause) = src {
            // The connector's own errors (ssh cannot be started) say it all.
            if let Some(io) = cause.downcast_ref::<io::Error>() {
                if io.kind() == io::ErrorKind::NotFound || io.to_string().starts_with("cannot run") {
                    return io::Error::new(io.kind(), io.to_string());
                }
            }
            chain.push_str(": ");
            chain.push_str(&cause.to_string());
            src = cause.source();
        }
        let mut rx = self.failure.subscribe();
        let failure = match tokio::time::timeout(EXPLAIN_WAIT, rx.wait_for(Option::is_some)).await {
            Ok(Ok(failure)) => failure.clone(),
            _ => None,
        };
        io::Error::other(failure.unwrap_or_else(|| format!("ssh to {}: {chain}", self.target)))
    }
}

/// A client for the engine behind `url` (`ssh://[user@]host[:port]`). Nothing runs yet:
/// ssh starts with the first request. Each request is bounded by `timeout_secs`.
pub fn connect(url: &str, timeout_secs: u64) -> Result<Docker, String> {
    let target = SshTarget::parse(url)?;
    let args = target.ssh_args(timeout_secs);
    let (failure, _) = watch::channel(None);
    let shared = Arc::new(Shared {
        target,
        args,
        timeout: Duration::from_secs(timeout_secs.max(1)),
        slots: Arc::new(Semaphore::new(MAX_CONNECTIONS)),
        answered: AtomicBool::new(false),
        in_flight: Mutex::new(HashMap::new()),
        next_request: AtomicU64::new(0),
        last_stderr: Mutex::new(None),
        failure,
    });
    let client: Arc<Client<SshConnector, BollardBody>> =
        Arc::new(Client::builder(TokioExecutor::new()).build(SshConnector { shared: shared.clone() }));
    let transport = move |req: BollardRequest| {
        let client = client.clone();
        let shared = shared.clone();
        async move {
            let _in_flight = InFlight::start(&shared);
            match tokio::time::timeout(shared.timeout, client.request(req)).await {
                Ok(Ok(response)) => {
                    shared.answered.store(true, Ordering::Relaxed);
                    Ok(response)
                }
                Ok(Err(e)) => Err(bollard::errors::Error::from(shared.explain(e).await)),
                Err(_) => Err(bollard::errors::Error::from(shared.timed_out())),
            }
        }
    };
    // The transport enforces the timeout with its own message; bollard's is a backstop
    // beyond it and the wait for ssh's explanation.
    let backstop = timeout_secs.max(1) + EXPLAIN_WAIT.as_secs() + 2;
    Docker::connect_with_custom_transport(transport, Some("http://docker"), backstop, API_DEFAULT_VERSION)
        .map_err(|e| e.to_string())
}

/// The body type of bollard's requests (its alias is private).
trait RequestBody {
    type Body;
}
impl<B> RequestBody for hyper::Request<B> {
    type Body = B;
}
type BollardBody = <BollardRequest as RequestBody>::Body;

/// A request in flight, from its start until it is answered, fails or is dropped.
struct InFlight<'a> {
    shared: &'a Shared,
    id: u64,
}

impl<'a> InFlight<'a> {
    fn start(shared: &'a Shared) -> Self {
        let id = shared.next_request.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut in_flight) = shared.in_flight.lock() {
            in_flight.insert(id, Instant::now());
        }
        Self { shared, id }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if let Ok(mut in_flight) = self.shared.in_flight.lock() {
            in_flight.remove(&self.id);
        }
    }
}

/// Opens a connection: starts ssh once a connection slot is free.
#[derive(Clone)]
struct SshConnector {
    shared: Arc<Shared>,
}

impl tower_service::Service<Uri> for SshConnector {
    type Response = SshStream;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<SshStream, io::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Uri) -> Self::Future {
        let shared = self.shared.clone();
        Box::pin(async move {
            // hyper finishes a connect it no longer needs in the background and pools
            // the connection, so waiting here for real need is what keeps unneeded ssh
            // processes away (one that is never needed waits until the audit ends).
            if shared.slots.available_permits() < MAX_CONNECTIONS {
                loop {
                    tokio::time::sleep(GROW_AFTER / 2).await;
                    if shared.starved() {
                        break;
                    }
                }
            }
            let permit = shared.slots.clone().acquire_owned().await.map_err(io::Error::other)?;
            let mut child = Command::new("ssh")
                .args(&shared.args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .map_err(|e| io::Error::new(e.kind(), format!("cannot run `ssh` (the OpenSSH client): {e}")))?;
            let (Some(stdin), Some(stdout), Some(stderr)) =
                (child.stdin.take(), child.stdout.take(), child.stderr.take())
            else {
                return Err(io::Error::other("ssh started without pipes"));
            };
            tokio::spawn(watch_ssh(child, stderr, shared));
            Ok(SshStream { stdin: TokioIo::new(stdin), stdout: TokioIo::new(stdout), _slot: permit })
        })
    }
}

/// Collects one ssh process's stderr and, when it fails, its explanation. Owns the
/// process: it ends when the connection is dropped (stdin closes) or is killed with the
/// runtime.
async fn watch_ssh(mut child: Child, stderr: ChildStderr, shared: Arc<Shared>) {
    let mut lines = BufReader::new(stderr).lines();
    let mut seen = Vec::new();
    while let Ok(Some(line)) = lines.next_line().await {
        if let Ok(mut last) = shared.last_stderr.lock() {
            *last = Some(line.trim().to_string());
        }
        seen.push(line);
    }
    if let Ok(status) = child.wait().await {
        if !status.success() {
            let why = explain_failure(&shared.target, status.code(), &seen);
            shared.failure.send_replace(Some(why));
        }
    }
}

/// One connection: HTTP over ssh's stdin and stdout.
struct SshStream {
    stdin: TokioIo<ChildStdin>,
    stdout: TokioIo<ChildStdout>,
    _slot: OwnedSemaphorePermit,
}

impl hyper::rt::Read for SshStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stdout).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for SshStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stdin).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stdin).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stdin).poll_shutdown(cx)
    }
}

impl Connection for SshStream {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(user: Option<&str>, host: &str, port: Option<u16>) -> SshTarget {
        SshTarget { user: user.map(String::from), host: host.into(), port }
    }

    #[test]
    fn ssh_urls_parse_like_the_docker_cli() {
        assert_eq!(SshTarget::parse("ssh://host"), Ok(target(None, "host", None)));
        assert_eq!(SshTarget::parse("ssh://ops@host.example"), Ok(target(Some("ops"), "host.example", None)));
        assert_eq!(SshTarget::parse("ssh://ops@10.0.0.5:2222"), Ok(target(Some("ops"), "10.0.0.5", Some(2222))));
        assert_eq!(SshTarget::parse("ssh://[::1]"), Ok(target(None, "::1", None)));
        assert_eq!(SshTarget::parse("ssh://root@[::1]:22"), Ok(target(Some("root"), "::1", Some(22))));
        assert_eq!(SshTarget::parse("ssh://[fe80::1%eth0]:2200"), Ok(target(None, "fe80::1%eth0", Some(2200))));
    }

    #[test]
    fn bad_ssh_urls_are_refused_with_the_reason() {
        let err = |url: &str| SshTarget::parse(url).unwrap_err();
        assert!(err("ssh://host/var/run/docker.sock").contains("extra path"), "{}", err("ssh://host/x"));
        assert!(err("ssh://host/").contains("extra path"));
        assert!(err("ssh://host:0").contains("bad port `0`"));
        assert!(err("ssh://host:65536").contains("bad port `65536`"));
        assert!(err("ssh://host:ssh").contains("bad port `ssh`"));
        assert!(err("ssh://host:").contains("bad port ``"));
        assert!(err("ssh://[::1]x").contains("unexpected `x`"));
        assert!(err("ssh://[::1").contains("unclosed"));
        assert!(err("ssh://::1").contains("needs brackets"));
        assert!(err("ssh://u:pw@host").contains("passwords"));
        assert!(err("ssh://@host").contains("bad user"));
        assert!(err("ssh://").contains("no host"));
        assert!(err("ssh://ops@").contains("no host"));
        assert!(err("ssh://-oProxyCommand=x").contains("bad host"));
        assert!(err("ssh://host?x=1").contains("no query"));
        assert!(err("ssh://host#f").contains("no fragment"));
        assert!(err("tcp://host").contains("not an ssh:// URL"));
    }

    #[test]
    fn shell_metacharacters_in_user_or_host_are_refused() {
        // A `ProxyCommand` or `Match exec` of the user's ssh configuration gets the host
        // and user through a shell (`%h`, `%r`); OpenSSH only refuses these since 9.6.
        for url in ["ssh://h$(touch${IFS}x)", "ssh://h;id", "ssh://h`id`", "ssh://[::1|id]", "ssh://h&id:22"] {
            let e = SshTarget::parse(url).unwrap_err();
            assert!(e.contains("bad host"), "{url}: {e}");
        }
        for url in ["ssh://u$(id)@h", "ssh://u'x@h", "ssh://u\\x@h", "ssh://u>x@h"] {
            let e = SshTarget::parse(url).unwrap_err();
            assert!(e.contains("bad user"), "{url}: {e}");
        }
    }

    #[test]
    fn ssh_runs_docker_dial_stdio_in_batch_mode() {
        let args = target(Some("ops"), "::1", Some(2222)).ssh_args(7);
        assert_eq!(
            args,
            [
                "-o",
                "BatchMode=yes",
                "-o",
                "ConnectTimeout=7",
                "-T",
                "-l",
                "ops",
                "-p",
                "2222",
                "--",
                "::1",
                "docker",
                "system",
                "dial-stdio"
            ]
        );
        // Without user and port, ssh's configuration decides them.
        let args = target(None, "prod", None).ssh_args(30);
        assert_eq!(args[5..], ["--", "prod", "docker", "system", "dial-stdio"]);
        assert_eq!(target(Some("ops"), "::1", Some(22)).to_string(), "ops@[::1]:22");
        assert_eq!(target(None, "h", None).to_string(), "h");
        assert_eq!(target(Some("ops"), "::1", Some(22)).command_line(), "ssh -p 22 ops@::1");
        assert_eq!(target(None, "h", None).command_line(), "ssh h");
    }

    #[test]
    fn ssh_failures_become_one_clear_line() {
        let t = target(Some("root"), "127.0.0.1", Some(2222));
        let explain = |code: i32, lines: &[&str]| {
            let lines: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
            explain_failure(&t, Some(code), &lines)
        };
        let auth = explain(255, &["root@127.0.0.1: Permission denied (publickey)."]);
        assert!(auth.starts_with("ssh: authentication failed for root@127.0.0.1:2222"), "{auth}");
        assert!(auth.contains("BatchMode=yes"), "{auth}");
        assert!(auth.contains("the server allows publickey"), "{auth}");
        // Not the socket's "Permission denied", which gets a `docker` group hint.
        assert!(!auth.contains("Permission denied"), "{auth}");
        let refused = explain(255, &["ssh: connect to host 127.0.0.1 port 2222: Connection refused"]);
        assert!(refused.starts_with("ssh: connection refused by root@127.0.0.1:2222"), "{refused}");
        let changed = explain(
            255,
            &[
                "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
                "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
                "Host key verification failed.",
            ],
        );
        assert!(changed.starts_with("ssh: host key verification failed for root@127.0.0.1:2222"), "{changed}");
        assert!(changed.contains("`ssh-keygen -R '[127.0.0.1]:2222'`"), "{changed}");
        let unknown = explain(255, &["Host key verification failed."]);
        assert!(
            unknown.contains("not in known_hosts") && unknown.contains("`ssh -p 2222 root@127.0.0.1`"),
            "{unknown}"
        );
        let missing = explain(127, &["bash: line 1: docker: command not found"]);
        assert!(missing.starts_with("`docker` not found on root@127.0.0.1:2222"), "{missing}");
        assert!(missing.contains("command not found"), "{missing}");
        let daemon = explain(1, &["Cannot connect to the Docker daemon at unix:///var/run/docker.sock."]);
        assert!(daemon.contains("cannot reach its daemon"), "{daemon}");
        let dns = explain(255, &["ssh: Could not resolve hostname nope: Name or service not known"]);
        assert!(dns.contains("cannot reach") && dns.contains("Could not resolve hostname"), "{dns}");
        // The known-hosts notice is noise, not the reason.
        let other =
            explain(3, &["Warning: Permanently added '[127.0.0.1]:2222' (ED25519) to the list of known hosts."]);
        assert_eq!(other, "ssh to root@127.0.0.1:2222 exited with status 3 without a message");
        for msg in [auth, refused, changed, missing] {
            assert!(!msg.contains('\n'), "{msg}");
        }
    }
}
