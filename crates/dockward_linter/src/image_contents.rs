//! Checking what is inside an image's layers (IM008 and up): the merged file table that
//! `dockward_image` reads from a `docker save` archive or an Engine export. Findings are
//! located at `image/<name>` + `layers[<i>]/<path>`, the layer that holds the file.

use dockward_diagnostics::{Diagnostic, Location};
use dockward_image::{FileEntry, ImageContents};

use crate::audit::AuditContext;
use crate::registry::IMAGE_CONTENTS_RULES;
use crate::rules::image::secret_files;
use crate::settings::Settings;

/// A rule over the files of one image.
pub trait ImageContentsRule: Sync + Send {
    fn meta(&self) -> &'static crate::RuleMeta;
    fn check(&self, image: &ImageContents, cx: &mut AuditContext<'_>);
}

/// The account files the IM rules read.
pub const ACCOUNT_FILES: &[&str] = &["etc/passwd", "etc/shadow", "etc/group"];

/// Which files' contents the reader keeps (paths relative to the image root): the
/// account files and candidate secret files. Everything else is metadata only.
pub fn wants_content(path: &str) -> bool {
    ACCOUNT_FILES.contains(&path) || secret_files::is_candidate(path)
}

/// `image/<name>` + `layers[<i>]/<path>` for a file of `image`.
pub fn file_location(image: &ImageContents, entry: &FileEntry) -> Location {
    Location::Logical {
        scope: format!("image/{}", image.name),
        path: format!("layers[{}]/{}", entry.layer, entry.path),
    }
}

/// Runs every enabled image-contents rule over each image, with configured severities,
/// sorted.
pub fn lint_image_contents(images: &[ImageContents], settings: &Settings) -> Vec<Diagnostic> {
    let mut cx = AuditContext::new(settings, 0);
    for image in images {
        for rule in IMAGE_CONTENTS_RULES {
            if settings.is_enabled(rule.meta()) {
                rule.check(image, &mut cx);
            }
        }
    }
    let mut found = cx.into_diagnostics();
    for d in &mut found {
        d.configure_severity(settings.severity(d.rule));
    }
    found.sort_by(|a, b| a.sort_key_cmp(b));
    found
}

/// `dockward check image.tar`: reads a saved archive as a stream and runs the
/// image-contents rules over each image in it. An archive that cannot be read is
/// `DW002 unreadable-file` (exit code 2), with the reader's reason.
pub fn check_image_archive(
    name: &str,
    path: Option<std::path::PathBuf>,
    reader: impl std::io::Read,
    settings: &Settings,
) -> crate::check::FileReport {
    let (diagnostics, unreadable) = match dockward_image::read_archive(reader, &wants_content) {
        Ok(images) => (lint_image_contents(&images, settings), false),
        Err(e) => {
            let at = Location::File { name: name.to_string() };
            (
                vec![Diagnostic::new(
                    crate::registry::UNREADABLE_FILE,
                    at,
                    format!("cannot read the image archive: {e}"),
                )],
                true,
            )
        }
    };
    crate::check::FileReport { name: name.to_string(), path, diagnostics, fixed: None, unreadable }
}

/// Lines of a colon-separated account file (`/etc/passwd`, `/etc/shadow`,
/// `/etc/group`): fields of each non-empty, non-comment line.
pub fn account_lines(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines().map(str::trim_end).filter(|l| !l.is_empty() && !l.starts_with('#')).map(|l| l.split(':').collect())
}

#[cfg(test)]
pub(crate) mod testing {
    use std::collections::BTreeMap;

    use dockward_image::{FileKind, HiddenFile, ImageContents, Removal};

    use super::*;
    use crate::audit::testing::{findings, settings_for};

    /// An image named `name` whose final filesystem holds `files`.
    pub fn image(name: &str, files: Vec<FileEntry>) -> ImageContents {
        let files: BTreeMap<String, FileEntry> = files.into_iter().map(|f| (f.path.clone(), f)).collect();
        ImageContents { name: name.into(), tags: vec![name.into()], files, ..Default::default() }
    }

    pub fn file(path: &str, mode: u32, layer: usize) -> FileEntry {
        FileEntry {
            path: path.into(),
            kind: FileKind::File,
            mode,
            uid: 0,
            gid: 0,
            size: 1,
            link_target: None,
            layer,
            content: None,
        }
    }

    pub fn dir(path: &str, mode: u32, layer: usize) -> FileEntry {
        FileEntry { kind: FileKind::Dir, ..file(path, mode, layer) }
    }

    pub fn text(path: &str, layer: usize, content: &str) -> FileEntry {
        FileEntry { size: content.len() as u64, content: Some(content.as_bytes().to_vec()), ..file(path, 0o644, layer) }
    }

    pub fn deleted(entry: FileEntry, by: usize) -> HiddenFile {
        HiddenFile { entry, removal: Removal::Deleted { by } }
    }

    /// `(location, message)` of each finding of `rule` over `images`.
    pub fn lint(rule: &'static crate::RuleMeta, images: &[ImageContents]) -> Vec<(String, String)> {
        findings(rule, lint_image_contents(images, &settings_for(rule)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wants_account_files_and_secret_candidates_only() {
        for yes in ["etc/passwd", "etc/shadow", "etc/group", "root/.ssh/id_rsa", "app/.env", "root/.docker/config.json"]
        {
            assert!(wants_content(yes), "{yes}");
        }
        for no in ["usr/bin/su", "etc/hosts", "app/config.json", "etc/passwd-"] {
            assert!(!wants_content(no), "{no}");
        }
    }

    #[test]
    fn account_lines_skip_blanks_and_comments() {
        let lines: Vec<Vec<&str>> = account_lines("# x\nroot:x:0:0\n\nbin:x:1:1\n").collect();
        assert_eq!(lines, [vec!["root", "x", "0", "0"], vec!["bin", "x", "1", "1"]]);
    }
}
