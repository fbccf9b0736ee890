//! The variables interpolation reads: the process environment over `.env` (or the
//! `--env-file`s), as docker compose resolves them.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use dockward_diagnostics::Location;
use dockward_source::SourceFile;

use crate::dotenv;

/// A variable's value and where it was defined.
#[derive(Debug, Clone)]
pub struct EnvValue {
    pub value: String,
    /// For messages: `.env`, `the environment`, the env file's name.
    pub source: String,
    /// The `KEY` in the env file, when it came from one.
    pub defined_at: Option<Location>,
}

#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: HashMap<String, EnvValue>,
}

/// An env file that could not be read or parsed.
#[derive(Debug, Clone)]
pub struct EnvFileError {
    pub at: Location,
    pub message: String,
}

impl Env {
    pub fn get(&self, name: &str) -> Option<&EnvValue> {
        self.vars.get(name)
    }

    pub fn set(&mut self, name: impl Into<String>, value: EnvValue) {
        self.vars.insert(name.into(), value);
    }

    /// The process environment, or the given variables.
    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Env {
        let vars = vars
            .into_iter()
            .map(|(k, v)| (k, EnvValue { value: v, source: "the environment".into(), defined_at: None }))
            .collect();
        Env { vars }
    }

    /// Adds the variables of an env file that the environment does not already set
    /// (the environment wins, as in docker compose). A missing file is an error only
    /// when `required`.
    pub fn load_file(&mut self, path: &Path, required: bool) -> Result<Option<Arc<SourceFile>>, EnvFileError> {
        let name = path.to_string_lossy().replace('\\', "/");
        let name = name.strip_prefix("./").unwrap_or(&name).to_string();
        let text = match dockward_source::input::read(path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            // A symlink whose target is missing is there, and broken: reported.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required && !is_symlink(path) => return Ok(None),
            Err(e) => return Err(EnvFileError { at: Location::File { name }, message: format!("cannot read: {e}") }),
        };
        let file = SourceFile::new(name.clone(), Some(path.to_path_buf()), text);
        let lookup = |n: &str| self.vars.get(n).map(|v| v.value.clone());
        let entries = dotenv::parse(file.text(), &lookup)
            .map_err(|e| EnvFileError { at: Location::source(&file, e.range), message: e.message })?;
        let short = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(name);
        for e in entries {
            if self.vars.get(&e.name).is_some_and(|v| v.defined_at.is_none()) {
                continue;
            }
            self.vars.insert(
                e.name,
                EnvValue { value: e.value, source: short.clone(), defined_at: Some(Location::source(&file, e.key)) },
            );
        }
        Ok(Some(file))
    }
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}
