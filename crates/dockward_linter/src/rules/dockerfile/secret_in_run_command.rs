use dockward_shell::Word;
use dockward_source::TextRange;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};
use crate::secrets::{is_placeholder, is_secret_name, judge_value, Verdict};

use super::shell_helpers::{
    arguments, env_assignments, is_long, long_value, options, program, run_scripts, word_subrange,
};

declare_rule! {
    /// ## What it does
    /// Flags passwords and tokens given on `RUN` command lines: `--password x`,
    /// `--password=x` (also `--passwd`, `--token`, `--api-key`, `--http-password`),
    /// `-p<password>` for MySQL/MariaDB clients, `curl -u user:password`,
    /// `sshpass -p password`, `docker login -p password`, and secret-named variables
    /// set on the command line (`PGPASSWORD=x psql`, `export API_TOKEN=x`,
    /// `MYSQL_PWD=x`, `SMTP_PASS=x`). Values made of variables
    /// (`--password "$DB_PASSWORD"`), `--password-stdin`, and obvious dummies given
    /// only so that a build step starts (`SECRET_KEY=dummy ./manage.py
    /// collectstatic`, `--token=fake`, `changeme`, `<...>`) are not reported. The
    /// value is masked in every output format.
    ///
    /// ## Why is this bad?
    /// The RUN line is stored in the image history (`docker history --no-trunc`),
    /// printed in build logs and committed with the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN mysql -uroot -phunter2 < /schema.sql
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=mysql_pw \
    ///     MYSQL_PWD="$(cat /run/secrets/mysql_pw)" mysql -uroot < /schema.sql
    /// ```
    ///
    /// ## How to fix
    /// Read the secret from a `RUN --mount=type=secret` file or environment variable
    /// (`--mount=type=secret,id=x,env=X`), and rotate the exposed one.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.10, "Ensure secrets are not stored in Dockerfiles"
    /// - Practices a, "Secrets and Configuration Management"; practices b, "Image Security" (no secrets in Dockerfiles or layers)
    pub struct SecretInRunCommand;
    code = "DF010", name = "secret-in-run-command", severity = Error,
    category = Security, target = Dockerfile, fix = None,
    summary = "A password or token is passed on a RUN command line",
    cis = ["4.10"],
    practices = ["a-no-hardcoded-secrets", "b-no-secrets-in-images"],
}

const SECRET_OPTIONS: &[&str] =
    &["password", "passwd", "pass", "token", "api-key", "apikey", "http-password", "ftp-password", "proxy-password"];
const MYSQL_CLIENTS: &[&str] =
    &["mysql", "mysqladmin", "mysqldump", "mysqlimport", "mysqlshow", "mariadb", "mariadb-admin", "mariadb-dump"];

/// A literal secret value: not empty, no expansion, not another option, and not a
/// dummy given only so that a build step starts (`SECRET_KEY=dummy ./manage.py
/// collectstatic`, `--password changeme`): see [`is_placeholder`].
fn literal(text: &str, word: &Word) -> bool {
    !text.is_empty() && !word.has_expansion && !text.starts_with('-') && !text.contains("$(") && !is_placeholder(text)
}

impl DockerfileRule for SecretInRunCommand {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let source = cx.text();
        let mut found: Vec<(TextRange, String)> = Vec::new();
        for run in run_scripts(cx.dockerfile) {
            for cmd in &run.script.commands {
                // `PGPASSWORD=x psql`, `env API_TOKEN=x cmd`, `export API_TOKEN=x`.
                let exported = match program(cmd) {
                    Some("export") => arguments(cmd),
                    _ => &[],
                };
                for a in env_assignments(cmd).chain(exported.iter()) {
                    let Some((name, value)) = a.as_assignment() else { continue };
                    if is_secret_name(name) && !a.has_expansion && judge_value(value) == Verdict::Secret {
                        let start = a.text.len() - value.len();
                        found.push((
                            word_subrange(source, a, start, a.text.len()),
                            format!("`{name}` is set to a literal value"),
                        ));
                    }
                }
                let Some(prog) = program(cmd) else { continue };
                let args = arguments(cmd);
                let opts = options(args);
                for (i, w) in opts.iter().enumerate() {
                    if let Some(name) = SECRET_OPTIONS.iter().find(|n| is_long(w, n)) {
                        // `useradd --password` takes a hash; DF019 reports setting passwords.
                        if matches!(prog, "useradd" | "usermod" | "adduser") {
                            continue;
                        }
                        if let Some(v) = long_value(args, i) {
                            if literal(v.text(), v.word) {
                                found.push((v.range(source), format!("`{prog} --{name}` is given a literal value")));
                            }
                        }
                        continue;
                    }
                    let short_value = |flag: &str| -> Option<(TextRange, bool)> {
                        if w.text == flag {
                            let n = args.get(i + 1)?;
                            return literal(&n.text, n).then_some((n.range, true));
                        }
                        let rest = w.text.strip_prefix(flag)?;
                        literal(rest, w).then(|| (word_subrange(source, w, flag.len(), w.text.len()), true))
                    };
                    let hit = match prog {
                        p if MYSQL_CLIENTS.contains(&p) => {
                            // `-p` alone prompts; only `-pSECRET` carries the password.
                            w.text
                                .strip_prefix("-p")
                                .filter(|r| !r.is_empty() && !w.text.starts_with("--"))
                                .and_then(|r| literal(r, w).then(|| word_subrange(source, w, 2, w.text.len())))
                        }
                        "sshpass" => short_value("-p").map(|(r, _)| r),
                        "docker" | "podman" | "buildah" | "skopeo" | "helm" => {
                            let login = args.iter().any(|a| a.text == "login");
                            short_value("-p").filter(|_| login).map(|(r, _)| r)
                        }
                        "curl" => {
                            // (word, offset of the `user:password` value in it)
                            let user: Option<(&Word, usize)> = if w.text == "--user" || w.text.starts_with("--user=") {
                                long_value(args, i).map(|v| (v.word, v.start))
                            } else if w.text == "-u" {
                                args.get(i + 1).map(|n| (n, 0))
                            } else {
                                w.text.strip_prefix("-u").filter(|r| !r.is_empty()).map(|_| (w, 2))
                            };
                            user.and_then(|(word, start)| {
                                let colon = word.text[start..].find(':')? + start + 1;
                                literal(&word.text[colon..], word)
                                    .then(|| word_subrange(source, word, colon, word.text.len()))
                            })
                        }
                        _ => None,
                    };
                    if let Some(range) = hit {
                        found.push((range, format!("`{prog}` is given a literal password")));
                    }
                }
            }
        }
        found.sort_by_key(|(r, _)| r.start());
        found.dedup_by_key(|(r, _)| *r);
        for (range, message) in found {
            cx.report(&Self::META, range, format!("{message} on the command line; it is kept in the image history"))
                .mark_secret(range)
                .help("read it from `RUN --mount=type=secret,id=...` (file or `env=`) and rotate it");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_literal_passwords() {
        let cases = [
            ("RUN mysql -uroot -phunter22 < s.sql", "hunter22"),
            ("RUN mysqladmin --password=hunter22 ping", "hunter22"),
            ("RUN my-cli --password hunter22", "hunter22"),
            ("RUN my-cli --token=abcd1234", "abcd1234"),
            ("RUN curl -u bob:hunter22 https://x", "hunter22"),
            ("RUN curl --user=bob:hunter22 https://x", "hunter22"),
            ("RUN curl -ubob:hunter22 https://x", "hunter22"),
            ("RUN sshpass -p hunter22 ssh host", "hunter22"),
            ("RUN docker login -u bob -p hunter22 registry", "hunter22"),
            ("RUN sh -c 'mysql -phunter22 db'", "hunter22"),
            ("RUN PGPASSWORD=hunter22 psql -h db", "hunter22"),
            ("RUN export API_TOKEN=hunter22 && ./deploy", "hunter22"),
            ("RUN env MYSQL_PWD='hunter22' mysql", "hunter22"),
            ("RUN SMTP_PASS=hunter22 ./send", "hunter22"),
            ("RUN GPG_PASSPHRASE=hunter22 gpg --batch -d f", "hunter22"),
        ];
        for (line, secret) in cases {
            let text = format!("FROM a:1\n{line}\n");
            assert_flags(&SecretInRunCommand, &text, &[secret]);
            let d = &lint(&SecretInRunCommand, &text)[0];
            assert_eq!(&text[d.redactions[0]], secret);
        }
    }

    #[test]
    fn variables_prompts_and_strings_are_fine() {
        for line in [
            "RUN mysql -uroot -p\"$MYSQL_ROOT_PASSWORD\" db",
            "RUN mysql -uroot -p db",
            "RUN my-cli --password \"$PW\"",
            "RUN docker login -u bob --password-stdin registry < /run/secrets/pw",
            "RUN curl -u bob https://x",
            "RUN curl -u \"bob:${PW}\" https://x",
            "RUN echo 'mysql -phunter22'",
            "RUN grep -p hunter22 file",
            "RUN useradd --password x app",
            "RUN PGPASSWORD=\"$(cat /run/secrets/pg)\" psql",
            "RUN export TOKEN_URL=https://x/token",
            "RUN PGPASSWORD= psql",
            // issue 13 #3: dummies given only so that a build step starts.
            "RUN SECRET_KEY=dummy python manage.py collectstatic --noinput",
            "RUN DJANGO_SECRET_KEY=fake-key-for-build ./manage.py compilemessages",
            "RUN API_TOKEN=placeholder npm run build",
            "RUN my-cli --token=dummy-token build",
            "RUN mysql -uroot -pchangeme -e 'select 1'",
        ] {
            assert_clean(&SecretInRunCommand, &format!("FROM a:1\n{line}\n"));
        }
    }
}
