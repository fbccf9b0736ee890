//! OSV records (<https://ossf.github.io/osv-schema/>), read tolerantly: fields this
//! crate does not know are ignored, `null` is taken for an absent list, and only
//! what the schema requires is enforced (an `id`, a `modified` time, well-typed
//! fields, events with exactly one kind, at least one `introduced` per range).
//!
//! Versions are never compared here: a range is kept in the order the record gives,
//! and its *shape* is checked (see [`RangeNotes`]).

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::cvss;

/// One OSV record.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OsvRecord {
    #[serde(default)]
    pub schema_version: Option<String>,
    pub id: String,
    pub modified: String,
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub withdrawn: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub aliases: Vec<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub related: Vec<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub upstream: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    /// Parsed but never stored in the database (too large for its use).
    #[serde(default)]
    pub details: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub severity: Vec<Severity>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub affected: Vec<Affected>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub references: Vec<Reference>,
    #[serde(default)]
    pub database_specific: Option<Value>,
}

/// `severity[]`: a scoring system and its score (a vector for CVSS).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Severity {
    #[serde(rename = "type")]
    pub kind: SeverityType,
    pub score: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum SeverityType {
    CvssV2,
    CvssV3,
    CvssV4,
    /// Ubuntu's priority: `negligible`, `low`, `medium`, `high` or `critical`.
    Ubuntu,
    Other(String),
}

impl From<String> for SeverityType {
    fn from(s: String) -> Self {
        match s.as_str() {
            "CVSS_V2" => SeverityType::CvssV2,
            "CVSS_V3" => SeverityType::CvssV3,
            "CVSS_V4" => SeverityType::CvssV4,
            "Ubuntu" => SeverityType::Ubuntu,
            _ => SeverityType::Other(s),
        }
    }
}

/// `affected[]`: one package and the versions of it the record concerns.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Affected {
    /// Absent only in records about something that is not a package; such entries
    /// are not stored.
    #[serde(default)]
    pub package: Option<Package>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub severity: Vec<Severity>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub ranges: Vec<Range>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub versions: Vec<String>,
    #[serde(default)]
    pub ecosystem_specific: Option<Value>,
    #[serde(default)]
    pub database_specific: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Package {
    pub ecosystem: String,
    pub name: String,
    #[serde(default)]
    pub purl: Option<String>,
}

/// `affected[].ranges[]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Range {
    #[serde(rename = "type")]
    pub kind: RangeType,
    #[serde(default)]
    pub repo: Option<String>,
    pub events: Vec<Event>,
    #[serde(default)]
    pub database_specific: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum RangeType {
    Semver,
    Ecosystem,
    /// Commit hashes: stored, flagged, and ignored by the matcher.
    Git,
    /// A type the schema does not know: stored and flagged like `GIT`.
    Other(String),
}

impl From<String> for RangeType {
    fn from(s: String) -> Self {
        match s.as_str() {
            "SEMVER" => RangeType::Semver,
            "ECOSYSTEM" => RangeType::Ecosystem,
            "GIT" => RangeType::Git,
            _ => RangeType::Other(s),
        }
    }
}

impl RangeType {
    /// The OSV spelling.
    pub fn as_str(&self) -> &str {
        match self {
            RangeType::Semver => "SEMVER",
            RangeType::Ecosystem => "ECOSYSTEM",
            RangeType::Git => "GIT",
            RangeType::Other(s) => s,
        }
    }

    /// Whether a version comparator can evaluate ranges of this type.
    pub fn is_comparable(&self) -> bool {
        matches!(self, RangeType::Semver | RangeType::Ecosystem)
    }
}

/// One range event: an object with exactly one of the four keys.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawEvent")]
pub enum Event {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

impl Event {
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }

    /// The OSV key.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Introduced(_) => "introduced",
            Event::Fixed(_) => "fixed",
            Event::LastAffected(_) => "last_affected",
            Event::Limit(_) => "limit",
        }
    }
}

#[derive(Deserialize)]
struct RawEvent {
    #[serde(default)]
    introduced: Option<String>,
    #[serde(default)]
    fixed: Option<String>,
    #[serde(default)]
    last_affected: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

impl TryFrom<RawEvent> for Event {
    type Error = String;

    fn try_from(raw: RawEvent) -> Result<Self, Self::Error> {
        let mut found = Vec::with_capacity(1);
        if let Some(v) = raw.introduced {
            found.push(Event::Introduced(v));
        }
        if let Some(v) = raw.fixed {
            found.push(Event::Fixed(v));
        }
        if let Some(v) = raw.last_affected {
            found.push(Event::LastAffected(v));
        }
        if let Some(v) = raw.limit {
            found.push(Event::Limit(v));
        }
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err("a range event has none of introduced, fixed, last_affected, limit".into()),
            _ => Err(format!(
                "a range event has {} keys ({}); it must have exactly one",
                found.len(),
                found.iter().map(Event::kind).collect::<Vec<_>>().join(", ")
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Reference {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    pub url: String,
}

fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// What the shape check found in one range. Versions are not compared, so "out of
/// order" means the sequence of event kinds cannot be sorted input: a `fixed` or
/// `last_affected` with no `introduced` open before it. Only `SEMVER` and
/// `ECOSYSTEM` ranges are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RangeNotes {
    /// A `GIT` range (or a type the schema does not know): not for version matching.
    pub not_comparable: bool,
    /// An end event (`fixed`, `last_affected`) with no open `introduced` before it.
    pub out_of_order: bool,
    /// Both `fixed` and `last_affected` in one range, which the schema forbids.
    pub fixed_and_last_affected: bool,
}

impl RangeNotes {
    pub fn any(&self) -> bool {
        self.not_comparable || self.out_of_order || self.fixed_and_last_affected
    }

    /// Bits for storage: 1 not comparable, 2 out of order, 4 fixed and last_affected.
    pub fn bits(&self) -> u8 {
        u8::from(self.not_comparable) | u8::from(self.out_of_order) << 1 | u8::from(self.fixed_and_last_affected) << 2
    }

    pub fn from_bits(bits: u8) -> RangeNotes {
        RangeNotes {
            not_comparable: bits & 1 != 0,
            out_of_order: bits & 2 != 0,
            fixed_and_last_affected: bits & 4 != 0,
        }
    }

    pub fn union(self, other: RangeNotes) -> RangeNotes {
        RangeNotes::from_bits(self.bits() | other.bits())
    }
}

impl Range {
    /// The shape check of this range (see [`RangeNotes`]).
    pub fn notes(&self) -> RangeNotes {
        let mut notes = RangeNotes { not_comparable: !self.kind.is_comparable(), ..RangeNotes::default() };
        if notes.not_comparable {
            // GIT ranges list one fix per branch (`introduced 0, fixed A, fixed B`):
            // commits have no linear order to check.
            return notes;
        }
        let mut open = false;
        let (mut fixed, mut last) = (false, false);
        for event in &self.events {
            match event {
                Event::Introduced(_) => open = true,
                Event::Fixed(_) | Event::LastAffected(_) => {
                    if !open {
                        notes.out_of_order = true;
                    }
                    open = false;
                    fixed |= matches!(event, Event::Fixed(_));
                    last |= matches!(event, Event::LastAffected(_));
                }
                Event::Limit(_) => {}
            }
        }
        notes.fixed_and_last_affected = fixed && last;
        notes
    }
}

/// The severity facts of a record or of one affected entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeverityFacts {
    /// A label given by the source: GHSA-style `database_specific.severity`
    /// (`LOW`, `MODERATE`, `HIGH`, `CRITICAL`) or Ubuntu's priority.
    pub label: Option<String>,
    /// A CVSS v3 vector when there is one, else a v2 vector.
    pub cvss_vector: Option<String>,
    /// The base score of `cvss_vector` when it is a valid v3 vector.
    pub cvss_score: Option<f64>,
    /// A CVSS v4 vector, kept as given (not scored).
    pub cvss_v4: Option<String>,
}

impl SeverityFacts {
    /// From a `severity[]` list and a `database_specific` object.
    pub fn from_osv(severity: &[Severity], database_specific: Option<&Value>) -> SeverityFacts {
        let mut facts = SeverityFacts::default();
        let mut v2 = None;
        for s in severity {
            let score = s.score.trim();
            match s.kind {
                SeverityType::CvssV3 => {
                    // The first valid v3 vector wins; an invalid one is kept only if no
                    // valid one follows.
                    let parsed = cvss::cvss3_base_score(score);
                    if facts.cvss_score.is_none() && (parsed.is_some() || facts.cvss_vector.is_none()) {
                        facts.cvss_vector = Some(score.to_string());
                        facts.cvss_score = parsed;
                    }
                }
                SeverityType::CvssV4 => {
                    facts.cvss_v4.get_or_insert_with(|| score.to_string());
                }
                SeverityType::CvssV2 => {
                    v2.get_or_insert_with(|| score.to_string());
                }
                SeverityType::Ubuntu => {
                    facts.label.get_or_insert_with(|| score.to_string());
                }
                SeverityType::Other(_) => {}
            }
        }
        if facts.cvss_vector.is_none() {
            facts.cvss_vector = v2;
        }
        if let Some(label) = database_specific.and_then(|d| d.get("severity")).and_then(Value::as_str) {
            if !label.trim().is_empty() {
                facts.label = Some(label.trim().to_string());
            }
        }
        facts
    }
}

fn str_at<'a>(value: Option<&'a Value>, key: &str) -> Option<&'a str> {
    value?.get(key)?.as_str().map(str::trim).filter(|s| !s.is_empty())
}

impl Affected {
    /// Debian's urgency (`ecosystem_specific.urgency`).
    pub fn urgency(&self) -> Option<&str> {
        str_at(self.ecosystem_specific.as_ref(), "urgency")
    }

    /// The Debian security tracker's status (`database_specific.debian_tracker_status`),
    /// without the tracker's angle brackets: `unfixed`, `no-dsa`, `ignored`, ...
    pub fn tracker_status(&self) -> Option<&str> {
        str_at(self.database_specific.as_ref(), "debian_tracker_status")
            .map(|s| s.trim_start_matches('<').trim_end_matches('>'))
    }

    /// RustSec's `database_specific.informational` (`unmaintained`, `unsound`,
    /// `notice`): not a vulnerability.
    pub fn informational(&self) -> Option<&str> {
        str_at(self.database_specific.as_ref(), "informational")
    }

    /// The shape notes of all ranges together.
    pub fn notes(&self) -> RangeNotes {
        self.ranges.iter().fold(RangeNotes::default(), |acc, r| acc.union(r.notes()))
    }

    /// Whether a comparable range names a `fixed` version.
    pub fn has_fix(&self) -> bool {
        self.ranges
            .iter()
            .filter(|r| r.kind.is_comparable())
            .any(|r| r.events.iter().any(|e| matches!(e, Event::Fixed(_))))
    }

    /// The summary status of this entry (not of an installed version): `Fixed` when
    /// a comparable range names a fixed version; otherwise `WontFix` for Debian's
    /// `no-dsa`, `ignored` and `end-of-life`, else `Unfixed` (including `postponed`).
    pub fn fix_state(&self) -> FixState {
        if self.has_fix() {
            return FixState::Fixed;
        }
        match self.tracker_status().map(str::to_ascii_lowercase).as_deref() {
            Some("no-dsa" | "ignored" | "end-of-life") => FixState::WontFix,
            _ => FixState::Unfixed,
        }
    }
}

/// Whether the record names a fixed version for a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixState {
    Fixed,
    Unfixed,
    WontFix,
}

impl FixState {
    pub fn as_str(self) -> &'static str {
        match self {
            FixState::Fixed => "fixed",
            FixState::Unfixed => "unfixed",
            FixState::WontFix => "wont-fix",
        }
    }

    pub fn parse(s: &str) -> Option<FixState> {
        match s {
            "fixed" => Some(FixState::Fixed),
            "unfixed" => Some(FixState::Unfixed),
            "wont-fix" => Some(FixState::WontFix),
            _ => None,
        }
    }
}

impl OsvRecord {
    /// Parses one record from JSON and checks what serde cannot: a non-empty id,
    /// at least one event and one `introduced` per range, and packages with an
    /// ecosystem and a name.
    pub fn from_json(bytes: &[u8]) -> Result<OsvRecord, String> {
        let record: OsvRecord = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        record.validate()?;
        Ok(record)
    }

    /// As [`OsvRecord::from_json`], from an already parsed JSON value.
    pub fn from_value(value: Value) -> Result<OsvRecord, String> {
        let record: OsvRecord = serde_json::from_value(value).map_err(|e| e.to_string())?;
        record.validate()?;
        Ok(record)
    }

    /// The checks of [`OsvRecord::from_json`] that serde does not make.
    pub fn validate(&self) -> Result<(), String> {
        if self.id.trim().is_empty() {
            return Err("`id` is empty".into());
        }
        if self.modified.trim().is_empty() {
            return Err("`modified` is empty".into());
        }
        for (i, affected) in self.affected.iter().enumerate() {
            if let Some(p) = &affected.package {
                if p.ecosystem.trim().is_empty() || p.name.trim().is_empty() {
                    return Err(format!("affected[{i}].package has an empty ecosystem or name"));
                }
            }
            for (j, range) in affected.ranges.iter().enumerate() {
                if range.events.is_empty() {
                    return Err(format!("affected[{i}].ranges[{j}] has no events"));
                }
                if !range.events.iter().any(|e| matches!(e, Event::Introduced(_))) {
                    return Err(format!("affected[{i}].ranges[{j}] has no `introduced` event"));
                }
            }
        }
        Ok(())
    }

    /// The record's own severity facts (`severity[]` and `database_specific.severity`).
    pub fn severity_facts(&self) -> SeverityFacts {
        SeverityFacts::from_osv(&self.severity, self.database_specific.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<OsvRecord, String> {
        OsvRecord::from_json(json.as_bytes())
    }

    #[test]
    fn minimal_and_unknown_fields() {
        let r = parse(r#"{"id":"X-1","modified":"2024-01-01T00:00:00Z","new_field":{"a":1},"aliases":null}"#).unwrap();
        assert_eq!(r.id, "X-1");
        assert!(r.aliases.is_empty() && r.affected.is_empty());
    }

    #[test]
    fn invalid_records_say_why() {
        let missing_id = parse(r#"{"modified":"2024-01-01T00:00:00Z"}"#).unwrap_err();
        assert!(missing_id.contains("missing field `id`"), "{missing_id}");
        let wrong_type = parse(r#"{"id":5,"modified":"2024-01-01T00:00:00Z"}"#).unwrap_err();
        assert!(wrong_type.contains("invalid type"), "{wrong_type}");
        let two_keys = parse(
            r#"{"id":"X","modified":"m","affected":[{"package":{"ecosystem":"PyPI","name":"a"},
            "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0","fixed":"1"}]}]}]}"#,
        )
        .unwrap_err();
        assert!(two_keys.contains("exactly one"), "{two_keys}");
        let no_introduced = parse(
            r#"{"id":"X","modified":"m","affected":[{"package":{"ecosystem":"PyPI","name":"a"},
            "ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"1"}]}]}]}"#,
        )
        .unwrap_err();
        assert!(no_introduced.contains("no `introduced`"), "{no_introduced}");
        assert!(parse("[1,2").is_err());
        assert!(parse(r#"{"id":"","modified":"m"}"#).is_err());
    }

    #[test]
    fn range_shapes() {
        let r = parse(
            r#"{"id":"X","modified":"m","affected":[{"package":{"ecosystem":"PyPI","name":"a"},"ranges":[
            {"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1"},{"introduced":"2"},{"fixed":"3"}]},
            {"type":"ECOSYSTEM","events":[{"fixed":"1"},{"introduced":"0"}]},
            {"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1"},{"introduced":"2"},{"last_affected":"3"}]},
            {"type":"GIT","repo":"https://example.invalid/r","events":[{"introduced":"0"},{"fixed":"v1.2"},{"fixed":"abc"}]},
            {"type":"NEWKIND","events":[{"introduced":"0"},{"limit":"9"}]}]}]}"#,
        )
        .unwrap();
        let notes: Vec<RangeNotes> = r.affected[0].ranges.iter().map(Range::notes).collect();
        assert!(!notes[0].any());
        assert!(notes[1].out_of_order && !notes[1].not_comparable);
        assert!(notes[2].fixed_and_last_affected && !notes[2].out_of_order);
        assert!(notes[3].not_comparable && !notes[3].out_of_order);
        assert!(notes[4].not_comparable);
        assert_eq!(r.affected[0].ranges[4].kind, RangeType::Other("NEWKIND".into()));
        assert_eq!(RangeNotes::from_bits(notes[2].bits()), notes[2]);
    }

    #[test]
    fn fix_states() {
        let r = parse(
            r#"{"id":"X","modified":"m","affected":[
            {"package":{"ecosystem":"Debian:12","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}],
             "database_specific":{"debian_tracker_status":"<no-dsa>"},"ecosystem_specific":{"urgency":"low"}},
            {"package":{"ecosystem":"Debian:12","name":"b"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}],
             "database_specific":{"debian_tracker_status":"postponed"}},
            {"package":{"ecosystem":"PyPI","name":"c"},"ranges":[{"type":"GIT","repo":"r","events":[{"introduced":"0"},{"fixed":"abc"}]}]},
            {"package":{"ecosystem":"PyPI","name":"d"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2"}]}]}
            ]}"#,
        )
        .unwrap();
        let states: Vec<FixState> = r.affected.iter().map(Affected::fix_state).collect();
        assert_eq!(states, [FixState::WontFix, FixState::Unfixed, FixState::Unfixed, FixState::Fixed]);
        assert_eq!(r.affected[0].tracker_status(), Some("no-dsa"));
        assert_eq!(r.affected[0].urgency(), Some("low"));
    }

    #[test]
    fn severity_facts() {
        let r = parse(
            r#"{"id":"X","modified":"m","severity":[
              {"type":"CVSS_V2","score":"AV:N/AC:L/Au:N/C:P/I:P/A:P"},
              {"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"},
              {"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"}],
              "database_specific":{"severity":"MODERATE"}}"#,
        )
        .unwrap();
        let f = r.severity_facts();
        assert_eq!(f.label.as_deref(), Some("MODERATE"));
        assert_eq!(f.cvss_score, Some(6.1));
        assert_eq!(f.cvss_vector.as_deref(), Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"));
        assert!(f.cvss_v4.as_deref().unwrap().starts_with("CVSS:4.0/"));
        let only_v2 = SeverityFacts::from_osv(&r.severity[..1], None);
        assert_eq!(only_v2.cvss_vector.as_deref(), Some("AV:N/AC:L/Au:N/C:P/I:P/A:P"));
        assert_eq!(only_v2.cvss_score, None);
    }
}
