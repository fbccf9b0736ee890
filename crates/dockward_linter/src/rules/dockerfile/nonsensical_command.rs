use super::package_managers::runs;
use super::shell_helpers::{arguments, effective_argv, program};
use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags commands in RUN that have no use during a build: interactive tools
    /// (`vim`, `vi`, `nano`, `top`, `htop`, `ssh`), power control (`shutdown`,
    /// `reboot`, `halt`, `poweroff`), process and system inspection (`ps`, `free`,
    /// `ifconfig`), `kill`, `mount`, and starting services (`service x start`,
    /// `systemctl start x`). `kill` is fine in a RUN that starts a background job
    /// itself (`server & ...; kill $!`).
    ///
    /// Only commands are matched, not words: `apt-get install -y vim` and `which ps`
    /// are fine.
    ///
    /// ## Why is this bad?
    /// A build runs each RUN in a fresh container that is thrown away afterwards:
    /// there is no terminal to edit in, services started do not survive into the
    /// image, and processes killed or mounts made are gone. Such lines are leftovers
    /// or misunderstandings; interactive tools may also hang the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN service nginx start
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## Fix
    /// Remove the command, or move what it meant into CMD/ENTRYPOINT.
    ///
    /// ## References
    /// - Dockerfile reference, "RUN"
    pub struct NonsensicalCommand;
    code = "DF120", name = "nonsensical-command", severity = Info,
    category = Correctness, target = Dockerfile, fix = None,
    summary = "A RUN command has no effect on the image",
    aliases = ["DL3001", "9b6b0f38-92a2-41f9-b881-3a1083d99f1b"],
}

const POINTLESS: &[&str] = &[
    "vim", "vi", "nano", "emacs", "top", "htop", "ssh", "shutdown", "reboot", "halt", "poweroff", "ps", "free",
    "ifconfig", "kill", "mount",
];

impl DockerfileRule for NonsensicalCommand {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for (_, _, run) in runs(cx.dockerfile) {
            let commands = run.commands();
            // `server & ...; kill $!` stops a process the RUN itself started.
            let starts_jobs = commands.iter().any(|c| c.followed_by == Some(dockward_shell::Operator::Background));
            for c in commands {
                // Through `sudo`/`env` wrappers: `sudo service x start` is as pointless.
                let Some(program) = program(c) else { continue };
                let args = arguments(c);
                let pointless = (POINTLESS.contains(&program) && !(program == "kill" && starts_jobs))
                    || (program == "service"
                        && args.get(1).is_some_and(|w| matches!(w.text.as_str(), "start" | "restart")))
                    || (program == "systemctl" && args.iter().any(|w| matches!(w.text.as_str(), "start" | "restart")));
                // `ssh-keygen` is not `ssh`; `ssh -V` only prints a version.
                let version_only = args.iter().any(|w| matches!(w.text.as_str(), "-V" | "--version" | "-version"));
                if pointless && !version_only {
                    let word = effective_argv(c).first().map_or(c.argv[0].range, |w| w.range);
                    found.push((word, program.to_string()));
                }
            }
        }
        for (range, program) in found {
            cx.report(&Self::META, range, format!("`{program}` has no lasting effect in a build step"))
                .help("remove it; services and processes do not survive into the image");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_pointless_commands() {
        assert_flags(&NonsensicalCommand, "FROM x:1\nRUN service nginx start && ps aux\n", &["service", "ps"]);
        assert_flags(&NonsensicalCommand, "FROM x:1\nRUN systemctl start docker\n", &["systemctl"]);
        for run in [
            "apt-get install -y vim procps",
            "which ps",
            "systemctl enable nginx",
            "ssh -V",
            "ssh-keygen -A",
            "app --warmup & pid=$!; sleep 10; kill $pid || true",
        ] {
            assert_clean(&NonsensicalCommand, &format!("FROM x:1\nRUN {run}\n"));
        }
    }

    /// issue 13 #12: exec form and `sudo` are read like the shell form.
    #[test]
    fn exec_form_and_sudo() {
        assert_flags(&NonsensicalCommand, "FROM x:1\nRUN [\"service\", \"nginx\", \"start\"]\n", &["\"service\""]);
        assert_flags(&NonsensicalCommand, "FROM x:1\nRUN sudo service nginx start\n", &["service"]);
        assert_flags(&NonsensicalCommand, "FROM x:1\nRUN [\"sh\", \"-c\", \"ps aux\"]\n", &["ps"]);
        assert_clean(&NonsensicalCommand, "FROM x:1\nRUN [\"echo\", \"ps\", \"|\", \"top\"]\n");
    }
}
