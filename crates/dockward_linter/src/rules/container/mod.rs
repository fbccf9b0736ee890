//! Container runtime rules (CT family), one per file. They read only a
//! `ContainerSpec`, so each runs unchanged over Compose services, `docker run` lines
//! and live containers.

use dockward_diagnostics::{Diagnostic, Edit, Location, RuleMeta};
use dockward_spec::{ContainerSpec, EngineDefaults, SpecSource, Val};

use crate::settings::Settings;

pub mod capabilities_not_dropped;
pub mod container_not_hardened;
pub mod cpu_limit_missing;
pub mod custom_cgroup_parent;
pub mod dangerous_capability_added;
pub mod default_network;
pub mod docker_socket_mounted;
pub mod exec_as_root;
pub mod exec_privileged;
pub mod healthcheck_disabled;
pub mod host_device_passed_through;
pub mod host_namespace_shared;
pub mod image_not_pinned_by_digest;
pub mod image_tag_latest;
pub mod kernel_weakening_sysctl;
pub mod masked_paths_disabled;
pub mod memory_limit_missing;
pub mod no_new_privileges_missing;
pub mod oom_kill_disabled_without_memory_limit;
pub mod pids_limit_missing;
pub mod port_published_on_all_interfaces;
pub mod privileged_container;
pub mod privileged_host_port;
pub mod runs_as_root;
pub mod secret_in_environment;
pub mod security_profile_disabled;
pub mod sensitive_host_path_mounted;
pub mod shared_mount_propagation;
pub mod shell_as_pid1_without_init;
pub mod unbounded_restart_policy;
pub mod unlimited_ulimit;
pub mod untrusted_image_registry;
pub mod world_readable_env_file;
pub mod writable_host_bind;
pub mod writable_root_filesystem;

#[cfg(test)]
pub(crate) mod testing;

/// A rule over one container's runtime settings.
pub trait ContainerRule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>);
}

/// What a container rule sees besides the spec, and where it reports.
pub struct ContainerContext<'a> {
    pub settings: &'a Settings,
    /// The daemon's effective defaults when known (live audit, or a daemon.json checked
    /// in the same run); every field `None` for a lone Compose file.
    pub defaults: &'a EngineDefaults,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> ContainerContext<'a> {
    pub fn new(settings: &'a Settings, defaults: &'a EngineDefaults) -> Self {
        Self { settings, defaults, diagnostics: Vec::new() }
    }

    /// Reports a finding of `rule` at `at`; returns it for help, related locations,
    /// fixes or redactions.
    pub fn report(
        &mut self,
        rule: &'static RuleMeta,
        at: &Location,
        message: impl Into<dockward_diagnostics::Text>,
    ) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::new(rule, at.clone(), message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// Reports at a value's location, with the definitions it came through (anchor,
    /// `${VAR}`, extends parent) as related locations.
    pub fn report_value<T>(
        &mut self,
        rule: &'static RuleMeta,
        val: &Val<T>,
        message: impl Into<dockward_diagnostics::Text>,
    ) -> &mut Diagnostic {
        let related: Vec<_> = val.related().collect();
        let d = self.report(rule, &val.at, message);
        for r in related {
            d.related.push(r);
        }
        d
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

/// An edit that adds a setting to the spec's definition: `compose_yaml` (lines without
/// indentation) as new keys of a Compose service, or `run_flags` after `docker run`.
/// `None` when the spec's source offers no place to insert.
pub(crate) fn add_setting_edit(spec: &ContainerSpec, compose_yaml: &str, run_flags: &str) -> Option<Edit> {
    if let Some(p) = &spec.insert_point {
        // A key the service already has (`security_opt: []`, `read_only:` with a
        // value dockward could not read) is never added a second time.
        let adds_existing_key = compose_yaml
            .lines()
            .filter(|l| !l.starts_with([' ', '-']))
            .filter_map(|l| l.split_once(':').map(|(k, _)| k.trim()))
            .any(|k| p.keys.iter().any(|existing| existing == k));
        if adds_existing_key {
            return None;
        }
        let mut content = String::new();
        for line in compose_yaml.lines() {
            content.push_str(&p.indent);
            content.push_str(line);
            content.push('\n');
        }
        // The service ends the file and the file has no final newline: start a line
        // instead of ending one, so several insertions there stay adjacent and the file
        // keeps its style.
        let text = p.file.text();
        if usize::from(p.offset) == text.len() && !text.is_empty() && !text.ends_with('\n') {
            content.pop();
            content.insert(0, '\n');
        }
        return Some(Edit::insert(p.offset, content));
    }
    spec.flag_insert_point.as_ref().map(|p| Edit::insert(p.offset, format!(" {run_flags}")))
}

/// An edit that adds `yaml` (lines without indentation, the first one a key) to a
/// Kubernetes container's `securityContext`, creating the `securityContext` key when
/// the container has none. `None` when the key is already there or the container's
/// text offers no place to insert (flow mappings, alias copies).
pub(crate) fn add_security_context_edit(spec: &ContainerSpec, yaml: &str) -> Option<Edit> {
    let insert = spec.security_context_insert.as_ref()?;
    let p = &insert.point;
    let key = yaml.split(':').next()?.trim();
    let mut content = String::new();
    if insert.create {
        if p.keys.iter().any(|k| k == "securityContext") {
            return None;
        }
        content.push_str(&p.indent);
        content.push_str("securityContext:\n");
    } else if p.keys.iter().any(|k| k == key) {
        return None;
    }
    let indent = if insert.create { format!("{}  ", p.indent) } else { p.indent.clone() };
    for line in yaml.lines() {
        content.push_str(&indent);
        content.push_str(line);
        content.push('\n');
    }
    // At the end of a file without a final newline: start the line instead.
    let text = p.file.text();
    if usize::from(p.offset) == text.len() && !text.is_empty() && !text.ends_with('\n') {
        content.pop();
        content.insert(0, '\n');
    }
    Some(Edit::insert(p.offset, content))
}

/// True when the service's image is the one its `build:` section builds: Compose tags
/// the build with `image:`, so that name is the build's output, not an image pulled
/// from a registry, and its tag, digest and registry are not judged. A `pull_policy`
/// that pulls the named image from the registry (`always`, `daily`, `weekly`,
/// `refresh`, `every_<duration>`) makes it a pulled image again.
pub(crate) fn image_is_built_locally(spec: &ContainerSpec) -> bool {
    let pulls = spec.pull_policy.as_ref().is_some_and(|p| {
        let p = p.value.to_ascii_lowercase();
        matches!(p.as_str(), "always" | "daily" | "weekly" | "refresh") || p.starts_with("every_")
    });
    spec.build.is_some() && !pulls
}

/// Where the container is defined, for messages: "service `web`", "`docker run nginx`".
pub(crate) fn describe(spec: &ContainerSpec) -> String {
    match spec.source {
        SpecSource::ComposeService => format!("service `{}`", spec.name),
        SpecSource::RunCommand => format!("`docker run` of `{}`", spec.name),
        SpecSource::LiveContainer => format!("container `{}`", spec.name),
        SpecSource::SwarmService => format!("swarm service `{}`", spec.name),
        SpecSource::KubernetesWorkload => format!("container `{}`", spec.name),
    }
}

/// True for specs where a Docker-only setting (pids limit, devices, ulimits, cgroup
/// parent, restart policy, `init`, the default bridge) does not exist per container:
/// Kubernetes workloads. The rules about those settings stay silent there.
pub(crate) fn docker_only_setting_not_applicable(spec: &ContainerSpec) -> bool {
    spec.source.is_kubernetes()
}

/// A host path with `//`, `.`, `..` and trailing slashes resolved, so
/// `//var/run/../run/docker.sock/` compares equal to `/var/run/docker.sock`. Relative
/// paths stay relative.
pub(crate) fn normalise_path(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod path_tests {
    use super::normalise_path;

    #[test]
    fn paths_normalise() {
        assert_eq!(normalise_path("//var/run/docker.sock/"), "/var/run/docker.sock");
        assert_eq!(normalise_path("/var/lib/../run/./docker.sock"), "/var/run/docker.sock");
        assert_eq!(normalise_path("/"), "/");
        assert_eq!(normalise_path("./data"), "data");
    }
}

#[cfg(test)]
mod compose_fix_tests {
    use dockward_diagnostics::{apply_fixes, Location};
    use dockward_source::{SourceFile, TextRange, TextSize};
    use dockward_spec::{ContainerSpec, EngineDefaults, InsertPoint, SpecSource};

    use crate::check::lint_container_specs;
    use crate::settings::SettingsBuilder;

    /// A hand-built spec for the `web` service of `text`, with the insert point the
    /// Compose loader sets: the line after the service's last line, at its key indent.
    fn web_service(text: &str) -> ContainerSpec {
        let file = SourceFile::new("compose.yaml", None, text);
        let key = text.find("web:").unwrap() as u32;
        let origin = Location::source(&file, TextRange::new(key.into(), (key + 3).into()));
        let mut spec = ContainerSpec::new(SpecSource::ComposeService, "web", origin);
        let offset = TextSize::from(text.find("  db:").unwrap() as u32);
        spec.insert_point = Some(InsertPoint { file, offset, indent: "    ".into(), keys: Vec::new() });
        spec
    }

    fn fixed(text: &str, codes: &[&str], unsafe_fixes: bool) -> String {
        let settings =
            SettingsBuilder { select: Some(codes.iter().map(|c| c.to_string()).collect()), ..Default::default() }
                .build();
        let diags = lint_container_specs(&[web_service(text)], &EngineDefaults::default(), &settings);
        let fixes = diags
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| unsafe_fixes || f.applicability == dockward_diagnostics::Applicability::Safe);
        apply_fixes(text, fixes).text
    }

    #[test]
    fn compose_fixes_add_keys_and_keep_comments() {
        let text = "services:\n  web:\n    image: nginx:1.27 # pinned\n    # keep me\n  db:\n    image: postgres:16\n";
        assert_eq!(
            fixed(text, &["CT003", "CT005"], false),
            "services:\n  web:\n    image: nginx:1.27 # pinned\n    # keep me\n    cap_drop:\n      - ALL\n    \
             security_opt:\n      - no-new-privileges:true\n  db:\n    image: postgres:16\n"
        );
        assert_eq!(fixed(text, &["CT004"], false), text, "read_only is an unsafe fix");
        assert_eq!(
            fixed(text, &["CT004"], true),
            "services:\n  web:\n    image: nginx:1.27 # pinned\n    # keep me\n    read_only: true\n  db:\n    image: postgres:16\n"
        );
    }
}

#[cfg(test)]
mod compose_insert_point_tests {
    use dockward_compose::{LoadOptions, ProjectFile};

    use crate::check::FixMode;
    use crate::check_compose::check_compose_project;
    use crate::settings::SettingsBuilder;

    fn file(name: &str, text: &str) -> ProjectFile {
        let mut f = ProjectFile::new(format!("/nonexistent-dockward-test/{name}"));
        f.display = name.into();
        f.bytes = Some(text.as_bytes().to_vec());
        f
    }

    /// The fixed texts of `files` after the safe fixes of CT003.
    fn fixed(files: &[ProjectFile]) -> Vec<String> {
        let settings = SettingsBuilder { select: Some(vec!["CT003".into()]), ..Default::default() }.build();
        let options = LoadOptions { environment: Some(Vec::new()), ..Default::default() };
        let reports = check_compose_project(files, &options, &settings, FixMode::Apply { unsafe_fixes: false });
        files
            .iter()
            .map(|f| {
                let r = reports.iter().find(|r| r.name == f.display).unwrap();
                r.fixed
                    .as_ref()
                    .map_or_else(|| String::from_utf8(f.bytes.clone().unwrap()).unwrap(), |x| x.text.clone())
            })
            .collect()
    }

    #[test]
    fn insertion_after_a_block_scalar_stays_in_the_service() {
        let yaml = "services:\n  web:\n    image: x:1\n    command: |\n      run\n\n  db:\n    image: y:1\n    cap_drop: [ALL]\n";
        assert_eq!(
            fixed(&[file("compose.yaml", yaml)]),
            ["services:\n  web:\n    image: x:1\n    command: |\n      run\n    cap_drop:\n      - ALL\n\n  db:\n    image: y:1\n    cap_drop: [ALL]\n"]
        );
    }

    #[test]
    fn a_service_spread_over_base_and_override_is_fixed_in_one_file() {
        let base = "services:\n  web:\n    image: x:1\n";
        let over = "services:\n  web:\n    ports: [\"127.0.0.1:80:80\"]\n";
        let out = fixed(&[file("compose.yaml", base), file("compose.override.yaml", over)]);
        for text in &out {
            assert!(!text.contains("ALL\n    ports") && !text.contains("1:80:80\"]cap"), "broken insertion: {text:?}");
            let parsed = dockward_yaml::parse(text, &dockward_yaml::Budget::default());
            assert!(parsed.is_ok(), "fixed text no longer parses: {text:?}");
        }
        assert_eq!(out.iter().filter(|t| t.contains("cap_drop")).count(), 1, "{out:?}");
    }
}

#[cfg(test)]
mod compose_merge_insert_tests {
    use crate::rules::container::capabilities_not_dropped::CapabilitiesNotDropped;
    use crate::rules::container::testing::*;

    #[test]
    fn a_service_starting_with_a_merge_key_keeps_its_own_indentation() {
        let yaml = "x-base: &base\n  restart: always\nservices:\n  web:\n    <<: *base\n    image: x:1\n  db:\n    image: y:1\n    cap_drop: [ALL]\n";
        let fixed = "x-base: &base\n  restart: always\nservices:\n  web:\n    <<: *base\n    image: x:1\n    cap_drop:\n      - ALL\n  db:\n    image: y:1\n    cap_drop: [ALL]\n";
        let d = assert_compose_flags(&CapabilitiesNotDropped, yaml, &["web"]);
        assert!(d[0].fix.is_some(), "the merge entry is the first key, written in the service");
        assert_compose_fix(&CapabilitiesNotDropped, yaml, false, fixed);
    }

    #[test]
    fn several_insertions_at_the_end_of_a_file_without_final_newline_stay_adjacent() {
        let case = ComposeCase::new("services:\n  web:\n    image: x:1\n    ports: [\"80:80\"]");
        let settings = crate::settings::SettingsBuilder {
            select: Some(vec!["CT003".into(), "CT004".into(), "CT005".into(), "CT017".into()]),
            ..Default::default()
        }
        .build();
        let reports = crate::check_compose::check_compose_project(
            &case.files(),
            &case.options(),
            &settings,
            crate::check::FixMode::Apply { unsafe_fixes: true },
        );
        assert_eq!(
            reports[0].fixed.as_ref().unwrap().text,
            "services:\n  web:\n    image: x:1\n    ports: [\"127.0.0.1:80:80\"]\n    cap_drop:\n      - ALL\n    read_only: true\n    security_opt:\n      - no-new-privileges:true"
        );
        assert!(reports[0].diagnostics.is_empty(), "{:#?}", reports[0].diagnostics);
    }

    #[test]
    fn a_service_that_is_an_alias_gets_no_insertion() {
        let yaml = "x-svc: &svc\n  image: x:1\nservices:\n  web: *svc\n  db:\n    image: y:1\n    cap_drop: [ALL]\n";
        let d = assert_compose_flags(&CapabilitiesNotDropped, yaml, &["web"]);
        assert!(d[0].fix.is_none(), "an insertion after `*svc` would add a service: {:?}", d[0].fix);
    }
}

#[cfg(test)]
mod compose_unique_key_tests {
    use crate::check::{apply_fixes_keeping_keys_unique, FixMode};
    use crate::check_compose::{check_compose_project, yaml_duplicate_keys};
    use crate::rules::container::no_new_privileges_missing::NoNewPrivilegesMissing;
    use crate::rules::container::testing::*;
    use dockward_diagnostics::{Edit, Fix};

    #[test]
    fn duplicate_yaml_keys_are_counted_but_merged_ones_are_not() {
        assert_eq!(yaml_duplicate_keys("a: 1\nb: {c: 1, c: 2}\nd: [{e: 1, e: 2}]\n"), 2);
        assert_eq!(yaml_duplicate_keys("x: &x\n  k: 1\ny:\n  <<: *x\n  k: 2\n"), 0);
        assert_eq!(yaml_duplicate_keys("a: 1\na: 2\n"), 1);
        assert_eq!(yaml_duplicate_keys("a: [\n"), usize::MAX);
    }

    #[test]
    fn an_existing_empty_key_gets_no_second_one() {
        // `security_opt: []` holds no option, so CT005 reports the service, but its
        // fix must not add a second `security_opt` key.
        let case = ComposeCase::new("services:\n  web:\n    image: x:1\n    security_opt: []\n");
        let d = case.assert_flags(&NoNewPrivilegesMissing, &["web"]);
        assert!(d[0].fix.is_none(), "{:?}", d[0].fix);
        let reports = case.reports(&NoNewPrivilegesMissing, FixMode::Apply { unsafe_fixes: true });
        assert!(reports[0].fixed.is_none(), "{:?}", reports[0].fixed);
        // Without the key, the fix adds it.
        let case = ComposeCase::new("services:\n  web:\n    image: x:1\n");
        assert!(case.assert_flags(&NoNewPrivilegesMissing, &["web"])[0].fix.is_some());
    }

    #[test]
    fn two_fixes_adding_one_key_apply_once() {
        let text = "services:\n  web:\n    image: x:1\n";
        let at = (text.len() as u32).into();
        let a = Fix::safe("a", vec![Edit::insert(at, "    read_only: true\n")]);
        let b = Fix::safe("b", vec![Edit::insert(at, "    read_only: true\n")]);
        let b = Fix { message: "b".into(), ..b };
        let c = Fix::safe("c", vec![Edit::insert(at, "    init: true\n")]);
        let out = apply_fixes_keeping_keys_unique(text, vec![&a, &b, &c], &yaml_duplicate_keys);
        assert_eq!(out.text, "services:\n  web:\n    image: x:1\n    read_only: true\n    init: true\n");
        assert_eq!(yaml_duplicate_keys(&out.text), 0);
        // The Compose fix loop uses it: a whole project fixed with every rule keeps
        // its keys unique.
        let yaml =
            "services:\n  web:\n    image: x:1\n    security_opt: []\n    cap_drop: []\n    ports: [\"80:80\"]\n";
        let case = ComposeCase::new(yaml);
        let settings = crate::settings::SettingsBuilder::default().build();
        let reports =
            check_compose_project(&case.files(), &case.options(), &settings, FixMode::Apply { unsafe_fixes: true });
        let text = reports[0].fixed.as_ref().map_or(yaml, |f| f.text.as_str());
        assert!(text.contains("127.0.0.1:80:80") && text.contains("read_only: true"), "{text}");
        assert_eq!(yaml_duplicate_keys(text), 0, "{text}");
    }
}

#[cfg(test)]
mod kubernetes_not_applicable_tests {
    use dockward_spec::{EngineDefaults, Healthcheck, RestartPolicy, Ulimit, Val};

    use super::testing::*;
    use crate::check::lint_container_specs;
    use crate::settings::SettingsBuilder;

    /// Docker-only settings (pids limit, devices, ulimits, cgroup parent, restart
    /// policy, init, the default bridge, healthchecks) do not exist per container on
    /// Kubernetes: their rules say nothing, even on a spec that carries them.
    #[test]
    fn docker_only_rules_are_silent_on_kubernetes_specs() {
        let yaml = deployment("", "command: [sh, -c, 'exec app']");
        let mut spec = k8s_specs(&yaml).remove(0);
        let at = spec.origin.clone();
        spec.devices.push(Val::new("/dev/mem".into(), at.clone()));
        spec.resources.ulimits.push(Ulimit {
            name: Val::new("nofile".into(), at.clone()),
            soft: Some(-1),
            hard: Some(-1),
        });
        spec.cgroup_parent = Some(Val::new("/".into(), at.clone()));
        spec.restart = Some(RestartPolicy { policy: Val::new("always".into(), at.clone()), max_retries: None });
        spec.healthcheck = Some(Healthcheck { disabled: Some(Val::new(true, at.clone())), test: None, at });
        // Without the grouping of CT035, so that each member's own finding shows.
        let settings = SettingsBuilder { ignore: vec!["CT035".into()], ..Default::default() }.build();
        let codes: Vec<_> = lint_container_specs(&[spec], &EngineDefaults::default(), &settings)
            .into_iter()
            .map(|d| d.rule.code)
            .collect();
        for na in ["CT009", "CT016", "CT019", "CT026", "CT027", "CT028", "CT030", "CT031"] {
            assert!(!codes.contains(&na), "{na} reported on a Kubernetes spec: {codes:?}");
        }
        // The rules that apply still run.
        for code in ["CT003", "CT005", "CT006", "CT007", "CT020"] {
            assert!(codes.contains(&code), "{code} missing: {codes:?}");
        }
    }
}

#[cfg(test)]
mod kubernetes_fix_tests {
    use super::no_new_privileges_missing::NoNewPrivilegesMissing;
    use super::security_profile_disabled::SecurityProfileDisabled;
    use super::testing::*;
    use super::writable_root_filesystem::WritableRootFilesystem;
    use crate::check::apply_fixes_keeping_keys_unique;
    use crate::check_compose::yaml_duplicate_keys;
    use crate::settings::SettingsBuilder;

    #[test]
    fn fixes_add_keys_to_an_existing_security_context() {
        let yaml = deployment("", "securityContext:\n  runAsNonRoot: true\nports: [{containerPort: 80}]");
        let fixed = deployment(
            "",
            "securityContext:\n  runAsNonRoot: true\n  allowPrivilegeEscalation: false\nports: [{containerPort: 80}]",
        );
        assert_k8s_fix(&NoNewPrivilegesMissing, &yaml, false, &fixed);
        let fixed = deployment(
            "",
            "securityContext:\n  runAsNonRoot: true\n  seccompProfile:\n    type: RuntimeDefault\nports: [{containerPort: 80}]",
        );
        assert_k8s_fix(&SecurityProfileDisabled, &yaml, false, &fixed);
        // readOnlyRootFilesystem is unsafe: only applied when asked.
        let d = lint_k8s(&WritableRootFilesystem, &yaml);
        assert_eq!(d[0].fix.as_ref().map(|f| f.applicability), Some(dockward_diagnostics::Applicability::Unsafe));
        let fixed = deployment(
            "",
            "securityContext:\n  runAsNonRoot: true\n  readOnlyRootFilesystem: true\nports: [{containerPort: 80}]",
        );
        assert_k8s_fix(&WritableRootFilesystem, &yaml, true, &fixed);
    }

    #[test]
    fn fixes_create_the_security_context_and_end_of_file_without_newline() {
        let yaml = deployment("", "");
        let fixed = deployment("", "securityContext:\n  allowPrivilegeEscalation: false");
        assert_k8s_fix(&NoNewPrivilegesMissing, &yaml, false, &fixed);
        let trimmed = yaml.trim_end();
        let out = deployment("", "securityContext:\n  allowPrivilegeEscalation: false");
        assert_k8s_fix(&NoNewPrivilegesMissing, trimmed, false, out.trim_end());
    }

    #[test]
    fn capabilities_drop_all_is_added_only_without_a_capabilities_key() {
        use super::capabilities_not_dropped::CapabilitiesNotDropped;
        let yaml = deployment("", "securityContext:\n  runAsNonRoot: true");
        let fixed = deployment("", "securityContext:\n  runAsNonRoot: true\n  capabilities:\n    drop:\n      - ALL");
        assert_k8s_fix(&CapabilitiesNotDropped, &yaml, false, &fixed);
        let yaml = deployment("", "securityContext:\n  capabilities:\n    add: [NET_ADMIN]");
        assert!(lint_k8s(&CapabilitiesNotDropped, &yaml)[0].fix.is_none());
    }

    #[test]
    fn no_fix_where_the_text_cannot_take_a_key() {
        // A flow container, a flow securityContext.
        let flow = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x}]\n";
        assert!(lint_k8s(&NoNewPrivilegesMissing, flow)[0].fix.is_none());
        let yaml = deployment("", "securityContext: {runAsNonRoot: true}");
        assert!(lint_k8s(&NoNewPrivilegesMissing, &yaml)[0].fix.is_none());
    }

    #[test]
    fn several_fixes_on_one_container_keep_keys_unique_through_the_fix_loop() {
        let settings = SettingsBuilder {
            select: Some(vec!["CT004".into(), "CT005".into(), "CT006".into()]),
            ..Default::default()
        }
        .build();
        let mut text = deployment("", "");
        // The fix loop: lint, apply what keeps keys unique, until nothing changes.
        for _ in 0..5 {
            let file = dockward_source::SourceFile::new("manifest.yaml", None, text.as_str());
            let read = dockward_k8s::objects_in(&file, &dockward_yaml::Budget::default());
            let specs: Vec<_> = read.objects.iter().flat_map(|o| dockward_k8s::container_specs(o).0).collect();
            let diags =
                crate::check::lint_container_specs(&specs, &dockward_spec::EngineDefaults::default(), &settings);
            let out = apply_fixes_keeping_keys_unique(
                &text,
                diags.iter().filter_map(|d| d.fix.as_deref()).collect(),
                &yaml_duplicate_keys,
            );
            if out.text == text {
                break;
            }
            text = out.text;
        }
        assert_eq!(yaml_duplicate_keys(&text), 0, "{text}");
        for key in ["allowPrivilegeEscalation: false", "type: RuntimeDefault", "readOnlyRootFilesystem: true"] {
            assert!(text.contains(key), "{key} missing:\n{text}");
        }
        assert_eq!(text.matches("securityContext:").count(), 1, "{text}");
    }
}

/// The CT rules whose semantics are the same on Kubernetes, each over a manifest:
/// one failing and one passing case, and the exact text each finding points at.
#[cfg(test)]
mod kubernetes_semantics_tests {
    use super::capabilities_not_dropped::CapabilitiesNotDropped;
    use super::dangerous_capability_added::DangerousCapabilityAdded;
    use super::host_namespace_shared::HostNamespaceShared;
    use super::image_tag_latest::ImageTagLatest;
    use super::kernel_weakening_sysctl::KernelWeakeningSysctl;
    use super::privileged_host_port::PrivilegedHostPort;
    use super::secret_in_environment::SecretInEnvironment;
    use super::sensitive_host_path_mounted::SensitiveHostPathMounted;
    use super::shared_mount_propagation::SharedMountPropagation;
    use super::testing::*;
    use super::writable_host_bind::WritableHostBind;
    use super::writable_root_filesystem::WritableRootFilesystem;

    #[test]
    fn capabilities() {
        let caps = "securityContext:\n  capabilities:\n    add: [SYS_ADMIN, NET_BIND_SERVICE]\n    drop: [ALL]";
        assert_k8s_flags(&DangerousCapabilityAdded, &deployment("", caps), &["SYS_ADMIN"]);
        assert_k8s_clean(&CapabilitiesNotDropped, &deployment("", caps));
        let d = assert_k8s_flags(
            &CapabilitiesNotDropped,
            &deployment("", "securityContext:\n  capabilities: {drop: [NET_RAW]}"),
            &["app"],
        );
        assert!(d[0].message.contains("capabilities.drop: [ALL]"), "{}", d[0].message);
    }

    #[test]
    fn read_only_root_filesystem() {
        assert_k8s_clean(&WritableRootFilesystem, &deployment("", "securityContext: {readOnlyRootFilesystem: true}"));
        assert_k8s_flags(
            &WritableRootFilesystem,
            &deployment("", "securityContext: {readOnlyRootFilesystem: false}"),
            &["readOnlyRootFilesystem"],
        );
    }

    #[test]
    fn host_namespaces_are_pod_level_keys() {
        let pod = "hostNetwork: true\nhostPID: true\nhostIPC: false";
        assert_k8s_flags(&HostNamespaceShared, &deployment(pod, ""), &["hostNetwork", "hostPID"]);
        assert_k8s_clean(&HostNamespaceShared, &deployment("hostNetwork: false", ""));
    }

    #[test]
    fn host_path_mounts() {
        let pod = "volumes:\n- {name: etc, hostPath: {path: /etc}}\n- {name: logs, hostPath: {path: /var/log/app}}";
        let container = "volumeMounts:\n- {name: etc, mountPath: /host/etc}\n- {name: logs, mountPath: /logs, readOnly: true, mountPropagation: Bidirectional}";
        assert_k8s_flags(&SensitiveHostPathMounted, &deployment(pod, container), &["/etc"]);
        // At the volumeMount, where `readOnly: true` goes.
        assert_k8s_flags(&WritableHostBind, &deployment(pod, container), &["{name: etc, mountPath: /host/etc}"]);
        assert_k8s_flags(&SharedMountPropagation, &deployment(pod, container), &["mountPropagation"]);
        // A volume no container mounts is no mount of this container.
        assert_k8s_clean(&SensitiveHostPathMounted, &deployment(pod, ""));
        assert_k8s_clean(
            &SharedMountPropagation,
            &deployment(pod, "volumeMounts:\n- {name: logs, mountPath: /l, mountPropagation: HostToContainer}"),
        );
    }

    #[test]
    fn privileged_host_ports_only_with_host_port() {
        assert_k8s_flags(&PrivilegedHostPort, &deployment("", "ports:\n- {containerPort: 80, hostPort: 80}"), &["80"]);
        assert_k8s_clean(&PrivilegedHostPort, &deployment("", "ports:\n- {containerPort: 80}"));
    }

    #[test]
    fn literal_env_values_only() {
        let env = "env:\n- {name: DB_PASSWORD, value: s3cr3t-Pa55w0rd}\n- name: API_TOKEN\n  valueFrom: {secretKeyRef: {name: api, key: token}}";
        let d = lint_k8s(&SecretInEnvironment, &deployment("", env));
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(d[0].message.contains("DB_PASSWORD"), "{}", d[0].message);
        assert!(!d[0].message.contains("s3cr3t"), "the value is masked: {}", d[0].message);
    }

    #[test]
    fn image_without_tag_is_latest() {
        let yaml = deployment("", "").replace("image: nginx:1.27", "image: nginx");
        assert_k8s_flags(&ImageTagLatest, &yaml, &["nginx"]);
        assert_k8s_clean(&ImageTagLatest, &deployment("", ""));
    }

    #[test]
    fn pod_sysctls() {
        let pod = "securityContext:\n  sysctls:\n  - {name: kernel.core_pattern, value: \"|/tmp/x\"}";
        let d = lint_k8s(&KernelWeakeningSysctl, &deployment(pod, ""));
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_k8s_clean(
            &KernelWeakeningSysctl,
            &deployment(
                "securityContext:\n  sysctls: [{name: net.ipv4.ip_local_port_range, value: \"1024 65535\"}]",
                "",
            ),
        );
    }
}
