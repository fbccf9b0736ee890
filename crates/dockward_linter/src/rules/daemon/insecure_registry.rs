use std::net::IpAddr;

use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags `insecure-registries` (`--insecure-registry`) entries that reach beyond
    /// the loopback interface. Loopback entries (`127.0.0.0/8`, which dockerd always
    /// adds itself, `localhost:5000`, `::1`) pass.
    ///
    /// ## Why is this bad?
    /// For an insecure registry dockerd accepts plain HTTP or any TLS certificate.
    /// Anyone on the path can then serve you a different image under the same name. A
    /// CIDR entry extends that to every host in the range.
    ///
    /// ## Example
    /// ```json
    /// { "insecure-registries": ["registry.internal:5000", "10.0.0.0/8"] }
    /// ```
    ///
    /// Use instead: give the registry a certificate (trusted through
    /// `/etc/docker/certs.d/<registry>/ca.crt`) and remove the entry.
    ///
    /// ## Fix
    /// No automatic fix: pulls from the registry fail until it has a trusted certificate.
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.5
    /// - Docker docs, "Test an insecure registry"
    pub struct InsecureRegistry;
    code = "DM016", name = "insecure-registry", severity = Warning,
    category = Security, target = Daemon, fix = None,
    summary = "A registry is reached without TLS verification",
    cis = ["2.5"],
    practices = ["a-trusted-source", "b-daemon-hardening"],
}

/// True for entries only reachable over loopback.
fn is_loopback(entry: &str) -> bool {
    let e = entry.split_once("://").map_or(entry, |(_, r)| r);
    let (host, prefix) = match e.split_once('/') {
        Some((h, p)) => (h, p.parse::<u8>().ok()),
        None => (e, None),
    };
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None if host.matches(':').count() > 1 => host,
        None => host.split(':').next().unwrap_or(host),
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback() && prefix.is_none_or(|p| p >= 8),
        Ok(IpAddr::V6(ip)) => ip.is_loopback() && prefix.is_none_or(|p| p == 128),
        Err(_) => false,
    }
}

impl DaemonRule for InsecureRegistry {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        for v in cx.spec.list("insecure-registries") {
            let Some(entry) = v.value.as_str() else { continue };
            if is_loopback(entry) {
                continue;
            }
            let what = if entry.contains('/') && !entry.contains("://") { "every registry in" } else { "registry" };
            let at = v.at.clone();
            cx.report(
                &Self::META,
                at,
                format!(
                    "{what} `{entry}` is trusted without TLS verification: images from it can be swapped in transit"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;

    #[test]
    fn flags_non_loopback_entries() {
        assert_json_flags(
            &InsecureRegistry,
            r#"{"insecure-registries": ["127.0.0.0/8", "localhost:5000", "registry.lan:5000", "10.0.0.0/8", "[::1]:5000", "0.0.0.0/0"]}"#,
            &["\"registry.lan:5000\"", "\"10.0.0.0/8\"", "\"0.0.0.0/0\""],
        );
        assert_unit_flags(
            &InsecureRegistry,
            None,
            "[Service]\nExecStart=/usr/bin/dockerd --insecure-registry=10.1.2.3:5000\n",
            &["10.1.2.3:5000"],
        );
    }

    #[test]
    fn default_loopback_entry_passes() {
        // docker-bench false positive: dockerd's own default is not a finding.
        assert_json_clean(&InsecureRegistry, r#"{"insecure-registries": ["127.0.0.0/8"]}"#);
        assert_json_clean(&InsecureRegistry, r#"{"insecure-registries": []}"#);
        assert!(!is_loopback("127.0.0.0/7"));
    }
}
