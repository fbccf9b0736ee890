//! `docker exec` processes of the audited containers (CIS 5.23 / 5.24): one
//! `GET /exec/{id}/json` per id a container's inspect lists in `ExecIDs`, at most
//! `--concurrency` in flight. A container without execs costs nothing more. dockerd lists
//! an exec from its creation until it exits (then drops it from `ExecIDs`), so a finished
//! `docker exec --privileged` leaves nothing to find.

use std::collections::HashMap;

use bollard::models::{ContainerInspectResponse, ExecInspectResponse};
use bollard::Docker;
use dockward_spec::live::{logical, logical_scope};
use dockward_spec::{ExecSpec, Val};
use futures_util::stream::{self, StreamExt};

use crate::read::{describe, Note};

/// Reads the exec instances of `containers`, keyed by container id. An exec that ended
/// between the container's inspect and its own (404) is skipped; any other failure is a note.
pub async fn read_execs(
    docker: &Docker,
    containers: &[ContainerInspectResponse],
    concurrency: usize,
) -> (HashMap<String, Vec<ExecInspectResponse>>, Vec<Note>) {
    let wanted: Vec<(String, String, String)> = containers
        .iter()
        .flat_map(|c| {
            let id = c.id.clone().unwrap_or_default();
            let name = c.name.as_deref().unwrap_or_default().trim_start_matches('/').to_string();
            c.exec_ids.iter().flatten().map(move |e| (id.clone(), name.clone(), e.clone()))
        })
        .collect();
    let read: Vec<_> = stream::iter(wanted)
        .map(|(container, name, exec)| async move {
            let r = docker.inspect_exec(&exec).await;
            (container, name, exec, r)
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let mut execs: HashMap<String, Vec<ExecInspectResponse>> = HashMap::new();
    let mut notes = Vec::new();
    for (container, name, exec, r) in read {
        match r {
            Ok(e) => execs.entry(container).or_default().push(e),
            Err(bollard::errors::Error::DockerResponseServerError { status_code: 404, .. }) => {}
            Err(e) => {
                notes.push(Note { subject: format!("container/{name}: GET /exec/{exec}/json"), message: describe(&e) })
            }
        }
    }
    for list in execs.values_mut() {
        list.sort_by(|a, b| a.id.cmp(&b.id));
    }
    (execs, notes)
}

/// The exec instances of container `name` as `ExecSpec`s, located at
/// `container/<name>/Exec[<short id>].ProcessConfig.<field>`.
pub fn exec_specs(name: &str, execs: &[ExecInspectResponse]) -> Vec<ExecSpec> {
    let scope = logical_scope("container", name);
    execs
        .iter()
        .map(|e| {
            // By characters: an id is hex, but one that is not must not panic.
            let id: String = e.id.as_deref().unwrap_or_default().chars().take(12).collect();
            let base = format!("Exec[{id}].ProcessConfig");
            let pc = e.process_config.clone().unwrap_or_default();
            let command = pc.entrypoint.iter().cloned().chain(pc.arguments.iter().flatten().cloned()).collect();
            ExecSpec {
                privileged: Val::new(pc.privileged.unwrap_or(false), logical(&scope, format!("{base}.Privileged"))),
                user: pc.user.filter(|u| !u.is_empty()).map(|u| Val::new(u, logical(&scope, format!("{base}.User")))),
                command,
                id,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bollard::models::ProcessConfig;

    fn exec(id: &str, privileged: Option<bool>, user: Option<&str>) -> ExecInspectResponse {
        ExecInspectResponse {
            id: Some(id.into()),
            process_config: Some(ProcessConfig {
                privileged,
                user: user.map(str::to_string),
                entrypoint: Some("sleep".into()),
                arguments: Some(vec!["300".into()]),
                tty: Some(false),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn execs_are_located_at_their_process_config() {
        let specs = exec_specs(
            "web-1",
            &[exec("0123456789abcdef", Some(true), Some("")), exec("fedcba9876543210", None, Some("0"))],
        );
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[0].id, "0123456789ab");
        assert!(specs[0].privileged.value);
        assert_eq!(specs[0].privileged.at.to_string(), "container/web-1/Exec[0123456789ab].ProcessConfig.Privileged");
        assert!(specs[0].user.is_none(), "an empty user is the container's own");
        assert_eq!(specs[0].command, ["sleep", "300"]);
        assert!(!specs[1].privileged.value, "absent means not privileged");
        let user = specs[1].user.as_ref().expect("user");
        assert_eq!(user.value, "0");
        assert_eq!(user.at.to_string(), "container/web-1/Exec[fedcba987654].ProcessConfig.User");
    }

    #[test]
    fn an_exec_id_that_is_not_ascii_does_not_panic() {
        let specs = exec_specs("web-1", &[exec("abcdefghijk\u{e9}xyz", None, None)]);
        assert_eq!(specs[0].id, "abcdefghijk\u{e9}");
    }
}
