use std::sync::LazyLock;

use dockward_source::{TextRange, TextSize};
use regex::Regex;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags credentials in known formats anywhere in the Dockerfile: AWS access key
    /// ids (`AKIA...`, `ASIA...`), GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`,
    /// `github_pat_`), GitLab tokens (`glpat-`), Slack tokens (`xoxb-`, `xoxp-`, ...),
    /// private key blocks (`-----BEGIN ... PRIVATE KEY-----`) and passwords written
    /// into URLs (`https://user:password@host`). A URL password made of a variable
    /// (`https://user:${TOKEN}@host`) is not a literal and is not reported. The secret
    /// is masked in every output format.
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
    practices = ["a: Secrets and Configuration Management", "b: Image Security (no secrets in Dockerfiles or layers)"],
}

/// A credential found in text: what it is and the byte range of the secret part.
pub(crate) struct Found {
    pub kind: &'static str,
    pub start: usize,
    pub end: usize,
}

static TOKENS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    [
        ("an AWS access key id", r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b"),
        ("a GitHub token", r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b"),
        ("a GitHub token", r"\bgithub_pat_[A-Za-z0-9_]{22,}\b"),
        ("a GitLab token", r"\bglpat-[A-Za-z0-9_\-]{20,}"),
        ("a Slack token", r"\bxox[abposr]-[A-Za-z0-9\-]{10,}"),
        ("a private key", r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
    ]
    .into_iter()
    .map(|(k, r)| (k, Regex::new(r).expect("valid token pattern")))
    .collect()
});

/// `scheme://user:password@`: group 1 is the password.
static URL_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@'\x22]+:([^\s/@'\x22]+)@[A-Za-z0-9\[]").expect("valid URL pattern")
});

/// End of a private key block that starts at `start`, if its END line follows.
fn private_key_end(text: &str, start: usize) -> Option<usize> {
    let rest = &text[start..];
    let end = rest.find("-----END ")?;
    let close = rest[end + 9..].find("-----")? + end + 9 + 5;
    Some(start + close)
}

/// Every credential in `text`.
pub(crate) fn find_credentials(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    for (kind, re) in TOKENS.iter() {
        for m in re.find_iter(text) {
            let end =
                if *kind == "a private key" { private_key_end(text, m.start()).unwrap_or(m.end()) } else { m.end() };
            out.push(Found { kind, start: m.start(), end });
        }
    }
    for c in URL_PASSWORD.captures_iter(text) {
        let pw = c.get(1).expect("group 1");
        // A variable or command substitution is not a literal password.
        if pw.as_str().contains(['$', '`', '{', '<']) || pw.as_str().chars().all(|c| c == '*' || c == 'x') {
            continue;
        }
        out.push(Found { kind: "a password in a URL", start: pw.start(), end: pw.end() });
    }
    out.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    // One finding per secret: a token that is also a URL password is reported once.
    let mut kept: Vec<Found> = Vec::with_capacity(out.len());
    for f in out {
        if kept.last().is_none_or(|k| f.start >= k.end) {
            kept.push(f);
        }
    }
    kept
}

impl DockerfileRule for HardcodedCredential {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let text = cx.text();
        for found in find_credentials(text) {
            let range = TextRange::new(TextSize::from(found.start as u32), TextSize::from(found.end as u32));
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
        // Too short or lower case is not an AWS key id.
        assert_clean(&HardcodedCredential, "FROM a:1\nENV X=AKIA1234\n");
    }
}
