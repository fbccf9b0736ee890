//! `docker run` / `docker create` / `docker container run|create` lines as
//! [`ContainerSpec`]s.
//!
//! The input is a tokenized shell command whose word ranges are already offsets in
//! `file`. Flags are read like the Docker CLI (spf13/pflag, interspersed flags off):
//! `--flag=v`, `--flag v`, `-p80:80`, `-dit` clusters where the last flag of a cluster
//! may take the rest of the cluster or the next word as its value, `--` ends the
//! flags, and the first word that is not a flag is the image; the rest is the command.
//! Every value keeps the exact byte range of its text (or of the whole word when the
//! word was quoted or escaped so its text differs from the source).

use std::sync::Arc;

use dockward_diagnostics::Location;
use dockward_shell::{Command, Word};
use dockward_source::{SourceFile, TextRange, TextSize};

use crate::container::*;
use crate::provenance::Val;

/// Whether a flag takes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// A boolean flag: `--init`, `--init=false`.
    Bool,
    /// Takes a value: `--memory 512m`, `--memory=512m`, `-m512m`.
    Value,
}

/// One flag of `docker run`: its long name, short letter and arity.
#[derive(Debug, Clone, Copy)]
pub struct FlagDef {
    pub long: &'static str,
    pub short: Option<char>,
    pub arity: Arity,
}

const fn v(long: &'static str) -> FlagDef {
    FlagDef { long, short: None, arity: Arity::Value }
}
const fn vs(long: &'static str, short: char) -> FlagDef {
    FlagDef { long, short: Some(short), arity: Arity::Value }
}
const fn b(long: &'static str) -> FlagDef {
    FlagDef { long, short: None, arity: Arity::Bool }
}
const fn bs(long: &'static str, short: char) -> FlagDef {
    FlagDef { long, short: Some(short), arity: Arity::Bool }
}

/// Every flag of `docker run` and `docker create` in the current Docker CLI (27/28),
/// hidden and deprecated ones included, with their aliases (`--net`, `--net-alias`,
/// `--dns-opt`) as separate entries.
pub static RUN_FLAGS: &[FlagDef] = &[
    v("add-host"),
    v("annotation"),
    vs("attach", 'a'),
    v("blkio-weight"),
    v("blkio-weight-device"),
    v("cap-add"),
    v("cap-drop"),
    v("cgroup-parent"),
    v("cgroupns"),
    v("cidfile"),
    v("cpu-count"),
    v("cpu-percent"),
    v("cpu-period"),
    v("cpu-quota"),
    v("cpu-rt-period"),
    v("cpu-rt-runtime"),
    vs("cpu-shares", 'c'),
    v("cpus"),
    v("cpuset-cpus"),
    v("cpuset-mems"),
    bs("detach", 'd'),
    v("detach-keys"),
    v("device"),
    v("device-cgroup-rule"),
    v("device-read-bps"),
    v("device-read-iops"),
    v("device-write-bps"),
    v("device-write-iops"),
    b("disable-content-trust"),
    v("dns"),
    v("dns-opt"),
    v("dns-option"),
    v("dns-search"),
    v("domainname"),
    v("entrypoint"),
    vs("env", 'e'),
    v("env-file"),
    v("expose"),
    v("gpus"),
    v("group-add"),
    v("health-cmd"),
    v("health-interval"),
    v("health-retries"),
    v("health-start-interval"),
    v("health-start-period"),
    v("health-timeout"),
    b("help"),
    vs("hostname", 'h'),
    b("init"),
    bs("interactive", 'i'),
    v("io-maxbandwidth"),
    v("io-maxiops"),
    v("ip"),
    v("ip6"),
    v("ipc"),
    v("isolation"),
    v("kernel-memory"),
    vs("label", 'l'),
    v("label-file"),
    v("link"),
    v("link-local-ip"),
    v("log-driver"),
    v("log-opt"),
    v("mac-address"),
    vs("memory", 'm'),
    v("memory-reservation"),
    v("memory-swap"),
    v("memory-swappiness"),
    v("mount"),
    v("name"),
    v("net"),
    v("net-alias"),
    v("network"),
    v("network-alias"),
    b("no-healthcheck"),
    b("oom-kill-disable"),
    v("oom-score-adj"),
    v("pid"),
    v("pids-limit"),
    v("platform"),
    b("privileged"),
    vs("publish", 'p'),
    bs("publish-all", 'P'),
    v("pull"),
    bs("quiet", 'q'),
    b("read-only"),
    v("restart"),
    b("rm"),
    v("runtime"),
    v("security-opt"),
    v("shm-size"),
    b("sig-proxy"),
    v("stop-signal"),
    v("stop-timeout"),
    v("storage-opt"),
    v("sysctl"),
    v("tmpfs"),
    bs("tty", 't'),
    v("ulimit"),
    b("use-api-socket"),
    vs("user", 'u'),
    v("userns"),
    v("uts"),
    vs("volume", 'v'),
    v("volume-driver"),
    v("volumes-from"),
    vs("workdir", 'w'),
];

/// Global `docker` flags that may come before the subcommand and take a value.
const GLOBAL_VALUE_FLAGS: &[&str] =
    &["--config", "-c", "--context", "-H", "--host", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey"];

fn long_flag(name: &str) -> Option<&'static FlagDef> {
    RUN_FLAGS.iter().find(|f| f.long == name)
}

fn short_flag(c: char) -> Option<&'static FlagDef> {
    RUN_FLAGS.iter().find(|f| f.short == Some(c))
}

/// A problem in a `docker run` line (an unknown flag, a missing value or image).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunLineError {
    pub range: TextRange,
    pub message: String,
}

/// A parsed `docker run` line.
#[derive(Debug, Clone)]
pub struct RunLine {
    /// `run` or `create`.
    pub subcommand: String,
    /// Where flags can be inserted: just after the `run`/`create` word.
    pub insert_at: TextSize,
    pub spec: ContainerSpec,
    pub errors: Vec<RunLineError>,
    /// Set when the line's flags cannot be known: a word where the flags or the image
    /// are read expands to words the script does not show (`"${args[@]}"`, `"$@"`,
    /// an unquoted `$FLAGS` before the image), so it may hold `--privileged` as well
    /// as nothing. The spec then says nothing true about the container and must not
    /// be judged. The range is the word's.
    pub opaque: Option<RunLineError>,
}

/// When `w` is a whole-word expansion that may stand for any number of flags: an
/// array (`"${args[@]}"`, `${a[*]}`), the positional parameters (`"$@"`, `$*`), or an
/// unquoted scalar (`$FLAGS`, `${opts}`) that word splitting may turn into flags
/// (unless it is the line's last word, where it can only be the image, or its name
/// says it is one: `$IMAGE`, `${APP_IMG}`).
fn flag_holder(w: &Word, last: bool) -> Option<&str> {
    let t = w.text.as_str();
    if matches!(t, "$@" | "$*" | "${@}" | "${*}") {
        return Some(t);
    }
    let name_ok = |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let inner = t.strip_prefix("${").and_then(|r| r.strip_suffix('}'));
    if let Some(array) = inner.and_then(|i| i.strip_suffix("[@]").or_else(|| i.strip_suffix("[*]"))) {
        return name_ok(array).then_some(t);
    }
    let scalar = inner.or_else(|| t.strip_prefix('$'));
    let names_an_image = |n: &str| {
        let n = n.to_ascii_lowercase();
        n.contains("image") || n.contains("img")
    };
    (scalar.is_some_and(|n| name_ok(n) && !names_an_image(n)) && !w.quoted && !last).then_some(t)
}

/// A piece of text with the source range it was written at. `exact` when `text` is
/// the source slice byte for byte, so sub-ranges can be computed.
#[derive(Debug, Clone)]
struct Piece {
    text: String,
    range: TextRange,
    exact: bool,
}

impl Piece {
    fn of_word(file: &SourceFile, w: &Word) -> Piece {
        let exact = file.text().get(std::ops::Range::<usize>::from(w.range)) == Some(w.text.as_str());
        Piece { text: w.text.to_string(), range: w.range, exact }
    }

    /// The part `start..end` (byte offsets into `text`); the whole range when the text
    /// is not a verbatim slice of the source.
    fn sub(&self, start: usize, end: usize) -> Piece {
        let text = self.text[start..end].to_string();
        if !self.exact {
            return Piece { text, range: self.range, exact: false };
        }
        let s = self.range.start() + TextSize::from(start as u32);
        let e = self.range.start() + TextSize::from(end as u32);
        Piece { text, range: TextRange::new(s, e), exact: true }
    }

    fn from(&self, start: usize) -> Piece {
        self.sub(start, self.text.len())
    }

    /// Splits at the first `sep` into the parts before and after it.
    fn split_once(&self, sep: char) -> Option<(Piece, Piece)> {
        let i = self.text.find(sep)?;
        Some((self.sub(0, i), self.from(i + sep.len_utf8())))
    }

    /// Splits on every `sep`.
    fn split(&self, sep: char) -> Vec<Piece> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, c) in self.text.char_indices() {
            if c == sep {
                out.push(self.sub(start, i));
                start = i + c.len_utf8();
            }
        }
        out.push(self.from(start));
        out
    }
}

/// True if `cmd` is a `docker run`/`create` line; returns the index of the
/// subcommand word (`run`/`create`) in argv.
pub fn run_subcommand_index(cmd: &Command) -> Option<usize> {
    let argv = &cmd.argv;
    let mut i = 0;
    // `sudo [-E] [-u user] docker run ...`
    if argv.first().is_some_and(|w| w.text.rsplit('/').next() == Some("sudo")) {
        i = 1;
        while i < argv.len() && argv[i].text.starts_with('-') {
            i += if matches!(argv[i].text.as_str(), "-u" | "-g" | "-C" | "-h" | "-p") { 2 } else { 1 };
        }
    }
    if argv.get(i)?.text.rsplit('/').next() != Some("docker") {
        return None;
    }
    i += 1;
    while let Some(w) = argv.get(i) {
        let t = w.text.as_str();
        if !t.starts_with('-') {
            break;
        }
        i += if GLOBAL_VALUE_FLAGS.contains(&t) { 2 } else { 1 };
    }
    let mut sub = argv.get(i)?.text.as_str();
    if sub == "container" {
        i += 1;
        sub = argv.get(i)?.text.as_str();
    }
    matches!(sub, "run" | "create").then_some(i)
}

/// Parses `cmd` when it is a `docker run`/`create` line; `None` otherwise. Word ranges
/// must be offsets in `file`.
pub fn parse_run_command(file: &Arc<SourceFile>, cmd: &Command) -> Option<RunLine> {
    let sub = run_subcommand_index(cmd)?;
    let argv = &cmd.argv;
    let first = argv.first()?.range;
    let last = argv.last()?.range;
    // Words spliced in from a shell array (run_lines) point at the array's definition,
    // which may come before the line: ranges cover both ends whatever their order.
    let cover = |a: TextRange, b: TextRange| a.cover(b);
    let origin = Location::source(file, cover(first, last));
    let at = |r: TextRange| Location::source(file, r);
    let mut b = Builder {
        spec: ContainerSpec::new(SpecSource::RunCommand, String::new(), origin),
        errors: Vec::new(),
        file: file.clone(),
    };
    let words: Vec<Piece> = argv[sub + 1..].iter().map(|w| Piece::of_word(file, w)).collect();
    let mut i = 0;
    let mut name: Option<String> = None;
    while i < words.len() {
        let w = &words[i];
        let t = w.text.as_str();
        if t == "--" {
            i += 1;
            break;
        }
        if !t.starts_with('-') || t == "-" {
            break;
        }
        i += 1;
        if let Some(body) = t.strip_prefix("--") {
            let (fname, inline) = match body.find('=') {
                Some(eq) => (&body[..eq], Some(w.from(2 + eq + 1))),
                None => (body, None),
            };
            let Some(def) = long_flag(fname) else {
                b.error(w.range, format!("unknown flag `--{fname}` for `docker {}`", argv[sub].text));
                continue;
            };
            let flag_range = w.sub(0, 2 + fname.len()).range;
            let value = match (def.arity, inline) {
                (_, Some(v)) => Some(v),
                (Arity::Bool, None) => None,
                (Arity::Value, None) => match words.get(i) {
                    Some(v) => {
                        i += 1;
                        Some(v.clone())
                    }
                    None => {
                        b.error(w.range, format!("flag `--{fname}` needs a value"));
                        continue;
                    }
                },
            };
            if def.long == "name" {
                name = value.as_ref().map(|v| v.text.clone());
            }
            b.apply(def, flag_range, w.range, value);
        } else {
            // A cluster of short flags: `-dit`, `-p80:80`, `-itp 80:80`.
            let mut pos = 1;
            while pos < t.len() {
                let c = t[pos..].chars().next().expect("in bounds");
                // A lone `-P` is reported as the whole word; in a cluster, the letter.
                let flag_piece = if t.len() == 1 + c.len_utf8() { w.clone() } else { w.sub(pos, pos + c.len_utf8()) };
                pos += c.len_utf8();
                let Some(def) = short_flag(c) else {
                    b.error(flag_piece.range, format!("unknown shorthand flag `{c}` in `{t}`"));
                    break;
                };
                match def.arity {
                    Arity::Bool => {
                        // pflag also reads `-d=false`.
                        if t[pos..].starts_with('=') {
                            let value = w.from(pos + 1);
                            b.apply(def, flag_piece.range, w.range, Some(value));
                            break;
                        }
                        b.apply(def, flag_piece.range, w.range, None);
                    }
                    Arity::Value => {
                        let value = if pos < t.len() {
                            let start = if t[pos..].starts_with('=') { pos + 1 } else { pos };
                            Some(w.from(start))
                        } else if let Some(v) = words.get(i) {
                            i += 1;
                            Some(v.clone())
                        } else {
                            b.error(w.range, format!("flag `-{c}` needs a value"));
                            None
                        };
                        if let Some(value) = value {
                            b.apply(def, flag_piece.range, w.range, Some(value));
                        }
                        break;
                    }
                }
            }
        }
    }
    let mut opaque = None;
    if let Some(held) = argv.get(sub + 1 + i).and_then(|w| flag_holder(w, sub + 1 + i == argv.len() - 1)) {
        opaque = Some(RunLineError {
            range: argv[sub + 1 + i].range,
            message: format!(
                "this `docker {}` line cannot be judged: its flags come from `{held}`, which is not a literal \
                 assignment in this file",
                argv[sub].text
            ),
        });
    }
    match words.get(i) {
        Some(image) => {
            b.spec.image = Some(Val::new(image.text.clone(), at(image.range)));
            let rest = &words[i + 1..];
            if let (Some(f), Some(l)) = (rest.first(), rest.last()) {
                let cmdv = rest.iter().map(|p| p.text.clone()).collect();
                b.spec.command = Some(Val::new(cmdv, at(cover(f.range, l.range))));
            }
            b.spec.name = name.unwrap_or_else(|| image.text.clone());
        }
        None => {
            b.error(cover(first, last), format!("`docker {}` without an image", argv[sub].text));
            b.spec.name = name.unwrap_or_else(|| "docker run".to_string());
        }
    }
    b.spec.flag_insert_point = Some(FlagInsertPoint { file: file.clone(), offset: argv[sub].range.end() });
    b.spec.masked_paths_disabled = b.spec.systempaths_unconfined();
    Some(RunLine {
        subcommand: argv[sub].text.to_string(),
        insert_at: argv[sub].range.end(),
        spec: b.spec,
        errors: b.errors,
        opaque,
    })
}

struct Builder {
    spec: ContainerSpec,
    errors: Vec<RunLineError>,
    file: Arc<SourceFile>,
}

impl Builder {
    fn error(&mut self, range: TextRange, message: String) {
        self.errors.push(RunLineError { range, message });
    }

    fn at(&self, r: TextRange) -> Location {
        Location::source(&self.file, r)
    }

    fn val(&self, p: &Piece) -> Val<String> {
        Val::new(p.text.clone(), self.at(p.range))
    }

    /// A boolean flag's value: true when bare, else what `=value` says.
    fn bool_val(&mut self, flag: TextRange, word: TextRange, value: Option<Piece>) -> Option<Val<bool>> {
        match value {
            None => Some(Val::new(true, self.at(flag))),
            Some(p) => match p.text.to_ascii_lowercase().as_str() {
                "true" | "1" | "t" => Some(Val::new(true, self.at(word))),
                "false" | "0" | "f" => Some(Val::new(false, self.at(word))),
                other => {
                    self.error(p.range, format!("invalid boolean `{other}`"));
                    None
                }
            },
        }
    }

    fn apply(&mut self, def: &FlagDef, flag: TextRange, word: TextRange, value: Option<Piece>) {
        // `whole` spans the flag word and its value (for whole-entry locations).
        let whole = |v: &Piece| TextRange::new(word.start().min(v.range.start()), word.end().max(v.range.end()));
        if def.arity == Arity::Bool {
            let Some(val) = self.bool_val(flag, word, value) else { return };
            match def.long {
                "privileged" => self.spec.privileged = Some(val),
                "read-only" => self.spec.read_only = Some(val),
                "init" => self.spec.init = Some(val),
                "rm" => self.spec.auto_remove = Some(val),
                "detach" => self.spec.detach = Some(val),
                "oom-kill-disable" => self.spec.resources.oom_kill_disable = Some(val),
                "publish-all" => self.spec.publish_all = Some(val),
                "no-healthcheck" => {
                    let at = val.at.clone();
                    self.spec.healthcheck = Some(Healthcheck { disabled: Some(val), test: None, at });
                }
                _ => {}
            }
            return;
        }
        let Some(p) = value else { return };
        match def.long {
            "cap-add" => self.spec.cap_add.push(self.val(&p)),
            "cap-drop" => self.spec.cap_drop.push(self.val(&p)),
            "security-opt" => self.spec.security_opt.push(self.val(&p)),
            "user" => self.spec.user = Some(self.val(&p)),
            "pid" => self.spec.pid = Some(self.val(&p)),
            "ipc" => self.spec.ipc = Some(self.val(&p)),
            "uts" => self.spec.uts = Some(self.val(&p)),
            "userns" => self.spec.userns_mode = Some(self.val(&p)),
            "cgroupns" => self.spec.cgroupns_mode = Some(self.val(&p)),
            "cgroup-parent" => self.spec.cgroup_parent = Some(self.val(&p)),
            "device" => self.spec.devices.push(self.val(&p)),
            "env-file" => self.spec.env_files.push(self.val(&p)),
            "entrypoint" => self.spec.entrypoint = Some(Val::new(vec![p.text.clone()], self.at(p.range))),
            "cpuset-cpus" => self.spec.resources.cpuset = Some(self.val(&p)),
            "network" | "net" => {
                let mode = p.text.as_str();
                if matches!(mode, "host" | "none" | "bridge" | "default") || mode.starts_with("container:") {
                    self.spec.network_mode = Some(self.val(&p));
                } else {
                    self.spec.networks.push(self.val(&p));
                }
            }
            "memory" | "memory-reservation" | "memory-swap" => {
                let Some(n) = parse_size(&p.text) else {
                    if !p.text.contains('$') {
                        self.error(p.range, format!("invalid size `{}` for --{}", p.text, def.long));
                    }
                    return;
                };
                let val = Some(Val::new(n, self.at(p.range)));
                match def.long {
                    "memory" => self.spec.resources.memory = val,
                    "memory-reservation" => self.spec.resources.memory_reservation = val,
                    _ => self.spec.resources.memory_swap = val,
                }
            }
            "cpus" => match p.text.parse::<f64>() {
                Ok(n) => self.spec.resources.cpus = Some(Val::new(n, self.at(p.range))),
                Err(_) if p.text.contains('$') => {}
                Err(_) => self.error(p.range, format!("invalid number `{}` for --cpus", p.text)),
            },
            "cpu-shares" | "pids-limit" => match p.text.parse::<i64>() {
                Ok(n) => {
                    let val = Some(Val::new(n, self.at(p.range)));
                    if def.long == "pids-limit" {
                        self.spec.resources.pids_limit = val;
                    } else {
                        self.spec.resources.cpu_shares = val;
                    }
                }
                Err(_) if p.text.contains('$') => {}
                Err(_) => self.error(p.range, format!("invalid number `{}` for --{}", p.text, def.long)),
            },
            "restart" => {
                let (policy, max) = match p.split_once(':') {
                    Some((a, b)) => (a, Some(b)),
                    None => (p.clone(), None),
                };
                let max_retries = max.and_then(|m| m.text.parse::<i64>().ok().map(|n| Val::new(n, self.at(m.range))));
                self.spec.restart = Some(RestartPolicy { policy: self.val(&policy), max_retries });
            }
            "health-cmd" => {
                let at = self.at(whole(&p));
                let test = Val::new(vec!["CMD-SHELL".to_string(), p.text.clone()], self.at(p.range));
                match &mut self.spec.healthcheck {
                    Some(h) => h.test = Some(test),
                    None => self.spec.healthcheck = Some(Healthcheck { disabled: None, test: Some(test), at }),
                }
            }
            "env" | "label" | "sysctl" | "log-opt" => {
                let (k, val) = match p.split_once('=') {
                    Some((k, v)) => (k, Some(v)),
                    None => (p.clone(), None),
                };
                match def.long {
                    "env" => self.spec.env.push(EnvVar {
                        name: self.val(&k),
                        value: val.map(|v| self.val(&v)),
                        from_file: None,
                    }),
                    "label" => {
                        let v = val.unwrap_or_else(|| p.from(p.text.len()));
                        let v = self.val(&v);
                        self.spec.labels.push((k.text.clone(), v));
                    }
                    "sysctl" => {
                        let Some(v) = val else {
                            self.error(p.range, format!("sysctl `{}` needs a value (`name=value`)", p.text));
                            return;
                        };
                        let entry = (self.val(&k), self.val(&v));
                        self.spec.sysctls.push(entry);
                    }
                    _ => {
                        let v = val.unwrap_or_else(|| p.from(p.text.len()));
                        let entry = (self.val(&k), self.val(&v));
                        self.spec
                            .logging
                            .get_or_insert(Logging { driver: None, options: Vec::new() })
                            .options
                            .push(entry);
                    }
                }
            }
            "log-driver" => {
                let driver = Some(self.val(&p));
                self.spec.logging.get_or_insert(Logging { driver: None, options: Vec::new() }).driver = driver;
            }
            "ulimit" => {
                let Some((name, limits)) = p.split_once('=') else {
                    self.error(p.range, format!("ulimit `{}` needs a value (`name=soft[:hard]`)", p.text));
                    return;
                };
                let (soft, hard) = match limits.text.split_once(':') {
                    Some((s, h)) => (s.parse().ok(), h.parse().ok()),
                    None => (limits.text.parse().ok(), limits.text.parse().ok()),
                };
                self.spec.resources.ulimits.push(Ulimit { name: self.val(&name), soft, hard });
            }
            "publish" => match parse_port(&p) {
                Some(port) => {
                    let port = PortMapping {
                        host_ip: port.host_ip.map(|x| self.val(&x)),
                        host_port: port.host_port.map(|x| self.val(&x)),
                        container_port: self.val(&port.container_port),
                        protocol: port.protocol,
                        at: self.at(whole(&p)),
                    };
                    self.spec.ports.push(port);
                }
                None => self.error(p.range, format!("invalid port mapping `{}`", p.text)),
            },
            "volume" => {
                let m = self.volume(&p, whole(&p));
                self.spec.mounts.push(m);
            }
            "mount" => {
                if let Some(m) = self.mount(&p, whole(&p)) {
                    self.spec.mounts.push(m);
                }
            }
            "tmpfs" => {
                let target = p.split_once(':').map(|(t, _)| t).unwrap_or_else(|| p.clone());
                self.spec.mounts.push(Mount {
                    kind: MountKind::Tmpfs,
                    source: None,
                    target: self.val(&target),
                    read_only: None,
                    propagation: None,
                    at: self.at(whole(&p)),
                });
            }
            _ => {}
        }
    }

    /// `-v [source:]target[:options]`.
    fn volume(&mut self, p: &Piece, whole: TextRange) -> Mount {
        let parts = p.split(':');
        let (source, target, opts) = match parts.len() {
            1 => (None, parts[0].clone(), None),
            2 => (Some(parts[0].clone()), parts[1].clone(), None),
            _ => (Some(parts[0].clone()), parts[1].clone(), Some(parts[2].clone())),
        };
        let kind = match &source {
            Some(s) if looks_like_host_path(&s.text) => MountKind::Bind,
            _ => MountKind::Volume,
        };
        let mut read_only = None;
        let mut propagation = None;
        if let Some(opts) = opts {
            for o in opts.split(',') {
                match o.text.as_str() {
                    "ro" | "readonly" => read_only = Some(Val::new(true, self.at(o.range))),
                    "rw" => read_only = Some(Val::new(false, self.at(o.range))),
                    "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate" => {
                        propagation = Some(self.val(&o))
                    }
                    _ => {}
                }
            }
        }
        Mount {
            kind,
            source: source.map(|s| self.val(&s)),
            target: self.val(&target),
            read_only,
            propagation,
            at: self.at(whole),
        }
    }

    /// `--mount type=bind,source=/x,target=/y,readonly,bind-propagation=rshared`.
    fn mount(&mut self, p: &Piece, whole: TextRange) -> Option<Mount> {
        let mut kind = MountKind::Volume;
        let (mut source, mut target, mut read_only, mut propagation) = (None, None, None, None);
        for field in p.split(',') {
            let (k, v) = match field.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (field.clone(), None),
            };
            match k.text.to_ascii_lowercase().as_str() {
                "type" => {
                    kind = match v.as_ref().map(|v| v.text.as_str()) {
                        Some("bind") => MountKind::Bind,
                        Some("tmpfs") => MountKind::Tmpfs,
                        Some("npipe") => MountKind::Npipe,
                        Some("cluster") => MountKind::Cluster,
                        Some("image") => MountKind::Image,
                        _ => MountKind::Volume,
                    }
                }
                "source" | "src" => source = v.map(|v| self.val(&v)),
                "target" | "destination" | "dst" => target = v.map(|v| self.val(&v)),
                "readonly" | "ro" => {
                    let on = v.as_ref().is_none_or(|v| matches!(v.text.as_str(), "true" | "1"));
                    read_only = Some(Val::new(on, self.at(field.range)));
                }
                "bind-propagation" => propagation = v.map(|v| self.val(&v)),
                _ => {}
            }
        }
        let Some(target) = target else {
            self.error(p.range, format!("--mount `{}` has no target", p.text));
            return None;
        };
        Some(Mount { kind, source, target, read_only, propagation, at: self.at(whole) })
    }
}

/// A `-v` source that is a host path rather than a volume name. Expansions such as
/// `$PWD` or `$(pwd)` expand to absolute paths.
fn looks_like_host_path(s: &str) -> bool {
    s.starts_with(['/', '.', '~', '$', '`']) || s.as_bytes().get(1) == Some(&b':')
}

struct RawPort {
    host_ip: Option<Piece>,
    host_port: Option<Piece>,
    container_port: Piece,
    protocol: String,
}

/// `[ip:][host_port:]container_port[/protocol]`, with `[v6]` addresses.
fn parse_port(p: &Piece) -> Option<RawPort> {
    let (spec, protocol) = match p.text.rfind('/') {
        Some(i) => (p.sub(0, i), p.text[i + 1..].to_ascii_lowercase()),
        None => (p.clone(), "tcp".to_string()),
    };
    let (host_ip, rest) = if spec.text.starts_with('[') {
        let close = spec.text.find(']')?;
        let ip = spec.sub(1, close);
        let rest = spec.from(close + 1);
        (Some(ip), rest.text.strip_prefix(':').map(|_| rest.from(1))?)
    } else {
        let colons = spec.text.matches(':').count();
        if colons >= 2 {
            // The host port and container port are the last two parts; anything before
            // is the address (an IPv6 address written without brackets).
            let idx: Vec<usize> = spec.text.match_indices(':').map(|(i, _)| i).collect();
            let second_last = idx[idx.len() - 2];
            (Some(spec.sub(0, second_last)), spec.from(second_last + 1))
        } else {
            (None, spec.clone())
        }
    };
    let (host_port, container_port) = match rest.split_once(':') {
        Some((h, c)) => ((!h.text.is_empty()).then_some(h), c),
        None => (None, rest),
    };
    if container_port.text.is_empty() {
        return None;
    }
    let host_ip = host_ip.filter(|ip| !ip.text.is_empty());
    Some(RawPort { host_ip, host_port, container_port, protocol })
}

/// Docker's size syntax: `512m`, `1g`, `1.5GiB`, `1024` (bytes).
pub fn parse_size(s: &str) -> Option<i64> {
    let lower = s.trim().to_ascii_lowercase();
    let num_end = lower.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(lower.len());
    let (num, unit) = lower.split_at(num_end);
    let n: f64 = num.parse().ok()?;
    let unit = unit.trim_end_matches('b').trim_end_matches('i');
    let mult: f64 = match unit {
        "" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        "t" => 1024f64.powi(4),
        "p" => 1024f64.powi(5),
        _ => return None,
    };
    Some((n * mult) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Arc<SourceFile>, RunLine) {
        let file = SourceFile::new("run.sh", None, text);
        let script = dockward_shell::tokenize(text);
        let cmd = script.commands.iter().find(|c| run_subcommand_index(c).is_some()).expect("a docker run line");
        let line = parse_run_command(&file, cmd).expect("parsed");
        (file, line)
    }

    fn src<'a>(text: &'a str, at: &Location) -> &'a str {
        &text[at.range().expect("source location")]
    }

    #[test]
    fn clusters_equals_forms_image_and_command() {
        let t = "docker run -dit --name=web -p80:80 --memory 512m -e A=b nginx:1.25 sh -c 'echo hi'";
        let (_, l) = parse(t);
        assert!(l.errors.is_empty(), "{:?}", l.errors);
        let s = &l.spec;
        assert_eq!(s.name, "web");
        assert_eq!(src(t, &s.image.as_ref().unwrap().at), "nginx:1.25");
        assert_eq!(s.command.as_ref().unwrap().value, ["sh", "-c", "echo hi"]);
        assert_eq!(src(t, &s.command.as_ref().unwrap().at), "sh -c 'echo hi'");
        assert_eq!(s.resources.memory.as_ref().unwrap().value, 512 * 1024 * 1024);
        assert_eq!(src(t, &s.resources.memory.as_ref().unwrap().at), "512m");
        assert_eq!(src(t, &s.ports[0].container_port.at), "80");
        assert_eq!(src(t, &s.ports[0].host_port.as_ref().unwrap().at), "80");
        assert_eq!(src(t, &s.ports[0].at), "-p80:80");
        assert_eq!(src(t, &s.env[0].name.at), "A");
        assert_eq!(src(t, &s.env[0].value.as_ref().unwrap().at), "b");
        assert_eq!(src(t, &s.origin), t);
        assert_eq!(&t[..usize::from(l.insert_at)], "docker run");
    }

    #[test]
    fn value_flag_ending_a_cluster_takes_the_next_word() {
        let t = "docker container create -itp 127.0.0.1:8080:80/udp alpine";
        let (_, l) = parse(t);
        assert_eq!(l.subcommand, "create");
        let p = &l.spec.ports[0];
        assert_eq!(src(t, &p.host_ip.as_ref().unwrap().at), "127.0.0.1");
        assert_eq!(src(t, &p.host_port.as_ref().unwrap().at), "8080");
        assert_eq!(p.protocol, "udp");
        assert_eq!(l.spec.image.as_ref().unwrap().value, "alpine");
    }

    #[test]
    fn ports_in_every_form() {
        let t = "docker run -p 80 -p [::1]:53:53 -p 0.0.0.0::9000 -p ::1:22:22 x";
        let (_, l) = parse(t);
        let got: Vec<_> = l
            .spec
            .ports
            .iter()
            .map(|p| {
                (
                    p.host_ip.as_ref().map(|v| v.value.clone()),
                    p.host_port.as_ref().map(|v| v.value.clone()),
                    p.container_port.value.clone(),
                )
            })
            .collect();
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            got,
            [
                (None, None, "80".to_string()),
                (s("::1"), s("53"), "53".to_string()),
                (s("0.0.0.0"), None, "9000".to_string()),
                (s("::1"), s("22"), "22".to_string()),
            ]
        );
    }

    #[test]
    fn volumes_mounts_and_tmpfs() {
        let t = "docker run -v /var/run/docker.sock:/var/run/docker.sock:ro,z -v data:/data -v /cache \
                 --mount type=bind,source=/etc,target=/host/etc,readonly,bind-propagation=rshared --tmpfs /run:size=64m img";
        let (_, l) = parse(t);
        assert!(l.errors.is_empty(), "{:?}", l.errors);
        let m = &l.spec.mounts;
        assert_eq!(m.len(), 5);
        assert_eq!(m[0].kind, MountKind::Bind);
        assert!(m[0].is_read_only());
        assert_eq!(src(t, &m[0].read_only.as_ref().unwrap().at), "ro");
        assert_eq!(src(t, &m[0].source.as_ref().unwrap().at), "/var/run/docker.sock");
        assert_eq!(m[1].kind, MountKind::Volume);
        assert!(m[2].source.is_none());
        assert_eq!(m[3].kind, MountKind::Bind);
        assert!(m[3].is_read_only());
        assert_eq!(src(t, &m[3].source.as_ref().unwrap().at), "/etc");
        assert_eq!(m[3].propagation.as_ref().unwrap().value, "rshared");
        assert_eq!(m[4].kind, MountKind::Tmpfs);
        assert_eq!(src(t, &m[4].target.at), "/run");
    }

    #[test]
    fn security_namespaces_restart_and_bools() {
        let t = "docker run --privileged=false --read-only --cap-add SYS_ADMIN --security-opt seccomp=unconfined \
                 --network host --pid=host --restart on-failure:5 --no-healthcheck --init -u 0 x";
        let (_, l) = parse(t);
        let s = &l.spec;
        assert!(!s.privileged.as_ref().unwrap().value);
        assert_eq!(src(t, &s.privileged.as_ref().unwrap().at), "--privileged=false");
        assert!(s.read_only.as_ref().unwrap().value);
        assert_eq!(src(t, &s.cap_add[0].at), "SYS_ADMIN");
        assert_eq!(s.security_opt[0].value, "seccomp=unconfined");
        assert_eq!(s.network_mode.as_ref().unwrap().value, "host");
        assert_eq!(src(t, &s.pid.as_ref().unwrap().at), "host");
        let r = s.restart.as_ref().unwrap();
        assert_eq!(src(t, &r.policy.at), "on-failure");
        assert_eq!(r.max_retries.as_ref().unwrap().value, 5);
        assert!(s.healthcheck.as_ref().unwrap().is_disabled());
        assert!(s.init.as_ref().unwrap().value);
        assert_eq!(s.user.as_ref().unwrap().value, "0");
    }

    #[test]
    fn quoted_values_point_at_the_whole_word() {
        let t = "docker run -e \"TOKEN=a b\" x";
        let (_, l) = parse(t);
        assert_eq!(l.spec.env[0].value.as_ref().unwrap().value, "a b");
        assert_eq!(src(t, &l.spec.env[0].name.at), "\"TOKEN=a b\"");
    }

    #[test]
    fn line_continuations_keep_source_offsets() {
        let t = "docker run \\\n  --cap-add=NET_ADMIN \\\n  alpine";
        let (_, l) = parse(t);
        assert_eq!(src(t, &l.spec.cap_add[0].at), "NET_ADMIN");
        assert_eq!(src(t, &l.spec.image.as_ref().unwrap().at), "alpine");
    }

    #[test]
    fn unknown_flags_and_missing_values_are_errors_not_panics() {
        let t = "docker run --bogus -x --memory";
        let (_, l) = parse(t);
        let got: Vec<_> = l.errors.iter().map(|e| (&t[e.range], e.message.as_str())).collect();
        assert_eq!(got[0].0, "--bogus");
        assert!(got[0].1.contains("unknown flag"));
        assert_eq!(got[1].0, "-x");
        assert_eq!(got[2].0, "--memory");
        assert!(got[3].1.contains("without an image"));
    }

    #[test]
    fn only_run_and_create_lines_match() {
        for (t, yes) in [
            ("docker run x", true),
            ("sudo -E docker run x", true),
            ("/usr/bin/docker -H tcp://h:2375 container run x", true),
            ("docker build .", false),
            ("docker container ls", false),
            ("echo docker run", false),
        ] {
            let script = dockward_shell::tokenize(t);
            assert_eq!(run_subcommand_index(&script.commands[0]).is_some(), yes, "{t}");
        }
    }

    #[test]
    fn malformed_values_never_panic() {
        for t in [
            "docker run",
            "docker run -",
            "docker run --",
            "docker run -p '' x",
            "docker run -p : x",
            "docker run -p [ x",
            "docker run -p '[::1' x",
            "docker run -v : x",
            "docker run -v ::: x",
            "docker run --mount , x",
            "docker run --mount type=bind x",
            "docker run -m 99999999999999999999g x",
            "docker run -m lots x",
            "docker run --cpus many x",
            "docker run --restart on-failure:abc x",
            "docker run --ulimit = --ulimit nofile x",
            "docker run --sysctl k x",
            "docker run -é x",
            "docker run -dé x",
            "docker run --privileged=maybe x",
            "docker run -e = -e '' --label = x",
        ] {
            let file = SourceFile::new("x.sh", None, t);
            let script = dockward_shell::tokenize(t);
            let line = parse_run_command(&file, &script.commands[0]).expect("a run line");
            for e in &line.errors {
                assert!(usize::from(e.range.end()) <= t.len(), "{t}: {e:?}");
            }
        }
        let (_, l) = parse("docker run -m lots --cpus many --privileged=maybe x");
        assert_eq!(l.errors.len(), 3, "{:?}", l.errors);
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512m"), Some(536_870_912));
        assert_eq!(parse_size("1GiB"), Some(1 << 30));
        assert_eq!(parse_size("100"), Some(100));
        assert_eq!(parse_size("lots"), None);
    }
}
