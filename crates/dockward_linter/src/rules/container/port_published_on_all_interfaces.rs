use dockward_diagnostics::{Edit, Fix, Location};

use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::{ContainerSpec, PortMapping, Val};

declare_rule! {
    /// ## What it does
    /// Flags ports published on every host interface: `-p 8080:80` or `"8080:80"` with
    /// no host address, `0.0.0.0`, `::` or `[::]`, and `-P` / `--publish-all`. In the
    /// Compose long syntax the address is `host_ip`, or written before the port in
    /// `published` (`published: "127.0.0.1:8080"`, `"[::1]:8080"`).
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
    aliases = ["451d79dc-0588-476a-ad03-3c7f0320abb3", "CKV_K8S_26", "KSV-0024", "C-0044", "hostPortSet"],
    cis = ["5.14"],
    practices = ["b-bind-ports"],
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

/// True when the entry is a mapping (Compose long syntax), whose container port is the
/// value of a `target:` key rather than the last field of `[ip:]host:container`.
fn is_mapping(port: &PortMapping) -> bool {
    let (Location::Source { file, .. }, Some(r)) = (&port.container_port.at, port.container_port.at.range()) else {
        return false;
    };
    let before = file.text()[..usize::from(r.start())].trim_end_matches([' ', '\t', '"', '\'']);
    before.ends_with("target:") && before.len() < usize::from(r.start())
}

fn entry_text(port: &PortMapping) -> Option<(&str, &str, usize)> {
    let Location::Source { file, range } = &port.at else { return None };
    let text = file.text();
    let start = usize::from(range.start());
    Some((text, text.get(start..usize::from(range.end()))?, start))
}

/// Adds `host_ip: 127.0.0.1` as the first key of a long-syntax entry, block or flow.
fn add_host_ip_key(port: &PortMapping) -> Option<Edit> {
    let (text, entry, start) = entry_text(port)?;
    if let Some(inner) = entry.strip_prefix('{') {
        let blanks = inner.len() - inner.trim_start().len();
        return Some(Edit::insert(((start + 1 + blanks) as u32).into(), "host_ip: 127.0.0.1, "));
    }
    // The first key's column, so the new key lines up with it under the `- `.
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..start].chars().count();
    Some(Edit::insert((start as u32).into(), format!("host_ip: 127.0.0.1\n{}", " ".repeat(column))))
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
        None if is_mapping(port) => add_host_ip_key(port),
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
            let whose = if spec.source.is_kubernetes() { " of the node" } else { "" };
            let msg = format!(
                "{} publishes container port {} on host port {host} of every interface{whose}",
                describe(spec),
                port.container_port.value
            );
            // A Kubernetes port has no `ip:host:container` text to prefix: only an
            // existing `hostIP` value can be rewritten.
            let edit =
                if spec.source.is_kubernetes() && port.host_ip.is_none() { None } else { bind_to_localhost(port) };
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

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_short_and_long_syntax() {
        let yaml = "services:\n  web:\n    image: x:1\n    ports:\n      - \"8080:80\"\n      - 0.0.0.0:8443:443\n      - \"127.0.0.1:9000:9000\"\n      - target: 5432\n        published: \"5432\"\n      - target: 6379\n        host_ip: 127.0.0.1\n        published: \"6379\"\n      - \"[::]:53:53/udp\"\n";
        assert_compose_flags(
            &PortPublishedOnAllInterfaces,
            yaml,
            &["\"8080:80\"", "0.0.0.0", "target: 5432\n        published: \"5432\"", "::"],
        );
    }

    #[test]
    fn compose_long_syntax_reads_an_address_in_published() {
        // `published: "127.0.0.1:8080"` is bound to loopback, not to every interface.
        let yaml = "services:\n  web:\n    image: x:1\n    ports:\n      - target: 80\n        published: \"127.0.0.1:8080\"\n      - target: 53\n        published: \"[::1]:53\"\n      - target: 81\n        published: \"0.0.0.0:81\"\n      - target: 82\n        host_ip: \"::\"\n        published: \"82\"\n";
        let d = assert_compose_flags(&PortPublishedOnAllInterfaces, yaml, &["0.0.0.0", "\"::\""]);
        // The message names the port, never the address as a port.
        assert_eq!(d[0].message, "service `web` publishes container port 81 on host port 81 of every interface");
        assert_eq!(d[1].message, "service `web` publishes container port 82 on host port 82 of every interface");
        assert_compose_fix(
            &PortPublishedOnAllInterfaces,
            "services:\n  web:\n    image: x:1\n    ports:\n      - target: 81\n        published: \"0.0.0.0:81\"\n",
            true,
            "services:\n  web:\n    image: x:1\n    ports:\n      - target: 81\n        published: \"127.0.0.1:81\"\n",
        );
    }

    #[test]
    fn compose_passes_expose_and_loopback() {
        assert_compose_clean(
            &PortPublishedOnAllInterfaces,
            "services:\n  web:\n    image: x:1\n    expose: [\"80\"]\n    ports: [\"127.0.0.1:8080:80\", \"[::1]:8081:80\"]\n",
        );
    }

    #[test]
    fn compose_fix_binds_to_loopback() {
        let yaml = "services:\n  web:\n    image: x:1\n    ports:\n      - \"8080:80\" # web\n      - 0.0.0.0:8443:443\n      - target: 5432\n        published: 5432\n      - {target: 6379, published: 6379}\n";
        assert_compose_fix(
            &PortPublishedOnAllInterfaces,
            yaml,
            true,
            "services:\n  web:\n    image: x:1\n    ports:\n      - \"127.0.0.1:8080:80\" # web\n      - 127.0.0.1:8443:443\n      - host_ip: 127.0.0.1\n        target: 5432\n        published: 5432\n      - {host_ip: 127.0.0.1, target: 6379, published: 6379}\n",
        );
        let reports = ComposeCase::new(yaml)
            .reports(&PortPublishedOnAllInterfaces, crate::check::FixMode::Apply { unsafe_fixes: false });
        assert!(reports[0].fixed.is_none(), "binding to loopback is not a safe fix");
    }
}

#[cfg(test)]
mod kubernetes_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn only_host_ports_publish() {
        assert_k8s_clean(&PortPublishedOnAllInterfaces, &deployment("", "ports:\n- containerPort: 80"));
        let d = assert_k8s_flags(
            &PortPublishedOnAllInterfaces,
            &deployment("", "ports:\n- containerPort: 80\n  hostPort: 8080"),
            &["containerPort: 80\n          hostPort: 8080"],
        );
        assert!(d[0].fix.is_none(), "no text to prefix in a Kubernetes port");
        assert!(d[0].message.ends_with("every interface of the node"), "{}", d[0].message);
        assert_k8s_clean(
            &PortPublishedOnAllInterfaces,
            &deployment("", "ports:\n- {containerPort: 80, hostPort: 8080, hostIP: 127.0.0.1}"),
        );
    }
}
