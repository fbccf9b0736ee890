use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags a final build stage whose last `USER` instruction switches to root
    /// (`root`, `0`, `root:root`, `0:0`, or any `root:<group>` / `0:<group>`).
    /// The stages the final stage is built `FROM` count too, since it inherits their
    /// USER. A user given through a variable is resolved through `ARG`/`ENV` and
    /// `--build-arg`; one that cannot be resolved is not reported.
    ///
    /// ## Why is this bad?
    /// A process running as root inside the container is root on the host's kernel:
    /// one container escape, or one writable host mount, and the host is lost. Running
    /// as an unprivileged user limits what a compromised process can do.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// RUN addgroup -S app && adduser -S app -G app
    /// USER app
    /// RUN npm ci
    /// USER root
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-alpine
    /// RUN addgroup -S app && adduser -S app -G app
    /// RUN npm ci
    /// USER app
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## How to fix
    /// Do the steps that need root first, then switch to an unprivileged user with a
    /// final `USER`, preferably numeric (`USER 10001:10001`) so orchestrators can verify
    /// it is not root.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.1, "Ensure that a user for the container has been created"
    /// - Practices a, "Running as Non-Root"; practices b, "Runtime Hardening"
    pub struct LastUserIsRoot;
    code = "DF001", name = "last-user-is-root", severity = Warning,
    category = Security, target = Dockerfile, fix = None,
    summary = "The final stage's last USER is root",
    aliases = ["DL3002", "DS-0002", "CKV_DOCKER_8", "67fd0c4a-68cf-46d7-8c41-bc9fba7e40ae"],
    cis = ["4.1"],
    practices = ["a-non-root", "b-non-root"],
}

/// True for a USER value that means uid 0.
pub(crate) fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || (!name.is_empty() && name.bytes().all(|b| b == b'0'))
}

impl DockerfileRule for LastUserIsRoot {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        // The model tracks the USER in force at the end of each stage, inherited
        // through `FROM <stage>`, already expanded.
        let Some(user) = cx.model.stages.last().and_then(|s| s.user.as_ref()) else { return };
        if !user.value.is_resolved() || !is_root_user(&user.value.value) {
            return;
        }
        let written = &cx.text()[user.range];
        let via = super::resolution_note(written, &user.value.value);
        cx.report(
            &Self::META,
            user.range,
            format!("the image runs as root: the last USER of the final stage is `{written}`{via}"),
        )
        .help("switch to an unprivileged user, e.g. `USER 10001:10001`, after the steps that need root");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_root_in_every_spelling() {
        for user in ["root", "0", "0:0", "root:root", "root:wheel", "000"] {
            let text = format!("FROM alpine:3.20\nUSER {user}\n");
            assert_flags(&LastUserIsRoot, &text, &[user]);
        }
    }

    #[test]
    fn only_the_last_user_of_the_final_stage_counts() {
        assert_flags(&LastUserIsRoot, "FROM alpine:3.20\nUSER app\nRUN id\nUSER root\n", &["root"]);
        assert_clean(&LastUserIsRoot, "FROM alpine:3.20\nUSER root\nRUN apk add curl\nUSER app\n");
        // Root in a build stage does not end up in the image.
        assert_clean(&LastUserIsRoot, "FROM alpine:3.20 AS build\nUSER root\nFROM alpine:3.20\nUSER 10001\n");
    }

    #[test]
    fn inherits_user_through_stage_chain() {
        let text = "FROM alpine:3.20 AS base\nUSER root\nFROM base\nRUN id\n";
        assert_flags(&LastUserIsRoot, text, &["root"]);
        assert_clean(&LastUserIsRoot, "FROM alpine:3.20 AS base\nUSER root\nFROM base\nUSER app\n");
    }

    #[test]
    fn resolves_variables_and_never_guesses() {
        assert_flags(&LastUserIsRoot, "FROM alpine:3.20\nARG RUNAS=root\nUSER ${RUNAS}\n", &["${RUNAS}"]);
        assert!(message(&LastUserIsRoot, "FROM alpine:3.20\nARG RUNAS=root\nUSER ${RUNAS}\n")
            .contains("resolves to `root`"));
        assert_clean(&LastUserIsRoot, "FROM alpine:3.20\nARG RUNAS\nUSER ${RUNAS}\n");
        assert_clean(&LastUserIsRoot, "FROM alpine:3.20\nARG RUNAS=app\nUSER $RUNAS\n");
    }

    #[test]
    fn names_that_merely_contain_root_or_zero_are_fine() {
        for user in ["rooter", "10", "app:0", "1000:root"] {
            assert_clean(&LastUserIsRoot, &format!("FROM alpine:3.20\nUSER {user}\n"));
        }
        assert_clean(&LastUserIsRoot, "FROM alpine:3.20\nRUN id\n");
    }
}
