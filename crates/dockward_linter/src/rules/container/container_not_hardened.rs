use dockward_diagnostics::{Applicability, RuleMeta};
use dockward_spec::{ContainerSpec, SpecSource};

use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use crate::settings::Settings;

use super::{
    capabilities_not_dropped::CapabilitiesNotDropped, cpu_limit_missing::CpuLimitMissing,
    default_network::DefaultNetwork, memory_limit_missing::MemoryLimitMissing,
    no_new_privileges_missing::NoNewPrivilegesMissing, pids_limit_missing::PidsLimitMissing, runs_as_root::RunsAsRoot,
    writable_root_filesystem::WritableRootFilesystem,
};

declare_rule! {
    /// ## What it does
    /// Reports, as **one finding per Compose service or `docker run` line**, what the
    /// container lacks of the usual hardening baseline, each item named by its own
    /// rule:
    ///
    /// | missing | rule |
    /// |---|---|
    /// | runs as root | CT020 `runs-as-root` |
    /// | capabilities not dropped | CT003 `capabilities-not-dropped` |
    /// | writable root filesystem | CT004 `writable-root-filesystem` |
    /// | `no-new-privileges` not set | CT005 `no-new-privileges-missing` |
    /// | no memory limit | CT007 `memory-limit-missing` |
    /// | no CPU limit | CT008 `cpu-limit-missing` |
    /// | no pids limit | CT009 `pids-limit-missing` |
    /// | default network | CT019 `default-network` |
    ///
    /// The finding points at the service's key or the `docker run` words; a setting
    /// that is present but wrong (`mem_limit: 0`, `user: root`) is a related location
    /// with the member rule's message.
    ///
    /// **How it works with the member rules.** While this rule is enabled (the
    /// default), the member rules report through it on Compose services and `docker
    /// run` lines: eight findings per service become one. A member rule named
    /// explicitly, by code, name or alias (`--extend-select CT003`,
    /// `extend-select = ["capabilities-not-dropped"]`, not through a prefix, a category
    /// or `ALL`), leaves the group and reports on its own, with its fix. Ignoring a
    /// member (`--ignore CT008`, per-file-ignores) leaves it out of the group too.
    /// `--ignore CT035` brings back every member's own finding. Live containers and
    /// swarm services (`dockward audit`) always get the member rules' own findings,
    /// which the CIS scorecard reads control by control. An inline suppression
    /// silences the group with `ignore[CT035]`; one that names member rules
    /// (`# dockward: ignore[CT008, CT009]` above the service or the `docker run` line)
    /// takes them off its list, and the finding goes when none is left.
    ///
    /// **One-shot containers.** A `docker run --rm` line that is not detached (`-d`)
    /// is a utility run from a script (a build step, a migration, a linter): its
    /// finding is information, not a warning.
    ///
    /// ## Why is this bad?
    /// Each item widens what a compromised process can do to the host and to its
    /// neighbours: root and the default capabilities help it escape, a writable root
    /// filesystem lets it persist tools, missing limits let one container starve the
    /// host, and the default network exposes every other container on it. Reported
    /// one by one, these settings drown the few findings that matter in a first run
    /// over a repository; one finding per container lists the same facts.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     user: "101:101"
    ///     read_only: true
    ///     cap_drop: [ALL]
    ///     security_opt: ["no-new-privileges:true"]
    ///     mem_limit: 256m
    ///     cpus: 0.5
    ///     pids_limit: 200
    ///     networks: [front]
    /// networks:
    ///   front: {}
    /// ```
    ///
    /// ## Fix
    /// Add the settings listed. `--fix` applies the safe fixes of the members one at
    /// a time (the fix loop re-checks after each); to see each member with its own fix
    /// and message, select it by name (`--extend-select capabilities-not-dropped`).
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.1, 5.4, 5.10, 5.11, 5.12, 5.25, 5.28 and 5.30, through the member rules
    /// - Docker documentation, "Docker security" and "Runtime options with memory, CPUs, and GPUs"
    pub struct ContainerNotHardened;
    code = "CT035", name = "container-not-hardened", severity = Warning,
    category = Security, target = Container, fix = Sometimes,
    summary = "The container lacks some of the hardening baseline (one finding listing what is missing)",
    practices = ["b-drop-capabilities", "b-read-only", "b-no-new-privileges", "b-resource-limits", "b-non-root", "b-custom-networks"],
}

/// The member rules, in the order the message lists them, with the words it uses.
const MEMBERS: &[(&dyn ContainerRule, &str)] = &[
    (&RunsAsRoot, "runs as root"),
    (&CapabilitiesNotDropped, "capabilities not dropped"),
    (&WritableRootFilesystem, "writable root filesystem"),
    (&NoNewPrivilegesMissing, "no-new-privileges not set"),
    (&MemoryLimitMissing, "no memory limit"),
    (&CpuLimitMissing, "no CPU limit"),
    (&PidsLimitMissing, "no pids limit"),
    (&DefaultNetwork, "default network"),
];

/// True for the sources the group applies to: files (Compose, `docker run` lines and
/// any other file-based source), not the live engine.
fn groups_source(spec: &ContainerSpec) -> bool {
    !matches!(spec.source, SpecSource::LiveContainer | SpecSource::SwarmService)
}

/// True if `rule`'s findings on `spec` go through this rule instead of being reported
/// on their own (see the rule's documentation).
pub(crate) fn reports_through_group(rule: &RuleMeta, spec: &ContainerSpec, settings: &Settings) -> bool {
    settings.is_enabled(&ContainerNotHardened::META)
        && groups_source(spec)
        && MEMBERS.iter().any(|(m, _)| m.meta().code == rule.code)
        && !settings.is_explicitly_selected(rule)
}

/// Applies inline suppressions of member rules to a CT035 finding `d`: `suppressed`
/// says (and marks used) whether a suppression at the finding's place names a code.
/// The members it names leave the finding (its message, related locations and help
/// are rewritten; its fix is dropped, since it may be a suppressed member's). Returns
/// false when no member is left, so the finding goes.
/// The member rules a CT035 finding lists (`(CT003, CT020)` at the end of its message);
/// empty for any other finding. Compliance scorecards count a CT035 finding against the
/// controls of each member it names.
pub fn members_of(d: &dockward_diagnostics::Diagnostic) -> Vec<&'static str> {
    if d.rule.code != ContainerNotHardened::META.code {
        return Vec::new();
    }
    let listed = |code: &str| d.message.contains(&format!("{code}, ")) || d.message.contains(&format!("{code})"));
    MEMBERS.iter().map(|(r, _)| r.meta().code).filter(|c| listed(c)).collect()
}

pub(crate) fn drop_suppressed_members(
    d: &mut dockward_diagnostics::Diagnostic,
    mut suppressed: impl FnMut(&str) -> bool,
) -> bool {
    if d.rule.code != ContainerNotHardened::META.code {
        return true;
    }
    // Every member is asked, so each matching suppression is marked used.
    let gone: Vec<&'static str> = MEMBERS.iter().map(|(r, _)| r.meta().code).filter(|code| suppressed(code)).collect();
    let listed = |code: &str| d.message.contains(&format!("{code}, ")) || d.message.contains(&format!("{code})"));
    let gone: Vec<&'static str> = gone.into_iter().filter(|c| listed(c)).collect();
    if gone.is_empty() {
        return true;
    }
    let Some((head, _)) = d.message.split_once(" is not hardened: ") else { return true };
    let left: Vec<(&'static str, &str)> = MEMBERS
        .iter()
        .map(|(r, words)| (r.meta().code, *words))
        .filter(|(code, _)| listed(code) && !gone.contains(code))
        .collect();
    if left.is_empty() {
        return false;
    }
    let codes: Vec<&str> = left.iter().map(|(c, _)| *c).collect();
    let words: Vec<&str> = left.iter().map(|(_, w)| *w).collect();
    d.message = format!("{head} is not hardened: {} ({})", words.join(", "), codes.join(", ")).into();
    d.related.retain(|r| !gone.iter().any(|c| r.message.starts_with(&format!("{c}: "))));
    d.help = Some(
        format!("select a rule by name to see it on its own, with its fix: `--extend-select {}`", codes.join(","))
            .into(),
    );
    d.fix = None;
    true
}

/// A one-shot utility run: `docker run --rm` without `-d`.
fn is_one_shot(spec: &ContainerSpec) -> bool {
    spec.auto_remove.as_ref().is_some_and(|v| v.value) && !spec.detach.as_ref().is_some_and(|v| v.value)
}

impl ContainerRule for ContainerNotHardened {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        if !groups_source(spec) {
            return;
        }
        let settings = cx.settings;
        let mut scratch = ContainerContext::new(settings, cx.defaults);
        let mut missing: Vec<&str> = Vec::new();
        for (rule, words) in MEMBERS {
            let meta = rule.meta();
            if !reports_through_group(meta, spec, settings) || !settings.is_enabled(meta) {
                continue;
            }
            let before = scratch.diagnostics.len();
            rule.check(spec, &mut scratch);
            // A member ignored for this file (per-file-ignores) is left out.
            let mut kept = scratch.diagnostics.split_off(before);
            kept.retain(|d| !settings.ignored_for_path(d.rule, d.location.name()));
            if !kept.is_empty() {
                missing.push(words);
            }
            scratch.diagnostics.extend(kept);
        }
        let found = scratch.into_diagnostics();
        if found.is_empty() {
            return;
        }
        let codes: Vec<&str> = {
            let mut c: Vec<&str> = Vec::new();
            for d in &found {
                if !c.contains(&d.rule.code) {
                    c.push(d.rule.code);
                }
            }
            c
        };
        let one_shot = is_one_shot(spec);
        let msg = format!(
            "{}{} is not hardened: {} ({})",
            if one_shot { "one-shot " } else { "" },
            describe(spec),
            missing.join(", "),
            codes.join(", ")
        );
        // One fix at a time: the first safe one, else the first. The fix loop checks
        // again after applying it, and the next member's fix comes with the next pass.
        let fix = found
            .iter()
            .filter_map(|d| d.fix.clone())
            .find(|f| f.applicability == Applicability::Safe)
            .or_else(|| found.iter().find_map(|d| d.fix.clone()));
        let d = cx.report(&Self::META, &spec.origin, msg);
        for f in &found {
            let same = f.location.name() == spec.origin.name() && f.location.range() == spec.origin.range();
            if !same {
                d.related.push(dockward_diagnostics::Related {
                    location: f.location.clone(),
                    message: format!("{}: {}", f.rule.code, f.message),
                });
            }
        }
        d.help = Some(
            format!("select a rule by name to see it on its own, with its fix: `--extend-select {}`", codes.join(","))
                .into(),
        );
        if let Some(fix) = fix {
            d.fix = Some(fix);
        }
        if one_shot {
            d.lower_severity();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::lint_container_specs;
    use crate::rules::container::testing::*;
    use crate::settings::SettingsBuilder;
    use dockward_spec::EngineDefaults;

    fn lint(text: &str, builder: SettingsBuilder) -> Vec<dockward_diagnostics::Diagnostic> {
        lint_container_specs(&[spec_from_run(text)], &EngineDefaults::default(), &builder.build())
    }

    fn codes(diags: &[dockward_diagnostics::Diagnostic]) -> Vec<&'static str> {
        diags.iter().map(|d| d.rule.code).collect()
    }

    const BARE: &str = "docker run nginx:1.27\n";
    const HARDENED: &str = "docker run -u 101 --read-only --cap-drop ALL --security-opt no-new-privileges \
                            -m 256m --cpus 1 --pids-limit 100 --network front nginx:1.27\n";

    #[test]
    fn one_finding_lists_every_missing_setting() {
        let d = lint(BARE, SettingsBuilder::default());
        assert_eq!(codes(&d), ["CT035"], "{d:#?}");
        assert_eq!(
            d[0].message,
            "`docker run` of `nginx:1.27` is not hardened: runs as root, capabilities not dropped, writable root \
             filesystem, no-new-privileges not set, no memory limit, no CPU limit, no pids limit, default network \
             (CT020, CT003, CT004, CT005, CT007, CT008, CT009, CT019)"
        );
        assert_eq!(d[0].severity, dockward_diagnostics::Severity::Warning);
        assert_eq!(spans(BARE, &d), ["docker run nginx:1.27"]);
        // A safe member fix comes along (CT003's `--cap-drop ALL`).
        assert_eq!(d[0].fix.as_ref().map(|f| f.applicability), Some(Applicability::Safe));
    }

    #[test]
    fn a_hardened_line_is_clean() {
        assert!(lint(HARDENED, SettingsBuilder::default()).is_empty());
        let partly = "docker run -u 101 --read-only --cap-drop ALL --security-opt no-new-privileges -m 256m \
                      --network front nginx:1.27\n";
        let d = lint(partly, SettingsBuilder::default());
        assert_eq!(codes(&d), ["CT035"]);
        assert!(
            d[0].message.ends_with("is not hardened: no CPU limit, no pids limit (CT008, CT009)"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn a_wrong_value_is_a_related_location() {
        let text = "docker run -u 0 -m 0 --read-only --cap-drop ALL --security-opt no-new-privileges --cpus 1 \
                    --pids-limit 9 --network n app:1\n";
        let d = lint(text, SettingsBuilder::default());
        assert_eq!(codes(&d), ["CT035"]);
        let related: Vec<&str> = d[0].related.iter().map(|r| &text[r.location.range().unwrap()]).collect();
        assert_eq!(related, ["0", "0"]);
        assert!(d[0].related[1].message.starts_with("CT007: "), "{:?}", d[0].related);
    }

    #[test]
    fn members_named_explicitly_leave_the_group() {
        let sel = |s: &[&str]| SettingsBuilder {
            extend_select: s.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        let d = lint(BARE, sel(&["capabilities-not-dropped", "CT008"]));
        assert_eq!(codes(&d), ["CT003", "CT008", "CT035"]);
        assert!(!d[2].message.contains("CT003") && !d[2].message.contains("CT008"), "{}", d[2].message);
        // A prefix or a category is no explicit name.
        assert_eq!(codes(&lint(BARE, sel(&["CT", "security"]))), ["CT035"]);
        // Ignoring the group brings back every member; ignoring a member drops it.
        let d = lint(BARE, SettingsBuilder { ignore: vec!["CT035".into()], ..Default::default() });
        assert_eq!(codes(&d), ["CT003", "CT004", "CT005", "CT007", "CT008", "CT009", "CT019", "CT020"]);
        let d = lint(
            BARE,
            SettingsBuilder { ignore: vec!["CT008".into(), "default-network".into()], ..Default::default() },
        );
        assert!(!d[0].message.contains("CPU") && !d[0].message.contains("network"), "{}", d[0].message);
        // Selecting only members: no group.
        let d = lint(BARE, SettingsBuilder { select: Some(vec!["CT003".into()]), ..Default::default() });
        assert_eq!(codes(&d), ["CT003"]);
    }

    #[test]
    fn one_shot_runs_are_information() {
        let d = lint("docker run --rm alpine:3 make test\n", SettingsBuilder::default());
        assert_eq!(codes(&d), ["CT035"]);
        assert_eq!(d[0].severity, dockward_diagnostics::Severity::Info);
        assert!(d[0].message.starts_with("one-shot `docker run`"), "{}", d[0].message);
        // Detached with --rm: a service, a warning.
        let d = lint("docker run --rm -d alpine:3\n", SettingsBuilder::default());
        assert_eq!(d[0].severity, dockward_diagnostics::Severity::Warning);
    }

    #[test]
    fn compose_services_get_one_finding_each() {
        let text = "services:\n  web:\n    image: x:1\n  db:\n    image: y:1\n    user: \"999\"\n";
        let case = ComposeCase::new(text);
        let reports = crate::check_compose::check_compose_project(
            &case.files(),
            &case.options(),
            &Settings::default(),
            crate::check::FixMode::Off,
        );
        let got: Vec<(&str, String)> = reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| d.rule.code.starts_with("CT0"))
            .map(|d| (d.rule.code, text[d.location.range().unwrap()].to_string()))
            .collect();
        assert_eq!(got, [("CT035", "web".to_string()), ("CT035", "db".to_string())]);
    }

    #[test]
    fn member_suppressions_take_members_off_the_list() {
        let run = |text: &str| {
            let case = ComposeCase::new(text);
            crate::check_compose::check_compose_project(
                &case.files(),
                &case.options(),
                &Settings::default(),
                crate::check::FixMode::Off,
            )
            .into_iter()
            .flat_map(|r| r.diagnostics)
            .collect::<Vec<_>>()
        };
        let some = "services:\n  # dockward: ignore[CT008, pids-limit-missing] a batch job\n  web:\n    image: x:1\n";
        let d = run(some);
        assert_eq!(codes(&d), ["CT035"], "used, so no unused-suppression finding: {d:#?}");
        assert!(
            d[0].message.ends_with("no memory limit, default network (CT020, CT003, CT004, CT005, CT007, CT019)"),
            "{}",
            d[0].message
        );
        assert!(d[0].fix.is_none());
        let all = "services:\n  # dockward: ignore[CT020, CT003, CT004, CT005, CT007, CT008, CT009, CT019]\n  web:\n    image: x:1\n";
        assert!(run(all).is_empty(), "{:#?}", run(all));
        // On a docker run line, the same.
        let d = lint_file("# dockward: ignore[CT019]\ndocker run nginx:1.27\n");
        assert_eq!(codes(&d), ["CT035"]);
        assert!(!d[0].message.contains("CT019"), "{}", d[0].message);
    }

    fn lint_file(text: &str) -> Vec<dockward_diagnostics::Diagnostic> {
        crate::run_lines::check_run_lines_bytes(
            "run.sh",
            None,
            text.as_bytes(),
            crate::run_lines::RunLineFile::ShellScript,
            &Settings::default(),
            crate::check::FixMode::Off,
        )
        .diagnostics
    }
}
