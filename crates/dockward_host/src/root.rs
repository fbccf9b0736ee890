//! Reading a host's files under a root directory, never escaping it.
//!
//! The root may be `/`, or a host filesystem mounted into a container. Host paths
//! (`/etc/docker/daemon.json`) are resolved component by component: a symlink's
//! target is resolved again *under the root* (an absolute target restarts at the root,
//! `..` stops at it), so a link to `/etc/shadow` inside a mounted image reads the
//! image's file, never the machine's. Nothing is ever written.

use std::collections::VecDeque;
use std::fmt;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Symlinks followed for one path before it counts as a loop (Linux's limit).
const MAX_SYMLINK_HOPS: usize = 40;

/// Host files larger than this are not read (config files are small; a huge one is a
/// mistake or an attack).
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostError {
    SymlinkLoop { path: String },
    Io { path: String, message: String },
    TooLarge { path: String, size: u64 },
}

impl HostError {
    pub fn path(&self) -> &str {
        match self {
            HostError::SymlinkLoop { path } | HostError::Io { path, .. } | HostError::TooLarge { path, .. } => path,
        }
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostError::SymlinkLoop { .. } => {
                write!(f, "too many levels of symbolic links (more than {MAX_SYMLINK_HOPS})")
            }
            HostError::Io { message, .. } => f.write_str(message),
            HostError::TooLarge { size, .. } => {
                write!(f, "{size} bytes is larger than the {MAX_FILE_SIZE}-byte limit for host files")
            }
        }
    }
}

/// Ownership and permissions of a host file (after following symlinks, like `stat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    pub uid: u32,
    pub gid: u32,
    /// Permission bits including setuid/setgid/sticky (`mode & 0o7777`).
    pub mode: u32,
    pub is_dir: bool,
    pub is_socket: bool,
}

/// A host root directory.
#[derive(Debug, Clone)]
pub struct HostRoot {
    root: PathBuf,
    display: String,
}

impl HostRoot {
    pub fn new(root: &Path) -> Result<Self, HostError> {
        let canonical = root.canonicalize().map_err(|e| HostError::Io {
            path: root.display().to_string(),
            message: format!("cannot open the host root: {e}"),
        })?;
        if !canonical.is_dir() {
            return Err(HostError::Io {
                path: root.display().to_string(),
                message: "the host root is not a directory".into(),
            });
        }
        Ok(Self { root: canonical, display: root.display().to_string() })
    }

    /// How a host path is shown in findings: the path under the root as given
    /// (`/mnt/host/etc/group`), or the host path itself when the root is `/`.
    pub fn display(&self, host_path: &str) -> String {
        let base = self.display.trim_end_matches('/');
        format!("{base}{host_path}")
    }

    /// The real path of `host_path` under the root, symlinks resolved inside the
    /// root; `None` if it does not exist.
    pub fn resolve(&self, host_path: &str) -> Result<Option<PathBuf>, HostError> {
        let mut pending: VecDeque<String> = parts(host_path).collect();
        let mut resolved: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(part) = pending.pop_front() {
            match part.as_str() {
                "" | "." => continue,
                ".." => {
                    resolved.pop();
                    continue;
                }
                _ => {}
            }
            let mut candidate = self.root.clone();
            candidate.extend(&resolved);
            candidate.push(&part);
            match std::fs::symlink_metadata(&candidate) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                // A file where a directory is expected: the path does not exist.
                Err(e) if e.raw_os_error() == Some(20) => return Ok(None),
                Err(e) => return Err(self.io(host_path, e)),
                Ok(m) if m.file_type().is_symlink() => {
                    hops += 1;
                    if hops > MAX_SYMLINK_HOPS {
                        return Err(HostError::SymlinkLoop { path: self.display(host_path) });
                    }
                    let target = std::fs::read_link(&candidate).map_err(|e| self.io(host_path, e))?;
                    let target = target.to_string_lossy().into_owned();
                    if target.starts_with('/') {
                        resolved.clear();
                    }
                    for p in parts(&target).collect::<Vec<_>>().into_iter().rev() {
                        pending.push_front(p);
                    }
                }
                Ok(_) => resolved.push(part),
            }
        }
        let mut out = self.root.clone();
        out.extend(&resolved);
        Ok(Some(out))
    }

    /// The host path `host_path` resolves to (for comparing two spellings of a path).
    pub fn canonical(&self, host_path: &str) -> Option<String> {
        let real = self.resolve(host_path).ok()??;
        let rel = real.strip_prefix(&self.root).ok()?;
        Some(format!("/{}", rel.to_string_lossy()))
    }

    pub fn stat(&self, host_path: &str) -> Result<Option<FileStat>, HostError> {
        let Some(real) = self.resolve(host_path)? else { return Ok(None) };
        let m = std::fs::metadata(&real).map_err(|e| self.io(host_path, e))?;
        use std::os::unix::fs::FileTypeExt;
        Ok(Some(FileStat {
            uid: m.uid(),
            gid: m.gid(),
            mode: m.mode() & 0o7777,
            is_dir: m.is_dir(),
            is_socket: m.file_type().is_socket(),
        }))
    }

    /// A text file's contents; `None` if it does not exist.
    pub fn read(&self, host_path: &str) -> Result<Option<Vec<u8>>, HostError> {
        let Some(real) = self.resolve(host_path)? else { return Ok(None) };
        // Never blocks on a FIFO; anything but a regular file (or a directory, said
        // below) is refused on the opened handle.
        let file = match dockward_source::input::open_regular(&real) {
            Err(_) if real.is_dir() => {
                return Err(HostError::Io {
                    path: self.display(host_path),
                    message: "is a directory, not a file".into(),
                })
            }
            r => r.map_err(|e| self.io(host_path, e))?,
        };
        let meta = file.metadata().map_err(|e| self.io(host_path, e))?;
        if meta.is_dir() {
            return Err(HostError::Io { path: self.display(host_path), message: "is a directory, not a file".into() });
        }
        if meta.len() > MAX_FILE_SIZE {
            return Err(HostError::TooLarge { path: self.display(host_path), size: meta.len() });
        }
        let mut buf = Vec::with_capacity(meta.len() as usize);
        file.take(MAX_FILE_SIZE + 1).read_to_end(&mut buf).map_err(|e| self.io(host_path, e))?;
        Ok(Some(buf))
    }

    /// Entry names of a directory, sorted; empty if it does not exist.
    pub fn list(&self, host_path: &str) -> Result<Vec<String>, HostError> {
        let Some(real) = self.resolve(host_path)? else { return Ok(Vec::new()) };
        if !real.is_dir() {
            return Ok(Vec::new());
        }
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&real).map_err(|e| self.io(host_path, e))? {
            let entry = entry.map_err(|e| self.io(host_path, e))?;
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
        names.sort();
        Ok(names)
    }

    fn io(&self, host_path: &str, e: std::io::Error) -> HostError {
        if e.raw_os_error() == Some(40) {
            return HostError::SymlinkLoop { path: self.display(host_path) };
        }
        HostError::Io { path: self.display(host_path), message: e.to_string() }
    }
}

fn parts(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split('/').filter(|p| !p.is_empty()).map(str::to_string)
}

/// `a/b` joined as host paths.
pub fn join(dir: &str, name: &str) -> String {
    format!("{}/{}", dir.trim_end_matches('/'), name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn symlinks_resolve_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("etc/docker")).unwrap();
        std::fs::write(root.join("etc/docker/daemon.json"), "{}").unwrap();
        // An absolute link to the real /etc/hostname must land in the root's /etc.
        symlink("/etc/hostname", root.join("etc/docker/escape")).unwrap();
        symlink("../../../../../../etc/docker/daemon.json", root.join("etc/docker/up")).unwrap();
        let host = HostRoot::new(root).unwrap();
        assert_eq!(host.read("/etc/docker/escape").unwrap(), None);
        assert_eq!(host.read("/etc/docker/up").unwrap().unwrap(), b"{}");
        assert_eq!(host.canonical("/etc/docker/up").as_deref(), Some("/etc/docker/daemon.json"));
    }

    #[test]
    fn loops_and_directories_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        symlink("/b", root.join("a")).unwrap();
        symlink("/a", root.join("b")).unwrap();
        std::fs::create_dir(root.join("d")).unwrap();
        let host = HostRoot::new(root).unwrap();
        assert!(matches!(host.read("/a"), Err(HostError::SymlinkLoop { .. })));
        assert!(matches!(host.read("/d"), Err(HostError::Io { .. })));
        assert_eq!(host.read("/missing/file").unwrap(), None);
    }

    #[test]
    fn fifos_are_errors_and_device_links_stay_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("etc/docker")).unwrap();
        let fifo = root.join("etc/docker/daemon.json");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        // An absolute link resolves inside the root: `/dev/zero` there is a real device.
        std::fs::create_dir_all(root.join("dev")).unwrap();
        symlink("/dev/zero", root.join("etc/zero")).unwrap();
        let host = HostRoot::new(root).unwrap();
        let err = host.read("/etc/docker/daemon.json").unwrap_err().to_string();
        assert!(err.contains("a named pipe (FIFO), not a regular file"), "{err}");
        // A link to a device outside the root resolves inside it: missing there.
        assert_eq!(host.read("/etc/zero").unwrap(), None);
    }
}
