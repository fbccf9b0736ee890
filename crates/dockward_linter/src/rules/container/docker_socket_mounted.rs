use crate::declare_rule;
use crate::rules::container::{describe, normalise_path, ContainerContext, ContainerRule};
use dockward_spec::{ContainerSpec, MountKind};

declare_rule! {
    /// ## What it does
    /// Flags a bind mount of a container runtime's API socket, by any path:
    /// Docker's `/var/run/docker.sock`, `/run/docker.sock`, a rootless socket (any file
    /// named `docker.sock`), containerd's `/run/containerd/containerd.sock`, CRI-O's
    /// `/var/run/crio/crio.sock`, `dockershim.sock`, `cri-dockerd.sock` and
    /// `podman.sock`, or a directory that holds one (`/run`, `/var/run`,
    /// `/var/run/docker`, `/run/containerd`, `/var/run/crio`). Paths are
    /// normalised first, so `//var/run/docker.sock/` and `/var/run/../run/docker.sock`
    /// count. Read-only mounts count too: the socket is a door, not a file.
    /// The same check runs over every source: Compose, `docker run` lines, live
    /// containers and Kubernetes `hostPath` volumes, where the node's runtime is
    /// usually containerd or CRI-O rather than Docker.
    /// A Compose named volume of the `local` driver whose options bind a host path
    /// (`driver_opts: {type: none, o: bind, device: /path}`) is a bind of that path.
    ///
    /// ## Why is this bad?
    /// Whoever can talk to the socket can start a privileged container that mounts
    /// the host's root: access to the socket is root on the host (on a Kubernetes
    /// node, containerd's or CRI-O's socket gives the same power over every pod of the
    /// node).
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
    /// - Kubernetes: kubescape C-0074, Trivy KSV-0006, Checkov CKV_K8S_27, kube-linter `docker-sock`
    pub struct DockerSocketMounted;
    code = "CT012", name = "docker-socket-mounted", severity = Error,
    category = Security, target = Container, fix = None,
    summary = "A container runtime's socket (Docker, containerd, CRI-O) is mounted into the container",
    aliases = ["d6355c88-1e8d-49e9-b2f2-f8a1ca12c75b", "KSV-0006", "CKV_K8S_27", "C-0074", "docker-sock"],
    cis = ["5.32"],
    practices = ["b-no-docker-socket"],
}

/// Socket file names of container runtimes, and the runtime each belongs to.
const RUNTIME_SOCKETS: &[(&str, &str)] = &[
    ("docker.sock", "the Docker socket"),
    ("containerd.sock", "containerd's socket"),
    ("crio.sock", "CRI-O's socket"),
    ("dockershim.sock", "the dockershim socket"),
    ("cri-dockerd.sock", "cri-dockerd's socket"),
    ("podman.sock", "Podman's socket"),
];

/// Directories that hold a runtime's socket at its default path.
const SOCKET_DIRS: &[&str] = &[
    "/run",
    "/var/run",
    "/run/docker",
    "/var/run/docker",
    "/run/containerd",
    "/var/run/containerd",
    "/run/crio",
    "/var/run/crio",
    "/run/podman",
    "/var/run/podman",
];

/// What runtime socket the host path is ("the Docker socket"), or `None`.
fn runtime_socket(host_path: &str) -> Option<&'static str> {
    let p = normalise_path(host_path);
    let file = p.rsplit('/').next()?;
    RUNTIME_SOCKETS.iter().find(|(name, _)| *name == file).map(|(_, what)| *what)
}

/// True if the host path is a runtime's socket (Docker, containerd, CRI-O, ...) or a
/// directory that holds one.
pub(crate) fn exposes_docker_socket(host_path: &str) -> bool {
    runtime_socket(host_path).is_some() || SOCKET_DIRS.contains(&normalise_path(host_path).as_str())
}

impl ContainerRule for DockerSocketMounted {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        for m in spec.mounts.iter().filter(|m| m.kind == MountKind::Bind) {
            let Some(src) = &m.source else { continue };
            if exposes_docker_socket(&src.value) {
                let what = match runtime_socket(&src.value) {
                    Some(what) => what.to_string(),
                    None => format!("`{}`, which holds a container runtime's socket", src.value),
                };
                let msg = format!("{} mounts {what}: control of the runtime is root on the host", describe(spec));
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

#[cfg(test)]
mod runtime_socket_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn containerd_and_crio_sockets_for_docker_sources() {
        let d = assert_run_flags_diags(
            "docker run -v /run/containerd/containerd.sock:/c.sock -v /var/run/crio/crio.sock:/crio.sock \
             -v /var/run/docker:/d -v /run/containerd:/cd x",
            &["/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/var/run/docker", "/run/containerd"],
        );
        assert!(d[0].message.contains("containerd's socket"), "{}", d[0].message);
        assert!(d[1].message.contains("CRI-O's socket"), "{}", d[1].message);
        assert!(d[3].message.contains("holds a container runtime's socket"), "{}", d[3].message);
        assert_compose_flags(
            &DockerSocketMounted,
            "services:\n  web:\n    image: x:1\n    volumes: [/run/containerd/containerd.sock:/s]\n",
            &["/run/containerd/containerd.sock"],
        );
        assert_run_clean(&DockerSocketMounted, "docker run -v /run/containerd-data:/x -v /srv/crio:/y x");
    }

    fn assert_run_flags_diags(text: &str, expected: &[&str]) -> Vec<dockward_diagnostics::Diagnostic> {
        let d = lint_run(&DockerSocketMounted, text);
        assert_eq!(spans(text, &d), expected);
        d
    }

    #[test]
    fn kubernetes_host_path_volumes() {
        let pod = "volumes:\n- {name: sock, hostPath: {path: /var/run/crio/crio.sock, type: Socket}}\n- {name: unused, hostPath: {path: /var/run/docker.sock}}";
        let d = assert_k8s_flags(
            &DockerSocketMounted,
            &deployment(pod, "volumeMounts:\n- {name: sock, mountPath: /var/run/crio/crio.sock, readOnly: true}"),
            &["/var/run/crio/crio.sock"],
        );
        assert_eq!(related_spans(&d[0]), ["/var/run/crio/crio.sock"], "the mountPath of the container");
        assert!(d[0].message.contains("CRI-O"), "{}", d[0].message);
    }
}
