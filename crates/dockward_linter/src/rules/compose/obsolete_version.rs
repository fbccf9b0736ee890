use dockward_diagnostics::{Edit, Fix, Location};
use dockward_source::TextRange;

use super::{ComposeContext, ComposeRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags the top-level `version` key of a Compose file.
    ///
    /// ## Why is this bad?
    /// The Compose specification made `version` obsolete: docker compose ignores it and
    /// warns on every run. Keeping it suggests to readers that the file is limited to
    /// an old format (`"2.4"`, `"3.8"`) and its features, which is no longer true.
    ///
    /// ## Example
    /// ```yaml
    /// version: "3.8"
    /// services:
    ///   web:
    ///     image: nginx:1.27
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    /// ```
    ///
    /// ## How to fix
    /// Delete the line. The fix does it, keeping every other line and comment as is.
    ///
    /// ## References
    /// - Compose specification, "Version top-level element (obsolete)"
    pub struct ObsoleteVersion;
    code = "CO001", name = "obsolete-version-key", severity = Info,
    category = BestPractice, target = Compose, fix = Sometimes,
    summary = "The top-level `version` key is obsolete",
}

impl ComposeRule for ObsoleteVersion {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut ComposeContext<'_>) {
        for f in cx.project.files.iter().filter(|f| f.main) {
            let Some((key, value)) = f.version else { continue };
            let text = f.file.text();
            let line = entry_lines(text, key, value);
            let d = cx.report(&Self::META, &Location::source(&f.file, key), "`version` is obsolete and ignored");
            d.help("remove it; docker compose always uses the latest Compose specification");
            if let Some(line) = line {
                d.fix(Fix::safe("Remove the `version` line", vec![Edit::delete(line)]));
            }
        }
    }
}

/// The whole lines of a one-line `key: value` entry, line break included; `None` when
/// the entry shares its lines with anything else.
fn entry_lines(text: &str, key: TextRange, value: TextRange) -> Option<TextRange> {
    let start = text[..usize::from(key.start())].rfind('\n').map_or(0, |i| i + 1);
    if !text[start..usize::from(key.start())].trim().is_empty() {
        return None;
    }
    let end_of_value = usize::from(value.end()).max(usize::from(key.end()));
    let end = text[end_of_value..].find('\n').map_or(text.len(), |i| end_of_value + i + 1);
    let rest = text[end_of_value..end].trim();
    if text[usize::from(key.start())..end_of_value].contains('\n') || !(rest.is_empty() || rest.starts_with('#')) {
        return None;
    }
    Some(TextRange::new((start as u32).into(), (end as u32).into()))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn flags_and_removes_the_line() {
        let text = "# my app\nversion: \"3.8\"  # old\nservices:\n  web:\n    image: nginx:1.27\n";
        let (found, fixed) = run(&ObsoleteVersion, &[("compose.yaml", text)], &[]);
        assert_eq!(spans(&found), ["version"]);
        assert_eq!(fixed, "# my app\nservices:\n  web:\n    image: nginx:1.27\n");
    }

    #[test]
    fn clean_without_version() {
        let (found, _) = run(&ObsoleteVersion, &[("compose.yaml", "services:\n  web:\n    image: a:1\n")], &[]);
        assert!(found.is_empty());
    }

    #[test]
    fn override_file_version_is_reported_too() {
        let files =
            [("compose.yaml", "services:\n  web:\n    image: a:1\n"), ("compose.override.yaml", "version: '3'\n")];
        let (found, _) = run(&ObsoleteVersion, &files, &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].location.name().rsplit('/').next(), Some("compose.override.yaml"));
    }
}
