use dockward_diagnostics::{Edit, Fix};
use dockward_dockerfile::semantic::Target;
use dockward_dockerfile::{Args, CommandArgs, InstructionKind};
use dockward_shell::Command;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags a RUN with a pipe (`a | b`) that runs without `pipefail`: no `set -o
    /// pipefail` (or `set -eo pipefail`, ...) before the pipe in the script, and no
    /// `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` in force in the stage (SHELL is
    /// followed per stage and inherited from a base stage).
    ///
    /// Not flagged: exec-form RUN, stages whose SHELL is PowerShell or `cmd`, Windows
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
    /// The fix starts the script with `set -o pipefail && `. It is unsafe: Debian's
    /// and Ubuntu's `/bin/sh` is dash, and dash releases before 0.5.13 reject `-o
    /// pipefail`, failing the build; bash, zsh, busybox ash (Alpine) and newer dash
    /// accept it. On dash images, switch the stage to bash with `SHELL` instead. It is
    /// not offered for heredoc scripts.
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
        for (index, instr) in cx.dockerfile.instructions.iter().enumerate() {
            if instr.kind != InstructionKind::Run {
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
            let fix = instr.heredocs.is_empty().then(|| Edit::insert(shell.range.start(), "set -o pipefail && "));
            found.push((word, fix));
        }
        for (range, fix) in found {
            let d = cx.report(&Self::META, range, "this command pipes into another; its failure would be ignored");
            d.help(
                "add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` or start the script with `set -o pipefail`",
            );
            if let Some(edit) = fix {
                d.fix(Fix::unsafe_("Start the script with `set -o pipefail`", vec![edit]));
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
            ("", "[\"sh\", \"-c\", \"a | b\"]"),
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
        assert_fix(&MissingPipefail, "FROM x:1\nRUN curl x | sh\n", "FROM x:1\nRUN set -o pipefail && curl x | sh\n");
        let diags = lint(&MissingPipefail, "FROM x:1\nRUN curl x | sh\n");
        assert_eq!(diags[0].fix.as_ref().unwrap().applicability, dockward_diagnostics::Applicability::Unsafe);
    }
}
