use dockward_diagnostics::Applicability;

use super::{check_bool, BoolCheck};
use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags `userland-proxy` left at its default or set to `true`.
    ///
    /// ## Why is this bad?
    /// The userland proxy runs a `docker-proxy` process per published port. Hairpin NAT in the kernel
    /// does the same job with less attack surface and less memory.
    ///
    /// When the key is absent, dockerd's default is `true`.
    ///
    /// ## Example
    /// ```json
    /// { "userland-proxy": true }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "userland-proxy": false }
    /// ```
    ///
    /// ## Fix
    /// The fix sets `"userland-proxy": false`. It is unsafe: on old kernels and for loopback
    /// access to published ports some setups still need the proxy.
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.16
    /// - dockerd reference, `--userland-proxy`
    pub struct UserlandProxyEnabled;
    code = "DM013", name = "userland-proxy-enabled", severity = Info,
    category = Security, target = Daemon, fix = Sometimes,
    summary = "The userland proxy is on; published ports go through docker-proxy", cis = ["2.16"],
    practices = ["b-network-hardening"],
}

impl DaemonRule for UserlandProxyEnabled {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        check_bool(
            cx,
            &Self::META,
            BoolCheck {
                key: "userland-proxy",
                bad: true,
                default: true,
                effect: "a `docker-proxy` process listens for every published port",
                fix: Some(Applicability::Unsafe),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;

    #[test]
    fn flags_the_bad_value() {
        assert_json_flags(&UserlandProxyEnabled, r#"{"userland-proxy":true}"#, &["true"]);
        assert_json_clean(&UserlandProxyEnabled, r#"{"userland-proxy": false}"#);
        // Absent: dockerd's default applies.
        assert_json_flags(&UserlandProxyEnabled, "{\"debug\": false}", &["{"]);
        assert!(json_message(&UserlandProxyEnabled, "{}").contains("default is `true`"));
    }

    #[test]
    fn reads_flags_too() {
        assert_unit_flags(
            &UserlandProxyEnabled,
            None,
            "[Service]\nExecStart=/usr/bin/dockerd --userland-proxy=true\n",
            &["true"],
        );
        // A lone unit file does not say what daemon.json sets.
        assert_lone_unit_is_silent(&UserlandProxyEnabled);
    }

    #[test]
    fn fix_sets_the_key() {
        assert_json_fix(
            &UserlandProxyEnabled,
            "{\n  \"userland-proxy\": true\n}\n",
            "{\n  \"userland-proxy\": false\n}\n",
            Applicability::Unsafe,
        );
        assert_json_fix(
            &UserlandProxyEnabled,
            "{\n  \"debug\": false\n}\n",
            "{\n  \"debug\": false,\n  \"userland-proxy\": false\n}\n",
            Applicability::Unsafe,
        );
    }
}
