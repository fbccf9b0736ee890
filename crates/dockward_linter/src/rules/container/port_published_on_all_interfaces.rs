use dockward_diagnostics::{Edit, Fix, Location};

use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::{ContainerSpec, PortMapping, Val};

declare_rule! {
    /// ## What it does
    /// Flags ports published on every host interface: `-p 8080:80` or `"8080:80"` with
    /// no host address, `0.0.0.0`, `::` or `[::]`, and `-P` / `--publish-all`.
    ///
    /// ## Why is this bad?
    /// A port published on all interfaces is reachable from every network the host is
    /// on, and Docker's iptables rules bypass host firewalls such as ufw. Databases,
    /// admin consoles and debug ports end up on the internet this way.
    ///
    /// ## Example
    /// ```sh
    /// docker run -p 5432:5432 postgres:16
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -p 127.0.0.1:5432:5432 postgres:16
    /// ```
    ///
    /// ## Fix
    /// Bind the port to the address that should reach it (`127.0.0.1` behind a
    /// reverse proxy, a private interface). The fix binds it to `127.0.0.1` and is
    /// unsafe: clients on other hosts lose access.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.14 (5.13 in older versions); practices b, "Networking Essentials"
    pub struct PortPublishedOnAllInterfaces;
    code = "CT017", name = "port-published-on-all-interfaces", severity = Warning,
    category = Security, target = Container, fix = Sometimes,
    summary = "A port is published on all host interfaces",
    aliases = ["451d79dc-0588-476a-ad03-3c7f0320abb3"],
    cis = ["5.14"], practices = ["b: Networking Essentials"],
}

/// True if `val`'s source range holds exactly its value, so it can be edited in place.
fn written_verbatim(val: &Val<String>) -> bool {
    match (&val.at, val.at.range()) {
        (Location::Source { file, .. }, Some(r)) => {
            file.text().get(std::ops::Range::<usize>::from(r)) == Some(&val.value)
        }
        _ => false,
    }
}

/// An edit binding `port` to 127.0.0.1, when the entry's text can be edited exactly.
fn bind_to_localhost(port: &PortMapping) -> Option<Edit> {
    match &port.host_ip {
        Some(ip) if written_verbatim(ip) => {
            let range = ip.at.range()?;
            // `[::]:80:80` keeps its brackets around the new address otherwise.
            Some(Edit::replace(range, if ip.value.contains(':') { "::1" } else { "127.0.0.1" }))
        }
        Some(_) => None,
        None => {
            // `-p 9000` (an ephemeral host port) becomes `127.0.0.1::9000`.
            let (first, prefix) = match &port.host_port {
                Some(h) => (h, "127.0.0.1:"),
                None => (&port.container_port, "127.0.0.1::"),
            };
            if !written_verbatim(first) {
                return None;
            }
            Some(Edit::insert(first.at.range()?.start(), prefix))
        }
    }
}

impl ContainerRule for PortPublishedOnAllInterfaces {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        for port in &spec.ports {
            let all = match &port.host_ip {
                None => true,
                Some(ip) => matches!(ip.value.as_str(), "0.0.0.0" | "::" | ""),
            };
            if !all {
                continue;
            }
            let host = port.host_port.as_ref().map(|p| p.value.as_str()).unwrap_or("an ephemeral port");
            let msg = format!(
                "{} publishes container port {} on host port {host} of every interface",
                describe(spec),
                port.container_port.value
            );
            let edit = bind_to_localhost(port);
            let d = match &port.host_ip {
                Some(ip) => cx.report_value(&Self::META, ip, msg),
                None => cx.report(&Self::META, &port.at, msg),
            };
            if let Some(edit) = edit {
                d.fix(Fix::unsafe_("Publish on 127.0.0.1 only", vec![edit]));
            }
        }
        if let Some(p) = spec.publish_all.as_ref().filter(|p| p.value) {
            let msg = format!("{} publishes every exposed port on every interface", describe(spec));
            cx.report_value(&Self::META, p, msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_unbound_and_wildcard_addresses() {
        assert_run_flags(
            &PortPublishedOnAllInterfaces,
            "docker run -p 5432:5432 -p 0.0.0.0:80:80 -p [::]:443:443 -p 9000 -P x",
            &["-p 5432:5432", "0.0.0.0", "::", "-p 9000", "-P"],
        );
    }

    #[test]
    fn passes_bound_ports() {
        assert_run_clean(&PortPublishedOnAllInterfaces, "docker run -p 127.0.0.1:5432:5432 -p [::1]:80:80 -P=false x");
    }

    #[test]
    fn unsafe_fix_binds_to_localhost() {
        assert_run_fix(
            &PortPublishedOnAllInterfaces,
            "docker run -p 5432:5432 -p 0.0.0.0:80:80/udp -p 9000 -p [::]:1:1 x",
            "docker run -p 127.0.0.1:5432:5432 -p 127.0.0.1:80:80/udp -p 127.0.0.1::9000 -p [::1]:1:1 x",
        );
    }
}
