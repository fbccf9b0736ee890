use dockward_shell::Command;

use super::package_managers::{calls, position, runs, Manager, PmCall};
use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags a package-index refresh (`apt-get update`, `apt update`, `apk update`,
    /// `zypper refresh`, `pacman -Sy`) or a yum/dnf/microdnf `update`, `upgrade`,
    /// `makecache` or `check-update` with no install or upgrade after it in the same
    /// RUN (cleanup such as `dnf clean all` may follow). Exec-form RUNs are read too.
    ///
    /// ## Why is this bad?
    /// Docker caches each RUN as a layer. When the refresh sits alone in its own RUN,
    /// the cached layer with an old index is reused by later builds while the RUN
    /// that installs changes, so installs fetch stale versions or fail when the
    /// mirror has dropped them. An update with nothing after it also just leaves the
    /// index behind in the layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix
    /// Refresh and install in the same RUN. No automatic fix: joining RUNs changes
    /// the layers and is left to you.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.7, "Ensure update instructions are not used alone in
    ///   Dockerfiles"
    pub struct UpdateWithoutInstall;
    code = "DF105", name = "update-without-install", severity = Warning,
    category = Correctness, target = Dockerfile, fix = None,
    summary = "A package index refresh is not followed by an install in the same RUN",
    aliases = [
        "DS-0017", "CKV_DOCKER_5", "CIS-DI-0007", "9bae49be-0aa3-4de5-bab2-4c3a069e40cd",
    ],
    cis = ["4.7"],
}

fn family(m: Manager) -> u8 {
    match m {
        Manager::AptGet | Manager::Apt => 0,
        Manager::Apk => 1,
        Manager::Zypper => 2,
        Manager::Yum | Manager::Dnf | Manager::Microdnf => 3,
        Manager::Pacman => 4,
        _ => 5,
    }
}

/// A refresh of the index, or (yum/dnf/microdnf) an update of the whole system, which
/// the layer cache freezes just the same when it sits alone in its RUN.
fn is_refresh(call: &PmCall<'_>) -> bool {
    match call.manager {
        Manager::AptGet | Manager::Apt | Manager::Apk => call.sub() == "update",
        Manager::Zypper => call.sub_is(&["refresh", "ref"]),
        Manager::Yum | Manager::Dnf | Manager::Microdnf => {
            call.sub_is(&["update", "upgrade", "up", "makecache", "mc", "check-update", "check-upgrade"])
                && call.operands.is_empty()
        }
        // `pacman -Sy` with nothing to install; `-Syu` upgrades the system.
        Manager::Pacman => {
            call.pacman_sync().is_some_and(|c| c.contains('y') && !c.contains('u')) && call.operands.is_empty()
        }
        _ => false,
    }
}

/// True if `command` neither installs nor runs anything that could read the index: a
/// cache clean of the manager, or an `rm`.
fn leaves_index_unused(command: &Command) -> bool {
    match PmCall::parse(command) {
        Some(call) => call.sub_is(&["clean", "cache"]) || call.sub() == "autoclean" || is_refresh(&call),
        None => command.program_basename() == Some("rm"),
    }
}

fn uses_index(call: &PmCall<'_>) -> bool {
    match call.manager {
        Manager::AptGet | Manager::Apt => call.sub_is(&[
            "install",
            "upgrade",
            "dist-upgrade",
            "full-upgrade",
            "build-dep",
            "source",
            "download",
            "reinstall",
        ]),
        Manager::Apk => call.sub_is(&["add", "upgrade", "fix", "fetch"]),
        Manager::Zypper => {
            call.sub_is(&["install", "in", "update", "up", "dist-upgrade", "dup", "patch", "source-install", "si"])
        }
        Manager::Yum | Manager::Dnf | Manager::Microdnf => {
            !is_refresh(call) && !call.sub_is(&["clean", "remove", "erase", "rm", "autoremove", "repolist", "history"])
        }
        Manager::Pacman => call.is_install() || call.pacman_sync().is_some_and(|c| c.contains('u')),
        _ => false,
    }
}

impl DockerfileRule for UpdateWithoutInstall {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for (_, _, run) in runs(cx.dockerfile) {
            let commands = run.commands();
            let calls = calls(commands);
            for call in calls.iter().filter(|c| is_refresh(c)) {
                let at = position(commands, call.command);
                let followed = calls.iter().any(|c| {
                    family(c.manager) == family(call.manager) && uses_index(c) && position(commands, c.command) > at
                });
                // Something other than the manager may use the index (a script, `xargs`):
                // only judge RUNs where nothing but cleanup follows the refresh.
                let last = commands[at + 1..].iter().all(leaves_index_unused);
                if !followed && last {
                    found.push((call.operation().expect("refreshes name an operation").range, call.manager));
                }
            }
        }
        for (range, manager) in found {
            let d = cx.report(
                &Self::META,
                range,
                format!("`{}` refreshes the index in a RUN that installs nothing", manager.name()),
            );
            d.help("refresh and install in the same RUN");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_a_lone_refresh() {
        assert_flags(
            &UpdateWithoutInstall,
            "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y x\n",
            &["update"],
        );
        assert_flags(&UpdateWithoutInstall, "FROM alpine:3\nRUN apk update\n", &["update"]);
        assert_flags(&UpdateWithoutInstall, "FROM x:1\nRUN apt-get install -y x && apt-get update\n", &["update"]);
    }

    #[test]
    fn refresh_then_install_is_fine() {
        for run in [
            "apt-get update && apt-get install -y x",
            "apt-get update -qq && apt-get -y upgrade",
            "apk update && apk add x",
            "zypper ref && zypper -n in x",
            "apt-get update && ./install-deps.sh",
            "echo apt-get update",
        ] {
            assert_clean(&UpdateWithoutInstall, &format!("FROM x:1\nRUN {run}\n"));
        }
        assert_clean(&UpdateWithoutInstall, "FROM x:1\nRUN <<EOF\napt-get update\napt-get install -y x\nEOF\n");
    }

    /// issue 13 #15: yum/dnf/microdnf updates and cache refreshes and pacman `-Sy`
    /// alone are as stale as `apt-get update` alone.
    #[test]
    fn rpm_and_pacman_refreshes() {
        for (run, word) in [
            ("dnf update -y", "update"),
            ("yum -y upgrade && yum clean all", "upgrade"),
            ("microdnf makecache", "makecache"),
            ("dnf check-update", "check-update"),
            ("pacman -Sy", "-Sy"),
            ("pacman -Sy --noconfirm && rm -rf /var/cache/pacman/pkg/*", "-Sy"),
        ] {
            assert_flags(&UpdateWithoutInstall, &format!("FROM x:1\nRUN {run}\n"), &[word]);
        }
        for run in [
            "dnf makecache && dnf in -y git",
            "yum update -y && yum install -y git && yum clean all",
            "dnf update -y openssl",
            "pacman -Sy --noconfirm git",
            "pacman -Syu --noconfirm",
            "yum makecache && ./setup.sh",
        ] {
            assert_clean(&UpdateWithoutInstall, &format!("FROM x:1\nRUN {run}\n"));
        }
    }

    /// issue 13 #12.
    #[test]
    fn exec_form_is_read() {
        assert_flags(&UpdateWithoutInstall, "FROM x:1\nRUN [\"apt-get\", \"update\"]\n", &["\"update\""]);
        assert_clean(
            &UpdateWithoutInstall,
            "FROM x:1\nRUN [\"sh\", \"-c\", \"apt-get update && apt-get install -y x\"]\n",
        );
    }
}
