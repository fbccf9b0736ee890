use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags a container whose healthcheck is disabled (`healthcheck: {disable: true}`,
    /// `test: ["NONE"]`, `--no-healthcheck`), and one with no healthcheck at all when
    /// its image is known to define none (the service's Dockerfile or the real image
    /// has no `HEALTHCHECK`). When the image is unknown, a missing healthcheck is not
    /// reported: the image may define one.
    ///
    /// Not reported for Kubernetes workloads: probes are not Docker healthchecks, and
    /// Kubernetes ignores the image's HEALTHCHECK.
    ///
    /// ## Why is this bad?
    /// Without a healthcheck Docker, Compose (`depends_on: condition: service_healthy`)
    /// and orchestrators only know whether the process is alive, not whether it
    /// works: a hung service keeps receiving traffic.
    ///
    /// ## Example
    /// ```sh
    /// docker run --no-healthcheck api
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --health-cmd 'wget -qO- http://localhost:8080/health || exit 1' api
    /// ```
    ///
    /// ## Fix
    /// Remove the override and define a healthcheck in the image or the service.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.27 (5.26 in older versions); practices b, "Monitoring & Compliance"
    pub struct HealthcheckDisabled;
    code = "CT027", name = "container-healthcheck-disabled", severity = Warning,
    category = Correctness, target = Container, fix = None,
    summary = "The container has its healthcheck disabled or none at all",
    aliases = ["698ed579-b239-4f8f-a388-baa4bcb13ef8"],
    cis = ["5.27"],
    practices = ["b-runtime-hardening"],
}

impl ContainerRule for HealthcheckDisabled {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        // The setting does not exist per container on Kubernetes (see docs/container-rules.md).
        if crate::rules::container::docker_only_setting_not_applicable(spec) {
            return;
        }
        match &spec.healthcheck {
            Some(h) if h.is_disabled() => {
                let msg = format!("{} disables its healthcheck", describe(spec));
                match (&h.disabled, &h.test) {
                    (Some(d), _) if d.value => cx.report_value(&Self::META, d, msg),
                    (_, Some(t)) => cx.report_value(&Self::META, t, msg),
                    _ => cx.report(&Self::META, &h.at, msg),
                };
            }
            Some(_) => {}
            None => {
                let Some(c) = spec.image_config.as_ref().filter(|c| c.has_healthcheck == Some(false)) else { return };
                let msg = format!("{} has no healthcheck, and its image defines none", describe(spec));
                let from = c.from.clone();
                cx.report(&Self::META, &spec.origin, msg).related(from, "the image is defined here");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;
    use dockward_diagnostics::Location;
    use dockward_spec::{EngineDefaults, ImageConfig};

    #[test]
    fn flags_disabled_healthchecks() {
        assert_run_flags(&HealthcheckDisabled, "docker run --no-healthcheck x", &["--no-healthcheck"]);
    }

    #[test]
    fn passes_healthchecks_and_unknown_images() {
        assert_run_clean(&HealthcheckDisabled, "docker run --health-cmd 'curl -f localhost' x");
        assert_run_clean(&HealthcheckDisabled, "docker run --no-healthcheck=false x");
        assert_run_clean(&HealthcheckDisabled, "docker run x");
    }

    #[test]
    fn flags_missing_healthcheck_when_the_image_has_none() {
        let from = Location::Logical { scope: "image/x".into(), path: "Config.Healthcheck".into() };
        let mut spec = spec_from_run("docker run x");
        spec.image_config = Some(ImageConfig { from, user: None, has_healthcheck: Some(false) });
        let d =
            lint_spec_with(&HealthcheckDisabled, spec, &EngineDefaults::default(), &settings_for(&HealthcheckDisabled));
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("defines none"));
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_disabled_healthchecks() {
        let yaml = "services:\n  a:\n    image: x:1\n    healthcheck:\n      disable: true\n  b:\n    image: x:1\n    healthcheck:\n      test: [\"NONE\"]\n  c:\n    image: x:1\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n";
        assert_compose_flags(&HealthcheckDisabled, yaml, &["true", "[\"NONE\"]"]);
    }

    #[test]
    fn compose_build_without_healthcheck_is_flagged() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\nCOPY app /app\n").unwrap();
        std::fs::create_dir(dir.path().join("ok")).unwrap();
        std::fs::write(dir.path().join("ok/Dockerfile"), "FROM scratch\nHEALTHCHECK CMD [\"/app\", \"-h\"]\n").unwrap();
        let yaml = "services:\n  a:\n    build: .\n  b:\n    build: ./ok\n";
        ComposeCase::new(yaml).in_dir(dir.path()).assert_flags(&HealthcheckDisabled, &["a"]);
    }
}
