use super::{KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports, once per chart, a Helm chart whose `templates/` were found but not
    /// checked: they are Go templates, not YAML, and only `helm template` knows what
    /// they render to. dockward never reports syntax errors in them.
    ///
    /// ## Why is this bad?
    /// Nothing in the chart's workloads is judged until it is rendered: a clean run
    /// would be silent about them.
    ///
    /// ## Example
    /// ```text
    /// chart/Chart.yaml
    /// chart/templates/deployment.yaml   {{- if .Values.enabled }} ...
    /// ```
    ///
    /// ## How to fix
    /// Render the chart with the values you deploy and pipe it in:
    /// `helm template release chart/ -f values-prod.yaml | dockward check --stdin-filename chart.yaml -`.
    /// Findings then name each template (Helm's `# Source:` comments).
    pub struct HelmChartNotRendered;
    code = "KS017", name = "helm-chart-not-rendered", severity = Info,
    category = Correctness, target = Kubernetes, fix = None,
    summary = "A Helm chart's templates are not checked until rendered",
}

impl KubernetesRule for HelmChartNotRendered {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    /// Reported by the checker for each chart it finds (`check_k8s::helm_chart_report`).
    fn check(&self, _cx: &mut KubernetesContext<'_>) {}
}
