use super::{tcp_hosts, tls_on};
use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a `hosts` (`-H`) entry that listens on every interface (`0.0.0.0`, `::`)
    /// over TCP while the daemon has no TLS at all.
    ///
    /// ## Why is this bad?
    /// It is an unauthenticated root shell on the network: anyone who reaches the port
    /// can run `docker run --privileged -v /:/host` and own the machine. Exposed Docker
    /// APIs on 2375 are scanned for and taken over within hours (cryptominers).
    ///
    /// ## Example
    /// ```json
    /// { "hosts": ["tcp://0.0.0.0:2375"] }
    /// ```
    ///
    /// Use instead: a Unix socket (and SSH for remote access: `docker -H ssh://host`),
    /// or TLS with client verification (see DM010).
    ///
    /// ## Fix
    /// Remove the TCP host, or set `tlsverify` with a CA, certificate and key.
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.7
    /// - Docker docs, "Protect the Docker daemon socket"
    pub struct DaemonExposedWithoutTls;
    code = "DM011", name = "daemon-exposed-without-tls", severity = Error,
    category = Security, target = Daemon, fix = None,
    summary = "The Docker API listens on every interface without TLS",
    cis = ["2.7"],
    practices = ["a-daemon-tls", "b-socket-tls"],
}

impl DaemonRule for DaemonExposedWithoutTls {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        if tls_on(cx) {
            return;
        }
        for host in tcp_hosts(cx).into_iter().filter(|h| h.all_interfaces) {
            let at = host.value.at.clone();
            cx.report(
                &Self::META,
                at,
                format!("the Docker API listens on `{}` without TLS: anyone on the network is root here", host.address),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;

    #[test]
    fn flags_open_tcp() {
        assert_json_flags(
            &DaemonExposedWithoutTls,
            r#"{"hosts":["unix:///var/run/docker.sock","tcp://0.0.0.0:2375"]}"#,
            &["\"tcp://0.0.0.0:2375\""],
        );
        assert_json_flags(&DaemonExposedWithoutTls, r#"{"hosts":["tcp://[::]:2375"]}"#, &["\"tcp://[::]:2375\""]);
        assert_unit_flags(
            &DaemonExposedWithoutTls,
            Some("{}"),
            "[Service]\nExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375\n",
            &["tcp://0.0.0.0:2375"],
        );
    }

    #[test]
    fn sees_file_hosts_even_when_a_flag_also_sets_hosts() {
        assert_unit_flags(
            &DaemonExposedWithoutTls,
            Some(r#"{"hosts": ["tcp://0.0.0.0:2375"]}"#),
            "[Service]\nExecStart=/usr/bin/dockerd -H fd://\n",
            &["\"tcp://0.0.0.0:2375\""],
        );
    }

    #[test]
    fn passes_with_tls_or_specific_addresses() {
        assert_json_clean(&DaemonExposedWithoutTls, r#"{"hosts":["tcp://0.0.0.0:2376"], "tlsverify": true}"#);
        assert_json_clean(&DaemonExposedWithoutTls, r#"{"hosts":["tcp://10.0.0.5:2375"]}"#);
        assert_json_clean(&DaemonExposedWithoutTls, r#"{"hosts":["unix:///var/run/docker.sock"]}"#);
    }
}
