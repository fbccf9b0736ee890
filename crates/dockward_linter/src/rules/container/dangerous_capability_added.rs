use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags `cap_add` / `--cap-add` entries that give the container `ALL`
    /// capabilities or one that breaks isolation: `SYS_ADMIN`, `NET_ADMIN`,
    /// `SYS_PTRACE`, `SYS_MODULE`, `DAC_READ_SEARCH`, `DAC_OVERRIDE`, `SYS_RAWIO`,
    /// `SYS_BOOT`, `SYS_TIME`, `MAC_ADMIN`, `MAC_OVERRIDE`, `BPF`, `PERFMON`,
    /// `SYSLOG`, `NET_RAW`, `SETFCAP`, `LINUX_IMMUTABLE`, `WAKE_ALARM`, `BLOCK_SUSPEND`.
    /// Names are matched in any case, with or without the `CAP_` prefix.
    ///
    /// ## Why is this bad?
    /// These capabilities let a process mount filesystems, load kernel modules, trace
    /// other processes, read any file or reconfigure the host network: most known
    /// container escapes need one of them.
    ///
    /// ## Example
    /// ```sh
    /// docker run --cap-add SYS_ADMIN app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --cap-drop ALL --cap-add NET_BIND_SERVICE app
    /// ```
    ///
    /// ## Fix
    /// Remove the capability; if the workload really needs it, isolate it (a VM, a
    /// dedicated host) and document why.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.4; docker-bench-security community checks C.5.3.1-4
    ///   (`DAC_READ_SEARCH`, `SYS_MODULE`, `SYS_ADMIN`, `SYS_PTRACE`); practices b, "Runtime Hardening"
    pub struct DangerousCapabilityAdded;
    code = "CT002", name = "dangerous-capability-added", severity = Error,
    category = Security, target = Container, fix = None,
    summary = "cap_add grants ALL or a capability that breaks isolation",
    aliases = [
        "ce76b7d0-9e77-464d-b86f-c5c48e03e22d", "check_c_5_3_1", "check_c_5_3_2", "check_c_5_3_3",
        "check_c_5_3_4", "CKV_K8S_25", "CKV_K8S_39", "KSV-0005", "KSV-0022", "KSV-0119", "KSV-0120", "C-0046",
        "dangerousCapabilities",
    ],
    cis = ["5.4"],
    practices = ["b-drop-capabilities"],
}

const DANGEROUS: &[&str] = &[
    "SYS_ADMIN",
    "NET_ADMIN",
    "SYS_PTRACE",
    "SYS_MODULE",
    "DAC_READ_SEARCH",
    "DAC_OVERRIDE",
    "SYS_RAWIO",
    "SYS_BOOT",
    "SYS_TIME",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "BPF",
    "PERFMON",
    "SYSLOG",
    "NET_RAW",
    "SETFCAP",
    "LINUX_IMMUTABLE",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
];

/// A capability name as Docker compares it: upper case, without `CAP_`.
pub(crate) fn capability_name(s: &str) -> String {
    let upper = s.trim().to_ascii_uppercase();
    upper.strip_prefix("CAP_").map(str::to_string).unwrap_or(upper)
}

impl ContainerRule for DangerousCapabilityAdded {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        for cap in &spec.cap_add {
            let name = capability_name(&cap.value);
            let msg = if name == "ALL" {
                format!("{} adds ALL capabilities", describe(spec))
            } else if DANGEROUS.contains(&name.as_str()) {
                format!("{} adds `CAP_{name}`, which breaks container isolation", describe(spec))
            } else {
                continue;
            };
            cx.report_value(&Self::META, cap, msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn flags_all_and_dangerous_in_any_spelling() {
        assert_run_flags(
            &DangerousCapabilityAdded,
            "docker run --cap-add all --cap-add=cap_sys_admin --cap-add CHOWN --cap-add NET_ADMIN x",
            &["all", "cap_sys_admin", "NET_ADMIN"],
        );
        assert_eq!(
            run_messages(&DangerousCapabilityAdded, "docker run --cap-add Sys_Ptrace x"),
            ["`docker run` of `x` adds `CAP_SYS_PTRACE`, which breaks container isolation"]
        );
    }

    #[test]
    fn passes_harmless_capabilities() {
        assert_run_clean(&DangerousCapabilityAdded, "docker run --cap-add NET_BIND_SERVICE --cap-drop ALL x");
    }
}

#[cfg(test)]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;

    #[test]
    fn compose_flags_each_dangerous_list_item() {
        let flow = "services:\n  web:\n    image: x:1\n    cap_add: [CHOWN, SYS_ADMIN, \"CAP_NET_ADMIN\"]\n";
        assert_compose_flags(&DangerousCapabilityAdded, flow, &["SYS_ADMIN", "\"CAP_NET_ADMIN\""]);
        let block = "services:\n  web:\n    image: x:1\n    cap_add:\n      - ALL\n      - NET_BIND_SERVICE\n";
        assert_compose_flags(&DangerousCapabilityAdded, block, &["ALL"]);
        let anchored = "x-caps: &caps [SYS_PTRACE]\nservices:\n  web:\n    image: x:1\n    cap_add: *caps\n";
        let d = assert_compose_flags(&DangerousCapabilityAdded, anchored, &["*caps"]);
        assert!(!d[0].related.is_empty());
    }

    #[test]
    fn compose_passes_harmless_capabilities() {
        assert_compose_clean(
            &DangerousCapabilityAdded,
            "services:\n  web:\n    image: x:1\n    cap_add: [NET_BIND_SERVICE, CHOWN]\n",
        );
    }
}
