//! Request bodies of the Engine API -> dockward's views, for `dockward guard`.
//!
//! A `POST /containers/create` body is the inspect document's `Config` fields at the top
//! level plus `HostConfig` and `NetworkingConfig`, with the same field names. So the body
//! is reshaped into an inspect document and built by [`container_spec`], the normaliser
//! of a live container; what a live inspect reports elsewhere (`Mounts`, the networks) is
//! read from the request's own fields: `HostConfig.Binds`, `HostConfig.Mounts` (with
//! `local` volumes that bind a host path treated as that bind), `HostConfig.Tmpfs`,
//! `NetworkingConfig.EndpointsConfig`. Each value is located at its field of the body.

use std::collections::HashMap;

use bollard::models::{ContainerInspectResponse, Service};
use dockward_spec::live::logical_scope;
use dockward_spec::{ContainerSpec, ExecSpec, Mount, MountKind, SpecSource};
use serde_json::{Map, Value};

use crate::normalise::{container_spec, Fields};

/// Why a body could not be read as the request it claims to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyError(pub String);

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn object<'a>(body: &'a Value, what: &str) -> Result<&'a Map<String, Value>, BodyError> {
    body.as_object().ok_or_else(|| BodyError(format!("the {what} body is not a JSON object")))
}

/// A container create body as a `ContainerSpec` named `name` (the `?name=` of the
/// request, or `""`), located at `container/<name>` + the body's field paths (the
/// top-level config fields keep inspect's `Config.` prefix, as the API's documentation
/// groups them).
pub fn create_body_spec(name: &str, body: &Value) -> Result<ContainerSpec, BodyError> {
    let top = object(body, "container create")?;
    let mut config = top.clone();
    let host_config = config.remove("HostConfig").unwrap_or(Value::Null);
    let networking = config.remove("NetworkingConfig").unwrap_or(Value::Null);
    let mut inspect = Map::new();
    inspect.insert("Name".into(), Value::String(name.to_string()));
    inspect.insert("Config".into(), Value::Object(config));
    if !host_config.is_null() {
        inspect.insert("HostConfig".into(), host_config.clone());
    }
    let inspect: ContainerInspectResponse = serde_json::from_value(Value::Object(inspect))
        .map_err(|e| BodyError(format!("the container create body does not match the Engine API: {e}")))?;
    let mut spec = container_spec(&inspect, &HashMap::new());
    let f = Fields { scope: logical_scope("container", name) };
    if let Some(endpoints) = networking.get("EndpointsConfig").and_then(Value::as_object) {
        let mut names: Vec<&String> = endpoints.keys().collect();
        names.sort();
        for net in names {
            spec.networks.push(f.val(net.clone(), format!("NetworkingConfig.EndpointsConfig.{net}")));
        }
    }
    let binds = host_config.get("Binds").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    for (i, bind) in binds.iter().enumerate() {
        let text = bind.as_str().ok_or_else(|| BodyError(format!("HostConfig.Binds[{i}] is not a string")))?;
        spec.mounts.push(bind_mount(&f, text, &format!("HostConfig.Binds[{i}]")));
    }
    let mounts = host_config.get("Mounts").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    for (i, m) in mounts.iter().enumerate() {
        spec.mounts.push(api_mount(&f, m, &format!("HostConfig.Mounts[{i}]")));
    }
    Ok(spec)
}

/// `source:target[:options]` of `HostConfig.Binds`: a source starting with `/` is a host
/// path, anything else a volume name (the daemon's own rule on Linux).
fn bind_mount(f: &Fields, text: &str, path: &str) -> Mount {
    let parts: Vec<&str> = text.split(':').collect();
    let (source, target, options) = match parts.as_slice() {
        [target] => (None, *target, ""),
        [source, target] => (Some(*source), *target, ""),
        [source, target, options, ..] => (Some(*source), *target, *options),
        [] => (None, "", ""),
    };
    let kind = if source.is_some_and(|s| s.starts_with('/')) { MountKind::Bind } else { MountKind::Volume };
    let mut read_only = None;
    let mut propagation = None;
    for option in options.split(',') {
        match option {
            "ro" => read_only = Some(f.val(true, path)),
            "rw" => read_only = Some(f.val(false, path)),
            "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate" => {
                propagation = Some(f.val(option.to_string(), path))
            }
            _ => {}
        }
    }
    Mount {
        kind,
        source: source.filter(|s| !s.is_empty()).map(|s| f.val(s.to_string(), path)),
        target: f.val(target.to_string(), path),
        read_only,
        propagation,
        at: f.at(path),
    }
}

/// One `HostConfig.Mounts` entry. A volume whose driver is `local` with `o=bind` (or
/// `type=none`) and a `device` mounts that host path: it is judged as a bind of it.
fn api_mount(f: &Fields, m: &Value, path: &str) -> Mount {
    let text = |key: &str| m.get(key).and_then(Value::as_str).filter(|s| !s.is_empty());
    let mut kind = match text("Type") {
        Some("bind") => MountKind::Bind,
        Some("tmpfs") => MountKind::Tmpfs,
        Some("npipe") => MountKind::Npipe,
        Some("cluster") => MountKind::Cluster,
        Some("image") => MountKind::Image,
        _ => MountKind::Volume,
    };
    let mut source = text("Source").map(|s| f.val(s.to_string(), format!("{path}.Source")));
    if kind == MountKind::Volume {
        if let Some((device, at)) = bind_backed_volume(m.pointer("/VolumeOptions/DriverConfig"), path) {
            kind = MountKind::Bind;
            source = Some(f.val(device, at));
        }
    }
    let read_only = m.get("ReadOnly").and_then(Value::as_bool).map(|ro| f.val(ro, format!("{path}.ReadOnly")));
    let propagation = m
        .pointer("/BindOptions/Propagation")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(|p| f.val(p.to_string(), format!("{path}.BindOptions.Propagation")));
    Mount {
        kind,
        source,
        target: f.val(text("Target").unwrap_or_default().to_string(), format!("{path}.Target")),
        read_only,
        propagation,
        at: f.at(path),
    }
}

/// The host path a `local` volume driver configuration binds (`o=bind` or `type=none`
/// with a `device`), and where the device is written.
fn bind_backed_volume(driver: Option<&Value>, path: &str) -> Option<(String, String)> {
    let driver = driver?;
    let name = driver.get("Name").and_then(Value::as_str).unwrap_or("local");
    if !(name.is_empty() || name == "local") {
        return None;
    }
    let options = driver.get("Options")?.as_object()?;
    let option = |key: &str| options.get(key).and_then(Value::as_str);
    let binds = option("o").is_some_and(|o| o.split(',').any(|o| o == "bind" || o == "rbind"))
        || option("type") == Some("none");
    let device = option("device").filter(|d| !d.is_empty())?;
    binds.then(|| (device.to_string(), format!("{path}.VolumeOptions.DriverConfig.Options.device")))
}

/// A `POST /volumes/create` body that makes a `local` volume bind a host path, as a
/// container mounting that path (at `/volume`), so the mount rules judge it; `None` for
/// any other volume.
pub fn volume_body_spec(body: &Value) -> Result<Option<ContainerSpec>, BodyError> {
    let top = object(body, "volume create")?;
    let name = top.get("Name").and_then(Value::as_str).unwrap_or_default().to_string();
    let driver = serde_json::json!({
        "Name": top.get("Driver").cloned().unwrap_or(Value::Null),
        "Options": top.get("DriverOpts").cloned().unwrap_or(Value::Null),
    });
    let Some((device, _)) = bind_backed_volume(Some(&driver), "") else {
        return Ok(None);
    };
    let f = Fields { scope: logical_scope("volume", &name) };
    let mut spec = ContainerSpec::new(SpecSource::LiveContainer, name, f.at("DriverOpts"));
    spec.mounts.push(Mount {
        kind: MountKind::Bind,
        source: Some(f.val(device, "DriverOpts.device")),
        target: f.val("/volume".to_string(), "Name"),
        read_only: None,
        propagation: None,
        at: f.at("DriverOpts"),
    });
    Ok(Some(spec))
}

/// A `POST /containers/{id}/update` body (resources and the restart policy) as a spec of
/// container `id`: only the fields the request sets are present.
pub fn update_body_spec(id: &str, body: &Value) -> Result<ContainerSpec, BodyError> {
    let top = object(body, "container update")?;
    let mut inspect = Map::new();
    inspect.insert("Name".into(), Value::String(id.to_string()));
    inspect.insert("HostConfig".into(), Value::Object(top.clone()));
    let inspect: ContainerInspectResponse = serde_json::from_value(Value::Object(inspect))
        .map_err(|e| BodyError(format!("the container update body does not match the Engine API: {e}")))?;
    Ok(container_spec(&inspect, &HashMap::new()))
}

/// A `POST /containers/{id}/exec` body as a spec of container `id` holding one exec
/// (`Privileged`, `User`, `Cmd`), located at the body's fields.
pub fn exec_body_spec(id: &str, body: &Value) -> Result<ContainerSpec, BodyError> {
    let top = object(body, "exec create")?;
    let f = Fields { scope: logical_scope("container", id) };
    let privileged = match top.get("Privileged") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(BodyError("Privileged is not a boolean".into())),
    };
    let user = match top.get("User") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => f.text(Some(s), "User"),
        Some(_) => return Err(BodyError("User is not a string".into())),
    };
    let command = top
        .get("Cmd")
        .and_then(Value::as_array)
        .map(|cmd| cmd.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    let mut spec = ContainerSpec::new(SpecSource::LiveContainer, id, f.at("Cmd"));
    spec.execs.push(ExecSpec { id: "new".into(), command, privileged: f.val(privileged, "Privileged"), user });
    Ok(spec)
}

/// A `POST /services/create` or `/services/{id}/update` body (a `ServiceSpec`) as the
/// spec of its task template, located at `service/<name>/Spec.TaskTemplate...`.
pub fn service_body_spec(body: &Value) -> Result<Option<ContainerSpec>, BodyError> {
    object(body, "service")?;
    let service: Service = serde_json::from_value(serde_json::json!({ "Spec": body }))
        .map_err(|e| BodyError(format!("the service body does not match the Engine API: {e}")))?;
    Ok(crate::swarm::service_spec(&service, &[]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(v: &dockward_spec::Val<impl Sized>) -> String {
        v.at.to_string()
    }

    #[test]
    fn a_create_body_keeps_the_paths_of_its_fields() {
        let body = json!({
            "Image": "t/bb:1", "User": "1000",
            "HostConfig": {
                "Privileged": true,
                "Binds": ["/var/run/docker.sock:/var/run/docker.sock:ro", "data:/data"],
                "Mounts": [{"Type": "volume", "Source": "root", "Target": "/host",
                    "VolumeOptions": {"DriverConfig": {"Name": "local",
                        "Options": {"type": "none", "o": "bind", "device": "/"}}}}],
                "Tmpfs": {"/run": "rw,noexec"}
            },
            "NetworkingConfig": {"EndpointsConfig": {"front": {}}}
        });
        let spec = create_body_spec("web", &body).unwrap();
        assert_eq!(at(spec.privileged.as_ref().unwrap()), "container/web/HostConfig.Privileged");
        assert_eq!(spec.user.as_ref().unwrap().value, "1000");
        let binds: Vec<_> = spec
            .mounts
            .iter()
            .map(|m| (m.kind, m.source.as_ref().map(|s| s.value.clone()), m.at.to_string(), m.is_read_only()))
            .collect();
        assert!(binds.contains(&(
            MountKind::Bind,
            Some("/var/run/docker.sock".into()),
            "container/web/HostConfig.Binds[0]".into(),
            true
        )));
        assert!(binds.contains(&(
            MountKind::Volume,
            Some("data".into()),
            "container/web/HostConfig.Binds[1]".into(),
            false
        )));
        assert!(binds.contains(&(
            MountKind::Bind,
            Some("/".into()),
            "container/web/HostConfig.Mounts[0]".into(),
            false
        )));
        assert!(binds.iter().any(|b| b.0 == MountKind::Tmpfs));
        assert_eq!(spec.networks[0].value, "front");
    }

    #[test]
    fn wrong_types_and_non_objects_are_errors() {
        assert!(create_body_spec("", &json!([1])).is_err());
        assert!(create_body_spec("", &json!({"HostConfig": {"Privileged": "yes"}})).is_err());
        assert!(create_body_spec("", &json!({"HostConfig": {"Binds": [1]}})).is_err());
        assert!(exec_body_spec("c", &json!({"Privileged": "1"})).is_err());
    }

    #[test]
    fn exec_update_volume_and_service_bodies() {
        let exec = exec_body_spec("c1", &json!({"Privileged": true, "Cmd": ["sh"]})).unwrap();
        assert!(exec.execs[0].privileged.value);
        assert_eq!(at(&exec.execs[0].privileged), "container/c1/Privileged");
        let update = update_body_spec("c1", &json!({"Memory": 1048576})).unwrap();
        assert_eq!(update.resources.memory.as_ref().unwrap().value, 1_048_576);
        let volume = volume_body_spec(&json!({"Name": "v", "DriverOpts": {"o": "bind", "device": "/etc"}})).unwrap();
        assert_eq!(volume.unwrap().mounts[0].source.as_ref().unwrap().value, "/etc");
        assert!(volume_body_spec(&json!({"Name": "v"})).unwrap().is_none());
        let service = service_body_spec(&json!({"Name": "s", "TaskTemplate": {"ContainerSpec": {"Image": "x",
            "Mounts": [{"Type": "bind", "Source": "/var/run/docker.sock", "Target": "/s"}]}}}))
        .unwrap()
        .unwrap();
        assert_eq!(service.name, "s");
    }
}
