//! Issue 19 #3: image archives whose names or decompressed bytes are out of all
//! proportion to their size.

use std::io::Write;
use std::path::Path;

use super::{run, write, CHECKED_DOCKERFILE};

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

fn append(b: &mut tar::Builder<Vec<u8>>, name: &str, data: &[u8]) {
    let mut h = tar::Header::new_gnu();
    h.set_mode(0o644);
    h.set_size(data.len() as u64);
    b.append_data(&mut h, name, data).unwrap();
}

/// A `docker save` archive (docker-archive layout) of one image with one gzip layer,
/// itself gzip-compressed, written to `path`.
fn save_archive(path: &Path, layer: &[u8]) {
    let mut outer = tar::Builder::new(Vec::new());
    let config = format!("{:064x}.json", 7);
    append(
        &mut outer,
        "manifest.json",
        format!(r#"[{{"Config":"{config}","RepoTags":["hostile:1"],"Layers":["layer.tar.gz"]}}]"#).as_bytes(),
    );
    append(&mut outer, &config, br#"{"config":{}}"#);
    append(&mut outer, "layer.tar.gz", &gzip(layer));
    std::fs::write(path, gzip(&outer.into_inner().unwrap())).unwrap();
}

#[test]
fn long_entry_names_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    // 400 entries named by 40 KB each (each under the 64 KiB per-name bound): 16 MB of
    // names in a few hundred KB.
    let mut layer = tar::Builder::new(Vec::new());
    for i in 0..400 {
        append(&mut layer, &format!("{i:03}{}", "n".repeat(40_000)), b"");
    }
    save_archive(&dir.path().join("image.tar"), &layer.into_inner().unwrap());
    write(dir.path(), "Dockerfile", CHECKED_DOCKERFILE);
    let limit = [("DOCKWARD_MAX_NAME_BYTES", "8MiB")];
    let r = run(dir.path(), &["check", "image.tar", "Dockerfile"], &limit, None);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("image.tar: error DW002"), "{}", r.all());
    assert!(r.stdout.contains("more than 8388608 bytes (DOCKWARD_MAX_NAME_BYTES)"), "{}", r.all());
    assert!(r.checked("Dockerfile"), "{}", r.all());
    // The SBOM driver reads archives the same way.
    let r = run(dir.path(), &["sbom", "image.tar"], &limit, None);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stderr.contains("DOCKWARD_MAX_NAME_BYTES"), "{}", r.all());
}

#[test]
fn one_megabyte_names_are_refused_at_the_first() {
    let dir = tempfile::tempdir().unwrap();
    // The issue's shape: entries named by 1 MB each. No file system holds such a path.
    let mut layer = tar::Builder::new(Vec::new());
    for i in 0..40 {
        append(&mut layer, &format!("{i:02}{}", "n".repeat(1_000_000)), b"");
    }
    save_archive(&dir.path().join("image.tar"), &layer.into_inner().unwrap());
    write(dir.path(), "Dockerfile", CHECKED_DOCKERFILE);
    let r = run(dir.path(), &["check", "image.tar", "Dockerfile"], &[], None);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("image.tar: error DW002") && r.stdout.contains("a name of 1000002 bytes"), "{}", r.all());
    assert!(r.checked("Dockerfile"), "{}", r.all());
}

#[test]
fn decompressed_bytes_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    // 96 MiB of zeros in a gzip layer of a gzip archive: about 100 KB on disk.
    let mut layer = tar::Builder::new(Vec::new());
    append(&mut layer, "zeros", &vec![0u8; 96 << 20]);
    save_archive(&dir.path().join("bomb.tar"), &layer.into_inner().unwrap());
    assert!(std::fs::metadata(dir.path().join("bomb.tar")).unwrap().len() < 200_000);
    write(dir.path(), "Dockerfile", CHECKED_DOCKERFILE);
    let limit = [("DOCKWARD_MAX_UNPACKED", "32MiB")];
    let r = run(dir.path(), &["check", "bomb.tar", "Dockerfile"], &limit, None);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("bomb.tar: error DW002"), "{}", r.all());
    assert!(r.stdout.contains("unpacks to more than 33554432 bytes (DOCKWARD_MAX_UNPACKED)"), "{}", r.all());
    assert!(r.checked("Dockerfile"), "{}", r.all());
    let r = run(dir.path(), &["sbom", "bomb.tar"], &limit, None);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stderr.contains("DOCKWARD_MAX_UNPACKED"), "{}", r.all());
    // Under the default bound the same archive is read.
    let r = run(dir.path(), &["check", "bomb.tar"], &[], None);
    assert!(!r.stdout.contains("DW002"), "{}", r.all());
}
