use dockward_diagnostics::Location;

use crate::declare_rule;
use crate::host::{HostContext, HostRule};

declare_rule! {
    /// ## What it does
    /// Checks the permissions of the files that control Docker against the loosest
    /// mode CIS allows: `docker.service`, `docker.socket`, `daemon.json`,
    /// `/etc/default/docker`, `/etc/sysconfig/docker` 644; `/etc/docker` 755; registry
    /// certificates, the TLS CA and certificate 444; the TLS key 400; the Docker and
    /// containerd sockets 660. Any bit beyond those (group or world write, setuid) is
    /// reported with the actual mode. Files that do not exist are not applicable.
    ///
    /// ## Why is this bad?
    /// A world-writable unit or `daemon.json` lets any local user change how the
    /// root daemon starts; a readable TLS key lets them impersonate it; a
    /// world-writable socket makes every local user root.
    ///
    /// ## Example
    /// ```text
    /// -rw-rw-rw- 1 root root  /etc/docker/daemon.json
    /// ```
    ///
    /// ## Fix
    /// `chmod 644 /etc/docker/daemon.json` (and the mode named in the message for the others).
    ///
    /// ## References
    /// - CIS Docker Benchmark 3.2, 3.4, 3.6, 3.8, 3.10, 3.12, 3.14, 3.16, 3.18, 3.20, 3.21, 3.24
    pub struct DockerFileMode;
    code = "HO003", name = "docker-file-mode", severity = Warning,
    category = Security, target = Host, fix = None,
    summary = "A file that controls Docker has looser permissions than CIS allows",
    cis = ["3.2", "3.4", "3.6", "3.8", "3.10", "3.12", "3.14", "3.16", "3.18", "3.20", "3.21", "3.24"],
    practices = ["b-daemon-hardening"],
}

impl HostRule for DockerFileMode {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut HostContext<'_>) {
        for f in &cx.host.stats {
            let extra = f.stat.mode & !f.max_mode;
            if extra == 0 {
                continue;
            }
            let message = format!(
                "{} has mode {:04o}; {:04o} or stricter is expected (extra bits {:04o}, CIS {})",
                f.what, f.stat.mode, f.max_mode, extra, f.cis_mode
            );
            cx.report(&Self::META, Location::File { name: f.display.clone() }, message)
                .cis_controls(&[f.cis_mode])
                .help(format!("chmod {:o} {}", f.stat.mode & f.max_mode, f.host_path));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing_daemon::*;

    #[test]
    fn flags_loose_modes() {
        let fx = HostFixture::new();
        fx.dir("/etc/docker", 0o775)
            .file("/etc/docker/daemon.json", "{}", 0o666)
            .file("/etc/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd\n", 0o644)
            .file("/etc/default/docker", "DOCKER_OPTS=\"\"\n", 0o600)
            .socket("/var/run/docker.sock", 0o666);
        let found: Vec<String> = fx.findings("HO003").iter().map(|d| fx.where_(d)).collect();
        assert_eq!(found, ["/etc/docker", "/etc/docker/daemon.json", "/var/run/docker.sock"]);
        let msgs: Vec<String> = fx.findings("HO003").iter().map(|d| d.message.to_string()).collect();
        assert!(msgs[1].contains("mode 0666; 0644 or stricter"), "{msgs:?}");
        assert!(msgs[2].contains("CIS 3.16"));
    }

    #[test]
    fn the_containerd_socket_dockerd_starts_is_checked() {
        let fx = HostFixture::new();
        fx.socket("/run/docker/containerd/containerd.sock", 0o666);
        let found = fx.findings("HO003");
        assert_eq!(found.iter().map(|d| fx.where_(d)).collect::<Vec<_>>(), ["/run/docker/containerd/containerd.sock"]);
        assert!(found[0].message.contains("CIS 3.24"), "{}", found[0].message);
    }

    #[test]
    fn strict_modes_pass() {
        let fx = HostFixture::new();
        fx.dir("/etc/docker", 0o755)
            .file("/etc/docker/daemon.json", "{}", 0o600)
            .file("/etc/docker/certs.d/r/ca.crt", "x", 0o444)
            .socket("/var/run/docker.sock", 0o660);
        assert!(fx.findings("HO003").is_empty());
    }
}
