use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::{ContainerSpec, SpecSource};

declare_rule! {
    /// ## What it does
    /// Reports a container left on the default network. For a `docker run` line:
    /// neither `--network` nor `--net` is given, so the container joins the default
    /// bridge (`docker0`), shared with every other container started that way. For a
    /// Compose service: no `networks:` and no `network_mode`. Compose then attaches it
    /// to the project's `default` network (`<project>_default`), shared with every
    /// other service that names no network. This holds whether or not the file defines
    /// networks at top level: when it defines none, every service is on that one flat
    /// network; when it defines some, the service without `networks:` is the one left
    /// on `default`. Naming the network (`networks: [default]`) is a deliberate choice
    /// and is not reported; nor is `network_mode` (`none`, `service:x`, ...; `host` is
    /// CT011). Live containers: attached only to
    /// `bridge`. When the daemon is known to run with `icc: false`, the default bridge
    /// is not reported.
    ///
    /// Not reported for Kubernetes workloads: pods have no default bridge; NetworkPolicy
    /// coverage is judged by its own rules.
    ///
    /// ## Why is this bad?
    /// Containers on the same network can reach each other's every port. Separate
    /// networks per tier (front end, back end, database) stop a compromised container
    /// from reaching services it has no business talking to; the default bridge also
    /// lacks the embedded DNS and isolation of user-defined networks.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d postgres:16
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker network create backend
    /// docker run -d --network backend postgres:16
    /// ```
    ///
    /// ## Fix
    /// Create user-defined networks and attach each container only to those it needs.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.30 (5.29 in older versions); practices b, "Networking Essentials"
    pub struct DefaultNetwork;
    code = "CT019", name = "default-network", severity = Info,
    category = Security, target = Container, fix = None,
    summary = "The container is left on the default network",
    cis = ["5.30"],
    practices = ["a-custom-networks", "b-custom-networks"],
}

impl ContainerRule for DefaultNetwork {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        // The setting does not exist per container on Kubernetes (see docs/container-rules.md).
        if crate::rules::container::docker_only_setting_not_applicable(spec) {
            return;
        }
        if let Some(mode) = &spec.network_mode {
            let default_bridge =
                matches!(mode.value.as_str(), "bridge" | "default") && spec.source != SpecSource::ComposeService;
            if default_bridge && cx.defaults.icc != Some(false) {
                let msg = format!("{} uses the default bridge network, shared with every container", describe(spec));
                cx.report_value(&Self::META, mode, msg);
            }
            return;
        }
        let on_default = match spec.source {
            SpecSource::LiveContainer => spec.networks.iter().all(|n| n.value == "bridge"),
            _ => spec.networks.is_empty(),
        };
        if !on_default {
            return;
        }
        let msg = match spec.source {
            SpecSource::ComposeService => {
                format!(
                    "{} has no `networks:`; it shares the project's default network with every service",
                    describe(spec)
                )
            }
            _ if cx.defaults.icc == Some(false) => return,
            _ => format!("{} runs on the default bridge network, shared with every container", describe(spec)),
        };
        cx.report(&Self::META, &spec.origin, msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;
    use dockward_spec::EngineDefaults;

    #[test]
    fn flags_the_default_bridge() {
        assert_run_flags(&DefaultNetwork, "docker run x", &["docker run x"]);
        assert_run_flags(&DefaultNetwork, "docker run --network bridge x", &["bridge"]);
    }

    #[test]
    fn passes_user_defined_and_host_networks() {
        assert_run_clean(&DefaultNetwork, "docker run --network backend x");
        assert_run_clean(&DefaultNetwork, "docker run --network none x");
    }

    #[test]
    fn icc_off_makes_the_bridge_acceptable() {
        let defaults = EngineDefaults { icc: Some(false), ..Default::default() };
        let d =
            lint_spec_with(&DefaultNetwork, spec_from_run("docker run x"), &defaults, &settings_for(&DefaultNetwork));
        assert!(d.is_empty());
    }

    #[test]
    fn compose_services_without_networks() {
        let mut spec = spec_from_run("docker run x");
        spec.source = SpecSource::ComposeService;
        let d = lint_spec_with(&DefaultNetwork, spec, &EngineDefaults::default(), &settings_for(&DefaultNetwork));
        assert!(d[0].message.contains("project's default network"), "{}", d[0].message);
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_services_without_networks() {
        assert_compose_flags(
            &DefaultNetwork,
            "services:\n  web:\n    image: x:1\n  db:\n    image: y:1\n",
            &["web", "db"],
        );
    }

    #[test]
    fn compose_flags_the_service_left_off_the_defined_networks() {
        let yaml = "services:\n  web:\n    image: x:1\n    networks: [front]\n  worker:\n    image: y:1\nnetworks:\n  front:\n";
        let d = assert_compose_flags(&DefaultNetwork, yaml, &["worker"]);
        assert!(d[0].message.contains("default network"), "{}", d[0].message);
        assert_compose_clean(&DefaultNetwork, "services:\n  web:\n    image: x:1\n    networks: [default]\n");
    }

    #[test]
    fn compose_passes_named_networks_and_network_mode() {
        assert_compose_clean(
            &DefaultNetwork,
            "services:\n  web:\n    image: x:1\n    networks: [front]\n  db:\n    image: y:1\n    networks:\n      back: {}\n  job:\n    image: z:1\n    network_mode: none\nnetworks:\n  front:\n  back:\n",
        );
    }
}
