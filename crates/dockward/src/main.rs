//! The `dockward` command.

mod args;
mod commands;
mod discover;
#[cfg(test)]
mod hook_files;

use std::process::ExitCode;

use clap::Parser;

/// Exit codes, documented in the README.
pub mod exit {
    /// No finding at or above the `--fail-on` threshold.
    pub const CLEAN: u8 = 0;
    /// At least one finding at or above the threshold (or, with `--diff`, a fix to show).
    pub const FINDINGS: u8 = 1;
    /// dockward could not do its job: bad arguments or config, unreadable input.
    pub const ERROR: u8 = 2;
}

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { exit::ERROR } else { exit::CLEAN };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // The bounds on untrusted input (docs/security.md): a bad value is an error up
    // front, never silently the default.
    match dockward_source::input::Limits::from_vars(|name| std::env::var(name).ok()) {
        Ok(limits) => {
            dockward_source::input::set_limits(limits);
        }
        Err(e) => {
            eprintln!("dockward: {e}");
            return ExitCode::from(exit::ERROR);
        }
    }
    let code = match cli.command {
        args::Command::Check(a) => commands::check::run(a),
        args::Command::Audit(a) => commands::audit::run(a),
        args::Command::Sbom(a) => commands::sbom::run(a),
        args::Command::Scan(a) => commands::scan::run(a),
        args::Command::Db(c) => commands::db::run(c),
        args::Command::Rules(a) => commands::rules::list(a),
        args::Command::Rule(a) => commands::rules::show(a),
        args::Command::Debug(args::DebugCommand::Ast(a)) => commands::debug::ast(a),
        args::Command::Init(a) => commands::init::run(a),
        args::Command::Completions(a) => commands::completions::completions(a),
        args::Command::Man(a) => commands::completions::man(a),
        args::Command::Guard(c) => commands::guard::run(c),
        args::Command::Watch(a) => commands::watch::run(a),
        args::Command::Server(a) => commands::server::run(a),
    };
    ExitCode::from(code)
}
