//! The Kubernetes inputs of `dockward check`: manifests (checked as one scan, so a
//! NetworkPolicy sees the pods of other files), kustomizations (rendered with
//! `kubectl kustomize` when it is installed) and raw Helm templates (one note per
//! chart: they are Go templates).

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dockward_diagnostics::{Diagnostic, Location};
use dockward_linter::check::{FileReport, FixMode};
use dockward_linter::check_k8s::{check_manifests_with_fixes, helm_chart_report, KubernetesOutcome, ManifestInput};
use dockward_linter::pss_report::PssReport;
use dockward_linter::registry;
use dockward_linter::settings::Settings;
use dockward_source::{SourceFile, TextRange};

use crate::args::CheckArgs;
use crate::discover::{helm_chart_of, FileKind, Input};

/// How long `kubectl kustomize` may run for one directory.
const KUSTOMIZE_TIMEOUT: Duration = Duration::from_secs(120);

/// The Kubernetes inputs of a run, taken out of the others.
#[derive(Default)]
pub struct KubernetesInputs {
    manifests: Vec<Input>,
    kustomizations: Vec<(String, PathBuf)>,
    helm_templates: Vec<PathBuf>,
}

impl KubernetesInputs {
    pub fn is_empty(&self) -> bool {
        self.manifests.is_empty() && self.kustomizations.is_empty() && self.helm_templates.is_empty()
    }
}

/// Splits the Kubernetes inputs from the others.
pub fn split(inputs: Vec<Input>) -> (Vec<Input>, KubernetesInputs) {
    let mut rest = Vec::with_capacity(inputs.len());
    let mut k8s = KubernetesInputs::default();
    for input in inputs {
        match input {
            Input::File { kind: FileKind::Kubernetes, .. } | Input::Stream { kind: FileKind::Kubernetes, .. } => {
                k8s.manifests.push(input)
            }
            Input::File { display, path, kind: FileKind::Kustomization } => k8s.kustomizations.push((display, path)),
            Input::File { path, kind: FileKind::HelmTemplate, .. } => k8s.helm_templates.push(path),
            other => rest.push(other),
        }
    }
    (rest, k8s)
}

/// The run's settings with the command line's Kubernetes options on top.
pub fn settings(run: &Settings, args: &CheckArgs) -> Settings {
    let mut s = run.clone();
    if let Some(ns) = args.k8s_namespace.as_ref().filter(|n| !n.trim().is_empty()) {
        s.kubernetes.namespace = Some(ns.clone());
    }
    s.kubernetes.complete_namespaces |= args.complete_namespace;
    s.kubernetes.pss_report = args.format == crate::args::OutputFormat::Pss;
    s
}

/// Checks every Kubernetes input of the run: one report per manifest, rendered
/// kustomization and Helm chart. Notes (kubectl missing, the summary) go to stderr
/// unless `quiet`.
pub fn check(
    k8s: KubernetesInputs,
    streams: &HashMap<String, Vec<u8>>,
    settings: &Settings,
    fix: FixMode,
    quiet: bool,
) -> (Vec<FileReport>, Option<PssReport>) {
    let mut reports = Vec::new();
    let mut inputs: Vec<ManifestInput> = Vec::new();

    // Kustomizations first: the raw files of a rendered directory are in its output.
    let kubectl = find_on_path("kubectl");
    let mut rendered_dirs: Vec<PathBuf> = Vec::new();
    if !k8s.kustomizations.is_empty() && kubectl.is_none() && !quiet {
        eprintln!(
            "dockward: note: {} kustomization{} not rendered: `kubectl` is not on PATH (install kubectl to check \
             overlays; their raw files are checked as they are)",
            k8s.kustomizations.len(),
            if k8s.kustomizations.len() == 1 { "" } else { "s" }
        );
    }
    if let Some(kubectl) = &kubectl {
        for (display, path) in &k8s.kustomizations {
            match render(kubectl, display, path) {
                Ok(Some(input)) => {
                    rendered_dirs.push(path.parent().map(Path::to_path_buf).unwrap_or_default());
                    inputs.push(input);
                }
                Ok(None) => {
                    if !quiet {
                        eprintln!(
                            "dockward: note: {display}: not rendered: it names remote resources, and dockward reads \
                             no network; its local files are checked as they are"
                        );
                    }
                }
                Err(message) => reports.push(render_failure(display, path, message)),
            }
        }
    }

    for input in k8s.manifests {
        match input {
            Input::File { display, path, .. } => {
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                if rendered_dirs.contains(&dir) {
                    continue;
                }
                match dockward_source::input::read(&path) {
                    Ok(bytes) => inputs.push(ManifestInput::file(display, Some(path), bytes)),
                    Err(e) => reports.push(FileReport {
                        name: display.clone(),
                        path: Some(path),
                        diagnostics: vec![Diagnostic::new(
                            registry::UNREADABLE_FILE,
                            Location::File { name: display },
                            format!("cannot read: {e}"),
                        )],
                        fixed: None,
                        unreadable: true,
                    }),
                }
            }
            Input::Stream { display, path, .. } => {
                let bytes = streams.get(&display).cloned().unwrap_or_default();
                inputs.push(ManifestInput::file(display, path, bytes));
            }
        }
    }

    let mut charts: BTreeMap<PathBuf, usize> = BTreeMap::new();
    for template in &k8s.helm_templates {
        let chart =
            helm_chart_of(template).unwrap_or_else(|| template.parent().map(Path::to_path_buf).unwrap_or_default());
        *charts.entry(chart).or_default() += 1;
    }
    for (chart, templates) in charts {
        let file = chart.join("Chart.yaml");
        reports.push(helm_chart_report(&dockward_source::display_path(&file), Some(file), templates, settings));
    }

    let mut pss = None;
    if !inputs.is_empty() {
        let outcome = check_manifests_with_fixes(&inputs, settings, fix);
        if !quiet {
            eprintln!("dockward: {}", summary(&outcome, inputs.len()));
        }
        reports.extend(outcome.reports);
        pss = outcome.pss;
    }
    (reports, pss)
}

/// `Kubernetes: 3 files, 12 documents, 14 objects; not judged: 2 objects of unknown
/// kinds (cert-manager.io/v1/Certificate 1, argoproj.io/v1alpha1/Rollout 1)`.
pub fn summary(outcome: &KubernetesOutcome, files: usize) -> String {
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = format!(
        "Kubernetes: {}, {}, {}",
        plural(files, "file", "files"),
        plural(outcome.documents, "document", "documents"),
        plural(outcome.objects, "object", "objects")
    );
    let unknown: usize = outcome.unknown_kinds.values().sum();
    if unknown > 0 {
        let kinds: Vec<String> = outcome.unknown_kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        line.push_str(&format!(
            "; not judged: {} of kinds dockward does not know ({}; set `[kubernetes] podspec-paths` for custom \
             controllers)",
            plural(unknown, "object", "objects"),
            kinds.join(", ")
        ));
    }
    line
}

/// The report of a kustomization `kubectl kustomize` refused: a DW001 at the file.
fn render_failure(display: &str, path: &Path, message: String) -> FileReport {
    let text = dockward_source::input::read_to_string(path).unwrap_or_default();
    let file = SourceFile::new(display, Some(path.to_path_buf()), text);
    let at = Location::source(&file, TextRange::empty(0.into()));
    FileReport {
        name: display.to_string(),
        path: Some(path.to_path_buf()),
        diagnostics: vec![Diagnostic::new(registry::SYNTAX_ERROR, at, format!("kubectl kustomize failed: {message}"))],
        fixed: None,
        unreadable: false,
    }
}

/// Renders the directory of a kustomization. `Ok(None)` when it names remote
/// resources (Kustomize would fetch them). Each object gets the
/// `config.kubernetes.io/origin` annotation naming its file: the directory is
/// rendered through a temporary kustomization that includes it with
/// `buildMetadata: [originAnnotations]`; a kustomization that cannot be included
/// that way (a Component) is rendered as it is.
fn render(kubectl: &Path, display: &str, path: &Path) -> Result<Option<ManifestInput>, String> {
    let text = dockward_source::input::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    if text.contains("://") || text.contains("git@") || text.contains("github.com/") {
        return Ok(None);
    }
    let namespace = dockward_k8s::loader::kustomization_namespace(&text);
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let dir = std::fs::canonicalize(dir).map_err(|e| format!("cannot resolve {}: {e}", dir.display()))?;
    let rendered_display = format!("{display}#rendered");

    let wrapper = std::env::temp_dir().join(format!(
        "dockward-kustomize-{}-{}",
        std::process::id(),
        WRAPPERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let with_origins = (|| -> Result<Vec<u8>, String> {
        std::fs::create_dir_all(&wrapper).map_err(|e| e.to_string())?;
        let wrapper_abs = std::fs::canonicalize(&wrapper).map_err(|e| e.to_string())?;
        let up = "../".repeat(wrapper_abs.components().count().saturating_sub(1));
        let target = dir.strip_prefix("/").unwrap_or(&dir);
        let resource = format!("{up}{}", target.display());
        let body = format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- {}\nbuildMetadata: [originAnnotations]\n",
            serde_json::to_string(&resource).map_err(|e| e.to_string())?
        );
        std::fs::write(wrapper_abs.join("kustomization.yaml"), body).map_err(|e| e.to_string())?;
        run_kubectl(kubectl, &wrapper_abs)
    })();
    let origin_base = std::fs::canonicalize(&wrapper).ok();
    let _ = std::fs::remove_dir_all(&wrapper);
    match with_origins {
        Ok(bytes) => Ok(Some(ManifestInput {
            display: rendered_display,
            path: None,
            bytes,
            default_namespace: namespace,
            origin_base,
            rendered: true,
        })),
        Err(_) => {
            let bytes = run_kubectl(kubectl, &dir)?;
            Ok(Some(ManifestInput {
                display: rendered_display,
                path: None,
                bytes,
                default_namespace: namespace,
                origin_base: None,
                rendered: true,
            }))
        }
    }
}

static WRAPPERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// `kubectl kustomize DIR`, bounded in time; its output, or its error message.
fn run_kubectl(kubectl: &Path, dir: &Path) -> Result<Vec<u8>, String> {
    let mut child = Command::new(kubectl)
        .arg("kustomize")
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run kubectl: {e}"))?;
    let max = dockward_source::input::limits().max_file_size;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let mut stderr = child.stderr.take().ok_or("no stderr")?;
    // Both pipes are drained while kubectl runs, so it never blocks on a full one.
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = (&mut stdout).take(max.saturating_add(1)).read_to_end(&mut buf);
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut buf);
        buf
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > KUSTOMIZE_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("kubectl kustomize ran longer than {} s", KUSTOMIZE_TIMEOUT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if !status.success() {
        let message = String::from_utf8_lossy(&stderr);
        let message = message.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or("no message");
        return Err(message.to_string());
    }
    if stdout.len() as u64 > max {
        return Err(dockward_source::input::too_large(max).to_string());
    }
    Ok(stdout)
}

/// The first executable named `name` in `PATH`.
fn find_on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0))
}
