//! What a request did, from the AuthZRes call: the object it created or changed, so the
//! decision trail can be joined with the engine's events (`dockward watch --guard-log`).
//!
//! The events API names no user; the guard sees the TLS client's identity on every
//! request. A container's id is only known in the daemon's answer to its create, which
//! AuthZRes carries (`ResponseBody`, base64 in JSON, `{"Id":"...","Warnings":[]}`). Pure:
//! a call in, an [`Outcome`] (or nothing) out. AuthZRes is always allowed, whatever its
//! body: the request already ran, and a deny would only hide its result from the client.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::protocol::tls_identity;
use crate::route::{route, Class};

/// Largest `ResponseBody` decoded (base64 characters): dockerd buffers at most 64 KiB of
/// a response for plugins, and a create's answer is about 90 bytes. Anything longer is
/// not a create's answer and is not decoded.
pub const MAX_RESPONSE_BODY: usize = 96 * 1024;

/// The fields of an AuthZRes call the outcome needs (the request body is skipped, not
/// copied).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResponseCall {
    #[serde(default)]
    pub user: String,
    #[serde(default, rename = "UserAuthNMethod")]
    pub user_authn_method: String,
    #[serde(default)]
    pub request_method: String,
    #[serde(default, rename = "RequestUri")]
    pub request_uri: String,
    #[serde(default)]
    pub response_status_code: Option<i64>,
    /// Base64; absent for hijacked or streamed responses.
    #[serde(default)]
    pub response_body: Option<String>,
}

impl ResponseCall {
    /// The TLS certificate's CN; `None` for unix-socket and plain-TCP clients.
    pub fn tls_user(&self) -> Option<&str> {
        tls_identity(&self.user_authn_method, &self.user)
    }
}

/// One `guard.outcome` record: a request about a container (or one of its execs) and what
/// came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub endpoint: &'static str,
    pub method: String,
    pub path: String,
    /// The engine event this request produces when it succeeds (`create`, `start`,
    /// `exec_create`, `destroy`, ...): what `dockward watch` matches on.
    pub action: &'static str,
    /// The HTTP status the daemon answered (0 when the call did not say).
    pub status: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The full id of a container created (from the daemon's answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_id: Option<String>,
    /// The `name` of a create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    /// The container as the path names it: a name, a full id or an id prefix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_ref: Option<String>,
    /// An exec's id: from the answer to exec create, or the path of exec start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exec_id: Option<String>,
}

/// The engine event a `POST /containers/{ref}/{verb}` produces.
fn container_verb(verb: &str) -> Option<&'static str> {
    Some(match verb {
        "stop" => "stop",
        "restart" => "restart",
        "kill" => "kill",
        "rename" => "rename",
        "pause" => "pause",
        "unpause" => "unpause",
        "attach" => "attach",
        "resize" => "resize",
        "archive" => "extract-to-dir",
        _ => return None,
    })
}

/// What the request did, when it is about a container or an exec; `None` for reads and
/// for endpoints about other objects.
pub fn outcome(call: &ResponseCall) -> Option<Outcome> {
    let routed = route(&call.request_method, &call.request_uri);
    if routed.class == Class::Read {
        return None;
    }
    let segments: Vec<&str> = routed.path.trim_start_matches('/').split('/').collect();
    let method = call.request_method.to_ascii_uppercase();
    let status = call.response_status_code.unwrap_or(0);
    let succeeded = (200..300).contains(&status);
    let mut o = Outcome {
        endpoint: routed.class.label(),
        method,
        path: routed.path.clone(),
        action: "",
        status,
        user: call.tls_user().map(str::to_string),
        container_id: None,
        container_name: None,
        container_ref: None,
        exec_id: None,
    };
    let object = routed.object.clone().map(|o| o.trim_start_matches('/').to_string());
    match routed.class {
        Class::ContainerCreate => {
            o.action = "create";
            o.container_name = routed.name.map(|n| n.trim_start_matches('/').to_string()).filter(|n| !n.is_empty());
            if succeeded {
                o.container_id = response_id(call.response_body.as_deref());
            }
        }
        Class::ContainerUpdate => (o.action, o.container_ref) = ("update", object),
        Class::ContainerStart => (o.action, o.container_ref) = ("start", object),
        Class::ExecCreate => {
            (o.action, o.container_ref) = ("exec_create", object);
            if succeeded {
                o.exec_id = response_id(call.response_body.as_deref());
            }
        }
        _ => match (o.method.as_str(), segments.as_slice()) {
            ("DELETE", ["containers", name]) => (o.action, o.container_ref) = ("destroy", Some(name.to_string())),
            ("POST" | "PUT", ["containers", name, verb]) => {
                o.action = container_verb(verb)?;
                o.container_ref = Some(name.to_string());
            }
            ("POST", ["exec", id, "start"]) => (o.action, o.exec_id) = ("exec_start", Some(id.to_string())),
            _ => return None,
        },
    }
    Some(o)
}

/// The `Id` of a create's answer: bounded, and `None` for anything else (not base64, not
/// JSON, no `Id`, an `Id` that is not hex). Never fails.
pub fn response_id(encoded: Option<&str>) -> Option<String> {
    #[derive(Deserialize)]
    struct Created {
        #[serde(rename = "Id")]
        id: String,
    }
    let encoded = encoded?;
    if encoded.is_empty() || encoded.len() > MAX_RESPONSE_BODY {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).ok()?;
    let created: Created = serde_json::from_slice(&bytes).ok()?;
    let hex = !created.id.is_empty() && created.id.len() <= 128 && created.id.bytes().all(|b| b.is_ascii_hexdigit());
    hex.then_some(created.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    fn call(method: &str, uri: &str, status: i64, body: Option<&str>) -> ResponseCall {
        ResponseCall {
            user: "alice".into(),
            user_authn_method: "TLS".into(),
            request_method: method.into(),
            request_uri: uri.into(),
            response_status_code: Some(status),
            response_body: body.map(|b| b64(b.as_bytes())),
        }
    }

    const ID: &str = "4f1c0e8a9b2d3c4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789";

    #[test]
    fn a_create_names_the_container_the_daemon_made() {
        let body = format!(r#"{{"Id":"{ID}","Warnings":[]}}"#);
        let o = outcome(&call("POST", "/v1.47/containers/create?name=web", 201, Some(&body))).unwrap();
        assert_eq!(o.action, "create");
        assert_eq!(o.endpoint, "container-create");
        assert_eq!(o.user.as_deref(), Some("alice"));
        assert_eq!(o.container_id.as_deref(), Some(ID));
        assert_eq!(o.container_name.as_deref(), Some("web"));
        // A refused create made nothing: no id, even if the body had one.
        let o = outcome(&call("POST", "/containers/create", 403, Some(&body))).unwrap();
        assert_eq!((o.status, o.container_id), (403, None));
    }

    #[test]
    fn paths_name_the_container_and_execs_their_id() {
        let o =
            outcome(&call("POST", "/v1.47/containers/web/exec", 201, Some(&format!(r#"{{"Id":"{ID}"}}"#)))).unwrap();
        assert_eq!(
            (o.action, o.container_ref.as_deref(), o.exec_id.as_deref()),
            ("exec_create", Some("web"), Some(ID))
        );
        let o = outcome(&call("POST", &format!("/exec/{ID}/start"), 200, None)).unwrap();
        assert_eq!((o.action, o.exec_id.as_deref()), ("exec_start", Some(ID)));
        let o = outcome(&call("DELETE", "/containers/web?force=1", 204, None)).unwrap();
        assert_eq!((o.action, o.container_ref.as_deref()), ("destroy", Some("web")));
        let o = outcome(&call("POST", "/containers/4f1c0e8a9b2d/stop", 204, None)).unwrap();
        assert_eq!((o.action, o.container_ref.as_deref()), ("stop", Some("4f1c0e8a9b2d")));
        let o = outcome(&call("POST", "/containers//web/./update", 200, None)).unwrap();
        assert_eq!((o.action, o.container_ref.as_deref()), ("update", Some("web")));
        assert_eq!(outcome(&call("POST", "/containers/web/start", 204, None)).unwrap().action, "start");
        let mut unix = call("POST", "/containers/web/start", 204, None);
        unix.user_authn_method.clear();
        assert_eq!(outcome(&unix).unwrap().user, None, "a CN without TLS is no identity");
    }

    #[test]
    fn reads_and_other_objects_give_none() {
        assert_eq!(outcome(&call("GET", "/containers/json", 200, Some("[]"))), None);
        assert_eq!(outcome(&call("HEAD", "/_ping", 200, None)), None);
        assert_eq!(outcome(&call("POST", "/_ping", 200, None)), None);
        assert_eq!(outcome(&call("POST", "/images/create?fromImage=x", 200, None)), None);
        assert_eq!(outcome(&call("POST", "/containers/web/frobnicate", 200, None)), None);
    }

    #[test]
    fn response_bodies_that_are_not_a_create_answer_give_no_id() {
        assert_eq!(response_id(None), None);
        assert_eq!(response_id(Some("")), None);
        assert_eq!(response_id(Some("!!!not base64")), None);
        assert_eq!(response_id(Some(&b64(b"not json"))), None);
        assert_eq!(response_id(Some(&b64(b"{\"Id\":"))), None);
        assert_eq!(response_id(Some(&b64(b"{\"Id\":42}"))), None);
        assert_eq!(response_id(Some(&b64(b"{\"Id\":\"../../etc\"}"))), None);
        assert_eq!(response_id(Some(&b64(b"[1,2,3]"))), None);
        assert_eq!(response_id(Some(&b64(&[0xff, 0xfe, 0x00]))), None);
        let huge = format!(r#"{{"Id":"{ID}","Warnings":["{}"]}}"#, "x".repeat(200_000));
        assert_eq!(response_id(Some(&b64(huge.as_bytes()))), None, "over the bound: not decoded");
        assert_eq!(response_id(Some(&b64(format!(r#"{{"Id":"{ID}"}}"#).as_bytes()))).as_deref(), Some(ID));
    }
}
