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
use crate::http::Secret;
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
    /// The shared key of the server's `<security>` section: the HELO/PING/PONG handshake
    /// authenticates both sides on each connection.
    #[serde(default)]
    pub shared_key: Option<Secret>,
    /// The client's name in the handshake; this machine's host name by default.
    #[serde(default)]
    pub self_hostname: Option<String>,
    /// User authentication of the handshake (`<user>` of the server's `<security>`).
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<Secret>,
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
            let mut stream = TcpStream::connect(&self.config.address).await?;
            stream.set_nodelay(true)?;
            if let Some(key) = &self.config.shared_key {
                let timeout = Duration::from_secs(self.config.ack_timeout_secs.max(1));
                tokio::time::timeout(timeout, handshake(&mut stream, &self.config, &key.0))
                    .await
                    .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no handshake in time"))??;
            }
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

/// Reads one `{"ack": id}` map.
async fn read_ack(stream: &mut TcpStream) -> std::io::Result<String> {
    let reply = read_value(stream).await?;
    let ack = reply.as_map().and_then(|map| map.iter().find(|(k, _)| k.as_str() == Some("ack"))).map(|(_, v)| v);
    match ack.and_then(|v| v.as_str()) {
        Some(ack) => Ok(ack.to_owned()),
        None => Err(protocol("not an ack")),
    }
}

fn protocol(message: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message.to_owned())
}

/// Reads one msgpack value from the server (at most 4 KiB: acks and handshake messages).
async fn read_value(stream: &mut TcpStream) -> std::io::Result<rmpv::Value> {
    let mut buffer = Vec::new();
    let mut piece = [0u8; 512];
    loop {
        let read = stream.read(&mut piece).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&piece[..read]);
        let mut cursor = &buffer[..];
        match rmpv::decode::read_value(&mut cursor) {
            Ok(value) => return Ok(value),
            Err(_) if buffer.len() <= 4096 => continue,
            Err(_) => return Err(protocol("an unreadable message from the server")),
        }
    }
}

/// A msgpack str or bin as bytes (servers send nonces and salts as either).
fn bytes_of(value: &rmpv::Value) -> Option<Vec<u8>> {
    match value {
        rmpv::Value::Binary(bytes) => Some(bytes.clone()),
        rmpv::Value::String(text) => Some(text.as_bytes().to_vec()),
        _ => None,
    }
}

fn sha512_hex(parts: &[&[u8]]) -> String {
    use sha2::Digest;
    let mut digest = sha2::Sha512::new();
    for part in parts {
        digest.update(part);
    }
    digest.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The shared-key handshake: HELO from the server, PING from us, PONG back, whose digest
/// proves the server knows the key too.
async fn handshake(stream: &mut TcpStream, config: &FluentConfig, key: &str) -> std::io::Result<()> {
    let helo = read_value(stream).await?;
    let helo = helo
        .as_array()
        .filter(|a| a.len() == 2 && a[0].as_str() == Some("HELO"))
        .ok_or_else(|| protocol("expected HELO"))?;
    let options = helo[1].as_map().ok_or_else(|| protocol("HELO without options"))?;
    let option = |name: &str| options.iter().find(|(k, _)| k.as_str() == Some(name)).and_then(|(_, v)| bytes_of(v));
    let nonce = option("nonce").ok_or_else(|| protocol("HELO without a nonce"))?;
    let auth_salt = option("auth").unwrap_or_default();
    let hostname = config.self_hostname.clone().unwrap_or_else(crate::syslog::local_hostname);
    let salt = chunk_salt();
    let digest = sha512_hex(&[salt.as_bytes(), hostname.as_bytes(), &nonce, key.as_bytes()]);
    let username = config.username.clone().unwrap_or_default();
    let password_digest = match (&config.username, &config.password) {
        (Some(user), Some(password)) => sha512_hex(&[&auth_salt, user.as_bytes(), password.0.as_bytes()]),
        _ => String::new(),
    };
    let mut ping = Vec::new();
    rmp::encode::write_array_len(&mut ping, 6).expect("writing to a Vec");
    for field in ["PING", &hostname, &salt, &digest, &username, &password_digest] {
        rmp::encode::write_str(&mut ping, field).expect("writing to a Vec");
    }
    stream.write_all(&ping).await?;
    let pong = read_value(stream).await?;
    let pong = pong
        .as_array()
        .filter(|a| a.len() == 5 && a[0].as_str() == Some("PONG"))
        .ok_or_else(|| protocol("expected PONG"))?;
    if pong[1].as_bool() != Some(true) {
        let reason = pong[2].as_str().unwrap_or("no reason given");
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("the server refused the handshake: {reason}"),
        ));
    }
    let server_hostname = bytes_of(&pong[3]).unwrap_or_default();
    let expected = sha512_hex(&[salt.as_bytes(), &server_hostname, &nonce, key.as_bytes()]);
    if pong[4].as_str() != Some(expected.as_str()) {
        return Err(protocol("the server's PONG digest is wrong (not the same shared key)"));
    }
    Ok(())
}

/// A fresh salt for PING: unique per connection (time, pid and a counter), not secret.
fn chunk_salt() -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().as_nanos();
    format!("{nanos:x}{:x}{n:x}", std::process::id())
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
