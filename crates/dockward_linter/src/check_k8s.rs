//! Checking Kubernetes manifests: read every document of every manifest of a scan,
//! run the KS rules over all objects at once (a NetworkPolicy selects pods of other
//! files) and the CT rules over each workload's containers, then apply suppressions:
//! `# dockward: ignore[...]` comments and the `dockward.io/ignore` annotation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dockward_diagnostics::{Diagnostic, Fix, Location};
use dockward_k8s::{load_manifest, LoadOptions, Manifest, Object};
use dockward_source::{SourceFile, TextRange, TextSize};
use dockward_spec::EngineDefaults;
use rayon::prelude::*;

use crate::check::{
    apply_fixes_keeping_keys_unique, decode_text, file_secrets, lint_container_specs, redact_secrets,
    report_suppression_problems, FileReport, FixMode, FixedText, MAX_FIX_ROUNDS,
};
use crate::registry::{self, KUBERNETES_RULES};
use crate::rules::container::secret_in_environment::secret_ranges;
use crate::rules::kubernetes::KubernetesContext;
use crate::settings::{resolve_selector, Settings};
use crate::suppression;

/// The object annotation that suppresses findings about the object:
/// `dockward.io/ignore: "CT004,KS006: reason"`. It survives Helm and Kustomize,
/// which drop comments.
pub const IGNORE_ANNOTATION: &str = "dockward.io/ignore";

/// `[kubernetes]` and the command line's options for manifests.
#[derive(Debug, Clone, Default)]
pub struct KubernetesSettings {
    /// `Kind` -> keys to its pod spec, for custom controllers (`podspec-paths`).
    pub podspec_paths: BTreeMap<String, Vec<String>>,
    /// The namespace of objects that name none and come from no kustomization with a
    /// `namespace:` (`--k8s-namespace`, or `[kubernetes] namespace`).
    pub namespace: Option<String>,
    /// The scan holds every object of its namespaces (`--complete-namespace`).
    pub complete_namespaces: bool,
    /// Build the Pod Security report of the scan (`--format pss`); off, nothing of it is
    /// evaluated beyond what the KS rules ask.
    pub pss_report: bool,
}

/// One manifest stream to check.
#[derive(Debug, Clone)]
pub struct ManifestInput {
    /// The name findings give.
    pub display: String,
    pub path: Option<PathBuf>,
    pub bytes: Vec<u8>,
    /// The `namespace:` of the kustomization that rendered this stream.
    pub default_namespace: Option<String>,
    /// The directory Kustomize origin paths (`config.kubernetes.io/origin`) are
    /// relative to, for a stream `kubectl kustomize` rendered.
    pub origin_base: Option<PathBuf>,
    /// Rendered output (Kustomize): its findings carry fixes, but no file to write them to.
    pub rendered: bool,
}

impl ManifestInput {
    pub fn file(display: impl Into<String>, path: Option<PathBuf>, bytes: Vec<u8>) -> Self {
        Self { display: display.into(), path, bytes, default_namespace: None, origin_base: None, rendered: false }
    }
}

/// [`check_manifests`], applying fixes per `fix`: each file's fixes at or above the
/// threshold, then the whole scan again (a fix in one file can change findings in
/// another), up to `MAX_FIX_ROUNDS` rounds. A fix set that would add a syntax error
/// or a duplicate key to a file waits for a later round, one fix at a time.
pub fn check_manifests_with_fixes(inputs: &[ManifestInput], settings: &Settings, fix: FixMode) -> KubernetesOutcome {
    let mut current = inputs.to_vec();
    let mut outcome = check_manifests(&current, settings);
    let Some(threshold) = fix.threshold() else { return outcome };
    // By input index: the text before the first fix, its secrets, fixes applied.
    let mut originals: BTreeMap<usize, (String, Vec<TextRange>, usize)> = BTreeMap::new();
    let options = LoadOptions { podspec_paths: settings.kubernetes.podspec_paths.clone(), ..LoadOptions::default() };
    let problems = |text: &str| load_manifest(&SourceFile::new("fix", None, text), &options).problems.len();
    for _ in 0..MAX_FIX_ROUNDS {
        let mut changed = false;
        for (i, input) in current.iter_mut().enumerate() {
            if input.rendered {
                continue;
            }
            let Ok(text) = std::str::from_utf8(&input.bytes) else { continue };
            let report = &outcome.reports[i];
            let fixes: Vec<&Fix> = report
                .diagnostics
                .iter()
                .filter_map(|d| d.fix.as_deref())
                .filter(|f| f.applicability >= threshold)
                .collect();
            if fixes.is_empty() {
                continue;
            }
            let result = apply_fixes_keeping_keys_unique(text, fixes, &problems);
            if result.applied == 0 || result.text == text {
                continue;
            }
            let entry = originals
                .entry(i)
                .or_insert_with(|| (text.to_string(), file_secrets(&report.diagnostics, &input.display), 0));
            entry.2 += result.applied;
            input.bytes = result.text.into_bytes();
            changed = true;
        }
        if !changed {
            break;
        }
        outcome = check_manifests(&current, settings);
    }
    for (i, (original, original_secrets, applied)) in originals {
        let text = String::from_utf8_lossy(&current[i].bytes).into_owned();
        let report = &mut outcome.reports[i];
        if text != original {
            let text_secrets = file_secrets(&report.diagnostics, &report.name);
            report.fixed = Some(FixedText { original, text, applied, original_secrets, text_secrets });
        }
    }
    outcome
}

/// What a scan of manifests found.
#[derive(Debug, Default)]
pub struct KubernetesOutcome {
    /// One report per input (clean ones too), in input order.
    pub reports: Vec<FileReport>,
    /// Documents read (empty ones excepted).
    pub documents: usize,
    /// Objects read (a List's items each count).
    pub objects: usize,
    /// Objects of kinds dockward does not judge (CRDs, other policy engines), by
    /// `apiVersion/kind`: read and counted, never dropped silently.
    pub unknown_kinds: BTreeMap<String, usize>,
    /// The Pod Security Standards report of the scan at `settings.pss_version`, when
    /// `settings.kubernetes.pss_report` asks for it (`--format pss`).
    pub pss: Option<crate::pss_report::PssReport>,
}

/// Checks the manifests of one scan together.
pub fn check_manifests(inputs: &[ManifestInput], settings: &Settings) -> KubernetesOutcome {
    let options = LoadOptions { podspec_paths: settings.kubernetes.podspec_paths.clone(), ..LoadOptions::default() };
    let mut outcome = KubernetesOutcome::default();
    let mut unreadable: BTreeMap<usize, FileReport> = BTreeMap::new();
    // Files are read and parsed in parallel (the rules then see them in input order).
    let loaded: Vec<Result<Manifest, Box<FileReport>>> = inputs
        .par_iter()
        .map(|input| {
            let text = decode_text(&input.display, input.path.as_ref(), &input.bytes)?;
            let file = SourceFile::new(input.display.as_str(), input.path.clone(), text);
            Ok(load_manifest(&file, &options))
        })
        .collect();
    let mut manifests: Vec<(usize, Manifest)> = Vec::new();
    for (i, result) in loaded.into_iter().enumerate() {
        match result {
            Ok(m) => manifests.push((i, m)),
            Err(report) => {
                unreadable.insert(i, *report);
            }
        }
    }
    let mut objects: Vec<Object> = Vec::new();
    let mut namespaces: Vec<Option<String>> = Vec::new();
    let mut found: Vec<Diagnostic> = Vec::new();
    for (i, m) in &mut manifests {
        let input = &inputs[*i];
        outcome.documents += m.documents;
        for p in &m.problems {
            found.push(Diagnostic::new(registry::SYNTAX_ERROR, Location::source(&m.file, p.range), p.message.clone()));
        }
        for mut object in std::mem::take(&mut m.objects) {
            if let (Some(base), Some(origin)) = (&input.origin_base, &object.origin) {
                object.origin = Some(origin_display(base, origin));
            }
            let namespace = resolve_namespace(&object, input, settings);
            if !dockward_k8s::loader::is_known_kind(&object) {
                *outcome.unknown_kinds.entry(format!("{}/{}", object.api_version, object.kind)).or_default() += 1;
            }
            namespaces.push(namespace);
            objects.push(object);
        }
    }
    outcome.objects = objects.len();
    if settings.kubernetes.pss_report {
        outcome.pss = Some(crate::pss_report::build(&objects, &namespaces, settings.pss_version));
    }

    let mut rule_findings = {
        let mut cx = KubernetesContext::new(&objects, &namespaces, settings.kubernetes.complete_namespaces, settings);
        for rule in KUBERNETES_RULES {
            if settings.is_enabled(rule.meta()) {
                rule.check(&mut cx);
            }
        }
        cx.into_diagnostics()
    };
    let mut specs = Vec::new();
    for object in &objects {
        let (object_specs, problems) = dockward_k8s::workload::container_specs(object);
        specs.extend(object_specs);
        // A value the API server would reject (`memory: 512MB`): the manifest does not
        // apply, as a syntax error would not.
        found.extend(problems.into_iter().map(|p| Diagnostic::new(registry::SYNTAX_ERROR, p.at, p.message)));
    }
    rule_findings.extend(lint_container_specs(&specs, &EngineDefaults::default(), settings));

    // Suppressions: comments per file, then the objects' annotations.
    let mut comment_suppressions: BTreeMap<String, (Arc<SourceFile>, Vec<suppression::Suppression>)> = BTreeMap::new();
    for (_, m) in &manifests {
        let mut list = suppression::collect_yaml(m.file.text(), &m.comments);
        // A pragma above an object's first key covers the whole object, not that line.
        for s in &mut list {
            if let suppression::Scope::Range(r) = s.scope {
                if let Some(o) =
                    objects.iter().find(|o| o.file.name() == m.file.name() && o.root.range.start() == r.start())
                {
                    s.scope = suppression::Scope::Range(o.root.range);
                }
            }
        }
        if !list.is_empty() {
            comment_suppressions.insert(m.file.name().to_string(), (m.file.clone(), list));
        }
    }
    let mut annotations: Vec<AnnotationIgnore> = Vec::new();
    for object in &objects {
        match annotation_ignore(object) {
            Some(Ok(a)) => annotations.push(a),
            Some(Err(d)) => found.push(d),
            None => {}
        }
    }
    for d in rule_findings {
        let at = d.location.range().map(|r| r.start()).unwrap_or_default();
        let mut suppressed = false;
        if let Some((_, list)) = comment_suppressions.get_mut(d.location.name()) {
            for s in list.iter_mut() {
                suppressed |= s.covers(d.rule.code, at);
            }
        }
        for a in annotations.iter_mut().filter(|a| a.file.name() == d.location.name() && a.object.contains(at)) {
            for c in a.codes.iter_mut().filter(|c| c.codes.contains(&d.rule.code)) {
                c.used = true;
                suppressed = true;
            }
        }
        if !suppressed {
            found.push(d);
        }
    }
    for (file, list) in comment_suppressions.values() {
        report_suppression_problems(file, list, settings, &mut found);
    }
    for a in &annotations {
        for c in a.codes.iter().filter(|c| !c.used) {
            let enabled = c.codes.iter().any(|code| registry::find(code).is_some_and(|r| settings.is_enabled(r)));
            if enabled {
                found.push(Diagnostic::new(
                    registry::UNUSED_SUPPRESSION,
                    Location::source(&a.file, c.range),
                    format!(
                        "`{}` in the `{IGNORE_ANNOTATION}` annotation suppresses nothing in this object",
                        c.selector
                    ),
                ));
            }
        }
    }

    found.retain(|d| settings.is_enabled(d.rule) && !settings.ignored_for_path(d.rule, d.location.name()));
    for d in &mut found {
        d.configure_severity(settings.severity(d.rule));
    }
    // A snippet shows whole lines: every secret of a file is masked in every finding
    // about it, whichever rule found it and whether or not that rule is enabled.
    let mut secrets: Vec<(String, TextRange)> = specs.iter().flat_map(secret_ranges).collect();
    secrets.extend(crate::rules::kubernetes::secret_in_configmap::configmap_secrets(&objects));
    redact_secrets(&mut found, &secrets);
    name_origins(&mut found, &objects);
    found.sort_by(|a, b| a.sort_key_cmp(b));
    found.dedup_by(|a, b| {
        a.rule.code == b.rule.code
            && a.location.range() == b.location.range()
            && a.location.name() == b.location.name()
            && a.message == b.message
    });

    let mut by_file: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    for d in found {
        by_file.entry(d.location.name().to_string()).or_default().push(d);
    }
    for (i, input) in inputs.iter().enumerate() {
        if let Some(report) = unreadable.remove(&i) {
            outcome.reports.push(report);
            continue;
        }
        let diagnostics = by_file.remove(&input.display).unwrap_or_default();
        outcome.reports.push(FileReport {
            name: input.display.clone(),
            path: input.path.clone(),
            diagnostics,
            fixed: None,
            unreadable: false,
        });
    }
    // Findings about other files (none today) are kept, never dropped.
    for (name, diagnostics) in by_file {
        outcome.reports.push(FileReport { name, path: None, diagnostics, fixed: None, unreadable: false });
    }
    outcome
}

/// The one finding about a Helm chart whose raw templates were found: they are Go
/// templates, never read as YAML. `chart` is the chart's `Chart.yaml` as displayed.
pub fn helm_chart_report(chart: &str, path: Option<PathBuf>, templates: usize, settings: &Settings) -> FileReport {
    let rule = &crate::rules::kubernetes::helm_chart_not_rendered::HelmChartNotRendered::META;
    let mut diagnostics = Vec::new();
    if settings.is_enabled(rule) && !settings.ignored_for_path(rule, chart) {
        let dir = Path::new(chart).parent().map(dockward_source::display_path).filter(|d| !d.is_empty());
        let dir = dir.unwrap_or_else(|| ".".to_string());
        let mut d = Diagnostic::new(
            rule,
            Location::File { name: chart.to_string() },
            format!(
                "Helm chart `{dir}`: {templates} template{} not checked (Go templates, not YAML)",
                if templates == 1 { "" } else { "s" }
            ),
        );
        d.help(format!(
            "render it and pipe it in: `helm template release {dir} | dockward check --stdin-filename {dir}.yaml -`"
        ));
        d.configure_severity(settings.severity(rule));
        diagnostics.push(d);
    }
    FileReport { name: chart.to_string(), path, diagnostics, fixed: None, unreadable: false }
}

/// The namespace an object is judged in: its `metadata.namespace`, else the
/// `namespace:` of the kustomization that rendered it, else `--k8s-namespace`
/// (`[kubernetes] namespace`); `None`: the group "namespace not set".
fn resolve_namespace(object: &Object, input: &ManifestInput, settings: &Settings) -> Option<String> {
    object
        .namespace
        .clone()
        .or_else(|| input.default_namespace.clone())
        .or_else(|| settings.kubernetes.namespace.clone())
}

/// A finding inside an object that was rendered from another file (Helm's `# Source:`,
/// Kustomize's origin annotation) names that file as related, so the user knows which
/// template to edit.
fn name_origins(found: &mut [Diagnostic], objects: &[Object]) {
    // (file, start) -> (end, origin), for a lookup per finding in logarithmic time.
    let origins: BTreeMap<(&str, TextSize), (TextSize, &str)> = objects
        .iter()
        .filter_map(|o| Some(((o.file.name(), o.root.range.start()), (o.root.range.end(), o.origin.as_deref()?))))
        .collect();
    if origins.is_empty() {
        return;
    }
    for d in found {
        let Some(range) = d.location.range() else { continue };
        let name = d.location.name();
        let Some((_, (end, origin))) = origins.range((name, TextSize::from(0))..=(name, range.start())).next_back()
        else {
            continue;
        };
        if range.start() <= *end {
            let origin = origin.to_string();
            d.related(Location::File { name: origin.clone() }, format!("rendered from `{origin}`"));
        }
    }
}

/// A Kustomize origin path (relative to `base`) as the user's file name: relative to
/// the working directory when below it.
fn origin_display(base: &Path, origin: &str) -> String {
    let joined = crate::settings::lexically_normal(&base.join(origin));
    let cwd = std::env::current_dir().ok().map(|d| crate::settings::lexically_normal(&d));
    match cwd.as_deref().and_then(|cwd| joined.strip_prefix(cwd).ok()) {
        Some(rel) => dockward_source::display_path(rel),
        None => dockward_source::display_path(&joined),
    }
}

/// One selector of a `dockward.io/ignore` annotation.
struct AnnotationCode {
    selector: String,
    range: TextRange,
    codes: Vec<&'static str>,
    used: bool,
}

/// The `dockward.io/ignore` annotation of one object.
struct AnnotationIgnore {
    file: Arc<SourceFile>,
    /// The object's range: findings inside it are covered.
    object: TextRange,
    codes: Vec<AnnotationCode>,
}

/// Reads an object's `dockward.io/ignore: "CODE,...: reason"`. `Some(Err)` for an
/// annotation that names no rule at all (an invalid suppression).
fn annotation_ignore(object: &Object) -> Option<Result<AnnotationIgnore, Diagnostic>> {
    let node = object.at(&["metadata", "annotations", IGNORE_ANNOTATION])?;
    let scalar = node.as_scalar()?;
    let value = scalar.value.as_str();
    // Offsets in the value are offsets in the source when the scalar is written
    // without escapes or folding; otherwise selectors point at the whole value.
    let exact = usize::from(scalar.raw.len()) == value.len() && !value.contains('\n');
    let list = value.split_once(':').map_or(value, |(codes, _reason)| codes);
    let mut codes = Vec::new();
    let mut offset = 0;
    for part in list.split(',') {
        let start = offset + (part.len() - part.trim_start().len());
        let selector = part.trim();
        offset += part.len() + 1;
        if selector.is_empty() {
            continue;
        }
        let range = if exact {
            let s = scalar.raw.start() + TextSize::from(start as u32);
            TextRange::at(s, TextSize::from(selector.len() as u32))
        } else {
            node.range
        };
        codes.push(AnnotationCode {
            selector: selector.to_string(),
            range,
            codes: resolve_selector(selector),
            used: false,
        });
    }
    if let Some(bad) = codes.iter().find(|c| c.codes.is_empty()) {
        let d = Diagnostic::new(
            registry::INVALID_SUPPRESSION,
            Location::source(&object.file, bad.range),
            format!(
                "`{}` in the `{IGNORE_ANNOTATION}` annotation names no rule (write `CODE,CODE: reason`)",
                bad.selector
            ),
        );
        return Some(Err(d));
    }
    Some(Ok(AnnotationIgnore { file: object.file.clone(), object: object.root.range, codes }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::SettingsBuilder;

    fn settings(select: &[&str]) -> Settings {
        SettingsBuilder { select: Some(select.iter().map(|s| s.to_string()).collect()), ..Default::default() }.build()
    }

    fn check(files: &[(&str, &str)], settings: &Settings) -> KubernetesOutcome {
        let inputs: Vec<_> = files.iter().map(|(n, t)| ManifestInput::file(*n, None, t.as_bytes().to_vec())).collect();
        check_manifests(&inputs, settings)
    }

    fn codes(outcome: &KubernetesOutcome) -> Vec<(String, &'static str, u32)> {
        outcome
            .reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .map(|d| (d.location.name().to_string(), d.rule.code, d.location.span().map_or(0, |(s, _)| s.line)))
            .collect()
    }

    const SA_AND_POD: &str =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: b}]\n";

    #[test]
    fn syntax_errors_are_located_and_the_other_documents_still_checked() {
        let text = format!("a: [\n---\n{SA_AND_POD}---\nkind: x\n");
        let out = check(&[("m.yaml", &text)], &settings(&["KS006"]));
        assert_eq!(
            codes(&out),
            [("m.yaml".into(), "DW001", 1), ("m.yaml".into(), "KS006", 5), ("m.yaml".into(), "DW001", 9)]
        );
        assert_eq!(out.objects, 1);
    }

    #[test]
    fn unknown_kinds_are_counted() {
        let text = format!("{SA_AND_POD}---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {{name: c}}\n---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {{name: n}}\n");
        let out = check(&[("m.yaml", &text)], &settings(&["KS"]));
        let unknown: Vec<_> = out.unknown_kinds.iter().map(|(k, n)| (k.as_str(), *n)).collect();
        assert_eq!(unknown, [("cert-manager.io/v1/Certificate", 1), ("cilium.io/v2/CiliumNetworkPolicy", 1)]);
        assert_eq!((out.documents, out.objects), (3, 3));
    }

    #[test]
    fn comments_and_annotations_suppress() {
        let commented = "# dockward: ignore[KS006] operator needs the API\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: b}]\n";
        let annotated = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: q\n  annotations:\n    dockward.io/ignore: \"automount-service-account-token, KS014: talks to the API\"\nspec:\n  containers: [{name: a, image: b}]\n";
        let out = check(&[("a.yaml", commented), ("b.yaml", annotated)], &settings(&["KS006", "KS014", "DW003"]));
        // KS014 in the annotation suppresses nothing: reported as unused, at its text.
        let found = codes(&out);
        assert_eq!(found, [("b.yaml".into(), "DW003", 6)], "{found:?}");
        let d = &out.reports[1].diagnostics[0];
        assert_eq!(&annotated[d.location.range().unwrap()], "KS014");
        let bad = annotated.replace("KS014", "NOPE1");
        let out = check(&[("b.yaml", &bad)], &settings(&["KS006", "DW004"]));
        let found = codes(&out);
        assert!(found.iter().any(|(_, c, _)| *c == "DW004"), "{found:?}");
    }

    #[test]
    fn helm_sources_are_named() {
        let text = format!("---\n# Source: shop/templates/pod.yaml\n{SA_AND_POD}");
        let out = check(&[("rendered.yaml", &text)], &settings(&["KS006"]));
        let d = &out.reports[0].diagnostics[0];
        assert_eq!(d.related[0].location.name(), "shop/templates/pod.yaml");
    }

    #[test]
    fn namespaces_resolve_from_metadata_then_kustomization_then_the_option() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: own}\n";
        let mut s = settings(&["KS006"]);
        s.kubernetes.namespace = Some("opt".into());
        let mut rendered = ManifestInput::file("k#rendered", None, text.as_bytes().to_vec());
        rendered.default_namespace = Some("kust".into());
        let plain = ManifestInput::file("p.yaml", None, text.as_bytes().to_vec());
        let resolved = |inputs: &[&ManifestInput], s: &Settings| -> Vec<Option<String>> {
            let mut out = Vec::new();
            for input in inputs {
                let file = SourceFile::new(input.display.as_str(), None, std::str::from_utf8(&input.bytes).unwrap());
                for o in load_manifest(&file, &LoadOptions::default()).objects {
                    out.push(resolve_namespace(&o, input, s));
                }
            }
            out
        };
        let some = |n: &str| Some(n.to_string());
        assert_eq!(resolved(&[&rendered, &plain], &s), [some("kust"), some("own"), some("opt"), some("own")]);
        s.kubernetes.namespace = None;
        assert_eq!(resolved(&[&plain], &s), [None, some("own")]);
    }

    #[test]
    fn bad_input_is_located_and_the_rest_still_checked() {
        // Not a mapping, a List of Lists, invalid UTF-8 in another file.
        let text = format!("- 1\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: PodList\n  items:\n  - {{apiVersion: v1, kind: Pod, metadata: {{name: inner}}, spec: {{containers: []}}}}\n---\n{SA_AND_POD}");
        let inputs = [
            ManifestInput::file("m.yaml", None, text.into_bytes()),
            ManifestInput::file("bad.yaml", None, b"apiVersion: v1\nkind: \xff\n".to_vec()),
        ];
        let out = check_manifests(&inputs, &settings(&["KS006"]));
        let found = codes(&out);
        assert_eq!(found[0], ("m.yaml".into(), "DW001", 1));
        assert_eq!(found.iter().filter(|(_, c, _)| *c == "KS006").count(), 2, "{found:?}");
        assert!(out.reports[1].unreadable);
        // A 5 MB ConfigMap is read like any other.
        let big = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata:\n  blob: \"{}\"\n---\n{SA_AND_POD}",
            "x".repeat(5 << 20)
        );
        let out = check(&[("big.yaml", &big)], &settings(&["KS006", "KS010"]));
        assert_eq!(codes(&out), [("big.yaml".into(), "KS006", 9)]);
    }

    #[test]
    fn fixes_are_applied_per_file_and_the_scan_rechecked() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: on\n  containers: []\n";
        let inputs = [ManifestInput::file("p.yaml", None, text.as_bytes().to_vec())];
        let s = settings(&["KS014"]);
        let safe = check_manifests_with_fixes(&inputs, &s, FixMode::Apply { unsafe_fixes: false });
        assert!(safe.reports[0].fixed.is_none());
        let out = check_manifests_with_fixes(&inputs, &s, FixMode::Apply { unsafe_fixes: true });
        let fixed = out.reports[0].fixed.as_ref().unwrap();
        assert_eq!(fixed.text, text.replace("hostNetwork: on", "hostNetwork: true"));
        assert_eq!(fixed.applied, 1);
        assert!(out.reports[0].diagnostics.is_empty());
    }

    #[test]
    fn configmap_secrets_are_masked_in_every_finding_even_with_ks010_off() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {API_TOKEN: Qx7-not-shown, on: yes}\n";
        let out = check(&[("c.yaml", text)], &settings(&["KS014"]));
        let d = &out.reports[0].diagnostics[0];
        assert_eq!(d.rule.code, "KS014");
        let masked: Vec<_> = d.redactions.iter().map(|r| &text[*r]).collect();
        assert_eq!(masked, ["Qx7-not-shown"]);
    }

    #[test]
    fn a_long_stream_and_invalid_values_are_checked_through() {
        let mut text = String::new();
        for i in 0..10_000 {
            text.push_str(&format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\ndata: {{k: v}}\n"));
        }
        // Quantities that mean nothing, ports of the wrong type: read, never a panic.
        text.push_str("---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: b\n    ports: [{containerPort: http, hostPort: [1]}]\n    resources: {limits: {memory: 12XYZ, cpu: -1.5e99m}}\n");
        let out = check(&[("long.yaml", &text)], &settings(&["KS006", "CT007", "CT017"]));
        assert_eq!(out.objects, 10_001);
        let found = codes(&out);
        assert!(found.iter().any(|(_, c, _)| *c == "KS006"), "{found:?}");
    }

    /// The CT rules run over each workload's containers, at the YAML key, and a value
    /// the API server would reject is a located error while the rest is still judged.
    #[test]
    fn container_rules_run_over_workloads() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      automountServiceAccountToken: false\n      containers:\n      - name: a\n        image: b\n        securityContext: {privileged: true}\n        resources: {limits: {memory: 512MB}}\n";
        let out = check(&[("d.yaml", text)], &settings(&["CT001", "KS006"]));
        let found = codes(&out);
        assert_eq!(found, [("d.yaml".into(), "CT001", 11), ("d.yaml".into(), "DW001", 12)], "{found:?}");
    }
}
