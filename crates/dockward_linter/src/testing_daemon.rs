//! Helpers for the pass/fail cases of daemon and host rules.

use dockward_diagnostics::{apply_fixes, Applicability, Diagnostic};
use dockward_source::SourceFile;

use crate::daemon::{check_daemon_config, lint_daemon, DaemonRule, FlagFileKind};
use crate::settings::{Settings, SettingsBuilder};

pub fn settings_for(code: &str) -> Settings {
    SettingsBuilder { select: Some(vec![code.to_string()]), ..Default::default() }.build()
}

/// Runs only `rule` over a lone `daemon.json`.
pub fn lint_json(rule: &dyn DaemonRule, text: &str) -> Vec<Diagnostic> {
    let file = SourceFile::new("daemon.json", None, text);
    let json = dockward_daemon::read_daemon_json(&file);
    let spec = dockward_daemon::build_spec(Some(&json), &[], true);
    lint_daemon(&spec, Some(&json), &[], &settings_for(rule.meta().code))
        .into_iter()
        .filter(|d| d.rule.code == rule.meta().code)
        .collect()
}

/// Runs only `rule` over a `daemon.json` (optional) and a `docker.service`, as one
/// complete configuration.
pub fn lint_with_unit(rule: &dyn DaemonRule, json: Option<&str>, unit: &str) -> Vec<Diagnostic> {
    let json = json.map(|t| SourceFile::new("daemon.json", None, t));
    let unit = SourceFile::new("docker.service", None, unit);
    let env: [(FlagFileKind, _); 0] = [];
    let (_, diags) = check_daemon_config(json.as_ref(), &[unit], &env, true, &settings_for(rule.meta().code));
    diags.into_iter().filter(|d| d.rule.code == rule.meta().code).collect()
}

/// A `docker.service` checked on its own, with a plain `ExecStart`, gives `rule` no
/// finding: absent options are only judged when the whole configuration is known.
pub fn assert_lone_unit_is_silent(rule: &dyn DaemonRule) {
    let report = crate::daemon::check_flag_file_bytes(
        FlagFileKind::SystemdUnit,
        "docker.service",
        None,
        b"[Service]\nExecStart=/usr/bin/dockerd\n",
        &settings_for(rule.meta().code),
    );
    assert!(report.diagnostics.is_empty(), "{}: {:?}", rule.meta().code, report.diagnostics);
}

/// The text each finding covers, in its own file.
pub fn covered(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| match (d.location.file(), d.location.range()) {
            (Some(f), Some(r)) => f.slice(r).to_string(),
            _ => d.location.to_string(),
        })
        .collect()
}

#[track_caller]
pub fn assert_json_flags(rule: &dyn DaemonRule, text: &str, expected: &[&str]) {
    let diags = lint_json(rule, text);
    assert_eq!(covered(&diags), expected, "findings of {} on:\n{text}\n{diags:#?}", rule.meta().code);
}

#[track_caller]
pub fn assert_json_clean(rule: &dyn DaemonRule, text: &str) {
    assert_json_flags(rule, text, &[]);
}

#[track_caller]
pub fn assert_unit_flags(rule: &dyn DaemonRule, json: Option<&str>, unit: &str, expected: &[&str]) {
    let diags = lint_with_unit(rule, json, unit);
    assert_eq!(covered(&diags), expected, "findings of {} on:\n{unit}\n{diags:#?}", rule.meta().code);
}

/// Asserts the fixes of `rule` (at `applicability` or above) turn `text` into
/// `expected`, which re-parses cleanly and no longer triggers the rule.
#[track_caller]
pub fn assert_json_fix(rule: &dyn DaemonRule, text: &str, expected: &str, applicability: Applicability) {
    let diags = lint_json(rule, text);
    assert!(!diags.is_empty(), "no finding to fix in:\n{text}");
    let fixes: Vec<_> = diags.iter().filter_map(|d| d.fix.as_ref()).collect();
    assert!(!fixes.is_empty(), "no fix offered");
    assert!(fixes.iter().all(|f| f.applicability == applicability), "{fixes:?}");
    let out = apply_fixes(text, fixes);
    assert_eq!(out.text, expected);
    let doc = dockward_daemon::json::parse(&out.text);
    assert!(doc.issues.is_empty(), "fixed text does not re-parse: {:?}", doc.issues);
    assert!(lint_json(rule, &out.text).is_empty(), "fixed text still triggers {}:\n{}", rule.meta().code, out.text);
}

pub fn json_message(rule: &dyn DaemonRule, text: &str) -> String {
    lint_json(rule, text).first().map(|d| d.message.to_string()).unwrap_or_default()
}

/// A host root tree in a temporary directory.
pub struct HostFixture {
    pub dir: tempfile::TempDir,
}

impl HostFixture {
    pub fn new() -> Self {
        Self { dir: tempfile::tempdir().expect("temp dir") }
    }

    fn at(&self, host_path: &str) -> std::path::PathBuf {
        self.dir.path().join(host_path.trim_start_matches('/'))
    }

    /// Writes a file (creating parents) with `mode`, owned by root:root.
    pub fn file(&self, host_path: &str, text: &str, mode: u32) -> &Self {
        use std::os::unix::fs::PermissionsExt;
        let p = self.at(host_path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
        self
    }

    pub fn dir(&self, host_path: &str, mode: u32) -> &Self {
        use std::os::unix::fs::PermissionsExt;
        let p = self.at(host_path);
        std::fs::create_dir_all(&p).expect("mkdir");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
        self
    }

    pub fn chown(&self, host_path: &str, uid: u32, gid: u32) -> &Self {
        std::os::unix::fs::chown(self.at(host_path), Some(uid), Some(gid)).expect("chown (tests run as root)");
        self
    }

    pub fn symlink(&self, host_path: &str, target: &str) -> &Self {
        let p = self.at(host_path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::os::unix::fs::symlink(target, p).expect("symlink");
        self
    }

    /// A Unix socket at `host_path` with `mode`.
    pub fn socket(&self, host_path: &str, mode: u32) -> &Self {
        use std::os::unix::fs::PermissionsExt;
        let p = self.at(host_path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        let listener = std::os::unix::net::UnixListener::bind(&p).expect("bind");
        drop(listener);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
        self
    }

    /// Findings of one rule over the tree (settings from `settings` or the rule alone).
    pub fn findings(&self, code: &str) -> Vec<Diagnostic> {
        self.findings_with(code, settings_for(code))
    }

    pub fn findings_with(&self, code: &str, settings: Settings) -> Vec<Diagnostic> {
        crate::host::check_host(self.dir.path(), &settings)
            .expect("host root")
            .into_iter()
            .flat_map(|r| r.diagnostics)
            .filter(|d| d.rule.code == code)
            .collect()
    }

    /// A finding's location relative to the root: `/etc/group:2:8` style for text
    /// files, the host path for whole files.
    pub fn where_(&self, d: &Diagnostic) -> String {
        let root = self.dir.path().to_string_lossy().to_string();
        d.location.to_string().replacen(&root, "", 1)
    }
}
