//! `dockward watch install`: a hardened systemd unit, printed for the operator to review
//! and install (it is never written by dockward).

/// The unit for `binary` with `args` (the options to run with).
pub fn unit(binary: &str, args: &[String]) -> String {
    let mut exec = format!("{binary} watch --state /var/lib/dockward/watch-state.json");
    for a in args {
        exec.push(' ');
        exec.push_str(a);
    }
    format!(
        "# dockward watch: continuous monitoring of the Docker engine (docs/watch.md).\n\
# Review, then install it yourself, e.g.:\n\
#   dockward watch install > /etc/systemd/system/dockward-watch.service\n\
#   systemctl daemon-reload && systemctl enable --now dockward-watch\n\
[Unit]\n\
Description=dockward watch: Docker engine events judged against dockward's rules\n\
Documentation=https://example.invalid/dockward/docs/watch.md\n\
After=docker.service\n\
Wants=docker.service\n\
\n\
[Service]\n\
Type=exec\n\
ExecStart={exec}\n\
ExecReload=/bin/kill -HUP $MAINPID\n\
# SIGTERM drains the sinks' queues and writes the state file.\n\
KillSignal=SIGTERM\n\
TimeoutStopSec=30\n\
Restart=on-failure\n\
RestartSec=5\n\
# Reading the Docker socket is root-equivalent: a dedicated user in the docker group\n\
# limits the rest of what this process may do.\n\
DynamicUser=yes\n\
SupplementaryGroups=docker\n\
StateDirectory=dockward\n\
LogsDirectory=dockward\n\
NoNewPrivileges=yes\n\
CapabilityBoundingSet=\n\
AmbientCapabilities=\n\
ProtectSystem=strict\n\
ProtectHome=yes\n\
PrivateTmp=yes\n\
PrivateDevices=yes\n\
ProtectKernelTunables=yes\n\
ProtectKernelModules=yes\n\
ProtectKernelLogs=yes\n\
ProtectControlGroups=yes\n\
ProtectClock=yes\n\
ProtectHostname=yes\n\
ProtectProc=invisible\n\
RestrictNamespaces=yes\n\
RestrictRealtime=yes\n\
RestrictSUIDSGID=yes\n\
LockPersonality=yes\n\
MemoryDenyWriteExecute=yes\n\
RemoveIPC=yes\n\
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6\n\
SystemCallArchitectures=native\n\
SystemCallFilter=@system-service\n\
SystemCallFilter=~@privileged @resources\n\
UMask=0077\n\
MemoryMax=512M\n\
\n\
[Install]\n\
WantedBy=multi-user.target\n"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn unit_is_hardened_and_runs_the_watcher() {
        let u = super::unit("/usr/local/bin/dockward", &["--resync".into(), "600".into()]);
        assert!(u.contains(
            "ExecStart=/usr/local/bin/dockward watch --state /var/lib/dockward/watch-state.json --resync 600\n"
        ));
        for line in [
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "CapabilityBoundingSet=\n",
            "ExecReload=/bin/kill -HUP $MAINPID",
        ] {
            assert!(u.contains(line), "{line}");
        }
    }
}
