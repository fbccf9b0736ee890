//! Grouping Compose inputs into projects, and checking a project.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use dockward_compose::{
    display_path, is_compose_file_name, project_files_in, LoadOptions, ProjectFile, DEFAULT_FILE_NAMES,
};
use dockward_linter::check::{FileReport, FixMode};
use dockward_linter::check_compose::{check_compose_layers, Layering};
use dockward_linter::settings::Settings;

use crate::args::CheckArgs;
use crate::discover::{FileKind, Input};

/// What one worker checks: a lone file, or the files of one Compose project.
pub enum Unit {
    Single(Input),
    /// Compose files loaded as one project, layered as `layering` says.
    Compose {
        files: Vec<Input>,
        layering: Layering,
    },
}

impl Unit {
    fn project(files: Vec<Input>) -> Unit {
        Unit::Compose { files, layering: Layering::Project }
    }

    /// The file whose directory decides the unit's `dockward.toml`: the first reported one.
    pub fn first_reported(&self) -> Option<&Input> {
        match self {
            Unit::Single(input) => Some(input),
            Unit::Compose { files, layering: Layering::OverBase { base } } => files.get(*base),
            Unit::Compose { files, .. } => files.first(),
        }
    }
}

/// Whether a lowercase file name marks a layer of a directory's base file:
/// `compose.<x>.yaml`, `compose-<x>.yaml`, `docker-compose.<x>.yml`,
/// `docker-compose-<x>.yml` (the `.override` files among them).
fn is_fragment_name(lower: &str) -> bool {
    let Some(stem) = lower.strip_suffix(".yaml").or_else(|| lower.strip_suffix(".yml")) else { return false };
    ["docker-compose", "compose"]
        .iter()
        .any(|p| stem.strip_prefix(p).is_some_and(|rest| rest.len() > 1 && rest.starts_with(['.', '-'])))
}

fn name_of(f: &Input) -> String {
    match f {
        Input::File { path, .. } => path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        Input::Stream { display, .. } => display.clone(),
    }
}

/// Groups the inputs into units (docs/compose.md, "Which files form a project"):
/// - the first of docker compose's default names in a directory, with its
///   `.override` file, is one project; any other default-named file is a project of
///   its own;
/// - a fragment (`compose.prod.yaml`, `docker-compose-dev.yml`, an `.override` file
///   whose own base is absent) is checked layered over its directory's base, as
///   `docker compose -f <base> [-f <override>] -f <fragment>` would load it, and only
///   its own findings are reported; with no base in its directory it is checked on
///   its own, without judging what its partial services lack;
/// - other Compose files are projects of their own; `-f` files form one project.
pub fn group(inputs: Vec<Input>, explicit: &[PathBuf]) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut by_dir: BTreeMap<PathBuf, Vec<Input>> = BTreeMap::new();
    for input in inputs {
        match &input {
            Input::File { path, kind: FileKind::Compose, .. } => {
                let name = name_of(&input);
                if is_compose_file_name(&name) || is_fragment_name(&name.to_ascii_lowercase()) {
                    by_dir.entry(path.parent().map(PathBuf::from).unwrap_or_default()).or_default().push(input);
                } else {
                    units.push(Unit::project(vec![input]));
                }
            }
            Input::Stream { kind: FileKind::Compose, .. } => units.push(Unit::project(vec![input])),
            _ => units.push(Unit::Single(input)),
        }
    }
    for (dir, files) in by_dir {
        // docker compose reads the first default name that exists, then its override.
        let chosen = DEFAULT_FILE_NAMES.iter().find(|d| files.iter().any(|f| name_of(f) == **d));
        let in_base =
            |f: &Input| chosen.is_some_and(|c| name_of(f) == *c || name_of(f) == c.replacen('.', ".override.", 1));
        let (mut base, rest): (Vec<Input>, Vec<Input>) = files.into_iter().partition(in_base);
        base.sort_by_key(|f| name_of(f).contains(".override."));
        if !base.is_empty() {
            units.push(Unit::project(base.clone()));
        } else {
            // A fragment named on its own still layers over the base on disk, so the
            // result does not depend on how it was named.
            let on_disk = if dir.as_os_str().is_empty() { Path::new(".") } else { dir.as_path() };
            base = project_files_in(on_disk)
                .into_iter()
                .map(|p| {
                    let path =
                        if dir.as_os_str().is_empty() { PathBuf::from(p.file_name().unwrap_or_default()) } else { p };
                    Input::File { display: display_path(&path), path, kind: FileKind::Compose }
                })
                .collect();
        }
        for file in rest {
            let name = name_of(&file);
            if DEFAULT_FILE_NAMES.contains(&name.as_str()) {
                units.push(Unit::project(vec![file]));
            } else if base.is_empty() {
                units.push(Unit::Compose { files: vec![file], layering: Layering::WithoutBase });
            } else {
                let mut layered = base.clone();
                layered.push(file);
                units.push(Unit::Compose { files: layered, layering: Layering::OverBase { base: base.len() } });
            }
        }
    }
    if !explicit.is_empty() {
        let files = explicit
            .iter()
            .map(|p| Input::File { display: display_path(p), path: p.clone(), kind: FileKind::Compose })
            .collect();
        units.push(Unit::project(files));
    }
    units
}

pub fn options(args: &CheckArgs) -> LoadOptions {
    LoadOptions { env_files: args.env_files.clone(), ..Default::default() }
}

pub fn check(
    files: &[Input],
    layering: Layering,
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
    check_compose_layers(&files, layering, options, settings, fix)
}
