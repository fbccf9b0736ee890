//! The `[[watch.sink]]` / `[[guard.sink]]` tables of `dockward.toml`.

use std::path::PathBuf;

use serde::Deserialize;

use crate::{Sink, SinkError};

/// One configured sink. Tagged by `type`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum SinkConfig {
    /// JSON lines on standard output.
    Stdout,
    /// JSON lines appended to a file.
    File {
        path: PathBuf,
        #[serde(default)]
        queue: Option<usize>,
    },
}

impl SinkConfig {
    pub fn queue_len(&self) -> usize {
        match self {
            SinkConfig::Stdout => crate::DEFAULT_QUEUE,
            SinkConfig::File { queue, .. } => queue.unwrap_or(crate::DEFAULT_QUEUE),
        }
    }

    pub(crate) fn open(&self) -> Result<Box<dyn Sink>, SinkError> {
        Ok(match self {
            SinkConfig::Stdout => Box::new(crate::stdout::StdoutSink::new()),
            SinkConfig::File { path, .. } => Box::new(crate::file::FileSink::new(path.clone())),
        })
    }
}
