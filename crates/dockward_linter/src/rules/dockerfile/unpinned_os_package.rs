use super::package_managers::Manager;
use super::unpinned_package_version::unpinned;
use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags operating-system packages installed without a version:
    ///
    /// | manager | pinned form |
    /// |---|---|
    /// | apt-get / apt | `curl=7.88.1-10` |
    /// | apk add | `curl=8.5.0-r0` (also `~`, `<`, `>` constraints) |
    /// | yum / dnf / microdnf | `git-2.43.0` (name, dash, version) |
    /// | zypper | `git=2.43` (also `<`, `>` constraints) |
    ///
    /// Off by default. Distribution mirrors drop superseded versions (Debian and
    /// Alpine keep only the current one per release), so exact pins make builds fail
    /// weeks later, and most security updates arrive as new versions of the same
    /// release. Enable it where a snapshot mirror or lock policy makes pins reliable.
    /// Words the shell expands (`$PACKAGES`) and local files (`./x.deb`) are not
    /// judged; `@group` and provides (`/usr/bin/x`, `pkgconfig(x)`) name no version.
    ///
    /// ## Why is this bad?
    /// An unpinned install takes whatever the mirror has on build day, so two builds
    /// of the same Dockerfile differ.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
    /// ```
    ///
    /// ## Fix
    /// Pin the version you tested with (and a snapshot mirror that keeps it).
    ///
    /// ## References
    /// - Docker docs, "Building best practices", apt-get version pinning
    pub struct UnpinnedOsPackage;
    code = "DF131", name = "unpinned-os-package", severity = Info,
    category = BestPractice, target = Dockerfile, fix = None,
    summary = "An operating-system package is installed without a pinned version",
    default_enabled = false,
    aliases = [
        "DL3008", "DL3018", "DL3033", "DL3037", "DL3041",
        "965a08d7-ef86-4f14-8792-4a3b2098937e", "d3499f6d-1651-41bb-a9a7-de925fea487b",
        "6452c424-1d92-4deb-bb18-a03e95d579c4", "93d88cf7-f078-46a8-8ddc-178e03aeacf1",
        "562952e4-0348-4dea-9826-44f3a2c6117b",
    ],
    practices = ["b-pin-versions"],
}

const OS: &[Manager] =
    &[Manager::AptGet, Manager::Apt, Manager::Apk, Manager::Yum, Manager::Dnf, Manager::Microdnf, Manager::Zypper];

impl DockerfileRule for UnpinnedOsPackage {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        for (range, manager, pkg) in unpinned(cx, OS) {
            cx.report(&Self::META, range, format!("`{pkg}` is installed by {} without a version", manager.name()))
                .help("pin the version, with a mirror that keeps it");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_each_unpinned_os_package() {
        let cases: &[(&str, &[&str])] = &[
            ("apt-get install -y curl=7.88 git && pip install flask", &["git"]),
            ("apk add --no-cache curl~8 jq", &["jq"]),
            ("dnf install -y git-2.43.0 make", &["make"]),
            ("zypper -n in 'git>=2' vim", &["vim"]),
        ];
        for (run, words) in cases {
            assert_flags(&UnpinnedOsPackage, &format!("FROM x:1\nRUN {run}\n"), words);
        }
        for run in [
            "apt-get install -y $PACKAGES",
            "apt-get install -y ./pkg.deb",
            "dnf install -y @development-tools 'pkgconfig(zlib)'",
            "echo apt-get install curl",
        ] {
            assert_clean(&UnpinnedOsPackage, &format!("FROM x:1\nRUN {run}\n"));
        }
    }
}
