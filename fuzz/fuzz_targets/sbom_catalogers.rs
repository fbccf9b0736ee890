//! The SBOM catalogers on one file: the first byte picks where in a root filesystem the
//! rest of the input is placed (a package database, a language manifest, a lockfile or
//! `etc/os-release`); every tree cataloger that wants that path reads it, and the binary
//! catalogers scan it as an executable.
#![no_main]
use dockward_sbom::catalog::{self, CatalogOutput};
use dockward_sbom::{FileTree, MemTree};
use libfuzzer_sys::fuzz_target;

const PATHS: &[&str] = &[
    "var/lib/dpkg/status",
    "lib/apk/db/installed",
    "var/lib/rpm/Packages",
    "var/lib/rpm/Packages.db",
    "var/lib/rpm/rpmdb.sqlite",
    "usr/lib/python3/site-packages/pkg-1.0.dist-info/METADATA",
    "usr/lib/node_modules/pkg/package.json",
    "usr/local/bundle/specifications/pkg-1.0.gemspec",
    "app/vendor/composer/installed.json",
    "app/app.deps.json",
    "app/package-lock.json",
    "app/yarn.lock",
    "app/pnpm-lock.yaml",
    "app/composer.lock",
    "app/poetry.lock",
    "app/Pipfile.lock",
    "app/uv.lock",
    "app/requirements.txt",
    "app/Cargo.lock",
    "app/go.mod",
    "app/Gemfile.lock",
    "app/packages.lock.json",
    "etc/os-release",
    "usr/bin/app",
    "app/lib/app.jar",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let path = PATHS[selector as usize % PATHS.len()];
    let tree = MemTree::new().with_file(path, bytes.to_vec());
    let tree: &dyn FileTree = &tree;
    let (distro, _) = dockward_sbom::os::detect(tree);
    let mut out = CatalogOutput::default();
    for cataloger in catalog::tree_catalogers().into_iter().chain(catalog::lockfile_catalogers()) {
        if cataloger.wants(path).is_some() {
            cataloger.catalog(tree, &[path], distro.as_ref(), &mut out);
        }
    }
    let _ = catalog::scan_file(path, bytes);
});
