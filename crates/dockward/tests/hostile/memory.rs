//! Memory per input byte (issue 19 #5): a large Dockerfile is checked within an
//! address-space limit that grows with its size, instead of a fixed 8 GiB. The limit
//! is generous (a bound, not a benchmark: `bench/hostile.sh` measures the curve); the
//! test fails if memory per byte regresses to what it was (57x the input, and a 200 MB
//! Dockerfile aborting at 8 GB).

use crate::{has_prlimit, run_within};

/// `FROM` and one-line RUNs (an apt-get finding each) up to `bytes`: the shape of
/// `bench/hostile_gen.py bigdf`.
fn big_dockerfile(bytes: usize) -> String {
    let mut text = String::from("FROM debian:12\n");
    let mut i = 0;
    while text.len() < bytes {
        text.push_str(&format!("RUN apt-get update && apt-get install -y pkg{i} && rm -rf /var/lib/apt/lists/*\n"));
        i += 1;
    }
    text
}

#[test]
fn a_large_dockerfile_is_checked_within_a_bound_on_memory() {
    if !has_prlimit() {
        eprintln!("prlimit not found: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // 4 MB: 50,000 RUNs, each a finding. Large enough that a per-byte cost shows over the
    // process's fixed address space (code, thread stacks, allocator arenas), small enough
    // for a debug build.
    let size = 4 << 20;
    std::fs::write(dir.path().join("Dockerfile"), big_dockerfile(size)).unwrap();
    // 384 MiB of address space: about 96 bytes mapped per input byte. This check needs
    // about 128 MiB of address space in a debug build and 112 MiB in a release build
    // (`prlimit --as`; it needed 192 MiB before the second memory pass, see
    // bench/README.md); address space counts reservations too, so the margin is 3x.
    let run = run_within(
        384 << 20,
        dir.path(),
        &[
            "check",
            "--isolated",
            "--format",
            "json",
            "--fail-on",
            "none",
            "-q",
            "-j",
            "1",
            "-o",
            "out.json",
            "Dockerfile",
        ],
        &[],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.all());
    let out: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.json")).unwrap()).unwrap();
    let findings = out["summary"]["findings"].as_u64().unwrap();
    assert!(findings >= 50_000, "{findings} findings");
}
