use dockward_dockerfile::InstructionKind;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=<constant>` such as `--platform=linux/amd64`. A platform
    /// given through a variable (`$BUILDPLATFORM`, `$TARGETPLATFORM`, or an `ARG` that
    /// `--build-arg` can override) is not reported.
    ///
    /// ## Why is this bad?
    /// A hard-coded platform silently builds (and runs, under emulation) the wrong
    /// architecture on other machines and in multi-platform builds, and hides the
    /// image's real platform from `docker buildx build --platform`. Cross-compiling
    /// build stages should use `$BUILDPLATFORM`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 golang:1.23 AS build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    /// ```
    ///
    /// ## How to fix
    /// Use `$BUILDPLATFORM` for build stages that cross-compile, drop the flag
    /// elsewhere, and choose the target with `docker build --platform`.
    ///
    /// ## References
    /// - Practices b, "Image Security"
    pub struct PlatformFlagConstant;
    code = "DF027", name = "platform-flag-constant", severity = Warning,
    category = Correctness, target = Dockerfile, fix = None,
    summary = "FROM --platform is hard-coded",
    aliases = ["DL3029", "b16e8501-ef3c-44e1-a543-a093238099c9", "FromPlatformFlagConstDisallowed"],
}

impl DockerfileRule for PlatformFlagConstant {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        for instr in cx.dockerfile.instructions.iter().filter(|i| i.kind == InstructionKind::From) {
            let Some(value) = instr.flag("platform").and_then(|f| f.value.as_ref()) else { continue };
            if value.value.is_empty() || value.value.contains('$') {
                continue;
            }
            cx.report(&Self::META, value.range, format!("the platform is hard-coded to `{}`", value.value))
                .help("use `$BUILDPLATFORM` for cross-compiling build stages, else drop the flag");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_constants() {
        assert_flags(&PlatformFlagConstant, "FROM --platform=linux/amd64 golang:1.23\n", &["linux/amd64"]);
        assert_flags(&PlatformFlagConstant, "FROM --platform=\"linux/arm64\" a:1 AS b\n", &["\"linux/arm64\""]);
    }

    #[test]
    fn variables_are_fine() {
        assert_clean(&PlatformFlagConstant, "FROM --platform=$BUILDPLATFORM golang:1.23\n");
        assert_clean(&PlatformFlagConstant, "FROM --platform=${TARGETPLATFORM} a:1\n");
        assert_clean(&PlatformFlagConstant, "ARG P=linux/amd64\nFROM --platform=$P a:1\n");
        assert_clean(&PlatformFlagConstant, "FROM a:1\n");
    }
}
