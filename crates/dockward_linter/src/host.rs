//! Host checks (`--host-root DIR`): the daemon's configuration at its standard paths,
//! checked as one spec, plus the HO rules over the host's files. Reads, never writes.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use dockward_diagnostics::{Diagnostic, Location, RuleMeta};
pub use dockward_host::PER_PATH_CONTROLS;
use dockward_host::{HostRoot, HostSnapshot, HostText, ScanOptions};
use dockward_source::SourceFile;
use dockward_spec::DaemonSpec;

use crate::check::{decode_text, FileReport};
use crate::daemon::{lint_daemon, read_daemon_config, FlagFileKind};
use crate::registry::{self, HOST_RULES};
use crate::settings::Settings;

/// A rule over a host's files.
pub trait HostRule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &mut HostContext<'_>);
}

/// What a host rule sees.
pub struct HostContext<'a> {
    pub host: &'a HostSnapshot,
    /// The daemon's configuration as read from the host.
    pub daemon: &'a DaemonSpec,
    /// `/etc/group`, as a source file for positions.
    pub group: Option<Arc<SourceFile>>,
    pub audit_files: Vec<Arc<SourceFile>>,
    pub mountinfo: Option<Arc<SourceFile>>,
    pub settings: &'a Settings,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> HostContext<'a> {
    pub fn new(host: &'a HostSnapshot, daemon: &'a DaemonSpec, settings: &'a Settings) -> Self {
        let text =
            |t: &HostText| SourceFile::new(t.display.clone(), None, String::from_utf8_lossy(&t.bytes).into_owned());
        Self {
            host,
            daemon,
            group: host.group.as_ref().map(text),
            audit_files: host.audit_files.iter().map(text).collect(),
            mountinfo: host.mountinfo.as_ref().map(text),
            settings,
            diagnostics: Vec::new(),
        }
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

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

/// Runs the enabled host rules over a snapshot.
pub fn lint_host(host: &HostSnapshot, daemon: &DaemonSpec, settings: &Settings) -> Vec<Diagnostic> {
    let mut cx = HostContext::new(host, daemon, settings);
    for rule in HOST_RULES {
        if settings.is_enabled(rule.meta()) {
            rule.check(&mut cx);
        }
    }
    let mut found = cx.into_diagnostics();
    for e in &host.errors {
        found.push(Diagnostic::new(
            registry::UNREADABLE_FILE,
            Location::File { name: e.path().to_string() },
            format!("cannot read: {e}"),
        ));
    }
    found.retain(|d| settings.is_enabled(d.rule) && !settings.ignored_for_path(d.rule, d.location.name()));
    for d in &mut found {
        d.configure_severity(settings.severity(d.rule));
    }
    found.sort_by(|a, b| a.sort_key_cmp(b));
    found
}

/// Checks the host under `root`: its daemon configuration and its files. One report
/// per file with findings (sorted by name); an error when the root cannot be opened.
pub fn check_host(root: &Path, settings: &Settings) -> Result<Vec<FileReport>, String> {
    check_host_with(root, settings, |spec| (spec, true))
}

/// [`check_host`] with the daemon's configuration chosen by `daemon`, which gets the
/// spec read from the root's files and returns the spec the checks use and whether
/// the DM rules run over the root's files. `dockward audit` adds what the live daemon
/// reports, or uses the running local daemon's own configuration (already checked).
pub fn check_host_with(
    root: &Path,
    settings: &Settings,
    daemon: impl FnOnce(DaemonSpec) -> (DaemonSpec, bool),
) -> Result<Vec<FileReport>, String> {
    check_host_files(root, settings, daemon).map(|checked| checked.reports)
}

/// What [`check_host_files`] found.
pub struct HostCheck {
    pub reports: Vec<FileReport>,
    /// The per-path CIS controls (`dockward_host::PER_PATH_CONTROLS`, 1.6.0 ids) whose
    /// file exists under the root: the others have nothing to judge.
    pub controls_with_files: std::collections::BTreeSet<&'static str>,
}

/// [`check_host_with`], also saying which per-path controls had a file to judge.
pub fn check_host_files(
    root: &Path,
    settings: &Settings,
    daemon: impl FnOnce(DaemonSpec) -> (DaemonSpec, bool),
) -> Result<HostCheck, String> {
    let host = HostRoot::new(root).map_err(|e| format!("{}: {e}", e.path()))?;
    let sources = dockward_host::daemon_sources(&host);
    let mut reports: BTreeMap<String, FileReport> = BTreeMap::new();
    let mut decode = |t: &HostText| -> Option<Arc<SourceFile>> {
        match decode_text(&t.display, None, &t.bytes) {
            Ok(text) => Some(SourceFile::new(t.display.clone(), None, text)),
            Err(report) => {
                reports.insert(t.display.clone(), *report);
                None
            }
        }
    };
    let json = sources.daemon_json.as_ref().and_then(&mut decode);
    let units: Vec<Arc<SourceFile>> = sources.units.iter().filter_map(&mut decode).collect();
    let mut env_files = Vec::new();
    if let Some(f) = sources.default_docker.as_ref().and_then(&mut decode) {
        env_files.push((FlagFileKind::DefaultDocker, f));
    }
    if let Some(f) = sources.sysconfig_docker.as_ref().and_then(&mut decode) {
        env_files.push((FlagFileKind::SysconfigDocker, f));
    }
    let (files_spec, json, flags) = read_daemon_config(json.as_ref(), &units, &env_files, true);
    let (spec, lint_files) = daemon(files_spec);
    let mut diagnostics = if lint_files { lint_daemon(&spec, json.as_ref(), &flags, settings) } else { Vec::new() };

    let path = |k: &str| spec.str(k).filter(|s| !s.is_empty()).map(str::to_string);
    let options = ScanOptions {
        data_root: path("data-root"),
        tls_ca: path("tlscacert"),
        tls_cert: path("tlscert"),
        tls_key: path("tlskey"),
        rootless_flag: spec.rootless,
        containerd_socket: path("containerd"),
    };
    let mut snapshot = dockward_host::scan(&host, &options);
    // A broken file is often met twice (read as configuration, then stat'ed).
    let mut unique = Vec::new();
    for e in sources.errors.into_iter().chain(std::mem::take(&mut snapshot.errors)) {
        if !unique.contains(&e) {
            unique.push(e);
        }
    }
    snapshot.errors = unique;
    diagnostics.extend(lint_host(&snapshot, &spec, settings));

    for d in diagnostics {
        let name = d.location.name().to_string();
        let unreadable = d.rule.code == registry::UNREADABLE_FILE.code;
        let r = reports.entry(name.clone()).or_insert_with(|| FileReport {
            name,
            path: None,
            diagnostics: Vec::new(),
            fixed: None,
            unreadable: false,
        });
        r.unreadable |= unreadable;
        r.diagnostics.push(d);
    }
    for r in reports.values_mut() {
        r.diagnostics.sort_by(|a, b| a.sort_key_cmp(b));
    }
    Ok(HostCheck { reports: reports.into_values().collect(), controls_with_files: snapshot.controls_with_files() })
}

#[cfg(test)]
mod tests {
    use crate::testing_daemon::*;

    // issue 13 #23: the scorecard needs to know which per-path controls had a file.
    #[test]
    fn per_path_controls_with_files_are_the_existing_files() {
        let fx = HostFixture::new();
        fx.dir("/etc/docker", 0o755)
            .file("/etc/docker/daemon.json", "{}", 0o644)
            .file("/etc/default/docker", "", 0o644)
            .file("/etc/docker/certs.d/reg:5000/ca.crt", "x", 0o444);
        let settings = crate::SettingsBuilder::default().build();
        let checked = crate::host::check_host_files(fx.dir.path(), &settings, |s| (s, true)).unwrap();
        let present: Vec<&str> = checked.controls_with_files.iter().copied().collect();
        // /etc/docker (1.1.6, 3.5/3.6), certs (3.7/3.8), daemon.json (1.1.11, 3.17/3.18),
        // /etc/default/docker (1.1.10, 3.19/3.20); no sysconfig (1.1.13, 3.21/3.22), no
        // TLS files (3.9-3.14), no units, sockets or binaries.
        assert_eq!(present, ["1.1.10", "1.1.11", "1.1.6", "3.17", "3.18", "3.19", "3.20", "3.5", "3.6", "3.7", "3.8"]);
        assert!(present.iter().all(|c| dockward_host::PER_PATH_CONTROLS.contains(c)));
        let empty = HostFixture::new();
        empty.dir("/etc", 0o755);
        let none = crate::host::check_host_files(empty.dir.path(), &settings, |s| (s, true)).unwrap();
        assert!(none.controls_with_files.is_empty(), "{:?}", none.controls_with_files);
    }

    #[test]
    fn bad_host_files_are_findings_not_panics() {
        let fx = HostFixture::new();
        fx.dir("/etc/docker/daemon.json", 0o755)
            .file("/etc/group", &"x".repeat(17 * 1024 * 1024), 0o644)
            .file("/etc/default/docker", "", 0o644)
            .symlink("/etc/sysconfig/docker", "/etc/sysconfig/docker");
        std::fs::write(fx.dir.path().join("etc/default/docker"), b"DOCKER_OPTS=\"\xff\"\n").unwrap();
        let reports = crate::host::check_host(fx.dir.path(), &settings_for("DW002")).unwrap();
        let unreadable: Vec<String> = reports
            .iter()
            .filter(|r| r.unreadable)
            .flat_map(|r| &r.diagnostics)
            .map(|d| format!("{} {}", fx.where_(d), d.message))
            .collect();
        assert_eq!(unreadable.len(), 4, "{unreadable:#?}");
        assert!(unreadable.iter().any(|m| m.contains("/etc/docker/daemon.json") && m.contains("directory")));
        assert!(unreadable.iter().any(|m| m.contains("/etc/group") && m.contains("limit")));
        assert!(unreadable.iter().any(|m| m.contains("/etc/default/docker:1:14") && m.contains("UTF-8")));
        assert!(unreadable.iter().any(|m| m.contains("/etc/sysconfig/docker") && m.contains("symbolic links")));
    }

    #[test]
    fn a_missing_root_is_an_error() {
        let settings = settings_for("HO001");
        assert!(crate::host::check_host(std::path::Path::new("/nonexistent/dockward"), &settings).is_err());
    }
}
