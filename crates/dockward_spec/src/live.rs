//! Views of a live Docker host besides its containers: images, networks and the engine
//! itself, as the Engine API reports them. Built by `dockward_engine`; read by the IM,
//! NW and engine rules. Every value keeps the API field it came from.

use dockward_diagnostics::Location;

use crate::container::{ContainerSpec, EnvVar};
use crate::provenance::Val;

/// The scope of a logical location for an object of `kind` (`container`, `image`,
/// `network`, `engine`) called `name`: `container/web-1`.
pub fn logical_scope(kind: &str, name: &str) -> String {
    format!("{kind}/{name}")
}

/// A logical location: `scope` names the object, `path` the API field.
pub fn logical(scope: &str, path: impl Into<String>) -> Location {
    Location::Logical { scope: scope.to_string(), path: path.into() }
}

/// A local image: its configuration and history.
#[derive(Debug, Clone)]
pub struct ImageView {
    /// `sha256:...`.
    pub id: String,
    /// The first tag, or the short id when the image has none.
    pub name: String,
    /// `image/<name>`, path `Config`.
    pub origin: Location,
    /// `RepoTags[i]`.
    pub tags: Vec<Val<String>>,
    /// `Config.User`; `None` when unset or empty (the image runs as root).
    pub user: Option<Val<String>>,
    /// `Config.Healthcheck.Test`; `None` when the image defines none.
    pub healthcheck: Option<Val<Vec<String>>>,
    /// `Config.Env[i]`.
    pub env: Vec<EnvVar>,
    /// The image history, oldest layer first.
    pub history: Vec<HistoryStep>,
    /// Creation time, seconds since the Unix epoch.
    pub created: Option<Val<i64>>,
    /// Names of the audited containers that use this image.
    pub used_by: Vec<String>,
}

impl ImageView {
    /// An image with no tag (`<none>:<none>`).
    pub fn is_dangling(&self) -> bool {
        self.tags.is_empty() || self.tags.iter().all(|t| t.value == "<none>:<none>")
    }
}

/// One step of an image's history.
#[derive(Debug, Clone)]
pub struct HistoryStep {
    /// The instruction that made the layer (`/bin/sh -c #(nop)  ENV ...`, `RUN |2 A=1 ...`).
    pub created_by: Val<String>,
}

/// A network and the containers attached to it.
#[derive(Debug, Clone)]
pub struct NetworkView {
    pub id: String,
    pub name: String,
    /// `network/<name>`, path `Driver`.
    pub origin: Location,
    pub driver: Val<String>,
    /// `local`, `swarm`, `global`.
    pub scope: String,
    pub internal: bool,
    /// `Options.<key>`.
    pub options: Vec<(String, Val<String>)>,
    /// The audited containers attached to this network, each at the container's
    /// `NetworkSettings.Networks.<network>` field.
    pub attached: Vec<Val<String>>,
}

impl NetworkView {
    pub fn option(&self, key: &str) -> Option<&Val<String>> {
        self.options.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The daemon's default `bridge` network (`docker0`).
    pub fn is_default_bridge(&self) -> bool {
        self.driver.value == "bridge"
            && (self.name == "bridge"
                || self.option("com.docker.network.bridge.default_bridge").is_some_and(|v| v.value == "true"))
    }
}

/// What the engine reports about itself (`/version`, `/info`). A later step maps this
/// into the daemon rules' `DaemonSpec`.
#[derive(Debug, Clone, Default)]
pub struct EngineInfo {
    /// The endpoint this engine was reached at (`unix:///var/run/docker.sock`).
    pub endpoint: String,
    /// `engine/<name>` (the daemon's host name).
    pub name: String,
    pub version: Option<Val<String>>,
    pub api_version: Option<String>,
    pub min_api_version: Option<String>,
    pub os: Option<String>,
    pub kernel_version: Option<String>,
    pub architecture: Option<String>,
    pub storage_driver: Option<Val<String>>,
    pub logging_driver: Option<Val<String>>,
    pub cgroup_driver: Option<String>,
    pub cgroup_version: Option<String>,
    /// `SecurityOptions[i]`: `name=seccomp,profile=default`, `name=rootless`, ...
    pub security_options: Vec<Val<String>>,
    pub live_restore: Option<Val<bool>>,
    pub experimental: Option<bool>,
    pub default_runtime: Option<String>,
    pub docker_root_dir: Option<String>,
    /// `inactive`, `active`, `pending`, `error`, `locked` (empty when unknown).
    pub swarm_state: String,
    pub swarm_manager: bool,
    pub containers_total: i64,
    pub containers_running: i64,
    pub containers_stopped: i64,
    pub images_total: i64,
    /// `RegistryConfig.IndexConfigs.*.Secure == false` registries.
    pub insecure_registries: Vec<Val<String>>,
    /// `Warnings[i]` as the daemon states them.
    pub warnings: Vec<String>,
}

impl EngineInfo {
    pub fn origin(&self, path: &str) -> Location {
        logical(&logical_scope("engine", &self.name), path)
    }

    /// `SecurityOptions` entries as `(name, properties)`: `name=seccomp,profile=default`
    /// gives `("seccomp", [("profile", "default")])`.
    pub fn security_option(&self, name: &str) -> Option<Vec<(String, String)>> {
        self.security_options.iter().find_map(|opt| {
            let mut props = Vec::new();
            let mut found = false;
            for part in opt.value.split(',') {
                let (k, v) = part.split_once('=').unwrap_or((part, ""));
                if k == "name" {
                    found = v == name;
                } else {
                    props.push((k.to_string(), v.to_string()));
                }
            }
            found.then_some(props)
        })
    }
}

/// Where a container started by Docker Compose was defined, from its
/// `com.docker.compose.*` labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeLink {
    pub project: String,
    pub service: String,
    /// `com.docker.compose.project.config_files`, split on commas.
    pub config_files: Vec<String>,
    pub working_dir: Option<String>,
}

impl ContainerSpec {
    /// The Compose project and service this container was created from, if any.
    pub fn compose_link(&self) -> Option<ComposeLink> {
        let service = self.label("com.docker.compose.service")?.value.clone();
        let project = self.label("com.docker.compose.project").map(|v| v.value.clone()).unwrap_or_default();
        let config_files = self
            .label("com.docker.compose.project.config_files")
            .map(|v| v.value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect())
            .unwrap_or_default();
        let working_dir = self.label("com.docker.compose.project.working_dir").map(|v| v.value.clone());
        Some(ComposeLink { project, service, config_files, working_dir })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::SpecSource;

    #[test]
    fn compose_labels_link_back_to_file_and_service() {
        let scope = logical_scope("container", "shop-web-1");
        let mut spec = ContainerSpec::new(SpecSource::LiveContainer, "shop-web-1", logical(&scope, "HostConfig"));
        assert_eq!(spec.compose_link(), None);
        for (k, v) in [
            ("com.docker.compose.project", "shop"),
            ("com.docker.compose.service", "web"),
            ("com.docker.compose.project.config_files", "/srv/shop/compose.yaml,/srv/shop/compose.prod.yaml"),
        ] {
            spec.labels.push((k.to_string(), Val::new(v.to_string(), logical(&scope, format!("Config.Labels.{k}")))));
        }
        let link = spec.compose_link().unwrap();
        assert_eq!(link.project, "shop");
        assert_eq!(link.service, "web");
        assert_eq!(link.config_files, ["/srv/shop/compose.yaml", "/srv/shop/compose.prod.yaml"]);
        assert_eq!(link.working_dir, None);
    }

    #[test]
    fn security_options_parse_into_name_and_properties() {
        let mut info = EngineInfo { name: "h".into(), ..Default::default() };
        for s in ["name=seccomp,profile=default", "name=rootless"] {
            info.security_options.push(Val::new(s.to_string(), info.origin("SecurityOptions")));
        }
        assert_eq!(info.security_option("seccomp"), Some(vec![("profile".to_string(), "default".to_string())]));
        assert_eq!(info.security_option("rootless"), Some(vec![]));
        assert_eq!(info.security_option("userns"), None);
    }
}
