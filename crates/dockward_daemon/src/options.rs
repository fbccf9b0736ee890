//! The documented dockerd options (Linux), as `daemon.json` keys with their types and
//! the command-line flags that set the same thing.
//!
//! From the dockerd reference ("Daemon configuration file", Docker Engine 20.10 to
//! 28). Keys dockerd has removed (`graph`, `cluster-store`, `disable-legacy-registry`)
//! are kept with `removed` set, so they are reported as such rather than as typos.

/// The JSON type dockerd decodes a key into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionType {
    Bool,
    /// An integer (Go `int`/`int64`).
    Int,
    String,
    /// An array of strings.
    StringList,
    /// An object of string values (`log-opts`, `labels` is a list).
    StringMap,
    /// An object with values of any shape (`runtimes`, `default-ulimits`, `features`).
    Object,
    /// An array of objects (`default-address-pools`).
    ObjectList,
}

impl OptionType {
    pub fn describe(self) -> &'static str {
        match self {
            OptionType::Bool => "a boolean",
            OptionType::Int => "an integer",
            OptionType::String => "a string",
            OptionType::StringList => "an array of strings",
            OptionType::StringMap => "an object of strings",
            OptionType::Object => "an object",
            OptionType::ObjectList => "an array of objects",
        }
    }
}

/// One option.
#[derive(Debug, Clone, Copy)]
pub struct DaemonOptionInfo {
    /// The `daemon.json` key.
    pub key: &'static str,
    pub ty: OptionType,
    /// The long flag when it differs from the key (`insecure-registry` for
    /// `insecure-registries`); `""` when the option has no flag.
    pub flag: Option<&'static str>,
    /// A one-letter flag (`-H`, `-D`, `-l`...).
    pub short: Option<char>,
    /// Removed from dockerd; still recognised so the message can say so.
    pub removed: Option<&'static str>,
}

const fn opt(key: &'static str, ty: OptionType) -> DaemonOptionInfo {
    DaemonOptionInfo { key, ty, flag: None, short: None, removed: None }
}

const fn flag(key: &'static str, ty: OptionType, flag: &'static str) -> DaemonOptionInfo {
    DaemonOptionInfo { key, ty, flag: Some(flag), short: None, removed: None }
}

const fn short(mut o: DaemonOptionInfo, c: char) -> DaemonOptionInfo {
    o.short = Some(c);
    o
}

const fn removed(mut o: DaemonOptionInfo, why: &'static str) -> DaemonOptionInfo {
    o.removed = Some(why);
    o
}

use OptionType::*;

/// Every option, sorted by key.
pub static OPTIONS: &[DaemonOptionInfo] = &[
    flag("allow-nondistributable-artifacts", StringList, "allow-nondistributable-artifacts"),
    opt("api-cors-header", String),
    flag("authorization-plugins", StringList, "authorization-plugin"),
    opt("bip", String),
    opt("bip6", String),
    short(opt("bridge", String), 'b'),
    opt("builder", Object),
    flag("cdi-spec-dirs", StringList, "cdi-spec-dir"),
    opt("cgroup-parent", String),
    removed(opt("cluster-advertise", String), "removed in Docker 23.0 (legacy overlay networking)"),
    removed(opt("cluster-store", String), "removed in Docker 23.0 (legacy overlay networking)"),
    removed(flag("cluster-store-opts", StringMap, "cluster-store-opt"), "removed in Docker 23.0"),
    opt("containerd", String),
    opt("containerd-namespace", String),
    opt("containerd-plugins-namespace", String),
    opt("cpu-rt-period", Int),
    opt("cpu-rt-runtime", Int),
    opt("cri-containerd", Bool),
    opt("data-root", String),
    short(opt("debug", Bool), 'D'),
    flag("default-address-pools", ObjectList, "default-address-pool"),
    opt("default-cgroupns-mode", String),
    opt("default-gateway", String),
    opt("default-gateway-v6", String),
    opt("default-ipc-mode", String),
    flag("default-network-opts", Object, "default-network-opt"),
    opt("default-runtime", String),
    opt("default-shm-size", String),
    flag("default-ulimits", Object, "default-ulimit"),
    removed(opt("disable-legacy-registry", Bool), "removed in Docker 17.12"),
    opt("dns", StringList),
    flag("dns-opts", StringList, "dns-opt"),
    opt("dns-search", StringList),
    flag("exec-opts", StringList, "exec-opt"),
    opt("exec-root", String),
    opt("experimental", Bool),
    flag("features", Object, "feature"),
    opt("firewall-backend", String),
    opt("fixed-cidr", String),
    opt("fixed-cidr-v6", String),
    removed(short(opt("graph", String), 'g'), "removed in Docker 23.0; use `data-root`"),
    short(opt("group", String), 'G'),
    opt("host-gateway-ip", String),
    flag("host-gateway-ips", StringList, "host-gateway-ip"),
    short(flag("hosts", StringList, "host"), 'H'),
    opt("icc", Bool),
    opt("init", Bool),
    opt("init-path", String),
    flag("insecure-registries", StringList, "insecure-registry"),
    opt("ip", String),
    opt("ip-forward", Bool),
    opt("ip-forward-no-drop", Bool),
    opt("ip-masq", Bool),
    opt("ip6tables", Bool),
    opt("iptables", Bool),
    opt("ipv6", Bool),
    flag("labels", StringList, "label"),
    opt("live-restore", Bool),
    opt("log-driver", String),
    opt("log-format", String),
    short(opt("log-level", String), 'l'),
    flag("log-opts", StringMap, "log-opt"),
    opt("max-concurrent-downloads", Int),
    opt("max-concurrent-uploads", Int),
    opt("max-download-attempts", Int),
    opt("metrics-addr", String),
    opt("min-api-version", String),
    opt("mtu", Int),
    opt("network-control-plane-mtu", Int),
    opt("no-new-privileges", Bool),
    flag("node-generic-resources", StringList, "node-generic-resource"),
    opt("oom-score-adjust", Int),
    short(opt("pidfile", String), 'p'),
    opt("proxies", Object),
    opt("raw-logs", Bool),
    flag("registry-mirrors", StringList, "registry-mirror"),
    flag("runtimes", Object, "add-runtime"),
    opt("seccomp-profile", String),
    opt("selinux-enabled", Bool),
    opt("shutdown-timeout", Int),
    short(opt("storage-driver", String), 's'),
    flag("storage-opts", StringList, "storage-opt"),
    opt("swarm-default-advertise-addr", String),
    opt("tls", Bool),
    opt("tlscacert", String),
    opt("tlscert", String),
    opt("tlskey", String),
    opt("tlsverify", Bool),
    opt("userland-proxy", Bool),
    opt("userland-proxy-path", String),
    opt("userns-remap", String),
];

/// The option a `daemon.json` key names.
pub fn by_key(key: &str) -> Option<&'static DaemonOptionInfo> {
    OPTIONS.binary_search_by(|o| o.key.cmp(key)).ok().map(|i| &OPTIONS[i])
}

/// The option a long flag name (without `--`) sets.
pub fn by_flag(name: &str) -> Option<&'static DaemonOptionInfo> {
    OPTIONS.iter().find(|o| o.flag == Some(name)).or_else(|| OPTIONS.iter().find(|o| o.flag.is_none() && o.key == name))
}

/// The option a one-letter flag sets.
pub fn by_short(c: char) -> Option<&'static DaemonOptionInfo> {
    OPTIONS.iter().find(|o| o.short == Some(c))
}

/// Flags dockerd takes that are not configuration options (they select the file, or
/// are only for the command line).
pub const NON_OPTION_FLAGS: &[&str] = &["config-file", "validate", "help", "version", "rootless"];

/// The closest documented key to an unknown one, if it is close enough to be a typo.
pub fn suggest(unknown: &str) -> Option<&'static str> {
    let lower = unknown.to_ascii_lowercase().replace('_', "-");
    if let Some(o) = by_key(&lower).or_else(|| by_flag(&lower)) {
        return Some(o.key);
    }
    let limit = (unknown.len() / 3).clamp(1, 3);
    OPTIONS
        .iter()
        .map(|o| (bounded_edit_distance(&lower, o.key, limit), o.key))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, k)| k)
}

/// Levenshtein distance over chars.
pub fn edit_distance(a: &str, b: &str) -> usize {
    bounded_edit_distance(a, b, usize::MAX)
}

/// Levenshtein distance, or something above `limit` as soon as it must exceed it.
/// Two rows on the stack for keys up to 63 chars (every option key), heap beyond.
fn bounded_edit_distance(a: &str, b: &str, limit: usize) -> usize {
    let b_len = b.chars().count();
    let mut stack = [[0usize; 64]; 2];
    let mut heap;
    let (prev, cur): (&mut [usize], &mut [usize]) = if b_len < 64 {
        let [p, c] = &mut stack;
        (&mut p[..=b_len], &mut c[..=b_len])
    } else {
        heap = vec![vec![0; b_len + 1]; 2];
        let (p, c) = heap.split_at_mut(1);
        (&mut p[0][..], &mut c[0][..])
    };
    for (j, x) in prev.iter_mut().enumerate() {
        *x = j;
    }
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.chars().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > limit {
            return limit.saturating_add(1);
        }
        prev.copy_from_slice(cur);
    }
    prev[b_len]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        for w in OPTIONS.windows(2) {
            assert!(w[0].key < w[1].key, "{} before {}", w[0].key, w[1].key);
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(by_flag("insecure-registry").unwrap().key, "insecure-registries");
        assert_eq!(by_flag("icc").unwrap().key, "icc");
        assert_eq!(by_short('H').unwrap().key, "hosts");
        assert!(by_flag("hosts").is_none());
        assert_eq!(by_key("log-opts").unwrap().ty, StringMap);
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("live-restor"), Some("live-restore"));
        assert_eq!(suggest("insecure-registry"), Some("insecure-registries"));
        assert_eq!(suggest("log_level"), Some("log-level"));
        assert_eq!(suggest("userns-remmap"), Some("userns-remap"));
        assert_eq!(suggest("completely-different"), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(bounded_edit_distance("abcdef", "uvwxyz", 2), 3);
        assert_eq!(edit_distance(&"a".repeat(70), &"b".repeat(70)), 70);
    }
}
