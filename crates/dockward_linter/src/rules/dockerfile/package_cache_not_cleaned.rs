use dockward_diagnostics::{Edit, Fix};
use dockward_source::TextRange;

use super::package_managers::{
    cache_mount_targets, calls, mount_covers, position, removes_later, shipped_stage_ranges, Manager, PmCall,
};
use super::shell_helpers::run_commands;
use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags package installs that leave the manager's download cache or index in the
    /// image layer:
    ///
    /// | manager | cleaned by (in the same RUN, after the install) |
    /// |---|---|
    /// | apt-get / apt | `rm -rf /var/lib/apt/lists/*` or `apt-get dist-clean` |
    /// | apk add | `--no-cache` (or `--no-network`) on the command, or `rm -rf /var/cache/apk/*` |
    /// | yum / dnf / microdnf | `<manager> clean all` (or removing `/var/cache/yum` / `/var/cache/dnf`) |
    /// | zypper | `zypper clean` / `zypper cc` (or removing `/var/cache/zypp`) |
    /// | pip | `--no-cache-dir`, `PIP_NO_CACHE_DIR` set, `pip cache purge`, or removing `~/.cache/pip` |
    /// | npm | `npm cache clean --force` (or removing `~/.npm`) |
    /// | yarn | `yarn cache clean` |
    ///
    /// A BuildKit cache or tmpfs mount over the cache directory (`RUN
    /// --mount=type=cache,target=/var/cache/apt ...`, `target=/root/.cache/pip`) keeps
    /// the cache out of the layer and is the better fix; such RUNs are not flagged.
    /// Only stages that end up in the built image (the final stage and the stages it
    /// is built on) are checked: whatever a builder stage caches is thrown away.
    ///
    /// ## Why is this bad?
    /// Package indexes and downloaded archives are useless at run time, often tens of
    /// megabytes, and once committed to a layer a later `rm` cannot shrink the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// RUN apk add curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Fix
    /// Clean up in the same RUN, or use a cache mount. The fix adds `--no-cache` to
    /// `apk add` (safe: apk then fetches the index into memory); other managers need a
    /// command appended in the right place and are left to you.
    ///
    /// ## References
    /// - Docker docs, "Building best practices", apt-get and cache mounts
    /// - Practices a, "Minimal and Lean Images"
    pub struct PackageCacheNotCleaned;
    code = "DF103", name = "package-cache-not-cleaned", severity = Info,
    category = BestPractice, target = Dockerfile, fix = Sometimes,
    summary = "A package install leaves its cache in the image layer",
    aliases = [
        "DL3009", "DL3019", "DL3032", "DL3036", "DL3040", "DL3042", "DL3060",
        "DS-0015", "DS-0019", "DS-0020", "DS-0025", "DS-0027", "DKL-DI-0004", "DKL-DI-0005",
        "ae9c56a6-3ed1-4ac0-9b54-31267f51151d", "df746b39-6564-4fed-bf85-e9c44382303c",
        "295acb63-9246-4b21-b441-7c1f1fb62dc0", "38300d1a-feb2-4a48-936a-d1ef1cd24313",
        "f2f903fb-b977-461e-98d7-b3e2185c6118", "00481784-25aa-4a55-8633-3136dfcf4f37",
    ],
    practices = ["a-minimal-base"],
}

/// What to do about one finding.
struct Finding {
    range: TextRange,
    message: String,
    help: &'static str,
    fix: Option<Edit>,
}

fn cleans(call: &PmCall<'_>, family: &[Manager]) -> bool {
    family.contains(&call.manager)
        && match call.manager {
            Manager::Yum | Manager::Dnf | Manager::Microdnf | Manager::Zypper => call.sub_is(&["clean", "cc"]),
            Manager::Pip => call.sub() == "cache" && call.operands.iter().any(|w| w.text == "purge"),
            Manager::Npm | Manager::Yarn => call.sub() == "cache" && call.operands.iter().any(|w| w.text == "clean"),
            _ => false,
        }
}

impl DockerfileRule for PackageCacheNotCleaned {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        let shipped = shipped_stage_ranges(cx);
        for (index, instr) in cx.dockerfile.instructions.iter().enumerate() {
            if instr.kind != dockward_dockerfile::InstructionKind::Run || !shipped.iter().any(|r| r.contains(&index)) {
                continue;
            }
            let Some(run) = run_commands(&cx.dockerfile.source, instr) else { continue };
            let commands = run.commands();
            let calls = calls(commands);
            if calls.is_empty() {
                continue;
            }
            let mounts = cache_mount_targets(instr);
            let cleaned_after = |call: &PmCall<'_>, family: &[Manager]| {
                let at = position(commands, call.command);
                calls.iter().any(|c| position(commands, c.command) > at && cleans(c, family))
            };
            let removed = |call: &PmCall<'_>, paths: &[&str]| {
                let at = position(commands, call.command);
                paths.iter().any(|p| mount_covers(&mounts, p) || removes_later(commands, at, p))
            };
            // apt: one finding per RUN, at the last install or update (cleanup must follow it).
            if let Some(last) = calls
                .iter()
                .rev()
                .find(|c| matches!(c.manager, Manager::AptGet | Manager::Apt) && c.sub_is(&["install", "update"]))
            {
                let at = position(commands, last.command);
                let dist_clean = calls.iter().any(|c| {
                    matches!(c.manager, Manager::AptGet | Manager::Apt)
                        && c.sub() == "dist-clean"
                        && position(commands, c.command) > at
                });
                if calls.iter().any(|c| matches!(c.manager, Manager::AptGet | Manager::Apt) && c.sub_is(&["install"]))
                    && !dist_clean
                    && !removed(last, &["/var/lib/apt/lists"])
                {
                    found.push(Finding {
                        range: last.subcommand.expect("install").range,
                        message: "apt package lists stay in the layer".into(),
                        help: "end the RUN with `&& rm -rf /var/lib/apt/lists/*`, or use a cache mount",
                        fix: None,
                    });
                }
            }
            for call in &calls {
                if !call.is_install() {
                    continue;
                }
                let sub = call.subcommand.expect("installs have a subcommand");
                let finding = match call.manager {
                    Manager::Apk => {
                        // `--no-network` installs from what is already there and fetches nothing.
                        let ok = call.has_long("--no-cache")
                            || call.has_long("--no-network")
                            || removed(call, &["/var/cache/apk", "/etc/apk/cache"]);
                        (!ok).then(|| Finding {
                            range: sub.range,
                            message: "`apk add` keeps its index cache in the layer".into(),
                            help: "add `--no-cache`",
                            fix: run.fixable.then(|| Edit::insert(sub.range.end(), " --no-cache")),
                        })
                    }
                    Manager::Yum | Manager::Dnf | Manager::Microdnf => {
                        let family = [Manager::Yum, Manager::Dnf, Manager::Microdnf];
                        let ok = cleaned_after(call, &family)
                            || removed(call, &["/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5"]);
                        (!ok).then(|| Finding {
                            range: sub.range,
                            message: format!("`{}` cache stays in the layer", call.manager.name()),
                            help: "end the RUN with `&& <manager> clean all`, or use a cache mount",
                            fix: None,
                        })
                    }
                    Manager::Zypper => {
                        let ok = cleaned_after(call, &[Manager::Zypper]) || removed(call, &["/var/cache/zypp"]);
                        (!ok).then(|| Finding {
                            range: sub.range,
                            message: "zypper cache stays in the layer".into(),
                            help: "end the RUN with `&& zypper clean -a`, or use a cache mount",
                            fix: None,
                        })
                    }
                    Manager::Pip => {
                        let env_set = call.command.assignments.iter().any(|w| w.text.starts_with("PIP_NO_CACHE_DIR="))
                            || cx.model.variable_at(index, "PIP_NO_CACHE_DIR").is_some()
                            || commands.iter().any(|c| {
                                c.program() == Some("export")
                                    && c.args().iter().any(|w| w.text.starts_with("PIP_NO_CACHE_DIR"))
                            });
                        let ok = env_set
                            || call.has_long("--no-cache-dir")
                            || call.has_long("--cache-dir")
                            || cleaned_after(call, &[Manager::Pip])
                            || removed(call, &["/root/.cache/pip"]);
                        (!ok).then(|| Finding {
                            range: sub.range,
                            message: "pip keeps downloaded packages in `~/.cache/pip`".into(),
                            help: "add `--no-cache-dir`, or use a cache mount on /root/.cache/pip",
                            fix: None,
                        })
                    }
                    Manager::Npm => {
                        let ok = cleaned_after(call, &[Manager::Npm]) || removed(call, &["/root/.npm"]);
                        (!ok).then(|| Finding {
                            range: sub.range,
                            message: "npm keeps its download cache in `~/.npm`".into(),
                            help: "end the RUN with `&& npm cache clean --force`, or use a cache mount",
                            fix: None,
                        })
                    }
                    Manager::Yarn => {
                        let ok = cleaned_after(call, &[Manager::Yarn])
                            || removed(call, &["/usr/local/share/.cache/yarn", "/root/.cache/yarn", "/root/.yarn"]);
                        (!ok).then(|| Finding {
                            range: sub.range,
                            message: "yarn keeps its download cache in the layer".into(),
                            help: "end the RUN with `&& yarn cache clean`, or use a cache mount",
                            fix: None,
                        })
                    }
                    _ => None,
                };
                found.extend(finding);
            }
        }
        for f in found {
            let d = cx.report(&Self::META, f.range, f.message);
            d.help(f.help);
            if let Some(edit) = f.fix {
                d.fix(Fix::safe("Add --no-cache", vec![edit]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_each_manager() {
        let cases = [
            ("apt-get update && apt-get install -y x", "install"),
            ("apk add curl", "add"),
            ("dnf install -y git", "install"),
            ("zypper -n in git", "in"),
            ("pip install flask==3.0", "install"),
            ("python3 -m pip install -r requirements.txt", "install"),
            ("npm install -g pnpm@9", "install"),
            ("yarn install --frozen-lockfile", "install"),
        ];
        for (run, word) in cases {
            assert_flags(&PackageCacheNotCleaned, &format!("FROM x:1\nRUN {run}\n"), &[word]);
        }
    }

    #[test]
    fn cleanups_mounts_and_env_count() {
        for run in [
            "apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*",
            "apt-get update; apt-get install -y x; apt-get dist-clean",
            "apk add --no-network --virtual .rundeps $deps",
            "--mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y x",
            "--mount=type=tmpfs,target=/var/lib/apt apt-get update && apt-get install -y x",
            "apk add --no-cache curl",
            "--mount=type=cache,target=/var/cache/apk apk add curl",
            "dnf install -y git && dnf clean all",
            "yum install -y git && rm -rf /var/cache/yum",
            "zypper -n in git && zypper clean -a",
            "pip install --no-cache-dir flask",
            "PIP_NO_CACHE_DIR=1 pip install flask",
            "--mount=type=cache,target=/root/.cache/pip pip install flask",
            "--mount=type=cache,target=/root/.cache pip3 install flask",
            "pip install flask && rm -rf ~/.cache/pip",
            "npm ci && npm cache clean --force",
            "yarn install && yarn cache clean",
            "echo apk add curl",
            "apt-get update && apt-get remove -y x",
        ] {
            assert_clean(&PackageCacheNotCleaned, &format!("FROM x:1\nRUN {run}\n"));
        }
        assert_clean(&PackageCacheNotCleaned, "FROM x:1\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n");
        // A heredoc script is a script too.
        assert_clean(
            &PackageCacheNotCleaned,
            "FROM x:1\nRUN <<EOF\napt-get update\napt-get install -y x\nrm -rf /var/lib/apt/lists/*\nEOF\n",
        );
        assert_flags(&PackageCacheNotCleaned, "FROM x:1\nRUN <<EOF\napk add x\nEOF\n", &["add"]);
        // A cache mount covers a heredoc script too.
        assert_clean(
            &PackageCacheNotCleaned,
            "FROM x:1\nRUN --mount=type=cache,id=pip,target=/root/.cache/pip <<EOF\npip install flask==3.0\nEOF\n",
        );
    }

    #[test]
    fn builder_stages_are_not_shipped() {
        let text = "FROM x:1 AS build\nRUN apk add gcc\nFROM x:1\nCOPY --from=build /out /out\nRUN apk add curl\n";
        let diags = lint(&PackageCacheNotCleaned, text);
        assert_eq!(diags.len(), 1);
        assert_eq!(&text[diags[0].location.range().unwrap()], "add");
        assert!(diags[0].location.range().unwrap().start() > 40.into());
        // ... unless the final stage is built on it.
        assert_flags(&PackageCacheNotCleaned, "FROM x:1 AS base\nRUN apk add gcc\nFROM base\nRUN true\n", &["add"]);
    }

    #[test]
    fn cleanup_before_the_install_does_not_count() {
        assert_flags(
            &PackageCacheNotCleaned,
            "FROM x:1\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y x\n",
            &["install"],
        );
    }

    #[test]
    fn apk_fix_adds_no_cache() {
        assert_fix(
            &PackageCacheNotCleaned,
            "FROM x:1\nRUN apk update && apk add curl\n",
            "FROM x:1\nRUN apk update && apk add --no-cache curl\n",
        );
    }

    /// issue 13 #12: exec form is judged; its argv gets no text fix.
    #[test]
    fn exec_form_is_read() {
        let text = "FROM x:1\nRUN [\"apk\", \"add\", \"curl\"]\n";
        assert_flags(&PackageCacheNotCleaned, text, &["\"add\""]);
        assert!(lint(&PackageCacheNotCleaned, text)[0].fix.is_none());
        assert_clean(&PackageCacheNotCleaned, "FROM x:1\nRUN [\"apk\", \"add\", \"--no-cache\", \"curl\"]\n");
    }
}
