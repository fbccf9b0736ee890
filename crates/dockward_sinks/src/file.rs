//! JSON lines appended to a file, rotated by size.
//!
//! Rotation renames `path` to `path.1` (after `path.1` to `path.2` ... up to `keep`, the
//! oldest removed) when the next batch would take the file past `max-bytes`, then starts a
//! new `path`: the scheme logrotate and the log shippers (Filebeat, Vector, Fluent Bit,
//! promtail) follow by inode. A batch is never split over two files.

use std::path::PathBuf;

use tokio::io::AsyncWriteExt;

use crate::{BoxFuture, Record, Sink, SinkError};

pub(crate) struct FileSink {
    path: PathBuf,
    name: String,
    file: Option<tokio::fs::File>,
    /// Bytes in the current file.
    size: u64,
    max_bytes: Option<u64>,
    keep: u32,
}

impl FileSink {
    pub(crate) fn new(path: PathBuf) -> Self {
        let name = format!("file:{}", path.display());
        FileSink { path, name, file: None, size: 0, max_bytes: None, keep: 0 }
    }

    pub(crate) fn rotate(mut self, max_bytes: Option<u64>, keep: u32) -> Self {
        self.max_bytes = max_bytes;
        self.keep = keep;
        self
    }

    fn numbered(&self, n: u32) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push(format!(".{n}"));
        PathBuf::from(name)
    }

    async fn rotate_now(&mut self) -> std::io::Result<()> {
        self.file = None;
        if self.keep == 0 {
            return tokio::fs::remove_file(&self.path).await;
        }
        let _ = tokio::fs::remove_file(self.numbered(self.keep)).await;
        for n in (1..self.keep).rev() {
            match tokio::fs::rename(self.numbered(n), self.numbered(n + 1)).await {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error),
                _ => {}
            }
        }
        tokio::fs::rename(&self.path, self.numbered(1)).await
    }
}

impl Sink for FileSink {
    fn name(&self) -> &str {
        &self.name
    }

    fn deliver<'a>(&'a mut self, batch: &'a [Record]) -> BoxFuture<'a, Result<(), SinkError>> {
        Box::pin(async move {
            let name = self.name.clone();
            let io = |source| SinkError::Io { sink: name.clone(), source };
            let mut buffer = Vec::new();
            for record in batch {
                buffer.extend_from_slice(record.json.as_bytes());
                buffer.push(b'\n');
            }
            if self.file.is_none() {
                let file =
                    tokio::fs::OpenOptions::new().create(true).append(true).open(&self.path).await.map_err(io)?;
                self.size = file.metadata().await.map_err(io)?.len();
                self.file = Some(file);
            }
            if let Some(max) = self.max_bytes {
                if self.size > 0 && self.size + buffer.len() as u64 > max {
                    self.rotate_now().await.map_err(io)?;
                    let file =
                        tokio::fs::OpenOptions::new().create(true).append(true).open(&self.path).await.map_err(io)?;
                    self.size = 0;
                    self.file = Some(file);
                }
            }
            let file = self.file.as_mut().expect("opened above");
            let written = async {
                file.write_all(&buffer).await?;
                file.flush().await
            }
            .await;
            if let Err(error) = written {
                // Reopen next time: the file may have been moved or the disk filled.
                self.file = None;
                return Err(io(error));
            }
            self.size += buffer.len() as u64;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RecordSeverity;
    use std::time::SystemTime;

    fn batch(from: usize, to: usize) -> Vec<Record> {
        (from..to)
            .map(|n| Record {
                json: format!("{{\"n\":{n:03}}}").into(),
                time: SystemTime::UNIX_EPOCH,
                severity: RecordSeverity::Info,
                kind: "test".into(),
                host: None,
            })
            .collect()
    }

    fn lines(path: &std::path::Path) -> Vec<String> {
        std::fs::read_to_string(path).map(|text| text.lines().map(str::to_owned).collect()).unwrap_or_default()
    }

    #[tokio::test]
    async fn rotates_by_size_and_keeps_the_newest_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.jsonl");
        // Each record is 10 bytes with its newline: two per file at most 25 bytes.
        let mut sink = FileSink::new(path.clone()).rotate(Some(25), 2);
        for n in 0..4 {
            sink.deliver(&batch(2 * n, 2 * n + 2)).await.unwrap();
        }
        sink.deliver(&batch(8, 9)).await.unwrap();
        assert_eq!(lines(&path), ["{\"n\":008}"]);
        assert_eq!(lines(&dir.path().join("w.jsonl.1")), ["{\"n\":006}", "{\"n\":007}"]);
        assert_eq!(lines(&dir.path().join("w.jsonl.2")), ["{\"n\":004}", "{\"n\":005}"]);
        assert!(!dir.path().join("w.jsonl.3").exists());
        // A restarted sink continues the current file's size.
        let mut sink = FileSink::new(path.clone()).rotate(Some(25), 2);
        sink.deliver(&batch(9, 11)).await.unwrap();
        assert_eq!(lines(&path), ["{\"n\":009}", "{\"n\":010}"]);
        assert_eq!(lines(&dir.path().join("w.jsonl.1")), ["{\"n\":008}"]);
    }

    #[tokio::test]
    async fn a_batch_larger_than_the_limit_still_lands_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.jsonl");
        let mut sink = FileSink::new(path.clone()).rotate(Some(5), 0);
        sink.deliver(&batch(0, 3)).await.unwrap();
        sink.deliver(&batch(3, 4)).await.unwrap();
        assert_eq!(lines(&path), ["{\"n\":003}"]);
        assert!(!dir.path().join("w.jsonl.1").exists());
    }
}
