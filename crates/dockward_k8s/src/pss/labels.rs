//! The Pod Security Admission labels of a Namespace:
//! `pod-security.kubernetes.io/{enforce,audit,warn}` and their `-version`.

use dockward_source::TextRange;
use dockward_yaml::Node;

use super::{Level, Version};
use crate::Object;

/// The prefix of every PSA label.
pub const LABEL_PREFIX: &str = "pod-security.kubernetes.io/";

/// What PSA does with a violation in one mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// Pods that violate are rejected.
    Enforce,
    /// Violations are recorded in the audit log.
    Audit,
    /// Violations are returned to the client as warnings.
    Warn,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Enforce, Mode::Audit, Mode::Warn];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Audit => "audit",
            Mode::Warn => "warn",
        }
    }
}

/// One mode's policy as a Namespace's labels set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModePolicy {
    pub mode: Mode,
    /// The level judged: the label's, or `restricted` when the label is not a level
    /// (PSA fails closed on a label it cannot read).
    pub level: Level,
    /// The version the `-version` label pins; `None` for `latest`, no label, or a
    /// label PSA cannot read or that is newer than known (all judged as `latest`, as
    /// PSA does). See [`ModePolicy::version_at`].
    pub version: Option<Version>,
    /// The labels as written.
    pub level_label: String,
    pub version_label: Option<String>,
    /// What was not understood in the labels, for messages.
    pub problems: Vec<String>,
    /// The `pod-security.kubernetes.io/<mode>` key.
    pub level_range: TextRange,
    /// The `-version` key, when set.
    pub version_range: Option<TextRange>,
}

impl ModePolicy {
    /// The version judged on a cluster running `cluster`: `latest` is the cluster's
    /// own version, and a pinned version newer than the cluster is judged as the
    /// cluster's (the API server knows no newer checks).
    pub fn version_at(&self, cluster: Version) -> Version {
        self.version.map_or(cluster, |pinned| pinned.min(cluster))
    }
}

/// The PSA policies a Namespace object sets, in enforce, audit, warn order. Empty for
/// other kinds and Namespaces without PSA labels.
pub fn namespace_policies(object: &Object) -> Vec<ModePolicy> {
    if object.kind != "Namespace" {
        return Vec::new();
    }
    let labels = object.at(&["metadata", "labels"]).and_then(Node::as_map).unwrap_or_default();
    let label = |key: &str| {
        labels
            .iter()
            .find(|e| e.key.as_str() == Some(key))
            .map(|e| (e.value.as_str().unwrap_or("").to_owned(), e.key.range))
    };
    let mut policies = Vec::new();
    for mode in Mode::ALL {
        let Some((level_label, level_range)) = label(&format!("{LABEL_PREFIX}{}", mode.as_str())) else { continue };
        let version = label(&format!("{LABEL_PREFIX}{}-version", mode.as_str()));
        let mut problems = Vec::new();
        let level = level_label.parse::<Level>().unwrap_or_else(|_| {
            problems.push(format!("`{level_label}` is not a level: PSA applies restricted"));
            Level::Restricted
        });
        let version_judged = match &version {
            None => None,
            Some((text, _)) if text == "latest" => None,
            Some((text, _)) => match text.parse::<Version>() {
                Ok(version) => Some(version),
                Err(e) => {
                    problems.push(format!("{e}: PSA applies latest"));
                    None
                }
            },
        };
        policies.push(ModePolicy {
            mode,
            level,
            version: version_judged,
            level_label,
            version_range: version.as_ref().map(|(_, r)| *r),
            version_label: version.map(|(t, _)| t),
            problems,
            level_range,
        });
    }
    policies
}

#[cfg(test)]
mod tests {
    use dockward_source::SourceFile;
    use dockward_yaml::Budget;

    use super::*;
    use crate::objects_in;

    #[test]
    fn labels_are_read_with_psa_fallbacks() {
        let text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/enforce-version: v1.25\n    pod-security.kubernetes.io/audit: strict\n    pod-security.kubernetes.io/warn: restricted\n    pod-security.kubernetes.io/warn-version: v1.99\n";
        let read = objects_in(&SourceFile::new("ns.yaml", None, text), &Budget::default());
        let policies = namespace_policies(&read.objects[0]);
        let summary: Vec<_> = policies
            .iter()
            .map(|p| (p.mode, p.level, p.version_at(Version::LATEST).minor(), p.problems.len()))
            .collect();
        assert_eq!(
            summary,
            [
                (Mode::Enforce, Level::Baseline, 25, 0),
                (Mode::Audit, Level::Restricted, 37, 1),
                (Mode::Warn, Level::Restricted, 37, 1)
            ]
        );
        assert_eq!(&text[policies[0].level_range], "pod-security.kubernetes.io/enforce");
        assert_eq!(&text[policies[0].version_range.unwrap()], "pod-security.kubernetes.io/enforce-version");
        assert!(policies[2].problems[0].contains("newer than the newest known"), "{:?}", policies[2].problems);
        // `latest` is the cluster's version; a pin newer than the cluster is the cluster's.
        let cluster = Version::new(24).unwrap();
        assert_eq!(policies[0].version_at(cluster).minor(), 24);
        assert_eq!(policies[0].version_at(Version::new(30).unwrap()).minor(), 25);
        assert_eq!(policies[2].version_at(cluster).minor(), 24);
    }
}
