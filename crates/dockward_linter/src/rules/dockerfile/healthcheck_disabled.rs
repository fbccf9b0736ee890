use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

use super::missing_healthcheck::{final_healthcheck, is_none};

declare_rule! {
    /// ## What it does
    /// Flags `HEALTHCHECK NONE` when it is the health check in force in the final
    /// image (the last one of the final stage or of a stage it is built on).
    ///
    /// ## Why is this bad?
    /// `NONE` switches off the health check the base image defines, so Docker can no
    /// longer tell a hung service from a healthy one.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM postgres:17
    /// HEALTHCHECK NONE
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM postgres:17
    /// HEALTHCHECK CMD pg_isready -U postgres || exit 1
    /// ```
    ///
    /// ## How to fix
    /// Replace it with a `HEALTHCHECK CMD` that fits the image, or remove it to keep
    /// the base image's check.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.6
    /// - Practices a, "Compliance and Auditing"; practices b, "Monitoring & Compliance"
    pub struct HealthcheckDisabled;
    code = "DF024", name = "healthcheck-disabled", severity = Info,
    category = Security, target = Dockerfile, fix = None,
    summary = "HEALTHCHECK NONE disables the health check in the final image",
    cis = ["4.6"],
    practices = ["b-image-hardening"],
}

impl DockerfileRule for HealthcheckDisabled {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let Some(hc) = final_healthcheck(cx.dockerfile, cx.model) else { return };
        if is_none(hc) {
            cx.report(&Self::META, hc.range, "HEALTHCHECK NONE turns off the image's health check")
                .help("use `HEALTHCHECK CMD <probe>` instead, or remove it to keep the base image's check");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_none_in_the_final_image() {
        assert_flags(&HealthcheckDisabled, "FROM a:1\nHEALTHCHECK NONE\n", &["HEALTHCHECK NONE"]);
        assert_flags(&HealthcheckDisabled, "FROM a:1 AS b\nHEALTHCHECK NONE\nFROM b\n", &["HEALTHCHECK NONE"]);
    }

    #[test]
    fn overridden_or_build_stage_none_is_fine() {
        assert_clean(&HealthcheckDisabled, "FROM a:1\nHEALTHCHECK NONE\nHEALTHCHECK CMD true\n");
        assert_clean(&HealthcheckDisabled, "FROM a:1 AS build\nHEALTHCHECK NONE\nFROM c:1\n");
    }
}
