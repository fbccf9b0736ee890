//! Writing reports, shared by `check` and `audit`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::args::ColorChoice;

/// Whether to colour the report: `auto` colours only a terminal, and honours
/// `NO_COLOR` and `TERM=dumb`.
pub fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// Writes the report to `path`, or to stdout (a closed pipe, as with `| head`, is not
/// an error).
pub fn write_output(path: Option<&PathBuf>, bytes: &[u8]) -> Result<(), String> {
    match path {
        Some(path) => {
            std::fs::write(path, bytes).map_err(|e| format!("{}: cannot write the report: {e}", path.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(bytes).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(format!("cannot write the report: {e}")),
            }
        }
    }
}
