//! Checking a live host's images, networks and engine (the IM, NW and EN families),
//! and the `[audit]` options those rules read. Container specs go through
//! [`crate::check::lint_container_specs`] like any other source.

use dockward_diagnostics::{Diagnostic, Location, RuleMeta};
use dockward_spec::{EngineInfo, ImageView, NetworkView, SwarmView, Val};

use crate::registry::{ENGINE_RULES, IMAGE_RULES, NETWORK_RULES, SWARM_RULES};
use crate::settings::Settings;

/// `[audit]` in dockward.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSettings {
    /// Engines older than this version are reported (EN001).
    pub min_engine_version: String,
    /// Images created longer ago than this are reported (IM005).
    pub max_image_age_days: u32,
    /// More dangling images than this are reported (IM007).
    pub max_dangling_images: usize,
    /// More stopped containers than this are reported (EN002).
    pub max_stopped_containers: usize,
    /// A swarm whose node certificates are valid longer than this is reported (SW005).
    pub max_node_cert_expiry_days: u32,
    /// A swarm whose root CA certificate is older than this is reported (SW006).
    pub max_ca_cert_age_days: u32,
    /// Containers not audited, by name glob.
    pub ignore_containers: Vec<String>,
    /// Containers not audited, by image reference glob.
    pub ignore_images: Vec<String>,
    /// Containers not audited, by label (`key` or `key=value`).
    pub ignore_labels: Vec<String>,
    /// Export every image in use and check its layers (IM008 and up).
    pub image_contents: bool,
}

impl Default for AuditSettings {
    fn default() -> Self {
        Self {
            min_engine_version: "25.0.0".into(),
            max_image_age_days: 365,
            max_dangling_images: 10,
            max_stopped_containers: 25,
            // Docker's own default (`--cert-expiry 2160h`): nodes renew their certificate
            // by themselves before it expires, so this is the rotation period; only a
            // swarm that lengthened it is reported.
            max_node_cert_expiry_days: 90,
            // A year, like `max-image-age-days`: the CIS benchmark names no period, and
            // a swarm CA (valid 20 years by default) is never rotated unless asked.
            max_ca_cert_age_days: 365,
            ignore_containers: Vec::new(),
            ignore_images: Vec::new(),
            ignore_labels: Vec::new(),
            image_contents: false,
        }
    }
}

/// What a live-host rule sees besides its objects, and where it reports.
pub struct AuditContext<'a> {
    pub settings: &'a Settings,
    /// The time of the audit, seconds since the Unix epoch (for age rules).
    pub now: i64,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> AuditContext<'a> {
    pub fn new(settings: &'a Settings, now: i64) -> Self {
        Self { settings, now, diagnostics: Vec::new() }
    }

    pub fn report(
        &mut self,
        rule: &'static RuleMeta,
        at: &Location,
        message: impl Into<dockward_diagnostics::Text>,
    ) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::new(rule, at.clone(), message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    pub fn report_value<T>(
        &mut self,
        rule: &'static RuleMeta,
        val: &Val<T>,
        message: impl Into<dockward_diagnostics::Text>,
    ) -> &mut Diagnostic {
        self.report(rule, &val.at, message)
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

/// A rule over a host's local images.
pub trait ImageRule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, images: &[ImageView], cx: &mut AuditContext<'_>);
}

/// A rule over a host's networks.
pub trait NetworkRule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, networks: &[NetworkView], cx: &mut AuditContext<'_>);
}

/// A rule over what the engine reports about itself.
pub trait EngineRule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, engine: &EngineInfo, cx: &mut AuditContext<'_>);
}

/// A rule over the swarm a node belongs to.
pub trait SwarmRule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, swarm: &SwarmView, cx: &mut AuditContext<'_>);
    /// The rule reads the host's files (`--host-root`); without them its silence says
    /// nothing.
    fn needs_host_root(&self) -> bool {
        false
    }
}

/// Whether `rule` is a swarm rule that judges only with `--host-root`.
pub fn needs_host_root(rule: &RuleMeta) -> bool {
    SWARM_RULES.iter().any(|r| r.meta().code == rule.code && r.needs_host_root())
}

/// The TCP sockets listening on the host under `root` (`/proc/net/tcp` and
/// `/proc/net/tcp6`, symlinks resolved inside the root), for the SW rules. A file that
/// is missing or unreadable adds nothing.
pub fn host_listeners(root: &std::path::Path) -> Vec<dockward_spec::Listener> {
    let Ok(host) = dockward_host::HostRoot::new(root) else { return Vec::new() };
    let mut out = Vec::new();
    for path in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(Some(real)) = host.resolve(path) else { continue };
        let Ok(text) = dockward_source::input::read_to_string(&real) else { continue };
        let file = dockward_source::SourceFile::new(host.display(path), None, text);
        out.extend(dockward_spec::swarm::listening_sockets(&file));
    }
    out
}

/// Runs every enabled SW rule over the swarm a node belongs to, with configured
/// severities, sorted. The swarm's services go through
/// [`crate::check::lint_container_specs`] like containers.
pub fn lint_swarm(swarm: &SwarmView, settings: &Settings, now: i64) -> Vec<Diagnostic> {
    let mut cx = AuditContext::new(settings, now);
    for rule in SWARM_RULES {
        if settings.is_enabled(rule.meta()) {
            rule.check(swarm, &mut cx);
        }
    }
    let mut found = cx.into_diagnostics();
    for d in &mut found {
        d.configure_severity(settings.severity(d.rule));
    }
    found.sort_by(|a, b| a.sort_key_cmp(b));
    found
}

/// Runs every enabled IM, NW and EN rule over one host, with configured severities,
/// sorted.
pub fn lint_host(
    engine: &EngineInfo,
    images: &[ImageView],
    networks: &[NetworkView],
    settings: &Settings,
    now: i64,
) -> Vec<Diagnostic> {
    let mut cx = AuditContext::new(settings, now);
    for rule in ENGINE_RULES {
        if settings.is_enabled(rule.meta()) {
            rule.check(engine, &mut cx);
        }
    }
    for rule in IMAGE_RULES {
        if settings.is_enabled(rule.meta()) {
            rule.check(images, &mut cx);
        }
    }
    for rule in NETWORK_RULES {
        if settings.is_enabled(rule.meta()) {
            rule.check(networks, &mut cx);
        }
    }
    let mut found = cx.into_diagnostics();
    for d in &mut found {
        d.configure_severity(settings.severity(d.rule));
    }
    found.sort_by(|a, b| a.sort_key_cmp(b));
    found
}

#[cfg(test)]
pub(crate) mod testing {
    use dockward_diagnostics::Diagnostic;
    use dockward_spec::live::{logical, logical_scope};
    use dockward_spec::{EngineInfo, EnvVar, HistoryStep, ImageView, NetworkView, Val};

    use super::*;
    use crate::settings::SettingsBuilder;

    pub fn settings_for(meta: &RuleMeta) -> Settings {
        SettingsBuilder { select: Some(vec![meta.code.to_string()]), ..Default::default() }.build()
    }

    /// An image `name` with the given config user, healthcheck, env and history.
    pub fn image(name: &str) -> ImageView {
        let scope = logical_scope("image", name);
        ImageView {
            id: format!("sha256:{name}"),
            name: name.to_string(),
            origin: logical(&scope, "Config"),
            tags: vec![Val::new(name.to_string(), logical(&scope, "RepoTags[0]"))],
            user: None,
            healthcheck: None,
            env: Vec::new(),
            history: Vec::new(),
            created: None,
            used_by: Vec::new(),
        }
    }

    pub fn with_env(mut img: ImageView, kv: &[(&str, &str)]) -> ImageView {
        let scope = logical_scope("image", &img.name);
        for (i, (k, v)) in kv.iter().enumerate() {
            let at = logical(&scope, format!("Config.Env[{i}]"));
            img.env.push(EnvVar {
                name: Val::new(k.to_string(), at.clone()),
                value: Some(Val::new(v.to_string(), at)),
                from_file: None,
            });
        }
        img
    }

    pub fn with_history(mut img: ImageView, steps: &[&str]) -> ImageView {
        let scope = logical_scope("image", &img.name);
        for (i, s) in steps.iter().enumerate() {
            img.history.push(HistoryStep {
                created_by: Val::new(s.to_string(), logical(&scope, format!("History[{i}].CreatedBy"))),
            });
        }
        img
    }

    pub fn network(name: &str, driver: &str, options: &[(&str, &str)], attached: &[&str]) -> NetworkView {
        let scope = logical_scope("network", name);
        NetworkView {
            id: name.to_string(),
            name: name.to_string(),
            origin: logical(&scope, "Driver"),
            driver: Val::new(driver.to_string(), logical(&scope, "Driver")),
            scope: "local".into(),
            internal: false,
            options: options
                .iter()
                .map(|(k, v)| (k.to_string(), Val::new(v.to_string(), logical(&scope, format!("Options.{k}")))))
                .collect(),
            attached: attached
                .iter()
                .map(|c| {
                    Val::new(
                        name.to_string(),
                        logical(&logical_scope("container", c), format!("NetworkSettings.Networks.{name}")),
                    )
                })
                .collect(),
        }
    }

    pub fn engine() -> EngineInfo {
        EngineInfo { name: "host1".into(), ..Default::default() }
    }

    /// `(location, message)` of each finding of `rule`.
    pub fn findings(rule: &'static RuleMeta, d: Vec<Diagnostic>) -> Vec<(String, String)> {
        d.into_iter()
            .filter(|d| d.rule.code == rule.code)
            .map(|d| (d.location.to_string(), d.message.into_owned()))
            .collect()
    }

    pub fn lint_images(meta: &'static RuleMeta, images: &[ImageView], now: i64) -> Vec<(String, String)> {
        findings(meta, lint_host(&engine(), images, &[], &settings_for(meta), now))
    }

    pub fn lint_networks(meta: &'static RuleMeta, networks: &[NetworkView]) -> Vec<(String, String)> {
        findings(meta, lint_host(&engine(), &[], networks, &settings_for(meta), 0))
    }

    pub fn lint_engine(meta: &'static RuleMeta, e: &EngineInfo) -> Vec<(String, String)> {
        findings(meta, lint_host(e, &[], &[], &settings_for(meta), 0))
    }

    pub fn lint_engine_with(meta: &'static RuleMeta, e: &EngineInfo, settings: Settings) -> Vec<(String, String)> {
        findings(meta, lint_host(e, &[], &[], &settings, 0))
    }
}
