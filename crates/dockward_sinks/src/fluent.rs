//! Fluent forward protocol (v1): what Fluentd's `in_forward` and Fluent Bit's `forward`
//! input accept, default port 24224.
//!
//! Each batch is sent in Forward mode, one message per tag:
//! `[tag, [[EventTime, record], ...], {"chunk": id, "size": n}]`, with EventTime the
//! msgpack ext type 0 (seconds and nanoseconds, both big-endian u32) and the tag
//! `<tag>.<record kind>` (`dockward.watch.finding`). The `chunk` option asks the server for
//! `{"ack": id}`; a missing or wrong ack within `ack-timeout-secs` fails the batch, drops
//! the connection and the sink set sends it again (at least once: the server may see a
//! chunk twice, with the same records).

use std::time::{Duration, SystemTime};

use base64::Engine;
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::config::SpoolConfig;
use crate::{BoxFuture, Record, Sink, SinkError};

/// `type = "fluent-forward"`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FluentConfig {
    /// `host:port` of the Fluentd / Fluent Bit forward input.
    pub address: String,
    /// The tag prefix; the record's kind is appended (`dockward.watch.gap`). `dockward` by default.
    #[serde(default = "default_tag")]
    pub tag: String,
    /// Ask for acknowledgements (`chunk`); on by default.
    #[serde(default = "default_true")]
    pub ack: bool,
    /// Seconds to wait for an ack before sending the chunk again; 30 by default.
    #[serde(default = "default_ack_timeout")]
    pub ack_timeout_secs: u64,
    #[serde(default)]
    pub queue: Option<usize>,
    #[serde(default)]
    pub spool: Option<SpoolConfig>,
}

fn default_tag() -> String {
    "dockward".into()
}
fn default_true() -> bool {
    true
}
fn default_ack_timeout() -> u64 {
    30
}

pub(crate) struct FluentSink {
    name: String,
    config: FluentConfig,
    stream: Option<TcpStream>,
    /// Makes chunk ids unique within the process; the pid and clock make them unique across.
    sequence: u64,
}

impl FluentSink {
    pub(crate) fn new(config: &FluentConfig) -> FluentSink {
        FluentSink {
            name: format!("fluent-forward:{}", config.address),
            config: config.clone(),
            stream: None,
            sequence: 0,
        }
    }

    /// A base64 128-bit id, as the protocol asks for `chunk`.
    fn chunk_id(&mut self) -> String {
        self.sequence += 1;
        let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().as_nanos() as u64;
        let mut id = [0u8; 16];
        id[..8].copy_from_slice(&(nanos ^ (u64::from(std::process::id()) << 32)).to_be_bytes());
        id[8..].copy_from_slice(&self.sequence.to_be_bytes());
        base64::engine::general_purpose::STANDARD.encode(id)
    }

    async fn send(&mut self, message: &[u8], chunk: Option<&str>) -> std::io::Result<()> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(&self.config.address).await?;
            stream.set_nodelay(true)?;
            self.stream = Some(stream);
        }
        let stream = self.stream.as_mut().expect("connected above");
        stream.write_all(message).await?;
        let Some(chunk) = chunk else { return Ok(()) };
        let timeout = Duration::from_secs(self.config.ack_timeout_secs.max(1));
        let ack = tokio::time::timeout(timeout, read_ack(stream))
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no ack in time"))??;
        if ack != chunk {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "ack for another chunk"));
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct Ack {
    ack: String,
}

/// Reads one `{"ack": id}` map (at most 4 KiB).
async fn read_ack(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut buffer = Vec::new();
    let mut piece = [0u8; 512];
    loop {
        let read = stream.read(&mut piece).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&piece[..read]);
        if let Ok(ack) = rmp_serde::from_slice::<Ack>(&buffer) {
            return Ok(ack.ack);
        }
        if buffer.len() > 4096 {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "not an ack"));
        }
    }
}

/// EventTime: ext type 0 with seconds and nanoseconds as big-endian u32.
fn write_event_time(out: &mut Vec<u8>, time: SystemTime) {
    let since = time.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let seconds = u32::try_from(since.as_secs()).unwrap_or(u32::MAX);
    rmp::encode::write_ext_meta(out, 8, 0).expect("writing to a Vec");
    out.extend_from_slice(&seconds.to_be_bytes());
    out.extend_from_slice(&since.subsec_nanos().to_be_bytes());
}

/// One Forward-mode message for `entries` under `tag`.
pub(crate) fn forward_message(tag: &str, entries: &[&Record], chunk: Option<&str>) -> Vec<u8> {
    let mut out = Vec::new();
    rmp::encode::write_array_len(&mut out, if chunk.is_some() { 3 } else { 2 }).expect("writing to a Vec");
    rmp::encode::write_str(&mut out, tag).expect("writing to a Vec");
    rmp::encode::write_array_len(&mut out, entries.len() as u32).expect("writing to a Vec");
    for record in entries {
        rmp::encode::write_array_len(&mut out, 2).expect("writing to a Vec");
        write_event_time(&mut out, record.time);
        // The record's JSON object as a msgpack map; a record that is not JSON (never
        // produced by dockward) goes as {"message": text}.
        let value: serde_json::Value = serde_json::from_str(&record.json)
            .unwrap_or_else(|_| serde_json::json!({ "message": record.json.as_ref() }));
        rmp_serde::encode::write_named(&mut out, &value).expect("JSON values encode");
    }
    if let Some(chunk) = chunk {
        rmp::encode::write_map_len(&mut out, 2).expect("writing to a Vec");
        rmp::encode::write_str(&mut out, "chunk").expect("writing to a Vec");
        rmp::encode::write_str(&mut out, chunk).expect("writing to a Vec");
        rmp::encode::write_str(&mut out, "size").expect("writing to a Vec");
        rmp::encode::write_uint(&mut out, entries.len() as u64).expect("writing to a Vec");
    }
    out
}

impl Sink for FluentSink {
    fn name(&self) -> &str {
        &self.name
    }

    fn deliver<'a>(&'a mut self, batch: &'a [Record]) -> BoxFuture<'a, Result<(), SinkError>> {
        Box::pin(async move {
            // One message per tag, tags in order of first appearance.
            let mut groups: Vec<(String, Vec<&Record>)> = Vec::new();
            for record in batch {
                let tag = format!("{}.{}", self.config.tag, record.kind);
                match groups.iter_mut().find(|(t, _)| *t == tag) {
                    Some((_, entries)) => entries.push(record),
                    None => groups.push((tag, vec![record])),
                }
            }
            for (tag, entries) in groups {
                let chunk = self.config.ack.then(|| self.chunk_id());
                let message = forward_message(&tag, &entries, chunk.as_deref());
                if let Err(source) = self.send(&message, chunk.as_deref()).await {
                    self.stream = None;
                    return Err(SinkError::Io { sink: self.name.clone(), source });
                }
            }
            Ok(())
        })
    }

    fn close(&mut self) -> BoxFuture<'_, Result<(), SinkError>> {
        Box::pin(async move {
            if let Some(mut stream) = self.stream.take() {
                let _ = stream.shutdown().await;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RecordSeverity;

    #[test]
    fn event_time_is_ext_type_0_with_big_endian_seconds_and_nanoseconds() {
        let record = Record {
            json: "{\"a\":[1,\"x\"]}".into(),
            time: SystemTime::UNIX_EPOCH + Duration::new(0x0102_0304, 0x0506_0708),
            severity: RecordSeverity::Info,
            kind: "k".into(),
            host: None,
        };
        let message = forward_message("t.k", &[&record], None);
        // fixarray 2, fixstr "t.k", fixarray 1, fixarray 2, fixext8 type 0, sec, nsec, fixmap 1 ...
        assert_eq!(&message[..7], &[0x92, 0xa3, b't', b'.', b'k', 0x91, 0x92]);
        assert_eq!(&message[7..17], &[0xd7, 0x00, 1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(message[17], 0x81);
    }
}
