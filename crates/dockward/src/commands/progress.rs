//! Progress on a terminal: bytes and rate of image exports and archive reads, files of
//! a large check. Drawn on stderr only when stderr is a terminal and not `--quiet`
//! (indicatif also hides it on a dumb terminal), so pipes, files and CI logs never see
//! it and the report on stdout is untouched.

use std::io::{IsTerminal, Read};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A check of at least this many files shows a bar (a small one ends before a bar
/// would be readable).
pub const FILES_THRESHOLD: usize = 100;

fn wanted(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

fn styled(bar: ProgressBar, template: &str) -> ProgressBar {
    bar.set_style(ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()));
    bar
}

/// A bar of bytes read: `total` when known (a file's size), else a running count.
pub fn bytes(quiet: bool, message: impl Into<String>, total: Option<u64>) -> Option<ProgressBar> {
    if !wanted(quiet) {
        return None;
    }
    let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
    let bar = match total {
        Some(_) => styled(bar, "{spinner} {msg} {bytes}/{total_bytes} ({bytes_per_sec}, {eta}) {wide_bar}"),
        None => styled(bar, "{spinner} {msg} {bytes} ({bytes_per_sec})"),
    };
    bar.set_message(message.into());
    Some(bar)
}

/// A bar of files checked, for a check of at least [`FILES_THRESHOLD`] files.
pub fn files(quiet: bool, n: usize) -> Option<ProgressBar> {
    if n < FILES_THRESHOLD || !wanted(quiet) {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(n as u64), ProgressDrawTarget::stderr());
    Some(styled(bar, "{spinner} checking {pos}/{len} files {wide_bar}"))
}

/// A reader that adds what passes through it to a bar (none: a plain pass-through).
pub struct Counting<R> {
    inner: R,
    bar: Option<ProgressBar>,
}

impl<R> Counting<R> {
    pub fn new(inner: R, bar: Option<ProgressBar>) -> Self {
        Self { inner, bar }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(bar) = &self.bar {
            bar.inc(n as u64);
        }
        Ok(n)
    }
}

/// Clears a bar once its work is done, so the report and notes start on a clean line.
pub fn finish(bar: &Option<ProgressBar>) {
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_passes_bytes_through_and_counts_them() {
        let bar = ProgressBar::hidden();
        let mut r = Counting::new(&b"hello world"[..], Some(bar.clone()));
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"hello world");
        assert_eq!(bar.position(), 11);
        let mut plain = Counting::new(&b"x"[..], None);
        let mut out = Vec::new();
        plain.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"x");
    }

    #[test]
    fn nothing_when_quiet_or_small() {
        assert!(bytes(true, "x", Some(1)).is_none());
        assert!(files(true, 10_000).is_none());
        assert!(files(false, FILES_THRESHOLD - 1).is_none());
    }
}
