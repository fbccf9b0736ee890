//! The Debian 12 test images of `../shared/corpus/vuln/images/` assembled into `docker
//! save` archives from the stored files (so the expected answers never drift), for the
//! `sbom` and `scan` tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::json;
use sha2::{Digest, Sha256};

pub const IMAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/vuln/images");
pub const GO_BINARY: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/vuln/binaries/go/demo-go1.19.8");

/// Copies the stored minbase rootfs to `dst`, with `etc/os-release` a symlink to
/// `../usr/lib/os-release` as in the real image.
pub fn minbase_rootfs(dst: &Path) {
    copy_tree(&Path::new(IMAGES).join("debian12-minbase/rootfs"), dst);
    std::fs::remove_file(dst.join("etc/os-release")).unwrap();
    std::os::unix::fs::symlink("../usr/lib/os-release", dst.join("etc/os-release")).unwrap();
}

/// The python image's second layer: the stored dist-info files and the Go binary.
pub fn python_layer(dst: &Path) {
    copy_tree(&Path::new(IMAGES).join("debian12-python/layer2"), dst);
    std::fs::create_dir_all(dst.join("usr/local/bin")).unwrap();
    std::fs::copy(GO_BINARY, dst.join("usr/local/bin/demo")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dst.join("usr/local/bin/demo"), std::fs::Permissions::from_mode(0o755)).unwrap();
}

pub fn copy_tree(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// A tar of `root` (sorted, as `tar` would write it) in memory.
pub fn layer_tar(root: &Path) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    b.follow_symlinks(false);
    b.append_dir_all(".", root).unwrap();
    b.into_inner().unwrap()
}

pub fn sha256_hex(b: &[u8]) -> String {
    Sha256::digest(b).iter().map(|x| format!("{x:02x}")).collect()
}

/// A docker-archive (`docker save` layout) of the layers, tagged `tag`.
pub fn save_archive(out: &Path, tag: &str, layers: &[Vec<u8>]) {
    let diff_ids: Vec<String> = layers.iter().map(|l| format!("sha256:{}", sha256_hex(l))).collect();
    let config = json!({
        "architecture": "amd64",
        "os": "linux",
        "created": "2026-12-04T10:11:12.123456789Z",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": layers.iter().enumerate().map(|(i, _)| json!({"created_by": format!("layer {i}")})).collect::<Vec<_>>(),
    });
    let config_bytes = serde_json::to_vec(&config).unwrap();
    let config_name = format!("{}.json", sha256_hex(&config_bytes));
    let layer_names: Vec<String> = layers.iter().map(|l| format!("{}/layer.tar", sha256_hex(l))).collect();
    let manifest = json!([{"Config": config_name, "RepoTags": [tag], "Layers": layer_names}]);
    let mut b = tar::Builder::new(std::fs::File::create(out).unwrap());
    let mut add = |name: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, data).unwrap();
    };
    for (name, data) in layer_names.iter().zip(layers) {
        add(name, data);
    }
    add(&config_name, &config_bytes);
    add("manifest.json", &serde_json::to_vec(&manifest).unwrap());
    b.finish().unwrap();
}

pub struct Archives {
    pub _dir: tempfile::TempDir,
    pub minbase: PathBuf,
    pub python: PathBuf,
    pub minbase_root: PathBuf,
}

pub fn archives() -> Archives {
    let dir = tempfile::tempdir().unwrap();
    let minbase_root = dir.path().join("minbase");
    minbase_rootfs(&minbase_root);
    let py_root = dir.path().join("py");
    python_layer(&py_root);
    let l0 = layer_tar(&minbase_root);
    let l1 = layer_tar(&py_root);
    let minbase = dir.path().join("minbase.tar");
    save_archive(&minbase, "corpus/bookworm-minbase:1", std::slice::from_ref(&l0));
    let python = dir.path().join("python.tar");
    save_archive(&python, "corpus/bookworm-py:1", &[l0, l1]);
    Archives { _dir: dir, minbase, python, minbase_root }
}
