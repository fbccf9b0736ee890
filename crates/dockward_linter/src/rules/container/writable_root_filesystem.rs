use dockward_diagnostics::Fix;

use crate::declare_rule;
use crate::rules::container::{add_security_context_edit, add_setting_edit, describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags a container whose root filesystem is writable: no `read_only: true`, no
    /// `--read-only`, or `HostConfig.ReadonlyRootfs` false.
    ///
    /// ## Why is this bad?
    /// A writable root filesystem lets an attacker who gets code execution drop tools,
    /// change binaries or persist until the container is recreated. Most services
    /// write only to a few known paths.
    ///
    /// ## Example
    /// ```sh
    /// docker run nginx
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --read-only --tmpfs /var/cache/nginx --tmpfs /run nginx
    /// ```
    ///
    /// ## Fix
    /// Make the root filesystem read-only and give the paths the process writes a
    /// `tmpfs` or a volume. The fix (`read_only: true`, `--read-only`, Kubernetes
    /// `readOnlyRootFilesystem: true` in the container's `securityContext`) is unsafe:
    /// the service fails if it writes elsewhere.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.13; practices b, "Runtime Hardening"
    pub struct WritableRootFilesystem;
    code = "CT004", name = "writable-root-filesystem", severity = Warning,
    category = Security, target = Container, fix = Sometimes,
    summary = "The container's root filesystem is writable",
    aliases = ["CKV_K8S_22", "KSV-0014", "C-0017", "no-read-only-root-fs", "notReadOnlyRootFilesystem", "container-security-context-readonlyrootfilesystem"],
    cis = ["5.13"],
    practices = ["b-read-only", "b-compose-read-only", "b-tmpfs"],
}

impl ContainerRule for WritableRootFilesystem {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        match &spec.read_only {
            Some(r) if r.value => {}
            Some(r) => {
                let msg = format!("{} sets its root filesystem writable", describe(spec));
                cx.report_value(&Self::META, r, msg)
                    .help("use a read-only root filesystem with tmpfs for writable paths");
            }
            None => {
                let msg = format!("{} has a writable root filesystem (the default)", describe(spec));
                let edit = if spec.source.is_kubernetes() {
                    add_security_context_edit(spec, "readOnlyRootFilesystem: true")
                } else {
                    add_setting_edit(spec, "read_only: true", "--read-only")
                };
                let d = cx.report(&Self::META, &spec.origin, msg);
                d.help("use a read-only root filesystem with tmpfs for writable paths");
                if let Some(edit) = edit {
                    d.fix(Fix::unsafe_("Make the root filesystem read-only", vec![edit]));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_missing_and_false() {
        assert_run_flags(&WritableRootFilesystem, "docker run nginx", &["docker run nginx"]);
        assert_run_flags(&WritableRootFilesystem, "docker run --read-only=false nginx", &["--read-only=false"]);
    }

    #[test]
    fn passes_read_only() {
        assert_run_clean(&WritableRootFilesystem, "docker run --read-only --tmpfs /run nginx");
    }

    #[test]
    fn unsafe_fix_adds_the_flag() {
        assert_run_fix(&WritableRootFilesystem, "docker run nginx", "docker run --read-only nginx");
        let d = lint_run(&WritableRootFilesystem, "docker run nginx");
        assert_eq!(d[0].fix.as_ref().unwrap().applicability, dockward_diagnostics::Applicability::Unsafe);
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_unset_or_false() {
        assert_compose_flags(&WritableRootFilesystem, "services:\n  web:\n    image: x:1\n", &["web"]);
        assert_compose_flags(
            &WritableRootFilesystem,
            "services:\n  web:\n    read_only: false\n    image: x:1\n",
            &["false"],
        );
        assert_compose_clean(
            &WritableRootFilesystem,
            "services:\n  web:\n    image: x:1\n    read_only: true\n    tmpfs: [/tmp]\n",
        );
    }

    #[test]
    fn compose_fix_is_unsafe_and_adds_read_only() {
        let yaml = "services:\n  web:\n    image: x:1\n    # ports next\n    ports:\n      - \"127.0.0.1:80:80\"\n";
        let reports = ComposeCase::new(yaml)
            .reports(&WritableRootFilesystem, crate::check::FixMode::Apply { unsafe_fixes: false });
        assert!(reports[0].fixed.is_none(), "read_only is not a safe fix");
        assert_compose_fix(
            &WritableRootFilesystem,
            yaml,
            true,
            "services:\n  web:\n    image: x:1\n    # ports next\n    ports:\n      - \"127.0.0.1:80:80\"\n    read_only: true\n",
        );
    }
}
