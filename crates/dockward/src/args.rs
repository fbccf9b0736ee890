//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "dockward",
    version,
    about = "Audit and harden Docker deployments, starting with Dockerfiles.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run: the size of the `check` variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check Dockerfiles, Compose files, docker run lines in scripts/Makefiles/CI files, and daemon configuration (directories are searched recursively, honouring .gitignore).
    Check(CheckArgs),
    /// Audit live Docker engines: containers, images, networks and the engine itself (read-only).
    Audit(crate::commands::audit::AuditArgs),
    /// List the packages an image, an image archive or a root filesystem holds (an SBOM: CycloneDX, SPDX, JSON or a table).
    Sbom(crate::commands::sbom::SbomArgs),
    /// Report the known vulnerabilities of the packages in images, image archives or root filesystems, from the offline vulnerability database.
    Scan(crate::commands::scan::ScanArgs),
    /// Build, update and inspect the offline vulnerability database (OSV advisories).
    #[command(subcommand)]
    Db(crate::commands::db::DbCommand),
    /// List every rule.
    Rules(RulesArgs),
    /// Show one rule's documentation.
    Rule(RuleArgs),
    /// Developer tools (AST dumps).
    #[command(subcommand)]
    Debug(DebugCommand),
    /// Write a commented starter dockward.toml (never overwrites one).
    Init(crate::commands::init::InitArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completions(crate::commands::completions::CompletionsArgs),
    /// Print the man page (roff), or a subcommand's.
    Man(crate::commands::completions::ManArgs),
    /// Enforce the container rules at the daemon: a Docker authorization plugin (docs/guard.md).
    #[command(subcommand)]
    Guard(crate::commands::guard::GuardCommand),
    /// Follow live engines' events: judge what changes, emit findings (new, changed, resolved) and health as JSON lines (docs/watch.md).
    Watch(crate::commands::watch::WatchArgs),
    /// Run the Language Server (LSP over stdin/stdout) for editors: diagnostics as you type, fixes as code actions, rule docs on hover (docs/editors.md).
    Server(crate::commands::server::ServerArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
    /// One self-contained HTML page: charts, scorecards (`--compliance`), filters.
    Html,
    /// The `--compliance` scorecards as JSON.
    Compliance,
    /// `check` of Kubernetes manifests: the Pod Security Standards level of each workload
    /// and the namespaces' admission labels, as JSON (docs/kubernetes.md).
    Pss,
    /// One line per finding: `path:line:col: CODE [severity] message`.
    Concise,
    /// Checkstyle XML.
    Checkstyle,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// The Heimdall Data Format (MITRE SAF): a control per rule, NIST 800-53 tags with `--compliance`.
    Hdf,
}

impl OutputFormat {
    /// What the report is made of, with the `--compliance` scorecards.
    pub fn output(self) -> crate::commands::compliance::Output {
        use crate::commands::compliance::Output;
        match self {
            OutputFormat::Compliance => Output::Scorecards,
            OutputFormat::Html => Output::Html,
            OutputFormat::Hdf => Output::Hdf,
            other => Output::Findings(other.report_format()),
        }
    }

    /// The report crate's format of the same name.
    pub fn report_format(self) -> dockward_report::Format {
        match self {
            OutputFormat::Text => dockward_report::Format::Text,
            OutputFormat::Json => dockward_report::Format::Json,
            OutputFormat::Sarif => dockward_report::Format::Sarif,
            OutputFormat::Junit => dockward_report::Format::Junit,
            OutputFormat::Github => dockward_report::Format::Github,
            OutputFormat::Html => dockward_report::Format::Html,
            // Written by the compliance module, not the report crate.
            OutputFormat::Compliance | OutputFormat::Pss | OutputFormat::Hdf => dockward_report::Format::Json,
            OutputFormat::Concise => dockward_report::Format::Concise,
            OutputFormat::Checkstyle => dockward_report::Format::Checkstyle,
            OutputFormat::Gitlab => dockward_report::Format::Gitlab,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Error,
    Warning,
    Info,
    None,
}

/// A severity `--severity` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Error,
    Warning,
    Info,
}

impl SeverityArg {
    pub fn severity(self) -> dockward_diagnostics::Severity {
        match self {
            SeverityArg::Error => dockward_diagnostics::Severity::Error,
            SeverityArg::Warning => dockward_diagnostics::Severity::Warning,
            SeverityArg::Info => dockward_diagnostics::Severity::Info,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check; `-` reads stdin. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a finding at or above this severity remains [default: warning, or the config's fail-on].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOnArg>,
    /// Rules to run instead of the default set (codes, names, aliases, prefixes, `ALL`).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Option<Vec<String>>,
    /// Rules to run in addition to the selection.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub extend_select: Vec<String>,
    /// Rules to skip.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Apply safe fixes to the files.
    #[arg(long)]
    pub fix: bool,
    /// Print the fixes as a unified diff instead of writing them; exit 1 if there is any.
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// With --fix or --diff, also apply fixes that may change behaviour.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Use this config file instead of searching for dockward.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every config file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
    /// The file name to report for stdin (`-`).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// A build argument for resolving `FROM ${VAR}` and similar, like `docker build --build-arg`.
    #[arg(long = "build-arg", value_name = "KEY=VALUE")]
    pub build_args: Vec<String>,
    /// Print only findings, no summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print a count of findings per rule after the report.
    #[arg(long)]
    pub statistics: bool,
    /// Colour: auto (TTY and NO_COLOR aware), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Also check the host whose filesystem is at DIR (`/` for this machine): its
    /// daemon configuration at the standard paths, and its Docker files, group, audit
    /// rules and mounts. Read only.
    #[arg(long, value_name = "DIR")]
    pub host_root: Option<PathBuf>,
    /// A Compose file of one project, like `docker compose -f` (repeat for overrides,
    /// merged in order).
    #[arg(long = "file", short = 'f', value_name = "FILE")]
    pub compose_files: Vec<PathBuf>,
    /// An env file for Compose interpolation instead of `.env` (repeatable).
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Compliance scorecards of the findings: nist-800-190, pci-dss-4.0.1, hipaa, gdpr-32,
    /// nist-800-53, cis-docker or all. Shown after the text report, inside the HTML
    /// report, or alone as JSON with `--format compliance`.
    #[arg(long, value_delimiter = ',', value_name = "FRAMEWORK")]
    pub compliance: Vec<String>,
    /// The Kubernetes version Pod Security is judged at (`1.29`, `v1.29` or `latest`):
    /// the checks change between releases, and a namespace's `latest` means this one.
    #[arg(long, value_name = "VERSION", value_parser = dockward_linter::pss_report::parse_pss_version)]
    pub pss_version: Option<dockward_k8s::pss::Version>,
    /// Report only the findings not recorded in this baseline file (see docs/baseline.md).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the findings of this run in a baseline file (exit 0 unless an input could not be read).
    #[arg(long, value_name = "FILE")]
    pub baseline_write: Option<PathBuf>,
    /// Print which config file applies to FILE and the settings it gets, then exit.
    #[arg(long, value_name = "FILE")]
    pub show_settings: Option<PathBuf>,
    /// Print the files discovery would check, one per line, then exit.
    #[arg(long, conflicts_with = "show_settings")]
    pub show_files: bool,
    /// Show (and count for the exit code) only findings of these severities: `error,warning`.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "SEVERITY")]
    pub severity: Vec<SeverityArg>,
    /// Kubernetes: the namespace of objects that name none (after the
    /// kustomization's `namespace:`); without it they form one group, "namespace not set".
    #[arg(long, value_name = "NS")]
    pub k8s_namespace: Option<String>,
    /// Kubernetes: the scan holds every object of its namespaces, so what a namespace
    /// lacks (a policy that selects nothing) can be judged.
    #[arg(long)]
    pub complete_namespace: bool,
    /// Compare with an earlier JSON report of the same command (`--format json`): show
    /// what is new, fixed and unchanged (text, json, html; with `--compliance`, the
    /// controls that went to or from FAIL).
    #[arg(long, value_name = "PREVIOUS.json")]
    pub compare: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A rule code, name or alias (`DF001`, `last-user-is-root`, `DL3002`).
    pub rule: String,
}

#[derive(Debug, Subcommand)]
pub enum DebugCommand {
    /// Print a Dockerfile's syntax tree.
    Ast(AstArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AstFormat {
    /// BuildKit's parser-test s-expressions.
    Buildkit,
    /// The full Rust syntax tree.
    Debug,
}

#[derive(Debug, Args)]
pub struct AstArgs {
    #[arg(long, value_enum, default_value_t = AstFormat::Buildkit)]
    pub format: AstFormat,
    pub file: PathBuf,
}
