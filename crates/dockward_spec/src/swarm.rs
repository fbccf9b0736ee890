//! A swarm as one node sees it: the node's own state (`/info` `Swarm`), and on a
//! manager the cluster's settings, nodes, services, secrets and configs. Built by
//! `dockward_engine`; read by the SW rules. Services are `ContainerSpec`s (source
//! [`SpecSource::SwarmService`](crate::SpecSource::SwarmService)) so the CT rules run
//! over them unchanged.
//!
//! Locations are logical: `swarm/Spec.EncryptionConfig.AutoLockManagers`,
//! `node/<hostname>/ManagerStatus.Addr`, `service/<name>/Spec.TaskTemplate.ContainerSpec.User`.
//! The join tokens and the unlock key are never read (see `dockward_engine::read`).

use std::sync::Arc;

use dockward_diagnostics::Location;
use dockward_source::{SourceFile, TextRange, TextSize};

use crate::container::ContainerSpec;
use crate::provenance::Val;

/// The swarm a node belongs to. Present when `/info` shows the node in a swarm
/// (`LocalNodeState` other than `inactive`).
#[derive(Debug, Clone)]
pub struct SwarmView {
    /// `swarm/Info.Swarm.LocalNodeState`: `active`, `pending`, `error`, `locked`.
    pub local_node_state: Val<String>,
    /// `swarm/Info.Swarm.NodeAddr`: the address this node advertises.
    pub node_addr: Option<Val<String>>,
    /// `/info` `Swarm.ControlAvailable`: this node is a manager, so the cluster's
    /// objects below were read.
    pub manager: bool,
    /// `Info.Swarm.Nodes` / `Info.Swarm.Managers` (managers only).
    pub node_count: Option<Val<i64>>,
    pub manager_count: Option<Val<i64>>,
    /// The cluster's settings (managers only).
    pub cluster: Option<ClusterSettings>,
    /// `/nodes`, sorted by hostname (managers only).
    pub nodes: Vec<NodeView>,
    /// `/services`, as container specs at `service/<name>/Spec...`, sorted by name.
    pub services: Vec<ContainerSpec>,
    /// `/secrets` and `/configs` names (their data is never read), sorted.
    pub secrets: Vec<String>,
    pub configs: Vec<String>,
    /// The TCP sockets listening on the host (`--host-root`: `proc/net/tcp` and
    /// `proc/net/tcp6`); `None` when no host root was given.
    pub listening: Option<Vec<Listener>>,
}

/// The swarm-wide settings a manager reports.
#[derive(Debug, Clone)]
pub struct ClusterSettings {
    /// `swarm/Spec.EncryptionConfig.AutoLockManagers`; `false` when the field is absent.
    pub auto_lock_managers: Val<bool>,
    /// `swarm/Spec.CAConfig.NodeCertExpiry`, in seconds (the API has nanoseconds).
    pub node_cert_expiry_secs: Option<Val<i64>>,
    /// The root CA certificate's notBefore, seconds since the Unix epoch, located at
    /// `swarm/TLSInfo.TrustRoot`; `None` when the PEM could not be read.
    pub ca_not_before: Option<Val<i64>>,
    /// `swarm/DataPathPort` (VXLAN, default 4789).
    pub data_path_port: Option<Val<u32>>,
    /// `swarm/DefaultAddrPool[i]`.
    pub default_addr_pool: Vec<Val<String>>,
}

/// One node of the swarm.
#[derive(Debug, Clone)]
pub struct NodeView {
    pub hostname: String,
    /// `node/<hostname>/Spec.Role`: `manager` or `worker`.
    pub role: Val<String>,
    /// `node/<hostname>/Spec.Availability`: `active`, `pause`, `drain`.
    pub availability: Option<Val<String>>,
    /// `node/<hostname>/Status.State`: `ready`, `down`, ...
    pub state: Option<Val<String>>,
    /// `node/<hostname>/Status.Addr`: the address the node's data plane uses.
    pub addr: Option<Val<String>>,
    /// `node/<hostname>/ManagerStatus.Addr`: `ip:port` of the manager's raft
    /// (management plane); `None` for a worker.
    pub manager_addr: Option<Val<String>>,
    /// `node/<hostname>/ManagerStatus.Reachability`.
    pub reachability: Option<Val<String>>,
}

impl NodeView {
    pub fn is_manager(&self) -> bool {
        self.role.value == "manager"
    }
}

/// A listening TCP socket, located at its line of `proc/net/tcp{,6}`.
#[derive(Debug, Clone)]
pub struct Listener {
    /// `0.0.0.0`, `127.0.0.1`, `::`, `::1`, ...
    pub ip: String,
    pub port: u16,
    pub at: Location,
}

impl Listener {
    /// Bound to every interface (`0.0.0.0`, `::`, or `::ffff:0.0.0.0`: the IPv4
    /// wildcard mapped into a `tcp6` socket).
    pub fn is_wildcard(&self) -> bool {
        self.ip == "0.0.0.0" || self.ip == "::" || self.ip == "::ffff:0.0.0.0"
    }
}

/// The sockets in `LISTEN` state (`st` 0A) of a `/proc/net/tcp` or `/proc/net/tcp6`
/// file, each located at its line. Lines that do not parse are skipped.
pub fn listening_sockets(file: &Arc<SourceFile>) -> Vec<Listener> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    for line in file.text().split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let mut fields = line.split_whitespace();
        let (Some(_sl), Some(local), Some(_remote), Some(state)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if state != "0A" {
            continue;
        }
        let Some((ip, port)) = local.split_once(':') else { continue };
        let (Some(ip), Ok(port)) = (proc_net_ip(ip), u16::from_str_radix(port, 16)) else { continue };
        let trimmed = line.trim_end_matches('\n');
        let range = TextRange::new(TextSize::from(start as u32), TextSize::from((start + trimmed.len()) as u32));
        out.push(Listener { ip, port, at: Location::source(file, range) });
    }
    out
}

/// An address as `/proc/net/tcp{,6}` writes it: the 32-bit words of the address in
/// host byte order (little-endian on every platform Docker runs swarm on), in hex.
fn proc_net_ip(hex: &str) -> Option<String> {
    let words: Vec<u32> = (0..hex.len() / 8)
        .map(|i| hex.get(i * 8..i * 8 + 8).and_then(|w| u32::from_str_radix(w, 16).ok()))
        .collect::<Option<_>>()?;
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    match bytes.len() {
        4 => Some(std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string()),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(&bytes);
            Some(std::net::Ipv6Addr::from(a).to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_sockets_of_proc_net_tcp_and_tcp6() {
        let tcp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
   0: 00000000:0949 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n\
   1: 0100007F:1F0A 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0\n\
   2: 0100007F:1F0A 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0\n";
        let file = SourceFile::new("proc/net/tcp", None, tcp.to_string());
        let got: Vec<_> = listening_sockets(&file).into_iter().map(|l| (l.is_wildcard(), l.ip, l.port)).collect();
        assert_eq!(got, [(true, "0.0.0.0".to_string(), 2377), (false, "127.0.0.1".to_string(), 7946)]);
        let tcp6 = "  sl  local_address                         remote_address                        st\n\
   0: 00000000000000000000000000000000:1F0A 00000000000000000000000000000000:0000 0A 0\n\
   1: 00000000000000000000000001000000:0949 00000000000000000000000000000000:0000 0A 0\n";
        let file = SourceFile::new("proc/net/tcp6", None, tcp6.to_string());
        let got = listening_sockets(&file);
        let pairs: Vec<_> = got.iter().map(|l| (l.ip.as_str(), l.port)).collect();
        assert_eq!(pairs, [("::", 7946), ("::1", 2377)]);
        let line = &file.text()[got[1].at.range().unwrap()];
        assert!(line.trim_start().starts_with("1: ") && !line.ends_with('\n'), "{line:?}");
    }

    #[test]
    fn an_ipv4_mapped_wildcard_in_tcp6_is_every_interface() {
        // `::ffff:0.0.0.0` (a v6 socket bound to the mapped IPv4 wildcard) and `::ffff:10.0.0.1`.
        let tcp6 = "0: 0000000000000000FFFF000000000000:0949 00000000000000000000000000000000:0000 0A 0\n\
                    1: 0000000000000000FFFF00000100000A:0949 00000000000000000000000000000000:0000 0A 0\n";
        let file = SourceFile::new("proc/net/tcp6", None, tcp6.to_string());
        let got: Vec<_> = listening_sockets(&file).into_iter().map(|l| (l.ip.clone(), l.is_wildcard())).collect();
        assert_eq!(got, [("::ffff:0.0.0.0".to_string(), true), ("::ffff:10.0.0.1".to_string(), false)]);
    }

    #[test]
    fn malformed_lines_are_skipped() {
        let file = SourceFile::new("t", None, "0: zz:1 0 0A\n1: 00000000:XYZ 0 0A\n\n".to_string());
        assert!(listening_sockets(&file).is_empty());
    }
}
