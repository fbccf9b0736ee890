use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a daemon with no `authorization-plugins` (`--authorization-plugin`).
    /// When the key is absent, dockerd authorises nothing beyond socket access.
    ///
    /// ## Why is this bad?
    /// Without an authorisation plugin, access to the Docker socket is all or nothing:
    /// every client that can connect can do everything, including starting privileged
    /// containers. A plugin (Open Policy Agent's `opa-docker-authz`, for example) can
    /// refuse such requests. Many setups accept all-or-nothing, hence the info level.
    ///
    /// ## Example
    /// ```json
    /// { "icc": false }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "icc": false, "authorization-plugins": ["opa-docker-authz"] }
    /// ```
    ///
    /// ## Fix
    /// Install and configure a plugin first; no automatic fix.
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.12
    /// - Docker docs, "Access authorization plugin"
    pub struct NoAuthorizationPlugin;
    code = "DM019", name = "no-authorization-plugin", severity = Info,
    category = Security, target = Daemon, fix = None,
    summary = "No authorization plugin limits what API clients may do",
    cis = ["2.12"],
    practices = ["b-daemon-hardening"],
}

impl DaemonRule for NoAuthorizationPlugin {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        match cx.spec.value("authorization-plugins") {
            Some(v) if cx.spec.list("authorization-plugins").is_empty() => {
                let at = v.at.clone();
                cx.report(&Self::META, at, "`authorization-plugins` is empty: every API client may do everything");
            }
            Some(_) => {}
            None => {
                cx.report_absent(
                    &Self::META,
                    "`authorization-plugins` is not set, so by default every API client may do everything",
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
    fn reports_missing_plugins() {
        assert_json_flags(&NoAuthorizationPlugin, "{}", &["{"]);
        assert_json_flags(&NoAuthorizationPlugin, r#"{"authorization-plugins": []}"#, &["[]"]);
        assert_json_clean(&NoAuthorizationPlugin, r#"{"authorization-plugins": ["opa-docker-authz"]}"#);
        assert_unit_flags(
            &NoAuthorizationPlugin,
            Some("{}"),
            "[Service]\nExecStart=/usr/bin/dockerd --authorization-plugin=authz\n",
            &[],
        );
    }
}
