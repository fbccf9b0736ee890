use std::path::PathBuf;

use crate::declare_rule;
use crate::rules::container::{describe, ContainerContext, ContainerRule};
use dockward_spec::ContainerSpec;

declare_rule! {
    /// ## What it does
    /// Flags an `env_file` / `--env-file` that any user on the machine can read
    /// (mode `o+r`). Relative paths are resolved against the directory of the file
    /// that names them; a path that does not resolve to a file on disk (a variable, a
    /// file not checked out, a live container) is skipped. Unix only.
    ///
    /// An env file inside a git work tree (a `.git` directory or file in its directory
    /// or one above) is not judged: git does not store read bits, so the mode there is
    /// the scanner's own checkout's, not the deployment's. The rule still judges env
    /// files outside a checkout, such as those on a deployed host.
    ///
    /// ## Why is this bad?
    /// Env files usually hold the secrets a service needs. When they are world-readable
    /// every local user and every process running as another user can read them.
    ///
    /// ## Example
    /// ```sh
    /// chmod 644 prod.env
    /// docker run --env-file prod.env app
    /// ```
    ///
    /// ## Fix
    /// `chmod 600` (or `640` with a dedicated group) the env file.
    ///
    /// ## References
    /// - Practices b, "Docker Compose Best Practices" (secrets), "Filesystem & Volume Security"
    pub struct WorldReadableEnvFile;
    code = "CT022", name = "world-readable-env-file", severity = Warning,
    category = Security, target = Container, fix = None,
    summary = "An env_file is readable by every user",
    practices = ["a-env-config"],
}

/// The path `written` refers to, relative to the directory of the file it is written in.
fn resolve(spec_file: Option<&std::path::Path>, written: &str) -> Option<PathBuf> {
    if written.contains('$') {
        return None;
    }
    let p = PathBuf::from(written);
    if p.is_absolute() {
        return Some(p);
    }
    Some(spec_file?.parent()?.join(p))
}

/// How many directories above a file are searched for `.git`.
const GIT_SEARCH_DEPTH: usize = 64;

/// Whether `dir` is inside a git work tree: it or one of its ancestors (at most
/// [`GIT_SEARCH_DEPTH`] of them) holds a `.git` directory or file (a worktree or a
/// submodule). Each directory is looked at once per process.
fn in_git_work_tree(dir: &std::path::Path) -> bool {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static SEEN: OnceLock<Mutex<HashMap<PathBuf, bool>>> = OnceLock::new();
    let seen = SEEN.get_or_init(|| Mutex::new(HashMap::new()));
    let mut walked = Vec::new();
    let mut found = false;
    for d in dir.ancestors().take(GIT_SEARCH_DEPTH) {
        if let Some(known) = seen.lock().ok().and_then(|m| m.get(d).copied()) {
            found = known;
            break;
        }
        walked.push(d.to_path_buf());
        if d.join(".git").symlink_metadata().is_ok() {
            found = true;
            break;
        }
    }
    if let Ok(mut m) = seen.lock() {
        for d in walked {
            m.insert(d, found);
        }
    }
    found
}

impl ContainerRule for WorldReadableEnvFile {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    #[cfg(unix)]
    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>) {
        use std::os::unix::fs::PermissionsExt;
        for f in &spec.env_files {
            let written_in = f.at.file().and_then(|file| file.path().map(|p| p.to_path_buf()));
            let Some(path) = resolve(written_in.as_deref(), &f.value) else { continue };
            let Ok(meta) = std::fs::metadata(&path) else { continue };
            let mode = meta.permissions().mode() & 0o777;
            if meta.is_file() && mode & 0o004 != 0 && !path.parent().is_some_and(in_git_work_tree) {
                let msg = format!(
                    "{} reads env file `{}`, which every user can read (mode {mode:o})",
                    describe(spec),
                    f.value
                );
                cx.report_value(&Self::META, f, msg).help(format!("chmod 600 {}", f.value));
            }
        }
    }

    #[cfg(not(unix))]
    fn check(&self, _spec: &ContainerSpec, _cx: &mut ContainerContext<'_>) {}
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::rules::container::testing::*;
    use dockward_source::SourceFile;
    use dockward_spec::docker_run::parse_run_command;
    use dockward_spec::EngineDefaults;
    use std::os::unix::fs::PermissionsExt;

    fn findings_in(dir: &std::path::Path, line: &str) -> Vec<String> {
        let file = SourceFile::new("run.sh", Some(dir.join("run.sh")), line);
        let script = dockward_shell::tokenize(line);
        let spec = parse_run_command(&file, &script.commands[0]).unwrap().spec;
        let d = lint_spec_with(
            &WorldReadableEnvFile,
            spec,
            &EngineDefaults::default(),
            &settings_for(&WorldReadableEnvFile),
        );
        spans(line, &d)
    }

    #[test]
    fn flags_world_readable_and_passes_private_files() {
        let dir = std::env::temp_dir().join(format!("dockward-ct022-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("open.env"), "A=b\n").unwrap();
        std::fs::write(dir.join("closed.env"), "A=b\n").unwrap();
        std::fs::set_permissions(dir.join("open.env"), std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(dir.join("closed.env"), std::fs::Permissions::from_mode(0o600)).unwrap();
        let line = "docker run --env-file open.env --env-file closed.env --env-file missing.env --env-file $X x";
        assert_eq!(findings_in(&dir, line), ["open.env"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[cfg(all(test, unix))]
mod compose_tests {
    use super::*;
    use crate::rules::container::testing::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn compose_flags_world_readable_env_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("open.env"), "A=b\n").unwrap();
        std::fs::write(dir.path().join("closed.env"), "A=b\n").unwrap();
        std::fs::set_permissions(dir.path().join("open.env"), std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(dir.path().join("closed.env"), std::fs::Permissions::from_mode(0o600)).unwrap();
        let yaml = "services:\n  web:\n    image: x:1\n    env_file:\n      - open.env\n      - path: ./closed.env\n  db:\n    image: y:1\n    env_file: open.env\n";
        let d =
            ComposeCase::new(yaml).in_dir(dir.path()).assert_flags(&WorldReadableEnvFile, &["open.env", "open.env"]);
        assert!(d[0].message.contains("mode 644"), "{}", d[0].message);
        let private = "services:\n  web:\n    image: x:1\n    env_file: [closed.env]\n";
        ComposeCase::new(private).in_dir(dir.path()).assert_clean(&WorldReadableEnvFile);
    }

    /// In a git checkout the mode is the scanner's own, not the deployment's: git
    /// stores no read bits. A `.git` file (a worktree, a submodule) counts too.
    #[test]
    fn says_nothing_inside_a_git_work_tree() {
        let yaml = "services:\n  web:\n    image: x:1\n    env_file: config/open.env\n";
        for git in ["dir", "file"] {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir_all(dir.path().join("config")).unwrap();
            let env = dir.path().join("config/open.env");
            std::fs::write(&env, "A=b\n").unwrap();
            std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o644)).unwrap();
            if git == "dir" {
                std::fs::create_dir(dir.path().join(".git")).unwrap();
            } else {
                std::fs::write(dir.path().join(".git"), "gitdir: /elsewhere\n").unwrap();
            }
            ComposeCase::new(yaml).in_dir(dir.path()).assert_clean(&WorldReadableEnvFile);
        }
        // The same layout without `.git` (a deployed host directory) is judged.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        let env = dir.path().join("config/open.env");
        std::fs::write(&env, "A=b\n").unwrap();
        std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o644)).unwrap();
        ComposeCase::new(yaml).in_dir(dir.path()).assert_flags(&WorldReadableEnvFile, &["config/open.env"]);
    }
}
