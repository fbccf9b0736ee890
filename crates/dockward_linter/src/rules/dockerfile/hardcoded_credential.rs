use dockward_source::{TextRange, TextSize};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};
use crate::secrets::find_credentials;

declare_rule! {
    /// ## What it does
    /// Flags credentials in known formats anywhere in the Dockerfile: AWS access key
    /// ids (`AKIA...`, `ASIA...`), GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`,
    /// `github_pat_`), GitLab tokens (`glpat-`), Slack tokens (`xoxb-`, `xoxp-`, ...),
    /// private key blocks (`-----BEGIN ... PRIVATE KEY-----`) and passwords written
    /// into URLs (`https://user:password@host`). A URL password made of a variable
    /// (`https://user:${TOKEN}@host`) is not a literal and is not reported; an obvious
    /// placeholder (`https://user:<password>@host`, `your-password`) is reported one
    /// severity lower (warning) and named a placeholder. The secret is masked in every
    /// output format.
    ///
    /// ## Why is this bad?
    /// A credential in a Dockerfile is in version control, in build logs and, through
    /// the layer that used it, in the image history. Anyone with read access to any of
    /// them can use it.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN git clone https://deploy:hunter2@git.example.com/app.git
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=git_token \
    ///     git clone "https://deploy:$(cat /run/secrets/git_token)@git.example.com/app.git"
    /// ```
    ///
    /// ## How to fix
    /// Remove the credential, rotate it (it is compromised), and pass it at build time
    /// with `RUN --mount=type=secret` or `--mount=type=ssh`.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.10, "Ensure secrets are not stored in Dockerfiles"
    /// - Practices a, "Secrets and Configuration Management"; practices b, "Image Security" (no secrets in Dockerfiles or layers)
    pub struct HardcodedCredential;
    code = "DF008", name = "hardcoded-credential", severity = Error,
    category = Security, target = Dockerfile, fix = None,
    summary = "A credential in a known format (cloud key, token, private key, URL password) is written in the Dockerfile", aliases = ["781e75f7-bf43-4ab7-bae7-a08ad6607af3"],
    cis = ["4.10"],
    practices = ["a-no-hardcoded-secrets", "b-no-secrets-in-images"],
}

impl DockerfileRule for HardcodedCredential {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let text = cx.text();
        for found in find_credentials(text) {
            let range =
                TextRange::new(TextSize::from(found.range.start as u32), TextSize::from(found.range.end as u32));
            if found.placeholder {
                cx.report(
                    &Self::META,
                    range,
                    format!("{} is a placeholder (`scheme://user:<password>@host`)", found.kind),
                )
                .lower_severity()
                .help("pass the real credential at build time with `RUN --mount=type=secret`, not in the URL");
                continue;
            }
            cx.report(&Self::META, range, format!("{} is written in the Dockerfile", found.kind))
                .mark_secret(range)
                .help("remove and rotate it; pass credentials with `RUN --mount=type=secret` instead");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    const AWS: &str = "AKIAIOSFODNN7EXAMPLE";

    #[test]
    fn flags_token_formats_anywhere() {
        let text = format!("FROM alpine:3.20\nENV AWS_ACCESS_KEY_ID={AWS}\n");
        assert_flags(&HardcodedCredential, &text, &[AWS]);
        let gh = format!("ghp_{}", "a1B2".repeat(9));
        let text = format!("FROM alpine:3.20\nRUN git clone https://x-access-token:{gh}@github.com/a/b\n");
        assert_flags(&HardcodedCredential, &text, &[gh.as_str()]);
        let text = "FROM a:1\nRUN curl -H 'Authorization: Bearer glpat-abcdefghij0123456789' x\n";
        assert_flags(&HardcodedCredential, text, &["glpat-abcdefghij0123456789"]);
        let text = "FROM a:1\nRUN echo xoxb-123456789012-abcdef > /t\n";
        assert_flags(&HardcodedCredential, text, &["xoxb-123456789012-abcdef"]);
    }

    #[test]
    fn private_key_block_is_masked_whole() {
        let text = "FROM a:1\nCOPY <<EOF /k\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA\n-----END OPENSSH PRIVATE KEY-----\nEOF\n";
        let diags = lint(&HardcodedCredential, text);
        assert_eq!(diags.len(), 1);
        let masked = &text[diags[0].redactions[0]];
        assert!(masked.starts_with("-----BEGIN") && masked.ends_with("PRIVATE KEY-----") && masked.contains("b3Bl"));
    }

    #[test]
    fn url_passwords_but_not_variables() {
        let text = "FROM a:1\nRUN pip install --index-url https://bob:s3cret@pypi.example.com/simple x\n";
        assert_flags(&HardcodedCredential, text, &["s3cret"]);
        for url in [
            "https://bob:${TOKEN}@pypi.example.com/simple",
            "https://bob:$TOKEN@pypi.example.com/simple",
            "https://pypi.example.com/simple",
            "git@github.com:acme/app.git",
            "https://user@example.com/",
        ] {
            assert_clean(&HardcodedCredential, &format!("FROM a:1\nRUN pip download {url}\n"));
        }
        assert_clean(&HardcodedCredential, "FROM a:1\nRUN echo -----BEGIN PUBLIC KEY----- > /k\n");
        // A placeholder password is one level lower and says so; nothing to mask.
        let text = "FROM a:1\nRUN pip download https://bob:<password>@pypi.example.com/simple\n";
        let d = lint(&HardcodedCredential, text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, dockward_diagnostics::Severity::Warning);
        assert!(d[0].message.contains("placeholder") && d[0].redactions.is_empty());
        // Too short or lower case is not an AWS key id.
        assert_clean(&HardcodedCredential, "FROM a:1\nENV X=AKIA1234\n");
    }
}
