use dockward_diagnostics::Location;

use crate::declare_rule;
use crate::host::{HostContext, HostRule};

declare_rule! {
    /// ## What it does
    /// Checks that auditd rules (`/etc/audit/audit.rules`, `/etc/audit/rules.d/*.rules`)
    /// watch each Docker path that exists on the host: `dockerd`, `containerd`,
    /// `containerd-shim*`, `runc`, `/run/containerd`, the data root
    /// (`/var/lib/docker`), `/etc/docker`, `daemon.json`, `docker.service`,
    /// `docker.socket`, `containerd.sock`, `/etc/default/docker`,
    /// `/etc/sysconfig/docker` and `/etc/containerd/config.toml`. Both rule forms count:
    /// `-w PATH -p wa` and `-a always,exit -F path=PATH` (or `-F dir=DIR`); a watched
    /// directory covers what is under it, and symlinked spellings
    /// (`/bin/dockerd` for `/usr/bin/dockerd`) match.
    ///
    /// ## Why is this bad?
    /// The daemon runs as root and its files decide what every container may do.
    /// Without an audit trail, changes to them (a new `daemon.json`, a replaced
    /// `runc`) leave no record to investigate.
    ///
    /// ## Example
    /// ```text
    /// # /etc/audit/rules.d/docker.rules
    /// -w /usr/bin/dockerd -p rwxa -k docker
    /// -w /etc/docker -p rwxa -k docker
    /// -a always,exit -F path=/usr/bin/runc -F perm=x -k docker
    /// # who calls the Engine API: uid, auid (the login user, through sudo), pid, exe
    /// -a always,exit -F arch=b64 -S connect -F path=/run/docker.sock -k docker-api
    /// -a always,exit -F arch=b32 -S connect -F path=/run/docker.sock -k docker-api
    /// ```
    ///
    /// ## Fix
    /// Add a `-w PATH -p rwxa -k docker` line per path to `/etc/audit/rules.d/docker.rules`
    /// and run `augenrules --load`. The rules are read from files; rules loaded only
    /// with `auditctl` are not seen.
    ///
    /// A `-w` watch on the Docker socket (the CIS form) records changes to the socket
    /// file (chmod, chown), but **nothing when a client connects**: connecting is not one
    /// of the permission classes a watch matches. To record who uses the Engine API, add
    /// a `connect` syscall rule on the socket's resolved path (`/run/docker.sock`; the
    /// `b32` twin catches 32-bit callers), as in the example: each record carries the
    /// caller's uid, auid, pid, executable and command line (`proctitle`). The events API
    /// names no user, so this is what `dockward watch --auditd-log /var/log/audit/audit.log`
    /// correlates events with (docs/watch.md, "Who did it").
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.1.3 to 1.1.18
    pub struct DockerPathNotAudited;
    code = "HO004", name = "docker-path-not-audited", severity = Warning,
    category = Security, target = Host, fix = None,
    summary = "A Docker file or directory is not watched by audit rules",
    cis = ["1.1.3", "1.1.4", "1.1.5", "1.1.6", "1.1.7", "1.1.8", "1.1.9", "1.1.10", "1.1.11", "1.1.12",
           "1.1.13", "1.1.14", "1.1.15", "1.1.16", "1.1.17", "1.1.18"],
           practices = ["a-audit-trails", "b-audit-logging"],
}

impl HostRule for DockerPathNotAudited {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut HostContext<'_>) {
        if cx.host.audit_targets.is_empty() {
            return;
        }
        let watched: Vec<String> = cx
            .audit_files
            .iter()
            .flat_map(|f| dockward_host::parse::audit_watches(f.text()))
            .map(|w| cx.host.canonical_of(&w.path).trim_end_matches('/').to_string())
            .collect();
        let at = match cx.audit_files.first() {
            Some(f) => Location::File { name: f.name().to_string() },
            None => Location::File { name: cx.host.audit_rules_dir.clone() },
        };
        let none = if !cx.host.audit_installed {
            " (auditd is not installed: there is no /etc/audit)"
        } else if cx.audit_files.is_empty() {
            " (there are no audit rule files)"
        } else {
            ""
        };
        for t in &cx.host.audit_targets {
            let target = cx.host.canonical_of(&t.host_path);
            let covered = watched.iter().any(|w| {
                target == w || (target.starts_with(w.as_str()) && target.as_bytes().get(w.len()) == Some(&b'/'))
            });
            if !covered {
                let message = format!("`{}` is not watched by any audit rule (CIS {}){none}", t.host_path, t.cis);
                cx.report(&Self::META, at.clone(), message).cis_controls(&[t.cis]).help(advice(&t.host_path));
            }
        }
    }
}

/// The rule line for `path`; for the daemon and its socket unit, also the `connect` rule
/// that records who calls the API (a `-w` watch records nothing on connect).
fn advice(path: &str) -> String {
    let mut help = format!("add `-w {path} -p rwxa -k docker` to /etc/audit/rules.d/docker.rules");
    if path.ends_with("/dockerd") || path.ends_with("docker.socket") {
        help.push_str(
            "; to record who calls the Engine API (a `-w` watch on the socket records nothing on connect), also add \
             `-a always,exit -F arch=b64 -S connect -F path=/run/docker.sock -k docker-api` and its `arch=b32` twin",
        );
    }
    help
}

#[cfg(test)]
mod tests {
    use crate::testing_daemon::*;

    fn tree() -> HostFixture {
        let fx = HostFixture::new();
        fx.file("/usr/bin/dockerd", "", 0o755)
            .file("/usr/bin/runc", "", 0o755)
            .file("/etc/docker/daemon.json", "{}", 0o644)
            .dir("/var/lib/docker", 0o710)
            .symlink("/bin", "usr/bin");
        fx
    }

    #[test]
    fn flags_paths_without_watches() {
        let fx = tree();
        fx.file("/etc/audit/rules.d/docker.rules", "-w /bin/dockerd -p rwxa -k docker\n-w /etc/docker -k d\n", 0o640);
        let msgs: Vec<String> = fx.findings("HO004").iter().map(|d| d.message.to_string()).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].contains("`/usr/bin/runc`") && msgs[0].contains("1.1.18"), "{msgs:?}");
        assert!(msgs[1].contains("`/var/lib/docker`") && msgs[1].contains("1.1.5"), "{msgs:?}");
    }

    #[test]
    fn both_rule_forms_cover() {
        let fx = tree();
        fx.file(
            "/etc/audit/audit.rules",
            "-w /usr/bin/dockerd -p rwxa -k docker\n-a always,exit -F path=/usr/bin/runc -F perm=x -k docker\n-a always,exit -F dir=/var/lib/docker/ -k docker\n-w /etc/docker/daemon.json -p wa\n-w /etc/docker -p wa\n",
            0o640,
        );
        assert!(fx.findings("HO004").is_empty(), "{:?}", fx.findings("HO004"));
    }

    #[test]
    fn containerd_sockets_are_found_where_dockerd_puts_them() {
        // dockerd started without `--containerd` runs its own containerd here.
        let fx = tree();
        fx.socket("/run/docker/containerd/containerd.sock", 0o660);
        let found = fx.findings("HO004");
        let sock = found.iter().find(|d| d.message.contains("/run/docker/containerd/containerd.sock"));
        assert!(sock.is_some_and(|d| d.message.contains("CIS 1.1.8")), "{found:?}");
        // A daemon pointed at another containerd: that socket, not the usual places.
        let fx = tree();
        fx.file("/etc/docker/daemon.json", r#"{"containerd": "/srv/ctr/containerd.sock"}"#, 0o644)
            .socket("/srv/ctr/containerd.sock", 0o660)
            .socket("/run/docker/containerd/containerd.sock", 0o660);
        let found: Vec<String> =
            fx.findings("HO004").into_iter().map(|d| d.message.into_owned()).filter(|m| m.contains("1.1.8")).collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`/srv/ctr/containerd.sock`"), "{found:?}");
    }

    #[test]
    fn the_daemons_advice_adds_a_connect_rule_on_the_socket() {
        let fx = tree();
        let found = fx.findings("HO004");
        let dockerd = found.iter().find(|d| d.message.contains("`/usr/bin/dockerd`")).expect("dockerd is reported");
        let help = dockerd.help.as_deref().unwrap_or_default();
        assert!(help.contains("-S connect -F path=/run/docker.sock"), "{help}");
        assert!(help.contains("arch=b64") && help.contains("arch=b32"), "{help}");
        // Other paths keep the plain watch.
        let runc = found.iter().find(|d| d.message.contains("`/usr/bin/runc`")).expect("runc is reported");
        assert!(!runc.help.as_deref().unwrap_or_default().contains("connect"));
    }

    #[test]
    fn no_auditd_is_reported_once_per_path() {
        let fx = tree();
        let found = fx.findings("HO004");
        // dockerd, runc, /var/lib/docker, /etc/docker, daemon.json exist; nothing else.
        assert_eq!(found.len(), 5);
        assert!(found[0].message.contains("auditd is not installed"));
    }
}
