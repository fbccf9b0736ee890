use crate::declare_rule;
use crate::rules::container::{describe, normalise_path, ContainerContext, ContainerRule};
use dockward_spec::{ContainerSpec, MountKind};

declare_rule! {
    /// ## What it does
    /// Flags bind mounts of sensitive host paths, or of anything under them: `/`,
    /// `/etc`, `/boot`, `/dev`, `/lib`, `/lib64`, `/bin`, `/sbin`, `/proc`, `/sys`,
    /// `/usr`, `/root`, `/var/lib/docker`, `/var/lib/containerd`, `/var/lib/kubelet`.
    /// Paths are normalised (`//etc/`, `/usr/../etc`). A few read-only files that
    /// containers commonly need (`/etc/localtime`, `/etc/timezone`,
    /// `/usr/share/zoneinfo`, `/etc/ssl/certs`, `/usr/share/ca-certificates`) are not
    /// reported; the Docker socket has its own rule.
    /// A Compose named volume of the `local` driver whose options bind a host path
    /// (`driver_opts: {type: none, o: bind, device: /path}`) is a bind of that path.
    ///
    /// ## Why is this bad?
    /// A writable mount of these paths lets the container change the host's
    /// configuration, binaries, boot files or other containers' data; even read-only
    /// they leak secrets (`/etc/shadow`, `/root/.ssh`, image layers).
    ///
    /// ## Example
    /// ```sh
    /// docker run -v /etc:/host/etc monitor
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -v /etc/monitor/config.yaml:/config.yaml:ro monitor
    /// ```
    ///
    /// ## Fix
    /// Mount only the file or directory the process needs, read-only.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.6 (5.5 in older versions); practices b, "Filesystem & Volume Security"
    pub struct SensitiveHostPathMounted;
    code = "CT013", name = "sensitive-host-path-mounted", severity = Error,
    category = Security, target = Container, fix = None,
    summary = "A sensitive host directory is mounted into the container",
    aliases = ["1c1325ff-831d-43a1-973e-839ae57dfcc0", "KSV-0023", "C-0048", "sensitive-host-mounts", "hostPathSet"],
    cis = ["5.6"],
    practices = ["b-no-sensitive-mounts"],
}

const SENSITIVE: &[&str] = &[
    "/etc",
    "/boot",
    "/dev",
    "/lib",
    "/lib32",
    "/lib64",
    "/bin",
    "/sbin",
    "/proc",
    "/sys",
    "/usr",
    "/root",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/kubelet",
];

const HARMLESS_READ_ONLY: &[&str] =
    &["/etc/localtime", "/etc/timezone", "/usr/share/zoneinfo", "/etc/ssl/certs", "/usr/share/ca-certificates"];

/// The sensitive root a normalised host path is, or lies under.
pub(crate) fn sensitive_root(path: &str) -> Option<&'static str> {
    if path == "/" {
        return Some("/");
    }
    SENSITIVE.iter().copied().find(|root| path == *root || path.strip_prefix(root).is_some_and(|r| r.starts_with('/')))
}

impl ContainerRule for SensitiveHostPathMounted {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        for m in spec.mounts.iter().filter(|m| m.kind == MountKind::Bind) {
            let Some(src) = &m.source else { continue };
            let path = normalise_path(&src.value);
            let Some(root) = sensitive_root(&path) else { continue };
            let ro = m.is_read_only();
            if ro && HARMLESS_READ_ONLY.iter().any(|h| path == *h || path.starts_with(&format!("{h}/"))) {
                continue;
            }
            let mode = if ro { "read-only" } else { "writable" };
            let whose = if root == path { String::new() } else { format!(" (under `{root}`)") };
            let msg = format!("{} mounts the host's `{path}`{whose} {mode}", describe(spec));
            cx.report_value(&Self::META, src, msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_sensitive_paths_and_children() {
        assert_run_flags(
            &SensitiveHostPathMounted,
            "docker run -v /:/host:ro -v //etc/:/e -v /proc/1:/p -v /var/lib/docker/volumes:/v:ro \
             --mount type=bind,source=/root/.ssh,target=/ssh x",
            &["/", "//etc/", "/proc/1", "/var/lib/docker/volumes", "/root/.ssh"],
        );
        assert_eq!(
            run_messages(&SensitiveHostPathMounted, "docker run -v /etc/shadow:/s:ro x"),
            ["`docker run` of `x` mounts the host's `/etc/shadow` (under `/etc`) read-only"]
        );
    }

    #[test]
    fn passes_ordinary_and_harmless_paths() {
        assert_run_clean(
            &SensitiveHostPathMounted,
            "docker run -v /srv/app:/app -v /etc/localtime:/etc/localtime:ro -v /etcetera:/x -v etc:/etc x",
        );
    }

    #[test]
    fn harmless_paths_only_when_read_only() {
        assert_run_flags(
            &SensitiveHostPathMounted,
            "docker run -v /etc/localtime:/etc/localtime x",
            &["/etc/localtime"],
        );
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_sensitive_binds() {
        let yaml = "services:\n  web:\n    image: x:1\n    volumes:\n      - /:/host\n      - /etc/nginx:/etc/nginx\n      - type: bind\n        source: /proc\n        target: /hp\n";
        assert_compose_flags(&SensitiveHostPathMounted, yaml, &["/", "/etc/nginx", "/proc"]);
    }

    #[test]
    fn compose_passes_project_paths_and_named_volumes() {
        assert_compose_clean(
            &SensitiveHostPathMounted,
            "services:\n  web:\n    image: x:1\n    volumes:\n      - ./etc:/etc/app\n      - etc:/etc/data\n      - type: volume\n        source: proc\n        target: /p\nvolumes:\n  etc:\n  proc:\n",
        );
    }
}

#[cfg(test)]
mod volume_bind_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn a_local_volume_binding_etc_mounts_etc() {
        let yaml = "services:\n  web:\n    image: x:1\n    volumes:\n      - hostetc:/host/etc:ro\n      - type: volume\n        source: tz\n        target: /etc/localtime\n        read_only: true\n      - data:/data\nvolumes:\n  hostetc:\n    driver: local\n    driver_opts:\n      type: none\n      o: bind\n      device: /etc\n  tz:\n    driver_opts: {type: none, o: bind, device: /etc/localtime}\n  data:\n    driver_opts: {type: none, o: bind, device: /srv/data}\n";
        let d = assert_compose_flags(&SensitiveHostPathMounted, yaml, &["hostetc"]);
        assert!(d[0].message.contains("`/etc` read-only"), "{}", d[0].message);
    }
}
