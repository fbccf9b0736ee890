use crate::audit::AuditContext;
use crate::declare_rule;
use crate::image_contents::{file_location, ImageContentsRule};
use dockward_image::{FileKind, ImageContents};

declare_rule! {
    /// ## What it does
    /// Flags files in an image's final filesystem that carry the setuid or setgid bit
    /// (`dockward audit --image-contents`, `dockward check image.tar`). Directories
    /// are left alone: setgid on a directory only sets the group of new files.
    ///
    /// ## Why is this bad?
    /// A setuid-root program runs as root whoever starts it. In a container, each one
    /// is a way from the application's unprivileged user back to root, and most
    /// images never need `su`, `passwd`, `mount` or `chsh` at run time.
    ///
    /// ## Example
    /// `image/app:1/layers[0]/usr/bin/passwd` has mode `4755`.
    ///
    /// ## Fix
    /// Remove the bits in the Dockerfile's last stage, or remove the programs:
    /// ```dockerfile
    /// RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +
    /// ```
    /// Containers can also run with `--security-opt no-new-privileges`, which makes
    /// the bits ineffective.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 4.8 "Ensure setuid and setgid permissions are removed"
    /// - dockle CIS-DI-0008
    pub struct SetuidSetgidFile;
    code = "IM008", name = "setuid-setgid-file", severity = Info,
    category = Security, target = Image, fix = None,
    summary = "A file in the image has the setuid or setgid bit",
    aliases = ["CIS-DI-0008"], cis = ["4.8"],
    practices = ["b-image-hardening"],
}

impl ImageContentsRule for SetuidSetgidFile {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, image: &ImageContents, cx: &mut AuditContext<'_>) {
        for f in image.files.values() {
            if !matches!(f.kind, FileKind::File | FileKind::Hardlink) || !(f.is_setuid() || f.is_setgid()) {
                continue;
            }
            let bits = match (f.is_setuid(), f.is_setgid()) {
                (true, true) => "setuid and setgid",
                (true, false) => "setuid",
                _ => "setgid",
            };
            let owner = if f.is_setuid() { format!("uid {}", f.uid) } else { format!("gid {}", f.gid) };
            cx.report(
                &Self::META,
                &file_location(image, f),
                format!("`{}` in `{}` is {bits} ({owner}, mode {:o})", f.abs_path(), image.name, f.mode & 0o7777),
            )
            .help("remove the bit (`chmod a-s`) or the program, or run with `no-new-privileges`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image_contents::testing::*;

    #[test]
    fn flags_setuid_and_setgid_files() {
        let mut passwd = file("usr/bin/passwd", 0o4755, 0);
        passwd.uid = 0;
        let mut wall = file("usr/bin/wall", 0o2755, 2);
        wall.gid = 5;
        let img = image("app:1", vec![passwd, wall, file("usr/bin/both", 0o6711, 1)]);
        assert_eq!(
            lint(&SetuidSetgidFile::META, &[img]),
            [
                (
                    "image/app:1/layers[0]/usr/bin/passwd".to_string(),
                    "`/usr/bin/passwd` in `app:1` is setuid (uid 0, mode 4755)".to_string()
                ),
                (
                    "image/app:1/layers[1]/usr/bin/both".to_string(),
                    "`/usr/bin/both` in `app:1` is setuid and setgid (uid 0, mode 6711)".to_string()
                ),
                (
                    "image/app:1/layers[2]/usr/bin/wall".to_string(),
                    "`/usr/bin/wall` in `app:1` is setgid (gid 5, mode 2755)".to_string()
                ),
            ]
        );
    }

    #[test]
    fn passes_plain_files_and_setgid_directories() {
        let img = image("app:1", vec![file("bin/sh", 0o755, 0), dir("var/mail", 0o2775, 0), dir("tmp", 0o1777, 0)]);
        assert!(lint(&SetuidSetgidFile::META, &[img]).is_empty());
    }
}
