//! Finding the files to check.

use std::path::{Path, PathBuf};

/// What kind of file a path is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    Dockerfile,
    /// A Compose file (`compose.yaml`, `docker-compose.yml`, their overrides, and
    /// `compose.<env>.yaml` / `docker-compose.<env>.yml` variants).
    Compose,
}

impl FileKind {
    /// The kind of a file named explicitly (or `--stdin-filename`): its name decides;
    /// other `.yaml`/`.yml` files are read as Compose files, anything else as a
    /// Dockerfile.
    pub fn of_explicit(path: &Path) -> FileKind {
        classify(path).unwrap_or_else(|| {
            let ext = path.extension().map(|e| e.to_ascii_lowercase());
            if ext.as_deref().is_some_and(|e| e == "yaml" || e == "yml") {
                FileKind::Compose
            } else {
                FileKind::Dockerfile
            }
        })
    }
}

/// Classifies a file name: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`,
/// `*.dockerfile`, `Containerfile`, `Containerfile.*`.
pub fn classify(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    let is_dockerfile = lower == "dockerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
        || lower == "containerfile"
        || lower.starts_with("containerfile.");
    // `Dockerfile.template` etc. are jq/templating inputs, not Dockerfiles; and a
    // `.dockerignore` sits beside every Dockerfile.
    let is_template = lower.ends_with(".template") || lower.ends_with(".tmpl") || lower.ends_with(".j2");
    if is_dockerfile && !is_template {
        return Some(FileKind::Dockerfile);
    }
    let is_yaml = lower.ends_with(".yaml") || lower.ends_with(".yml");
    (is_yaml && (lower.starts_with("compose.") || lower.starts_with("docker-compose."))).then_some(FileKind::Compose)
}

/// One input to check.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    File { display: String, path: PathBuf, kind: FileKind },
    Stdin { display: String, kind: FileKind },
}

/// A path given on the command line that does not exist or cannot be walked.
#[derive(Debug)]
pub struct DiscoveryError {
    pub path: String,
    pub message: String,
}

/// Expands the command-line paths into inputs: explicit files are taken whatever
/// their name; directories are walked recursively, honouring `.gitignore`, `.ignore`
/// and `.dockwardignore`, hidden directories included (`.devcontainer/Dockerfile`).
pub fn discover(paths: &[PathBuf], stdin_name: Option<&str>) -> (Vec<Input>, Vec<DiscoveryError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() { &default[..] } else { paths };
    for p in paths {
        if p.as_os_str() == "-" {
            let display = stdin_name.unwrap_or("-").to_string();
            let kind = FileKind::of_explicit(Path::new(&display));
            inputs.push(Input::Stdin { display, kind });
            continue;
        }
        match std::fs::metadata(p) {
            Err(e) => errors.push(DiscoveryError { path: p.display().to_string(), message: e.to_string() }),
            Ok(m) if m.is_dir() => walk(p, &mut inputs, &mut errors),
            Ok(_) => {
                inputs.push(Input::File { display: display_path(p), path: p.clone(), kind: FileKind::of_explicit(p) })
            }
        }
    }
    inputs.sort();
    inputs.dedup();
    (inputs, errors)
}

fn walk(root: &Path, inputs: &mut Vec<Input>, errors: &mut Vec<DiscoveryError>) {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .add_custom_ignore_filename(".dockwardignore")
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                if let Some(kind) = classify(e.path()) {
                    inputs.push(Input::File { display: display_path(e.path()), path: e.path().to_path_buf(), kind });
                }
            }
            Ok(_) => {}
            Err(e) => errors.push(DiscoveryError { path: root.display().to_string(), message: e.to_string() }),
        }
    }
}

/// Paths are shown as given, without a leading `./`, with `/` separators.
fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_dockerfile_names() {
        for yes in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "x.dockerfile",
            "Containerfile",
            "Containerfile.prod",
        ] {
            assert_eq!(classify(Path::new(yes)), Some(FileKind::Dockerfile), "{yes}");
        }
        for yes in ["compose.yaml", "docker-compose.yml", "compose.override.yaml", "docker-compose.prod.yml"] {
            assert_eq!(classify(Path::new(yes)), Some(FileKind::Compose), "{yes}");
        }
        for no in ["Dockerfile.template", "README.md", ".dockerignore", "Dockerfiles", "composer.json", "mydockerfile"]
        {
            assert_eq!(classify(Path::new(no)), None, "{no}");
        }
    }
}
