//! What the Pod Security rules share: the workloads of a scan as PSS pods, and one
//! finding per failing check with the other offending keys as related locations.

use dockward_diagnostics::{Location, RuleMeta};
use dockward_k8s::pss::{Field, Pod, Violation};
use dockward_k8s::Object;

use super::KubernetesContext;

/// Every object of the scan that runs pods, with its index and its pod template.
pub(crate) fn workloads<'a>(objects: &'a [Object]) -> impl Iterator<Item = (usize, &'a Object, Pod<'a>)> {
    objects.iter().enumerate().filter_map(|(index, object)| Some((index, object, Pod::of(object)?)))
}

/// Reports `message` at the first field, the others as related locations.
pub(crate) fn report_fields(
    cx: &mut KubernetesContext<'_>,
    rule: &'static RuleMeta,
    object: &Object,
    fields: &[Field],
    fallback: dockward_source::TextRange,
    message: String,
) {
    let at = fields.first().map_or(fallback, |f| f.range);
    let diagnostic = cx.report(rule, object, at, message);
    for field in fields.iter().skip(1) {
        diagnostic.related(Location::source(&object.file, field.range), format!("also `{}`", field.path));
    }
}

/// Reports a check's violation on a workload: `Kind/name: <what the check found>`.
pub(crate) fn report_violation(
    cx: &mut KubernetesContext<'_>,
    rule: &'static RuleMeta,
    object: &Object,
    violation: &Violation,
) {
    let message = format!("{}: {}", object.display_name(), violation.message);
    report_fields(cx, rule, object, &violation.fields, object.root.range, message);
}
