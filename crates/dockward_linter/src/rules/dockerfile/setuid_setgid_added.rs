use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

use super::shell_helpers::{arguments, program};
use super::world_writable_permissions::{creates_directories, final_chain_runs, mode_effect, mode_words};

declare_rule! {
    /// ## What it does
    /// Flags modes that add the setuid or setgid bit: `chmod u+s`, `g+s`, `+s`,
    /// `4755`, `2755`, `6755` (also with `install -m`, `mkdir -m`). Removing the bits
    /// (`chmod u-s`, `a-s`) is the recommended hardening and is not reported, nor is
    /// setgid on directories being created (`mkdir -m 2775`, `install -d -m 3777`) or
    /// combined with the sticky bit: on a directory it only sets the group of new
    /// files. Only the final stage and the stages it is built `FROM` are checked.
    ///
    /// ## Why is this bad?
    /// A setuid-root binary runs as root whoever starts it: every flaw in it becomes a
    /// privilege escalation for an attacker who gets a shell as the unprivileged
    /// user.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN chmod u+s /usr/local/bin/helper
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN setcap cap_net_bind_service=+ep /usr/local/bin/helper
    /// ```
    ///
    /// ## How to fix
    /// Grant the one capability the program needs (`setcap`, or `cap_add` at run
    /// time), or run it as root in a separate, narrowly scoped container.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.8, "Ensure setuid and setgid permissions are removed"
    /// - Practices b, "Filesystem & Volume Security", "Image Security"
    pub struct SetuidSetgidAdded;
    code = "DF018", name = "setuid-setgid-added", severity = Warning,
    category = Security, target = Dockerfile, fix = None,
    summary = "chmod adds a setuid or setgid bit",
    cis = ["4.8"],
    practices = ["b-image-hardening"],
}

impl DockerfileRule for SetuidSetgidAdded {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for run in final_chain_runs(cx) {
            for cmd in &run.script.commands {
                let Some(prog) = program(cmd) else { continue };
                let dirs = creates_directories(prog, arguments(cmd));
                for (w, mode) in mode_words(prog, arguments(cmd)) {
                    let Some(effect) = mode_effect(mode).filter(|_| !w.has_expansion) else { continue };
                    if effect.set_uid || (effect.set_id && !dirs) {
                        found.push((w.range, format!("`{prog} {mode}` adds a setuid/setgid bit")));
                    }
                }
            }
        }
        found.sort_by_key(|(r, _)| r.start());
        found.dedup_by_key(|(r, _)| *r);
        for (range, message) in found {
            cx.report(&Self::META, range, message)
                .help("grant the needed capability with `setcap` instead of a setuid/setgid bit");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_added_bits() {
        for (line, mode) in [
            ("RUN chmod u+s /bin/x", "u+s"),
            ("RUN chmod g+s /srv", "g+s"),
            ("RUN chmod +s /bin/x", "+s"),
            ("RUN chmod 4755 /bin/x", "4755"),
            ("RUN chmod 2775 /srv", "2775"),
            ("RUN install -m 6755 x /bin/x", "6755"),
        ] {
            assert_flags(&SetuidSetgidAdded, &format!("FROM a:1\n{line}\n"), &[mode]);
        }
    }

    #[test]
    fn removal_and_plain_modes_are_fine() {
        for line in [
            "RUN chmod u-s /bin/x",
            "RUN chmod a-s /bin/*",
            "RUN chmod 0755 /bin/x",
            "RUN chmod 1777 /tmp",
            "RUN install --directory --owner pg --mode 3777 /var/run/postgresql",
            "RUN mkdir -m 2775 /srv/shared",
            "RUN chmod 3777 /srv/shared",
            "RUN chmod u+s /x\nFROM b:1",
        ] {
            assert_clean(&SetuidSetgidAdded, &format!("FROM a:1\n{line}\n"));
        }
    }
}
