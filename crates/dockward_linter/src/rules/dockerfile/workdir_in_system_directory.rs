use dockward_dockerfile::{Args, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags a `WORKDIR` inside a kernel or boot directory: `/proc`, `/sys`, `/dev`,
    /// `/boot`, `/initrd` or `/lost+found` (the directory itself or anything under it).
    /// The path is expanded through ARG and ENV first; a path that depends on an
    /// unknown variable is not judged.
    ///
    /// ## Why is this bad?
    /// At run time these directories are pseudo-filesystems or host-managed mounts
    /// (`/proc`, `/sys` and `/dev` are mounted over whatever the image holds), so files
    /// written there at build time vanish, and commands that run there read and write
    /// kernel state instead of application files.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// WORKDIR /proc/app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// WORKDIR /app
    /// ```
    ///
    /// ## Fix
    /// Choose an application directory such as `/app` or `/srv/<name>`.
    ///
    /// ## References
    /// - Filesystem Hierarchy Standard: `/proc`, `/sys`, `/dev`, `/boot`
    pub struct WorkdirInSystemDirectory;
    code = "DF132", name = "workdir-in-system-directory", severity = Warning,
    category = Correctness, target = Dockerfile, fix = None,
    summary = "WORKDIR is inside a kernel or boot directory",
    aliases = ["DS-0030"],
}

/// Directories whose contents at run time are not the image's.
const SYSTEM_DIRS: &[&str] = &["/proc", "/sys", "/dev", "/boot", "/initrd", "/lost+found"];

fn system_dir(path: &str) -> Option<&'static str> {
    // `//proc/./x` and `/proc/` name the same place as `/proc/x` and `/proc`.
    let mut parts = path.split('/').filter(|p| !p.is_empty() && *p != ".");
    let first = parts.next()?;
    SYSTEM_DIRS.iter().copied().find(|d| d[1..] == *first)
}

impl DockerfileRule for WorkdirInSystemDirectory {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for (index, instr) in cx.dockerfile.instructions.iter().enumerate() {
            if instr.kind != InstructionKind::Workdir {
                continue;
            }
            let Args::Text(path) = &instr.args else { continue };
            let expanded = cx.model.expand_at(index, &path.value);
            if !expanded.is_resolved() || !expanded.value.starts_with('/') {
                continue;
            }
            if let Some(dir) = system_dir(&expanded.value) {
                found.push((path.range, dir));
            }
        }
        for (range, dir) in found {
            cx.report(
                &Self::META,
                range,
                format!("WORKDIR is inside `{dir}`, whose contents at run time are not the image's"),
            )
            .help("use an application directory such as /app");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_kernel_and_boot_directories() {
        assert_flags(&WorkdirInSystemDirectory, "FROM alpine:3.20\nWORKDIR /proc/app\n", &["/proc/app"]);
        assert_flags(&WorkdirInSystemDirectory, "FROM alpine:3.20\nWORKDIR /dev\n", &["/dev"]);
        assert_flags(&WorkdirInSystemDirectory, "FROM alpine:3.20\nARG D=/sys\nWORKDIR ${D}/x\n", &["${D}/x"]);
        assert_flags(&WorkdirInSystemDirectory, "FROM alpine:3.20\nWORKDIR //boot/./grub\n", &["//boot/./grub"]);
    }

    #[test]
    fn application_and_unresolved_paths_are_fine() {
        assert_clean(&WorkdirInSystemDirectory, "FROM alpine:3.20\nWORKDIR /app\nWORKDIR /srv/proc\n");
        assert_clean(&WorkdirInSystemDirectory, "FROM alpine:3.20\nWORKDIR /device\nWORKDIR /system\n");
        assert_clean(&WorkdirInSystemDirectory, "FROM alpine:3.20\nWORKDIR $APP_HOME\n");
        assert_clean(&WorkdirInSystemDirectory, "FROM alpine:3.20\nWORKDIR proc\n");
    }
}
