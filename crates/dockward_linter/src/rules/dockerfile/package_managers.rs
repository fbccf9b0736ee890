//! A model of package-manager invocations in RUN scripts, shared by the hygiene rules
//! (DF100-DF199): which manager, which subcommand, which options (with short-option
//! clusters such as `-yq` understood) and which operands (package words, with spans).
//!
//! Only real commands are modelled: `echo "apt-get install x"` is an `echo` whose
//! argument happens to mention apt-get, never an install. Heredoc bodies run as scripts
//! are part of the RUN's script, so their commands are seen too.

use dockward_dockerfile::{Dockerfile, Instruction, Stage};
use dockward_shell::{Command, Word};

use super::shell_helpers::{run_commands, RunCommands};
use crate::rule::DockerfileContext;

/// A package manager we model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Manager {
    AptGet,
    Apt,
    Apk,
    Yum,
    Dnf,
    Microdnf,
    Zypper,
    /// Arch's pacman: the operation is an option (`-S`, `-Sy`), there is no subcommand.
    Pacman,
    Pip,
    Npm,
    Yarn,
    Gem,
    Go,
}

impl Manager {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Manager::AptGet => "apt-get",
            Manager::Apt => "apt",
            Manager::Apk => "apk",
            Manager::Yum => "yum",
            Manager::Dnf => "dnf",
            Manager::Microdnf => "microdnf",
            Manager::Zypper => "zypper",
            Manager::Pacman => "pacman",
            Manager::Pip => "pip",
            Manager::Npm => "npm",
            Manager::Yarn => "yarn",
            Manager::Gem => "gem",
            Manager::Go => "go",
        }
    }

    fn from_program(program: &str) -> Option<Manager> {
        Some(match program {
            "apt-get" => Manager::AptGet,
            "apt" => Manager::Apt,
            "apk" => Manager::Apk,
            "yum" => Manager::Yum,
            "dnf" | "dnf5" | "tdnf" => Manager::Dnf,
            "microdnf" => Manager::Microdnf,
            "zypper" => Manager::Zypper,
            "pacman" => Manager::Pacman,
            "npm" => Manager::Npm,
            "yarn" => Manager::Yarn,
            "gem" => Manager::Gem,
            "go" => Manager::Go,
            p if is_pip(p) => Manager::Pip,
            _ => return None,
        })
    }

    /// Options that take their value as the next word (`-o X`, `--repository URL`).
    /// Written `--name=value` or as a cluster they are one word anyway.
    fn option_takes_value(self, option: &str) -> bool {
        let list: &[&str] = match self {
            Manager::AptGet | Manager::Apt => &["-o", "--option", "-c", "--config-file", "-t", "--target-release"],
            Manager::Apk => &[
                "-X",
                "--repository",
                "-p",
                "--root",
                "--keys-dir",
                "-t",
                "--virtual",
                "--arch",
                "--cache-dir",
                "--repositories-file",
            ],
            Manager::Yum | Manager::Dnf | Manager::Microdnf => &[
                "--setopt",
                "--enablerepo",
                "--disablerepo",
                "--installroot",
                "--releasever",
                "-c",
                "--config",
                "-x",
                "--exclude",
                "--repo",
                "--repoid",
                "--repofrompath",
                "--disableplugin",
                "--enableplugin",
                "--forcearch",
                "-d",
                "--debuglevel",
                "-e",
                "--errorlevel",
            ],
            Manager::Pacman => &[
                "-b",
                "--dbpath",
                "-r",
                "--root",
                "--cachedir",
                "--config",
                "--gpgdir",
                "--hookdir",
                "--logfile",
                "--arch",
                "--ignore",
                "--ignoregroup",
                "--overwrite",
                "--assume-installed",
            ],
            Manager::Zypper => &["-r", "--repo", "--from", "-t", "--type", "-R", "--root", "--reposd-dir", "-D"],
            Manager::Pip => &[
                "-r",
                "--requirement",
                "-c",
                "--constraint",
                "-i",
                "--index-url",
                "--extra-index-url",
                "-f",
                "--find-links",
                "-t",
                "--target",
                "--prefix",
                "--root",
                "-e",
                "--editable",
                "--trusted-host",
                "--src",
                "--platform",
                "--python-version",
                "--implementation",
                "--abi",
                "--progress-bar",
                "--cache-dir",
                "--log",
                "--proxy",
                "--retries",
                "--timeout",
                "--upgrade-strategy",
                "--only-binary",
                "--no-binary",
                "--global-option",
                "--config-settings",
                "-C",
            ],
            Manager::Npm => {
                &["--prefix", "--registry", "--cache", "-w", "--workspace", "--omit", "--include", "--loglevel"]
            }
            Manager::Yarn => {
                &["--cwd", "--modules-folder", "--cache-folder", "--network-timeout", "--registry", "--mutex"]
            }
            Manager::Gem => &[
                "-v",
                "--version",
                "-i",
                "--install-dir",
                "-n",
                "--bindir",
                "-s",
                "--source",
                "-P",
                "--trust-policy",
                "--platform",
            ],
            Manager::Go => &[
                "-ldflags",
                "-gcflags",
                "-asmflags",
                "-tags",
                "-mod",
                "-modfile",
                "-o",
                "-p",
                "-buildmode",
                "-compiler",
                "-pkgdir",
                "-toolexec",
                "-overlay",
            ],
        };
        list.contains(&option)
    }

    /// Global options that come before the subcommand and take a value.
    fn global_option_takes_value(self, option: &str) -> bool {
        match self {
            // `pip` and `npm` global options mostly use `=`; the rest share the list.
            Manager::Npm | Manager::Yarn | Manager::Go => false,
            _ => self.option_takes_value(option),
        }
    }
}

fn is_pip(program: &str) -> bool {
    let rest = match program.strip_prefix("pip") {
        Some(r) => r,
        None => return false,
    };
    rest.is_empty() || rest.chars().all(|c| c.is_ascii_digit() || c == '.')
}

fn is_python(program: &str) -> bool {
    let rest = match program.strip_prefix("python") {
        Some(r) => r,
        None => return false,
    };
    rest.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// One package-manager command.
#[derive(Debug)]
pub(crate) struct PmCall<'a> {
    pub manager: Manager,
    pub command: &'a Command,
    /// The word naming the manager (`apt-get`, or `pip` of `python -m pip`).
    pub program: &'a Word,
    /// The subcommand word (`install`), if any.
    pub subcommand: Option<&'a Word>,
    /// Every option word, before and after the subcommand, in order.
    pub options: Vec<&'a Word>,
    /// Non-option words after the subcommand (packages, paths), option values excluded.
    pub operands: Vec<&'a Word>,
}

impl<'a> PmCall<'a> {
    /// Reads `command` as a package-manager invocation. Wrappers that only change how the
    /// command runs (`sudo`, `env`, `nice`, `time`, `xargs`) are looked through.
    pub(crate) fn parse(command: &'a Command) -> Option<PmCall<'a>> {
        let argv = &command.argv;
        let mut i = 0;
        while let Some(w) = argv.get(i) {
            let base = basename(&w.text);
            if matches!(base, "sudo" | "env" | "nice" | "time" | "command" | "exec" | "nohup" | "xargs") {
                i += 1;
                // Skip the wrapper's own options (with the values of `sudo -u user`,
                // `env -u NAME`, `xargs -n 1`) and env assignments.
                while let Some(w) = argv.get(i) {
                    if matches!(w.text.as_str(), "-u" | "-g" | "-n" | "-I" | "-P" | "-L" | "-d" | "-C" | "-s") {
                        i += 2;
                    } else if w.text.starts_with('-') || w.as_assignment().is_some() {
                        i += 1;
                    } else {
                        break;
                    }
                }
                continue;
            }
            break;
        }
        let first = argv.get(i)?;
        let base = basename(&first.text);
        let (manager, program, mut i) = if is_python(base) {
            // `python -m pip ...`
            let m = argv.get(i + 1)?;
            let pip = argv.get(i + 2)?;
            if m.text != "-m" || !is_pip(&pip.text) {
                return None;
            }
            (Manager::Pip, pip, i + 3)
        } else {
            (Manager::from_program(base)?, first, i + 1)
        };
        let mut options = Vec::new();
        let mut subcommand = None;
        // pacman's operation is an option: every other word is an operand.
        while let Some(w) = argv.get(i).filter(|_| manager != Manager::Pacman) {
            if is_option(&w.text) {
                options.push(w);
                if manager.global_option_takes_value(&w.text) {
                    i += 1;
                }
                i += 1;
                continue;
            }
            subcommand = Some(w);
            i += 1;
            break;
        }
        // `yarn global add x`, `npm cache clean`: the second word refines the subcommand
        // and is not a package.
        if manager == Manager::Yarn && subcommand.is_some_and(|s| s.text == "global") {
            if let Some(w) = argv.get(i) {
                subcommand = Some(w);
                i += 1;
            }
        }
        let mut operands = Vec::new();
        let mut after_dashdash = false;
        while let Some(w) = argv.get(i) {
            if !after_dashdash && w.text == "--" {
                after_dashdash = true;
            } else if !after_dashdash && is_option(&w.text) {
                options.push(w);
                if manager.option_takes_value(&w.text) {
                    i += 1;
                }
            } else {
                operands.push(w);
            }
            i += 1;
        }
        Some(PmCall { manager, command, program, subcommand, options, operands })
    }

    pub(crate) fn sub(&self) -> &str {
        self.subcommand.map_or("", |w| w.text.as_str())
    }

    /// True if the subcommand is one of `names`.
    pub(crate) fn sub_is(&self, names: &[&str]) -> bool {
        names.contains(&self.sub())
    }

    /// True if a long option `--name` or `--name=...` is present.
    pub(crate) fn has_long(&self, name: &str) -> bool {
        self.options
            .iter()
            .any(|w| w.text == name || w.text.strip_prefix(name).is_some_and(|rest| rest.starts_with('=')))
    }

    /// True if the single-letter option `c` is given, alone or in a cluster (`-yq`).
    pub(crate) fn has_short(&self, c: char) -> bool {
        self.options.iter().any(|w| short_cluster(&w.text).is_some_and(|s| s.contains(c)))
    }

    /// The word that names the operation: the subcommand, or pacman's `-S...` option.
    pub(crate) fn operation(&self) -> Option<&'a Word> {
        match self.manager {
            Manager::Pacman => self.options.iter().copied().find(|w| short_cluster(&w.text).is_some()),
            _ => self.subcommand,
        }
    }

    /// The letters of pacman's `-S` operation cluster (`-Syu` -> `Syu`), if it is one.
    pub(crate) fn pacman_sync(&self) -> Option<&'a str> {
        if self.manager != Manager::Pacman {
            return None;
        }
        self.options.iter().filter_map(|w| short_cluster(&w.text)).find(|c| c.starts_with('S'))
    }

    /// The quiet level: one per `-q` letter and per bare `--quiet`; `-q=N` and
    /// `--quiet=N` set it. apt-get reads level 2 as "assume yes".
    pub(crate) fn quiet_level(&self) -> usize {
        let mut level = 0;
        for w in &self.options {
            let set = w.text.strip_prefix("--quiet=").or_else(|| w.text.strip_prefix("-q="));
            if let Some(n) = set {
                level = n.parse().unwrap_or(level);
            } else if w.text == "--quiet" {
                level += 1;
            } else if let Some(cluster) = short_cluster(&w.text) {
                level += cluster.matches('q').count();
            }
        }
        level
    }

    /// Operand words whose value is known (no `$VAR`, no glob from a command substitution).
    pub(crate) fn literal_operands(&self) -> impl Iterator<Item = &'a Word> + '_ {
        self.operands.iter().copied().filter(|w| !w.has_expansion && !w.text.contains('`'))
    }

    /// True if this is an install of the manager (`apt-get install`, `apk add`, `pip
    /// install`, `npm install x`, ...).
    pub(crate) fn is_install(&self) -> bool {
        match self.manager {
            Manager::AptGet | Manager::Apt => self.sub_is(&["install"]),
            Manager::Apk => self.sub_is(&["add"]),
            Manager::Yum | Manager::Microdnf => self.sub_is(&["install", "groupinstall", "reinstall", "localinstall"]),
            // dnf also takes `in` for install.
            Manager::Dnf => self.sub_is(&["install", "in", "groupinstall", "reinstall", "localinstall"]),
            // `pacman -S pkg`, `-Sy pkg`, `-Syu pkg`; `-Ss` searches, `-Si` shows, `-Sc` cleans.
            Manager::Pacman => {
                self.pacman_sync().is_some_and(|c| c.chars().all(|l| "Syuvdw".contains(l))) && !self.operands.is_empty()
            }
            Manager::Zypper => self.sub_is(&["install", "in"]),
            Manager::Pip => self.sub_is(&["install"]),
            Manager::Npm => self.sub_is(&["install", "i", "add", "isntall", "in", "ins", "inst", "insta", "instal"]),
            Manager::Yarn => self.sub_is(&["add", "install"]),
            Manager::Gem => self.sub_is(&["install", "i"]),
            // `go get pkg` and `go install pkg` fetch the newest version unless one is
            // given with `@version`.
            Manager::Go => self.sub_is(&["install", "get"]),
        }
    }
}

fn basename(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

/// `-x`, `--long`, `-abc`; not `-` alone (stdin).
fn is_option(text: &str) -> bool {
    text.len() > 1 && text.starts_with('-')
}

/// The letters of a short-option cluster (`-yqq` -> `yqq`), or `None` for a long option.
/// A cluster with a value part (`-q=2`) keeps only the letters before `=`.
pub(crate) fn short_cluster(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('-')?;
    if rest.starts_with('-') || rest.is_empty() {
        return None;
    }
    let letters = rest.split('=').next().unwrap_or(rest);
    letters.chars().all(|c| c.is_ascii_alphabetic()).then_some(letters)
}

/// Every package-manager call among `commands` (one RUN's, see [`runs`]), in order.
pub(crate) fn calls(commands: &[Command]) -> Vec<PmCall<'_>> {
    commands.iter().filter_map(PmCall::parse).collect()
}

/// RUN instructions of the Dockerfile with the commands they execute, shell or exec
/// form ([`RunCommands`]), with ONBUILD triggers left out (they run in a later build,
/// with a different base).
pub(crate) fn runs(df: &Dockerfile) -> impl Iterator<Item = (usize, &Instruction, RunCommands<'_>)> {
    df.instructions
        .iter()
        .enumerate()
        .filter_map(|(i, instr)| run_commands(&df.source, instr).map(|commands| (i, instr, commands)))
}

/// Targets of `--mount=type=cache` and `--mount=type=tmpfs` on `instr`: nothing written
/// below them ends up in the layer.
pub(crate) fn cache_mount_targets(instr: &Instruction) -> Vec<String> {
    let mut out = Vec::new();
    for flag in instr.flags_named("mount") {
        let fields = flag.csv_fields();
        let kind = fields.iter().find(|f| f.key.value == "type").and_then(|f| f.value.as_ref());
        if !kind.is_some_and(|k| k.value == "cache" || k.value == "tmpfs") {
            continue;
        }
        let target = fields
            .iter()
            .find(|f| matches!(f.key.value.as_str(), "target" | "dst" | "destination"))
            .and_then(|f| f.value.as_ref());
        if let Some(t) = target {
            out.push(t.value.trim_end_matches('/').to_string());
        }
    }
    out
}

/// True if a mount target covers `path` (is it or one of its parents). `~` in either
/// is read as `/root`, the usual build user's home.
pub(crate) fn mount_covers(targets: &[String], path: &str) -> bool {
    let path = normalize_home(path);
    targets.iter().any(|t| {
        let t = normalize_home(t);
        let t = t.trim_end_matches('/');
        path == t || path.starts_with(&format!("{t}/")) || t.is_empty()
    })
}

fn normalize_home(p: &str) -> String {
    let p = p.strip_prefix("$HOME").map(|r| format!("~{r}")).unwrap_or_else(|| p.to_string());
    match p.strip_prefix('~') {
        Some(rest) => format!("/root{rest}"),
        None => p,
    }
}

/// True if a later command of the same script (after `after`) is `rm` of `path` or of
/// a parent or a glob of its contents (`rm -rf /var/lib/apt/lists/*`).
pub(crate) fn removes_later(commands: &[Command], after: usize, path: &str) -> bool {
    let path = normalize_home(path);
    commands.iter().skip(after + 1).any(|c| {
        c.program_basename() == Some("rm")
            && c.args().iter().filter(|w| !w.text.starts_with('-')).any(|w| {
                let arg = normalize_home(w.text.trim_end_matches("/*").trim_end_matches("/**").trim_end_matches('/'));
                !arg.is_empty() && (path == arg || path.starts_with(&format!("{arg}/")))
            })
    })
}

/// The stages whose files end up in the image that `docker build` produces: the final
/// stage and the stages it is built on. Cache left in other stages is thrown away.
pub(crate) fn shipped_stage_ranges(cx: &DockerfileContext<'_>) -> Vec<std::ops::Range<usize>> {
    super::final_stage_chain(cx.dockerfile, cx.model).into_iter().map(|s: &Stage| s.instructions.clone()).collect()
}

/// Index of `command` inside `commands` (by identity).
pub(crate) fn position(commands: &[Command], command: &Command) -> usize {
    commands.iter().position(|c| std::ptr::eq(c, command)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockward_shell::tokenize;

    fn call(text: &str) -> (Manager, String, Vec<String>, Vec<String>) {
        let script = tokenize(text);
        let c = PmCall::parse(&script.commands[0]).expect("a package manager call");
        (
            c.manager,
            c.sub().to_string(),
            c.options.iter().map(|w| w.text.to_string()).collect(),
            c.operands.iter().map(|w| w.text.to_string()).collect(),
        )
    }

    #[test]
    fn reads_options_subcommands_and_operands() {
        let (m, sub, opts, ops) = call("apt-get -o Acquire::Retries=3 -yq install --no-install-recommends curl=7 git");
        assert_eq!(m, Manager::AptGet);
        assert_eq!(sub, "install");
        assert_eq!(opts, ["-o", "-yq", "--no-install-recommends"]);
        assert_eq!(ops, ["curl=7", "git"]);
        let (m, sub, _, ops) = call("python3 -m pip install -r req.txt flask==3.0");
        assert_eq!((m, sub.as_str()), (Manager::Pip, "install"));
        assert_eq!(ops, ["flask==3.0"]);
        let (_, _, _, ops) = call("apk add --virtual .deps gcc");
        assert_eq!(ops, ["gcc"]);
        let (m, sub, _, ops) = call("sudo -E yarn global add typescript");
        assert_eq!((m, sub.as_str()), (Manager::Yarn, "add"));
        assert_eq!(ops, ["typescript"]);
        assert!(PmCall::parse(&tokenize("echo apt-get install x").commands[0]).is_none());
        let (m, sub, _, ops) = call("sudo -u app xargs -n 1 pip install --user");
        assert_eq!((m, sub.as_str()), (Manager::Pip, "install"));
        assert!(ops.is_empty());
    }

    #[test]
    fn clusters_and_counts() {
        let script = tokenize("apt-get -qq install x");
        let c = PmCall::parse(&script.commands[0]).unwrap();
        assert_eq!(c.quiet_level(), 2);
        assert!(!c.has_short('y'));
        assert_eq!(short_cluster("--yes"), None);
        assert_eq!(short_cluster("-q=2"), Some("q"));
    }

    #[test]
    fn mounts_and_removals() {
        let targets = vec!["/root/.cache".to_string()];
        assert!(mount_covers(&targets, "~/.cache/pip"));
        assert!(!mount_covers(&targets, "/var/cache/apt"));
        let s = tokenize("apt-get install x && rm -rf /var/lib/apt/lists/*");
        assert!(removes_later(&s.commands, 0, "/var/lib/apt/lists"));
        assert!(!removes_later(&s.commands, 0, "/var/cache/apk"));
    }
}
