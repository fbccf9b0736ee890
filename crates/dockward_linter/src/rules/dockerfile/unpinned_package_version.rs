use super::package_managers::{calls, runs, Manager, PmCall};
use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags packages installed without a version:
    ///
    /// | manager | pinned form |
    /// |---|---|
    /// | apt-get / apt | `curl=7.88.1-10` |
    /// | apk add | `curl=8.5.0-r0` (also `~`, `<`, `>` constraints) |
    /// | yum / dnf / microdnf | `git-2.43.0` (name, dash, version) |
    /// | zypper | `git=2.43` (also `<`, `>` constraints) |
    /// | pip | `flask==3.0.2` (any version specifier), a path, URL or `-r` file |
    /// | npm / yarn | `left-pad@1.3.0` (not `@latest`) |
    /// | gem | `-v 1.2` / `--version 1.2`, or `rails:7.1` |
    /// | go install | `example.com/tool@v1.2.3` (not `@latest`) |
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
    code = "DF104", name = "unpinned-package-version", severity = Info,
    category = BestPractice, target = Dockerfile, fix = None,
    summary = "A package is installed without a pinned version",
    aliases = [
        "DL3008", "DL3013", "DL3016", "DL3018", "DL3028", "DL3033", "DL3037", "DL3041", "DL3062",
        "965a08d7-ef86-4f14-8792-4a3b2098937e", "d3499f6d-1651-41bb-a9a7-de925fea487b",
        "02d9c71f-3ee8-4986-9c27-1a20d0d19bfc", "e36d8880-3f78-4546-b9a1-12f0745ca0d5",
        "22cd11f7-9c6c-4f6e-84c0-02058120b341", "6452c424-1d92-4deb-bb18-a03e95d579c4",
        "93d88cf7-f078-46a8-8ddc-178e03aeacf1", "562952e4-0348-4dea-9826-44f3a2c6117b",
    ],
    practices = ["b: Image Security"],
}

fn is_local(word: &str) -> bool {
    word == "."
        || word.starts_with("./")
        || word.starts_with("../")
        || word.starts_with('/')
        || word.starts_with("file:")
        || word.contains("://")
        || [".deb", ".rpm", ".apk", ".whl", ".tar.gz", ".tgz", ".zip", ".gem"].iter().any(|s| word.ends_with(s))
}

/// True if `pkg` carries a version in the manager's syntax.
fn pinned(manager: Manager, pkg: &str) -> bool {
    if is_local(pkg) {
        return true;
    }
    match manager {
        Manager::AptGet | Manager::Apt => pkg.contains('='),
        Manager::Apk => pkg.contains(['=', '~', '<', '>']),
        Manager::Zypper => pkg.contains(['=', '<', '>']),
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

fn packages<'a>(call: &'a PmCall<'a>) -> Vec<&'a dockward_shell::Word> {
    match call.manager {
        // `gem install -v 1.2 rails` pins every gem of the command.
        Manager::Gem if call.has_long("--version") || call.has_short('v') => Vec::new(),
        // `go get`/`go install` of local packages (`./cmd/...`) build the checked-out code.
        _ => call.literal_operands().filter(|w| !w.text.is_empty()).collect(),
    }
}

impl DockerfileRule for UnpinnedPackageVersion {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for (_, instr) in runs(cx.dockerfile) {
            for call in calls(instr) {
                if !call.is_install() {
                    continue;
                }
                // `npm install` / `yarn install` without names install the lock file.
                if matches!(call.manager, Manager::Yarn) && call.sub() == "install" {
                    continue;
                }
                for word in packages(&call) {
                    if !pinned(call.manager, &word.text) {
                        found.push((word.range, call.manager, word.text.clone()));
                    }
                }
            }
        }
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
            ("apt-get install -y curl=7.88 git", &["git"]),
            ("apk add --no-cache curl~8 jq", &["jq"]),
            ("dnf install -y git-2.43.0 make", &["make"]),
            ("zypper -n in 'git>=2' vim", &["vim"]),
            ("pip install flask==3.0 'requests>=2' numpy", &["numpy"]),
            ("npm install -g pnpm@9 @angular/cli@latest typescript", &["@angular/cli@latest", "typescript"]),
            ("yarn global add @scope/x@1.0 left-pad", &["left-pad"]),
            ("gem install bundler:2.5 rails", &["rails"]),
            ("go install golang.org/x/tools/gopls@latest example.com/a@v1.2.0", &["golang.org/x/tools/gopls@latest"]),
        ];
        for (run, words) in cases {
            assert_flags(&UnpinnedPackageVersion, &format!("FROM x:1\nRUN {run}\n"), words);
        }
    }

    #[test]
    fn variables_files_and_lock_files_are_not_judged() {
        for run in [
            "apt-get install -y $PACKAGES",
            "apt-get install -y ./pkg.deb",
            "pip install -r requirements.txt",
            "pip install -e .",
            "pip install .",
            "npm install",
            "npm ci",
            "yarn install --frozen-lockfile",
            "gem install -v 7.1 rails",
            "go install ./cmd/...",
            "dnf install -y @development-tools",
            "echo apt-get install curl",
        ] {
            assert_clean(&UnpinnedPackageVersion, &format!("FROM x:1\nRUN {run}\n"));
        }
    }
}
