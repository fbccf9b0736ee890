//! Alpine (and Wolfi, Chainguard) packages: `lib/apk/db/installed`, one block of
//! `X:value` lines per package, blocks separated by blank lines.

use crate::catalog::textutil::{read_wanted, MIB};
use crate::catalog::{CatalogOutput, TreeCataloger};
use crate::model::{Distro, Ecosystem, Package};
use crate::tree::FileTree;

pub const INSTALLED: &str = "lib/apk/db/installed";
const INSTALLED_MAX: u64 = 64 * MIB;

/// The apk cataloger.
pub struct Apk;

impl TreeCataloger for Apk {
    fn name(&self) -> &'static str {
        "apk"
    }

    fn wants(&self, path: &str) -> Option<u64> {
        (path == INSTALLED).then_some(INSTALLED_MAX)
    }

    fn catalog(&self, tree: &dyn FileTree, paths: &[&str], _distro: Option<&Distro>, out: &mut CatalogOutput) {
        if !paths.contains(&INSTALLED) {
            return;
        }
        let Some(bytes) = read_wanted(tree, INSTALLED, INSTALLED_MAX, out) else { return };
        parse_installed(&String::from_utf8_lossy(&bytes), INSTALLED, out);
    }
}

/// One package block as it is read.
#[derive(Default)]
struct Block {
    first_line: usize,
    bad_line: Option<usize>,
    name: Option<String>,
    version: Option<String>,
    arch: Option<String>,
    origin: Option<String>,
    license: Option<String>,
    maintainer: Option<String>,
    /// The directory of the last `F:` line; `R:` files are inside it.
    dir: String,
    files: Vec<String>,
}

fn parse_installed(text: &str, path: &str, out: &mut CatalogOutput) {
    let mut block: Option<Block> = None;
    for (index, line) in text.lines().enumerate() {
        let lineno = index + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if let Some(done) = block.take() {
                finish(done, path, out);
            }
            continue;
        }
        let b = block.get_or_insert_with(|| Block { first_line: lineno, ..Block::default() });
        // Every line is one letter, a colon and the value.
        let mut chars = line.chars();
        let (Some(key), Some(':')) = (chars.next(), chars.next()) else {
            b.bad_line.get_or_insert(lineno);
            continue;
        };
        let value = chars.as_str().trim();
        let text = || (!value.is_empty()).then(|| value.to_string());
        match key {
            'P' => b.name = text(),
            'V' => b.version = text(),
            'A' => b.arch = text(),
            'o' => b.origin = text(),
            'L' => b.license = text(),
            'm' => b.maintainer = text(),
            'F' => b.dir = value.trim_matches('/').to_string(),
            'R' if !value.is_empty() => {
                let file = if b.dir.is_empty() { value.to_string() } else { format!("{}/{value}", b.dir) };
                b.files.push(file);
            }
            _ => {}
        }
    }
    if let Some(done) = block {
        finish(done, path, out);
    }
}

fn finish(block: Block, path: &str, out: &mut CatalogOutput) {
    let Some(name) = block.name else {
        let line = block.bad_line.unwrap_or(block.first_line);
        out.warn(path, format!("line {line}: block without a P: (package name) line, skipped"));
        return;
    };
    let Some(version) = block.version else {
        out.warn(path, format!("line {}: package `{name}` has no V: (version) line, skipped", block.first_line));
        return;
    };
    if let Some(line) = block.bad_line {
        out.warn(path, format!("line {line}: not an `X:value` line, ignored"));
    }
    let mut package = Package::new(Ecosystem::Apk, &name, &version, path);
    package.arch = block.arch;
    // The matcher looks advisories up by origin (the source package); an origin
    // is always built at the same version as its subpackages.
    package.source_name = Some(block.origin.unwrap_or(name));
    package.source_version = Some(version);
    package.licenses.extend(block.license);
    if let Some(m) = block.maintainer {
        package.extra.insert("maintainer".into(), m);
    }
    package.files = block.files;
    out.packages.push(package);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memtree::MemTree;

    fn run(text: &str) -> CatalogOutput {
        let tree = MemTree::new().with_file(INSTALLED, text);
        let mut out = CatalogOutput::default();
        Apk.catalog(&tree, &[INSTALLED], None, &mut out);
        out
    }

    const INSTALLED_TEXT: &str = "\
C:Q1abcdefghijklmnopqrstuvwxyz0123=
P:musl
V:1.2.5-r0
A:x86_64
S:411708
I:667648
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Natanael Copa <ncopa@alpinelinux.org>
t:1711112048
c:5ae7ac5e6d3c6fa5b3cd4a5cbbc9e0ed4bd1c0b0
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1xyz=
R:libc.musl-x86_64.so.1

P:libcrypto3
V:3.3.2-r0
A:x86_64
L:Apache-2.0
o:openssl
m:Ariadne Conill <ariadne@dereferenced.org>
F:usr/lib
R:libcrypto.so.3
F:usr/lib/engines-3
R:afalg.so
F:etc/ssl
F:/
R:top

P:alpine-baselayout-data
V:3.6.5-r0
A:x86_64
L:GPL-2.0-only
";

    #[test]
    fn packages_files_and_origins() {
        let out = run(INSTALLED_TEXT);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let names: Vec<&str> = out.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["musl", "libcrypto3", "alpine-baselayout-data"]);

        let musl = &out.packages[0];
        assert_eq!(musl.ecosystem, Ecosystem::Apk);
        assert_eq!(musl.version, "1.2.5-r0");
        assert_eq!(musl.arch.as_deref(), Some("x86_64"));
        assert_eq!(musl.licenses, ["MIT"]);
        assert_eq!(musl.extra["maintainer"], "Natanael Copa <ncopa@alpinelinux.org>");
        assert_eq!(musl.files, ["lib/ld-musl-x86_64.so.1", "lib/libc.musl-x86_64.so.1"]);
        assert_eq!(musl.location, INSTALLED);

        let crypto = &out.packages[1];
        assert_eq!(crypto.source_name.as_deref(), Some("openssl"));
        assert_eq!(crypto.source_version.as_deref(), Some("3.3.2-r0"));
        assert_eq!(crypto.files, ["usr/lib/libcrypto.so.3", "usr/lib/engines-3/afalg.so", "top"]);

        let data = &out.packages[2];
        assert_eq!(data.source_name.as_deref(), Some("alpine-baselayout-data"));
        assert!(data.files.is_empty());
    }

    #[test]
    fn licence_expressions_are_kept_whole() {
        let out = run("P:a\nV:1\nL:MIT OR Apache-2.0\n");
        assert_eq!(out.packages[0].licenses, ["MIT OR Apache-2.0"]);
    }

    #[test]
    fn broken_blocks_warn_and_the_rest_continues() {
        let out = run("V:1\nA:x86_64\n\nP:nover\nA:x86_64\n\n\nP:odd\nV:2\nthis is not a field\n\r\nP:fine\r\nV:3\r\n");
        let names: Vec<&str> = out.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["odd", "fine"]);
        assert_eq!(out.packages[1].version, "3");
        let messages: Vec<&str> = out.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "line 1: block without a P: (package name) line, skipped",
                "line 4: package `nover` has no V: (version) line, skipped",
                "line 10: not an `X:value` line, ignored",
            ]
        );
    }

    #[test]
    fn unreadable_or_absent_database() {
        let tree = MemTree::new().with_symlink(INSTALLED, "/lib/apk/db/installed");
        let mut out = CatalogOutput::default();
        Apk.catalog(&tree, &[INSTALLED], None, &mut out);
        assert!(out.packages.is_empty());
        assert_eq!(out.warnings.len(), 1);
        assert_eq!(out.warnings[0].path, INSTALLED);

        let mut out = CatalogOutput::default();
        Apk.catalog(&tree, &[], None, &mut out);
        assert!(out.packages.is_empty() && out.warnings.is_empty());
    }

    #[test]
    fn wants_only_the_database() {
        assert_eq!(Apk.wants("lib/apk/db/installed"), Some(INSTALLED_MAX));
        assert_eq!(Apk.wants("lib/apk/db/triggers"), None);
    }
}
