//! SPDX 2.3 JSON: the document DESCRIBES each image (a package of purpose CONTAINER),
//! which CONTAINS its operating system and packages.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::ids::{document_uuid, short_hash};
use super::license::{classify, license_ref, LicenseForm};
use super::{timestamp_of, Producer};
use crate::model::{Inventory, Package};

pub(super) fn render(inventories: &[Inventory], producer: &Producer) -> String {
    let uuid = document_uuid(inventories);
    let created = inventories.first().map(timestamp_of).unwrap_or_else(super::fallback_timestamp);
    let name = match inventories {
        [one] => one.name.clone(),
        many => format!("{} images", many.len()),
    };
    let mut packages = Vec::new();
    let mut relationships = Vec::new();
    // Free-text licences, by LicenseRef id: each must be declared once in the document.
    let mut extracted: BTreeMap<String, String> = BTreeMap::new();
    for inv in inventories {
        let image_id = format!("SPDXRef-Image-{}", short_hash(inv.image_id.as_deref().unwrap_or(&inv.name)));
        let mut image = json!({
            "SPDXID": image_id,
            "name": inv.name,
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
            "primaryPackagePurpose": if inv.image_id.is_some() { "CONTAINER" } else { "FILE" },
        });
        if let Some(id) = &inv.image_id {
            image["versionInfo"] = json!(id);
        }
        packages.push(image);
        relationships.push(json!({
            "spdxElementId": "SPDXRef-DOCUMENT",
            "relationshipType": "DESCRIBES",
            "relatedSpdxElement": image_id,
        }));
        if let Some(d) = &inv.distro {
            let os_id = format!("{image_id}-OS-{}", sanitize(&d.id));
            let mut os = json!({
                "SPDXID": os_id,
                "name": d.id,
                "downloadLocation": "NOASSERTION",
                "filesAnalyzed": false,
                "licenseConcluded": "NOASSERTION",
                "licenseDeclared": "NOASSERTION",
                "copyrightText": "NOASSERTION",
                "primaryPackagePurpose": "OPERATING_SYSTEM",
            });
            if let Some(v) = d.release.as_ref().or(d.version_id.as_ref()) {
                os["versionInfo"] = json!(v);
            }
            if let Some(p) = &d.pretty_name {
                os["description"] = json!(p);
            }
            packages.push(os);
            relationships.push(contains(&image_id, &os_id));
        }
        for p in &inv.packages {
            let key = format!("{}|{}|{}", p.purl, p.location, p.inner_path.as_deref().unwrap_or(""));
            let id = format!("SPDXRef-Package-{}-{}-{}", p.ecosystem.as_str(), sanitize(&p.name), short_hash(&key));
            packages.push(package(&id, inv, p, &mut extracted));
            relationships.push(contains(&image_id, &id));
        }
    }
    let mut doc = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": name,
        "documentNamespace": format!("https://dockward.dev/spdx/{}-{uuid}", sanitize(&name)),
        "creationInfo": {
            "created": created,
            "creators": [format!("Tool: {}-{}", producer.name, producer.version)],
        },
        "packages": packages,
        "relationships": relationships,
    });
    if !extracted.is_empty() {
        doc["hasExtractedLicensingInfos"] = Value::Array(
            extracted
                .into_iter()
                .map(|(id, text)| json!({"licenseId": id, "extractedText": text, "name": text}))
                .collect(),
        );
    }
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

fn contains(from: &str, to: &str) -> Value {
    json!({"spdxElementId": from, "relationshipType": "CONTAINS", "relatedSpdxElement": to})
}

/// SPDX ids allow letters, digits, `.` and `-`.
fn sanitize(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '-' }).collect()
}

/// The declared licences as one SPDX expression; free text becomes a `LicenseRef-`.
fn declared(licenses: &[String], extracted: &mut BTreeMap<String, String>) -> String {
    if licenses.is_empty() {
        return "NOASSERTION".into();
    }
    let terms: Vec<String> = licenses
        .iter()
        .map(|l| match classify(l) {
            LicenseForm::Id(id) => id,
            LicenseForm::Expression(e) if licenses.len() == 1 => e,
            LicenseForm::Expression(e) => format!("({e})"),
            LicenseForm::Name(text) => {
                let id = license_ref(&text);
                extracted.insert(id.clone(), text);
                id
            }
        })
        .collect();
    terms.join(" AND ")
}

fn package(id: &str, inv: &Inventory, p: &Package, extracted: &mut BTreeMap<String, String>) -> Value {
    let mut v = json!({
        "SPDXID": id,
        "name": p.name,
        "versionInfo": p.version,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": declared(&p.licenses, extracted),
        "copyrightText": "NOASSERTION",
        "primaryPackagePurpose": if p.extra.contains_key("main-module") { "APPLICATION" } else { "LIBRARY" },
    });
    if !p.purl.is_empty() {
        v["externalRefs"] = json!([{
            "referenceCategory": "PACKAGE-MANAGER",
            "referenceType": "purl",
            "referenceLocator": p.purl,
        }]);
    }
    let mut where_ = format!("found in /{}", p.location);
    if let Some(inner) = &p.inner_path {
        where_.push_str(&format!(" ({inner})"));
    }
    if let Some(layer) = p.layer {
        where_.push_str(&format!(", layer {layer}"));
        if let Some(d) = inv.layers.get(layer).and_then(|l| l.diff_id.as_deref()) {
            where_.push_str(&format!(" ({d})"));
        }
    }
    v["sourceInfo"] = json!(where_);
    if let (Some(s), true) = (&p.source_name, p.ecosystem.is_os()) {
        v["comment"] = json!(format!("source package {s} {}", p.source_version.as_deref().unwrap_or(&p.version)));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sample;

    #[test]
    fn describes_the_image_which_contains_the_packages() {
        let inv = sample::inventory();
        let producer = Producer { name: "dockward", version: "0.0.0-test" };
        let text = render(std::slice::from_ref(&inv), &producer);
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["spdxVersion"], "SPDX-2.3");
        assert_eq!(doc["creationInfo"]["created"], "2026-12-04T10:11:12Z");
        let pkgs = doc["packages"].as_array().unwrap();
        assert_eq!(pkgs.len(), 5, "image, OS, three packages");
        let rels = doc["relationships"].as_array().unwrap();
        assert_eq!(rels.iter().filter(|r| r["relationshipType"] == "DESCRIBES").count(), 1);
        assert_eq!(rels.iter().filter(|r| r["relationshipType"] == "CONTAINS").count(), 4);
        let jinja = pkgs.iter().find(|p| p["name"] == "Jinja2").unwrap();
        let lic = jinja["licenseDeclared"].as_str().unwrap();
        assert!(lic.starts_with("LicenseRef-BSD-"), "{lic}");
        assert_eq!(doc["hasExtractedLicensingInfos"][0]["extractedText"], "BSD");
        let smallvec = pkgs.iter().find(|p| p["name"] == "smallvec").unwrap();
        assert_eq!(smallvec["licenseDeclared"], "MIT OR Apache-2.0");
        assert_eq!(text, render(std::slice::from_ref(&inv), &producer), "deterministic");
    }
}
