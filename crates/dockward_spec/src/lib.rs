//! The normalised views rules read, whatever the source of the setting.
//!
//! A `ContainerSpec` is built from a Compose service (`dockward_compose`), a
//! `docker run`/`docker create` line, or a live container's inspect data
//! (`dockward_engine`). Container rules (CT family) read only this type, so a rule is
//! written once and runs over every source. Every value is a [`Val`]: the value and
//! where it came from, so a finding points at the exact YAML key, the exact flag or
//! the exact API field.

pub mod container;
pub mod daemon;
pub mod docker_run;
pub mod provenance;

pub use container::*;
pub use daemon::{DaemonOption, DaemonSource, DaemonSpec, DaemonValue};
pub use provenance::{Val, Via};
pub mod live;
pub mod swarm;

pub use live::{ComposeLink, EngineInfo, HistoryStep, ImageView, NetworkView};
pub use swarm::{ClusterSettings, Listener, NodeView, SwarmView};
