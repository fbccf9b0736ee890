//! Writing to stdout and to report files, shared by every command.
//!
//! Everything dockward prints on stdout goes through [`print`]: a reader that stops
//! early (`dockward rules | head`) closes the pipe, and that ends the output quietly
//! instead of panicking the way `println!` does (Rust ignores SIGPIPE, so the write
//! fails with `BrokenPipe`).

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

/// Writes `bytes` to stdout. A closed pipe is not an error: the reader has all it
/// wanted, so the rest is dropped and the command ends with its normal exit code.
pub fn print(bytes: &[u8]) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write to stdout: {e}")),
    }
}

/// Writes the report to `path`, or to stdout through [`print`].
pub fn write_output(path: Option<&PathBuf>, bytes: &[u8]) -> Result<(), String> {
    match path {
        Some(path) => {
            std::fs::write(path, bytes).map_err(|e| format!("{}: cannot write the report: {e}", path.display()))
        }
        None => print(bytes),
    }
}

/// Writes a report to `path`, or to stdout like [`print`], as `render` produces it
/// (buffered, never held whole in memory: a large report streams).
pub fn stream_output(
    path: Option<&PathBuf>,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    match path {
        Some(path) => {
            let failed = |e: std::io::Error| format!("{}: cannot write the report: {e}", path.display());
            let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(failed)?);
            render(&mut out).and_then(|_| out.flush()).map_err(failed)
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            match render(&mut out).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(format!("cannot write to stdout: {e}")),
            }
        }
    }
}
