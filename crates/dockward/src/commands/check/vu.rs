//! The VU rules in `dockward check`, when selected: the packages of image archives
//! (read a second time, by `dockward_sbom`, after the IM rules' read) and of the
//! lockfiles in the repository, matched against the database as `dockward scan` does.

use std::path::{Path, PathBuf};

use dockward_diagnostics::{Diagnostic, Location};
use dockward_linter::check::FileReport;
use dockward_linter::settings::Settings;
use dockward_source::{SourceFile, TextRange, TextSize};

use crate::commands::vulns::{self, OpenDb};

/// The VU findings of the images in the archive at `path`, located at
/// `image/<name>/layers[i]/<metadata file>#<package>`. An archive that cannot be read
/// gives none (the IM rules' read already reported it).
pub fn archive_findings(path: &Path, db: &OpenDb, settings: &Settings, quiet: bool) -> Vec<Diagnostic> {
    let Ok(f) = dockward_source::input::open_regular(path) else { return Vec::new() };
    let reader = std::io::BufReader::with_capacity(1 << 20, f);
    let Ok(inventories) = dockward_sbom::inventory_archive(reader, &dockward_image::ReadLimits::default()) else {
        return Vec::new();
    };
    inventories.iter().flat_map(|inv| vulns::lint_inventory(db, inv, settings, quiet)).collect()
}

/// One lockfile's VU findings, on the line that names each package (the whole file
/// when no line does). Packages from a local path (`source=local`) are not matched.
pub fn lockfile_report(display: &str, path: &Path, db: &OpenDb, settings: &Settings, quiet: bool) -> FileReport {
    let bytes = match dockward_source::input::read(path) {
        Ok(b) => b,
        Err(e) => {
            return FileReport {
                name: display.to_string(),
                path: Some(path.to_path_buf()),
                diagnostics: vec![Diagnostic::new(
                    dockward_linter::registry::UNREADABLE_FILE,
                    Location::File { name: display.to_string() },
                    format!("cannot read: {e}"),
                )],
                fixed: None,
                unreadable: true,
            }
        }
    };
    let out = dockward_sbom::lockfile_packages(display, &bytes);
    if !quiet {
        for w in &out.warnings {
            eprintln!("dockward: {}: {}", w.path, w.message);
        }
    }
    let mut packages: Vec<_> =
        out.packages.into_iter().filter(|p| p.extra.get("source").map(String::as_str) != Some("local")).collect();
    for p in &mut packages {
        if p.purl.is_empty() {
            p.purl = dockward_sbom::purl::purl(p, None);
        }
    }
    let inventory = dockward_sbom::Inventory { name: display.to_string(), packages, ..Default::default() };
    let mut diagnostics = vulns::lint_inventory(db, &inventory, settings, quiet);
    let file = SourceFile::new(display, Some(path.to_path_buf()), String::from_utf8_lossy(&bytes).into_owned());
    for d in &mut diagnostics {
        let package = match &d.location {
            Location::Logical { path, .. } => path.rsplit_once('#').map(|(_, p)| p.to_string()),
            _ => None,
        };
        d.location = match package.and_then(|p| package_line(file.text(), &p)) {
            Some(range) => Location::source(&file, range),
            None => Location::File { name: display.to_string() },
        };
    }
    diagnostics.retain(|d| !settings.ignored_for_path(d.rule, display));
    FileReport {
        name: display.to_string(),
        path: Some(PathBuf::from(path)),
        diagnostics,
        fixed: None,
        unreadable: false,
    }
}

/// Where a lockfile names `name`: first a line that declares it (`name = "x"`,
/// `"x":`, `x==1.0`, `"node_modules/x"`, `x (1.0)`), else any whole-word mention;
/// case-insensitive (PyPI names are).
fn package_line(text: &str, name: &str) -> Option<TextRange> {
    let needle = name.to_ascii_lowercase();
    if needle.is_empty() {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let mut any = None;
    let mut offset = 0;
    for line in lower.split_inclusive('\n') {
        let mut from = 0;
        while let Some(i) = line[from..].find(&needle) {
            let (s, e) = (from + i, from + i + needle.len());
            from = e;
            if word(line[..s].chars().next_back()) || word(line[e..].chars().next()) {
                continue;
            }
            let at = TextRange::new(TextSize::from((offset + s) as u32), TextSize::from((offset + e) as u32));
            let before = line[..s].trim_start();
            let after = &line[e..];
            let declares = matches!(before, "" | "name = \"" | "- ")
                || before.ends_with("node_modules/")
                || (before == "\"" && after.starts_with("\":"));
            if declares {
                return Some(at);
            }
            any.get_or_insert(at);
        }
        offset += line.len();
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_of(text: &str, name: &str) -> Option<usize> {
        package_line(text, name).map(|r| text[..usize::from(r.start())].matches('\n').count() + 1)
    }

    #[test]
    fn finds_the_declaring_line() {
        let cargo =
            "[[package]]\nname = \"app\"\ndependencies = [\n \"smallvec\",\n]\n\n[[package]]\nname = \"smallvec\"\n";
        assert_eq!(line_of(cargo, "smallvec"), Some(8));
        assert_eq!(line_of("flask==2.0\nJinja2==2.10\n", "jinja2"), Some(2));
        assert_eq!(line_of("urllib3-extra==1\n", "urllib3"), None);
        assert_eq!(line_of("{\"packages\": {\"node_modules/lodash\": {}}}", "lodash"), Some(1));
        assert_eq!(line_of("{\n  \"requires\": [\"six\"],\n  \"six\": {}\n}", "six"), Some(3));
    }
}
