//! JSON lines appended to a file.

use std::path::PathBuf;

use tokio::io::AsyncWriteExt;

use crate::{BoxFuture, Record, Sink, SinkError};

pub(crate) struct FileSink {
    path: PathBuf,
    name: String,
    file: Option<tokio::fs::File>,
}

impl FileSink {
    pub(crate) fn new(path: PathBuf) -> Self {
        let name = format!("file:{}", path.display());
        FileSink { path, name, file: None }
    }
}

impl Sink for FileSink {
    fn name(&self) -> &str {
        &self.name
    }

    fn deliver<'a>(&'a mut self, batch: &'a [Record]) -> BoxFuture<'a, Result<(), SinkError>> {
        Box::pin(async move {
            let io = |source| SinkError::Io { sink: self.name.clone(), source };
            if self.file.is_none() {
                let file =
                    tokio::fs::OpenOptions::new().create(true).append(true).open(&self.path).await.map_err(io)?;
                self.file = Some(file);
            }
            let mut buffer = Vec::new();
            for record in batch {
                buffer.extend_from_slice(record.json.as_bytes());
                buffer.push(b'\n');
            }
            let file = self.file.as_mut().expect("opened above");
            file.write_all(&buffer).await.map_err(io)?;
            file.flush().await.map_err(io)
        })
    }
}
