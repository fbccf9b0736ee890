use crate::declare_rule;
use crate::rules::container::{describe, normalise_path, ContainerContext, ContainerRule};
use dockward_spec::{ContainerSpec, MountKind};

declare_rule! {
    /// ## What it does
    /// Flags a bind mount of the Docker daemon's socket, by any path:
    /// `/var/run/docker.sock`, `/run/docker.sock`, a rootless socket (any file named
    /// `docker.sock`), or a directory that holds it (`/run`, `/var/run`). Paths are
    /// normalised first, so `//var/run/docker.sock/` and `/var/run/../run/docker.sock`
    /// count. Read-only mounts count too: the socket is a door, not a file.
    /// A Compose named volume of the `local` driver whose options bind a host path
    /// (`driver_opts: {type: none, o: bind, device: /path}`) is a bind of that path.
    ///
    /// ## Why is this bad?
    /// Whoever can talk to the socket can start a privileged container that mounts
    /// the host's root: access to the socket is root on the host.
    ///
    /// ## Example
    /// ```sh
    /// docker run -v /var/run/docker.sock:/var/run/docker.sock:ro portainer/agent
    /// ```
    ///
    /// Use instead: a socket proxy that allows only the API calls the tool needs
    /// (for example a read-only `GET /containers` filter), reached over a private network.
    ///
    /// ## Fix
    /// Remove the mount, or put an API-filtering proxy between the container and the daemon.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.32 (5.31 in older versions); practices b, "Runtime Hardening"
    pub struct DockerSocketMounted;
    code = "CT012", name = "docker-socket-mounted", severity = Error,
    category = Security, target = Container, fix = None,
    summary = "The Docker daemon socket is mounted into the container",
    aliases = ["d6355c88-1e8d-49e9-b2f2-f8a1ca12c75b"],
    cis = ["5.32"], practices = ["b: Runtime Hardening"],
}

/// True if the host path is the Docker socket or a directory that holds it.
pub(crate) fn exposes_docker_socket(host_path: &str) -> bool {
    let p = normalise_path(host_path);
    p.rsplit('/').next() == Some("docker.sock")
        || matches!(p.as_str(), "/run" | "/var/run" | "/run/docker" | "/var/run/docker")
}

impl ContainerRule for DockerSocketMounted {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        for m in spec.mounts.iter().filter(|m| m.kind == MountKind::Bind) {
            let Some(src) = &m.source else { continue };
            if exposes_docker_socket(&src.value) {
                let what = if normalise_path(&src.value).ends_with("docker.sock") {
                    "the Docker socket".to_string()
                } else {
                    format!("`{}`, which holds the Docker socket", src.value)
                };
                let msg = format!("{} mounts {what}: control of the daemon is root on the host", describe(spec));
                cx.report_value(&Self::META, src, msg);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_the_socket_by_any_path() {
        assert_run_flags(
            &DockerSocketMounted,
            "docker run -v /var/run/docker.sock:/var/run/docker.sock:ro -v //run/docker.sock/:/s \
             -v /var/run:/host-run --mount type=bind,src=/run/user/1000/docker.sock,dst=/d x",
            &["/var/run/docker.sock", "//run/docker.sock/", "/var/run", "/run/user/1000/docker.sock"],
        );
    }

    #[test]
    fn passes_other_mounts() {
        assert_run_clean(&DockerSocketMounted, "docker run -v /srv/data:/data -v docker.sock:/x x");
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_the_socket_in_short_and_long_syntax() {
        let yaml = "services:\n  web:\n    image: x:1\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n      - type: bind\n        source: /run/docker.sock\n        target: /s\n      - \"/var/run:/host-run\"\n";
        assert_compose_flags(&DockerSocketMounted, yaml, &["/var/run/docker.sock", "/run/docker.sock", "/var/run"]);
        let d = ComposeCase::new("services:\n  web:\n    image: x:1\n    volumes: [\"${SOCK}:/s\"]\n")
            .env(&[("SOCK", "/var/run/docker.sock")])
            .assert_flags(&DockerSocketMounted, &["\"${SOCK}:/s\""]);
        assert!(!d[0].related.is_empty());
    }

    #[test]
    fn compose_passes_named_volumes_and_other_binds() {
        assert_compose_clean(
            &DockerSocketMounted,
            "services:\n  web:\n    image: x:1\n    volumes:\n      - docker.sock:/var/run/docker.sock\n      - ./data:/data\nvolumes:\n  docker.sock: {}\n",
        );
    }
}

#[cfg(test)]
mod volume_bind_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn a_local_volume_binding_the_socket_is_the_socket() {
        let yaml = "services:\n  web:\n    image: x:1\n    volumes: [\"sock:/var/run/docker.sock\"]\nvolumes:\n  sock:\n    driver_opts: {type: none, o: bind, device: /var/run/docker.sock}\n";
        let d = assert_compose_flags(&DockerSocketMounted, yaml, &["sock"]);
        assert_eq!(related_spans(&d[0]), ["/var/run/docker.sock"]);
        // A volume of another driver, or without `o: bind`, is not a bind.
        let yaml = "services:\n  web:\n    image: x:1\n    volumes: [\"a:/a\", \"b:/b\"]\nvolumes:\n  a:\n    driver: rexray\n    driver_opts: {o: bind, device: /var/run/docker.sock}\n  b:\n    driver_opts: {type: tmpfs, device: tmpfs, o: size=10m}\n";
        assert_compose_clean(&DockerSocketMounted, yaml);
    }
}
