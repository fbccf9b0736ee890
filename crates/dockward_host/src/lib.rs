//! A read-only view of a Docker host's files under a root directory: the daemon's
//! configuration sources at their standard paths, the ownership and modes CIS section
//! 3 asks about, the `docker` group, audit rules, mount points and signs of rootless
//! Docker. Missing files are simply absent ("not applicable"); symlink loops,
//! unreadable and oversized files are [`HostError`]s, never panics.

pub mod parse;
pub mod root;

pub use root::{join, FileStat, HostError, HostRoot};

/// A text file read from the host.
#[derive(Debug, Clone)]
pub struct HostText {
    /// The path on the host (`/etc/docker/daemon.json`).
    pub host_path: String,
    /// How findings name it (the path under the root).
    pub display: String,
    pub bytes: Vec<u8>,
}

/// The unit directories, highest precedence first.
pub const UNIT_DIRS: &[&str] =
    &["/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"];

pub const DAEMON_JSON: &str = "/etc/docker/daemon.json";
pub const DEFAULT_DOCKER: &str = "/etc/default/docker";
pub const SYSCONFIG_DOCKER: &str = "/etc/sysconfig/docker";
pub const DEFAULT_DATA_ROOT: &str = "/var/lib/docker";

/// Where the daemon's configuration comes from on this host.
#[derive(Debug, Clone, Default)]
pub struct DaemonSources {
    pub daemon_json: Option<HostText>,
    /// `docker.service`, then its drop-ins in systemd's order.
    pub units: Vec<HostText>,
    pub default_docker: Option<HostText>,
    pub sysconfig_docker: Option<HostText>,
    pub errors: Vec<HostError>,
}

fn read_text(host: &HostRoot, path: &str, errors: &mut Vec<HostError>) -> Option<HostText> {
    match host.read(path) {
        Ok(Some(bytes)) => Some(HostText { host_path: path.to_string(), display: host.display(path), bytes }),
        Ok(None) => None,
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// The first unit directory holding `name`.
pub fn find_unit(host: &HostRoot, name: &str) -> Option<String> {
    UNIT_DIRS.iter().map(|d| join(d, name)).find(|p| host.resolve(p).ok().flatten().is_some_and(|r| r.is_file()))
}

pub fn daemon_sources(host: &HostRoot) -> DaemonSources {
    let mut s = DaemonSources::default();
    s.daemon_json = read_text(host, DAEMON_JSON, &mut s.errors);
    if let Some(unit) = find_unit(host, "docker.service") {
        s.units.extend(read_text(host, &unit, &mut s.errors));
    }
    // Drop-ins from every directory, sorted by file name; a higher directory's file
    // hides a lower one of the same name.
    let mut drop_ins: Vec<(String, String)> = Vec::new();
    for dir in UNIT_DIRS {
        let d = join(dir, "docker.service.d");
        match host.list(&d) {
            Ok(names) => {
                for n in names.into_iter().filter(|n| n.ends_with(".conf")) {
                    if !drop_ins.iter().any(|(name, _)| *name == n) {
                        drop_ins.push((n.clone(), join(&d, &n)));
                    }
                }
            }
            Err(e) => s.errors.push(e),
        }
    }
    drop_ins.sort();
    for (_, path) in drop_ins {
        s.units.extend(read_text(host, &path, &mut s.errors));
    }
    s.default_docker = read_text(host, DEFAULT_DOCKER, &mut s.errors);
    s.sysconfig_docker = read_text(host, SYSCONFIG_DOCKER, &mut s.errors);
    s
}

/// Who should own a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    RootRoot,
    /// `root:docker` (the Docker socket).
    RootDocker,
}

/// An existing file with the ownership and mode CIS expects of it.
#[derive(Debug, Clone)]
pub struct StatCheck {
    pub host_path: String,
    pub display: String,
    /// What the file is, for messages ("docker.service", "TLS server key").
    pub what: String,
    pub stat: FileStat,
    pub owner: Owner,
    /// The loosest acceptable mode ("644 or more restrictive").
    pub max_mode: u32,
    pub cis_owner: &'static str,
    pub cis_mode: &'static str,
}

/// A path audit rules should watch.
#[derive(Debug, Clone)]
pub struct AuditTarget {
    pub host_path: String,
    pub cis: &'static str,
}

/// What the host rules read.
#[derive(Debug, Clone, Default)]
pub struct HostSnapshot {
    pub group: Option<HostText>,
    pub stats: Vec<StatCheck>,
    /// `/etc/audit/audit.rules` and `/etc/audit/rules.d/*.rules` that exist.
    pub audit_files: Vec<HostText>,
    /// True when `/etc/audit` exists (auditd is installed).
    pub audit_installed: bool,
    /// How `/etc/audit/rules.d` is named in findings when no rule file exists.
    pub audit_rules_dir: String,
    /// Paths that exist and should be audited.
    pub audit_targets: Vec<AuditTarget>,
    /// Canonical spellings of audit watch paths and targets, for matching
    /// `/bin/dockerd` against `/usr/bin/dockerd` on merged-/usr systems.
    pub canonical: Vec<(String, String)>,
    pub mountinfo: Option<HostText>,
    /// The daemon's data root (`data-root`, default `/var/lib/docker`).
    pub data_root: String,
    /// Paths that show rootless Docker is set up.
    pub rootless_evidence: Vec<String>,
    /// True when a rootful daemon is configured (a system unit or `daemon.json`).
    pub rootful_daemon: bool,
    pub errors: Vec<HostError>,
    /// Per-path controls whose file could not be looked at (a stat error).
    pub unknown_controls: Vec<&'static str>,
    /// Names of the legacy Docker plugins dockerd can find on this host: sockets in
    /// `/run/docker/plugins` (`NAME.sock`, `NAME/NAME.sock`), spec files in
    /// `/etc/docker/plugins` and `/usr/lib/docker/plugins` (`NAME.spec`, `NAME.json`),
    /// and systemd socket units listening on `/run/docker/plugins/NAME.sock` (the socket
    /// of a socket-activated plugin exists only at run time). Sorted, unique.
    pub plugin_names: Vec<String>,
}

/// The CIS controls (1.6.0 ids) that each judge one file or directory: audit watches
/// (1.1.3-1.1.18) and ownership and permissions (3.1-3.24). When its file is absent
/// such a control is not applicable, whatever the rule behind it says.
pub const PER_PATH_CONTROLS: &[&str] = &[
    "1.1.3", "1.1.4", "1.1.5", "1.1.6", "1.1.7", "1.1.8", "1.1.9", "1.1.10", "1.1.11", "1.1.12", "1.1.13", "1.1.14",
    "1.1.15", "1.1.16", "1.1.17", "1.1.18", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10",
    "3.11", "3.12", "3.13", "3.14", "3.15", "3.16", "3.17", "3.18", "3.19", "3.20", "3.21", "3.22", "3.23", "3.24",
];

impl HostSnapshot {
    /// The per-path controls ([`PER_PATH_CONTROLS`]) whose file exists on the host, or
    /// could not be looked at (an error is not an absence).
    pub fn controls_with_files(&self) -> std::collections::BTreeSet<&'static str> {
        let mut out: std::collections::BTreeSet<&'static str> =
            self.stats.iter().flat_map(|f| [f.cis_owner, f.cis_mode]).collect();
        out.extend(self.audit_targets.iter().map(|t| t.cis));
        out.extend(self.unknown_controls.iter().copied());
        out
    }
}

/// What the daemon's configuration says about files the host checks look at.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    pub data_root: Option<String>,
    /// `tlscacert`, `tlscert`, `tlskey` paths.
    pub tls_ca: Option<String>,
    pub tls_cert: Option<String>,
    pub tls_key: Option<String>,
    /// A unit or flag says the daemon runs rootless.
    pub rootless_flag: bool,
    /// The daemon's `containerd` option (`--containerd`): the socket of the containerd
    /// it uses.
    pub containerd_socket: Option<String>,
}

/// Where a containerd socket is: the system containerd's, and the one dockerd starts
/// for itself when no `--containerd` is given (`/run/docker/containerd`), as on hosts
/// that run no system containerd.
const CONTAINERD_SOCKETS: &[&str] = &["/run/containerd/containerd.sock", "/run/docker/containerd/containerd.sock"];

const BIN_DIRS: &[&str] = &["/usr/bin", "/usr/sbin", "/usr/local/bin", "/bin", "/sbin"];

/// Depth of `/etc/docker/certs.d` walked (registry dir, then files).
const CERTS_DEPTH: usize = 2;

/// The containerd sockets that exist on the host: the one the daemon names, else the
/// usual places.
fn containerd_sockets(host: &HostRoot, options: &ScanOptions) -> Vec<String> {
    let configured = options.containerd_socket.as_deref().map(|s| s.strip_prefix("unix://").unwrap_or(s));
    let candidates: Vec<&str> = match configured {
        Some(path) if path.starts_with('/') => vec![path],
        _ => CONTAINERD_SOCKETS.to_vec(),
    };
    candidates.into_iter().filter(|p| exists(host, p)).map(String::from).collect()
}

pub fn scan(host: &HostRoot, options: &ScanOptions) -> HostSnapshot {
    let mut s =
        HostSnapshot { data_root: options.data_root.clone().unwrap_or(DEFAULT_DATA_ROOT.into()), ..Default::default() };
    s.group = read_text(host, "/etc/group", &mut s.errors);

    let service = find_unit(host, "docker.service");
    let socket = find_unit(host, "docker.socket");
    let mut wanted: Vec<(String, String, Owner, u32, &'static str, &'static str)> = Vec::new();
    if let Some(p) = &service {
        wanted.push((p.clone(), "docker.service".into(), Owner::RootRoot, 0o644, "3.1", "3.2"));
    }
    if let Some(p) = &socket {
        wanted.push((p.clone(), "docker.socket".into(), Owner::RootRoot, 0o644, "3.3", "3.4"));
    }
    wanted.push((
        "/etc/docker".into(),
        "the Docker configuration directory".into(),
        Owner::RootRoot,
        0o755,
        "3.5",
        "3.6",
    ));
    for cert in walk_files(host, "/etc/docker/certs.d", CERTS_DEPTH, &mut s.errors) {
        wanted.push((cert, "a registry certificate".into(), Owner::RootRoot, 0o444, "3.7", "3.8"));
    }
    for (path, what, mode, cis_o, cis_m) in [
        (&options.tls_ca, "the TLS CA certificate", 0o444, "3.9", "3.10"),
        (&options.tls_cert, "the TLS server certificate", 0o444, "3.11", "3.12"),
        (&options.tls_key, "the TLS server key", 0o400, "3.13", "3.14"),
    ] {
        if let Some(p) = path.as_ref().filter(|p| p.starts_with('/')) {
            wanted.push((p.clone(), what.into(), Owner::RootRoot, mode, cis_o, cis_m));
        }
    }
    wanted.push(("/var/run/docker.sock".into(), "the Docker socket".into(), Owner::RootDocker, 0o660, "3.15", "3.16"));
    wanted.push((DAEMON_JSON.into(), "daemon.json".into(), Owner::RootRoot, 0o644, "3.17", "3.18"));
    wanted.push((DEFAULT_DOCKER.into(), "/etc/default/docker".into(), Owner::RootRoot, 0o644, "3.19", "3.20"));
    wanted.push((SYSCONFIG_DOCKER.into(), "/etc/sysconfig/docker".into(), Owner::RootRoot, 0o644, "3.22", "3.21"));
    let containerd_sockets = containerd_sockets(host, options);
    for sock in &containerd_sockets {
        wanted.push((sock.clone(), "the containerd socket".into(), Owner::RootRoot, 0o660, "3.23", "3.24"));
    }
    for (host_path, what, owner, max_mode, cis_owner, cis_mode) in wanted {
        match host.stat(&host_path) {
            Ok(Some(stat)) => s.stats.push(StatCheck {
                display: host.display(&host_path),
                host_path,
                what,
                stat,
                owner,
                max_mode,
                cis_owner,
                cis_mode,
            }),
            Ok(None) => {}
            Err(e) => {
                s.unknown_controls.extend([cis_owner, cis_mode]);
                s.errors.push(e)
            }
        }
    }

    // Audit rules.
    s.audit_installed = host.resolve("/etc/audit").ok().flatten().is_some();
    s.audit_rules_dir = host.display("/etc/audit/rules.d");
    s.audit_files.extend(read_text(host, "/etc/audit/audit.rules", &mut s.errors));
    match host.list("/etc/audit/rules.d") {
        Ok(names) => {
            for n in names.into_iter().filter(|n| n.ends_with(".rules")) {
                s.audit_files.extend(read_text(host, &join("/etc/audit/rules.d", &n), &mut s.errors));
            }
        }
        Err(e) => s.errors.push(e),
    }
    let binary = |name: &str| BIN_DIRS.iter().map(|d| join(d, name)).find(|p| exists(host, p));
    let mut targets: Vec<(Option<String>, &'static str)> = vec![
        (binary("dockerd"), "1.1.3"),
        (Some("/run/containerd".into()), "1.1.4"),
        (Some(s.data_root.clone()), "1.1.5"),
        (Some("/etc/docker".into()), "1.1.6"),
        (service.clone(), "1.1.7"),
        (socket.clone(), "1.1.9"),
        (Some(DEFAULT_DOCKER.into()), "1.1.10"),
        (Some(DAEMON_JSON.into()), "1.1.11"),
        (Some("/etc/containerd/config.toml".into()), "1.1.12"),
        (Some(SYSCONFIG_DOCKER.into()), "1.1.13"),
        (binary("containerd"), "1.1.14"),
        (binary("containerd-shim"), "1.1.15"),
        (binary("containerd-shim-runc-v1"), "1.1.16"),
        (binary("containerd-shim-runc-v2"), "1.1.17"),
        (binary("runc"), "1.1.18"),
    ];
    targets.extend(containerd_sockets.iter().map(|sock| (Some(sock.clone()), "1.1.8")));
    targets.retain(|(p, _)| p.as_ref().is_some_and(|p| exists(host, p)));
    for (p, cis) in targets {
        let p = p.expect("retained");
        s.audit_targets.push(AuditTarget { host_path: p, cis });
    }
    let mut spellings: Vec<String> = s.audit_targets.iter().map(|t| t.host_path.clone()).collect();
    for f in &s.audit_files {
        let text = String::from_utf8_lossy(&f.bytes);
        spellings.extend(parse::audit_watches(&text).into_iter().map(|w| w.path));
    }
    for p in spellings {
        if let Some(c) = host.canonical(&p) {
            s.canonical.push((p, c));
        }
    }

    s.mountinfo = read_text(host, "/proc/self/mountinfo", &mut s.errors);

    // Rootless Docker: per-user units or sockets.
    for home in host.list("/home").unwrap_or_default() {
        let unit = format!("/home/{home}/.config/systemd/user/docker.service");
        if exists(host, &unit) {
            s.rootless_evidence.push(host.display(&unit));
        }
    }
    for uid in host.list("/run/user").unwrap_or_default() {
        let sock = format!("/run/user/{uid}/docker.sock");
        if exists(host, &sock) {
            s.rootless_evidence.push(host.display(&sock));
        }
    }
    s.rootful_daemon = (service.is_some() && !options.rootless_flag) || exists(host, DAEMON_JSON);
    s.plugin_names = plugin_names(host, &mut s.errors);
    s
}

fn exists(host: &HostRoot, path: &str) -> bool {
    host.resolve(path).ok().flatten().is_some()
}

fn walk_files(host: &HostRoot, dir: &str, depth: usize, errors: &mut Vec<HostError>) -> Vec<String> {
    let mut out = Vec::new();
    let names = match host.list(dir) {
        Ok(n) => n,
        Err(e) => {
            errors.push(e);
            return out;
        }
    };
    for n in names {
        let p = join(dir, &n);
        match host.stat(&p) {
            Ok(Some(st)) if st.is_dir && depth > 1 => out.extend(walk_files(host, &p, depth - 1, errors)),
            Ok(Some(st)) if !st.is_dir => out.push(p),
            Ok(_) => {}
            Err(e) => errors.push(e),
        }
    }
    out
}

/// See [`HostSnapshot::plugin_names`].
fn plugin_names(host: &HostRoot, errors: &mut Vec<HostError>) -> Vec<String> {
    const SOCKETS: &str = "/run/docker/plugins";
    let mut names = std::collections::BTreeSet::new();
    let mut list = |dir: &str| {
        host.list(dir).unwrap_or_else(|e| {
            errors.push(e);
            Vec::new()
        })
    };
    for entry in list(SOCKETS) {
        match entry.strip_suffix(".sock") {
            Some(name) => {
                names.insert(name.to_string());
            }
            None => {
                if list(&join(SOCKETS, &entry)).iter().any(|f| *f == format!("{entry}.sock")) {
                    names.insert(entry);
                }
            }
        }
    }
    for dir in ["/etc/docker/plugins", "/usr/lib/docker/plugins"] {
        for entry in list(dir) {
            if let Some(name) = entry.strip_suffix(".spec").or_else(|| entry.strip_suffix(".json")) {
                names.insert(name.to_string());
            }
        }
    }
    for dir in UNIT_DIRS {
        for unit in list(dir).into_iter().filter(|u| u.ends_with(".socket")) {
            let Ok(Some(bytes)) = host.read(&join(dir, &unit)) else { continue };
            for line in String::from_utf8_lossy(&bytes).lines() {
                let Some(value) = line.trim().strip_prefix("ListenStream=") else { continue };
                let Some(rest) = value.trim().strip_prefix("/run/docker/plugins/") else { continue };
                let file = rest.rsplit('/').next().unwrap_or(rest);
                if let Some(name) = file.strip_suffix(".sock") {
                    names.insert(name.to_string());
                }
            }
        }
    }
    names.into_iter().collect()
}

impl HostSnapshot {
    /// The canonical spelling of `path`, or `path` itself.
    pub fn canonical_of<'a>(&'a self, path: &'a str) -> &'a str {
        self.canonical.iter().find(|(p, _)| p == path).map_or(path, |(_, c)| c.as_str())
    }
}
