//! Fixtures on the real Docker daemon: a tiny image imported from a busybox rootfs,
//! images built from it, containers and networks, all labelled
//! `dockward.test=<run id>` and removed by `Drop`, also when a test fails. Only what a
//! fixture created is ever removed. Shared by the engine and CLI tests.
//!
//! Every name is registered before the command that creates it runs, so a command
//! that fails halfway (a `docker run` whose container was created but could not start)
//! leaves nothing behind; `Drop` also sweeps whatever carries this run's label. An
//! engine that cannot run what the tests need (no daemon, no busybox, containers that
//! cannot start on the default network) stops the test with one sentence saying so.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};

pub const BUSYBOX: &str = "/bin/busybox";

pub struct Fixture {
    pub run_id: String,
    pub dir: tempfile::TempDir,
    containers: Vec<String>,
    images: Vec<String>,
    networks: Vec<String>,
}

/// Runs `docker args...`; panics with its stderr on failure.
pub fn docker(args: &[&str]) -> String {
    docker_stdin(args, None)
}

fn docker_stdin(args: &[&str], stdin: Option<&Path>) -> String {
    let mut cmd = Command::new("docker");
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    if let Some(path) = stdin {
        cmd.stdin(std::fs::File::open(path).expect("open stdin file"));
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run docker: {e}"));
    assert!(out.status.success(), "docker {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// What docker says when the engine itself cannot start a container here (its
/// networking or runtime is unusable in this environment), as opposed to a failure of
/// the test's own container.
const ENVIRONMENT_FAILURES: &[&str] = &[
    "failed to create endpoint",
    "failed to set up container networking",
    "failed to program",
    "iptables",
    "could not find an available, non-overlapping",
    "cgroup",
    "operation not permitted",
    "network bridge not found",
];

/// The panic message for a `docker start` that failed with `stderr`: one sentence
/// naming the environment when the engine cannot start containers at all, else docker's
/// own error for this container.
pub fn start_failure_message(container: &str, stderr: &str) -> String {
    let first = stderr.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("no message");
    let lower = stderr.to_ascii_lowercase();
    if ENVIRONMENT_FAILURES.iter().any(|k| lower.contains(k)) {
        format!(
            "this environment's Docker engine cannot start a container on its default network, which this live test \
             needs (docker said: {first}); the fixture removes what it created"
        )
    } else {
        format!("docker start {container} failed: {first}")
    }
}

impl Fixture {
    /// A new fixture. Panics with a clear message when the daemon or busybox is missing
    /// (these tests exist to run against the real daemon).
    pub fn new() -> Self {
        assert!(
            Path::new("/var/run/docker.sock").exists(),
            "these tests need the Docker daemon at /var/run/docker.sock"
        );
        let info = Command::new("docker").args(["info", "--format", "{{.ServerVersion}}"]).output();
        match info {
            Ok(out) if out.status.success() => {}
            Ok(out) => panic!(
                "these tests need a Docker daemon that answers `docker info`: {}",
                String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or("").trim()
            ),
            Err(e) => panic!("these tests need the docker CLI: {e}"),
        }
        assert!(
            Path::new(BUSYBOX).exists(),
            "these tests need {BUSYBOX}: apt-get install -y busybox-static (see .ci/run)"
        );
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        Self {
            run_id: format!("{}-{nanos:x}", std::process::id()),
            dir: tempfile::tempdir().unwrap(),
            containers: Vec::new(),
            images: Vec::new(),
            networks: Vec::new(),
        }
    }

    pub fn label(&self) -> String {
        format!("dockward.test={}", self.run_id)
    }

    /// `dw-<run id>-<suffix>`.
    pub fn name(&self, suffix: &str) -> String {
        format!("dw-{}-{suffix}", self.run_id)
    }

    /// Imports a rootfs of busybox and a few applets as `dockward-test-<run id>:base`.
    pub fn base_image(&mut self) -> String {
        let root = self.dir.path().join("rootfs");
        std::fs::create_dir_all(root.join("bin")).unwrap();
        std::fs::create_dir_all(root.join("etc")).unwrap();
        std::fs::copy(BUSYBOX, root.join("bin/busybox")).unwrap();
        for applet in ["sh", "sleep", "true", "id", "echo"] {
            std::os::unix::fs::symlink("busybox", root.join("bin").join(applet)).unwrap();
        }
        let tar = self.dir.path().join("rootfs.tar");
        let status = Command::new("tar").arg("-C").arg(&root).arg("-cf").arg(&tar).arg(".").status().unwrap();
        assert!(status.success(), "tar failed");
        let tag = format!("dockward-test-{}:base", self.run_id);
        let label = format!("LABEL {}", self.label());
        self.images.push(tag.clone());
        docker_stdin(&["import", "--change", &label, "-", &tag], Some(&tar));
        tag
    }

    /// Imports the directory `root` (tarred as it is, modes and owners kept) as
    /// `dockward-test-<run id>:<tag>`, labelled; removed with the fixture.
    pub fn import_rootfs(&mut self, root: &Path, tag: &str) -> String {
        let tar = self.dir.path().join(format!("{tag}.tar"));
        let status = Command::new("tar").arg("-C").arg(root).arg("-cf").arg(&tar).arg(".").status().unwrap();
        assert!(status.success(), "tar failed");
        let full = format!("dockward-test-{}:{tag}", self.run_id);
        let label = format!("LABEL {}", self.label());
        self.images.push(full.clone());
        docker_stdin(&["import", "--change", &label, "-", &full], Some(&tar));
        full
    }

    /// Builds `dockerfile` (which may use `{base}`) as `dockward-test-<run id>:<tag>`
    /// with the legacy builder (works offline, records build args in the history).
    pub fn build_image(&mut self, tag: &str, dockerfile: &str, build_args: &[&str]) -> String {
        let ctx = self.dir.path().join(format!("ctx-{tag}"));
        std::fs::create_dir_all(&ctx).unwrap();
        std::fs::write(ctx.join("Dockerfile"), dockerfile).unwrap();
        let full = format!("dockward-test-{}:{tag}", self.run_id);
        let label = self.label();
        // `--force-rm`: a failed build leaves no intermediate container.
        let mut args = vec!["build", "-q", "--force-rm", "--label", &label, "-t", &full];
        for a in build_args {
            args.push("--build-arg");
            args.push(a);
        }
        let ctx_str = ctx.display().to_string();
        args.push(&ctx_str);
        self.images.push(full.clone());
        let out = Command::new("docker").args(&args).env("DOCKER_BUILDKIT", "0").output().unwrap();
        assert!(out.status.success(), "docker build failed: {}", String::from_utf8_lossy(&out.stderr));
        full
    }

    /// `docker create --name dw-<run>-<suffix> --label dockward.test=<run> <args...>`.
    pub fn create(&mut self, suffix: &str, args: &[&str]) -> String {
        let name = self.name(suffix);
        let label = self.label();
        let mut all = vec!["create", "--name", &name, "--label", &label];
        all.extend_from_slice(args);
        self.containers.push(name.clone());
        docker(&all);
        name
    }

    /// `docker start` of a container this fixture created; see [`start_failure_message`].
    pub fn start(&self, container: &str) {
        assert!(self.containers.iter().any(|c| c == container), "{container} is not this fixture's");
        let out = Command::new("docker").args(["start", container]).output().expect("run docker");
        if !out.status.success() {
            panic!("{}", start_failure_message(container, &String::from_utf8_lossy(&out.stderr)));
        }
    }

    pub fn network(&mut self, suffix: &str, args: &[&str]) -> String {
        let name = self.name(suffix);
        let label = self.label();
        let mut all = vec!["network", "create", "--label", &label];
        all.extend_from_slice(args);
        all.push(&name);
        self.networks.push(name.clone());
        docker(&all);
        name
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let quiet = |args: &[&str]| {
            let _ = Command::new("docker").args(args).stdout(Stdio::null()).stderr(Stdio::null()).status();
        };
        // What carries this run's label, whatever created it (a test's own `docker run
        // --label ...`), then the names registered (an image import that failed before
        // labelling).
        let filter = format!("label={}", self.label());
        let labelled = |args: &[&str]| -> Vec<String> {
            Command::new("docker")
                .args(args)
                .args(["--filter", &filter])
                .stderr(Stdio::null())
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).lines().map(str::to_string).collect())
                .unwrap_or_default()
        };
        let mut containers = self.containers.clone();
        containers.extend(labelled(&["ps", "-aq"]));
        for c in &containers {
            quiet(&["rm", "-f", "-v", c]);
        }
        let mut networks = self.networks.clone();
        networks.extend(labelled(&["network", "ls", "-q"]));
        for n in &networks {
            quiet(&["network", "rm", n]);
        }
        for i in self.images.iter().rev() {
            quiet(&["rmi", i]);
        }
        for i in labelled(&["images", "-q"]) {
            quiet(&["rmi", &i]);
        }
    }
}
