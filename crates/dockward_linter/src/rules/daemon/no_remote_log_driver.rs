use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a daemon whose default `log-driver` keeps container logs only on the
    /// host (`json-file`, `local`, `none`). When the key is absent dockerd uses
    /// `json-file`. `syslog`, `journald`, `gelf`, `fluentd`, `awslogs`, `splunk`,
    /// `gcplogs`, `etwlogs`, `logentries` and logging plugins pass.
    ///
    /// ## Why is this bad?
    /// Logs kept only on the host disappear with the container (`docker rm`) or the
    /// host, and an attacker with root on the host can edit them. Central logging keeps
    /// the audit trail elsewhere. Shipping logs with an agent that reads the json files
    /// is also fine, hence the info level.
    ///
    /// ## Example
    /// ```json
    /// { "log-driver": "json-file" }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "log-driver": "journald" }
    /// ```
    ///
    /// ## Fix
    /// Choose the driver your log pipeline reads; no automatic fix.
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.13
    /// - Docker docs, "Configure logging drivers"
    pub struct NoRemoteLogDriver;
    code = "DM020", name = "no-remote-log-driver", severity = Info,
    category = BestPractice, target = Daemon, fix = None,
    summary = "Container logs stay on the host: no remote or central log driver",
    cis = ["2.13"],
    practices = ["a-central-logging"],
}

impl DaemonRule for NoRemoteLogDriver {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        match cx.spec.value("log-driver") {
            Some(v) => {
                let Some(driver) = v.value.as_str() else { return };
                if matches!(driver, "json-file" | "local" | "none" | "") {
                    let at = v.at.clone();
                    let driver = driver.to_string();
                    cx.report(&Self::META, at, format!("log driver `{driver}` keeps container logs only on this host"));
                }
            }
            None => {
                cx.report_absent(
                    &Self::META,
                    "`log-driver` is not set, so dockerd's default `json-file` keeps container logs only on this host",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;

    #[test]
    fn reports_local_drivers() {
        assert_json_flags(&NoRemoteLogDriver, "{}", &["{"]);
        assert_json_flags(&NoRemoteLogDriver, r#"{"log-driver": "local"}"#, &["\"local\""]);
        assert_json_clean(&NoRemoteLogDriver, r#"{"log-driver": "journald"}"#);
        assert_json_clean(&NoRemoteLogDriver, r#"{"log-driver": "grafana/loki-docker-driver:latest"}"#);
        assert_unit_flags(
            &NoRemoteLogDriver,
            None,
            "[Service]\nExecStart=/usr/bin/dockerd --log-driver=json-file\n",
            &["json-file"],
        );
    }
}
