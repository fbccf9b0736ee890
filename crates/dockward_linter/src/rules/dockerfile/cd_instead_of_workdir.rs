use super::package_managers::runs;
use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags a RUN script that starts with `cd` into a fixed directory: `RUN cd /app
    /// && make` is exactly `WORKDIR /app` followed by `RUN make`.
    ///
    /// A `cd` later in the script (after other work, or back to `/` before cleaning
    /// up) could only become a WORKDIR by splitting the RUN, so it is not flagged.
    /// Nor are `cd` inside a subshell or group (`(cd x && make)`), `cd` to a
    /// directory given by a variable or command substitution (`cd "$(mktemp -d)"`),
    /// `cd -`, and `cd` into a directory that the same RUN removes again (a
    /// throw-away build directory cannot be a WORKDIR), nor `cd` into `/tmp` or
    /// `/var/tmp`, scratch space that should not become the image's directory.
    /// Words that merely mention `cd` (`echo cd /x`) are not commands.
    ///
    /// ## Why is this bad?
    /// `cd` only lasts for one RUN; readers and later instructions easily assume it
    /// persists. `WORKDIR` makes the directory explicit, creates it if needed, and
    /// applies to every following instruction.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN cd /app && npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// WORKDIR /app
    /// RUN npm ci
    /// ```
    ///
    /// ## Fix
    /// Move the directory into a `WORKDIR` instruction. No automatic fix: WORKDIR
    /// changes the directory for every later instruction too.
    ///
    /// ## References
    /// - Dockerfile reference, "WORKDIR"
    pub struct CdInsteadOfWorkdir;
    code = "DF107", name = "cd-instead-of-workdir", severity = Info,
    category = BestPractice, target = Dockerfile, fix = None,
    summary = "`cd` in RUN is used where WORKDIR would be clearer",
    aliases = ["DL3003", "DS-0013", "f4a6bcd3-e231-4acf-993c-aa027be50d2e"],
}

impl DockerfileRule for CdInsteadOfWorkdir {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for (_, _, run) in runs(cx.dockerfile) {
            let commands = run.commands();
            // The script's first command (heredoc scripts included).
            if let Some((at, c)) = commands.iter().enumerate().find(|(_, c)| !c.argv.is_empty()) {
                if c.program() != Some("cd") || c.depth > 0 {
                    continue;
                }
                let Some(dir) = c.args().iter().find(|w| !w.text.starts_with('-') || w.text == "-") else { continue };
                // A scratch directory is no place for the image's working directory.
                let scratch =
                    ["/tmp", "/var/tmp"].iter().any(|t| dir.text == *t || dir.text.starts_with(&format!("{t}/")));
                if dir.has_expansion || dir.text == "-" || dir.text.contains('`') || scratch {
                    continue;
                }
                if super::package_managers::removes_later(commands, at, dir.text.trim_end_matches('/')) {
                    continue;
                }
                found.push(c.argv[0].range);
            }
        }
        for range in found {
            cx.report(&Self::META, range, "`cd` only lasts for this RUN; use WORKDIR")
                .help("set the directory with `WORKDIR`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_standalone_cd() {
        assert_flags(&CdInsteadOfWorkdir, "FROM x:1\nRUN cd /app && npm ci\n", &["cd"]);
        assert_flags(&CdInsteadOfWorkdir, "FROM x:1\nRUN <<EOF\ncd /src\nmake\nEOF\n", &["cd"]);
    }

    #[test]
    fn legitimate_cd_is_fine() {
        for run in [
            "(cd /src && make)",
            "cd \"$(mktemp -d)\" && make",
            "cd $HOME && ls",
            "mkdir /tmp/b && cd /tmp/b && cmake .. && rm -rf /tmp/b",
            "echo cd /x",
            "make -C /src",
            "make && cd / && rm -rf /src",
            "cd /tmp && tar -xzf x.tgz && cd x && make install",
            "./configure; cd /usr/src/php; make",
        ] {
            assert_clean(&CdInsteadOfWorkdir, &format!("FROM x:1\nRUN {run}\n"));
        }
    }
}
