use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags a container that shares a namespace with the host: `network_mode: host`
    /// (`--network host`), `pid: host`, `ipc: host`, `uts: host`, `userns_mode: host`
    /// (`--userns host`) or `cgroup: host` (`--cgroupns host`).
    ///
    /// ## Why is this bad?
    /// Each shared namespace removes one wall between the container and the host: the
    /// host's network stack and every local-only port (network), the host's processes
    /// to signal and trace (pid), its shared memory (ipc), its hostname (uts), its
    /// root user (userns, when user namespace remapping is on) or its cgroup tree.
    ///
    /// ## Example
    /// ```sh
    /// docker run --network host --pid host app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -p 127.0.0.1:8080:8080 app
    /// ```
    ///
    /// ## Fix
    /// Remove the setting; publish ports or share a namespace with one other container
    /// (`container:<name>`) instead.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.10, 5.16, 5.17, 5.21, 5.31; practices b, "Runtime Hardening"
    pub struct HostNamespaceShared;
    code = "CT011", name = "host-namespace-shared", severity = Error,
    category = Security, target = Container, fix = None,
    summary = "The container shares a namespace with the host",
    aliases = [
        "071a71ff-f868-47a4-ac0b-3c59e4ab5443", "4f31dd9f-2cc3-4751-9b53-67e4af83dac0",
        "baa3890f-bed7-46f5-ab8f-1da8fc91c729", "8af7162d-6c98-482f-868e-0d33fb675ca8", "CKV_K8S_17",
        "CKV_K8S_18", "CKV_K8S_19", "KSV-0008", "KSV-0009", "KSV-0010", "C-0038", "C-0041", "host-network",
        "host-pid", "host-ipc", "hostNetworkSet", "hostPIDSet", "hostIPCSet",
    ],
    cis = ["5.10", "5.16", "5.17", "5.21", "5.31"],
    practices = ["b-no-host-network", "b-compose-no-host-network", "a-isolation"],
}

impl ContainerRule for HostNamespaceShared {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        // The CIS control of each namespace; the benchmark has none for cgroup.
        let namespaces: [(_, _, _, &[&str]); 6] = [
            (&spec.network_mode, "network", "the host's network stack and local-only ports", &["5.10"]),
            (&spec.pid, "PID", "every host process", &["5.16"]),
            (&spec.ipc, "IPC", "the host's shared memory", &["5.17"]),
            (&spec.uts, "UTS", "the host's hostname", &["5.21"]),
            (&spec.userns_mode, "user", "the host's users, bypassing user namespace remapping", &["5.31"]),
            (&spec.cgroupns_mode, "cgroup", "the host's cgroup tree", &[]),
        ];
        for (val, name, exposes, cis) in namespaces {
            if let Some(v) = val.as_ref().filter(|v| v.value.eq_ignore_ascii_case("host")) {
                let msg = format!("{} shares the host's {name} namespace, exposing {exposes}", describe(spec));
                cx.report_value(&Self::META, v, msg).cis_controls(cis);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_every_host_namespace() {
        assert_run_flags(
            &HostNamespaceShared,
            "docker run --net=host --pid host --ipc=host --uts host --userns host --cgroupns host app",
            &["host"; 6],
        );
        assert!(run_messages(&HostNamespaceShared, "docker run --pid=host app")[0].contains("PID namespace"));
    }

    #[test]
    fn each_namespace_counts_against_its_own_cis_control() {
        let controls = |line: &str| -> Vec<Vec<&'static str>> {
            lint_run(&HostNamespaceShared, line).iter().map(|d| d.controls().to_vec()).collect()
        };
        assert_eq!(controls("docker run --pid=host app"), [["5.16"]]);
        assert_eq!(controls("docker run --net=host --ipc=host app"), [["5.10"], ["5.17"]]);
        assert_eq!(controls("docker run --cgroupns=host app"), [Vec::<&str>::new()]);
    }

    #[test]
    fn passes_private_and_container_namespaces() {
        assert_run_clean(
            &HostNamespaceShared,
            "docker run --network mynet --pid container:db --ipc private --cgroupns private app",
        );
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_each_host_namespace() {
        let yaml = "services:\n  web:\n    image: x:1\n    network_mode: host\n    pid: \"host\"\n    ipc: host\n    uts: host\n    userns_mode: host\n    cgroup: host\n";
        assert_compose_flags(&HostNamespaceShared, yaml, &["host", "\"host\"", "host", "host", "host", "host"]);
        let d = ComposeCase::new("services:\n  web:\n    image: x:1\n    network_mode: ${NET}\n")
            .env(&[("NET", "host")])
            .assert_flags(&HostNamespaceShared, &["${NET}"]);
        assert!(!d[0].related.is_empty());
    }

    #[test]
    fn compose_passes_private_namespaces() {
        assert_compose_clean(
            &HostNamespaceShared,
            "services:\n  web:\n    image: x:1\n    network_mode: bridge\n    ipc: shareable\n    pid: \"service:db\"\n  db:\n    image: y:1\n",
        );
    }
}
