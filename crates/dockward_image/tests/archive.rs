//! Archives built here with the tar crate, in both layouts `docker save` writes.

use std::io::{Read, Write};

use dockward_image::{
    read_archive, read_archive_sink, read_archive_with, Compression, FileKind, ImageError, LayerSink, ReadLimits,
    Removal, SkipReason, SkippedContent,
};

/// One entry of a layer.
enum E<'a> {
    Dir(&'a str),
    File(&'a str, u32, &'a [u8]),
    Owned(&'a str, u32, u64, u64, &'a [u8]),
    Symlink(&'a str, &'a str),
    Hardlink(&'a str, &'a str),
}

fn layer_tar(entries: &[E<'_>]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        let mut h = tar::Header::new_gnu();
        match e {
            E::Dir(p) => {
                h.set_entry_type(tar::EntryType::Directory);
                h.set_mode(0o755);
                h.set_size(0);
                b.append_data(&mut h, p, &[][..]).unwrap();
            }
            E::File(p, mode, data) => {
                h.set_mode(*mode);
                h.set_size(data.len() as u64);
                b.append_data(&mut h, p, *data).unwrap();
            }
            E::Owned(p, mode, uid, gid, data) => {
                h.set_mode(*mode);
                h.set_uid(*uid);
                h.set_gid(*gid);
                h.set_size(data.len() as u64);
                b.append_data(&mut h, p, *data).unwrap();
            }
            E::Symlink(p, t) => {
                h.set_entry_type(tar::EntryType::Symlink);
                h.set_mode(0o777);
                h.set_size(0);
                b.append_link(&mut h, p, t).unwrap();
            }
            E::Hardlink(p, t) => {
                h.set_entry_type(tar::EntryType::Link);
                h.set_mode(0o4755);
                h.set_size(0);
                b.append_link(&mut h, p, t).unwrap();
            }
        }
    }
    b.into_inner().unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

fn hex(n: u32) -> String {
    format!("{n:064x}")
}

struct Outer(tar::Builder<Vec<u8>>);

impl Outer {
    fn new() -> Self {
        Outer(tar::Builder::new(Vec::new()))
    }
    fn file(mut self, path: &str, data: &[u8]) -> Self {
        let mut h = tar::Header::new_ustar();
        h.set_mode(0o644);
        h.set_size(data.len() as u64);
        self.0.append_data(&mut h, path, data).unwrap();
        self
    }
    fn symlink(mut self, path: &str, target: &str) -> Self {
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_size(0);
        self.0.append_link(&mut h, path, target).unwrap();
        self
    }
    fn finish(self) -> Vec<u8> {
        self.0.into_inner().unwrap()
    }
}

fn base_layer() -> Vec<u8> {
    layer_tar(&[
        E::Dir("./"),
        E::Dir("./etc/"),
        E::File("./etc/passwd", 0o644, b"root:x:0:0:root:/root:/bin/sh\n"),
        E::File("./etc/shadow", 0o640, b"root::19000:0:99999:7:::\n"),
        E::Dir("./usr/bin/"),
        E::File("./usr/bin/su", 0o4755, b"\x7fELF"),
        E::Hardlink("./usr/bin/su2", "./usr/bin/su"),
        E::Symlink("./bin/sh", "/bin/busybox"),
        E::Dir("./opt/app/"),
        E::File("./opt/app/old.txt", 0o644, b"old"),
        E::File("./root/.ssh/id_rsa", 0o600, b"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n"),
        E::Dir("./srv/data/"),
        E::File("./srv/data/x", 0o644, b"x"),
    ])
}

fn top_layer() -> Vec<u8> {
    layer_tar(&[
        E::Dir("./root/.ssh/"),
        E::File("./root/.ssh/.wh.id_rsa", 0o644, b""),
        E::Dir("./opt/app/"),
        E::File("./opt/app/.wh..wh..opq", 0o644, b""),
        E::File("./opt/app/new.txt", 0o644, b"new"),
        E::Owned("./etc/passwd", 0o644, 0, 0, b"root:x:0:0:root:/root:/bin/sh\napp:x:0:0::/app:/bin/sh\n"),
        E::File("./srv/data", 0o644, b"now a file"),
    ])
}

fn wants(p: &str) -> bool {
    matches!(p, "etc/passwd" | "etc/shadow" | "root/.ssh/id_rsa")
}

fn manifest(config: &str, tags: &[&str], layers: &[String]) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!([{ "Config": config, "RepoTags": tags, "Layers": layers }])).unwrap()
}

/// The docker-archive layout, `manifest.json` last (after the layers it orders).
fn classic_archive() -> Vec<u8> {
    let (l0, l1) = (hex(1), hex(2));
    // The layer directories are written in the reverse of manifest order.
    Outer::new()
        .file(&format!("{l1}/VERSION"), b"1.0")
        .file(&format!("{l1}/layer.tar"), &top_layer())
        .file(&format!("{l0}/layer.tar"), &base_layer())
        .file(&format!("{}.json", hex(9)), br#"{"config":{}}"#)
        .file(
            "manifest.json",
            &manifest(&format!("{}.json", hex(9)), &["app:1"], &[format!("{l0}/layer.tar"), format!("{l1}/layer.tar")]),
        )
        .file("repositories", b"{}")
        .finish()
}

fn assert_merged(img: &dockward_image::ImageContents) {
    let paths: Vec<&str> = img.files.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            "bin/sh",
            "etc",
            "etc/passwd",
            "etc/shadow",
            "opt/app",
            "opt/app/new.txt",
            "root/.ssh",
            "srv/data",
            "usr/bin",
            "usr/bin/su",
            "usr/bin/su2"
        ]
    );
    let su = img.file("/usr/bin/su").unwrap();
    assert!(su.is_setuid() && !su.is_setgid());
    assert_eq!((su.kind, su.layer, su.mode), (FileKind::File, 0, 0o4755));
    assert_eq!(su.abs_path(), "/usr/bin/su");
    let su2 = img.file("usr/bin/su2").unwrap();
    assert_eq!((su2.kind, su2.link_target.as_deref()), (FileKind::Hardlink, Some("usr/bin/su")));
    let sh = img.file("bin/sh").unwrap();
    assert_eq!((sh.kind, sh.link_target.as_deref()), (FileKind::Symlink, Some("/bin/busybox")));
    let passwd = img.file("etc/passwd").unwrap();
    assert_eq!(passwd.layer, 1);
    assert!(passwd.text().unwrap().contains("app:x:0:0"));
    assert_eq!(img.file("etc/shadow").unwrap().text().unwrap(), "root::19000:0:99999:7:::\n");
    assert_eq!(img.file("usr/bin/su").unwrap().content, None, "only wanted files keep their bytes");
    assert_eq!(img.file("srv/data").unwrap().kind, FileKind::File);

    let hidden: Vec<(&str, usize, Removal)> =
        img.hidden.iter().map(|h| (h.entry.path.as_str(), h.entry.layer, h.removal)).collect();
    assert_eq!(
        hidden,
        [
            ("etc/passwd", 0, Removal::Replaced { by: 1 }),
            ("opt/app/old.txt", 0, Removal::Deleted { by: 1 }),
            ("root/.ssh/id_rsa", 0, Removal::Deleted { by: 1 }),
            ("srv/data/x", 0, Removal::Replaced { by: 1 }),
        ]
    );
    let key = &img.hidden[2].entry;
    assert!(key.text().unwrap().starts_with("-----BEGIN OPENSSH PRIVATE KEY"));
    assert!(!format!("{key:?}").contains("PRIVATE"), "Debug never prints contents");
}

#[test]
fn classic_layout_with_the_manifest_after_the_layers() {
    let images = read_archive(&classic_archive()[..], &wants).unwrap();
    assert_eq!(images.len(), 1);
    let img = &images[0];
    assert_eq!(img.name, "app:1");
    assert_eq!(img.id.as_deref(), Some(format!("sha256:{}", hex(9)).as_str()));
    assert_eq!(img.layers.len(), 2);
    assert_eq!(img.layers[0].archive_path, format!("{}/layer.tar", hex(1)));
    assert_merged(img);
}

#[test]
fn gzip_compressed_archive_is_read_too() {
    let images = read_archive(&gzip(&classic_archive())[..], &wants).unwrap();
    assert_merged(&images[0]);
}

/// The OCI layout without `manifest.json`: `index.json` -> manifest blob -> layers,
/// one gzip-compressed and one plain.
#[test]
fn oci_layout_with_gzip_and_plain_layers() {
    let base = gzip(&base_layer());
    let top = top_layer();
    let config = br#"{"architecture":"amd64"}"#;
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "config": {"digest": format!("sha256:{}", hex(7)), "size": config.len()},
        "layers": [{"digest": format!("sha256:{}", hex(1))}, {"digest": format!("sha256:{}", hex(2))}],
    });
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{"digest": format!("sha256:{}", hex(8)), "annotations": {"io.containerd.image.name": "docker.io/library/app:2", "org.opencontainers.image.ref.name": "2"}}],
    });
    let archive = Outer::new()
        .file(&format!("blobs/sha256/{}", hex(2)), &top)
        .file(&format!("blobs/sha256/{}", hex(1)), &base)
        .file(&format!("blobs/sha256/{}", hex(7)), config)
        .file(&format!("blobs/sha256/{}", hex(8)), &serde_json::to_vec(&manifest).unwrap())
        .file("index.json", &serde_json::to_vec(&index).unwrap())
        .file("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#)
        .finish();
    let images = read_archive(&archive[..], &wants).unwrap();
    assert_eq!(images.len(), 1);
    let img = &images[0];
    assert_eq!(img.name, "docker.io/library/app:2");
    assert_eq!(img.id.as_deref(), Some(format!("sha256:{}", hex(7)).as_str()));
    assert_eq!(img.layers.iter().map(|l| l.compression).collect::<Vec<_>>(), [Compression::Gzip, Compression::None]);
    assert_merged(img);
}

/// Docker 25+: OCI blobs, `manifest.json` naming them, and `<id>/layer.tar` symlinks.
#[test]
fn engine_25_layout_with_layer_symlinks() {
    let archive = Outer::new()
        .file(&format!("blobs/sha256/{}", hex(1)), &base_layer())
        .file(&format!("blobs/sha256/{}", hex(2)), &gzip(&top_layer()))
        .file(&format!("blobs/sha256/{}", hex(9)), br#"{"config":{}}"#)
        .file("index.json", br#"{"schemaVersion":2,"manifests":[]}"#)
        .file(
            "manifest.json",
            &manifest(
                &format!("blobs/sha256/{}", hex(9)),
                &["app:3", "app:latest"],
                &[format!("{}/layer.tar", hex(5)), format!("blobs/sha256/{}", hex(2))],
            ),
        )
        .symlink(&format!("{}/layer.tar", hex(5)), &format!("../blobs/sha256/{}", hex(1)))
        .finish();
    let images = read_archive(&archive[..], &wants).unwrap();
    assert_eq!(images[0].tags, ["app:3", "app:latest"]);
    assert_eq!(images[0].layers[1].compression, Compression::Gzip);
    assert_merged(&images[0]);
}

#[test]
fn content_larger_than_the_cap_is_not_kept() {
    let limits = ReadLimits { max_content: 10, ..Default::default() };
    let images = read_archive_with(&classic_archive()[..], &wants, &limits).unwrap();
    assert_eq!(images[0].file("etc/passwd").unwrap().content, None);
    assert_eq!(images[0].file("etc/passwd").unwrap().size, 54);
}

#[test]
fn too_many_files_is_a_clear_error() {
    let limits = ReadLimits { max_entries: 5, ..Default::default() };
    let err = read_archive_with(&classic_archive()[..], &wants, &limits).unwrap_err();
    assert!(matches!(err, ImageError::Limit(_)), "{err}");
}

#[test]
fn bad_archives_give_errors_not_panics() {
    let good = classic_archive();
    // Cut anywhere: never a panic; cut inside a layer: an error.
    for cut in (0..good.len()).step_by(97) {
        let _ = read_archive(&good[..cut], &wants);
    }
    let layer_start = 1536; // VERSION header + data block, then the layer's header.
    let err = read_archive(&good[..layer_start + 1200], &wants).unwrap_err();
    assert!(matches!(err, ImageError::Member { .. } | ImageError::Io(_)), "{err}");

    assert!(matches!(read_archive(&b""[..], &wants).unwrap_err(), ImageError::NotAnArchive(_)));
    let err = read_archive(&b"hello, not an archive at all"[..], &wants).unwrap_err();
    assert_eq!(err.to_string(), "not an image archive: it is not a tar archive (as `docker save` writes)");
    let no_manifest = Outer::new().file(&format!("{}/layer.tar", hex(1)), &base_layer()).finish();
    assert!(matches!(read_archive(&no_manifest[..], &wants).unwrap_err(), ImageError::NoManifest));
    let missing = Outer::new().file("manifest.json", &manifest("c.json", &[], &["nope/layer.tar".into()])).finish();
    assert_eq!(
        read_archive(&missing[..], &wants).unwrap_err().to_string(),
        "the manifest names layer `nope/layer.tar`, which the archive does not hold"
    );
    let bad_json = Outer::new().file("manifest.json", b"{ not json").finish();
    assert!(read_archive(&bad_json[..], &wants).unwrap_err().to_string().contains("invalid JSON"));

    // A gzip layer whose body is garbage.
    let mut corrupt = gzip(&base_layer());
    let n = corrupt.len();
    corrupt[20..n - 8].iter_mut().for_each(|b| *b ^= 0x5a);
    let archive = Outer::new()
        .file(&format!("{}/layer.tar", hex(1)), &corrupt)
        .file("manifest.json", &manifest("c.json", &[], &[format!("{}/layer.tar", hex(1))]))
        .finish();
    let err = read_archive(&archive[..], &wants).unwrap_err();
    assert!(err.to_string().starts_with(&format!("`{}/layer.tar` in the archive:", hex(1))), "{err}");

    let zstd = Outer::new().file(&format!("blobs/sha256/{}", hex(1)), &[0x28, 0xb5, 0x2f, 0xfd, 0, 0]).finish();
    assert!(read_archive(&zstd[..], &wants).unwrap_err().to_string().contains("zstd"));
}

#[test]
fn an_opaque_root_or_whiteout_of_a_directory_hides_everything_below() {
    let top = layer_tar(&[
        E::File("./usr/.wh.bin", 0o644, b""),
        E::File(".wh..wh..opq", 0o644, b""),
        E::File("./new", 0o644, b"n"),
    ]);
    let archive = Outer::new()
        .file("a/layer.tar", &base_layer())
        .file("b/layer.tar", &top)
        .file("manifest.json", &manifest("c.json", &[], &["a/layer.tar".into(), "b/layer.tar".into()]))
        .finish();
    let img = &read_archive(&archive[..], &wants).unwrap()[0];
    assert_eq!(img.files.keys().collect::<Vec<_>>(), ["new"]);
    assert_eq!(img.name, "sha256:c", "untagged images are named by their id");
    assert!(img.hidden.iter().all(|h| h.removal == Removal::Deleted { by: 1 }));
    assert_eq!(img.hidden.len(), 6);
}

#[test]
fn flipped_bytes_anywhere_never_panic() {
    for archive in [classic_archive(), gzip(&classic_archive())] {
        for (i, pos) in (0..archive.len()).step_by(61).enumerate() {
            let mut bad = archive.clone();
            bad[pos] ^= [0xff, 0x01, 0x80, 0x30][i % 4];
            // Any outcome but a panic: some flips land in file data and change nothing.
            let _ = read_archive(&bad[..], &wants);
        }
    }
}

#[test]
fn a_layer_listed_over_and_over_is_bounded_by_max_entries() {
    // base_layer has 12 entries: a manifest naming it 1000 times would merge 12,000
    // entries (and keep every replaced copy as hidden) from a tiny archive.
    let l0 = format!("{}/layer.tar", hex(1));
    let build = |times: usize| {
        Outer::new()
            .file(&l0, &base_layer())
            .file("manifest.json", &manifest(&format!("{}.json", hex(9)), &["app:1"], &vec![l0.clone(); times]))
            .finish()
    };
    let limits = ReadLimits { max_entries: 100, ..Default::default() };
    let got = read_archive_with(&build(1000)[..], &wants, &limits);
    assert!(matches!(got, Err(ImageError::Limit(_))), "{:?}", got.map(|i| i.len()));
    // Identical layers do occur (same diff id twice): a few repeats still read.
    let images = read_archive_with(&build(2)[..], &wants, &limits).unwrap();
    assert_eq!(images[0].layers.len(), 2);
    assert_eq!(images[0].file("usr/bin/su").unwrap().layer, 1);
}

#[test]
fn json_members_together_are_bounded() {
    // Each member is under max_json, but a gzip-compressed archive of many of them
    // would otherwise be held whole in memory.
    let mut outer = Outer::new();
    let big = format!("{{\"pad\":\"{}\"}}", " ".repeat(900));
    for i in 0..20 {
        outer = outer.file(&format!("{}.json", hex(100 + i)), big.as_bytes());
    }
    let archive = outer.file("manifest.json", b"[]").finish();
    let limits = ReadLimits { max_json: 1000, max_total_json: 5000, ..Default::default() };
    let got = read_archive_with(&archive[..], &wants, &limits);
    assert!(matches!(got, Err(ImageError::Limit(_))), "{:?}", got.map(|i| i.len()));
}

#[test]
fn a_whiteout_without_a_name_deletes_nothing() {
    let l0 = format!("{}/layer.tar", hex(1));
    let l1 = format!("{}/layer.tar", hex(2));
    let top = layer_tar(&[E::File("./.wh.", 0o644, b""), E::File("./etc/.wh...", 0o644, b"")]);
    let archive = Outer::new()
        .file(&l0, &base_layer())
        .file(&l1, &top)
        .file("manifest.json", &manifest(&format!("{}.json", hex(9)), &["app:1"], &[l0.clone(), l1.clone()]))
        .finish();
    let images = read_archive(&archive[..], &wants).unwrap();
    assert!(images[0].file("usr/bin/su").is_some(), "`.wh.` must not wipe the root");
    assert!(images[0].file("etc/passwd").is_some(), "`etc/.wh...` must not delete the parent");
    assert!(images[0].hidden.is_empty());
}

#[test]
fn nested_indexes_naming_each_other_many_times_are_bounded() {
    // index.json -> 20 x index A -> 20 x index B -> 20 x index C -> 20 x manifest:
    // 160,000 images from a few kilobytes, unless each visit counts.
    let digest = |n: u32| format!("sha256:{}", hex(n));
    let fan_out = |to: u32| {
        let one = serde_json::json!({ "digest": digest(to) });
        serde_json::to_vec(&serde_json::json!({ "manifests": vec![one; 20] })).unwrap()
    };
    let leaf = serde_json::json!({ "config": { "digest": digest(7) }, "layers": [] });
    let archive = Outer::new()
        .file(&format!("blobs/sha256/{}", hex(10)), &fan_out(11))
        .file(&format!("blobs/sha256/{}", hex(11)), &fan_out(12))
        .file(&format!("blobs/sha256/{}", hex(12)), &fan_out(13))
        .file(&format!("blobs/sha256/{}", hex(13)), &serde_json::to_vec(&leaf).unwrap())
        .file("index.json", &fan_out(10))
        .finish();
    let limits = ReadLimits { max_entries: 1000, ..Default::default() };
    let got = read_archive_with(&archive[..], &wants, &limits);
    assert!(matches!(got, Err(ImageError::Limit(_))), "{:?}", got.map(|i| i.len()));
}

#[test]
fn kept_contents_copied_into_every_listing_of_a_layer_are_bounded() {
    // One 1,000-byte kept file, its layer named 200 times: each listing copies the
    // contents again (the copies below it become hidden files).
    let l0 = format!("{}/layer.tar", hex(1));
    let passwd = vec![b'a'; 1000];
    let archive = Outer::new()
        .file(&l0, &layer_tar(&[E::File("etc/passwd", 0o644, &passwd)]))
        .file("manifest.json", &manifest(&format!("{}.json", hex(9)), &["app:1"], &vec![l0.clone(); 200]))
        .finish();
    let limits = ReadLimits { max_total_content: 10_000, ..Default::default() };
    let got = read_archive_with(&archive[..], &wants, &limits);
    assert!(matches!(got, Err(ImageError::Limit(_))), "{:?}", got.map(|i| i[0].hidden.len()));
}

#[test]
fn huge_tar_headers_are_refused_before_they_are_read_whole() {
    // The tar crate keeps a GNU long name (or PAX records) whole in memory; a gzip
    // layer can hold gigabytes of one in kilobytes. File data does not count.
    let long = format!("{}/x", "d".repeat(20_000));
    let big = vec![0u8; 50_000];
    let layer = |name: &str| layer_tar(&[E::File("big.bin", 0o644, &big), E::File(name, 0o644, b"x")]);
    let archive = |name: &str| {
        let l0 = format!("{}/layer.tar", hex(1));
        Outer::new()
            .file(&l0, &gzip(&layer(name)))
            .file("manifest.json", &manifest(&format!("{}.json", hex(9)), &["app:1"], std::slice::from_ref(&l0)))
            .finish()
    };
    let limits = ReadLimits { max_header: 10_000, ..Default::default() };
    let got = read_archive_with(&archive(&long)[..], &wants, &limits);
    assert!(matches!(got, Err(ImageError::Member { .. })), "{:?}", got.map(|i| i.len()));
    let images = read_archive_with(&archive("etc/x")[..], &wants, &limits).unwrap();
    assert_eq!(images[0].file("big.bin").unwrap().size, 50_000);
    assert!(images[0].file("etc/x").is_some());
}

#[test]
fn an_untagged_image_with_a_non_ascii_config_name_does_not_panic() {
    // The name of an untagged image is cut from its config name, which the archive
    // chooses: cutting at a byte count must not split a character.
    let l0 = format!("{}/layer.tar", hex(1));
    let archive = Outer::new()
        .file(&l0, &base_layer())
        .file("manifest.json", &manifest(&format!("a{}.json", "é".repeat(14)), &[], std::slice::from_ref(&l0)))
        .finish();
    let images = read_archive(&archive[..], &wants).unwrap();
    assert_eq!(images[0].name, format!("sha256:a{}", "é".repeat(11)));
}

#[test]
fn a_file_written_twice_in_one_layer_keeps_the_first_copy_as_hidden() {
    // `tar -rf` appends: the layer applies the last copy, but the first one's bytes
    // are still in the blob (a key "removed" this way is still shipped).
    let l0 = format!("{}/layer.tar", hex(1));
    let key = b"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n";
    let layer = layer_tar(&[E::File("root/.ssh/id_rsa", 0o600, key), E::File("root/.ssh/id_rsa", 0o600, b"")]);
    let archive = Outer::new()
        .file(&l0, &layer)
        .file("manifest.json", &manifest(&format!("{}.json", hex(9)), &["app:1"], std::slice::from_ref(&l0)))
        .finish();
    let images = read_archive(&archive[..], &wants).unwrap();
    assert_eq!(images[0].file("root/.ssh/id_rsa").unwrap().size, 0);
    let hidden: Vec<(&str, usize, Removal)> =
        images[0].hidden.iter().map(|h| (h.entry.path.as_str(), h.entry.size as usize, h.removal)).collect();
    assert_eq!(hidden, [("root/.ssh/id_rsa", key.len(), Removal::Replaced { by: 0 })]);
}

/// A sink that keeps and inspects what it is told to, and records what it is fed.
#[derive(Default)]
struct Recorder {
    keep: Vec<(&'static str, u64)>,
    inspect: Vec<(&'static str, u64)>,
    /// (layer member, path, mode, size, bytes)
    fed: Vec<(String, String, u32, u64, Vec<u8>)>,
}

impl LayerSink for Recorder {
    fn keep(&self, path: &str, _size: u64) -> Option<u64> {
        self.keep.iter().find(|(p, _)| *p == path).map(|(_, cap)| *cap)
    }

    fn inspect(&self, path: &str, mode: u32, _size: u64) -> Option<u64> {
        let executable = mode & 0o111 != 0;
        self.inspect.iter().find(|(p, _)| *p == path && executable).map(|(_, cap)| *cap)
    }

    fn feed(&mut self, member: &str, path: &str, mode: u32, size: u64, data: &mut dyn Read) -> std::io::Result<()> {
        let mut bytes = Vec::new();
        data.read_to_end(&mut bytes)?;
        self.fed.push((member.to_string(), path.to_string(), mode, size, bytes));
        Ok(())
    }
}

fn one_layer_archive(entries: &[E<'_>]) -> Vec<u8> {
    let l0 = format!("{}/layer.tar", hex(1));
    Outer::new()
        .file(&l0, &layer_tar(entries))
        .file("manifest.json", &manifest(&format!("{}.json", hex(9)), &["app:1"], std::slice::from_ref(&l0)))
        .finish()
}

#[test]
fn a_sink_keeps_a_file_past_max_content_under_its_own_cap() {
    // A dpkg status of a few hundred packages is larger than the 64 KiB default.
    let status = vec![b's'; 100_000];
    let packages = vec![b'r'; 2_000];
    let archive = one_layer_archive(&[
        E::File("var/lib/dpkg/status", 0o644, &status),
        E::File("var/lib/rpm/Packages", 0o644, &packages),
        E::File("etc/passwd", 0o644, b"root:x:0:0::/root:/bin/sh\n"),
    ]);
    let mut sink = Recorder {
        keep: vec![("var/lib/dpkg/status", 1 << 20), ("var/lib/rpm/Packages", 1_000), ("etc/passwd", 64 * 1024)],
        ..Default::default()
    };
    let images = read_archive_sink(&archive[..], &mut sink, &ReadLimits::default()).unwrap();
    let img = &images[0];
    assert_eq!(img.file("var/lib/dpkg/status").unwrap().content.as_deref(), Some(&status[..]));
    assert!(img.file("etc/passwd").unwrap().text().unwrap().starts_with("root:"));
    assert_eq!(img.file("var/lib/rpm/Packages").unwrap().content, None);
    assert_eq!(
        img.skipped,
        [SkippedContent {
            layer: 0,
            path: "var/lib/rpm/Packages".into(),
            size: 2_000,
            reason: SkipReason::TooLargeToKeep { max: 1_000 }
        }]
    );
    assert_eq!(
        img.skipped[0].to_string(),
        "var/lib/rpm/Packages (layer 0): 2.0 KiB, over the 1000 bytes limit; not read"
    );
    assert!(sink.fed.is_empty(), "nothing was inspected");
}

#[test]
fn large_kept_files_have_their_own_budget_and_a_note_past_it() {
    let big = vec![b'b'; 100];
    let archive = one_layer_archive(&[
        E::File("db/a", 0o644, &big),
        E::File("db/b", 0o644, &big),
        E::File("db/c", 0o644, &big),
        E::File("etc/small", 0o644, b"0123456789"),
    ]);
    let mut sink = Recorder {
        keep: vec![("db/a", 1000), ("db/b", 1000), ("db/c", 1000), ("etc/small", 1000)],
        ..Default::default()
    };
    // Files over max_content count against max_total_catalog; etc/small (10 bytes)
    // against max_total_content, which the large ones did not spend.
    let limits = ReadLimits { max_content: 10, max_total_content: 10, max_total_catalog: 250, ..Default::default() };
    let images = read_archive_sink(&archive[..], &mut sink, &limits).unwrap();
    let img = &images[0];
    let kept: Vec<&str> = img.files.values().filter(|f| f.content.is_some()).map(|f| f.path.as_str()).collect();
    assert_eq!(kept, ["db/a", "db/b", "etc/small"]);
    assert_eq!(img.skipped.len(), 1);
    assert_eq!(
        (img.skipped[0].path.as_str(), img.skipped[0].reason),
        ("db/c", SkipReason::BudgetSpent { budget: 250 })
    );
    assert_eq!(img.skipped[0].message(), "100 bytes; not read: the 250 bytes budget for kept files was spent");

    // The same layer named twice copies its kept contents again: the merge counts them
    // against the same budget.
    let l0 = format!("{}/layer.tar", hex(1));
    let twice = Outer::new()
        .file(&l0, &layer_tar(&[E::File("db/a", 0o644, &big), E::File("db/b", 0o644, &big)]))
        .file("manifest.json", &manifest(&format!("{}.json", hex(9)), &[], &[l0.clone(), l0.clone()]))
        .finish();
    let got = read_archive_sink(&twice[..], &mut sink, &limits);
    assert!(matches!(got, Err(ImageError::Limit(_))), "{:?}", got.map(|i| i.len()));
}

/// The recorder, asked to inspect `usr/local/bin/app` and `usr/local/bin/huge`.
fn inspecting() -> Recorder {
    Recorder {
        keep: vec![("usr/local/bin/kept", 1000)],
        inspect: vec![("usr/local/bin/app", 1000), ("usr/local/bin/huge", 10), ("usr/local/bin/kept", 1000)],
        ..Default::default()
    }
}

fn binaries_layer() -> Vec<u8> {
    layer_tar(&[
        E::File("usr/local/bin/app", 0o755, b"\x7fELF app"),
        E::File("usr/local/bin/huge", 0o755, b"\x7fELF far too large"),
        E::File("usr/local/bin/kept", 0o755, b"\x7fELF kept"),
        // Not executable: the recorder's inspect declines it.
        E::File("usr/local/bin/app.txt", 0o644, b"notes"),
    ])
}

fn assert_fed(sink: &Recorder, member: &str) {
    let fed: Vec<(&str, &str, u32, u64, &[u8])> =
        sink.fed.iter().map(|(m, p, mode, size, b)| (m.as_str(), p.as_str(), *mode, *size, &b[..])).collect();
    assert_eq!(
        fed,
        [
            (member, "usr/local/bin/app", 0o755, 8, &b"\x7fELF app"[..]),
            (member, "usr/local/bin/kept", 0o755, 9, &b"\x7fELF kept"[..]),
        ]
    );
}

#[test]
fn inspected_files_are_fed_in_the_docker_archive_layout() {
    let l0 = format!("{}/layer.tar", hex(1));
    let archive = Outer::new()
        .file(&l0, &binaries_layer())
        .file("manifest.json", &manifest(&format!("{}.json", hex(9)), &[], std::slice::from_ref(&l0)))
        .finish();
    let mut sink = inspecting();
    let images = read_archive_sink(&archive[..], &mut sink, &ReadLimits::default()).unwrap();
    assert_fed(&sink, &l0);
    let img = &images[0];
    assert_eq!(img.layers[0].member, l0);
    assert_eq!(img.file("usr/local/bin/kept").unwrap().content.as_deref(), Some(&b"\x7fELF kept"[..]));
    assert_eq!(img.file("usr/local/bin/app").unwrap().content, None, "fed, not kept");
    assert_eq!(
        img.skipped.iter().map(|s| (s.path.as_str(), s.reason)).collect::<Vec<_>>(),
        [("usr/local/bin/huge", SkipReason::TooLargeToScan { max: 10 })]
    );
    assert!(img.skipped[0].to_string().ends_with("not scanned"));
}

#[test]
fn inspected_files_are_fed_in_the_oci_layout_under_their_blob_member() {
    let blob = format!("blobs/sha256/{}", hex(1));
    let manifest_blob = serde_json::json!({
        "config": {"digest": format!("sha256:{}", hex(7))},
        "layers": [{"digest": format!("sha256:{}", hex(1))}],
    });
    let index = serde_json::json!({ "manifests": [{"digest": format!("sha256:{}", hex(8))}] });
    let archive = Outer::new()
        .file(&blob, &gzip(&binaries_layer()))
        .file(&format!("blobs/sha256/{}", hex(8)), &serde_json::to_vec(&manifest_blob).unwrap())
        .file("index.json", &serde_json::to_vec(&index).unwrap())
        .finish();
    let mut sink = inspecting();
    let images = read_archive_sink(&archive[..], &mut sink, &ReadLimits::default()).unwrap();
    assert_fed(&sink, &blob);
    assert_eq!(images[0].layers[0].member, blob);

    // Docker 25+: the manifest names `<id>/layer.tar`, a link to the blob the sink saw.
    let link = format!("{}/layer.tar", hex(5));
    let archive = Outer::new()
        .file(&blob, &binaries_layer())
        .file("manifest.json", &manifest(&format!("blobs/sha256/{}", hex(9)), &[], std::slice::from_ref(&link)))
        .symlink(&link, &format!("../{blob}"))
        .finish();
    let mut sink = inspecting();
    let images = read_archive_sink(&archive[..], &mut sink, &ReadLimits::default()).unwrap();
    assert_fed(&sink, &blob);
    assert_eq!(
        (images[0].layers[0].archive_path.as_str(), images[0].layers[0].member.as_str()),
        (&link[..], &blob[..])
    );
}

#[test]
fn a_failing_feed_stops_the_read_with_the_layer_named() {
    struct Failing;
    impl LayerSink for Failing {
        fn keep(&self, _: &str, _: u64) -> Option<u64> {
            None
        }
        fn inspect(&self, _: &str, _: u32, _: u64) -> Option<u64> {
            Some(1 << 20)
        }
        fn feed(&mut self, _: &str, _: &str, _: u32, _: u64, _: &mut dyn Read) -> std::io::Result<()> {
            Err(std::io::Error::other("no more"))
        }
    }
    let err = read_archive_sink(&classic_archive()[..], &mut Failing, &ReadLimits::default()).unwrap_err();
    assert!(matches!(err, ImageError::Member { .. }), "{err}");
}

fn config_json() -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64",
        "rootfs": {"type": "layers", "diff_ids": [format!("sha256:{}", hex(21)), format!("sha256:{}", hex(22))]},
        "history": [
            {"created": "2026-12-04T05:01:03Z", "comment": "Imported from -"},
            {"created_by": "/bin/sh -c #(nop)  ENV A=b", "empty_layer": true},
            {"created_by": "/bin/sh -c #(nop) COPY dir:5df4 in / "},
        ],
    }))
    .unwrap()
}

#[test]
fn layer_ids_and_history_come_from_the_config_in_both_layouts() {
    let check = |img: &dockward_image::ImageContents| {
        assert_eq!(img.diff_ids, [format!("sha256:{}", hex(21)), format!("sha256:{}", hex(22))]);
        // The ENV entry made no layer; the import has no created_by.
        assert_eq!(img.history, [None, Some("/bin/sh -c #(nop) COPY dir:5df4 in / ".to_string())]);
    };
    let (l0, l1) = (format!("{}/layer.tar", hex(1)), format!("{}/layer.tar", hex(2)));
    let classic = Outer::new()
        .file(&l0, &base_layer())
        .file(&l1, &top_layer())
        .file(&format!("{}.json", hex(9)), &config_json())
        .file("manifest.json", &manifest(&format!("{}.json", hex(9)), &["app:1"], &[l0.clone(), l1.clone()]))
        .finish();
    check(&read_archive(&classic[..], &wants).unwrap()[0]);

    let oci_manifest = serde_json::json!({
        "config": {"digest": format!("sha256:{}", hex(7))},
        "layers": [{"digest": format!("sha256:{}", hex(1))}, {"digest": format!("sha256:{}", hex(2))}],
    });
    let index = serde_json::json!({ "manifests": [{"digest": format!("sha256:{}", hex(8))}] });
    let oci = Outer::new()
        .file(&format!("blobs/sha256/{}", hex(1)), &base_layer())
        .file(&format!("blobs/sha256/{}", hex(2)), &top_layer())
        .file(&format!("blobs/sha256/{}", hex(7)), &config_json())
        .file(&format!("blobs/sha256/{}", hex(8)), &serde_json::to_vec(&oci_manifest).unwrap())
        .file("index.json", &serde_json::to_vec(&index).unwrap())
        .finish();
    check(&read_archive(&oci[..], &wants).unwrap()[0]);
}

#[test]
fn a_missing_or_odd_config_costs_the_history_not_the_image() {
    let l0 = format!("{}/layer.tar", hex(1));
    for config in [None, Some(&br#"{"rootfs": "not an object", "history": 7}"#[..])] {
        let mut outer = Outer::new().file(&l0, &base_layer());
        if let Some(c) = config {
            outer = outer.file(&format!("{}.json", hex(9)), c);
        }
        let archive = outer
            .file("manifest.json", &manifest(&format!("{}.json", hex(9)), &[], std::slice::from_ref(&l0)))
            .finish();
        let img = &read_archive(&archive[..], &wants).unwrap()[0];
        assert!(img.diff_ids.is_empty());
        assert_eq!(img.history, [None]);
        assert!(img.file("etc/passwd").is_some());
    }
}

/// A layer of `n` files each named by `name_len` bytes (issue 19 #3: 1 MB names in a
/// 2 MB archive were kept whole, each naming of the layer copying them again).
fn long_names_layer(n: usize, name_len: usize) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for i in 0..n {
        let mut h = tar::Header::new_gnu();
        h.set_mode(0o644);
        h.set_size(0);
        let name = format!("{i:04}{}", "a".repeat(name_len));
        b.append_data(&mut h, name, &[][..]).unwrap();
    }
    b.into_inner().unwrap()
}

#[test]
fn entry_names_are_bounded_per_archive() {
    let layer = gzip(&long_names_layer(8, 100_000));
    let archive = Outer::new()
        .file("blob.tar.gz", &layer)
        .file("manifest.json", &manifest("c.json", &["app:1"], &["blob.tar.gz".to_string()]))
        .finish();
    // Within the bound the names are kept.
    let limits = ReadLimits { max_name_bytes: 2_000_000, max_name: LONG, ..Default::default() };
    assert_eq!(read_archive_with(&archive[..], &wants, &limits).unwrap()[0].files.len(), 8);
    let limits = ReadLimits { max_name_bytes: 500_000, max_name: LONG, ..Default::default() };
    let err = read_archive_with(&archive[..], &wants, &limits).unwrap_err();
    assert!(matches!(err, ImageError::Limit(_)), "{err}");
    assert!(err.to_string().contains("more than 500000 bytes (DOCKWARD_MAX_NAME_BYTES)"), "{err}");
    // A manifest naming the layer many times copies its names each time: counted.
    let many: Vec<String> = (0..20).map(|_| "blob.tar.gz".to_string()).collect();
    let archive =
        Outer::new().file("blob.tar.gz", &layer).file("manifest.json", &manifest("c.json", &["app:1"], &many)).finish();
    let limits = ReadLimits { max_name_bytes: 2_000_000, max_name: LONG, ..Default::default() };
    let err = read_archive_with(&archive[..], &wants, &limits).unwrap_err();
    assert!(err.to_string().contains("DOCKWARD_MAX_NAME_BYTES"), "{err}");
}

#[test]
fn outer_symlink_names_are_bounded() {
    let mut outer = Outer::new();
    for i in 0..10 {
        outer = outer.symlink(&format!("{i}{}", "l".repeat(50_000)), &"t".repeat(50_000));
    }
    let archive = outer.file("manifest.json", b"[]").finish();
    let limits = ReadLimits { max_name_bytes: 300_000, max_name: LONG, ..Default::default() };
    let err = read_archive_with(&archive[..], &wants, &limits).unwrap_err();
    assert!(err.to_string().contains("DOCKWARD_MAX_NAME_BYTES"), "{err}");
}

#[test]
fn one_name_longer_than_any_path_is_refused() {
    // 100 KB names: each over the per-name bound (64 KiB), far under the per-archive one.
    let layer = gzip(&long_names_layer(2, 100_000));
    let archive = Outer::new()
        .file("blob.tar.gz", &layer)
        .file("manifest.json", &manifest("c.json", &["app:1"], &["blob.tar.gz".to_string()]))
        .finish();
    let err = read_archive_with(&archive[..], &wants, &ReadLimits::default()).unwrap_err();
    assert!(matches!(err, ImageError::Limit(_)), "{err}");
    assert!(err.to_string().contains("a name of 100") && err.to_string().contains("blob.tar.gz"), "{err}");
    // Names as long as a real file system allows are read.
    let layer = gzip(&long_names_layer(2, 4_000));
    let archive = Outer::new()
        .file("blob.tar.gz", &layer)
        .file("manifest.json", &manifest("c.json", &["app:1"], &["blob.tar.gz".to_string()]))
        .finish();
    assert_eq!(read_archive_with(&archive[..], &wants, &ReadLimits::default()).unwrap()[0].files.len(), 2);
    // The outer archive's own member and link names too.
    let archive = Outer::new().symlink("l", &"t".repeat(70_000)).file("manifest.json", b"[]").finish();
    let err = read_archive_with(&archive[..], &wants, &ReadLimits::default()).unwrap_err();
    assert!(err.to_string().contains("the link `l`"), "{err}");
}

/// Names long enough to test the per-archive bound without the per-name one.
const LONG: usize = 1 << 20;

#[test]
fn unpacked_bytes_are_bounded_per_archive() {
    // A layer of 4 MiB of zeros, gzip-compressed to a few KiB, inside a gzip archive.
    let zeros = vec![0u8; 4 << 20];
    let layer = gzip(&layer_tar(&[E::File("big", 0o644, &zeros)]));
    let archive = gzip(
        &Outer::new()
            .file("blob.tar.gz", &layer)
            .file("manifest.json", &manifest("c.json", &["app:1"], &["blob.tar.gz".to_string()]))
            .finish(),
    );
    assert!(archive.len() < 64 * 1024, "{}", archive.len());
    let limits = ReadLimits { max_unpacked: 16 << 20, ..Default::default() };
    assert_eq!(read_archive_with(&archive[..], &wants, &limits).unwrap()[0].files.len(), 1);
    let limits = ReadLimits { max_unpacked: 1 << 20, ..Default::default() };
    let err = read_archive_with(&archive[..], &wants, &limits).unwrap_err();
    assert!(err.to_string().contains("unpacks to more than 1048576 bytes (DOCKWARD_MAX_UNPACKED)"), "{err}");
}

#[test]
fn nested_compression_is_stopped_by_the_ratio_past_the_floor() {
    // 256 MiB of zeros through two gzip levels: a few KiB of archive (the issue's
    // was 164 KB and took 60 s of CPU). Checked past a floor of 16 MiB here (1 GiB by
    // default) so that the test stays small.
    let zeros_layer = {
        // A layer tar with one file of zeros, compressed as it is written.
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let mut h = tar::Header::new_gnu();
        let size: u64 = 256 << 20;
        h.set_path("zeros").unwrap();
        h.set_mode(0o644);
        h.set_size(size);
        h.set_cksum();
        gz.write_all(h.as_bytes()).unwrap();
        let block = vec![0u8; 1 << 20];
        for _ in 0..(size >> 20) {
            gz.write_all(&block).unwrap();
        }
        gz.write_all(&[0u8; 1024]).unwrap();
        gz.finish().unwrap()
    };
    let archive = gzip(
        &Outer::new()
            .file("blob.tar.gz", &zeros_layer)
            .file("manifest.json", &manifest("c.json", &["app:1"], &["blob.tar.gz".to_string()]))
            .finish(),
    );
    let limits = ReadLimits { max_unpack_ratio: 2000, unpack_ratio_floor: 16 << 20, ..Default::default() };
    let err = read_archive_with(&archive[..], &wants, &limits).unwrap_err();
    assert!(err.to_string().contains("DOCKWARD_MAX_UNPACK_RATIO"), "{err}");
    // Allowed a ratio the archive does not reach, it is read to the end.
    let limits = ReadLimits { max_unpack_ratio: u64::MAX, unpack_ratio_floor: 16 << 20, ..Default::default() };
    read_archive_with(&archive[..], &wants, &limits).unwrap();
}
