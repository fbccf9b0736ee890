use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a `storage-driver` that Docker has deprecated or removed: `aufs`,
    /// `devicemapper`, `overlay` (the original, not `overlay2`). Absent passes:
    /// dockerd picks `overlay2` (or the containerd image store) on current systems.
    ///
    /// ## Why is this bad?
    /// These drivers get no fixes any more and are gone from current releases
    /// (`aufs` and `overlay` in Docker 24, `devicemapper` in 25): the daemon fails to
    /// start after an upgrade, and until then it runs code nobody maintains.
    ///
    /// ## Example
    /// ```json
    /// { "storage-driver": "devicemapper" }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "storage-driver": "overlay2" }
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: switching drivers hides existing images and containers
    /// (export and re-pull them first).
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.6
    /// - Docker docs, "Deprecated Engine features"
    pub struct DeprecatedStorageDriver;
    code = "DM018", name = "deprecated-storage-driver", severity = Warning,
    category = BestPractice, target = Daemon, fix = None,
    summary = "The storage driver is deprecated or removed",
    cis = ["2.6"],
    practices = ["b-daemon-hardening"],
}

impl DaemonRule for DeprecatedStorageDriver {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        let Some(v) = cx.spec.value("storage-driver") else { return };
        let why = match v.value.as_str() {
            Some("aufs") => "removed in Docker 24.0",
            Some("overlay") => "the original overlay driver was removed in Docker 24.0; use `overlay2`",
            Some("devicemapper") => "removed in Docker 25.0",
            _ => return,
        };
        let at = v.at.clone();
        let name = v.value.as_str().unwrap_or_default().to_string();
        cx.report(&Self::META, at, format!("storage driver `{name}` is deprecated: {why}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;

    #[test]
    fn flags_old_drivers() {
        for d in ["aufs", "devicemapper", "overlay"] {
            let text = format!("{{\"storage-driver\": \"{d}\"}}");
            assert_json_flags(&DeprecatedStorageDriver, &text, &[&format!("\"{d}\"")]);
        }
        assert_unit_flags(&DeprecatedStorageDriver, None, "[Service]\nExecStart=/usr/bin/dockerd -s aufs\n", &["aufs"]);
        assert_json_clean(&DeprecatedStorageDriver, r#"{"storage-driver": "overlay2"}"#);
        assert_json_clean(&DeprecatedStorageDriver, "{}");
    }
}
