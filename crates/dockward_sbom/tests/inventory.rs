//! The driver over archives built here with the tar crate and over a directory, with
//! two small catalogers of its own (the real ones are tested on their own).

use std::path::Path;

use dockward_image::ReadLimits;
use dockward_sbom::catalog::{BinaryCataloger, CatalogOutput, TreeCataloger};
use dockward_sbom::inventory::NO_DISTRO_NOTE;
use dockward_sbom::model::RemovedPackage;
use dockward_sbom::{
    inventory_archive, inventory_archive_with, inventory_dir_with, Distro, Ecosystem, FileTree, Inventory,
};

/// `var/lib/dpkg/status` as lines of `name version`.
struct StatusLines;

impl TreeCataloger for StatusLines {
    fn name(&self) -> &'static str {
        "status-lines"
    }

    fn wants(&self, path: &str) -> Option<u64> {
        (path == "var/lib/dpkg/status").then_some(1 << 20)
    }

    fn catalog(&self, tree: &dyn FileTree, paths: &[&str], _distro: Option<&Distro>, out: &mut CatalogOutput) {
        for path in paths {
            match tree.read(path, 1 << 20) {
                Ok(bytes) => {
                    for line in String::from_utf8_lossy(&bytes).lines() {
                        if let Some((name, version)) = line.split_once(' ') {
                            let mut p = dockward_sbom::Package::new(Ecosystem::Deb, name, version, *path);
                            p.arch = Some("amd64".into());
                            out.packages.push(p);
                        }
                    }
                }
                Err(e) => out.warn(*path, e.to_string()),
            }
        }
    }
}

/// Executables under `usr/local/bin/` that start with `STAMP <module> <version>`.
struct Stamp;

impl BinaryCataloger for Stamp {
    fn name(&self) -> &'static str {
        "stamp"
    }

    fn wants(&self, path: &str, mode: u32, _size: u64) -> Option<u64> {
        (path.starts_with("usr/local/bin/") && mode & 0o111 != 0).then_some(64)
    }

    fn scan(&self, path: &str, bytes: &[u8], out: &mut CatalogOutput) {
        let Some(rest) = bytes.strip_prefix(b"STAMP ") else { return };
        match String::from_utf8_lossy(rest).trim().split_once(' ') {
            Some((module, version)) => {
                out.packages.push(dockward_sbom::Package::new(Ecosystem::Go, module, version, path))
            }
            None => out.warn(path, "a stamp without a version"),
        }
    }
}

fn scan(archive: &[u8], limits: &ReadLimits) -> Vec<Inventory> {
    inventory_archive_with(archive, limits, &[&StatusLines], &[&Stamp]).unwrap()
}

enum E<'a> {
    File(&'a str, u32, &'a [u8]),
    Symlink(&'a str, &'a str),
}

fn layer_tar(entries: &[E<'_>]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        let mut h = tar::Header::new_gnu();
        match e {
            E::File(p, mode, data) => {
                h.set_mode(*mode);
                h.set_size(data.len() as u64);
                b.append_data(&mut h, p, *data).unwrap();
            }
            E::Symlink(p, t) => {
                h.set_entry_type(tar::EntryType::Symlink);
                h.set_size(0);
                b.append_link(&mut h, p, t).unwrap();
            }
        }
    }
    b.into_inner().unwrap()
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
        E::File("var/lib/dpkg/status", 0o644, b"a 1\nb 2\nc 3\n"),
        E::File("usr/local/bin/tool", 0o755, b"STAMP example.com/tool v1.0.0"),
        E::File("usr/local/bin/gone", 0o755, b"STAMP example.com/gone v2.0.0"),
        E::File("usr/local/bin/swapped", 0o755, b"STAMP example.com/old v0.1.0"),
        E::File("usr/local/bin/broken", 0o755, b"STAMP nothing"),
    ])
}

/// Rewrites the status without `b`, deletes `gone`, replaces `swapped` by a script.
fn top_layer() -> Vec<u8> {
    layer_tar(&[
        E::File("var/lib/dpkg/status", 0o644, b"a 1\nc 3\nd 4\n"),
        E::File("usr/local/bin/.wh.gone", 0o644, b""),
        E::File("usr/local/bin/swapped", 0o755, b"#!/bin/sh\necho hi\n"),
        E::Symlink("usr/local/bin/tool-link", "tool"),
    ])
}

fn config() -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "rootfs": {"type": "layers", "diff_ids": [format!("sha256:{}", hex(21)), format!("sha256:{}", hex(22))]},
        "history": [{"comment": "Imported from -"}, {"created_by": "COPY layer2/ /"}],
    }))
    .unwrap()
}

/// Docker 25+'s layout: the manifest names `<id>/layer.tar` links to blobs, so the
/// binaries' results (found per blob) must be matched through the links.
fn linked_archive() -> Vec<u8> {
    let (b0, b1) = (format!("blobs/sha256/{}", hex(1)), format!("blobs/sha256/{}", hex(2)));
    let (l0, l1) = (format!("{}/layer.tar", hex(5)), format!("{}/layer.tar", hex(6)));
    let manifest = serde_json::json!([{
        "Config": format!("blobs/sha256/{}", hex(9)),
        "RepoTags": ["app:1"],
        "Layers": [l0, l1],
    }]);
    Outer::new()
        .file(&b0, &base_layer())
        .file(&b1, &top_layer())
        .file(&format!("blobs/sha256/{}", hex(9)), &config())
        .file("manifest.json", &serde_json::to_vec(&manifest).unwrap())
        .symlink(&l0, &format!("../{b0}"))
        .symlink(&l1, &format!("../{b1}"))
        .finish()
}

fn classic_archive() -> Vec<u8> {
    let (l0, l1) = (format!("{}/layer.tar", hex(1)), format!("{}/layer.tar", hex(2)));
    let manifest =
        serde_json::json!([{ "Config": format!("{}.json", hex(9)), "RepoTags": ["app:1"], "Layers": [l0, l1] }]);
    Outer::new()
        .file(&l1, &top_layer())
        .file(&l0, &base_layer())
        .file(&format!("{}.json", hex(9)), &config())
        .file("manifest.json", &serde_json::to_vec(&manifest).unwrap())
        .finish()
}

fn summary(inv: &Inventory) -> Vec<(String, String, String, Option<usize>, String)> {
    inv.packages
        .iter()
        .map(|p| (p.ecosystem.as_str().to_string(), p.name.clone(), p.version.clone(), p.layer, p.purl.clone()))
        .collect()
}

fn s(v: &str) -> String {
    v.to_string()
}

fn assert_two_layer_inventory(inv: &Inventory) {
    assert_eq!(inv.name, "app:1");
    assert_eq!(
        summary(inv),
        [
            (s("deb"), s("a"), s("1"), Some(1), s("pkg:deb/a@1?arch=amd64")),
            (s("deb"), s("c"), s("3"), Some(1), s("pkg:deb/c@3?arch=amd64")),
            (s("deb"), s("d"), s("4"), Some(1), s("pkg:deb/d@4?arch=amd64")),
            (s("golang"), s("example.com/tool"), s("v1.0.0"), Some(0), s("pkg:golang/example.com/tool@v1.0.0")),
        ],
        "`gone` was deleted and `swapped` replaced by a later layer; the link is not scanned again"
    );
    assert_eq!(
        inv.removed,
        [RemovedPackage {
            ecosystem: Ecosystem::Deb,
            name: s("b"),
            version: s("2"),
            location: s("var/lib/dpkg/status"),
            layer: 0,
            removed_by: 1
        }]
    );
    let layers: Vec<(usize, Option<&str>, Option<&str>)> =
        inv.layers.iter().map(|l| (l.index, l.diff_id.as_deref(), l.created_by.as_deref())).collect();
    let (d0, d1) = (format!("sha256:{}", hex(21)), format!("sha256:{}", hex(22)));
    assert_eq!(layers, [(0, Some(d0.as_str()), None), (1, Some(d1.as_str()), Some("COPY layer2/ /"))]);
    assert_eq!(inv.distro, None);
    assert_eq!(inv.notes, [NO_DISTRO_NOTE]);
    let warnings: Vec<(&str, Option<usize>, &str)> =
        inv.warnings.iter().map(|w| (w.path.as_str(), w.layer, w.message.as_str())).collect();
    assert_eq!(warnings, [("usr/local/bin/broken", Some(0), "a stamp without a version")]);
}

#[test]
fn two_layers_in_the_docker_archive_layout() {
    let inventories = scan(&classic_archive(), &ReadLimits::default());
    assert_eq!(inventories.len(), 1);
    assert_two_layer_inventory(&inventories[0]);
}

#[test]
fn two_layers_named_through_links_to_blobs() {
    let inventories = scan(&linked_archive(), &ReadLimits::default());
    assert_two_layer_inventory(&inventories[0]);
}

#[test]
fn a_database_over_the_budget_is_a_located_warning() {
    // Both copies of the status are larger than max_content, and the budget for larger
    // files holds neither: the final one is reported, with its layer.
    let limits = ReadLimits { max_content: 4, max_total_catalog: 5, ..Default::default() };
    let inv = &scan(&classic_archive(), &limits)[0];
    assert!(inv.packages.iter().all(|p| p.ecosystem == Ecosystem::Go));
    let status: Vec<(Option<usize>, &str)> = inv
        .warnings
        .iter()
        .filter(|w| w.path == "var/lib/dpkg/status")
        .map(|w| (w.layer, w.message.as_str()))
        .collect();
    assert_eq!(
        status,
        [
            (Some(1), "12 bytes; not read: the 5 bytes budget for kept files was spent"),
            (Some(1), "its contents were not kept (the budget for kept files was spent)"),
        ]
    );
    assert!(inv.removed.is_empty(), "no copy was kept to compare");
}

#[test]
fn a_binary_over_its_cap_is_not_scanned_and_says_so() {
    let big = [b"STAMP example.com/big v1.0.0 ".as_slice(), &[b' '; 100]].concat();
    let l0 = format!("{}/layer.tar", hex(1));
    let manifest = serde_json::json!([{ "Config": "c.json", "RepoTags": [], "Layers": [l0] }]);
    let archive = Outer::new()
        .file(&l0, &layer_tar(&[E::File("usr/local/bin/big", 0o755, &big)]))
        .file("manifest.json", &serde_json::to_vec(&manifest).unwrap())
        .finish();
    let inv = &scan(&archive, &ReadLimits::default())[0];
    assert!(inv.packages.is_empty());
    assert_eq!(inv.warnings.len(), 1);
    assert_eq!((inv.warnings[0].path.as_str(), inv.warnings[0].layer), ("usr/local/bin/big", Some(0)));
    assert_eq!(inv.warnings[0].message, "129 bytes, over the 64 bytes limit; not scanned");
}

#[test]
fn the_registered_catalogers_run_by_default() {
    // Whatever is registered: the archive reads, and the image is there.
    let inventories = inventory_archive(&classic_archive()[..], &ReadLimits::default()).unwrap();
    assert_eq!(inventories.len(), 1);
    assert_eq!(inventories[0].layers.len(), 2);
}

fn write(root: &Path, path: &str, data: &[u8], mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, data).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_directory_tree() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "var/lib/dpkg/status", b"zlib1g 1:1.2.13.dfsg-1\n", 0o644);
    write(root, "usr/local/bin/tool", b"STAMP example.com/tool v1.0.0", 0o755);
    write(root, "usr/local/bin/notes", b"STAMP example.com/notes v1.0.0", 0o644);
    write(root, "usr/local/bin/big", &[b'x'; 100], 0o755);
    std::os::unix::fs::symlink("tool", root.join("usr/local/bin/tool-link")).unwrap();
    let inv = inventory_dir_with(root, &[&StatusLines], &[&Stamp]).unwrap();
    assert_eq!(inv.name, root.display().to_string());
    assert_eq!(
        summary(&inv),
        [
            (s("deb"), s("zlib1g"), s("1:1.2.13.dfsg-1"), None, s("pkg:deb/zlib1g@1:1.2.13.dfsg-1?arch=amd64")),
            (s("golang"), s("example.com/tool"), s("v1.0.0"), None, s("pkg:golang/example.com/tool@v1.0.0")),
        ]
    );
    let warnings: Vec<(&str, &str)> = inv.warnings.iter().map(|w| (w.path.as_str(), w.message.as_str())).collect();
    assert_eq!(warnings, [("usr/local/bin/big", "100 bytes, over the 64 bytes limit; not scanned")]);
    assert_eq!(inv.notes, [NO_DISTRO_NOTE]);
    assert!(inventory_dir_with(&root.join("missing"), &[&StatusLines], &[&Stamp]).is_err());
}

fn archive_of(layers: &[Vec<u8>]) -> Vec<u8> {
    let names: Vec<String> = (0..layers.len()).map(|i| format!("{}/layer.tar", hex(i as u32 + 1))).collect();
    let manifest = serde_json::json!([{ "Config": "c.json", "RepoTags": ["app:2"], "Layers": names }]);
    let mut outer = Outer::new();
    for (name, layer) in names.iter().zip(layers) {
        outer = outer.file(name, layer);
    }
    outer.file("manifest.json", &serde_json::to_vec(&manifest).unwrap()).finish()
}

fn removed(inv: &Inventory) -> Vec<(&str, &str, usize, usize)> {
    inv.removed.iter().map(|r| (r.name.as_str(), r.version.as_str(), r.layer, r.removed_by)).collect()
}

#[test]
fn a_removal_is_credited_to_the_layer_whose_database_dropped_the_package() {
    let status = |text: &[u8]| layer_tar(&[E::File("var/lib/dpkg/status", 0o644, text)]);
    let archive = archive_of(&[status(b"a 1\nb 2\n"), status(b"a 1\nb 3\nc 3\n"), status(b"a 1\n")]);
    let inv = &scan(&archive, &ReadLimits::default())[0];
    assert_eq!(inv.packages.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["a"]);
    // `b` came with layer 0 (upgraded in 1) and `c` with layer 1; layer 2 dropped both.
    assert_eq!(removed(inv), [("b", "3", 0, 2), ("c", "3", 1, 2)]);

    // A database deleted outright (`rm -rf /var/lib/dpkg` in a distroless stage).
    let whiteout = layer_tar(&[E::File("var/lib/dpkg/.wh.status", 0o644, b"")]);
    let inv = &scan(&archive_of(&[status(b"a 1\nb 2\n"), whiteout]), &ReadLimits::default())[0];
    assert!(inv.packages.is_empty());
    assert_eq!(removed(inv), [("a", "1", 0, 1), ("b", "2", 0, 1)]);
}

#[test]
fn cut_or_flipped_archives_never_panic() {
    let good = classic_archive();
    for cut in (0..good.len()).step_by(97) {
        let _ = inventory_archive_with(&good[..cut], &ReadLimits::default(), &[&StatusLines], &[&Stamp]);
    }
    for (i, pos) in (0..good.len()).step_by(61).enumerate() {
        let mut bad = good.clone();
        bad[pos] ^= [0xff, 0x01, 0x80, 0x30][i % 4];
        let _ = inventory_archive_with(&bad[..], &ReadLimits::default(), &[&StatusLines], &[&Stamp]);
    }
}
