//! Settings from the config file and the command line, shared by `check` and `audit`.

use std::path::{Path, PathBuf};

use dockward_diagnostics::Severity;
use dockward_linter::config::{self, FailOn};
use dockward_linter::settings::SettingsBuilder;

use crate::args::FailOnArg;

/// The rule selection given on the command line.
pub struct CliSelection<'a> {
    pub select: &'a Option<Vec<String>>,
    pub extend_select: &'a [String],
    pub ignore: &'a [String],
}

/// The config file's settings (`--config`, else the nearest `dockward.toml` above
/// `search_from`; none with `--isolated`) with the command line's selection on top,
/// and the config file's `fail-on`.
pub fn settings_builder(
    isolated: bool,
    config_path: Option<&PathBuf>,
    search_from: &Path,
    cli: CliSelection<'_>,
) -> Result<(SettingsBuilder, Option<FailOn>), String> {
    let found = if isolated {
        None
    } else if let Some(path) = config_path {
        Some(path.clone())
    } else {
        config::find_config(search_from)
    };
    builder_from_config(found.as_deref(), cli)
}

/// The settings of the config file at `config` (none: the defaults) with the command
/// line's selection on top, and the config file's `fail-on`.
pub fn builder_from_config(
    config: Option<&Path>,
    cli: CliSelection<'_>,
) -> Result<(SettingsBuilder, Option<FailOn>), String> {
    let config = match config {
        Some(path) => Some(config::load_config(path).map_err(|e| e.to_string())?),
        None => None,
    };
    // A `.hadolint.yaml` read in place of a dockward.toml: what it could not map.
    // Printed once per run, though a file may be loaded twice (run and unit settings).
    static PRINTED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    for w in config.iter().flat_map(|c| &c.warnings) {
        let mut printed = PRINTED.lock().unwrap_or_else(|e| e.into_inner());
        if !printed.contains(w) {
            eprintln!("dockward: warning: {w}");
            printed.push(w.clone());
        }
    }
    let (mut builder, fail_on) = match config {
        Some(c) => (c.builder, c.fail_on),
        None => (SettingsBuilder::default(), None),
    };
    let cli = SettingsBuilder {
        select: cli.select.clone(),
        extend_select: cli.extend_select.to_vec(),
        ignore: cli.ignore.to_vec(),
        ..Default::default()
    };
    cli.validate().map_err(|e| format!("`{}` names no rule (see `dockward rules`)", e.0))?;
    // A selection on the command line replaces the config file's, extensions included.
    if cli.select.is_some() {
        builder.select = cli.select;
        builder.extend_select.clear();
    }
    builder.extend_select.extend(cli.extend_select);
    builder.ignore.extend(cli.ignore);
    Ok((builder, fail_on))
}

/// `--fail-on`, else the config file's, else warnings.
pub fn fail_on(arg: Option<FailOnArg>, from_config: Option<FailOn>) -> FailOn {
    match arg {
        Some(FailOnArg::Error) => FailOn::Severity(Severity::Error),
        Some(FailOnArg::Warning) => FailOn::Severity(Severity::Warning),
        Some(FailOnArg::Info) => FailOn::Severity(Severity::Info),
        Some(FailOnArg::None) => FailOn::None,
        None => from_config.unwrap_or(FailOn::Severity(Severity::Warning)),
    }
}
