use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

use super::shell_helpers::{basename, run_scripts};

declare_rule! {
    /// ## What it does
    /// Flags `sudo` (and `doas`) run by a `RUN` instruction, including inside
    /// heredoc scripts and `sh -c '...'`.
    ///
    /// ## Why is this bad?
    /// Build steps already run as the current `USER`; switch with `USER root` for the
    /// steps that need it. Having sudo in the image means an unprivileged runtime user
    /// may be able to become root, and sudo's TTY and signal handling behave
    /// unpredictably in containers.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER app
    /// RUN sudo apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// USER root
    /// RUN apt-get install -y curl
    /// USER app
    /// ```
    ///
    /// ## How to fix
    /// Use `USER root` around the privileged steps, then switch back to the
    /// unprivileged user. For run-time privilege changes use `gosu` or `su-exec` in
    /// the entrypoint.
    ///
    /// ## References
    /// - Practices a, "Running as Non-Root"; practices b, "Runtime Hardening"
    pub struct SudoInRun;
    code = "DF016", name = "sudo-in-run", severity = Warning,
    category = Security, target = Dockerfile, fix = None,
    summary = "RUN uses sudo",
    aliases = ["DL3004", "DS-0010", "CKV2_DOCKER_1", "DKL-DI-0001", "8ada6e80-0ade-439e-b176-0b28f6bce35a"],
    practices = ["a-non-root"],
}

impl DockerfileRule for SudoInRun {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for run in run_scripts(cx.dockerfile) {
            for cmd in &run.script.commands {
                let Some(first) = cmd.argv.first() else { continue };
                let name = basename(&first.text);
                if name == "sudo" || name == "doas" {
                    found.push((first.range, name.to_string()));
                }
            }
        }
        found.sort_by_key(|(r, _)| r.start());
        found.dedup_by_key(|(r, _)| *r);
        for (range, name) in found {
            cx.report(
                &Self::META,
                range,
                format!("`{name}` in a build step; use `USER root` for steps that need root"),
            )
            .help("switch with `USER root` before the step and back to the unprivileged user after it");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_sudo_commands() {
        assert_flags(&SudoInRun, "FROM a:1\nRUN sudo apt-get update\n", &["sudo"]);
        assert_flags(&SudoInRun, "FROM a:1\nRUN x && /usr/bin/sudo -u app id\n", &["/usr/bin/sudo"]);
        assert_flags(&SudoInRun, "FROM a:1\nRUN <<EOF\nsudo make install\nEOF\n", &["sudo"]);
    }

    #[test]
    fn installing_or_mentioning_sudo_is_not_running_it() {
        assert_clean(&SudoInRun, "FROM a:1\nRUN apt-get install -y sudo\n");
        assert_clean(&SudoInRun, "FROM a:1\nRUN echo 'app ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/app\n");
        assert_clean(&SudoInRun, "FROM a:1\n# RUN sudo x\nRUN id\n");
    }
}
