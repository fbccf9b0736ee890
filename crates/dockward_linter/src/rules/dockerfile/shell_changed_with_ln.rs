use super::package_managers::runs;
use super::shell_helpers::{arguments, program};
use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `ln` in RUN whose link target is `/bin/sh` (`ln -sf /bin/bash /bin/sh`):
    /// replacing the system shell to change how later RUNs are interpreted.
    ///
    /// ## Why is this bad?
    /// The change is invisible to readers of later RUN lines, silently affects every
    /// program in the image that calls `/bin/sh` (package scripts included), and is
    /// lost when the base image changes. `SHELL` says the same thing openly and only
    /// for the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN ln -sf /bin/bash /bin/sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-c"]
    /// ```
    ///
    /// ## Fix
    /// Use a `SHELL` instruction. No automatic fix: the replacement also changes what
    /// `/bin/sh` means at run time, which SHELL does not.
    ///
    /// ## References
    /// - Dockerfile reference, "SHELL"
    pub struct ShellChangedWithLn;
    code = "DF125", name = "shell-changed-with-ln", severity = Warning,
    category = BestPractice, target = Dockerfile, fix = None,
    summary = "RUN replaces /bin/sh instead of using SHELL",
    aliases = ["DL4005", "8a301064-c291-4b20-adcb-403fe7fd95fd"],
}

impl DockerfileRule for ShellChangedWithLn {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for (_, _, run) in runs(cx.dockerfile) {
            for c in run.commands() {
                if program(c) != Some("ln") {
                    continue;
                }
                let operands: Vec<_> = arguments(c).iter().filter(|w| !w.text.starts_with('-')).collect();
                if operands.len() >= 2 && operands.last().is_some_and(|w| w.text == "/bin/sh") {
                    found.push(operands[operands.len() - 1].range);
                }
            }
        }
        for range in found {
            cx.report(&Self::META, range, "replacing /bin/sh changes the shell behind every later RUN")
                .help("use `SHELL [\"/bin/bash\", \"-c\"]`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_links_onto_bin_sh() {
        assert_flags(&ShellChangedWithLn, "FROM x:1\nRUN ln -sf /bin/bash /bin/sh\n", &["/bin/sh"]);
        assert_clean(&ShellChangedWithLn, "FROM x:1\nRUN ln -s /bin/sh /usr/local/bin/sh && ln -s /a /b\n");
    }
}
