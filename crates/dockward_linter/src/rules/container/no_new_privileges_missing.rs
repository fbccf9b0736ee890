use dockward_diagnostics::Fix;

use crate::declare_rule;
use crate::rules::container::{add_security_context_edit, add_setting_edit, describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags a container without `no-new-privileges` in `security_opt` /
    /// `--security-opt`, or with it set to `false`. When the daemon is known to set
    /// `no-new-privileges` for every container (daemon.json), nothing is reported;
    /// when the daemon is unknown the rule assumes Docker's default (off) and says so.
    ///
    /// On Kubernetes the setting is `securityContext.allowPrivilegeEscalation: false`
    /// (container level only). There is no daemon-wide default: unset means escalation
    /// is allowed, so an unset field is always reported, and the message says so.
    ///
    /// ## Why is this bad?
    /// Without it a process can gain privileges through setuid/setgid binaries or file
    /// capabilities (`su`, `ping`, a planted setuid shell), turning a foothold as an
    /// unprivileged user into root inside the container.
    ///
    /// ## Example
    /// ```sh
    /// docker run app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --security-opt no-new-privileges app
    /// ```
    ///
    /// ## Fix
    /// A safe fix adds `security_opt:` / `- no-new-privileges:true` to a Compose
    /// service without `security_opt`, `--security-opt no-new-privileges` after
    /// `docker run`, or `allowPrivilegeEscalation: false` to a Kubernetes container's
    /// `securityContext` (creating it when needed).
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.26 (5.25 in older versions); practices b, "Runtime Hardening"
    pub struct NoNewPrivilegesMissing;
    code = "CT005", name = "no-new-privileges-missing", severity = Warning,
    category = Security, target = Container, fix = Sometimes,
    summary = "The container can gain new privileges (no-new-privileges is not set)",
    aliases = ["27fcc7d6-c49b-46e0-98f1-6c082a6a2750", "610e266e-6c12-4bca-9925-1ed0cd29742b", "CKV_K8S_20", "KSV-0001", "C-0016", "privilege-escalation-container", "privilegeEscalationAllowed"],
    cis = ["5.26"],
    practices = ["b-no-new-privileges"],
}

impl ContainerRule for NoNewPrivilegesMissing {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        let mut set = None;
        for (val, key, value) in spec.security_options() {
            if key.eq_ignore_ascii_case("no-new-privileges") {
                set = Some((val, value.is_empty() || value.eq_ignore_ascii_case("true")));
            }
        }
        match set {
            Some((_, true)) => {}
            Some((val, false)) if spec.source.is_kubernetes() => {
                let msg = format!("{} sets `allowPrivilegeEscalation: true`", describe(spec));
                cx.report_value(&Self::META, val, msg);
            }
            None if spec.source.is_kubernetes() => {
                // No daemon-wide setting exists on Kubernetes: unset means allowed.
                let msg = format!(
                    "{} does not set `allowPrivilegeEscalation: false`, and Kubernetes allows privilege escalation by default",
                    describe(spec)
                );
                let edit = add_security_context_edit(spec, "allowPrivilegeEscalation: false");
                let d = cx.report(&Self::META, &spec.origin, msg);
                if let Some(edit) = edit {
                    d.fix(Fix::safe("Set allowPrivilegeEscalation: false", vec![edit]));
                }
            }
            Some((val, false)) => {
                let msg = format!("{} turns no-new-privileges off", describe(spec));
                cx.report_value(&Self::META, val, msg);
            }
            None => {
                let daemon = match cx.defaults.no_new_privileges {
                    Some(true) => return,
                    Some(false) => "and the daemon does not set it either",
                    None => "and the daemon default is assumed off",
                };
                let msg = format!("{} does not set no-new-privileges, {daemon}", describe(spec));
                let edit = if spec.security_opt.is_empty() {
                    add_setting_edit(
                        spec,
                        "security_opt:\n  - no-new-privileges:true",
                        "--security-opt no-new-privileges",
                    )
                } else {
                    None
                };
                let d = cx.report(&Self::META, &spec.origin, msg);
                if let Some(edit) = edit {
                    d.fix(Fix::safe("Set no-new-privileges", vec![edit]));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;
    use dockward_spec::EngineDefaults;

    #[test]
    fn flags_missing_or_false() {
        assert_run_flags(&NoNewPrivilegesMissing, "docker run app", &["docker run app"]);
        assert_run_flags(
            &NoNewPrivilegesMissing,
            "docker run --security-opt no-new-privileges=false app",
            &["no-new-privileges=false"],
        );
        assert!(run_messages(&NoNewPrivilegesMissing, "docker run app")[0].contains("assumed off"));
    }

    #[test]
    fn passes_every_spelling() {
        for opt in ["no-new-privileges", "no-new-privileges:true", "no-new-privileges=true"] {
            assert_run_clean(&NoNewPrivilegesMissing, &format!("docker run --security-opt {opt} app"));
        }
    }

    #[test]
    fn honours_the_daemon_default() {
        let on = EngineDefaults { no_new_privileges: Some(true), ..Default::default() };
        let s = settings_for(&NoNewPrivilegesMissing);
        assert!(lint_spec_with(&NoNewPrivilegesMissing, spec_from_run("docker run app"), &on, &s).is_empty());
        let off = EngineDefaults { no_new_privileges: Some(false), ..Default::default() };
        let d = lint_spec_with(&NoNewPrivilegesMissing, spec_from_run("docker run app"), &off, &s);
        assert!(d[0].message.contains("does not set it either"));
    }

    #[test]
    fn fix_inserts_the_option() {
        assert_run_fix(&NoNewPrivilegesMissing, "docker run app", "docker run --security-opt no-new-privileges app");
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_security_opt_forms() {
        assert_compose_flags(&NoNewPrivilegesMissing, "services:\n  web:\n    image: x:1\n", &["web"]);
        for opt in ["no-new-privileges", "no-new-privileges:true", "\"no-new-privileges=true\""] {
            assert_compose_clean(
                &NoNewPrivilegesMissing,
                &format!("services:\n  web:\n    image: x:1\n    security_opt:\n      - {opt}\n"),
            );
        }
        assert_compose_flags(
            &NoNewPrivilegesMissing,
            "services:\n  web:\n    image: x:1\n    security_opt: [\"no-new-privileges:false\"]\n",
            &["\"no-new-privileges:false\""],
        );
        // Another option only: reported, but no fix (the list exists already).
        let d = assert_compose_flags(
            &NoNewPrivilegesMissing,
            "services:\n  web:\n    image: x:1\n    security_opt: [apparmor=docker-default]\n",
            &["web"],
        );
        assert!(d[0].fix.is_none());
    }

    #[test]
    fn compose_fix_adds_the_option() {
        assert_compose_fix(
            &NoNewPrivilegesMissing,
            "# app\nservices:\n  web:\n    image: x:1 # pinned\n    environment:\n      A: b\n\n  db:\n    image: y:2\n    security_opt: [no-new-privileges]\n",
            false,
            "# app\nservices:\n  web:\n    image: x:1 # pinned\n    environment:\n      A: b\n    security_opt:\n      - no-new-privileges:true\n\n  db:\n    image: y:2\n    security_opt: [no-new-privileges]\n",
        );
    }
}

#[cfg(test)]
mod kubernetes_tests {
    use super::*;
    use crate::rules::container::testing::*;
    use dockward_spec::EngineDefaults;

    #[test]
    fn unset_allow_privilege_escalation_is_allowed_on_kubernetes_whatever_the_daemon() {
        let yaml = deployment("", "");
        let d = assert_k8s_flags(&NoNewPrivilegesMissing, &yaml, &["app"]);
        assert!(d[0].message.contains("Kubernetes allows privilege escalation by default"), "{}", d[0].message);
        assert!(!d[0].message.contains("daemon"), "no dockerd default on Kubernetes: {}", d[0].message);
        // A daemon default set elsewhere in the run does not apply to Kubernetes pods.
        let defaults = EngineDefaults { no_new_privileges: Some(true), ..Default::default() };
        assert_eq!(lint_k8s_with(&NoNewPrivilegesMissing, &yaml, &defaults).len(), 1);
    }

    #[test]
    fn explicit_values() {
        assert_k8s_clean(
            &NoNewPrivilegesMissing,
            &deployment("", "securityContext:\n  allowPrivilegeEscalation: false"),
        );
        let d = assert_k8s_flags(
            &NoNewPrivilegesMissing,
            &deployment("", "securityContext:\n  allowPrivilegeEscalation: true"),
            &["allowPrivilegeEscalation"],
        );
        assert!(d[0].message.contains("`allowPrivilegeEscalation: true`"), "{}", d[0].message);
        // The pod level has no such field: it is not inherited.
        assert_k8s_flags(
            &NoNewPrivilegesMissing,
            &deployment("securityContext:\n  allowPrivilegeEscalation: false", ""),
            &["app"],
        );
    }
}
