use dockward_diagnostics::Fix;

use crate::declare_rule;
use crate::rules::container::dangerous_capability_added::capability_name;
use crate::rules::container::{add_security_context_edit, add_setting_edit, describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags a container that does not drop all capabilities (`cap_drop: [ALL]`,
    /// `--cap-drop ALL`). The finding points at the service or `docker run` line.
    ///
    /// ## Why is this bad?
    /// Without it the container keeps Docker's default set (`CHOWN`, `DAC_OVERRIDE`,
    /// `FOWNER`, `NET_RAW`, `SETUID`, `SETGID`, `KILL`, ...). Most services need none
    /// of them; dropping all and adding back the few needed removes whole classes of
    /// attacks (raw packet spoofing, file ownership tricks).
    ///
    /// ## Example
    /// ```sh
    /// docker run nginx
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --cap-drop ALL --cap-add NET_BIND_SERVICE nginx
    /// ```
    ///
    /// ## Fix
    /// A safe fix adds `cap_drop:` / `- ALL` to a Compose service that has no
    /// `cap_drop` key, `--cap-drop ALL` after `docker run`, or `capabilities: {drop:
    /// [ALL]}` to the `securityContext` of a Kubernetes container that has no
    /// `capabilities` key. Add back what the process needs with `cap_add`
    /// (`capabilities.add`).
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.4; practices b, "Runtime Hardening"
    pub struct CapabilitiesNotDropped;
    code = "CT003", name = "capabilities-not-dropped", severity = Warning,
    category = Security, target = Container, fix = Sometimes,
    summary = "The container does not drop all capabilities", aliases = ["ce76b7d0-9e77-464d-b86f-c5c48e03e22d", "CKV_K8S_28", "CKV_K8S_37", "KSV-0003", "KSV-0004", "KSV-0106", "C-0055", "drop-net-raw-capability", "insecureCapabilities"],
    cis = ["5.4"],
    practices = ["b-drop-capabilities"],
}

impl ContainerRule for CapabilitiesNotDropped {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        if spec.cap_drop.iter().any(|c| capability_name(&c.value) == "ALL") {
            return;
        }
        // A privileged container has every capability whatever it drops; CT001 says so.
        if spec.privileged.as_ref().is_some_and(|p| p.value) {
            return;
        }
        let msg = if spec.source.is_kubernetes() {
            format!(
                "{} keeps the runtime's default capabilities (no `securityContext.capabilities.drop: [ALL]`)",
                describe(spec)
            )
        } else {
            format!("{} keeps Docker's default capabilities (no `cap_drop: [ALL]`)", describe(spec))
        };
        let edit = if !spec.cap_drop.is_empty() {
            None
        } else if spec.source.is_kubernetes() {
            // Only when the container has no `capabilities` key yet.
            add_security_context_edit(spec, "capabilities:\n  drop:\n    - ALL")
        } else {
            add_setting_edit(spec, "cap_drop:\n  - ALL", "--cap-drop ALL")
        };
        let d = cx.report(&Self::META, &spec.origin, msg);
        d.help("drop all capabilities and add back only those the process needs");
        if let Some(edit) = edit {
            d.fix(Fix::safe("Drop all capabilities", vec![edit]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_missing_drop_at_the_line() {
        assert_run_flags(&CapabilitiesNotDropped, "docker run nginx", &["docker run nginx"]);
        assert_run_flags(
            &CapabilitiesNotDropped,
            "docker run --cap-drop NET_RAW nginx",
            &["docker run --cap-drop NET_RAW nginx"],
        );
    }

    #[test]
    fn passes_drop_all() {
        assert_run_clean(&CapabilitiesNotDropped, "docker run --cap-drop=all nginx");
        assert_run_clean(&CapabilitiesNotDropped, "docker run --cap-drop CAP_ALL nginx");
        assert_run_clean(&CapabilitiesNotDropped, "docker run --privileged nginx");
    }

    #[test]
    fn fix_inserts_the_flag() {
        assert_run_fix(&CapabilitiesNotDropped, "docker run -d nginx", "docker run --cap-drop ALL -d nginx");
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_services_without_drop_all() {
        assert_compose_flags(&CapabilitiesNotDropped, "services:\n  web:\n    image: x:1\n", &["web"]);
        let some = "services:\n  web:\n    image: x:1\n    cap_drop: [NET_RAW]\n";
        assert_compose_flags(&CapabilitiesNotDropped, some, &["web"]);
    }

    #[test]
    fn compose_passes_drop_all_in_flow_and_block_style() {
        assert_compose_clean(&CapabilitiesNotDropped, "services:\n  web:\n    image: x:1\n    cap_drop: [ALL]\n");
        assert_compose_clean(
            &CapabilitiesNotDropped,
            "services:\n  web:\n    image: x:1\n    cap_drop:\n      - all\n",
        );
        assert_compose_clean(
            &CapabilitiesNotDropped,
            "x-h: &h\n  cap_drop: [ALL]\nservices:\n  web:\n    <<: *h\n    image: x:1\n",
        );
    }

    #[test]
    fn compose_fix_adds_drop_all_keeping_comments() {
        assert_compose_fix(
            &CapabilitiesNotDropped,
            "services:\n  web:   # front\n    image: x:1  # pinned\n\n    # trailing comment\n  db:\n    image: y:2\n    cap_drop: [ALL]\n",
            false,
            "services:\n  web:   # front\n    image: x:1  # pinned\n    cap_drop:\n      - ALL\n\n    # trailing comment\n  db:\n    image: y:2\n    cap_drop: [ALL]\n",
        );
        // Four-space indentation and a last service without a final newline.
        assert_compose_fix(
            &CapabilitiesNotDropped,
            "services:\n    web:\n        image: x:1",
            false,
            "services:\n    web:\n        image: x:1\n        cap_drop:\n          - ALL",
        );
    }

    #[test]
    fn compose_flow_style_service_gets_no_broken_fix() {
        let yaml = "services:\n  web: {image: x:1}\n";
        let d = assert_compose_flags(&CapabilitiesNotDropped, yaml, &["web"]);
        assert!(d[0].fix.is_none(), "no insertion into a flow mapping: {:?}", d[0].fix);
    }
}
