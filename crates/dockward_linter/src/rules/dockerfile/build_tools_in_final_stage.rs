use std::collections::HashSet;

use dockward_dockerfile::semantic::Model;
use dockward_dockerfile::Dockerfile;
use dockward_source::TextRange;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

use super::final_stage_chain;
use super::shell_helpers::{arguments, installed_packages, names_package, program, run_scripts};

declare_rule! {
    /// ## What it does
    /// In a multi-stage build, flags compilers and build tools installed in the final
    /// stage (or a stage it is built `FROM`): `gcc`, `g++`, `clang`, `make`, `cmake`,
    /// `build-essential`, `build-base`, `golang`, `rustc`, `cargo`, `maven`, `gradle`,
    /// JDKs, autotools, with any package manager. Packages removed again in the same
    /// chain (`apk del .build-deps`, `apt-get purge gcc`, or Debian's `apt-mark auto`
    /// followed by `apt-get purge --auto-remove` in the same RUN) are not reported.
    ///
    /// ## Why is this bad?
    /// The build already has stages for building: tools left in the final image are
    /// unused attack surface, and let an attacker with a shell compile exploits in
    /// place.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /app .
    /// FROM debian:12-slim
    /// RUN apt-get update && apt-get install -y gcc make
    /// COPY --from=build /app /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /app .
    /// FROM debian:12-slim
    /// COPY --from=build /app /app
    /// ```
    ///
    /// ## How to fix
    /// Install build tools in a build stage and copy only the artifacts.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.3, "Ensure that unnecessary packages are not installed in the container"
    /// - Practices a, "Minimal and Lean Images" (Multi-Stage Builds); practices b, "Image Security"
    pub struct BuildToolsInFinalStage;
    code = "DF029", name = "build-tools-in-final-stage", severity = Warning,
    category = Security, target = Dockerfile, fix = None,
    summary = "A multi-stage build installs compilers or build tools in the final stage",
    cis = ["4.3"],
    practices = ["a-multi-stage", "b-multi-stage"],
}

declare_rule! {
    /// ## What it does
    /// Flags a single-stage Dockerfile that installs compilers or build tools (the
    /// same list as DF029), which therefore ship in the image. Packages removed again
    /// (`apk del .build-deps`, `apt-get purge gcc`) are not reported.
    ///
    /// ## Why is this bad?
    /// Build tools in a runtime image are unused attack surface and size. A
    /// multi-stage build keeps them out at no cost.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// RUN apt-get update && apt-get install -y build-essential && pip install -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13-slim AS build
    /// RUN apt-get update && apt-get install -y build-essential
    /// RUN pip wheel -r requirements.txt -w /wheels
    /// FROM python:3.13-slim
    /// COPY --from=build /wheels /wheels
    /// RUN pip install --no-index /wheels/*
    /// ```
    ///
    /// ## How to fix
    /// Move the build into its own stage and copy the artifacts, or remove the tools
    /// in the same RUN that installed them.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.3
    /// - Practices a, "Minimal and Lean Images" (Multi-Stage Builds); practices b, "Image Security"
    pub struct BuildToolsInSingleStage;
    code = "DF030", name = "build-tools-in-single-stage", severity = Info,
    category = Security, target = Dockerfile, fix = None,
    summary = "A single-stage build installs compilers or build tools that ship in the image",
    cis = ["4.3"],
    practices = ["a-multi-stage", "b-multi-stage"],
}

const TOOLCHAIN: &[&str] = &[
    "gcc",
    "g++",
    "gcc-c++",
    "clang",
    "llvm",
    "make",
    "cmake",
    "build-essential",
    "build-base",
    "base-devel",
    "autoconf",
    "automake",
    "libtool",
    "golang",
    "golang-go",
    "go",
    "rustc",
    "cargo",
    "rust",
    "maven",
    "gradle",
    "gfortran",
    "ninja-build",
    "Development Tools",
    "@development-tools",
];

fn is_toolchain(spec: &str) -> Option<String> {
    if let Some(t) = TOOLCHAIN.iter().find(|t| names_package(spec, t)) {
        return Some(t.to_string());
    }
    let name = spec.split(['=', '>', '<']).next().unwrap_or(spec);
    let jdk = name.ends_with("-jdk") || name.ends_with("-jdk-headless") || name.contains("-jdk-");
    let apk_jdk = name.strip_prefix("openjdk").is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
    (jdk || apk_jdk).then(|| name.to_string())
}

/// Toolchain packages installed by the RUNs of `stages` (sorted) and not removed again.
pub(crate) fn installed_toolchain(df: &Dockerfile, model: &Model, stages: &[usize]) -> Vec<(TextRange, String)> {
    let mut installed = Vec::new();
    let mut removed: HashSet<String> = HashSet::new();
    for run in run_scripts(df) {
        // A trigger installs into the downstream image, not this build's final stage.
        if run.onbuild {
            continue;
        }
        if model.stage_of(run.instruction).is_none_or(|s| stages.binary_search(&s).is_err()) {
            continue;
        }
        // Debian's `apt-mark auto '.*'; apt-mark manual $kept; ...; apt-get purge
        // --auto-remove` removes everything the RUN installed but the kept packages.
        let marks_auto = run
            .script
            .commands
            .iter()
            .any(|c| program(c) == Some("apt-mark") && arguments(c).first().is_some_and(|w| w.text == "auto"));
        let auto_removes = run.script.commands.iter().any(|c| {
            matches!(program(c), Some("apt-get" | "apt"))
                && arguments(c).iter().any(|w| w.text == "autoremove" || w.text == "--auto-remove")
        });
        if marks_auto && auto_removes {
            continue;
        }
        for cmd in &run.script.commands {
            let Some(prog) = program(cmd) else { continue };
            let args = arguments(cmd);
            let sub = args.iter().find(|w| !w.text.starts_with('-')).map(|w| w.text.as_str());
            let removing = matches!(
                (prog, sub),
                ("apk", Some("del"))
                    | ("apt-get" | "apt", Some("purge" | "remove" | "autoremove"))
                    | ("yum" | "dnf" | "microdnf", Some("remove" | "erase" | "autoremove"))
                    | ("zypper", Some("remove" | "rm"))
            );
            if removing {
                removed.extend(args.iter().filter(|w| !w.text.starts_with('-')).map(|w| base_name(&w.text)));
                continue;
            }
            let packages = installed_packages(cmd);
            if packages.is_empty() {
                continue;
            }
            // `apk add --virtual .build-deps gcc`: deleting `.build-deps` removes gcc.
            let virtual_name = args
                .iter()
                .position(|w| w.text == "--virtual" || w.text == "-t")
                .and_then(|i| args.get(i + 1))
                .map(|w| w.text.to_string())
                .or_else(|| args.iter().find_map(|w| w.text.strip_prefix("--virtual=").map(str::to_string)));
            for p in packages {
                if let Some(tool) = is_toolchain(&p.text) {
                    installed.push((p.range, tool, base_name(&p.text), virtual_name.clone()));
                }
            }
        }
    }
    installed
        .into_iter()
        .filter(|(_, _, name, virt)| !removed.contains(name) && !virt.as_ref().is_some_and(|v| removed.contains(v)))
        .map(|(r, tool, _, _)| (r, tool))
        .collect()
}

fn base_name(spec: &str) -> String {
    spec.split(['=', '>', '<']).next().unwrap_or(spec).to_string()
}

impl DockerfileRule for BuildToolsInFinalStage {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        if cx.dockerfile.stages.len() < 2 {
            return;
        }
        let mut chain: Vec<usize> = final_stage_chain(cx.dockerfile, cx.model).iter().map(|s| s.index).collect();
        chain.sort_unstable();
        for (range, tool) in installed_toolchain(cx.dockerfile, cx.model, &chain) {
            cx.report(&Self::META, range, format!("`{tool}` is installed in the final stage of a multi-stage build"))
                .help("install build tools in a build stage and copy only the artifacts");
        }
    }
}

impl DockerfileRule for BuildToolsInSingleStage {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        if cx.dockerfile.stages.len() != 1 {
            return;
        }
        for (range, tool) in installed_toolchain(cx.dockerfile, cx.model, &[0]) {
            cx.report(&Self::META, range, format!("`{tool}` is installed and ships in the image"))
                .help("build in a separate stage and copy the artifacts, or remove the tools in the same RUN");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_tools_in_the_final_chain() {
        // Triggers install into downstream images, which this rule does not judge.
        assert_clean(&BuildToolsInFinalStage, "FROM a:1 AS b\nFROM c:1\nONBUILD RUN apt-get install -y gcc\n");
        let text = "FROM golang:1.23 AS build\nRUN apt-get install -y gcc\nFROM debian:12-slim\nRUN apt-get install -y --no-install-recommends gcc make ca-certificates\n";
        assert_flags(&BuildToolsInFinalStage, text, &["gcc", "make"]);
        let text = "FROM a:1 AS base\nRUN apk add --no-cache build-base\nFROM b:1 AS build\nFROM base\n";
        assert_flags(&BuildToolsInFinalStage, text, &["build-base"]);
        assert_flags(
            &BuildToolsInFinalStage,
            "FROM a:1 AS b\nFROM c:1\nRUN dnf install -y gcc-c++ java-17-openjdk-devel maven\n",
            &["gcc-c++", "maven"],
        );
    }

    #[test]
    fn build_stages_removed_tools_and_runtimes_are_fine() {
        assert_clean(
            &BuildToolsInFinalStage,
            "FROM a:1 AS build\nRUN apt-get install -y gcc\nFROM b:1\nCOPY --from=build /x /x\n",
        );
        let text = "FROM a:1 AS b\nFROM c:1\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install x && apk del .build-deps\n";
        assert_clean(&BuildToolsInFinalStage, text);
        assert_clean(
            &BuildToolsInFinalStage,
            "FROM a:1 AS b\nFROM c:1\nRUN apt-get install -y gcc && make && apt-get purge -y gcc\n",
        );
        assert_clean(
            &BuildToolsInFinalStage,
            "FROM a:1 AS b\nFROM c:1\nRUN apt-get install -y openjdk-17-jre-headless libgcc-s1 go-md2man\n",
        );
        assert_clean(&BuildToolsInFinalStage, "FROM c:1\nRUN apt-get install -y gcc\n");
        // DF030's finding
    }

    #[test]
    fn single_stage_toolchains() {
        assert_flags(
            &BuildToolsInSingleStage,
            "FROM python:3.13-slim\nRUN apt-get install -y build-essential\n",
            &["build-essential"],
        );
        assert_flags(&BuildToolsInSingleStage, "FROM alpine:3\nRUN apk add openjdk17 go\n", &["openjdk17", "go"]);
        assert_clean(&BuildToolsInSingleStage, "FROM a:1 AS b\nRUN apt-get install -y gcc\nFROM c:1\n");
        assert_clean(&BuildToolsInSingleStage, "FROM a:1\nRUN echo apt-get install gcc\n");
        let text = "FROM a:1\nRUN saved=\"$(apt-mark showmanual)\"; apt-get install -y gcc make; ./build; \\\n  apt-mark auto '.*' > /dev/null; apt-mark manual $saved; apt-get purge -y --auto-remove\n";
        assert_clean(&BuildToolsInSingleStage, text);
    }
}
