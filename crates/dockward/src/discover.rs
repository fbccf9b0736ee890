//! Finding the files to check.

use std::path::{Path, PathBuf};

/// What kind of file a path is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    Dockerfile,
    /// A shell script: its `docker run` lines are checked.
    ShellScript,
    /// A Makefile: `docker run` lines in its recipes.
    Makefile,
    /// `.github/workflows/*.yml`: `docker run` lines in `run:` steps.
    GithubWorkflow,
    /// `.gitlab-ci.yml`: `docker run` lines in `script:` items.
    GitlabCi,
    /// `daemon.json`.
    DaemonJson,
    /// `docker.service` or a drop-in `docker.service.d/*.conf`.
    DockerUnit,
    /// `/etc/default/docker` (a file `docker` in a `default` directory).
    DefaultDocker,
    /// `/etc/sysconfig/docker`.
    SysconfigDocker,
    /// A Compose file (`compose.yaml`, `docker-compose.yml`, their overrides, and
    /// `compose.<env>.yaml` / `docker-compose.<env>.yml` variants).
    Compose,
    /// A `docker save` archive (docker-archive or OCI layout, plain or gzip): its
    /// layers are checked (IM008 and up).
    ImageArchive,
}

impl FileKind {
    /// The kind of a file named explicitly (or `--stdin-filename`): its name decides;
    /// other `.yaml`/`.yml` files are read as Compose files, anything else as a
    /// Dockerfile.
    pub fn of_explicit(path: &Path) -> FileKind {
        if is_image_archive(path) {
            return FileKind::ImageArchive;
        }
        classify(path).or_else(|| shebang_kind(path)).unwrap_or_else(|| {
            let ext = path.extension().map(|e| e.to_ascii_lowercase());
            if ext.as_deref().is_some_and(|e| e == "yaml" || e == "yml") {
                FileKind::Compose
            } else {
                FileKind::Dockerfile
            }
        })
    }
}

/// A file whose first tar member is one `docker save` writes (`manifest.json`,
/// `blobs/`, `<64 hex>/`, ...): a few KiB are read, whatever the file's name.
fn is_image_archive(path: &Path) -> bool {
    std::fs::File::open(path).is_ok_and(dockward_image::looks_like_image_archive)
}

/// During a directory walk, only `*.tar`, `*.tar.gz` and `*.tgz` files are looked
/// into, and claimed only when they look like an image archive: other tarballs in a
/// repository (release artefacts, fixtures) are not ours.
fn classify_walked_archive(path: &Path) -> Option<FileKind> {
    let lower = path.file_name()?.to_str()?.to_ascii_lowercase();
    let tarball = lower.ends_with(".tar") || lower.ends_with(".tar.gz") || lower.ends_with(".tgz");
    (tarball && is_image_archive(path)).then_some(FileKind::ImageArchive)
}

/// A file named explicitly that starts with a `sh`/`bash`/`dash`/`ash`/`ksh`/`zsh`
/// shebang (`#!/bin/sh`, `#!/usr/bin/env bash`) is a shell script.
fn shebang_kind(path: &Path) -> Option<FileKind> {
    use std::io::Read;
    let mut head = [0u8; 128];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).ok()?;
    let line = std::str::from_utf8(&head[..n]).ok()?.lines().next()?;
    let interpreter = line.strip_prefix("#!")?.split_whitespace().collect::<Vec<_>>();
    let program = match interpreter.as_slice() {
        [env, prog, ..] if env.ends_with("/env") => prog,
        [prog, ..] => prog,
        [] => return None,
    };
    let base = program.rsplit('/').next().unwrap_or(program);
    matches!(base, "sh" | "bash" | "dash" | "ash" | "ksh" | "zsh").then_some(FileKind::ShellScript)
}

/// Classifies the files whose `docker run` lines are checked: `*.sh`, `*.bash`,
/// `Makefile`/`makefile`/`GNUmakefile`/`*.mk`, `.github/workflows/*.yml|yaml`,
/// `.gitlab-ci.yml`.
fn classify_run_line_file(path: &Path, lower: &str) -> Option<FileKind> {
    if lower.ends_with(".sh") || lower.ends_with(".bash") {
        return Some(FileKind::ShellScript);
    }
    if matches!(lower, "makefile" | "gnumakefile") || lower.ends_with(".mk") {
        return Some(FileKind::Makefile);
    }
    if lower == ".gitlab-ci.yml" || lower == ".gitlab-ci.yaml" {
        return Some(FileKind::GitlabCi);
    }
    let in_workflows = path.parent().is_some_and(|p| p.ends_with(".github/workflows"));
    if in_workflows && (lower.ends_with(".yml") || lower.ends_with(".yaml")) {
        return Some(FileKind::GithubWorkflow);
    }
    None
}

/// Classifies a file name: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`,
/// `*.dockerfile`, `Containerfile`, `Containerfile.*`.
pub fn classify(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    if let Some(kind) = classify_daemon_file(path, name) {
        return Some(kind);
    }
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
    if is_yaml && (lower.starts_with("compose.") || lower.starts_with("docker-compose.")) {
        return Some(FileKind::Compose);
    }
    classify_run_line_file(path, &lower)
}

/// Daemon configuration files, by name: `daemon.json`, `docker.service`,
/// `docker.service.d/*.conf`, `default/docker`, `sysconfig/docker`.
fn classify_daemon_file(path: &Path, name: &str) -> Option<FileKind> {
    let parent = path.parent().and_then(|p| p.file_name()).and_then(|p| p.to_str()).unwrap_or("");
    match name {
        "daemon.json" => Some(FileKind::DaemonJson),
        "docker.service" => Some(FileKind::DockerUnit),
        n if n.ends_with(".conf") && parent == "docker.service.d" => Some(FileKind::DockerUnit),
        "docker" if parent == "default" => Some(FileKind::DefaultDocker),
        "docker" if parent == "sysconfig" => Some(FileKind::SysconfigDocker),
        _ => None,
    }
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
                if let Some(kind) = classify(e.path()).or_else(|| classify_walked_archive(e.path())) {
                    inputs.push(Input::File { display: display_path(e.path()), path: e.path().to_path_buf(), kind });
                }
            }
            Ok(_) => {}
            Err(e) => errors.push(DiscoveryError { path: root.display().to_string(), message: e.to_string() }),
        }
    }
}

/// Whether a lockfile cataloger of `dockward_sbom` reads a file of this name
/// (`package-lock.json`, `yarn.lock`, `poetry.lock`, `Pipfile.lock`,
/// `requirements*.txt`, `Cargo.lock`, `go.mod`, `Gemfile.lock`, `composer.lock`, ...).
pub fn is_lockfile(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return false };
    dockward_sbom::catalog::lockfile_catalogers().iter().any(|c| c.wants(name).is_some())
}

/// The lockfiles under `paths` (walked as [`discover`] walks, `.gitignore` and
/// `.dockwardignore` respected; a file named on the command line is taken when it is
/// a lockfile), as `(display, path)`, sorted. `check` looks for them only when a VU
/// rule is selected.
pub fn discover_lockfiles(paths: &[PathBuf]) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() { &default[..] } else { paths };
    for p in paths.iter().filter(|p| p.as_os_str() != "-") {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let walker = ignore::WalkBuilder::new(p)
                    .hidden(false)
                    .require_git(false)
                    .add_custom_ignore_filename(".dockwardignore")
                    .filter_entry(|e| e.file_name() != ".git" && e.file_name() != "node_modules")
                    .build();
                for e in walker.flatten() {
                    if e.file_type().is_some_and(|t| t.is_file()) && is_lockfile(e.path()) {
                        out.push((display_path(e.path()), e.path().to_path_buf()));
                    }
                }
            }
            Ok(_) if is_lockfile(p) => out.push((display_path(p), p.clone())),
            _ => {}
        }
    }
    out.sort();
    out.dedup();
    out
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
        for (path, kind) in [
            ("etc/docker/daemon.json", FileKind::DaemonJson),
            ("lib/systemd/system/docker.service", FileKind::DockerUnit),
            ("etc/systemd/system/docker.service.d/override.conf", FileKind::DockerUnit),
            ("etc/default/docker", FileKind::DefaultDocker),
            ("etc/sysconfig/docker", FileKind::SysconfigDocker),
        ] {
            assert_eq!(classify(Path::new(path)), Some(kind), "{path}");
        }
        for no in ["etc/docker", "other.json", "x.service.d/a.conf", "docker.socket"] {
            assert_eq!(classify(Path::new(no)), None, "{no}");
        }
        for yes in ["compose.yaml", "docker-compose.yml", "compose.override.yaml", "docker-compose.prod.yml"] {
            assert_eq!(classify(Path::new(yes)), Some(FileKind::Compose), "{yes}");
        }
        for no in ["Dockerfile.template", "README.md", ".dockerignore", "Dockerfiles", "composer.json", "mydockerfile"]
        {
            assert_eq!(classify(Path::new(no)), None, "{no}");
        }
    }

    #[test]
    fn classifies_files_with_docker_run_lines() {
        for (name, kind) in [
            ("deploy.sh", FileKind::ShellScript),
            ("x/run.bash", FileKind::ShellScript),
            ("Makefile", FileKind::Makefile),
            ("GNUmakefile", FileKind::Makefile),
            ("build/rules.mk", FileKind::Makefile),
            (".github/workflows/ci.yml", FileKind::GithubWorkflow),
            ("a/.github/workflows/e2e.yaml", FileKind::GithubWorkflow),
            (".gitlab-ci.yml", FileKind::GitlabCi),
        ] {
            assert_eq!(classify(Path::new(name)), Some(kind), "{name}");
        }
        for no in [".github/ci.yml", "workflows/ci.yml", "script.shx", "Makefile.am"] {
            assert_eq!(classify(Path::new(no)), None, "{no}");
        }
    }

    #[test]
    fn explicit_files_with_a_shell_shebang_are_scripts() {
        let dir = std::env::temp_dir().join(format!("dockward-shebang-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("deploy"), "#!/usr/bin/env bash\ndocker run x\n").unwrap();
        std::fs::write(dir.join("tool"), "#!/usr/bin/python3\n").unwrap();
        assert_eq!(FileKind::of_explicit(&dir.join("deploy")), FileKind::ShellScript);
        assert_eq!(FileKind::of_explicit(&dir.join("tool")), FileKind::Dockerfile);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn walks_claim_only_tarballs_that_look_like_image_archives() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("manifest.json"), "[]").unwrap();
        std::fs::write(src.join("notes.txt"), "hello").unwrap();
        let tar = |name: &str, member: &str| {
            let ok = std::process::Command::new("tar")
                .arg("-C")
                .arg(&src)
                .arg("-cf")
                .arg(dir.path().join(name))
                .arg(member)
                .status()
                .unwrap();
            assert!(ok.success());
        };
        tar("app.tar", "manifest.json");
        tar("release.tar", "notes.txt");
        tar("saved-image", "manifest.json");
        let (inputs, errors) = discover(&[dir.path().to_path_buf()], None);
        assert!(errors.is_empty());
        let kinds: Vec<(String, FileKind)> = inputs
            .iter()
            .filter_map(|i| match i {
                Input::File { path, kind, .. } => Some((path.file_name()?.to_string_lossy().into_owned(), *kind)),
                Input::Stdin { .. } => None,
            })
            .collect();
        assert_eq!(kinds, [("app.tar".to_string(), FileKind::ImageArchive)]);
        // Named explicitly, the contents decide whatever the name.
        assert_eq!(FileKind::of_explicit(&dir.path().join("saved-image")), FileKind::ImageArchive);
        assert_eq!(FileKind::of_explicit(&dir.path().join("release.tar")), FileKind::Dockerfile);
    }
}
