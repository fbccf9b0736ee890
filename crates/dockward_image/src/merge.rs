//! Layers merged in manifest order into the final filesystem, with the files later
//! layers deleted or replaced kept apart.

use std::collections::BTreeMap;

use crate::layer::{Change, LayerMeta};
use crate::{FileEntry, FileKind, HiddenFile, Removal};

type Files = BTreeMap<String, FileEntry>;

/// Removes `dir`'s descendants (and `dir` itself when `with_root`), remembering the
/// regular files among them.
fn remove_tree(files: &mut Files, dir: &str, with_root: bool, removal: Removal, hidden: &mut Vec<HiddenFile>) {
    let mut doomed: Vec<String> = Vec::new();
    if with_root && files.contains_key(dir) {
        doomed.push(dir.to_string());
    }
    if dir.is_empty() {
        doomed.extend(files.keys().cloned());
    } else {
        let prefix = format!("{dir}/");
        doomed
            .extend(files.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)).map(|(k, _)| k.clone()));
    }
    for path in doomed {
        if let Some(old) = files.remove(&path) {
            if old.kind == FileKind::File {
                hidden.push(HiddenFile { entry: old, removal });
            }
        }
    }
}

pub(crate) fn merge(layers: &[&LayerMeta]) -> (Files, Vec<HiddenFile>) {
    let mut files = Files::new();
    let mut hidden = Vec::new();
    for (i, layer) in layers.iter().enumerate() {
        // A layer's whiteouts apply to the layers below it, never to its own entries.
        for change in &layer.changes {
            match change {
                Change::Whiteout(p) => remove_tree(&mut files, p, true, Removal::Deleted { by: i }, &mut hidden),
                Change::Opaque(d) => remove_tree(&mut files, d, false, Removal::Deleted { by: i }, &mut hidden),
                Change::Add(_) => {}
            }
        }
        for change in &layer.changes {
            let Change::Add(entry) = change else { continue };
            let mut entry = entry.clone();
            entry.layer = i;
            let path = entry.path.clone();
            let replaces_dir_with_other = entry.kind != FileKind::Dir;
            if let Some(old) = files.insert(path.clone(), entry) {
                let was_dir = old.kind == FileKind::Dir;
                // Also within one layer (an appended tar): the first copy's bytes stay.
                if old.kind == FileKind::File {
                    hidden.push(HiddenFile { entry: old, removal: Removal::Replaced { by: i } });
                }
                if was_dir && replaces_dir_with_other {
                    remove_tree(&mut files, &path, false, Removal::Replaced { by: i }, &mut hidden);
                }
            }
        }
    }
    hidden.sort_by(|a, b| (&a.entry.path, a.entry.layer).cmp(&(&b.entry.path, b.entry.layer)));
    (files, hidden)
}
