//! `ContainerSpec`: one container's runtime settings, normalised.
//!
//! Field by field this follows ARCHITECTURE.md's table (Compose key / inspect field /
//! `docker run` flag). `None` (or an empty list) always means "not set in this source":
//! the engine default applies, and rules that depend on that default read it from
//! [`EngineDefaults`] instead of guessing.

use dockward_diagnostics::Location;

use crate::provenance::Val;

/// Where a spec was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpecSource {
    /// A service of a Compose project.
    ComposeService,
    /// A `docker run` / `docker create` / `docker container run|create` line in a file.
    RunCommand,
    /// A live container, from the Engine API's inspect data.
    LiveContainer,
    /// A swarm service's task template (`/services`), as a manager reports it.
    SwarmService,
    /// A container, init container or ephemeral container of a Kubernetes workload's
    /// pod template (Pod, Deployment, CronJob, ...). Docker-only settings (pids limit,
    /// devices, ulimits, cgroup parent, restart policy, init) do not exist there.
    KubernetesWorkload,
}

impl SpecSource {
    /// True for Kubernetes workloads, where some Docker settings and defaults do not
    /// apply (no dockerd default for no-new-privileges, no seccomp unless asked for).
    pub fn is_kubernetes(self) -> bool {
        self == SpecSource::KubernetesWorkload
    }
}

/// One container's runtime settings.
#[derive(Debug, Clone)]
pub struct ContainerSpec {
    pub source: SpecSource,
    /// Service name, container name, or the image of a `docker run` line.
    pub name: String,
    /// Where findings about a setting that is absent are reported: the service's key,
    /// the `docker run` words, or `container/<name>` for a live container.
    pub origin: Location,
    /// Compose profiles the service belongs to (empty: always enabled).
    pub profiles: Vec<String>,
    /// Labels (Compose `labels`, `--label`, `Config.Labels`).
    pub labels: Vec<(String, Val<String>)>,

    pub image: Option<Val<String>>,
    /// A Compose `build:` section: how the image is built.
    pub build: Option<BuildSpec>,
    /// Compose `pull_policy` (`always`, `missing`, `never`, `build`, `daily`, ...).
    pub pull_policy: Option<Val<String>>,
    /// What is known of the image's own configuration (its final USER and HEALTHCHECK),
    /// from the service's Dockerfile or the real image. `None`: unknown.
    pub image_config: Option<ImageConfig>,

    pub privileged: Option<Val<bool>>,
    pub cap_add: Vec<Val<String>>,
    pub cap_drop: Vec<Val<String>>,
    pub read_only: Option<Val<bool>>,
    /// `security_opt` / `--security-opt` / `HostConfig.SecurityOpt` entries, raw
    /// (`no-new-privileges:true`, `seccomp=unconfined`, `apparmor:unconfined`,
    /// `label=disable`, ...). Use [`ContainerSpec::security_options`] to read them.
    pub security_opt: Vec<Val<String>>,
    /// `AppArmorProfile` of a live container (Compose and run lines use `security_opt`).
    pub apparmor_profile: Option<Val<String>>,
    /// The runtime's masking of `/proc` and `/sys` paths (`/proc/kcore`, `/proc/keys`,
    /// `/sys/firmware`, ...) is switched off: `--security-opt systempaths=unconfined`
    /// (Compose `security_opt`, run lines), an empty `HostConfig.MaskedPaths` on an
    /// unprivileged live container, or Kubernetes `procMount: Unmasked`.
    pub masked_paths_disabled: Option<Val<bool>>,

    pub resources: Resources,

    pub network_mode: Option<Val<String>>,
    pub pid: Option<Val<String>>,
    pub ipc: Option<Val<String>>,
    pub uts: Option<Val<String>>,
    pub userns_mode: Option<Val<String>>,
    pub cgroupns_mode: Option<Val<String>>,
    /// The cgroup the container's own cgroup is created under (Compose `cgroup_parent`,
    /// `--cgroup-parent`, `HostConfig.CgroupParent`); `None`: the daemon's.
    pub cgroup_parent: Option<Val<String>>,
    /// Networks the container is attached to (Compose `networks:`, `--network` when it
    /// names a network, `NetworkSettings.Networks`).
    pub networks: Vec<Val<String>>,

    pub mounts: Vec<Mount>,
    pub devices: Vec<Val<String>>,
    pub user: Option<Val<String>>,
    pub ports: Vec<PortMapping>,
    /// `-P` / `--publish-all` / `HostConfig.PublishAllPorts`.
    pub publish_all: Option<Val<bool>>,
    pub restart: Option<RestartPolicy>,
    pub healthcheck: Option<Healthcheck>,
    pub env: Vec<EnvVar>,
    /// `env_file` / `--env-file` paths as written.
    pub env_files: Vec<Val<String>>,
    /// Compose `secrets:` / `configs:` the service uses (names).
    pub secrets: Vec<Val<String>>,
    pub configs: Vec<Val<String>>,
    pub sysctls: Vec<(Val<String>, Val<String>)>,
    pub logging: Option<Logging>,
    pub init: Option<Val<bool>>,
    /// `docker run --rm`: the container is removed when it exits.
    pub auto_remove: Option<Val<bool>>,
    /// `docker run -d`: started in the background.
    pub detach: Option<Val<bool>>,
    pub entrypoint: Option<Val<Vec<String>>>,
    pub command: Option<Val<Vec<String>>>,
    /// Where a fix can add a key to this container's definition (Compose services
    /// only): rules build `Edit`s that insert `key: value` lines there.
    pub insert_point: Option<InsertPoint>,
    /// Where a fix can add flags to this container's `docker run` line (run lines only).
    pub flag_insert_point: Option<FlagInsertPoint>,
    /// Where a fix can add a key to this container's `securityContext` (Kubernetes
    /// workloads only).
    pub security_context_insert: Option<SecurityContextInsert>,
    /// `docker exec` instances of a live container (its `ExecIDs`: created and not yet
    /// exited), sorted by id. Empty for Compose services and `docker run` lines.
    pub execs: Vec<ExecSpec>,
}

/// One `docker exec` process of a live container, as `GET /exec/{id}/json` reports it.
/// Values are located at `container/<name>/Exec[<id>].ProcessConfig.<field>`.
#[derive(Debug, Clone)]
pub struct ExecSpec {
    /// The exec instance's id (short form, 12 characters).
    pub id: String,
    /// The command and its arguments.
    pub command: Vec<String>,
    /// `ProcessConfig.privileged` (`docker exec --privileged`).
    pub privileged: Val<bool>,
    /// `ProcessConfig.user` (`docker exec --user`); `None` when empty: the container's user.
    pub user: Option<Val<String>>,
}

/// A place in a `docker run` line where flags can be inserted: just after `run` /
/// `create`. A fix inserts ` --flag value` there.
#[derive(Debug, Clone)]
pub struct FlagInsertPoint {
    pub file: std::sync::Arc<dockward_source::SourceFile>,
    pub offset: dockward_source::TextSize,
}

/// Where a fix adds a key to a Kubernetes container's `securityContext`.
#[derive(Debug, Clone)]
pub struct SecurityContextInsert {
    /// After the last line of the container's block `securityContext` mapping, at its
    /// keys' indentation (its `keys` are the mapping's); or, when `create`, after the
    /// container's last line at the container's keys' indentation (its `keys` are the
    /// container's, without `securityContext`).
    pub point: InsertPoint,
    /// The container has no `securityContext` yet: the fix writes the key first.
    pub create: bool,
}

/// A place in a source file where a new key of a mapping can be inserted.
#[derive(Debug, Clone)]
pub struct InsertPoint {
    pub file: std::sync::Arc<dockward_source::SourceFile>,
    /// Byte offset of the start of the line the new key goes on (after the mapping's
    /// last line).
    pub offset: dockward_source::TextSize,
    /// The indentation of the mapping's keys.
    pub indent: String,
    /// The keys the mapping already has in this file (even with an empty value, such as
    /// `security_opt: []`): an insertion must not add one of them a second time.
    pub keys: Vec<String>,
}

impl ContainerSpec {
    /// An empty spec (every setting absent).
    pub fn new(source: SpecSource, name: impl Into<String>, origin: Location) -> Self {
        Self {
            source,
            name: name.into(),
            origin,
            profiles: Vec::new(),
            labels: Vec::new(),
            image: None,
            build: None,
            pull_policy: None,
            image_config: None,
            privileged: None,
            cap_add: Vec::new(),
            cap_drop: Vec::new(),
            read_only: None,
            security_opt: Vec::new(),
            apparmor_profile: None,
            masked_paths_disabled: None,
            resources: Resources::default(),
            network_mode: None,
            pid: None,
            ipc: None,
            uts: None,
            userns_mode: None,
            cgroupns_mode: None,
            cgroup_parent: None,
            networks: Vec::new(),
            mounts: Vec::new(),
            devices: Vec::new(),
            user: None,
            ports: Vec::new(),
            publish_all: None,
            restart: None,
            healthcheck: None,
            env: Vec::new(),
            env_files: Vec::new(),
            secrets: Vec::new(),
            configs: Vec::new(),
            sysctls: Vec::new(),
            logging: None,
            init: None,
            auto_remove: None,
            detach: None,
            entrypoint: None,
            command: None,
            insert_point: None,
            flag_insert_point: None,
            security_context_insert: None,
            execs: Vec::new(),
        }
    }

    /// The security options, split into key and value. Docker accepts both `key=value`
    /// and the older `key:value`; a bare `no-new-privileges` means true.
    pub fn security_options(&self) -> impl Iterator<Item = (&Val<String>, &str, &str)> {
        self.security_opt.iter().map(|v| {
            let s = v.value.as_str();
            let (k, val) = match s.find(['=', ':']) {
                Some(i) => (&s[..i], &s[i + 1..]),
                None => (s, ""),
            };
            (v, k, val)
        })
    }

    /// `systempaths=unconfined` among the security options, as a value located at that
    /// option: what Docker sources set [`ContainerSpec::masked_paths_disabled`] from.
    pub fn systempaths_unconfined(&self) -> Option<Val<bool>> {
        self.security_options()
            .filter(|(_, k, v)| k.eq_ignore_ascii_case("systempaths") && v.eq_ignore_ascii_case("unconfined"))
            .map(|(val, _, _)| Val { value: true, at: val.at.clone(), via: val.via.clone() })
            .last()
    }

    pub fn label(&self, key: &str) -> Option<&Val<String>> {
        self.labels.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// A Compose `build:` section.
#[derive(Debug, Clone)]
pub struct BuildSpec {
    pub context: Val<String>,
    pub dockerfile: Option<Val<String>>,
    /// The Dockerfile on disk this resolves to, when it exists.
    pub dockerfile_path: Option<std::path::PathBuf>,
    pub target: Option<Val<String>>,
    pub args: Vec<(String, Val<String>)>,
}

/// What is known of the image's configuration.
#[derive(Debug, Clone)]
pub struct ImageConfig {
    /// Where this knowledge came from: the Dockerfile's final stage or the image.
    pub from: Location,
    /// The image's USER (empty or absent means root). `None`: unknown (e.g. the final
    /// stage's base image is not known).
    pub user: Option<Option<Val<String>>>,
    /// Whether the image defines a HEALTHCHECK. `None`: unknown.
    pub has_healthcheck: Option<bool>,
}

/// Resource limits. Sizes are bytes, CPUs are a fraction of a CPU (1.5 = one and a half).
#[derive(Debug, Clone, Default)]
pub struct Resources {
    pub memory: Option<Val<i64>>,
    pub memory_reservation: Option<Val<i64>>,
    pub memory_swap: Option<Val<i64>>,
    pub cpus: Option<Val<f64>>,
    pub cpu_shares: Option<Val<i64>>,
    pub cpuset: Option<Val<String>>,
    pub pids_limit: Option<Val<i64>>,
    pub oom_kill_disable: Option<Val<bool>>,
    pub ulimits: Vec<Ulimit>,
}

#[derive(Debug, Clone)]
pub struct Ulimit {
    pub name: Val<String>,
    pub soft: Option<i64>,
    pub hard: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MountKind {
    Bind,
    Volume,
    Tmpfs,
    Npipe,
    Cluster,
    Image,
}

/// A mount: `volumes:` / `tmpfs:` / `-v` / `--mount` / `--tmpfs` / `Mounts`.
#[derive(Debug, Clone)]
pub struct Mount {
    pub kind: MountKind,
    /// Host path (bind), volume name (volume; `None` for anonymous), `None` for tmpfs.
    pub source: Option<Val<String>>,
    pub target: Val<String>,
    /// Read-only when `Some(true)`; writable otherwise.
    pub read_only: Option<Val<bool>>,
    /// Bind propagation (`shared`, `rshared`, `slave`, ...).
    pub propagation: Option<Val<String>>,
    /// The whole entry (list item, flag with its value, `Mounts[i]`).
    pub at: Location,
}

impl Mount {
    pub fn is_read_only(&self) -> bool {
        self.read_only.as_ref().is_some_and(|r| r.value)
    }
}

/// A published port: `ports:` / `-p` / `HostConfig.PortBindings`.
#[derive(Debug, Clone)]
pub struct PortMapping {
    /// Host address; `None` means all interfaces.
    pub host_ip: Option<Val<String>>,
    /// Host port or range (`8080`, `8000-8010`); `None` means an ephemeral port.
    pub host_port: Option<Val<String>>,
    pub container_port: Val<String>,
    /// `tcp` unless written otherwise.
    pub protocol: String,
    /// The whole entry.
    pub at: Location,
}

#[derive(Debug, Clone)]
pub struct RestartPolicy {
    /// `no`, `always`, `unless-stopped`, `on-failure` (Compose `deploy.restart_policy`
    /// `condition: any` is normalised to `always`).
    pub policy: Val<String>,
    pub max_retries: Option<Val<i64>>,
}

#[derive(Debug, Clone)]
pub struct Healthcheck {
    /// `disable: true`, `test: ["NONE"]`, `--no-healthcheck`.
    pub disabled: Option<Val<bool>>,
    pub test: Option<Val<Vec<String>>>,
    pub at: Location,
}

impl Healthcheck {
    pub fn is_disabled(&self) -> bool {
        self.disabled.as_ref().is_some_and(|d| d.value)
            || self.test.as_ref().is_some_and(|t| t.value.first().is_some_and(|w| w.eq_ignore_ascii_case("NONE")))
    }
}

/// An environment variable.
#[derive(Debug, Clone)]
pub struct EnvVar {
    pub name: Val<String>,
    /// `None` when only the name is given (`- FOO`: taken from the caller's environment).
    pub value: Option<Val<String>>,
    /// Set when the variable came from an env file rather than the spec itself.
    pub from_file: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone)]
pub struct Logging {
    pub driver: Option<Val<String>>,
    pub options: Vec<(Val<String>, Val<String>)>,
}

/// The daemon's effective defaults, when known (a live daemon, or a daemon.json that
/// was checked in the same run). Rules that rely on a default say which one.
#[derive(Debug, Clone, Default)]
pub struct EngineDefaults {
    /// daemon-wide `no-new-privileges`.
    pub no_new_privileges: Option<bool>,
    /// The default seccomp profile is in force (not `unconfined`).
    pub seccomp_default: Option<bool>,
    /// `userns-remap` is on.
    pub userns_remap: Option<bool>,
    /// The daemon runs rootless.
    pub rootless: Option<bool>,
    pub cgroup_v2: Option<bool>,
    /// `default-ulimits` / daemon `default-pids-limit`-like settings could go here.
    pub icc: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc() -> Location {
        Location::Logical { scope: "container/t".into(), path: "HostConfig".into() }
    }

    #[test]
    fn security_options_split_on_either_separator() {
        let mut spec = ContainerSpec::new(SpecSource::LiveContainer, "t", loc());
        for s in ["no-new-privileges:true", "seccomp=unconfined", "no-new-privileges"] {
            spec.security_opt.push(Val::new(s.to_string(), loc()));
        }
        let got: Vec<_> = spec.security_options().map(|(_, k, v)| (k, v)).collect();
        assert_eq!(got, [("no-new-privileges", "true"), ("seccomp", "unconfined"), ("no-new-privileges", "")]);
    }

    #[test]
    fn healthcheck_none_test_is_disabled() {
        let h = Healthcheck { disabled: None, test: Some(Val::new(vec!["NONE".into()], loc())), at: loc() };
        assert!(h.is_disabled());
        let h =
            Healthcheck { disabled: None, test: Some(Val::new(vec!["CMD".into(), "true".into()], loc())), at: loc() };
        assert!(!h.is_disabled());
    }
}
