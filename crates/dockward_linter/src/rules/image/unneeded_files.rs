use std::collections::BTreeMap;

use crate::audit::AuditContext;
use crate::declare_rule;
use crate::image_contents::ImageContentsRule;
use dockward_diagnostics::Location;
use dockward_image::{FileKind, ImageContents};

declare_rule! {
    /// ## What it does
    /// Flags files that have no business in a runtime image: version-control
    /// directories (`.git`, `.svn`, `.hg`, `.bzr`), editor project directories
    /// (`.idea`, `.vscode`), desktop clutter (`.DS_Store`, `Thumbs.db`), the build's own
    /// files (`Dockerfile`, `docker-compose.yml`, `compose.yaml`, `.dockerignore`) and
    /// shell or client history files (`.bash_history`, `.ash_history`, `.zsh_history`,
    /// `.python_history`, `.mysql_history`, `.psql_history`, `.viminfo`). A directory
    /// is reported once; dependency trees (`node_modules`, `vendor`, `site-packages`,
    /// `dist-packages`, `/usr/share`) are skipped, as their content is not the image
    /// author's choice.
    ///
    /// ## Why is this bad?
    /// They leak what the image's users should not see: a `.git` directory holds the
    /// whole history, including secrets removed from the current tree; history files
    /// hold the commands (and passwords) someone typed while building. They also make
    /// the image larger for nothing.
    ///
    /// ## Example
    /// `COPY . /app` without a `.dockerignore` puts `/app/.git` into the image.
    ///
    /// ## Fix
    /// Add a `.dockerignore` (`.git`, `.idea`, `*.md`, `Dockerfile`, ...), copy only
    /// what the application needs, or build in a stage and copy the result.
    ///
    /// ## References
    /// - dockle DKL-LI-0003 "Only put necessary files"
    pub struct UnneededFiles;
    code = "IM011", name = "unneeded-files", severity = Info,
    category = Security, target = Image, fix = None,
    summary = "The image holds files only a build or a workstation needs",
    aliases = ["DKL-LI-0003"],
    practices = ["a-minimal-base"],
}

const UNNEEDED_DIRS: &[&str] = &[".git", ".svn", ".hg", ".bzr", ".idea", ".vscode"];
const UNNEEDED_FILES: &[&str] = &[
    ".DS_Store",
    "Thumbs.db",
    "Dockerfile",
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yml",
    "compose.yaml",
    ".dockerignore",
    ".bash_history",
    ".ash_history",
    ".sh_history",
    ".zsh_history",
    ".python_history",
    ".mysql_history",
    ".psql_history",
    ".viminfo",
];
const DEPENDENCY_TREES: &[&str] = &["node_modules", "vendor", "site-packages", "dist-packages"];

/// The first component of `path` (and the path up to it) that names an unneeded
/// directory or file, unless a dependency tree comes first.
fn unneeded_prefix(path: &str) -> Option<(&str, bool)> {
    if path.starts_with("usr/share/") {
        return None;
    }
    let mut end = 0;
    let parts: Vec<&str> = path.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        end += part.len() + usize::from(i > 0);
        if DEPENDENCY_TREES.contains(part) {
            return None;
        }
        if UNNEEDED_DIRS.contains(part) {
            return Some((&path[..end], true));
        }
        if i + 1 == parts.len() && UNNEEDED_FILES.contains(part) {
            return Some((path, false));
        }
    }
    None
}

impl ImageContentsRule for UnneededFiles {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, image: &ImageContents, cx: &mut AuditContext<'_>) {
        // Path -> (is a directory, layer of its first entry).
        let mut found: BTreeMap<&str, (bool, usize)> = BTreeMap::new();
        for f in image.files.values() {
            let Some((path, is_dir)) = unneeded_prefix(&f.path) else { continue };
            if !is_dir && f.kind == FileKind::Dir {
                continue;
            }
            let layer = image.files.get(path).map_or(f.layer, |d| d.layer);
            found.entry(path).or_insert((is_dir, layer));
        }
        for (path, (is_dir, layer)) in found {
            let at =
                Location::Logical { scope: format!("image/{}", image.name), path: format!("layers[{layer}]/{path}") };
            let what = if is_dir { "directory" } else { "file" };
            cx.report(&Self::META, &at, format!("`{}` has the unneeded {what} `/{path}`", image.name)).help(
                "leave it out of the build context with `.dockerignore`, or copy only what the application needs",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image_contents::testing::*;

    #[test]
    fn flags_vcs_dirs_once_and_workstation_files() {
        let img = image(
            "app:1",
            vec![
                dir("app/.git", 0o755, 2),
                file("app/.git/HEAD", 0o644, 2),
                file("app/.git/objects/ab/cd", 0o644, 3),
                file("srv/.svn/entries", 0o644, 1),
                file("app/Dockerfile", 0o644, 2),
                file("root/.bash_history", 0o600, 4),
                file("app/.DS_Store", 0o644, 2),
            ],
        );
        assert_eq!(
            lint(&UnneededFiles::META, &[img]),
            [
                (
                    "image/app:1/layers[1]/srv/.svn".to_string(),
                    "`app:1` has the unneeded directory `/srv/.svn`".to_string()
                ),
                (
                    "image/app:1/layers[2]/app/.DS_Store".to_string(),
                    "`app:1` has the unneeded file `/app/.DS_Store`".to_string()
                ),
                (
                    "image/app:1/layers[2]/app/.git".to_string(),
                    "`app:1` has the unneeded directory `/app/.git`".to_string()
                ),
                (
                    "image/app:1/layers[2]/app/Dockerfile".to_string(),
                    "`app:1` has the unneeded file `/app/Dockerfile`".to_string()
                ),
                (
                    "image/app:1/layers[4]/root/.bash_history".to_string(),
                    "`app:1` has the unneeded file `/root/.bash_history`".to_string()
                ),
            ]
        );
    }

    #[test]
    fn passes_dependency_trees_and_similar_names() {
        let img = image(
            "app:1",
            vec![
                file("app/node_modules/x/.git/HEAD", 0o644, 0),
                file("usr/lib/python3/site-packages/p/Dockerfile", 0o644, 0),
                file("usr/share/doc/git/.gitignore", 0o644, 0),
                file("app/.gitignore", 0o644, 0),
                file("app/Dockerfile.md", 0o644, 0),
                dir("app/Dockerfile", 0o755, 0),
                file("usr/bin/git", 0o755, 0),
            ],
        );
        assert!(lint(&UnneededFiles::META, &[img]).is_empty());
    }
}
