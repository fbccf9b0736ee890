use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags mounts whose propagation is `shared` or `rshared` (`-v /x:/y:rshared`,
    /// `bind-propagation=shared`, Compose `bind.propagation: rshared`).
    ///
    /// ## Why is this bad?
    /// With shared propagation, mounts the container makes under that path appear on
    /// the host (and the other way round): a compromised container can mount over
    /// host paths.
    ///
    /// ## Example
    /// ```sh
    /// docker run -v /mnt:/mnt:rshared app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -v /mnt:/mnt app
    /// ```
    ///
    /// ## Fix
    /// Use the default (`rprivate`), or `rslave` if the container must see the host's
    /// later mounts.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.20 (5.19 in older versions); practices b, "Filesystem & Volume Security"
    pub struct SharedMountPropagation;
    code = "CT015", name = "shared-mount-propagation", severity = Warning,
    category = Security, target = Container, fix = None,
    summary = "A mount propagates mounts back to the host (shared or rshared)",
    aliases = ["baa452f0-1f21-4a25-ace5-844e7a5f410d"],
    cis = ["5.20"],
    practices = ["a-isolation"],
}

impl ContainerRule for SharedMountPropagation {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        for m in &spec.mounts {
            let Some(p) = m.propagation.as_ref().filter(|p| matches!(p.value.as_str(), "shared" | "rshared")) else {
                continue;
            };
            let msg = format!("{} mounts `{}` with `{}` propagation", describe(spec), m.target.value, p.value);
            cx.report_value(&Self::META, p, msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_shared_and_rshared() {
        assert_run_flags(
            &SharedMountPropagation,
            "docker run -v /mnt:/mnt:ro,rshared --mount type=bind,src=/a,dst=/a,bind-propagation=shared x",
            &["rshared", "shared"],
        );
    }

    #[test]
    fn passes_private_and_slave() {
        assert_run_clean(&SharedMountPropagation, "docker run -v /mnt:/mnt:rslave -v /b:/b:private x");
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_shared_propagation_in_both_syntaxes() {
        let yaml = "services:\n  web:\n    image: x:1\n    volumes:\n      - /mnt:/mnt:rshared\n      - type: bind\n        source: /srv\n        target: /srv\n        bind:\n          propagation: shared\n      - /opt:/opt:rslave\n";
        assert_compose_flags(&SharedMountPropagation, yaml, &["rshared", "shared"]);
        assert_compose_clean(
            &SharedMountPropagation,
            "services:\n  web:\n    image: x:1\n    volumes: [\"/mnt:/mnt:ro,rprivate\"]\n",
        );
    }
}
