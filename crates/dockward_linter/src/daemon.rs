//! Daemon configuration checks: the `DaemonRule` trait, its context, and the entry
//! points for a `daemon.json`, a unit file or environment file, and a whole set of
//! daemon configuration sources (a host root).

use std::path::PathBuf;
use std::sync::Arc;

use dockward_daemon::json::{JsonKind, JsonValue};
use dockward_daemon::{DaemonJson, FlagSet, JsonIssueKind};
use dockward_diagnostics::{Applicability, Diagnostic, Edit, Fix, Location, RuleMeta};
use dockward_source::{SourceFile, TextSize};
use dockward_spec::{DaemonSource, DaemonSpec};

use crate::check::{check_text_with_fixes_and_keys, decode_text, FileReport, FixMode};
use crate::registry::{self, DAEMON_RULES};
use crate::settings::Settings;

/// A rule over the daemon's configuration.
pub trait DaemonRule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &mut DaemonContext<'_>);
}

/// What a daemon rule sees, and where it reports.
pub struct DaemonContext<'a> {
    pub spec: &'a DaemonSpec,
    /// The `daemon.json` read, if any (for file-level findings and fixes).
    pub json: Option<&'a DaemonJson>,
    /// The flag sources read (unit files, environment files).
    pub flags: &'a [FlagSet],
    pub settings: &'a Settings,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> DaemonContext<'a> {
    pub fn new(
        spec: &'a DaemonSpec,
        json: Option<&'a DaemonJson>,
        flags: &'a [FlagSet],
        settings: &'a Settings,
    ) -> Self {
        Self { spec, json, flags, settings, diagnostics: Vec::new() }
    }

    pub fn report(
        &mut self,
        rule: &'static RuleMeta,
        at: Location,
        message: impl Into<dockward_diagnostics::Text>,
    ) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::new(rule, at, message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// Reports that `key` is absent, at the spec's origin, when absence means the
    /// default (see [`DaemonSpec::complete`]); `None` otherwise.
    pub fn report_absent(
        &mut self,
        rule: &'static RuleMeta,
        message: impl Into<dockward_diagnostics::Text>,
    ) -> Option<&mut Diagnostic> {
        if !self.spec.complete {
            return None;
        }
        let at = self.spec.origin.clone();
        Some(self.report(rule, at, message))
    }

    /// A fix that sets `key` to the JSON text `value` in `daemon.json`, keeping its
    /// formatting: the value is replaced where the key is, or a member is added to the
    /// top-level object. `None` when there is no readable file, or when a flag sets
    /// the key (the file cannot override a flag).
    pub fn set_key_fix(
        &self,
        key: &str,
        value: &str,
        applicability: Applicability,
        message: impl Into<dockward_diagnostics::Text>,
    ) -> Option<Fix> {
        let json = self.json?;
        if json.doc.has_syntax_error() || self.spec.get(key).is_some_and(|o| o.source == DaemonSource::Flag) {
            return None;
        }
        let top = json.doc.value.as_ref()?;
        let edit = match json.members().iter().rev().find(|m| m.key == key) {
            Some(m) => Edit::replace(m.value.range, value.to_string()),
            None => insert_member(json.file.text(), top, key, value)?,
        };
        Some(Fix { message: message.into(), applicability, edits: vec![edit] })
    }
}

/// An edit adding `"key": value` to `object`, in the style of its existing members
/// (one line or one member per line, the same indentation and `:` spacing).
pub fn insert_member(text: &str, object: &JsonValue, key: &str, value: &str) -> Option<Edit> {
    let JsonKind::Object(members) = &object.kind else { return None };
    let key = json_string(key);
    let Some(last) = members.last() else {
        let open = object.range.start() + TextSize::from(1);
        let inner = &text[usize::from(open)..usize::from(object.range.end()) - 1];
        let indent = line_indent(text, object.range.start());
        return Some(Edit::replace(
            dockward_source::TextRange::new(open, object.range.end() - TextSize::from(1)),
            if inner.contains('\n') || object.range.start() == 0.into() {
                format!("\n{indent}  {key}: {value}\n{indent}")
            } else {
                format!("{key}: {value}")
            },
        ));
    };
    let first = &members[0];
    let colon = &text[usize::from(first.key_range.end())..usize::from(first.value.range.start())];
    let sep = if colon.ends_with(' ') { ": " } else { ":" };
    let before_first = &text[usize::from(object.range.start()) + 1..usize::from(first.key_range.start())];
    let content = if before_first.contains('\n') {
        let indent = line_indent(text, first.key_range.start());
        format!(",\n{indent}{key}{sep}{value}")
    } else {
        let between = if members.len() > 1 {
            let gap = &text[usize::from(members[0].value.range.end())..usize::from(members[1].key_range.start())];
            gap.trim_start_matches(',').to_string()
        } else {
            sep.trim_start_matches(':').to_string()
        };
        format!(",{between}{key}{sep}{value}")
    };
    Some(Edit::insert(last.value.range.end(), content))
}

fn line_indent(text: &str, at: TextSize) -> &str {
    let at = usize::from(at);
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..at];
    &line[..line.len() - line.trim_start().len()]
}

/// `s` as a JSON string literal.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Runs the enabled daemon rules over a spec and its sources; returns the findings
/// with configured severities and per-file ignores applied, sorted.
pub fn lint_daemon(
    spec: &DaemonSpec,
    json: Option<&DaemonJson>,
    flags: &[FlagSet],
    settings: &Settings,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if let Some(j) = json {
        for issue in j.doc.issues.iter().filter(|i| i.kind == JsonIssueKind::Syntax) {
            found.push(Diagnostic::new(
                registry::SYNTAX_ERROR,
                Location::source(&j.file, issue.range),
                format!("{} (dockerd refuses to start)", issue.message),
            ));
        }
    }
    let mut cx = DaemonContext::new(spec, json, flags, settings);
    for rule in DAEMON_RULES {
        if settings.is_enabled(rule.meta()) {
            rule.check(&mut cx);
        }
    }
    found.extend(cx.diagnostics);
    found.retain(|d| settings.is_enabled(d.rule) && !settings.ignored_for_path(d.rule, d.location.name()));
    for d in &mut found {
        d.configure_severity(settings.severity(d.rule));
    }
    dockward_diagnostics::sort_diagnostics(&mut found);
    found
}

/// Checks one `daemon.json` on its own: an absent key means dockerd's default.
pub fn check_daemon_json_bytes(
    name: &str,
    path: Option<PathBuf>,
    bytes: &[u8],
    settings: &Settings,
    fix: FixMode,
) -> FileReport {
    let text = match decode_text(name, path.as_ref(), bytes) {
        Ok(t) => t,
        Err(report) => return *report,
    };
    let lint = |file: &Arc<SourceFile>| {
        let json = dockward_daemon::read_daemon_json(file);
        if let Some(found) = not_a_daemon_config(file, &json, settings) {
            return found;
        }
        let spec = dockward_daemon::build_spec(Some(&json), &[], true);
        lint_daemon(&spec, Some(&json), &[], settings)
    };
    check_text_with_fixes_and_keys(name, path, text, fix, lint, json_duplicate_keys)
}

/// One DW005 finding when most top-level keys of a `daemon.json` (at least two of
/// them) are not dockerd options: the file is another program's, and the DM rules
/// would only report its keys and dockerd's defaults. A Docker file with a misspelt
/// key still has mostly known keys.
fn not_a_daemon_config(file: &Arc<SourceFile>, json: &DaemonJson, settings: &Settings) -> Option<Vec<Diagnostic>> {
    let JsonKind::Object(members) = &json.doc.value.as_ref()?.kind else { return None };
    let unknown = members.iter().filter(|m| dockward_daemon::options::by_key(&m.key).is_none()).count();
    if members.len() < 2 || unknown * 2 <= members.len() {
        return None;
    }
    let rule = registry::NOT_A_DAEMON_CONFIG;
    if !settings.is_enabled(rule) || settings.ignored_for_path(rule, file.name()) {
        return Some(Vec::new());
    }
    let mut d = Diagnostic::new(
        rule,
        Location::File { name: file.name().to_string() },
        format!(
            "`{}` does not look like a Docker daemon configuration ({unknown} of its {} top-level keys are not dockerd options); the daemon rules are not run on it",
            file.name(),
            members.len()
        ),
    );
    d.severity = settings.severity(rule);
    Some(vec![d])
}

/// How many members of the objects of `text` (at any depth) repeat an earlier key of
/// their object. dockerd keeps the last one silently, so a fix must never add one; a
/// fix that breaks the JSON counts as adding every key again.
pub(crate) fn json_duplicate_keys(text: &str) -> usize {
    fn count(v: &JsonValue) -> usize {
        match &v.kind {
            JsonKind::Object(members) => members
                .iter()
                .enumerate()
                .map(|(i, m)| usize::from(members[..i].iter().any(|p| p.key == m.key)) + count(&m.value))
                .sum(),
            JsonKind::Array(items) => items.iter().map(count).sum(),
            _ => 0,
        }
    }
    let doc = dockward_daemon::json::parse(text);
    if doc.has_syntax_error() {
        // A fix that breaks the JSON counts as adding every key again.
        return usize::MAX;
    }
    doc.value.as_ref().map_or(0, count)
}

/// What kind of dockerd flag source a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagFileKind {
    /// `docker.service` or a drop-in `docker.service.d/*.conf`.
    SystemdUnit,
    /// `/etc/default/docker` (`DOCKER_OPTS`).
    DefaultDocker,
    /// `/etc/sysconfig/docker` (`OPTIONS`).
    SysconfigDocker,
}

impl FlagFileKind {
    pub fn read(self, file: &Arc<SourceFile>) -> Option<FlagSet> {
        match self {
            FlagFileKind::SystemdUnit => dockward_daemon::read_systemd_units(std::slice::from_ref(file)),
            FlagFileKind::DefaultDocker => Some(dockward_daemon::read_env_file(file, &["DOCKER_OPTS"])),
            FlagFileKind::SysconfigDocker => Some(dockward_daemon::read_env_file(file, &["OPTIONS"])),
        }
    }
}

/// Checks one unit or environment file on its own. A `daemon.json` may set what
/// the flags leave out, so rules about absent options stay quiet.
pub fn check_flag_file_bytes(
    kind: FlagFileKind,
    name: &str,
    path: Option<PathBuf>,
    bytes: &[u8],
    settings: &Settings,
) -> FileReport {
    let text = match decode_text(name, path.as_ref(), bytes) {
        Ok(t) => t,
        Err(report) => return *report,
    };
    let file = SourceFile::new(name, path.clone(), text);
    let flags: Vec<FlagSet> = kind.read(&file).into_iter().collect();
    let refs: Vec<&FlagSet> = flags.iter().collect();
    let spec = dockward_daemon::build_spec(None, &refs, false);
    let diagnostics = lint_daemon(&spec, None, &flags, settings);
    FileReport { name: name.to_string(), path, diagnostics, fixed: None, unreadable: false }
}

/// Checks the daemon's whole configuration: `daemon.json` plus every flag source, as
/// one spec (so an option set twice is seen). `complete` when every source the daemon
/// reads was looked for. Never fixes: this reads a host.
pub fn check_daemon_config(
    json: Option<&Arc<SourceFile>>,
    units: &[Arc<SourceFile>],
    env_files: &[(FlagFileKind, Arc<SourceFile>)],
    complete: bool,
    settings: &Settings,
) -> (DaemonSpec, Vec<Diagnostic>) {
    let (spec, json, flags) = read_daemon_config(json, units, env_files, complete);
    let diagnostics = lint_daemon(&spec, json.as_ref(), &flags, settings);
    (spec, diagnostics)
}

/// Reads the daemon's whole configuration (see [`check_daemon_config`]) without
/// checking it: the spec, the strict `daemon.json` and the flag sources in effect.
pub fn read_daemon_config(
    json: Option<&Arc<SourceFile>>,
    units: &[Arc<SourceFile>],
    env_files: &[(FlagFileKind, Arc<SourceFile>)],
    complete: bool,
) -> (DaemonSpec, Option<DaemonJson>, Vec<FlagSet>) {
    let json = json.map(dockward_daemon::read_daemon_json);
    let mut flags: Vec<FlagSet> = Vec::new();
    let unit = dockward_daemon::read_systemd_units(units);
    // The environment files only reach dockerd through `$VAR` in ExecStart (or the
    // sysvinit/upstart scripts when there is no unit).
    let env_used = unit.as_ref().is_none_or(|u| !u.env_refs.is_empty());
    flags.extend(unit);
    if env_used {
        for (kind, file) in env_files {
            flags.extend(kind.read(file));
        }
    }
    let refs: Vec<&FlagSet> = flags.iter().collect();
    let spec = dockward_daemon::build_spec(json.as_ref(), &refs, complete);
    (spec, json, flags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockward_daemon::json::parse;
    use dockward_diagnostics::apply_fixes;

    fn insert(text: &str, key: &str, value: &str) -> String {
        let doc = parse(text);
        let e = insert_member(text, doc.value.as_ref().unwrap(), key, value).unwrap();
        apply_fixes(text, [&Fix::safe("x", vec![e])]).text
    }

    #[test]
    fn insert_member_keeps_the_style() {
        assert_eq!(insert("{\n  \"a\": 1\n}\n", "b", "true"), "{\n  \"a\": 1,\n  \"b\": true\n}\n");
        assert_eq!(insert("{\"a\":1,\"c\":2}", "b", "true"), "{\"a\":1,\"c\":2,\"b\":true}");
        assert_eq!(insert("{\"a\": 1, \"c\": 2}", "b", "true"), "{\"a\": 1, \"c\": 2, \"b\": true}");
        assert_eq!(insert("{}\n", "b", "true"), "{\n  \"b\": true\n}\n");
        assert_eq!(insert("{\n\t\"a\": {\"x\": 1}\n}", "b", "1"), "{\n\t\"a\": {\"x\": 1},\n\t\"b\": 1\n}");
    }

    #[test]
    fn duplicate_keys_are_counted_at_every_depth() {
        assert_eq!(json_duplicate_keys(r#"{"a": 1, "b": 2}"#), 0);
        assert_eq!(json_duplicate_keys(r#"{"a": 1, "a": 2, "a": 3}"#), 2);
        assert_eq!(
            json_duplicate_keys(r#"{"log-opts": {"max-size": "1m", "max-size": "2m"}, "x": [{"k": 1, "k": 2}]}"#),
            2
        );
        // The same key in two objects is no duplicate.
        assert_eq!(json_duplicate_keys(r#"{"a": {"k": 1}, "b": {"k": 1}}"#), 0);
        assert_eq!(json_duplicate_keys(r#"{"a": "#), usize::MAX);
    }

    fn codes_of(text: &str) -> Vec<&'static str> {
        let settings = crate::settings::SettingsBuilder::default().build();
        let r = check_daemon_json_bytes("daemon.json", None, text.as_bytes(), &settings, FixMode::Off);
        r.diagnostics.iter().map(|d| d.rule.code).collect()
    }

    /// Another program's `daemon.json` (pm2's) is reported once and not judged by
    /// the DM rules; a Docker one with a misspelt key is still judged.
    #[test]
    fn another_programs_daemon_json_is_one_note() {
        let pm2 = r#"{"apps": [{"name": "web", "script": "server.js"}], "name": "x", "script": "y"}"#;
        assert_eq!(codes_of(pm2), ["DW005"]);
        let docker = r#"{"icc": false, "live-restor": true, "userns-remap": "default", "no-new-privileges": true}"#;
        let codes = codes_of(docker);
        assert!(codes.contains(&"DM002"), "{codes:?}");
        assert!(!codes.contains(&"DW005"), "{codes:?}");
        // Half unknown is not "most": still judged.
        assert!(!codes_of(r#"{"icc": false, "frob": 1}"#).contains(&"DW005"));
        assert!(codes_of("{}").iter().all(|c| *c != "DW005"));
    }

    fn fix_all(text: &str) -> FileReport {
        let settings = crate::settings::SettingsBuilder::default().build();
        check_daemon_json_bytes("daemon.json", None, text.as_bytes(), &settings, FixMode::Apply { unsafe_fixes: true })
    }

    #[test]
    fn a_misspelt_key_and_its_absent_twin_are_fixed_into_one_key() {
        // The rename of `live-restor` and DM007's insertion of the absent
        // `live-restore` are computed against the same text.
        for (text, want) in [
            ("{\n  \"live-restor\": true\n}\n", "true"),
            ("{\n  \"live-restor\": false,\n  \"icc\": false\n}\n", "true"),
        ] {
            let report = fix_all(text);
            let fixed = report.fixed.as_ref().expect("fixed").text.clone();
            assert_eq!(json_duplicate_keys(&fixed), 0, "{fixed}");
            assert_eq!(fixed.matches("\"live-restore\"").count(), 1, "{fixed}");
            assert!(fixed.contains(&format!("\"live-restore\": {want}")), "{fixed}");
            let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.rule.code).collect();
            assert!(!codes.contains(&"DM004") && !codes.contains(&"DM007"), "{codes:?}\n{fixed}");
        }
    }

    #[test]
    fn a_round_of_fixes_never_adds_a_key_twice() {
        use crate::check::apply_fixes_keeping_keys_unique;
        let text = "{\n  \"a\": 1\n}";
        let doc = parse(text);
        let top = doc.value.as_ref().unwrap();
        let add_b = Fix::safe("b", vec![insert_member(text, top, "b", "true").unwrap()]);
        let add_b_again = Fix::safe("b again", vec![insert_member(text, top, "b", "false").unwrap()]);
        let add_c = Fix::safe("c", vec![insert_member(text, top, "c", "1").unwrap()]);
        let out = apply_fixes_keeping_keys_unique(text, vec![&add_b, &add_b_again, &add_c], &json_duplicate_keys);
        assert_eq!(json_duplicate_keys(&out.text), 0, "{}", out.text);
        assert_eq!(out.applied, 2);
        assert!(out.text.contains("\"b\": true") && out.text.contains("\"c\": 1"), "{}", out.text);
        // Fixes that add nothing twice apply as one round, as before.
        let out = apply_fixes_keeping_keys_unique(text, vec![&add_b, &add_c], &json_duplicate_keys);
        assert_eq!(out.applied, 2);
        // A duplicate the file already has does not stop other fixes.
        let dup = "{\"a\": 1, \"a\": 2}";
        let top = parse(dup).value.unwrap();
        let add_b = Fix::safe("b", vec![insert_member(dup, &top, "b", "true").unwrap()]);
        let out = apply_fixes_keeping_keys_unique(dup, vec![&add_b], &json_duplicate_keys);
        assert_eq!(out.text, "{\"a\": 1, \"a\": 2, \"b\": true}");
    }
}
