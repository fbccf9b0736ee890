//! `dockward watch`: continuous monitoring of live engines (docs/watch.md). The pipeline
//! is `dockward_watch`; this module resolves the endpoints and the configuration (rule
//! selection as for `audit`, the `[watch]` section) and prints the systemd unit.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use dockward_engine::ConnectEnv;
use dockward_linter::config::find_config;
use dockward_watch::config::WatchConfig;

use super::settings::{settings_builder, CliSelection};
use crate::exit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WatchFormat {
    /// JSON lines of schema `dockward.watch/1` (docs/watch.schema.json).
    Json,
    /// The Elastic Common Schema (Elasticsearch, OpenSearch).
    Ecs,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct WatchArgs {
    #[command(subcommand)]
    pub command: Option<WatchCommand>,
    /// Engine to watch (`unix:///path`, `tcp://host:2376`, `ssh://user@host`); repeat for several.
    #[arg(long = "host", short = 'H', value_name = "URL")]
    pub hosts: Vec<String>,
    /// Docker CLI context to watch; repeat for several.
    #[arg(long = "context", short = 'c', value_name = "NAME")]
    pub contexts: Vec<String>,
    /// State file (last event, open findings): a restart resumes from it without repeats [config: `[watch] state`].
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Seconds between two full audits diffed against the known state [default: 900, or `[watch] resync`].
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub resync: Option<u64>,
    /// Record format [default: json, or `[watch] format`].
    #[arg(long, value_enum)]
    pub format: Option<WatchFormat>,
    /// Seconds before a request to the engine is given up.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// `dockward guard`'s decision log (its file sink) to follow: records about a container the
    /// guard saw a TLS client create or change name that user [config: `[watch] guard-log`].
    #[arg(long, value_name = "FILE")]
    pub guard_log: Option<PathBuf>,
    /// The Linux audit log to correlate events with: the caller's uid and executable when
    /// exactly one client connected to the socket around an event [config: `[watch] auditd-log`].
    #[arg(long, value_name = "FILE")]
    pub auditd_log: Option<PathBuf>,
    /// The key of the audit rules on connect to the socket [default: docker-api, or `[watch] auditd-key`].
    #[arg(long, value_name = "KEY")]
    pub auditd_key: Option<String>,
    /// Use this config file instead of searching for dockward.toml from the current directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every config file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
    /// Rules to run instead of the default set.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Option<Vec<String>>,
    /// Rules to run in addition to the selection.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub extend_select: Vec<String>,
    /// Rules to skip.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum WatchCommand {
    /// Print a hardened systemd unit that runs `dockward watch` (never written by dockward).
    Install(InstallArgs),
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// The dockward binary the unit runs.
    #[arg(long, value_name = "PATH", default_value = "/usr/local/bin/dockward")]
    pub binary: String,
    /// Options added to `dockward watch` in the unit (e.g. `--resync 600`).
    #[arg(last = true, value_name = "OPTION")]
    pub options: Vec<String>,
}

pub fn run(args: WatchArgs) -> u8 {
    if let Some(WatchCommand::Install(i)) = &args.command {
        print!("{}", dockward_watch::systemd::unit(&i.binary, &i.options));
        return exit::CLEAN;
    }
    match run_inner(args) {
        Ok(()) => exit::CLEAN,
        Err(message) => {
            eprintln!("dockward: {message}");
            exit::ERROR
        }
    }
}

/// The config file this run reads (as `audit` finds it).
fn config_path(args: &WatchArgs) -> Option<PathBuf> {
    if args.isolated {
        None
    } else {
        args.config.clone().or_else(|| find_config(Path::new(".")))
    }
}

fn watch_section(path: Option<&Path>) -> Result<WatchConfig, String> {
    let Some(path) = path else { return Ok(WatchConfig::default()) };
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(dockward_watch::config::parse(path, &text)?.unwrap_or_default())
}

/// The rule settings and resync interval: what SIGHUP reloads.
fn tuning(
    args: &WatchSelection,
    config: Option<&Path>,
    isolated: bool,
) -> Result<(dockward_watch::Tuning, WatchConfig), String> {
    let selection = CliSelection { select: &args.select, extend_select: &args.extend_select, ignore: &args.ignore };
    let owned = config.map(Path::to_path_buf);
    let (builder, _) = settings_builder(isolated, owned.as_ref(), Path::new("."), selection)?;
    let section = watch_section(config)?;
    let resync = args.resync.or(section.resync).unwrap_or(900);
    Ok((dockward_watch::Tuning { settings: Arc::new(builder.build()), resync: Duration::from_secs(resync) }, section))
}

/// The parts of the command line a reload applies again.
#[derive(Clone)]
struct WatchSelection {
    select: Option<Vec<String>>,
    extend_select: Vec<String>,
    ignore: Vec<String>,
    resync: Option<u64>,
}

fn run_inner(args: WatchArgs) -> Result<(), String> {
    let config = config_path(&args);
    let selection = WatchSelection {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        resync: args.resync,
    };
    let (tuning_now, section) = tuning(&selection, config.as_deref(), args.isolated)?;
    let endpoints = dockward_engine::resolve_endpoints(&args.hosts, &args.contexts, &ConnectEnv::from_process())
        .map_err(|e| e.to_string())?;
    let format = match args.format.map(|f| f == WatchFormat::Ecs).or(section.format.as_deref().map(|f| f == "ecs")) {
        Some(true) => dockward_watch::Format::Ecs,
        _ => dockward_watch::Format::Json,
    };
    let options = dockward_watch::Options {
        endpoints,
        timeout_secs: args.timeout.or(section.timeout).unwrap_or(30).max(1),
        format,
        state_path: args.state.clone().or(section.state.clone()),
        tuning: tuning_now,
        guard_log: args.guard_log.clone().or(section.guard_log.clone()),
        auditd: args.auditd_log.clone().or(section.auditd_log.clone()).map(|log| dockward_watch::AuditdOptions {
            log,
            key: args
                .auditd_key
                .clone()
                .or(section.auditd_key.clone())
                .unwrap_or_else(|| dockward_watch::auditd::DEFAULT_KEY.to_string()),
        }),
    };
    let isolated = args.isolated;
    let reload: dockward_watch::Reload =
        Box::new(move || tuning(&selection, config.as_deref(), isolated).map(|(t, _)| t));
    dockward_watch::run(options, section.sink, reload)
}
