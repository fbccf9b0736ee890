use dockward_diagnostics::{Applicability, Edit, Fix};
use dockward_spec::{DaemonSource, DaemonValue};

use crate::daemon::{insert_member, DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags the `json-file` log driver (dockerd's default when `log-driver` is
    /// absent) without `max-size` in `log-opts`. The `local` driver passes unless its
    /// rotation is switched off: it rotates by default (20 MB files, 5 kept).
    ///
    /// ## Why is this bad?
    /// `json-file` never rotates unless told to: one chatty container fills
    /// `/var/lib/docker` and takes the host down with it (a denial of service any
    /// container can cause by printing). `max-file` only counts once `max-size` is set.
    ///
    /// ## Example
    /// ```json
    /// { "log-driver": "json-file" }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "log-driver": "json-file", "log-opts": { "max-size": "10m", "max-file": "3" } }
    /// ```
    ///
    /// ## Fix
    /// The fix adds `"max-size": "10m"` and `"max-file": "3"` to `log-opts` (creating
    /// it if needed). Safe: it applies to containers created afterwards and only caps
    /// disk use.
    ///
    /// ## References
    /// - Docker docs, "JSON File logging driver", "Local file logging driver"
    pub struct LogRotationMissing;
    code = "DM021", name = "log-rotation-missing", severity = Warning,
    category = BestPractice, target = Daemon, fix = Sometimes,
    summary = "Container logs grow without limit: json-file without max-size",
    practices = ["a-central-logging"],
}

const FIX_MESSAGE: &str = "Add `\"max-size\": \"10m\"` and `\"max-file\": \"3\"` to `log-opts`";

impl DaemonRule for LogRotationMissing {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        let driver = cx.spec.value("log-driver");
        let name = driver.and_then(|v| v.value.as_str()).unwrap_or("json-file");
        let opts = cx.spec.value("log-opts");
        let opt = |k: &str| opts.and_then(|o| o.value.get(k)).and_then(|v| v.value.as_str().map(str::to_string));
        let max_size = opt("max-size");
        let problem = match name {
            "json-file" if max_size.as_deref().is_none_or(|s| s == "-1" || s.is_empty()) => {
                "the `json-file` driver keeps every log line forever unless `max-size` is set"
            }
            "local" if max_size.as_deref() == Some("-1") => {
                "`max-size` of `-1` turns off the `local` driver's rotation"
            }
            _ => return,
        };
        let fix = self.fix(cx);
        let (at, message) = match (driver, opts) {
            (_, Some(o)) => (o.at.clone(), format!("`log-opts` has no usable `max-size`: {problem}")),
            // Without every source read, `log-opts` may be set where it was not looked for.
            (Some(_), None) if !cx.spec.complete => return,
            (Some(d), None) => (d.at.clone(), format!("no `log-opts`: {problem}")),
            (None, None) => {
                let message =
                    format!("`log-driver` and `log-opts` are not set, so dockerd's default applies: {problem}");
                let Some(d) = cx.report_absent(&Self::META, message) else { return };
                if let Some(fix) = fix {
                    d.fix(fix);
                }
                return;
            }
        };
        let d = cx.report(&Self::META, at, message);
        if let Some(fix) = fix {
            d.fix(fix);
        }
    }
}

impl LogRotationMissing {
    fn fix(&self, cx: &DaemonContext<'_>) -> Option<Fix> {
        let json = cx.json?;
        if json.doc.has_syntax_error() || cx.spec.get("log-opts").is_some_and(|o| o.source == DaemonSource::Flag) {
            return None;
        }
        let text = json.file.text();
        match json.members().iter().rev().find(|m| m.key == "log-opts") {
            Some(m) => {
                let DaemonValue::Map(_) = &cx.spec.value("log-opts")?.value else { return None };
                let existing = |k: &str| match &m.value.kind {
                    dockward_daemon::JsonKind::Object(ms) => {
                        ms.iter().rev().find(|x| x.key == k).map(|x| x.value.range)
                    }
                    _ => None,
                };
                if matches!(&m.value.kind, dockward_daemon::JsonKind::Object(ms) if ms.is_empty()) {
                    let e = insert_member(text, &m.value, "max-size", "\"10m\", \"max-file\": \"3\"")?;
                    return Some(Fix::safe(FIX_MESSAGE, vec![e]));
                }
                let mut edits = Vec::new();
                match existing("max-size") {
                    Some(r) => edits.push(Edit::replace(r, "\"10m\"")),
                    None => edits.push(insert_member(text, &m.value, "max-size", "\"10m\"")?),
                }
                if existing("max-file").is_none() {
                    // Both inserts land at the same offset; one edit keeps them ordered.
                    let e = insert_member(text, &m.value, "max-file", "\"3\"")?;
                    match edits.last_mut() {
                        Some(last) if last.range == e.range => last.content.to_mut().push_str(&e.content),
                        _ => edits.push(e),
                    }
                }
                Some(Fix { message: FIX_MESSAGE.into(), applicability: Applicability::Safe, edits })
            }
            None => {
                let top = json.doc.value.as_ref()?;
                let e = insert_member(text, top, "log-opts", "{ \"max-size\": \"10m\", \"max-file\": \"3\" }")?;
                Some(Fix::safe(FIX_MESSAGE, vec![e]))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;

    #[test]
    fn flags_unrotated_json_file() {
        assert_json_flags(&LogRotationMissing, "{}", &["{"]);
        assert_json_flags(&LogRotationMissing, r#"{"log-driver": "json-file"}"#, &["\"json-file\""]);
        assert_json_flags(&LogRotationMissing, r#"{"log-opts": {"max-file": "3"}}"#, &["{\"max-file\": \"3\"}"]);
        assert_json_flags(
            &LogRotationMissing,
            r#"{"log-driver": "local", "log-opts": {"max-size": "-1"}}"#,
            &["{\"max-size\": \"-1\"}"],
        );
        assert_json_clean(&LogRotationMissing, r#"{"log-opts": {"max-size": "10m", "max-file": "3"}}"#);
        assert_json_clean(&LogRotationMissing, r#"{"log-driver": "local"}"#);
        assert_json_clean(&LogRotationMissing, r#"{"log-driver": "journald"}"#);
        assert_unit_flags(
            &LogRotationMissing,
            Some("{}"),
            "[Service]\nExecStart=/usr/bin/dockerd --log-opt max-size=5m\n",
            &[],
        );
    }

    #[test]
    fn a_driver_alone_in_a_partial_configuration_is_not_judged() {
        let unit = "[Service]\nExecStart=/usr/bin/dockerd --log-driver json-file\n";
        let report = crate::daemon::check_flag_file_bytes(
            crate::daemon::FlagFileKind::SystemdUnit,
            "docker.service",
            None,
            unit.as_bytes(),
            &settings_for("DM021"),
        );
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        assert_unit_flags(&LogRotationMissing, None, unit, &["json-file"]);
    }

    #[test]
    fn fix_adds_rotation_keeping_the_format() {
        assert_json_fix(
            &LogRotationMissing,
            "{\n  \"icc\": false\n}\n",
            "{\n  \"icc\": false,\n  \"log-opts\": { \"max-size\": \"10m\", \"max-file\": \"3\" }\n}\n",
            Applicability::Safe,
        );
        assert_json_fix(
            &LogRotationMissing,
            r#"{"log-opts": {"labels": "a"}}"#,
            r#"{"log-opts": {"labels": "a", "max-size": "10m", "max-file": "3"}}"#,
            Applicability::Safe,
        );
        assert_json_fix(
            &LogRotationMissing,
            r#"{"log-opts": {"max-size": "-1", "max-file": "2"}}"#,
            r#"{"log-opts": {"max-size": "10m", "max-file": "2"}}"#,
            Applicability::Safe,
        );
        assert_json_fix(
            &LogRotationMissing,
            r#"{"log-opts": {}}"#,
            r#"{"log-opts": {"max-size": "10m", "max-file": "3"}}"#,
            Applicability::Safe,
        );
    }
}
