//! dockerd flags from systemd units and the distributions' environment files.

use std::sync::Arc;

use dockward_diagnostics::Location;
use dockward_source::{SourceFile, TextRange, TextSize};
use dockward_spec::{DaemonOption, DaemonSource, DaemonValue, Val};

use crate::options::{self, OptionType};

/// One word of a command line, unquoted, with the range it was written at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub range: TextRange,
    /// True when the word had no quotes or escapes, so offsets inside `text` are
    /// offsets inside `range`.
    pub plain: bool,
}

fn tr(start: usize, end: usize) -> TextRange {
    TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32))
}

/// Splits `text[start..end]` into words: whitespace separates, `"..."` and `'...'`
/// quote, a backslash escapes the next character, and backslash-newline (a systemd
/// line continuation) is whitespace.
pub fn split_words(text: &str, start: usize, end: usize) -> Vec<Word> {
    let mut words = Vec::new();
    let mut chars = text[start..end].char_indices().map(|(i, c)| (i + start, c)).peekable();
    let mut cur: Option<(usize, String, bool)> = None;
    let mut push = |cur: &mut Option<(usize, String, bool)>, at: usize| {
        if let Some((s, t, plain)) = cur.take() {
            words.push(Word { text: t, range: tr(s, at), plain });
        }
    };
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some((_, '\n'))) => {
                chars.next();
                push(&mut cur, i);
            }
            c if c.is_whitespace() => push(&mut cur, i),
            '"' | '\'' => {
                let w = cur.get_or_insert_with(|| (i, String::new(), true));
                w.2 = false;
                for (_, q) in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    w.1.push(q);
                }
            }
            '\\' => {
                let w = cur.get_or_insert_with(|| (i, String::new(), true));
                w.2 = false;
                if let Some((_, n)) = chars.next() {
                    w.1.push(n);
                }
            }
            c => cur.get_or_insert_with(|| (i, String::new(), true)).1.push(c),
        }
    }
    push(&mut cur, end);
    words
}

/// A flag dockward could not map to an option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagProblem {
    Unknown { range: TextRange, flag: String, suggestion: Option<&'static str> },
    MissingValue { range: TextRange, flag: String },
    Removed { range: TextRange, flag: String, why: &'static str },
}

/// The flags read from one file.
#[derive(Debug, Clone)]
pub struct FlagSet {
    pub file: Arc<SourceFile>,
    pub options: Vec<DaemonOption>,
    pub problems: Vec<FlagProblem>,
    /// The command's range (the `ExecStart` value or the variable's value): where
    /// findings about the command as a whole point.
    pub command: Option<TextRange>,
    /// `$VAR` / `${VAR}` words: flags come from an environment file too.
    pub env_refs: Vec<Word>,
    /// The command runs dockerd rootless (`dockerd-rootless.sh`, `--rootless`).
    pub rootless: bool,
}

impl FlagSet {
    fn new(file: &Arc<SourceFile>) -> Self {
        Self {
            file: file.clone(),
            options: Vec::new(),
            problems: Vec::new(),
            command: None,
            env_refs: Vec::new(),
            rootless: false,
        }
    }
}

/// The effective `ExecStart` of a docker service: the unit, then its drop-ins in
/// order; an empty `ExecStart=` clears what came before, as systemd does.
pub fn read_systemd_units(files: &[Arc<SourceFile>]) -> Option<FlagSet> {
    let mut current: Option<(Arc<SourceFile>, usize, usize)> = None;
    for file in files {
        let text = file.text();
        let mut section = String::new();
        let mut pos = 0;
        while pos < text.len() {
            // A logical line runs to a newline not preceded by a backslash.
            let mut end = pos;
            loop {
                match memchr::memchr(b'\n', &text.as_bytes()[end..]) {
                    Some(i) if text[..end + i].trim_end_matches('\r').ends_with('\\') => end += i + 1,
                    Some(i) => {
                        end += i;
                        break;
                    }
                    None => {
                        end = text.len();
                        break;
                    }
                }
            }
            let line = &text[pos..end];
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            if trimmed.starts_with('[') {
                section = trimmed.trim_end().trim_matches(['[', ']']).to_string();
            } else if section == "Service" && !trimmed.starts_with(['#', ';']) {
                if let Some((key, _)) = trimmed.split_once('=') {
                    if key.trim() == "ExecStart" {
                        let value_start = pos + indent + key.len() + 1;
                        let value = &text[value_start..end];
                        if value.trim().is_empty() {
                            current = None;
                        } else {
                            let lead = value.len() - value.trim_start().len();
                            current = Some((file.clone(), value_start + lead, end));
                        }
                    }
                }
            }
            pos = end + 1;
        }
    }
    let (file, start, end) = current?;
    let words = split_words(file.text(), start, end);
    let mut set = FlagSet::new(&file);
    set.command = Some(tr(start, end.min(file.text().trim_end().len()).max(start)));
    let mut args = words.into_iter();
    let Some(program) = args.next() else { return Some(set) };
    let prog = program.text.trim_start_matches(['-', '@', ':', '+', '!']);
    let base = prog.rsplit('/').next().unwrap_or(prog);
    let mut rest: Vec<Word> = args.collect();
    if base == "docker" && rest.first().is_some_and(|w| w.text == "daemon") {
        rest.remove(0);
    }
    set.rootless = base.starts_with("dockerd-rootless");
    parse_flags(&mut set, rest);
    Some(set)
}

/// The flags of a running dockerd from its `/proc/<pid>/cmdline` (arguments separated
/// by NUL bytes), read as the file `name` whose text is that command line with each NUL
/// shown as a space, so every range is the argument's offset in `/proc`.
pub fn read_proc_cmdline(name: &str, raw: &[u8]) -> FlagSet {
    let lossy = String::from_utf8_lossy(raw).into_owned();
    let trimmed = lossy.trim_end_matches('\0');
    let mut words = Vec::new();
    let mut start = 0;
    for arg in trimmed.split('\0') {
        if !arg.is_empty() {
            words.push(Word { text: arg.to_string(), range: tr(start, start + arg.len()), plain: true });
        }
        start += arg.len() + 1;
    }
    let file = SourceFile::new(name, None, trimmed.replace('\0', " "));
    let mut set = FlagSet::new(&file);
    set.command = Some(tr(0, trimmed.len()));
    let mut args = words.into_iter();
    if let Some(program) = args.next() {
        set.rootless = program.text.rsplit('/').next().is_some_and(|b| b.starts_with("dockerd-rootless"));
    }
    parse_flags(&mut set, args.collect());
    set
}

/// Flags from a shell-style environment file: `DOCKER_OPTS="..."` in
/// `/etc/default/docker`, `OPTIONS='...'` in `/etc/sysconfig/docker`.
pub fn read_env_file(file: &Arc<SourceFile>, variables: &[&str]) -> FlagSet {
    let text = file.text();
    let mut set = FlagSet::new(file);
    let mut words_all = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        let mut lead = body.len() - trimmed.len();
        let stmt = match trimmed.strip_prefix("export ") {
            Some(s) => {
                lead += 7;
                s
            }
            None => trimmed,
        };
        if let Some((name, _)) = stmt.split_once('=') {
            if !stmt.starts_with('#') && variables.contains(&name) {
                let value_start = pos + lead + name.len() + 1;
                let value_end = pos + body.len();
                // The shell removes the quotes, then splits the unquoted expansion.
                let raw = &text[value_start..value_end];
                let (inner_start, inner_end) = match raw.as_bytes().first() {
                    Some(q @ (b'"' | b'\'')) => {
                        let close = raw[1..].find(*q as char).map_or(raw.len(), |i| i + 1);
                        (value_start + 1, value_start + close)
                    }
                    _ => (value_start, value_start + raw.find(" #").unwrap_or(raw.len())),
                };
                set.command = Some(tr(value_start, value_end));
                // A later assignment replaces an earlier one.
                words_all = split_words(text, inner_start, inner_end);
            }
        }
        pos += line.len();
    }
    parse_flags(&mut set, words_all);
    set
}

fn parse_flags(set: &mut FlagSet, words: Vec<Word>) {
    let mut it = words.into_iter().peekable();
    while let Some(w) = it.next() {
        if w.text.starts_with('$') {
            set.env_refs.push(w);
            continue;
        }
        let (info, name, inline): (Option<&options::DaemonOptionInfo>, String, Option<(String, TextRange)>) =
            if let Some(long) = w.text.strip_prefix("--") {
                let (n, v) = match long.split_once('=') {
                    Some((n, v)) => {
                        let off = 2 + n.len() + 1;
                        let r = if w.plain {
                            tr(usize::from(w.range.start()) + off, usize::from(w.range.end()))
                        } else {
                            w.range
                        };
                        (n, Some((v.to_string(), r)))
                    }
                    None => (long, None),
                };
                if n == "rootless" {
                    set.rootless = v.as_ref().is_none_or(|(v, _)| v != "false");
                    continue;
                }
                (options::by_flag(n), format!("--{n}"), v)
            } else if let Some(s) = w.text.strip_prefix('-').filter(|s| !s.is_empty()) {
                let c = s.chars().next().unwrap_or(' ');
                let rest = &s[c.len_utf8()..];
                let v = (!rest.is_empty()).then(|| {
                    let rest = rest.strip_prefix('=').unwrap_or(rest);
                    let off = w.text.len() - rest.len();
                    let r = if w.plain {
                        tr(usize::from(w.range.start()) + off, usize::from(w.range.end()))
                    } else {
                        w.range
                    };
                    (rest.to_string(), r)
                });
                (options::by_short(c), format!("-{c}"), v)
            } else {
                // dockerd takes no positional arguments; a stray word is an unknown flag.
                set.problems.push(FlagProblem::Unknown { range: w.range, flag: w.text.clone(), suggestion: None });
                continue;
            };
        let bare = name.trim_start_matches('-');
        let Some(info) = info else {
            if !options::NON_OPTION_FLAGS.contains(&bare) {
                set.problems.push(FlagProblem::Unknown {
                    range: w.range,
                    flag: name.clone(),
                    suggestion: options::suggest(bare),
                });
            } else if inline.is_none() && bare == "config-file" {
                it.next();
            }
            continue;
        };
        if let Some(why) = info.removed {
            set.problems.push(FlagProblem::Removed { range: w.range, flag: name.clone(), why });
        }
        let flag_range = match &inline {
            Some((_, r)) if w.plain => tr(usize::from(w.range.start()), usize::from(r.start()) - 1),
            _ => w.range,
        };
        let (value, vrange) = match (info.ty, inline) {
            (OptionType::Bool, Some((v, r))) => match v.as_str() {
                "true" | "1" | "t" | "T" | "TRUE" | "True" => (DaemonValue::Bool(true), r),
                "false" | "0" | "f" | "F" | "FALSE" | "False" => (DaemonValue::Bool(false), r),
                _ => (DaemonValue::String(v), r),
            },
            (OptionType::Bool, None) => (DaemonValue::Bool(true), w.range),
            (_, Some((v, r))) => (DaemonValue::String(v), r),
            (_, None) => match it.next_if(|n| !n.text.starts_with('-') || n.text == "-") {
                Some(n) => (DaemonValue::String(n.text), n.range),
                None => {
                    set.problems.push(FlagProblem::MissingValue { range: w.range, flag: name.clone() });
                    continue;
                }
            },
        };
        let at = Location::source(&set.file, vrange);
        let value = shape(info.ty, value, &at);
        set.options.push(DaemonOption {
            key: Val::new(info.key.to_string(), Location::source(&set.file, flag_range)),
            value: Val::new(value, at),
            source: DaemonSource::Flag,
        });
    }
}

/// Gives a flag's string value the shape of the `daemon.json` key it sets: list flags
/// add one item, `--log-opt k=v` one member.
fn shape(ty: OptionType, value: DaemonValue, at: &Location) -> DaemonValue {
    let DaemonValue::String(s) = value else { return value };
    match ty {
        OptionType::Int if s.parse::<i64>().is_ok() => DaemonValue::Number(s),
        OptionType::StringList | OptionType::ObjectList => {
            DaemonValue::List(vec![Val::new(DaemonValue::String(s), at.clone())])
        }
        OptionType::StringMap | OptionType::Object => {
            let (k, v) = s.split_once('=').unwrap_or((&s, ""));
            DaemonValue::Map(vec![(
                Val::new(k.to_string(), at.clone()),
                Val::new(DaemonValue::String(v.into()), at.clone()),
            )])
        }
        _ => DaemonValue::String(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(text: &str) -> FlagSet {
        read_systemd_units(&[SourceFile::new("docker.service", None, text)]).expect("ExecStart")
    }

    fn keys(set: &FlagSet) -> Vec<(String, String)> {
        let t = set.file.text();
        set.options.iter().map(|o| (o.key.value.clone(), t[o.value.at.range().unwrap()].to_string())).collect()
    }

    #[test]
    fn exec_start_with_continuations_and_forms() {
        let set = unit(
            "[Unit]\nDescription=x\n[Service]\nExecStart=/usr/bin/dockerd -H fd:// \\\n  --containerd=/run/containerd/containerd.sock --icc=false \\\n  -D --log-opt max-size=10m -Htcp://0.0.0.0:2375\n",
        );
        assert_eq!(
            keys(&set),
            [
                ("hosts".into(), "fd://".into()),
                ("containerd".into(), "/run/containerd/containerd.sock".into()),
                ("icc".into(), "false".into()),
                ("debug".into(), "-D".into()),
                ("log-opts".into(), "max-size=10m".into()),
                ("hosts".into(), "tcp://0.0.0.0:2375".into()),
            ]
        );
        assert_eq!(set.options[2].value.value, DaemonValue::Bool(false));
        assert!(set.problems.is_empty(), "{:?}", set.problems);
    }

    #[test]
    fn drop_in_reset_replaces_exec_start() {
        let main = SourceFile::new("docker.service", None, "[Service]\nExecStart=/usr/bin/dockerd --icc=true\n");
        let drop = SourceFile::new(
            "override.conf",
            None,
            "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --userns-remap=default\n",
        );
        let set = read_systemd_units(&[main, drop]).unwrap();
        assert_eq!(set.file.name(), "override.conf");
        assert_eq!(keys(&set), [("userns-remap".to_string(), "default".to_string())]);
        let only_reset = SourceFile::new("r.conf", None, "[Service]\nExecStart=\n");
        assert!(read_systemd_units(&[only_reset]).is_none());
    }

    #[test]
    fn unknown_flags_env_refs_and_rootless() {
        let set = unit("[Service]\nExecStart=/usr/bin/dockerd-rootless.sh --live-restor $OPTIONS --tlsverify\n");
        assert!(set.rootless);
        assert_eq!(set.env_refs[0].text, "$OPTIONS");
        assert!(matches!(&set.problems[0], FlagProblem::Unknown { suggestion: Some("live-restore"), .. }));
        assert_eq!(set.options[0].value.value, DaemonValue::Bool(true));
    }

    #[test]
    fn env_files() {
        let f = SourceFile::new(
            "docker",
            None,
            "# comment\nDOCKER_OPTS=\"--dns 8.8.8.8 --insecure-registry 10.0.0.5:5000\"\nexport OTHER=1\n",
        );
        let set = read_env_file(&f, &["DOCKER_OPTS"]);
        assert_eq!(
            keys(&set),
            [("dns".to_string(), "8.8.8.8".to_string()), ("insecure-registries".into(), "10.0.0.5:5000".into())]
        );
        let f = SourceFile::new("docker", None, "OPTIONS='--selinux-enabled --log-driver=journald'\n");
        let set = read_env_file(&f, &["OPTIONS"]);
        assert_eq!(keys(&set)[1], ("log-driver".to_string(), "journald".to_string()));
    }

    #[test]
    fn split_words_handles_quotes() {
        let w = split_words(r#"a "b c" d\ e 'f'"#, 0, 16);
        let t: Vec<_> = w.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(t, ["a", "b c", "d e", "f"]);
    }
}
