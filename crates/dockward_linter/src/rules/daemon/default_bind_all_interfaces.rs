use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports the default bind address for published ports (`ip`, `--ip`) when it is
    /// every interface: absent (dockerd's default is `0.0.0.0`) or `0.0.0.0`/`::`.
    ///
    /// ## Why is this bad?
    /// `-p 8080:80` without an address then publishes on every interface, public ones
    /// included, and Docker's iptables rules are evaluated before most host firewalls
    /// (ufw, firewalld zones) see the packet. Setting `ip` to `127.0.0.1` makes
    /// publishing to the outside an explicit choice (`-p 0.0.0.0:8080:80`).
    ///
    /// ## Example
    /// ```json
    /// { "ip": "0.0.0.0" }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "ip": "127.0.0.1" }
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: services published without an address stop being reachable
    /// from outside.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.14 (bind ports to a specific interface)
    /// - Docker docs, "Packet filtering and firewalls"
    pub struct DefaultBindAllInterfaces;
    code = "DM025", name = "default-bind-all-interfaces", severity = Info,
    category = Security, target = Daemon, fix = None,
    summary = "Published ports bind to every interface by default",
    practices = ["b-bind-ports"],
}

impl DaemonRule for DefaultBindAllInterfaces {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        match cx.spec.value("ip") {
            Some(v) => {
                if matches!(v.value.as_str(), Some("0.0.0.0" | "::" | "")) {
                    let at = v.at.clone();
                    cx.report(&Self::META, at, "ports published without an address bind to every interface");
                }
            }
            None => {
                cx.report_absent(
                    &Self::META,
                    "`ip` is not set, so dockerd's default `0.0.0.0` binds ports published without an address to every interface",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;

    #[test]
    fn reports_all_interfaces() {
        assert_json_flags(&DefaultBindAllInterfaces, "{}", &["{"]);
        assert_json_flags(&DefaultBindAllInterfaces, r#"{"ip": "0.0.0.0"}"#, &["\"0.0.0.0\""]);
        assert_json_clean(&DefaultBindAllInterfaces, r#"{"ip": "127.0.0.1"}"#);
        assert_unit_flags(
            &DefaultBindAllInterfaces,
            Some("{}"),
            "[Service]\nExecStart=/usr/bin/dockerd --ip 10.0.0.4\n",
            &[],
        );
    }
}
