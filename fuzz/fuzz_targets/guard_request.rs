//! `dockward guard`: an AuthZReq call as any Docker client can shape it. The body is
//! whatever the client sent (the daemon forwards it base64-encoded), so it is hostile
//! input: route, body decoding, body -> ContainerSpec, the rules and the decision must
//! never panic, and a create whose body is not a JSON object must never be allowed
//! (fail closed: CVE-2024-41110 was an allowed create without a body).
//!
//! The first byte picks the endpoint (path variants included) and the content type.
#![no_main]

use base64::Engine as _;
use dockward_guard::decide::{judge, Knowledge, Verdict};
use dockward_guard::policy::parse_policy;
use dockward_guard::protocol::AuthzRequest;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

const URIS: [&str; 10] = [
    "/v1.41/containers/create?name=web",
    "/containers/create",
    "//v1.44//containers/create/?x=1",
    "/v1.41/containers/abc/update",
    "/v1.41/containers/abc/exec",
    "/v1.41/services/create",
    "/v1.41/services/svc/update?version=3",
    "/v1.41/volumes/create",
    "/v1.41/plugins/pull?remote=x",
    "/v1.41/swarm/join",
];
const CONTENT_TYPES: [&str; 4] = ["application/json", "application/json; charset=utf-8", "text/plain", ""];

static ENFORCE: LazyLock<dockward_guard::policy::Policy> =
    LazyLock::new(|| parse_policy("dockward.toml", "[guard]\nmode = \"enforce\"\n").expect("the policy parses"));

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let uri = URIS[pick as usize % URIS.len()];
    let content_type = CONTENT_TYPES[(pick as usize / URIS.len()) % CONTENT_TYPES.len()];
    let mut request = AuthzRequest {
        request_method: "POST".into(),
        request_uri: uri.into(),
        request_body: Some(base64::engine::general_purpose::STANDARD.encode(body)),
        ..Default::default()
    };
    if !content_type.is_empty() {
        request.request_headers.insert("Content-Type".into(), content_type.into());
    }
    let decision = judge(&request, &ENFORCE, &Knowledge::default(), &());
    let is_object = serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|v| v.is_object());
    if uri.contains("/containers/create") && !is_object {
        assert_ne!(decision.verdict, Verdict::Allow, "a create with an unreadable body was allowed");
    }
});
