//! SBOM documents and listings of an [`Inventory`]: CycloneDX 1.6 JSON, SPDX 2.3 JSON,
//! dockward's own JSON, and a text table.
//!
//! Written with our own serde values rather than the CycloneDX/SPDX crates: we only
//! emit, the documents are small, and the official schemas check them in the tests.
//! Every document is deterministic for the same input: identifiers are derived from
//! the image id (or the name) and the packages, never random; the timestamp is the
//! image's creation time.

mod cyclonedx;
mod ids;
mod json;
pub mod license;
mod spdx;
mod text;

use crate::model::Inventory;

pub use ids::document_uuid;

/// The output formats of `dockward sbom`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SbomFormat {
    CycloneDx,
    Spdx,
    Json,
    Text,
}

impl SbomFormat {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "cyclonedx" | "cyclonedx-json" => SbomFormat::CycloneDx,
            "spdx" | "spdx-json" => SbomFormat::Spdx,
            "json" => SbomFormat::Json,
            "text" | "table" => SbomFormat::Text,
            _ => return None,
        })
    }
}

/// Who made the document, for the tool fields.
#[derive(Debug, Clone)]
pub struct Producer {
    pub name: &'static str,
    pub version: &'static str,
}

/// The fallback timestamp when the input has no creation time (a directory):
/// `SOURCE_DATE_EPOCH` when set (reproducible builds' convention), else the Unix epoch,
/// so that the same directory gives the same document.
pub fn fallback_timestamp() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|v| v.trim().parse::<i64>().ok()).unwrap_or(0);
    rfc3339_utc(secs)
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (civil-from-days, proleptic Gregorian).
pub fn rfc3339_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// The image's creation time cut to whole seconds in UTC (`2026-12-04T10:11:12Z`), as
/// both formats want: Docker writes nanoseconds (`2026-12-04T10:11:12.123456789Z`).
pub(crate) fn timestamp_of(inv: &Inventory) -> String {
    match inv.created.as_deref() {
        Some(c) if c.len() >= 19 && c.is_char_boundary(19) && c.as_bytes()[10] == b'T' => format!("{}Z", &c[..19]),
        _ => fallback_timestamp(),
    }
}

/// Renders the inventories (one per image) in `format`.
pub fn render(inventories: &[Inventory], format: SbomFormat, producer: &Producer) -> String {
    match format {
        SbomFormat::CycloneDx => cyclonedx::render(inventories, producer),
        SbomFormat::Spdx => spdx::render(inventories, producer),
        SbomFormat::Json => json::render(inventories, producer),
        SbomFormat::Text => text::render(inventories),
    }
}

#[cfg(test)]
pub(crate) mod sample {
    use crate::model::{Distro, Ecosystem, Inventory, Layer, Package};

    /// A small inventory with every kind of field, for the format tests.
    pub fn inventory() -> Inventory {
        let mut zlib = Package::new(Ecosystem::Deb, "zlib1g", "1:1.2.13.dfsg-1", "var/lib/dpkg/status");
        zlib.arch = Some("amd64".into());
        zlib.source_name = Some("zlib".into());
        zlib.source_version = Some("1:1.2.13.dfsg-1".into());
        zlib.layer = Some(0);
        zlib.files = vec!["usr/lib/x86_64-linux-gnu/libz.so.1".into()];
        zlib.purl = "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib".into();
        let mut jinja = Package::new(
            Ecosystem::PyPi,
            "Jinja2",
            "2.10",
            "usr/local/lib/python3.11/site-packages/Jinja2-2.10.dist-info/METADATA",
        );
        jinja.licenses = vec!["BSD".into()];
        jinja.layer = Some(1);
        jinja.purl = "pkg:pypi/jinja2@2.10".into();
        let mut smallvec = Package::new(Ecosystem::Crates, "smallvec", "1.6.0", "usr/local/bin/demo");
        smallvec.licenses = vec!["MIT OR Apache-2.0".into()];
        smallvec.layer = Some(1);
        smallvec.purl = "pkg:cargo/smallvec@1.6.0".into();
        Inventory {
            name: "corpus/py:1".into(),
            image_id: Some("sha256:ab4b8e1f00000000000000000000000000000000000000000000000000000000".into()),
            tags: vec!["corpus/py:1".into()],
            created: Some("2026-12-04T10:11:12.123456789Z".into()),
            layers: vec![
                Layer { index: 0, diff_id: Some("sha256:27cb".into()), created_by: None },
                Layer { index: 1, diff_id: Some("sha256:cee5".into()), created_by: Some("COPY pylayer/ /".into()) },
            ],
            distro: Some(Distro {
                id: "debian".into(),
                version_id: Some("12".into()),
                codename: Some("bookworm".into()),
                pretty_name: Some("Debian GNU/Linux 12 (bookworm)".into()),
                id_like: Vec::new(),
                release: Some("12.15".into()),
                source: "etc/os-release".into(),
            }),
            packages: vec![zlib, jinja, smallvec],
            removed: Vec::new(),
            warnings: Vec::new(),
            notes: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_civil_utc() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_utc(1_796_390_272), "2026-12-04T13:17:52Z");
        assert_eq!(rfc3339_utc(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn image_time_is_cut_to_seconds() {
        let inv = sample::inventory();
        assert_eq!(timestamp_of(&inv), "2026-12-04T10:11:12Z");
    }

    #[test]
    fn format_names() {
        assert_eq!(SbomFormat::parse("cyclonedx"), Some(SbomFormat::CycloneDx));
        assert_eq!(SbomFormat::parse("spdx-json"), Some(SbomFormat::Spdx));
        assert_eq!(SbomFormat::parse("xml"), None);
    }
}
