use crate::audit::AuditContext;
use crate::declare_rule;
use crate::image_contents::{file_location, ImageContentsRule};
use dockward_image::{FileKind, ImageContents};

declare_rule! {
    /// ## What it does
    /// Flags regular files and directories in the image that any user may write
    /// (mode `o+w`), outside the places meant for it: `/tmp`, `/var/tmp`, `/dev/shm`,
    /// `/run/lock`, `/var/lock`, and any directory with the sticky bit (`1777`).
    /// Symlinks (always `777`) and device nodes are left alone.
    ///
    /// ## Why is this bad?
    /// Any process in the container, whatever its user, can change the file: a
    /// world-writable script or binary that root later runs is a privilege
    /// escalation, and a world-writable directory lets anyone replace what is in it.
    ///
    /// ## Example
    /// `RUN chmod -R 777 /app` leaves `/app/start.sh` writable by everyone.
    ///
    /// ## Fix
    /// Give ownership to the user that needs to write (`COPY --chown=app`, `chown`)
    /// and drop the other-write bit (`chmod -R o-w /app`).
    ///
    /// ## References
    /// - Practices b, "Filesystem & Volume Security"
    pub struct WorldWritableFile;
    code = "IM014", name = "world-writable-file", severity = Warning,
    category = Security, target = Image, fix = None,
    summary = "A file or directory in the image is writable by every user",
    practices = ["b-image-hardening"],
}

const SCRATCH_DIRS: &[&str] = &["tmp", "var/tmp", "dev/shm", "run/lock", "var/lock"];

fn in_scratch_dir(path: &str) -> bool {
    SCRATCH_DIRS.iter().any(|d| path == *d || path.strip_prefix(d).is_some_and(|r| r.starts_with('/')))
}

impl ImageContentsRule for WorldWritableFile {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, image: &ImageContents, cx: &mut AuditContext<'_>) {
        for f in image.files.values() {
            let sticky_dir = f.kind == FileKind::Dir && f.mode & 0o1000 != 0;
            let relevant = matches!(f.kind, FileKind::File | FileKind::Dir);
            if !relevant || f.mode & 0o002 == 0 || sticky_dir || in_scratch_dir(&f.path) {
                continue;
            }
            let what = if f.kind == FileKind::Dir { "directory" } else { "file" };
            cx.report(
                &Self::META,
                &file_location(image, f),
                format!(
                    "the {what} `{}` in `{}` is writable by every user (mode {:o})",
                    f.abs_path(),
                    image.name,
                    f.mode & 0o7777
                ),
            )
            .help("chown it to the user that writes it and `chmod o-w`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image_contents::testing::*;
    use dockward_image::FileEntry;

    #[test]
    fn flags_world_writable_files_and_plain_directories() {
        let img = image(
            "app:1",
            vec![file("app/start.sh", 0o777, 3), dir("app/data", 0o777, 3), file("etc/app.conf", 0o646, 1)],
        );
        assert_eq!(
            lint(&WorldWritableFile::META, &[img]),
            [
                (
                    "image/app:1/layers[1]/etc/app.conf".to_string(),
                    "the file `/etc/app.conf` in `app:1` is writable by every user (mode 646)".to_string()
                ),
                (
                    "image/app:1/layers[3]/app/data".to_string(),
                    "the directory `/app/data` in `app:1` is writable by every user (mode 777)".to_string()
                ),
                (
                    "image/app:1/layers[3]/app/start.sh".to_string(),
                    "the file `/app/start.sh` in `app:1` is writable by every user (mode 777)".to_string()
                ),
            ]
        );
    }

    #[test]
    fn passes_scratch_dirs_sticky_dirs_links_and_devices() {
        let link = FileEntry { kind: FileKind::Symlink, ..file("bin/sh", 0o777, 0) };
        let null = FileEntry { kind: FileKind::CharDevice, ..file("dev/null", 0o666, 0) };
        let img = image(
            "app:1",
            vec![
                dir("tmp", 0o1777, 0),
                file("tmp/x", 0o666, 0),
                dir("var/tmp/cache", 0o777, 0),
                dir("srv/upload", 0o1777, 0),
                link,
                null,
                file("tmpfile", 0o644, 0),
            ],
        );
        assert!(lint(&WorldWritableFile::META, &[img]).is_empty());
    }
}
