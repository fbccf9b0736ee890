//! The engine's event stream (`GET /events`) and the reads `dockward watch` makes when an
//! event names an object: one container inspected and normalised, or the whole engine
//! read again (a resync). GET requests only, like the rest of this crate.
//!
//! The daemon keeps its last 256 events in memory (lost on restart) and skips a
//! subscriber that does not take an event within 100 ms; the caller drains the stream
//! into its own queue (docs/watch.md).

use std::collections::{BTreeMap, HashMap};

use bollard::models::{EventMessage, SystemInfo};
use bollard::query_parameters::EventsOptions;
use bollard::Docker;
use futures_util::stream::{Stream, StreamExt};

use dockward_spec::{ContainerSpec, EngineInfo, ImageView};

use crate::read::{describe, RawImage};
use crate::{connect, local, normalise, Endpoint, EngineError, HostSnapshot, LocalConfig, ReadOptions};

/// One event, as the daemon sent it (minus the deprecated `status`, `id`, `from`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineEvent {
    /// `container`, `image`, `network`, `volume`, `daemon`, `service`, ...
    pub kind: String,
    pub action: String,
    pub actor_id: String,
    /// The actor's attributes: a container's `name`, `image` and every label.
    pub attributes: BTreeMap<String, String>,
    /// `local` or `swarm`.
    pub scope: String,
    /// Nanoseconds since the Unix epoch (`timeNano`).
    pub time_nano: i64,
}

impl EngineEvent {
    /// What tells two events apart: time, type, action and actor. Two events of one
    /// nanosecond with the same key are the same event (replays after `since`).
    pub fn key(&self) -> String {
        format!("{}:{}:{}:{}", self.time_nano, self.kind, self.action, self.actor_id)
    }

    /// `exec_start: sh -c ...` carries the command line after the colon; the action
    /// proper is before it.
    pub fn base_action(&self) -> &str {
        self.action.split_once(':').map_or(self.action.as_str(), |(a, _)| a.trim())
    }

    fn from_message(m: EventMessage) -> Self {
        let actor = m.actor.unwrap_or_default();
        let time_nano = m.time_nano.or(m.time.map(|s| s.saturating_mul(1_000_000_000))).unwrap_or(0);
        Self {
            kind: m.typ.map(|t| t.to_string()).unwrap_or_default(),
            action: m.action.unwrap_or_default(),
            actor_id: actor.id.unwrap_or_default(),
            attributes: actor.attributes.unwrap_or_default().into_iter().collect(),
            scope: m.scope.map(|s| s.to_string()).unwrap_or_default(),
            time_nano,
        }
    }
}

/// `seconds.nanoseconds`, the form `since` and `until` take with nanosecond precision.
pub fn api_time(time_nano: i64) -> String {
    format!("{}.{:09}", time_nano.div_euclid(1_000_000_000), time_nano.rem_euclid(1_000_000_000))
}

/// A client that answered `/_ping`, talking the daemon's API version.
pub async fn open(endpoint: &Endpoint, timeout_secs: u64) -> Result<Docker, EngineError> {
    let docker = connect::connect(endpoint, timeout_secs)?;
    let unreachable =
        |e: bollard::errors::Error| EngineError::Connect { endpoint: endpoint.label.clone(), message: describe(&e) };
    docker.ping().await.map_err(unreachable)?;
    docker.negotiate_version().await.map_err(unreachable)
}

/// The events from `since` (inclusive), and then live ones; with `until`, the stream
/// ends there (a bounded replay from the daemon's ring).
pub fn subscribe(
    docker: &Docker,
    since: Option<i64>,
    until: Option<i64>,
) -> impl Stream<Item = Result<EngineEvent, String>> + Send + Unpin + 'static {
    let options = EventsOptions { since: since.map(api_time), until: until.map(api_time), filters: None };
    docker.events(Some(options)).map(|r| r.map(EngineEvent::from_message).map_err(|e| describe(&e)))
}

/// Who the engine is: its `/info` ID and the clock it reports (nanoseconds), to tell a
/// restarted or replaced daemon from the one watched before.
pub async fn identity(docker: &Docker) -> Result<(SystemInfo, i64), String> {
    let info = docker.info().await.map_err(|e| describe(&e))?;
    let now = info.system_time.as_deref().and_then(parse_rfc3339_nanos).unwrap_or(0);
    Ok((info, now))
}

/// `2026-12-04T04:46:11.571436878Z` (or with an offset) as nanoseconds since the epoch.
pub fn parse_rfc3339_nanos(s: &str) -> Option<i64> {
    let secs = normalise::parse_rfc3339_seconds(s)?;
    let frac = s.find('.').map_or(0, |dot| {
        let digits: String = s[dot + 1..].chars().take_while(char::is_ascii_digit).take(9).collect();
        format!("{digits:0<9}").parse::<i64>().unwrap_or(0)
    });
    Some(secs.saturating_mul(1_000_000_000).saturating_add(frac))
}

/// The whole engine read and normalised, as `read_endpoints` does for `audit`, over an
/// open client (a resync).
pub async fn read_snapshot(
    docker: Docker,
    endpoint: &Endpoint,
    options: &ReadOptions,
    read_local_config: bool,
) -> Result<HostSnapshot, EngineError> {
    let (_docker, raw) = crate::read::read_host(docker, &endpoint.label, options).await?;
    let local = match local::local_address(&endpoint.host) {
        Some(address) if read_local_config => local::dockerd_serving(&address).map(LocalConfig::read),
        _ => None,
    };
    Ok(crate::snapshot(endpoint.clone(), raw, local.as_ref()))
}

/// One container read again after an event: inspected, its image taken from `images` or
/// else read (and added to `new_images`), its running execs, normalised as in a full read.
/// `Ok(None)`: the container no longer exists.
pub async fn read_container(
    docker: &Docker,
    id: &str,
    images: &HashMap<String, ImageView>,
    new_images: &mut HashMap<String, ImageView>,
    engine: &EngineInfo,
) -> Result<Option<ContainerSpec>, String> {
    let inspect = match docker.inspect_container(id, None).await {
        Ok(c) => c,
        Err(bollard::errors::Error::DockerResponseServerError { status_code: 404, .. }) => return Ok(None),
        Err(e) => return Err(describe(&e)),
    };
    let image_id = inspect.image.clone().unwrap_or_default();
    if !image_id.is_empty() && !images.contains_key(&image_id) && !new_images.contains_key(&image_id) {
        let (image, history) = futures_util::join!(docker.inspect_image(&image_id), docker.image_history(&image_id));
        if let Ok(image) = image {
            let raw = RawImage { inspect: image, history: history.unwrap_or_default() };
            new_images.insert(image_id.clone(), normalise::image_view(&raw));
        }
    }
    // Only the container's own image: the normaliser looks up nothing else.
    let by_id: HashMap<String, &ImageView> = images
        .get(&image_id)
        .or_else(|| new_images.get(&image_id))
        .map(|v| (image_id.clone(), v))
        .into_iter()
        .collect();
    let mut spec = normalise::container_spec(&inspect, &by_id);
    let (execs, _notes) = crate::exec::read_execs(docker, std::slice::from_ref(&inspect), 4).await;
    if let Some(execs) = execs.get(id).or_else(|| inspect.id.as_ref().and_then(|i| execs.get(i))) {
        spec.execs = crate::exec::exec_specs(&spec.name, execs);
    }
    let mut one = [spec];
    normalise::forget_default_cgroupns(&mut one, engine);
    let [spec] = one;
    Ok(Some(spec))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_time_keeps_nanoseconds() {
        assert_eq!(api_time(1_733_287_571_571_436_878), "1733287571.571436878");
        assert_eq!(api_time(5), "0.000000005");
    }

    #[test]
    fn rfc3339_with_fraction_and_offset() {
        let t = parse_rfc3339_nanos("2026-12-04T04:46:11.5714Z").unwrap();
        assert_eq!(t % 1_000_000_000, 571_400_000);
        let base = parse_rfc3339_nanos("2026-12-04T04:46:11Z").unwrap();
        assert_eq!(t - base, 571_400_000);
        assert!(parse_rfc3339_nanos("yesterday").is_none());
    }

    #[test]
    fn exec_actions_carry_their_command_after_the_colon() {
        let e = EngineEvent {
            kind: "container".into(),
            action: "exec_start: sh -c echo".into(),
            actor_id: "abc".into(),
            attributes: BTreeMap::new(),
            scope: "local".into(),
            time_nano: 7,
        };
        assert_eq!(e.base_action(), "exec_start");
        assert_eq!(e.key(), "7:container:exec_start: sh -c echo:abc");
    }
}
