//! Lockfiles through the public API: read in directories and by `lockfile_packages`,
//! never in images.

use std::path::Path;

use dockward_image::ReadLimits;
use dockward_sbom::purl::purl;
use dockward_sbom::{inventory_archive, inventory_dir, lockfile_packages, Ecosystem, Inventory};

const PACKAGE_LOCK: &str = r#"{
  "name": "web", "lockfileVersion": 3,
  "packages": {
    "": {"name": "web", "version": "1.0.0"},
    "node_modules/a": {"version": "1.0.0"},
    "node_modules/@types/b": {"version": "2.0.0", "dev": true}
  }
}"#;

fn write(root: &Path, path: &str, data: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, data).unwrap();
}

/// (name, version, location, purl, dev) of the packages of one ecosystem.
fn listed(inv: &Inventory, ecosystem: Ecosystem) -> Vec<(&str, &str, &str, &str, bool)> {
    inv.packages
        .iter()
        .filter(|p| p.ecosystem == ecosystem)
        .map(|p| {
            (p.name.as_str(), p.version.as_str(), p.location.as_str(), p.purl.as_str(), p.extra.contains_key("dev"))
        })
        .collect()
}

#[test]
fn a_directory_lists_the_dependencies_its_lockfiles_declare() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "web/package-lock.json", PACKAGE_LOCK);
    // `a` is installed as locked: listed once, as installed.
    write(root, "web/node_modules/a/package.json", r#"{"name": "a", "version": "1.0.0"}"#);
    // A dependency's own lockfile is not the project's.
    write(root, "web/node_modules/a/package-lock.json", r#"{"dependencies": {"z": {"version": "9.0.0"}}}"#);
    write(root, "api/requirements.txt", "Requests==2.31.0\nflask>=2\n");
    write(
        root,
        "api/.venv/lib/python3.12/site-packages/requests-2.31.0.dist-info/METADATA",
        "Name: requests\nVersion: 2.31.0\n",
    );
    write(root, "cli/go.mod", "module example.com/cli\n\ngo 1.21\n\nrequire golang.org/x/net v0.17.0 // indirect\n");
    write(root, "cli/Cargo.lock", "version = 3\n[[package]]\nname = \"cli\"\nversion = \"0.1.0\"\n");
    let inv = inventory_dir(root).unwrap();

    assert_eq!(
        listed(&inv, Ecosystem::Npm),
        [
            ("@types/b", "2.0.0", "web/package-lock.json", "pkg:npm/%40types/b@2.0.0", true),
            ("a", "1.0.0", "web/node_modules/a/package.json", "pkg:npm/a@1.0.0", false),
        ]
    );
    let installed_requests = "api/.venv/lib/python3.12/site-packages/requests-2.31.0.dist-info/METADATA";
    assert_eq!(
        listed(&inv, Ecosystem::PyPi),
        [("requests", "2.31.0", installed_requests, "pkg:pypi/requests@2.31.0", false)]
    );
    assert_eq!(
        listed(&inv, Ecosystem::Go),
        [("golang.org/x/net", "v0.17.0", "cli/go.mod", "pkg:golang/golang.org/x/net@v0.17.0", false)]
    );
    assert_eq!(listed(&inv, Ecosystem::Crates), [("cli", "0.1.0", "cli/Cargo.lock", "pkg:cargo/cli@0.1.0", false)]);
    let lockfile_packages = inv.packages.iter().filter(|p| p.extra.get("from-lockfile").is_some_and(|v| v == "true"));
    assert_eq!(lockfile_packages.count(), 3);
    let warnings: Vec<(&str, &str)> = inv.warnings.iter().map(|w| (w.path.as_str(), w.message.as_str())).collect();
    assert_eq!(warnings, [("api/requirements.txt", "1 requirement is not pinned: not checked")]);
}

/// A docker-archive of one layer holding `files`.
fn archive(files: &[(&str, &str)]) -> Vec<u8> {
    let mut layer = tar::Builder::new(Vec::new());
    for (path, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_mode(0o644);
        h.set_size(data.len() as u64);
        layer.append_data(&mut h, path, data.as_bytes()).unwrap();
    }
    let layer = layer.into_inner().unwrap();
    let manifest = serde_json::json!([{ "Config": "c.json", "RepoTags": ["web:1"], "Layers": ["l/layer.tar"] }]);
    let manifest = serde_json::to_vec(&manifest).unwrap();
    let mut outer = tar::Builder::new(Vec::new());
    for (path, data) in [("l/layer.tar", &layer), ("manifest.json", &manifest)] {
        let mut h = tar::Header::new_ustar();
        h.set_mode(0o644);
        h.set_size(data.len() as u64);
        outer.append_data(&mut h, path, &data[..]).unwrap();
    }
    outer.into_inner().unwrap()
}

#[test]
fn an_image_lists_what_it_installed_not_its_lockfiles() {
    let bytes = archive(&[
        ("app/package-lock.json", PACKAGE_LOCK),
        ("app/node_modules/a/package.json", r#"{"name": "a", "version": "1.0.0"}"#),
        ("app/requirements.txt", "django==4.2.1\nflask\n"),
        ("app/go.mod", "module m\nrequire example.com/x v1.0.0\n"),
    ]);
    let inventories = inventory_archive(&bytes[..], &ReadLimits::default()).unwrap();
    assert_eq!(inventories.len(), 1);
    let inv = &inventories[0];
    let got: Vec<(&str, &str, &str)> =
        inv.packages.iter().map(|p| (p.name.as_str(), p.version.as_str(), p.location.as_str())).collect();
    assert_eq!(got, [("a", "1.0.0", "app/node_modules/a/package.json")]);
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
}

#[test]
fn lockfile_packages_reads_every_format() {
    let cases: [(&str, &str, &[&str]); 12] = [
        ("web/package-lock.json", PACKAGE_LOCK, &["pkg:npm/%40types/b@2.0.0", "pkg:npm/a@1.0.0"]),
        ("yarn.lock", "lodash@^4.17.0:\n  version \"4.17.21\"\n", &["pkg:npm/lodash@4.17.21"]),
        (
            "pnpm-lock.yaml",
            "lockfileVersion: '6.0'\npackages:\n  /@s/x@1.0.0(p@1.0.0):\n    dev: false\n",
            &["pkg:npm/%40s/x@1.0.0"],
        ),
        (
            "composer.lock",
            r#"{"packages": [{"name": "monolog/monolog", "version": "3.4.0"}]}"#,
            &["pkg:composer/monolog/monolog@3.4.0"],
        ),
        ("poetry.lock", "[[package]]\nname = \"Jinja2\"\nversion = \"2.10\"\n", &["pkg:pypi/jinja2@2.10"]),
        ("Pipfile.lock", r#"{"default": {"urllib3": {"version": "==1.24.1"}}}"#, &["pkg:pypi/urllib3@1.24.1"]),
        ("uv.lock", "version = 1\n[[package]]\nname = \"My_Pkg\"\nversion = \"1.0\"\n", &["pkg:pypi/my-pkg@1.0"]),
        ("requirements-dev.txt", "pytest==7.4.0 --hash=sha256:x\n", &["pkg:pypi/pytest@7.4.0"]),
        (
            "Cargo.lock",
            "[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+x\"\n",
            &["pkg:cargo/smallvec@1.6.0"],
        ),
        (
            "go.mod",
            "module m\ngo 1.22\ntoolchain go1.22.1\nrequire github.com/a/b v1.2.3\n",
            &["pkg:golang/github.com/a/b@v1.2.3"],
        ),
        ("Gemfile.lock", "GEM\n  specs:\n    nokogiri (1.15.4-x86_64-linux)\n", &["pkg:gem/nokogiri@1.15.4"]),
        (
            "packages.lock.json",
            r#"{"dependencies": {"net8.0": {"Newtonsoft.Json": {"resolved": "13.0.1"}}}}"#,
            &["pkg:nuget/Newtonsoft.Json@13.0.1"],
        ),
    ];
    for (path, text, want) in cases {
        let out = lockfile_packages(path, text.as_bytes());
        assert!(out.warnings.is_empty(), "{path}: {:?}", out.warnings);
        let mut purls: Vec<String> = out.packages.iter().map(|p| purl(p, None)).collect();
        purls.sort();
        assert_eq!(purls, want, "{path}");
        assert!(out.packages.iter().all(|p| p.location == path && p.purl.is_empty()), "{path}");
        assert!(out.packages.iter().all(|p| p.extra["from-lockfile"] == "true"), "{path}");
    }
}

#[test]
fn lockfile_packages_keeps_the_path_it_was_given_and_says_what_it_cannot_read() {
    let out = lockfile_packages("/srv/app/node_modules/x/../../requirements.txt", b"a==1.0\nbad line here\n");
    assert_eq!(out.packages.len(), 1);
    assert_eq!(out.packages[0].location, "/srv/app/node_modules/x/../../requirements.txt");
    assert_eq!(out.warnings.len(), 1);
    assert_eq!(out.warnings[0].path, "/srv/app/node_modules/x/../../requirements.txt");
    assert_eq!(out.warnings[0].message, "line 2: `line here` is not a version specifier, skipped");

    // Named by the caller: read even where a directory walk would not look.
    let out = lockfile_packages("vendor/acme/composer.lock", br#"{"packages": [{"name": "a/b", "version": "1"}]}"#);
    assert_eq!(out.packages.len(), 1);

    let out = lockfile_packages("app/package.json", b"{}");
    assert!(out.packages.is_empty());
    assert_eq!(out.warnings[0].message, "not a lockfile dockward reads");

    let out = lockfile_packages("go.mod", b"\xff\xfe");
    assert!(out.packages.is_empty());
    assert_eq!(out.warnings[0].message, "line 1: not UTF-8 text, skipped");

    let big = vec![b' '; 64 * 1024 * 1024 + 1];
    let out = lockfile_packages("yarn.lock", &big);
    assert!(out.packages.is_empty());
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].message.contains("over the"), "{}", out.warnings[0].message);
}

#[test]
fn garbage_in_any_lockfile_never_panics() {
    let names = [
        "package-lock.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "composer.lock",
        "poetry.lock",
        "Pipfile.lock",
        "uv.lock",
        "requirements.txt",
        "Cargo.lock",
        "go.mod",
        "Gemfile.lock",
        "packages.lock.json",
    ];
    let samples: [&[u8]; 10] = [
        b"",
        b"\x00\x01\x02",
        b"{\"packages\": {\"node_modules/\": {\"version\": \"\"}}}",
        b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        b"packages:\n  '\n  /@\n  @/:\n    version:\n",
        b"GEM\n  specs:\n    (\n    )\n    x (-)\n",
        b"require (\nreplace =>\n=> =>\n\"\n`\n",
        b"a==\n[x]==1\nb[==1\n\\\n\\",
        b"\"@:\":\n  version:\n__metadata:\n",
        b"[[package]]\n[[package]]\nname = 1\n",
    ];
    for name in names {
        for sample in samples {
            let _ = lockfile_packages(name, sample);
        }
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let _ = lockfile_packages(name, deep.as_bytes());
        let nested = "{\"dependencies\": ".repeat(10_000);
        let _ = lockfile_packages(name, nested.as_bytes());
    }
}
