use dockward_diagnostics::Location;

use crate::declare_rule;
use crate::host::{HostContext, HostRule};

declare_rule! {
    /// ## What it does
    /// Checks `/proc/self/mountinfo` (under the host root) for a mount point at the
    /// daemon's data root: `data-root` from the configuration, `/var/lib/docker` by
    /// default. Without a mountinfo file the rule is not applicable.
    ///
    /// ## Why is this bad?
    /// Images, containers' writable layers, volumes and json logs all live under the
    /// data root. On the root partition, one container that writes or logs without
    /// limit fills `/` and stops the host (sshd, journald, package updates).
    ///
    /// ## Example
    /// ```text
    /// 22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
    /// ```
    ///
    /// ## Fix
    /// Give the data root its own filesystem (a partition or LVM volume mounted at
    /// `/var/lib/docker`) before Docker is set up; moving it later means stopping the
    /// daemon and copying the data.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.1.1
    pub struct DockerRootNotSeparatePartition;
    code = "HO005", name = "docker-root-not-separate-partition", severity = Warning,
    category = BestPractice, target = Host, fix = None,
    summary = "The Docker data root is not on its own partition",
    cis = ["1.1.1"],
    practices = ["b-hardened-host"],
}

impl HostRule for DockerRootNotSeparatePartition {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut HostContext<'_>) {
        let Some(file) = cx.mountinfo.clone() else { return };
        let root = cx.host.data_root.trim_end_matches('/');
        let points = dockward_host::parse::mount_points(file.text());
        if points.iter().any(|(p, _)| p.trim_end_matches('/') == root) {
            return;
        }
        let on = points
            .iter()
            .filter(|(p, _)| {
                let p = p.trim_end_matches('/');
                p.is_empty() || (root.starts_with(p) && root.as_bytes().get(p.len()) == Some(&b'/'))
            })
            .max_by_key(|(p, _)| p.len());
        let (message, at) = match on {
            Some((p, range)) => (
                format!("`{root}` is not a mount point; it is on the filesystem mounted at `{p}`"),
                Location::source(&file, *range),
            ),
            None => (format!("`{root}` is not a mount point"), Location::File { name: file.name().to_string() }),
        };
        cx.report(&Self::META, at, message);
    }
}

#[cfg(test)]
mod tests {
    use crate::testing_daemon::*;

    const ROOT_ONLY: &str = "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n23 22 0:5 / /var rw - ext4 /dev/sda2 rw\n";

    #[test]
    fn flags_data_root_on_a_shared_filesystem() {
        let fx = HostFixture::new();
        fx.file("/proc/self/mountinfo", ROOT_ONLY, 0o444);
        let found = fx.findings("HO005");
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("mounted at `/var`"), "{}", found[0].message);
        assert_eq!(fx.where_(&found[0]), "/proc/self/mountinfo:2:13");
    }

    #[test]
    fn separate_mount_and_configured_data_root() {
        let fx = HostFixture::new();
        fx.file(
            "/proc/self/mountinfo",
            &format!("{ROOT_ONLY}30 22 8:3 / /var/lib/docker rw - xfs /dev/sdb rw\n"),
            0o444,
        );
        assert!(fx.findings("HO005").is_empty());
        let fx = HostFixture::new();
        fx.file("/proc/self/mountinfo", &format!("{ROOT_ONLY}30 22 8:3 / /srv/docker rw - xfs /dev/sdb rw\n"), 0o444)
            .file("/etc/docker/daemon.json", r#"{"data-root": "/srv/docker"}"#, 0o644);
        assert!(fx.findings("HO005").is_empty());
        // No mountinfo: not applicable.
        assert!(HostFixture::new().findings("HO005").is_empty());
    }
}
