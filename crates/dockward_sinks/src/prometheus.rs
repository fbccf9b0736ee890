//! Prometheus: the process's [`Metrics`] served on `/metrics` (text exposition 0.0.4) from
//! a configured address, or written as a node_exporter textfile collector file.
//!
//! Both are sinks that take no records (the producers count into the shared `Metrics`);
//! they exist in the sink list so one `[[watch.sink]]` table configures them like the rest.
//! The textfile is written to a temporary file in the same directory and renamed over the
//! target, so node_exporter never reads half a file.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Bytes;
use hyper::{Method, Request, Response, StatusCode};
use serde::Deserialize;
use tokio::sync::Semaphore;

use crate::{BoxFuture, Metrics, Record, Sink, SinkError};

/// `type = "prometheus"`: a `/metrics` listener.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PrometheusConfig {
    /// `ip:port` to listen on, e.g. `127.0.0.1:9323` (keep it on loopback or a management
    /// network: the metrics name hosts and rules).
    pub listen: SocketAddr,
}

/// `type = "prometheus-textfile"`: a `*.prom` file for node_exporter's textfile collector.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct TextfileConfig {
    /// The file to write, ending in `.prom`, in node_exporter's
    /// `--collector.textfile.directory`.
    pub path: PathBuf,
    /// Seconds between writes; 15 by default. The file is also written at shutdown.
    #[serde(default = "default_interval")]
    pub interval_secs: u64,
}

fn default_interval() -> u64 {
    15
}

/// The content type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Connections served at once; more wait in the kernel's backlog.
const MAX_CONNECTIONS: usize = 32;

pub(crate) struct ListenerSink {
    name: String,
    task: tokio::task::JoinHandle<()>,
}

impl ListenerSink {
    /// Binds now (a taken or forbidden address is a configuration error at start) and
    /// serves in a task.
    pub(crate) fn start(config: &PrometheusConfig, metrics: Metrics) -> Result<ListenerSink, SinkError> {
        let name = format!("prometheus:{}", config.listen);
        let io = |source| SinkError::Io { sink: name.clone(), source };
        let listener = std::net::TcpListener::bind(config.listen).map_err(io)?;
        listener.set_nonblocking(true).map_err(io)?;
        let listener = tokio::net::TcpListener::from_std(listener).map_err(io)?;
        let task = tokio::spawn(serve(listener, metrics));
        Ok(ListenerSink { name, task })
    }
}

/// Serves `GET /metrics` on `listener` until the task is aborted (for a caller that binds
/// its own listener; the `prometheus` sink calls it too).
pub async fn serve(listener: tokio::net::TcpListener, metrics: Metrics) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = slots.clone().acquire_owned().await else { return };
        let Ok((stream, _)) = listener.accept().await else {
            // EMFILE and the like: wait instead of spinning.
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let metrics = metrics.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let response = respond(&request, &metrics);
                async move { Ok::<_, std::convert::Infallible>(response) }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(Duration::from_secs(10))
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            let _ = tokio::time::timeout(Duration::from_secs(60), connection).await;
            drop(permit);
        });
    }
}

fn respond<B>(request: &Request<B>, metrics: &Metrics) -> Response<http_body_util::Full<Bytes>> {
    let (status, content_type, body) = match (request.method(), request.uri().path()) {
        (&Method::GET | &Method::HEAD, "/metrics") => (StatusCode::OK, CONTENT_TYPE, metrics.render()),
        (_, "/metrics") => (StatusCode::METHOD_NOT_ALLOWED, "text/plain", "GET /metrics\n".to_owned()),
        _ => (StatusCode::NOT_FOUND, "text/plain", "dockward serves /metrics\n".to_owned()),
    };
    let mut response = Response::new(http_body_util::Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static(content_type));
    response
}

impl Sink for ListenerSink {
    fn name(&self) -> &str {
        &self.name
    }

    fn deliver<'a>(&'a mut self, _batch: &'a [Record]) -> BoxFuture<'a, Result<(), SinkError>> {
        Box::pin(async { Ok(()) })
    }

    fn close(&mut self) -> BoxFuture<'_, Result<(), SinkError>> {
        self.task.abort();
        Box::pin(async { Ok(()) })
    }
}

pub(crate) struct TextfileSink {
    name: String,
    path: PathBuf,
    metrics: Metrics,
    task: tokio::task::JoinHandle<()>,
}

impl TextfileSink {
    pub(crate) fn start(config: &TextfileConfig, metrics: Metrics) -> Result<TextfileSink, SinkError> {
        let name = format!("prometheus-textfile:{}", config.path.display());
        if config.path.file_name().is_none() || config.path.extension().is_none_or(|ext| ext != "prom") {
            return Err(SinkError::Config {
                sink: name,
                message: "node_exporter reads only files ending in `.prom`".into(),
            });
        }
        let interval = Duration::from_secs(config.interval_secs.max(1));
        let (path, task_metrics, task_name) = (config.path.clone(), metrics.clone(), name.clone());
        let task = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(interval);
            loop {
                ticks.tick().await;
                if let Err(error) = write_atomically(&path, &task_metrics.render()).await {
                    eprintln!("dockward: sink {task_name}: {error}");
                }
            }
        });
        Ok(TextfileSink { name, path: config.path.clone(), metrics, task })
    }
}

/// Writes `text` to a temporary file beside `path` and renames it over `path`.
pub(crate) async fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let mut temp = path.as_os_str().to_owned();
    // node_exporter ignores names not ending in `.prom`: the temp file is never read.
    temp.push(format!(".{}.tmp", std::process::id()));
    let temp = PathBuf::from(temp);
    tokio::fs::write(&temp, text).await?;
    if let Err(error) = tokio::fs::rename(&temp, path).await {
        let _ = tokio::fs::remove_file(&temp).await;
        return Err(error);
    }
    Ok(())
}

impl Sink for TextfileSink {
    fn name(&self) -> &str {
        &self.name
    }

    fn deliver<'a>(&'a mut self, _batch: &'a [Record]) -> BoxFuture<'a, Result<(), SinkError>> {
        Box::pin(async { Ok(()) })
    }

    fn close(&mut self) -> BoxFuture<'_, Result<(), SinkError>> {
        self.task.abort();
        Box::pin(async move {
            write_atomically(&self.path, &self.metrics.render())
                .await
                .map_err(|source| SinkError::Io { sink: self.name.clone(), source })
        })
    }
}
