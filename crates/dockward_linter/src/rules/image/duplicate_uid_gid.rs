use std::collections::BTreeMap;

use crate::audit::AuditContext;
use crate::declare_rule;
use crate::image_contents::{account_lines, file_location, ImageContentsRule};
use dockward_image::ImageContents;

declare_rule! {
    /// ## What it does
    /// Flags user ids shared by several accounts in the image's `/etc/passwd`, and
    /// group ids shared by several groups in `/etc/group`.
    ///
    /// ## Why is this bad?
    /// The kernel knows only the number: two names for uid 0 are two roots, and an
    /// account added "as a copy of root" (`app:x:0:0`) escapes every check that looks
    /// for the name `root`. Files owned by one account belong to the other too.
    ///
    /// ## Example
    /// `/etc/passwd` holds `root:x:0:0:...` and `toor:x:0:0:...`.
    ///
    /// ## Fix
    /// Give each account its own id (`useradd --uid 10001 app`), or delete the extra
    /// entry.
    ///
    /// ## References
    /// - dockle DKL-LI-0002 "Avoid duplicate UID/GID"
    pub struct DuplicateUidGid;
    code = "IM010", name = "duplicate-uid-gid", severity = Warning,
    category = Security, target = Image, fix = None,
    summary = "Several accounts or groups in the image share an id",
    aliases = ["DKL-LI-0002"],
    practices = ["b-image-hardening"],
}

impl ImageContentsRule for DuplicateUidGid {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, image: &ImageContents, cx: &mut AuditContext<'_>) {
        for (path, what, id_field) in [("etc/passwd", "uid", 2), ("etc/group", "gid", 2)] {
            let Some(f) = image.file(path) else { continue };
            let Some(text) = f.text() else { continue };
            let mut by_id: BTreeMap<u64, Vec<String>> = BTreeMap::new();
            for fields in account_lines(&text) {
                if let (Some(name), Some(id)) = (fields.first(), fields.get(id_field).and_then(|s| s.parse().ok())) {
                    let names = by_id.entry(id).or_default();
                    if !names.iter().any(|n| n == name) {
                        names.push(name.to_string());
                    }
                }
            }
            for (id, names) in by_id.iter().filter(|(_, n)| n.len() > 1) {
                cx.report(
                    &Self::META,
                    &file_location(image, f),
                    format!(
                        "{what} {id} is shared by `{}` in `{}` of `{}`",
                        names.join("`, `"),
                        f.abs_path(),
                        image.name
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image_contents::testing::*;

    #[test]
    fn flags_shared_uids_and_gids() {
        let passwd = text("etc/passwd", 0, "root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\nsvc:x:1000:1000::/:/bin/false\n");
        let group = text("etc/group", 1, "root:x:0:\nwheel:x:0:\nusers:x:100:\n");
        assert_eq!(
            lint(&DuplicateUidGid::META, &[image("app:1", vec![passwd, group])]),
            [
                (
                    "image/app:1/layers[0]/etc/passwd".to_string(),
                    "uid 0 is shared by `root`, `toor` in `/etc/passwd` of `app:1`".to_string()
                ),
                (
                    "image/app:1/layers[0]/etc/passwd".to_string(),
                    "uid 1000 is shared by `app`, `svc` in `/etc/passwd` of `app:1`".to_string()
                ),
                (
                    "image/app:1/layers[1]/etc/group".to_string(),
                    "gid 0 is shared by `root`, `wheel` in `/etc/group` of `app:1`".to_string()
                ),
            ]
        );
    }

    #[test]
    fn passes_unique_ids_and_repeated_lines() {
        let passwd = text(
            "etc/passwd",
            0,
            "root:x:0:0::/root:/bin/sh\nroot:x:0:0::/root:/bin/sh\nbin:x:1:1::/:/bin/false\nbad:x:notanumber:0::/:/\n",
        );
        let group = text("etc/group", 0, "root:x:0:\nbin:x:1:\n");
        assert!(lint(&DuplicateUidGid::META, &[image("app:1", vec![passwd, group])]).is_empty());
    }
}
