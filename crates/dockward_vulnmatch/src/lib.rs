//! Which packages of an [`Inventory`] a known vulnerability affects.
//!
//! Nothing here reads images or prints findings: the input is an inventory and an open
//! [`VulnDb`], the output a list of [`VulnMatch`]es that the VU rules turn into findings.
//!
//! How a package is matched:
//!
//! * **Ecosystem.** OS packages (deb, apk, rpm) against their distribution release's
//!   OSV ecosystem ([`Distro::osv_ecosystem`], `Debian:12`), never against upstream
//!   ranges; language packages against their ecosystem (`PyPI`, `Go`, ...). Without a
//!   known release, or when the database has no records for an ecosystem, those
//!   packages are not matched and one [`MatchProblem`] says so. A main module built
//!   from a checkout (`(devel)`) or from a local source is not looked up.
//! * **Name and version.** OS packages by source package and source version; Go's
//!   `stdlib` at its toolchain version in OSV's SemVer form (`go1.19.8` → `1.19.8`);
//!   PyPI by PEP 503 name (the database normalises); others as spelled.
//! * **Ranges.** OSV semantics: `SEMVER` and `ECOSYSTEM` ranges with events sorted
//!   by the ecosystem's comparator, `last_affected`, `limit`, explicit `versions`;
//!   `GIT` ranges ignored; withdrawn records skipped;
//!   RustSec informational notices only with [`MatchOptions::informational`]. A
//!   version the comparator refuses (installed, or in a record) is a problem, once per
//!   (ecosystem, string), and matches nothing.
//! * **One finding per vulnerability.** Records of one package whose ids name the
//!   same vulnerability (`aliases`, and `upstream` unless it bundles several CVEs) are
//!   merged, shown under the most specific id: the ecosystem's own (`DEBIAN-`,
//!   `PYSEC-`, `GO-`, `RUSTSEC-`) over `GHSA-` over `CVE-`.
//! * **Severity**, vendor first: Debian urgency, then a severity label (GHSA), then
//!   the CVSS v3 score, from the matched records and then from their aliases' records.

mod ids;
mod range;
pub mod severity;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use dockward_sbom::{Distro, Ecosystem, Inventory, Package};
use dockward_version::{golang::go_toolchain_to_semver, scheme_for_osv_ecosystem, validate, Scheme};
use dockward_vulndb::{Advisory, AffectedEntry, FixState, VulnDb};
use serde::Serialize;

/// Whether a fix exists for the installed package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchStatus {
    /// A fixed version above the installed one exists.
    Fixed,
    /// Affected, and no fix is available yet.
    Unfixed,
    /// Affected; the distribution decided not to fix it (Debian `no-dsa`, `ignored`,
    /// `end-of-life`).
    WontFix,
}

/// A severity level as advisories state them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VulnSeverity {
    Unknown,
    /// Debian's `unimportant`.
    Negligible,
    Low,
    Medium,
    High,
    Critical,
}

/// One (package, advisory) pair: the installed package is affected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VulnMatch {
    /// Index into the inventory's `packages`.
    pub package: usize,
    /// The OSV ecosystem the package was matched in (`Debian:12`, `PyPI`, `Go`).
    pub ecosystem: String,
    /// The id of the record that matched, the most specific one when several records
    /// describe the same vulnerability (the distro's `DEBIAN-CVE-...` over `CVE-...`).
    pub advisory: String,
    /// Every other id of the same vulnerability (CVE, GHSA, PYSEC, ...), sorted: the
    /// records' `aliases`, their `upstream` ids (unless a record bundles several
    /// CVEs), and the ids of the other records merged into this finding.
    pub aliases: Vec<String>,
    /// Ids of other, related vulnerabilities or advisories, sorted: `related` (the
    /// DLA/DSA that fixed this CVE together with others), and a bundle's `upstream`.
    /// Never used to merge findings.
    pub related: Vec<String>,
    /// The installed version the ranges were compared with (the source version for OS
    /// packages, `1.19.8` for a Go toolchain `go1.19.8`).
    pub installed: String,
    /// The lowest fixed version above the installed one, when one exists.
    pub fixed: Option<String>,
    pub status: MatchStatus,
    /// The distro tracker's word (`unfixed`, `no-dsa`, `ignored`, `postponed`...), or
    /// `unimportant` when the tracker gives no status and the urgency is that.
    pub distro_status: Option<String>,
    /// Debian's urgency as the record gives it (`unimportant`, `low`, `not yet
    /// assigned`...).
    pub urgency: Option<String>,
    pub severity: VulnSeverity,
    /// Where the severity came from: `debian-urgency`, `ghsa`, `label` or `cvss-v3`
    /// (the constants of [`severity`]); `None` when unknown.
    pub severity_source: Option<String>,
    /// The CVSS v3 base score of `cvss_vector`, whatever decided `severity`.
    pub cvss_score: Option<f64>,
    /// A CVSS v3 vector, else a v2 one, of the matched records or their aliases.
    pub cvss_vector: Option<String>,
    pub summary: Option<String>,
    /// At most five URLs, most useful first (the database keeps no more).
    pub references: Vec<String>,
    /// RustSec's kind of informational notice (`unmaintained`, `unsound`, `notice`):
    /// set only with [`MatchOptions::informational`], and then not a vulnerability.
    pub informational: Option<String>,
}

/// Something the matcher could not judge: reported once per (ecosystem, version or
/// package), never a silent match or a panic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct MatchProblem {
    /// Index into the inventory's `packages`, when about one package.
    pub package: Option<usize>,
    pub message: String,
}

/// What [`match_inventory`] found for one inventory.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MatchReport {
    /// Sorted by (package, advisory).
    pub matches: Vec<VulnMatch>,
    pub problems: Vec<MatchProblem>,
    /// The OSV ecosystem the OS packages were matched against (`Debian:12`); `None`
    /// when they were not (no distribution detected, none OSV names, or no records
    /// for it in the database: `problems` says which), or when there is no
    /// distribution and no OS package.
    pub os_ecosystem: Option<String>,
}

/// Options of a match.
#[derive(Debug, Clone, Default)]
pub struct MatchOptions {
    /// Also report RustSec informational notices (unmaintained, unsound).
    pub informational: bool,
}

/// Matches every package of `inventory` against `db`. Never fails: what could not be
/// judged (no distribution, an unreadable database row, a version the comparator
/// refuses) is in [`MatchReport::problems`].
pub fn match_inventory(db: &VulnDb, inventory: &Inventory, options: &MatchOptions) -> MatchReport {
    Matcher {
        db,
        options,
        problems: Vec::new(),
        reported: HashSet::new(),
        advisories: HashMap::new(),
        found: HashMap::new(),
    }
    .run(inventory)
}

/// A finding before it is attached to a package (shared by the binary packages of one
/// source package).
#[derive(Debug)]
struct Finding {
    advisory: String,
    aliases: Vec<String>,
    related: Vec<String>,
    fixed: Option<String>,
    status: MatchStatus,
    distro_status: Option<String>,
    urgency: Option<String>,
    severity: severity::Chosen,
    summary: Option<String>,
    references: Vec<String>,
    informational: Option<String>,
}

/// Where and how one package is looked up.
struct Target {
    ecosystem: String,
    scheme: Scheme,
    name: String,
    installed: String,
}

struct Matcher<'a> {
    db: &'a VulnDb,
    options: &'a MatchOptions,
    problems: Vec<MatchProblem>,
    /// Keys of the problems reported, so that each is reported once.
    reported: HashSet<String>,
    advisories: HashMap<String, Option<Rc<Advisory>>>,
    /// By (ecosystem, name, installed version).
    found: HashMap<(String, String, String), Rc<Vec<Finding>>>,
}

/// A main module built from a checkout or a local path: the thing scanned itself,
/// not a published package, so its name means nothing in the ecosystem's database.
fn is_local_main_module(p: &Package) -> bool {
    p.extra.get("main-module").is_some_and(|v| v == "true")
        && (p.version == "(devel)" || p.extra.get("source").is_some_and(|s| s == "local"))
}

fn describe(distro: &Distro) -> String {
    match (&distro.pretty_name, &distro.version_id) {
        (Some(pretty), _) => pretty.clone(),
        (None, Some(v)) => format!("{} {v}", distro.id),
        (None, None) => distro.id.clone(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn is_wont_fix(entry: &AffectedEntry) -> bool {
    entry.status == FixState::WontFix
        || entry
            .tracker_status
            .as_deref()
            .is_some_and(|s| matches!(s.to_ascii_lowercase().as_str(), "no-dsa" | "ignored" | "end-of-life"))
}

impl Matcher<'_> {
    fn problem(&mut self, key: String, package: Option<usize>, message: String) {
        if self.reported.insert(key) {
            self.problems.push(MatchProblem { package, message });
        }
    }

    fn run(mut self, inventory: &Inventory) -> MatchReport {
        let packages = &inventory.packages;
        let wanted: Vec<bool> = packages.iter().map(|p| !is_local_main_module(p)).collect();
        let os_count = packages.iter().zip(&wanted).filter(|(p, w)| **w && p.ecosystem.is_os()).count();

        let db_ecosystems: Option<BTreeSet<String>> = match self.db.status() {
            Ok(status) => Some(status.ecosystems.into_iter().filter(|e| e.packages > 0).map(|e| e.ecosystem).collect()),
            Err(e) => {
                self.problem("status".into(), None, format!("cannot list the database's ecosystems: {e}"));
                None
            }
        };
        let in_db = |eco: &str| db_ecosystems.as_ref().is_none_or(|set| set.contains(eco));

        let mut os_ecosystem = match &inventory.distro {
            None => {
                if os_count > 0 {
                    self.problem(
                        "os".into(),
                        None,
                        format!(
                            "no operating system detected: {} not matched",
                            plural(os_count, "OS package", "OS packages")
                        ),
                    );
                }
                None
            }
            Some(distro) => match distro.osv_ecosystem() {
                Some(eco) => Some(eco),
                None => {
                    if os_count > 0 {
                        self.problem(
                            "os".into(),
                            None,
                            format!(
                                "{} is not in the database's ecosystems (OSV names no ecosystem for it): {} not matched",
                                describe(distro),
                                plural(os_count, "OS package", "OS packages")
                            ),
                        );
                    }
                    None
                }
            },
        };

        // Which ecosystem each package is matched in, and the ecosystems that cannot be.
        let mut per_ecosystem: BTreeMap<String, usize> = BTreeMap::new();
        let ecosystems: Vec<Option<String>> = packages
            .iter()
            .zip(&wanted)
            .map(|(p, &w)| {
                let eco = if !w {
                    None
                } else if p.ecosystem.is_os() {
                    os_ecosystem.clone()
                } else {
                    p.ecosystem.osv_name().map(str::to_string)
                };
                if let Some(eco) = &eco {
                    *per_ecosystem.entry(eco.clone()).or_default() += 1;
                }
                eco
            })
            .collect();
        let mut usable: HashMap<String, Scheme> = HashMap::new();
        for (eco, count) in &per_ecosystem {
            let is_os = os_ecosystem.as_deref() == Some(eco.as_str());
            let what =
                if is_os { plural(*count, "OS package", "OS packages") } else { plural(*count, "package", "packages") };
            if !in_db(eco) {
                self.problem(
                    format!("no-records\0{eco}"),
                    None,
                    format!("the vulnerability database has no `{eco}` records: {what} not checked"),
                );
                continue;
            }
            match scheme_for_osv_ecosystem(eco) {
                Some(scheme) => {
                    usable.insert(eco.clone(), scheme);
                }
                None => self.problem(
                    format!("no-scheme\0{eco}"),
                    None,
                    format!("dockward has no version ordering for `{eco}`: {what} not matched"),
                ),
            }
        }
        if let Some(eco) = &os_ecosystem {
            if !usable.contains_key(eco) && (os_count > 0 || !in_db(eco)) {
                os_ecosystem = None;
            }
        }

        let mut matches = Vec::new();
        for (index, (package, eco)) in packages.iter().zip(ecosystems).enumerate() {
            let Some(eco) = eco else { continue };
            let Some(&scheme) = usable.get(&eco) else { continue };
            let Some(target) = self.target(index, package, eco, scheme) else { continue };
            let findings = self.findings(index, &target);
            for f in findings.iter() {
                matches.push(VulnMatch {
                    package: index,
                    ecosystem: target.ecosystem.clone(),
                    advisory: f.advisory.clone(),
                    aliases: f.aliases.clone(),
                    related: f.related.clone(),
                    installed: target.installed.clone(),
                    fixed: f.fixed.clone(),
                    status: f.status,
                    distro_status: f.distro_status.clone(),
                    urgency: f.urgency.clone(),
                    severity: f.severity.severity,
                    severity_source: f.severity.source.map(str::to_string),
                    cvss_score: f.severity.cvss_score,
                    cvss_vector: f.severity.cvss_vector.clone(),
                    summary: f.summary.clone(),
                    references: f.references.clone(),
                    informational: f.informational.clone(),
                });
            }
        }
        matches.sort_by(|a, b| (a.package, &a.advisory).cmp(&(b.package, &b.advisory)));
        MatchReport { matches, problems: self.problems, os_ecosystem }
    }

    /// The name and version to look up, or `None` (with a problem) when there is none.
    fn target(&mut self, index: usize, p: &Package, ecosystem: String, scheme: Scheme) -> Option<Target> {
        let (name, installed) = if p.ecosystem.is_os() {
            let name = p.source_name.clone().unwrap_or_else(|| p.name.clone());
            let Some(version) = p.source_version.clone() else {
                self.problem(
                    format!("no-source-version\0{index}"),
                    Some(index),
                    format!("{} {}: the package database names no source version: not matched", p.name, p.version),
                );
                return None;
            };
            (name, version)
        } else if p.ecosystem == Ecosystem::Go && p.name == "stdlib" {
            match go_toolchain_to_semver(&p.version) {
                Ok(v) => (p.name.clone(), v),
                Err(e) => {
                    self.problem(
                        format!("version\0{ecosystem}\0{}", p.version),
                        Some(index),
                        format!("{ecosystem} stdlib: {e}: the Go standard library is not matched"),
                    );
                    return None;
                }
            }
        } else {
            (p.name.clone(), p.version.clone())
        };
        Some(Target { ecosystem, scheme, name, installed })
    }

    fn advisory(&mut self, id: &str) -> Option<Rc<Advisory>> {
        if let Some(found) = self.advisories.get(id) {
            return found.clone();
        }
        let found = match self.db.advisory(id) {
            Ok(a) => a.map(Rc::new),
            Err(e) => {
                self.problem(format!("db\0{e}"), None, format!("reading advisory {id}: {e}"));
                None
            }
        };
        self.advisories.insert(id.to_string(), found.clone());
        found
    }

    fn findings(&mut self, index: usize, t: &Target) -> Rc<Vec<Finding>> {
        let key = (t.ecosystem.clone(), t.name.clone(), t.installed.clone());
        if let Some(found) = self.found.get(&key) {
            return found.clone();
        }
        let found = Rc::new(self.compute(index, t));
        self.found.insert(key, found.clone());
        found
    }

    fn compute(&mut self, index: usize, t: &Target) -> Vec<Finding> {
        let entries = match self.db.lookup(&t.ecosystem, &t.name) {
            Ok(entries) => entries,
            Err(e) => {
                self.problem(format!("db\0{e}"), Some(index), format!("looking up {} {}: {e}", t.ecosystem, t.name));
                return Vec::new();
            }
        };
        let entries: Vec<AffectedEntry> = entries
            .into_iter()
            .filter(|e| !e.withdrawn)
            .filter(|e| self.options.informational || e.informational.is_none())
            .filter(|e| !e.tracker_status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("not-affected")))
            .collect();
        if entries.is_empty() {
            return Vec::new();
        }
        if let Err(e) = validate(t.scheme, &t.installed) {
            self.problem(
                format!("version\0{}\0{}", t.ecosystem, t.installed),
                Some(index),
                format!(
                    "{} {}: installed {e}: not matched against its {}",
                    t.ecosystem,
                    t.name,
                    plural(entries.len(), "advisory", "advisories")
                ),
            );
            return Vec::new();
        }

        let mut hits: Vec<(&AffectedEntry, range::Hit)> = Vec::new();
        for entry in &entries {
            let bad = range::invalid_versions(t.scheme, &entry.ranges);
            if !bad.is_empty() {
                for b in bad {
                    self.problem(
                        format!("version\0{}\0{}", t.ecosystem, b.version),
                        Some(index),
                        format!("{} {}: {b} in {}: that record is not matched", t.ecosystem, t.name, entry.advisory_id),
                    );
                }
                continue;
            }
            let hit = range::evaluate(t.scheme, &t.installed, &entry.ranges, &entry.versions);
            if let Some(hit) = hit {
                hits.push((entry, hit));
            }
        }
        self.group(t, hits)
    }

    /// Merges the hits that name one vulnerability, and builds one finding per group.
    fn group(&mut self, t: &Target, hits: Vec<(&AffectedEntry, range::Hit)>) -> Vec<Finding> {
        let records: Vec<Option<Rc<Advisory>>> = hits.iter().map(|(e, _)| self.advisory(&e.advisory_id)).collect();
        let mut same: Vec<BTreeSet<String>> = Vec::with_capacity(hits.len());
        let mut related: Vec<BTreeSet<String>> = Vec::with_capacity(hits.len());
        for ((entry, _), record) in hits.iter().zip(&records) {
            let (s, r) = record.as_deref().map(ids::split_ids).unwrap_or_default();
            let mut s: BTreeSet<String> = s.into_iter().collect();
            s.insert(entry.advisory_id.clone());
            same.push(s);
            related.push(r.into_iter().collect());
        }

        // Union-find over shared ids.
        let mut parent: Vec<usize> = (0..hits.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        let mut owner: HashMap<&str, usize> = HashMap::new();
        for (i, ids) in same.iter().enumerate() {
            for id in ids {
                match owner.get(id.as_str()) {
                    Some(&j) => {
                        let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                        if a != b {
                            parent[a.max(b)] = a.min(b);
                        }
                    }
                    None => {
                        owner.insert(id, i);
                    }
                }
            }
        }
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..hits.len() {
            let r = root(&mut parent, i);
            groups.entry(r).or_default().push(i);
        }

        let mut out = Vec::with_capacity(groups.len());
        for members in groups.into_values() {
            let Some(advisory) =
                ids::most_specific(&t.ecosystem, members.iter().map(|&i| hits[i].0.advisory_id.as_str()))
                    .map(str::to_string)
            else {
                continue;
            };
            let primary = members.iter().copied().find(|&i| hits[i].0.advisory_id == advisory).unwrap_or(members[0]);
            let entry = hits[primary].0;

            let mut all_ids: BTreeSet<String> = BTreeSet::new();
            let mut all_related: BTreeSet<String> = BTreeSet::new();
            let mut fixed: Option<String> = None;
            for &i in &members {
                all_ids.extend(same[i].iter().cloned());
                all_related.extend(related[i].iter().cloned());
                fixed = range::lowest(t.scheme, fixed, hits[i].1.fixed.clone());
            }
            all_ids.remove(&advisory);
            all_related.remove(&advisory);
            all_related.retain(|id| !all_ids.contains(id));

            let status = if fixed.is_some() {
                MatchStatus::Fixed
            } else if is_wont_fix(entry) {
                MatchStatus::WontFix
            } else {
                MatchStatus::Unfixed
            };
            let unimportant = entry.urgency.as_deref().is_some_and(|u| u.trim().eq_ignore_ascii_case("unimportant"));
            let distro_status = entry.tracker_status.clone().or_else(|| unimportant.then(|| "unimportant".to_string()));

            // Severity: the primary entry, the other members, then the aliases' own records.
            let order: Vec<usize> =
                std::iter::once(primary).chain(members.iter().copied().filter(|&i| i != primary)).collect();
            let mut facts: Vec<severity::Facts<'_>> = order
                .iter()
                .map(|&i| severity::Facts {
                    urgency: hits[i].0.urgency.as_deref(),
                    severity: Some(&hits[i].0.severity),
                })
                .collect();
            let mut chosen = severity::choose(&facts);
            let alias_records: Vec<Rc<Advisory>>;
            if chosen.severity == VulnSeverity::Unknown || chosen.cvss_vector.is_none() {
                let member_ids: HashSet<&str> = members.iter().map(|&i| hits[i].0.advisory_id.as_str()).collect();
                let others: Vec<String> =
                    all_ids.iter().filter(|id| !member_ids.contains(id.as_str())).cloned().collect();
                alias_records = others.iter().filter_map(|id| self.advisory(id)).collect();
                if !alias_records.is_empty() {
                    facts.extend(
                        alias_records.iter().map(|a| severity::Facts { urgency: None, severity: Some(&a.severity) }),
                    );
                    chosen = severity::choose(&facts);
                }
            }

            let record = records[primary].as_deref();
            out.push(Finding {
                advisory,
                aliases: all_ids.into_iter().collect(),
                related: all_related.into_iter().collect(),
                fixed,
                status,
                distro_status,
                urgency: entry.urgency.clone(),
                severity: chosen,
                summary: record.and_then(|r| r.summary.clone()),
                references: record.map(|r| r.references.clone()).unwrap_or_default(),
                informational: entry.informational.clone(),
            });
        }
        out.sort_by(|a, b| a.advisory.cmp(&b.advisory));
        out
    }
}
