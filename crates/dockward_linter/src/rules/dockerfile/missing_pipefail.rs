use dockward_diagnostics::{Edit, Fix};
use dockward_dockerfile::semantic::{ImageRef, Target};
use dockward_dockerfile::{Args, CommandArgs, InstructionKind};
use dockward_shell::Command;

use super::shell_helpers::{installed_packages, names_package, run_commands};
use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags a RUN with a pipe (`a | b`) that runs without `pipefail`: no `set -o
    /// pipefail` (or `set -eo pipefail`, ...) before the pipe in the script, and no
    /// `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` in force in the stage (SHELL is
    /// followed per stage and inherited from a base stage).
    ///
    /// An exec-form RUN is judged when it runs a shell script (`RUN ["sh", "-c", "a |
    /// b"]`); its other elements are arguments, never pipes.
    ///
    /// Not flagged: stages whose SHELL is PowerShell or `cmd`, Windows
    /// base images, and pipes whose only producers cannot fail (`echo`, `printf`,
    /// `yes`), where pipefail would change nothing.
    ///
    /// ## Why is this bad?
    /// A pipeline's status is the status of its last command. In `RUN curl -fsSL
    /// $URL | tar -xz` a failed download still lets the build succeed as long as
    /// `tar` exits 0, and the image ships without what it should contain.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin
    /// ```
    ///
    /// ## Fix
    /// Which fix is offered depends on the shell that runs the script, read from the
    /// stage's SHELL and its base image (followed through base stages):
    ///
    /// - the shell supports `set -o pipefail` (a SHELL of bash, zsh, ksh or ash; or
    ///   `/bin/sh` of Alpine/BusyBox, which is ash, or of Fedora/RHEL-family images,
    ///   which is bash): the script starts with `set -o pipefail && ` (not offered for
    ///   heredoc scripts);
    /// - `/bin/sh` is Debian's or Ubuntu's dash, which rejects `-o pipefail` and would
    ///   fail the build: `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` is inserted
    ///   before the first such RUN of the stage, where bash is known to exist (Debian
    ///   and Ubuntu always ship it; elsewhere, when an earlier RUN of the stage chain
    ///   installs `bash`);
    /// - otherwise (an unknown base image and no bash installed) no fix is offered.
    ///
    /// The fix is unsafe: it changes how the script (and, for SHELL, every later
    /// shell-form instruction of the stage) runs.
    ///
    /// ## References
    /// - bash(1), `pipefail`; Dockerfile reference, "SHELL"
    pub struct MissingPipefail;
    code = "DF106", name = "missing-pipefail", severity = Warning,
    category = Correctness, target = Dockerfile, fix = Sometimes,
    summary = "A RUN pipes without pipefail, hiding failures of the first commands",
    aliases = ["DL4006", "DS-0032", "efbf148a-67e9-42d2-ac47-02fa1c0d0b22"],
}

const SAFE_PRODUCERS: &[&str] = &["echo", "printf", "yes", "true"];

/// True if `argv` (a SHELL) turns pipefail on: `-o pipefail`, also in clusters (`-euo pipefail`).
fn shell_sets_pipefail(argv: &[String]) -> bool {
    argv.windows(2)
        .any(|w| w[1] == "pipefail" && w[0].starts_with('-') && !w[0].starts_with("--") && w[0].contains('o'))
}

fn is_windows_shell(program: &str) -> bool {
    let base = program.rsplit(['/', '\\']).next().unwrap_or(program).to_ascii_lowercase();
    matches!(base.as_str(), "pwsh" | "pwsh.exe" | "powershell" | "powershell.exe" | "cmd" | "cmd.exe")
}

/// The SHELL argv in force at instruction `index`, if this Dockerfile sets one.
fn shell_at(cx: &DockerfileContext<'_>, index: usize) -> Option<Vec<String>> {
    let stage = cx.model.stage_of(index)?;
    let range = cx.dockerfile.stages.get(stage)?.instructions.clone();
    let own = cx.dockerfile.instructions[range.start..index.min(range.end)].iter().rev().find_map(|i| {
        match (&i.kind, &i.args) {
            (InstructionKind::Shell, Args::Command(CommandArgs::Exec { argv, .. })) => {
                Some(argv.iter().map(|a| a.value.clone()).collect())
            }
            _ => None,
        }
    });
    own.or_else(|| {
        let base = cx.model.stages.get(stage)?.base_stage?;
        cx.model.stages.get(base)?.shell.as_ref().map(|(argv, _)| argv.clone())
    })
}

fn windows_base(cx: &DockerfileContext<'_>, index: usize) -> bool {
    let Some(stage) = cx.model.stage_of(index) else { return false };
    let root = cx.model.root_stage(stage);
    match &cx.model.stages[root].base {
        Target::Image(image) => {
            let name = image.repository.to_ascii_lowercase();
            name.contains("windows") || name.contains("nanoserver") || name.contains("servercore")
        }
        _ => false,
    }
}

/// What `/bin/sh` of a base image is, as far as its name tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BaseShell {
    /// Debian/Ubuntu: `/bin/sh` is dash (no pipefail before 0.5.13); bash is
    /// installed (it is an essential package).
    DashWithBash,
    /// `/bin/sh` accepts `set -o pipefail`: busybox ash (Alpine, BusyBox) or bash
    /// (Fedora, RHEL and their relatives, openSUSE, Arch).
    Pipefail,
    /// Nothing known.
    Unknown,
}

/// Docker official images whose default variant is built on Debian or Ubuntu.
const DEBIAN_BASED: &[&str] = &[
    "debian",
    "ubuntu",
    "buildpack-deps",
    "node",
    "python",
    "golang",
    "ruby",
    "php",
    "rust",
    "perl",
    "gcc",
    "openjdk",
    "eclipse-temurin",
    "maven",
    "gradle",
    "nginx",
    "httpd",
    "postgres",
    "redis",
    "haproxy",
    "elixir",
    "erlang",
    "julia",
];

const PIPEFAIL_SH: &[&str] = &[
    "alpine",
    "busybox",
    "fedora",
    "centos",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "oraclelinux",
    "archlinux",
    "opensuse/leap",
    "opensuse/tumbleweed",
    "ubi8",
    "ubi9",
    "ubi8/ubi",
    "ubi9/ubi",
    "ubi8/ubi-minimal",
    "ubi9/ubi-minimal",
];

fn base_shell(image: &ImageRef) -> BaseShell {
    let repo = image.repository.to_ascii_lowercase();
    let repo = repo.strip_prefix("library/").unwrap_or(&repo);
    let tag = image.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    let hub = image.registry.as_deref().is_none_or(|r| r == "docker.io" || r == "registry.hub.docker.com");
    let redhat = image.registry.as_deref().is_some_and(|r| r.ends_with("redhat.io") || r.ends_with("redhat.com"));
    if tag.contains("alpine") || tag.contains("busybox") || ((hub || redhat) && PIPEFAIL_SH.contains(&repo)) {
        return BaseShell::Pipefail;
    }
    let debian_tag =
        ["bookworm", "bullseye", "buster", "trixie", "jammy", "noble", "focal"].iter().any(|t| tag.contains(t));
    if debian_tag || (hub && DEBIAN_BASED.contains(&repo)) {
        return BaseShell::DashWithBash;
    }
    BaseShell::Unknown
}

fn is_shell(program: &str) -> bool {
    supports_pipefail(program) || matches!(program.rsplit('/').next().unwrap_or(program), "sh" | "dash")
}

fn supports_pipefail(program: &str) -> bool {
    matches!(program.rsplit('/').next().unwrap_or(program), "bash" | "zsh" | "ksh" | "mksh" | "ash" | "busybox")
}

/// True if a RUN before `index` in the stage chain of `index` installs bash.
fn bash_installed_before(cx: &DockerfileContext<'_>, index: usize) -> bool {
    let Some(stage) = cx.model.stage_of(index) else { return false };
    cx.model.ancestry(stage).into_iter().filter_map(|s| cx.dockerfile.stages.get(s)).any(|st| {
        st.instructions.clone().filter(|&i| i < index).any(|i| {
            run_commands(&cx.dockerfile.source, &cx.dockerfile.instructions[i]).is_some_and(|run| {
                run.commands().iter().any(|c| installed_packages(c).iter().any(|w| names_package(&w.text, "bash")))
            })
        })
    })
}

/// How to turn pipefail on for the RUN at `index`, if a fix is known to work.
enum PipefailFix {
    /// Start the script with `set -o pipefail && `.
    SetOption,
    /// Switch the stage to bash with pipefail, before this RUN.
    BashShell,
}

fn pipefail_fix(cx: &DockerfileContext<'_>, index: usize, configured: Option<&[String]>) -> Option<PipefailFix> {
    if let Some(program) = configured.and_then(|argv| argv.first()) {
        let base = program.rsplit('/').next().unwrap_or(program);
        if supports_pipefail(base) {
            return Some(PipefailFix::SetOption);
        }
        if base != "sh" {
            return None;
        }
    }
    let stage = cx.model.stage_of(index)?;
    let shell = super::base_image(cx.model, stage).map_or(BaseShell::Unknown, base_shell);
    match shell {
        BaseShell::Pipefail => Some(PipefailFix::SetOption),
        BaseShell::DashWithBash => Some(PipefailFix::BashShell),
        BaseShell::Unknown => bash_installed_before(cx, index).then_some(PipefailFix::BashShell),
    }
}

/// The first command of each pipeline whose failure a pipe would hide.
fn hidden_failures(commands: &[Command]) -> Vec<&Command> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < commands.len() {
        if !commands[i].pipes_out() {
            i += 1;
            continue;
        }
        let start = i;
        while i < commands.len() && commands[i].pipes_out() {
            i += 1;
        }
        // commands[start..i] pipe into commands[i].
        if let Some(risky) =
            commands[start..i].iter().find(|c| !c.program_basename().is_some_and(|p| SAFE_PRODUCERS.contains(&p)))
        {
            out.push(risky);
        }
        i += 1;
    }
    out
}

impl DockerfileRule for MissingPipefail {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        // Stages that already got a SHELL fix: one SHELL line serves every later RUN
        // of the stage and of the stages built on it.
        let mut shell_fixed: Vec<usize> = Vec::new();
        for (index, instr) in cx.dockerfile.instructions.iter().enumerate() {
            if instr.kind != InstructionKind::Run {
                continue;
            }
            if let Some(CommandArgs::Exec { argv, .. }) = instr.command() {
                // `RUN ["sh", "-c", "a | b"]`: the shell named in the argv runs the
                // script; SHELL does not apply.
                let Some(run) = run_commands(&cx.dockerfile.source, instr) else { continue };
                let Some(program) = argv.iter().map(|a| a.value.as_str()).find(|a| is_shell(a)) else { continue };
                if run.script.sets_pipefail {
                    continue;
                }
                let risky = hidden_failures(run.commands());
                let Some(first) = risky.first() else { continue };
                let word = first.argv.first().map_or(first.range, |w| w.range);
                let start = run.commands().first().map(|c| c.range.start());
                let settable =
                    matches!(pipefail_fix(cx, index, Some(&[program.to_string()])), Some(PipefailFix::SetOption));
                let fix = start
                    .filter(|_| run.fixable && settable)
                    .map(|at| ("Start the script with `set -o pipefail`", Edit::insert(at, "set -o pipefail && ")));
                found.push((word, fix));
                continue;
            }
            let Some(shell) = instr.shell_form() else { continue };
            if shell.script.sets_pipefail {
                continue;
            }
            let risky = hidden_failures(&shell.script.commands);
            let Some(first) = risky.first() else { continue };
            let configured = shell_at(cx, index);
            if let Some(argv) = &configured {
                if shell_sets_pipefail(argv) || argv.first().is_some_and(|p| is_windows_shell(p)) {
                    continue;
                }
            } else if windows_base(cx, index) {
                continue;
            }
            let word = first.argv.first().map_or(first.range, |w| w.range);
            let fix = match pipefail_fix(cx, index, configured.as_deref()) {
                Some(PipefailFix::SetOption) => instr.heredocs.is_empty().then(|| {
                    (
                        "Start the script with `set -o pipefail`",
                        Edit::insert(shell.range.start(), "set -o pipefail && "),
                    )
                }),
                Some(PipefailFix::BashShell) => {
                    // A stage built on a fixed stage inherits its SHELL.
                    let stage = cx.model.stage_of(index).unwrap_or(usize::MAX);
                    let inherited = cx.model.ancestry(stage).iter().any(|s| shell_fixed.contains(s));
                    (!inherited).then(|| {
                        shell_fixed.push(stage);
                        let line_start = cx.text()[..usize::from(instr.range.start())].rfind('\n').map_or(0, |i| i + 1);
                        let indent = &cx.text()[line_start..usize::from(instr.range.start())];
                        let indent = if indent.trim().is_empty() { indent } else { "" };
                        let keyword = super::keyword_like(instr, "SHELL");
                        let line = format!("{keyword} [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n{indent}");
                        ("Run the stage's scripts with bash and pipefail", Edit::insert(instr.range.start(), line))
                    })
                }
                None => None,
            };
            found.push((word, fix));
        }
        for (range, fix) in found {
            let d = cx.report(&Self::META, range, "this command pipes into another; its failure would be ignored");
            d.help(
                "add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]`, or start the script with `set -o pipefail` \
                 where /bin/sh supports it (not Debian's or Ubuntu's dash)",
            );
            if let Some((title, edit)) = fix {
                d.fix(Fix::unsafe_(title, vec![edit]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_pipes_without_pipefail() {
        assert_flags(&MissingPipefail, "FROM x:1\nRUN curl -fsSL https://x | tar -xz\n", &["curl"]);
        assert_flags(&MissingPipefail, "FROM x:1\nRUN <<EOF\nset -e\nwget -O- https://x | sh\nEOF\n", &["wget"]);
        assert_flags(&MissingPipefail, "FROM x:1\nSHELL [\"/bin/bash\", \"-c\"]\nRUN cat a | grep b\n", &["cat"]);
    }

    #[test]
    fn pipefail_from_any_source_counts() {
        for (before, run) in [
            ("", "set -o pipefail && curl -f https://x | tar -x"),
            ("", "set -euxo pipefail; curl -f https://x | tar -x"),
            ("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n", "curl https://x | tar -x"),
            ("SHELL [\"/bin/bash\", \"-euo\", \"pipefail\", \"-c\"]\n", "curl https://x | tar -x"),
            ("SHELL [\"pwsh\", \"-Command\"]\n", "Get-Item x | Remove-Item"),
            ("", "echo 'deb http://x stable main' | tee /etc/apt/sources.list.d/x.list"),
            ("", "curl https://x > /tmp/x"),
            ("", "[\"sh\", \"-c\", \"set -o pipefail; a | b\"]"),
            ("", "[\"bash\", \"-o\", \"pipefail\", \"-c\", \"a | b\"]"),
            ("", "[\"echo\", \"a\", \"|\", \"b\"]"),
        ] {
            assert_clean(&MissingPipefail, &format!("FROM x:1\n{before}RUN {run}\n"));
        }
        // SHELL is inherited from a base stage, and reset by a stage from an image.
        assert_clean(
            &MissingPipefail,
            "FROM x:1 AS a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM a\nRUN curl x | sh\n",
        );
        assert_flags(
            &MissingPipefail,
            "FROM x:1 AS a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM x:1\nRUN curl x | sh\n",
            &["curl"],
        );
        assert_clean(&MissingPipefail, "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN type a | findstr b\n");
    }

    #[test]
    fn fix_is_unsafe_and_re_checks_clean() {
        assert_fix(
            &MissingPipefail,
            "FROM alpine:3.20\nRUN curl x | sh\n",
            "FROM alpine:3.20\nRUN set -o pipefail && curl x | sh\n",
        );
        let diags = lint(&MissingPipefail, "FROM alpine:3.20\nRUN curl x | sh\n");
        assert_eq!(diags[0].fix.as_ref().unwrap().applicability, dockward_diagnostics::Applicability::Unsafe);
    }

    /// issue 13 #12: an exec-form shell runs its `-c` script without pipefail too; the
    /// fix goes inside the script where that shell supports it.
    #[test]
    fn exec_form_shell_scripts() {
        assert_flags(&MissingPipefail, "FROM x:1\nRUN [\"sh\", \"-c\", \"curl x | sh\"]\n", &["curl"]);
        assert_fix(
            &MissingPipefail,
            "FROM debian:12\nRUN [\"/bin/bash\", \"-c\", \"curl x | sh\"]\n",
            "FROM debian:12\nRUN [\"/bin/bash\", \"-c\", \"set -o pipefail && curl x | sh\"]\n",
        );
        // dash on Debian: no fix inside the script (SHELL does not reach the exec form).
        assert!(lint(&MissingPipefail, "FROM debian:12\nRUN [\"sh\", \"-c\", \"curl x | sh\"]\n")[0].fix.is_none());
    }

    /// issue 13 #17: dash (Debian, Ubuntu) rejects `set -o pipefail`; bash is used there.
    #[test]
    fn fix_follows_the_shell_of_the_base() {
        // Debian-based: SHELL with bash, once per stage, before the first flagged RUN.
        assert_fix(
            &MissingPipefail,
            "FROM debian:12 AS a\nRUN curl x | sh\nRUN wget -O- y | tar x\nFROM a\nRUN cat f | gzip > g\n",
            "FROM debian:12 AS a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl x | sh\nRUN wget -O- y | tar x\nFROM a\nRUN cat f | gzip > g\n",
        );
        assert_fix(
            &MissingPipefail,
            "from node:20-bookworm\nrun curl x | sh\n",
            "from node:20-bookworm\nshell [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nrun curl x | sh\n",
        );
        // ash, bash-as-sh and a SHELL of bash take `set -o pipefail`.
        for before in
            ["FROM python:3.12-alpine\n", "FROM fedora:40\n", "FROM debian:12\nSHELL [\"/bin/bash\", \"-c\"]\n"]
        {
            let diags = lint(&MissingPipefail, &format!("{before}RUN curl x | sh\n"));
            let fix = diags[0].fix.as_ref().expect("a fix");
            assert_eq!(fix.edits[0].content, "set -o pipefail && ", "{before}");
        }
        // Unknown base: a fix only once bash is known to be installed.
        assert!(lint(&MissingPipefail, "FROM x:1\nRUN curl x | sh\n")[0].fix.is_none());
        assert!(lint(&MissingPipefail, "FROM debian:12\nSHELL [\"/bin/dash\", \"-c\"]\nRUN curl x | sh\n")[0]
            .fix
            .is_none());
        assert_fix(
            &MissingPipefail,
            "FROM x:1 AS b\nRUN apk add --no-cache bash\nFROM b\nRUN curl x | sh\n",
            "FROM x:1 AS b\nRUN apk add --no-cache bash\nFROM b\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl x | sh\n",
        );
    }
}
