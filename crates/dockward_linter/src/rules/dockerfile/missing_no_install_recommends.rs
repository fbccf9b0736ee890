use dockward_diagnostics::{Edit, Fix};

use super::package_managers::{calls, runs, Manager};
use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `apt-get install` (and `apt install`) without `--no-install-recommends`
    /// (or `-o APT::Install-Recommends=false`).
    ///
    /// ## Why is this bad?
    /// By default apt also installs every package the requested ones merely
    /// *recommend*: documentation, optional tools, sometimes whole desktop stacks.
    /// They make the image bigger and add software nobody asked for, each a
    /// potential vulnerability to patch.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// Add `--no-install-recommends` after `install`. The fix is safe for the build,
    /// but review the result: software that relied on a recommended package must now
    /// name it.
    ///
    /// ## References
    /// - apt.conf(5), `APT::Install-Recommends`
    /// - Practices a, "Minimal and Lean Images"
    pub struct MissingNoInstallRecommends;
    code = "DF102", name = "missing-no-install-recommends", severity = Info,
    category = BestPractice, target = Dockerfile, fix = Always,
    summary = "apt installs recommended packages too",
    aliases = ["DL3015", "DS-0029", "7384dfb2-fcd1-4fbf-91cd-6c44c318c33c"],
    practices = ["a-minimal-base"],
}

impl DockerfileRule for MissingNoInstallRecommends {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for (_, _, run) in runs(cx.dockerfile) {
            for call in calls(run.commands()) {
                if !matches!(call.manager, Manager::AptGet | Manager::Apt) || !call.sub_is(&["install"]) {
                    continue;
                }
                let off = call.has_long("--no-install-recommends")
                    || call.command.argv.iter().any(|w| {
                        let t = w.text.to_ascii_lowercase();
                        t.starts_with("apt::install-recommends=")
                            && (t.ends_with("=false") || t.ends_with("=0") || t.ends_with("=no"))
                    });
                if !off {
                    found.push((call.subcommand.expect("install").range, run.fixable));
                }
            }
        }
        for (range, fixable) in found {
            let d = cx.report(&Self::META, range, "apt also installs the packages these recommend");
            d.help("add `--no-install-recommends` and name what you need");
            if fixable {
                d.fix(Fix::safe(
                    "Add --no-install-recommends",
                    vec![Edit::insert(range.end(), " --no-install-recommends")],
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_install_without_the_switch() {
        assert_flags(&MissingNoInstallRecommends, "FROM debian:12\nRUN apt-get install -y curl\n", &["install"]);
        assert_flags(&MissingNoInstallRecommends, "FROM debian:12\nRUN apt -y install curl\n", &["install"]);
        assert_clean(
            &MissingNoInstallRecommends,
            "FROM debian:12\nRUN apt-get -y install --no-install-recommends curl\n",
        );
        assert_clean(
            &MissingNoInstallRecommends,
            "FROM debian:12\nRUN apt-get -o APT::Install-Recommends=false install -y curl\n",
        );
        assert_clean(&MissingNoInstallRecommends, "FROM debian:12\nRUN apt-get update && apt-get remove -y x\n");
    }

    #[test]
    fn fix_adds_the_switch() {
        assert_fix(
            &MissingNoInstallRecommends,
            "FROM debian:12\nRUN apt-get -y install curl\n",
            "FROM debian:12\nRUN apt-get -y install --no-install-recommends curl\n",
        );
    }

    /// issue 13 #12.
    #[test]
    fn exec_form_is_read() {
        assert_flags(
            &MissingNoInstallRecommends,
            "FROM debian:12\nRUN [\"sudo\", \"apt-get\", \"install\", \"-y\", \"curl\"]\n",
            &["\"install\""],
        );
        assert_clean(
            &MissingNoInstallRecommends,
            "FROM debian:12\nRUN [\"apt-get\", \"install\", \"-y\", \"--no-install-recommends\", \"curl\"]\n",
        );
    }
}
