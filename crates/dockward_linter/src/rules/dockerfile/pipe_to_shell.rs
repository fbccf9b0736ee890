use dockward_shell::Operator;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

use super::shell_helpers::{arguments, basename, effective_argv, program, run_scripts};

declare_rule! {
    /// ## What it does
    /// Flags a download piped straight into an interpreter: `curl ... | sh`,
    /// `wget -O- ... | bash`, `curl ... | python3 -`, and the same through
    /// `sh -c "$(curl ...)"` or `bash <(curl ...)`. A download piped into `tar`,
    /// `gpg` or `sha256sum` is not reported.
    ///
    /// ## Why is this bad?
    /// The script runs as soon as it arrives, unverified: a compromised server, a
    /// hijacked domain or a truncated download executes in the build (as root, in most
    /// builds).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://get.example.com/install.sh | sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ADD --checksum=sha256:<digest> https://get.example.com/install.sh /tmp/install.sh
    /// RUN sh /tmp/install.sh
    /// ```
    ///
    /// ## How to fix
    /// Download to a file, verify its checksum or signature, then run it; or install
    /// from a package repository with signature checks.
    ///
    /// ## References
    /// - Practices b, "Image Security"; practices a, "Use Trusted Base Images"
    pub struct PipeToShell;
    code = "DF012", name = "pipe-to-shell", severity = Warning,
    category = Security, target = Dockerfile, fix = None,
    summary = "A downloaded script is piped into an interpreter without verification",
    practices = ["a-trusted-source"],
}

const DOWNLOADERS: &[&str] = &["curl", "wget", "fetch"];

fn is_interpreter(name: &str) -> bool {
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    matches!(
        base,
        "sh" | "bash"
            | "dash"
            | "ash"
            | "zsh"
            | "ksh"
            | "fish"
            | "python"
            | "perl"
            | "ruby"
            | "node"
            | "php"
            | "pwsh"
            | "iex"
    )
}

impl DockerfileRule for PipeToShell {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for run in run_scripts(cx.dockerfile) {
            let cmds = &run.script.commands;
            for (i, cmd) in cmds.iter().enumerate() {
                let Some(prog) = program(cmd) else { continue };
                // `a | b`: the command after a pipe that starts at a downloader.
                if is_interpreter(prog) && cmd.preceded_by == Some(Operator::Pipe) {
                    let mut j = i;
                    while j > 0 && cmds[j - 1].followed_by == Some(Operator::Pipe) {
                        j -= 1;
                        if program(&cmds[j]).is_some_and(|p| DOWNLOADERS.contains(&p)) {
                            let w = &effective_argv(cmd)[0];
                            let downloader = program(&cmds[j]).unwrap_or_default();
                            found.push((w.range, format!("the output of `{downloader}` is piped into `{prog}`")));
                            break;
                        }
                    }
                }
                // `sh -c "$(curl ...)"`, `bash <(curl ...)`.
                if is_interpreter(prog) {
                    for w in arguments(cmd) {
                        let t = w.text.trim_start_matches(['"', '\'']);
                        let inner =
                            t.strip_prefix("$(").or_else(|| t.strip_prefix("<(")).or_else(|| t.strip_prefix('`'));
                        let Some(inner) = inner else { continue };
                        let first = inner.split_whitespace().next().unwrap_or("");
                        if DOWNLOADERS.contains(&basename(first)) {
                            found
                                .push((w.range, format!("`{prog}` runs a script downloaded by `{}`", basename(first))));
                        }
                    }
                }
            }
        }
        found.sort_by_key(|(r, _)| r.start());
        found.dedup_by_key(|(r, _)| *r);
        for (range, message) in found {
            cx.report(&Self::META, range, format!("{message} without verification"))
                .help("download to a file, check its sha256 (or signature), then run it");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_downloads_run_by_an_interpreter() {
        assert_flags(&PipeToShell, "FROM a:1\nRUN curl -fsSL https://x/i.sh | sh\n", &["sh"]);
        assert_flags(&PipeToShell, "FROM a:1\nRUN wget -qO- https://x/i.sh | sudo bash -s -- -y\n", &["bash"]);
        assert_flags(&PipeToShell, "FROM a:1\nRUN curl -sSL https://x/get-pip.py | python3 -\n", &["python3"]);
        assert_flags(&PipeToShell, "FROM a:1\nRUN curl -s https://x | tee /tmp/i | sh\n", &["sh"]);
        assert_flags(
            &PipeToShell,
            "FROM a:1\nRUN sh -c \"$(curl -fsSL https://x/i.sh)\"\n",
            &["\"$(curl -fsSL https://x/i.sh)\""],
        );
        assert_flags(&PipeToShell, "FROM a:1\nRUN <<EOF\ncurl -sL https://x | bash\nEOF\n", &["bash"]);
        // A trigger runs the download in every build made FROM this image.
        assert_flags(&PipeToShell, "FROM a:1\nONBUILD RUN curl -fsSL https://x/i.sh | sh\n", &["sh"]);
        assert_flags(&PipeToShell, "FROM a:1\nonbuild run curl -fsSL https://x/i.sh | bash\n", &["bash"]);
    }

    #[test]
    fn archives_checks_and_strings_are_fine() {
        for line in [
            "RUN curl -fsSL https://x/t.tgz | tar xz -C /opt",
            "RUN curl -fsSL https://x/key | gpg --dearmor -o /k.gpg",
            "RUN echo 'curl https://x | sh'",
            "RUN cat install.sh | sh",
            "RUN curl -o /tmp/i.sh https://x && sha256sum -c sums && sh /tmp/i.sh",
        ] {
            assert_clean(&PipeToShell, &format!("FROM a:1\n{line}\n"));
        }
    }
}
