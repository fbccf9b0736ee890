//! dockward's own JSON: the inventory model as it is, versioned.

use serde_json::json;

use super::Producer;
use crate::model::Inventory;

pub(super) fn render(inventories: &[Inventory], producer: &Producer) -> String {
    let doc = json!({
        "version": 1,
        "tool": {"name": producer.name, "version": producer.version},
        "images": inventories,
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sample;

    #[test]
    fn carries_the_model() {
        let inv = sample::inventory();
        let doc: serde_json::Value =
            serde_json::from_str(&render(&[inv], &Producer { name: "dockward", version: "t" })).unwrap();
        assert_eq!(doc["version"], 1);
        let p = &doc["images"][0]["packages"][0];
        assert_eq!(p["ecosystem"], "deb");
        assert_eq!(p["source_name"], "zlib");
        assert_eq!(p["layer"], 0);
        assert_eq!(doc["images"][0]["distro"]["codename"], "bookworm");
    }
}
