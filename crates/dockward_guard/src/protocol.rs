//! Docker's authorization plugin protocol (moby `pkg/authorization/api.go`).
//!
//! dockerd posts an [`AuthzRequest`] to `/AuthZPlugin.AuthZReq` before running an API
//! request and to `/AuthZPlugin.AuthZRes` after it; the plugin answers an
//! [`AuthzResponse`]. `RequestBody` is a Go `[]byte`, so base64 in JSON, and it is absent
//! when the daemon did not forward the body (non-JSON content type, too large, `/auth`).

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The plugin's activation answer: it implements `authz`.
pub const ACTIVATE_RESPONSE: &str = r#"{"Implements":["authz"]}"#;

/// The media type of every plugin call and answer.
pub const PLUGIN_MEDIA_TYPE: &str = "application/vnd.docker.plugins.v1.2+json";

/// One AuthZReq or AuthZRes call.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthzRequest {
    /// The TLS client certificate's CN; empty for unix-socket clients.
    #[serde(default)]
    pub user: String,
    #[serde(default, rename = "UserAuthNMethod")]
    pub user_authn_method: String,
    #[serde(default)]
    pub request_method: String,
    #[serde(default, rename = "RequestUri")]
    pub request_uri: String,
    /// Base64.
    #[serde(default)]
    pub request_body: Option<String>,
    #[serde(default)]
    pub request_headers: BTreeMap<String, String>,
    #[serde(default)]
    pub response_status_code: Option<i64>,
}

/// The answer to AuthZReq and AuthZRes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthzResponse {
    pub allow: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub msg: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub err: String,
}

impl AuthzResponse {
    pub fn allow() -> Self {
        AuthzResponse { allow: true, msg: String::new(), err: String::new() }
    }
    pub fn deny(msg: impl Into<String>) -> Self {
        AuthzResponse { allow: false, msg: msg.into(), err: String::new() }
    }
}

impl AuthzRequest {
    /// A header of the API request, by case-insensitive name (dockerd sends Go's
    /// canonical form, `Content-Type`).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.request_headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The identity to judge with: the TLS certificate's CN only. Headers a client could
    /// set (`Authz-User`, ...) are never read.
    pub fn tls_user(&self) -> Option<&str> {
        tls_identity(&self.user_authn_method, &self.user)
    }
}

/// The user of a call when the daemon authenticated it by TLS (`UserAuthNMethod=TLS`,
/// `User` the certificate's CN); `None` otherwise.
pub fn tls_identity<'a>(method: &str, user: &'a str) -> Option<&'a str> {
    (method.eq_ignore_ascii_case("TLS") && !user.is_empty()).then_some(user)
}

/// Why a request's body cannot be judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyProblem {
    /// The daemon forwarded no body.
    Missing,
    /// The body is empty.
    Empty,
    /// The request's content type is not JSON (the daemon forwards no body then, but its
    /// handler may still read one).
    NotJson(String),
    /// Not valid base64 or not valid JSON (truncated, garbage).
    Unparseable(String),
}

impl BodyProblem {
    /// Short, stable text for the deny message.
    pub fn describe(&self) -> String {
        match self {
            BodyProblem::Missing => "no request body reached the guard (the daemon forwards none over its size \
                                     limit, chunked on old versions, or of a non-JSON type)"
                .into(),
            BodyProblem::Empty => "the request body is empty".into(),
            BodyProblem::NotJson(ct) => format!("the request's content type `{ct}` is not application/json"),
            BodyProblem::Unparseable(e) => format!("the request body is not valid JSON ({e})"),
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            BodyProblem::Missing => "body-missing",
            BodyProblem::Empty => "body-empty",
            BodyProblem::NotJson(_) => "body-not-json",
            BodyProblem::Unparseable(_) => "body-unparseable",
        }
    }
}

/// True when a Content-Type header's media type is `application/json` (parameters such as
/// `charset` allowed, case-insensitive), as dockerd decides whether to forward a body.
pub fn is_json_content_type(value: &str) -> bool {
    let media = value.split(';').next().unwrap_or_default().trim();
    media.eq_ignore_ascii_case("application/json")
}

/// The API request's body as JSON: the content type must be JSON, the body present,
/// non-empty, valid base64 and valid JSON.
pub fn decode_body(request: &AuthzRequest) -> Result<Value, BodyProblem> {
    if let Some(ct) = request.header("Content-Type") {
        if !is_json_content_type(ct) {
            return Err(BodyProblem::NotJson(ct.chars().take(64).collect()));
        }
    }
    let encoded = request.request_body.as_deref().ok_or(BodyProblem::Missing)?;
    if encoded.is_empty() {
        return Err(BodyProblem::Empty);
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|e| BodyProblem::Unparseable(format!("base64: {e}")))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(BodyProblem::Empty);
    }
    serde_json::from_slice(&bytes).map_err(|e| BodyProblem::Unparseable(e.to_string()))
}

/// True when the request shows a body (a length over 0, or chunked) the daemon did not
/// forward: for endpoints that need none, a sign of a body the guard cannot see.
pub fn has_unforwarded_body(request: &AuthzRequest) -> bool {
    if request.request_body.as_deref().is_some_and(|b| !b.is_empty()) {
        return false;
    }
    let length = request.header("Content-Length").and_then(|l| l.trim().parse::<u64>().ok()).unwrap_or(0);
    let chunked = request.header("Transfer-Encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    length > 0 || chunked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(ct: Option<&str>, body: Option<&str>) -> AuthzRequest {
        let mut r = AuthzRequest::default();
        if let Some(ct) = ct {
            r.request_headers.insert("Content-Type".into(), ct.into());
        }
        r.request_body = body.map(|b| base64::engine::general_purpose::STANDARD.encode(b));
        r
    }

    #[test]
    fn decodes_the_dockerd_request_shape() {
        let text = r#"{"User":"alice","UserAuthNMethod":"TLS","RequestMethod":"POST",
            "RequestUri":"/v1.47/containers/create","RequestBody":"eyJJbWFnZSI6ImEifQ==",
            "RequestHeaders":{"Content-Type":"application/json"},"RequestPeerCertificates":["x"]}"#;
        let r: AuthzRequest = serde_json::from_str(text).unwrap();
        assert_eq!(r.tls_user(), Some("alice"));
        assert_eq!(decode_body(&r).unwrap()["Image"], "a");
    }

    #[test]
    fn every_unreadable_body_is_a_problem() {
        assert_eq!(decode_body(&request(Some("application/json"), None)), Err(BodyProblem::Missing));
        assert_eq!(decode_body(&request(Some("application/json"), Some(""))), Err(BodyProblem::Empty));
        assert_eq!(decode_body(&request(Some("application/json"), Some("  \n"))), Err(BodyProblem::Empty));
        assert!(matches!(decode_body(&request(Some("text/plain"), Some("{}"))), Err(BodyProblem::NotJson(_))));
        assert!(matches!(
            decode_body(&request(Some("application/json"), Some("{\"Image\":"))),
            Err(BodyProblem::Unparseable(_))
        ));
        let mut bad = request(None, None);
        bad.request_body = Some("!!!".into());
        assert!(matches!(decode_body(&bad), Err(BodyProblem::Unparseable(_))));
        assert!(decode_body(&request(Some("Application/JSON; charset=utf-8"), Some("{}"))).is_ok());
    }

    #[test]
    fn identity_comes_only_from_tls() {
        let mut r = request(None, None);
        r.user = "root".into();
        r.request_headers.insert("Authz-User".into(), "admin".into());
        assert_eq!(r.tls_user(), None);
        r.user_authn_method = "TLS".into();
        assert_eq!(r.tls_user(), Some("root"));
    }

    #[test]
    fn unforwarded_bodies_show_in_the_headers() {
        let mut r = request(Some("application/x-tar"), None);
        r.request_headers.insert("Content-Length".into(), "10".into());
        assert!(has_unforwarded_body(&r));
        let r = request(Some("application/json"), Some("{}"));
        assert!(!has_unforwarded_body(&r));
        assert!(!has_unforwarded_body(&request(None, None)));
    }
}
