//! A sink's on-disk spool: batches it could not deliver, delivered first (oldest first)
//! once the sink works again, also after a restart of the process.
//!
//! The data file holds one JSON line per record; a sidecar `<path>.offset` holds how many
//! bytes of it are delivered. The offset is written after the sink accepted a batch, so a
//! crash in between delivers that batch again (at least once). The data file never grows
//! past `max-bytes`: the delivered prefix is compacted away first, then records that still
//! do not fit are dropped and counted.

use std::io::SeekFrom;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncSeekExt, AsyncWriteExt};

use crate::config::SpoolConfig;
use crate::{Record, RecordSeverity};

pub(crate) struct Spool {
    path: PathBuf,
    offset_path: PathBuf,
    max_bytes: u64,
    /// Length of the data file.
    size: u64,
    /// Bytes of the data file already delivered.
    offset: u64,
    /// Records not yet delivered.
    records: u64,
}

/// One record on disk.
#[derive(Serialize, Deserialize)]
struct Line {
    /// Seconds and nanoseconds since the epoch.
    t: (u64, u32),
    s: u8,
    k: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    h: Option<String>,
    /// The record's JSON, as a string.
    r: String,
}

fn severity_byte(severity: RecordSeverity) -> u8 {
    match severity {
        RecordSeverity::Info => 0,
        RecordSeverity::Notice => 1,
        RecordSeverity::Warning => 2,
        RecordSeverity::Error => 3,
    }
}

fn severity_of(byte: u8) -> RecordSeverity {
    match byte {
        0 => RecordSeverity::Info,
        1 => RecordSeverity::Notice,
        2 => RecordSeverity::Warning,
        _ => RecordSeverity::Error,
    }
}

fn encode(record: &Record) -> Vec<u8> {
    let since = record.time.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let line = Line {
        t: (since.as_secs(), since.subsec_nanos()),
        s: severity_byte(record.severity),
        k: record.kind.to_string(),
        h: record.host.as_deref().map(str::to_owned),
        r: record.json.to_string(),
    };
    let mut bytes = serde_json::to_vec(&line).expect("plain data serialises");
    bytes.push(b'\n');
    bytes
}

fn decode(line: &str) -> Option<Record> {
    let line: Line = serde_json::from_str(line).ok()?;
    Some(Record {
        json: line.r.into(),
        time: SystemTime::UNIX_EPOCH + Duration::new(line.t.0, line.t.1.min(999_999_999)),
        severity: severity_of(line.s),
        kind: line.k.into(),
        host: line.h.map(Into::into),
    })
}

impl Spool {
    /// Opens (or creates) the spool at start. A last line cut by a crash is discarded.
    pub(crate) fn open(config: &SpoolConfig) -> std::io::Result<Spool> {
        let path = config.path.clone();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let mut offset_path = path.clone().into_os_string();
        offset_path.push(".offset");
        let offset_path = PathBuf::from(offset_path);
        let data = match std::fs::read(&path) {
            Ok(data) => data,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(error) => return Err(error),
        };
        let whole = data.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        if whole < data.len() {
            std::fs::OpenOptions::new().write(true).open(&path)?.set_len(whole as u64)?;
        }
        let offset = std::fs::read_to_string(&offset_path)
            .ok()
            .and_then(|text| text.trim().parse::<u64>().ok())
            .filter(|offset| *offset <= whole as u64 && (*offset == 0 || data[*offset as usize - 1] == b'\n'))
            .unwrap_or(0);
        let records = data[offset as usize..whole].iter().filter(|b| **b == b'\n').count() as u64;
        Ok(Spool { path, offset_path, max_bytes: config.max_bytes, size: whole as u64, offset, records })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.records == 0
    }

    /// Records waiting on disk.
    pub(crate) fn records(&self) -> u64 {
        self.records
    }

    /// Appends the batch; returns how many records did not fit and were dropped.
    pub(crate) async fn append(&mut self, batch: &[Record]) -> std::io::Result<u64> {
        let lines: Vec<Vec<u8>> = batch.iter().map(encode).collect();
        let needed: u64 = lines.iter().map(|line| line.len() as u64).sum();
        if self.size + needed > self.max_bytes && self.offset > 0 {
            self.compact().await?;
        }
        let mut buffer = Vec::new();
        let mut dropped = 0;
        for line in lines {
            if self.size + (buffer.len() + line.len()) as u64 > self.max_bytes {
                dropped += 1;
            } else {
                buffer.extend_from_slice(&line);
            }
        }
        if !buffer.is_empty() {
            let mut file = tokio::fs::OpenOptions::new().create(true).append(true).open(&self.path).await?;
            file.write_all(&buffer).await?;
            file.sync_data().await?;
            self.size += buffer.len() as u64;
            self.records += batch.len() as u64 - dropped;
        }
        Ok(dropped)
    }

    /// Up to `max` of the oldest undelivered records, and the offset after them (for
    /// [`Spool::consume`]). Lines that do not decode are skipped.
    pub(crate) async fn read(&self, max: usize) -> std::io::Result<(Vec<Record>, u64, u64)> {
        let mut file = tokio::fs::File::open(&self.path).await?;
        file.seek(SeekFrom::Start(self.offset)).await?;
        let mut reader = tokio::io::BufReader::new(file);
        let (mut records, mut end, mut lines) = (Vec::new(), self.offset, 0);
        let mut line = String::new();
        while records.len() < max && end < self.size {
            line.clear();
            let read = reader.read_line(&mut line).await?;
            if read == 0 {
                break;
            }
            end += read as u64;
            lines += 1;
            if let Some(record) = decode(line.trim_end()) {
                records.push(record);
            }
        }
        Ok((records, end, lines))
    }

    /// Marks everything before `end` (`lines` records) delivered.
    pub(crate) async fn consume(&mut self, end: u64, lines: u64) -> std::io::Result<()> {
        self.offset = end;
        self.records = self.records.saturating_sub(lines);
        if self.offset >= self.size {
            tokio::fs::OpenOptions::new().write(true).open(&self.path).await?.set_len(0).await?;
            (self.size, self.offset, self.records) = (0, 0, 0);
        }
        self.write_offset().await
    }

    async fn write_offset(&self) -> std::io::Result<()> {
        let mut temp = self.offset_path.clone().into_os_string();
        temp.push(".tmp");
        tokio::fs::write(&temp, self.offset.to_string()).await?;
        tokio::fs::rename(&temp, &self.offset_path).await
    }

    /// Drops the delivered prefix from the data file.
    async fn compact(&mut self) -> std::io::Result<()> {
        let data = tokio::fs::read(&self.path).await?;
        let rest = &data[(self.offset as usize).min(data.len())..];
        let mut temp = self.path.clone().into_os_string();
        temp.push(".tmp");
        tokio::fs::write(&temp, rest).await?;
        tokio::fs::rename(&temp, &self.path).await?;
        (self.size, self.offset) = (rest.len() as u64, 0);
        self.write_offset().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: usize) -> Record {
        Record {
            json: format!("{{\"n\":{n}}}").into(),
            time: SystemTime::UNIX_EPOCH + Duration::new(n as u64, 7),
            severity: RecordSeverity::Warning,
            kind: "watch.finding".into(),
            host: Some("build-1".into()),
        }
    }

    fn ns(records: &[Record]) -> Vec<String> {
        records.iter().map(|r| r.json.to_string()).collect()
    }

    #[tokio::test]
    async fn survives_a_reopen_and_resumes_after_the_delivered_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let config = SpoolConfig { path: dir.path().join("s/spool.jsonl"), max_bytes: 1 << 20 };
        let mut spool = Spool::open(&config).unwrap();
        assert_eq!(spool.append(&(0..5).map(record).collect::<Vec<_>>()).await.unwrap(), 0);
        let (first, end, lines) = spool.read(2).await.unwrap();
        assert_eq!(ns(&first), ["{\"n\":0}", "{\"n\":1}"]);
        assert_eq!(
            (first[0].host.as_deref(), first[0].time, first[0].severity),
            (Some("build-1"), record(0).time, RecordSeverity::Warning)
        );
        spool.consume(end, lines).await.unwrap();
        drop(spool);
        // A crash mid-append leaves a cut line: it is discarded on open.
        std::io::Write::write_all(
            &mut std::fs::OpenOptions::new().append(true).open(&config.path).unwrap(),
            b"{\"t\":[1,",
        )
        .unwrap();
        let mut spool = Spool::open(&config).unwrap();
        assert_eq!(spool.records(), 3);
        let (rest, end, lines) = spool.read(10).await.unwrap();
        assert_eq!(ns(&rest), ["{\"n\":2}", "{\"n\":3}", "{\"n\":4}"]);
        spool.consume(end, lines).await.unwrap();
        assert!(spool.is_empty());
        assert_eq!(std::fs::metadata(&config.path).unwrap().len(), 0);
    }

    #[tokio::test]
    async fn stays_within_max_bytes_compacting_first_and_counting_drops() {
        let dir = tempfile::tempdir().unwrap();
        let line = encode(&record(0)).len() as u64;
        let config = SpoolConfig { path: dir.path().join("spool.jsonl"), max_bytes: line * 3 + 5 };
        let mut spool = Spool::open(&config).unwrap();
        assert_eq!(spool.append(&(0..4).map(record).collect::<Vec<_>>()).await.unwrap(), 1);
        let (_, end, lines) = spool.read(2).await.unwrap();
        spool.consume(end, lines).await.unwrap();
        // Two delivered records' room is reclaimed by compaction.
        assert_eq!(spool.append(&(4..7).map(record).collect::<Vec<_>>()).await.unwrap(), 1);
        assert!(std::fs::metadata(&config.path).unwrap().len() <= config.max_bytes);
        let (rest, _, _) = spool.read(10).await.unwrap();
        assert_eq!(ns(&rest), ["{\"n\":2}", "{\"n\":4}", "{\"n\":5}"]);
    }
}
