//! The Pod Security Standards report (`dockward check --format pss`): per workload
//! the highest level it satisfies and every failing check at its keys; per namespace
//! the Pod Security Admission labels found and the workloads that violate them.
//!
//! Built from the objects of a scan and the namespace each is judged in (the same
//! inputs as the KS rules). Deterministic: workloads in scan order, namespaces by name
//! with the "namespace not set" group last.

use std::collections::BTreeMap;

use dockward_k8s::pss::{self, namespace_policies, Evaluation, Field, Level, Mode, Version};
use dockward_k8s::Object;
use serde::Serialize;

/// Parses a `--pss-version` value: `latest`, `1.29` or `v1.29`.
pub fn parse_pss_version(text: &str) -> Result<Version, String> {
    text.parse::<Version>().map_err(|e| e.to_string())
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PssReport {
    /// The version workloads are judged at (`v1.37`), and what a namespace's
    /// `latest` means.
    pub version: String,
    pub workloads: Vec<WorkloadPss>,
    pub namespaces: Vec<NamespacePss>,
}

/// One Pod or workload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkloadPss {
    pub file: String,
    /// 1-based line of the object's first key.
    pub line: u32,
    pub kind: String,
    pub name: Option<String>,
    /// The namespace it is judged in; `null` when none is known.
    pub namespace: Option<String>,
    /// `privileged`, `baseline` or `restricted`: the highest level satisfied.
    pub level: &'static str,
    /// Every failing check of the baseline and restricted levels.
    pub checks: Vec<CheckPss>,
}

/// A failing check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckPss {
    /// The PSA check id (`runAsNonRoot`).
    pub id: &'static str,
    /// The level it belongs to.
    pub level: &'static str,
    pub message: String,
    /// The keys responsible.
    pub fields: Vec<FieldPss>,
}

/// A key, by path and position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldPss {
    pub path: String,
    pub line: u32,
    pub column: u32,
}

/// One namespace of the scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamespacePss {
    /// `null` for the objects whose namespace is not known.
    pub name: Option<String>,
    /// Where its Namespace object is, when the scan holds one.
    pub file: Option<String>,
    pub line: Option<u32>,
    /// Its `pod-security.kubernetes.io/*` labels, enforce, audit, warn.
    pub labels: Vec<LabelPss>,
    /// How many Pods and workloads are judged in it.
    pub workloads: usize,
    /// The workloads each label's level rejects (enforce), records (audit) or warns
    /// about (warn).
    pub violations: Vec<ViolationPss>,
}

/// One mode's label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelPss {
    /// `enforce`, `audit` or `warn`.
    pub mode: &'static str,
    /// The level judged (`restricted` for a label PSA cannot read).
    pub level: &'static str,
    /// The version judged.
    pub version: String,
    /// The labels as written.
    pub level_label: String,
    pub version_label: Option<String>,
    /// What was not understood.
    pub problems: Vec<String>,
}

/// A workload that violates a namespace label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ViolationPss {
    pub mode: &'static str,
    pub level: &'static str,
    pub version: String,
    pub kind: String,
    pub name: Option<String>,
    pub file: String,
    pub line: u32,
    /// The failing checks at that level and version.
    pub checks: Vec<&'static str>,
}

fn field(object: &Object, field: &Field) -> FieldPss {
    let at = object.file.position(field.range.start());
    FieldPss { path: field.path.clone(), line: at.line, column: at.column }
}

fn line(object: &Object) -> u32 {
    object.file.position(object.root.range.start()).line
}

/// Builds the report over `objects`, each judged in `namespaces[i]`, at `version`.
pub fn build(objects: &[Object], namespaces: &[Option<String>], version: Version) -> PssReport {
    let namespace_of = |index: usize| namespaces.get(index).cloned().flatten();
    let mut workloads = Vec::new();
    // Per namespace: the workloads judged in it, by index.
    let mut groups: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    for (index, object) in objects.iter().enumerate() {
        if object.kind == "Namespace" {
            if let Some(name) = &object.name {
                groups.entry(Some(name.clone())).or_default();
            }
        }
        let Some(evaluation) = pss::evaluate(object, version) else { continue };
        groups.entry(namespace_of(index)).or_default().push(index);
        workloads.push(workload(object, namespace_of(index), &evaluation));
    }
    // The first Namespace object of each name.
    let mut namespace_objects: BTreeMap<&str, &Object> = BTreeMap::new();
    for object in objects.iter().filter(|o| o.kind == "Namespace") {
        if let Some(name) = object.name.as_deref() {
            namespace_objects.entry(name).or_insert(object);
        }
    }
    let mut namespace_reports: Vec<NamespacePss> = groups
        .into_iter()
        .map(|(name, members)| {
            let namespace_object = name.as_deref().and_then(|n| namespace_objects.get(n).copied());
            let policies = namespace_object.map(namespace_policies).unwrap_or_default();
            let mut violations = Vec::new();
            for policy in &policies {
                let judged = policy.version_at(version);
                for &index in &members {
                    let object = &objects[index];
                    // A PodTemplate creates no pods by itself.
                    if object.kind == "PodTemplate" {
                        continue;
                    }
                    let Some(evaluation) = pss::evaluate(object, judged) else { continue };
                    if evaluation.satisfies(policy.level) {
                        continue;
                    }
                    violations.push(ViolationPss {
                        mode: policy.mode.as_str(),
                        level: policy.level.as_str(),
                        version: judged.to_string(),
                        kind: object.kind.clone(),
                        name: object.name.clone(),
                        file: object.file.name().to_owned(),
                        line: line(object),
                        checks: evaluation.failures_at(policy.level).map(|f| f.id).collect(),
                    });
                }
            }
            NamespacePss {
                file: namespace_object.map(|o| o.file.name().to_owned()),
                line: namespace_object.map(line),
                labels: policies
                    .iter()
                    .map(|p| LabelPss {
                        mode: p.mode.as_str(),
                        level: p.level.as_str(),
                        version: p.version_at(version).to_string(),
                        level_label: p.level_label.clone(),
                        version_label: p.version_label.clone(),
                        problems: p.problems.clone(),
                    })
                    .collect(),
                workloads: members.len(),
                violations,
                name,
            }
        })
        .collect();
    // BTreeMap puts `None` first; the "namespace not set" group reads better last.
    namespace_reports.sort_by(|a, b| (a.name.is_none(), &a.name).cmp(&(b.name.is_none(), &b.name)));
    PssReport { version: version.to_string(), workloads, namespaces: namespace_reports }
}

fn workload(object: &Object, namespace: Option<String>, evaluation: &Evaluation) -> WorkloadPss {
    WorkloadPss {
        file: object.file.name().to_owned(),
        line: line(object),
        kind: object.kind.clone(),
        name: object.name.clone(),
        namespace,
        level: evaluation.level.as_str(),
        checks: evaluation
            .failures
            .iter()
            .map(|f| CheckPss {
                id: f.id,
                level: f.level.as_str(),
                message: f.message.clone(),
                fields: f.fields.iter().map(|x| field(object, x)).collect(),
            })
            .collect(),
    }
}

/// The report as pretty JSON, with a final newline.
pub fn to_json(report: &PssReport) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("the report serializes");
    text.push('\n');
    text
}

// Keep the level and mode vocabularies of the report tied to the evaluator's.
const _: [Level; 3] = Level::ALL;
const _: [Mode; 3] = Mode::ALL;

#[cfg(test)]
mod tests {
    use dockward_k8s::objects_in;
    use dockward_source::SourceFile;
    use dockward_yaml::Budget;

    use super::*;

    const NAMESPACE: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/enforce-version: v1.30\n    pod-security.kubernetes.io/warn: restricted\n";
    const WORKLOADS: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: web:1\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: debug, namespace: shop}\nspec:\n  hostPID: true\n  containers: [{name: a, image: x}]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: loose}\nspec:\n  template:\n    spec:\n      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n      containers:\n      - name: j\n        image: j:1\n        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n";

    fn report(version: &str) -> PssReport {
        let mut objects = Vec::new();
        for (name, text) in [("ns.yaml", NAMESPACE), ("apps.yaml", WORKLOADS)] {
            objects.extend(objects_in(&SourceFile::new(name, None, text), &Budget::default()).objects);
        }
        let namespaces: Vec<_> = objects.iter().map(|o| o.namespace.clone()).collect();
        build(&objects, &namespaces, parse_pss_version(version).unwrap())
    }

    #[test]
    fn workloads_get_their_level_and_failing_checks_at_their_lines() {
        let report = report("latest");
        assert_eq!(report.version, "v1.37");
        let levels: Vec<_> = report.workloads.iter().map(|w| (w.kind.as_str(), w.level)).collect();
        assert_eq!(levels, [("Deployment", "baseline"), ("Pod", "privileged"), ("Job", "restricted")]);
        let web = &report.workloads[0];
        assert_eq!((web.file.as_str(), web.line, web.namespace.as_deref()), ("apps.yaml", 1, Some("shop")));
        let ids: Vec<_> = web.checks.iter().map(|c| c.id).collect();
        assert_eq!(
            ids,
            ["allowPrivilegeEscalation", "capabilities_restricted", "runAsNonRoot", "seccompProfile_restricted"]
        );
        assert_eq!(
            web.checks[0].fields[0],
            FieldPss { path: "spec.template.spec.containers[0]".into(), line: 8, column: 9 }
        );
        let debug = &report.workloads[1];
        assert_eq!(debug.checks[0].id, "hostNamespaces");
        assert_eq!(debug.checks[0].fields[0].path, "spec.hostPID");
        assert_eq!(debug.checks[0].fields[0].line, 15);
    }

    #[test]
    fn namespaces_list_their_labels_and_violations_per_mode() {
        let report = report("latest");
        let names: Vec<_> = report.namespaces.iter().map(|n| n.name.as_deref()).collect();
        assert_eq!(names, [Some("shop"), None]);
        let shop = &report.namespaces[0];
        assert_eq!((shop.file.as_deref(), shop.line, shop.workloads), (Some("ns.yaml"), Some(1), 2));
        let labels: Vec<_> = shop.labels.iter().map(|l| (l.mode, l.level, l.version.as_str())).collect();
        assert_eq!(labels, [("enforce", "baseline", "v1.30"), ("warn", "restricted", "v1.37")]);
        let violations: Vec<_> = shop.violations.iter().map(|v| (v.mode, v.kind.as_str(), v.checks.len())).collect();
        assert_eq!(violations, [("enforce", "Pod", 1), ("warn", "Deployment", 4), ("warn", "Pod", 5)]);
        let unset = &report.namespaces[1];
        assert!(unset.labels.is_empty() && unset.violations.is_empty());
        assert_eq!(unset.workloads, 1);
    }

    #[test]
    fn the_cluster_version_is_what_latest_means_and_the_json_is_stable() {
        let old = report("1.22");
        assert_eq!(old.namespaces[0].labels[0].version, "v1.22");
        assert_eq!(old.namespaces[0].labels[1].version, "v1.22");
        let json = to_json(&report("v1.37"));
        assert_eq!(json, to_json(&report("latest")));
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["workloads"][0]["kind"], "Deployment");
        assert_eq!(value["workloads"][0]["name"], "web");
        assert_eq!(value["workloads"][0]["file"], "apps.yaml");
        assert_eq!(value["workloads"][0]["level"], "baseline");
        assert_eq!(value["namespaces"][1]["name"], serde_json::Value::Null);
    }

    #[test]
    fn bad_versions_are_refused_clearly() {
        assert_eq!(
            parse_pss_version("1.x").unwrap_err(),
            "invalid Pod Security version `1.x`: expected `latest` or `1.N` / `v1.N` with N from 0 to 37"
        );
        assert!(parse_pss_version("1.38")
            .unwrap_err()
            .contains("newer than the newest known one (v1.37); use `latest`"));
    }
}
