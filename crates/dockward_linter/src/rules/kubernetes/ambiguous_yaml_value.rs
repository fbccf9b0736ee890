use dockward_diagnostics::{Edit, Fix};
use dockward_k8s::typing::{ambiguous_scalars, AmbiguityKind};

use super::{KubernetesContext, KubernetesRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports plain (unquoted) values that YAML 1.1 and YAML 1.2 readers read
    /// differently: the booleans `yes`, `no`, `on`, `off`, `y`, `n` (any case), and
    /// integers with a leading zero such as `0755`. Octal values are reported as
    /// information, booleans as warnings.
    ///
    /// ## Why is this bad?
    /// `kubectl` decodes manifests as YAML 1.1: `hostNetwork: on` is `true` and
    /// `defaultMode: 0644` is 420. Kustomize (kyaml) and other YAML 1.2 tools keep
    /// `on` a string, which the API server refuses for a boolean field, and read
    /// `0644` as the decimal 644 (mode `01204`). The same file then deploys
    /// differently, or not at all, depending on the tool. dockward's rules judge such
    /// values with the more permissive reading.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostNetwork: yes
    ///   volumes:
    ///   - name: conf
    ///     configMap: {name: conf, defaultMode: 0644}
    /// ```
    ///
    /// ## How to fix
    /// Write `true`/`false`, quote strings (`"yes"`), and write modes in decimal
    /// (`420`) or with YAML 1.2's `0o644`. The fix writes `true`/`false` or the
    /// decimal value kubectl applies (unsafe: Kustomize users may have meant the other
    /// reading).
    ///
    /// ## References
    /// - YAML 1.1 "Boolean Language-Independent Type" and "Integer" types
    /// - kubernetes/kubernetes#34146 (booleans in ConfigMap data)
    pub struct AmbiguousYamlValue;
    code = "KS014", name = "ambiguous-yaml-value", severity = Warning,
    category = Correctness, target = Kubernetes, fix = Always,
    summary = "A value reads differently in YAML 1.1 (kubectl) and YAML 1.2 (Kustomize)",
}

impl KubernetesRule for AmbiguousYamlValue {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        for object in cx.objects {
            for a in ambiguous_scalars(&object.root) {
                let written = &object.file.text()[a.range];
                let (message, replacement, lower) = match a.kind {
                    AmbiguityKind::Bool(b) => (
                        format!(
                            "`{}: {written}` is the boolean {b} for kubectl (YAML 1.1) but the string \"{written}\" for \
                             YAML 1.2 tools such as Kustomize",
                            a.path
                        ),
                        b.to_string(),
                        false,
                    ),
                    AmbiguityKind::Octal { yaml11, yaml12 } => (
                        format!(
                            "`{}: {written}` is octal ({yaml11}) for kubectl (YAML 1.1) but the decimal {yaml12} for \
                             YAML 1.2 tools such as Kustomize",
                            a.path
                        ),
                        yaml11.to_string(),
                        true,
                    ),
                };
                let d = cx.report(&Self::META, object, a.range, message);
                d.fix(Fix::unsafe_(
                    format!("Write `{replacement}`"),
                    vec![Edit::replace(a.range, replacement.clone())],
                ));
                d.help(format!("write `{replacement}`, or quote the value if a string is meant"));
                if lower {
                    d.lower_severity();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use super::*;
    use dockward_diagnostics::Severity;

    #[test]
    fn booleans_and_octals_are_reported_at_the_value() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: on\n  containers: []\n  volumes:\n  - {name: c, configMap: {name: c, defaultMode: 0644}}\n";
        let found = run(&AmbiguousYamlValue, &[("p.yaml", text)], None);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].location.range().unwrap()], "on");
        assert!(found[0].message.contains("spec.hostNetwork"), "{}", found[0].message);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].fix.as_ref().unwrap().edits[0].content, "true");
        assert_eq!(found[1].severity, Severity::Info);
        assert!(found[1].message.contains("octal (420)"));
        assert!(found[1].message.contains("spec.volumes[0].configMap.defaultMode"), "{}", found[1].message);
    }

    #[test]
    fn unambiguous_values_pass() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: \"yes\"\n  b: 'on'\n  c: \"0755\"\n  d: \"true\"\n  mode: \"420\"\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {hostNetwork: false, containers: [], securityContext: {runAsUser: 1000}}\n";
        assert!(run(&AmbiguousYamlValue, &[("c.yaml", text)], None).is_empty());
    }
}
