//! What the checked tree's own Dockerfiles build, for the rules that follow a base
//! image into another file of the same project (`FROM ${BASE}` built on the project's
//! own non-root base image).
//!
//! The checker sees one file at a time; the binary builds this index from every
//! Dockerfile it is about to check, before checking starts, and hands it to each
//! file's settings. Keys are the names a project's images are usually published
//! under: the Dockerfile's directory name (`images/base/Dockerfile` -> `base`) and the
//! name in `Dockerfile.<name>` / `<name>.Dockerfile`. A key two files claim with
//! different answers is dropped, so the answer never depends on the order of files.

use std::collections::BTreeMap;
use std::path::Path;

use dockward_dockerfile::semantic::Model;
use dockward_dockerfile::{Args, InstructionKind};

/// Per image name: does the image set a non-root USER?
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectImages {
    non_root: BTreeMap<String, bool>,
}

impl ProjectImages {
    /// Builds the index from `(path, text)` of each Dockerfile of the tree.
    pub fn from_dockerfiles<'a>(files: impl IntoIterator<Item = (&'a Path, &'a str)>) -> Self {
        let mut non_root: BTreeMap<String, Option<bool>> = BTreeMap::new();
        for (path, text) in files {
            let sets = sets_non_root_user(text);
            for key in image_names(path) {
                let entry = non_root.entry(key).or_insert(Some(sets));
                if *entry != Some(sets) {
                    *entry = None;
                }
            }
        }
        ProjectImages { non_root: non_root.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect() }
    }

    /// True if the image `reference` (a name as written in FROM, variables expanded)
    /// is built by a Dockerfile of the tree whose final stage sets a non-root USER.
    /// Only the last path component of the repository is compared
    /// (`registry.example.com/team/base:1.2` -> `base`).
    pub fn sets_non_root_user(&self, reference: &str) -> bool {
        let image = dockward_dockerfile::semantic::ImageRef::parse(reference);
        let name = image.repository.rsplit('/').next().unwrap_or("").to_ascii_lowercase();
        !name.is_empty() && self.non_root.get(&name).copied().unwrap_or(false)
    }

    /// True if nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.non_root.is_empty()
    }
}

/// The names the image built from the Dockerfile at `path` is likely published under.
fn image_names(path: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_ascii_lowercase();
    let suffix = file.strip_prefix("dockerfile.").or_else(|| file.strip_suffix(".dockerfile"));
    match suffix {
        Some(name) if !name.is_empty() => out.push(name.to_string()),
        _ => {
            let dir = path.parent().and_then(|d| d.file_name()).and_then(|n| n.to_str());
            if let Some(dir) = dir.filter(|d| !d.is_empty() && *d != "." && *d != "..") {
                out.push(dir.to_ascii_lowercase());
            }
        }
    }
    out
}

/// True if the image the Dockerfile `text` builds (its final stage, through its base
/// stages) ends with a USER that is not root.
fn sets_non_root_user(text: &str) -> bool {
    let df = dockward_dockerfile::parse(text);
    let model = Model::build(&df, &BTreeMap::new());
    let Some(last) = df.stages.last() else { return false };
    for stage in model.ancestry(last.index) {
        let Some(stage) = df.stages.get(stage) else { continue };
        let user = df.stage_instructions(stage).iter().rev().find(|i| i.kind == InstructionKind::User);
        if let Some(user) = user {
            let Args::Text(t) = &user.args else { return false };
            let value = model.expand_at(user_index(&df, user), &t.value);
            return value.is_resolved() && !crate::rules::dockerfile::last_user_is_root::is_root_user(&value.value);
        }
    }
    false
}

fn user_index(df: &dockward_dockerfile::Dockerfile, user: &dockward_dockerfile::Instruction) -> usize {
    df.instructions.iter().position(|i| std::ptr::eq(i, user)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_names_and_drops_conflicts() {
        let index = ProjectImages::from_dockerfiles([
            (Path::new("images/base/Dockerfile"), "FROM debian:12\nUSER 10001\n"),
            (Path::new("images/Dockerfile.runtime"), "FROM debian:12 AS a\nUSER app\nFROM a\n"),
            (Path::new("images/rootful/Dockerfile"), "FROM debian:12\nUSER root\n"),
            (Path::new("a/tool/Dockerfile"), "FROM x\nUSER 1\n"),
            (Path::new("b/tool/Dockerfile"), "FROM x\n"),
        ]);
        assert!(index.sets_non_root_user("registry.example.com/team/base:1.2"));
        assert!(index.sets_non_root_user("runtime"));
        assert!(!index.sets_non_root_user("rootful:1"));
        assert!(!index.sets_non_root_user("tool"), "two files disagree");
        assert!(!index.sets_non_root_user("other"));
        assert!(!index.sets_non_root_user(""));
    }
}
