//! Workloads -> `ContainerSpec`s: one per container, init container and ephemeral
//! container of a pod template, pod-level settings merged under the container's.
//!
//! Every value is located at the YAML key it was read from (`privileged`,
//! `allowPrivilegeEscalation`, `type` of a `seccompProfile`, ...), or at the item for
//! list values (a capability, an image, a host path). A value inherited from the
//! pod-level `securityContext` is located at the pod-level key, with the pod's
//! `securityContext` key as a related location naming the container it applies to.
//!
//! Kubernetes semantics differ from Docker's in places, and the spec is built so the
//! container rules see the Kubernetes meaning:
//! - `allowPrivilegeEscalation: false` is `no-new-privileges:true`; unset means
//!   escalation is allowed (the rules know there is no daemon default on Kubernetes);
//! - an unset seccomp profile is Unconfined unless the kubelet's `seccompDefault` is
//!   on: nothing is put in the spec, the rule reads the source and the engine defaults;
//! - `containerPort` alone publishes nothing; only `hostPort` does;
//! - only `hostPath` volumes are host mounts; other volume types are not mapped;
//! - pids limits, devices, ulimits, cgroup parents, restart policies and `init` do
//!   not exist per container, and are never set.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use dockward_diagnostics::Location;
use dockward_source::{SourceFile, TextRange};
use dockward_spec::{
    ContainerSpec, EnvVar, Healthcheck, InsertPoint, Mount, MountKind, PortMapping, SecurityContextInsert, SpecSource,
    Val, Via,
};
use dockward_yaml::{Entry, Node};

use crate::quantity::Quantity;
use crate::Object;

/// A value of a workload that could not be read (an invalid quantity), located at it.
/// The rest of the workload is still read.
#[derive(Debug, Clone)]
pub struct WorkloadProblem {
    pub at: Location,
    pub message: String,
}

/// The three lists of containers a pod spec holds, in the order specs are made.
const CONTAINER_LISTS: &[&str] = &["initContainers", "containers", "ephemeralContainers"];

/// The annotation prefix of the pre-1.30 AppArmor profile, per container name.
const APPARMOR_ANNOTATION: &str = "container.apparmor.security.beta.kubernetes.io/";

/// The containers of a workload (`Object::pod_spec` is set) as specs, each value with
/// its provenance at the YAML key it came from, in the order init containers,
/// containers, ephemeral containers. Empty for other kinds. Problems are values that
/// the API server would reject (invalid quantities): they are left out of the spec.
pub fn container_specs(object: &Object) -> (Vec<ContainerSpec>, Vec<WorkloadProblem>) {
    let mut problems = Vec::new();
    let Some(pod) = object.pod_spec() else { return (Vec::new(), problems) };
    let cx = Pod::new(object, pod);
    let mut specs = Vec::new();
    for list in CONTAINER_LISTS {
        for container in pod.get(list).and_then(Node::as_seq).unwrap_or_default() {
            if container.as_map().is_some() {
                specs.push(cx.container_spec(container, &mut problems));
            }
        }
    }
    (specs, problems)
}

/// The pod-level context of the containers of one workload.
struct Pod<'a> {
    object: &'a Object,
    file: &'a Arc<SourceFile>,
    pod: &'a Node,
    /// The pod-level `securityContext` entry, when it is a mapping.
    security: Option<&'a Entry>,
    /// `hostPath.path` of each volume by name (the first of a name: the API server
    /// rejects duplicates), so each volumeMount is one lookup however many there are.
    host_paths: HashMap<&'a str, Option<&'a Node>>,
    /// The alias copies the current container is read through (the container itself,
    /// its `securityContext`, the pod's): their range, which is the anchored node's,
    /// and a note at the alias use site. Values read inside get the note as related.
    aliases: RefCell<Vec<(TextRange, Via)>>,
}

fn loc(file: &Arc<SourceFile>, range: TextRange) -> Location {
    Location::source(file, range)
}

/// A boolean the way kubectl reads it: YAML 1.2 `true`/`false` and YAML 1.1's
/// `yes`/`on`/... (sigs.k8s.io/yaml decodes with YAML 1.1 rules).
fn as_bool(node: &Node) -> Option<bool> {
    node.as_bool().or_else(|| node.yaml11_bool())
}

impl<'a> Pod<'a> {
    fn new(object: &'a Object, pod: &'a Node) -> Self {
        let security = pod.entry("securityContext").filter(|e| e.value.as_map().is_some());
        let mut host_paths = HashMap::new();
        for v in pod.get("volumes").and_then(Node::as_seq).unwrap_or_default() {
            if let Some(name) = v.get("name").and_then(Node::as_str) {
                host_paths.entry(name).or_insert_with(|| v.get("hostPath").and_then(|h| h.get("path")));
            }
        }
        Self { object, file: &object.file, pod, security, host_paths, aliases: RefCell::new(Vec::new()) }
    }

    fn at(&self, range: TextRange) -> Location {
        loc(self.file, range)
    }

    /// The value of a scalar entry located at its key.
    fn key_val<T>(&self, entry: &Entry, value: T) -> Val<T> {
        self.located(value, entry.key.range)
    }

    /// A value at `range`, with the aliases it was reached through as related.
    fn located<T>(&self, value: T, range: TextRange) -> Val<T> {
        let mut val = Val::new(value, self.at(range));
        for (within, via) in self.aliases.borrow().iter() {
            if within.contains_range(range) {
                val.via.push(via.clone());
            }
        }
        val
    }

    /// Records the alias copies among `nodes` for the values read next.
    fn through_aliases(&self, nodes: &[Option<&Node>], name: &str) {
        let mut aliases = self.aliases.borrow_mut();
        aliases.clear();
        for node in nodes.iter().flatten() {
            if let Some(origin) = node.origin.as_deref() {
                let note = format!("reached through this alias, for container `{name}`");
                aliases.push((node.range, Via { note, location: self.at(origin.alias) }));
            }
        }
    }

    /// A scalar's text located at the scalar itself (an image, a path).
    fn text_val(&self, node: &Node) -> Option<Val<String>> {
        Some(self.located(node.as_str()?.to_string(), node.range))
    }

    /// `key` of the container's `securityContext`, else of the pod's, with provenance.
    fn security_entry<'n>(&'n self, container: Option<&'n Node>, key: &str, name: &str) -> Option<Inherited<'n>> {
        if let Some(e) = container.and_then(|c| c.entry(key)).filter(|e| !e.value.is_null()) {
            return Some(Inherited { entry: e, via: None });
        }
        let pod_security = self.security?;
        let e = pod_security.value.entry(key).filter(|e| !e.value.is_null())?;
        let via = Via {
            note: format!("set in the pod's `securityContext`, inherited by container `{name}`"),
            location: self.at(pod_security.key.range),
        };
        Some(Inherited { entry: e, via: Some(via) })
    }

    fn spec_name(&self, container: &str) -> String {
        let o = self.object;
        let name = o.name.as_deref().unwrap_or("<unnamed>");
        match &o.namespace {
            Some(ns) => format!("{}/{ns}/{name}:{container}", o.kind),
            None => format!("{}/{name}:{container}", o.kind),
        }
    }

    fn container_spec(&self, c: &Node, problems: &mut Vec<WorkloadProblem>) -> ContainerSpec {
        let name_node = c.get("name");
        let name = name_node.and_then(Node::as_str).unwrap_or("<unnamed>").to_string();
        let origin = self.at(name_node.map_or(c.range, |n| n.range));
        let mut spec = ContainerSpec::new(SpecSource::KubernetesWorkload, self.spec_name(&name), origin);
        self.through_aliases(&[Some(c), c.get("securityContext"), self.security.map(|e| &e.value)], &name);

        spec.image = c.get("image").and_then(|n| self.text_val(n)).filter(|v| !v.value.is_empty());
        spec.entrypoint = c.get("command").and_then(|n| self.strings_val(n));
        spec.command = c.get("args").and_then(|n| self.strings_val(n));

        self.security(&mut spec, c.get("securityContext").filter(|s| s.as_map().is_some()), &name);
        spec.security_context_insert = self.security_context_insert(c);
        self.host_namespaces(&mut spec);
        self.resources(&mut spec, c, problems);
        self.mounts(&mut spec, c, &name);
        self.ports(&mut spec, c);
        self.env(&mut spec, c);
        if let Some(probe) = c.entry("livenessProbe").filter(|e| e.value.as_map().is_some()) {
            let handler = ["exec", "httpGet", "tcpSocket", "grpc"].into_iter().find(|h| probe.value.get(h).is_some());
            let test = match handler {
                Some("exec") => {
                    probe.value.get("exec").and_then(|e| e.get("command")).and_then(|n| self.strings_val(n))
                }
                Some(h) => Some(self.key_val(probe, vec![h.to_string()])),
                None => None,
            };
            spec.healthcheck = Some(Healthcheck { disabled: None, test, at: self.at(probe.key.range) });
        }
        spec
    }

    /// Where a fix can add a key to the container's `securityContext`: only block
    /// mappings written in place (no flow mapping, no alias copy), indented with spaces.
    fn security_context_insert(&self, c: &Node) -> Option<SecurityContextInsert> {
        let (mapping, create) = match c.entry("securityContext") {
            Some(e) if e.value.as_map().is_some_and(|m| !m.is_empty()) => (&e.value, false),
            Some(_) => return None,
            None => (c, true),
        };
        let point = block_insert_point(self.file, mapping)?;
        // Inside an alias copy the ranges point at the anchor: no edit there.
        if c.origin.is_some() || mapping.origin.is_some() {
            return None;
        }
        Some(SecurityContextInsert { point, create })
    }

    fn strings_val(&self, node: &Node) -> Option<Val<Vec<String>>> {
        let items = node.as_seq()?;
        let words = items.iter().map(|i| i.as_str().map(str::to_string)).collect::<Option<Vec<_>>>()?;
        Some(self.located(words, node.range))
    }

    fn security(&self, spec: &mut ContainerSpec, sc: Option<&Node>, name: &str) {
        // Container-only fields.
        if let Some(sc) = sc {
            if let Some(e) = sc.entry("privileged") {
                spec.privileged = as_bool(&e.value).map(|b| self.key_val(e, b));
            }
            if let Some(e) = sc.entry("readOnlyRootFilesystem") {
                spec.read_only = as_bool(&e.value).map(|b| self.key_val(e, b));
            }
            if let Some(caps) = sc.get("capabilities") {
                for (key, out) in [("add", &mut spec.cap_add), ("drop", &mut spec.cap_drop)] {
                    for item in caps.get(key).and_then(Node::as_seq).unwrap_or_default() {
                        out.extend(self.text_val(item));
                    }
                }
            }
            if let Some(e) = sc.entry("allowPrivilegeEscalation") {
                if let Some(b) = as_bool(&e.value) {
                    spec.security_opt.push(self.key_val(e, format!("no-new-privileges:{}", !b)));
                }
            }
            if let Some(e) = sc.entry("procMount") {
                if e.value.as_str() == Some("Unmasked") {
                    spec.masked_paths_disabled = Some(self.key_val(e, true));
                }
            }
        }

        // Fields of both levels: the container's wins.
        if let Some(seccomp) = self.security_entry(sc, "seccompProfile", name) {
            if let Some(t) = seccomp.entry.value.entry("type") {
                let option = match t.value.as_str() {
                    Some("Unconfined") => Some("seccomp=unconfined".to_string()),
                    Some("RuntimeDefault") => Some("seccomp=runtime/default".to_string()),
                    Some("Localhost") => Some(format!(
                        "seccomp=localhost/{}",
                        seccomp.entry.value.get("localhostProfile").and_then(Node::as_str).unwrap_or("")
                    )),
                    _ => None,
                };
                spec.security_opt.extend(option.map(|o| seccomp.with(self.key_val(t, o))));
            }
        }
        spec.apparmor_profile = self.apparmor(sc, name);
        if let Some(selinux) = self.security_entry(sc, "seLinuxOptions", name) {
            for key in ["user", "role", "type", "level"] {
                let Some(e) = selinux.entry.value.entry(key) else { continue };
                let Some(v) = e.value.as_str() else { continue };
                // `spc_t` ("super privileged container") and `unconfined_t` leave the
                // container unconfined, as `label=disable` does with Docker.
                let option = if key == "type" && matches!(v, "spc_t" | "unconfined_t") {
                    "label=disable".to_string()
                } else {
                    format!("label={key}:{v}")
                };
                spec.security_opt.push(selinux.with(self.key_val(e, option)));
            }
        }
        spec.user = self.user(sc, name);
        if let Some(sysctls) = self.security.and_then(|s| s.value.get("sysctls")).and_then(Node::as_seq) {
            for s in sysctls {
                if let (Some(k), Some(v)) = (s.get("name").and_then(|n| self.text_val(n)), s.get("value")) {
                    let value = self.text_val(v).unwrap_or_else(|| Val::new(String::new(), self.at(v.range)));
                    spec.sysctls.push((k, value));
                }
            }
        }
    }

    fn apparmor(&self, sc: Option<&Node>, name: &str) -> Option<Val<String>> {
        let from_field = |inherited: Inherited<'_>| {
            let t = inherited.entry.value.entry("type")?;
            let profile = match t.value.as_str()? {
                "Unconfined" => "unconfined".to_string(),
                "RuntimeDefault" => "runtime/default".to_string(),
                "Localhost" => format!(
                    "localhost/{}",
                    inherited.entry.value.get("localhostProfile").and_then(Node::as_str).unwrap_or("")
                ),
                _ => return None,
            };
            Some(inherited.with(self.key_val(t, profile)))
        };
        // The container's field, then the annotation (pre-1.30 and still honoured),
        // then the pod's field.
        if let Some(e) = sc.and_then(|s| s.entry("appArmorProfile")) {
            return from_field(Inherited { entry: e, via: None });
        }
        let annotations = self.object.pod_metadata().and_then(|m| m.get("annotations"));
        let key = format!("{APPARMOR_ANNOTATION}{name}");
        if let Some(e) = annotations.and_then(|a| a.entry(&key)) {
            return self.text_val(&e.value).map(|v| Val { at: self.at(e.key.range), ..v });
        }
        from_field(self.security_entry(None, "appArmorProfile", name)?)
    }

    /// `runAsUser` (and `runAsGroup`) as a Docker user; `runAsNonRoot: true` without a
    /// uid is a non-root user the kubelet checks at start.
    fn user(&self, sc: Option<&Node>, name: &str) -> Option<Val<String>> {
        if let Some(uid) = self.security_entry(sc, "runAsUser", name) {
            let value = uid.entry.value.as_str()?.to_string();
            let value = match self.security_entry(sc, "runAsGroup", name).and_then(|g| g.entry.value.as_str()) {
                Some(gid) => format!("{value}:{gid}"),
                None => value,
            };
            return Some(uid.with(self.key_val(uid.entry, value)));
        }
        let non_root = self.security_entry(sc, "runAsNonRoot", name)?;
        (as_bool(&non_root.entry.value) == Some(true)).then(|| {
            non_root.with(self.key_val(non_root.entry, "non-root (runAsNonRoot, checked by the kubelet)".into()))
        })
    }

    fn host_namespaces(&self, spec: &mut ContainerSpec) {
        for (key, field) in
            [("hostNetwork", &mut spec.network_mode), ("hostPID", &mut spec.pid), ("hostIPC", &mut spec.ipc)]
        {
            if let Some(e) = self.pod.entry(key).filter(|e| as_bool(&e.value) == Some(true)) {
                *field = Some(self.key_val(e, "host".to_string()));
            }
        }
    }

    fn resources(&self, spec: &mut ContainerSpec, c: &Node, problems: &mut Vec<WorkloadProblem>) {
        let Some(resources) = c.get("resources") else { return };
        let mut quantity = |section: &str, key: &str| -> Option<(Quantity, &Entry)> {
            let e = resources.get(section)?.entry(key)?;
            let text = e.value.as_str()?;
            match Quantity::parse(text) {
                Ok(q) => Some((q, e)),
                Err(err) => {
                    problems.push(WorkloadProblem {
                        at: self.at(e.value.range),
                        message: format!("{section}.{key}: {err}"),
                    });
                    None
                }
            }
        };
        let memory_limit = quantity("limits", "memory");
        let cpu_limit = quantity("limits", "cpu");
        let memory_request = quantity("requests", "memory");
        let r = &mut spec.resources;
        r.memory = memory_limit.and_then(|(q, e)| Some(self.key_val(e, q.bytes()?)));
        r.memory_reservation = memory_request.and_then(|(q, e)| Some(self.key_val(e, q.bytes()?)));
        r.cpus = cpu_limit.and_then(|(q, e)| Some(self.key_val(e, q.cpus()?)));
    }

    /// `hostPath` volumes mounted by the container, as bind mounts.
    fn mounts(&self, spec: &mut ContainerSpec, c: &Node, name: &str) {
        for m in c.get("volumeMounts").and_then(Node::as_seq).unwrap_or_default() {
            let Some(volume) = m.get("name").and_then(Node::as_str) else { continue };
            let Some(target) = m.get("mountPath").and_then(|n| self.text_val(n)) else { continue };
            let Some(host) = self.host_paths.get(volume).copied().flatten() else { continue };
            let Some(mut source) = self.text_val(host) else { continue };
            // A `subPath` mounts a path below the host path.
            if let Some(sub) = m.get("subPath").and_then(Node::as_str).filter(|s| !s.is_empty()) {
                source.value = format!("{}/{sub}", source.value.trim_end_matches('/'));
            }
            source.via.push(Via {
                note: format!("mounted by container `{name}` at `{}`", target.value),
                location: target.at.clone(),
            });
            let read_only = m.entry("readOnly").and_then(|e| as_bool(&e.value).map(|b| self.key_val(e, b)));
            let propagation = m.entry("mountPropagation").and_then(|e| {
                let p = match e.value.as_str()? {
                    "Bidirectional" => "rshared",
                    "HostToContainer" => "rslave",
                    _ => return None,
                };
                Some(self.key_val(e, p.to_string()))
            });
            spec.mounts.push(Mount {
                kind: MountKind::Bind,
                source: Some(source),
                target,
                read_only,
                propagation,
                at: self.at(m.range),
            });
        }
    }

    /// Ports with a `hostPort`: `containerPort` alone publishes nothing on the node.
    fn ports(&self, spec: &mut ContainerSpec, c: &Node) {
        for p in c.get("ports").and_then(Node::as_seq).unwrap_or_default() {
            let Some(host_port) = p.get("hostPort").and_then(|n| self.text_val(n)).filter(|v| v.value != "0") else {
                continue;
            };
            let container_port = p
                .get("containerPort")
                .and_then(|n| self.text_val(n))
                .unwrap_or_else(|| Val::new(String::new(), self.at(p.range)));
            spec.ports.push(PortMapping {
                host_ip: p.get("hostIP").and_then(|n| self.text_val(n)).filter(|v| !v.value.is_empty()),
                host_port: Some(host_port),
                container_port,
                protocol: p.get("protocol").and_then(Node::as_str).unwrap_or("TCP").to_ascii_lowercase(),
                at: self.at(p.range),
            });
        }
    }

    /// Literal `env[].value`s; `valueFrom` (a Secret, a ConfigMap, a field) is not a
    /// literal and is left out.
    fn env(&self, spec: &mut ContainerSpec, c: &Node) {
        for e in c.get("env").and_then(Node::as_seq).unwrap_or_default() {
            let (Some(name), Some(value)) = (e.get("name").and_then(|n| self.text_val(n)), e.get("value")) else {
                continue;
            };
            if let Some(value) = self.text_val(value) {
                spec.env.push(EnvVar { name, value: Some(value), from_file: None });
            }
        }
    }
}

/// The line after a block mapping's last line, at its keys' column.
fn block_insert_point(file: &Arc<SourceFile>, mapping: &Node) -> Option<InsertPoint> {
    let entries = mapping.as_map()?;
    let text = file.text();
    let first = entries.first()?.key.range;
    let (start, end) = (usize::from(first.start()), usize::from(mapping.range.end()));
    if text.get(usize::from(mapping.range.start())..)?.starts_with('{') || end > text.len() {
        return None;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    // `- name: x` puts the first key after the dash: count it as indentation.
    let prefix = &text[line_start..start];
    if !prefix.bytes().all(|b| b == b' ' || b == b'-') {
        return None;
    }
    // Every other key must start at the same column, on its own line.
    let column = start - line_start;
    let aligned = entries.iter().all(|e| {
        let s = usize::from(e.key.range.start());
        let ls = text[..s].rfind('\n').map_or(0, |i| i + 1);
        s - ls == column
    });
    if !aligned {
        return None;
    }
    let offset = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let keys = entries.iter().filter_map(|e| e.key.as_str().map(str::to_string)).collect();
    Some(InsertPoint { file: file.clone(), offset: (offset as u32).into(), indent: " ".repeat(column), keys })
}

/// A `securityContext` entry and, when it came from the pod level, how.
struct Inherited<'n> {
    entry: &'n Entry,
    via: Option<Via>,
}

impl Inherited<'_> {
    fn with<T>(&self, mut val: Val<T>) -> Val<T> {
        val.via.extend(self.via.clone());
        val
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockward_yaml::Budget;

    fn objects(text: &str) -> Vec<Object> {
        let read = crate::objects_in(&SourceFile::new("m.yaml", None, text), &Budget::default());
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        read.objects
    }

    fn specs(text: &str) -> Vec<ContainerSpec> {
        let mut out = Vec::new();
        for o in objects(text) {
            let (specs, problems) = container_specs(&o);
            assert!(problems.is_empty(), "{problems:#?}");
            out.extend(specs);
        }
        out
    }

    /// The source text a location covers.
    fn at_text(at: &Location) -> String {
        at.file().expect("a file").text()[at.range().expect("a range")].to_string()
    }

    fn via_texts<T>(v: &Val<T>) -> Vec<String> {
        v.via.iter().map(|via| at_text(&via.location)).collect()
    }

    const POD_BODY: &str = "containers:\n- name: app\n  image: nginx\n  securityContext: {privileged: true}\n";

    /// `body` indented under the pod spec path of `kind`.
    fn workload(kind: &str, body: &str) -> String {
        let path: &[&str] = match kind {
            "Pod" => &["spec"],
            "PodTemplate" => &["template", "spec"],
            "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
            _ => &["spec", "template", "spec"],
        };
        let mut out = format!("apiVersion: v1\nkind: {kind}\nmetadata:\n  name: w\n");
        for (depth, key) in path.iter().enumerate() {
            out.push_str(&format!("{}{key}:\n", "  ".repeat(depth)));
        }
        for line in body.lines() {
            out.push_str(&format!("{}{line}\n", "  ".repeat(path.len())));
        }
        out
    }

    #[test]
    fn every_workload_kind_gives_its_containers() {
        for kind in [
            "Pod",
            "PodTemplate",
            "ReplicationController",
            "ReplicaSet",
            "Deployment",
            "DaemonSet",
            "StatefulSet",
            "Job",
            "CronJob",
        ] {
            let specs = specs(&workload(kind, POD_BODY));
            assert_eq!(specs.len(), 1, "{kind}");
            let s = &specs[0];
            assert_eq!(s.name, format!("{kind}/w:app"));
            assert_eq!(s.source, SpecSource::KubernetesWorkload);
            assert_eq!(at_text(&s.origin), "app");
            let p = s.privileged.as_ref().expect(kind);
            assert!(p.value);
            assert_eq!(at_text(&p.at), "privileged", "{kind}: located at the key");
            assert_eq!(s.image.as_ref().map(|i| i.value.as_str()), Some("nginx"));
        }
        for kind in ["Service", "ConfigMap", "Namespace"] {
            let o = &objects(&workload(kind, POD_BODY))[0];
            assert!(container_specs(o).0.is_empty(), "{kind} runs no containers");
        }
    }

    #[test]
    fn init_and_ephemeral_containers_are_specs_too() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  \
                    ephemeralContainers: [{name: debug, image: busybox, securityContext: {privileged: true}}]\n  \
                    containers: [{name: app, image: app:1}]\n  initContainers: [{name: setup, image: tool:2}]\n";
        let names: Vec<_> = specs(text).into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["Pod/shop/p:setup", "Pod/shop/p:app", "Pod/shop/p:debug"]);
        assert!(specs(text)[2].privileged.as_ref().is_some_and(|p| p.value));
    }

    #[test]
    fn pod_security_context_is_merged_under_the_container_with_provenance() {
        let text =
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    runAsUser: 1000\n    \
                    seccompProfile: {type: Unconfined}\n    sysctls: [{name: kernel.msgmax, value: \"65536\"}]\n  \
                    containers:\n  - name: a\n    image: x\n    securityContext:\n      runAsUser: 0\n      \
                    seccompProfile: {type: RuntimeDefault}\n  - name: b\n    image: x\n";
        let specs = specs(text);
        let (a, b) = (&specs[0], &specs[1]);
        // The container's own values win and carry no pod-level provenance.
        let ua = a.user.as_ref().unwrap();
        assert_eq!(ua.value, "0");
        assert!(ua.via.is_empty());
        assert_eq!(a.security_opt.iter().map(|o| o.value.as_str()).collect::<Vec<_>>(), ["seccomp=runtime/default"]);
        // `b` inherits the pod's values, located at the pod-level keys, with the pod's
        // `securityContext` key as related.
        let ub = b.user.as_ref().unwrap();
        assert_eq!(ub.value, "1000");
        assert_eq!(at_text(&ub.at), "runAsUser");
        assert!(ub.at.range().unwrap().start() < ua.at.range().unwrap().start(), "the pod-level key");
        assert_eq!(via_texts(ub), ["securityContext"]);
        assert!(ub.via[0].note.contains("container `b`"), "{}", ub.via[0].note);
        let seccomp = &b.security_opt[0];
        assert_eq!(seccomp.value, "seccomp=unconfined");
        assert_eq!(at_text(&seccomp.at), "type");
        assert_eq!(via_texts(seccomp), ["securityContext"]);
        // Pod sysctls apply to every container.
        for s in [a, b] {
            assert_eq!(
                s.sysctls.iter().map(|(k, v)| (k.value.as_str(), v.value.as_str())).collect::<Vec<_>>(),
                [("kernel.msgmax", "65536")]
            );
        }
    }

    #[test]
    fn security_context_fields_map_to_docker_settings() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  hostPID: yes\n  \
                    hostIPC: false\n  containers:\n  - name: a\n    image: x\n    securityContext:\n      \
                    allowPrivilegeEscalation: false\n      readOnlyRootFilesystem: true\n      \
                    capabilities: {add: [NET_ADMIN], drop: [ALL]}\n      procMount: Unmasked\n      \
                    seLinuxOptions: {type: spc_t, level: \"s0:c1\"}\n      appArmorProfile: {type: Unconfined}\n      \
                    runAsNonRoot: true\n";
        let s = &specs(text)[0];
        let opts: Vec<_> = s.security_opt.iter().map(|o| o.value.as_str()).collect();
        assert_eq!(opts, ["no-new-privileges:true", "label=disable", "label=level:s0:c1"]);
        assert_eq!(at_text(&s.security_opt[0].at), "allowPrivilegeEscalation");
        assert!(s.read_only.as_ref().unwrap().value);
        assert_eq!(s.cap_add[0].value, "NET_ADMIN");
        assert_eq!(s.cap_drop[0].value, "ALL");
        assert_eq!(at_text(&s.masked_paths_disabled.as_ref().unwrap().at), "procMount");
        assert_eq!(s.apparmor_profile.as_ref().unwrap().value, "unconfined");
        assert!(s.user.as_ref().unwrap().value.starts_with("non-root"));
        assert_eq!(s.network_mode.as_ref().unwrap().value, "host");
        assert_eq!(
            s.pid.as_ref().map(|p| at_text(&p.at)).as_deref(),
            Some("hostPID"),
            "YAML 1.1 `yes`, as kubectl reads it"
        );
        assert!(s.ipc.is_none());
    }

    #[test]
    fn apparmor_annotation_is_read_between_the_container_and_pod_fields() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata:\n      \
                    annotations:\n        container.apparmor.security.beta.kubernetes.io/a: unconfined\n    spec:\n      \
                    securityContext: {appArmorProfile: {type: RuntimeDefault}}\n      containers:\n      - {name: a, image: x}\n      \
                    - {name: b, image: x}\n";
        let specs = specs(text);
        let a = specs[0].apparmor_profile.as_ref().unwrap();
        assert_eq!(a.value, "unconfined");
        assert_eq!(at_text(&a.at), "container.apparmor.security.beta.kubernetes.io/a");
        assert_eq!(specs[1].apparmor_profile.as_ref().unwrap().value, "runtime/default");
    }

    #[test]
    fn host_path_volumes_are_bind_mounts_and_container_port_alone_publishes_nothing() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  volumes:\n  - {name: sock, hostPath: {path: /run/containerd}}\n  \
                    - {name: data, emptyDir: {}}\n  containers:\n  - name: a\n    image: x\n    volumeMounts:\n    \
                    - {name: sock, mountPath: /s, subPath: containerd.sock, readOnly: true, mountPropagation: Bidirectional}\n    \
                    - {name: data, mountPath: /data}\n    ports:\n    - {containerPort: 80}\n    \
                    - {containerPort: 443, hostPort: 8443, hostIP: 127.0.0.1, protocol: UDP}\n";
        let s = &specs(text)[0];
        assert_eq!(s.mounts.len(), 1, "only hostPath volumes are host mounts");
        let m = &s.mounts[0];
        assert_eq!(m.kind, MountKind::Bind);
        assert_eq!(m.source.as_ref().unwrap().value, "/run/containerd/containerd.sock");
        assert_eq!(at_text(&m.source.as_ref().unwrap().at), "/run/containerd");
        assert_eq!(via_texts(m.source.as_ref().unwrap()), ["/s"]);
        assert!(m.is_read_only());
        assert_eq!(m.propagation.as_ref().unwrap().value, "rshared");
        assert_eq!(s.ports.len(), 1);
        let p = &s.ports[0];
        assert_eq!((p.host_port.as_ref().unwrap().value.as_str(), p.container_port.value.as_str()), ("8443", "443"));
        assert_eq!(p.host_ip.as_ref().unwrap().value, "127.0.0.1");
        assert_eq!(p.protocol, "udp");
    }

    #[test]
    fn env_literals_image_resources_and_probes() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: x\n    \
                    env:\n    - {name: DB_PASSWORD, value: hunter2}\n    - name: TOKEN\n      valueFrom: {secretKeyRef: {name: s, key: t}}\n    \
                    resources:\n      limits: {memory: 512Mi, cpu: 500m}\n      requests: {memory: 1e3}\n    \
                    livenessProbe: {httpGet: {path: /, port: 80}}\n";
        let s = &specs(text)[0];
        assert_eq!(s.env.len(), 1, "a secretKeyRef is not a literal");
        assert_eq!(s.env[0].value.as_ref().unwrap().value, "hunter2");
        assert_eq!(s.resources.memory.as_ref().unwrap().value, 512 << 20);
        assert_eq!(at_text(&s.resources.memory.as_ref().unwrap().at), "memory");
        assert_eq!(s.resources.cpus.as_ref().unwrap().value, 0.5);
        assert_eq!(s.resources.memory_reservation.as_ref().unwrap().value, 1000);
        assert!(s.healthcheck.as_ref().is_some_and(|h| !h.is_disabled()));
        // Docker-only settings are never set.
        assert!(s.resources.pids_limit.is_none() && s.devices.is_empty() && s.restart.is_none() && s.init.is_none());
    }

    #[test]
    fn invalid_quantities_are_located_problems_and_the_rest_is_read() {
        let text =
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: x\n    \
                    securityContext: {privileged: true}\n    resources:\n      limits: {memory: 512MB, cpu: lots}\n";
        let o = &objects(text)[0];
        let (specs, problems) = container_specs(o);
        assert_eq!(problems.iter().map(|p| at_text(&p.at)).collect::<Vec<_>>(), ["512MB", "lots"]);
        assert!(problems[0].message.contains("limits.memory") && problems[0].message.contains("suffix"));
        assert!(specs[0].resources.memory.is_none() && specs[0].resources.cpus.is_none());
        assert!(specs[0].privileged.is_some());
    }

    #[test]
    fn many_volumes_and_mounts_are_matched_by_name() {
        // 20,000 volumes and mounts: one lookup per mount, not a scan of the volumes.
        let n = 20_000;
        let mut text = String::from("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  volumes:\n");
        for i in 0..n {
            text.push_str(&format!("  - {{name: v{i}, hostPath: {{path: /data/{i}}}}}\n"));
        }
        text.push_str("  - {name: v0, emptyDir: {}}\n  containers:\n  - name: a\n    volumeMounts:\n");
        for i in (0..n).rev() {
            text.push_str(&format!("    - {{name: v{i}, mountPath: /m/{i}}}\n"));
        }
        let s = &specs(&text)[0];
        assert_eq!(s.mounts.len(), n);
        assert_eq!(s.mounts[n - 1].source.as_ref().unwrap().value, "/data/0", "the first volume of a name");
    }

    #[test]
    fn values_reached_through_an_alias_relate_to_the_alias() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: x\n    \
                    securityContext: &hardened\n      privileged: true\n  - name: b\n    image: x\n    securityContext: *hardened\n";
        let specs = specs(text);
        let (a, b) = (specs[0].privileged.as_ref().unwrap(), specs[1].privileged.as_ref().unwrap());
        assert_eq!(at_text(&a.at), "privileged");
        assert!(a.via.is_empty(), "the anchor's own container: {:?}", a.via);
        assert_eq!(a.at.range(), b.at.range(), "the alias copy points at the anchored key");
        assert_eq!(via_texts(b), ["*hardened"]);
        assert!(b.via[0].note.contains("container `b`"));
    }

    #[test]
    fn odd_shapes_never_panic() {
        for body in [
            "containers: 3\n",
            "containers: [3, [a], {name: [x]}]\nvolumes: {a: b}\n",
            "securityContext: [1]\ncontainers: [{name: a, securityContext: 3, ports: [3], env: [3], volumeMounts: [{name: v}]}]\n",
            "containers: [{name: a, securityContext: {capabilities: {add: 3}, seccompProfile: {type: [x]}}, resources: {limits: 5}}]\n",
        ] {
            for o in objects(&workload("Pod", body)) {
                let _ = container_specs(&o);
            }
        }
    }
}
