//! Inputs that can be read only once: stdin (`-`) and pipes named on the command line.
//! An image archive among them (`docker save app | dockward check -`) is recognised by
//! its first bytes and streamed to the image checker.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn dockward(dir: &Path, args: &[&str], stdin: Option<Vec<u8>>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .current_dir(dir)
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dockward");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        // Written from a thread: dockward may answer before it has read everything.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    child.wait_with_output().unwrap()
}

/// (code, path, message) of each finding of a JSON report.
fn findings(out: &Output) -> Vec<(String, String, String)> {
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad json ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("code"), s("path"), s("message"))
        })
        .collect()
}

fn tar_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, data) in members {
        let mut h = tar::Header::new_ustar();
        h.set_mode(0o644);
        h.set_size(data.len() as u64);
        b.append_data(&mut h, path, *data).unwrap();
    }
    b.into_inner().unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

/// A `docker save` archive (docker-archive layout, `manifest.json` last) of `app:1`,
/// whose one layer holds an `/etc/shadow` with an empty root password (IM009) and
/// `padding` bytes of filler, so it is larger than any sniff.
fn saved_image(padding: usize) -> Vec<u8> {
    let filler = vec![b'x'; padding];
    let layer = tar_of(&[
        ("etc/shadow", b"root::19000:0:99999:7:::\n"),
        ("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n"),
        ("srv/filler.bin", &filler),
    ]);
    let (l0, config) = (format!("{:064x}", 1), format!("{:064x}.json", 9));
    let manifest = serde_json::to_vec(&serde_json::json!([
        { "Config": config, "RepoTags": ["app:1"], "Layers": [format!("{l0}/layer.tar")] }
    ]))
    .unwrap();
    tar_of(&[(&format!("{l0}/layer.tar"), &layer), (&config, br#"{"config":{}}"#), ("manifest.json", &manifest)])
}

#[test]
fn an_image_archive_on_stdin_is_checked_like_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let archive = saved_image(3 << 20);
    std::fs::write(dir.path().join("app.tar"), &archive).unwrap();
    let from_file = dockward(dir.path(), &["check", "--isolated", "--format", "json", "app.tar"], None);
    assert_eq!(from_file.status.code(), Some(1), "{}", String::from_utf8_lossy(&from_file.stderr));
    let want = findings(&from_file);
    assert!(want.iter().any(|(code, ..)| code == "IM009"), "{want:?}");

    for (label, bytes) in [("plain", archive.clone()), ("gzip", gzip(&archive))] {
        let out = dockward(dir.path(), &["check", "--isolated", "--format", "json", "-"], Some(bytes.clone()));
        assert_eq!(out.status.code(), Some(1), "{label}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(findings(&out), want, "{label}");
        // Whatever --stdin-filename says, the bytes are an image archive.
        let out = dockward(
            dir.path(),
            &["check", "--isolated", "--format", "json", "--stdin-filename", "Dockerfile", "-"],
            Some(bytes),
        );
        assert_eq!(findings(&out), want, "{label} named Dockerfile");
    }
}

#[test]
fn other_streams_keep_their_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], stdin: &[u8]| {
        let mut all = vec!["check", "--isolated", "--format", "json"];
        all.extend_from_slice(args);
        findings(&dockward(dir.path(), &all, Some(stdin.to_vec())))
    };
    // A Dockerfile.
    let got = run(&["--select", "DF003", "-"], b"FROM alpine\n");
    assert_eq!(got.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["DF003"]);
    // A shell script, by its shebang.
    let got = run(&["--select", "CT001", "-"], b"#!/usr/bin/env bash\ndocker run --privileged app:1\n");
    assert_eq!(got.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["CT001"]);
    // A Compose file, by --stdin-filename, even with a shebang-like first line.
    let got = run(
        &["--select", "CT001", "--stdin-filename", "compose.yaml", "-"],
        b"services:\n  a:\n    image: x:1\n    privileged: true\n",
    );
    assert_eq!(got.iter().map(|f| (f.0.as_str(), f.1.as_str())).collect::<Vec<_>>(), [("CT001", "compose.yaml")]);
    // A tarball that is no image stays an unreadable (binary) Dockerfile.
    let got = run(&["-"], &tar_of(&[("notes.txt", b"hello")]));
    assert_eq!(got.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["DW002"]);
}

#[test]
fn an_image_archive_through_a_named_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("saved");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let archive = gzip(&saved_image(1 << 20));
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, archive))
    };
    let out = dockward(dir.path(), &["check", "--isolated", "--format", "json", "saved"], None);
    writer.join().unwrap().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let got = findings(&out);
    assert!(got.iter().any(|(code, path, _)| code == "IM009" && path.starts_with("image/app:1")), "{got:?}");
    // --fix cannot write to a pipe.
    assert!(Command::new("mkfifo").arg(dir.path().join("p2")).status().unwrap().success());
    let out = dockward(dir.path(), &["check", "--isolated", "--fix", "p2"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--fix cannot write to stdin or a pipe"));
}

#[test]
fn sbom_reads_an_archive_through_a_named_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("saved");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let archive = saved_image(1024);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, archive))
    };
    let out = dockward(dir.path(), &["sbom", "--format", "json", "saved"], None);
    writer.join().unwrap().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("app:1"));
}
