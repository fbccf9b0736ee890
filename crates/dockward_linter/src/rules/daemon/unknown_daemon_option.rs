use dockward_daemon::{FlagProblem, KeyProblem};
use dockward_diagnostics::{Edit, Fix, Location};

use crate::daemon::{json_string, DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags `daemon.json` keys and dockerd flags that are not documented dockerd
    /// options, or that dockerd has removed (`graph`, `cluster-store`), with the
    /// closest documented option as a suggestion.
    ///
    /// ## Why is this bad?
    /// dockerd refuses to start on an unknown key ("the following directives don't
    /// match any configuration option") or flag. A typo such as `live-restor` either
    /// stops the daemon or, in tools that ignore unknown keys, silently leaves the
    /// hardening you meant to turn on switched off.
    ///
    /// ## Example
    /// ```json
    /// { "live-restor": true }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "live-restore": true }
    /// ```
    ///
    /// ## Fix
    /// Renaming the key to the suggestion is offered as an unsafe fix: the suggestion
    /// is a guess from the spelling. It is not offered when the file already has the
    /// suggested key (the rename would set it twice).
    ///
    /// ## References
    /// - dockerd reference, "Daemon configuration file" (the full list of options)
    pub struct UnknownDaemonOption;
    code = "DM002", name = "unknown-daemon-option", severity = Error,
    category = Correctness, target = Daemon, fix = Sometimes,
    summary = "A daemon.json key or dockerd flag is not a dockerd option",
}

impl DaemonRule for UnknownDaemonOption {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        if let Some(json) = cx.json {
            for p in &json.problems {
                match p {
                    KeyProblem::Unknown { key, range, suggestion } => {
                        let at = Location::source(&json.file, *range);
                        let hint = suggestion.map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                        let d = cx.report(
                            &Self::META,
                            at,
                            format!("`{key}` is not a dockerd option (dockerd refuses to start){hint}"),
                        );
                        // Renaming onto a key the file already has would set it twice.
                        let taken = suggestion.is_some_and(|s| json.members().iter().any(|m| m.key == s));
                        if let Some(s) = suggestion.filter(|_| !taken) {
                            d.fix(Fix::unsafe_(
                                format!("Rename to `{s}`"),
                                vec![Edit::replace(*range, json_string(s))],
                            ));
                        }
                    }
                    KeyProblem::Removed { key, range, why } => {
                        let at = Location::source(&json.file, *range);
                        cx.report(&Self::META, at, format!("`{key}` is no longer a dockerd option: {why}"));
                    }
                    _ => {}
                }
            }
        }
        for set in cx.flags {
            for p in &set.problems {
                let (range, message) = match p {
                    FlagProblem::Unknown { range, flag, suggestion } => {
                        let hint = suggestion.map(|s| format!("; did you mean `--{s}`?")).unwrap_or_default();
                        (range, format!("`{flag}` is not a dockerd flag (dockerd refuses to start){hint}"))
                    }
                    FlagProblem::Removed { range, flag, why } => {
                        (range, format!("`{flag}` is no longer a dockerd option: {why}"))
                    }
                    FlagProblem::MissingValue { range, flag } => {
                        (range, format!("`{flag}` needs a value (dockerd refuses to start)"))
                    }
                };
                let at = Location::source(&set.file, *range);
                cx.report(&Self::META, at, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;
    use dockward_diagnostics::Applicability;

    #[test]
    fn flags_unknown_and_removed_keys_with_suggestions() {
        assert_json_flags(
            &UnknownDaemonOption,
            r#"{"live-restor": true, "graph": "/data", "frobnicate": 1, "icc": false}"#,
            &["\"live-restor\"", "\"graph\"", "\"frobnicate\""],
        );
        assert!(json_message(&UnknownDaemonOption, r#"{"insecure-registry": []}"#)
            .contains("did you mean `insecure-registries`"));
        assert_json_clean(&UnknownDaemonOption, r#"{"icc": false, "log-opts": {"anything": "goes"}}"#);
    }

    #[test]
    fn flags_unknown_flags_in_units() {
        assert_unit_flags(
            &UnknownDaemonOption,
            None,
            "[Service]\nExecStart=/usr/bin/dockerd --icc=false --live-restor -g /data --log-level\n",
            &["--live-restor", "-g /data", "--log-level"].map(|s| s.split(' ').next().unwrap()),
        );
    }

    #[test]
    fn no_rename_onto_a_key_the_file_has() {
        let diags =
            crate::testing_daemon::lint_json(&UnknownDaemonOption, r#"{"live-restor": true, "live-restore": false}"#);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].fix.is_none(), "{:?}", diags[0].fix);
    }

    #[test]
    fn fix_renames_to_the_suggestion() {
        assert_json_fix(
            &UnknownDaemonOption,
            "{\"live-restor\": true}",
            "{\"live-restore\": true}",
            Applicability::Unsafe,
        );
    }
}
