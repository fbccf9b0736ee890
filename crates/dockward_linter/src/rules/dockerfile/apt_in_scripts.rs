use dockward_diagnostics::{Edit, Fix};

use super::package_managers::{calls, runs, Manager};
use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `apt` (the interactive front end) run in a `RUN` script instead of
    /// `apt-get` / `apt-cache`.
    ///
    /// ## Why is this bad?
    /// `apt` is meant for people at a terminal: its command-line interface is not
    /// stable between releases and it warns so on every non-interactive run ("apt does
    /// not have a stable CLI interface"). Scripts should use `apt-get`, whose behaviour
    /// and output are kept stable.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt update && apt install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## Fix
    /// Replace `apt` with `apt-get`. The fix is offered for the subcommands both tools
    /// share (`install`, `update`, `remove`, `purge`, `autoremove`, `clean`, ...) and
    /// is marked unsafe: `apt upgrade` and `apt-get upgrade` differ on whether new
    /// dependencies may be installed, and progress output changes.
    ///
    /// ## References
    /// - apt(8), "SCRIPT USAGE AND DIFFERENCES FROM OTHER APT TOOLS"
    pub struct AptInScripts;
    code = "DF100", name = "apt-in-scripts", severity = Warning,
    category = BestPractice, target = Dockerfile, fix = Sometimes,
    summary = "`apt` is used in a script instead of `apt-get`",
    aliases = ["DL3027", "CKV_DOCKER_9", "b84a0b47-2e99-4c9f-8933-98bcabe2b94d"],
}

/// Subcommands apt-get accepts with the same meaning.
const SHARED: &[&str] =
    &["install", "update", "upgrade", "full-upgrade", "remove", "purge", "autoremove", "clean", "autoclean", "source"];

impl DockerfileRule for AptInScripts {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for (_, _, run) in runs(cx.dockerfile) {
            for call in calls(run.commands()) {
                if call.manager != Manager::Apt {
                    continue;
                }
                let fixable = run.fixable && call.sub_is(SHARED) && call.program.text == "apt" && !call.program.quoted;
                let sub = if call.sub() == "full-upgrade" { "dist-upgrade" } else { call.sub() };
                let edits = if fixable {
                    let mut e = vec![Edit::replace(call.program.range, "apt-get")];
                    if sub != call.sub() {
                        e.push(Edit::replace(call.subcommand.expect("has a subcommand").range, sub.to_string()));
                    }
                    Some(e)
                } else {
                    None
                };
                found.push((call.program.range, edits));
            }
        }
        for (range, edits) in found {
            let d = cx.report(&Self::META, range, "`apt` has no stable command-line interface for scripts");
            d.help("use `apt-get` (or `apt-cache` for queries)");
            if let Some(edits) = edits {
                d.fix(Fix::unsafe_("Use apt-get", edits));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_apt_commands_only() {
        assert_flags(&AptInScripts, "FROM debian:12\nRUN apt update && apt install -y curl\n", &["apt", "apt"]);
        assert_flags(
            &AptInScripts,
            "FROM debian:12\nRUN <<EOF\nset -e\n/usr/bin/apt install -y x\nEOF\n",
            &["/usr/bin/apt"],
        );
        assert_clean(&AptInScripts, "FROM debian:12\nRUN apt-get update && apt-cache policy curl\n");
        assert_clean(&AptInScripts, "FROM debian:12\nRUN echo 'apt install x' > /notes\n");
    }

    #[test]
    fn fix_is_unsafe_and_exact() {
        let text = "FROM debian:12\nRUN apt install -y curl && apt list --installed\n";
        let diags = lint(&AptInScripts, text);
        assert_eq!(diags.len(), 2);
        assert!(diags[1].fix.is_none(), "apt list has no apt-get twin");
        let fix = diags[0].fix.as_ref().unwrap();
        assert_eq!(fix.applicability, dockward_diagnostics::Applicability::Unsafe);
        assert_fix(
            &AptInScripts,
            "FROM debian:12\nRUN apt full-upgrade -y\n",
            "FROM debian:12\nRUN apt-get dist-upgrade -y\n",
        );
    }
}
