use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

use super::shell_helpers::{installed_packages, names_package, program, run_scripts};

declare_rule! {
    /// ## What it does
    /// Flags the installation of an SSH or telnet server with a package manager
    /// (`apt-get`, `apt`, `apk`, `yum`, `dnf`, `microdnf`, `zypper`): `openssh-server`,
    /// `dropbear`, `telnetd`, and apk's `openssh` (which includes the server).
    /// Client packages (`openssh-client`) are not reported.
    ///
    /// ## Why is this bad?
    /// A remote login service in a container needs its own keys, users, patching and
    /// monitoring, and is a way in for attackers; `docker exec` already gives
    /// operators a shell.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y openssh-server
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get install -y --no-install-recommends openssh-client
    /// ```
    ///
    /// ## How to fix
    /// Remove the server; use `docker exec`/`kubectl exec` for access.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.7, "Ensure sshd is not run within containers"
    /// - Practices a, "Minimal and Lean Images"; practices b, "Networking Essentials"
    pub struct SshServerInstalled;
    code = "DF022", name = "ssh-server-installed", severity = Warning,
    category = Security, target = Dockerfile, fix = None,
    summary = "A remote login server (SSH, telnet) is installed in the image",
    cis = ["5.7"],
    practices = ["a-minimal-base", "b-image-hardening"],
}

const SERVERS: &[&str] =
    &["openssh-server", "dropbear", "dropbear-server", "telnetd", "telnet-server", "inetutils-telnetd"];

impl DockerfileRule for SshServerInstalled {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for run in run_scripts(cx.dockerfile) {
            for cmd in &run.script.commands {
                let apk = program(cmd) == Some("apk");
                for pkg in installed_packages(cmd) {
                    let server = SERVERS
                        .iter()
                        .find(|s| names_package(&pkg.text, s))
                        .copied()
                        .or_else(|| (apk && names_package(&pkg.text, "openssh")).then_some("openssh"));
                    if let Some(server) = server {
                        found.push((pkg.range, server));
                    }
                }
            }
        }
        found.sort_by_key(|(r, _)| r.start());
        found.dedup_by_key(|(r, _)| *r);
        for (range, server) in found {
            cx.report(&Self::META, range, format!("`{server}` installs a remote login server"))
                .help("remove it; use `docker exec` for access");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_servers() {
        assert_flags(
            &SshServerInstalled,
            "FROM a:1\nRUN apt-get update && apt-get install -y openssh-server\n",
            &["openssh-server"],
        );
        assert_flags(&SshServerInstalled, "FROM a:1\nRUN apk add --no-cache openssh bash\n", &["openssh"]);
        assert_flags(
            &SshServerInstalled,
            "FROM a:1\nRUN yum -y install openssh-server-8.0p1 && x\n",
            &["openssh-server-8.0p1"],
        );
        assert_flags(&SshServerInstalled, "FROM a:1\nRUN apk add dropbear\n", &["dropbear"]);
    }

    #[test]
    fn clients_and_text_are_fine() {
        assert_clean(&SshServerInstalled, "FROM a:1\nRUN apt-get install -y openssh-client\n");
        assert_clean(&SshServerInstalled, "FROM a:1\nRUN apt-get install -y openssh\n");
        assert_clean(&SshServerInstalled, "FROM a:1\nRUN echo apt-get install openssh-server\n");
        assert_clean(&SshServerInstalled, "FROM a:1\nRUN apt-get remove -y openssh-server\n");
    }
}
