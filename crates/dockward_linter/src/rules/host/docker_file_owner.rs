use dockward_diagnostics::Location;
use dockward_host::Owner;

use crate::declare_rule;
use crate::host::{HostContext, HostRule};

declare_rule! {
    /// ## What it does
    /// Checks the owner of the files that control Docker: `docker.service`,
    /// `docker.socket`, `/etc/docker`, registry certificates in
    /// `/etc/docker/certs.d`, the TLS CA, certificate and key named by the daemon's
    /// configuration, `daemon.json`, `/etc/default/docker`, `/etc/sysconfig/docker`
    /// and `containerd.sock` must be `root:root`; the Docker socket `root:docker`.
    /// Files that do not exist are not applicable.
    ///
    /// ## Why is this bad?
    /// Whoever owns one of these files can change how the daemon starts, which
    /// registries it trusts, or talk to it directly: all of them are root on the host.
    ///
    /// ## Example
    /// ```text
    /// -rw-r--r-- 1 deploy deploy  /etc/docker/daemon.json
    /// ```
    ///
    /// ## Fix
    /// `chown root:root <file>` (`chown root:docker /var/run/docker.sock`).
    ///
    /// ## References
    /// - CIS Docker Benchmark 3.1, 3.3, 3.5, 3.7, 3.9, 3.11, 3.13, 3.15, 3.17, 3.19, 3.22, 3.23
    pub struct DockerFileOwner;
    code = "HO002", name = "docker-file-owner", severity = Warning,
    category = Security, target = Host, fix = None,
    summary = "A file that controls Docker is not owned by root",
    cis = ["3.1", "3.3", "3.5", "3.7", "3.9", "3.11", "3.13", "3.15", "3.17", "3.19", "3.22", "3.23"],
    practices = ["b-daemon-hardening"],
}

impl HostRule for DockerFileOwner {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut HostContext<'_>) {
        let docker_gid =
            cx.group.as_ref().and_then(|g| dockward_host::parse::group_entry(g.text(), "docker")).and_then(|e| e.gid);
        for f in &cx.host.stats {
            let st = f.stat;
            let (ok, expected) = match f.owner {
                Owner::RootRoot => (st.uid == 0 && st.gid == 0, "root:root"),
                Owner::RootDocker => (st.uid == 0 && (st.gid == 0 || Some(st.gid) == docker_gid), "root:docker"),
            };
            if ok {
                continue;
            }
            let message = format!("{} is owned by {}:{}, not {expected} (CIS {})", f.what, st.uid, st.gid, f.cis_owner);
            cx.report(&Self::META, Location::File { name: f.display.clone() }, message).cis_controls(&[f.cis_owner]);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing_daemon::*;

    #[test]
    fn flags_non_root_owners() {
        let fx = HostFixture::new();
        fx.dir("/etc/docker", 0o755)
            .file("/etc/docker/daemon.json", "{}", 0o644)
            .chown("/etc/docker/daemon.json", 1000, 1000)
            .file("/lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd\n", 0o644)
            .file("/etc/group", "docker:x:998:\n", 0o644)
            .socket("/run/docker.sock", 0o660)
            .chown("/run/docker.sock", 0, 998)
            .symlink("/var/run", "/run")
            .file("/etc/docker/certs.d/reg:5000/ca.crt", "x", 0o444)
            .chown("/etc/docker/certs.d/reg:5000/ca.crt", 0, 50);
        let found: Vec<String> = fx.findings("HO002").iter().map(|d| fx.where_(d)).collect();
        assert_eq!(found, ["/etc/docker/certs.d/reg:5000/ca.crt", "/etc/docker/daemon.json"]);
        assert!(fx.findings("HO002")[1].message.contains("1000:1000, not root:root (CIS 3.17)"));
    }

    #[test]
    fn missing_files_are_not_applicable() {
        let fx = HostFixture::new();
        fx.dir("/etc", 0o755);
        assert!(fx.findings("HO002").is_empty());
    }

    #[test]
    fn tls_files_named_by_the_config_are_checked() {
        let fx = HostFixture::new();
        fx.file(
            "/etc/docker/daemon.json",
            r#"{"tlsverify": true, "tlscacert": "/etc/docker/tls/ca.pem", "tlscert": "/etc/docker/tls/cert.pem", "tlskey": "/etc/docker/tls/key.pem"}"#,
            0o644,
        )
        .file("/etc/docker/tls/ca.pem", "c", 0o444)
        .file("/etc/docker/tls/cert.pem", "c", 0o444)
        .file("/etc/docker/tls/key.pem", "k", 0o400)
        .chown("/etc/docker/tls/key.pem", 1000, 0);
        let found = fx.findings("HO002");
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("TLS server key"));
    }
}
