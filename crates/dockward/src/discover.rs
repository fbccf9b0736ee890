//! Finding the files to check.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
    /// variants such as `compose.<env>.yaml`, `docker-compose-<env>.yml`,
    /// `<name>-compose.yaml`: see [`classify`]).
    Compose,
    /// A `docker save` archive (docker-archive or OCI layout, plain or gzip): its
    /// layers are checked (IM008 and up).
    ImageArchive,
    /// Kubernetes manifests: a `.yaml`/`.yml`/`.json` file whose documents have
    /// `apiVersion` and `kind` (never a Compose file).
    Kubernetes,
    /// `kustomization.yaml`, `kustomization.yml` or `Kustomization`: its directory is
    /// rendered with `kubectl kustomize`.
    Kustomization,
    /// A file under `templates/` of a Helm chart (a directory with `Chart.yaml`): a Go
    /// template, never read as YAML.
    HelmTemplate,
}

impl FileKind {
    /// The kind of a regular file named explicitly: an image archive by its first
    /// bytes, else its name decides (other `.yaml`/`.yml` files are read as Compose
    /// files), else a shell shebang makes it a script, else it is a Dockerfile.
    pub fn of_explicit(path: &Path) -> FileKind {
        if is_image_archive(path) {
            return FileKind::ImageArchive;
        }
        if let Some(kind) = classify(path).or_else(|| manifest_kind_of_file(path)) {
            return kind;
        }
        FileKind::by_name(path).or_else(|| shebang_kind_of_file(path)).unwrap_or(FileKind::Dockerfile)
    }

    /// The kind a name alone gives (`classify`, and other `.yaml`/`.yml` files as
    /// Compose files); `None` when only the contents can tell. Reads nothing: used for
    /// stdin (`--stdin-filename`) and pipes, whose bytes can be read only once.
    pub fn by_name(path: &Path) -> Option<FileKind> {
        classify(path).or_else(|| {
            let ext = path.extension().map(|e| e.to_ascii_lowercase());
            ext.as_deref().is_some_and(|e| e == "yaml" || e == "yml").then_some(FileKind::Compose)
        })
    }

    /// The kind of a stream (stdin or a pipe) from its name and its first bytes: an
    /// image archive whatever its name (`docker save x | dockward check -`), else the
    /// name, else a shell shebang, else a Dockerfile.
    pub fn of_stream(name: &Path, head: &[u8]) -> FileKind {
        if dockward_image::looks_like_image_archive(head) {
            return FileKind::ImageArchive;
        }
        FileKind::by_name(name).or_else(|| shebang_kind(head)).unwrap_or(FileKind::Dockerfile)
    }
}

/// Whether a name has one of the extensions manifests are written in.
pub fn is_manifest_extension(path: &Path) -> bool {
    let ext = path.extension().map(|e| e.to_ascii_lowercase());
    ext.as_deref().is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
}

/// How many bytes of a `.yaml`/`.json` file are read to tell whether it holds
/// Kubernetes manifests.
const MANIFEST_SNIFF_LEN: u64 = 64 * 1024;

/// The kind of a `.yaml`/`.yml`/`.json` file that [`classify`] does not know by name:
/// a Helm template by its place, else Kubernetes manifests by their first bytes
/// (`dockward_k8s::loader::looks_like_manifest`); `None` for anything else.
fn manifest_kind_of_file(path: &Path) -> Option<FileKind> {
    use std::io::Read;
    if !is_manifest_extension(path) {
        return None;
    }
    if helm_chart_of(path).is_some() {
        return Some(FileKind::HelmTemplate);
    }
    let mut head = Vec::new();
    dockward_source::input::open_regular(path).ok()?.take(MANIFEST_SNIFF_LEN).read_to_end(&mut head).ok()?;
    manifest_kind_of_head(&head)
}

/// Kubernetes manifests by their first bytes.
pub fn manifest_kind_of_head(head: &[u8]) -> Option<FileKind> {
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
    };
    dockward_k8s::loader::looks_like_manifest(text).then_some(FileKind::Kubernetes)
}

/// The chart directory (holding `Chart.yaml`) whose `templates/` holds `path`.
pub fn helm_chart_of(path: &Path) -> Option<PathBuf> {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d.file_name().is_some_and(|n| n == "templates") {
            let chart = d.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            let chart = if chart.as_os_str().is_empty() { PathBuf::from(".") } else { chart };
            if chart.join("Chart.yaml").is_file() {
                return Some(chart);
            }
        }
        dir = d.parent();
    }
    None
}

/// A file whose first tar member is one `docker save` writes (`manifest.json`,
/// `blobs/`, `<64 hex>/`, ...): a few KiB are read, whatever the file's name.
fn is_image_archive(path: &Path) -> bool {
    dockward_source::input::open_regular(path).is_ok_and(dockward_image::looks_like_image_archive)
}

/// During a directory walk, only `*.tar`, `*.tar.gz` and `*.tgz` files are looked
/// into, and claimed only when they look like an image archive: other tarballs in a
/// repository (release artefacts, fixtures) are not ours.
fn classify_walked_archive(path: &Path) -> Option<FileKind> {
    let lower = path.file_name()?.to_str()?.to_ascii_lowercase();
    let tarball = lower.ends_with(".tar") || lower.ends_with(".tar.gz") || lower.ends_with(".tgz");
    (tarball && is_image_archive(path)).then_some(FileKind::ImageArchive)
}

fn shebang_kind_of_file(path: &Path) -> Option<FileKind> {
    use std::io::Read;
    let mut head = [0u8; 128];
    let n = dockward_source::input::open_regular(path).and_then(|mut f| f.read(&mut head)).ok()?;
    shebang_kind(&head[..n])
}

/// Contents that start with a `sh`/`bash`/`dash`/`ash`/`ksh`/`zsh` shebang
/// (`#!/bin/sh`, `#!/usr/bin/env bash`) are a shell script.
fn shebang_kind(head: &[u8]) -> Option<FileKind> {
    let head = &head[..head.len().min(128)];
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        // The cut may split a character: the first line is what matters.
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
    };
    let line = text.lines().next()?;
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

/// Extensions that make a `Dockerfile.*`/`Dockerfile-*` look-alike something else:
/// templates (`Dockerfile.template`, `.tmpl`, `.j2`, ...), documentation
/// (`Dockerfile.md`), BuildKit's per-Dockerfile ignore file (`Dockerfile.dockerignore`),
/// code and data next to the Dockerfiles (`dockerfile-utils.js`, `Dockerfile-lint.sh`,
/// `dockerfile_gen.py`, `Dockerfile.json`), and editor or merge leftovers
/// (`Dockerfile.orig`, `.rej`, `.bak`, `.swp`).
const NOT_DOCKERFILE_EXTENSIONS: [&[&str]; 6] = [
    &["template", "tmpl", "tpl", "j2", "jinja", "jinja2", "erb", "mustache", "hbs", "gotmpl"],
    &["md", "markdown", "txt", "rst", "adoc", "html", "pdf"],
    &["dockerignore"],
    &["sh", "bash", "py", "js", "mjs", "cjs", "ts", "go", "rb", "pl", "ps1", "bat", "java", "rs"],
    &["json", "yml", "yaml", "toml", "xml", "lock", "csv", "log"],
    &["orig", "rej", "bak", "swp", "patch", "diff"],
];

/// Classifies a file name. Dockerfiles: `Dockerfile`, `Dockerfile.*`, `Dockerfile-*`,
/// `Dockerfile_*`, `*.Dockerfile` (any case), and the same with `Containerfile`,
/// unless the last extension is one of [`NOT_DOCKERFILE_EXTENSIONS`]. Compose files:
/// `.yaml`/`.yml` files named `compose.*`, `docker-compose.*`, `compose-*`,
/// `docker-compose-*`, `*-compose.*` (so `*-docker-compose.yml`) or `*.compose.*`.
/// Files under `.github/workflows/` are workflows whatever their name.
pub fn classify(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    if let Some(kind) = classify_daemon_file(path, name) {
        return Some(kind);
    }
    let lower = name.to_ascii_lowercase();
    // `.github/workflows/docker-compose.yml` is a workflow, not a Compose file.
    let in_workflows = path.parent().is_some_and(|p| p.ends_with(".github/workflows"));
    if in_workflows && (lower.ends_with(".yml") || lower.ends_with(".yaml")) {
        return Some(FileKind::GithubWorkflow);
    }
    if is_dockerfile_name(&lower) {
        return Some(FileKind::Dockerfile);
    }
    if matches!(name, "kustomization.yaml" | "kustomization.yml" | "Kustomization") {
        return Some(FileKind::Kustomization);
    }
    if is_compose_name(&lower) {
        return Some(FileKind::Compose);
    }
    classify_run_line_file(path, &lower)
}

/// `lower` is a lowercase file name.
fn is_dockerfile_name(lower: &str) -> bool {
    let named = ["dockerfile", "containerfile"].iter().any(|base| match lower.strip_prefix(base) {
        Some(rest) => rest.is_empty() || (rest.len() > 1 && rest.starts_with(['.', '-', '_'])),
        None => false,
    }) || lower.strip_suffix(".dockerfile").is_some_and(|stem| !stem.is_empty());
    if !named {
        return false;
    }
    // `Dockerfile.prod` or `Dockerfile-alpine` has no extension to judge; the last one
    // of `Dockerfile.prod.md` or `dockerfile-utils.js` tells what the file is.
    let ext = lower.rsplit_once('.').map(|(_, e)| e);
    !ext.is_some_and(|e| NOT_DOCKERFILE_EXTENSIONS.iter().any(|group| group.contains(&e)))
}

/// `lower` is a lowercase file name.
fn is_compose_name(lower: &str) -> bool {
    let Some(stem) = lower.strip_suffix(".yaml").or_else(|| lower.strip_suffix(".yml")) else { return false };
    let prefixed = ["compose", "docker-compose"]
        .iter()
        .any(|p| stem.strip_prefix(p).is_some_and(|rest| rest.len() > 1 && rest.starts_with(['.', '-'])));
    // `app-compose.yaml`, `app-docker-compose.prod.yml`, `app.compose.yaml`.
    let suffixed = stem
        .split('.')
        .enumerate()
        .any(|(i, part)| (part.len() > "-compose".len() && part.ends_with("-compose")) || (i > 0 && part == "compose"));
    stem == "compose" || prefixed || suffixed
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
    File {
        display: String,
        path: PathBuf,
        kind: FileKind,
    },
    /// Bytes that can be read only once: stdin (`path` is `None`) or a pipe named
    /// explicitly (`<(docker save app)`, a FIFO). `kind` is what the name says; the
    /// first bytes decide when the stream is read (see [`FileKind::of_stream`]).
    Stream {
        display: String,
        path: Option<PathBuf>,
        kind: FileKind,
    },
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
            let kind = FileKind::by_name(Path::new(&display)).unwrap_or(FileKind::Dockerfile);
            inputs.push(Input::Stream { display, path: None, kind });
            continue;
        }
        match std::fs::metadata(p) {
            Err(e) => errors.push(DiscoveryError { path: p.display().to_string(), message: e.to_string() }),
            Ok(m) if m.is_dir() => walk(p, &mut inputs, &mut errors),
            Ok(m) if m.is_file() => {
                inputs.push(Input::File { display: display_path(p), path: p.clone(), kind: FileKind::of_explicit(p) })
            }
            // A pipe named explicitly (`<(docker save app)`): its first bytes can be read
            // only once, when it is checked.
            Ok(_) if dockward_source::input::is_pipe(p) => inputs.push(Input::Stream {
                display: display_path(p),
                path: Some(p.clone()),
                kind: FileKind::by_name(p).unwrap_or(FileKind::Dockerfile),
            }),
            // A device (`/dev/zero`) or a socket is never read.
            Ok(m) => errors.push(DiscoveryError {
                path: p.display().to_string(),
                message: format!("{}, not a regular file; not read", special_kind(&m)),
            }),
        }
    }
    inputs.sort();
    inputs.dedup();
    (inputs, errors)
}

/// The ignore files the walker reads in each directory it enters.
const IGNORE_FILES: [&str; 4] = [".gitignore", ".ignore", ".dockwardignore", ".git/info/exclude"];

/// The first ignore file of `dir` that the walker must not read: a FIFO would block
/// it, `/dev/zero` (a symlink git can store) would abort the process inside the
/// `ignore` crate, which reads a whole line into memory. Regular files up to the
/// file-size limit pass.
fn bad_ignore_file(dir: &Path) -> Option<DiscoveryError> {
    let max = dockward_source::input::limits().max_file_size;
    IGNORE_FILES.iter().find_map(|name| {
        let path = dir.join(name);
        dockward_source::input::screen(&path, max).err().map(|e| DiscoveryError {
            path: display_path(&path),
            message: format!("{e}; the directory `{}` is not walked", display_path(dir)),
        })
    })
}

/// A directory walker over `root` honouring `.gitignore`, `.ignore` and
/// `.dockwardignore`, whose ignore files are screened ([`bad_ignore_file`]) before
/// the `ignore` crate reads them: a directory holding a bad one is skipped with an
/// error (pushed to the returned list once the walk is done), the others are walked.
/// `skip` names directories never entered.
fn walker(root: &Path, skip: &'static [&'static str]) -> (ignore::Walk, Arc<Mutex<Vec<DiscoveryError>>>) {
    let errors = Arc::new(Mutex::new(Vec::new()));
    let mut builder = ignore::WalkBuilder::new(root);
    builder.hidden(false).require_git(false).add_custom_ignore_filename(".dockwardignore");
    // The walker also reads the ignore files of the root's parent directories.
    let ancestors = std::path::absolute(root).ok();
    let bad_parent = ancestors.iter().flat_map(|a| a.ancestors().skip(1)).find_map(bad_ignore_file);
    if let Some(e) = bad_parent {
        errors.lock().unwrap_or_else(|p| p.into_inner()).push(DiscoveryError {
            path: e.path,
            message: format!(
                "{}; `{}` is walked without the ignore files above it, nor any `.gitignore`",
                e.message,
                display_path(root)
            ),
        });
        // The crate reads the parents' ignore files whenever any git ignore rule is
        // on, whatever `parents` says: all off, or it would read the bad one.
        builder.parents(false).git_ignore(false).git_exclude(false).git_global(false);
    }
    let found = Arc::clone(&errors);
    builder.filter_entry(move |e| {
        let name = e.file_name();
        if skip.iter().any(|s| name == *s) {
            return false;
        }
        if !e.file_type().is_some_and(|t| t.is_dir()) {
            return true;
        }
        match bad_ignore_file(e.path()) {
            Some(err) => {
                found.lock().unwrap_or_else(|p| p.into_inner()).push(err);
                false
            }
            None => true,
        }
    });
    (builder.build(), errors)
}

fn walk(root: &Path, inputs: &mut Vec<Input>, errors: &mut Vec<DiscoveryError>) {
    // The root itself is never filtered: screened here.
    if let Some(e) = bad_ignore_file(root) {
        errors.push(e);
        return;
    }
    let (walker, walk_errors) = walker(root, &[".git"]);
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                let kind = classify(e.path())
                    .or_else(|| classify_walked_archive(e.path()))
                    .or_else(|| manifest_kind_of_file(e.path()));
                if let Some(kind) = kind {
                    inputs.push(Input::File { display: display_path(e.path()), path: e.path().to_path_buf(), kind });
                }
            }
            // A FIFO or a device named like a file we check is an error, never opened:
            // a walk only reads regular files. Symlinks are not followed.
            Ok(e) if e.file_type().is_some_and(|t| !t.is_dir() && !t.is_symlink()) && classify(e.path()).is_some() => {
                let message = match e.metadata() {
                    Ok(m) => format!("{}, not a regular file; not read", special_kind(&m)),
                    Err(err) => err.to_string(),
                };
                errors.push(DiscoveryError { path: display_path(e.path()), message });
            }
            Ok(_) => {}
            Err(e) => errors.push(DiscoveryError { path: root.display().to_string(), message: e.to_string() }),
        }
    }
    errors.append(&mut walk_errors.lock().unwrap_or_else(|p| p.into_inner()));
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
            // A bad ignore file is reported by `discover`, which walks the same paths.
            Ok(m) if m.is_dir() && bad_ignore_file(p).is_none() => {
                let (walker, _) = walker(p, &[".git", "node_modules"]);
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

/// What a file that is not regular is, for an error.
fn special_kind(m: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = m.file_type();
    if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

/// Paths are shown as given, without `.` components, with `/` separators.
fn display_path(p: &Path) -> String {
    dockward_source::display_path(p)
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
    fn classifies_hyphenated_and_underscored_names() {
        for yes in [
            "Dockerfile-alpine",
            "dockerfile-node18",
            "Dockerfile_prod",
            "Dockerfile-3.12-slim",
            "Containerfile-fedora",
            "Dockerfile.windows",
            "images/api.Dockerfile",
        ] {
            assert_eq!(classify(Path::new(yes)), Some(FileKind::Dockerfile), "{yes}");
        }
        for yes in [
            "docker-compose-dev.yml",
            "docker-compose-prod.yaml",
            "compose-dev.yaml",
            "monitoring-compose.yaml",
            "app-docker-compose.yml",
            "app-compose.prod.yml",
            "app.compose.yaml",
            "compose.prod.yaml",
        ] {
            assert_eq!(classify(Path::new(yes)), Some(FileKind::Compose), "{yes}");
        }
        // Look-alikes: documentation, templates, BuildKit's ignore file, code, leftovers.
        for no in [
            "Dockerfile.md",
            "Dockerfile-notes.txt",
            "Dockerfile.dockerignore",
            "app.Dockerfile.dockerignore",
            "dockerfile-utils.js",
            "dockerfile_gen.py",
            "Dockerfile-schema.json",
            "Dockerfile.orig",
            "Dockerfile.j2",
            "Dockerfile-",
            "Dockerfiles",
            "compose-notes.txt",
            "composer.yaml",
            "compose_notes.yml",
            "docker-compose-",
            "compose.json",
            "decompose.yaml",
            "-compose.yml",
        ] {
            assert_ne!(classify(Path::new(no)), Some(FileKind::Dockerfile), "{no}");
            assert_ne!(classify(Path::new(no)), Some(FileKind::Compose), "{no}");
        }
        // A script named like a Dockerfile is a script.
        assert_eq!(classify(Path::new("Dockerfile-lint.sh")), Some(FileKind::ShellScript));
        // A workflow is a workflow whatever its name.
        assert_eq!(classify(Path::new(".github/workflows/docker-compose.yml")), Some(FileKind::GithubWorkflow));
        assert_eq!(classify(Path::new(".github/workflows/Dockerfile")), Some(FileKind::Dockerfile));
    }

    #[test]
    fn walks_find_the_new_names_and_skip_the_look_alikes() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "images/Dockerfile-alpine",
            "images/dockerfile-debian",
            "docker-compose-dev.yml",
            "stack/monitoring-compose.yaml",
            "stack/app-docker-compose.yml",
            "docs/Dockerfile.md",
            "compose-notes.txt",
            "Dockerfile.dockerignore",
        ] {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "FROM alpine:3.20\n").unwrap();
        }
        let found = kinds_found(dir.path());
        assert_eq!(
            found,
            [
                ("docker-compose-dev.yml".to_string(), FileKind::Compose),
                ("images/Dockerfile-alpine".to_string(), FileKind::Dockerfile),
                ("images/dockerfile-debian".to_string(), FileKind::Dockerfile),
                ("stack/app-docker-compose.yml".to_string(), FileKind::Compose),
                ("stack/monitoring-compose.yaml".to_string(), FileKind::Compose),
            ]
        );
    }

    /// Every file discovery finds under `dir`, relative to it, with its kind, sorted.
    fn kinds_found(dir: &Path) -> Vec<(String, FileKind)> {
        let (inputs, errors) = discover(&[dir.to_path_buf()], None);
        assert!(errors.is_empty());
        let mut found: Vec<(String, FileKind)> = inputs
            .iter()
            .filter_map(|i| match i {
                Input::File { path, kind, .. } => {
                    Some((path.strip_prefix(dir).ok()?.to_string_lossy().into_owned(), *kind))
                }
                Input::Stream { .. } => None,
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn manifests_are_found_by_content_and_helm_templates_by_place() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write("k8s/app.yaml", "# app\napiVersion: apps/v1\nkind: Deployment\n");
        write("k8s/list.json", "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": []}");
        write("k8s/kustomization.yaml", "resources: [app.yaml]\n");
        write("stack.yaml", "services:\n  a: {image: x}\n");
        write("package.json", "{\"name\": \"x\"}");
        write("chart/Chart.yaml", "apiVersion: v2\nname: c\n");
        write("chart/templates/d.yaml", "apiVersion: v1\nkind: {{ .Values.kind }}\n");
        let found = kinds_found(dir.path());
        assert_eq!(
            found,
            [
                ("chart/templates/d.yaml".to_string(), FileKind::HelmTemplate),
                ("k8s/app.yaml".to_string(), FileKind::Kubernetes),
                ("k8s/kustomization.yaml".to_string(), FileKind::Kustomization),
                ("k8s/list.json".to_string(), FileKind::Kubernetes),
            ]
        );
        // Named explicitly, a YAML file that is no manifest is still read as Compose.
        assert_eq!(FileKind::of_explicit(&dir.path().join("stack.yaml")), FileKind::Compose);
        assert_eq!(FileKind::of_explicit(&dir.path().join("k8s/app.yaml")), FileKind::Kubernetes);
    }

    #[test]
    fn streams_are_judged_by_their_first_bytes() {
        assert_eq!(FileKind::of_stream(Path::new("-"), b"#!/bin/bash\ndocker run x\n"), FileKind::ShellScript);
        assert_eq!(FileKind::of_stream(Path::new("-"), b"FROM alpine\n"), FileKind::Dockerfile);
        // The name wins over a shebang, but never over an image archive.
        assert_eq!(FileKind::of_stream(Path::new("compose.yaml"), b"#!/bin/sh\n"), FileKind::Compose);
        let mut tar = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_ustar();
        h.set_size(2);
        tar.append_data(&mut h, "manifest.json", &b"[]"[..]).unwrap();
        let tar = tar.into_inner().unwrap();
        assert_eq!(FileKind::of_stream(Path::new("Dockerfile"), &tar), FileKind::ImageArchive);
        // A tarball of something else is not claimed.
        let mut other = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_ustar();
        h.set_size(2);
        other.append_data(&mut h, "notes.txt", &b"hi"[..]).unwrap();
        assert_eq!(FileKind::of_stream(Path::new("-"), &other.into_inner().unwrap()), FileKind::Dockerfile);
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
                Input::Stream { .. } => None,
            })
            .collect();
        assert_eq!(kinds, [("app.tar".to_string(), FileKind::ImageArchive)]);
        // Named explicitly, the contents decide whatever the name.
        assert_eq!(FileKind::of_explicit(&dir.path().join("saved-image")), FileKind::ImageArchive);
        assert_eq!(FileKind::of_explicit(&dir.path().join("release.tar")), FileKind::Dockerfile);
    }
}
