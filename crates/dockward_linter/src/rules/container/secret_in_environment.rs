use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use crate::secrets::{find_credentials, judge_variable, VariableJudgement as Judged};
use dockward_diagnostics::Diagnostic;
use dockward_source::{TextRange, TextSize};
use dockward_spec::{ContainerSpec, EnvVar};

declare_rule! {
    /// ## What it does
    /// Flags environment variables that carry a secret as a literal value: a name
    /// that says so (`*PASSWORD*`, `*_PASS`, `*_PASSPHRASE`, `*_PWD`, `*SECRET*`,
    /// `*TOKEN*`, `*API_KEY*`, `*PRIVATE_KEY*`, `*ACCESS_KEY*`, `*CREDENTIAL*`) with a
    /// value written in the file, or, in a variable of any name, a credential in a
    /// known format (AWS access key ids, GitHub, GitLab, Slack and Stripe tokens,
    /// private key blocks, the password of a `scheme://user:password@host` URL).
    ///
    /// Not reported: values taken from the caller's environment (`-e TOKEN`,
    /// `${TOKEN}`, `$TOKEN`), booleans, short numbers, file paths
    /// (`/run/secrets/db`, `./secrets/jwt.key`), URLs without a password, and names
    /// where the secret word is qualified: `*_FILE`, `*_URL`, `*_USER`, `*_USERNAME`,
    /// `*_REALM`, `*_SERVICE`, `*_ISSUER` (`REGISTRY_AUTH_TOKEN_REALM`). An obvious
    /// placeholder (`changeme`, `your-...`, `xxxx`, `******`, `<...>`, `dummy`, an
    /// empty value) is reported one severity lower (warning) and named a placeholder.
    /// A line of an env file read by several services is one finding naming them all.
    ///
    /// The secret's own bytes (for a URL, the password only) are masked in every
    /// output format; the same word elsewhere in the report is left alone. Which
    /// names and values count is decided in one place for this rule and its twins
    /// (DF007, DF010, IM003, IM012).
    ///
    /// ## Why is this bad?
    /// Environment variables end up in `docker inspect`, in `/proc/*/environ`, in crash
    /// reports and logs, and a value written in a Compose file or script ends up in
    /// version control.
    ///
    /// ## Example
    /// ```sh
    /// docker run -e POSTGRES_PASSWORD=hunter2 postgres:16
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -e POSTGRES_PASSWORD_FILE=/run/secrets/db --mount type=bind,src=./db.txt,dst=/run/secrets/db,ro postgres:16
    /// ```
    ///
    /// ## Fix
    /// Pass secrets as files: Compose `secrets:` (mounted under `/run/secrets`) with a
    /// `*_FILE` variable, or Swarm/Kubernetes secrets. Rotate any secret that was
    /// committed.
    ///
    /// ## References
    /// - Practices b, "Docker Compose Best Practices" (secrets); CWE-798
    pub struct SecretInEnvironment;
    code = "CT021", name = "secret-in-environment", severity = Error,
    category = Security, target = Container, fix = None,
    summary = "A secret is passed as a literal environment variable",
    aliases = ["C-0012", "env-var-secret", "sensitiveContainerEnvVar"],
    practices = ["a-env-config", "a-no-hardcoded-secrets", "b-compose-secrets"],
}

/// Why `var` is reported, if it is.
fn judge(var: &EnvVar) -> Option<Judged> {
    let value = var.value.as_ref()?;
    // An empty value is a placeholder only when it is written so (`PASSWORD: ""`):
    // `${PIHOLE_PW}` of an unset variable is empty because nothing was passed.
    if value.value.trim().is_empty() && written(value).is_some_and(|w| w.contains('$')) {
        return None;
    }
    judge_variable(&var.name.value, &value.value)
}

/// The source text of `value`, when it is written in a file.
fn written(value: &dockward_spec::Val<String>) -> Option<&str> {
    let range = value.at.range()?;
    value.at.file()?.text().get(usize::from(range.start())..usize::from(range.end()))
}

/// `$NAME` or `${NAME}`, optionally quoted: a reference without any literal text (a
/// default such as `${NAME:-s3cret}` is literal text).
fn is_plain_reference(written: &str) -> bool {
    let t = written.trim_matches(|c| c == '"' || c == '\'');
    let name = match t.strip_prefix("${") {
        Some(rest) => rest.strip_suffix('}'),
        None => t.strip_prefix('$'),
    };
    name.is_some_and(|n| {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') && !n.as_bytes()[0].is_ascii_digit()
    })
}

/// The byte ranges to mask for `var`, judged `judged`, in the file its value is
/// written in: the whole written value, or for a credential inside a value that is
/// not a secret itself (`DATABASE_URL=postgres://app:pw@db/app`) the credential only.
/// Nothing for a placeholder, or a value that only names a variable.
fn mask_ranges(var: &EnvVar, judged: &Judged) -> Vec<TextRange> {
    let Some(value) = &var.value else { return Vec::new() };
    let (Some(range), Some(file)) = (value.at.range(), value.at.file()) else { return Vec::new() };
    // An env-file entry's range runs from its key to the end of its value: the
    // secret is what follows the `=`.
    let range = match var.name.at.range() {
        Some(key) if var.name.at.name() == value.at.name() && range.contains_range(key) => {
            let after_key = &file.text()[usize::from(key.end())..usize::from(range.end())];
            let skip = after_key.find('=').map_or(0, |eq| {
                eq + 1 + after_key[eq + 1..].len() - after_key[eq + 1..].trim_start_matches([' ', '\t']).len()
            });
            TextRange::new(key.end() + TextSize::from(skip as u32), range.end())
        }
        _ => range,
    };
    let Some(written) = file.text().get(usize::from(range.start())..usize::from(range.end())) else {
        return Vec::new();
    };
    // `${DB_PASSWORD}` names the secret without holding it: masking the reference
    // would only hide which variable the finding is about.
    if judged.placeholder || is_plain_reference(written) {
        return Vec::new();
    }
    if judged.parts_only {
        let parts: Vec<TextRange> = find_credentials(written)
            .into_iter()
            .filter(|f| !f.placeholder)
            .map(|f| {
                let start = range.start() + TextSize::from(f.range.start as u32);
                TextRange::new(start, start + TextSize::from(f.range.len() as u32))
            })
            .collect();
        // The written text may differ from the value (escapes): then mask it all.
        if !parts.is_empty() {
            return parts;
        }
    }
    vec![range]
}

/// The source ranges of every secret value in `spec` (file name, range), whether or
/// not this rule is enabled: every finding whose snippet shows one must mask it.
pub(crate) fn secret_ranges(spec: &ContainerSpec) -> Vec<(String, TextRange)> {
    spec.env
        .iter()
        .filter_map(|v| Some((v, judge(v)?)))
        .flat_map(|(v, judged)| {
            let name = v.value.as_ref().map(|val| val.at.name().to_string()).unwrap_or_default();
            mask_ranges(v, &judged).into_iter().map(move |r| (name.clone(), r))
        })
        .collect()
}

/// The marker before the list of the services that share an env-file line.
const USED_BY: &str = "; used by ";

impl ContainerRule for SecretInEnvironment {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        for var in &spec.env {
            let Some(value) = &var.value else { continue };
            let Some(judged) = judge(var) else { continue };
            let why = &judged.why;
            // One line of an env file read by several services is one finding, which
            // names them all.
            if let Some(file) = &var.from_file {
                let same = cx.diagnostics.iter_mut().find(|d| {
                    d.rule.code == Self::META.code
                        && d.location.name() == value.at.name()
                        && d.location.range() == value.at.range()
                        && d.message.contains(USED_BY)
                });
                if let Some(d) = same {
                    let user = describe(spec);
                    if !d.message.ends_with(&user) && !d.message.contains(&format!("{user}, ")) {
                        d.message.to_mut().push_str(&format!(", {user}"));
                    }
                    continue;
                }
                let shown = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into());
                let msg =
                    format!("environment variable `{}` in `{shown}` {why}{USED_BY}{}", var.name.value, describe(spec));
                let d = cx.report_value(&Self::META, value, msg);
                finish(d, var, &judged);
                continue;
            }
            // A value interpolated from a variable (`.env`, the shell) is not written here:
            // point at the key and name the variable, whose file is only referenced.
            let variables: Vec<&str> =
                value.via.iter().map(|v| v.note.as_str()).filter(|n| n.starts_with("`$")).collect();
            let d = if variables.is_empty() {
                let msg = format!("{}: environment variable `{}` {why}", describe(spec), var.name.value);
                cx.report_value(&Self::META, value, msg)
            } else {
                let why =
                    if judged.placeholder || judged.parts_only { why.clone() } else { "passes a secret".to_string() };
                let msg = format!(
                    "{}: environment variable `{}` {why} (its value is {})",
                    describe(spec),
                    var.name.value,
                    variables.join(", ")
                );
                let related: Vec<_> = value.related().collect();
                let d = cx.report(&Self::META, &var.name.at, msg);
                d.related.extend(related);
                d
            };
            finish(d, var, &judged);
        }
    }
}

/// Help, severity and masks of a finding about `var`.
fn finish(d: &mut Diagnostic, var: &EnvVar, judged: &Judged) {
    if judged.placeholder {
        d.lower_severity();
        d.help(
            "set the real secret at deploy time as a file (Compose `secrets:`, a `*_FILE` variable), not in the file",
        );
    } else {
        d.help("pass secrets as files (Compose `secrets:`, a `*_FILE` variable) rather than environment values");
    }
    for r in mask_ranges(var, judged) {
        d.mark_secret(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_literal_secrets_and_known_tokens() {
        let t = "docker run -e DB_PASSWORD=hunter2 -e api_token=abc123 -e GREETING=ghp_abcdefghijklmnopqrstuvwxyz0123456789 \
                 -e AWS=AKIAABCDEFGHIJKLMNOP x";
        assert_run_flags(
            &SecretInEnvironment,
            t,
            &["hunter2", "abc123", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "AKIAABCDEFGHIJKLMNOP"],
        );
        let msgs = run_messages(&SecretInEnvironment, t);
        assert!(msgs.iter().all(|m| !m.contains("hunter2") && !m.contains("ghp_")), "{msgs:?}");
        assert!(msgs[2].contains("GitHub token"));
    }

    #[test]
    fn redacts_the_value() {
        let t = "docker run -e DB_PASSWORD=hunter2 x";
        let d = lint_run(&SecretInEnvironment, t);
        assert_eq!(&t[d[0].redactions[0]], "hunter2");
    }

    #[test]
    fn run_lines_share_the_judgement() {
        let t = "docker run -e SMTP_PASS=hunter2x -e DB_USER=bob -e DB_PASSWORD_FILE=./pw.txt -e DATABASE_URL=mysql://u:pw-9x@db/a x";
        assert_run_flags(&SecretInEnvironment, t, &["hunter2x", "mysql://u:pw-9x@db/a"]);
        let d = lint_run(&SecretInEnvironment, t);
        assert_eq!(&t[d[1].redactions[0]], "pw-9x");
        let d = lint_run(&SecretInEnvironment, "docker run -e DB_PASSWORD=changeme x");
        assert_eq!(d[0].severity, dockward_diagnostics::Severity::Warning);
    }

    #[test]
    fn passes_references_files_and_non_secrets() {
        assert_run_clean(
            &SecretInEnvironment,
            "docker run -e DB_PASSWORD -e TOKEN=$TOKEN -e 'SECRET=${SECRET}' -e DB_PASSWORD_FILE=/run/secrets/db \
             -e TOKEN_TTL=3600 -e USE_SECRET=true -e LANG=C.UTF-8 x",
        );
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_literal_secrets_in_lists_and_mappings() {
        let yaml = "services:\n  web:\n    image: x:1\n    environment:\n      - DB_PASSWORD=hunter2hunter2\n      - LOG_LEVEL=debug\n  api:\n    image: y:1\n    environment:\n      API_TOKEN: \"s3cr3t-t0ken-value\"\n      TOKEN_FILE: /run/secrets/token\n";
        assert_compose_flags(&SecretInEnvironment, yaml, &["hunter2hunter2", "\"s3cr3t-t0ken-value\""]);
        assert_compose_clean(
            &SecretInEnvironment,
            "services:\n  web:\n    image: x:1\n    environment:\n      DB_PASSWORD_FILE: /run/secrets/db\n      PASSWORD:\n",
        );
    }

    #[test]
    fn compose_secret_from_dotenv_is_located_and_redacted() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".env"), "# creds\nDB_PASSWORD=hunter2hunter2\n").unwrap();
        let yaml = "services:\n  web:\n    image: x:1\n    environment:\n      DB_PASSWORD: ${DB_PASSWORD}\n";
        let d = ComposeCase::new(yaml).in_dir(dir.path()).assert_flags(&SecretInEnvironment, &["DB_PASSWORD"]);
        assert!(d[0].message.contains("`${DB_PASSWORD}` from .env"), "{}", d[0].message);
        assert!(!d[0].message.contains("hunter2"), "{}", d[0].message);
        // The secret is only in .env, which findings name but never quote.
        let related = d[0].related.iter().find(|r| r.location.name().ends_with(".env")).expect("related .env");
        let env_text = std::fs::read_to_string(dir.path().join(".env")).unwrap();
        assert_eq!(&env_text[related.location.range().unwrap()], "DB_PASSWORD");
        assert!(d[0].help.as_deref().is_some_and(|h| !h.contains("hunter2")));
        assert!(d[0].redactions.is_empty(), "`${{DB_PASSWORD}}` holds no secret text: {:?}", d[0].redactions);
        // A default value is literal text in the file: reported there, and masked.
        let with_default =
            "services:\n  web:\n    image: x:1\n    environment:\n      DB_PASSWORD: ${NOPE:-hunter2hunter2}\n";
        let d = ComposeCase::new(with_default).assert_flags(&SecretInEnvironment, &["${NOPE:-hunter2hunter2}"]);
        assert_eq!(d[0].redactions.len(), 1);
    }

    /// issue 13 #2: `*_PASS`, `*_PASSPHRASE`, `*_PWD` are secret names; user names,
    /// paths and realm/service/issuer names are not.
    #[test]
    fn compose_names_and_values() {
        let yaml = "services:\n  mail:\n    image: x:1\n    environment:\n      SMTP_PASS: hunter2hunter2\n      GPG_PASSPHRASE: correct-horse-1\n      MYSQL_PWD: s3cret-pwd\n      SMTP_USER: mailer\n      SMTP_USERNAME: mailer\n      JWT_SECRET: ./secrets/jwt.key\n      REGISTRY_AUTH_TOKEN_REALM: https://auth.example.com/token\n      REGISTRY_AUTH_TOKEN_SERVICE: Docker registry\n      REGISTRY_AUTH_TOKEN_ISSUER: Acme auth server\n";
        ComposeCase::new(yaml).assert_flags(&SecretInEnvironment, &["hunter2hunter2", "correct-horse-1", "s3cret-pwd"]);
    }

    /// issue 13 #2: a password inside a URL, in a variable of any name, is reported
    /// and only the password is masked.
    #[test]
    fn compose_url_credentials_in_any_variable() {
        let yaml = "services:\n  web:\n    image: x:1\n    environment:\n      DATABASE_URL: postgres://app:hunter2@db:5432/app\n      CACHE_URL: redis://cache:6379/0\n";
        let d = ComposeCase::new(yaml).assert_flags(&SecretInEnvironment, &["postgres://app:hunter2@db:5432/app"]);
        assert!(d[0].message.contains("a password in a URL"), "{}", d[0].message);
        assert_eq!(d[0].redactions.len(), 1);
        assert_eq!(&yaml[d[0].redactions[0]], "hunter2");
        assert_eq!(d[0].severity, dockward_diagnostics::Severity::Error);
    }

    /// issue 13 #2: placeholders are one level lower, say so, and hide nothing.
    #[test]
    fn compose_placeholders_are_lower_and_named() {
        // An unset variable is not a placeholder: nothing was written.
        ComposeCase::new("services:\n  db:\n    image: x:1\n    environment:\n      - WEBPASSWORD=${PIHOLE_PW}\n")
            .assert_clean(&SecretInEnvironment);
        let yaml = "services:\n  db:\n    image: x:1\n    environment:\n      POSTGRES_PASSWORD: changeme\n      API_TOKEN: <your-token>\n      SECRET_KEY: xxxxxxxx\n      ADMIN_PASSWORD: \"******\"\n      SMTP_PASSWORD: \"\"\n      DATABASE_URL: postgres://app:your-password@db/app\n";
        let d = ComposeCase::new(yaml).lint(&SecretInEnvironment);
        assert_eq!(d.len(), 6, "{d:#?}");
        for f in &d {
            assert_eq!(f.severity, dockward_diagnostics::Severity::Warning, "{}", f.message);
            assert!(f.message.contains("placeholder"), "{}", f.message);
            assert!(f.redactions.is_empty(), "{}", f.message);
        }
    }

    /// issue 13 #2: one env-file line read by several services is one finding naming
    /// them all.
    #[test]
    fn compose_env_file_line_is_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("app.env"), "DB_PASSWORD=hunter2hunter2\nLOG_LEVEL=debug\n").unwrap();
        let yaml = "services:\n  web:\n    image: x:1\n    env_file: app.env\n  worker:\n    image: x:1\n    env_file: app.env\n";
        let d = ComposeCase::new(yaml)
            .in_dir(dir.path())
            .assert_flags(&SecretInEnvironment, &["DB_PASSWORD=hunter2hunter2"]);
        assert!(d[0].message.contains("service `web`, service `worker`"), "{}", d[0].message);
        let env_text = std::fs::read_to_string(dir.path().join("app.env")).unwrap();
        assert_eq!(d[0].redactions.iter().map(|r| &env_text[*r]).collect::<Vec<_>>(), ["hunter2hunter2"]);
        assert!(d[0].location.name().ends_with("app.env"));
        assert!(!d[0].message.contains("hunter2"));
    }
}
