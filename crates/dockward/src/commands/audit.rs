//! `dockward audit`: the live engines, read-only.
//!
//! Resolves the endpoints (`--host`, `--context`, the environment, the CLI's current
//! context), reads each concurrently through `dockward_engine`, runs the container rules
//! over every normalised `ContainerSpec` with the engine's real defaults and the image,
//! network and engine rules over the rest, then renders one report.

use std::collections::{BTreeSet, HashMap};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::compliance::Output;
use clap::{Args, ValueEnum};
use dockward_diagnostics::{Diagnostic, Location, RuleMeta};
use dockward_engine::{AuditOptions, ConnectEnv, HostSnapshot, Progress, ReadOptions};
use dockward_image::ReadLimits;
use dockward_linter::cis::CisVersion;
use dockward_linter::config::FailOn;
use dockward_linter::registry;
use dockward_linter::settings::Settings;
use dockward_report::{Format, Report, ReportOptions};
use globset::{Glob, GlobMatcher};

use super::output::{use_color, write_output};
use super::settings::{settings_builder, CliSelection};
use crate::args::{ColorChoice, FailOnArg};
use crate::exit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
    /// One line per finding: `object/field: CODE [severity] message`.
    Concise,
    /// Checkstyle XML.
    Checkstyle,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// The CIS Docker Benchmark scorecard (`--cis-version`): every control, pass / fail / not applicable / manual.
    Cis,
    /// The CIS scorecard as JSON.
    CisJson,
    /// One self-contained HTML page: charts, scorecards (`--compliance`), filters.
    Html,
    /// The `--compliance` scorecards as JSON.
    Compliance,
    /// The Heimdall Data Format (MITRE SAF): a control per rule, NIST 800-53 tags with `--compliance`.
    Hdf,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Engine to audit (`unix:///path`, `tcp://host:2376`, `ssh://user@host`); repeat for several.
    #[arg(long = "host", short = 'H', value_name = "URL")]
    pub hosts: Vec<String>,
    /// Docker CLI context to audit (its host and TLS material); repeat for several.
    #[arg(long = "context", short = 'c', value_name = "NAME")]
    pub contexts: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
    pub format: AuditFormat,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a finding at or above this severity remains [default: warning, or the config's fail-on].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOnArg>,
    /// Rules to run instead of the default set (codes, names, aliases, `cis-5.4`, prefixes, `ALL`).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Option<Vec<String>>,
    /// Rules to run in addition to the selection.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub extend_select: Vec<String>,
    /// Rules to skip.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Audit only containers whose name matches GLOB (repeatable).
    #[arg(long = "containers", value_name = "GLOB")]
    pub containers: Vec<String>,
    /// Audit only containers with this label (`key` or `key=value`; repeat: all must match).
    #[arg(long = "label", value_name = "KEY[=VALUE]")]
    pub labels: Vec<String>,
    /// Seconds before a request to the engine is given up.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
    /// Requests in flight at once per engine.
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub concurrency: usize,
    /// Use this config file instead of searching for dockward.toml from the current directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every config file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
    /// Also check the audited host's files under DIR (HO rules; its daemon.json and
    /// dockerd units when the daemon is not a local one): a mounted copy of the host's
    /// root. Needs exactly one engine. A local daemon (its dockerd process is visible
    /// here) gets this machine's files checked at `/` without this option.
    #[arg(long, value_name = "DIR")]
    pub host_root: Option<PathBuf>,
    /// Do not check this machine's files for a local daemon (HO rules stay off unless
    /// `--host-root` is given).
    #[arg(long, conflicts_with = "host_root")]
    pub no_host_files: bool,
    /// CIS Docker Benchmark numbering of `--format cis|cis-json`: 1.6 (docker-bench-security's
    /// and the rules' `cis` ids), 1.7 or 1.8. Each row also shows the other versions' ids.
    #[arg(long, value_name = "VERSION", default_value = "1.6", value_parser = parse_cis_version)]
    pub cis_version: CisVersion,
    /// Compliance scorecards of the findings (see `dockward check --help`).
    #[arg(long, value_delimiter = ',', value_name = "FRAMEWORK")]
    pub compliance: Vec<String>,
    /// Also check the files in the layers of every image the audited containers use
    /// (IM008 and up: setuid files, empty passwords, secrets, ...). Transfers each
    /// image's bytes (`GET /images/{id}/get`, as `docker save`); also `[audit] image-contents = true`.
    #[arg(long)]
    pub image_contents: bool,
    /// Report only the findings not recorded in this baseline file (see docs/baseline.md).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the findings of this run in a baseline file (exit 0 unless nothing could be read).
    #[arg(long, value_name = "FILE")]
    pub baseline_write: Option<PathBuf>,
    /// Show (and count for the exit code) only findings of these severities: `error,warning`.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "SEVERITY")]
    pub severity: Vec<crate::args::SeverityArg>,
    /// Print only findings: no summary, no per-host lines.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Colour: auto (TTY and NO_COLOR aware), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Compare with an earlier JSON report of the same command (see `dockward check --help`).
    #[arg(long, value_name = "PREVIOUS.json")]
    pub compare: Option<PathBuf>,
}

fn parse_cis_version(s: &str) -> Result<CisVersion, String> {
    CisVersion::parse(s).ok_or_else(|| format!("unknown CIS Docker Benchmark version `{s}` (1.6, 1.7 or 1.8)"))
}

pub fn run(args: AuditArgs) -> u8 {
    match run_inner(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("dockward: {message}");
            exit::ERROR
        }
    }
}

/// One audited host's findings and what was audited.
pub struct HostResult {
    pub snapshot: HostSnapshot,
    pub diagnostics: Vec<Diagnostic>,
    /// The DM rules read every source of the daemon's configuration, so an option
    /// they do not report is known to be fine.
    pub daemon_complete: bool,
    /// The HO rules ran (`--host-root`).
    pub host_checked: bool,
    /// Per-path CIS controls (1.6.0 ids) whose file exists on the host, when
    /// `host_checked`: the scorecard makes the others N/A.
    pub controls_with_files: BTreeSet<&'static str>,
    /// The image-contents rules ran (`--image-contents`).
    pub contents_checked: bool,
}

fn run_inner(args: AuditArgs) -> Result<u8, String> {
    // A broken baseline stops the run before any work (exit 2).
    let baseline = args.baseline.as_deref().map(super::baseline::load).transpose()?;
    let previous = args.compare.as_deref().map(super::baseline::load_previous).transpose()?;
    let (settings, config_fail_on) = resolve_settings(&args)?;
    let fail_on = super::settings::fail_on(args.fail_on, config_fail_on);
    let endpoints = dockward_engine::resolve_endpoints(&args.hosts, &args.contexts, &ConnectEnv::from_process())
        .map_err(|e| e.to_string())?;
    if args.host_root.is_some() && endpoints.len() != 1 {
        return Err("--host-root checks one host's files: give exactly one engine".into());
    }
    let selector = ContainerFilter::new(&args, &settings)?;
    // `--containers`/`--label` choose what is audited: the images judged are then those
    // the chosen containers use, not every image of the host (docs/audit.md).
    let narrowed = !args.containers.is_empty() || !args.labels.is_empty();
    let bar = progress_bar(args.quiet);
    let options = AuditOptions {
        read: ReadOptions {
            concurrency: args.concurrency,
            select: Some(Arc::new(move |name: &str, labels: &HashMap<String, String>, image: &str| {
                selector.keeps(name, labels, image)
            })),
            progress: bar.clone().map(|bar| {
                Arc::new(move |p: Progress| match p {
                    Progress::Listed(n) => bar.inc_length(n as u64),
                    Progress::Inspected => bar.inc(1),
                }) as dockward_engine::ProgressSink
            }),
        },
        timeout_secs: args.timeout.max(1),
        ..Default::default()
    };

    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let several = endpoints.len() > 1;
    if let Some(bar) = &bar {
        // A fleet: the bar counts the containers of every engine, read in parallel.
        if several {
            bar.set_message(format!("on {} engines", endpoints.len()));
        }
    }
    // The VU rules run with --image-contents, when selected (a missing database is a note).
    let contents_wanted = args.image_contents || settings.audit.image_contents;
    let vu_db = if contents_wanted { super::vulns::open_if_selected(&settings, args.quiet)? } else { None };
    let mut results = Vec::new();
    let mut unreachable = Vec::new();
    let outcomes = dockward_engine::read_endpoints(&endpoints, &options);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    for (endpoint, outcome) in endpoints.iter().zip(outcomes) {
        match outcome {
            Ok(mut snapshot) => {
                if narrowed {
                    keep_images_of_selected_containers(&mut snapshot);
                }
                for n in &snapshot.notes {
                    eprintln!("dockward: {}: {}: {}", endpoint.label, n.subject, n.message);
                }
                let host_files = match &args.host_root {
                    Some(root) => HostFiles::At(root),
                    None if args.no_host_files => HostFiles::Skip,
                    None => HostFiles::LocalDaemonOnly,
                };
                let mut audited = audit_host(&snapshot, &settings, now, several, host_files)?;
                let contents_checked = args.image_contents || settings.audit.image_contents;
                if contents_checked {
                    audited.diagnostics.extend(audit_image_contents(&snapshot, &settings, &args, several));
                    if let Some(db) = &vu_db {
                        audited
                            .diagnostics
                            .extend(audit_image_vulnerabilities(&snapshot, db, &settings, &args, several));
                    }
                    audited.diagnostics.sort_by(|a, b| a.sort_key_cmp(b));
                }
                results.push(HostResult {
                    snapshot,
                    diagnostics: audited.diagnostics,
                    daemon_complete: audited.daemon_complete,
                    host_checked: audited.host_checked,
                    controls_with_files: audited.controls_with_files,
                    contents_checked,
                });
            }
            Err(e) => {
                eprintln!("dockward: cannot audit {e}");
                unreachable.push(Diagnostic::new(
                    registry::UNREADABLE_FILE,
                    Location::File { name: endpoint.label.clone() },
                    format!("cannot audit {e}"),
                ));
            }
        }
    }
    if results.is_empty() {
        return Ok(exit::ERROR);
    }

    // An engine that could not be read is in the report (DW002), so no format claims a
    // clean audit of a fleet with a host down. The exit code stays that of the engines
    // that answered: 2 only when none did (README, "Exit codes" of the audit).
    let mut diagnostics: Vec<Diagnostic> = results.iter().flat_map(|r| r.diagnostics.iter().cloned()).collect();
    diagnostics.extend(unreachable);
    diagnostics.sort_by(|a, b| a.sort_key_cmp(b));
    let objects = audited_objects(&results, several);
    let (diagnostics, baseline_summary) = super::baseline::apply(
        diagnostics,
        &objects,
        &super::baseline::Options {
            baseline: args.baseline.as_deref().zip(baseline.as_ref()),
            write: args.baseline_write.as_deref(),
            severities: &args.severity,
            names: super::baseline::Names::AsIs,
            quiet: args.quiet,
        },
    )?;
    let rules: Vec<&'static RuleMeta> = registry::all_rules().collect();
    let comparison = super::baseline::compare(args.compare.as_deref(), previous.as_ref(), &diagnostics);
    let mut buf = Vec::with_capacity(8192);
    match args.format {
        AuditFormat::Cis | AuditFormat::CisJson => {
            if !args.compliance.is_empty() {
                return Err("--compliance scorecards are shown by --format text, html or compliance; \
                            --format cis is the CIS scorecard itself"
                    .into());
            }
            if args.compare.is_some() {
                return Err("--compare is shown by --format text, json, html or compliance".into());
            }
            let card = super::cis::scorecard(&results, &settings, args.cis_version);
            if args.format == AuditFormat::Cis {
                super::cis::render_text(&card, &mut buf)
            } else {
                super::cis::render_json(&card, &mut buf)
            }
            .map_err(|e| e.to_string())?;
        }
        other => {
            let output = match other {
                AuditFormat::Html => Output::Html,
                AuditFormat::Compliance => Output::Scorecards,
                AuditFormat::Hdf => Output::Hdf,
                AuditFormat::Json => Output::Findings(Format::Json),
                AuditFormat::Sarif => Output::Findings(Format::Sarif),
                AuditFormat::Junit => Output::Findings(Format::Junit),
                AuditFormat::Github => Output::Findings(Format::Github),
                AuditFormat::Concise => Output::Findings(Format::Concise),
                AuditFormat::Checkstyle => Output::Findings(Format::Checkstyle),
                AuditFormat::Gitlab => Output::Findings(Format::Gitlab),
                _ => Output::Findings(Format::Text),
            };
            let frameworks = super::compliance::frameworks_for(&args.compliance, output)?;
            let ran = |code: &str| {
                registry::find(code).is_some_and(|rule| super::cis::ran_in_audit(rule, &results, &settings))
            };
            super::compliance::check_compare(args.compare.as_deref(), output)?;
            let cards = super::compliance::evaluate(&frameworks, &ran, &diagnostics);
            let before = previous.as_ref().map(|p| super::compliance::previous_cards(&frameworks, &ran, p));
            let report = Report {
                diagnostics: &diagnostics,
                rules: &rules,
                files: &objects,
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
                subject: ("object", "objects"),
                taxonomies: Vec::new(),
            };
            super::compliance::render(
                output,
                "dockward audit",
                &report,
                &options,
                &super::compliance::Evidence { cards: &cards, before: before.as_deref(), ran: &ran },
                &mut buf,
            )
            .map_err(|e| e.to_string())?;
        }
    }
    write_output(args.output.as_ref(), &buf)?;
    if !args.quiet {
        for r in &results {
            eprintln!("{}", host_summary(r));
        }
    }

    // Recording a baseline is the adoption step: today's findings do not fail it.
    let recording = args.baseline_write.is_some() && args.baseline.is_none();
    let failing = match fail_on {
        _ if recording => false,
        FailOn::None => false,
        FailOn::Severity(min) => {
            diagnostics.iter().any(|d| d.severity >= min && d.rule.code != registry::UNREADABLE_FILE.code)
        }
    };
    Ok(if failing { exit::FINDINGS } else { exit::CLEAN })
}

/// Drops the images no selected container uses (with `--containers`/`--label`, the
/// snapshot holds only the selected containers, and `used_by` names them).
fn keep_images_of_selected_containers(snapshot: &mut HostSnapshot) {
    snapshot.images.retain(|i| !i.used_by.is_empty());
}

/// A bar of containers inspected, on stderr, only when stderr is a terminal and not
/// `--quiet` (indicatif also hides it on dumb terminals).
fn progress_bar(quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(Some(0), indicatif::ProgressDrawTarget::stderr());
    let style = indicatif::ProgressStyle::with_template("{spinner} inspecting containers {pos}/{len} {msg} {wide_bar}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

pub struct AuditedHost {
    pub diagnostics: Vec<Diagnostic>,
    pub daemon_complete: bool,
    /// The HO rules ran over the host's files.
    pub host_checked: bool,
    /// The per-path CIS controls whose file the host has.
    pub controls_with_files: BTreeSet<&'static str>,
}

/// Which host files the HO rules read for one engine.
#[derive(Debug, Clone, Copy)]
pub enum HostFiles<'a> {
    /// `--host-root DIR`: that directory is the audited host's root.
    At(&'a std::path::Path),
    /// `/`, but only when the daemon is a local one (its dockerd process is visible
    /// here, so this machine is its host); a remote daemon's files are not here.
    LocalDaemonOnly,
    /// `--no-host-files`.
    Skip,
}

/// Every rule family over one host, minus what `dockward.ignore` labels suppress. With
/// host files, the HO rules over that root too, and the DM rules read the daemon's
/// files there when the daemon is not a local one (whose files were found through its
/// process).
pub fn audit_host(
    snapshot: &HostSnapshot,
    settings: &Settings,
    now: i64,
    prefix_host: bool,
    host_files: HostFiles<'_>,
) -> Result<AuditedHost, String> {
    let mut found = dockward_linter::check::lint_container_specs(&snapshot.containers, &snapshot.defaults, settings);
    found.extend(dockward_linter::audit::lint_host(
        &snapshot.engine,
        &snapshot.images,
        &snapshot.networks,
        settings,
        now,
    ));
    let daemon = &snapshot.daemon;
    // The local daemon's own files were found through /proc (flags from its command line).
    let local = !daemon.flags.is_empty();
    let host_root = match host_files {
        HostFiles::At(root) => Some(root),
        HostFiles::LocalDaemonOnly if local => Some(std::path::Path::new("/")),
        HostFiles::LocalDaemonOnly | HostFiles::Skip => None,
    };
    if let Some(swarm) = &snapshot.swarm {
        // A service's tasks run on any node: this node's daemon defaults say nothing of
        // the others, so services are judged as a Compose file is, without them, unless
        // this node is the whole swarm.
        let unknown = dockward_spec::EngineDefaults::default();
        let defaults = if swarm.nodes.len() == 1 { &snapshot.defaults } else { &unknown };
        found.extend(dockward_linter::check::lint_container_specs(&swarm.services, defaults, settings));
        let mut swarm = swarm.clone();
        swarm.listening = host_root.map(dockward_linter::audit::host_listeners);
        found.extend(dockward_linter::audit::lint_swarm(&swarm, settings, now));
    }
    let mut daemon_complete = daemon.spec.complete;
    let mut controls_with_files = BTreeSet::new();
    if local || host_root.is_none() {
        found.extend(dockward_linter::daemon::lint_daemon(&daemon.spec, daemon.json.as_ref(), &daemon.flags, settings));
    }
    if let Some(root) = host_root {
        let checked = dockward_linter::host::check_host_files(root, settings, |files| {
            if local {
                (daemon.spec.clone(), false)
            } else {
                let spec = daemon.with_sources(files);
                daemon_complete = spec.complete;
                (spec, true)
            }
        })
        .map_err(|e| format!("host files under {}: {e}", root.display()))?;
        controls_with_files = checked.controls_with_files;
        found.extend(checked.reports.into_iter().flat_map(|r| r.diagnostics));
    }
    // A finding on a live value (`daemon/Info.LiveRestoreEnabled`) has no file to edit:
    // its fix becomes advice instead of an unappliable "fix available".
    for d in &mut found {
        if let Some(fix) = d.fix.take_if(|f| f.edits.is_empty() || !matches!(d.location, Location::Source { .. })) {
            d.help.get_or_insert(fix.message);
        }
    }
    let ignores = label_ignores(snapshot);
    found.retain(|d| {
        let scope = d.location.name();
        !ignores.get(scope).is_some_and(|sels| sels.iter().any(|s| d.rule.matches(s)))
    });
    if prefix_host {
        prefix_scopes(&mut found, &snapshot.endpoint.label);
    }
    found.sort_by(|a, b| a.sort_key_cmp(b));
    Ok(AuditedHost { diagnostics: found, daemon_complete, host_checked: host_root.is_some(), controls_with_files })
}

/// The image-contents rules over every image the audited containers use, each parsed
/// while it streams.
fn audit_image_contents(
    snapshot: &HostSnapshot,
    settings: &Settings,
    args: &AuditArgs,
    prefix_host: bool,
) -> Vec<Diagnostic> {
    let exported = export_in_use(snapshot, args, "its layers", |r| {
        dockward_image::read_archive(
            std::io::BufReader::with_capacity(1 << 20, r),
            &dockward_linter::image_contents::wants_content,
        )
    });
    let mut images = Vec::new();
    for (view, found) in exported {
        images.extend(found.into_iter().map(|mut img| {
            // An export by id carries no tag: name the image as the other IM rules do.
            img.name = view.name.clone();
            img
        }));
    }
    let mut found = dockward_linter::image_contents::lint_image_contents(&images, settings);
    if prefix_host {
        prefix_scopes(&mut found, &snapshot.endpoint.label);
    }
    found
}

fn prefix_scopes(found: &mut [Diagnostic], label: &str) {
    for d in found {
        if let Location::Logical { scope, .. } = &mut d.location {
            *scope = format!("{label}/{scope}");
        }
    }
}

/// The VU rules (when selected, with `--image-contents`) over every image in use: a
/// second export of each image, read by the catalogers as it streams. It costs a
/// second transfer of the images; one shared read would need the IM rules' reader and
/// the catalogers' sink combined, which is not done yet.
fn audit_image_vulnerabilities(
    snapshot: &HostSnapshot,
    db: &super::vulns::OpenDb,
    settings: &Settings,
    args: &AuditArgs,
    prefix_host: bool,
) -> Vec<Diagnostic> {
    let exported = export_in_use(snapshot, args, "its packages", |r| {
        dockward_sbom::inventory_archive(std::io::BufReader::with_capacity(1 << 20, r), &ReadLimits::default())
    });
    let mut found = Vec::new();
    for (view, inventories) in exported {
        for mut inv in inventories {
            // An export by id carries no tag: name the image as the other IM rules do.
            inv.name = view.name.clone();
            found.extend(super::vulns::lint_inventory(db, &inv, settings, args.quiet));
        }
    }
    if prefix_host {
        prefix_scopes(&mut found, &snapshot.endpoint.label);
    }
    found
}

/// Every image the audited containers use, exported once (`GET /images/{id}/get`) and
/// handed to `read` as it streams, at most `--concurrency` (and 4) at once: exports
/// carry whole images. An image that cannot be exported or read (`what` names what
/// was read of it) is a note on stderr and left out.
fn export_in_use<'s, T, E>(
    snapshot: &'s HostSnapshot,
    args: &AuditArgs,
    what: &str,
    read: impl Fn(&mut dyn std::io::Read) -> Result<T, E> + Send + Sync + 'static,
) -> Vec<(&'s dockward_spec::ImageView, T)>
where
    T: Send + 'static,
    E: std::fmt::Display,
{
    let in_use: Vec<&dockward_spec::ImageView> = snapshot.images.iter().filter(|i| !i.used_by.is_empty()).collect();
    let ids: Vec<String> = in_use.iter().map(|i| i.id.clone()).collect();
    let label = &snapshot.endpoint.label;
    let bar =
        super::progress::bytes(args.quiet, format!("exporting {} image(s) from {label} ({what})", ids.len()), None);
    let counted = bar.clone();
    let consume: dockward_engine::export::ArchiveConsumer<_> = Arc::new(move |_id: &str, r: &mut dyn std::io::Read| {
        let mut r = super::progress::Counting::new(r, counted.clone());
        read(&mut r).map_err(|e| e.to_string())
    });
    let outcomes = match dockward_engine::export::export_images(
        &snapshot.endpoint,
        args.timeout.max(1),
        &ids,
        args.concurrency.clamp(1, 4),
        consume,
    ) {
        Ok(o) => o,
        Err(e) => {
            super::progress::finish(&bar);
            eprintln!("dockward: {label}: cannot export images: {e}");
            return Vec::new();
        }
    };
    super::progress::finish(&bar);
    let mut out = Vec::new();
    for (view, outcome) in in_use.into_iter().zip(outcomes) {
        match outcome.and_then(|r| r) {
            Ok(value) => out.push((view, value)),
            Err(e) => eprintln!("dockward: {label}: image/{}: cannot read {what}: {e}", view.name),
        }
    }
    out
}

/// `dockward.ignore=CODE,CODE[: reason]` labels, by container (or swarm service) scope.
fn label_ignores(snapshot: &HostSnapshot) -> HashMap<String, Vec<String>> {
    let mut out = HashMap::new();
    let services = snapshot.swarm.iter().flat_map(|s| &s.services);
    for c in snapshot.containers.iter().chain(services) {
        let Some(label) = c.label("dockward.ignore") else { continue };
        let codes = label.value.split_once(':').map_or(label.value.as_str(), |(codes, _reason)| codes);
        let selectors: Vec<String> =
            codes.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
        for s in &selectors {
            if registry::all_rules().all(|r| !r.matches(s)) {
                eprintln!("dockward: {}: dockward.ignore names no rule `{s}`", c.origin.name());
            }
        }
        out.insert(c.origin.name().to_string(), selectors);
    }
    out
}

/// The objects audited (JUnit has a test case for each): every container, image in
/// use, network and engine.
fn audited_objects(results: &[HostResult], prefix_host: bool) -> Vec<String> {
    let mut out = Vec::new();
    for r in results {
        let s = &r.snapshot;
        let prefix = if prefix_host { format!("{}/", s.endpoint.label) } else { String::new() };
        out.push(format!("{prefix}engine/{}", s.engine.name));
        out.push(format!("{prefix}daemon"));
        out.extend(s.containers.iter().map(|c| format!("{prefix}{}", c.origin.name())));
        out.extend(s.images.iter().filter(|i| !i.used_by.is_empty()).map(|i| format!("{prefix}image/{}", i.name)));
        out.extend(s.networks.iter().map(|n| format!("{prefix}network/{}", n.name)));
        if let Some(sw) = &s.swarm {
            out.push(format!("{prefix}swarm"));
            out.extend(sw.nodes.iter().map(|n| format!("{prefix}node/{}", n.hostname)));
            out.extend(sw.services.iter().map(|c| format!("{prefix}{}", c.origin.name())));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn host_summary(r: &HostResult) -> String {
    let s = &r.snapshot;
    let version = s.engine.version.as_ref().map_or("?", |v| v.value.as_str());
    let api = s.engine.api_version.as_deref().unwrap_or("?");
    let count = |n: usize, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
    let mut line = format!(
        "{}: Docker Engine {version} (API {api}): {}, {}, {}, {} audited; {}",
        s.endpoint.label,
        count(s.containers.len(), "container"),
        count(s.images.len(), "image"),
        count(s.networks.len(), "network"),
        count(s.volumes.len(), "volume"),
        count(r.diagnostics.len(), "finding"),
    );
    if s.containers_skipped > 0 {
        line.push_str(&format!("; {} containers filtered out", s.containers_skipped));
    }
    if let Some(sw) = &s.swarm {
        if sw.manager {
            line.push_str(&format!(
                "; swarm manager: {} nodes, {} services, {} secrets, {} configs",
                sw.nodes.len(),
                sw.services.len(),
                sw.secrets.len(),
                sw.configs.len()
            ));
        } else {
            line.push_str(&format!("; swarm {} (not a manager: the swarm was not read)", sw.local_node_state.value));
        }
    }
    line
}

/// Which containers are audited: `--containers`, `--label`, and the config's
/// `[audit] ignore-containers / ignore-images / ignore-labels`.
struct ContainerFilter {
    names: Vec<GlobMatcher>,
    labels: Vec<(String, Option<String>)>,
    ignore_names: Vec<GlobMatcher>,
    ignore_images: Vec<GlobMatcher>,
    ignore_labels: Vec<(String, Option<String>)>,
}

fn glob(pattern: &str) -> Result<GlobMatcher, String> {
    Glob::new(pattern).map(|g| g.compile_matcher()).map_err(|e| format!("invalid glob `{pattern}`: {e}"))
}

fn label_spec(s: &str) -> (String, Option<String>) {
    match s.split_once('=') {
        Some((k, v)) => (k.to_string(), Some(v.to_string())),
        None => (s.to_string(), None),
    }
}

fn has_label(labels: &HashMap<String, String>, (k, v): &(String, Option<String>)) -> bool {
    labels.get(k).is_some_and(|have| v.as_ref().is_none_or(|want| want == have))
}

impl ContainerFilter {
    fn new(args: &AuditArgs, settings: &Settings) -> Result<Self, String> {
        let a = &settings.audit;
        Ok(Self {
            names: args.containers.iter().map(|g| glob(g)).collect::<Result<_, _>>()?,
            labels: args.labels.iter().map(|l| label_spec(l)).collect(),
            ignore_names: a.ignore_containers.iter().map(|g| glob(g)).collect::<Result<_, _>>()?,
            ignore_images: a.ignore_images.iter().map(|g| glob(g)).collect::<Result<_, _>>()?,
            ignore_labels: a.ignore_labels.iter().map(|l| label_spec(l)).collect(),
        })
    }

    fn keeps(&self, name: &str, labels: &HashMap<String, String>, image: &str) -> bool {
        (self.names.is_empty() || self.names.iter().any(|g| g.is_match(name)))
            && self.labels.iter().all(|l| has_label(labels, l))
            && !self.ignore_names.iter().any(|g| g.is_match(name))
            && !self.ignore_images.iter().any(|g| g.is_match(image))
            && !self.ignore_labels.iter().any(|l| has_label(labels, l))
    }
}

fn resolve_settings(args: &AuditArgs) -> Result<(Settings, Option<FailOn>), String> {
    let selection = CliSelection { select: &args.select, extend_select: &args.extend_select, ignore: &args.ignore };
    let (builder, fail_on) = settings_builder(args.isolated, args.config.as_ref(), Path::new("."), selection)?;
    Ok((builder.build(), fail_on))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(kv: &[(&str, &str)]) -> HashMap<String, String> {
        kv.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn filter_combines_globs_labels_and_config_ignores() {
        let f = ContainerFilter {
            names: vec![glob("web-*").unwrap()],
            labels: vec![label_spec("tier=front")],
            ignore_names: vec![glob("*-debug").unwrap()],
            ignore_images: vec![glob("busybox:*").unwrap()],
            ignore_labels: vec![label_spec("skip")],
        };
        let front = labels(&[("tier", "front")]);
        assert!(f.keeps("web-1", &front, "nginx:1"));
        assert!(!f.keeps("db-1", &front, "nginx:1"));
        assert!(!f.keeps("web-1", &labels(&[("tier", "back")]), "nginx:1"));
        assert!(!f.keeps("web-debug", &front, "nginx:1"));
        assert!(!f.keeps("web-1", &front, "busybox:1.36"));
        assert!(!f.keeps("web-1", &labels(&[("tier", "front"), ("skip", "")]), "nginx:1"));
    }
}
