//! Who did it, from the Linux audit log (`--auditd-log`, docs/watch.md "Who did it"): the
//! connects to the Docker socket that auditd recorded are kept in a bounded, time-ordered
//! window, and an engine event gets the identity of the caller only when exactly one client
//! (login uid, uid, executable) connected around its time. A heuristic that never invents:
//! anything else leaves the record's identity `unknown`.
//!
//! The log is parsed here by hand. `linux-audit-parser` (crates.io, the parser of Laurel)
//! was looked at: it is LGPL-3.0-or-later (this workspace is MIT OR Apache-2.0 and links
//! statically), pulls nom 7 and lazy_static, and has one maintainer and about 80 downloads
//! a month (lib.rs, 0.2.7 of March 2025); dockward reads a dozen fields of four record
//! types, which a bounded parser that cannot panic does in a page.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{json, Map, Value};

/// The key of HO004's audit rules (`-k docker-api`).
pub const DEFAULT_KEY: &str = "docker-api";
/// A line longer than this is skipped (the kernel's records are at most 8,970 bytes;
/// auditd's enriched form adds the resolved names).
pub const MAX_LINE: usize = 16 * 1024;
/// At most this many fields are read from one line.
const MAX_FIELDS: usize = 128;
/// Connects older than this (behind the newest one read) are forgotten.
pub const KEEP: Duration = Duration::from_secs(120);
/// At most this many connects are kept (the oldest go first).
pub const MAX_CONNECTS: usize = 65_536;
/// A client counts for an event when it connected from 2 s before the event...
pub const BEFORE_MS: i64 = 2_000;
/// ... to 0.5 s after it.
pub const AFTER_MS: i64 = 500;
/// At start, at most this much of the log's end is read (the window is 2 minutes).
const START_BACKLOG: u64 = 4 << 20;
/// At most this much is read per poll (a huge backlog is caught up over several polls).
const MAX_READ_PER_POLL: usize = 8 << 20;
/// Executables whose connects are the engine's own plumbing, never a client.
const PLUMBING: &[&str] = &["dockerd", "containerd", "docker-proxy"];

/// One line of the audit log: `type=SYSCALL msg=audit(1733350000.123:456): k=v ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    pub kind: &'a str,
    /// Milliseconds since the epoch.
    pub time_ms: i64,
    pub serial: u64,
    pub fields: Vec<(&'a str, &'a str)>,
}

impl<'a> Line<'a> {
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    fn number(&self, key: &str) -> Option<u64> {
        self.get(key)?.parse().ok()
    }
}

/// Parses one line; `None` for anything that is not an audit record (garbage, a line
/// cut short, one longer than [`MAX_LINE`]).
pub fn parse_line(line: &str) -> Option<Line<'_>> {
    if line.len() > MAX_LINE {
        return None;
    }
    // auditd's `log_format = ENRICHED` appends the resolved names after a 0x1d separator.
    let line = line.split('\x1d').next().unwrap_or("");
    let type_at = if line.starts_with("type=") { 0 } else { line.find(" type=")? + 1 };
    let rest = &line[type_at + 5..];
    let (kind, rest) = rest.split_once(' ')?;
    let rest = rest.trim_start().strip_prefix("msg=audit(")?;
    let (stamp, rest) = rest.split_once("):")?;
    let (time, serial) = stamp.split_once(':')?;
    let (secs, millis) = time.split_once('.')?;
    let secs: i64 = secs.parse().ok()?;
    let millis: i64 = millis.get(..3)?.parse().ok()?;
    let serial: u64 = serial.parse().ok()?;
    if kind.is_empty() || !kind.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    Some(Line { kind, time_ms: secs.checked_mul(1000)?.checked_add(millis)?, serial, fields: fields(rest) })
}

/// `k=v k="quoted v" msg='a=b c=d'` (a value in single quotes is kept whole and not split).
fn fields(mut s: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    while out.len() < MAX_FIELDS {
        s = s.trim_start();
        if s.is_empty() {
            break;
        }
        let Some(eq) = s.find('=') else { break };
        let key = &s[..eq];
        let after = &s[eq + 1..];
        let (value, rest) = match after.as_bytes().first() {
            Some(q @ (b'"' | b'\'')) => match after[1..].find(*q as char) {
                Some(end) => (&after[..end + 2], &after[end + 2..]),
                None => (after, ""),
            },
            _ => match after.find(' ') {
                Some(end) => (&after[..end], &after[end..]),
                None => (after, ""),
            },
        };
        if !key.contains(' ') && !key.is_empty() {
            out.push((key, value));
        }
        s = rest;
    }
    out
}

/// A value the kernel may have hex-encoded (`comm`, `exe`, `cwd`, `name`: quoted when
/// plain, hex when they hold spaces, quotes or control characters; `(null)` when none).
pub fn untrusted(value: &str) -> Option<String> {
    if let Some(quoted) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        return Some(quoted.to_string());
    }
    if value == "(null)" || value == "(none)" || value.is_empty() {
        return None;
    }
    match hex(value) {
        Some(bytes) => Some(String::from_utf8_lossy(&bytes).trim_end_matches('\0').to_string()),
        None => Some(value.to_string()),
    }
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

/// The path of a unix socket address (`saddr=01002F72756E...`): `@name` for an abstract
/// one, `None` for another family.
pub fn unix_path(saddr: &str) -> Option<String> {
    let bytes = hex(saddr)?;
    if bytes.len() < 3 || bytes[0] != 1 || bytes[1] != 0 {
        return None;
    }
    let path = &bytes[2..];
    if path[0] == 0 {
        let name = &path[1..];
        let end = name.iter().position(|b| *b == 0).unwrap_or(name.len());
        return Some(format!("@{}", String::from_utf8_lossy(&name[..end])));
    }
    let end = path.iter().position(|b| *b == 0).unwrap_or(path.len());
    Some(String::from_utf8_lossy(&path[..end]).into_owned())
}

/// Whether `(arch, syscall)` of a SYSCALL record is `connect` (or i386's `socketcall`
/// with `SYS_CONNECT`). `None`: an architecture this table does not know.
fn is_connect(arch: &str, syscall: u64, a0: Option<&str>) -> Option<bool> {
    Some(match arch {
        "c000003e" => syscall == 42,                                         // x86_64
        "40000003" => syscall == 362 || (syscall == 102 && a0 == Some("3")), // i386
        "c00000b7" => syscall == 203,                                        // aarch64
        "40000028" => syscall == 283,                                        // arm
        "c00000f3" => syscall == 203,                                        // riscv64
        _ => return None,
    })
}

/// One connect to a socket, as the audit records of one serial tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect {
    pub time_ms: i64,
    pub serial: u64,
    pub pid: u64,
    pub uid: u64,
    /// The login uid (kept through sudo); 4294967295 when unset.
    pub auid: u64,
    pub exe: String,
    pub comm: String,
    pub key: Option<String>,
    /// The socket's path (SOCKADDR, made absolute with CWD), or the PATH record's name.
    pub socket: Option<String>,
    cwd: Option<String>,
}

/// The auid of a process started without a login (daemons, containers).
pub const UNSET_AUID: u64 = 4_294_967_295;

/// What the window says about one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Exactly one client connected in the window: its (nearest) connect, and how many
    /// connects of it there were.
    One(Connect, usize),
    /// No client, or several (how many distinct ones).
    Unknown(usize),
}

/// Which connects are the Docker socket's, and which are not clients.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub key: String,
    /// Socket paths of the watched local engines (as given, resolved, `/var/run` and `/run`).
    pub sockets: BTreeSet<String>,
    /// This process (its own requests to the engine).
    pub own_pid: u64,
    /// This executable: other dockward processes only read the engine, and `dockward
    /// guard` forwards requests of others (its TLS identity names them).
    pub own_exe: Option<String>,
}

impl Filter {
    pub fn new(key: &str, endpoints: &[String]) -> Self {
        let mut sockets = BTreeSet::new();
        for e in endpoints {
            if let Some(p) = e.strip_prefix("unix://") {
                sockets.extend(socket_aliases(p));
            }
        }
        Filter {
            key: key.to_string(),
            sockets,
            own_pid: std::process::id().into(),
            own_exe: std::env::current_exe().ok().map(|p| p.to_string_lossy().into_owned()),
        }
    }

    /// The aliases of one endpoint's socket (a connect to any of them is to that engine).
    pub fn sockets_of(endpoint: &str) -> BTreeSet<String> {
        endpoint.strip_prefix("unix://").map(socket_aliases).unwrap_or_default()
    }

    fn plumbing(&self, c: &Connect) -> bool {
        let base = c.exe.rsplit('/').next().unwrap_or("");
        c.pid == self.own_pid
            || self.own_exe.as_deref() == Some(c.exe.as_str())
            || PLUMBING.contains(&base)
            || base.starts_with("containerd-shim")
    }
}

fn socket_aliases(path: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    out.insert(path.to_string());
    if let Ok(real) = std::fs::canonicalize(path) {
        out.insert(real.to_string_lossy().into_owned());
    }
    for p in out.clone() {
        if let Some(rest) = p.strip_prefix("/var/run/") {
            out.insert(format!("/run/{rest}"));
        } else if let Some(rest) = p.strip_prefix("/run/") {
            out.insert(format!("/var/run/{rest}"));
        }
    }
    out
}

/// The connects of the last [`KEEP`], by (time, serial): records of one serial may come
/// interleaved with others' and still land on their connect.
#[derive(Debug, Default)]
pub struct Window {
    connects: BTreeMap<(i64, u64), Connect>,
    newest_ms: i64,
    /// From when the window knows every connect: the first record read (the log's part
    /// before it, or before the watcher, is unknown), moved on as old connects are dropped.
    complete_from_ms: Option<i64>,
}

impl Window {
    pub fn len(&self) -> usize {
        self.connects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.connects.is_empty()
    }

    /// Takes one log line into account.
    pub fn feed(&mut self, line: &str, filter: &Filter) {
        let Some(l) = parse_line(line) else { return };
        self.complete_from_ms.get_or_insert(l.time_ms);
        let id = (l.time_ms, l.serial);
        match l.kind {
            "SYSCALL" => {
                let key = l.get("key").and_then(untrusted);
                let known =
                    l.get("arch").zip(l.number("syscall")).and_then(|(arch, n)| is_connect(arch, n, l.get("a0")));
                let keyed = key.as_deref() == Some(filter.key.as_str());
                // A connect that failed reached no API; an unknown architecture counts
                // only by the rule's key.
                let wanted = l.get("success") == Some("yes") && (known == Some(true) || (known.is_none() && keyed));
                let (Some(pid), Some(uid), Some(auid)) = (l.number("pid"), l.number("uid"), l.number("auid")) else {
                    return;
                };
                if !wanted {
                    return;
                }
                let c = Connect {
                    time_ms: l.time_ms,
                    serial: l.serial,
                    pid,
                    uid,
                    auid,
                    exe: l.get("exe").and_then(untrusted).unwrap_or_default(),
                    comm: l.get("comm").and_then(untrusted).unwrap_or_default(),
                    key,
                    socket: None,
                    cwd: None,
                };
                self.newest_ms = self.newest_ms.max(l.time_ms);
                self.connects.insert(id, c);
                self.bound();
            }
            "SOCKADDR" => {
                let Some(c) = self.connects.get_mut(&id) else { return };
                match l.get("saddr").and_then(unix_path) {
                    Some(path) => {
                        c.socket = Some(absolute(&path, c.cwd.as_deref()));
                        // Neither the rule's key nor a watched socket: not the engine's.
                        if !filter.sockets.is_empty()
                            && c.key.as_deref() != Some(filter.key.as_str())
                            && !c.socket.as_ref().is_some_and(|s| filter.sockets.contains(s))
                        {
                            self.connects.remove(&id);
                        }
                    }
                    None if c.key.as_deref() != Some(filter.key.as_str()) => {
                        self.connects.remove(&id); // TCP, netlink, ...: not a unix socket
                    }
                    None => {}
                }
            }
            "CWD" => {
                if let Some(c) = self.connects.get_mut(&id) {
                    c.cwd = l.get("cwd").and_then(untrusted);
                    if let Some(s) = c.socket.take() {
                        c.socket = Some(absolute(&s, c.cwd.as_deref()));
                    }
                }
            }
            "PATH" => {
                if let Some(c) = self.connects.get_mut(&id) {
                    if c.socket.is_none() {
                        c.socket = l.get("name").and_then(untrusted).map(|n| absolute(&n, c.cwd.as_deref()));
                    }
                }
            }
            _ => {}
        }
    }

    /// Forgets what is older than [`KEEP`] behind the newest connect, and the oldest beyond
    /// [`MAX_CONNECTS`].
    fn bound(&mut self) {
        let horizon = self.newest_ms - KEEP.as_millis() as i64;
        while let Some(((t, _), _)) = self.connects.first_key_value() {
            if *t >= horizon && self.connects.len() <= MAX_CONNECTS {
                break;
            }
            let dropped = *t + 1;
            self.complete_from_ms = Some(self.complete_from_ms.map_or(dropped, |c| c.max(dropped)));
            self.connects.pop_first();
        }
    }

    /// The clients that connected to `sockets` (or with the rule's key) from [`BEFORE_MS`]
    /// before `event_ms` to [`AFTER_MS`] after it, the engine's plumbing and dockward left out.
    /// A window that begins before what was read (or kept) is `unknown`: a connect there
    /// cannot be ruled out.
    pub fn verdict(&self, event_ms: i64, sockets: &BTreeSet<String>, filter: &Filter) -> Verdict {
        if self.complete_from_ms.is_none_or(|c| event_ms - BEFORE_MS < c) {
            return Verdict::Unknown(0);
        }
        let range = (event_ms - BEFORE_MS, 0)..=(event_ms + AFTER_MS, u64::MAX);
        let mut clients: BTreeMap<(u64, u64, &str), Vec<&Connect>> = BTreeMap::new();
        for c in self.connects.range(range).map(|(_, c)| c) {
            let ours =
                c.key.as_deref() == Some(filter.key.as_str()) || c.socket.as_ref().is_some_and(|s| sockets.contains(s));
            if ours && !filter.plumbing(c) {
                clients.entry((c.auid, c.uid, c.exe.as_str())).or_default().push(c);
            }
        }
        if clients.len() != 1 {
            return Verdict::Unknown(clients.len());
        }
        let connects = clients.into_values().next().unwrap_or_default();
        // The connect nearest the event, the one before it when equally near.
        let nearest = connects.iter().min_by_key(|c| ((c.time_ms - event_ms).abs(), c.time_ms > event_ms));
        match nearest {
            Some(c) => Verdict::One((*c).clone(), connects.len()),
            None => Verdict::Unknown(0),
        }
    }
}

fn absolute(path: &str, cwd: Option<&str>) -> String {
    match cwd {
        Some(cwd) if !path.starts_with('/') && !path.starts_with('@') => {
            Path::new(cwd).join(path).to_string_lossy().into_owned()
        }
        _ => path.to_string(),
    }
}

/// The identity a verdict gives (`actor.identity` of docs/watch.schema.json).
pub fn identity(verdict: &Verdict) -> Value {
    match verdict {
        Verdict::One(c, connects) => {
            let mut v = json!({
                "source": "auditd",
                "uid": c.uid,
                "pid": c.pid,
                "exe": c.exe,
                "comm": c.comm,
                "confidence": if *connects == 1 { "one-connect" } else { "one-client" },
            });
            if c.auid != UNSET_AUID {
                v["auid"] = c.auid.into();
            }
            v
        }
        Verdict::Unknown(0) => json!({"source": "unknown"}),
        Verdict::Unknown(n) => json!({"source": "unknown", "candidates": n}),
    }
}

/// Follows the log file: by inode and size, so a rotation (rename and a new file) and a
/// truncation are both followed; lines are cut at [`MAX_LINE`].
#[derive(Debug)]
pub struct Tail {
    path: PathBuf,
    file: Option<(File, u64)>,
    offset: u64,
    partial: Vec<u8>,
    /// Inside a line longer than [`MAX_LINE`]: dropped up to its end.
    skipping: bool,
    started: bool,
}

impl Tail {
    pub fn new(path: &Path) -> Self {
        Tail { path: path.to_path_buf(), file: None, offset: 0, partial: Vec::new(), skipping: false, started: false }
    }

    /// Reads what was appended since the last poll and hands each complete line to `line`.
    pub fn poll(&mut self, mut line: impl FnMut(&str)) -> std::io::Result<()> {
        let current = std::fs::metadata(&self.path);
        let mut rotated_now = false;
        if let Some((_, ino)) = &self.file {
            let rotated = match &current {
                Ok(m) => m.ino() != *ino,
                Err(_) => true,
            };
            if rotated {
                // Finish the old file (auditd may have written to it before the rename).
                self.read(&mut line)?;
                self.file = None;
                rotated_now = true;
            }
        }
        if self.file.is_none() {
            let meta = match current {
                Ok(meta) => meta,
                // Renamed, the new file not created yet: the next poll finds it.
                Err(_) if rotated_now => return Ok(()),
                // Missing (a wrong path, auditd not started yet): reported, tried again.
                Err(e) => return Err(e),
            };
            let mut file = File::open(&self.path)?;
            self.offset = 0;
            self.partial.clear();
            self.skipping = false;
            if !self.started && meta.len() > START_BACKLOG {
                // The window is 2 minutes: the log's end is enough; the first line is cut.
                self.offset = meta.len() - START_BACKLOG;
                self.skipping = true;
            }
            file.seek(SeekFrom::Start(self.offset))?;
            self.file = Some((file, meta.ino()));
            self.started = true;
        }
        if let Some((f, _)) = &self.file {
            if f.metadata()?.len() < self.offset {
                // Truncated in place (copytruncate): start over.
                self.offset = 0;
                self.partial.clear();
                self.skipping = false;
            }
        }
        self.read(&mut line)
    }

    fn read(&mut self, line: &mut impl FnMut(&str)) -> std::io::Result<()> {
        let Some((file, _)) = &mut self.file else { return Ok(()) };
        file.seek(SeekFrom::Start(self.offset))?;
        let mut buf = vec![0u8; 64 * 1024];
        let mut total = 0;
        while total < MAX_READ_PER_POLL {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            total += n;
            self.offset += n as u64;
            for chunk in buf[..n].split_inclusive(|b| *b == b'\n') {
                let complete = chunk.ends_with(b"\n");
                let body = if complete { &chunk[..chunk.len() - 1] } else { chunk };
                if !self.skipping {
                    if self.partial.len() + body.len() > MAX_LINE {
                        self.partial.clear();
                        self.skipping = true;
                    } else {
                        self.partial.extend_from_slice(body);
                    }
                }
                if complete {
                    if !self.skipping {
                        line(&String::from_utf8_lossy(&self.partial));
                    }
                    self.partial.clear();
                    self.skipping = false;
                }
            }
        }
        Ok(())
    }
}

/// The correlator the watcher holds: the tail, the window and the filter.
pub struct Correlator {
    inner: Mutex<(Tail, Window)>,
    filter: Filter,
}

impl Correlator {
    pub fn new(log: &Path, key: &str, endpoints: &[String]) -> Self {
        Correlator { inner: Mutex::new((Tail::new(log), Window::default())), filter: Filter::new(key, endpoints) }
    }

    /// Reads the log up to its end; a read error is returned (the caller reports it).
    pub fn poll(&self) -> Result<(), String> {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let (tail, window) = &mut *guard;
        let filter = &self.filter;
        tail.poll(|l| window.feed(l, filter)).map_err(|e| format!("{}: {e}", tail.path.display()))
    }

    /// Waits until the window of an event at `event_ns` is complete ([`AFTER_MS`] past it,
    /// and 100 ms for auditd to write), then reads the log. The wait is an async sleep of
    /// the processor only: the stall check (stall.rs) watches the process, not the
    /// processor, so it is never mistaken for a gap.
    pub async fn settle(&self, event_ns: i64) {
        let ready = event_ns / 1_000_000 + AFTER_MS + 100;
        let now = crate::record::now_nanos() / 1_000_000;
        if ready > now {
            tokio::time::sleep(Duration::from_millis((ready - now).min(AFTER_MS + 100) as u64)).await;
        }
        let _ = self.poll();
    }

    /// Sets `actor.identity` of a record caused by an event of `endpoint` at `event_ns`,
    /// when it is still `unknown` (a TLS identity comes first) and the engine is local.
    pub fn attach(&self, endpoint: &str, event_ns: i64, body: &mut Map<String, Value>) {
        let unknown = body.get("actor").and_then(|a| a.get("identity")).and_then(|i| i.get("source"))
            == Some(&Value::from("unknown"));
        let sockets = Filter::sockets_of(endpoint);
        if !unknown || sockets.is_empty() {
            return;
        }
        let verdict = {
            let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            guard.1.verdict(event_ns / 1_000_000, &sockets, &self.filter)
        };
        body.insert("actor".into(), json!({"identity": identity(&verdict)}));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter() -> Filter {
        Filter {
            key: DEFAULT_KEY.into(),
            sockets: socket_aliases("/var/run/docker.sock"),
            own_pid: 4242,
            own_exe: Some("/usr/local/bin/dockward".into()),
        }
    }

    /// The records auditd writes for one `connect` by `exe` at `secs.ms`, serial `serial`.
    fn connect(secs: &str, serial: u64, pid: u64, auid: u64, uid: u64, exe: &str, path: &str) -> Vec<String> {
        let saddr: String = std::iter::once("0100".to_string())
            .chain(path.bytes().map(|b| format!("{b:02X}")))
            .chain(std::iter::once("00".to_string()))
            .collect();
        let comm = exe.rsplit('/').next().unwrap();
        vec![
            format!(
                "type=SYSCALL msg=audit({secs}:{serial}): arch=c000003e syscall=42 success=yes exit=0 a0=3 a1=c0000bfb10 a2=17 a3=0 items=1 ppid=1 pid={pid} auid={auid} uid={uid} gid=0 euid={uid} suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"{comm}\" exe=\"{exe}\" key=\"docker-api\"\x1dARCH=x86_64 SYSCALL=connect AUID=\"ops\" UID=\"root\""
            ),
            format!("type=SOCKADDR msg=audit({secs}:{serial}): saddr={saddr}\x1dSADDR={{ saddr_fam=local path={path} }}"),
            format!("type=CWD msg=audit({secs}:{serial}): cwd=\"/home/ops\""),
            format!(
                "type=PATH msg=audit({secs}:{serial}): item=0 name=\"{path}\" inode=9805829 dev=fe:00 mode=0140660 ouid=0 ogid=105 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0"
            ),
            format!("type=PROCTITLE msg=audit({secs}:{serial}): proctitle=646F636B65720072756E"),
        ]
    }

    /// What auditd writes first: the log covers everything from here on.
    const START: &str = "type=DAEMON_START msg=audit(1733349990.000:1): op=start ver=3.0.9 format=enriched kernel=6.18.44 auid=4294967295 pid=1 uid=0 ses=4294967295 res=success";

    fn window(lines: &[String]) -> Window {
        let mut w = Window::default();
        w.feed(START, &filter());
        for l in lines {
            w.feed(l, &filter());
        }
        w
    }

    const EVENT_MS: i64 = 1_733_350_001_000;

    #[test]
    fn parses_a_syscall_record() {
        let lines = connect("1733350000.123", 456, 777, 1000, 0, "/usr/bin/docker", "/run/docker.sock");
        let l = parse_line(&lines[0]).unwrap();
        assert_eq!((l.kind, l.time_ms, l.serial), ("SYSCALL", 1_733_350_000_123, 456));
        assert_eq!(l.get("comm"), Some("\"docker\""));
        assert_eq!(l.get("key"), Some("\"docker-api\""), "the enriched part is cut off");
        assert_eq!(untrusted(l.get("exe").unwrap()).as_deref(), Some("/usr/bin/docker"));
        // A node= prefix (remote logging), a hex-encoded comm, (null) keys.
        let l = parse_line("node=build-1 type=SYSCALL msg=audit(1.005:7): comm=6D7920646F636B6572 key=(null)").unwrap();
        assert_eq!((l.kind, l.time_ms, l.serial), ("SYSCALL", 1005, 7));
        assert!(parse_line("type=SYSCALL msg=audit(1.5:7): x=1").is_none(), "auditd writes three digits");
        assert_eq!(untrusted(l.get("comm").unwrap()).as_deref(), Some("my docker"));
        assert_eq!(untrusted(l.get("key").unwrap()), None);
        assert_eq!(unix_path("01002F72756E2F646F636B65722E736F636B00").as_deref(), Some("/run/docker.sock"));
        assert_eq!(unix_path("0100006162630000").as_deref(), Some("@abc"));
        assert_eq!(unix_path("02000050C0A80001").as_deref(), None, "AF_INET");
        // Userspace records quote a whole message in single quotes.
        let l =
            parse_line("type=USER_CMD msg=audit(1733350000.001:9): pid=1 uid=0 msg='cwd=\"/\" cmd=6C73 res=success'")
                .unwrap();
        assert_eq!(l.get("msg"), Some("'cwd=\"/\" cmd=6C73 res=success'"));
    }

    #[test]
    fn garbage_and_huge_lines_are_skipped_without_panic() {
        let huge = format!("type=SYSCALL msg=audit(1733350000.123:456): comm=\"{}\"", "x".repeat(MAX_LINE));
        for line in [
            "",
            "type=",
            "type=SYSCALL",
            "type=SYSCALL msg=audit(",
            "type=SYSCALL msg=audit(abc.def:ghi): x=1",
            "type=SYSCALL msg=audit(99999999999999999999.123:1): x=1",
            "type=SYSCALL msg=audit(1733350000.123:1)",
            "type=SYS CALL msg=audit(1733350000.123:1): x=1",
            "\u{1d}\u{1d}type=SYSCALL",
            "type=SYSCALL msg=audit(1733350000.12é:1): x=1",
            "type=SOCKADDR msg=audit(1733350000.123:1): saddr=0",
            "type=SYSCALL msg=audit(1733350000.123:1): key=\"unterminated",
            "=== = =\"=\"",
            &huge,
        ] {
            let _ = parse_line(line);
            let mut w = Window::default();
            w.feed(line, &filter());
            assert!(w.is_empty(), "{line:?}");
        }
        assert!(parse_line(&huge).is_none());
        assert_eq!(untrusted("0"), Some("0".into()));
        assert_eq!(unix_path("01"), None);
        assert_eq!(unix_path("0100"), None);
        assert_eq!(unix_path("01002F"), Some("/".into()));
    }

    #[test]
    fn one_client_in_the_window_is_the_identity() {
        let w = window(&connect("1733350000.400", 456, 777, 1000, 0, "/usr/bin/docker", "/var/run/docker.sock"));
        let Verdict::One(c, 1) = w.verdict(EVENT_MS, &filter().sockets, &filter()) else { panic!("{w:?}") };
        assert_eq!(
            (c.pid, c.uid, c.auid, c.exe.as_str(), c.comm.as_str()),
            (777, 0, 1000, "/usr/bin/docker", "docker")
        );
        let id = identity(&Verdict::One(c, 1));
        assert_eq!(
            id,
            json!({"source": "auditd", "uid": 0, "auid": 1000, "pid": 777, "exe": "/usr/bin/docker", "comm": "docker", "confidence": "one-connect"})
        );
    }

    #[test]
    fn two_clients_or_none_in_the_window_are_unknown() {
        let mut lines = connect("1733350000.400", 456, 777, 1000, 0, "/usr/bin/docker", "/run/docker.sock");
        lines.extend(connect("1733350000.900", 457, 778, 1001, 0, "/usr/bin/docker", "/run/docker.sock"));
        let w = window(&lines);
        assert_eq!(w.verdict(EVENT_MS, &filter().sockets, &filter()), Verdict::Unknown(2));
        assert_eq!(identity(&Verdict::Unknown(2)), json!({"source": "unknown", "candidates": 2}));
        // Outside the window: 2.5 s before, 0.6 s after.
        let mut lines = connect("1733349998.499", 458, 779, 1000, 0, "/usr/bin/docker", "/run/docker.sock");
        lines.extend(connect("1733350001.600", 459, 780, 1000, 0, "/usr/bin/docker", "/run/docker.sock"));
        let w = window(&lines);
        assert_eq!(w.verdict(EVENT_MS, &filter().sockets, &filter()), Verdict::Unknown(0));
        assert_eq!(identity(&Verdict::Unknown(0)), json!({"source": "unknown"}));
    }

    #[test]
    fn a_window_that_begins_before_what_was_read_is_unknown() {
        // The log read starts 0.6 s before the event: a connect 1 s before it may be missing.
        let mut w = Window::default();
        for l in connect("1733350000.400", 456, 777, 1000, 0, "/usr/bin/docker", "/run/docker.sock") {
            w.feed(&l, &filter());
        }
        assert_eq!(w.len(), 1);
        assert_eq!(w.verdict(EVENT_MS, &filter().sockets, &filter()), Verdict::Unknown(0));
        assert!(matches!(w.verdict(EVENT_MS + 1_400, &filter().sockets, &filter()), Verdict::One(..)));
        // Connects dropped for age: the window no longer covers their time.
        w.feed(&connect("1733350200.000", 457, 778, 1000, 0, "/usr/bin/docker", "/run/docker.sock")[0], &filter());
        assert_eq!(w.len(), 1);
        assert_eq!(w.verdict(EVENT_MS + 1_400, &filter().sockets, &filter()), Verdict::Unknown(0));
    }

    #[test]
    fn the_same_client_twice_is_one_and_plumbing_is_no_client() {
        let mut lines = connect("1733350000.100", 456, 777, UNSET_AUID, 0, "/usr/bin/docker", "/run/docker.sock");
        lines.extend(connect("1733350000.800", 460, 790, UNSET_AUID, 0, "/usr/bin/docker", "/run/docker.sock"));
        // dockward itself, another dockward, dockerd, containerd.
        lines.extend(connect("1733350000.850", 461, 4242, 0, 0, "/opt/x/dockward", "/run/docker.sock"));
        lines.extend(connect("1733350000.860", 462, 1, 0, 0, "/usr/local/bin/dockward", "/run/docker.sock"));
        lines.extend(connect("1733350000.870", 463, 2, 0, 0, "/usr/bin/dockerd", "/run/docker.sock"));
        lines.extend(connect("1733350000.880", 464, 3, 0, 0, "/usr/bin/containerd-shim-runc-v2", "/run/docker.sock"));
        // Another socket, without the key: not the engine's.
        let mut other = connect("1733350000.890", 465, 5, 0, 0, "/usr/bin/curl", "/run/other.sock");
        other[0] = other[0].replace("key=\"docker-api\"", "key=(null)");
        lines.extend(other);
        let w = window(&lines);
        assert_eq!(w.len(), 6, "the other socket's connect is dropped on its SOCKADDR");
        let Verdict::One(c, 2) = w.verdict(EVENT_MS, &filter().sockets, &filter()) else { panic!("{w:?}") };
        assert_eq!(c.pid, 790, "the nearest connect");
        let id = identity(&Verdict::One(c, 2));
        assert_eq!(id["confidence"], "one-client");
        assert!(id.get("auid").is_none(), "an unset auid is left out: {id}");
    }

    #[test]
    fn interleaved_serials_land_on_their_connect() {
        let a = connect("1733350000.400", 500, 777, 1000, 0, "/usr/bin/docker", "/run/docker.sock");
        let mut b = connect("1733350000.401", 501, 778, 1000, 0, "/usr/bin/curl", "/tmp/x.sock");
        b[0] = b[0].replace("key=\"docker-api\"", "key=(null)");
        let lines: Vec<String> = a.iter().zip(&b).flat_map(|(x, y)| [y.clone(), x.clone()]).collect();
        let w = window(&lines);
        assert_eq!(w.len(), 1);
        let Verdict::One(c, 1) = w.verdict(EVENT_MS, &filter().sockets, &filter()) else { panic!("{w:?}") };
        assert_eq!((c.pid, c.socket.as_deref()), (777, Some("/run/docker.sock")));
        // A relative socket path is made absolute with CWD (which comes after SOCKADDR).
        let mut rel = connect("1733350000.500", 502, 779, 1000, 0, "/usr/bin/docker", "docker.sock");
        rel[0] = rel[0].replace("key=\"docker-api\"", "key=(null)");
        rel[2] = "type=CWD msg=audit(1733350000.500:502): cwd=\"/run\"".into();
        let mut w = Window::default();
        for l in &rel {
            w.feed(l, &Filter { sockets: BTreeSet::new(), ..filter() });
        }
        let c = w.connects.values().next().unwrap();
        assert_eq!(c.socket.as_deref(), Some("/run/docker.sock"));
    }

    #[test]
    fn failed_and_other_syscalls_are_not_connects() {
        let mut lines = connect("1733350000.400", 456, 777, 1000, 0, "/usr/bin/docker", "/run/docker.sock");
        lines[0] = lines[0].replace("success=yes", "success=no");
        let mut open = connect("1733350000.400", 457, 777, 1000, 0, "/usr/bin/docker", "/run/docker.sock");
        open[0] = open[0].replace("syscall=42", "syscall=257");
        lines.extend(open);
        assert!(window(&lines).is_empty());
    }

    #[test]
    fn the_window_is_bounded() {
        let mut w = Window::default();
        for i in 0..(MAX_CONNECTS as u64 + 10) {
            let secs = 1_733_350_000 + i / 1000;
            let ms = i % 1000;
            w.feed(
                &connect(&format!("{secs}.{ms:03}"), i, 7, 0, 0, "/usr/bin/docker", "/run/docker.sock")[0],
                &filter(),
            );
        }
        assert_eq!(w.len(), MAX_CONNECTS);
        // 2 minutes later, the old ones are gone.
        w.feed(&connect("1733350200.000", 1, 7, 0, 0, "/usr/bin/docker", "/run/docker.sock")[0], &filter());
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn the_tail_follows_appends_rotation_and_truncation_and_cuts_huge_lines() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.log");
        let mut f = File::create(&path).unwrap();
        let mut tail = Tail::new(&path);
        let mut got = Vec::new();
        write!(f, "one\ntw").unwrap();
        tail.poll(|l| got.push(l.to_string())).unwrap();
        write!(f, "o\n{}\nthree\n", "x".repeat(MAX_LINE + 1)).unwrap();
        tail.poll(|l| got.push(l.to_string())).unwrap();
        assert_eq!(got, ["one", "two", "three"]);
        // Rotation: auditd renames the file and opens a new one; the rest of the old one is read first.
        writeln!(f, "four").unwrap();
        std::fs::rename(&path, dir.path().join("audit.log.1")).unwrap();
        let mut g = File::create(&path).unwrap();
        writeln!(g, "five").unwrap();
        tail.poll(|l| got.push(l.to_string())).unwrap();
        assert_eq!(got[3..], ["four", "five"]);
        // Truncation in place.
        g.set_len(0).unwrap();
        drop(g);
        std::fs::write(&path, "six\n").unwrap();
        tail.poll(|l| got.push(l.to_string())).unwrap();
        assert_eq!(got[5..], ["six"]);
        // No file: an error to report (the watcher goes on and tries again), then it comes back.
        std::fs::remove_file(&path).unwrap();
        tail.poll(|l| got.push(l.to_string())).unwrap(); // the open file ends
        assert_eq!(tail.poll(|l| got.push(l.to_string())).unwrap_err().kind(), std::io::ErrorKind::NotFound);
        std::fs::write(&path, "seven\n").unwrap();
        tail.poll(|l| got.push(l.to_string())).unwrap();
        assert_eq!(got[6..], ["seven"]);
    }

    /// Lines of a real-looking event, mutated at random bytes, cut, repeated and glued:
    /// the parser and the window take all of it without a panic.
    #[test]
    fn mutated_records_never_panic() {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let base = connect("1733350000.400", 456, 777, 1000, 0, "/usr/bin/docker", "/run/docker.sock");
        let alphabet = b" =\"'():.x0F\x1d\xff\n\0a1";
        let mut w = Window::default();
        for _ in 0..50_000 {
            let mut bytes = base[(next() % base.len() as u64) as usize].clone().into_bytes();
            for _ in 0..(next() % 6) {
                let at = (next() % bytes.len() as u64) as usize;
                match next() % 4 {
                    0 => bytes[at] = alphabet[(next() % alphabet.len() as u64) as usize],
                    1 => bytes.truncate(at),
                    2 => bytes.insert(at, alphabet[(next() % alphabet.len() as u64) as usize]),
                    _ => {
                        let tail = bytes[at..].to_vec();
                        bytes.extend_from_slice(&tail);
                    }
                }
                if bytes.is_empty() {
                    break;
                }
            }
            let line = String::from_utf8_lossy(&bytes);
            let _ = parse_line(&line);
            w.feed(&line, &filter());
        }
        let _ = w.verdict(EVENT_MS, &filter().sockets, &filter());
        assert!(w.len() <= MAX_CONNECTS);
    }

    #[test]
    fn an_identity_is_attached_only_over_unknown_and_for_local_engines() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("audit.log");
        std::fs::write(
            &log,
            format!(
                "{START}\n{}\n",
                connect("1733350000.400", 456, 777, 1000, 0, "/usr/bin/docker", "/var/run/docker.sock").join("\n")
            ),
        )
        .unwrap();
        let c = Correlator::new(&log, DEFAULT_KEY, &["unix:///var/run/docker.sock".into()]);
        c.poll().unwrap();
        let mut body = Map::new();
        body.insert("actor".into(), json!({"identity": {"source": "unknown"}}));
        c.attach("unix:///var/run/docker.sock", EVENT_MS * 1_000_000, &mut body);
        assert_eq!(body["actor"]["identity"]["source"], "auditd");
        assert_eq!(body["actor"]["identity"]["pid"], 777);
        let mut tls = Map::new();
        tls.insert("actor".into(), json!({"identity": {"source": "tls", "user": "ops"}}));
        c.attach("unix:///var/run/docker.sock", EVENT_MS * 1_000_000, &mut tls);
        assert_eq!(tls["actor"]["identity"]["source"], "tls", "tls comes first");
        let mut remote = Map::new();
        remote.insert("actor".into(), json!({"identity": {"source": "unknown"}}));
        c.attach("tcp://10.0.0.1:2376", EVENT_MS * 1_000_000, &mut remote);
        assert_eq!(remote["actor"]["identity"], json!({"source": "unknown"}), "another host's log is not here");
    }

    /// Every identity this module writes is valid in docs/watch.schema.json, in a whole
    /// finding record, and the ECS form carries the uid and the process.
    #[test]
    fn identities_follow_the_record_schema() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/watch.schema.json");
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let record = |identity: Value| {
            json!({"schema": "dockward.watch/1", "kind": "watch.finding", "time": "2026-12-04T22:38:09.273625716Z",
                "seq": 1, "source": "events",
                "host": {"name": "vm", "label": "local", "engine_id": "X", "endpoint": "unix:///var/run/docker.sock"},
                "event": {"type": "container", "action": "create", "actor_id": "f7", "scope": "local", "time_nano": 1},
                "object": {"kind": "container", "name": "web"}, "actor": {"identity": identity},
                "findings": [], "change": "new"})
        };
        let w = window(&connect("1733350000.400", 456, 777, UNSET_AUID, 0, "/usr/bin/docker", "/run/docker.sock"));
        let one = w.verdict(EVENT_MS, &filter().sockets, &filter());
        let mut two = w.verdict(EVENT_MS, &filter().sockets, &filter());
        if let Verdict::One(c, _) = &mut two {
            c.auid = 1000;
        }
        for verdict in [one, two, Verdict::Unknown(0), Verdict::Unknown(3)] {
            let r = record(identity(&verdict));
            let errors: Vec<String> = validator.iter_errors(&r).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{r}: {errors:?}");
        }
        // What the schema refuses: an auditd identity without its process, a guessed unknown.
        for bad in [
            json!({"source": "auditd", "uid": 0}),
            json!({"source": "unknown", "pid": 7}),
            json!({"source": "auditd", "uid": 0, "auid": 4294967295u64, "pid": 1, "exe": "/x", "comm": "x", "confidence": "one-connect"}),
        ] {
            assert!(!validator.is_valid(&record(bad.clone())), "{bad}");
        }
        let ecs = crate::record::ecs(&record(identity(&w.verdict(EVENT_MS, &filter().sockets, &filter()))));
        assert_eq!(ecs["user"]["id"], "0");
        assert_eq!(ecs["process"], json!({"pid": 777, "executable": "/usr/bin/docker", "name": "docker"}));
    }
}
