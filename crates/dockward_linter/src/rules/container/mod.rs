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
    pub fn report(&mut self, rule: &'static RuleMeta, at: &Location, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::new(rule, at.clone(), message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// Reports at a value's location, with the definitions it came through (anchor,
    /// `${VAR}`, extends parent) as related locations.
    pub fn report_value<T>(
        &mut self,
        rule: &'static RuleMeta,
        val: &Val<T>,
        message: impl Into<String>,
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
    }
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
