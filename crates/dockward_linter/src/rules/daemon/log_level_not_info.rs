use dockward_diagnostics::Applicability;

use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a `log-level` other than `info`. Absent passes: dockerd's default is `info`.
    ///
    /// ## Why is this bad?
    /// `warn`, `error` and `fatal` drop the events an investigation needs (container
    /// starts, API errors); `debug` and `trace` flood the logs and can record request
    /// bodies with secrets. `info` is the level the hardening guides ask for.
    ///
    /// ## Example
    /// ```json
    /// { "log-level": "debug" }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "log-level": "info" }
    /// ```
    ///
    /// ## Fix
    /// The fix sets `"log-level": "info"` (safe: only the daemon's own log changes).
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.3
    pub struct LogLevelNotInfo;
    code = "DM009", name = "log-level-not-info", severity = Warning,
    category = BestPractice, target = Daemon, fix = Sometimes,
    summary = "The daemon's log level is not info",
    cis = ["2.3"],
    practices = ["b-log-level"],
}

impl DaemonRule for LogLevelNotInfo {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        let Some(v) = cx.spec.value("log-level") else { return };
        let Some(level) = v.value.as_str() else { return };
        if level.eq_ignore_ascii_case("info") {
            return;
        }
        let why = match level {
            "debug" | "trace" => "it floods the log and may record request details",
            _ => "it drops events an investigation needs",
        };
        let fix = cx.set_key_fix("log-level", "\"info\"", Applicability::Safe, "Set `\"log-level\": \"info\"`");
        let at = v.at.clone();
        let d = cx.report(&Self::META, at, format!("`log-level` is `{level}`, not `info`: {why}"));
        if let Some(fix) = fix {
            d.fix(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;

    #[test]
    fn flags_other_levels() {
        assert_json_flags(&LogLevelNotInfo, r#"{"log-level": "debug"}"#, &["\"debug\""]);
        assert_json_flags(&LogLevelNotInfo, r#"{"log-level": "warn"}"#, &["\"warn\""]);
        assert_json_clean(&LogLevelNotInfo, r#"{"log-level": "info"}"#);
        assert_json_clean(&LogLevelNotInfo, "{}");
        assert_unit_flags(&LogLevelNotInfo, None, "[Service]\nExecStart=/usr/bin/dockerd -l debug\n", &["debug"]);
    }

    #[test]
    fn fix_sets_info() {
        assert_json_fix(&LogLevelNotInfo, r#"{"log-level":"error"}"#, r#"{"log-level":"info"}"#, Applicability::Safe);
    }
}
