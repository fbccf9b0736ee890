use super::{check_bool, BoolCheck};
use crate::daemon::{DaemonContext, DaemonRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags `"iptables": false`. The default (`true`) passes.
    ///
    /// ## Why is this bad?
    /// With iptables management off, Docker does not add the rules that isolate networks, NAT
    /// published ports or enforce `icc`; hand-written rules rarely keep up with containers coming and going.
    ///
    /// When the key is absent, dockerd's default is `true`.
    ///
    /// ## Example
    /// ```json
    /// { "iptables": false }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { }
    /// ```
    ///
    /// ## Fix
    /// Remove the setting, unless another firewall manager deliberately owns the rules. No automatic
    /// fix: the host's firewall has to be checked first.
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.4
    /// - Docker docs, "Packet filtering and firewalls"
    pub struct IptablesDisabled;
    code = "DM017", name = "iptables-disabled", severity = Warning,
    category = Security, target = Daemon, fix = None,
    summary = "dockerd does not manage iptables rules", cis = ["2.4"],
    practices = ["b-daemon-hardening"],
}

impl DaemonRule for IptablesDisabled {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DaemonContext<'_>) {
        check_bool(
            cx,
            &Self::META,
            BoolCheck {
                key: "iptables",
                bad: false,
                default: true,
                effect: "dockerd does not set up the firewall rules that isolate container networks",
                fix: None,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing_daemon::*;

    #[test]
    fn flags_the_bad_value() {
        assert_json_flags(&IptablesDisabled, r#"{"iptables":false}"#, &["false"]);
        assert_json_clean(&IptablesDisabled, r#"{"iptables": true}"#);
        // Absent: dockerd's default (`true`) is fine.
        assert_json_clean(&IptablesDisabled, "{}");
    }

    #[test]
    fn reads_flags_too() {
        assert_unit_flags(
            &IptablesDisabled,
            None,
            "[Service]\nExecStart=/usr/bin/dockerd --iptables=false\n",
            &["false"],
        );
        // A lone unit file does not say what daemon.json sets.
        assert_lone_unit_is_silent(&IptablesDisabled);
    }
}
