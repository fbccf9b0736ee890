use dockward_diagnostics::{Edit, Fix};
use dockward_dockerfile::{Instruction, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `CMD` and `ENTRYPOINT` written in shell form (`CMD node server.js`)
    /// instead of exec form (`CMD ["node", "server.js"]`).
    ///
    /// ## Why is this bad?
    /// Shell form runs the command as `/bin/sh -c "..."`, so the shell is PID 1: it
    /// does not forward `SIGTERM`, `docker stop` waits for its timeout and then kills
    /// the process without a clean shutdown. A shell-form `ENTRYPOINT` also ignores
    /// `CMD` and `docker run` arguments.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD node server.js
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix
    /// The fix writes the exec form when the command is a plain word list: one
    /// command, no variables, globs, redirections, operators or quotes that the shell
    /// would interpret differently (a leading `exec` is dropped). It is safe in
    /// those cases, and not offered when the stage sets a `SHELL` (the command may
    /// rely on it), or for an `ENTRYPOINT` in a stage that also has a `CMD` (exec
    /// form would start passing the CMD as arguments).
    ///
    /// ## References
    /// - Dockerfile reference, "Shell and exec form"
    pub struct ShellFormCommand;
    code = "DF110", name = "shell-form-command", severity = Warning,
    category = Correctness, target = Dockerfile, fix = Sometimes,
    summary = "CMD or ENTRYPOINT uses shell form; signals do not reach the process",
    aliases = ["DL3025", "JSONArgsRecommended", "b86987e1-6397-4619-81d5-8807f2387c79"],
}

/// Shell builtins and keywords: exec form cannot run them.
const BUILTINS: &[&str] = &[
    "cd", "set", "export", "source", ".", "eval", "trap", "ulimit", "umask", "if", "for", "while", "case", "[", "test",
    "alias", "unset", "read", "wait", ":",
];

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The exec form of a shell-form command, when it is a plain list of words.
fn exec_form(logical: &str) -> Option<String> {
    let script = dockward_shell::tokenize(logical);
    if !script.errors.is_empty() || script.commands.len() != 1 {
        return None;
    }
    let cmd = &script.commands[0];
    if !cmd.redirects.is_empty() || !cmd.assignments.is_empty() || cmd.depth > 0 || cmd.followed_by.is_some() {
        return None;
    }
    // Every non-blank byte must belong to a word: nothing the tokenizer skipped
    // (`!`, keywords, comments) may change the meaning.
    let mut covered = vec![false; logical.len()];
    for w in &cmd.argv {
        for b in &mut covered[std::ops::Range::<usize>::from(w.range)] {
            *b = true;
        }
    }
    if logical.bytes().zip(&covered).any(|(b, c)| !c && !b.is_ascii_whitespace()) {
        return None;
    }
    let mut words: Vec<&str> = Vec::new();
    for w in &cmd.argv {
        let raw = &logical[std::ops::Range::<usize>::from(w.range)];
        if w.has_expansion || raw.contains(['*', '?', '[', '{', '~', '$', '`']) {
            return None;
        }
        words.push(&w.text);
    }
    if words.first() == Some(&"exec") {
        words.remove(0);
    }
    let program = *words.first()?;
    if BUILTINS.contains(&program) {
        return None;
    }
    Some(format!("[{}]", words.iter().map(|w| json_string(w)).collect::<Vec<_>>().join(", ")))
}

fn shell_set_for(cx: &DockerfileContext<'_>, stage: usize) -> bool {
    // A stage's SHELL at its end includes one inherited from any stage of its chain.
    cx.model.stages.get(stage).is_some_and(|m| m.shell.is_some())
}

impl DockerfileRule for ShellFormCommand {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for stage in &cx.dockerfile.stages {
            let instrs: &[Instruction] = cx.dockerfile.stage_instructions(stage);
            let has_cmd = instrs.iter().any(|i| i.kind == InstructionKind::Cmd);
            let shell_set = shell_set_for(cx, stage.index);
            for instr in instrs {
                if !matches!(instr.kind, InstructionKind::Cmd | InstructionKind::Entrypoint) {
                    continue;
                }
                let Some(shell) = instr.shell_form() else { continue };
                if shell.logical.trim().is_empty() {
                    continue;
                }
                let entrypoint_with_cmd = instr.kind == InstructionKind::Entrypoint && has_cmd;
                let fixable = !shell_set && !entrypoint_with_cmd;
                let fix =
                    fixable.then(|| exec_form(&shell.logical)).flatten().map(|json| Edit::replace(shell.range, json));
                found.push((instr.keyword.range, instr.kind, fix));
            }
        }
        for (range, kind, fix) in found {
            let d = cx.report(
                &Self::META,
                range,
                format!("shell-form {} runs under `/bin/sh -c`, which does not pass signals on", kind.as_str()),
            );
            d.help("use the exec form: [\"program\", \"arg\", ...]");
            if let Some(edit) = fix {
                d.fix(Fix::safe("Rewrite in exec form", vec![edit]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_shell_form() {
        assert_flags(
            &ShellFormCommand,
            "FROM x:1\nCMD node server.js\nENTRYPOINT exec nginx\n",
            &["CMD", "ENTRYPOINT"],
        );
        assert_clean(&ShellFormCommand, "FROM x:1\nCMD [\"node\", \"server.js\"]\nENTRYPOINT [\"tini\", \"--\"]\n");
        assert_clean(&ShellFormCommand, "FROM x:1\nRUN echo hi\n");
    }

    #[test]
    fn fixes_plain_word_lists_only() {
        assert_fix(
            &ShellFormCommand,
            "FROM x:1\nCMD exec gunicorn -b 0.0.0.0:8000 'app:create_app()'\n",
            "FROM x:1\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:create_app()\"]\n",
        );
        assert_fix(
            &ShellFormCommand,
            "FROM x:1\nENTRYPOINT nginx -g \"daemon off;\"\n",
            "FROM x:1\nENTRYPOINT [\"nginx\", \"-g\", \"daemon off;\"]\n",
        );
        for cmd in [
            "CMD node $APP",
            "CMD ./start.sh && tail -f /dev/null",
            "CMD java -jar *.jar",
            "CMD cd /app; ./run",
            "CMD ! false",
            "CMD FOO=1 ./run",
            "CMD ./run > /log",
        ] {
            let diags = lint(&ShellFormCommand, &format!("FROM x:1\n{cmd}\n"));
            assert_eq!(diags.len(), 1, "{cmd}");
            assert!(diags[0].fix.is_none(), "{cmd}");
        }
        let diags = lint(&ShellFormCommand, "FROM x:1\nSHELL [\"/bin/bash\", \"-c\"]\nCMD ./run\n");
        assert!(diags[0].fix.is_none());
        let diags = lint(&ShellFormCommand, "FROM x:1\nENTRYPOINT ./run\nCMD [\"--help\"]\n");
        assert!(diags[0].fix.is_none());
    }
}
