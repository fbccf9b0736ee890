//! `dockward completions SHELL` and `dockward man [COMMAND]`: shell completions and
//! man pages generated from the CLI definition (clap), so they cannot drift from it.
//!
//! Copies are checked in under `dist/` for packagers (`dist/completions/`,
//! `dist/man/`); a test fails when they differ from what this binary generates.

use std::io::Write;

use clap::{Args, CommandFactory, ValueEnum};
use clap_complete::Shell;

use super::output::print;
use crate::exit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

impl ShellArg {
    fn shell(self) -> Shell {
        match self {
            ShellArg::Bash => Shell::Bash,
            ShellArg::Zsh => Shell::Zsh,
            ShellArg::Fish => Shell::Fish,
            ShellArg::Powershell => Shell::PowerShell,
        }
    }

    /// The file name each shell loads completions from (`dist/completions/`).
    #[cfg(test)]
    pub fn file_name(self) -> &'static str {
        match self {
            ShellArg::Bash => "dockward.bash",
            ShellArg::Zsh => "_dockward",
            ShellArg::Fish => "dockward.fish",
            ShellArg::Powershell => "_dockward.ps1",
        }
    }
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for. Install, e.g. bash:
    /// `dockward completions bash > ~/.local/share/bash-completion/completions/dockward`.
    #[arg(value_enum)]
    pub shell: ShellArg,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A subcommand's page (`check` gives `dockward-check(1)`) instead of the main page.
    pub command: Option<String>,
}

/// The completion script for `shell`.
pub fn completion_script(shell: ShellArg) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell.shell(), &mut crate::args::Cli::command(), "dockward", &mut out);
    out
}

/// Every man page: `dockward.1`, then `dockward-SUB.1` per visible subcommand.
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    let mut cmd = crate::args::Cli::command();
    // Subcommand pages need the parent's settings (version, bin name) propagated.
    cmd.build();
    let mut pages = vec![("dockward.1".to_string(), render_man(cmd.clone()))];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        let name = format!("dockward-{}", sub.get_name());
        pages.push((format!("{name}.1"), render_man(sub.clone().display_name(name.clone()).bin_name(name))));
    }
    pages
}

fn render_man(cmd: clap::Command) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = clap_mangen::Man::new(cmd).render(&mut out);
    out
}

pub fn completions(args: CompletionsArgs) -> u8 {
    match print(&completion_script(args.shell)) {
        Ok(()) => exit::CLEAN,
        Err(e) => {
            eprintln!("dockward: {e}");
            exit::ERROR
        }
    }
}

pub fn man(args: ManArgs) -> u8 {
    let wanted = match &args.command {
        None => "dockward.1".to_string(),
        Some(c) => format!("dockward-{c}.1"),
    };
    let pages = man_pages();
    let Some((_, page)) = pages.iter().find(|(n, _)| *n == wanted) else {
        let names: Vec<&str> =
            pages.iter().skip(1).map(|(n, _)| n.trim_start_matches("dockward-").trim_end_matches(".1")).collect();
        eprintln!("dockward: no man page for `{}` (commands: {})", wanted, names.join(", "));
        return exit::ERROR;
    };
    match print(page) {
        Ok(()) => exit::CLEAN,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "dockward: {e}");
            exit::ERROR
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn dist() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dist")
    }

    /// Every generated file and where it is checked in.
    fn generated() -> Vec<(PathBuf, Vec<u8>)> {
        let mut files: Vec<(PathBuf, Vec<u8>)> = ShellArg::value_variants()
            .iter()
            .map(|s| (dist().join("completions").join(s.file_name()), completion_script(*s)))
            .collect();
        files.extend(man_pages().into_iter().map(|(n, p)| (dist().join("man").join(n), p)));
        files
    }

    /// Like the rule docs: the checked-in completions and man pages are what the CLI
    /// definition generates. `DOCKWARD_UPDATE_DIST=1 cargo test -p dockward
    /// checked_in` rewrites them.
    #[test]
    fn checked_in_completions_and_man_pages_are_current() {
        let update = std::env::var_os("DOCKWARD_UPDATE_DIST").is_some();
        let mut stale = Vec::new();
        let files = generated();
        for (path, content) in &files {
            if update {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, content).unwrap();
            } else if std::fs::read(path).ok().as_ref() != Some(content) {
                stale.push(path.display().to_string());
            }
        }
        // No leftover page of a removed subcommand.
        let expected: Vec<&PathBuf> = files.iter().map(|(p, _)| p).collect();
        for dir in ["completions", "man"] {
            for entry in std::fs::read_dir(dist().join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if !expected.contains(&&path) {
                    if update {
                        std::fs::remove_file(&path).unwrap();
                    } else {
                        stale.push(format!("{} (not generated any more)", path.display()));
                    }
                }
            }
        }
        assert!(
            stale.is_empty(),
            "out of date: {stale:#?}\nregenerate with `DOCKWARD_UPDATE_DIST=1 cargo test -p dockward checked_in`"
        );
    }

    #[test]
    fn scripts_and_pages_name_every_subcommand() {
        let bash = String::from_utf8(completion_script(ShellArg::Bash)).unwrap();
        let page = String::from_utf8(man_pages().remove(0).1).unwrap();
        for sub in ["check", "audit", "scan", "completions", "man"] {
            assert!(bash.contains(sub), "bash completions lack {sub}");
            assert!(page.contains(&format!("dockward\\-{sub}(1)")), "man page lacks {sub}:\n{page}");
        }
        assert!(bash.contains("--format") && bash.contains("concise"), "{bash}");
        let pages: Vec<String> = man_pages().into_iter().map(|(n, _)| n).collect();
        assert!(pages.contains(&"dockward-check.1".to_string()), "{pages:?}");
    }
}
