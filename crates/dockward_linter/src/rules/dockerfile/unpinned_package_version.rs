use super::package_managers::{calls, runs, Manager, PmCall};
use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags language packages installed without a version:
    ///
    /// | manager | pinned form |
    /// |---|---|
    /// | pip | `flask==3.0.2` (any version specifier), a path, URL or `-r` file |
    /// | npm / yarn | `left-pad@1.3.0` (not `@latest`) |
    /// | gem | `-v 1.2` / `--version 1.2`, or `rails:7.1` |
    /// | go install / go get | `example.com/tool@v1.2.3` (not `@latest`) |
    ///
    /// Operating-system packages (apt, apk, yum, dnf, zypper) are checked by DF131
    /// `unpinned-os-package`, which is off by default.
    ///
    /// Words the shell expands (`apt-get install -y $PACKAGES`) are not judged: their
    /// value is unknown, and guessing is what makes other linters noisy there. Local
    /// files (`./x.deb`, `/tmp/x.rpm`, `.`) are versioned by the file itself.
    ///
    /// ## Why is this bad?
    /// An unpinned install takes whatever version the repository has on build day, so
    /// two builds of the same Dockerfile differ, and a broken or compromised release is
    /// picked up silently.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install --no-cache-dir flask
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN pip install --no-cache-dir flask==3.0.2
    /// ```
    ///
    /// ## Fix
    /// Pin the version you tested with. No automatic fix: dockward cannot know it.
    ///
    /// ## References
    /// - Docker docs, "Building best practices", version pinning
    /// - Practices b, "Image Security" (pin versions)
    pub struct UnpinnedPackageVersion;
    code = "DF104", name = "unpinned-language-package", severity = Info,
    category = BestPractice, target = Dockerfile, fix = None,
    summary = "A language package is installed without a pinned version",
    aliases = [
        "DL3013", "DL3016", "DL3028", "DL3062",
        "02d9c71f-3ee8-4986-9c27-1a20d0d19bfc", "e36d8880-3f78-4546-b9a1-12f0745ca0d5",
        "22cd11f7-9c6c-4f6e-84c0-02058120b341",
    ],
    practices = ["b-pin-versions"],
}

pub(super) fn is_local(word: &str) -> bool {
    word == "."
        || word.starts_with("./")
        || word.starts_with("../")
        || word.starts_with('/')
        || word.starts_with("file:")
        || word.contains("://")
        || [".deb", ".rpm", ".apk", ".whl", ".tar.gz", ".tgz", ".zip", ".gem"].iter().any(|s| word.ends_with(s))
}

/// True if `pkg` carries a version in the manager's syntax.
pub(super) fn pinned(manager: Manager, pkg: &str) -> bool {
    if is_local(pkg) {
        return true;
    }
    match manager {
        Manager::AptGet | Manager::Apt => pkg.contains('='),
        Manager::Apk => pkg.contains(['=', '~', '<', '>']),
        Manager::Zypper | Manager::Pacman => pkg.contains(['=', '<', '>']),
        Manager::Yum | Manager::Dnf | Manager::Microdnf => {
            // `name-1.2`: a dash followed by a digit; `@group`/`@module:stream` and
            // provides such as `/usr/bin/x` or `pkgconfig(x)` name no version to pin.
            pkg.starts_with('@')
                || pkg.contains('(')
                || pkg.contains(['=', '<', '>'])
                || pkg.as_bytes().windows(2).any(|w| w[0] == b'-' && w[1].is_ascii_digit())
        }
        Manager::Pip => pkg.contains(['=', '<', '>', '~', '@']) || pkg.contains(" @"),
        Manager::Npm | Manager::Yarn => {
            // `@scope/name@1.2`: the version `@` is not the first character.
            let version = pkg.get(1..).and_then(|rest| rest.rfind('@')).map(|i| &pkg[i + 2..]);
            matches!(version, Some(v) if !v.is_empty() && v != "latest" && v != "next") || pkg.contains(':')
        }
        Manager::Gem => pkg.contains(':'),
        Manager::Go => matches!(pkg.rsplit_once('@'), Some((_, v)) if !v.is_empty() && v != "latest"),
    }
}

pub(super) fn packages<'a>(call: &'a PmCall<'a>) -> Vec<&'a dockward_shell::Word> {
    match call.manager {
        // `gem install -v 1.2 rails` pins every gem of the command.
        Manager::Gem if call.has_long("--version") || call.has_short('v') => Vec::new(),
        // `go get`/`go install` of local packages (`./cmd/...`) build the checked-out code.
        _ => call.literal_operands().filter(|w| !w.text.is_empty()).collect(),
    }
}

/// The unpinned packages of the RUNs, for managers `managers`.
pub(super) fn unpinned(
    cx: &DockerfileContext<'_>,
    managers: &[Manager],
) -> Vec<(dockward_source::TextRange, Manager, String)> {
    let mut found = Vec::new();
    for (_, _, run) in runs(cx.dockerfile) {
        for call in calls(run.commands()) {
            if !call.is_install() || !managers.contains(&call.manager) {
                continue;
            }
            // `npm install` / `yarn install` without names install the lock file.
            if matches!(call.manager, Manager::Yarn) && call.sub() == "install" {
                continue;
            }
            for word in packages(&call) {
                if !pinned(call.manager, &word.text) {
                    found.push((word.range, call.manager, word.text.to_string()));
                }
            }
        }
    }
    found
}

impl DockerfileRule for UnpinnedPackageVersion {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let found = unpinned(cx, &[Manager::Pip, Manager::Npm, Manager::Yarn, Manager::Gem, Manager::Go]);
        for (range, manager, pkg) in found {
            let d =
                cx.report(&Self::META, range, format!("`{pkg}` is installed by {} without a version", manager.name()));
            d.help("pin the version you tested with");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_each_unpinned_package() {
        let cases: &[(&str, &[&str])] = &[
            ("apt-get install -y git && pip install flask==3.0 'requests>=2' numpy", &["numpy"]),
            ("npm install -g pnpm@9 @angular/cli@latest typescript", &["@angular/cli@latest", "typescript"]),
            ("yarn global add @scope/x@1.0 left-pad", &["left-pad"]),
            ("gem install bundler:2.5 rails", &["rails"]),
            ("go install golang.org/x/tools/gopls@latest example.com/a@v1.2.0", &["golang.org/x/tools/gopls@latest"]),
            // issue 13 #15: `go get`/`go install` without `@version` take the newest release.
            ("go get github.com/acme/tool", &["github.com/acme/tool"]),
            ("go install -v github.com/acme/cli", &["github.com/acme/cli"]),
            ("go get -u github.com/acme/tool@v1.4.0 ./...", &[]),
        ];
        for (run, words) in cases {
            assert_flags(&UnpinnedPackageVersion, &format!("FROM x:1\nRUN {run}\n"), words);
        }
    }

    #[test]
    fn variables_files_and_lock_files_are_not_judged() {
        for run in [
            "pip install -r requirements.txt",
            "pip install -e .",
            "pip install .",
            "npm install",
            "npm ci",
            "yarn install --frozen-lockfile",
            "gem install -v 7.1 rails",
            "go install ./cmd/...",
            "echo pip install flask",
        ] {
            assert_clean(&UnpinnedPackageVersion, &format!("FROM x:1\nRUN {run}\n"));
        }
    }

    /// issue 13 #12.
    #[test]
    fn exec_form_is_read() {
        assert_flags(&UnpinnedPackageVersion, "FROM x:1\nRUN [\"pip\", \"install\", \"flask\"]\n", &["\"flask\""]);
        assert_clean(&UnpinnedPackageVersion, "FROM x:1\nRUN [\"pip\", \"install\", \"flask==3.0\"]\n");
    }
}
