//! Hostile input (issue 19): a repository, a Compose project or an image archive
//! built to hang dockward, exhaust its memory or abort it. Each test runs the binary
//! as a child process with a wait timeout (a hang fails the test instead of hanging
//! CI) and under an address-space limit (`prlimit --as`, when the tool is there), and
//! asserts the clear, located error and that the other files of the run are checked.

mod archives;
mod ignore_files;
mod memory;
mod special_files;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a run may take before it counts as a hang: generous, for slow CI.
const HANG: Duration = Duration::from_secs(60);
/// Address space the child may map (8 GiB): ample for dockward, far below what the
/// unbounded reads of issue 19 reached (24 GB for `/dev/zero`, 5.7 GB for long names).
const MAX_ADDRESS_SPACE: u64 = 8 << 30;

/// What a run printed, and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Both streams, for assertions on messages wherever they are printed.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Whether the text report has findings of the file `name` (so it was checked).
    pub fn checked(&self, name: &str) -> bool {
        self.stdout.lines().any(|l| l.starts_with(&format!("{name}:1:")))
    }
}

/// Runs `dockward args` in `dir` with extra environment variables and stdin from
/// `stdin` (a path) or nothing.
pub fn run(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&Path>) -> Run {
    run_within(MAX_ADDRESS_SPACE, dir, args, env, stdin)
}

/// Whether `prlimit` is there to bound a run's address space.
pub fn has_prlimit() -> bool {
    Command::new("prlimit").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// [`run`] with an address-space limit of `max_address_space` bytes.
pub fn run_within(
    max_address_space: u64,
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&Path>,
) -> Run {
    let bin = env!("CARGO_BIN_EXE_dockward");
    let mut cmd = if has_prlimit() {
        let mut c = Command::new("prlimit");
        c.arg(format!("--as={max_address_space}")).arg("--").arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match stdin {
        Some(p) => cmd.stdin(std::fs::File::open(p).unwrap()),
        None => cmd.stdin(Stdio::null()),
    };
    let mut child = cmd.spawn().expect("run dockward");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let stdout = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let stderr = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("dockward {args:?} in {} did not finish within {HANG:?}", dir.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let run = Run { code: status.code().unwrap_or(-1), stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() };
    // A signal (an abort on a failed allocation) has no code: a failure whatever was asserted.
    assert!(status.code().is_some(), "dockward {args:?} was killed: {status}\n{}", run.all());
    assert!(!run.stderr.contains("memory allocation"), "{}", run.all());
    run
}

/// Makes a named pipe at `path`.
pub fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(ok.success());
}

/// Writes `text` to `dir/rel`, creating the directories.
pub fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A Dockerfile with a finding (DF: a `latest` base), to show a file was checked.
pub const CHECKED_DOCKERFILE: &str = "FROM alpine:latest\nUSER app\n";
