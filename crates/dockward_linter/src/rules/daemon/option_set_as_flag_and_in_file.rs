use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags an option set both as a dockerd flag (in `docker.service`, a drop-in,
    /// `DOCKER_OPTS` or `OPTIONS`) and in `daemon.json`.
    ///
    /// ## Why is this bad?
    /// dockerd refuses to start: "the following directives are specified both as a
    /// flag and in the configuration file". The classic case is `-H fd://` in the
    /// packaged unit plus `"hosts"` in `daemon.json`.
    ///
    /// ## Example
    /// ```text
    /// ExecStart=/usr/bin/dockerd -H fd://
    /// daemon.json: { "hosts": ["unix:///var/run/docker.sock", "tcp://10.0.0.2:2376"] }
    /// ```
    ///
    /// ## Fix
    /// Keep the option in one place: usually remove the flag with a drop-in that resets
    /// `ExecStart=` and keep `daemon.json`.
    ///
    /// ## References
    /// - dockerd reference, "Daemon configuration file" (flags and file together)
    pub struct OptionSetAsFlagAndInFile;
    code = "DM005", name = "option-set-as-flag-and-in-file", severity = Error,
    category = Correctness, target = Daemon, fix = None,
    summary = "An option is set both as a dockerd flag and in daemon.json; dockerd refuses to start",
}

impl DaemonRule for OptionSetAsFlagAndInFile {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        for (flag, file) in cx.spec.conflicts() {
            let at = flag.key.at.clone();
            cx.report(
                &Self::META,
                at,
                format!("`{}` is set here as a flag and in daemon.json: dockerd refuses to start", flag.key.value),
            )
            .related(file.key.at.clone(), "also set in daemon.json");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;

    #[test]
    fn flags_both() {
        assert_unit_flags(
            &OptionSetAsFlagAndInFile,
            Some(r#"{"hosts": ["unix:///var/run/docker.sock"], "icc": false}"#),
            "[Service]\nExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n",
            &["-H"],
        );
        assert_unit_flags(
            &OptionSetAsFlagAndInFile,
            Some(r#"{"icc": false}"#),
            "[Service]\nExecStart=/usr/bin/dockerd -H fd://\n",
            &[],
        );
    }
}
