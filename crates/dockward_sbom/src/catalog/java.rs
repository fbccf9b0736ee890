//! Java archives (`.jar`, `.war`, `.ear`, `.par`, `.jpi`, `.hpi`): the Maven
//! coordinates they carry, and those of the archives nested in them.
//!
//! Per archive, in order of trust:
//! 1. every `META-INF/maven/<group>/<artifact>/pom.properties` (`groupId`,
//!    `artifactId`, `version`) is one package `group:artifact` (a shaded jar holds
//!    several);
//! 2. else the main section of `META-INF/MANIFEST.MF`: `Implementation-Title` or
//!    `Bundle-SymbolicName`, `Implementation-Version` or `Bundle-Version`,
//!    `Implementation-Vendor-Id` as the group (extra `from=manifest`);
//! 3. else the file name `name-1.2.3.jar` (extra `from=filename`).
//!
//! Nested archives (`WEB-INF/lib/*.jar`, `BOOT-INF/lib/*.jar`, an ear's modules, any
//! archive entry) are read in memory, to a depth of [`Limits::max_depth`]; their
//! packages keep the outer file as `location` and the path inside it as
//! `inner_path` (`WEB-INF/lib/x.jar`, `lib/a.jar!lib/b.jar` deeper down).
//!
//! Archives are hostile input: the entry count, each entry's size (declared and
//! actual), its compression ratio and the total decompressed per outer file are
//! bounded, and each refusal is a warning naming the file; the rest goes on.

use std::io::{Cursor, Read};

use memchr::memmem;
use zip::ZipArchive;

use super::{BinaryCataloger, CatalogOutput};
use crate::model::{Ecosystem, Package};

/// The bounds that keep a hostile archive from costing more than a large real one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest outer file read.
    pub max_file: u64,
    /// How deep nested archives are read (1: the archives directly inside the file).
    pub max_depth: usize,
    /// Total bytes decompressed for one outer file, nested archives included.
    pub max_total: u64,
    /// Archives declaring more entries are not read.
    pub max_entries: u64,
    /// Largest nested archive read.
    pub max_nested: u64,
    /// Largest `pom.properties` or `MANIFEST.MF` read.
    pub max_meta: u64,
    /// An entry of at least `ratio_min_size` bytes that compresses better than
    /// `max_ratio`:1 is not read (deflate cannot do much better than 1032:1).
    pub max_ratio: u64,
    pub ratio_min_size: u64,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        max_file: 256 << 20,
        max_depth: 4,
        max_total: 512 << 20,
        max_entries: 100_000,
        max_nested: 256 << 20,
        max_meta: 1 << 20,
        max_ratio: 1000,
        ratio_min_size: 1 << 20,
    };
}

/// The cataloger, with its limits.
#[derive(Debug, Clone, Copy)]
pub struct JavaCataloger {
    pub limits: Limits,
}

impl JavaCataloger {
    pub const DEFAULT: JavaCataloger = JavaCataloger { limits: Limits::DEFAULT };
}

const EXTENSIONS: &[&str] = &[".jar", ".war", ".ear", ".par", ".jpi", ".hpi"];

/// Whether a file or entry name is a Java archive's (case-insensitive).
pub fn is_java_archive(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    base.len() > 4
        && EXTENSIONS.iter().any(|ext| base.get(base.len() - 4..).is_some_and(|e| e.eq_ignore_ascii_case(ext)))
}

impl BinaryCataloger for JavaCataloger {
    fn name(&self) -> &'static str {
        "java-archive"
    }

    fn wants(&self, path: &str, _mode: u32, size: u64) -> Option<u64> {
        // The smallest zip (an empty one) is 22 bytes.
        (size >= 22 && is_java_archive(path)).then_some(self.limits.max_file)
    }

    fn scan(&self, path: &str, bytes: &[u8], out: &mut CatalogOutput) {
        let file_name = path.rsplit('/').next().unwrap_or(path);
        let mut scan =
            Scan { outer: path, limits: self.limits, budget: self.limits.max_total, spent: false, warnings: 0, out };
        scan.archive(bytes, None, file_name, 0);
    }
}

/// One outer file's scan: the budget is shared by every archive nested in it.
struct Scan<'a> {
    outer: &'a str,
    limits: Limits,
    /// Decompressed bytes left for this outer file.
    budget: u64,
    /// The budget ran out: nothing more is read.
    spent: bool,
    /// Warnings given for this file so far.
    warnings: usize,
    out: &'a mut CatalogOutput,
}

/// Warnings kept for one outer file: a hostile archive can hold 100,000 bad entries.
const MAX_WARNINGS: usize = 20;

enum Wanted {
    Pom,
    Manifest,
    Nested,
}

impl Scan<'_> {
    fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.warnings += 1;
        if self.warnings < MAX_WARNINGS {
            self.out.warn(path, message);
        } else if self.warnings == MAX_WARNINGS {
            self.out.warn(self.outer, "more problems in this archive: not listed");
        }
    }

    fn warn_path(&self, inner: Option<&str>) -> String {
        match inner {
            None => self.outer.to_string(),
            Some(inner) => format!("{}!{inner}", self.outer),
        }
    }

    /// Reads one archive: its own packages, then the archives inside it.
    /// `inner` is its path inside the outer file (`None` for the file itself).
    fn archive(&mut self, bytes: &[u8], inner: Option<&str>, file_name: &str, depth: usize) {
        let here = self.warn_path(inner);
        if let Some(n) = declared_entries(bytes).filter(|&n| n > self.limits.max_entries) {
            self.warn(here, format!("zip archive declares {n} entries (over {}): not read", self.limits.max_entries));
            return;
        }
        let mut zip = match ZipArchive::new(Cursor::new(bytes)) {
            Ok(zip) => zip,
            Err(e) => {
                self.warn(here, format!("not a readable zip archive: {e}"));
                return;
            }
        };
        if zip.len() as u64 > self.limits.max_entries {
            self.warn(
                here,
                format!("zip archive holds {} entries (over {}): not read", zip.len(), self.limits.max_entries),
            );
            return;
        }

        let mut wanted = Vec::new();
        for index in 0..zip.len() {
            let Ok(entry) = zip.by_index_data(index) else { continue };
            if entry.is_dir() {
                continue;
            }
            let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
            let kind = if pom_coordinates(&name).is_some() {
                Wanted::Pom
            } else if name.eq_ignore_ascii_case("META-INF/MANIFEST.MF") {
                Wanted::Manifest
            } else if is_java_archive(&name) {
                Wanted::Nested
            } else {
                continue;
            };
            wanted.push((index, name, kind));
        }

        let mut poms = Vec::new();
        let mut manifest = None;
        for (index, name, kind) in &wanted {
            if self.spent {
                break;
            }
            match kind {
                Wanted::Pom => {
                    if let Some(data) = self.read_entry(&mut zip, *index, name, self.limits.max_meta, inner) {
                        poms.push((name.as_str(), properties(&text(&data))));
                    }
                }
                Wanted::Manifest => {
                    if let Some(data) = self.read_entry(&mut zip, *index, name, self.limits.max_meta, inner) {
                        manifest = Some(main_section(&text(&data)));
                    }
                }
                Wanted::Nested => {}
            }
        }
        self.emit(&poms, manifest.as_deref(), inner, file_name);

        let mut too_deep = Vec::new();
        for (index, name, kind) in &wanted {
            if !matches!(kind, Wanted::Nested) {
                continue;
            }
            if self.spent {
                return;
            }
            if depth + 1 > self.limits.max_depth {
                too_deep.push(name.as_str());
                continue;
            }
            let Some(data) = self.read_entry(&mut zip, *index, name, self.limits.max_nested, inner) else { continue };
            let nested_path = match inner {
                None => name.clone(),
                Some(inner) => format!("{inner}!{name}"),
            };
            let nested_name = name.rsplit('/').next().unwrap_or(name);
            self.archive(&data, Some(&nested_path), nested_name, depth + 1);
        }
        if !too_deep.is_empty() {
            let shown: Vec<&str> = too_deep.iter().take(5).copied().collect();
            let more = if too_deep.len() > 5 { format!(" and {} more", too_deep.len() - 5) } else { String::new() };
            self.warn(
                self.warn_path(inner),
                format!(
                    "archives nested deeper than {} levels not read: {}{more}",
                    self.limits.max_depth,
                    shown.join(", ")
                ),
            );
        }
    }

    /// The bytes of one entry, at most `cap`, within the budget; a warning and `None`
    /// for anything a real archive would not do.
    fn read_entry(
        &mut self,
        zip: &mut ZipArchive<Cursor<&[u8]>>,
        index: usize,
        name: &str,
        cap: u64,
        inner: Option<&str>,
    ) -> Option<Vec<u8>> {
        let at = format!("{}!{name}", self.warn_path(inner));
        let (size, compressed) = match zip.by_index_data(index) {
            Ok(entry) => (entry.size(), entry.compressed_size()),
            Err(e) => {
                self.warn(at, format!("unreadable entry: {e}"));
                return None;
            }
        };
        if size > cap {
            self.warn(at, format!("entry declares {size} bytes (over {cap}): not read"));
            return None;
        }
        if size >= self.limits.ratio_min_size && (compressed == 0 || size / compressed > self.limits.max_ratio) {
            self.warn(
                at,
                format!(
                    "entry of {size} bytes compressed to {compressed} (over {}:1): a zip bomb? not read",
                    self.limits.max_ratio
                ),
            );
            return None;
        }
        if size > self.budget {
            self.spent = true;
            self.warn(
                self.outer,
                format!(
                    "over {} decompressed bytes in this file: the rest (from `{name}`) not read",
                    self.limits.max_total
                ),
            );
            return None;
        }
        let mut file = match zip.by_index(index) {
            Ok(file) => file,
            Err(e) => {
                self.warn(at, format!("unreadable entry: {e}"));
                return None;
            }
        };
        // The declared size is a claim: read one byte past it to catch a liar.
        let mut data = Vec::with_capacity(size.min(1 << 20) as usize);
        let result = (&mut file).take(size + 1).read_to_end(&mut data);
        self.budget = self.budget.saturating_sub(data.len() as u64);
        if let Err(e) = result {
            self.warn(at, format!("unreadable entry: {e}"));
            return None;
        }
        if data.len() as u64 > size {
            self.warn(at, format!("entry inflates past its declared {size} bytes: a zip bomb? not read"));
            return None;
        }
        Some(data)
    }

    fn emit(
        &mut self,
        poms: &[(&str, Vec<(String, String)>)],
        manifest: Option<&[(String, String)]>,
        inner: Option<&str>,
        file_name: &str,
    ) {
        let licenses = manifest.and_then(|m| get(m, "Bundle-License")).map(split_licenses).unwrap_or_default();
        let outer = self.outer;
        let new = |name: String, version: &str| {
            let mut p = Package::new(Ecosystem::Maven, name, version, outer);
            p.inner_path = inner.map(str::to_string);
            p
        };
        let mut found = Vec::new();
        for (entry, props) in poms {
            let (path_group, path_artifact) = pom_coordinates(entry).unwrap_or_default();
            let group = get(props, "groupId").filter(|g| !g.is_empty()).unwrap_or(path_group);
            let artifact = get(props, "artifactId").filter(|a| !a.is_empty()).unwrap_or(path_artifact);
            match get(props, "version").filter(|v| !v.is_empty()) {
                Some(version) => found.push(new(format!("{group}:{artifact}"), version)),
                None => self.warn(format!("{}!{entry}", self.warn_path(inner)), "pom.properties has no version"),
            }
        }
        // A manifest's licence is the archive's: it belongs to a lone pom's package too.
        if found.len() == 1 {
            found[0].licenses = licenses.clone();
        }
        if found.is_empty() {
            if let Some((name, version)) = manifest.and_then(from_manifest) {
                let mut p = new(name, &version);
                p.licenses = licenses;
                p.extra.insert("from".into(), "manifest".into());
                found.push(p);
            } else if let Some((name, version)) = from_file_name(file_name) {
                let mut p = new(name.to_string(), version);
                p.extra.insert("from".into(), "filename".into());
                found.push(p);
            }
        }
        self.out.packages.extend(found);
    }
}

/// `(group, artifact)` of a `META-INF/maven/<group>/<artifact>/pom.properties` path.
fn pom_coordinates(name: &str) -> Option<(&str, &str)> {
    let rest = name.strip_prefix("META-INF/maven/")?.strip_suffix("/pom.properties")?;
    let (group, artifact) = rest.split_once('/')?;
    (!group.is_empty() && !artifact.is_empty() && !artifact.contains('/')).then_some((group, artifact))
}

/// UTF-8, or else ISO-8859-1 (what `java.util.Properties` writes).
fn text(data: &[u8]) -> String {
    match std::str::from_utf8(data) {
        Ok(s) => s.to_string(),
        Err(_) => data.iter().map(|&b| char::from(b)).collect(),
    }
}

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str())
}

/// A `.properties` file's pairs: `key=value`, `key: value` or `key value`;
/// `#` and `!` comments; a trailing backslash continues the line; `\t`, `\n`,
/// `\uXXXX` and `\x` escapes.
fn properties(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut logical = String::new();
    for line in text.lines() {
        let line = if logical.is_empty() { line.trim_start() } else { line.trim_start_matches([' ', '\t', '\x0c']) };
        if logical.is_empty() && (line.is_empty() || line.starts_with('#') || line.starts_with('!')) {
            continue;
        }
        let trailing = line.chars().rev().take_while(|&c| c == '\\').count();
        if trailing % 2 == 1 {
            logical.push_str(&line[..line.len() - 1]);
            continue;
        }
        logical.push_str(line);
        pairs.push(property(&logical));
        logical.clear();
    }
    if !logical.is_empty() {
        pairs.push(property(&logical));
    }
    pairs
}

fn property(line: &str) -> (String, String) {
    let mut key = String::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c == '\\' {
            chars.next();
            unescape(&mut chars, &mut key);
            continue;
        }
        if matches!(c, '=' | ':' | ' ' | '\t' | '\x0c') {
            break;
        }
        key.push(c);
        chars.next();
    }
    while chars.peek().is_some_and(|c| matches!(c, ' ' | '\t' | '\x0c')) {
        chars.next();
    }
    if chars.peek().is_some_and(|c| matches!(c, '=' | ':')) {
        chars.next();
    }
    while chars.peek().is_some_and(|c| matches!(c, ' ' | '\t' | '\x0c')) {
        chars.next();
    }
    let mut value = String::new();
    while let Some(c) = chars.next() {
        if c == '\\' {
            unescape(&mut chars, &mut value);
        } else {
            value.push(c);
        }
    }
    (key, value)
}

fn unescape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, out: &mut String) {
    match chars.next() {
        Some('t') => out.push('\t'),
        Some('n') => out.push('\n'),
        Some('r') => out.push('\r'),
        Some('f') => out.push('\x0c'),
        Some('u') => {
            let hex: String = chars.by_ref().take(4).collect();
            match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                Some(c) => out.push(c),
                None => {
                    out.push_str("\\u");
                    out.push_str(&hex);
                }
            }
        }
        Some(c) => out.push(c),
        None => {}
    }
}

/// The main section of a manifest: `Name: value` lines up to the first blank line,
/// a line starting with one space continuing the one before.
fn main_section(text: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    for line in normalized.split('\n') {
        if line.is_empty() {
            if pairs.is_empty() {
                continue;
            }
            break;
        }
        if let Some(more) = line.strip_prefix(' ') {
            if let Some((_, value)) = pairs.last_mut() {
                value.push_str(more);
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            pairs.push((key.trim().to_string(), value.strip_prefix(' ').unwrap_or(value).to_string()));
        }
    }
    for (_, value) in &mut pairs {
        *value = value.trim().to_string();
    }
    pairs
}

/// `(name, version)` from a manifest's main section.
fn from_manifest(m: &[(String, String)]) -> Option<(String, String)> {
    let nonempty = |key| get(m, key).filter(|v| !v.is_empty());
    let title = nonempty("Implementation-Title")
        .or_else(|| nonempty("Bundle-SymbolicName").map(|s| s.split(';').next().unwrap_or(s).trim()))?;
    let version = nonempty("Implementation-Version").or_else(|| nonempty("Bundle-Version"))?;
    let name = match nonempty("Implementation-Vendor-Id") {
        Some(group) => format!("{group}:{title}"),
        None => title.to_string(),
    };
    Some((name, version.to_string()))
}

/// `Bundle-License: Apache-2.0;link="...", MIT` → `["Apache-2.0", "MIT"]`.
fn split_licenses(value: &str) -> Vec<String> {
    let mut licenses = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in value.chars().chain([',']) {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => {
                let license = current.split(';').next().unwrap_or("").trim().trim_matches('"');
                if !license.is_empty() {
                    licenses.push(license.to_string());
                }
                current.clear();
            }
            _ => current.push(c),
        }
    }
    licenses
}

/// `commons-lang3-3.12.0.jar` → (`commons-lang3`, `3.12.0`): split at the last `-`
/// followed by a digit.
fn from_file_name(file_name: &str) -> Option<(&str, &str)> {
    let stem = file_name.rsplit_once('.').map_or(file_name, |(stem, _)| stem);
    let at =
        stem.char_indices().rfind(|&(i, c)| c == '-' && stem[i + 1..].starts_with(|d: char| d.is_ascii_digit()))?.0;
    let (name, version) = (&stem[..at], &stem[at + 1..]);
    (!name.is_empty()).then_some((name, version))
}

/// The entry count an archive's end-of-central-directory record (or its zip64
/// record) declares, before the zip reader believes it.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let tail_start = bytes.len().saturating_sub(22 + 0xffff);
    let eocd = tail_start + memmem::rfind(&bytes[tail_start..], EOCD)?;
    let u16_at = |at: usize| bytes.get(at..at + 2).map(|b| u64::from(u16::from_le_bytes([b[0], b[1]])));
    let entries = u16_at(eocd + 10)?;
    if entries != 0xffff {
        return Some(entries);
    }
    // Zip64: the locator (20 bytes before) points at the zip64 record.
    let locator = eocd.checked_sub(20)?;
    if bytes.get(locator..locator + 4)? != b"PK\x06\x07" {
        return Some(entries);
    }
    let u64_at = |at: usize| bytes.get(at..at + 8).map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])));
    let record = usize::try_from(u64_at(locator + 8)?).ok()?;
    if bytes.get(record..record.checked_add(4)?)? != b"PK\x06\x06" {
        return None;
    }
    u64_at(record.checked_add(32)?)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipWriter};

    use super::*;

    fn jar(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            let method = if is_java_archive(name) { CompressionMethod::Stored } else { CompressionMethod::Deflated };
            w.start_file(*name, SimpleFileOptions::default().compression_method(method)).expect("start");
            w.write_all(data).expect("write");
        }
        w.finish().expect("finish").into_inner()
    }

    fn pom(group: &str, artifact: &str, version: &str) -> (String, Vec<u8>) {
        (
            format!("META-INF/maven/{group}/{artifact}/pom.properties"),
            format!("#Generated by Maven\n#Tue Jan 01 00:00:00 UTC 2024\nversion={version}\ngroupId={group}\nartifactId={artifact}\n")
                .into_bytes(),
        )
    }

    fn scan_with(limits: Limits, path: &str, bytes: &[u8]) -> CatalogOutput {
        let mut out = CatalogOutput::default();
        JavaCataloger { limits }.scan(path, bytes, &mut out);
        out
    }

    fn scan(path: &str, bytes: &[u8]) -> CatalogOutput {
        scan_with(Limits::DEFAULT, path, bytes)
    }

    fn names(out: &CatalogOutput) -> Vec<(String, String, Option<String>)> {
        out.packages.iter().map(|p| (p.name.clone(), p.version.clone(), p.inner_path.clone())).collect()
    }

    #[test]
    fn wants_archives_by_extension() {
        let c = JavaCataloger::DEFAULT;
        for path in ["app/x.jar", "opt/Y.WAR", "z.ear", "a.par", "plugins/git.jpi", "plugins/git.HPI"] {
            assert_eq!(c.wants(path, 0o644, 1000), Some(256 << 20), "{path}");
        }
        for path in ["app/x.zip", "jar", "app/.jar/x", "x.jarx"] {
            assert_eq!(c.wants(path, 0o644, 1000), None, "{path}");
        }
        assert_eq!(c.wants("x.jar", 0o644, 10), None);
    }

    #[test]
    fn pom_properties() {
        let (p1, d1) = pom("org.slf4j", "slf4j-api", "2.0.9");
        let (p2, d2) = pom("com.google.guava", "failureaccess", "1.0.1");
        let manifest = b"Manifest-Version: 1.0\r\nBundle-License: Apache-2.0\r\n\r\n";
        let bytes = jar(&[("META-INF/MANIFEST.MF", manifest), (&p1, &d1), (&p2, &d2), ("org/x/A.class", b"\xca\xfe")]);
        let out = scan("app/lib/shaded-1.0.jar", &bytes);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(
            names(&out),
            [
                ("org.slf4j:slf4j-api".into(), "2.0.9".into(), None),
                ("com.google.guava:failureaccess".into(), "1.0.1".into(), None)
            ]
        );
        assert_eq!(out.packages[0].ecosystem, Ecosystem::Maven);
        assert_eq!(out.packages[0].location, "app/lib/shaded-1.0.jar");
        assert!(out.packages[0].licenses.is_empty(), "two poms: the manifest's licence is not given to either");
        assert!(out.packages[0].extra.is_empty());

        // One pom: the manifest's licence is the archive's.
        let bytes = jar(&[("META-INF/MANIFEST.MF", manifest), (&p1, &d1)]);
        let out = scan("x.jar", &bytes);
        assert_eq!(out.packages[0].licenses, ["Apache-2.0"]);
    }

    #[test]
    fn pom_properties_fallbacks_and_escapes() {
        let props = b"# c\n! c2\n  version : 1.2\\\n    .3\nartifactId=\ngroupId   org\\u002eexample\n";
        let bytes = jar(&[("META-INF/maven/org.example/from-path/pom.properties", props)]);
        let out = scan("x.jar", &bytes);
        assert_eq!(names(&out), [("org.example:from-path".into(), "1.2.3".into(), None)]);

        let bytes = jar(&[("META-INF/maven/g/a/pom.properties", b"groupId=g\nartifactId=a\n")]);
        let out = scan("a-9.9.jar", &bytes);
        assert_eq!(out.warnings.len(), 1);
        assert_eq!(out.warnings[0].path, "a-9.9.jar!META-INF/maven/g/a/pom.properties");
        assert_eq!(names(&out), [("a".into(), "9.9".into(), None)], "falls back to the file name");
    }

    #[test]
    fn manifest_only() {
        let manifest = b"Manifest-Version: 1.0\nImplementation-Title: commons-io\nImplementation-Version: 2.11.0\nImplementation-Vendor-Id: commons-io\nBundle-License: \"Apache-2.0\";link=\"https://www.apache.org/licenses/LICENSE-2.0.txt\", MI\n T\n\nName: org/x/\nImplementation-Version: 9\n";
        let out = scan("lib/commons-io.jar", &jar(&[("META-INF/MANIFEST.MF", manifest)]));
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(names(&out), [("commons-io:commons-io".into(), "2.11.0".into(), None)]);
        assert_eq!(out.packages[0].extra["from"], "manifest");
        assert_eq!(out.packages[0].licenses, ["Apache-2.0", "MIT"]);

        let osgi = b"Manifest-Version: 1.0\r\nBundle-SymbolicName: org.eclipse.osgi; singleton:=true\r\nBundle-Version: 3.18.0.v2022\r\n";
        let out = scan("x.jar", &jar(&[("meta-inf/manifest.mf", osgi)]));
        assert_eq!(names(&out), [("org.eclipse.osgi".into(), "3.18.0.v2022".into(), None)]);
    }

    #[test]
    fn file_name_only() {
        let bytes = jar(&[("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"), ("A.class", b"x")]);
        let out = scan("opt/app/log4j-1.2-api-2.17.1.jar", &bytes);
        assert_eq!(names(&out), [("log4j-1.2-api".into(), "2.17.1".into(), None)]);
        assert_eq!(out.packages[0].extra["from"], "filename");
        let out = scan("opt/app/guava-31.1-jre.jar", &bytes);
        assert_eq!(names(&out), [("guava".into(), "31.1-jre".into(), None)]);
        // No version anywhere: nothing, and no warning.
        let out = scan("opt/app/app.jar", &bytes);
        assert!(out.packages.is_empty() && out.warnings.is_empty());
    }

    #[test]
    fn war_with_jars() {
        let (p, d) = pom("org.slf4j", "slf4j-api", "1.7.36");
        let lib = jar(&[(&p, &d)]);
        let (p2, d2) = pom("org.yaml", "snakeyaml", "1.33");
        let inner_inner = jar(&[(&p2, &d2)]);
        let fat = jar(&[("BOOT-INF/lib/snakeyaml-1.33.jar", &inner_inner)]);
        let (wp, wd) = pom("com.example", "shop", "1.0.0");
        let war = jar(&[
            (&wp, &wd),
            ("WEB-INF/lib/slf4j-api-1.7.36.jar", &lib),
            ("WEB-INF/lib/fat.jar", &fat),
            ("WEB-INF/lib/commons-text-1.9.JAR", &jar(&[("x", b"y")])),
        ]);
        let out = scan("usr/local/tomcat/webapps/shop.war", &war);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(
            names(&out),
            [
                ("com.example:shop".into(), "1.0.0".into(), None),
                ("org.slf4j:slf4j-api".into(), "1.7.36".into(), Some("WEB-INF/lib/slf4j-api-1.7.36.jar".into())),
                (
                    "org.yaml:snakeyaml".into(),
                    "1.33".into(),
                    Some("WEB-INF/lib/fat.jar!BOOT-INF/lib/snakeyaml-1.33.jar".into())
                ),
                ("commons-text".into(), "1.9".into(), Some("WEB-INF/lib/commons-text-1.9.JAR".into())),
            ]
        );
        assert!(out.packages.iter().all(|p| p.location == "usr/local/tomcat/webapps/shop.war"));
    }

    #[test]
    fn nesting_bomb_stops_at_depth_four() {
        let (p6, d6) = pom("g", "d6", "6");
        let mut bytes = jar(&[(&p6, &d6)]);
        for level in (0..6).rev() {
            let (p, d) = pom("g", &format!("d{level}"), &level.to_string());
            let child = format!("lib/d{}.jar", level + 1);
            bytes = jar(&[(&p, &d), (&child, &bytes)]);
        }
        let out = scan("deep.jar", &bytes);
        let got: Vec<String> = out.packages.iter().map(|p| p.name.clone()).collect();
        assert_eq!(got, ["g:d0", "g:d1", "g:d2", "g:d3", "g:d4"]);
        assert_eq!(out.packages[2].inner_path.as_deref(), Some("lib/d1.jar!lib/d2.jar"));
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
        assert_eq!(out.warnings[0].path, "deep.jar!lib/d1.jar!lib/d2.jar!lib/d3.jar!lib/d4.jar");
        assert!(out.warnings[0].message.contains("deeper than 4"), "{}", out.warnings[0].message);
    }

    /// A jar whose entry `name` holds `zeros` zero bytes (deflated) but claims `claim`.
    fn lying_jar(name: &str, zeros: usize, claim: Option<u32>) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        let (p, d) = pom("g", "ok", "1");
        w.start_file(p, SimpleFileOptions::default()).expect("start");
        w.write_all(&d).expect("write");
        w.start_file(name, SimpleFileOptions::default().compression_method(CompressionMethod::Deflated))
            .expect("start");
        let chunk = vec![0u8; 1 << 20];
        let mut left = zeros;
        while left > 0 {
            let n = left.min(chunk.len());
            w.write_all(&chunk[..n]).expect("write");
            left -= n;
        }
        let mut bytes = w.finish().expect("finish").into_inner();
        if let Some(claim) = claim {
            // Patch the uncompressed size in the local and the central header.
            let local = memmem::find_iter(&bytes, b"PK\x03\x04").nth(1).expect("local header");
            bytes[local + 22..local + 26].copy_from_slice(&claim.to_le_bytes());
            let central = memmem::find_iter(&bytes, b"PK\x01\x02").nth(1).expect("central header");
            bytes[central + 24..central + 28].copy_from_slice(&claim.to_le_bytes());
        }
        bytes
    }

    #[test]
    fn zip_bomb_lying_about_its_size() {
        let bytes = lying_jar("lib/bomb.jar", 8 << 20, Some(100));
        let out = scan("bomb.jar", &bytes);
        assert_eq!(names(&out), [("g:ok".into(), "1".into(), None)]);
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
        assert_eq!(out.warnings[0].path, "bomb.jar!lib/bomb.jar");
        assert!(out.warnings[0].message.contains("declared"), "{}", out.warnings[0].message);
    }

    #[test]
    fn zip_bomb_by_compression_ratio() {
        let bytes = lying_jar("lib/zeros.jar", 4 << 20, None);
        let limits = Limits { max_ratio: 200, ..Limits::DEFAULT };
        let out = scan_with(limits, "bomb.war", &bytes);
        assert_eq!(names(&out), [("g:ok".into(), "1".into(), None)]);
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
        assert!(out.warnings[0].message.contains("zip bomb"), "{}", out.warnings[0].message);
        assert_eq!(out.warnings[0].path, "bomb.war!lib/zeros.jar");
    }

    #[test]
    fn zip_bomb_default_limits() {
        // 24 MiB of zeros deflate to about 24 KB: over 1000:1.
        let bytes = lying_jar("WEB-INF/lib/zeros.jar", 24 << 20, None);
        let out = scan("bomb.war", &bytes);
        assert_eq!(names(&out), [("g:ok".into(), "1".into(), None)]);
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
        assert!(out.warnings[0].message.contains("over 1000:1"), "{}", out.warnings[0].message);
    }

    #[test]
    fn total_budget_per_outer_file() {
        // 300 KB that deflate cannot shrink.
        let mut seed = 0x1234_5678u32;
        let noise: Vec<u8> = (0..300_000)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (seed >> 24) as u8
            })
            .collect();
        let a = jar(&[("a.bin", &noise), (&pom("g", "a", "1").0, &pom("g", "a", "1").1)]);
        let war = jar(&[("WEB-INF/lib/a-1.jar", &a), ("WEB-INF/lib/b-1.jar", &a), ("WEB-INF/lib/c-1.jar", &a)]);
        let limits = Limits { max_total: 700_000, ..Limits::DEFAULT };
        let out = scan_with(limits, "x.war", &war);
        // a.bin is not read (not wanted); each nested jar costs about 300 KB.
        assert_eq!(out.packages.len(), 2, "{:?}", names(&out));
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
        assert!(out.warnings[0].message.contains("decompressed bytes"), "{}", out.warnings[0].message);
        assert_eq!(out.warnings[0].path, "x.war");
    }

    #[test]
    fn too_many_entries() {
        let entries: Vec<(String, Vec<u8>)> = (0..5).map(|i| (format!("f{i}"), vec![])).collect();
        let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
        let bytes = jar(&refs);
        assert_eq!(declared_entries(&bytes), Some(5));
        let out = scan_with(Limits { max_entries: 3, ..Limits::DEFAULT }, "many-1.0.jar", &bytes);
        assert!(out.packages.is_empty());
        assert_eq!(out.warnings.len(), 1);
        assert!(out.warnings[0].message.contains("5 entries"), "{}", out.warnings[0].message);
        assert_eq!(scan("many-1.0.jar", &bytes).packages.len(), 1);
    }

    #[test]
    fn truncated_and_bogus_archives() {
        let (p, d) = pom("g", "a", "1");
        let bytes = jar(&[(&p, &d)]);
        for cut in [bytes.len() / 2, bytes.len() - 3, 10, 0] {
            let out = scan("cut-1.0.jar", &bytes[..cut]);
            assert!(out.packages.is_empty(), "{cut}");
            assert_eq!(out.warnings.len(), 1, "{cut}");
            assert_eq!(out.warnings[0].path, "cut-1.0.jar");
        }
        // A nested "jar" that is not a zip.
        let war = jar(&[("WEB-INF/lib/fake.jar", b"not a zip at all")]);
        let out = scan("x.war", &war);
        assert_eq!(out.warnings.len(), 1);
        assert_eq!(out.warnings[0].path, "x.war!WEB-INF/lib/fake.jar");
        // Every byte flipped in turn never panics.
        let war = jar(&[(&p, &d), ("WEB-INF/lib/in-2.jar", &bytes), ("META-INF/MANIFEST.MF", b"A: b\n")]);
        for i in 0..war.len() {
            let mut b = war.clone();
            b[i] ^= 0xff;
            let _ = scan("x.war", &b);
        }
    }

    #[test]
    fn warnings_per_file_are_capped() {
        let names: Vec<String> = (0..50).map(|i| format!("WEB-INF/lib/bad{i}.jar")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"junk"[..])).collect();
        let out = scan("x.war", &jar(&entries));
        assert_eq!(out.warnings.len(), MAX_WARNINGS);
        assert_eq!(out.warnings.last().map(|w| w.path.as_str()), Some("x.war"));
    }

    #[test]
    fn zip64_entry_count() {
        // A zip64 end record declaring 2^40 entries.
        let mut bytes = Vec::new();
        bytes.extend(b"PK\x06\x06");
        bytes.extend(44u64.to_le_bytes());
        bytes.extend([45, 0, 45, 0]);
        bytes.extend([0u8; 8]);
        bytes.extend((1u64 << 40).to_le_bytes());
        bytes.extend((1u64 << 40).to_le_bytes());
        bytes.extend(0u64.to_le_bytes());
        bytes.extend(0u64.to_le_bytes());
        bytes.extend(b"PK\x06\x07");
        bytes.extend(0u32.to_le_bytes());
        bytes.extend(0u64.to_le_bytes());
        bytes.extend(1u32.to_le_bytes());
        bytes.extend(b"PK\x05\x06");
        bytes.extend([0xff; 8]);
        bytes.extend([0xff; 8]);
        bytes.extend([0, 0]);
        assert_eq!(declared_entries(&bytes), Some(1 << 40));
        let out = scan("huge.jar", &bytes);
        assert!(out.warnings[0].message.contains("1099511627776 entries"), "{:?}", out.warnings);
    }

    #[test]
    fn helpers() {
        assert_eq!(from_file_name("a-1.jar"), Some(("a", "1")));
        assert_eq!(from_file_name("-1.jar"), None);
        assert_eq!(from_file_name("spring-core-5.3.20.RELEASE.jar"), Some(("spring-core", "5.3.20.RELEASE")));
        assert_eq!(pom_coordinates("META-INF/maven/g/a/pom.properties"), Some(("g", "a")));
        assert_eq!(pom_coordinates("META-INF/maven/g/a/b/pom.properties"), None);
        assert_eq!(pom_coordinates("META-INF/maven/g//pom.properties"), None);
        assert_eq!(
            split_licenses("EPL-2.0, \"GPL-2.0-with-classpath-exception\";description=\"x, y\""),
            ["EPL-2.0", "GPL-2.0-with-classpath-exception"]
        );
        assert_eq!(properties("a=b\\\n"), [("a".to_string(), "b".to_string())]);
        assert_eq!(properties("k\\uzz"), [("k\\uzz".to_string(), String::new())]);
        assert!(is_java_archive("A/B.Jar") && !is_java_archive(".jar"));
    }
}
