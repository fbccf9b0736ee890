use dockward_diagnostics::Location;

use crate::declare_rule;
use crate::host::{HostContext, HostRule};

declare_rule! {
    /// ## What it does
    /// Lists the members of the `docker` group in `/etc/group` that are not in the
    /// allow-list (`[host] docker-group-allow` in `dockward.toml`).
    ///
    /// ## Why is this bad?
    /// Membership of `docker` is root on the host without a password: any member can
    /// run `docker run -v /:/host --privileged` and edit `/etc/shadow`. The group
    /// should hold only the accounts that administer the host.
    ///
    /// ## Example
    /// ```text
    /// docker:x:998:alice,ci-runner,intern
    /// ```
    ///
    /// ## Fix
    /// Remove users who do not need it (`gpasswd -d intern docker`), or add the
    /// reviewed ones to `docker-group-allow`. Prefer rootless Docker per user.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.1.2
    /// - Docker docs, "Docker daemon attack surface"
    pub struct DockerGroupMember;
    code = "HO001", name = "docker-group-member", severity = Warning,
    category = Security, target = Host, fix = None,
    summary = "A user in the docker group is root-equivalent",
    cis = ["1.1.2"],
    practices = ["b-docker-group"],
}

impl HostRule for DockerGroupMember {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut HostContext<'_>) {
        let Some(file) = cx.group.clone() else { return };
        let Some(entry) = dockward_host::parse::group_entry(file.text(), "docker") else { return };
        for (user, range) in entry.members {
            if cx.settings.docker_group_allow.contains(&user) {
                continue;
            }
            cx.report(
                &Self::META,
                Location::source(&file, range),
                format!("`{user}` is in the docker group, which is root on this host"),
            )
            .help("remove the user or list it in `[host] docker-group-allow`");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::settings::SettingsBuilder;
    use crate::testing_daemon::*;

    #[test]
    fn lists_members_outside_the_allow_list() {
        let fx = HostFixture::new();
        fx.file("/etc/group", "root:x:0:\nsudo:x:27:alice\ndocker:x:998:alice,bob\n", 0o644);
        let found: Vec<String> = fx.findings("HO001").iter().map(|d| fx.where_(d)).collect();
        assert_eq!(found, ["/etc/group:3:14", "/etc/group:3:20"]);
        let settings = SettingsBuilder {
            select: Some(vec!["HO001".into()]),
            docker_group_allow: vec!["alice".into()],
            ..Default::default()
        }
        .build();
        assert_eq!(fx.findings_with("HO001", settings).len(), 1);
    }

    #[test]
    fn empty_group_or_no_group_file_passes() {
        let fx = HostFixture::new();
        assert!(fx.findings("HO001").is_empty());
        fx.file("/etc/group", "docker:x:998:\n", 0o644);
        assert!(fx.findings("HO001").is_empty());
    }
}
