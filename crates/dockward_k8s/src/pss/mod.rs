//! The Pod Security Standards, evaluated the way Pod Security Admission does.
//!
//! [`CHECKS`] is the table of controls: each with the PSA check id, the level it
//! belongs to, and one implementation per Kubernetes minor version where its
//! behaviour changed, so what a control requires at `v1.19` or `v1.35` is written down
//! rather than implied. [`evaluate`] runs every control that applies at a version over
//! the pod template of a Pod or workload and returns the highest level it satisfies
//! and each failing control at the YAML keys that make it fail.
//!
//! The semantics follow the upstream admission library (`k8s.io/pod-security-admission`,
//! `policy/check_*.go`); `tests/psa_conformance.rs` runs its published fixtures.

mod checks;
pub mod labels;
mod pod;

use std::fmt;
use std::str::FromStr;

use dockward_source::TextRange;
use dockward_yaml::Node;

pub use checks::{Check, CheckVersion, CHECKS};
pub use labels::{namespace_policies, Mode, ModePolicy};
pub use pod::{Container, Pod};

use crate::Object;

/// A Pod Security Standards level, from the most to the least permissive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// No restriction at all.
    Privileged,
    /// Known privilege escalations are prevented.
    Baseline,
    /// Current pod hardening practice.
    Restricted,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Privileged, Level::Baseline, Level::Restricted];

    /// The name PSA labels use (`privileged`, `baseline`, `restricted`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = String;
    /// The label values PSA accepts; they are case-sensitive there, and here.
    fn from_str(text: &str) -> Result<Self, String> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str() == text)
            .ok_or_else(|| format!("unknown Pod Security level `{text}` (expected privileged, baseline or restricted)"))
    }
}

/// A Kubernetes minor version the standards are evaluated at (`v1.0` to `v1.37`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    minor: u16,
}

impl Version {
    /// The first version PSA fixtures exist for.
    pub const OLDEST: Version = Version { minor: 0 };
    /// The newest version whose checks are known: what `latest` means here.
    pub const LATEST: Version = Version { minor: 37 };

    /// `1.minor`, when it is a known version.
    pub const fn new(minor: u16) -> Option<Version> {
        if minor <= Self::LATEST.minor {
            Some(Version { minor })
        } else {
            None
        }
    }

    /// The `x` of `1.x`.
    pub fn minor(self) -> u16 {
        self.minor
    }

    /// Every known version, oldest first.
    pub fn all() -> impl Iterator<Item = Version> {
        (Self::OLDEST.minor..=Self::LATEST.minor).map(|minor| Version { minor })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v1.{}", self.minor)
    }
}

/// Why a version string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError(String);

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for VersionError {}

impl FromStr for Version {
    type Err = VersionError;
    /// `latest`, `1.29` or `v1.29` (the form of the `-version` labels).
    fn from_str(text: &str) -> Result<Self, VersionError> {
        if text == "latest" {
            return Ok(Self::LATEST);
        }
        let bad = || {
            VersionError(format!(
                "invalid Pod Security version `{text}`: expected `latest` or `1.N` / `v1.N` with N from 0 to {}",
                Self::LATEST.minor
            ))
        };
        let number = text.strip_prefix('v').unwrap_or(text);
        let minor = number.strip_prefix("1.").ok_or_else(bad)?;
        if minor.is_empty() || minor.len() > 3 || !minor.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let minor: u16 = minor.parse().map_err(|_| bad())?;
        Version::new(minor).ok_or_else(|| {
            VersionError(format!(
                "Pod Security version `{text}` is newer than the newest known one ({}); use `latest`",
                Self::LATEST
            ))
        })
    }
}

/// A YAML key that makes a check fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its path from the object's root, e.g. `spec.template.spec.containers[0].securityContext.privileged`.
    pub path: String,
    /// The key (or the sequence item) in the object's file.
    pub range: TextRange,
}

/// A failing check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The PSA check id (`capabilities_baseline`).
    pub id: &'static str,
    /// The level the check belongs to.
    pub level: Level,
    /// What is wrong, in a few words.
    pub message: String,
    /// The keys responsible; empty when the problem is an absence no key shows
    /// (`allowPrivilegeEscalation` unset on a container without `securityContext`
    /// points at the container instead).
    pub fields: Vec<Field>,
    /// This baseline check is replaced at this version by a stricter restricted one
    /// (`capabilities_baseline` by `capabilities_restricted`): a restricted namespace
    /// reports that one instead (see [`Evaluation::failures_at`]).
    pub overridden: bool,
}

/// The outcome of evaluating one pod template at one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub version: Version,
    /// The highest level whose every check passes.
    pub level: Level,
    /// Every failing check of the baseline and restricted levels, in table order.
    pub failures: Vec<Failure>,
}

impl Evaluation {
    /// Whether a namespace enforcing `level` admits the pod.
    pub fn satisfies(&self, level: Level) -> bool {
        self.level >= level
    }

    /// The failures a namespace at `level` reports, as PSA lists them: nothing at
    /// privileged, the baseline checks at baseline, and at restricted both levels
    /// without the baseline checks a restricted check replaces.
    pub fn failures_at(&self, level: Level) -> impl Iterator<Item = &Failure> {
        self.failures.iter().filter(move |f| match level {
            Level::Privileged => false,
            Level::Baseline => f.level == Level::Baseline,
            Level::Restricted => !f.overridden,
        })
    }
}

/// Evaluates the pod template of `object` (a Pod or a workload) at `version`; `None`
/// for kinds without a pod template or when the template has no spec.
pub fn evaluate(object: &Object, version: Version) -> Option<Evaluation> {
    let pod = Pod::of(object)?;
    Some(evaluate_pod(&pod, version))
}

/// Evaluates one pod at `version`.
pub fn evaluate_pod(pod: &Pod<'_>, version: Version) -> Evaluation {
    let mut failures = Vec::new();
    for check in CHECKS {
        let Some(run) = check.at(version) else { continue };
        let Some(violation) = run(pod) else { continue };
        let overridden = check.level == Level::Baseline
            && CHECKS.iter().any(|c| c.overrides.contains(&check.id) && c.at(version).is_some());
        failures.push(Failure {
            id: check.id,
            level: check.level,
            message: violation.message,
            fields: violation.fields,
            overridden,
        });
    }
    let level = if failures.iter().any(|f| f.level == Level::Baseline) {
        Level::Privileged
    } else if failures.is_empty() {
        Level::Restricted
    } else {
        Level::Baseline
    };
    Evaluation { version, level, failures }
}

/// Runs one check (by PSA id) over a pod at `version`: `None` when the check does not
/// exist at that version or the pod passes it.
pub fn run_check(id: &str, pod: &Pod<'_>, version: Version) -> Option<Violation> {
    CHECKS.iter().find(|c| c.id == id)?.at(version)?(pod)
}

/// What one check found: the message and the keys.
#[derive(Debug, Default)]
pub struct Violation {
    pub message: String,
    pub fields: Vec<Field>,
}

/// The node under a path of keys, treating an explicit `null` as absent (as the API
/// server's decoding does for optional fields).
pub(crate) fn present<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    node.get(key).filter(|n| !n.is_null())
}

#[cfg(test)]
mod tests;
