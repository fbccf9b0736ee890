use crate::declare_rule;
use dockward_diagnostics::Fix;

use crate::rules::container::{add_security_context_edit, describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags `security_opt` entries that switch off the kernel's confinement:
    /// `seccomp=unconfined`, `apparmor=unconfined`, `label=disable` (SELinux), in
    /// either the `key=value` or the older `key:value` spelling, and a live
    /// container whose AppArmor profile is `unconfined`.
    ///
    /// On Kubernetes: `seccompProfile.type: Unconfined`, `appArmorProfile.type:
    /// Unconfined` (or the `container.apparmor.security.beta.kubernetes.io/<name>:
    /// unconfined` annotation), and SELinux type `spc_t`, at the container or the pod
    /// level. Kubernetes differs from Docker where nothing is set: a pod without a
    /// seccomp profile runs **Unconfined** unless the kubelet runs with
    /// `seccompDefault: true`. Such a container is reported one level lower
    /// (warning), and the message says why.
    ///
    /// ## Why is this bad?
    /// The default seccomp profile blocks about 50 dangerous system calls, AppArmor
    /// and SELinux restrict what files and mounts a container can touch. Switching
    /// them off removes the layers that stop many kernel exploits and escapes.
    ///
    /// ## Example
    /// ```sh
    /// docker run --security-opt seccomp=unconfined app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --security-opt seccomp=/etc/docker/seccomp/app.json app
    /// ```
    ///
    /// ## Fix
    /// Remove the option, or give a custom profile that allows just the extra calls.
    /// For a Kubernetes container without a seccomp profile, a safe fix adds
    /// `seccompProfile: {type: RuntimeDefault}` to its `securityContext`.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.2, 5.3, 5.22; practices b, "Runtime Hardening"
    pub struct SecurityProfileDisabled;
    code = "CT006", name = "security-profile-disabled", severity = Error,
    category = Security, target = Container, fix = Sometimes,
    summary = "seccomp, AppArmor or SELinux confinement is disabled",
    aliases = ["404fde2c-bc4b-4371-9747-7054132ac953", "CKV_K8S_31", "CKV_K8S_32", "KSV-0002", "KSV-0025", "KSV-0104", "C-0055", "linuxHardening", "container-seccomp-profile"],
    cis = ["5.2", "5.3", "5.22"],
    practices = ["b-runtime-hardening"],
}

impl ContainerRule for SecurityProfileDisabled {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        for (val, key, value) in spec.security_options() {
            let (what, cis) = match (key.to_ascii_lowercase().as_str(), value.to_ascii_lowercase().as_str()) {
                ("seccomp", "unconfined") => ("seccomp", "5.22"),
                ("apparmor", "unconfined") => ("AppArmor", "5.2"),
                ("label", "disable") => ("SELinux labelling", "5.3"),
                _ => continue,
            };
            let msg = format!("{} disables {what} confinement", describe(spec));
            cx.report_value(&Self::META, val, msg).cis_controls(&[cis]);
        }
        if let Some(p) = spec.apparmor_profile.as_ref().filter(|p| p.value == "unconfined") {
            let msg = format!("{} runs without an AppArmor profile", describe(spec));
            cx.report_value(&Self::META, p, msg).cis_controls(&["5.2"]);
        }
        if spec.source.is_kubernetes() {
            unset_seccomp_on_kubernetes(spec, cx);
        }
    }
}

/// On Kubernetes an unset seccomp profile is Unconfined (unlike Docker's default
/// profile), unless the kubelet runs with `seccompDefault: true`
/// (`EngineDefaults::seccomp_default`), which makes it RuntimeDefault. A privileged
/// container is unconfined anyway, and CT001 says so.
fn unset_seccomp_on_kubernetes(spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
    let set = spec.security_options().any(|(_, k, _)| k.eq_ignore_ascii_case("seccomp"));
    if set || spec.privileged.as_ref().is_some_and(|p| p.value) || cx.defaults.seccomp_default == Some(true) {
        return;
    }
    let msg = format!(
        "{} sets no `seccompProfile`: on Kubernetes that is Unconfined unless the kubelet runs with `seccompDefault: true`",
        describe(spec)
    );
    // Weaker than an explicit `Unconfined`: the node may set the default.
    let edit = add_security_context_edit(spec, "seccompProfile:\n  type: RuntimeDefault");
    let d = cx
        .report(&SecurityProfileDisabled::META, &spec.origin, msg)
        .cis_controls(&["5.22"])
        .help("set `securityContext.seccompProfile.type: RuntimeDefault` on the pod or the container")
        .lower_severity();
    if let Some(edit) = edit {
        d.fix(Fix::safe("Use the runtime's default seccomp profile", vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_each_profile_in_both_spellings() {
        assert_run_flags(
            &SecurityProfileDisabled,
            "docker run --security-opt seccomp=unconfined --security-opt apparmor:unconfined \
             --security-opt label=disable --security-opt label:disable x",
            &["seccomp=unconfined", "apparmor:unconfined", "label=disable", "label:disable"],
        );
    }

    #[test]
    fn passes_profiles_and_other_options() {
        assert_run_clean(
            &SecurityProfileDisabled,
            "docker run --security-opt seccomp=profile.json --security-opt label=type:svirt_t --security-opt no-new-privileges x",
        );
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_unconfined_profiles() {
        let yaml = "services:\n  web:\n    image: x:1\n    security_opt:\n      - seccomp:unconfined\n      - \"apparmor=unconfined\"\n      - label:disable\n      - no-new-privileges:true\n";
        assert_compose_flags(
            &SecurityProfileDisabled,
            yaml,
            &["seccomp:unconfined", "\"apparmor=unconfined\"", "label:disable"],
        );
        assert_compose_clean(
            &SecurityProfileDisabled,
            "services:\n  web:\n    image: x:1\n    security_opt: [seccomp=profile.json, apparmor:docker-default]\n",
        );
    }
}

#[cfg(test)]
mod kubernetes_tests {
    use super::*;
    use crate::rules::container::testing::*;
    use dockward_diagnostics::Severity;
    use dockward_spec::EngineDefaults;

    #[test]
    fn unset_seccomp_is_unconfined_unless_the_kubelet_defaults_it() {
        let yaml = deployment("", "");
        let d = assert_k8s_flags(&SecurityProfileDisabled, &yaml, &["app"]);
        assert!(
            d[0].message.contains("Unconfined unless the kubelet runs with `seccompDefault: true`"),
            "{}",
            d[0].message
        );
        assert_eq!(d[0].severity, Severity::Warning, "weaker than an explicit Unconfined");
        let kubelet = EngineDefaults { seccomp_default: Some(true), ..Default::default() };
        assert!(lint_k8s_with(&SecurityProfileDisabled, &yaml, &kubelet).is_empty());
        // Docker sources keep Docker's default profile: nothing to report.
        assert_run_clean(&SecurityProfileDisabled, "docker run alpine");
    }

    #[test]
    fn explicit_profiles_at_either_level() {
        assert_k8s_clean(
            &SecurityProfileDisabled,
            &deployment("securityContext:\n  seccompProfile: {type: RuntimeDefault}", ""),
        );
        assert_k8s_clean(
            &SecurityProfileDisabled,
            &deployment("", "securityContext:\n  seccompProfile: {type: Localhost, localhostProfile: p.json}"),
        );
        // Inherited from the pod: located at the pod-level key, related to the pod's
        // `securityContext`.
        let d = assert_k8s_flags(
            &SecurityProfileDisabled,
            &deployment("securityContext:\n  seccompProfile: {type: Unconfined}", ""),
            &["type"],
        );
        assert_eq!(d[0].severity, Severity::Error);
        assert_eq!(related_spans(&d[0]), ["securityContext"]);
        // The container's value wins over the pod's.
        assert_k8s_clean(
            &SecurityProfileDisabled,
            &deployment(
                "securityContext:\n  seccompProfile: {type: Unconfined}",
                "securityContext:\n  seccompProfile: {type: RuntimeDefault}",
            ),
        );
    }

    #[test]
    fn apparmor_and_selinux() {
        let seccomp = "securityContext:\n  seccompProfile: {type: RuntimeDefault}";
        let pod = format!("{seccomp}\n  appArmorProfile: {{type: Unconfined}}\n  seLinuxOptions: {{type: spc_t}}");
        let d = assert_k8s_flags(&SecurityProfileDisabled, &deployment(&pod, ""), &["type", "type"]);
        assert!(d.iter().any(|d| d.message.contains("SELinux")) && d.iter().any(|d| d.message.contains("AppArmor")));
        assert_k8s_clean(
            &SecurityProfileDisabled,
            &deployment(seccomp, "securityContext:\n  seLinuxOptions: {level: \"s0:c1\"}"),
        );
    }
}
