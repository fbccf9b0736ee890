//! Opening and reading the files dockward checks, safely: every input (a Dockerfile,
//! a Compose file and what it names, `.env` and `env_file:` files, `dockward.toml`,
//! lockfiles, VEX documents, image archives) is opened here.
//!
//! The repository being checked is untrusted: a FIFO named `.env` would block a
//! plain `open(2)` forever, and a symlink to `/dev/zero` would be read until memory
//! runs out. So a file is opened with `O_NONBLOCK` (opening a FIFO for reading then
//! returns at once instead of waiting for a writer), the opened handle is checked
//! with `fstat` (not the path, which could be swapped in between) and anything but
//! a regular file is refused; a regular file is read up to a size bound.
//!
//! `O_NONBLOCK` comes from the `libc` crate as a constant passed to std's
//! `OpenOptionsExt::custom_flags`: no `unsafe`, and no second system-call crate
//! (rustix) for one flag. On a regular file the flag changes nothing (reads of
//! regular files never return `EAGAIN`), so it is left set.
//!
//! Explicit command-line streams (`-`, `<(docker save app)`) are deliberately read
//! as streams by the binary; they go through [`read_stream`], bounded the same way.
//!
//! The bounds ([`Limits`]) have documented defaults and are changed through the
//! environment (`DOCKWARD_MAX_FILE_SIZE`, ...; see `docs/security.md`), read once.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::OnceLock;

/// Default bound on one input file (and on one text stream): 64 MiB. Dockerfiles,
/// Compose files and env files are kilobytes; the largest lockfiles are tens of MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;
/// Default bound on the bytes unpacked (decompressed) from one image archive: 64 GiB.
pub const DEFAULT_MAX_UNPACKED: u64 = 64 * 1024 * 1024 * 1024;
/// Default bound on unpacked bytes per archive byte, past the first GiB: 2000. One
/// gzip level cannot pass ~1032:1; only compression nested in compression (a
/// decompression bomb) can.
pub const DEFAULT_MAX_UNPACK_RATIO: u64 = 2000;
/// Default bound on the bytes of entry names and link targets one archive may make
/// dockward keep: 256 MiB (a large image keeps a few tens of MiB).
pub const DEFAULT_MAX_NAME_BYTES: u64 = 256 * 1024 * 1024;

/// The process-wide bounds on untrusted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input file or text stream read (`DOCKWARD_MAX_FILE_SIZE`).
    pub max_file_size: u64,
    /// Bytes unpacked from one image archive, all layers together (`DOCKWARD_MAX_UNPACKED`).
    pub max_unpacked: u64,
    /// Unpacked bytes per byte of the archive, checked past the first GiB
    /// (`DOCKWARD_MAX_UNPACK_RATIO`).
    pub max_unpack_ratio: u64,
    /// Bytes of entry names and link targets kept from one archive (`DOCKWARD_MAX_NAME_BYTES`).
    pub max_name_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_unpacked: DEFAULT_MAX_UNPACKED,
            max_unpack_ratio: DEFAULT_MAX_UNPACK_RATIO,
            max_name_bytes: DEFAULT_MAX_NAME_BYTES,
        }
    }
}

/// The environment variable of each limit, with its field.
pub const LIMIT_VARIABLES: [&str; 4] =
    ["DOCKWARD_MAX_FILE_SIZE", "DOCKWARD_MAX_UNPACKED", "DOCKWARD_MAX_UNPACK_RATIO", "DOCKWARD_MAX_NAME_BYTES"];

impl Limits {
    /// The defaults with the environment's overrides; an error names the variable
    /// whose value is not a size (`64MiB`, `2GiB`, `1000000`).
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Limits, String> {
        let mut limits = Limits::default();
        let fields: [&mut u64; 4] = [
            &mut limits.max_file_size,
            &mut limits.max_unpacked,
            &mut limits.max_unpack_ratio,
            &mut limits.max_name_bytes,
        ];
        for (name, field) in LIMIT_VARIABLES.iter().zip(fields) {
            if let Some(value) = get(name) {
                *field = parse_size(&value).ok_or_else(|| {
                    format!("{name}={value:?} is not a size (a number of bytes, or with KiB, MiB, GiB)")
                })?;
            }
        }
        Ok(limits)
    }
}

/// `1048576`, `64KiB`, `64MiB`, `2GiB` (also `K`, `M`, `G`, `KB`, `MB`, `GB`, all
/// powers of 1024); zero is refused.
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let n: u64 = digits.parse().ok()?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return None,
    };
    n.checked_mul(1u64 << shift).filter(|n| *n > 0)
}

static LIMITS: OnceLock<Limits> = OnceLock::new();

/// The process-wide limits: set once by the binary ([`set_limits`]), else the
/// defaults with the environment's valid overrides.
pub fn limits() -> Limits {
    *LIMITS.get_or_init(|| Limits::from_vars(|n| std::env::var(n).ok()).unwrap_or_default())
}

/// Sets the process-wide limits; `false` if they were already read or set.
pub fn set_limits(limits: Limits) -> bool {
    LIMITS.set(limits).is_ok()
}

/// What a non-regular file is, for the error message.
fn kind_name(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        return "a directory";
    }
    "not a regular file"
}

/// The error for an input that is not a regular file.
fn not_regular(t: std::fs::FileType) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, format!("{}, not a regular file; not read", kind_name(t)))
}

/// The error for an input over `max` bytes.
pub fn too_large(max: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("larger than the {max}-byte limit; not read (raise it with DOCKWARD_MAX_FILE_SIZE)"),
    )
}

/// Opens `path` for reading without ever blocking, and only if the opened handle is
/// a regular file (symlinks followed). Errors are `io::Error`s whose message says
/// what the file is (`a named pipe (FIFO), not a regular file; not read`).
pub fn open_regular(path: &Path) -> io::Result<File> {
    let file = open_nonblocking(path)?;
    let t = file.metadata()?.file_type();
    if !t.is_file() {
        return Err(not_regular(t));
    }
    Ok(file)
}

fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// The whole of the regular file `path`, at most the process-wide
/// [`Limits::max_file_size`] bytes.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    read_bounded(path, limits().max_file_size)
}

/// [`read`] as UTF-8 text.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    String::from_utf8(read(path)?).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.utf8_error()))
}

/// The whole of the regular file `path`, at most `max` bytes.
pub fn read_bounded(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    let len = file.metadata()?.len();
    if len > max {
        return Err(too_large(max));
    }
    // The length can change after the check: the read is bounded all the same.
    read_stream(file, len as usize, max)
}

/// Reads `r` to its end, failing once it holds more than `max` bytes (a stream named
/// on the command line, stdin). `hint` is the expected size.
pub fn read_stream(r: impl Read, hint: usize, max: u64) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(hint.min(max as usize));
    r.take(max.saturating_add(1)).read_to_end(&mut buf)?;
    if buf.len() as u64 > max {
        return Err(too_large(max));
    }
    Ok(buf)
}

/// Whether `path` (symlinks followed) is a named pipe: an explicit command-line
/// operand that is one (`<(docker save app)`) is read as a stream.
pub fn is_pipe(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// Opens a named pipe given explicitly on the command line for a streamed read:
/// the open waits for the writer (that is what a pipe is for), and the handle must
/// still be a pipe once open.
pub fn open_pipe(path: &Path) -> io::Result<File> {
    let file = File::open(path)?;
    let t = file.metadata()?.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Ok(file);
        }
    }
    Err(not_regular(t))
}

/// Checks, without opening it, that an existing `path` is a regular file of at most
/// `max` bytes (symlinks followed); `Ok(false)` when it does not exist (or a parent
/// is a file: `.git/info/exclude` where `.git` is a worktree's file). For files a
/// library opens by itself (the ignore files of the directory walker).
pub fn screen(path: &Path, max: u64) -> io::Result<bool> {
    match std::fs::metadata(path) {
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => Ok(false),
        Err(e) => Err(e),
        Ok(m) if !m.is_file() => Err(not_regular(m.file_type())),
        Ok(m) if m.len() > max => Err(too_large(max)),
        Ok(_) => Ok(true),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn fifo(dir: &Path, name: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        let ok = std::process::Command::new("mkfifo").arg(&p).status().unwrap();
        assert!(ok.success());
        p
    }

    fn scratch(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("dockward-input-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let d = scratch("fifo");
        let p = fifo(&d, ".env");
        let e = read(&p).unwrap_err();
        assert_eq!(e.to_string(), "a named pipe (FIFO), not a regular file; not read");
        assert!(screen(&p, 10).is_err());
        assert!(is_pipe(&p));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn devices_and_symlinks_to_them_are_refused() {
        let d = scratch("dev");
        std::os::unix::fs::symlink("/dev/zero", d.join(".env")).unwrap();
        for p in [Path::new("/dev/zero"), Path::new("/dev/urandom"), &d.join(".env")] {
            let e = read(p).unwrap_err();
            assert_eq!(e.to_string(), "a character device, not a regular file; not read", "{}", p.display());
        }
        assert!(read(&d).unwrap_err().to_string().starts_with("a directory"));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn regular_files_are_read_up_to_the_bound() {
        let d = scratch("bound");
        let p = d.join("Dockerfile");
        std::fs::write(&p, "FROM alpine\n").unwrap();
        assert_eq!(read_bounded(&p, 12).unwrap(), b"FROM alpine\n");
        let e = read_bounded(&p, 11).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
        assert!(e.to_string().starts_with("larger than the 11-byte limit"));
        assert!(screen(&p, 12).unwrap());
        assert!(!screen(&d.join("missing"), 12).unwrap());
        assert!(!screen(&p.join("info/exclude"), 12).unwrap());
        assert!(read_stream(&b"abc"[..], 0, 2).is_err());
        assert_eq!(read_stream(&b"abc"[..], 0, 3).unwrap(), b"abc");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn limits_come_from_the_environment() {
        let vars = |n: &str| match n {
            "DOCKWARD_MAX_FILE_SIZE" => Some("2MiB".to_string()),
            "DOCKWARD_MAX_UNPACK_RATIO" => Some("50".to_string()),
            _ => None,
        };
        let l = Limits::from_vars(vars).unwrap();
        assert_eq!(l.max_file_size, 2 * 1024 * 1024);
        assert_eq!(l.max_unpack_ratio, 50);
        assert_eq!(l.max_unpacked, DEFAULT_MAX_UNPACKED);
        let e = Limits::from_vars(|_| Some("lots".into())).unwrap_err();
        assert!(e.starts_with("DOCKWARD_MAX_FILE_SIZE=\"lots\""), "{e}");
        assert_eq!(parse_size("64KiB"), Some(65536));
        assert_eq!(parse_size("3 G"), Some(3 << 30));
        assert_eq!(parse_size("0"), None);
        assert_eq!(parse_size("12XB"), None);
    }
}
