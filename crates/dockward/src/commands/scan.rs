//! `dockward scan`: the known vulnerabilities of the packages in images, image archives
//! and root filesystems, from the offline database, as findings of the VU rules.
//!
//! The targets are read as `dockward sbom` reads them ([`super::targets`]); each
//! inventory is matched against the database (`dockward_vulnmatch`), and the VU rules
//! turn the matches into findings after the policy of `[vulnerabilities]` in
//! dockward.toml and any `--vex` statements. Nothing touches the network: a missing
//! database is an error that says how to get one.

use std::path::{Path, PathBuf};

use clap::Args;
use dockward_diagnostics::{Diagnostic, RuleMeta};
use dockward_linter::config::FailOn;
use dockward_linter::registry;
use dockward_linter::settings::Settings;
use dockward_linter::vulns;
use dockward_report::{Report, ReportOptions};
use dockward_vulnmatch::VulnSeverity;

use super::output::{use_color, write_output};
use super::settings::{settings_builder, CliSelection};
use super::targets::TargetArgs;
use std::collections::BTreeSet;

use super::compliance::Family;
use crate::args::{ColorChoice, FailOnArg, OutputFormat};
use crate::exit;

/// The rules `scan` runs besides what the configuration selects; VU004 only with
/// `--db-max-age`.
const SCAN_RULES: &[&str] = &["VU001", "VU002", "VU003"];
use super::vulns::DB_AGE_RULE;

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub targets: TargetArgs,
    /// The vulnerability database [default: $DOCKWARD_DB, else
    /// $XDG_CACHE_HOME/dockward/vulns.db, else ~/.cache/dockward/vulns.db].
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a finding at or above this severity remains [default: warning, or the config's fail-on].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOnArg>,
    /// Show only vulnerabilities of these advisory severities (critical, high, medium,
    /// low, negligible, unknown).
    #[arg(long, value_delimiter = ',', value_name = "LEVEL", value_parser = parse_severity)]
    pub severity: Vec<VulnSeverity>,
    /// Report only vulnerabilities that have a fixed version (also `[vulnerabilities]
    /// ignore-unfixed = true`).
    #[arg(long)]
    pub ignore_unfixed: bool,
    /// A database older than DAYS is a finding (VU004, a warning) instead of a warning
    /// line on stderr.
    #[arg(long, value_name = "DAYS")]
    pub db_max_age: Option<u32>,
    /// An OpenVEX document: matches it marks `not_affected` or `fixed` are dropped
    /// (repeatable; later statements win).
    #[arg(long = "vex", value_name = "FILE")]
    pub vex: Vec<PathBuf>,
    /// Use this config file instead of searching for dockward.toml from the current directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every config file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
    /// Report only the findings not recorded in this baseline file (see docs/baseline.md).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the findings of this run in a baseline file (exit 0 unless nothing could be read).
    #[arg(long, value_name = "FILE")]
    pub baseline_write: Option<PathBuf>,
    /// Print only findings: no summary, no warnings or notes on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Colour: auto (TTY and NO_COLOR aware), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Compliance scorecards of the findings (see `dockward check --help`).
    #[arg(long, value_delimiter = ',', value_name = "FRAMEWORK")]
    pub compliance: Vec<String>,
    /// Compare with an earlier JSON report of the same command (see `dockward check --help`).
    #[arg(long, value_name = "PREVIOUS.json")]
    pub compare: Option<PathBuf>,
}

fn parse_severity(s: &str) -> Result<VulnSeverity, String> {
    vulns::parse_severity(s)
        .ok_or_else(|| format!("unknown severity `{s}` (critical, high, medium, low, negligible or unknown)"))
}

pub fn run(args: ScanArgs) -> u8 {
    match run_inner(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("dockward: {message}");
            exit::ERROR
        }
    }
}

fn run_inner(args: &ScanArgs) -> Result<u8, String> {
    // A broken baseline stops the run before any work (exit 2).
    let baseline = args.baseline.as_deref().map(super::baseline::load).transpose()?;
    let previous = args.compare.as_deref().map(super::baseline::load_previous).transpose()?;
    let (settings, config_fail_on) = resolve_settings(args)?;
    if args.format == OutputFormat::Pss {
        return Err("--format pss is the Pod Security report of `dockward check` over Kubernetes manifests".into());
    }
    let frameworks = super::compliance::frameworks_for(&args.compliance, args.format.output())?;
    super::compliance::check_compare(args.compare.as_deref(), args.format.output())?;
    let fail_on = super::settings::fail_on(args.fail_on, config_fail_on);
    let path = match &args.db {
        Some(p) => p.clone(),
        None => dockward_vulndb::default_path(),
    };
    let db = super::vulns::open(&path)?;
    if !args.quiet {
        super::vulns::warn(&db, &settings);
    }

    let (inventories, failed) = super::targets::inventories(&args.targets, args.quiet)?;
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut scopes: Vec<String> = Vec::new();
    for inv in &inventories {
        diagnostics.extend(super::vulns::lint_inventory(&db, inv, &settings, args.quiet));
        scopes.push(vulns::scope(inv));
    }
    diagnostics.extend(super::vulns::lint_database(&db, &settings));
    diagnostics.sort_by(|a, b| a.sort_key_cmp(b));
    scopes.sort();
    scopes.dedup();
    let (diagnostics, baseline_summary) = super::baseline::apply(
        diagnostics,
        &scopes,
        &super::baseline::Options {
            baseline: args.baseline.as_deref().zip(baseline.as_ref()),
            write: args.baseline_write.as_deref(),
            severities: &[],
            names: super::baseline::Names::AsIs,
            quiet: args.quiet,
        },
    )?;

    let rules: Vec<&'static RuleMeta> = registry::all_rules().collect();
    let comparison = super::baseline::compare(args.compare.as_deref(), previous.as_ref(), &diagnostics);
    let report = Report {
        diagnostics: &diagnostics,
        rules: &rules,
        files: &scopes,
        fixes_applied: 0,
        fixable: 0,
        baseline: baseline_summary,
        comparison: comparison.as_ref(),
    };
    let options = ReportOptions {
        color: use_color(args.color, args.output.is_some()),
        show_source: true,
        show_fixes: false,
        statistics: false,
        quiet: args.quiet,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        subject: ("target", "targets"),
        taxonomies: Vec::new(),
    };
    // Scan runs the VU rules (and the meta rules) only.
    let families = BTreeSet::from([Family::Meta, Family::Vulnerability]);
    let cards =
        super::compliance::evaluate(&frameworks, &super::compliance::ran_in(&settings, &families), &diagnostics);
    let ran = super::compliance::ran_in(&settings, &families);
    let before = previous.as_ref().map(|p| super::compliance::previous_cards(&frameworks, &ran, p));
    let mut buf = Vec::with_capacity(8192);
    super::compliance::render(
        args.format.output(),
        "dockward scan",
        &report,
        &options,
        &super::compliance::Evidence { cards: &cards, before: before.as_deref(), ran: &ran },
        &mut buf,
    )
    .map_err(|e| e.to_string())?;
    write_output(args.output.as_ref(), &buf)?;

    // Recording a baseline is the adoption step: today's findings do not fail it.
    let recording = args.baseline_write.is_some() && args.baseline.is_none();
    let failing = match fail_on {
        _ if recording => false,
        FailOn::None => false,
        FailOn::Severity(min) => diagnostics.iter().any(|d| d.severity >= min),
    };
    Ok(if failed {
        exit::ERROR
    } else if failing {
        exit::FINDINGS
    } else {
        exit::CLEAN
    })
}

/// The config file's settings (`--config`, else the nearest `dockward.toml` above the
/// current directory; none with `--isolated`) with the VU rules on, and the command
/// line's policy on top.
fn resolve_settings(args: &ScanArgs) -> Result<(Settings, Option<FailOn>), String> {
    let none = None;
    let selection = CliSelection { select: &none, extend_select: &[], ignore: &[] };
    let (mut builder, fail_on) = settings_builder(args.isolated, args.config.as_ref(), Path::new("."), selection)?;
    builder.extend_select.extend(SCAN_RULES.iter().map(|r| r.to_string()));
    if let Some(days) = args.db_max_age {
        builder.extend_select.push(DB_AGE_RULE.to_string());
        builder.vulnerabilities.max_db_age_days = days;
    }
    let policy = &mut builder.vulnerabilities;
    policy.ignore_unfixed |= args.ignore_unfixed;
    policy.severities = args.severity.clone();
    for file in &args.vex {
        policy.vex.extend(vulns::vex::read_openvex(file)?);
    }
    Ok((builder.build(), fail_on))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::vulns::rule;

    #[test]
    fn severities_parse_with_a_helpful_error() {
        assert_eq!(parse_severity("HIGH"), Ok(VulnSeverity::High));
        assert!(parse_severity("severe").unwrap_err().contains("critical, high"));
    }

    #[test]
    fn scan_rules_exist() {
        for code in SCAN_RULES.iter().chain([&DB_AGE_RULE]) {
            assert!(!rule(code).default_enabled, "{code}");
        }
    }
}
