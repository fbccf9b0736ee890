//! Kubernetes manifests.
//!
//! [`object`] turns YAML streams into [`Object`]s: one per manifest, with its kind,
//! name, namespace, labels and the spanned YAML tree, so that every check can point at
//! the key it is about. The other modules read objects and know nothing of rules:
//! workloads become `ContainerSpec`s, the Pod Security Standards are evaluated per
//! pod template, and NetworkPolicy and RBAC objects are read with the semantics the
//! API server and the network plugins give them.

pub mod loader;
pub mod netpol;
pub mod object;
pub mod pss;
pub mod quantity;
pub mod rbac;
pub mod selector;
pub mod typing;
pub mod workload;

pub use loader::{load_manifest, LoadOptions, Manifest, Problem};
pub use object::{objects_in, Object, ObjectsRead};
pub use quantity::{Quantity, QuantityError};
pub use workload::{container_specs, WorkloadProblem};
