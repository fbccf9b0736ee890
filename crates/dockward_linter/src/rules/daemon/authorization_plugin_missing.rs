use crate::declare_rule;
use crate::host::{HostContext, HostRule};

declare_rule! {
    /// ## What it does
    /// Checks, on a host (`--host-root`), that every plugin `authorization-plugins`
    /// (`--authorization-plugin`) names can be found the way dockerd looks for a legacy
    /// plugin: a socket `/run/docker/plugins/NAME.sock` or `/run/docker/plugins/NAME/NAME.sock`,
    /// a spec file `NAME.spec` or `NAME.json` in `/etc/docker/plugins` or
    /// `/usr/lib/docker/plugins`, or a systemd socket unit listening on
    /// `/run/docker/plugins/NAME.sock` (the socket of a socket-activated plugin exists only
    /// while the host runs, so an offline root shows only the unit). Managed (v2) plugins
    /// live in dockerd's data root and are not looked for: a name with a `:tag` or a `/` is
    /// not reported.
    ///
    /// ## Why is this bad?
    /// dockerd validates its authorization plugins when it starts and exits when one is
    /// missing ("failed to validate authorization plugin"); a configuration reload
    /// (`systemctl reload docker`, SIGHUP) while one is missing is fatal. With a plugin
    /// that was stopped, every API call waits about 15 seconds and then fails. A socket
    /// unit ordered before `docker.service` keeps the socket in place whether or not the
    /// plugin process runs.
    ///
    /// ## Example
    /// ```json
    /// { "authorization-plugins": ["dockward-guard"] }
    /// ```
    /// with no `/run/docker/plugins/dockward-guard.sock` and no socket unit for it.
    ///
    /// Use instead: install the plugin's socket unit (`dockward guard install` prints one,
    /// `Before=docker.service`), or remove the name from the list.
    ///
    /// ## Fix
    /// No automatic fix: which side is wrong (the list or the host) is the operator's call.
    ///
    /// ## References
    /// - Docker docs, "Access authorization plugin"
    /// - moby `daemon/command/daemon.go` (`validateAuthzPlugins` on start and reload)
    /// - docs/guard.md
    pub struct AuthorizationPluginMissing;
    code = "DM026", name = "authorization-plugin-missing", severity = Warning,
    category = Correctness, target = Daemon, fix = None,
    summary = "An authorization plugin the daemon is configured with cannot be found on the host",
    practices = ["b-daemon-hardening"],
}

impl HostRule for AuthorizationPluginMissing {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut HostContext<'_>) {
        let missing: Vec<_> = cx
            .daemon
            .list("authorization-plugins")
            .into_iter()
            .filter_map(|v| v.value.as_str().map(|name| (name.to_string(), v.at.clone())))
            // A managed plugin (`name:tag`, `repo/name`) is found through the data root.
            .filter(|(name, _)| !name.contains([':', '/']))
            .filter(|(name, _)| !cx.host.plugin_names.iter().any(|found| found == name))
            .collect();
        for (name, at) in missing {
            let message = format!(
                "authorization plugin `{name}` has no socket, spec file or socket unit on this host: dockerd will not \
                 start, and a reload is fatal"
            );
            cx.report(&Self::META, at, message).help(format!(
                "a socket unit listening on /run/docker/plugins/{name}.sock, ordered Before=docker.service"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing_daemon::*;

    const JSON: &str = r#"{"authorization-plugins": ["dockward-guard", "opa", "acme/authz:1"]}"#;

    #[test]
    fn reports_each_plugin_dockerd_cannot_find() {
        let fx = HostFixture::new();
        fx.file("/etc/docker/daemon.json", JSON, 0o644);
        let found: Vec<String> = fx.findings("DM026").iter().map(|d| d.message.to_string()).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("`dockward-guard`") || found[1].contains("`dockward-guard`"));
    }

    #[test]
    fn sockets_spec_files_and_socket_units_count() {
        let fx = HostFixture::new();
        fx.file("/etc/docker/daemon.json", JSON, 0o644).socket("/run/docker/plugins/opa/opa.sock", 0o600).file(
            "/etc/systemd/system/dockward-guard.socket",
            "[Socket]\nListenStream=/run/docker/plugins/dockward-guard.sock\n",
            0o644,
        );
        assert!(fx.findings("DM026").is_empty());
        let fx = HostFixture::new();
        fx.file("/etc/docker/daemon.json", r#"{"authorization-plugins": ["opa"]}"#, 0o644).file(
            "/etc/docker/plugins/opa.spec",
            "unix:///var/run/opa.sock\n",
            0o644,
        );
        assert!(fx.findings("DM026").is_empty());
    }

    #[test]
    fn no_plugins_configured_is_clean() {
        let fx = HostFixture::new();
        fx.file("/etc/docker/daemon.json", "{}", 0o644);
        assert!(fx.findings("DM026").is_empty());
    }
}
