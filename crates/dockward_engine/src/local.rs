//! The local daemon behind a unix socket or a loopback TCP port: which dockerd process
//! serves it (from its command line in `/proc`) and so which daemon.json it reads.
//! Settings such as `no-new-privileges` show in daemon.json, not in `/info`.

use std::path::{Path, PathBuf};

/// The default config file of a rootful dockerd.
pub const DEFAULT_DAEMON_JSON: &str = "/etc/docker/daemon.json";

/// What a dockerd command line says about its sockets and config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerdArgs {
    /// `-H` / `--host` values; empty means the default socket.
    pub hosts: Vec<String>,
    pub config_file: Option<PathBuf>,
}

/// Parses a dockerd argv (`argv[0]` included); `None` if it is not dockerd.
pub fn parse_dockerd_args(argv: &[String]) -> Option<DockerdArgs> {
    let prog = argv.first()?;
    if Path::new(prog).file_name()? != "dockerd" {
        return None;
    }
    let mut out = DockerdArgs { hosts: Vec::new(), config_file: None };
    let mut it = argv[1..].iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next().cloned());
        match flag {
            "-H" | "--host" => {
                if let Some(v) = value() {
                    out.hosts.push(v);
                }
            }
            "--config-file" => out.config_file = value().map(PathBuf::from),
            _ => {}
        }
    }
    Some(out)
}

impl DockerdArgs {
    /// True if this daemon serves the unix socket at `path`. No `-H`, or `fd://`
    /// (systemd socket activation), means the default socket.
    pub fn serves(&self, path: &str) -> bool {
        let default = matches!(path, "/var/run/docker.sock" | "/run/docker.sock");
        if self.hosts.is_empty() {
            return default;
        }
        self.hosts.iter().any(|h| {
            let h = h.strip_prefix("unix://").unwrap_or(h);
            h == path || (default && (h.starts_with("fd://") || h == "/var/run/docker.sock" || h == "/run/docker.sock"))
        })
    }

    /// True if this daemon listens on TCP `port` on an address loopback reaches
    /// (`tcp://127.0.0.1:P`, `tcp://0.0.0.0:P`, `tcp://:P`, `tcp://[::]:P`, ...).
    pub fn serves_tcp_port(&self, port: u16) -> bool {
        self.hosts.iter().any(|h| {
            let Some(rest) = h.strip_prefix("tcp://") else { return false };
            let Some((addr, p)) = rest.rsplit_once(':') else { return false };
            let addr = addr.trim_start_matches('[').trim_end_matches(']');
            p.parse() == Ok(port) && matches!(addr, "" | "0.0.0.0" | "127.0.0.1" | "localhost" | "::" | "::1")
        })
    }

    fn serves_address(&self, address: &LocalAddress) -> bool {
        match address {
            LocalAddress::Unix(path) => self.serves(path),
            LocalAddress::LoopbackTcp(port) => self.serves_tcp_port(*port),
        }
    }

    pub fn daemon_json(&self) -> PathBuf {
        self.config_file.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_DAEMON_JSON))
    }
}

/// The local dockerd serving a socket: its process and command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalDockerd {
    pub pid: u32,
    /// `/proc/<pid>/cmdline` as read (arguments separated by NUL bytes).
    pub cmdline: Vec<u8>,
    pub args: DockerdArgs,
}

/// Where an engine URL reaches a daemon that may run on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalAddress {
    /// `unix:///path`.
    Unix(String),
    /// `tcp://` or `https://` to 127.0.0.1, localhost or ::1.
    LoopbackTcp(u16),
}

/// The local address of an engine URL, `None` for a remote one.
pub fn local_address(host: &str) -> Option<LocalAddress> {
    if let Some(path) = host.strip_prefix("unix://") {
        return Some(LocalAddress::Unix(path.to_string()));
    }
    let rest = host.strip_prefix("tcp://").or_else(|| host.strip_prefix("https://"))?;
    let authority = rest.split('/').next().unwrap_or(rest);
    let (addr, port) = authority.rsplit_once(':')?;
    let addr = addr.trim_start_matches('[').trim_end_matches(']');
    matches!(addr, "127.0.0.1" | "localhost" | "::1").then_some(())?;
    port.parse().ok().map(LocalAddress::LoopbackTcp)
}

/// The local dockerd serving `address`, found through `/proc`.
pub fn dockerd_serving(address: &LocalAddress) -> Option<LocalDockerd> {
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let name = entry.file_name();
        let Ok(pid) = name.to_string_lossy().parse::<u32>() else { continue };
        let Ok(raw) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let argv: Vec<String> =
            raw.split(|b| *b == 0).filter(|a| !a.is_empty()).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
        if let Some(args) = parse_dockerd_args(&argv) {
            if args.serves_address(address) {
                return Some(LocalDockerd { pid, cmdline: raw, args });
            }
        }
    }
    None
}

/// The local dockerd serving the unix `socket`, found through `/proc`.
pub fn dockerd_for_socket(socket: &str) -> Option<LocalDockerd> {
    dockerd_serving(&LocalAddress::Unix(socket.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn dockerd_command_lines_give_sockets_and_config() {
        let a = parse_dockerd_args(&argv("/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock"))
            .unwrap();
        assert!(a.serves("/var/run/docker.sock"));
        assert!(!a.serves("/tmp/other.sock"));
        assert_eq!(a.daemon_json(), PathBuf::from(DEFAULT_DAEMON_JSON));
        let a = parse_dockerd_args(&argv("dockerd --config-file=/tmp/d/daemon.json -H unix:///tmp/d/d.sock")).unwrap();
        assert!(a.serves("/tmp/d/d.sock") && !a.serves("/var/run/docker.sock"));
        assert_eq!(a.daemon_json(), PathBuf::from("/tmp/d/daemon.json"));
        assert!(parse_dockerd_args(&argv("/usr/bin/containerd")).is_none());
        assert!(parse_dockerd_args(&argv("/usr/sbin/dockerd")).unwrap().serves("/run/docker.sock"));
    }

    #[test]
    fn loopback_tcp_ports_find_their_daemon() {
        let a = parse_dockerd_args(&argv("dockerd -H unix:///var/run/docker.sock -H tcp://0.0.0.0:2376 --tlsverify"))
            .unwrap();
        assert!(a.serves_tcp_port(2376) && !a.serves_tcp_port(2375));
        let a = parse_dockerd_args(&argv("dockerd --host=tcp://[::1]:2375")).unwrap();
        assert!(a.serves_tcp_port(2375));
        let a = parse_dockerd_args(&argv("dockerd -H tcp://10.0.0.5:2376")).unwrap();
        assert!(!a.serves_tcp_port(2376), "not reachable on loopback");

        assert_eq!(local_address("tcp://127.0.0.1:2376"), Some(LocalAddress::LoopbackTcp(2376)));
        assert_eq!(local_address("https://localhost:2376/"), Some(LocalAddress::LoopbackTcp(2376)));
        assert_eq!(local_address("tcp://[::1]:2375"), Some(LocalAddress::LoopbackTcp(2375)));
        assert_eq!(local_address("unix:///run/docker.sock"), Some(LocalAddress::Unix("/run/docker.sock".into())));
        assert_eq!(local_address("tcp://10.0.0.5:2376"), None);
        assert_eq!(local_address("ssh://me@127.0.0.1"), None);
        assert_eq!(local_address("tcp://127.0.0.1"), None);
    }
}
