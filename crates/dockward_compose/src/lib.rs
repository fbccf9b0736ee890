//! Loading Compose projects the way `docker compose` does, with the exact source
//! location of every value.
//!
//! [`load_project`] reads the files of a project in order (base, then overrides),
//! parses each into a spanned YAML tree (`dockward_yaml`), interpolates variables from
//! the environment and `.env`/`--env-file`, validates the file against the Compose
//! JSON schema, resolves `include` and `extends`, and merges the files with Compose's
//! merge rules. [`Project::container_specs`] then turns every service into a
//! `dockward_spec::ContainerSpec` for the container rules. Nothing here panics on bad
//! input: problems are collected in [`Project::problems`] with their locations.

pub mod dotenv;
pub mod env;
pub mod interpolate;
pub mod merge;
pub mod project;
pub mod schema;
pub mod spec;
pub mod value;

pub use project::{
    display_path, is_compose_file_name, load_project, project_files_in, ComposeFile, LoadOptions, Problem, ProblemKind,
    Project, ProjectFile, Service, DEFAULT_FILE_NAMES,
};
pub use spec::parse_bytes;
pub use value::{Entry, Kind, Value};
