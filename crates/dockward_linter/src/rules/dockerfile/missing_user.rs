use dockward_dockerfile::Args;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

use super::{base_image, final_stage_chain, last_user};

declare_rule! {
    /// ## What it does
    /// Flags a Dockerfile whose final stage (with the stages it is built `FROM`) never
    /// sets `USER`. When an earlier build stage sets a USER that the final stage does
    /// not inherit, the finding points at it too.
    ///
    /// ## Why is this bad?
    /// Without a USER the container runs as the base image's user, which is root for
    /// almost every official image. A compromised process then runs as root on the
    /// host's kernel.
    ///
    /// Base images built to run unprivileged, such as distroless `:nonroot` tags, are
    /// not reported. Nor is an image built on the project's own non-root base: `FROM
    /// ${BASE}` where BASE (its ARG default or `--build-arg`) names a stage that sets a
    /// non-root USER, or an image that another Dockerfile checked in the same run
    /// builds with a non-root USER. Such an image is recognised by the last component
    /// of its name (`registry.example.com/team/base:1` -> `base`): the directory of a
    /// `Dockerfile` (`images/base/Dockerfile`) or the name in `Dockerfile.base` /
    /// `base.Dockerfile`. Only a FROM written with a variable is followed this way, and
    /// a name two Dockerfiles claim with different USERs is not followed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// COPY app.py /app/
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// RUN useradd --uid 10001 --no-create-home app
    /// COPY app.py /app/
    /// USER 10001
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// ## How to fix
    /// Create an unprivileged user and end the final stage with `USER <uid>`.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.1
    /// - Practices a, "Running as Non-Root"; practices b, "Runtime Hardening"
    pub struct MissingUser;
    code = "DF002", name = "missing-user", severity = Warning,
    category = Security, target = Dockerfile, fix = None,
    summary = "The final stage never sets USER, so it runs as the base image's user",
    aliases = ["CKV_DOCKER_3", "fd54f200-402c-4333-a5a4-36ef6709af2f", "DS-0002"],
    cis = ["4.1"],
    practices = ["a-non-root", "b-non-root"],
}

/// True if the final stage chain starts `FROM ${VAR}` (a base chosen by the build)
/// naming an image that another Dockerfile of the checked tree builds with a non-root
/// USER: the project's own non-root base. Only a FROM written with a variable is
/// followed, so that a public image never matches a directory of the same name.
fn built_on_project_non_root_image(cx: &DockerfileContext<'_>) -> bool {
    let images = &cx.settings.project_images;
    let Some(last) = cx.dockerfile.stages.last() else { return false };
    let Some(&root) = cx.model.ancestry(last.index).last() else { return false };
    let Some(name) = cx.model.stages.get(root).and_then(|s| s.base_name.as_ref()) else { return false };
    let written = cx.dockerfile.slice(name.range);
    !images.is_empty() && written.contains('$') && images.sets_non_root_user(&name.value.value)
}

impl DockerfileRule for MissingUser {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let df = cx.dockerfile;
        let chain = final_stage_chain(df, cx.model);
        let Some(final_stage) = chain.first() else { return };
        if chain.iter().any(|s| last_user(df, s).is_some()) {
            return;
        }
        if base_image(cx.model, final_stage.index)
            .is_some_and(|i| i.tag.as_deref().is_some_and(|t| t.contains("nonroot")))
        {
            return;
        }
        if built_on_project_non_root_image(cx) {
            return;
        }
        let from = &df.instructions[final_stage.instructions.start];
        let range = match &from.args {
            Args::From(f) => f.image.range,
            _ => from.keyword.range,
        };
        let elsewhere =
            df.stages.iter().filter(|s| !chain.iter().any(|c| c.index == s.index)).find_map(|s| last_user(df, s));
        let related = elsewhere.map(|user| cx.at(user.range));
        let message = if related.is_some() {
            "the final stage never sets USER (a build stage does, but stages do not inherit it from each other), \
             so the container runs as the base image's user (usually root)"
        } else {
            "the final stage never sets USER, so the container runs as the base image's user (usually root)"
        };
        let d = cx.report(&Self::META, range, message);
        d.help("add `USER <uid>` (an unprivileged, preferably numeric user) at the end of the final stage");
        if let Some(location) = related {
            d.related(location, "USER is set in a build stage; the final stage does not inherit it");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_the_final_from_image() {
        assert_flags(&MissingUser, "FROM python:3.13-slim\nCMD [\"python\"]\n", &["python:3.13-slim"]);
        assert_flags(
            &MissingUser,
            "FROM golang:1.23 AS build\nFROM debian:12-slim\nCOPY --from=build /x /x\n",
            &["debian:12-slim"],
        );
    }

    #[test]
    fn user_in_the_chain_counts_and_build_stage_user_is_related() {
        assert_clean(&MissingUser, "FROM alpine:3.20 AS base\nUSER app\nFROM base\nRUN id\n");
        assert_clean(&MissingUser, "FROM alpine:3.20\nUSER root\n"); // that is DF001's finding
        let text = "FROM alpine:3.20 AS build\nUSER builder\nFROM alpine:3.20\n";
        let diags = lint(&MissingUser, text);
        assert_eq!(diags.len(), 1);
        let related = diags[0].related[0].location.range().unwrap();
        assert_eq!(&text[related], "USER builder");
        assert!(diags[0].message.contains("a build stage does"), "{}", diags[0].message);
    }

    #[test]
    fn nonroot_base_images_are_trusted() {
        assert_clean(&MissingUser, "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\n");
    }

    #[test]
    fn scratch_without_user_runs_as_root() {
        assert_flags(&MissingUser, "FROM scratch\nCOPY a /a\n", &["scratch"]);
    }

    /// issue 13 #18: `FROM ${BASE}` naming a stage, or an image another Dockerfile of the
    /// tree builds with a non-root USER.
    #[test]
    fn follows_the_projects_own_base() {
        assert_clean(&MissingUser, "ARG BASE=base\nFROM alpine:3.20 AS base\nUSER 10001\nFROM ${BASE}\nRUN id\n");
        let index = crate::project_images::ProjectImages::from_dockerfiles([
            (std::path::Path::new("images/base/Dockerfile"), "FROM debian:12\nUSER 10001\n"),
            (std::path::Path::new("images/root/Dockerfile"), "FROM debian:12\n"),
        ]);
        let settings = |build_args: &[(&str, &str)]| {
            let mut s = crate::settings::SettingsBuilder {
                select: Some(vec!["DF002".into()]),
                build_args: build_args.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
                ..Default::default()
            }
            .build();
            s.project_images = std::sync::Arc::new(index.clone());
            s
        };
        let text = "ARG BASE=registry.example.com/team/base:1.4\nFROM ${BASE}\nCOPY app /app\n";
        assert!(lint_with(&MissingUser, text, settings(&[])).is_empty());
        let text = "ARG REGISTRY\nFROM ${REGISTRY}/team/base:1.4\nCOPY app /app\n";
        assert!(lint_with(&MissingUser, text, settings(&[])).is_empty());
        let text = "ARG BASE\nFROM $BASE\n";
        assert!(lint_with(&MissingUser, text, settings(&[("BASE", "team/base:2")])).is_empty());
        // A base that runs as root, an unknown base, and a base named without a variable.
        for text in ["ARG BASE=team/root:1\nFROM ${BASE}\n", "ARG BASE\nFROM ${BASE}\n", "FROM team/base:1\n"] {
            assert_eq!(lint_with(&MissingUser, text, settings(&[])).len(), 1, "{text}");
        }
    }
}
