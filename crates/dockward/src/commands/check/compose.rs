//! Grouping Compose inputs into projects, and checking a project.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use dockward_compose::{is_compose_file_name, LoadOptions, ProjectFile, DEFAULT_FILE_NAMES};
use dockward_linter::check::{FileReport, FixMode};
use dockward_linter::check_compose::check_compose_project;
use dockward_linter::settings::Settings;

use crate::args::CheckArgs;
use crate::discover::{FileKind, Input};

/// What one worker checks: a lone file, or the files of one Compose project.
pub enum Unit {
    Single(Input),
    Compose(Vec<Input>),
}

/// Groups the inputs: Compose files with docker compose's default names in one
/// directory form one project (base then override); other Compose files (such as
/// `docker-compose.prod.yml`) are projects of their own; `-f` files form one project.
pub fn group(inputs: Vec<Input>, explicit: &[PathBuf]) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut by_dir: BTreeMap<PathBuf, Vec<Input>> = BTreeMap::new();
    for input in inputs {
        match &input {
            Input::File { path, kind: FileKind::Compose, .. } => {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                if is_compose_file_name(&name) {
                    by_dir.entry(path.parent().map(PathBuf::from).unwrap_or_default()).or_default().push(input);
                } else {
                    units.push(Unit::Compose(vec![input]));
                }
            }
            Input::Stream { kind: FileKind::Compose, .. } => units.push(Unit::Compose(vec![input])),
            _ => units.push(Unit::Single(input)),
        }
    }
    for (_, files) in by_dir {
        // docker compose reads the first default name that exists, then its override;
        // any other default-named file of the directory is checked on its own.
        let name_of = |f: &Input| match f {
            Input::File { path, .. } => path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            Input::Stream { display, .. } => display.clone(),
        };
        let chosen = DEFAULT_FILE_NAMES.iter().find(|d| files.iter().any(|f| name_of(f) == **d));
        let (mut project, rest): (Vec<Input>, Vec<Input>) = files
            .into_iter()
            .partition(|f| chosen.is_some_and(|c| name_of(f) == *c || name_of(f) == c.replacen('.', ".override.", 1)));
        project.sort_by_key(|f| name_of(f).contains(".override."));
        if !project.is_empty() {
            units.push(Unit::Compose(project));
        }
        units.extend(rest.into_iter().map(|f| Unit::Compose(vec![f])));
    }
    if !explicit.is_empty() {
        let files = explicit
            .iter()
            .map(|p| Input::File {
                display: dockward_compose::display_path(p),
                path: p.clone(),
                kind: FileKind::Compose,
            })
            .collect();
        units.push(Unit::Compose(files));
    }
    units
}

pub fn options(args: &CheckArgs) -> LoadOptions {
    LoadOptions { env_files: args.env_files.clone(), ..Default::default() }
}

pub fn check(
    files: &[Input],
    streams: &HashMap<String, Vec<u8>>,
    options: &LoadOptions,
    settings: &Settings,
    fix: FixMode,
) -> Vec<FileReport> {
    let files: Vec<ProjectFile> = files
        .iter()
        .map(|f| match f {
            Input::File { display, path, .. } => {
                ProjectFile { path: path.clone(), display: display.clone(), bytes: None }
            }
            Input::Stream { display, path, .. } => ProjectFile {
                path: path.clone().unwrap_or_else(|| PathBuf::from(display)),
                display: display.clone(),
                bytes: Some(streams.get(display).cloned().unwrap_or_default()),
            },
        })
        .collect();
    check_compose_project(&files, options, settings, fix)
}
