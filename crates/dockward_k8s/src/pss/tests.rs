use dockward_source::SourceFile;
use dockward_yaml::Budget;

use super::*;
use crate::objects_in;

fn object(text: &str) -> Object {
    let read = objects_in(&SourceFile::new("w.yaml", None, text), &Budget::default());
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    read.objects.into_iter().next().expect("one object")
}

fn at(text: &str, version: &str) -> Evaluation {
    evaluate(&object(text), version.parse().unwrap()).expect("a pod template")
}

fn ids(evaluation: &Evaluation) -> Vec<&'static str> {
    evaluation.failures.iter().map(|f| f.id).collect()
}

const RESTRICTED_DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata:
      annotations: {}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: app
        image: web:1
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
";

#[test]
fn versions_parse_with_and_without_v_and_latest() {
    assert_eq!("latest".parse::<Version>().unwrap(), Version::LATEST);
    assert_eq!("v1.25".parse::<Version>().unwrap().minor(), 25);
    assert_eq!("1.0".parse::<Version>().unwrap(), Version::OLDEST);
    assert_eq!(Version::LATEST.to_string(), "v1.37");
    for bad in ["", "1", "1.", "2.3", "v1.x", "1.-1", "1.25.3", "v1.0025", "Latest"] {
        let error = bad.parse::<Version>().unwrap_err().to_string();
        assert!(error.contains("expected `latest`"), "{bad}: {error}");
    }
    let future = "1.40".parse::<Version>().unwrap_err().to_string();
    assert!(future.contains("newer than the newest known one (v1.37)"), "{future}");
    assert_eq!(Version::all().count(), 38);
    assert_eq!("restricted".parse::<Level>(), Ok(Level::Restricted));
    assert!("Restricted".parse::<Level>().is_err());
}

#[test]
fn a_hardened_deployment_is_restricted_at_every_version() {
    for version in Version::all() {
        let e = evaluate(&object(RESTRICTED_DEPLOYMENT), version).unwrap();
        assert_eq!(e.level, Level::Restricted, "{version}: {:?}", e.failures);
    }
}

#[test]
fn failures_point_at_the_keys_of_the_template() {
    let text = RESTRICTED_DEPLOYMENT.replace("allowPrivilegeEscalation: false", "privileged: true");
    let e = at(&text, "latest");
    assert_eq!(e.level, Level::Privileged);
    assert_eq!(ids(&e), ["privileged", "allowPrivilegeEscalation"]);
    let privileged = &e.failures[0];
    assert_eq!(privileged.level, Level::Baseline);
    assert_eq!(privileged.fields[0].path, "spec.template.spec.containers[0].securityContext.privileged");
    assert_eq!(&text[privileged.fields[0].range], "privileged");
    assert!(privileged.message.contains("container \"app\""), "{}", privileged.message);
    // Unset: the finding points at the container's name key.
    let escalation = &e.failures[1];
    assert_eq!(escalation.fields[0].path, "spec.template.spec.containers[0]");
    assert_eq!(&text[escalation.fields[0].range], "name");
}

#[test]
fn template_annotations_count_for_workloads_and_cronjobs_are_found() {
    let text = "\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: c
  annotations: {container.apparmor.security.beta.kubernetes.io/app: unconfined}
spec:
  jobTemplate:
    spec:
      template:
        metadata:
          annotations:
            container.apparmor.security.beta.kubernetes.io/app: unconfined
        spec:
          containers: [{name: app, image: x}]
";
    let e = at(text, "latest");
    assert_eq!(ids(&e)[0], "appArmorProfile");
    let field = &e.failures[0].fields[0];
    assert_eq!(
        field.path,
        "spec.jobTemplate.spec.template.metadata.annotations.container.apparmor.security.beta.kubernetes.io/app"
    );
    // The object's own annotation is not the pod's: only the template's is reported.
    assert_eq!(e.failures[0].fields.len(), 1);
    assert!(field.range.start() > text.find("jobTemplate").unwrap().try_into().unwrap());
}

#[test]
fn ephemeral_and_init_containers_are_visited() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x}]\n  initContainers: [{name: i, image: x, ports: [{containerPort: 80, hostPort: 80}]}]\n  ephemeralContainers: [{name: debug, image: x, securityContext: {capabilities: {add: [SYS_PTRACE]}}}]\n";
    let e = at(text, "latest");
    assert_eq!(e.level, Level::Privileged);
    let caps = e.failures.iter().find(|f| f.id == "capabilities_baseline").unwrap();
    assert!(
        caps.message.contains("SYS_PTRACE") && caps.message.contains("ephemeralContainer \"debug\""),
        "{}",
        caps.message
    );
    assert_eq!(caps.fields[0].path, "spec.ephemeralContainers[0].securityContext.capabilities.add[0]");
    let ports = e.failures.iter().find(|f| f.id == "hostPorts").unwrap();
    assert_eq!(ports.fields[0].path, "spec.initContainers[0].ports[0].hostPort");
}

#[test]
fn checks_change_with_the_version() {
    // seccomp: annotations before 1.19, fields from 1.19.
    let annotated = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}\nspec: {containers: [{name: a, image: x}]}\n";
    assert_eq!(at(annotated, "1.18").level, Level::Privileged);
    assert_eq!(at(annotated, "1.19").level, Level::Baseline);
    // Windows pods are exempt from the Linux-only restricted checks from 1.25.
    let windows = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  os: {name: windows}\n  securityContext: {runAsNonRoot: true}\n  containers: [{name: a, image: x}]\n";
    assert_eq!(at(windows, "1.24").level, Level::Baseline);
    assert_eq!(
        ids(&at(windows, "1.24")),
        ["allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"]
    );
    assert_eq!(at(windows, "1.25").level, Level::Restricted);
    // allowPrivilegeEscalation exists from 1.8, capabilities_restricted from 1.22.
    assert_eq!(ids(&at(windows, "1.7")), Vec::<&str>::new());
    assert_eq!(ids(&at(windows, "1.21")), ["allowPrivilegeEscalation", "seccompProfile_restricted"]);
    // User namespaces relax runAsNonRoot, runAsUser and baseline procMount from 1.35.
    let userns = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostUsers: false\n  securityContext: {runAsUser: 0, seccompProfile: {type: RuntimeDefault}}\n  containers:\n  - name: a\n    image: x\n    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, procMount: Unmasked}\n";
    assert_eq!(ids(&at(userns, "1.34")), ["procMount", "runAsNonRoot", "runAsUser"]);
    let e = at(userns, "1.35");
    assert_eq!(ids(&e), ["procMount_restricted"]);
    assert_eq!(e.level, Level::Baseline);
    // A sysctl safe from 1.29 only.
    let sysctl = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {sysctls: [{name: net.ipv4.tcp_fin_timeout, value: '30'}]}\n  containers: [{name: a, image: x}]\n";
    assert_eq!(at(sysctl, "1.28").level, Level::Privileged);
    assert_eq!(at(sysctl, "1.29").level, Level::Baseline);
}

#[test]
fn restricted_namespaces_report_the_overriding_check_only() {
    let text = RESTRICTED_DEPLOYMENT.replace("{drop: [ALL]}", "{drop: [ALL], add: [NET_RAW]}");
    let e = at(&text, "latest");
    assert_eq!(ids(&e), ["capabilities_baseline", "capabilities_restricted"]);
    let at_restricted: Vec<_> = e.failures_at(Level::Restricted).map(|f| f.id).collect();
    assert_eq!(at_restricted, ["capabilities_restricted"]);
    let at_baseline: Vec<_> = e.failures_at(Level::Baseline).map(|f| f.id).collect();
    assert_eq!(at_baseline, ["capabilities_baseline"]);
    assert_eq!(e.failures_at(Level::Privileged).count(), 0);
}

#[test]
fn yaml_1_1_booleans_are_judged_with_the_more_permissive_reading() {
    // kubectl reads `yes` as true: the host namespace is shared.
    let risky = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: yes\n  containers: [{name: a, image: x}]\n";
    assert_eq!(ids(&at(risky, "latest"))[0], "hostNamespaces");
    // `allowPrivilegeEscalation: no` is not a YAML 1.2 false (kustomize keeps it a string).
    let safe = RESTRICTED_DEPLOYMENT.replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: no");
    assert_eq!(ids(&at(&safe, "latest")), ["allowPrivilegeEscalation"]);
    // A quoted "true" is a string, not privileged.
    let quoted = RESTRICTED_DEPLOYMENT
        .replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: false\n          privileged: 'true'");
    assert_eq!(at(&quoted, "latest").level, Level::Restricted);
}

#[test]
fn odd_shapes_never_panic_and_kinds_without_pods_are_not_judged() {
    for spec in [
        "spec: 5",
        "spec: {containers: 5, volumes: [1, [2], {hostPath: ~}], securityContext: []}",
        "spec: {containers: [5, {securityContext: 3}]}",
    ] {
        let text = format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\n{spec}\n");
        let e = evaluate(&object(&text), Version::LATEST);
        assert!(e.is_none_or(|e| e.level >= Level::Baseline), "{spec}");
    }
    assert!(
        evaluate(&object("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n"), Version::LATEST).is_none()
    );
    assert!(
        evaluate(&object("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"), Version::LATEST).is_none()
    );
}

#[test]
fn the_table_is_consistent() {
    for check in CHECKS {
        assert!(!check.versions.is_empty(), "{}", check.id);
        assert!(check.versions.windows(2).all(|w| w[0].since < w[1].since), "{}", check.id);
        for id in check.overrides {
            assert_eq!(check.level, Level::Restricted);
            assert!(CHECKS.iter().any(|c| c.id == *id && c.level == Level::Baseline), "{id}");
        }
    }
    let names: Vec<_> = CHECKS.iter().map(|c| c.id).collect();
    let mut sorted = names.clone();
    sorted.dedup();
    assert_eq!(names.len(), sorted.len());
    assert_eq!(CHECKS.iter().find(|c| c.id == "hostProbesAndHostLifecycle").unwrap().since().minor(), 34);
}

#[test]
fn every_workload_kind_is_judged_at_its_template() {
    // The same privileged pod template under each kind; the path of the finding shows
    // where each kind keeps its template.
    let pod = "securityContext: {runAsNonRoot: true}\ncontainers:\n- name: app\n  image: x\n  securityContext: {privileged: true}\n";
    let indent =
        |text: &str, by: usize| -> String { text.lines().map(|l| format!("{}{l}\n", " ".repeat(by))).collect() };
    let kinds = [
        ("v1", "Pod", "spec:\n".to_owned() + &indent(pod, 2), "spec"),
        ("v1", "PodTemplate", "template:\n  spec:\n".to_owned() + &indent(pod, 4), "template.spec"),
        (
            "v1",
            "ReplicationController",
            "spec:\n  template:\n    spec:\n".to_owned() + &indent(pod, 6),
            "spec.template.spec",
        ),
        ("apps/v1", "ReplicaSet", "spec:\n  template:\n    spec:\n".to_owned() + &indent(pod, 6), "spec.template.spec"),
        ("apps/v1", "Deployment", "spec:\n  template:\n    spec:\n".to_owned() + &indent(pod, 6), "spec.template.spec"),
        ("apps/v1", "DaemonSet", "spec:\n  template:\n    spec:\n".to_owned() + &indent(pod, 6), "spec.template.spec"),
        (
            "apps/v1",
            "StatefulSet",
            "spec:\n  template:\n    spec:\n".to_owned() + &indent(pod, 6),
            "spec.template.spec",
        ),
        ("batch/v1", "Job", "spec:\n  template:\n    spec:\n".to_owned() + &indent(pod, 6), "spec.template.spec"),
        (
            "batch/v1",
            "CronJob",
            "spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n".to_owned() + &indent(pod, 10),
            "spec.jobTemplate.spec.template.spec",
        ),
    ];
    for (api, kind, body, at) in kinds {
        let text = format!("apiVersion: {api}\nkind: {kind}\nmetadata: {{name: w}}\n{body}");
        let e = at_latest(&text);
        assert_eq!(e.level, Level::Privileged, "{kind}");
        let privileged = e.failures.iter().find(|f| f.id == "privileged").expect(kind);
        assert_eq!(privileged.fields[0].path, format!("{at}.containers[0].securityContext.privileged"), "{kind}");
        assert_eq!(&text[privileged.fields[0].range], "privileged", "{kind}");
        // The pod-level runAsNonRoot was read at the same place.
        assert!(e.failures.iter().all(|f| f.id != "runAsNonRoot"), "{kind}: {:?}", ids(&e));
    }
}

fn at_latest(text: &str) -> Evaluation {
    at(text, "latest")
}

#[test]
fn container_level_settings_override_and_complete_the_pod_level() {
    // runAsNonRoot: the pod says true, one container says false.
    let text = RESTRICTED_DEPLOYMENT
        .replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: false\n          runAsNonRoot: false");
    let e = at_latest(&text);
    assert_eq!(ids(&e), ["runAsNonRoot"]);
    assert_eq!(&text[e.failures[0].fields[0].range], "runAsNonRoot");
    assert!(e.failures[0].message.contains("runAsNonRoot=false on container \"app\""), "{}", e.failures[0].message);
    // seccomp: no pod-level profile, the container's own RuntimeDefault is enough.
    let text = RESTRICTED_DEPLOYMENT.replace("        seccompProfile: {type: RuntimeDefault}\n", "").replace(
        "allowPrivilegeEscalation: false",
        "allowPrivilegeEscalation: false\n          seccompProfile: {type: RuntimeDefault}",
    );
    assert_eq!(at_latest(&text).level, Level::Restricted);
    // An explicit container Unconfined under a RuntimeDefault pod fails both seccomp checks.
    let text = RESTRICTED_DEPLOYMENT.replace(
        "allowPrivilegeEscalation: false",
        "allowPrivilegeEscalation: false\n          seccompProfile: {type: Unconfined}",
    );
    let e = at_latest(&text);
    assert_eq!(ids(&e), ["seccompProfile_baseline", "seccompProfile_restricted"]);
    assert!(e.failures[0].overridden && !e.failures[1].overridden);
}

#[test]
fn a_pod_with_thousands_of_containers_names_each_once() {
    let mut text = String::from("apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n  containers:\n");
    for i in 0..5_000 {
        text.push_str(&format!("  - {{name: c{i}, image: x, securityContext: {{runAsNonRoot: {}}}}}\n", i % 2 == 0));
    }
    let e = at_latest(&text);
    let non_root = e.failures.iter().find(|f| f.id == "runAsNonRoot").unwrap();
    // The odd containers set false explicitly; the even ones pass.
    assert_eq!(non_root.fields.len(), 2_500);
    assert!(non_root.message.starts_with("runAsNonRoot=false on container \"c1\", container \"c3\""));
    assert!(!non_root.message.contains("not true on the pod"));
    let seccomp = e.failures.iter().find(|f| f.id == "seccompProfile_restricted").unwrap();
    assert_eq!(seccomp.fields.len(), 5_000);
}
