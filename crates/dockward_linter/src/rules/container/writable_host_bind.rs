use crate::declare_rule;
use crate::rules::container::docker_socket_mounted::exposes_docker_socket;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::{ContainerSpec, MountKind};

declare_rule! {
    /// ## What it does
    /// Reports bind mounts that are writable (no `:ro`, `read_only: true` or
    /// `readonly`), as a reminder to make them read-only where the container only
    /// reads. The Docker socket is left to its own rule.
    /// A Compose named volume of the `local` driver whose options bind a host path
    /// (`driver_opts: {type: none, o: bind, device: /path}`) is a bind of that path.
    ///
    /// ## Why is this bad?
    /// A writable bind lets a compromised container change files on the host that
    /// other processes trust: configuration, scripts, web roots.
    ///
    /// ## Example
    /// ```sh
    /// docker run -v /srv/config:/config app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -v /srv/config:/config:ro app
    /// ```
    ///
    /// ## Fix
    /// Add `:ro` (or `read_only: true` in the long syntax) to mounts the process only reads.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.6; practices b, "Filesystem & Volume Security"
    pub struct WritableHostBind;
    code = "CT014", name = "writable-host-bind", severity = Info,
    category = Security, target = Container, fix = None,
    summary = "A host directory is bind-mounted writable",
    aliases = ["KSV-0121", "C-0045", "writable-host-mount", "hostPathSet"],
    cis = ["5.6"],
    practices = ["b-read-only-volumes"],
}

impl ContainerRule for WritableHostBind {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        for m in spec.mounts.iter().filter(|m| m.kind == MountKind::Bind && !m.is_read_only()) {
            let Some(src) = &m.source else { continue };
            if exposes_docker_socket(&src.value) {
                continue;
            }
            let msg = format!(
                "{} mounts the host's `{}` writable at `{}`; make it read-only if the container only reads it",
                describe(spec),
                src.value,
                m.target.value
            );
            cx.report(&Self::META, &m.at, msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_writable_binds_at_the_whole_entry() {
        assert_run_flags(
            &WritableHostBind,
            "docker run -v ./src:/app -v /data:/data:rw --mount type=bind,src=/x,dst=/y x",
            &["-v ./src:/app", "-v /data:/data:rw", "--mount type=bind,src=/x,dst=/y"],
        );
    }

    #[test]
    fn passes_read_only_binds_and_volumes() {
        assert_run_clean(
            &WritableHostBind,
            "docker run -v ./src:/app:ro -v data:/data --mount type=bind,src=/x,dst=/y,readonly \
             -v /var/run/docker.sock:/var/run/docker.sock x",
        );
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_writable_binds_only() {
        let yaml = "services:\n  web:\n    image: x:1\n    volumes:\n      - ./data:/data\n      - ./conf:/conf:ro\n      - data:/var/lib/data\n      - type: bind\n        source: ./logs\n        target: /logs\n      - type: bind\n        source: ./cfg\n        target: /cfg\n        read_only: true\nvolumes:\n  data:\n";
        assert_compose_flags(
            &WritableHostBind,
            yaml,
            &["./data:/data", "type: bind\n        source: ./logs\n        target: /logs"],
        );
    }
}

#[cfg(test)]
mod volume_bind_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn a_local_volume_binding_a_host_path_is_a_host_bind() {
        let yaml = "services:\n  web:\n    image: x:1\n    volumes:\n      - data:/data\n      - conf:/conf:ro\n      - rodev:/rodev\n      - plain:/plain\nvolumes:\n  data:\n    driver_opts: {type: none, o: bind, device: /srv/data}\n  conf:\n    driver_opts: {type: none, o: bind, device: /srv/conf}\n  rodev:\n    driver_opts: {type: none, o: \"bind,ro\", device: /srv/ro}\n  plain:\n";
        let d = assert_compose_flags(&WritableHostBind, yaml, &["data:/data"]);
        assert!(d[0].message.contains("`/srv/data` writable"), "{}", d[0].message);
    }
}
