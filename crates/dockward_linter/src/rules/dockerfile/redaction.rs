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

/// The literal secret texts of a Dockerfile, longest first, found by every secret
/// rule whatever the settings: for output that shows raw file text (`--diff`).
pub fn secret_texts(text: &str, settings: &crate::Settings) -> Vec<String> {
    let file = dockward_source::SourceFile::new("Dockerfile", None, text);
    let df = dockward_dockerfile::parse(text);
    let model = dockward_dockerfile::semantic::Model::build(&df, &settings.build_args);
    let mut cx = DockerfileContext::new(&file, &df, &model, settings);
    for rule in SECRET_RULES {
        rule.check(&mut cx);
    }
    let mut out: Vec<String> = cx
        .into_diagnostics()
        .iter()
        .flat_map(|d| d.redactions.iter().filter_map(|r| text.get(std::ops::Range::<usize>::from(*r))))
        .filter(|s| s.len() >= 4)
        .map(str::to_string)
        .collect();
    out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    out.dedup();
    out
}

/// `text` with every copy of `secrets` replaced by `****`.
pub fn scrub(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for s in secrets {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), "****");
        }
    }
    out
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

    #[test]
    fn secret_texts_and_scrub() {
        let text = "FROM a:1\nENV DB_PASSWORD=hunter22\nRUN curl -u bob:s3cret-pw x\n";
        let secrets = super::secret_texts(text, &crate::Settings::default());
        assert_eq!(secrets, ["s3cret-pw", "hunter22"]);
        assert_eq!(super::scrub(text, &secrets), "FROM a:1\nENV DB_PASSWORD=****\nRUN curl -u bob:**** x\n");
    }
}
