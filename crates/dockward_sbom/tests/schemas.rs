//! The SBOM documents validate against the official CycloneDX 1.6 and SPDX 2.3 JSON
//! schemas in `../shared/schemas/`.

use std::collections::HashMap;

use dockward_sbom::model::{Distro, Ecosystem, Inventory, Layer, Package};
use dockward_sbom::output::{render, Producer, SbomFormat};
use jsonschema::{Retrieve, Uri};
use serde_json::Value;

const SCHEMAS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/schemas");

fn load(rel: &str) -> Value {
    let path = format!("{SCHEMAS}/{rel}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// The CycloneDX schema refers to its two neighbours by URL: serve them from disk.
struct Neighbours(HashMap<String, Value>);

impl Retrieve for Neighbours {
    fn retrieve(&self, uri: &Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let key = uri.as_str().rsplit('/').next().unwrap_or("").to_string();
        self.0.get(&key).cloned().ok_or_else(|| format!("no local copy of {uri}").into())
    }
}

fn cyclonedx_validator() -> jsonschema::Validator {
    let mut files = HashMap::new();
    for f in ["spdx.schema.json", "jsf-0.82.schema.json"] {
        files.insert(f.to_string(), load(&format!("cyclonedx-1.6/{f}")));
    }
    jsonschema::draft7::options()
        .with_retriever(Neighbours(files))
        .build(&load("cyclonedx-1.6/bom-1.6.schema.json"))
        .expect("the CycloneDX schema compiles")
}

fn spdx_validator() -> jsonschema::Validator {
    jsonschema::options().build(&load("spdx-2.3/spdx-schema.json")).expect("the SPDX schema compiles")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect()
}

/// Every ecosystem, licences of each form, odd names, and an inventory with no OS.
fn inventories() -> Vec<Inventory> {
    let mut packages = Vec::new();
    let cases = [
        (
            Ecosystem::Deb,
            "zlib1g",
            "1:1.2.13.dfsg-1",
            "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib",
            vec!["Zlib"],
        ),
        (
            Ecosystem::Apk,
            "musl",
            "1.2.5-r0",
            "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3",
            vec!["MIT"],
        ),
        (Ecosystem::Rpm, "curl", "7.86.0-2.cm2", "pkg:rpm/mariner/curl@7.86.0-2.cm2?arch=x86_64", vec!["MIT"]),
        (Ecosystem::PyPi, "Jinja2", "2.10", "pkg:pypi/jinja2@2.10", vec!["BSD"]),
        (Ecosystem::Npm, "@babel/core", "7.0.0", "pkg:npm/%40babel/core@7.0.0", vec!["MIT"]),
        (Ecosystem::RubyGems, "rack", "2.2.3", "pkg:gem/rack@2.2.3", vec![]),
        (Ecosystem::Packagist, "symfony/http-kernel", "v5.4.1", "pkg:composer/symfony/http-kernel@v5.4.1", vec!["MIT"]),
        (Ecosystem::NuGet, "Newtonsoft.Json", "13.0.1", "pkg:nuget/Newtonsoft.Json@13.0.1", vec![]),
        (Ecosystem::Maven, "org.slf4j:slf4j-api", "1.7.36", "pkg:maven/org.slf4j/slf4j-api@1.7.36", vec!["Apache 2.0"]),
        (Ecosystem::Go, "stdlib", "go1.19.8", "pkg:golang/stdlib@1.19.8", vec![]),
        (
            Ecosystem::Crates,
            "smallvec",
            "1.6.0",
            "pkg:cargo/smallvec@1.6.0",
            vec!["MIT OR Apache-2.0", "Unicode-DFS-2016"],
        ),
        (Ecosystem::Deb, "weird name/with:chars", "0~ü", "", vec!["GPL-2+ with some exception, see copyright"]),
    ];
    for (i, (eco, name, version, purl, licenses)) in cases.into_iter().enumerate() {
        let mut p = Package::new(eco, name, version, format!("loc/{i}"));
        p.purl = purl.to_string();
        p.licenses = licenses.into_iter().map(String::from).collect();
        p.layer = Some(i % 2);
        if eco.is_os() {
            p.source_name = Some(format!("{name}-src"));
        }
        packages.push(p);
    }
    let image = Inventory {
        name: "corpus/all:1".into(),
        image_id: Some("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".into()),
        tags: vec!["corpus/all:1".into()],
        created: Some("2026-12-04T10:11:12.5Z".into()),
        layers: vec![
            Layer { index: 0, diff_id: Some("sha256:aa".into()), created_by: None },
            Layer { index: 1, diff_id: Some("sha256:bb".into()), created_by: Some("RUN x".into()) },
        ],
        distro: Some(Distro {
            id: "debian".into(),
            version_id: Some("12".into()),
            source: "etc/os-release".into(),
            ..Default::default()
        }),
        packages,
        ..Default::default()
    };
    let dir = Inventory { name: "rootfs/".into(), ..Default::default() };
    vec![image, dir]
}

#[test]
fn cyclonedx_documents_validate() {
    let v = cyclonedx_validator();
    let producer = Producer { name: "dockward", version: env!("CARGO_PKG_VERSION") };
    let invs = inventories();
    for case in [&invs[..1], &invs[1..], &invs[..]] {
        let doc: Value = serde_json::from_str(&render(case, SbomFormat::CycloneDx, &producer)).unwrap();
        assert_eq!(errors(&v, &doc), Vec::<String>::new());
    }
}

#[test]
fn spdx_documents_validate() {
    let v = spdx_validator();
    let producer = Producer { name: "dockward", version: env!("CARGO_PKG_VERSION") };
    let invs = inventories();
    for case in [&invs[..1], &invs[1..], &invs[..]] {
        let doc: Value = serde_json::from_str(&render(case, SbomFormat::Spdx, &producer)).unwrap();
        assert_eq!(errors(&v, &doc), Vec::<String>::new());
    }
}

#[test]
fn the_validators_reject_a_broken_document() {
    // Guards the two tests above against a validator that accepts anything.
    let producer = Producer { name: "dockward", version: "t" };
    let invs = inventories();
    let mut cdx: Value = serde_json::from_str(&render(&invs[..1], SbomFormat::CycloneDx, &producer)).unwrap();
    cdx["components"][1]["type"] = Value::String("spaceship".into());
    assert!(!errors(&cyclonedx_validator(), &cdx).is_empty());
    let mut spdx: Value = serde_json::from_str(&render(&invs[..1], SbomFormat::Spdx, &producer)).unwrap();
    spdx["packages"][1].as_object_mut().unwrap().remove("downloadLocation");
    assert!(!errors(&spdx_validator(), &spdx).is_empty());
}

#[test]
fn real_inventories_validate() {
    // The stored Debian 12 rootfs and the python layer beside it, read as directories.
    let images = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/vuln/images");
    let producer = Producer { name: "dockward", version: env!("CARGO_PKG_VERSION") };
    let mut invs = Vec::new();
    for dir in ["debian12-minbase/rootfs", "debian12-python/layer2"] {
        let inv = dockward_sbom::inventory_dir(std::path::Path::new(&format!("{images}/{dir}"))).unwrap();
        assert!(!inv.packages.is_empty(), "{dir}");
        invs.push(inv);
    }
    let cdx: Value = serde_json::from_str(&render(&invs, SbomFormat::CycloneDx, &producer)).unwrap();
    assert_eq!(errors(&cyclonedx_validator(), &cdx), Vec::<String>::new());
    let spdx: Value = serde_json::from_str(&render(&invs, SbomFormat::Spdx, &producer)).unwrap();
    assert_eq!(errors(&spdx_validator(), &spdx), Vec::<String>::new());
    // 88 debs and 3 wheels, each with a purl.
    let purls: Vec<&str> = spdx["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["externalRefs"][0]["referenceLocator"].as_str())
        .collect();
    assert_eq!(purls.len(), 91);
    assert!(purls.contains(&"pkg:pypi/jinja2@2.10"));
}
