use super::{tcp_hosts, tls_on};
use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a `tcp://` entry in `hosts` (`-H`) when the daemon does not verify
    /// clients: `tlsverify` not `true`, or `tlscacert`, `tlscert` or `tlskey` not set.
    /// (A TCP socket on every interface with no TLS at all is DM011.)
    ///
    /// ## Why is this bad?
    /// Anyone who can reach the Docker API can start a privileged container and own the
    /// host. `tls` alone encrypts but lets every client in; only `tlsverify` with a CA
    /// checks client certificates. When the certificate paths are absent dockerd falls
    /// back to `~/.docker/{ca,cert,key}.pem` of the user running it, which is easy to
    /// get wrong and invisible in the configuration.
    ///
    /// ## Example
    /// ```json
    /// { "hosts": ["unix:///var/run/docker.sock", "tcp://10.0.0.5:2376"], "tls": true }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "hosts": ["unix:///var/run/docker.sock", "tcp://10.0.0.5:2376"],
    ///   "tlsverify": true, "tlscacert": "/etc/docker/tls/ca.pem",
    ///   "tlscert": "/etc/docker/tls/server.pem", "tlskey": "/etc/docker/tls/server-key.pem" }
    /// ```
    ///
    /// ## Fix
    /// Create a CA and server certificate, then set the four keys. No automatic fix.
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.7
    /// - Docker docs, "Protect the Docker daemon socket"
    pub struct TcpSocketWithoutTlsVerify;
    code = "DM010", name = "tcp-socket-without-tls-verify", severity = Warning,
    category = Security, target = Daemon, fix = None,
    summary = "The daemon listens on TCP without verifying client certificates",
    cis = ["2.7"],
    practices = ["a-daemon-tls", "b-socket-tls"],
}

impl DaemonRule for TcpSocketWithoutTlsVerify {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        let tls = tls_on(cx);
        let verify = cx.spec.bool("tlsverify") == Some(true);
        let missing: Vec<&str> = ["tlscacert", "tlscert", "tlskey"]
            .into_iter()
            .filter(|k| cx.spec.str(k).is_none_or(str::is_empty))
            .collect();
        for host in tcp_hosts(cx) {
            if host.all_interfaces && !tls {
                continue; // DM011
            }
            let problem = if !tls {
                "there is no TLS (`tls`/`tlsverify` not set)".to_string()
            } else if !verify {
                "`tls` without `tlsverify` accepts every client".to_string()
            } else if !missing.is_empty() {
                let list = missing.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
                format!("{list} not set, so dockerd falls back to `~/.docker/*.pem` of its user")
            } else {
                continue;
            };
            let at = host.value.at.clone();
            cx.report(&Self::META, at, format!("the daemon listens on `{}`, but {problem}", host.address));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;

    #[test]
    fn flags_tcp_hosts_without_verification() {
        assert_json_flags(
            &TcpSocketWithoutTlsVerify,
            r#"{"hosts": ["tcp://10.0.0.5:2376"], "tls": true}"#,
            &["\"tcp://10.0.0.5:2376\""],
        );
        assert_json_flags(&TcpSocketWithoutTlsVerify, r#"{"hosts": ["127.0.0.1:2375"]}"#, &["\"127.0.0.1:2375\""]);
        assert!(json_message(&TcpSocketWithoutTlsVerify, r#"{"hosts": ["tcp://h:1"], "tlsverify": true}"#)
            .contains("`tlscacert`, `tlscert`, `tlskey` not set"));
        assert_unit_flags(
            &TcpSocketWithoutTlsVerify,
            None,
            "[Service]\nExecStart=/usr/bin/dockerd -H tcp://10.1.1.1:2375\n",
            &["tcp://10.1.1.1:2375"],
        );
    }

    #[test]
    fn passes_verified_tls_unix_sockets_and_tls_words_in_log_opts() {
        assert_json_clean(
            &TcpSocketWithoutTlsVerify,
            r#"{"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"], "tlsverify": true, "tlscacert": "/c", "tlscert": "/s", "tlskey": "/k"}"#,
        );
        assert_json_clean(&TcpSocketWithoutTlsVerify, r#"{"hosts": ["unix:///var/run/docker.sock", "fd://"]}"#);
        // docker-bench false positive: "tls" text inside log-opts is not TLS, and no
        // TCP host means nothing to verify.
        assert_json_clean(
            &TcpSocketWithoutTlsVerify,
            r#"{"log-driver": "syslog", "log-opts": {"syslog-address": "tcp+tls://logs:6514", "syslog-tls-ca-cert": "/ca"}}"#,
        );
        // All interfaces without any TLS is DM011's finding, not this one.
        assert_json_clean(&TcpSocketWithoutTlsVerify, r#"{"hosts": ["tcp://0.0.0.0:2375"]}"#);
    }
}
