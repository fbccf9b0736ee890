use dockward_diagnostics::Location;

use crate::declare_rule;
use crate::host::{HostContext, HostRule};

declare_rule! {
    /// ## What it does
    /// Reports a host whose Docker daemon runs as root (a system `docker.service` or
    /// `/etc/docker/daemon.json`) with no rootless Docker set up: no
    /// `~/.config/systemd/user/docker.service` under `/home`, no
    /// `/run/user/<uid>/docker.sock`, no `dockerd-rootless.sh` in the unit.
    ///
    /// ## Why is this bad?
    /// A rootful daemon turns any container escape, and any access to its socket, into
    /// root on the host. Rootless Docker runs the daemon and containers as an ordinary
    /// user, so the same escape lands in an unprivileged account. The guides ask to
    /// prefer it where the workloads allow (no privileged containers, ports above
    /// 1024 or `net.ipv4.ip_unprivileged_port_start`).
    ///
    /// ## Example
    /// ```text
    /// /lib/systemd/system/docker.service  (ExecStart=/usr/bin/dockerd -H fd://)
    /// ```
    ///
    /// ## Fix
    /// `dockerd-rootless-setuptool.sh install` as the user that runs the workloads.
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.1 (run the daemon as a non-root user)
    /// - Docker docs, "Rootless mode"
    pub struct RootfulDocker;
    code = "HO006", name = "rootful-docker", severity = Info,
    category = Security, target = Host, fix = None,
    summary = "Docker runs as root and rootless mode is not set up",
    cis = ["2.1"],
    practices = ["b-rootless"],
}

impl HostRule for RootfulDocker {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut HostContext<'_>) {
        if !cx.host.rootful_daemon || !cx.host.rootless_evidence.is_empty() || cx.daemon.rootless {
            return;
        }
        let at = match cx.daemon.origin.clone() {
            l @ Location::Source { .. } => l,
            _ => Location::Logical { scope: "host".into(), path: "docker".into() },
        };
        cx.report(&Self::META, at, "the Docker daemon runs as root and rootless Docker is not set up; prefer rootless");
    }
}

#[cfg(test)]
mod tests {
    use crate::testing_daemon::*;

    #[test]
    fn reports_rootful_only() {
        let fx = HostFixture::new();
        fx.file("/lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd -H fd://\n", 0o644);
        let found = fx.findings("HO006");
        assert_eq!(found.len(), 1);
        assert_eq!(fx.where_(&found[0]), "/lib/systemd/system/docker.service:2:11");

        fx.file(
            "/home/ann/.config/systemd/user/docker.service",
            "[Service]\nExecStart=/usr/bin/dockerd-rootless.sh\n",
            0o644,
        );
        assert!(fx.findings("HO006").is_empty());

        let fx = HostFixture::new();
        fx.file("/etc/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd-rootless.sh\n", 0o644);
        assert!(fx.findings("HO006").is_empty());
        assert!(HostFixture::new().findings("HO006").is_empty());
    }
}
