//! Which Engine API endpoint a request is, after normalising its URI.
//!
//! Matching regexes against the raw URI was bypassed in other plugins
//! (twistlock/authz#50: `?aaa=\/start`). Here the URI is cut at `?` and `#`,
//! percent-decoded, cleaned lexically (empty and `.` segments dropped, `..` resolved, a
//! trailing slash dropped) and stripped of its `/v1.NN` version prefix; then the path's
//! segments are matched against a table of templates. The template's class decides how
//! the request is judged.

use std::borrow::Cow;

/// How a request is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// `GET`, `HEAD`, `/_ping`: allowed without parsing.
    Read,
    ContainerCreate,
    ContainerUpdate,
    ExecCreate,
    /// `POST /containers/{id}/start`: a body is the pre-1.24 way of passing a HostConfig.
    ContainerStart,
    ServiceCreate,
    ServiceUpdate,
    VolumeCreate,
    /// Creates whose body the daemon needs but no rule reads (networks, secrets, configs).
    OtherCreate,
    SwarmJoin,
    Plugin,
    Grpc,
    /// A known endpoint with nothing to judge.
    Other,
    /// Not in the table (a future API version, or a path no daemon serves).
    Unknown,
}

impl Class {
    /// The label used in records and metrics.
    pub fn label(self) -> &'static str {
        match self {
            Class::Read => "read",
            Class::ContainerCreate => "container-create",
            Class::ContainerUpdate => "container-update",
            Class::ExecCreate => "exec-create",
            Class::ContainerStart => "container-start",
            Class::ServiceCreate => "service-create",
            Class::ServiceUpdate => "service-update",
            Class::VolumeCreate => "volume-create",
            Class::OtherCreate => "object-create",
            Class::SwarmJoin => "swarm-join",
            Class::Plugin => "plugin",
            Class::Grpc => "grpc",
            Class::Other => "other",
            Class::Unknown => "unknown",
        }
    }

    /// Endpoints whose meaning is in their body: without a readable JSON body the guard
    /// cannot judge them, and the daemon may still act on a body it did not forward.
    pub fn needs_body(self) -> bool {
        matches!(
            self,
            Class::ContainerCreate
                | Class::ContainerUpdate
                | Class::ExecCreate
                | Class::ServiceCreate
                | Class::ServiceUpdate
                | Class::VolumeCreate
                | Class::OtherCreate
        )
    }
}

/// A routed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub class: Class,
    /// The normalised path, without version prefix or query.
    pub path: String,
    /// The `{id}` / `{name}` segment of the template, when it has one.
    pub object: Option<String>,
    /// The `name` query parameter (container and volume names on create).
    pub name: Option<String>,
}

/// One template: method, segments (`*` one segment, `**` one or more segments, as image
/// and plugin names hold slashes), class.
type Template = (&'static str, &'static [&'static str], Class);

/// Engine API 1.24-1.51 endpoints that change state. Reads (`GET`/`HEAD`) never reach the
/// table.
const TEMPLATES: &[Template] = &[
    ("POST", &["containers", "create"], Class::ContainerCreate),
    ("POST", &["containers", "*", "update"], Class::ContainerUpdate),
    ("POST", &["containers", "*", "exec"], Class::ExecCreate),
    ("POST", &["containers", "*", "start"], Class::ContainerStart),
    ("POST", &["services", "create"], Class::ServiceCreate),
    ("POST", &["services", "*", "update"], Class::ServiceUpdate),
    ("POST", &["volumes", "create"], Class::VolumeCreate),
    ("POST", &["networks", "create"], Class::OtherCreate),
    ("POST", &["secrets", "create"], Class::OtherCreate),
    ("POST", &["configs", "create"], Class::OtherCreate),
    ("POST", &["swarm", "init"], Class::SwarmJoin),
    ("POST", &["swarm", "join"], Class::SwarmJoin),
    ("POST", &["plugins", "pull"], Class::Plugin),
    ("POST", &["plugins", "create"], Class::Plugin),
    ("POST", &["plugins", "**", "enable"], Class::Plugin),
    ("POST", &["plugins", "**", "disable"], Class::Plugin),
    ("POST", &["plugins", "**", "set"], Class::Plugin),
    ("POST", &["plugins", "**", "upgrade"], Class::Plugin),
    ("POST", &["plugins", "**", "push"], Class::Plugin),
    ("DELETE", &["plugins", "**"], Class::Plugin),
    ("POST", &["grpc"], Class::Grpc),
    ("POST", &["session"], Class::Grpc),
    ("POST", &["containers", "*", "stop"], Class::Other),
    ("POST", &["containers", "*", "restart"], Class::Other),
    ("POST", &["containers", "*", "kill"], Class::Other),
    ("POST", &["containers", "*", "rename"], Class::Other),
    ("POST", &["containers", "*", "pause"], Class::Other),
    ("POST", &["containers", "*", "unpause"], Class::Other),
    ("POST", &["containers", "*", "attach"], Class::Other),
    ("POST", &["containers", "*", "wait"], Class::Other),
    ("POST", &["containers", "*", "resize"], Class::Other),
    ("POST", &["containers", "prune"], Class::Other),
    ("DELETE", &["containers", "*"], Class::Other),
    ("PUT", &["containers", "*", "archive"], Class::Other),
    ("POST", &["exec", "*", "start"], Class::Other),
    ("POST", &["exec", "*", "resize"], Class::Other),
    ("POST", &["images", "create"], Class::Other),
    ("POST", &["images", "load"], Class::Other),
    ("POST", &["images", "prune"], Class::Other),
    ("POST", &["images", "**", "push"], Class::Other),
    ("POST", &["images", "**", "tag"], Class::Other),
    ("DELETE", &["images", "**"], Class::Other),
    ("POST", &["build"], Class::Other),
    ("POST", &["build", "prune"], Class::Other),
    ("POST", &["build", "cancel"], Class::Other),
    ("POST", &["commit"], Class::Other),
    ("POST", &["auth"], Class::Other),
    ("POST", &["networks", "prune"], Class::Other),
    ("POST", &["networks", "*", "connect"], Class::Other),
    ("POST", &["networks", "*", "disconnect"], Class::Other),
    ("DELETE", &["networks", "*"], Class::Other),
    ("POST", &["volumes", "prune"], Class::Other),
    ("PUT", &["volumes", "*"], Class::Other),
    ("DELETE", &["volumes", "*"], Class::Other),
    ("POST", &["swarm", "leave"], Class::Other),
    ("POST", &["swarm", "update"], Class::Other),
    ("POST", &["swarm", "unlock"], Class::Other),
    ("DELETE", &["services", "*"], Class::Other),
    ("POST", &["nodes", "*", "update"], Class::Other),
    ("DELETE", &["nodes", "*"], Class::Other),
    ("POST", &["secrets", "*", "update"], Class::Other),
    ("DELETE", &["secrets", "*"], Class::Other),
    ("POST", &["configs", "*", "update"], Class::Other),
    ("DELETE", &["configs", "*"], Class::Other),
];

/// Percent-decodes `s` (`%2F` -> `/`); an invalid escape is kept as written.
///
/// By hand: a dozen lines, where a crate would add a dependency for one call.
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// The query parameter `key`, percent-decoded (`+` is a space in a query).
fn query_param(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(k) == key).then(|| percent_decode(&v.replace('+', " ")).into_owned())
    })
}

/// The path's segments after decoding and lexical cleaning, without the version prefix.
pub fn normalise_path(uri: &str) -> Vec<String> {
    let end = uri.find(['?', '#']).unwrap_or(uri.len());
    let decoded = percent_decode(&uri[..end]);
    let mut segments: Vec<String> = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s.to_string()),
        }
    }
    // Only a leading `/vN.NN` is a version (an image may be called `v1.2`).
    if segments.first().is_some_and(|s| is_version(s)) {
        segments.remove(0);
    }
    segments
}

fn is_version(segment: &str) -> bool {
    segment.strip_prefix('v').is_some_and(|v| {
        let (major, minor) = v.split_once('.').unwrap_or((v, "0"));
        !major.is_empty()
            && !minor.is_empty()
            && major.bytes().all(|b| b.is_ascii_digit())
            && minor.bytes().all(|b| b.is_ascii_digit())
    })
}

fn matches(template: &[&str], segments: &[String]) -> Option<Option<String>> {
    match template.iter().position(|t| *t == "**") {
        Some(star) => {
            let (head, tail) = (&template[..star], &template[star + 1..]);
            if segments.len() < head.len() + tail.len() + 1 {
                return None;
            }
            let middle = &segments[head.len()..segments.len() - tail.len()];
            let fixed = head.iter().zip(segments).all(|(t, s)| t == s)
                && tail.iter().zip(&segments[segments.len() - tail.len()..]).all(|(t, s)| t == s);
            fixed.then(|| Some(middle.join("/")))
        }
        None => {
            if template.len() != segments.len() {
                return None;
            }
            let mut object = None;
            for (t, s) in template.iter().zip(segments) {
                if *t == "*" {
                    object = Some(s.clone());
                } else if t != s {
                    return None;
                }
            }
            Some(object)
        }
    }
}

/// Routes a request by its method and `RequestUri`.
pub fn route(method: &str, uri: &str) -> Route {
    let segments = normalise_path(uri);
    let path = format!("/{}", segments.join("/"));
    let query = uri.split_once('?').map(|(_, q)| q.split('#').next().unwrap_or(q)).unwrap_or("");
    let name = query_param(query, "name");
    let method = method.to_ascii_uppercase();
    if method == "GET" || method == "HEAD" || path == "/_ping" {
        return Route { class: Class::Read, path, object: None, name };
    }
    for (m, template, class) in TEMPLATES {
        if *m != method {
            continue;
        }
        if let Some(object) = matches(template, &segments) {
            return Route { class: *class, path, object, name };
        }
    }
    Route { class: Class::Unknown, path, object: None, name }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(method: &str, uri: &str) -> Class {
        route(method, uri).class
    }

    #[test]
    fn variants_of_a_create_all_route_to_create() {
        for uri in [
            "/containers/create",
            "/v1.47/containers/create",
            "/v1.41//containers/create",
            "//containers///create/",
            "/v1.47/containers/create?name=x&aaa=\\/start",
            "/v1.47/containers/./create",
            "/v1.47/images/../containers/create",
            "/v1.47/containers/%63reate",
            "/v1.47/%63ontainers%2Fcreate",
            "/containers/create#frag",
        ] {
            assert_eq!(class("POST", uri), Class::ContainerCreate, "{uri}");
        }
        assert_eq!(class("post", "/containers/create"), Class::ContainerCreate);
    }

    #[test]
    fn a_query_cannot_make_a_create_look_like_another_endpoint() {
        assert_eq!(class("POST", "/containers/create?x=/containers/abc/start"), Class::ContainerCreate);
        assert_eq!(class("POST", "/containers/abc/start?x=/containers/create"), Class::ContainerStart);
    }

    #[test]
    fn reads_and_ping_take_the_fast_path() {
        assert_eq!(class("GET", "/v1.47/containers/json"), Class::Read);
        assert_eq!(class("HEAD", "/_ping"), Class::Read);
        assert_eq!(class("POST", "/_ping"), Class::Read);
    }

    #[test]
    fn objects_names_and_multi_segment_names() {
        let r = route("POST", "/v1.47/containers/abc123/exec");
        assert_eq!((r.class, r.object.as_deref()), (Class::ExecCreate, Some("abc123")));
        let r = route("POST", "/v1.47/plugins/vieux/sshfs:latest/disable");
        assert_eq!((r.class, r.object.as_deref()), (Class::Plugin, Some("vieux/sshfs:latest")));
        assert_eq!(class("DELETE", "/plugins/a/b"), Class::Plugin);
        assert_eq!(class("POST", "/images/reg:5000/a/b/tag"), Class::Other);
        assert_eq!(route("POST", "/containers/create?name=web%2D1").name.as_deref(), Some("web-1"));
    }

    #[test]
    fn unknown_endpoints_and_versions() {
        assert_eq!(class("POST", "/v9.99/frobnicate"), Class::Unknown);
        assert_eq!(class("PATCH", "/containers/create"), Class::Unknown);
        // Only the leading segment is a version.
        assert_eq!(class("POST", "/images/v1.2/tag"), Class::Other);
        assert!(!is_version("v"));
        assert!(!is_version("v1."));
    }

    #[test]
    fn percent_decoding_keeps_bad_escapes() {
        assert_eq!(percent_decode("a%2fb%zz%4"), "a/b%zz%4");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%41"), "A");
    }
}
