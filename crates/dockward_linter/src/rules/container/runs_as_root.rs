use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags a container that runs as root: an explicit `user: root`, `0`, `0:0`,
    /// `root:root` (`-u`, `Config.User`), or no user at all while the image's own
    /// `USER` is root or unknown. When the image's configuration is known (the
    /// service's Dockerfile, or the real image) its final `USER` decides; a `docker
    /// run` line's image is unknown, so a line without `-u` is reported and the
    /// message says the image's user could not be checked.
    ///
    /// ## Why is this bad?
    /// Root in a container is root on the host's kernel: any escape (a kernel bug, a
    /// dangerous mount or capability) starts with full privileges.
    ///
    /// ## Example
    /// ```sh
    /// docker run -u 0 app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -u 10001:10001 app
    /// ```
    ///
    /// ## Fix
    /// Set a non-root `user` (a numeric UID works without an `/etc/passwd` entry), or
    /// a non-root `USER` in the image.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.1; practices a, "Running as Non-Root"; practices b, "Runtime Hardening"
    pub struct RunsAsRoot;
    code = "CT020", name = "runs-as-root", severity = Warning,
    category = Security, target = Container, fix = None,
    summary = "The container runs as root",
    aliases = ["CKV_K8S_23", "CKV_K8S_40", "KSV-0012", "KSV-0020", "KSV-0105", "C-0013", "run-as-non-root", "runAsRootAllowed", "container-security-context-user-group-id"],
    cis = ["4.1"],
    practices = ["a-non-root", "b-non-root", "b-compose-non-root"],
}

/// True if a `user` value (`name`, `uid`, `name:group`) is root.
pub(crate) fn is_root_user(user: &str) -> bool {
    let who = user.split(':').next().unwrap_or("").trim();
    // Docker reads a numeric user as a uid, so `00` and `+0` are root too.
    who.is_empty() || who == "root" || who.parse::<u32>() == Ok(0)
}

impl ContainerRule for RunsAsRoot {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        if let Some(u) = &spec.user {
            if u.value.contains('$') || !is_root_user(&u.value) {
                return;
            }
            let msg = if spec.source.is_kubernetes() {
                format!("{} runs as root (`runAsUser: {}`)", describe(spec), u.value.split(':').next().unwrap_or(""))
            } else {
                format!("{} runs as root (`user: {}`)", describe(spec), u.value)
            };
            cx.report_value(&Self::META, u, msg);
            return;
        }
        match spec.image_config.as_ref().and_then(|c| c.user.as_ref().map(|u| (c, u))) {
            Some((_, Some(u))) if !is_root_user(&u.value) => {}
            Some((c, image_user)) => {
                let how = match image_user {
                    Some(u) => format!("its image sets `USER {}`", u.value),
                    None => "its image sets no USER".to_string(),
                };
                let msg = format!("{} sets no user and {how}, so it runs as root", describe(spec));
                let at = image_user.as_ref().map(|u| u.at.clone()).unwrap_or_else(|| c.from.clone());
                cx.report(&Self::META, &spec.origin, msg).related(at, "the image's user is decided here");
            }
            None => {
                let msg = if spec.source.is_kubernetes() {
                    format!(
                        "{} sets neither `runAsUser` nor `runAsNonRoot: true`, and its image's USER is unknown; it runs as root unless the image sets one",
                        describe(spec)
                    )
                } else {
                    format!(
                        "{} sets no user and its image's USER is unknown; it runs as root unless the image sets one",
                        describe(spec)
                    )
                };
                cx.report(&Self::META, &spec.origin, msg);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;
    use dockward_diagnostics::Location;
    use dockward_spec::{EngineDefaults, ImageConfig, Val};

    #[test]
    fn flags_explicit_root() {
        assert_run_flags(&RunsAsRoot, "docker run -u 0 -u root:root x", &["root:root"]);
        assert_run_flags(&RunsAsRoot, "docker run --user=0:0 x", &["0:0"]);
    }

    #[test]
    fn flags_unknown_image_user() {
        assert_run_flags(&RunsAsRoot, "docker run x", &["docker run x"]);
        assert!(run_messages(&RunsAsRoot, "docker run x")[0].contains("unknown"));
    }

    #[test]
    fn passes_non_root() {
        assert_run_clean(&RunsAsRoot, "docker run -u 1000 x");
        assert_run_clean(&RunsAsRoot, "docker run --user app:app x");
        assert_run_clean(&RunsAsRoot, "docker run -u \"$UID\" x");
    }

    #[test]
    fn the_image_config_decides_when_known() {
        let from = Location::Logical { scope: "image/x".into(), path: "Config.User".into() };
        let s = settings_for(&RunsAsRoot);
        let mut spec = spec_from_run("docker run x");
        spec.image_config = Some(ImageConfig {
            from: from.clone(),
            user: Some(Some(Val::new("app".into(), from.clone()))),
            has_healthcheck: None,
        });
        assert!(lint_spec_with(&RunsAsRoot, spec.clone(), &EngineDefaults::default(), &s).is_empty());
        spec.image_config = Some(ImageConfig { from, user: Some(None), has_healthcheck: None });
        let d = lint_spec_with(&RunsAsRoot, spec, &EngineDefaults::default(), &s);
        assert!(d[0].message.contains("sets no USER"), "{}", d[0].message);
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_root_users() {
        for user in ["root", "\"0\"", "0:0", "root:docker"] {
            assert_compose_flags(
                &RunsAsRoot,
                &format!("services:\n  web:\n    image: x:1\n    user: {user}\n"),
                &[user],
            );
        }
        assert_compose_flags(&RunsAsRoot, "services:\n  web:\n    image: x:1\n", &["web"]);
        assert_compose_clean(&RunsAsRoot, "services:\n  web:\n    image: x:1\n    user: \"1000:1000\"\n");
    }

    #[test]
    fn compose_build_dockerfile_user_decides() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("app")).unwrap();
        std::fs::create_dir(dir.path().join("adm")).unwrap();
        std::fs::write(dir.path().join("app/Dockerfile"), "FROM debian:12\nUSER app\n").unwrap();
        std::fs::write(dir.path().join("adm/Dockerfile"), "FROM debian:12\nUSER app\nUSER root\n").unwrap();
        let yaml = "services:\n  app:\n    build: ./app\n  adm:\n    build:\n      context: adm\n";
        let d = ComposeCase::new(yaml).in_dir(dir.path()).assert_flags(&RunsAsRoot, &["adm"]);
        assert_eq!(related_spans(&d[0]), ["root"]);
        assert!(d[0].message.contains("`USER root`"), "{}", d[0].message);
    }
}

#[cfg(test)]
mod kubernetes_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn run_as_user_and_run_as_non_root() {
        let d = assert_k8s_flags(&RunsAsRoot, &deployment("securityContext:\n  runAsUser: 0", ""), &["runAsUser"]);
        assert!(d[0].message.contains("`runAsUser: 0`"), "{}", d[0].message);
        assert_eq!(related_spans(&d[0]), ["securityContext"], "inherited from the pod");
        assert_k8s_clean(
            &RunsAsRoot,
            &deployment("securityContext:\n  runAsUser: 0", "securityContext:\n  runAsUser: 1000"),
        );
        assert_k8s_clean(&RunsAsRoot, &deployment("securityContext:\n  runAsNonRoot: true", ""));
        let d = assert_k8s_flags(&RunsAsRoot, &deployment("", "securityContext:\n  runAsNonRoot: false"), &["app"]);
        assert!(d[0].message.contains("runAsNonRoot"), "{}", d[0].message);
    }
}
