use dockward_shell::Word;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

use super::shell_helpers::{arguments, program, run_scripts};

declare_rule! {
    /// ## What it does
    /// Flags `chmod` (also `mkdir -m`, `install -m`) giving write permission to
    /// everyone: numeric modes whose last digit has the write bit (`777`, `666`,
    /// `0757`), symbolic modes such as `a+w`, `o+w`, `o=rwx`, `a=rwx`, recursive or
    /// not. Modes with the sticky bit (`1777`, `+t`), the standard for shared
    /// temporary directories, are not reported. Only the final stage and the stages
    /// it is built `FROM` are checked: a build stage's scratch directories do not ship,
    /// and neither do paths that the same RUN deletes again (`rm -rf "$tempDir"`).
    ///
    /// ## Why is this bad?
    /// Any process in the container, whatever its user, can then replace the
    /// application's code, configuration or binaries, turning a minor compromise into
    /// a persistent one.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN chmod -R 777 /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY --chown=10001:10001 app/ /app/
    /// ```
    ///
    /// ## How to fix
    /// Give ownership to the user that needs to write (`COPY --chown`, `chown`) and
    /// keep modes at `755`/`644` or stricter.
    ///
    /// ## References
    /// - Practices b, "Filesystem & Volume Security", "Image Security"
    pub struct WorldWritablePermissions;
    code = "DF017", name = "world-writable-permissions", severity = Warning,
    category = Security, target = Dockerfile, fix = None,
    summary = "chmod makes files writable by every user",
    practices = ["b-image-hardening"],
}

/// What a mode word means: world-writable, setuid/setgid.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ModeEffect {
    pub world_writable: bool,
    /// Adds setuid, or setgid without the sticky bit (setgid plus sticky is a shared
    /// directory's mode, where setgid only sets the group of new files).
    pub set_id: bool,
    /// Adds setuid.
    pub set_uid: bool,
}

/// Reads a chmod mode (`755`, `4755`, `u+s,g-w`, `a=rwx`). `None` if it is not one.
pub(crate) fn mode_effect(mode: &str) -> Option<ModeEffect> {
    if !mode.is_empty() && mode.len() <= 5 && mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        let v = u32::from_str_radix(mode, 8).ok()?;
        let sticky = v & 0o1000 != 0;
        return Some(ModeEffect {
            world_writable: v & 0o002 != 0 && !sticky,
            set_id: v & 0o4000 != 0 || (v & 0o2000 != 0 && !sticky),
            set_uid: v & 0o4000 != 0,
        });
    }
    let mut effect = ModeEffect::default();
    let mut any = false;
    for clause in mode.split(',') {
        let op = clause.find(['+', '-', '='])?;
        let (who, rest) = clause.split_at(op);
        if !who.chars().all(|c| "ugoa".contains(c)) {
            return None;
        }
        // Each `op perms` group: `u+x-w` has two.
        let mut chars = rest.chars().peekable();
        while let Some(op) = chars.next() {
            if !"+-=".contains(op) {
                return None;
            }
            let mut perms = String::new();
            while let Some(c) = chars.peek().filter(|c| !"+-=".contains(**c)) {
                perms.push(*c);
                chars.next();
            }
            if !perms.chars().all(|c| "rwxXstugo".contains(c)) {
                return None;
            }
            any = true;
            if op == '-' {
                continue;
            }
            let everyone = who.contains(['a', 'o']);
            if everyone && perms.contains('w') && !perms.contains('t') {
                effect.world_writable = true;
            }
            if perms.contains('s') && (who.is_empty() || who.contains(['u', 'g', 'a'])) {
                effect.set_id = true;
                effect.set_uid |= who.is_empty() || who.contains(['u', 'a']);
            }
        }
    }
    any.then_some(effect)
}

/// True if `prog args` creates directories (`mkdir`, `install -d`), where setgid
/// only sets the group of new files.
pub(crate) fn creates_directories(prog: &str, args: &[Word]) -> bool {
    prog == "mkdir" || (prog == "install" && args.iter().any(|w| w.text == "-d" || w.text == "--directory"))
}

/// The commands of RUNs in the final stage's chain: the layers the image ships.
pub(crate) fn final_chain_runs<'d>(cx: &DockerfileContext<'d>) -> Vec<super::shell_helpers::RunScript<'d>> {
    let mut chain: Vec<usize> = super::final_stage_chain(cx.dockerfile, cx.model).iter().map(|s| s.index).collect();
    chain.sort_unstable();
    run_scripts(cx.dockerfile)
        .into_iter()
        .filter(|r| cx.model.stage_of(r.instruction).is_some_and(|s| chain.binary_search(&s).is_ok()))
        .collect()
}

/// The mode words of `chmod MODE ...`, `mkdir -m MODE`, `install -m MODE`.
pub(crate) fn mode_words<'a>(prog: &str, args: &'a [Word]) -> Vec<(&'a Word, &'a str)> {
    let mut out = Vec::new();
    match prog {
        "chmod" => {
            if let Some(w) = args.iter().find(|w| !w.text.starts_with('-') || mode_effect(&w.text).is_some()) {
                out.push((w, w.text.as_str()));
            }
        }
        "mkdir" | "install" => {
            for (i, w) in args.iter().enumerate() {
                if w.text == "-m" || w.text == "--mode" {
                    if let Some(n) = args.get(i + 1) {
                        out.push((n, n.text.as_str()));
                    }
                } else if let Some(m) = w.text.strip_prefix("--mode=") {
                    out.push((w, m));
                }
            }
        }
        _ => {}
    }
    out
}

impl DockerfileRule for WorldWritablePermissions {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for run in final_chain_runs(cx) {
            // Paths the same RUN deletes again (a temporary build directory) do not ship.
            let removed: Vec<&str> = run
                .script
                .commands
                .iter()
                .filter(|c| program(c) == Some("rm"))
                .flat_map(|c| arguments(c).iter().filter(|w| !w.text.starts_with('-')).map(|w| w.text.as_str()))
                .collect();
            for cmd in &run.script.commands {
                let Some(prog) = program(cmd) else { continue };
                let args = arguments(cmd);
                let targets: Vec<&str> =
                    args.iter().filter(|w| !w.text.starts_with('-')).skip(1).map(|w| w.text.as_str()).collect();
                if prog == "chmod" && !targets.is_empty() && targets.iter().all(|t| removed.contains(t)) {
                    continue;
                }
                for (w, mode) in mode_words(prog, args) {
                    if w.has_expansion {
                        continue;
                    }
                    if mode_effect(mode).is_some_and(|e| e.world_writable) {
                        found.push((w.range, format!("`{prog} {mode}` makes files writable by every user")));
                    }
                }
            }
        }
        found.sort_by_key(|(r, _)| r.start());
        found.dedup_by_key(|(r, _)| *r);
        for (range, message) in found {
            cx.report(&Self::META, range, message)
                .help("give ownership to the user that writes (`COPY --chown`) and keep modes at 755/644 or stricter");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_world_writable_modes() {
        for (line, mode) in [
            ("RUN chmod 777 /app", "777"),
            ("RUN chmod -R 0666 /data", "0666"),
            ("RUN chmod -R a+w /var/www", "a+w"),
            ("RUN chmod o+rwx /opt", "o+rwx"),
            ("RUN chmod u=rwx,go=rwx /srv", "u=rwx,go=rwx"),
            ("RUN mkdir -p -m 777 /cache", "777"),
            ("RUN find /x -type d | xargs chmod 757", "757"),
            ("RUN find /data -type d -exec chmod 777 {} +", "777"),
            ("FROM a:1 AS base\nRUN chmod 777 /x\nFROM base", "777"),
        ] {
            assert_flags(&WorldWritablePermissions, &format!("FROM a:1\n{line}\n"), &[mode]);
        }
    }

    #[test]
    fn sticky_removal_and_private_modes_are_fine() {
        for line in [
            "RUN chmod 1777 /tmp",
            "RUN chmod a+rwxt /shared",
            "RUN chmod 755 /app",
            "RUN chmod o-w /app",
            "RUN chmod -R g+w /app",
            "RUN chmod +x /entrypoint.sh",
            "RUN chmod $MODE /x",
            "RUN echo chmod 777 /x",
            "RUN chmod 777 /build\nFROM b:1",
            "RUN d=\"$(mktemp -d)\" && chmod 777 \"$d\" && make -C \"$d\" && rm -rf \"$d\"",
        ] {
            assert_clean(&WorldWritablePermissions, &format!("FROM a:1\n{line}\n"));
        }
    }
}
