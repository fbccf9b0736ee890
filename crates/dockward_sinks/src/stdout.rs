//! JSON lines on standard output.

use tokio::io::AsyncWriteExt;

use crate::{BoxFuture, Record, Sink, SinkError};

pub(crate) struct StdoutSink {
    out: tokio::io::Stdout,
    buffer: Vec<u8>,
}

impl StdoutSink {
    pub(crate) fn new() -> Self {
        StdoutSink { out: tokio::io::stdout(), buffer: Vec::new() }
    }
}

impl Sink for StdoutSink {
    fn name(&self) -> &str {
        "stdout"
    }

    fn deliver<'a>(&'a mut self, batch: &'a [Record]) -> BoxFuture<'a, Result<(), SinkError>> {
        Box::pin(async move {
            self.buffer.clear();
            for record in batch {
                self.buffer.extend_from_slice(record.json.as_bytes());
                self.buffer.push(b'\n');
            }
            let io = |source| SinkError::Io { sink: "stdout".into(), source };
            self.out.write_all(&self.buffer).await.map_err(io)?;
            self.out.flush().await.map_err(io)
        })
    }
}
