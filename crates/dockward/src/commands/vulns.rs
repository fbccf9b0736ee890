//! The VU rules over inventories, shared by `scan`, `check` and `audit`: opening the
//! database, the warnings of a run, and matching one inventory into findings. The
//! linter never opens the database; this is where it is opened.

use std::path::{Path, PathBuf};

use dockward_diagnostics::{Diagnostic, RuleMeta};
use dockward_linter::registry;
use dockward_linter::settings::Settings;
use dockward_linter::vulns::{self, DbFacts};
use dockward_sbom::Inventory;
use dockward_vulndb::VulnDb;

/// VU004: the database's age as a finding.
pub const DB_AGE_RULE: &str = "VU004";

/// An open database and what the run knows of it.
pub struct OpenDb {
    pub db: VulnDb,
    pub facts: DbFacts,
    /// Unix seconds, the run's clock.
    pub now: i64,
}

/// Whether the settings turn on any VU rule (`check` and `audit` run them only then).
pub fn selected(settings: &Settings) -> bool {
    registry::VULN_RULES.iter().any(|r| settings.is_enabled(r.meta()))
}

/// The database `check` and `audit` use: `$DOCKWARD_DB`, else the cache path.
pub fn default_path() -> PathBuf {
    dockward_vulndb::default_path()
}

/// Opens the database at `path`: an error that says how to get one when it is missing.
pub fn open(path: &Path) -> Result<OpenDb, String> {
    if !path.exists() {
        return Err(format!(
            "no vulnerability database at {}: run `dockward db update` or `dockward db build --from DIR`",
            path.display()
        ));
    }
    let db = VulnDb::open(path).map_err(|e| e.to_string())?;
    let status = db.status().map_err(|e| e.to_string())?;
    let facts =
        DbFacts { path: path.display().to_string(), built: status.built.clone(), built_unix: status.built_unix };
    Ok(OpenDb { db, facts, now: vulns::date::now_unix() })
}

/// For `check` and `audit`: the database when a VU rule is selected. A missing
/// database is one note on stderr (not an error: the other rules still ran); a damaged
/// one is an error.
pub fn open_if_selected(settings: &Settings, quiet: bool) -> Result<Option<OpenDb>, String> {
    if !selected(settings) {
        return Ok(None);
    }
    let path = default_path();
    if !path.exists() {
        if !quiet {
            eprintln!(
                "dockward: note: VU rules selected but no vulnerability database at {}: run `dockward db update`",
                path.display()
            );
        }
        return Ok(None);
    }
    let db = open(&path)?;
    if !quiet {
        warn(&db, settings);
    }
    Ok(Some(db))
}

/// The run's warning lines: a stale database (unless VU004 reports it) and expired
/// `[vulnerabilities] ignore` entries.
pub fn warn(db: &OpenDb, settings: &Settings) {
    let max = settings.vulnerabilities.max_db_age_days;
    let facts = &db.facts;
    if !settings.is_enabled(rule(DB_AGE_RULE)) && facts.older_than(max, db.now) {
        eprintln!(
            "dockward: warning: the vulnerability database {} was built {} days ago ({}), more than {max}; \
             run `dockward db update`",
            facts.path,
            facts.age_days(db.now),
            facts.built
        );
    }
    for w in vulns::policy_warnings(settings, db.now) {
        eprintln!("dockward: warning: {w}");
    }
}

/// One inventory's VU findings (VU001-VU003), as `dockward scan` reports them; the
/// matcher's problems go to stderr unless `quiet`.
pub fn lint_inventory(db: &OpenDb, inv: &Inventory, settings: &Settings, quiet: bool) -> Vec<Diagnostic> {
    let options = dockward_vulnmatch::MatchOptions::default();
    let report = dockward_vulnmatch::match_inventory(&db.db, inv, &options);
    if !quiet {
        for p in &report.problems {
            match p.package.and_then(|i| inv.packages.get(i)) {
                Some(pkg) => eprintln!("dockward: {}: {} {}: {}", inv.name, pkg.name, pkg.version, p.message),
                None => eprintln!("dockward: {}: {}", inv.name, p.message),
            }
        }
    }
    vulns::lint_vulnerabilities(inv, &report, settings, db.now)
}

/// The findings on the database itself (VU004), once per run.
pub fn lint_database(db: &OpenDb, settings: &Settings) -> Vec<Diagnostic> {
    vulns::lint_database(&db.facts, settings, db.now)
}

pub fn rule(code: &str) -> &'static RuleMeta {
    registry::find(code).expect("a VU rule")
}
