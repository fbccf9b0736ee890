//! The rules over what the engine holds, grouped by the object each finding is about.
//!
//! Rules run as `dockward audit` runs them (the CT rules per container with the engine's
//! defaults, IM/NW/EN over images, networks and the engine, DM over the daemon, SW and
//! CT over swarm services), but each finding is attributed to the object that was judged
//! (`container/web-1`, `image/nginx:1.27`, `daemon`), so one container can be judged again
//! on its own after an event and its findings replaced without touching the rest.
//! The host's files (HO rules) are not watched: they produce no engine events.

use std::collections::BTreeMap;

use dockward_diagnostics::{Diagnostic, Location};
use dockward_engine::HostSnapshot;
use dockward_linter::settings::Settings;
use dockward_report::fingerprint::Fingerprinter;
use dockward_spec::{ContainerSpec, EngineDefaults};
use serde::{Deserialize, Serialize};

/// One finding as records carry it: secrets masked, with its CIS and compliance ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub code: String,
    pub name: String,
    pub severity: String,
    /// The message, secrets masked.
    pub message: String,
    /// `container/web-1/HostConfig.Privileged`.
    pub location: String,
    pub cis: Vec<String>,
    /// Framework id -> control ids (`docs/compliance.md`).
    pub compliance: BTreeMap<String, Vec<String>>,
    /// Stable across runs: the rule, the location and the occurrence (`dockward_report::fingerprint`).
    pub fingerprint: String,
}

/// A Compose container's project and service (its `com.docker.compose.*` labels).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compose {
    pub project: String,
    pub service: String,
}

/// One watched object and its open findings, by fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectState {
    /// `container`, `image`, `network`, `engine`, `daemon`, `service`, `swarm`, `node`.
    pub kind: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compose: Option<Compose>,
    pub findings: BTreeMap<String, Finding>,
}

impl ObjectState {
    pub fn new(kind: &str, name: &str) -> Self {
        Self { kind: kind.into(), name: name.into(), id: None, image: None, compose: None, findings: BTreeMap::new() }
    }

    /// `kind/name`, the scope findings are located in; `daemon` alone.
    pub fn key(&self) -> String {
        object_key(&self.kind, &self.name)
    }
}

pub fn object_key(kind: &str, name: &str) -> String {
    if name.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}/{name}")
    }
}

/// The findings of one object, fingerprinted in report order.
fn findings_of(mut found: Vec<Diagnostic>) -> BTreeMap<String, Finding> {
    found.sort_by(|a, b| a.sort_key_cmp(b));
    let mut fingerprinter = Fingerprinter::new();
    found
        .iter()
        .map(|d| {
            let f = finding(d, &fingerprinter.fingerprint(d));
            (f.fingerprint.clone(), f)
        })
        .collect()
}

fn finding(d: &Diagnostic, fp: &dockward_report::fingerprint::Fingerprint) -> Finding {
    let cis: Vec<String> = match &d.cis {
        Some(ids) => ids.iter().map(|s| s.to_string()).collect(),
        None => d.rule.cis.iter().map(|s| s.to_string()).collect(),
    };
    let mut compliance: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (framework, control) in dockward_linter::compliance::controls_of(d.rule.code) {
        compliance.entry(framework.to_string()).or_default().push(control.to_string());
    }
    for controls in compliance.values_mut() {
        controls.sort();
        controls.dedup();
    }
    Finding {
        code: d.rule.code.into(),
        name: d.rule.name.into(),
        severity: d.severity.as_str().into(),
        message: dockward_report::masked_message(d).into_owned(),
        location: d.location.to_string(),
        cis,
        compliance,
        fingerprint: format!("{}:{}", d.rule.code, fp.line_hash()),
    }
}

/// `dockward.ignore=CODE,CODE[: reason]` on a container or service: the selectors it names.
fn label_ignores(spec: &ContainerSpec) -> Vec<String> {
    let Some(label) = spec.label("dockward.ignore") else { return Vec::new() };
    let codes = label.value.split_once(':').map_or(label.value.as_str(), |(codes, _reason)| codes);
    codes.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

/// One container (or swarm service) judged alone.
pub fn judge_container(spec: &ContainerSpec, defaults: &EngineDefaults, settings: &Settings) -> ObjectState {
    let kind = spec.origin.name().split_once('/').map_or("container", |(k, _)| k);
    let mut object = ObjectState::new(kind, &spec.name);
    object.image = spec.image.as_ref().map(|v| v.value.clone());
    object.compose = spec.compose_link().map(|c| Compose { project: c.project, service: c.service });
    let ignores = label_ignores(spec);
    let mut found = dockward_linter::check::lint_container_specs(std::slice::from_ref(spec), defaults, settings);
    found.retain(|d| !ignores.iter().any(|s| d.rule.matches(s)));
    object.findings = findings_of(found);
    object
}

/// Every object of one engine, judged; keyed by [`ObjectState::key`].
pub fn judge_snapshot(snapshot: &HostSnapshot, settings: &Settings, now: i64) -> BTreeMap<String, ObjectState> {
    let mut objects: BTreeMap<String, ObjectState> = BTreeMap::new();
    for spec in &snapshot.containers {
        let object = judge_container(spec, &snapshot.defaults, settings);
        objects.insert(object.key(), object);
    }
    // Everything else is attributed by the scope its finding is located in.
    let mut scoped: Vec<Diagnostic> =
        dockward_linter::audit::lint_host(&snapshot.engine, &snapshot.images, &snapshot.networks, settings, now);
    let daemon = &snapshot.daemon;
    let daemon_found =
        dockward_linter::daemon::lint_daemon(&daemon.spec, daemon.json.as_ref(), &daemon.flags, settings);
    for image in &snapshot.images {
        let object = ObjectState { id: Some(image.id.clone()), ..ObjectState::new("image", &image.name) };
        objects.insert(object.key(), object);
    }
    for network in &snapshot.networks {
        let object = ObjectState { id: Some(network.id.clone()), ..ObjectState::new("network", &network.name) };
        objects.insert(object.key(), object);
    }
    if let Some(swarm) = &snapshot.swarm {
        let unknown = EngineDefaults::default();
        let defaults = if swarm.nodes.len() == 1 { &snapshot.defaults } else { &unknown };
        for spec in &swarm.services {
            let object = judge_container(spec, defaults, settings);
            objects.insert(object.key(), object);
        }
        scoped.extend(dockward_linter::audit::lint_swarm(swarm, settings, now));
    }
    let mut by_scope: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    for d in scoped {
        by_scope.entry(d.location.name().to_string()).or_default().push(d);
    }
    // The daemon's findings sit in its files or at `daemon/...`: all are the daemon's.
    by_scope.entry("daemon".into()).or_default().extend(daemon_found);
    for (scope, found) in by_scope {
        if found.is_empty() {
            continue;
        }
        let (kind, name) = scope.split_once('/').unwrap_or((scope.as_str(), ""));
        let kind = if matches!(found[0].location, Location::Logical { .. }) { kind } else { "daemon" };
        let key = object_key(kind, name);
        let object = objects.entry(key).or_insert_with(|| ObjectState::new(kind, name));
        object.findings.extend(findings_of(found));
    }
    objects
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockward_linter::settings::SettingsBuilder;
    use dockward_spec::{SpecSource, Val};

    fn privileged(name: &str, labels: &[(&str, &str)]) -> ContainerSpec {
        let at = |path: &str| Location::Logical { scope: format!("container/{name}"), path: path.into() };
        let mut spec = ContainerSpec::new(SpecSource::LiveContainer, name, at("HostConfig"));
        spec.privileged = Some(Val::new(true, at("HostConfig.Privileged")));
        for (k, v) in labels {
            spec.labels.push((k.to_string(), Val::new(v.to_string(), at(&format!("Config.Labels.{k}")))));
        }
        spec
    }

    #[test]
    fn a_container_is_judged_alone_with_compose_and_cis() {
        let settings = SettingsBuilder::default().build();
        let spec =
            privileged("shop-web-1", &[("com.docker.compose.project", "shop"), ("com.docker.compose.service", "web")]);
        let object = judge_container(&spec, &EngineDefaults::default(), &settings);
        assert_eq!(object.key(), "container/shop-web-1");
        assert_eq!(object.compose, Some(Compose { project: "shop".into(), service: "web".into() }));
        let ct001 = object.findings.values().find(|f| f.code == "CT001").expect("privileged is reported");
        assert_eq!(ct001.location, "container/shop-web-1/HostConfig.Privileged");
        assert!(ct001.cis.contains(&"5.5".to_string()), "{:?}", ct001.cis);
        assert!(!ct001.compliance.is_empty());
        // The same spec gives the same fingerprints (no repeats after a restart).
        let again = judge_container(&spec, &EngineDefaults::default(), &settings);
        assert_eq!(object.findings.keys().collect::<Vec<_>>(), again.findings.keys().collect::<Vec<_>>());
    }

    #[test]
    fn dockward_ignore_labels_hold_back_their_rules() {
        let settings = SettingsBuilder::default().build();
        let spec = privileged("a", &[("dockward.ignore", "CT001: lab box")]);
        let object = judge_container(&spec, &EngineDefaults::default(), &settings);
        assert!(object.findings.values().all(|f| f.code != "CT001"));
    }
}
