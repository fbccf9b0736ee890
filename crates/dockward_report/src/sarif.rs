//! SARIF 2.1.0, for GitHub code scanning and other dashboards.
//!
//! Own serde structs instead of a SARIF crate: we emit a small, fixed subset and want
//! its exact shape (and key order) under our control. Optional members are skipped
//! when empty, because the schema rejects `null` for most of them.

use std::io::{self, Write};

use dockward_diagnostics::{Diagnostic, Edit, Fix, Location, RuleMeta, Severity, VulnFacts};
use dockward_source::{SourceFile, TextRange, TextSize};
use serde::Serialize;

use crate::fingerprint::Fingerprinter;
use crate::scrub::Secrets;
use crate::{Report, ReportOptions, RULE_PAGE_URL};

const SCHEMA_URI: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// The project's home: the workspace's `repository` key.
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");
/// Relative artifact URIs are resolved against this base, which consumers (GitHub,
/// IDEs) map to the repository or working directory.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    original_uri_base_ids: UriBaseIds,
    column_kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    taxonomies: Vec<TaxonomyOut<'a>>,
    results: Results<'a>,
}

/// A framework for SARIF (section 3.19.3): its controls become taxa, and every rule a
/// taxon names gets a `relevant` relationship to it (`--format sarif --compliance`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Taxonomy {
    /// `nist-800-190`: the name results and rules refer to it by.
    pub name: String,
    pub full_name: String,
    pub information_uri: String,
    pub taxa: Vec<Taxon>,
}

/// One control of a [`Taxonomy`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Taxon {
    pub id: String,
    pub title: String,
    /// What a pass shows and what it does not.
    pub description: String,
    /// The rule codes that give evidence for it.
    pub rules: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TaxonomyOut<'a> {
    name: &'a str,
    full_name: &'a str,
    information_uri: &'a str,
    is_comprehensive: bool,
    taxa: Vec<TaxonOut<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TaxonOut<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Message,
    full_description: Message,
}

#[derive(Serialize)]
struct ComponentRef<'a> {
    name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Relationship<'a> {
    target: RelationshipTarget<'a>,
    kinds: [&'static str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelationshipTarget<'a> {
    id: &'a str,
    tool_component: ComponentRef<'a>,
}

/// The results, each built only when the serializer reaches it: a report of 100,000
/// findings never holds 100,000 `ResultOut`s (issue 19 #5). `serde` serializes through
/// `&self`, hence the cell for the fingerprint occurrence counts.
struct Results<'a> {
    diagnostics: &'a [Diagnostic],
    rules: &'a [&'static RuleMeta],
    /// Numbers identical fingerprints by occurrence as results are written.
    seen: std::cell::RefCell<Fingerprinter>,
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.diagnostics.len()))?;
        let mut seen = self.seen.borrow_mut();
        for d in self.diagnostics {
            seq.serialize_element(&result_out(d, self.rules, &mut seen))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct UriBaseIds {
    #[serde(rename = "%SRCROOT%")]
    src_root: ArtifactLocation,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    information_uri: &'static str,
    rules: Vec<RuleOut<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    supported_taxonomies: Vec<ComponentRef<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleOut<'a> {
    id: &'static str,
    name: &'static str,
    short_description: Message,
    full_description: Message,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    relationships: Vec<Relationship<'a>>,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

fn message(text: impl Into<String>) -> Message {
    Message { text: text.into() }
}

#[derive(Serialize)]
struct Help {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
}

#[derive(Serialize)]
struct Configuration {
    enabled: bool,
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    /// GitHub code scanning ranks security alerts by this (a string holding a CVSS-like
    /// score); it is only read for rules tagged `security`.
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultOut {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<LocationOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<LocationOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<FixOut>,
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties>,
}

/// A vulnerability finding's own ranking and ids.
#[derive(Serialize)]
struct ResultProperties {
    /// The advisory's CVSS base score, else a score standing for its severity level.
    #[serde(rename = "security-severity")]
    security_severity: String,
    /// The advisory id and its aliases.
    tags: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LocationOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FixOut {
    description: Message,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fingerprints {
    primary_location_line_hash: String,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's documented bands: over 7.0 is high, 4.0–6.9 medium, 0.1–3.9 low.
fn security_severity(rule: &RuleMeta) -> Option<&'static str> {
    if rule.category != dockward_diagnostics::Category::Security {
        return None;
    }
    Some(match rule.severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    })
}

/// A vulnerability's `security-severity`: its CVSS base score when known, else a score
/// inside GitHub's band for its level (critical 9.0 and up, high 7.0, medium 4.0, low
/// 0.1; `0.0` ranks an unknown or negligible one lowest).
fn vuln_security_severity(v: &VulnFacts) -> String {
    if let Some(score) = v.cvss_score.filter(|s| s.is_finite() && (0.0..=10.0).contains(s)) {
        return format!("{score:.1}");
    }
    match v.severity.as_str() {
        "critical" => "9.5",
        "high" => "8.0",
        "medium" => "5.5",
        "low" => "2.0",
        _ => "0.0",
    }
    .to_string()
}

fn vuln_properties(v: &VulnFacts) -> ResultProperties {
    let mut tags = vec![v.advisory.clone()];
    tags.extend(v.aliases.iter().filter(|a| **a != v.advisory).cloned());
    ResultProperties { security_severity: vuln_security_severity(v), tags }
}

/// The first paragraph of the rule's docs, on one line; the summary if there are none.
fn full_description(rule: &RuleMeta) -> String {
    let para: Vec<&str> =
        rule.docs.trim().lines().map(str::trim).take_while(|l| !l.is_empty() && !l.starts_with('#')).collect();
    if para.is_empty() {
        rule.summary.to_string()
    } else {
        para.join(" ")
    }
}

fn rule_out<'a>(rule: &RuleMeta, taxonomies: &'a [Taxonomy]) -> RuleOut<'a> {
    let mut tags = vec![rule.category.as_str().to_string(), rule.target.as_str().to_string()];
    tags.extend(rule.cis.iter().map(|c| format!("cis-{c}")));
    let docs = rule.docs.trim();
    RuleOut {
        id: rule.code,
        name: rule.name,
        short_description: message(rule.summary),
        full_description: message(full_description(rule)),
        help: Help {
            text: if docs.is_empty() { rule.summary.to_string() } else { docs.to_string() },
            markdown: (!docs.is_empty()).then(|| docs.to_string()),
        },
        help_uri: crate::rule_page_url(RULE_PAGE_URL, rule.code),
        default_configuration: Configuration { enabled: rule.default_enabled, level: level(rule.severity) },
        properties: RuleProperties { tags, security_severity: security_severity(rule) },
        relationships: taxonomies
            .iter()
            .flat_map(|t| {
                t.taxa.iter().filter(|taxon| taxon.rules.iter().any(|r| r == rule.code)).map(|taxon| Relationship {
                    target: RelationshipTarget { id: &taxon.id, tool_component: ComponentRef { name: &t.name } },
                    kinds: ["relevant"],
                })
            })
            .collect(),
    }
}

/// Percent-encodes a path for a URI: everything but RFC 3986 unreserved characters
/// and `/`. `:` is encoded too, or `a:b` would read as a URI with scheme `a`.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The artifact location of a file name as dockward displays it: relative names
/// become URIs relative to `%SRCROOT%`, absolute ones `file://` URIs.
fn artifact(name: &str) -> ArtifactLocation {
    let mut path = name.replace('\\', "/");
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.to_string();
    }
    let bytes = path.as_bytes();
    let (uri, base) = if path.starts_with('/') {
        (format!("file://{}", encode_path(&path)), None)
    } else if bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/' {
        // A Windows drive path: `C:/x` → `file:///C:/x`, keeping the drive's colon.
        (format!("file:///{}:{}", &path[..1], encode_path(&path[2..])), None)
    } else {
        (encode_path(&path), Some(SRCROOT))
    };
    ArtifactLocation { uri: Some(uri), uri_base_id: base, description: None }
}

/// The largest char boundary of `text` at or before `i`.
fn floor(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A region in UTF-16 columns (the run's `columnKind`), end exclusive. `snippet`
/// adds the region's text, masked.
fn region(file: &SourceFile, range: TextRange, secrets: Option<&Secrets>) -> Region {
    let start = file.position(range.start());
    let end = file.position(range.end().max(range.start()));
    let snippet = secrets.map(|s| {
        let text = file.text();
        let (a, b) = (floor(text, start.offset as usize), floor(text, end.offset as usize));
        message(s.source(file, &text[a..b.max(a)], a as u32))
    });
    Region {
        start_line: start.line,
        start_column: start.column_utf16,
        end_line: end.line,
        end_column: end.column_utf16,
        snippet,
    }
}

fn location_out(location: &Location, secrets: &Secrets, id: Option<usize>, msg: Option<Message>) -> LocationOut {
    let (physical_location, logical_locations) = match location {
        Location::Source { file, range } => {
            // Snippets only for the file the redactions belong to: a related location in
            // another file cannot be masked, so its text is left out.
            let region = region(file, *range, secrets.covers(file).then_some(secrets));
            (Some(PhysicalLocation { artifact_location: artifact(file.name()), region: Some(region) }), vec![])
        }
        Location::File { name } => (Some(PhysicalLocation { artifact_location: artifact(name), region: None }), vec![]),
        Location::Logical { scope, path } => {
            (None, vec![LogicalLocation { name: path.clone(), fully_qualified_name: format!("{scope}/{path}") }])
        }
    };
    LocationOut { id, physical_location, logical_locations, message: msg }
}

fn fix_out(file: &SourceFile, fix: &Fix, secrets: &Secrets) -> FixOut {
    let len = TextSize::of(file.text());
    let replacement = |e: &Edit| {
        let start = e.range.start().min(len);
        Replacement {
            deleted_region: region(file, TextRange::new(start, e.range.end().clamp(start, len)), None),
            inserted_content: message(secrets.edit_content(e)),
        }
    };
    FixOut {
        description: message(secrets.scrub(&fix.message)),
        artifact_changes: vec![ArtifactChange {
            artifact_location: artifact(file.name()),
            replacements: fix.edits.iter().map(replacement).collect(),
        }],
    }
}

fn result_out(d: &Diagnostic, rules: &[&'static RuleMeta], fingerprinter: &mut Fingerprinter) -> ResultOut {
    let secrets = Secrets::of(d);
    let fingerprint = fingerprinter.fingerprint(d);
    let related_locations = d
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| location_out(&r.location, &secrets, Some(i + 1), Some(message(secrets.scrub(&r.message)))))
        .collect();
    let fixes = match (&d.fix, d.location.file()) {
        (Some(fix), Some(file)) if !fix.edits.is_empty() => vec![fix_out(file, fix, &secrets)],
        _ => vec![],
    };
    let mut text = secrets.scrub(&d.message).into_owned();
    if let Some(v) = d.vuln.as_deref().filter(|v| !text.contains(&v.advisory)) {
        text = format!("{}: {text}", v.advisory);
    }
    ResultOut {
        rule_id: d.rule.code,
        rule_index: rules.iter().position(|r| r.code == d.rule.code).unwrap_or(0),
        level: level(d.severity),
        message: message(text),
        locations: vec![location_out(&d.location, &secrets, None, None)],
        related_locations,
        fixes,
        partial_fingerprints: Fingerprints { primary_location_line_hash: fingerprint.line_hash() },
        properties: d.vuln.as_deref().map(vuln_properties),
    }
}

pub(crate) fn render(report: &Report, options: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    // Every known rule, in the caller's order; rules only met in findings (not in
    // `report.rules`) are appended so every `ruleIndex` is valid.
    let mut rules: Vec<&'static RuleMeta> = Vec::new();
    for rule in report.rules.iter().copied().chain(report.diagnostics.iter().map(|d| d.rule)) {
        if !rules.iter().any(|r| r.code == rule.code) {
            rules.push(rule);
        }
    }
    let results = Results { diagnostics: report.diagnostics, rules: &rules, seen: Default::default() };
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "dockward",
                    version: &options.tool_version,
                    information_uri: INFORMATION_URI,
                    rules: rules.iter().map(|r| rule_out(r, &options.taxonomies)).collect(),
                    supported_taxonomies: options.taxonomies.iter().map(|t| ComponentRef { name: &t.name }).collect(),
                },
            },
            original_uri_base_ids: UriBaseIds {
                src_root: ArtifactLocation {
                    uri: None,
                    uri_base_id: None,
                    description: Some(message("The directory dockward was run in; relative paths start there.")),
                },
            },
            column_kind: "utf16CodeUnits",
            taxonomies: options
                .taxonomies
                .iter()
                .map(|t| TaxonomyOut {
                    name: &t.name,
                    full_name: &t.full_name,
                    information_uri: &t.information_uri,
                    is_comprehensive: false,
                    taxa: t
                        .taxa
                        .iter()
                        .map(|taxon| TaxonOut {
                            id: &taxon.id,
                            name: &taxon.title,
                            short_description: message(taxon.title.as_str()),
                            full_description: message(taxon.description.as_str()),
                        })
                        .collect(),
                })
                .collect(),
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::fnv1a;
    use crate::testutil::*;
    use crate::Format;
    use dockward_diagnostics::Diagnostic;
    use dockward_diagnostics::{Edit, Fix};
    use serde_json::{json, Value};

    /// The OASIS SARIF 2.1.0 schema, kept in the shared folder beside the repository.
    const SCHEMA_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/schemas/sarif-schema-2.1.0.json");

    fn validator() -> jsonschema::Validator {
        let text = std::fs::read_to_string(SCHEMA_PATH).unwrap_or_else(|e| panic!("reading {SCHEMA_PATH}: {e}"));
        let schema: Value = serde_json::from_str(&text).unwrap();
        jsonschema::draft4::options().should_validate_formats(true).build(&schema).expect("the SARIF schema compiles")
    }

    fn errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
        validator.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).collect()
    }

    /// A run covering every location kind and the awkward cases.
    fn sample() -> (Vec<Diagnostic>, Vec<String>) {
        let src = "FROM alpine AS build\nRUN echo \"😀\" && curl x | sh\nENV TOKEN=hunter2\nRUN a \\\n  b\n";
        let f = file("sub dir/Dockerfile", src);
        let curl = src.find("curl").unwrap() as u32;
        let token = src.find("hunter2").unwrap() as u32;
        let run2 = src.find("RUN a").unwrap() as u32;
        let stage = src.find("build").unwrap() as u32;
        let diags = vec![
            diag(&RULE_A, &f, curl, curl + 4, "pipes curl into sh")
                .with_related(Location::source(&f, range(stage, stage + 5)), "the stage is defined here")
                .with_fix(Fix::unsafe_("download first", vec![Edit::replace(range(curl, curl + 4), "wget")])),
            diag(&RULE_B, &f, token - 6, token + 7, "secret in ENV").with_redaction(range(token, token + 7)),
            diag(&RULE_C, &f, run2, src.len() as u32 - 1, "multi-line"),
            Diagnostic::new(
                &RULE_A,
                Location::Logical { scope: "container/web".into(), path: "Config.User".into() },
                "root",
            ),
            Diagnostic::new(&RULE_B, Location::File { name: "./bin/Dockerfile".into() }, "unreadable"),
        ];
        (diags, vec!["bin/Dockerfile".into(), "sub dir/Dockerfile".into()])
    }

    fn sarif(diags: &[Diagnostic], files: &[String]) -> (String, Value) {
        let out = render_to_string(Format::Sarif, &report(diags, files), &plain());
        let v = serde_json::from_str(&out).unwrap();
        (out, v)
    }

    #[test]
    fn validates_against_the_schema() {
        let validator = validator();
        let (diags, files) = sample();
        let (_, doc) = sarif(&diags, &files);
        assert_eq!(errors(&validator, &doc), Vec::<String>::new());
        let (_, empty) = sarif(&[], &files);
        assert_eq!(errors(&validator, &empty), Vec::<String>::new());

        // The validator really checks: broken copies must fail.
        let mut bad = doc.clone();
        bad["version"] = json!(3);
        assert!(!errors(&validator, &bad).is_empty());
        let mut bad = doc.clone();
        bad["runs"][0]["results"][0]["level"] = json!("fatal");
        assert!(!errors(&validator, &bad).is_empty());
        let mut bad = doc;
        bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = json!(0);
        assert!(!errors(&validator, &bad).is_empty());
    }

    #[test]
    fn results_regions_and_rules() {
        let (diags, files) = sample();
        let (out, v) = sarif(&diags, &files);
        assert!(!out.contains("hunter2"));
        let run = &v["runs"][0];
        assert_eq!(v["version"], "2.1.0");
        assert_eq!(run["columnKind"], "utf16CodeUnits");
        assert!(run["originalUriBaseIds"]["%SRCROOT%"].is_object());
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 3);
        assert_eq!(rules[0]["id"], "DF001");
        assert_eq!(rules[0]["name"], "last-user-is-root");
        assert_eq!(rules[0]["shortDescription"]["text"], "The image runs as root.");
        assert_eq!(rules[0]["fullDescription"]["text"], "The last `USER` of the final stage is `root`.");
        // The rule's page in the repository, where `dockward rule DF001` prints it from.
        assert_eq!(rules[0]["helpUri"], format!("{}/blob/main/docs/rules/DF001.md", env!("CARGO_PKG_REPOSITORY")));
        assert_eq!(rules[0]["defaultConfiguration"], json!({"enabled": true, "level": "warning"}));
        assert_eq!(
            rules[0]["properties"],
            json!({"tags": ["security", "dockerfile", "cis-4.1"], "security-severity": "5.0"})
        );
        assert_eq!(rules[1]["properties"]["security-severity"], "8.0");
        assert_eq!(rules[2]["properties"], json!({"tags": ["best-practice", "dockerfile"]}));
        assert_eq!(rules[2]["help"], json!({"text": "apt lists are left in the layer."}));

        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 5);
        let r0 = &results[0];
        assert_eq!(
            (r0["ruleId"].as_str(), r0["ruleIndex"].as_u64(), r0["level"].as_str()),
            (Some("DF001"), Some(0), Some("warning"))
        );
        let loc = &r0["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"], json!({"uri": "sub%20dir/Dockerfile", "uriBaseId": "%SRCROOT%"}));
        // `RUN echo "😀" && ` is 16 characters, but the emoji is 2 UTF-16 units (4
        // bytes): `curl` is at character column 17, UTF-16 column 18. Without the
        // emoji it would be 16, so the emoji shifts the UTF-16 column by 2.
        assert_eq!(
            loc["region"],
            json!({"startLine": 2, "startColumn": 18, "endLine": 2, "endColumn": 22, "snippet": {"text": "curl"}})
        );
        assert_eq!(diags[0].location.span().unwrap().0.column, 17);
        assert_eq!(r0["relatedLocations"][0]["id"], 1);
        assert_eq!(r0["relatedLocations"][0]["message"]["text"], "the stage is defined here");
        assert_eq!(r0["relatedLocations"][0]["physicalLocation"]["region"]["startColumn"], 16);
        let rep = &r0["fixes"][0]["artifactChanges"][0]["replacements"][0];
        assert_eq!(rep["deletedRegion"], json!({"startLine": 2, "startColumn": 18, "endLine": 2, "endColumn": 22}));
        assert_eq!(rep["insertedContent"]["text"], "wget");
        assert_eq!(r0["fixes"][0]["description"]["text"], "download first");

        let r1 = &results[1]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(r1["snippet"]["text"], "TOKEN=****");
        let r2 = &results[2]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (r2["startLine"].as_u64(), r2["endLine"].as_u64(), r2["endColumn"].as_u64()),
            (Some(4), Some(5), Some(4))
        );

        let logical = &results[3]["locations"][0];
        assert!(logical.get("physicalLocation").is_none());
        assert_eq!(
            logical["logicalLocations"][0],
            json!({"name": "Config.User", "fullyQualifiedName": "container/web/Config.User"})
        );
        let whole = &results[4]["locations"][0]["physicalLocation"];
        assert_eq!(whole, &json!({"artifactLocation": {"uri": "bin/Dockerfile", "uriBaseId": "%SRCROOT%"}}));
    }

    /// Taxonomies are written by the renderer as it streams: valid against the SARIF
    /// 2.1.0 schema, listed as supported, and each rule a taxon names related to it.
    #[test]
    fn taxonomies_and_relationships_validate() {
        let (diags, files) = sample();
        let taxonomies = vec![Taxonomy {
            name: "nist-800-190".into(),
            full_name: "NIST SP 800-190".into(),
            information_uri: "https://doi.org/10.6028/NIST.SP.800-190".into(),
            taxa: vec![
                Taxon {
                    id: "4.1.2".into(),
                    title: "Image configuration defects".into(),
                    description: "No finding of its rules.".into(),
                    rules: vec!["DF001".into(), "DF003".into()],
                },
                Taxon { id: "4.1.3".into(), title: "Malware".into(), description: "Manual.".into(), rules: vec![] },
            ],
        }];
        let options = ReportOptions { taxonomies, ..plain() };
        let out = render_to_string(Format::Sarif, &report(&diags, &files), &options);
        let doc: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(errors(&validator(), &doc), Vec::<String>::new());
        let run = &doc["runs"][0];
        assert_eq!(run["tool"]["driver"]["supportedTaxonomies"], json!([{"name": "nist-800-190"}]));
        assert_eq!(run["taxonomies"][0]["taxa"][1]["fullDescription"]["text"], "Manual.");
        assert_eq!(run["taxonomies"][0]["isComprehensive"], false);
        let rule =
            |code: &str| run["tool"]["driver"]["rules"].as_array().unwrap().iter().find(|r| r["id"] == code).unwrap();
        assert_eq!(
            rule("DF001")["relationships"],
            json!([{"target": {"id": "4.1.2", "toolComponent": {"name": "nist-800-190"}}, "kinds": ["relevant"]}])
        );
        assert!(rule("DF002").get("relationships").is_none());
        // Without taxonomies the log has none of these keys.
        let plain_log = render_to_string(Format::Sarif, &report(&diags, &files), &plain());
        assert!(!plain_log.contains("taxonomies") && !plain_log.contains("relationships"));
    }

    #[test]
    fn fingerprints_are_stable_and_count_occurrences() {
        let f = file("Dockerfile", "USER root\n  USER   root\nUSER root\n");
        let g = file("Other", "USER root\n");
        let diags = vec![
            diag(&RULE_A, &f, 0, 4, "a"),
            diag(&RULE_A, &f, 12, 16, "b"),
            diag(&RULE_B, &f, 22, 26, "c"),
            diag(&RULE_A, &g, 0, 4, "d"),
        ];
        let (out, v) = sarif(&diags, &[]);
        let fp: Vec<&str> = v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"]["primaryLocationLineHash"].as_str().unwrap())
            .collect();
        let h = format!("{:016x}", fnv1a(&["DF001", "USER root"]));
        // Whitespace does not matter; the second identical line is occurrence 2; another
        // rule hashes differently; another file counts from 1 again.
        assert_eq!(fp[0], format!("{h}:1"));
        assert_eq!(fp[1], format!("{h}:2"));
        assert_ne!(fp[2].split(':').next(), Some(h.as_str()));
        assert_eq!(fp[3], format!("{h}:1"));
        // A fixed value guards against the hash silently changing between versions.
        assert_eq!(fnv1a(&["a"]), 0xaf63dc4c8601ec8c);
        assert_eq!(out, sarif(&diags, &[]).0, "deterministic");
    }

    #[test]
    fn uris() {
        let uri = |n: &str| {
            let a = artifact(n);
            (a.uri.unwrap(), a.uri_base_id)
        };
        assert_eq!(uri("./a b/Dockerfile"), ("a%20b/Dockerfile".into(), Some(SRCROOT)));
        assert_eq!(uri("dir\\x:y#1.txt"), ("dir/x%3Ay%231.txt".into(), Some(SRCROOT)));
        assert_eq!(uri("/abs/ü"), ("file:///abs/%C3%BC".into(), None));
        assert_eq!(uri("C:\\w\\Dockerfile"), ("file:///C:/w/Dockerfile".into(), None));
    }

    #[test]
    fn rules_missing_from_the_list_are_added() {
        let f = file("Dockerfile", "FROM a\n");
        let diags = vec![diag(&RULE_C, &f, 0, 4, "x")];
        let r = Report {
            diagnostics: &diags,
            rules: &[&RULE_A],
            files: &[],
            fixes_applied: 0,
            fixable: 0,
            baseline: None,
            comparison: None,
        };
        let v: Value = serde_json::from_str(&render_to_string(Format::Sarif, &r, &plain())).unwrap();
        assert_eq!(v["runs"][0]["tool"]["driver"]["rules"][1]["id"], "DF003");
        assert_eq!(v["runs"][0]["results"][0]["ruleIndex"], 1);
    }

    #[test]
    fn vulnerabilities_rank_by_score_or_level_and_validate() {
        let diags = vec![
            vuln("zlib1g", "DEBIAN-CVE-2026-1", "high", Some(7.54), Some("1.0-2")),
            vuln("zlib1g", "DEBIAN-CVE-2026-2", "critical", None, Some("1.0-2")),
            vuln("zlib1g", "DEBIAN-CVE-2026-3", "medium", None, None),
            vuln("libc6", "DEBIAN-CVE-2026-4", "low", None, None),
            vuln("libc6", "DEBIAN-CVE-2026-5", "negligible", None, None),
            vuln("libc6", "DEBIAN-CVE-2026-6", "unknown", Some(f64::NAN), None),
        ];
        let (_, v) = sarif(&diags, &[]);
        assert_eq!(errors(&validator(), &v), Vec::<String>::new());
        let results = v["runs"][0]["results"].as_array().unwrap();
        let severities: Vec<&str> =
            results.iter().map(|r| r["properties"]["security-severity"].as_str().unwrap()).collect();
        assert_eq!(severities, ["7.5", "9.5", "5.5", "2.0", "0.0", "0.0"]);
        assert_eq!(results[0]["properties"]["tags"], json!(["DEBIAN-CVE-2026-1", "CVE-2026-1"]));
        assert!(results[0]["message"]["text"].as_str().unwrap().contains("DEBIAN-CVE-2026-1"));
        // Same location, different advisories: different fingerprints, each its first.
        let fps: Vec<&str> =
            results.iter().map(|r| r["partialFingerprints"]["primaryLocationLineHash"].as_str().unwrap()).collect();
        assert!(fps.iter().all(|f| f.ends_with(":1")), "{fps:?}");
        // A message that does not name the advisory gets it in front.
        let mut d = vuln("curl", "GHSA-xxxx", "high", None, None);
        d.message = "curl is affected".into();
        let (_, v) = sarif(&[d], &[]);
        assert_eq!(v["runs"][0]["results"][0]["message"]["text"], "GHSA-xxxx: curl is affected");
        // Other findings have no result properties.
        let (diags, files) = sample();
        let (_, v) = sarif(&diags, &files);
        assert!(v["runs"][0]["results"][0].get("properties").is_none());
    }
}
