use dockward_diagnostics::{Edit, Fix};
use dockward_shell::Operator;

use super::package_managers::{calls, runs, Manager, PmCall};
use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags package-manager commands that ask for confirmation when run without a
    /// terminal: `apt-get`/`apt`, `yum`, `dnf` and `zypper` installs, upgrades and
    /// removals without their assume-yes switch.
    ///
    /// Accepted switches: `-y` (also inside a cluster such as `-qy`), `--yes`,
    /// `--assume-yes`/`--assumeyes`; for apt-get also quiet level 2 (`-qq`, `-q -q`,
    /// `--quiet --quiet`, `-q=2`, `--quiet=2`) and
    /// `-o APT::Get::Assume-Yes=true`; for zypper the global `-n`/`--non-interactive`
    /// or `-y`/`--no-confirm` after the subcommand. A command fed by a pipe (`yes |
    /// apt-get install x`) is not flagged. `apk`, `microdnf` and `pip install` never
    /// prompt. Simulations (`-s`, `--dry-run`) never prompt. dnf's short `in`, `up`
    /// and `rm` are read as install, upgrade and remove.
    ///
    /// ## Why is this bad?
    /// Without a terminal the prompt reads end-of-file and the command aborts, so the
    /// build fails, or worse, depends on how the builder happens to attach stdin.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## Fix
    /// Add `-y` after the subcommand (`--non-interactive` before it for zypper). The
    /// fix is safe: it answers the prompt that would otherwise abort the build.
    ///
    /// ## References
    /// - apt-get(8), yum(8), dnf(8), zypper(8)
    pub struct MissingAssumeYes;
    code = "DF101", name = "missing-assume-yes", severity = Warning,
    category = Correctness, target = Dockerfile, fix = Always,
    summary = "A package manager may prompt for confirmation during the build",
    aliases = [
        "DL3014", "DL3030", "DL3034", "DL3038", "DS-0021",
        "77783205-c4ca-4f80-bb80-c777f267c547", "6e19193a-8753-436d-8a09-76dcff91bb03",
        "7ebd323c-31b7-4e5b-b26f-de5e9e477af8", "45e1fca5-f90e-465d-825f-c2cb63fa3944",
    ],
}

fn prompts(call: &PmCall<'_>) -> bool {
    match call.manager {
        Manager::AptGet | Manager::Apt => call.sub_is(&[
            "install",
            "upgrade",
            "dist-upgrade",
            "full-upgrade",
            "remove",
            "purge",
            "autoremove",
            "build-dep",
        ]),
        Manager::Yum | Manager::Dnf => call.sub_is(&[
            "install",
            "in",
            "rm",
            "up",
            "groupinstall",
            "localinstall",
            "reinstall",
            "update",
            "upgrade",
            "remove",
            "erase",
            "downgrade",
            "autoremove",
            "distro-sync",
            "group",
            "module",
        ]),
        Manager::Zypper => call.sub_is(&[
            "install",
            "in",
            "update",
            "up",
            "remove",
            "rm",
            "dist-upgrade",
            "dup",
            "patch",
            "source-install",
            "si",
        ]),
        _ => false,
    }
}

fn answered(call: &PmCall<'_>) -> bool {
    if call.has_short('y') || call.has_long("--yes") || call.has_long("--assume-yes") || call.has_long("--assumeyes") {
        return true;
    }
    if call.command.preceded_by == Some(Operator::Pipe) {
        return true;
    }
    // A simulation changes nothing and never asks.
    if call.has_short('s')
        || ["--simulate", "--dry-run", "--just-print", "--no-act", "--recon", "--assumeno"]
            .iter()
            .any(|o| call.has_long(o))
    {
        return true;
    }
    match call.manager {
        Manager::AptGet | Manager::Apt => {
            // Quiet level 2 (`-qq`, `-q -q`, `--quiet --quiet`, `-q=2`) implies `-y`.
            call.quiet_level() >= 2
                || call.command.argv.iter().any(|w| {
                    let t = w.text.to_ascii_lowercase();
                    t.starts_with("apt::get::assume-yes=")
                        && (t.ends_with("=true") || t.ends_with("=1") || t.ends_with("=yes"))
                })
        }
        Manager::Zypper => call.has_short('n') || call.has_long("--non-interactive") || call.has_long("--no-confirm"),
        _ => false,
    }
}

impl DockerfileRule for MissingAssumeYes {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for (_, _, run) in runs(cx.dockerfile) {
            for call in calls(run.commands()) {
                if !prompts(&call) || answered(&call) {
                    continue;
                }
                let sub = call.subcommand.expect("prompting calls have a subcommand");
                let edit = if call.manager == Manager::Zypper {
                    Edit::insert(call.program.range.end(), " --non-interactive")
                } else {
                    Edit::insert(sub.range.end(), " -y")
                };
                found.push((sub.range, call.manager, run.fixable.then_some(edit)));
            }
        }
        for (range, manager, edit) in found {
            let d = cx.report(
                &Self::META,
                range,
                format!("`{}` may wait for a confirmation that never comes during a build", manager.name()),
            );
            d.help(if manager == Manager::Zypper { "add `--non-interactive`" } else { "add `-y`" });
            if let Some(edit) = edit {
                d.fix(Fix::safe("Answer the prompt in advance", vec![edit]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_prompting_subcommands() {
        assert_flags(&MissingAssumeYes, "FROM debian:12\nRUN apt-get update && apt-get install curl\n", &["install"]);
        assert_flags(
            &MissingAssumeYes,
            "FROM fedora:40\nRUN dnf install git && yum remove x\n",
            &["install", "remove"],
        );
        assert_flags(&MissingAssumeYes, "FROM opensuse/leap:15\nRUN zypper install git\n", &["install"]);
        assert_flags(&MissingAssumeYes, "FROM debian:12\nRUN <<EOF\napt-get install -q curl\nEOF\n", &["install"]);
    }

    #[test]
    fn every_assume_yes_form_counts() {
        for run in [
            "apt-get install -y curl",
            "apt-get -y install curl",
            "apt-get -yqq install curl",
            "apt-get -qq install curl",
            "apt-get -q -q install curl",
            "apt-get --quiet=2 install curl",
            "apt-get --quiet --quiet install curl",
            "apt-get -q --quiet install curl",
            "apt-get install --assume-yes curl",
            "apt-get -o APT::Get::Assume-Yes=true install curl",
            "yes | apt-get install curl",
            "yum install --assumeyes git",
            "zypper -n install git",
            "zypper --non-interactive in git",
            "zypper install -y git",
            "apk add curl",
            "microdnf install git",
            "echo apt-get install curl",
            "apt-get update",
            "apt-get install -s postgresql-jit > /dev/null",
        ] {
            assert_clean(&MissingAssumeYes, &format!("FROM debian:12\nRUN {run}\n"));
        }
    }

    #[test]
    fn fixes_add_the_switch() {
        assert_fix(
            &MissingAssumeYes,
            "FROM debian:12\nRUN apt-get install curl && dnf upgrade\n",
            "FROM debian:12\nRUN apt-get install -y curl && dnf upgrade -y\n",
        );
        assert_fix(
            &MissingAssumeYes,
            "FROM opensuse/leap:15\nRUN zypper in git\n",
            "FROM opensuse/leap:15\nRUN zypper --non-interactive in git\n",
        );
    }

    /// issue 13 #15: dnf's `in` is install; one `--quiet` is not enough.
    #[test]
    fn dnf_short_install_and_one_quiet() {
        assert_flags(&MissingAssumeYes, "FROM fedora:40\nRUN dnf in git\n", &["in"]);
        assert_flags(&MissingAssumeYes, "FROM debian:12\nRUN apt-get --quiet install curl\n", &["install"]);
        assert_flags(&MissingAssumeYes, "FROM debian:12\nRUN apt-get -q --quiet=1 install curl\n", &["install"]);
        assert_clean(&MissingAssumeYes, "FROM fedora:40\nRUN dnf in -y git\n");
    }

    /// issue 13 #12: the exec form runs the same program, with or without `sudo` or a
    /// `sh -c` wrapper; an exec-form argv gets no text fix (it would have to be JSON).
    #[test]
    fn exec_form_is_read() {
        let text = "FROM debian:12\nRUN [\"apt-get\", \"install\", \"curl\"]\n";
        assert_flags(&MissingAssumeYes, text, &["\"install\""]);
        assert!(lint(&MissingAssumeYes, text)[0].fix.is_none());
        assert_flags(
            &MissingAssumeYes,
            "FROM debian:12\nRUN [\"sudo\", \"apt-get\", \"install\", \"x\"]\n",
            &["\"install\""],
        );
        assert_fix(
            &MissingAssumeYes,
            "FROM debian:12\nRUN [\"sh\", \"-c\", \"apt-get update && apt-get install curl\"]\n",
            "FROM debian:12\nRUN [\"sh\", \"-c\", \"apt-get update && apt-get install -y curl\"]\n",
        );
        assert_clean(&MissingAssumeYes, "FROM debian:12\nRUN [\"apt-get\", \"install\", \"-y\", \"curl\"]\n");
        // A `|` element is a literal argument, not a pipe from `yes`.
        assert_flags(
            &MissingAssumeYes,
            "FROM debian:12\nRUN [\"apt-get\", \"install\", \"|\", \"x\"]\n",
            &["\"install\""],
        );
    }
}
