//! End-to-end tests of `dockward check` on Kubernetes manifests: discovery by content,
//! one scan over every file, bad input, Helm and Kustomize, the summary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The loader's own Kubernetes rules that are on by default (service accounts, ConfigMaps, YAML typing, Helm)
/// and the meta rules: the NetworkPolicy, RBAC, Pod Security and container rules have
/// their own tests.
const LOADER_RULES: &str = "DW,KS006,KS010,KS014,KS017";

/// A JSON check with only `select`.
fn bin(select: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dockward"));
    c.env_remove("NO_COLOR").args(["check", "--isolated", "--format", "json", "--select", select]);
    c
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content).unwrap();
    p
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad json ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// (path relative to the temp dir, code, line) of every finding.
fn findings(out: &Output, dir: &Path) -> Vec<(String, String, u64)> {
    let prefix = format!("{}/", dir.display());
    json(out)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            (
                path.strip_prefix(&prefix).unwrap_or(path).to_string(),
                f["code"].as_str().unwrap().to_string(),
                f["location"]["start"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: nginx:1.27}]\n";

#[test]
fn a_directory_of_manifests_is_one_scan() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "deploy/web.yaml", DEPLOYMENT);
    // The binding in another file makes KS006 a warning: one scan across files.
    write(
        d,
        "rbac/binding.yml",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: web-read, namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\nsubjects: [{kind: ServiceAccount, name: default}]\n",
    );
    write(
        d,
        "config/app.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: shop}\ndata:\n  DB_PASSWORD: Zk4-never-printed\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: [\n---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: tls}\n",
    );
    write(
        d,
        "list.json",
        r#"{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"hostNetwork": "x"}}]}"#,
    );
    // Never claimed: a Compose file, a plain YAML file, a Dockerfile.
    write(d, "compose.yaml", "services:\n  web: {image: nginx}\n");
    write(d, "values.yaml", "replicas: yes\n");
    write(d, "Dockerfile", "FROM alpine:3.20\n");
    let out = bin(LOADER_RULES).arg(d).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        findings(&out, d),
        [
            ("config/app.yaml".into(), "KS010".into(), 5),
            ("config/app.yaml".into(), "DW001".into(), 9),
            ("deploy/web.yaml".into(), "KS006".into(), 3),
        ]
    );
    let v = json(&out);
    let ks006 = v["findings"].as_array().unwrap().iter().find(|f| f["code"] == "KS006").unwrap();
    assert_eq!(ks006["severity"], "warning");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Zk4-never-printed"));
    assert!(
        stderr.contains("Kubernetes: 4 files, 6 documents, 5 objects; not judged: 1 object")
            && stderr.contains("cert-manager.io/v1/Certificate 1"),
        "{stderr}"
    );
}

#[test]
fn clean_manifests_exit_zero_and_namespaces_come_from_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = DEPLOYMENT
        .replace(", namespace: shop", "")
        .replace("    spec:\n", "    spec:\n      automountServiceAccountToken: false\n");
    write(d, "web.yaml", &text);
    let out = bin(LOADER_RULES).arg(d).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    write(d, "web.yaml", &DEPLOYMENT.replace(", namespace: shop", ""));
    let out = bin("KS006").arg("--fail-on").arg("info").arg(d).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let message = json(&out)["findings"][0]["message"].as_str().unwrap().to_string();
    assert!(message.contains("namespace not set"), "{message}");
    let out = bin("KS006").args(["--k8s-namespace", "team-a"]).arg(d).output().unwrap();
    let message = json(&out)["findings"][0]["message"].as_str().unwrap().to_string();
    assert!(message.contains("namespace `team-a`"), "{message}");
}

#[test]
fn a_rendered_helm_stream_on_stdin_names_each_template() {
    let stream =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kubernetes/helm-rendered.yaml")).unwrap();
    let mut child = bin(LOADER_RULES)
        .args(["--stdin-filename", "shop.yaml", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(&stream).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let v = json(&out);
    let found: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap().to_string(), f["related"][0]["path"].as_str().unwrap_or("").to_string()))
        .collect();
    assert_eq!(
        found,
        [
            ("KS010".to_string(), "shop/templates/configmap.yaml".to_string()),
            ("KS006".to_string(), "shop/templates/deployment.yaml".to_string()),
        ]
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Wq8-rendered-by-helm"));
}

#[test]
fn raw_helm_charts_get_one_note_and_no_syntax_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "chart/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.1.0\n");
    write(d, "chart/values.yaml", "replicas: 1\n");
    write(d, "chart/templates/deployment.yaml", "{{- if .Values.enabled }}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"x\" . }}\n{{- end }}\n");
    write(d, "chart/templates/service.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: {{ .Release.Name }}}\n");
    let out = bin(LOADER_RULES).arg(d).output().unwrap();
    assert_eq!(findings(&out, d), [("chart/Chart.yaml".into(), "KS017".into(), 0)]);
    let message = json(&out)["findings"][0]["message"].as_str().unwrap().to_string();
    assert!(message.contains("2 templates"), "{message}");
}

#[test]
fn kustomizations_are_rendered_or_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "base/kustomization.yaml", "resources: [web.yaml]\n");
    write(d, "base/web.yaml", &DEPLOYMENT.replace(", namespace: shop", ""));
    write(d, "overlay/kustomization.yaml", "namespace: prod\nresources: [../base]\n");
    // Without kubectl: one note, and the raw files are checked as they are.
    let empty = tempfile::tempdir().unwrap();
    let out = bin("KS006").env("PATH", empty.path()).arg(d).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("2 kustomizations not rendered: `kubectl` is not on PATH"), "{stderr}");
    assert_eq!(findings(&out, d), [("base/web.yaml".into(), "KS006".into(), 3)]);
    let has_kubectl =
        std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|dir| dir.join("kubectl").is_file()));
    if !has_kubectl {
        eprintln!("kubectl not installed: the rendering half of this test is skipped (.ci/run installs it)");
        return;
    }
    let out = bin("KS006").arg(d).output().unwrap();
    let v = json(&out);
    let mut found: Vec<(String, String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let path = path.rsplit_once("/base/").or(path.rsplit_once("/overlay/")).map_or(path, |(_, p)| p);
            (
                path.to_string(),
                f["message"].as_str().unwrap().to_string(),
                f["related"][0]["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(found.len(), 2, "{found:?}");
    // The overlay's namespace is applied; each finding names the base file.
    assert!(found.iter().any(|(_, m, _)| m.contains("namespace `prod`")), "{found:?}");
    assert!(
        found.iter().all(|(p, _, r)| p == "kustomization.yaml#rendered" && r.ends_with("base/web.yaml")),
        "{found:?}"
    );
}

/// `--format pss`: each workload's highest Pod Security level with the failing checks at
/// their fields, and per namespace the workloads its enforce label would reject, at the
/// version `--pss-version` names.
#[test]
fn the_pod_security_report_of_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "ns.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n",
    );
    write(
        dir.path(),
        "apps.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n        securityContext: {privileged: true}\n---\n\
         apiVersion: v1\nkind: Pod\nmetadata: {name: tight, namespace: shop}\nspec:\n  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .args(["check", "--isolated", "--format", "pss", "--pss-version", "1.30"])
        .arg(dir.path())
        .output()
        .unwrap();
    let doc = json(&out);
    assert_eq!(doc["version"], "v1.30");
    let level =
        |name: &str| doc["workloads"].as_array().unwrap().iter().find(|w| w["name"] == name).unwrap()["level"].clone();
    assert_eq!(level("web"), "privileged");
    assert_eq!(level("tight"), "restricted");
    let web = doc["workloads"].as_array().unwrap().iter().find(|w| w["name"] == "web").unwrap();
    let privileged = web["checks"].as_array().unwrap().iter().find(|c| c["id"] == "privileged").unwrap();
    assert_eq!(privileged["fields"][0]["path"], "spec.template.spec.containers[0].securityContext.privileged");
    assert_eq!(privileged["fields"][0]["line"], 10);
    let shop = &doc["namespaces"][0];
    assert_eq!(shop["name"], "shop");
    let rejected: Vec<&str> =
        shop["violations"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap()).collect();
    assert_eq!(rejected, ["web"]);
    // Not a format of scan.
    let out = Command::new(env!("CARGO_BIN_EXE_dockward")).args(["scan", "--format", "pss", "x.tar"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format pss is the Pod Security report"));
}
