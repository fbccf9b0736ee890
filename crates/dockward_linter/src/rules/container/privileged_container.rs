use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags a container that runs privileged: Compose `privileged: true`,
    /// `docker run --privileged`, or `HostConfig.Privileged` of a live container.
    ///
    /// ## Why is this bad?
    /// A privileged container gets every capability, every host device, and no
    /// seccomp, AppArmor or SELinux confinement. Root in it is root on the host: it
    /// can mount the host's disks or load kernel modules.
    ///
    /// ## Example
    /// ```sh
    /// docker run --privileged my/agent
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --cap-drop ALL --cap-add NET_BIND_SERVICE my/agent
    /// ```
    ///
    /// ## Fix
    /// Remove `privileged` and add only the capabilities (`cap_add`) and devices
    /// (`devices`) the process really needs.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.5; practices b, "Runtime Hardening"
    pub struct PrivilegedContainer;
    code = "CT001", name = "privileged-container", severity = Error,
    category = Security, target = Container, fix = None,
    summary = "The container runs privileged",
    aliases = ["ae5b6871-7f45-42e0-bb4c-ab300c4d2026", "CKV_K8S_16", "KSV-0017", "C-0057", "runAsPrivileged", "container-security-context-privileged"],
    cis = ["5.5"],
    practices = ["b-no-privileged"],
}

impl ContainerRule for PrivilegedContainer {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        if let Some(p) = spec.privileged.as_ref().filter(|p| p.value) {
            let msg = format!("{} runs privileged: all capabilities, all devices, no confinement", describe(spec));
            cx.report_value(&Self::META, p, msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_privileged() {
        assert_run_flags(&PrivilegedContainer, "docker run --privileged alpine", &["--privileged"]);
        assert_run_flags(&PrivilegedContainer, "docker run --privileged=true alpine", &["--privileged=true"]);
    }

    #[test]
    fn passes_unprivileged() {
        assert_run_clean(&PrivilegedContainer, "docker run alpine");
        assert_run_clean(&PrivilegedContainer, "docker run --privileged=false alpine");
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_the_key_value_through_anchors_and_variables() {
        assert_compose_flags(
            &PrivilegedContainer,
            "services:\n  web:\n    image: x:1\n    privileged: true\n",
            &["true"],
        );
        let anchored = "x-base: &base\n  privileged: true\nservices:\n  web:\n    <<: *base\n    image: x:1\n";
        let d = assert_compose_flags(&PrivilegedContainer, anchored, &["<<: *base"]);
        assert_eq!(related_spans(&d[0]), ["true", "privileged"]);
        let case = "services:\n  web:\n    image: x:1\n    privileged: ${PRIV}\n";
        let d = ComposeCase::new(case).env(&[("PRIV", "true")]).assert_flags(&PrivilegedContainer, &["${PRIV}"]);
        assert!(!d[0].related.is_empty(), "the variable is a related location: {d:#?}");
    }

    #[test]
    fn compose_passes_false_or_unset() {
        assert_compose_clean(&PrivilegedContainer, "services:\n  web:\n    image: x:1\n    privileged: false\n");
        assert_compose_clean(&PrivilegedContainer, "services:\n  web:\n    image: x:1\n");
        ComposeCase::new("services:\n  web:\n    image: x:1\n    privileged: ${PRIV}\n")
            .env(&[("PRIV", "false")])
            .assert_clean(&PrivilegedContainer);
    }
}

#[cfg(test)]
mod kubernetes_tests {
    use super::*;
    use crate::rules::container::testing::*;

    /// `body` (a pod spec) under the pod template path of `kind`.
    fn workload(kind: &str, body: &str) -> String {
        let path: &[&str] = match kind {
            "Pod" => &["spec"],
            "PodTemplate" => &["template", "spec"],
            "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
            _ => &["spec", "template", "spec"],
        };
        let mut out = format!("apiVersion: v1\nkind: {kind}\nmetadata:\n  name: w\n");
        for (depth, key) in path.iter().enumerate() {
            out.push_str(&format!("{}{key}:\n", "  ".repeat(depth)));
        }
        for line in body.lines() {
            out.push_str(&format!("{}{line}\n", "  ".repeat(path.len())));
        }
        out
    }

    #[test]
    fn every_workload_kind_is_checked() {
        let fail = "containers:\n- name: app\n  image: x:1\n  securityContext:\n    privileged: true\n";
        let pass = "containers:\n- name: app\n  image: x:1\n  securityContext:\n    privileged: false\n";
        for kind in [
            "Pod",
            "PodTemplate",
            "ReplicationController",
            "ReplicaSet",
            "Deployment",
            "DaemonSet",
            "StatefulSet",
            "Job",
            "CronJob",
        ] {
            let d = assert_k8s_flags(&PrivilegedContainer, &workload(kind, fail), &["privileged"]);
            assert!(d[0].message.contains(&format!("container `{kind}/w:app`")), "{}", d[0].message);
            assert_k8s_clean(&PrivilegedContainer, &workload(kind, pass));
        }
    }

    #[test]
    fn init_and_ephemeral_containers_are_checked() {
        let body = "initContainers:\n- name: init\n  image: x:1\n  securityContext: {privileged: true}\n\
                    containers:\n- name: app\n  image: x:1\n\
                    ephemeralContainers:\n- name: debug\n  image: x:1\n  securityContext: {privileged: true}\n";
        let d = assert_k8s_flags(&PrivilegedContainer, &workload("Pod", body), &["privileged", "privileged"]);
        assert!(d[0].message.contains("Pod/w:init") && d[1].message.contains("Pod/w:debug"), "{d:#?}");
    }
}
