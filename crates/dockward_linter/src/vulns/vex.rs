//! OpenVEX documents (<https://github.com/openvex/spec>): statements that a product is
//! or is not affected by a vulnerability. A match is dropped when the statement that
//! applies to it says `not_affected` or `fixed`.
//!
//! Read: `statements[]` with `vulnerability` (an object with `name`, `@id` and
//! `aliases`, or a plain string as in spec v0.0.1), `products[]` (a purl string, or an
//! object whose `@id` or `identifiers.purl` is a purl, with optional `subcomponents[]`
//! of the same forms) and `status`. Products are matched by purl only; a product named
//! otherwise (an image digest URL, a CPE) applies to nothing.
//!
//! When several statements apply to one (vulnerability, package), the last one read
//! wins: later statements in a file, later files on the command line.

use std::path::Path;

use serde_json::Value;

/// A statement's `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VexStatus {
    NotAffected,
    Affected,
    Fixed,
    UnderInvestigation,
}

impl VexStatus {
    pub fn parse(s: &str) -> Option<VexStatus> {
        Some(match s {
            "not_affected" => VexStatus::NotAffected,
            "affected" => VexStatus::Affected,
            "fixed" => VexStatus::Fixed,
            "under_investigation" => VexStatus::UnderInvestigation,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            VexStatus::NotAffected => "not_affected",
            VexStatus::Affected => "affected",
            VexStatus::Fixed => "fixed",
            VexStatus::UnderInvestigation => "under_investigation",
        }
    }

    /// The statement takes the match out of the report.
    pub fn suppresses(self) -> bool {
        matches!(self, VexStatus::NotAffected | VexStatus::Fixed)
    }
}

/// One statement, reduced to what matching needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexStatement {
    /// Every name of the vulnerability: `name`, `@id`, `aliases`.
    pub vulnerability: Vec<String>,
    /// The purls of the products and their subcomponents.
    pub products: Vec<String>,
    pub status: VexStatus,
    pub justification: Option<String>,
    /// `file#index`, for messages.
    pub origin: String,
}

/// Reads an OpenVEX file.
pub fn read_openvex(path: &Path) -> Result<Vec<VexStatement>, String> {
    let text =
        dockward_source::input::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    parse_openvex(&path.display().to_string(), &text)
}

/// Parses an OpenVEX document; `name` prefixes error messages.
pub fn parse_openvex(name: &str, text: &str) -> Result<Vec<VexStatement>, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("{name}: not JSON: {e}"))?;
    let statements = doc
        .get("statements")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{name}: not an OpenVEX document (no `statements` array)"))?;
    let mut out = Vec::with_capacity(statements.len());
    for (i, s) in statements.iter().enumerate() {
        let at = format!("{name}: statements[{i}]");
        let mut vulnerability = Vec::new();
        match s.get("vulnerability") {
            Some(Value::String(id)) => vulnerability.push(id.clone()),
            Some(Value::Object(v)) => {
                for key in ["name", "@id"] {
                    if let Some(id) = v.get(key).and_then(Value::as_str) {
                        vulnerability.push(id.to_string());
                    }
                }
                if let Some(aliases) = v.get("aliases").and_then(Value::as_array) {
                    vulnerability.extend(aliases.iter().filter_map(Value::as_str).map(String::from));
                }
            }
            _ => {}
        }
        vulnerability.retain(|v| !v.trim().is_empty());
        if vulnerability.is_empty() {
            return Err(format!("{at}: no vulnerability name"));
        }
        let status = s.get("status").and_then(Value::as_str).ok_or_else(|| format!("{at}: no status"))?;
        let status = VexStatus::parse(status).ok_or_else(|| {
            format!("{at}: unknown status `{status}` (not_affected, affected, fixed or under_investigation)")
        })?;
        let mut products = Vec::new();
        for p in s.get("products").and_then(Value::as_array).into_iter().flatten() {
            product_purls(p, &mut products);
            for sub in p.get("subcomponents").and_then(Value::as_array).into_iter().flatten() {
                product_purls(sub, &mut products);
            }
        }
        out.push(VexStatement {
            vulnerability,
            products,
            status,
            justification: s.get("justification").and_then(Value::as_str).map(String::from),
            origin: format!("{name}#{i}"),
        });
    }
    Ok(out)
}

/// The purls naming a product: the string itself, its `@id`, its `identifiers.purl`.
fn product_purls(p: &Value, out: &mut Vec<String>) {
    let candidates = [
        p.as_str(),
        p.get("@id").and_then(Value::as_str),
        p.get("identifiers").and_then(|i| i.get("purl")).and_then(Value::as_str),
    ];
    for c in candidates.into_iter().flatten() {
        if c.starts_with("pkg:") && !out.iter().any(|o| o == c) {
            out.push(c.to_string());
        }
    }
}

/// The statement that decides for (one of `ids`, `purl`): the last one naming both.
pub fn deciding<'a>(statements: &'a [VexStatement], ids: &[&str], purl: &str) -> Option<&'a VexStatement> {
    statements.iter().rev().find(|s| {
        s.vulnerability.iter().any(|v| ids.iter().any(|id| id.eq_ignore_ascii_case(v)))
            && s.products.iter().any(|p| purl_matches(p, purl))
    })
}

/// A purl split into what matching compares, percent-decoded.
#[derive(Debug, PartialEq, Eq)]
struct Purl {
    /// `type/namespace/name`, type lower-cased.
    path: String,
    version: Option<String>,
    qualifiers: Vec<(String, String)>,
}

fn parse_purl(purl: &str) -> Option<Purl> {
    let rest = purl.trim().strip_prefix("pkg:")?;
    let rest = rest.split_once('#').map_or(rest, |(r, _subpath)| r);
    let (rest, qualifiers) = match rest.split_once('?') {
        Some((r, q)) => (r, q),
        None => (rest, ""),
    };
    // The version follows the last `@` after the last `/` (an npm scope's `@` is before it).
    let slash = rest.rfind('/').unwrap_or(0);
    let (path, version) = match rest[slash..].rfind('@') {
        Some(at) => (&rest[..slash + at], Some(decode(&rest[slash + at + 1..]))),
        None => (rest, None),
    };
    let (ty, tail) = path.split_once('/')?;
    let mut qualifiers: Vec<(String, String)> = qualifiers
        .split('&')
        .filter(|q| !q.is_empty())
        .map(|q| match q.split_once('=') {
            Some((k, v)) => (k.to_ascii_lowercase(), decode(v)),
            None => (q.to_ascii_lowercase(), String::new()),
        })
        .collect();
    qualifiers.sort();
    Some(Purl { path: format!("{}/{}", ty.to_ascii_lowercase(), decode(tail)), version, qualifiers })
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether the statement's purl names the package's: same type, namespace and name;
/// the same version unless the statement gives none; and each qualifier the statement
/// gives present with the same value (a statement without qualifiers matches every
/// arch and distro).
pub fn purl_matches(statement: &str, package: &str) -> bool {
    let (Some(s), Some(p)) = (parse_purl(statement), parse_purl(package)) else { return false };
    s.path == p.path
        && s.version.as_ref().is_none_or(|v| p.version.as_ref() == Some(v))
        && s.qualifiers.iter().all(|q| p.qualifiers.contains(q))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
      "@context": "https://openvex.dev/ns/v0.2.0",
      "@id": "https://example.com/vex/1",
      "author": "Acme",
      "timestamp": "2026-11-01T00:00:00Z",
      "version": 1,
      "statements": [
        {
          "vulnerability": {"name": "CVE-2026-1", "aliases": ["DEBIAN-CVE-2026-1"]},
          "products": [{"@id": "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1"}],
          "status": "not_affected",
          "justification": "vulnerable_code_not_in_execute_path"
        },
        {
          "vulnerability": "CVE-2026-2",
          "products": [
            {"@id": "pkg:oci/app@sha256%3Aabc", "subcomponents": [{"identifiers": {"purl": "pkg:pypi/jinja2"}}]},
            "https://not-a-purl.example/x"
          ],
          "status": "fixed"
        },
        {"vulnerability": {"name": "CVE-2026-2"}, "products": ["pkg:pypi/jinja2@2.10"], "status": "affected"}
      ]
    }"#;

    #[test]
    fn reads_statements_in_both_spec_forms() {
        let s = parse_openvex("v.json", DOC).unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].vulnerability, ["CVE-2026-1", "DEBIAN-CVE-2026-1"]);
        assert_eq!(s[0].products, ["pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1"]);
        assert_eq!(s[0].status, VexStatus::NotAffected);
        assert_eq!(s[0].justification.as_deref(), Some("vulnerable_code_not_in_execute_path"));
        assert_eq!(s[1].products, ["pkg:oci/app@sha256%3Aabc", "pkg:pypi/jinja2"]);
        assert_eq!(s[1].origin, "v.json#1");
    }

    #[test]
    fn the_last_applicable_statement_decides() {
        let s = parse_openvex("v.json", DOC).unwrap();
        let zlib = "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12";
        assert_eq!(deciding(&s, &["DEBIAN-CVE-2026-1"], zlib).unwrap().status, VexStatus::NotAffected);
        assert_eq!(deciding(&s, &["cve-2026-1"], zlib).unwrap().status, VexStatus::NotAffected);
        assert!(deciding(&s, &["CVE-2026-1"], "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-2").is_none());
        // 2.10 is named by the later `affected` statement; another version only by `fixed`.
        assert_eq!(deciding(&s, &["CVE-2026-2"], "pkg:pypi/jinja2@2.10").unwrap().status, VexStatus::Affected);
        assert_eq!(deciding(&s, &["CVE-2026-2"], "pkg:pypi/jinja2@2.11").unwrap().status, VexStatus::Fixed);
        assert!(deciding(&s, &["CVE-2026-3"], "pkg:pypi/jinja2@2.10").is_none());
    }

    #[test]
    fn purls_match_ignoring_what_the_statement_leaves_out() {
        let pkg = "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc";
        assert!(purl_matches("pkg:deb/debian/libc6@2.36-9+deb12u4", pkg));
        assert!(purl_matches("pkg:deb/debian/libc6", pkg));
        assert!(purl_matches("pkg:DEB/debian/libc6@2.36-9%2Bdeb12u4?distro=debian-12", pkg));
        assert!(!purl_matches("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?distro=debian-11", pkg));
        assert!(!purl_matches("pkg:deb/debian/libc6@2.36-9", pkg));
        assert!(!purl_matches("pkg:deb/ubuntu/libc6", pkg));
        assert!(!purl_matches("pkg:deb/debian/libc", pkg));
        assert!(purl_matches("pkg:npm/%40babel/core@7.0.0", "pkg:npm/@babel/core@7.0.0"));
        assert!(!purl_matches("not a purl", pkg));
    }

    #[test]
    fn bad_documents_are_errors_that_say_where() {
        assert!(parse_openvex("v.json", "{").unwrap_err().starts_with("v.json: not JSON"));
        assert!(parse_openvex("v.json", "{}").unwrap_err().contains("no `statements` array"));
        let err =
            parse_openvex("v.json", r#"{"statements": [{"vulnerability": "X", "status": "maybe"}]}"#).unwrap_err();
        assert_eq!(
            err,
            "v.json: statements[0]: unknown status `maybe` (not_affected, affected, fixed or under_investigation)"
        );
        let err = parse_openvex("v.json", r#"{"statements": [{"status": "fixed"}]}"#).unwrap_err();
        assert_eq!(err, "v.json: statements[0]: no vulnerability name");
    }
}
