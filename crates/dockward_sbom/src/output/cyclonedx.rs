//! CycloneDX 1.6 JSON.
//!
//! One image: `metadata.component` is the image (type `container`) and `components`
//! lists the operating system and the packages. Several images: `metadata.component`
//! is the set, and each image is a component with its packages nested in it.

use serde_json::{json, Map, Value};

use super::ids::{document_uuid, short_hash};
use super::{timestamp_of, Producer};
use crate::model::{Inventory, Package};

pub(super) fn render(inventories: &[Inventory], producer: &Producer) -> String {
    let timestamp = inventories.first().map(timestamp_of).unwrap_or_else(super::fallback_timestamp);
    let tool = json!({"type": "application", "name": producer.name, "version": producer.version});
    let (subject, components) = match inventories {
        [one] => (image_component(one, false), contents(one)),
        many => (
            json!({"bom-ref": "images", "type": "container", "name": format!("{} images", many.len())}),
            many.iter().map(|inv| image_component(inv, true)).collect(),
        ),
    };
    let doc = json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{}", document_uuid(inventories)),
        "version": 1,
        "metadata": {
            "timestamp": timestamp,
            "tools": {"components": [tool]},
            "component": subject,
        },
        "components": components,
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

fn image_ref(inv: &Inventory) -> String {
    format!("image:{}", inv.image_id.as_deref().unwrap_or(&inv.name))
}

/// The image (or directory) as a component; `nested` puts its contents inside it.
fn image_component(inv: &Inventory, nested: bool) -> Value {
    let mut c = Map::new();
    c.insert("bom-ref".into(), json!(image_ref(inv)));
    c.insert("type".into(), json!(if inv.image_id.is_some() { "container" } else { "file" }));
    c.insert("name".into(), json!(inv.name));
    if let Some(id) = &inv.image_id {
        c.insert("version".into(), json!(id));
    }
    let mut props = Vec::new();
    for tag in &inv.tags {
        props.push(prop("dockward:image:tag", tag));
    }
    for layer in &inv.layers {
        if let Some(d) = &layer.diff_id {
            props.push(prop(&format!("dockward:image:layer:{}:diff-id", layer.index), d));
        }
    }
    if !props.is_empty() {
        c.insert("properties".into(), Value::Array(props));
    }
    if nested {
        c.insert("components".into(), Value::Array(contents(inv)));
    }
    Value::Object(c)
}

/// The operating system and the packages, sorted as the inventory is.
fn contents(inv: &Inventory) -> Vec<Value> {
    let scope = image_ref(inv);
    let mut out = Vec::new();
    if let Some(d) = &inv.distro {
        let mut os = Map::new();
        os.insert("bom-ref".into(), json!(format!("{scope}/os:{}", d.id)));
        os.insert("type".into(), json!("operating-system"));
        os.insert("name".into(), json!(d.id));
        if let Some(v) = d.release.as_ref().or(d.version_id.as_ref()) {
            os.insert("version".into(), json!(v));
        }
        if let Some(p) = &d.pretty_name {
            os.insert("description".into(), json!(p));
        }
        out.push(Value::Object(os));
    }
    out.extend(inv.packages.iter().map(|p| package(&scope, inv, p)));
    out
}

/// CycloneDX allows either licences or one expression per component.
fn licenses(declared: &[String]) -> Value {
    use super::license::{classify, LicenseForm};
    let forms: Vec<LicenseForm> = declared.iter().map(|l| classify(l)).collect();
    if let [LicenseForm::Expression(e)] = forms.as_slice() {
        return json!([{"expression": e}]);
    }
    Value::Array(
        forms
            .into_iter()
            .map(|f| match f {
                LicenseForm::Id(id) => json!({"license": {"id": id}}),
                // An expression among several declarations: kept as text.
                LicenseForm::Expression(t) | LicenseForm::Name(t) => json!({"license": {"name": t}}),
            })
            .collect(),
    )
}

fn prop(name: &str, value: &str) -> Value {
    json!({"name": name, "value": value})
}

fn package(scope: &str, inv: &Inventory, p: &Package) -> Value {
    let mut c = Map::new();
    // The purl alone is not unique (one jar in two places): the location makes it so.
    let key = format!("{}|{}|{}", p.purl, p.location, p.inner_path.as_deref().unwrap_or(""));
    c.insert("bom-ref".into(), json!(format!("{scope}/pkg:{}", short_hash(&key))));
    c.insert("type".into(), json!(if p.extra.contains_key("main-module") { "application" } else { "library" }));
    if let Some((group, name)) = p.name.split_once(':').filter(|_| p.ecosystem == crate::Ecosystem::Maven) {
        c.insert("group".into(), json!(group));
        c.insert("name".into(), json!(name));
    } else {
        c.insert("name".into(), json!(p.name));
    }
    c.insert("version".into(), json!(p.version));
    if !p.licenses.is_empty() {
        c.insert("licenses".into(), licenses(&p.licenses));
    }
    if !p.purl.is_empty() {
        c.insert("purl".into(), json!(p.purl));
    }
    let mut props =
        vec![prop("dockward:package:type", p.ecosystem.as_str()), prop("dockward:location:path", &p.location)];
    if let Some(inner) = &p.inner_path {
        props.push(prop("dockward:location:inner-path", inner));
    }
    if let Some(layer) = p.layer {
        props.push(prop("dockward:location:layer", &layer.to_string()));
        if let Some(d) = inv.layers.get(layer).and_then(|l| l.diff_id.as_deref()) {
            props.push(prop("dockward:location:layer-diff-id", d));
        }
    }
    if let Some(a) = &p.arch {
        props.push(prop("dockward:package:arch", a));
    }
    if let Some(s) = &p.source_name {
        props.push(prop("dockward:package:source-name", s));
    }
    if let Some(s) = &p.source_version {
        props.push(prop("dockward:package:source-version", s));
    }
    for (k, v) in &p.extra {
        props.push(prop(&format!("dockward:package:{k}"), v));
    }
    c.insert("properties".into(), Value::Array(props));
    Value::Object(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sample;

    fn producer() -> Producer {
        Producer { name: "dockward", version: "0.0.0-test" }
    }

    #[test]
    fn one_image_lists_os_and_packages() {
        let inv = sample::inventory();
        let doc: Value = serde_json::from_str(&render(std::slice::from_ref(&inv), &producer())).unwrap();
        assert_eq!(doc["specVersion"], "1.6");
        assert_eq!(doc["metadata"]["timestamp"], "2026-12-04T10:11:12Z");
        assert_eq!(doc["metadata"]["component"]["type"], "container");
        let comps = doc["components"].as_array().unwrap();
        assert_eq!(comps.len(), 4, "the OS and three packages");
        assert_eq!(comps[0]["type"], "operating-system");
        assert_eq!(comps[0]["version"], "12.15");
        assert_eq!(comps[1]["purl"], "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib");
        assert_eq!(comps[2]["licenses"][0]["license"]["name"], "BSD");
        assert_eq!(comps[3]["licenses"][0]["expression"], "MIT OR Apache-2.0");
        let refs: std::collections::BTreeSet<&str> = comps.iter().map(|c| c["bom-ref"].as_str().unwrap()).collect();
        assert_eq!(refs.len(), comps.len(), "bom-refs are unique");
    }

    #[test]
    fn same_input_same_document() {
        let inv = sample::inventory();
        assert_eq!(render(std::slice::from_ref(&inv), &producer()), render(std::slice::from_ref(&inv), &producer()));
    }

    #[test]
    fn several_images_nest_their_packages() {
        let a = sample::inventory();
        let mut b = sample::inventory();
        b.name = "other:2".into();
        b.image_id = Some("sha256:0123".into());
        let doc: Value = serde_json::from_str(&render(&[a, b], &producer())).unwrap();
        let comps = doc["components"].as_array().unwrap();
        assert_eq!(comps.len(), 2);
        assert_eq!(comps[1]["name"], "other:2");
        assert_eq!(comps[1]["components"].as_array().unwrap().len(), 4);
    }
}
