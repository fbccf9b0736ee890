use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Reports a container whose command (or entrypoint) starts a shell (`sh`,
    /// `bash`, `ash`, `dash`, `zsh`, with or without a directory) as PID 1 without
    /// `init: true` / `--init`.
    ///
    /// Not reported for Kubernetes workloads: there is no `init` option, and
    /// `shareProcessNamespace` makes the pause container PID 1.
    ///
    /// ## Why is this bad?
    /// PID 1 gets no default signal handlers: a shell as PID 1 ignores `SIGTERM`, so
    /// `docker stop` waits its full timeout and then kills everything, and the shell
    /// does not reap the zombies of the processes it starts in the background.
    ///
    /// ## Example
    /// ```sh
    /// docker run app sh -c './migrate && ./serve'
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --init app sh -c './migrate && exec ./serve'
    /// ```
    ///
    /// ## Fix
    /// Add `init: true` (`--init`), or `exec` the final program so it replaces the shell.
    ///
    /// ## References
    /// - Docker documentation, "Specify an init process"
    pub struct ShellAsPid1WithoutInit;
    code = "CT028", name = "shell-as-pid1-without-init", severity = Info,
    category = Correctness, target = Container, fix = None,
    summary = "A shell runs as PID 1 without an init process",
}

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh"];

impl ContainerRule for ShellAsPid1WithoutInit {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        // The setting does not exist per container on Kubernetes (see docs/container-rules.md).
        if crate::rules::container::docker_only_setting_not_applicable(spec) {
            return;
        }
        if spec.init.as_ref().is_some_and(|i| i.value) {
            return;
        }
        let argv = spec.entrypoint.as_ref().filter(|e| !e.value.is_empty()).or(spec.command.as_ref());
        let Some(argv) = argv else { return };
        let Some(program) = argv.value.first() else { return };
        let base = program.rsplit('/').next().unwrap_or(program);
        if !SHELLS.contains(&base) {
            return;
        }
        // `sh -c 'exec server'` replaces the shell with the server.
        if argv.value.last().is_some_and(|s| s.trim_start().starts_with("exec ")) {
            return;
        }
        let msg = format!("{} runs `{base}` as PID 1 without an init process", describe(spec));
        cx.report_value(&Self::META, argv, msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_shells_without_init() {
        assert_run_flags(&ShellAsPid1WithoutInit, "docker run x sh -c 'a && b'", &["sh -c 'a && b'"]);
        assert_run_flags(&ShellAsPid1WithoutInit, "docker run --entrypoint /bin/bash x -c y", &["/bin/bash"]);
    }

    #[test]
    fn passes_init_exec_and_programs() {
        assert_run_clean(&ShellAsPid1WithoutInit, "docker run --init x sh -c 'a && b'");
        assert_run_clean(&ShellAsPid1WithoutInit, "docker run x sh -c 'exec server'");
        assert_run_clean(&ShellAsPid1WithoutInit, "docker run x server --port 80");
        assert_run_clean(&ShellAsPid1WithoutInit, "docker run x");
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_shell_commands_without_init() {
        let yaml = "services:\n  a:\n    image: x:1\n    command: [\"sh\", \"-c\", \"server --port 80\"]\n  b:\n    image: x:1\n    entrypoint: /bin/bash -c loop\n  c:\n    image: x:1\n    init: true\n    command: sh -c serve\n  d:\n    image: x:1\n    command: [\"sh\", \"-c\", \"exec server\"]\n";
        assert_compose_flags(
            &ShellAsPid1WithoutInit,
            yaml,
            &["[\"sh\", \"-c\", \"server --port 80\"]", "/bin/bash -c loop"],
        );
    }
}
