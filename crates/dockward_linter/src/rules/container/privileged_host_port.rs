use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Reports ports published on a privileged host port (below 1024), including the
    /// start of a range (`80-90:80-90`).
    ///
    /// ## Why is this bad?
    /// Ports below 1024 are the host's well-known service ports (SSH, DNS, HTTP). A
    /// container that takes one can impersonate a host service, and the mapping hides
    /// which process really answers there.
    ///
    /// ## Example
    /// ```sh
    /// docker run -p 80:8080 web
    /// ```
    ///
    /// Use instead: publish on a high port (`-p 8080:8080`) and let the host's reverse
    /// proxy or load balancer own port 80.
    ///
    /// ## Fix
    /// Map to a host port of 1024 or above, unless the container really is the
    /// host's service for that port.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.8 (5.7 in older versions); practices b, "Networking Essentials"
    pub struct PrivilegedHostPort;
    code = "CT018", name = "privileged-host-port", severity = Info,
    category = Security, target = Container, fix = None,
    summary = "A port is published on a privileged host port (below 1024)",
    aliases = ["bc2908f3-f73c-40a9-8793-c1b7d5544f79", "KSV-0117", "privileged-ports"],
    cis = ["5.8"],
    practices = ["b-network-hardening"],
}

impl ContainerRule for PrivilegedHostPort {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        for port in &spec.ports {
            let Some(host) = &port.host_port else { continue };
            let first = host.value.split('-').next().unwrap_or("");
            let Ok(n) = first.parse::<u32>() else { continue };
            if n == 0 || n >= 1024 {
                continue;
            }
            let msg = format!("{} publishes on privileged host port {n}", describe(spec));
            cx.report_value(&Self::META, host, msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_low_ports_and_ranges() {
        assert_run_flags(
            &PrivilegedHostPort,
            "docker run -p 80:8080 -p 127.0.0.1:22:22 -p 1000-1030:1000-1030 x",
            &["80", "22", "1000-1030"],
        );
    }

    #[test]
    fn passes_high_and_ephemeral_ports() {
        assert_run_clean(&PrivilegedHostPort, "docker run -p 8080:80 -p 80 -p 127.0.0.1::22 x");
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_long_syntax_port_after_an_address() {
        let yaml = "services:\n  web:\n    image: x:1\n    ports:\n      - target: 22\n        published: \"127.0.0.1:22\"\n      - target: 53\n        published: \"[::1]:53\"\n      - target: 80\n        published: \"127.0.0.1:8080\"\n";
        let d = assert_compose_flags(&PrivilegedHostPort, yaml, &["22", "53"]);
        assert_eq!(d[0].message, "service `web` publishes on privileged host port 22");
    }

    #[test]
    fn compose_flags_host_ports_below_1024() {
        let yaml = "services:\n  web:\n    image: x:1\n    ports:\n      - \"80:8080\"\n      - 127.0.0.1:443:8443\n      - target: 8080\n        published: \"25\"\n      - \"8080:80\"\n      - \"22\"\n";
        assert_compose_flags(&PrivilegedHostPort, yaml, &["80", "443", "\"25\""]);
    }
}
