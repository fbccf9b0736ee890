use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags a container whose runtime no longer masks the sensitive paths of `/proc`
    /// and `/sys`: Docker's `--security-opt systempaths=unconfined` (Compose
    /// `security_opt`, `docker run` lines, a live container's `SecurityOpt`, or an empty
    /// `HostConfig.MaskedPaths` on an unprivileged live container), and Kubernetes'
    /// `securityContext.procMount: Unmasked`. A privileged container is unmasked too,
    /// but CT001 reports it.
    ///
    /// ## Why is this bad?
    /// The runtime hides `/proc/kcore`, `/proc/keys`, `/proc/timer_list`,
    /// `/proc/sched_debug`, `/sys/firmware` and others behind empty files, and makes
    /// `/proc/sys`, `/proc/sysrq-trigger` and `/proc/irq` read-only. Without the masks a
    /// process reads kernel memory layouts and keys that help an escape, and writes the
    /// kernel's tunables whenever it has the capability to.
    ///
    /// ## Example
    /// ```sh
    /// docker run --security-opt systempaths=unconfined app
    /// ```
    ///
    /// ```yaml
    /// securityContext:
    ///   procMount: Unmasked
    /// ```
    ///
    /// Use instead: drop the option (`procMount: Default` on Kubernetes). Nested
    /// container runtimes that need an unmasked `/proc` belong in a user namespace
    /// (`hostUsers: false`), where Kubernetes allows `Unmasked` safely.
    ///
    /// ## Fix
    /// Remove `systempaths=unconfined` or `procMount: Unmasked`.
    ///
    /// ## References
    /// - Pod Security Standards, baseline: "/proc Mount Type"
    /// - Docker: `docker run --security-opt systempaths=unconfined`; practices b, "Runtime Hardening"
    /// - Kubernetes peers: Trivy KSV-0027, kube-linter `unsafe-proc-mount`, Polaris `procMount`
    pub struct MaskedPathsDisabled;
    code = "CT034", name = "masked-paths-disabled", severity = Error,
    category = Security, target = Container, fix = None,
    summary = "The masks of sensitive /proc and /sys paths are disabled",
    aliases = ["KSV-0027", "unsafe-proc-mount", "procMount"],
    practices = ["b-runtime-hardening"],
}

impl ContainerRule for MaskedPathsDisabled {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        let Some(m) = spec.masked_paths_disabled.as_ref().filter(|m| m.value) else { return };
        if spec.privileged.as_ref().is_some_and(|p| p.value) {
            return;
        }
        let how = if spec.source.is_kubernetes() {
            "sets `procMount: Unmasked`"
        } else {
            "runs with `systempaths=unconfined`"
        };
        let msg = format!("{} {how}: /proc and /sys paths the runtime masks are exposed", describe(spec));
        cx.report_value(&Self::META, m, msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;
    use dockward_diagnostics::Location;
    use dockward_spec::{EngineDefaults, Val};

    #[test]
    fn run_lines() {
        assert_run_flags(
            &MaskedPathsDisabled,
            "docker run --security-opt systempaths=unconfined alpine",
            &["systempaths=unconfined"],
        );
        assert_run_clean(&MaskedPathsDisabled, "docker run --security-opt seccomp=unconfined alpine");
        assert_run_clean(&MaskedPathsDisabled, "docker run --privileged --security-opt systempaths=unconfined alpine");
    }

    #[test]
    fn compose() {
        assert_compose_flags(
            &MaskedPathsDisabled,
            "services:\n  web:\n    image: x:1\n    security_opt: [systempaths=unconfined]\n",
            &["systempaths=unconfined"],
        );
        assert_compose_clean(
            &MaskedPathsDisabled,
            "services:\n  web:\n    image: x:1\n    security_opt: [no-new-privileges:true]\n",
        );
    }

    #[test]
    fn live_containers_through_their_spec() {
        // The engine crate fills the field from `HostConfig.MaskedPaths`; here the
        // rule's reading of a live spec.
        let at = Location::Logical { scope: "container/web-1".into(), path: "HostConfig.MaskedPaths".into() };
        let mut spec = dockward_spec::ContainerSpec::new(dockward_spec::SpecSource::LiveContainer, "web-1", at.clone());
        spec.masked_paths_disabled = Some(Val::new(true, at));
        let d =
            lint_spec_with(&MaskedPathsDisabled, spec, &EngineDefaults::default(), &settings_for(&MaskedPathsDisabled));
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("container `web-1`"), "{}", d[0].message);
    }

    #[test]
    fn kubernetes_proc_mount() {
        let d = assert_k8s_flags(
            &MaskedPathsDisabled,
            &deployment("", "securityContext:\n  procMount: Unmasked"),
            &["procMount"],
        );
        assert!(d[0].message.contains("`procMount: Unmasked`"), "{}", d[0].message);
        assert_k8s_clean(&MaskedPathsDisabled, &deployment("", "securityContext:\n  procMount: Default"));
        assert_k8s_clean(&MaskedPathsDisabled, &deployment("", ""));
    }
}
