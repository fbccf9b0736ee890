use super::package_managers::runs;
use super::shell_helpers::{arguments, effective_argv, program};
use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `useradd` with a UID of 100000 or more and without `-l` /
    /// `--no-log-init`.
    ///
    /// ## Why is this bad?
    /// `useradd` reserves the user's slot in `/var/log/lastlog` and `faillog`, files
    /// indexed by UID. For large UIDs they become sparse files of hundreds of
    /// megabytes, and image layers do not keep files sparse: the image grows by that
    /// much, full of zeros.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN useradd -u 1000000 app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN useradd --no-log-init -u 1000000 app
    /// ```
    ///
    /// ## Fix
    /// The fix adds `--no-log-init` (safe: containers do not use lastlog).
    ///
    /// ## References
    /// - useradd(8), `-l, --no-log-init`
    pub struct UseraddWithoutNoLogInit;
    code = "DF129", name = "useradd-without-no-log-init", severity = Warning,
    category = BestPractice, target = Dockerfile, fix = Always,
    summary = "useradd with a high UID bloats the image through lastlog",
    aliases = ["DL3046"],
    practices = ["a-minimal-base"],
}

impl DockerfileRule for UseraddWithoutNoLogInit {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for (_, _, run) in runs(cx.dockerfile) {
            for c in run.commands() {
                if program(c) != Some("useradd") {
                    continue;
                }
                let args = arguments(c);
                let no_log = args.iter().any(|w| {
                    w.text == "--no-log-init"
                        || (w.text.starts_with('-') && !w.text.starts_with("--") && w.text.contains('l'))
                });
                let uid = args.iter().enumerate().find_map(|(i, w)| {
                    let v = if w.text == "-u" || w.text == "--uid" {
                        args.get(i + 1).map(|n| n.text.as_str())
                    } else {
                        w.text.strip_prefix("--uid=").or_else(|| w.text.strip_prefix("-u").filter(|r| !r.is_empty()))
                    };
                    v.and_then(|v| v.parse::<u64>().ok())
                });
                if !no_log && uid.is_some_and(|u| u >= 100_000) {
                    found.push((effective_argv(c)[0].range, run.fixable));
                }
            }
        }
        for (range, fixable) in found {
            let d = cx.report(&Self::META, range, "a high UID makes `useradd` write a huge sparse lastlog entry");
            d.help("add `--no-log-init`");
            if fixable {
                d.fix(dockward_diagnostics::Fix::safe(
                    "Add --no-log-init",
                    vec![dockward_diagnostics::Edit::insert(range.end(), " --no-log-init")],
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
    fn flags_high_uids_without_the_switch() {
        assert_flags(&UseraddWithoutNoLogInit, "FROM x:1\nRUN useradd -u 1000000 app\n", &["useradd"]);
        assert_clean(&UseraddWithoutNoLogInit, "FROM x:1\nRUN useradd -l -u 1000000 app && useradd -u 1000 b\n");
        assert_fix(
            &UseraddWithoutNoLogInit,
            "FROM x:1\nRUN useradd --uid=200000 -m app\n",
            "FROM x:1\nRUN useradd --no-log-init --uid=200000 -m app\n",
        );
    }
}
