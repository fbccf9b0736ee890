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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
}

impl OutputFormat {
    /// The report crate's format of the same name.
    pub fn report_format(self) -> dockward_report::Format {
        match self {
            OutputFormat::Text => dockward_report::Format::Text,
            OutputFormat::Json => dockward_report::Format::Json,
            OutputFormat::Sarif => dockward_report::Format::Sarif,
            OutputFormat::Junit => dockward_report::Format::Junit,
            OutputFormat::Github => dockward_report::Format::Github,
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
    /// Kubernetes: the namespace of objects that name none (after the
    /// kustomization's `namespace:`); without it they form one group, "namespace not set".
    #[arg(long, value_name = "NS")]
    pub k8s_namespace: Option<String>,
    /// Kubernetes: the scan holds every object of its namespaces, so what a namespace
    /// lacks (a policy that selects nothing) can be judged.
    #[arg(long)]
    pub complete_namespace: bool,
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
