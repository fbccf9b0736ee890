//! Declared licences in the forms the SBOM formats want: an SPDX licence id, an SPDX
//! expression, or (anything else) the declared text as a name.
//!
//! The id list is the SPDX licence list (CC0) as the CycloneDX 1.6 schema enumerates
//! it: a declared `MIT` becomes `{"id": "MIT"}`, `MIT OR Apache-2.0` an expression, and
//! `BSD` or `Apache 2.0` stay names; we do not guess what a free-text licence means,
//! apart from a few spellings of one licence that are unambiguous.

use std::collections::HashMap;
use std::sync::OnceLock;

const IDS: &str = include_str!("spdx-license-ids.txt");

fn ids() -> &'static HashMap<String, &'static str> {
    static IDS_BY_LOWER: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    IDS_BY_LOWER.get_or_init(|| IDS.lines().filter(|l| !l.is_empty()).map(|l| (l.to_ascii_lowercase(), l)).collect())
}

/// Unambiguous spellings of one licence that packages often declare.
fn alias(s: &str) -> Option<&'static str> {
    Some(match s.to_ascii_lowercase().as_str() {
        "apache 2.0"
        | "apache-2"
        | "apache 2"
        | "apache license 2.0"
        | "apache license, version 2.0"
        | "apache license version 2.0"
        | "apache software license 2.0"
        | "asl 2.0" => "Apache-2.0",
        "mit license" | "the mit license" | "expat" => "MIT",
        "isc license" => "ISC",
        _ => return None,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LicenseForm {
    Id(String),
    Expression(String),
    Name(String),
}

/// Which form a declared licence string takes.
pub fn classify(declared: &str) -> LicenseForm {
    let s = declared.trim();
    if let Some(id) = ids().get(&s.to_ascii_lowercase()).copied().or_else(|| alias(s)) {
        return LicenseForm::Id(id.to_string());
    }
    match expression(s) {
        Some(e) => LicenseForm::Expression(e),
        None => LicenseForm::Name(s.to_string()),
    }
}

/// `s` normalised as an SPDX expression (operators upper case), when every term is a
/// known id (with an optional `+`) or a `LicenseRef-`, and it has at least one operator.
fn expression(s: &str) -> Option<String> {
    let spaced = s.replace('(', " ( ").replace(')', " ) ");
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut expect_term = true;
    let mut operators = 0;
    for tok in spaced.split_whitespace() {
        match tok {
            "(" if expect_term => {
                depth += 1;
                out.push("(".to_string());
            }
            ")" if !expect_term && depth > 0 => {
                depth -= 1;
                out.push(")".to_string());
            }
            t if !expect_term && matches!(t.to_ascii_uppercase().as_str(), "AND" | "OR" | "WITH") => {
                operators += 1;
                out.push(t.to_ascii_uppercase());
                expect_term = true;
            }
            t if expect_term => {
                let (base, plus) = t.strip_suffix('+').map(|b| (b, "+")).unwrap_or((t, ""));
                let id = if base.starts_with("LicenseRef-") {
                    base.to_string()
                } else {
                    ids().get(&base.to_ascii_lowercase())?.to_string()
                };
                out.push(format!("{id}{plus}"));
                expect_term = false;
            }
            _ => return None,
        }
    }
    (depth == 0 && !expect_term && operators > 0).then(|| out.join(" ").replace("( ", "(").replace(" )", ")"))
}

/// A `LicenseRef-` id for free text (SPDX ids allow letters, digits, `.` and `-`).
pub fn license_ref(text: &str) -> String {
    let cleaned: String = text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '-' }).collect();
    let trimmed: String = cleaned.trim_matches('-').chars().take(64).collect();
    let base = if trimmed.is_empty() { "unnamed".to_string() } else { trimmed };
    format!("LicenseRef-{base}-{}", &super::ids::short_hash(text)[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_expressions_and_names() {
        assert_eq!(classify("MIT"), LicenseForm::Id("MIT".into()));
        assert_eq!(classify("apache-2.0"), LicenseForm::Id("Apache-2.0".into()));
        assert_eq!(classify("Apache 2.0"), LicenseForm::Id("Apache-2.0".into()));
        assert_eq!(classify("MIT or Apache-2.0"), LicenseForm::Expression("MIT OR Apache-2.0".into()));
        assert_eq!(
            classify("(MIT OR Apache-2.0) AND GPL-2.0-or-later"),
            LicenseForm::Expression("(MIT OR Apache-2.0) AND GPL-2.0-or-later".into())
        );
        assert_eq!(classify("BSD"), LicenseForm::Name("BSD".into()));
        assert_eq!(classify("MIT OR"), LicenseForm::Name("MIT OR".into()));
        assert_eq!(
            classify("GPL-2.0+ WITH Classpath-exception-2.0"),
            LicenseForm::Expression("GPL-2.0+ WITH Classpath-exception-2.0".into())
        );
        assert_eq!(classify("Public Domain"), LicenseForm::Name("Public Domain".into()));
    }

    #[test]
    fn license_refs_are_valid_ids() {
        let r = license_ref("BSD (3 clause), see LICENSE");
        assert!(r.starts_with("LicenseRef-BSD--3-clause---see-LICENSE-"), "{r}");
        assert!(r.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'));
        assert_ne!(license_ref("a b"), license_ref("a-b"), "the hash keeps texts apart");
    }
}
