use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags `sysctls` / `--sysctl` settings that weaken the network stack's
    /// protections inside the container: packet forwarding
    /// (`net.ipv4.ip_forward=1`, `net.ipv6.conf.*.forwarding=1`), `route_localnet=1`,
    /// accepting or sending ICMP redirects, accepting source-routed packets,
    /// `rp_filter=0`, and any `kernel.*` setting (the few namespaced ones, shared
    /// memory and message queues, can exhaust host memory).
    ///
    /// ## Why is this bad?
    /// A forwarding container becomes a router between networks that were meant to be
    /// separate; `route_localnet` exposes services bound to 127.0.0.1; redirects and
    /// source routing let an attacker steer traffic.
    ///
    /// ## Example
    /// ```sh
    /// docker run --sysctl net.ipv4.ip_forward=1 vpn
    /// ```
    ///
    /// ## Fix
    /// Remove the setting; if the container really routes (a VPN gateway), isolate it
    /// on its own networks and document why.
    ///
    /// ## References
    /// - Docker documentation, "Configure namespaced kernel parameters (sysctls) at runtime"
    pub struct KernelWeakeningSysctl;
    code = "CT029", name = "kernel-weakening-sysctl", severity = Warning,
    category = Security, target = Container, fix = None,
    summary = "A sysctl weakens the kernel's network or memory protections",
    aliases = ["KSV-0026", "unsafe-sysctls"],
    practices = ["b-runtime-hardening"],
}

/// Why `name=value` weakens the kernel, if it does.
fn weakness(name: &str, value: &str) -> Option<&'static str> {
    let name = name.trim().replace('/', ".");
    let v = value.trim();
    let on = v == "1";
    let last = name.rsplit('.').next().unwrap_or("");
    match () {
        _ if name == "net.ipv4.ip_forward" && on => Some("turns on packet forwarding"),
        _ if name.starts_with("net.ipv6.conf.") && last == "forwarding" && on => Some("turns on packet forwarding"),
        _ if last == "route_localnet" && on => Some("routes traffic to 127.0.0.1 from outside"),
        _ if matches!(last, "accept_redirects" | "secure_redirects" | "send_redirects") && on => {
            Some("accepts or sends ICMP redirects")
        }
        _ if last == "accept_source_route" && on => Some("accepts source-routed packets"),
        _ if last == "rp_filter" && v == "0" => Some("turns off reverse path filtering"),
        _ if name.starts_with("kernel.") => Some("changes a kernel setting shared with the host's memory limits"),
        _ => None,
    }
}

impl ContainerRule for KernelWeakeningSysctl {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        for (name, value) in &spec.sysctls {
            if let Some(why) = weakness(&name.value, &value.value) {
                let msg = format!("{} sets `{}={}`, which {why}", describe(spec), name.value, value.value);
                cx.report_value(&Self::META, name, msg);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_weakening_settings() {
        assert_run_flags(
            &KernelWeakeningSysctl,
            "docker run --sysctl net.ipv4.ip_forward=1 --sysctl net.ipv4.conf.all.route_localnet=1 \
             --sysctl=net.ipv4.conf.eth0.rp_filter=0 --sysctl kernel.shmmax=68719476736 x",
            &[
                "net.ipv4.ip_forward",
                "net.ipv4.conf.all.route_localnet",
                "net.ipv4.conf.eth0.rp_filter",
                "kernel.shmmax",
            ],
        );
    }

    #[test]
    fn passes_harmless_settings() {
        assert_run_clean(
            &KernelWeakeningSysctl,
            "docker run --sysctl net.ipv4.ip_forward=0 --sysctl net.core.somaxconn=1024 \
             --sysctl net.ipv4.ip_unprivileged_port_start=0 x",
        );
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_sysctl_keys_in_both_forms() {
        let yaml = "services:\n  a:\n    image: x:1\n    sysctls:\n      net.ipv4.ip_forward: 1\n      net.core.somaxconn: 1024\n  b:\n    image: x:1\n    sysctls:\n      - net.ipv4.conf.all.route_localnet=1\n";
        assert_compose_flags(
            &KernelWeakeningSysctl,
            yaml,
            &["net.ipv4.ip_forward", "net.ipv4.conf.all.route_localnet"],
        );
    }
}
