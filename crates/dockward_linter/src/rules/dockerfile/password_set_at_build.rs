use dockward_shell::Operator;
use dockward_source::TextRange;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

use super::shell_helpers::{arguments, program, run_scripts, word_subrange};

declare_rule! {
    /// ## What it does
    /// Flags passwords set while building: `chpasswd`, `passwd` (except `passwd -l`
    /// and `-u`, which lock and unlock an account, and `-S`/`-e`), and `useradd`/`usermod -p`. When an
    /// `echo 'user:password' | chpasswd` pipeline gives the password literally, the
    /// password is masked in every output format.
    ///
    /// ## Why is this bad?
    /// Every container from the image shares the password, it is in the image history
    /// and the Dockerfile, and a password login only makes sense with a login service
    /// (SSH) that containers should not run.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN echo 'root:changeme' | chpasswd
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN useradd --uid 10001 --no-create-home app
    /// USER 10001
    /// ```
    ///
    /// ## How to fix
    /// Do not give accounts passwords in images; use `docker exec` for debugging and
    /// secrets for application credentials.
    ///
    /// ## References
    /// - Practices a, "Secrets and Configuration Management"; practices b, "Image Security" (no secrets in Dockerfiles or layers)
    pub struct PasswordSetAtBuild;
    code = "DF019", name = "password-set-at-build", severity = Warning,
    category = Security, target = Dockerfile, fix = None,
    summary = "A user password is set while building the image",
    aliases = ["CKV2_DOCKER_17"],
    practices = ["a-no-hardcoded-secrets", "b-no-secrets-in-images"],
}

impl DockerfileRule for PasswordSetAtBuild {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let source = cx.text();
        let mut found: Vec<(TextRange, String, Vec<TextRange>)> = Vec::new();
        for run in run_scripts(cx.dockerfile) {
            let cmds = &run.script.commands;
            for (i, cmd) in cmds.iter().enumerate() {
                let Some(prog) = program(cmd) else { continue };
                let args = arguments(cmd);
                let at = cmd.argv.iter().find(|w| w.text.ends_with(prog)).map_or(cmd.range, |w| w.range);
                match prog {
                    "chpasswd" => {
                        // `echo 'user:pw' | chpasswd`: the echoed password is the secret.
                        let mut secrets = Vec::new();
                        if cmd.preceded_by == Some(Operator::Pipe) && i > 0 {
                            let prev = &cmds[i - 1];
                            if matches!(program(prev), Some("echo" | "printf")) {
                                for w in arguments(prev).iter().filter(|w| !w.text.starts_with('-')) {
                                    if let Some(colon) = w.text.find(':') {
                                        let end = w.text.find(['\n', '\\']).unwrap_or(w.text.len());
                                        if colon + 1 < end && !w.has_expansion {
                                            secrets.push(word_subrange(source, w, colon + 1, end));
                                        }
                                    }
                                }
                            }
                        }
                        found.push((at, "`chpasswd` sets a password in the image".into(), secrets));
                    }
                    "passwd" => {
                        let harmless = args.iter().any(|w| {
                            matches!(
                                w.text.as_str(),
                                "-l" | "--lock" | "-u" | "--unlock" | "-S" | "--status" | "-e" | "--expire"
                            )
                        });
                        if !harmless {
                            let what = if args.iter().any(|w| w.text == "-d" || w.text == "--delete") {
                                "`passwd -d` leaves an account without a password"
                            } else {
                                "`passwd` sets a password in the image"
                            };
                            found.push((at, what.into(), Vec::new()));
                        }
                    }
                    "useradd" | "usermod" => {
                        for (j, w) in args.iter().enumerate() {
                            if w.text == "-p" || w.text == "--password" {
                                if let Some(v) =
                                    args.get(j + 1).filter(|v| !v.text.is_empty() && v.text != "*" && v.text != "!")
                                {
                                    let secrets = if v.has_expansion { Vec::new() } else { vec![v.range] };
                                    found.push((
                                        w.range,
                                        format!("`{prog} {}` sets a password in the image", w.text),
                                        secrets,
                                    ));
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        found.sort_by_key(|(r, _, _)| r.start());
        found.dedup_by_key(|(r, _, _)| *r);
        for (range, message, secrets) in found {
            let d = cx.report(&Self::META, range, message);
            d.help("do not give accounts passwords in images; use secrets for application credentials");
            for s in secrets {
                d.mark_secret(s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_passwords_and_masks_echoed_ones() {
        let text = "FROM a:1\nRUN echo 'root:hunter22' | chpasswd\n";
        assert_flags(&PasswordSetAtBuild, text, &["chpasswd"]);
        let d = &lint(&PasswordSetAtBuild, text)[0];
        assert_eq!(&text[d.redactions[0]], "hunter22");
        assert_flags(&PasswordSetAtBuild, "FROM a:1\nRUN passwd -d root\n", &["passwd"]);
        assert_flags(&PasswordSetAtBuild, "FROM a:1\nRUN useradd -p '$6$x$y' bob\n", &["-p"]);
        assert_flags(&PasswordSetAtBuild, "FROM a:1\nRUN printf 'a:b\\n' | sudo chpasswd\n", &["chpasswd"]);
    }

    #[test]
    fn locking_and_text_are_fine() {
        for line in [
            "RUN passwd -l root",
            "RUN passwd -u git",
            "RUN echo chpasswd",
            "RUN useradd -m bob",
            "RUN apt-get install -y passwd",
        ] {
            assert_clean(&PasswordSetAtBuild, &format!("FROM a:1\n{line}\n"));
        }
    }
}
