//! Go binaries: the build information the Go linker embeds (what `go version -m`
//! prints): the toolchain version, the main module and every module dependency.
//!
//! The build information starts with a 32-byte header at a 16-byte aligned address:
//! the magic `\xff Go buildinf:`, the pointer size, a flags byte, and then either
//! - (Go 1.18 and later, flags bit 2) the version and the module information as two
//!   strings inline, each prefixed by its length as an unsigned varint; or
//! - (Go 1.13 to 1.17) two pointers (of the pointer size, in the endianness of flags
//!   bit 1) to Go string headers (data pointer, length), which live elsewhere in the
//!   binary and are found through the object file's segments.
//!
//! It lives in the `.go.buildinfo` section (ELF), `__go_buildinfo` (Mach-O) or the
//! first writable data section (PE, and binaries without a named section).
//!
//! The module information is text between two 16-byte sentinels, lines of
//! tab-separated fields: `path`, `mod`, `dep`, `=>` (a replacement of the module on
//! the line before), `build` (build settings, Go 1.18 and later).

use memchr::memmem;
use object::{Object, ObjectSection, ObjectSegment, SectionKind};

use super::{executable_candidate, BinaryCataloger, CatalogOutput};
use crate::model::{Ecosystem, Package};

/// The cataloger.
pub struct GoBinaryCataloger;

const MAGIC: &[u8] = b"\xff Go buildinf:";
const ALIGN: usize = 16;
const HEADER_LEN: usize = 32;
/// Smallest file worth looking at: a Go binary is megabytes; 1 KiB only skips stubs.
const MIN_SIZE: u64 = 1024;
/// Largest binary read.
const MAX_SIZE: u64 = 512 << 20;
/// Longest version or module-information string believed (the module list of a
/// large program is a few hundred KiB).
const MAX_STRING: u64 = 16 << 20;
/// Build settings kept, with the `extra` key they go under (on the main module).
const KEPT_SETTINGS: &[(&str, &str)] = &[
    ("-buildmode", "buildmode"),
    ("-compiler", "compiler"),
    ("-trimpath", "trimpath"),
    ("CGO_ENABLED", "cgo-enabled"),
    ("GOOS", "goos"),
    ("GOARCH", "goarch"),
    ("vcs", "vcs"),
    ("vcs.revision", "vcs-revision"),
    ("vcs.time", "vcs-time"),
    ("vcs.modified", "vcs-modified"),
];

impl BinaryCataloger for GoBinaryCataloger {
    fn name(&self) -> &'static str {
        "go-binary"
    }

    fn wants(&self, path: &str, mode: u32, size: u64) -> Option<u64> {
        (size >= MIN_SIZE && executable_candidate(path, mode)).then_some(MAX_SIZE)
    }

    fn scan(&self, path: &str, bytes: &[u8], out: &mut CatalogOutput) {
        match find_build_info(bytes) {
            Found::Nothing => {}
            Found::Bad(why) => out.warn(path, format!("Go build information not readable: {why}")),
            Found::Info(info) => emit(path, &info, out),
        }
    }
}

/// The two strings of the build information.
#[derive(Debug, PartialEq, Eq)]
struct BuildInfo {
    version: String,
    modinfo: String,
}

#[derive(Debug)]
enum Found {
    /// No build information: not a Go binary.
    Nothing,
    /// A build-information header that could not be read.
    Bad(String),
    Info(BuildInfo),
}

/// A byte range of the file to search, and whether it is the named build-info
/// section (where a header that fails to read is an error, not a coincidence).
struct Region {
    start: usize,
    end: usize,
    named: bool,
}

/// Maps virtual addresses to file offsets through the object file's segments.
struct AddressMap {
    /// (virtual address, file offset, size in the file)
    ranges: Vec<(u64, u64, u64)>,
}

impl AddressMap {
    /// The `len` bytes at virtual address `addr`, when they lie in one segment's file
    /// bytes and inside the file.
    fn read<'a>(&self, bytes: &'a [u8], addr: u64, len: u64) -> Option<&'a [u8]> {
        for &(va, off, size) in &self.ranges {
            let Some(delta) = addr.checked_sub(va) else { continue };
            if delta >= size {
                continue;
            }
            let end_in_segment = delta.checked_add(len)?;
            if end_in_segment > size {
                return None;
            }
            let start = usize::try_from(off.checked_add(delta)?).ok()?;
            let end = start.checked_add(usize::try_from(len).ok()?)?;
            return bytes.get(start..end);
        }
        None
    }
}

fn find_build_info(bytes: &[u8]) -> Found {
    let file = object::File::parse(bytes).ok();
    let (regions, map) = match &file {
        Some(file) => (object_regions(file, bytes.len()), Some(address_map(file))),
        // Not an object file `object` reads (or a damaged one): the inline format
        // needs no addresses, so the whole file is searched.
        None => (vec![Region { start: 0, end: bytes.len(), named: false }], None),
    };
    let mut first_error = None;
    for region in &regions {
        let Some(data) = bytes.get(region.start..region.end) else {
            if region.named {
                return Found::Bad(format!(
                    "the build-information section (file offset {:#x}, {} bytes) lies outside the file ({} bytes)",
                    region.start,
                    region.end.saturating_sub(region.start),
                    bytes.len()
                ));
            }
            continue;
        };
        for at in memmem::find_iter(data, MAGIC) {
            if at % ALIGN != 0 {
                continue;
            }
            match read_header(bytes, region.start + at, region.end, map.as_ref()) {
                Ok(info) => return Found::Info(info),
                Err(why) if region.named => return Found::Bad(why),
                Err(why) => {
                    // Elsewhere the magic may be a coincidence (a Go program that
                    // reads build information holds the magic as a string): keep
                    // looking, and report only a header that looked real.
                    if first_error.is_none() && plausible_header(&data[at..]) {
                        first_error = Some(why);
                    }
                }
            }
        }
    }
    match first_error {
        Some(why) => Found::Bad(why),
        None => Found::Nothing,
    }
}

/// Where to search: the named section if there is one, else the writable data
/// sections, else (no sections at all) every segment.
fn object_regions(file: &object::File<'_>, file_len: usize) -> Vec<Region> {
    let to_region = |range: Option<(u64, u64)>, named: bool| {
        let (off, size) = range?;
        let start = usize::try_from(off).ok()?;
        let end = start.checked_add(usize::try_from(size).ok()?)?;
        // A named region past the file's end is kept (to be reported); others are cut.
        if named {
            Some(Region { start, end, named })
        } else {
            let end = end.min(file_len);
            (start < end).then_some(Region { start, end, named })
        }
    };
    for name in [".go.buildinfo", "__go_buildinfo"] {
        if let Some(section) = file.sections().find(|s| s.name().is_ok_and(|n| n == name)) {
            if let Some(region) = to_region(section.file_range(), true) {
                return vec![region];
            }
        }
    }
    let data: Vec<Region> = file
        .sections()
        .filter(|s| s.kind() == SectionKind::Data)
        .filter_map(|s| to_region(s.file_range(), false))
        .collect();
    if !data.is_empty() {
        return data;
    }
    file.segments().filter_map(|s| to_region(Some(s.file_range()), false)).collect()
}

fn address_map(file: &object::File<'_>) -> AddressMap {
    let mut ranges: Vec<(u64, u64, u64)> = file
        .segments()
        .map(|s| {
            let (off, size) = s.file_range();
            (s.address(), off, size)
        })
        .filter(|&(_, _, size)| size > 0)
        .collect();
    if ranges.is_empty() {
        ranges = file
            .sections()
            .filter_map(|s| s.file_range().map(|(off, size)| (s.address(), off, size)))
            .filter(|&(_, _, size)| size > 0)
            .collect();
    }
    AddressMap { ranges }
}

fn plausible_header(data: &[u8]) -> bool {
    data.len() >= HEADER_LEN && (data[15] & 2 != 0 || matches!(data[14], 4 | 8))
}

/// Reads the build information whose header is at file offset `at`; inline strings
/// must end before `end` (the end of the region).
fn read_header(bytes: &[u8], at: usize, end: usize, map: Option<&AddressMap>) -> Result<BuildInfo, String> {
    let end = end.min(bytes.len());
    let Some(header) = bytes.get(at..at.saturating_add(HEADER_LEN)).filter(|_| at + HEADER_LEN <= end) else {
        return Err(format!("header at file offset {at:#x} is cut short"));
    };
    let ptr_size = header[14];
    let flags = header[15];
    if flags & 2 != 0 {
        let mut pos = at + HEADER_LEN;
        let version = inline_string(bytes, &mut pos, end).map_err(|e| format!("Go version: {e}"))?;
        let modinfo = inline_string(bytes, &mut pos, end).map_err(|e| format!("module information: {e}"))?;
        return finish(version, modinfo);
    }
    let ptr_size = match ptr_size {
        4 | 8 => usize::from(ptr_size),
        n => return Err(format!("pointer size {n} at file offset {at:#x} (not 4 or 8)")),
    };
    let big_endian = flags & 1 != 0;
    let Some(map) = map else {
        return Err("pointer-format build information (Go before 1.18) in a file whose segments cannot be read".into());
    };
    let version_addr = read_uint(&header[16..16 + ptr_size], big_endian);
    let mod_addr = read_uint(&header[16 + ptr_size..16 + 2 * ptr_size], big_endian);
    let version =
        pointed_string(bytes, map, version_addr, ptr_size, big_endian).map_err(|e| format!("Go version: {e}"))?;
    let modinfo =
        pointed_string(bytes, map, mod_addr, ptr_size, big_endian).map_err(|e| format!("module information: {e}"))?;
    finish(version, modinfo)
}

fn finish(version: &[u8], modinfo: &[u8]) -> Result<BuildInfo, String> {
    let version = String::from_utf8_lossy(version).trim().to_string();
    if version.is_empty() {
        return Err("empty Go version".into());
    }
    Ok(BuildInfo { version, modinfo: String::from_utf8_lossy(strip_sentinels(modinfo)).into_owned() })
}

/// The module information is framed by two 16-byte sentinels; the text ends in a newline.
fn strip_sentinels(modinfo: &[u8]) -> &[u8] {
    let n = modinfo.len();
    if n >= 33 && modinfo[n - 17] == b'\n' {
        &modinfo[16..n - 16]
    } else {
        modinfo
    }
}

fn read_uint(b: &[u8], big_endian: bool) -> u64 {
    let fold = |acc: u64, &byte: &u8| (acc << 8) | u64::from(byte);
    if big_endian {
        b.iter().fold(0, fold)
    } else {
        b.iter().rev().fold(0, fold)
    }
}

/// An unsigned LEB128 varint (Go's `binary.Uvarint`) at `*pos`, before `end`.
fn uvarint(bytes: &[u8], pos: &mut usize, end: usize) -> Option<u64> {
    let mut value: u64 = 0;
    for i in 0..10 {
        let at = pos.checked_add(i)?;
        if at >= end {
            return None;
        }
        let byte = *bytes.get(at)?;
        if i == 9 && byte > 1 {
            return None;
        }
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            *pos = at + 1;
            return Some(value);
        }
    }
    None
}

fn inline_string<'a>(bytes: &'a [u8], pos: &mut usize, end: usize) -> Result<&'a [u8], String> {
    let len = uvarint(bytes, pos, end).ok_or_else(|| format!("bad length at file offset {:#x}", *pos))?;
    if len > MAX_STRING {
        return Err(format!("length {len} at file offset {:#x} is implausible", *pos));
    }
    let start = *pos;
    let stop = start.checked_add(len as usize).filter(|&s| s <= end).ok_or_else(|| {
        format!("{len} bytes at file offset {start:#x} run past the end of the build information ({end:#x})")
    })?;
    *pos = stop;
    Ok(&bytes[start..stop])
}

/// A Go string header (data pointer, length) at virtual address `addr`, and the bytes
/// it points to.
fn pointed_string<'a>(
    bytes: &'a [u8],
    map: &AddressMap,
    addr: u64,
    ptr_size: usize,
    big_endian: bool,
) -> Result<&'a [u8], String> {
    let header = map
        .read(bytes, addr, 2 * ptr_size as u64)
        .ok_or_else(|| format!("string header at address {addr:#x} is not in the file"))?;
    let data_addr = read_uint(&header[..ptr_size], big_endian);
    let len = read_uint(&header[ptr_size..], big_endian);
    if len > MAX_STRING {
        return Err(format!("string length {len} at address {addr:#x} is implausible"));
    }
    map.read(bytes, data_addr, len).ok_or_else(|| format!("{len} bytes at address {data_addr:#x} are not in the file"))
}

/// One module of the module information.
struct Module {
    path: String,
    version: String,
    sum: Option<String>,
    replaced_by: Option<String>,
    replacement_sum: Option<String>,
}

fn emit(path: &str, info: &BuildInfo, out: &mut CatalogOutput) {
    let mut main: Option<Module> = None;
    let mut deps: Vec<Module> = Vec::new();
    // Which module a `=>` line replaces: the main module (false) or the last dep (true).
    let mut last_is_dep = None;
    let mut settings: Vec<(&str, String)> = Vec::new();
    let mut bad_lines = 0usize;
    for line in info.modinfo.lines() {
        let line = line.trim_end_matches('\r');
        let mut fields = line.split('\t');
        let kind = fields.next().unwrap_or("");
        let rest: Vec<&str> = fields.collect();
        match kind {
            "mod" | "dep" => {
                let Some(module_path) = rest.first().filter(|p| !p.is_empty()) else {
                    bad_lines += 1;
                    continue;
                };
                let module = Module {
                    path: module_path.to_string(),
                    version: rest.get(1).copied().unwrap_or("").to_string(),
                    sum: rest.get(2).filter(|s| !s.is_empty()).map(|s| s.to_string()),
                    replaced_by: None,
                    replacement_sum: None,
                };
                if kind == "mod" {
                    main = Some(module);
                    last_is_dep = Some(false);
                } else {
                    deps.push(module);
                    last_is_dep = Some(true);
                }
            }
            "=>" => {
                let target = match last_is_dep {
                    Some(true) => deps.last_mut(),
                    Some(false) => main.as_mut(),
                    None => None,
                };
                let (Some(target), Some(replacement)) = (target, rest.first().filter(|p| !p.is_empty())) else {
                    bad_lines += 1;
                    continue;
                };
                target.replaced_by = Some(replacement.to_string());
                // A local directory replacement has no version: the required one stays.
                if let Some(version) = rest.get(1).filter(|v| !v.is_empty()) {
                    target.version = version.to_string();
                }
                target.replacement_sum = rest.get(2).filter(|s| !s.is_empty()).map(|s| s.to_string());
            }
            "build" => {
                let Some((key, value)) = rest.first().and_then(|kv| kv.split_once('=')) else {
                    bad_lines += 1;
                    continue;
                };
                let key = unquote(key);
                if let Some(&(_, extra_key)) = KEPT_SETTINGS.iter().find(|(k, _)| *k == key) {
                    settings.push((extra_key, unquote(value)));
                }
            }
            // `path` repeats the main package's import path; blank and unknown lines
            // (a later Go's additions) are not errors.
            _ => {}
        }
    }
    if bad_lines > 0 {
        out.warn(path, format!("Go build information: {bad_lines} module line(s) not understood, skipped"));
    }

    let go_version = info.version.clone();
    let goarch = settings.iter().find(|(k, _)| *k == "goarch").map(|(_, v)| v.clone());
    let with_go = |mut p: Package| {
        p.extra.insert("go-version".into(), go_version.clone());
        p
    };

    // The toolchain: `go1.21.3` from `go1.21.3 X:boringcrypto`.
    let stdlib_version = info.version.split_whitespace().next().unwrap_or(&info.version);
    let mut stdlib = with_go(Package::new(Ecosystem::Go, "stdlib", stdlib_version, path));
    stdlib.arch = goarch.clone();
    if main.is_none() {
        stdlib.extra.extend(settings.iter().map(|(k, v)| (k.to_string(), v.clone())));
    }
    out.packages.push(stdlib);

    if let Some(main) = main {
        let version = if main.version.is_empty() { "(devel)" } else { main.version.as_str() };
        let mut p = with_go(Package::new(Ecosystem::Go, main.path.as_str(), version, path));
        p.arch = goarch;
        p.extra.insert("main-module".into(), "true".into());
        p.extra.extend(settings.iter().map(|(k, v)| (k.to_string(), v.clone())));
        add_module_extra(&mut p, &main);
        out.packages.push(p);
    }
    for dep in deps {
        let mut p = with_go(Package::new(Ecosystem::Go, dep.path.as_str(), dep.version.as_str(), path));
        add_module_extra(&mut p, &dep);
        out.packages.push(p);
    }
}

fn add_module_extra(p: &mut Package, m: &Module) {
    if let Some(sum) = &m.sum {
        p.extra.insert("h1-sum".into(), sum.clone());
    }
    if let Some(replacement) = &m.replaced_by {
        p.extra.insert("replaced-by".into(), replacement.clone());
    }
    if let Some(sum) = &m.replacement_sum {
        p.extra.insert("replacement-h1-sum".into(), sum.clone());
    }
}

/// Go quotes a build setting's key or value (`strconv.Quote`) when it holds a space,
/// a tab, a quote, `=` or a control character. Undoes the common escapes; anything
/// it does not know is kept as written.
fn unquote(s: &str) -> String {
    let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return s.to_string();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) if other == '"' || other == '\\' => out.push(other),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::testelf::{Elf, Section};

    const START: &[u8; 16] = b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6";
    const END: &[u8; 16] = b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2";

    fn scan(bytes: &[u8]) -> CatalogOutput {
        let mut out = CatalogOutput::default();
        GoBinaryCataloger.scan("usr/bin/app", bytes, &mut out);
        out
    }

    fn framed(modinfo: &str) -> Vec<u8> {
        [START.as_slice(), modinfo.as_bytes(), END.as_slice()].concat()
    }

    fn varint(mut n: usize, out: &mut Vec<u8>) {
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }

    /// An inline (Go 1.18+) `.go.buildinfo` section.
    fn inline_section(version: &str, modinfo: &[u8]) -> Vec<u8> {
        let mut s = MAGIC.to_vec();
        s.extend([8, 2]);
        s.resize(HEADER_LEN, 0);
        varint(version.len(), &mut s);
        s.extend(version.as_bytes());
        varint(modinfo.len(), &mut s);
        s.extend(modinfo);
        s
    }

    fn find<'a>(out: &'a CatalogOutput, name: &str) -> &'a Package {
        out.packages.iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no {name} in {:?}", out.packages))
    }

    #[test]
    fn wants_executables_and_exe_names() {
        let c = GoBinaryCataloger;
        assert_eq!(c.wants("usr/local/bin/demo", 0o755, 4096), Some(MAX_SIZE));
        assert_eq!(c.wants("usr/local/bin/demo", 0o700, 4096), Some(MAX_SIZE));
        assert_eq!(c.wants("app/Tool.EXE", 0o644, 4096), Some(MAX_SIZE));
        assert_eq!(c.wants("etc/passwd", 0o644, 4096), None);
        assert_eq!(c.wants("usr/bin/tiny", 0o755, 100), None);
        assert_eq!(c.wants(".exe", 0o644, 4096), None);
    }

    #[test]
    fn real_stripped_go_1_19_binary() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/vuln/binaries/go/demo-go1.19.8");
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("skipped: {path} not present");
            return;
        };
        let out = scan(&bytes);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(out.packages.len(), 2, "{:?}", out.packages);
        let stdlib = find(&out, "stdlib");
        assert_eq!(stdlib.version, "go1.19.8");
        assert_eq!(stdlib.ecosystem, Ecosystem::Go);
        assert_eq!(stdlib.extra["go-version"], "go1.19.8");
        assert_eq!(stdlib.arch.as_deref(), Some("amd64"));
        let main = find(&out, "example.com/demo");
        assert_eq!(main.version, "(devel)");
        assert_eq!(main.extra["main-module"], "true");
        assert_eq!(main.extra["goos"], "linux");
        assert_eq!(main.extra["trimpath"], "true");
        assert_eq!(main.extra["cgo-enabled"], "1");
        assert_eq!(main.location, "usr/bin/app");
        // The header is where the corpus says.
        assert_eq!(&bytes[0x252000..0x252000 + MAGIC.len()], MAGIC);
    }

    #[test]
    fn inline_build_info_with_deps_and_a_replace() {
        let modinfo = framed(
            "path\texample.com/app/cmd/app\n\
             mod\texample.com/app\tv0.3.1\th1:main=\n\
             dep\tgithub.com/a/b\tv1.2.3\th1:ab=\n\
             dep\tgolang.org/x/net\tv0.7.0\th1:old=\n\
             =>\tgithub.com/fork/net\tv0.17.0\th1:new=\n\
             dep\texample.com/local\tv0.0.0\n\
             =>\t../local\t\t\n\
             build\t-compiler=gc\n\
             build\t-ldflags=\"-s -w\"\n\
             build\tCGO_ENABLED=0\n\
             build\tGOARCH=arm64\n\
             build\tGOOS=linux\n\
             build\tvcs=git\n\
             build\tvcs.revision=0123abcd\n\
             build\tvcs.time=2024-01-02T03:04:05Z\n\
             build\tvcs.modified=false\n",
        );
        let elf = Elf::new().section(Section::data(".go.buildinfo", 0x40_0000, inline_section("go1.22.5", &modinfo)));
        let out = scan(&elf.build());
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(out.packages.len(), 5, "{:?}", out.packages);
        assert_eq!(find(&out, "stdlib").version, "go1.22.5");
        let main = find(&out, "example.com/app");
        assert_eq!(main.version, "v0.3.1");
        assert_eq!(main.extra["main-module"], "true");
        assert_eq!(main.extra["vcs-revision"], "0123abcd");
        assert_eq!(main.extra["vcs-time"], "2024-01-02T03:04:05Z");
        assert_eq!(main.extra["goarch"], "arm64");
        assert_eq!(main.arch.as_deref(), Some("arm64"));
        assert!(!main.extra.contains_key("ldflags"));
        let ab = find(&out, "github.com/a/b");
        assert_eq!(ab.version, "v1.2.3");
        assert_eq!(ab.extra["h1-sum"], "h1:ab=");
        assert!(!ab.extra.contains_key("main-module"));
        let net = find(&out, "golang.org/x/net");
        assert_eq!(net.version, "v0.17.0");
        assert_eq!(net.extra["replaced-by"], "github.com/fork/net");
        assert_eq!(net.extra["replacement-h1-sum"], "h1:new=");
        let local = find(&out, "example.com/local");
        assert_eq!(local.version, "v0.0.0");
        assert_eq!(local.extra["replaced-by"], "../local");
        assert!(out.packages.iter().all(|p| p.extra["go-version"] == "go1.22.5"));
    }

    #[test]
    fn gopath_build_without_modules_gives_only_stdlib() {
        let elf = Elf::new().section(Section::data(".go.buildinfo", 0x40_0000, inline_section("go1.20.1", b"")));
        let out = scan(&elf.build());
        assert!(out.warnings.is_empty());
        assert_eq!(out.packages.len(), 1);
        assert_eq!(out.packages[0].name, "stdlib");
    }

    #[test]
    fn version_with_experiment_suffix() {
        let modinfo = framed("mod\tx.io/y\t(devel)\t\n");
        let elf = Elf::new().section(Section::data(
            ".go.buildinfo",
            0x40_0000,
            inline_section("go1.21.3 X:boringcrypto", &modinfo),
        ));
        let out = scan(&elf.build());
        let stdlib = find(&out, "stdlib");
        assert_eq!(stdlib.version, "go1.21.3");
        assert_eq!(stdlib.extra["go-version"], "go1.21.3 X:boringcrypto");
    }

    /// A Go 1.13–1.17 header: pointers to string headers in another section.
    fn pointer_elf(big_endian: bool, ptr_size: usize, mod_len_override: Option<u64>) -> Vec<u8> {
        let put = |v: u64, out: &mut Vec<u8>| {
            let b = v.to_le_bytes();
            if big_endian {
                out.extend(b[..ptr_size].iter().rev());
            } else {
                out.extend(&b[..ptr_size]);
            }
        };
        let version = b"go1.16.15";
        let modinfo =
            framed("path\tex.com/old\nmod\tex.com/old\t(devel)\t\ndep\tgithub.com/pkg/errors\tv0.9.1\th1:x=\n");
        let rodata_addr = 0x50_0000u64;
        // rodata: [version header][mod header][version bytes][modinfo bytes]
        let strings_at = rodata_addr + 4 * ptr_size as u64;
        let mut rodata = Vec::new();
        put(strings_at, &mut rodata);
        put(version.len() as u64, &mut rodata);
        put(strings_at + version.len() as u64, &mut rodata);
        put(mod_len_override.unwrap_or(modinfo.len() as u64), &mut rodata);
        rodata.extend(version);
        rodata.extend(&modinfo);

        let mut info = MAGIC.to_vec();
        info.push(ptr_size as u8);
        info.push(u8::from(big_endian));
        put(rodata_addr, &mut info);
        put(rodata_addr + 2 * ptr_size as u64, &mut info);
        info.resize(HEADER_LEN, 0);
        Elf::new()
            .section(Section::data(".go.buildinfo", 0x40_0000, info))
            .section(Section::data(".rodata", rodata_addr, rodata))
            .build()
    }

    #[test]
    fn pointer_format_before_go_1_18() {
        for (big_endian, ptr_size) in [(false, 8), (true, 8), (false, 4), (true, 4)] {
            let out = scan(&pointer_elf(big_endian, ptr_size, None));
            assert!(out.warnings.is_empty(), "{big_endian} {ptr_size}: {:?}", out.warnings);
            assert_eq!(find(&out, "stdlib").version, "go1.16.15");
            assert_eq!(find(&out, "ex.com/old").version, "(devel)");
            assert_eq!(find(&out, "github.com/pkg/errors").version, "v0.9.1");
        }
    }

    #[test]
    fn pointers_past_the_end_warn() {
        // A module string longer than the segment that holds it.
        let out = scan(&pointer_elf(false, 8, Some(1 << 20)));
        assert!(out.packages.is_empty());
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
        assert!(out.warnings[0].message.contains("not in the file"), "{}", out.warnings[0].message);
        assert_eq!(out.warnings[0].path, "usr/bin/app");

        // An implausible length.
        let out = scan(&pointer_elf(false, 8, Some(u64::MAX)));
        assert!(out.packages.is_empty());
        assert!(out.warnings[0].message.contains("implausible"), "{:?}", out.warnings);

        // A version pointer to nowhere.
        let mut info = MAGIC.to_vec();
        info.extend([8, 0]);
        info.extend(0xdead_beef_0000u64.to_le_bytes());
        info.extend(0xdead_beef_0010u64.to_le_bytes());
        let out = scan(&Elf::new().section(Section::data(".go.buildinfo", 0x40_0000, info)).build());
        assert!(out.packages.is_empty());
        assert_eq!(out.warnings.len(), 1);
        assert!(out.warnings[0].message.contains("0xdeadbeef0000"), "{}", out.warnings[0].message);
    }

    #[test]
    fn inline_lengths_past_the_section_warn() {
        let mut section = inline_section("go1.22.0", &framed("mod\ta.b/c\tv1.0.0\t\n"));
        // Claim a longer module string than the section holds.
        let at = HEADER_LEN + 1 + "go1.22.0".len();
        section[at] = 0x7f;
        let out = scan(&Elf::new().section(Section::data(".go.buildinfo", 0x40_0000, section.clone())).build());
        assert!(out.packages.is_empty());
        assert!(out.warnings[0].message.contains("run past"), "{:?}", out.warnings);

        // A varint that never ends.
        section.truncate(at);
        section.extend([0xff; 12]);
        let out = scan(&Elf::new().section(Section::data(".go.buildinfo", 0x40_0000, section)).build());
        assert!(out.warnings[0].message.contains("bad length"), "{:?}", out.warnings);

        // A header cut short by the section's end.
        let out = scan(&Elf::new().section(Section::data(".go.buildinfo", 0x40_0000, MAGIC.to_vec())).build());
        assert!(out.warnings[0].message.contains("cut short"), "{:?}", out.warnings);
    }

    #[test]
    fn section_beyond_the_file_warns() {
        let section = inline_section("go1.22.0", &framed("mod\ta.b/c\tv1.0.0\t\n"));
        let mut elf = Elf::new().section(Section::data(".go.buildinfo", 0x40_0000, section));
        elf.sections[0].offset_override = Some(1 << 40);
        let out = scan(&elf.build());
        assert!(out.packages.is_empty());
        assert_eq!(out.warnings.len(), 1);
        assert!(out.warnings[0].message.contains("outside the file"), "{:?}", out.warnings);
    }

    #[test]
    fn non_go_files_give_nothing() {
        let elf = Elf::new().section(Section::data(".data", 0x40_0000, vec![7; 4096])).build();
        let out = scan(&elf);
        assert!(out.packages.is_empty() && out.warnings.is_empty());
        // A shell script, and bytes that hold the magic as a string, unaligned.
        let out = scan(b"#!/bin/sh\necho hello\n");
        assert!(out.packages.is_empty() && out.warnings.is_empty());
        let mut junk = vec![0u8; 3];
        junk.extend(MAGIC);
        junk.extend([0u8; 64]);
        let out = scan(&junk);
        assert!(out.packages.is_empty() && out.warnings.is_empty());
        assert!(scan(&[]).packages.is_empty());
    }

    #[test]
    fn inline_info_in_an_unparsable_file_is_still_found() {
        // The inline format needs no addresses: a damaged object file still tells.
        let mut bytes = vec![0u8; 64];
        bytes.extend(inline_section("go1.23.1", &framed("mod\tex.com/z\tv1.0.0\t\n")));
        let out = scan(&bytes);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(find(&out, "ex.com/z").version, "v1.0.0");
    }

    #[test]
    fn fuzzed_headers_never_panic() {
        let base = pointer_elf(false, 8, None);
        let info = inline_section("go1.22.0", &framed("mod\ta.b/c\tv1.0.0\t\ndep\tx.y/z\tv2.0.0\t\n"));
        let inline = Elf::new().section(Section::data(".go.buildinfo", 0x40_0000, info)).build();
        for bytes in [base, inline] {
            let at = memmem::find(&bytes, MAGIC).expect("magic");
            for i in 14..at + 200 {
                for v in [0u8, 1, 2, 3, 4, 8, 0x7f, 0x80, 0xff] {
                    let mut b = bytes.clone();
                    if i < b.len() {
                        b[i] = v;
                    }
                    let _ = scan(&b);
                }
            }
            for cut in (0..bytes.len()).step_by(7) {
                let _ = scan(&bytes[..cut]);
            }
        }
    }

    #[test]
    fn malformed_lines_warn_but_the_rest_is_kept() {
        let modinfo =
            framed("mod\tex.com/m\tv1.0.0\t\ndep\t\tv1\t\n=>\t\t\t\nbuild\tnoequals\ndep\tok.io/x\tv0.1.0\t\n");
        let out =
            scan(&Elf::new().section(Section::data(".go.buildinfo", 0, inline_section("go1.22.0", &modinfo))).build());
        assert_eq!(out.packages.len(), 3);
        assert_eq!(find(&out, "ok.io/x").version, "v0.1.0");
        assert_eq!(out.warnings.len(), 1);
        assert!(out.warnings[0].message.contains("3 module line(s)"), "{:?}", out.warnings);
    }

    #[test]
    fn unquote_build_settings() {
        assert_eq!(unquote("plain"), "plain");
        assert_eq!(unquote(r#""-s -w \"x\"""#), r#"-s -w "x""#);
        assert_eq!(unquote(r#""a\tb\\""#), "a\tb\\");
        assert_eq!(unquote("\"\\"), "\"\\");
    }
}
