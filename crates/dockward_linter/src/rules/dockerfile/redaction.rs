//! File-wide secret masking: a secret found by one rule must not show up in the
//! snippet of another finding on the same line, nor when the rule that finds it is
//! switched off.

use dockward_diagnostics::Diagnostic;
use dockward_source::TextRange;

use crate::rule::{DockerfileContext, DockerfileRule};

use super::{hardcoded_credential, password_set_at_build, secret_in_arg_env, secret_in_run_command};

/// The rules that mark secrets.
const SECRET_RULES: &[&dyn DockerfileRule] = &[
    &secret_in_arg_env::SecretInArgEnv,
    &hardcoded_credential::HardcodedCredential,
    &secret_in_run_command::SecretInRunCommand,
    &password_set_at_build::PasswordSetAtBuild,
];

/// Every secret range in the file: those the reported findings marked, plus those the
/// secret rules that did not run would have marked.
pub(crate) fn secret_ranges(cx: &mut DockerfileContext<'_>, reported: &[Diagnostic]) -> Vec<TextRange> {
    let mut ranges: Vec<TextRange> = reported.iter().flat_map(|d| d.redactions.iter().copied()).collect();
    let mut scratch = DockerfileContext::new(cx.file, cx.dockerfile, cx.model, cx.settings);
    for rule in SECRET_RULES {
        if !cx.settings.is_enabled(rule.meta()) {
            rule.check(&mut scratch);
        }
    }
    ranges.extend(scratch.into_diagnostics().iter().flat_map(|d| d.redactions.iter().copied()));
    ranges.sort_by_key(|r| (r.start(), r.end()));
    ranges.dedup();
    ranges
}

#[cfg(test)]
mod tests {
    use crate::check::lint_dockerfile;
    use crate::settings::SettingsBuilder;
    use dockward_source::SourceFile;

    #[test]
    fn every_finding_masks_every_secret_of_the_file() {
        let text = "FROM alpine\nENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n";
        let file = SourceFile::new("Dockerfile", None, text);
        // Only DF003 runs; its finding still carries the key's range.
        let settings = SettingsBuilder { select: Some(vec!["DF003".into()]), ..Default::default() }.build();
        let diags = lint_dockerfile(&file, &settings);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].redactions.iter().any(|r| &text[*r] == "AKIAIOSFODNN7EXAMPLE"));
    }

    /// issue 13 #1 in `--diff`: the diff's lines mask each text's secrets where they
    /// are, and a plain-word secret nowhere else.
    /// `text` checked with one rule, its fixes applied (unsafe ones too).
    fn check_with_fixes(rule: &str, text: &str) -> crate::check::FileReport {
        let settings = SettingsBuilder { select: Some(vec![rule.into()]), ..Default::default() }.build();
        let fix = crate::check::FixMode::Apply { unsafe_fixes: true };
        crate::check::check_dockerfile_text("Dockerfile", None, text, &settings, fix)
    }

    #[test]
    fn fixed_texts_mask_secrets_by_range() {
        let text =
            "FROM a:1\nENV DB_PASSWORD=root API_TOKEN=hunter22x\nRUN apt-get install curl\nRUN echo root hunter22x\n";
        let report = check_with_fixes("DF101", text);
        let fixed = report.fixed.expect("DF101 fixes `apt-get install`");
        let (original, after) = fixed.masked();
        assert_eq!(
            original,
            "FROM a:1\nENV DB_PASSWORD=**** API_TOKEN=****\nRUN apt-get install curl\nRUN echo root ****\n"
        );
        assert!(
            after.contains("ENV DB_PASSWORD=**** API_TOKEN=****\n") && after.contains("RUN echo root ****\n"),
            "{after}"
        );
        assert!(!after.contains("apt-get install curl"), "{after}");
    }

    /// A fix on the secret's own line, and no finding left to mark the fixed text: the
    /// secret is still masked where it is, and only there.
    #[test]
    fn a_fixed_secret_line_stays_masked() {
        // Alpine: its /bin/sh (ash) takes `set -o pipefail`, so DF106 offers that fix.
        let text = "FROM alpine:3.20\nRUN curl -u admin:root http://x.example/i.sh | sh\nUSER root\n";
        let report = check_with_fixes("DF106", text);
        let fixed = report.fixed.expect("DF106 adds `set -o pipefail`");
        assert!(fixed.text_secrets.is_empty(), "no finding is left: {:?}", report.diagnostics);
        let (original, after) = fixed.masked();
        assert_eq!(original, "FROM alpine:3.20\nRUN curl -u admin:**** http://x.example/i.sh | sh\nUSER root\n");
        assert_eq!(
            after,
            "FROM alpine:3.20\nRUN set -o pipefail && curl -u admin:**** http://x.example/i.sh | sh\nUSER root\n"
        );
    }

    #[test]
    fn secrets_are_found_again_by_their_context() {
        use dockward_source::{TextRange, TextSize};
        let r = |a: usize, b: usize| TextRange::new(TextSize::from(a as u32), TextSize::from(b as u32));
        let yaml = "x:\n  MYSQL_ROOT_PASSWORD: root\n";
        let at = yaml.rfind("root").unwrap();
        assert_eq!(crate::check::secret_in_context(yaml, r(at, at + 4)), Some(("MYSQL_ROOT_PASSWORD: ", "root")));
        assert_eq!(crate::check::secret_in_context("root\n", r(0, 4)), None);
        assert_eq!(
            crate::check::mask_after(
                "a MYSQL_ROOT_PASSWORD: root\nb MYSQL_ROOT_PASSWORD: rooted\n",
                "MYSQL_ROOT_PASSWORD: ",
                "root"
            ),
            "a MYSQL_ROOT_PASSWORD: ****\nb MYSQL_ROOT_PASSWORD: rooted\n"
        );
    }
}
