use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags `"seccomp-profile": "unconfined"`, which switches off the default
    /// seccomp profile for every container.
    ///
    /// ## Why is this bad?
    /// Docker's default seccomp profile blocks about 44 system calls containers do not
    /// need (`keyctl`, `kexec_load`, `open_by_handle_at`, `bpf` without a capability),
    /// several of which were the way out in past container escapes. Daemon-wide
    /// `unconfined` removes that layer from every container at once. When the key is
    /// absent the built-in default profile applies, which is fine; a custom profile
    /// path passes too.
    ///
    /// ## Example
    /// ```json
    /// { "seccomp-profile": "unconfined" }
    /// ```
    ///
    /// Use instead: remove the key (or point it at a reviewed custom profile).
    ///
    /// ## Fix
    /// No automatic fix: find the container that needed it and give only that one a
    /// custom profile.
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.17, 5.22
    /// - Docker docs, "Seccomp security profiles for Docker"
    pub struct SeccompUnconfined;
    code = "DM014", name = "seccomp-unconfined", severity = Error,
    category = Security, target = Daemon, fix = None,
    summary = "The default seccomp profile is disabled for every container",
    cis = ["2.17"],
    practices = ["b-runtime-hardening"],
}

impl DaemonRule for SeccompUnconfined {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        let Some(v) = cx.spec.value("seccomp-profile") else { return };
        if v.value.as_str().is_some_and(|p| p.eq_ignore_ascii_case("unconfined")) {
            let at = v.at.clone();
            cx.report(&Self::META, at, "`seccomp-profile` is `unconfined`: no container gets a seccomp filter");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;

    #[test]
    fn flags_unconfined_only() {
        assert_json_flags(&SeccompUnconfined, r#"{"seccomp-profile": "unconfined"}"#, &["\"unconfined\""]);
        assert_unit_flags(
            &SeccompUnconfined,
            None,
            "[Service]\nExecStart=/usr/bin/dockerd --seccomp-profile unconfined\n",
            &["unconfined"],
        );
        assert_json_clean(&SeccompUnconfined, r#"{"seccomp-profile": "/etc/docker/seccomp.json"}"#);
        assert_json_clean(&SeccompUnconfined, "{}");
    }
}
