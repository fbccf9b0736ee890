//! Workloads -> `ContainerSpec`s: one per container, init container and ephemeral
//! container of a pod template, pod-level settings merged under the container's.
//!
//! Placeholder interface for the parallel work on the loader and the checker; it
//! builds nothing yet.

use dockward_spec::ContainerSpec;

use crate::Object;

/// The containers of a workload (`Object::pod_spec` is set) as specs, each value with
/// its provenance at the YAML key it came from. Empty for other kinds.
pub fn container_specs(object: &Object) -> Vec<ContainerSpec> {
    let _ = object;
    Vec::new()
}
