//! `--baseline` and `--baseline-write`, and the `--severity` filter: what a report
//! shows once the run's findings are known (`docs/baseline.md`).

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use dockward_diagnostics::{Diagnostic, Severity};
use dockward_linter::registry;
use dockward_report::baseline::{Baseline, BaselineSummary, Entry};
use dockward_report::fingerprint::Fingerprinter;

use crate::args::SeverityArg;

/// How entries name the file a finding is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// Paths (`check`): relative to the baseline file's directory when below it, so a
    /// baseline matches from whatever directory dockward runs in.
    Paths,
    /// Objects and targets (`audit`, `scan`): their names as shown.
    AsIs,
}

/// The baseline at `path`; a missing, unreadable or corrupt file is an error (exit 2)
/// that names the file: a baseline that silently matched nothing would report every
/// old finding as new.
pub fn load(path: &Path) -> Result<Baseline, String> {
    let text = dockward_source::input::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the baseline: {e}", path.display()))?;
    Baseline::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The earlier JSON report of `--compare`; like a baseline, a missing or corrupt file
/// is an error (exit 2) that names it.
pub fn load_previous(path: &Path) -> Result<dockward_report::compare::Previous, String> {
    let text = dockward_source::input::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the report to compare with: {e}", path.display()))?;
    dockward_report::compare::Previous::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// `--compare`: this run's findings against the earlier report's.
pub fn compare(
    path: Option<&Path>,
    previous: Option<&dockward_report::compare::Previous>,
    diagnostics: &[Diagnostic],
) -> Option<dockward_report::compare::Comparison> {
    let (path, previous) = path.zip(previous)?;
    Some(dockward_report::compare::Comparison::new(path.display().to_string(), previous, diagnostics))
}

/// What the command line asked of the findings after the check.
pub struct Options<'a> {
    pub baseline: Option<(&'a Path, &'a Baseline)>,
    pub write: Option<&'a Path>,
    /// `--severity`: the severities shown (empty: all).
    pub severities: &'a [SeverityArg],
    pub names: Names,
    pub quiet: bool,
}

/// Applies `--severity`, writes `--baseline-write`, then leaves out what the
/// baseline has. `diagnostics` must be sorted (report order): occurrence numbers
/// follow it. Input errors (DW002) are never filtered, recorded or hidden.
pub fn apply(
    diagnostics: Vec<Diagnostic>,
    files: &[String],
    options: &Options<'_>,
) -> Result<(Vec<Diagnostic>, Option<BaselineSummary>), String> {
    if options.baseline.is_none() && options.write.is_none() && options.severities.is_empty() {
        return Ok((diagnostics, None));
    }
    // Fingerprints are numbered over every finding, before any filter, so that a
    // finding keeps its number whatever `--severity` shows.
    let mut fingerprinter = Fingerprinter::new();
    let fingerprinted: Vec<(Diagnostic, dockward_report::fingerprint::Fingerprint)> = diagnostics
        .into_iter()
        .map(|d| {
            let f = fingerprinter.fingerprint(&d);
            (d, f)
        })
        .filter(|(d, _)| is_input_error(d) || shown(d.severity, options.severities))
        .collect();

    if let Some(path) = options.write {
        let base = base_dir(path);
        let entries =
            fingerprinted.iter().filter(|(d, _)| !is_input_error(d)).map(|(d, f)| entry(d, f, options.names, &base));
        let baseline = Baseline::new(entries);
        std::fs::write(path, baseline.to_json())
            .map_err(|e| format!("{}: cannot write the baseline: {e}", path.display()))?;
        if !options.quiet {
            eprintln!(
                "dockward: wrote {} finding{} to the baseline {}",
                baseline.len(),
                if baseline.len() == 1 { "" } else { "s" },
                path.display()
            );
        }
    }

    let Some((path, baseline)) = options.baseline else {
        return Ok((fingerprinted.into_iter().map(|(d, _)| d).collect(), None));
    };
    let base = base_dir(path);
    let checked: HashSet<String> = files.iter().map(|f| file_key(f, options.names, &base)).collect();
    let (mut kept, mut errors) = (Vec::new(), Vec::new());
    for (d, f) in fingerprinted {
        if is_input_error(&d) {
            errors.push(d);
        } else {
            let e = entry(&d, &f, options.names, &base);
            kept.push((d, e));
        }
    }
    let (mut kept, summary) = baseline.apply(kept, &checked);
    kept.extend(errors);
    kept.sort_by(|a, b| a.sort_key_cmp(b));
    Ok((kept, Some(summary)))
}

fn shown(severity: Severity, severities: &[SeverityArg]) -> bool {
    severities.is_empty() || severities.iter().any(|s| s.severity() == severity)
}

fn is_input_error(d: &Diagnostic) -> bool {
    d.rule.code == registry::UNREADABLE_FILE.code
}

fn entry(d: &Diagnostic, f: &dockward_report::fingerprint::Fingerprint, names: Names, base: &Path) -> Entry {
    Entry { file: file_key(&f.artifact, names, base), code: d.rule.code.to_string(), fingerprint: f.line_hash() }
}

/// The baseline file's directory, absolute and without `.`/`..`.
fn base_dir(path: &Path) -> PathBuf {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    normal(&std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()))
}

/// How an entry names `name`: with [`Names::Paths`], relative to `base` with `/`
/// separators when the file is below it, else as shown.
fn file_key(name: &str, names: Names, base: &Path) -> String {
    if names == Names::AsIs || name == "-" {
        return name.to_string();
    }
    let Ok(abs) = std::path::absolute(name) else { return name.to_string() };
    match normal(&abs).strip_prefix(base) {
        Ok(rel) => rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
        Err(_) => name.to_string(),
    }
}

fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_baseline_directory() {
        let cwd = normal(&std::env::current_dir().unwrap());
        let base = cwd.join("sub");
        assert_eq!(file_key("sub/a/Dockerfile", Names::Paths, &base), "a/Dockerfile");
        assert_eq!(file_key("./sub/../sub/Dockerfile", Names::Paths, &base), "Dockerfile");
        assert_eq!(file_key("other/Dockerfile", Names::Paths, &base), "other/Dockerfile");
        assert_eq!(file_key("container/web", Names::AsIs, &base), "container/web");
        assert_eq!(file_key("-", Names::Paths, &base), "-");
    }
}
