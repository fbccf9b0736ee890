//! `DaemonSpec`: the Docker daemon's configuration, normalised.
//!
//! Filled from `daemon.json` and dockerd's command-line flags (systemd units,
//! `/etc/default/docker`, `/etc/sysconfig/docker`) by `dockward_daemon`, or from the
//! live `/info` endpoint by the engine crate (values then point at
//! `Location::Logical { scope: "daemon", path: "SecurityOptions" }` and so on).
//! Daemon rules (DM family) read only this type.
//!
//! Every option is stored under its `daemon.json` key (`icc`, `log-opts`, ...), with
//! flags mapped onto the same key (`--insecure-registry` -> `insecure-registries`), so
//! a rule asks for one key whatever the source.

use std::collections::{HashMap, HashSet};

use dockward_diagnostics::Location;

use crate::provenance::Val;

/// Where the option came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DaemonSource {
    /// A key of a `daemon.json` file.
    ConfigFile,
    /// A dockerd command-line flag (unit file `ExecStart`, `DOCKER_OPTS`, `OPTIONS`).
    Flag,
    /// The live daemon's `/info` reply.
    Live,
}

/// A daemon option's value, shaped like the `daemon.json` value it stands for.
#[derive(Debug, Clone)]
pub enum DaemonValue {
    Bool(bool),
    /// Numbers are kept as written (dockerd reads ints, and floats where it must).
    Number(String),
    String(String),
    List(Vec<Val<DaemonValue>>),
    /// An object's members, in file order (`log-opts`, `default-ulimits`, `runtimes`).
    Map(Vec<(Val<String>, Val<DaemonValue>)>),
    Null,
}

/// Values compare by value; where they were written does not matter.
impl PartialEq for DaemonValue {
    fn eq(&self, other: &Self) -> bool {
        use DaemonValue::*;
        match (self, other) {
            (Bool(a), Bool(b)) => a == b,
            (Number(a), Number(b)) | (String(a), String(b)) => a == b,
            (List(a), List(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.value == y.value),
            (Map(a), Map(b)) => {
                a.len() == b.len()
                    && a.iter().zip(b).all(|((ka, va), (kb, vb))| ka.value == kb.value && va.value == vb.value)
            }
            (Null, Null) => true,
            _ => false,
        }
    }
}

impl DaemonValue {
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            DaemonValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            DaemonValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The member `key` of a map value.
    pub fn get(&self, key: &str) -> Option<&Val<DaemonValue>> {
        match self {
            DaemonValue::Map(members) => members.iter().rev().find(|(k, _)| k.value == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The items of a list value (empty for anything else).
    pub fn items(&self) -> &[Val<DaemonValue>] {
        match self {
            DaemonValue::List(items) => items,
            _ => &[],
        }
    }

    /// The JSON type name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            DaemonValue::Bool(_) => "boolean",
            DaemonValue::Number(_) => "number",
            DaemonValue::String(_) => "string",
            DaemonValue::List(_) => "array",
            DaemonValue::Map(_) => "object",
            DaemonValue::Null => "null",
        }
    }
}

/// One option as set by one source.
#[derive(Debug, Clone)]
pub struct DaemonOption {
    /// The `daemon.json` key, located at the key (file) or the flag name (flag).
    pub key: Val<String>,
    pub value: Val<DaemonValue>,
    pub source: DaemonSource,
}

/// The daemon's configuration from every source that was read.
#[derive(Debug, Clone)]
pub struct DaemonSpec {
    /// Where findings about an absent option are reported: the `daemon.json` object,
    /// the `ExecStart` line, or `daemon/config` for a live daemon.
    pub origin: Location,
    /// True when every source of configuration was read, so an absent option means
    /// dockerd's default. A lone unit file is not complete (a `daemon.json` may set
    /// what it leaves out), so rules about absent options stay quiet on it.
    pub complete: bool,
    /// True when the daemon runs rootless (user namespaces are then implied).
    pub rootless: bool,
    /// Every option, in the order read (files first, then flags).
    pub options: Vec<DaemonOption>,
}

impl DaemonSpec {
    pub fn new(origin: Location, complete: bool) -> Self {
        Self { origin, complete, rootless: false, options: Vec::new() }
    }

    /// The effective setting of `key`: flags win over the file (dockerd refuses both,
    /// which is reported separately), and within one source the last one wins, as in
    /// Go's JSON decoding and flag parsing.
    pub fn get(&self, key: &str) -> Option<&DaemonOption> {
        let flag = self.options.iter().rev().find(|o| o.key.value == key && o.source == DaemonSource::Flag);
        flag.or_else(|| self.options.iter().rev().find(|o| o.key.value == key))
    }

    pub fn value(&self, key: &str) -> Option<&Val<DaemonValue>> {
        self.get(key).map(|o| &o.value)
    }

    pub fn bool(&self, key: &str) -> Option<bool> {
        self.value(key).and_then(|v| v.value.as_bool())
    }

    pub fn str(&self, key: &str) -> Option<&str> {
        self.value(key).and_then(|v| v.value.as_str())
    }

    /// Every list item set for `key`: the items of every flag occurrence (list flags
    /// repeat and add up) and of the file's last occurrence of the key. When both set
    /// it dockerd refuses to start (see [`DaemonSpec::conflicts`]); rules still see
    /// both, so each problem is reported where it is written.
    pub fn list(&self, key: &str) -> Vec<&Val<DaemonValue>> {
        let file = self.options.iter().rev().find(|o| o.key.value == key && o.source != DaemonSource::Flag);
        let flags = self.options.iter().filter(|x| x.key.value == key && x.source == DaemonSource::Flag);
        file.into_iter().chain(flags).flat_map(|x| x.value.value.items()).collect()
    }

    /// Adds what the running daemon reports (`DaemonSource::Live`, from `/info` and the
    /// default bridge) for the options the files and flags leave unset, and for scalar
    /// options whose running value differs from the file (a `daemon.json` edited since
    /// dockerd started): the live value is the one in force. A list the files set is
    /// kept as written (the live one adds dockerd's own entries, such as `127.0.0.0/8`).
    pub fn add_live(&mut self, live: Vec<DaemonOption>) {
        for o in live {
            let keep = match self.get(&o.key.value) {
                None => true,
                Some(set) => !matches!(set.value.value, DaemonValue::List(_)) && set.value.value != o.value.value,
            };
            if keep {
                self.options.push(DaemonOption { source: DaemonSource::Live, ..o });
            }
        }
    }

    /// Options set both by a flag and in the file: dockerd refuses to start.
    pub fn conflicts(&self) -> Vec<(&DaemonOption, &DaemonOption)> {
        // The first file option of each key, then one pass over the flags: a command
        // line of many flags stays linear.
        let mut in_file: HashMap<&str, &DaemonOption> = HashMap::new();
        for o in self.options.iter().filter(|o| o.source == DaemonSource::ConfigFile) {
            in_file.entry(o.key.value.as_str()).or_insert(o);
        }
        let mut reported: HashSet<&str> = HashSet::new();
        let mut out = Vec::new();
        for flag in self.options.iter().filter(|o| o.source == DaemonSource::Flag) {
            if let Some(file) = in_file.get(flag.key.value.as_str()) {
                if reported.insert(flag.key.value.as_str()) {
                    out.push((flag, *file));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opt(key: &str, value: DaemonValue, scope: &str, source: DaemonSource) -> DaemonOption {
        let at = Location::Logical { scope: scope.into(), path: key.into() };
        DaemonOption { key: Val::new(key.into(), at.clone()), value: Val::new(value, at), source }
    }

    #[test]
    fn live_values_fill_gaps_and_win_when_the_file_is_stale() {
        let mut spec = DaemonSpec::new(Location::Logical { scope: "daemon".into(), path: "config".into() }, true);
        spec.options.push(opt("log-driver", DaemonValue::String("json-file".into()), "file", DaemonSource::ConfigFile));
        spec.options.push(opt("live-restore", DaemonValue::Bool(true), "file", DaemonSource::ConfigFile));
        spec.options.push(opt("insecure-registries", DaemonValue::List(Vec::new()), "file", DaemonSource::ConfigFile));
        spec.add_live(vec![
            opt("log-driver", DaemonValue::String("json-file".into()), "daemon", DaemonSource::Live),
            opt("live-restore", DaemonValue::Bool(false), "daemon", DaemonSource::Live),
            opt("icc", DaemonValue::Bool(true), "daemon", DaemonSource::Live),
            opt(
                "insecure-registries",
                DaemonValue::List(vec![Val::new(
                    DaemonValue::String("127.0.0.0/8".into()),
                    Location::Logical { scope: "daemon".into(), path: "x".into() },
                )]),
                "daemon",
                DaemonSource::Live,
            ),
        ]);
        let scope = |k: &str| spec.value(k).map(|v| v.at.name().to_string());
        assert_eq!(scope("log-driver").as_deref(), Some("file"), "same value: the file says where");
        assert_eq!(scope("live-restore").as_deref(), Some("daemon"), "the running value is in force");
        assert_eq!(spec.bool("live-restore"), Some(false));
        assert_eq!(spec.bool("icc"), Some(true));
        assert!(spec.list("insecure-registries").is_empty(), "the file's list is kept");
        assert!(spec.conflicts().is_empty(), "live values are no flag/file conflict");
    }
}
