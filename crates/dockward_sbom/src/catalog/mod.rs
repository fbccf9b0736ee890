//! The catalogers and the lists of them.
//!
//! [`tree_catalogers`] read what a package manager *installed* (images and
//! directories); [`lockfile_catalogers`] read what a project *declares* in its
//! lockfiles (directories and `dockward check` only, never images).
//!
//! Two shapes:
//! - a [`TreeCataloger`] reads package databases and metadata files it names by path
//!   (`var/lib/dpkg/status`, `*.dist-info/METADATA`) from a [`FileTree`];
//! - a [`BinaryCataloger`] looks at one file's bytes (a Go or Rust binary, a jar) while
//!   the image streams past, because such files are too many and too large to keep.
//!
//! Each cataloger is a small module with its own tests. Catalogers never panic on bad
//! input: they push a located [`Warning`] and go on with the rest.

pub mod apk;
pub mod dotnet;
pub mod dpkg;
pub mod lockfile;
pub mod node;
pub mod php;
pub mod python;
pub mod rpm;
pub mod ruby;
mod textutil;

use crate::model::{Distro, Package, Warning};
use crate::tree::FileTree;

pub mod gobinary;
pub mod java;
pub mod rustaudit;
#[cfg(test)]
mod testelf;

/// What a cataloger produced.
#[derive(Debug, Default)]
pub struct CatalogOutput {
    pub packages: Vec<Package>,
    pub warnings: Vec<Warning>,
}

impl CatalogOutput {
    pub fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Warning::new(path, message));
    }
}

/// A cataloger of files named by path.
pub trait TreeCataloger: Sync {
    /// Short name (`dpkg`, `python`), for warnings and `--debug`.
    fn name(&self) -> &'static str;

    /// Whether this cataloger reads `path` (relative, no leading `/`), and the largest
    /// size it accepts. Called for every file of an image as it streams past: cheap
    /// string tests only. The image reader keeps the bytes of the files wanted here.
    fn wants(&self, path: &str) -> Option<u64>;

    /// Reads its packages from the tree. `paths` are the tree's entries this
    /// cataloger wanted, sorted.
    fn catalog(&self, tree: &dyn FileTree, paths: &[&str], distro: Option<&Distro>, out: &mut CatalogOutput);
}

/// A cataloger of single files that carry their own metadata (binaries, archives).
pub trait BinaryCataloger: Sync {
    fn name(&self) -> &'static str;

    /// Whether the file may be one this cataloger reads, from its path, permission
    /// bits and size alone (before any byte is read); and the largest size it reads.
    fn wants(&self, path: &str, mode: u32, size: u64) -> Option<u64>;

    /// Scans the whole file. `path` becomes the packages' `location`.
    fn scan(&self, path: &str, bytes: &[u8], out: &mut CatalogOutput);
}

/// Whether a file may be a native executable: any execute bit, or a `.exe` name
/// (Windows binaries in an image need not be executable for Linux).
pub(crate) fn executable_candidate(path: &str, mode: u32) -> bool {
    if mode & 0o111 != 0 {
        return true;
    }
    let name = path.rsplit('/').next().unwrap_or(path).as_bytes();
    name.len() > 4 && name[name.len() - 4..].eq_ignore_ascii_case(b".exe")
}

/// Every tree cataloger, in the order they run.
pub fn tree_catalogers() -> Vec<&'static dyn TreeCataloger> {
    vec![
        &dpkg::Dpkg,
        &apk::Apk,
        &rpm::RpmCataloger,
        &python::Python,
        &node::Node,
        &ruby::Ruby,
        &php::Php,
        &dotnet::DotNet,
    ]
}

/// Every lockfile cataloger: the declared dependencies of a project. Kept apart from
/// [`tree_catalogers`]: images are read for what is installed only.
pub fn lockfile_catalogers() -> Vec<&'static dyn TreeCataloger> {
    use lockfile::*;
    vec![
        &npm::NPM_LOCK,
        &yarn::YARN_LOCK,
        &pnpm::PNPM_LOCK,
        &composer::COMPOSER_LOCK,
        &poetry::POETRY_LOCK,
        &pipfile::PIPFILE_LOCK,
        &uv::UV_LOCK,
        &requirements::REQUIREMENTS,
        &cargo::CARGO_LOCK,
        &gomod::GO_MOD,
        &gemfile::GEMFILE_LOCK,
        &nuget::NUGET_LOCK,
    ]
}

/// Every binary cataloger.
pub fn binary_catalogers() -> Vec<&'static dyn BinaryCataloger> {
    vec![&gobinary::GoBinaryCataloger, &rustaudit::RustAuditCataloger, &java::JavaCataloger::DEFAULT]
}

/// The permission bits [`scan_file`] assumes: a regular file, executable by all.
pub const SCAN_FILE_MODE: u32 = 0o755;

/// Runs every binary cataloger that wants `path` on its bytes: for tests, and for a
/// directory walker that has already read the file. The file is taken to have mode
/// [`SCAN_FILE_MODE`] (a caller that knows the real mode and wants the executable-bit
/// test asks each cataloger's [`BinaryCataloger::wants`] itself). A cataloger whose
/// size cap is smaller than the file is skipped with a warning.
pub fn scan_file(path: &str, bytes: &[u8]) -> CatalogOutput {
    let mut out = CatalogOutput::default();
    let size = bytes.len() as u64;
    for cataloger in binary_catalogers() {
        let Some(cap) = cataloger.wants(path, SCAN_FILE_MODE, size) else { continue };
        if size > cap {
            out.warn(
                path,
                format!("{size} bytes, over the {cap}-byte limit of the {} cataloger: not scanned", cataloger.name()),
            );
            continue;
        }
        cataloger.scan(path, bytes, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BINARIES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/vuln/binaries");

    #[test]
    fn binary_catalogers_have_distinct_names() {
        let mut names: Vec<&str> = binary_catalogers().iter().map(|c| c.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names, ["go-binary", "java-archive", "rust-audit"]);
    }

    #[test]
    fn scan_file_runs_the_catalogers_that_want_the_file() {
        for (file, expected) in [
            ("go/demo-go1.19.8", vec![("stdlib", "go1.19.8"), ("example.com/demo", "(devel)")]),
            ("rust/demo-cargo-auditable", vec![("demo", "0.1.0"), ("smallvec", "1.6.0")]),
        ] {
            let Ok(bytes) = std::fs::read(format!("{BINARIES}/{file}")) else {
                eprintln!("skipped: {file} not present");
                continue;
            };
            let out = scan_file("usr/local/bin/demo", &bytes);
            assert!(out.warnings.is_empty(), "{file}: {:?}", out.warnings);
            let got: Vec<(&str, &str)> = out.packages.iter().map(|p| (p.name.as_str(), p.version.as_str())).collect();
            assert_eq!(got, expected, "{file}");
        }
    }

    #[test]
    fn scan_file_skips_what_no_cataloger_wants() {
        let out = scan_file("etc/motd", b"hello");
        assert!(out.packages.is_empty() && out.warnings.is_empty());
        // A `.jar` that is not a zip: only the Java cataloger speaks.
        let out = scan_file("app/x-1.0.jar", &[0u8; 2048]);
        assert!(out.packages.is_empty());
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
        assert!(out.warnings[0].message.contains("zip"), "{}", out.warnings[0].message);
    }
}

#[cfg(test)]
mod registry_tests {
    use super::*;
    use crate::memtree::MemTree;
    use crate::model::Ecosystem;

    #[test]
    fn every_tree_cataloger_is_registered_once_and_runs_on_its_own_files() {
        let catalogers = tree_catalogers();
        let mut names: Vec<&str> = catalogers.iter().map(|c| c.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), catalogers.len());

        let tree = MemTree::new()
            .with_file("var/lib/dpkg/status", "Package: a\nStatus: install ok installed\nVersion: 1\n")
            .with_file("lib/apk/db/installed", "P:b\nV:1-r0\n")
            .with_file("usr/lib/python3/site-packages/c-1.dist-info/METADATA", "Name: c\nVersion: 1\n")
            .with_file("app/node_modules/d/package.json", r#"{"name": "d", "version": "1.0.0"}"#)
            .with_file("gems/specifications/e-1.0.gemspec", "s.name = 'e'\ns.version = '1.0'\n")
            .with_file("app/vendor/composer/installed.json", r#"[{"name": "f/f", "version": "1.0"}]"#)
            .with_file("app/App.deps.json", r#"{"libraries": {"G/1.0.0": {"type": "package"}}}"#)
            .with_file("etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        let mut found = Vec::new();
        for cataloger in &catalogers {
            if cataloger.name() == "rpm" {
                // rpm databases are binary files: its own tests read real ones.
                continue;
            }
            let paths: Vec<&str> =
                tree.entries().iter().map(|e| e.path.as_str()).filter(|p| cataloger.wants(p).is_some()).collect();
            assert_eq!(paths.len(), 1, "{} wants {paths:?}", cataloger.name());
            let mut out = CatalogOutput::default();
            cataloger.catalog(&tree, &paths, None, &mut out);
            assert!(out.warnings.is_empty(), "{}: {:?}", cataloger.name(), out.warnings);
            found.extend(out.packages.into_iter().map(|p| (p.ecosystem, p.name)));
        }
        found.sort();
        let want = [
            (Ecosystem::Deb, "a"),
            (Ecosystem::Apk, "b"),
            (Ecosystem::PyPi, "c"),
            (Ecosystem::Npm, "d"),
            (Ecosystem::RubyGems, "e"),
            (Ecosystem::Packagist, "f/f"),
            (Ecosystem::NuGet, "G"),
        ];
        assert_eq!(found, want.map(|(e, n)| (e, n.to_string())));
    }

    #[test]
    fn lockfile_catalogers_are_apart_and_each_reads_its_own_file() {
        let installed: Vec<&str> = tree_catalogers().iter().map(|c| c.name()).collect();
        let catalogers = lockfile_catalogers();
        let mut names: Vec<&str> = catalogers.iter().map(|c| c.name()).collect();
        assert!(names.iter().all(|n| !installed.contains(n)), "{names:?} / {installed:?}");
        names.sort();
        names.dedup();
        assert_eq!(names.len(), catalogers.len());
        // No installed cataloger reads a lockfile.
        for lockfile in ["app/package-lock.json", "app/yarn.lock", "app/poetry.lock", "app/Cargo.lock", "app/go.mod"] {
            assert!(tree_catalogers().iter().all(|c| c.wants(lockfile).is_none()), "{lockfile}");
        }

        let tree = MemTree::new()
            .with_file(
                "p/package-lock.json",
                r#"{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": "1.0.0"}}}"#,
            )
            .with_file("p/yarn.lock", "b@^1:\n  version \"1.0.0\"\n")
            .with_file("p/pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages:\n  c@1.0.0:\n    resolution: {}\n")
            .with_file("p/composer.lock", r#"{"packages": [{"name": "d/d", "version": "1.0.0"}]}"#)
            .with_file("p/poetry.lock", "[[package]]\nname = \"e\"\nversion = \"1.0\"\n")
            .with_file("p/Pipfile.lock", r#"{"default": {"f": {"version": "==1.0"}}}"#)
            .with_file("p/uv.lock", "version = 1\n[[package]]\nname = \"g\"\nversion = \"1.0\"\n")
            .with_file("p/requirements.txt", "h==1.0\n")
            .with_file("p/Cargo.lock", "[[package]]\nname = \"i\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\n")
            .with_file("p/go.mod", "module m\nrequire j v1.0.0\n")
            .with_file("p/Gemfile.lock", "GEM\n  specs:\n    k (1.0)\n")
            .with_file("p/packages.lock.json", r#"{"dependencies": {"net8.0": {"L": {"resolved": "1.0.0"}}}}"#)
            .with_file("p/package.json", r#"{"name": "p", "version": "1.0.0"}"#);
        let mut found = Vec::new();
        for cataloger in &catalogers {
            let paths: Vec<&str> =
                tree.entries().iter().map(|e| e.path.as_str()).filter(|p| cataloger.wants(p).is_some()).collect();
            assert_eq!(paths.len(), 1, "{} wants {paths:?}", cataloger.name());
            let mut out = CatalogOutput::default();
            cataloger.catalog(&tree, &paths, None, &mut out);
            assert!(out.warnings.is_empty(), "{}: {:?}", cataloger.name(), out.warnings);
            assert!(out.packages.iter().all(|p| p.extra["from-lockfile"] == "true" && p.location == paths[0]));
            found.extend(out.packages.into_iter().map(|p| (p.ecosystem, p.name)));
        }
        found.sort();
        let want = [
            (Ecosystem::PyPi, "e"),
            (Ecosystem::PyPi, "f"),
            (Ecosystem::PyPi, "g"),
            (Ecosystem::PyPi, "h"),
            (Ecosystem::Npm, "a"),
            (Ecosystem::Npm, "b"),
            (Ecosystem::Npm, "c"),
            (Ecosystem::RubyGems, "k"),
            (Ecosystem::Packagist, "d/d"),
            (Ecosystem::NuGet, "L"),
            (Ecosystem::Go, "j"),
            (Ecosystem::Crates, "i"),
        ];
        assert_eq!(found, want.map(|(e, n)| (e, n.to_string())));
    }
}
