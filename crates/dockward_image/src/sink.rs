//! The caller's hook into the stream: which files' bytes to keep (with a cap per file)
//! and which to be shown as they pass, for files too many or too large to keep.

use std::fmt;
use std::io::{self, Read};

/// Decides, file by file as the layers stream past, what happens to each regular
/// file's bytes. Every call comes before the file's bytes are read; paths are relative
/// to the image root (`var/lib/dpkg/status`).
pub trait LayerSink {
    /// Whether to keep `path`'s bytes in [`crate::FileEntry::content`], and the largest
    /// size to keep. The cap replaces [`crate::ReadLimits::max_content`] for this file:
    /// package databases are often larger than the default.
    fn keep(&self, path: &str, size: u64) -> Option<u64>;

    /// Whether to be fed `path`'s bytes as they stream past ([`LayerSink::feed`]), and
    /// the largest size to feed. Nothing is kept: this is for binaries and archives.
    fn inspect(&self, path: &str, mode: u32, size: u64) -> Option<u64>;

    /// The bytes of a file [`LayerSink::inspect`] asked for, no more than its cap.
    /// `layer_member` is the layer's member in the archive ([`crate::LayerInfo::member`]),
    /// so results can be matched to layer indexes once the manifest is read. An error
    /// stops the reading of the archive.
    fn feed(&mut self, layer_member: &str, path: &str, mode: u32, size: u64, data: &mut dyn Read) -> io::Result<()>;
}

/// Why a file's bytes were neither kept nor fed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SkipReason {
    /// Larger than the cap [`LayerSink::keep`] gave.
    TooLargeToKeep { max: u64 },
    /// Larger than the cap [`LayerSink::inspect`] gave.
    TooLargeToScan { max: u64 },
    /// The total budget for kept bytes ([`crate::ReadLimits::max_total_content`] or
    /// [`crate::ReadLimits::max_total_catalog`]) was spent.
    BudgetSpent { budget: u64 },
}

/// A file the caller asked for whose bytes were not kept (or fed), with where it is, so
/// the caller can say which result is incomplete.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SkippedContent {
    /// Index of the layer (manifest order, from 0).
    pub layer: usize,
    pub path: String,
    pub size: u64,
    pub reason: SkipReason,
}

impl SkippedContent {
    /// What happened, without the path and layer (`858.3 MiB, over the 512 MiB limit; not read`).
    pub fn message(&self) -> String {
        let size = human_size(self.size);
        match self.reason {
            SkipReason::TooLargeToKeep { max } => format!("{size}, over the {} limit; not read", human_size(max)),
            SkipReason::TooLargeToScan { max } => format!("{size}, over the {} limit; not scanned", human_size(max)),
            SkipReason::BudgetSpent { budget } => {
                format!("{size}; not read: the {} budget for kept files was spent", human_size(budget))
            }
        }
    }
}

impl fmt::Display for SkippedContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (layer {}): {}", self.path, self.layer, self.message())
    }
}

/// `900 bytes`, `64 KiB`, `858.3 MiB`: binary units, one decimal unless exact.
pub fn human_size(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut unit = 0;
    let mut scale = 1024u64;
    while unit + 1 < UNITS.len() && n / scale >= 1024 {
        unit += 1;
        scale *= 1024;
    }
    if n.is_multiple_of(scale) {
        format!("{} {}", n / scale, UNITS[unit])
    } else {
        format!("{:.1} {}", n as f64 / scale as f64, UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(900), "900 bytes");
        assert_eq!(human_size(64 * 1024), "64 KiB");
        assert_eq!(human_size(512 << 20), "512 MiB");
        assert_eq!(human_size(900_000_000), "858.3 MiB");
        assert_eq!(human_size(u64::MAX), "16384.0 PiB");
    }

    #[test]
    fn a_skipped_file_says_where_and_why() {
        let s = SkippedContent {
            layer: 1,
            path: "var/lib/rpm/Packages".into(),
            size: 900_000_000,
            reason: SkipReason::TooLargeToKeep { max: 512 << 20 },
        };
        assert_eq!(s.to_string(), "var/lib/rpm/Packages (layer 1): 858.3 MiB, over the 512 MiB limit; not read");
    }
}
