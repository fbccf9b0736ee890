use dockward_dockerfile::{Args, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `VOLUME` on system paths: `/`, `/etc`, `/proc`, `/sys`, `/dev`, `/boot`,
    /// `/root`, `/usr`, `/lib`, `/bin`, `/sbin`, `/run`, `/var/run`, and the Docker or
    /// containerd socket (`/var/run/docker.sock`). `/var/lib/docker`, the usual
    /// anonymous volume of Docker-in-Docker images, is not reported.
    ///
    /// ## Why is this bad?
    /// A volume there invites mounting the host's copy of that path, which gives the
    /// container control of the host (`docker.sock`, `/proc`, `/sys`, `/dev`) or lets
    /// it rewrite the system it runs on. A volume over system directories also hides
    /// the image's own files behind whatever is mounted.
    ///
    /// ## Example
    /// ```dockerfile
    /// VOLUME /var/run/docker.sock
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// VOLUME /var/lib/app/data
    /// ```
    ///
    /// ## How to fix
    /// Declare volumes only for application data directories.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.6 and 5.32 (sensitive host directories, Docker socket)
    /// - Practices b, "Filesystem & Volume Security", "Runtime Hardening"
    pub struct SensitiveVolume;
    code = "DF021", name = "sensitive-volume", severity = Warning,
    category = Security, target = Dockerfile, fix = None,
    summary = "VOLUME declares a system path or the Docker socket",
    aliases = ["DKL-DI-0002"],
    cis = ["5.6", "5.32"],
    practices = ["b-image-hardening"],
}

const SENSITIVE: &[&str] = &[
    "/",
    "/etc",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/root",
    "/usr",
    "/lib",
    "/lib64",
    "/bin",
    "/sbin",
    "/run",
    "/var/run",
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/containerd",
    "/var/run/containerd",
];

impl DockerfileRule for SensitiveVolume {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        for (i, instr) in cx.dockerfile.instructions.iter().enumerate() {
            if instr.kind != InstructionKind::Volume {
                continue;
            }
            let Args::Paths(paths) = &instr.args else { continue };
            for p in &paths.paths {
                let value = cx.model.expand_at(i, &p.value);
                if !value.is_resolved() {
                    continue;
                }
                let mut path = value.value.trim().to_string();
                while path.len() > 1 && path.ends_with('/') {
                    path.pop();
                }
                let socket = path.ends_with("docker.sock") || path.ends_with("containerd.sock");
                if socket || SENSITIVE.contains(&path.as_str()) {
                    let what = if socket { "the container engine's socket" } else { "a system path" };
                    cx.report(&Self::META, p.range, format!("VOLUME `{path}` is {what}"))
                        .help("declare volumes only for application data directories");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_system_paths_and_sockets() {
        assert_flags(&SensitiveVolume, "FROM a:1\nVOLUME /var/run/docker.sock\n", &["/var/run/docker.sock"]);
        assert_flags(&SensitiveVolume, "FROM a:1\nVOLUME [\"/data\", \"/etc/\"]\n", &["\"/etc/\""]);
        assert_flags(&SensitiveVolume, "FROM a:1\nVOLUME /proc /sys\n", &["/proc", "/sys"]);
    }

    #[test]
    fn data_directories_are_fine() {
        assert_clean(
            &SensitiveVolume,
            "FROM a:1\nVOLUME /var/lib/postgresql/data /etc-data /run/app /var/lib/docker\n",
        );
        assert_clean(&SensitiveVolume, "FROM a:1\nARG D\nVOLUME $D\n");
    }
}
