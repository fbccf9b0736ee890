//! `dockward guard`: the Docker authorization plugin (docs/guard.md).
//!
//! * `guard serve`: run the plugin on its socket (or the one systemd passes);
//! * `guard install`: print the systemd units and the daemon.json snippet (never writes);
//! * `guard check-request FILE`: judge one AuthZReq call offline and print the decision.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use dockward_guard::cli::{check_request, run_serve, InstallPlan};
use dockward_guard::decide::Verdict;
use dockward_guard::policy::{load_policy, Policy};
use dockward_guard::server::ServeOptions;

use crate::exit;

const DEFAULT_SOCKET: &str = "/run/docker/plugins/dockward-guard.sock";

#[derive(Debug, Subcommand)]
pub enum GuardCommand {
    /// Run the authorization plugin: judge every Engine API request dockerd asks about.
    Serve(ServeArgs),
    /// Print the systemd socket and service units and the daemon.json snippet (writes nothing).
    Install(InstallArgs),
    /// Judge one AuthZReq call (the JSON dockerd posts to the plugin) and print the decision; exit 1 when denied.
    CheckRequest(CheckRequestArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The plugin socket; its file name without `.sock` is the plugin's name in dockerd's `--authorization-plugin`.
    #[arg(long, value_name = "PATH", default_value = DEFAULT_SOCKET)]
    pub socket: PathBuf,
    /// The dockward.toml holding the `[guard]` policy (reloaded on SIGHUP) [default: the built-in policy].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Also append the decision records (JSON lines) to FILE.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// The daemon guarded, for its defaults, image lookups and the start-up self-test.
    #[arg(long, value_name = "URL", default_value = "unix:///var/run/docker.sock")]
    pub docker_host: String,
    /// Skip the start-up check of whether the daemon forwards request bodies over 1 MiB.
    #[arg(long)]
    pub no_self_test: bool,
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    #[arg(long, value_name = "PATH", default_value = DEFAULT_SOCKET)]
    pub socket: PathBuf,
    #[arg(long, value_name = "FILE", default_value = "/etc/dockward/dockward.toml")]
    pub config: PathBuf,
    /// The dockward binary the service runs [default: this one].
    #[arg(long, value_name = "PATH")]
    pub binary: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckRequestArgs {
    /// A JSON file with one AuthZReq call (`RequestMethod`, `RequestUri`, `RequestBody` in base64, `RequestHeaders`).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

pub fn run(command: GuardCommand) -> u8 {
    match command {
        GuardCommand::Serve(a) => {
            let options = ServeOptions {
                socket: a.socket,
                config: a.config,
                log: a.log,
                docker_host: Some(a.docker_host),
                self_test: !a.no_self_test,
            };
            match run_serve(options) {
                Ok(()) => exit::CLEAN,
                Err(e) => {
                    eprintln!("dockward guard: {e}");
                    exit::ERROR
                }
            }
        }
        GuardCommand::Install(a) => {
            let binary = a
                .binary
                .or_else(|| std::env::current_exe().ok())
                .unwrap_or_else(|| PathBuf::from("/usr/local/bin/dockward"));
            print!("{}", InstallPlan { socket: a.socket, config: a.config, binary }.render());
            exit::CLEAN
        }
        GuardCommand::CheckRequest(a) => {
            let policy = match &a.config {
                Some(path) => match load_policy(path) {
                    Ok(p) => p,
                    Err(e) => {
                        eprintln!("dockward: {e}");
                        return exit::ERROR;
                    }
                },
                None => Policy::default(),
            };
            let text = match dockward_source::input::read_to_string(&a.file) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("dockward: {}: {e}", a.file.display());
                    return exit::ERROR;
                }
            };
            match check_request(&text, &policy) {
                Ok(decision) => {
                    let json = dockward_guard::record::decision_json(&decision, &policy, std::time::UNIX_EPOCH, 0);
                    println!("{}", serde_json::to_string_pretty(&json).unwrap_or_default());
                    if decision.verdict == Verdict::Deny {
                        exit::FINDINGS
                    } else {
                        exit::CLEAN
                    }
                }
                Err(e) => {
                    eprintln!("dockward: {}: {e}", a.file.display());
                    exit::ERROR
                }
            }
        }
    }
}
