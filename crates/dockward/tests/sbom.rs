//! `dockward sbom` end to end on real package metadata with known answers: the two
//! Debian 12 images of `../shared/corpus/vuln/images/` (a debootstrap minbase, and a
//! second layer of old Python wheels plus a Go binary), assembled here into `docker save`
//! archives from the stored files so the answers never drift; the same rootfs imported
//! into the real daemon for the engine path (read-only, through a recording proxy);
//! stdin; and a directory.

#[path = "support/corpus_images.rs"]
mod corpus_images;
#[path = "../../dockward_engine/tests/support/mod.rs"]
mod fixture;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use dockward_engine::recording_proxy::RecordingProxy;
use fixture::Fixture;
use serde_json::{json, Value};

use corpus_images::{archives, minbase_rootfs, IMAGES};

fn dockward(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockward"))
        .args(args)
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .output()
        .expect("run dockward")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

fn expected(image: &str) -> Value {
    let path = format!("{IMAGES}/{image}/expected-inventory.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// (type, name, version, layer, location, purl) of the expected inventory, in our
/// ecosystem names.
fn expected_rows(image: &str) -> Vec<(String, String, String, u64, String, String)> {
    let mut rows: Vec<_> = expected(image)["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let kind = match p["type"].as_str().unwrap() {
                "deb" => "deb",
                "python" => "pypi",
                "go-module" => "golang",
                other => panic!("unexpected type {other}"),
            };
            (
                kind.to_string(),
                p["name"].as_str().unwrap().to_string(),
                p["version"].as_str().unwrap().to_string(),
                p["layer"].as_u64().unwrap(),
                p["location"].as_str().unwrap().to_string(),
                p["purl_syft_1.18.1"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn actual_rows(inv: &Value) -> Vec<(String, String, String, u64, String, String)> {
    let mut rows: Vec<_> = inv["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["ecosystem"].as_str().unwrap().to_string(),
                p["name"].as_str().unwrap().to_string(),
                p["version"].as_str().unwrap().to_string(),
                p["layer"].as_u64().unwrap_or(u64::MAX),
                p["location"].as_str().unwrap().to_string(),
                p["purl"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn sbom_json(args: &[&str]) -> Value {
    let mut all = vec!["sbom", "--format", "json"];
    all.extend_from_slice(args);
    let out = dockward(&all);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)))
}

#[test]
fn debian_minbase_archive_matches_the_expected_inventory() {
    let a = archives();
    let doc = sbom_json(&[a.minbase.to_str().unwrap()]);
    let inv = &doc["images"][0];
    assert_eq!(inv["name"], "corpus/bookworm-minbase:1");
    assert_eq!(inv["distro"]["id"], "debian");
    assert_eq!(inv["distro"]["version_id"], "12");
    assert_eq!(inv["distro"]["codename"], "bookworm");
    assert_eq!(inv["distro"]["release"], "12.15");
    assert_eq!(actual_rows(inv), expected_rows("debian12-minbase"));
    // Source packages (advisories are per source) and arch, as dpkg lists them.
    let exp = expected("debian12-minbase");
    for e in exp["packages"].as_array().unwrap() {
        let p = inv["packages"].as_array().unwrap().iter().find(|p| p["name"] == e["name"]).unwrap();
        assert_eq!(p["source_name"], e["source"], "{}", e["name"]);
        assert_eq!(p["source_version"], e["source_version"], "{}", e["name"]);
        assert_eq!(p["arch"], e["architecture"], "{}", e["name"]);
    }
    // The files each package owns, from its .list.
    let bsdutils = inv["packages"].as_array().unwrap().iter().find(|p| p["name"] == "bsdutils").unwrap();
    assert!(bsdutils["files"].as_array().unwrap().iter().any(|f| f == "usr/bin/logger"), "{bsdutils}");
    let layers = inv["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 1);
    assert!(layers[0]["diff_id"].as_str().unwrap().starts_with("sha256:"));
}

#[test]
fn debian_python_archive_adds_wheels_and_the_go_binary_in_layer_1() {
    let a = archives();
    let doc = sbom_json(&[a.python.to_str().unwrap()]);
    let inv = &doc["images"][0];
    assert_eq!(actual_rows(inv), expected_rows("debian12-python"));
    let jinja = inv["packages"].as_array().unwrap().iter().find(|p| p["name"] == "Jinja2").unwrap();
    assert_eq!(jinja["licenses"], json!(["BSD"]));
    let stdlib = inv["packages"].as_array().unwrap().iter().find(|p| p["name"] == "stdlib").unwrap();
    assert_eq!(stdlib["purl"], "pkg:golang/stdlib@1.19.8");
}

#[test]
fn every_format_is_deterministic_and_stdin_reads_the_same_archive() {
    let a = archives();
    let path = a.python.to_str().unwrap();
    for format in ["cyclonedx", "spdx", "json", "text"] {
        let one = dockward(&["sbom", "--format", format, path]);
        let two = dockward(&["sbom", "--format", format, path]);
        assert_eq!(one.status.code(), Some(0), "{format}: {}", text(&one));
        assert_eq!(one.stdout, two.stdout, "{format} differs between two runs");
        let mut child = Command::new(env!("CARGO_BIN_EXE_dockward"))
            .args(["sbom", "--format", format, "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let bytes = std::fs::read(&a.python).unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        });
        let piped = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert_eq!(piped.status.code(), Some(0), "{format} from stdin: {}", text(&piped));
        assert_eq!(piped.stdout, one.stdout, "{format}: stdin and file differ");
    }
    let text_out = String::from_utf8(dockward(&["sbom", path]).stdout).unwrap();
    assert!(text_out.starts_with("corpus/bookworm-py:1: Debian GNU/Linux 12 (bookworm), 93 packages\n"), "{text_out}");
}

#[test]
fn output_file_and_errors() {
    let a = archives();
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("bom.json");
    let out =
        dockward(&["sbom", "--format", "cyclonedx", "-o", out_path.to_str().unwrap(), a.minbase.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(out.stdout.is_empty());
    let bom: Value = serde_json::from_slice(&std::fs::read(&out_path).unwrap()).unwrap();
    assert_eq!(bom["components"].as_array().unwrap().len(), 89, "the OS and 88 debs");
    // A missing file, a file that is not an archive: exit 2 with the path; the good one is still listed.
    let junk = dir.path().join("junk.tar");
    std::fs::write(&junk, b"not an archive at all").unwrap();
    let out =
        dockward(&["sbom", "--format", "json", "./no-such.tar", junk.to_str().unwrap(), a.minbase.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("./no-such.tar"), "{stderr}");
    assert!(stderr.contains("junk.tar"), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["images"].as_array().unwrap().len(), 1);
}

#[test]
fn a_directory_is_a_root_filesystem() {
    let a = archives();
    let doc = sbom_json(&[a.minbase_root.to_str().unwrap()]);
    let inv = &doc["images"][0];
    let rows = actual_rows(inv);
    assert_eq!(rows.len(), 88);
    assert_eq!(inv["distro"]["version_id"], "12");
    assert!(rows.iter().all(|r| r.3 == u64::MAX), "a directory has no layers");
}

#[test]
fn real_daemon_image_by_name_and_images_in_use() {
    let mut fx = Fixture::new();
    let root = fx.dir.path().join("minbase");
    minbase_rootfs(&root);
    let image = fx.import_rootfs(&root, "sbom-minbase");
    let sock = fx.dir.path().join("sbom-proxy.sock");
    let proxy = RecordingProxy::start(&sock, Path::new("/var/run/docker.sock")).unwrap();
    let host = format!("unix://{}", sock.display());

    let doc = sbom_json(&["-H", &host, &image]);
    let inv = &doc["images"][0];
    assert_eq!(inv["name"], image.as_str());
    let rows = actual_rows(inv);
    let mut want: Vec<_> = expected_rows("debian12-minbase").into_iter().map(|r| (r.0, r.1, r.2, r.3)).collect();
    want.sort();
    let mut got: Vec<_> = rows.into_iter().map(|r| (r.0, r.1, r.2, r.3)).collect();
    got.sort();
    assert_eq!(got, want);

    // --in-use: the image of a (created, never started) container of ours.
    fx.create("sbom-user", &[&image, "/bin/true"]);
    let doc = sbom_json(&["-H", &host, "--in-use"]);
    let names: Vec<&str> = doc["images"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert!(names.contains(&image.as_str()), "{names:?}");

    // An unknown image: exit 2, said in one line, never a pull.
    let out = dockward(&["sbom", "-H", &host, &format!("dockward-test-{}:missing", fx.run_id)]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such image"), "{}", text(&out));

    let requests = proxy.requests();
    let writes: Vec<_> = requests.iter().filter(|r| r.method != "GET" && r.method != "HEAD").collect();
    assert!(writes.is_empty(), "non-read requests: {writes:?}");
}
