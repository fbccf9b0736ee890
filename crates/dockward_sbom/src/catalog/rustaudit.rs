//! Rust binaries built with `cargo auditable`: the `.dep-v0` section (ELF and PE;
//! Mach-O `__DATA,.dep-v0`) holds the dependency tree as zlib-compressed JSON:
//!
//! ```json
//! {"packages":[{"name":"demo","version":"0.1.0","source":"local","dependencies":[1],"root":true},
//!              {"name":"smallvec","version":"1.6.0","source":"crates.io"}],"format":1}
//! ```
//!
//! `source` is `crates.io`, `git`, `local`, `registry` or `other`; `kind` (absent for
//! runtime dependencies) may be `build`.

use std::io::Read;

use flate2::read::ZlibDecoder;
use object::{Object, ObjectSection};
use serde::Deserialize;

use super::{executable_candidate, BinaryCataloger, CatalogOutput};
use crate::model::{Ecosystem, Package};

/// The cataloger.
pub struct RustAuditCataloger;

const SECTION: &str = ".dep-v0";
const MIN_SIZE: u64 = 1024;
const MAX_SIZE: u64 = 512 << 20;
/// Largest decompressed JSON believed: the tree of a large program is tens of KiB.
const MAX_JSON: u64 = 8 << 20;

#[derive(Deserialize)]
struct VersionInfo {
    packages: Vec<AuditPackage>,
    #[serde(default)]
    format: Option<u32>,
}

#[derive(Deserialize)]
struct AuditPackage {
    name: String,
    version: String,
    source: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    root: bool,
}

impl BinaryCataloger for RustAuditCataloger {
    fn name(&self) -> &'static str {
        "rust-audit"
    }

    fn wants(&self, path: &str, mode: u32, size: u64) -> Option<u64> {
        (size >= MIN_SIZE && executable_candidate(path, mode)).then_some(MAX_SIZE)
    }

    fn scan(&self, path: &str, bytes: &[u8], out: &mut CatalogOutput) {
        // Not an object file `object` reads: not a binary cargo-auditable made.
        let Ok(file) = object::File::parse(bytes) else { return };
        let Some(section) = file.section_by_name(SECTION) else { return };
        let Some((offset, size)) = section.file_range() else {
            out.warn(path, format!("section {SECTION} has no bytes in the file"));
            return;
        };
        let Some(compressed) = usize::try_from(offset)
            .ok()
            .zip(usize::try_from(size).ok())
            .and_then(|(start, len)| bytes.get(start..start.checked_add(len)?))
        else {
            out.warn(
                path,
                format!(
                    "section {SECTION} (file offset {offset:#x}, {size} bytes) lies outside the file ({} bytes)",
                    bytes.len()
                ),
            );
            return;
        };
        match decode(compressed) {
            Ok(info) => emit(path, info, out),
            Err(why) => out.warn(path, format!("section {SECTION}: {why}")),
        }
    }
}

fn decode(compressed: &[u8]) -> Result<VersionInfo, String> {
    let mut json = Vec::new();
    ZlibDecoder::new(compressed)
        .take(MAX_JSON + 1)
        .read_to_end(&mut json)
        .map_err(|e| format!("corrupt zlib data: {e}"))?;
    if json.len() as u64 > MAX_JSON {
        return Err(format!("decompresses to more than {MAX_JSON} bytes: not read"));
    }
    let info: VersionInfo =
        serde_json::from_slice(&json).map_err(|e| format!("not the cargo-auditable dependency list: {e}"))?;
    if let Some(format) = info.format.filter(|&f| f != 1) {
        return Err(format!("format {format} is not the one known (1)"));
    }
    Ok(info)
}

fn emit(path: &str, info: VersionInfo, out: &mut CatalogOutput) {
    for dep in info.packages {
        let mut p = Package::new(Ecosystem::Crates, dep.name, dep.version, path);
        if dep.root {
            p.extra.insert("main-module".into(), "true".into());
        }
        if dep.source != "crates.io" {
            p.extra.insert("source".into(), dep.source);
        }
        if let Some(kind) = dep.kind.filter(|k| k != "runtime") {
            p.extra.insert("kind".into(), kind);
        }
        out.packages.push(p);
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::write::ZlibEncoder;
    use flate2::Compression;

    use super::*;
    use crate::catalog::testelf::{Elf, Section};

    const REAL: &str =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/vuln/binaries/rust/demo-cargo-auditable");

    fn scan(bytes: &[u8]) -> CatalogOutput {
        let mut out = CatalogOutput::default();
        RustAuditCataloger.scan("usr/bin/demo", bytes, &mut out);
        out
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).expect("write");
        e.finish().expect("finish")
    }

    fn elf_with(section: Vec<u8>) -> Vec<u8> {
        Elf::new()
            .section(Section::data(".text", 0x1000, vec![0xc3; 64]))
            .section(Section::note(SECTION, section))
            .build()
    }

    #[test]
    fn wants_executables() {
        assert_eq!(RustAuditCataloger.wants("usr/bin/x", 0o755, 1 << 20), Some(MAX_SIZE));
        assert_eq!(RustAuditCataloger.wants("x/tool.exe", 0o644, 1 << 20), Some(MAX_SIZE));
        assert_eq!(RustAuditCataloger.wants("usr/lib/x.so.1", 0o644, 1 << 20), None);
        assert_eq!(RustAuditCataloger.wants("usr/bin/x", 0o755, 10), None);
    }

    #[test]
    fn real_cargo_auditable_binary() {
        let Ok(bytes) = std::fs::read(REAL) else {
            eprintln!("skipped: {REAL} not present");
            return;
        };
        let out = scan(&bytes);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(out.packages.len(), 2);
        let demo = &out.packages[0];
        assert_eq!((demo.name.as_str(), demo.version.as_str()), ("demo", "0.1.0"));
        assert_eq!(demo.ecosystem, Ecosystem::Crates);
        assert_eq!(demo.extra["main-module"], "true");
        assert_eq!(demo.extra["source"], "local");
        let smallvec = &out.packages[1];
        assert_eq!((smallvec.name.as_str(), smallvec.version.as_str()), ("smallvec", "1.6.0"));
        assert!(smallvec.extra.is_empty(), "{:?}", smallvec.extra);
        assert_eq!(smallvec.location, "usr/bin/demo");
    }

    #[test]
    fn section_offset_beyond_the_file_end_warns() {
        let Ok(mut bytes) = std::fs::read(REAL) else {
            eprintln!("skipped: {REAL} not present");
            return;
        };
        // Find `.dep-v0`'s section header and move its sh_offset past the end.
        let index = {
            let file = object::File::parse(&*bytes).expect("parses");
            file.section_by_name(SECTION).expect("section").index().0
        };
        let shoff = u64::from_le_bytes(bytes[0x28..0x30].try_into().expect("8 bytes")) as usize;
        let header = shoff + index * 64;
        assert_eq!(u64::from_le_bytes(bytes[header + 24..header + 32].try_into().expect("8")), 0x5374a);
        let past_end = bytes.len() as u64 + 0x1000;
        bytes[header + 24..header + 32].copy_from_slice(&past_end.to_le_bytes());
        let out = scan(&bytes);
        assert!(out.packages.is_empty());
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
        assert!(out.warnings[0].message.contains("outside the file"), "{}", out.warnings[0].message);

        // And a size that wraps around.
        bytes[header + 24..header + 32].copy_from_slice(&0x5374au64.to_le_bytes());
        bytes[header + 32..header + 40].copy_from_slice(&u64::MAX.to_le_bytes());
        let out = scan(&bytes);
        assert!(out.packages.is_empty());
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    }

    #[test]
    fn crafted_section_with_every_field() {
        let json = br#"{"packages":[
            {"name":"app","version":"2.0.0","source":"local","dependencies":[1,2,3],"root":true},
            {"name":"serde","version":"1.0.200","source":"crates.io"},
            {"name":"cc","version":"1.0.90","source":"crates.io","kind":"build"},
            {"name":"forked","version":"0.1.0","source":"git","kind":"runtime"}],"format":1}"#;
        let out = scan(&elf_with(zlib(json)));
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let names: Vec<&str> = out.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["app", "serde", "cc", "forked"]);
        assert_eq!(out.packages[2].extra["kind"], "build");
        assert_eq!(out.packages[3].extra["source"], "git");
        assert!(!out.packages[3].extra.contains_key("kind"));
    }

    #[test]
    fn corrupt_zlib_warns() {
        let mut data = zlib(br#"{"packages":[],"format":1}"#);
        let n = data.len();
        data[n / 2] ^= 0xff;
        data[2] ^= 0x55;
        let out = scan(&elf_with(data));
        assert!(out.packages.is_empty());
        assert_eq!(out.warnings.len(), 1);
        assert!(out.warnings[0].message.contains(".dep-v0"), "{}", out.warnings[0].message);

        let out = scan(&elf_with(b"not zlib at all".to_vec()));
        assert!(out.warnings[0].message.contains("corrupt zlib"), "{:?}", out.warnings);
    }

    #[test]
    fn json_outside_the_schema_warns() {
        for json in [
            &br#"{"packages":[{"name":"a"}],"format":1}"#[..],
            br#"{"format":1}"#,
            br#"[1,2,3]"#,
            br#"{"packages":[],"format":2}"#,
            b"\xff\xfe not json",
        ] {
            let out = scan(&elf_with(zlib(json)));
            assert!(out.packages.is_empty());
            assert_eq!(out.warnings.len(), 1, "{:?}", String::from_utf8_lossy(json));
        }
    }

    #[test]
    fn zlib_bomb_warns() {
        // 9 MiB of spaces compresses to about 9 KiB.
        let mut json = br#"{"packages":[],"format":1}"#.to_vec();
        json.resize(9 << 20, b' ');
        let out = scan(&elf_with(zlib(&json)));
        assert!(out.packages.is_empty());
        assert!(out.warnings[0].message.contains("more than"), "{:?}", out.warnings);
    }

    #[test]
    fn other_files_give_nothing() {
        let out = scan(&Elf::new().section(Section::data(".data", 0x1000, vec![1; 32])).build());
        assert!(out.packages.is_empty() && out.warnings.is_empty());
        let out = scan(b"#!/bin/sh\nexit 0\n");
        assert!(out.packages.is_empty() && out.warnings.is_empty());
    }
}
