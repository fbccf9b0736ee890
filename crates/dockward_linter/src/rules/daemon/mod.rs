//! Daemon configuration rules (DM): `daemon.json` and dockerd flags, via `DaemonSpec`.

pub mod authorization_plugin_missing;
pub mod custom_cgroup_parent;
pub mod daemon_exposed_without_tls;
pub mod daemon_json_not_strict;
pub mod daemon_option_wrong_type;
pub mod default_bind_all_interfaces;
pub mod default_ulimits_unset;
pub mod deprecated_storage_driver;
pub mod duplicate_daemon_option;
pub mod experimental_enabled;
pub mod icc_enabled;
pub mod insecure_registry;
pub mod iptables_disabled;
pub mod live_restore_disabled;
pub mod log_level_not_info;
pub mod log_rotation_missing;
pub mod no_authorization_plugin;
pub mod no_new_privileges_disabled;
pub mod no_remote_log_driver;
pub mod option_set_as_flag_and_in_file;
pub mod seccomp_unconfined;
pub mod selinux_disabled;
pub mod tcp_socket_without_tls_verify;
pub mod unknown_daemon_option;
pub mod userland_proxy_enabled;
pub mod userns_remap_disabled;

use dockward_diagnostics::{Applicability, RuleMeta};
use dockward_spec::DaemonValue;

use crate::daemon::DaemonContext;

/// A boolean option with a bad value.
pub(crate) struct BoolCheck {
    pub key: &'static str,
    /// The value the rule reports.
    pub bad: bool,
    /// dockerd's default when the key is absent.
    pub default: bool,
    /// What the bad value does, for the message.
    pub effect: &'static str,
    /// The fix's applicability; `None`: no fix.
    pub fix: Option<Applicability>,
}

/// Reports `key` set to the bad value, or absent when the default is the bad value.
pub(crate) fn check_bool(cx: &mut DaemonContext<'_>, rule: &'static RuleMeta, c: BoolCheck) {
    let fix = c.fix.and_then(|a| {
        cx.set_key_fix(c.key, if c.bad { "false" } else { "true" }, a, format!("Set `\"{}\": {}`", c.key, !c.bad))
    });
    match cx.spec.value(c.key) {
        Some(v) => {
            if v.value != DaemonValue::Bool(c.bad) {
                return;
            }
            let at = v.at.clone();
            let d = cx.report(rule, at, format!("`{}` is `{}`: {}", c.key, c.bad, c.effect));
            if let Some(fix) = fix {
                d.fix(fix);
            }
        }
        None if c.default == c.bad => {
            let message = format!("`{}` is not set, and dockerd's default is `{}`: {}", c.key, c.default, c.effect);
            if let Some(d) = cx.report_absent(rule, message) {
                if let Some(fix) = fix {
                    d.fix(fix);
                }
            }
        }
        None => {}
    }
}

/// A `tcp://` entry of `hosts`: the value, and whether it listens on every interface.
pub(crate) struct TcpHost {
    pub value: dockward_spec::Val<DaemonValue>,
    pub address: String,
    pub all_interfaces: bool,
}

/// The `hosts` entries that listen on TCP. A bare `host:port` is TCP too; an empty
/// host (`tcp://:2375`) means localhost to dockerd.
pub(crate) fn tcp_hosts(cx: &DaemonContext<'_>) -> Vec<TcpHost> {
    let mut out = Vec::new();
    for v in cx.spec.list("hosts") {
        let Some(s) = v.value.as_str() else { continue };
        let addr = match s.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("tcp") => rest,
            Some(_) => continue,
            None if s.contains(':') => s,
            None => continue,
        };
        let host = match addr.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => addr.rsplit_once(':').map_or(addr, |(h, _)| h),
        };
        let host = host.split('/').next().unwrap_or(host);
        let all_interfaces = matches!(host, "0.0.0.0" | "::" | "0:0:0:0:0:0:0:0");
        out.push(TcpHost { value: v.clone(), address: s.to_string(), all_interfaces });
    }
    out
}

/// Whether the daemon has TLS at all: `tls` or `tlsverify` true.
pub(crate) fn tls_on(cx: &DaemonContext<'_>) -> bool {
    cx.spec.bool("tls") == Some(true) || cx.spec.bool("tlsverify") == Some(true)
}
