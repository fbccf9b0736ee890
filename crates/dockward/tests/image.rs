//! dockward's own container image (the repository's `Dockerfile`), built and run
//! against the test daemon with the flags `docs/install.md` documents.
//!
//! Ignored by `cargo test`: the image holds the static release binary of `cargo xtask
//! dist` (a `FROM scratch` image cannot run the dynamically linked test binary), and
//! that build takes about ten minutes on a clean clone, more than CI should spend on
//! it. `bench/startup.sh` runs `cargo xtask dist` and then this test (`cargo test -p
//! dockward --test image -- --ignored`). Nothing is pulled (the image is `FROM scratch`, built by
//! the legacy builder from a context holding the Dockerfile and the binary); every
//! object carries `dockward.test=<run id>` and is removed by the fixture's drop guard,
//! also when an assertion fails.

#[path = "../../dockward_engine/tests/support/mod.rs"]
mod fixture;
#[path = "support/report.rs"]
mod report;

use std::path::{Path, PathBuf};
use std::process::Command;

use fixture::{docker, Fixture};
use report::{audit, findings, stderr, stdout};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `target/dist/dockward`, next to the test binary's own `target/debug`.
fn dist_binary() -> PathBuf {
    let target = Path::new(env!("CARGO_BIN_EXE_dockward")).parent().unwrap().parent().unwrap();
    let bin = target.join("dist/dockward");
    assert!(bin.is_file(), "{} is missing: run `cargo xtask dist` first", bin.display());
    bin
}

/// The documented `docker run` flags (docs/install.md), as arguments.
fn hardened_run_flags() -> Vec<String> {
    let flags = ["--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"];
    let limits = ["--memory", "256m", "--pids-limit", "64", "--cpus", "1", "--network", "none"];
    flags.iter().chain(&limits).map(|s| s.to_string()).collect()
}

/// What `dockward audit` adds (docs/install.md): the socket read-only, its group, and
/// the acknowledgement of CT012, which flags a socket mount read-only or not (a socket
/// is a door, not a file) and which this container needs by design.
fn socket_flags(socket_gid: &str) -> Vec<String> {
    [
        "--group-add",
        socket_gid,
        "-v",
        "/var/run/docker.sock:/var/run/docker.sock:ro",
        "--label",
        "dockward.ignore=CT012: dockward audits this engine through its socket and only reads",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[test]
#[ignore = "needs `cargo xtask dist` (static release build); run by bench/startup.sh"]
fn the_image_is_clean_runs_hardened_and_its_container_audits_clean() {
    // The Dockerfile passes dockward's own check, every rule included.
    let out = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .current_dir(repo())
        .args(["check", "--isolated", "--select", "ALL", "Dockerfile"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));

    let fx = Fixture::new();
    // The build context: the Dockerfile and the binary where it expects it (the
    // repository's .dockerignore does the same for `docker build .`).
    let ctx = fx.dir.path().join("image-ctx");
    std::fs::create_dir_all(ctx.join("target/dist")).unwrap();
    std::fs::copy(repo().join("Dockerfile"), ctx.join("Dockerfile")).unwrap();
    std::fs::copy(dist_binary(), ctx.join("target/dist/dockward")).unwrap();
    let tag = format!("dockward-test-{}:self", fx.run_id);
    let label = fx.label();
    let built = Command::new("docker")
        .args(["build", "-q", "--force-rm", "--label", &label, "-t", &tag])
        .arg(&ctx)
        .env("DOCKER_BUILDKIT", "0")
        .output()
        .unwrap();
    assert!(built.status.success(), "docker build: {}", String::from_utf8_lossy(&built.stderr));

    // Non-root (numeric), OCI labels, and nothing but the binary: no shell to start.
    assert_eq!(docker(&["image", "inspect", "--format", "{{.Config.User}}", &tag]).trim(), "65532:65532");
    let labels = docker(&["image", "inspect", "--format", "{{json .Config.Labels}}", &tag]);
    for key in ["title", "description", "version", "licenses", "source"] {
        assert!(labels.contains(&format!("\"org.opencontainers.image.{key}\"")), "{key}: {labels}");
    }
    let shell = Command::new("docker")
        .args(["run", "--rm", "--label", &label, "--network", "none", "--entrypoint", "/bin/sh", &tag, "-c", "true"])
        .output()
        .unwrap();
    assert!(!shell.status.success(), "the image has a shell");

    // Hardened, it checks files mounted read-only...
    let socket_gid = std::fs::metadata("/var/run/docker.sock").map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.gid().to_string()
    });
    let socket_gid = socket_gid.unwrap();
    let flags = hardened_run_flags();
    let examples = repo().join("examples").canonicalize().unwrap();
    let mut check = vec!["run".to_string(), "--rm".into(), "--label".into(), label.clone()];
    check.extend(flags.iter().cloned());
    check.extend(["-v".into(), format!("{}:/src:ro", examples.display()), tag.clone(), "check".into(), ".".into()]);
    let out = Command::new("docker").args(&check).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "findings in examples/insecure: {}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("insecure/Dockerfile"), "{}", stdout(&out));

    // ...and audits the engine through the read-only socket, from a container that is
    // then audited itself.
    let name = fx.name("self");
    let mut run = vec!["run".to_string(), "--name".into(), name.clone(), "--label".into(), label.clone()];
    run.extend(flags.iter().cloned());
    run.extend(socket_flags(&socket_gid));
    run.extend([tag.clone(), "audit".into(), "--label".into(), label.clone(), "--format".into(), "json".into()]);
    let inner = Command::new("docker").args(&run).output().unwrap();
    assert!(matches!(inner.status.code(), Some(0 | 1)), "audit from the image: {}", stderr(&inner));
    let report: serde_json::Value =
        serde_json::from_slice(&inner.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&inner), stderr(&inner)));
    assert!(report["findings"].is_array(), "{report}");

    let out = audit(&["--label", &label, "--format", "json", "--select", "ALL", "--no-host-files"]);
    let about_it: Vec<(String, String)> =
        findings(&out).into_iter().filter(|(_, at)| at.starts_with(&format!("container/{name}/"))).collect();
    assert!(about_it.is_empty(), "the hardened container has findings: {about_it:#?}");
    let about_image: Vec<(String, String)> =
        findings(&out).into_iter().filter(|(_, at)| at.starts_with(&format!("image/{tag}/"))).collect();
    assert!(about_image.is_empty(), "the image has findings: {about_image:#?}");
}
