//! Image exports (`GET /images/{id}/get`, what `docker save` calls): each body is
//! streamed to a caller-supplied reader running on a blocking thread, so the archive is
//! parsed while it arrives and never held whole in memory. This crate stays the only one
//! with tokio and the network; the caller (`dockward_image`) sees a `std::io::Read`.

use std::io::{self, Read};
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use tokio::sync::mpsc;

use crate::read::describe;
use crate::{connect, Endpoint, EngineError};

/// Reads one image's archive: gets the image id and the body as a reader.
pub type ArchiveConsumer<T> = Arc<dyn Fn(&str, &mut dyn Read) -> T + Send + Sync>;

/// Chunks buffered between the HTTP stream and the reader, per image.
const CHANNEL_CHUNKS: usize = 16;

/// A blocking reader over the chunks the async side sends.
struct ChannelReader {
    rx: mpsc::Receiver<Result<Vec<u8>, String>>,
    chunk: Vec<u8>,
    pos: usize,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.chunk.len() {
            match self.rx.blocking_recv() {
                Some(Ok(c)) => {
                    self.chunk = c;
                    self.pos = 0;
                }
                Some(Err(message)) => return Err(io::Error::other(message)),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len() - self.pos);
        buf[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

async fn export_one<T: Send + 'static>(
    docker: &bollard::Docker,
    id: &str,
    idle_timeout: Duration,
    consume: ArchiveConsumer<T>,
) -> Result<T, String> {
    let (tx, rx) = mpsc::channel(CHANNEL_CHUNKS);
    let owned_id = id.to_string();
    let worker = tokio::task::spawn_blocking(move || {
        let mut reader = ChannelReader { rx, chunk: Vec::new(), pos: 0 };
        consume(&owned_id, &mut reader)
    });
    let body = docker.export_image(id);
    tokio::pin!(body);
    loop {
        let next = match tokio::time::timeout(idle_timeout, body.next()).await {
            Err(_) => Some(Err("the daemon sent nothing in time (see --timeout)".to_string())),
            Ok(None) => None,
            Ok(Some(Ok(bytes))) => Some(Ok(bytes.to_vec())),
            Ok(Some(Err(e))) => Some(Err(describe(&e))),
        };
        let Some(item) = next else { break };
        let failed = item.is_err();
        // A closed channel means the reader is done (or gave up): stop transferring.
        if tx.send(item).await.is_err() || failed {
            break;
        }
    }
    drop(tx);
    worker.await.map_err(|e| format!("the archive reader stopped: {e}"))
}

/// Exports each image of `ids` from `endpoint`, at most `concurrency` at once, handing
/// each body to `consume`. Blocking. One result per id, in the given order; `Err` only
/// when the reader itself could not run (transfer errors reach `consume` as read
/// errors). Fails as a whole only when the engine cannot be reached.
pub fn export_images<T: Send + 'static>(
    endpoint: &Endpoint,
    timeout_secs: u64,
    ids: &[String],
    concurrency: usize,
    consume: ArchiveConsumer<T>,
) -> Result<Vec<Result<T, String>>, EngineError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| EngineError::Config(format!("cannot start the I/O runtime: {e}")))?;
    let docker = connect::connect(endpoint, timeout_secs)?;
    let idle = Duration::from_secs(timeout_secs.max(1));
    runtime.block_on(async {
        let docker = docker
            .negotiate_version()
            .await
            .map_err(|e| EngineError::Connect { endpoint: endpoint.label.clone(), message: describe(&e) })?;
        let jobs = ids.iter().map(|id| {
            let docker = &docker;
            let consume = consume.clone();
            async move { export_one(docker, id, idle, consume).await }
        });
        Ok(stream::iter(jobs).buffered(concurrency.max(1)).collect().await)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_reader_joins_chunks_and_reports_errors() {
        let (tx, rx) = mpsc::channel(4);
        tx.try_send(Ok(b"hel".to_vec())).unwrap();
        tx.try_send(Ok(Vec::new())).unwrap();
        tx.try_send(Ok(b"lo".to_vec())).unwrap();
        tx.try_send(Err("HTTP 500: boom".to_string())).unwrap();
        drop(tx);
        let mut r = ChannelReader { rx, chunk: Vec::new(), pos: 0 };
        let mut got = Vec::new();
        let err = r.read_to_end(&mut got).unwrap_err();
        assert_eq!(got, b"hello");
        assert_eq!(err.to_string(), "HTTP 500: boom");
        assert_eq!(r.read(&mut [0u8; 4]).unwrap(), 0, "end after the channel closes");
    }
}
