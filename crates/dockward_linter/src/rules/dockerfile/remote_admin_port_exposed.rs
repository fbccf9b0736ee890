use dockward_dockerfile::{Args, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `EXPOSE` of remote administration ports: 22 (SSH), 23 (telnet), 2375 and
    /// 2376 (Docker API), 3389 (RDP), 5900 (VNC), 5985/5986 (WinRM), including port
    /// ranges that contain them and ports given through `ARG`/`ENV`.
    ///
    /// ## Why is this bad?
    /// A container that offers a remote shell is a server to patch, harden and audit
    /// of its own, with long-lived credentials inside. `docker exec` reaches any
    /// container without one. An exposed Docker API port hands over the host.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 22 8080
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// EXPOSE 8080
    /// ```
    ///
    /// ## How to fix
    /// Remove the remote-admin service and its port; debug with `docker exec` or
    /// `kubectl exec`.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.7, "Ensure sshd is not run within containers"
    /// - Practices a, "Secure Communication and Networking"; practices b, "Networking Essentials"
    pub struct RemoteAdminPortExposed;
    code = "DF020", name = "remote-admin-port-exposed", severity = Warning,
    category = Security, target = Dockerfile, fix = None,
    summary = "EXPOSE publishes a remote administration port (SSH, telnet, RDP, VNC, Docker API)",
    aliases = ["CKV_DOCKER_1", "DS-0004", "5907595b-5b6d-4142-b173-dbb0e73fbff8"],
    cis = ["5.7"],
    practices = ["b-network-hardening"],
}

const ADMIN_PORTS: &[(u32, &str)] = &[
    (22, "SSH"),
    (23, "telnet"),
    (2375, "the unencrypted Docker API"),
    (2376, "the Docker API"),
    (3389, "RDP"),
    (5900, "VNC"),
    (5985, "WinRM"),
    (5986, "WinRM"),
];

impl DockerfileRule for RemoteAdminPortExposed {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        for (i, instr) in cx.dockerfile.instructions.iter().enumerate() {
            if instr.kind != InstructionKind::Expose {
                continue;
            }
            let Args::Words(words) = &instr.args else { continue };
            for w in words {
                let value = cx.model.expand_at(i, &w.value);
                if !value.is_resolved() {
                    continue;
                }
                let port = value.value.split('/').next().unwrap_or("");
                let (lo, hi) = match port.split_once('-') {
                    Some((a, b)) => (a.parse::<u32>(), b.parse::<u32>()),
                    None => (port.parse::<u32>(), port.parse::<u32>()),
                };
                let (Ok(lo), Ok(hi)) = (lo, hi) else { continue };
                if let Some((p, what)) = ADMIN_PORTS.iter().find(|(p, _)| (lo..=hi).contains(p)) {
                    let via = super::resolution_note(&w.value, &value.value);
                    cx.report(&Self::META, w.range, format!("port {p} ({what}) is exposed{via}"))
                        .help("drop the remote-admin service; use `docker exec` to get into a container");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_admin_ports() {
        assert_flags(&RemoteAdminPortExposed, "FROM a:1\nEXPOSE 80 22/tcp\n", &["22/tcp"]);
        assert_flags(&RemoteAdminPortExposed, "FROM a:1\nEXPOSE 2375 3389\n", &["2375", "3389"]);
        assert_flags(&RemoteAdminPortExposed, "FROM a:1\nEXPOSE 20-25\n", &["20-25"]);
        assert_flags(&RemoteAdminPortExposed, "FROM a:1\nARG P=22\nEXPOSE $P\n", &["$P"]);
    }

    #[test]
    fn other_ports_and_unknowns_are_fine() {
        assert_clean(&RemoteAdminPortExposed, "FROM a:1\nEXPOSE 80 443 8022 2222\n");
        assert_clean(&RemoteAdminPortExposed, "FROM a:1\nARG P\nEXPOSE $P\n");
    }
}
