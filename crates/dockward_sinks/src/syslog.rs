//! Syslog: RFC 5424 messages over UDP (RFC 5426), TCP with octet counting (RFC 6587) or
//! TLS (RFC 5425), with an `@cee:` JSON payload that rsyslog's mmjsonparse and
//! syslog-ng's json-parser turn back into fields.
//!
//! The formatter is written here (a few tens of lines) because the syslog crates of the
//! field are abandoned (`syslog`, `syslog_rfc5424`, `slog-syslog`: no release for years,
//! no TLS, no octet counting) and the format is small and fully specified.
//!
//! Delivery: TCP and TLS are acknowledged only by the transport (syslog has no application
//! ack), so a record written into a connection the peer then closes can be lost; a failed
//! write drops the connection, fails the batch (the sink set retries it, or spools it) and
//! the next delivery reconnects. UDP is fire and forget.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

use crate::config::SpoolConfig;
use crate::{BoxFuture, Metrics, Record, RecordSeverity, Sink, SinkError};

/// `type = "syslog"`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SyslogConfig {
    /// `host:port` of the collector.
    pub address: String,
    /// `udp`, `tcp` (octet counting, the default) or `tls`.
    #[serde(default)]
    pub transport: SyslogTransport,
    /// The facility name (`daemon`, `auth`, `local0` ... `local7`); `daemon` by default.
    #[serde(default = "default_facility")]
    pub facility: String,
    /// APP-NAME; `dockward` by default.
    #[serde(default = "default_app_name")]
    pub app_name: String,
    /// HOSTNAME; this machine's host name by default.
    #[serde(default)]
    pub hostname: Option<String>,
    /// An SD-ID such as `dockward@32473` (an IANA enterprise number is needed; 32473 is
    /// RFC 5612's example): when set, each message carries `[<sd-id> kind=".." host=".."]`.
    #[serde(default)]
    pub sd_id: Option<String>,
    /// The largest UDP datagram (bytes); longer messages are truncated as RFC 5426 allows.
    /// 8192 by default (rsyslog's and syslog-ng's default maximum message size).
    #[serde(default = "default_max_datagram")]
    pub max_datagram: usize,
    /// TLS: PEM file of the CA(s) to trust instead of the system's roots.
    #[serde(default)]
    pub ca: Option<PathBuf>,
    /// TLS: the name to verify the server's certificate against (the address's host by default).
    #[serde(default)]
    pub server_name: Option<String>,
    /// TLS client authentication: PEM certificate chain and key.
    #[serde(default)]
    pub cert: Option<PathBuf>,
    #[serde(default)]
    pub key: Option<PathBuf>,
    #[serde(default)]
    pub queue: Option<usize>,
    #[serde(default)]
    pub spool: Option<SpoolConfig>,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SyslogTransport {
    Udp,
    #[default]
    Tcp,
    Tls,
}

fn default_facility() -> String {
    "daemon".into()
}
fn default_app_name() -> String {
    "dockward".into()
}
fn default_max_datagram() -> usize {
    8192
}

/// RFC 5424's facility codes by name.
fn facility_code(name: &str) -> Option<u8> {
    const NAMES: [&str; 24] = [
        "kern",
        "user",
        "mail",
        "daemon",
        "auth",
        "syslog",
        "lpr",
        "news",
        "uucp",
        "cron",
        "authpriv",
        "ftp",
        "ntp",
        "security",
        "console",
        "solaris-cron",
        "local0",
        "local1",
        "local2",
        "local3",
        "local4",
        "local5",
        "local6",
        "local7",
    ];
    NAMES.iter().position(|n| *n == name).map(|i| i as u8)
}

fn severity_code(severity: RecordSeverity) -> u8 {
    match severity {
        RecordSeverity::Error => 3,
        RecordSeverity::Warning => 4,
        RecordSeverity::Notice => 5,
        RecordSeverity::Info => 6,
    }
}

/// The header fields that do not change from one message to the next.
#[derive(Clone, Debug)]
pub(crate) struct Header {
    facility: u8,
    hostname: String,
    app_name: String,
    procid: String,
    sd_id: Option<String>,
}

/// A header field: printable US-ASCII without spaces, at most `max` bytes, `-` when empty.
fn header_field(value: &str, max: usize) -> String {
    let field: String = value.chars().map(|c| if c.is_ascii_graphic() { c } else { '_' }).take(max).collect();
    if field.is_empty() {
        "-".into()
    } else {
        field
    }
}

/// An SD-PARAM value: `"`, `\` and `]` are escaped (RFC 5424 §6.3.3).
fn sd_value(value: &str, out: &mut String) {
    for c in value.chars() {
        if matches!(c, '"' | '\\' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
}

impl Header {
    pub(crate) fn new(facility: u8, hostname: &str, app_name: &str, sd_id: Option<&str>) -> Header {
        Header {
            facility,
            hostname: header_field(hostname, 255),
            app_name: header_field(app_name, 48),
            procid: std::process::id().to_string(),
            sd_id: sd_id.map(|id| header_field(&id.replace(['=', ']', '"'], "_"), 32)),
        }
    }

    /// `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG` with MSG `@cee:{json}`.
    pub(crate) fn format(&self, record: &Record) -> String {
        let pri = self.facility * 8 + severity_code(record.severity);
        let time = chrono::DateTime::<chrono::Utc>::from(record.time.max(SystemTime::UNIX_EPOCH));
        let mut line = format!(
            "<{pri}>1 {} {} {} {} {} ",
            time.format("%Y-%m-%dT%H:%M:%S%.6fZ"),
            self.hostname,
            self.app_name,
            self.procid,
            header_field(&record.kind, 32),
        );
        match &self.sd_id {
            Some(id) => {
                line.push('[');
                line.push_str(id);
                line.push_str(" kind=\"");
                sd_value(&record.kind, &mut line);
                line.push('"');
                if let Some(host) = &record.host {
                    line.push_str(" host=\"");
                    sd_value(host, &mut line);
                    line.push('"');
                }
                line.push(']');
            }
            None => line.push('-'),
        }
        line.push_str(" @cee:");
        line.push_str(&record.json);
        line
    }
}

/// This machine's host name, as the kernel knows it.
pub(crate) fn local_hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_owned())
        .ok()
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "-".into())
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// True when the peer has closed the connection (or sent data, which a syslog receiver
/// never does: then it is an error on its way). Polls one read without waiting; through
/// TLS the read goes through rustls, so a post-handshake message (a TLS 1.3 session
/// ticket) is consumed there and does not count as data.
fn peer_closed<S: Stream + ?Sized>(stream: &mut S) -> bool {
    let mut byte = [0u8; 1];
    let mut buffer = tokio::io::ReadBuf::new(&mut byte);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    std::pin::Pin::new(stream).poll_read(&mut context, &mut buffer).is_ready()
}

pub(crate) struct SyslogSink {
    name: String,
    config: SyslogConfig,
    header: Header,
    tls: Option<(Arc<rustls::ClientConfig>, rustls::pki_types::ServerName<'static>)>,
    stream: Option<Box<dyn Stream>>,
    udp: Option<UdpSocket>,
    metrics: Metrics,
    buffer: Vec<u8>,
}

impl SyslogSink {
    pub(crate) fn new(config: &SyslogConfig, metrics: Metrics) -> Result<SyslogSink, SinkError> {
        let transport = match config.transport {
            SyslogTransport::Udp => "udp",
            SyslogTransport::Tcp => "tcp",
            SyslogTransport::Tls => "tls",
        };
        let name = format!("syslog:{transport}://{}", config.address);
        let error = |message: String| SinkError::Config { sink: name.clone(), message };
        let facility =
            facility_code(&config.facility).ok_or_else(|| error(format!("unknown facility `{}`", config.facility)))?;
        if !(480..=65_507).contains(&config.max_datagram) {
            return Err(error(format!(
                "`max-datagram` is between 480 (RFC 5426's minimum) and 65507 (UDP's maximum), not {}",
                config.max_datagram
            )));
        }
        let port = config.address.rsplit_once(':').map(|(_, port)| port);
        if host_of(&config.address).is_empty() || port.and_then(|port| port.parse::<u16>().ok()).is_none() {
            return Err(error(format!("`address` is `host:port`, not `{}`", config.address)));
        }
        let hostname = config.hostname.clone().unwrap_or_else(local_hostname);
        let header = Header::new(facility, &hostname, &config.app_name, config.sd_id.as_deref());
        let tls = match config.transport {
            SyslogTransport::Tls => {
                let server_name = match &config.server_name {
                    Some(name) => name.clone(),
                    None => host_of(&config.address).to_owned(),
                };
                let server_name = rustls::pki_types::ServerName::try_from(server_name)
                    .map_err(|e| error(format!("server name: {e}")))?;
                let client =
                    crate::tls::client_config(config.ca.as_deref(), config.cert.as_deref(), config.key.as_deref())
                        .map_err(error)?;
                Some((client, server_name))
            }
            _ => None,
        };
        Ok(SyslogSink {
            name,
            config: config.clone(),
            header,
            tls,
            stream: None,
            udp: None,
            metrics,
            buffer: Vec::new(),
        })
    }

    async fn connect(&mut self) -> Result<Box<dyn Stream>, SinkError> {
        let io = |source| SinkError::Io { sink: self.name.clone(), source };
        let tcp = TcpStream::connect(&self.config.address).await.map_err(io)?;
        tcp.set_nodelay(true).map_err(io)?;
        match &self.tls {
            None => Ok(Box::new(tcp)),
            Some((client, server_name)) => {
                let connector = tokio_rustls::TlsConnector::from(client.clone());
                let stream = connector.connect(server_name.clone(), tcp).await.map_err(io)?;
                Ok(Box::new(stream))
            }
        }
    }

    async fn deliver_udp(&mut self, batch: &[Record]) -> Result<(), SinkError> {
        let io = |source| SinkError::Io { sink: self.name.clone(), source };
        if self.udp.is_none() {
            let bind = if self.config.address.starts_with('[') { "[::]:0" } else { "0.0.0.0:0" };
            let socket = UdpSocket::bind(bind).await.map_err(io)?;
            socket.connect(&self.config.address).await.map_err(io)?;
            self.udp = Some(socket);
        }
        let socket = self.udp.as_ref().expect("bound above");
        let mut truncated = 0;
        for record in batch {
            let message = self.header.format(record);
            let mut end = message.len().min(self.config.max_datagram);
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            if end < message.len() {
                truncated += 1;
            }
            if let Err(source) = socket.send(&message.as_bytes()[..end]).await {
                self.udp = None;
                return Err(SinkError::Io { sink: self.name.clone(), source });
            }
        }
        if truncated > 0 {
            self.metrics.truncated(&self.name, truncated);
        }
        Ok(())
    }

    async fn deliver_stream(&mut self, batch: &[Record]) -> Result<(), SinkError> {
        if let Some(stream) = self.stream.as_mut() {
            if peer_closed(stream.as_mut()) {
                self.stream = None;
            }
        }
        if self.stream.is_none() {
            self.stream = Some(self.connect().await?);
        }
        // RFC 6587 octet counting: `MSG-LEN SP SYSLOG-MSG`, so a message may hold newlines.
        self.buffer.clear();
        for record in batch {
            let message = self.header.format(record);
            self.buffer.extend_from_slice(message.len().to_string().as_bytes());
            self.buffer.push(b' ');
            self.buffer.extend_from_slice(message.as_bytes());
        }
        let stream = self.stream.as_mut().expect("connected above");
        let written = async {
            stream.write_all(&self.buffer).await?;
            stream.flush().await
        }
        .await;
        if let Err(source) = written {
            self.stream = None;
            return Err(SinkError::Io { sink: self.name.clone(), source });
        }
        Ok(())
    }
}

/// The host part of `host:port` or `[v6]:port`.
fn host_of(address: &str) -> &str {
    if let Some(rest) = address.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    address.rsplit_once(':').map_or(address, |(host, _)| host)
}

impl Sink for SyslogSink {
    fn name(&self) -> &str {
        &self.name
    }

    fn deliver<'a>(&'a mut self, batch: &'a [Record]) -> BoxFuture<'a, Result<(), SinkError>> {
        Box::pin(async move {
            match self.config.transport {
                SyslogTransport::Udp => self.deliver_udp(batch).await,
                SyslogTransport::Tcp | SyslogTransport::Tls => self.deliver_stream(batch).await,
            }
        })
    }

    fn close(&mut self) -> BoxFuture<'_, Result<(), SinkError>> {
        Box::pin(async move {
            if let Some(mut stream) = self.stream.take() {
                // TLS sends close_notify; TCP half-closes so the receiver sees the end.
                let _ = stream.shutdown().await;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn record(kind: &str, host: Option<&str>, json: &str) -> Record {
        Record {
            json: json.into(),
            time: SystemTime::UNIX_EPOCH + Duration::new(1_796_359_571, 571_436_878),
            severity: RecordSeverity::Error,
            kind: kind.into(),
            host: host.map(Into::into),
        }
    }

    #[test]
    fn formats_rfc5424_with_a_cee_payload() {
        let header = Header::new(facility_code("local0").unwrap(), "build 1", "dockward", None);
        let line = header.format(&record("watch.finding", None, "{\"a\":1}"));
        let pid = std::process::id();
        assert_eq!(
            line,
            format!("<131>1 2026-12-04T04:46:11.571436Z build_1 dockward {pid} watch.finding - @cee:{{\"a\":1}}")
        );
    }

    #[test]
    fn escapes_structured_data_and_bounds_header_fields() {
        let header = Header::new(3, "h", "dockward", Some("dockward@32473"));
        let kind = "k".repeat(40);
        let line = header.format(&record(&kind, Some("a\"b]c\\"), "{}"));
        assert!(
            line.contains(&format!(
                " {} [dockward@32473 kind=\"{kind}\" host=\"a\\\"b\\]c\\\\\"] @cee:{{}}",
                "k".repeat(32)
            )),
            "{line}"
        );
        assert!(line.starts_with("<27>1 "));
    }

    #[test]
    fn rejects_an_unknown_facility() {
        let config: SyslogConfig = toml::from_str("address = \"127.0.0.1:514\"\nfacility = \"local9\"").unwrap();
        let error = SyslogSink::new(&config, Metrics::new()).err().unwrap().to_string();
        assert!(error.contains("unknown facility `local9`"), "{error}");
    }

    #[test]
    fn rejects_a_bad_address_and_datagram_size() {
        for (text, expected) in [
            ("address = \"logs\"", "`address` is `host:port`, not `logs`"),
            ("address = \":514\"", "`address` is `host:port`"),
            ("address = \"h:514\"\nmax-datagram = 70000", "not 70000"),
        ] {
            let config: SyslogConfig = toml::from_str(text).unwrap();
            let error = SyslogSink::new(&config, Metrics::new()).err().unwrap().to_string();
            assert!(error.contains(expected), "{error}");
        }
        let config: SyslogConfig = toml::from_str("address = \"[::1]:514\"").unwrap();
        assert!(SyslogSink::new(&config, Metrics::new()).is_ok());
    }

    #[test]
    fn host_of_handles_v6() {
        assert_eq!(host_of("[::1]:6514"), "::1");
        assert_eq!(host_of("logs.example:6514"), "logs.example");
    }
}
