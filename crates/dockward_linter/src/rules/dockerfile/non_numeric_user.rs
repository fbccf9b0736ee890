use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

use super::last_user_is_root::is_root_user;

declare_rule! {
    /// ## What it does
    /// Flags a final `USER` given by name (`USER app`) rather than by numeric UID
    /// (`USER 10001`). A user resolved through `ARG`/`ENV` is judged by its value; one
    /// that cannot be resolved is not reported. Root is DF001's finding; Windows
    /// images (`nanoserver`, `servercore`), which have no UIDs, are not reported.
    ///
    /// ## Why is this bad?
    /// Kubernetes' `runAsNonRoot` and similar admission checks read the image's user
    /// without looking into `/etc/passwd`: a name cannot be verified as non-root, so
    /// the pod is refused or the check is skipped. A name can also map to a different
    /// UID, even 0, if `/etc/passwd` changes.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN useradd --uid 10001 app
    /// USER app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN useradd --uid 10001 app
    /// USER 10001:10001
    /// ```
    ///
    /// ## How to fix
    /// Use the numeric UID (and GID) of the user.
    ///
    /// ## References
    /// - Practices a, "Running as Non-Root"; practices b, "Runtime Hardening"
    pub struct NonNumericUser;
    code = "DF025", name = "non-numeric-user", severity = Info,
    category = Security, target = Dockerfile, fix = None,
    summary = "The final USER is a name, which orchestrators cannot verify as non-root",
    aliases = ["DL3066"],
    practices = ["a-non-root"],
}

impl DockerfileRule for NonNumericUser {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let Some(user) = cx.model.stages.last().and_then(|s| s.user.as_ref()) else { return };
        let value = &user.value.value;
        if !user.value.is_resolved() || is_root_user(value) {
            return;
        }
        let name = value.split(':').next().unwrap_or(value).trim();
        if name.is_empty() || name.bytes().all(|b| b.is_ascii_digit()) {
            return;
        }
        // Windows images have no UIDs: `ContainerUser` is how they run unprivileged.
        let windows = cx.model.stages.iter().any(|s| match &s.base {
            dockward_dockerfile::semantic::Target::Image(i) => {
                let n = format!("{}:{}", i.repository, i.tag.as_deref().unwrap_or("")).to_ascii_lowercase();
                ["windows", "nanoserver", "servercore"].iter().any(|w| n.contains(w))
            }
            _ => false,
        });
        if windows {
            return;
        }
        let written = &cx.text()[user.range];
        let via = super::resolution_note(written, value);
        cx.report(&Self::META, user.range, format!("USER `{name}` is a name, not a numeric UID{via}"))
            .help("use the numeric UID (e.g. `USER 10001:10001`) so `runAsNonRoot` can verify it");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_names() {
        assert_flags(&NonNumericUser, "FROM a:1\nUSER app\n", &["app"]);
        assert_flags(&NonNumericUser, "FROM a:1\nUSER node:node\n", &["node:node"]);
        assert_flags(&NonNumericUser, "FROM a:1\nARG U=app\nUSER $U\n", &["$U"]);
    }

    #[test]
    fn numbers_root_and_unknowns_are_fine() {
        for user in ["10001", "10001:10001", "1000:app", "root", "0:0"] {
            assert_clean(&NonNumericUser, &format!("FROM a:1\nUSER {user}\n"));
        }
        assert_clean(&NonNumericUser, "FROM a:1\nARG UID\nUSER $UID\n");
        assert_clean(&NonNumericUser, "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nUSER ContainerUser\n");
        assert_clean(&NonNumericUser, "FROM a:1 AS b\nUSER app\nFROM c:1\nUSER 10\n");
    }
}
