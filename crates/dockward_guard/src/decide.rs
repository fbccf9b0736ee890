//! decision = f(mode, policy, findings, user, endpoint).
//!
//! Pure: a request (already decoded) and the policy in, a [`Decision`] out. No tokio, no
//! network; the server and `dockward guard check-request` both call [`judge`].

use dockward_diagnostics::{Diagnostic, Location, Severity};
use dockward_linter::check::lint_container_specs;
use dockward_linter::vulns::Date;
use dockward_spec::{ContainerSpec, EngineDefaults, ImageConfig};
use serde::Serialize;

use crate::policy::{Access, Mode, Policy};
use crate::protocol::{decode_body, has_unforwarded_body, AuthzRequest, BodyProblem};
use crate::route::{route, Class, Route};

/// The outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Allow,
    Deny,
    /// Audit mode: allowed, but enforce would have denied.
    WouldDeny,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Deny => "deny",
            Verdict::WouldDeny => "would-deny",
        }
    }
}

/// What the policy made of one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    Deny,
    Warn,
    /// Covered by a `[[guard.exception]]`.
    Excepted,
    /// Suppressed by a `dockward.ignore` label the policy honours for this user.
    Suppressed,
}

/// One finding as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRecord {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    /// The body field (`HostConfig.Privileged`).
    pub field: String,
    pub message: String,
    pub effect: Effect,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A decision and what it rests on.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub verdict: Verdict,
    pub endpoint: &'static str,
    pub method: String,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The image's configuration (USER, HEALTHCHECK) was known: looked up through the daemon.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub image_known: bool,
    pub findings: Vec<FindingRecord>,
    /// Why, when the decision rests on something other than findings (`body-missing`,
    /// `policy: plugins`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The deny message (also in audit mode, saying what would have been shown).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// What the guard knows of the daemon and its images, from its own lookups.
#[derive(Debug, Default, Clone)]
pub struct Knowledge {
    pub defaults: EngineDefaults,
}

/// Knows an image's configuration (USER, HEALTHCHECK) by reference, when looked up.
pub trait ImageLookup {
    fn image_config(&self, reference: &str) -> Option<ImageConfig>;
}

impl ImageLookup for () {
    fn image_config(&self, _: &str) -> Option<ImageConfig> {
        None
    }
}

fn base(route: &Route, request: &AuthzRequest) -> Decision {
    Decision {
        verdict: Verdict::Allow,
        endpoint: route.class.label(),
        method: request.request_method.to_ascii_uppercase(),
        path: route.path.clone(),
        user: request.tls_user().map(str::to_string),
        container: route.name.clone().or_else(|| route.object.clone()),
        image: None,
        image_known: false,
        findings: Vec::new(),
        reason: None,
        message: String::new(),
    }
}

/// Applies the mode to a denial.
fn refuse(mut d: Decision, policy: &Policy, reason: &str, message: String) -> Decision {
    d.verdict = match policy.mode {
        Mode::Enforce => Verdict::Deny,
        Mode::Audit => Verdict::WouldDeny,
    };
    d.reason = Some(reason.to_string());
    d.message = message;
    d
}

/// Judges an AuthZReq call.
pub fn judge(request: &AuthzRequest, policy: &Policy, knowledge: &Knowledge, images: &dyn ImageLookup) -> Decision {
    judge_decoded(request, None, policy, knowledge, images)
}

/// [`judge`] with the body already decoded by the caller (`decode_body` of the same
/// request), so a server that read the body for its image lookup does not decode it twice.
pub fn judge_decoded(
    request: &AuthzRequest,
    decoded: Option<Result<serde_json::Value, BodyProblem>>,
    policy: &Policy,
    knowledge: &Knowledge,
    images: &dyn ImageLookup,
) -> Decision {
    let route = route(&request.request_method, &request.request_uri);
    let d = base(&route, request);
    let user = request.tls_user();
    match route.class {
        Class::Read => return d,
        Class::Unknown => {
            return if policy.unknown_endpoint.allows(user) {
                d
            } else {
                let msg = format!(
                    "dockward: {} {} is not a known Engine API endpoint (policy: unknown-endpoint)",
                    d.method, d.path
                );
                refuse(d, policy, "policy: unknown-endpoint", msg)
            };
        }
        Class::Grpc => return by_access(d, policy, &policy.grpc, user, "grpc", "BuildKit session/grpc endpoints"),
        Class::SwarmJoin => return by_access(d, policy, &policy.swarm_join, user, "swarm-join", "swarm init and join"),
        Class::Plugin => return by_access(d, policy, &policy.plugins, user, "plugins", "plugin changes"),
        _ => {}
    }
    if route.class == Class::ContainerStart {
        // A start with a body is the pre-1.24 way of passing a HostConfig the create
        // never showed.
        if has_unforwarded_body(request) || request.request_body.as_deref().is_some_and(|b| !b.is_empty()) {
            let msg = "dockward: a container start with a body (an old-API HostConfig) is refused: pass the settings \
                       on create"
                .to_string();
            return refuse(d, policy, "start-with-body", msg);
        }
        return d;
    }
    if !route.class.needs_body() {
        return d;
    }
    let body = match decoded.unwrap_or_else(|| decode_body(request)) {
        Ok(body) => body,
        Err(problem) => return body_refused(d, policy, user, &problem),
    };
    let spec = match route.class {
        Class::ContainerCreate => {
            dockward_engine::create_body::create_body_spec(route.name.as_deref().unwrap_or_default(), &body).map(Some)
        }
        Class::ContainerUpdate => {
            dockward_engine::create_body::update_body_spec(route.object.as_deref().unwrap_or_default(), &body).map(Some)
        }
        Class::ExecCreate => {
            dockward_engine::create_body::exec_body_spec(route.object.as_deref().unwrap_or_default(), &body).map(Some)
        }
        Class::ServiceCreate | Class::ServiceUpdate => dockward_engine::create_body::service_body_spec(&body),
        Class::VolumeCreate => dockward_engine::create_body::volume_body_spec(&body),
        _ => Ok(None),
    };
    let mut spec = match spec {
        Ok(Some(spec)) => spec,
        Ok(None) => return d,
        Err(e) => return body_refused(d, policy, user, &BodyProblem::Unparseable(e.0)),
    };
    if let Some(image) = spec.image.as_ref().map(|i| i.value.clone()) {
        if spec.image_config.is_none() {
            spec.image_config = images.image_config(&image);
        }
    }
    judge_spec(d, route.class, &spec, policy, knowledge, user)
}

fn by_access(d: Decision, policy: &Policy, access: &Access, user: Option<&str>, key: &str, what: &str) -> Decision {
    if access.allows(user) {
        return d;
    }
    let msg = format!("dockward: {what} are not allowed (policy: {key})");
    refuse(d, policy, &format!("policy: {key}"), msg)
}

fn body_refused(d: Decision, policy: &Policy, user: Option<&str>, problem: &BodyProblem) -> Decision {
    if policy.body_required.allows(user) {
        let mut d = d;
        d.reason = Some(problem.label().to_string());
        return d;
    }
    let msg = format!("dockward: {} {} refused: {} (fail-closed)", d.method, d.path, problem.describe());
    refuse(d, policy, problem.label(), msg)
}

/// The body field a finding is about, without the object's scope; the create body's
/// top-level config fields are written as in the request (`User`, not `Config.User`).
fn field_of(location: &Location) -> String {
    match location {
        Location::Logical { path, .. } => path.strip_prefix("Config.").unwrap_or(path).to_string(),
        other => other.to_string(),
    }
}

fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// The codes a `dockward.ignore=CODE,CODE[: reason]` label names.
fn label_ignores(spec: &ContainerSpec) -> Vec<String> {
    spec.labels
        .iter()
        .filter(|(k, _)| k == "dockward.ignore")
        .flat_map(|(_, v)| {
            let codes = v.value.split_once(':').map_or(v.value.as_str(), |(codes, _)| codes);
            codes.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect::<Vec<_>>()
        })
        .collect()
}

fn judge_spec(
    mut d: Decision,
    class: Class,
    spec: &ContainerSpec,
    policy: &Policy,
    knowledge: &Knowledge,
    user: Option<&str>,
) -> Decision {
    d.image = spec.image.as_ref().map(|i| i.value.clone());
    d.image_known = spec.image_config.is_some();
    if class == Class::ServiceCreate || class == Class::ServiceUpdate {
        d.container = Some(spec.name.clone());
    }
    let mut found: Vec<Diagnostic> =
        lint_container_specs(std::slice::from_ref(spec), &knowledge.defaults, &policy.settings);
    // An update or an exec only changes what it names: a finding about a setting the
    // request does not carry (reported at the spec's origin) is about the container as
    // created, which its create was judged on.
    if matches!(class, Class::ContainerUpdate | Class::ExecCreate) {
        let origin = spec.origin.to_string();
        found.retain(|f| f.location.to_string() != origin);
        if class == Class::ExecCreate {
            found.retain(|f| f.rule.code == "CT032" || f.rule.code == "CT033");
        }
    }
    let honour_labels = policy.label_suppressions.allows(user);
    let ignored = if honour_labels { label_ignores(spec) } else { Vec::new() };
    let today = Date::today();
    for f in &found {
        let code = f.rule.code;
        let deny = !policy.warn.contains(code)
            && (policy.deny.contains(code) || policy.deny_severity.is_some_and(|s| f.severity >= s));
        let mut effect = if deny { Effect::Deny } else { Effect::Warn };
        let mut reason = None;
        if deny {
            if let Some(e) = policy.exceptions.iter().find(|e| e.covers(code, d.image.as_deref(), user, today)) {
                effect = Effect::Excepted;
                reason = Some(e.reason.clone());
            } else if ignored.iter().any(|s| f.rule.matches(s)) {
                effect = Effect::Suppressed;
                reason = Some("dockward.ignore label".into());
            }
        }
        d.findings.push(FindingRecord {
            code,
            name: f.rule.name,
            severity: severity_label(f.severity),
            field: field_of(&f.location),
            message: f.message.to_string(),
            effect,
            reason,
        });
    }
    // By code, then field: the message does not change with the order rules run in.
    d.findings.sort_by(|a, b| (a.code, &a.field).cmp(&(b.code, &b.field)));
    let denying: Vec<String> = d
        .findings
        .iter()
        .filter(|f| f.effect == Effect::Deny)
        .map(|f| format!("{} {} ({})", f.code, f.name, f.field))
        .collect();
    if denying.is_empty() {
        return d;
    }
    let first = d.findings.iter().find(|f| f.effect == Effect::Deny).map(|f| f.code).unwrap_or_default();
    let msg = format!("dockward: {}. See dockward rule {first}", denying.join("; "));
    refuse(d, policy, "findings", msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::parse_policy;
    use base64::Engine as _;

    fn request(method: &str, uri: &str, body: Option<&str>) -> AuthzRequest {
        let mut r = AuthzRequest {
            request_method: method.into(),
            request_uri: uri.into(),
            request_body: body.map(|b| base64::engine::general_purpose::STANDARD.encode(b)),
            ..Default::default()
        };
        r.request_headers.insert("Content-Type".into(), "application/json".into());
        r
    }

    fn decide(policy: &str, r: &AuthzRequest) -> Decision {
        judge(r, &parse_policy("p.toml", policy).unwrap(), &Knowledge::default(), &())
    }

    const PRIVILEGED: &str = r#"{"Image":"t/bb:1","HostConfig":{"Privileged":true,
        "Binds":["/var/run/docker.sock:/var/run/docker.sock"]}}"#;
    const HARDENED: &str = r#"{"Image":"t/bb:1","User":"1000","HostConfig":{"ReadonlyRootfs":true,
        "CapDrop":["ALL"],"SecurityOpt":["no-new-privileges:true"],"Memory":67108864,"NetworkMode":"none"}}"#;

    #[test]
    fn a_privileged_create_is_denied_with_a_short_stable_message() {
        let d = decide("", &request("POST", "/v1.47/containers/create?name=web", Some(PRIVILEGED)));
        assert_eq!(d.verdict, Verdict::Deny);
        assert_eq!(
            d.message,
            "dockward: CT001 privileged-container (HostConfig.Privileged); CT012 docker-socket-mounted \
             (HostConfig.Binds[0]). See dockward rule CT001"
        );
        assert_eq!(d.container.as_deref(), Some("web"));
        assert_eq!(d.image.as_deref(), Some("t/bb:1"));
    }

    #[test]
    fn a_hardened_create_is_allowed_and_warnings_are_only_logged() {
        let d = decide("", &request("POST", "/containers/create", Some(HARDENED)));
        assert_eq!(d.verdict, Verdict::Allow, "{d:#?}");
        assert!(d.findings.iter().all(|f| f.effect == Effect::Warn));
    }

    #[test]
    fn audit_mode_allows_and_says_what_it_would_deny() {
        let d = decide("[guard]\nmode = \"audit\"\n", &request("POST", "/containers/create", Some(PRIVILEGED)));
        assert_eq!(d.verdict, Verdict::WouldDeny);
        assert!(d.message.starts_with("dockward: CT001"));
    }

    #[test]
    fn every_unreadable_body_fails_closed() {
        let no_body = request("POST", "/containers/create", None);
        assert_eq!(decide("", &no_body).reason.as_deref(), Some("body-missing"));
        assert_eq!(decide("", &no_body).verdict, Verdict::Deny);
        let mut plain = request("POST", "/v1.41//containers/create", Some(PRIVILEGED));
        plain.request_headers.insert("Content-Type".into(), "text/plain".into());
        assert_eq!(decide("", &plain).verdict, Verdict::Deny);
        for body in ["{\"Image\":", "[]", "{\"HostConfig\":{\"Privileged\":\"yes\"}}", ""] {
            assert_eq!(decide("", &request("POST", "/containers/create", Some(body))).verdict, Verdict::Deny, "{body}");
        }
        assert_eq!(decide("[guard]\nbody-required = \"allow\"\n", &no_body).verdict, Verdict::Allow);
        // Reads never need one.
        assert_eq!(decide("", &request("GET", "/containers/json", None)).verdict, Verdict::Allow);
    }

    #[test]
    fn exec_privileged_is_denied_and_exec_as_root_only_warned() {
        let d = decide("", &request("POST", "/containers/abc/exec", Some(r#"{"Privileged":true,"Cmd":["sh"]}"#)));
        assert_eq!(d.verdict, Verdict::Deny);
        assert!(d.message.contains("CT032 exec-privileged (Privileged)"), "{}", d.message);
        let d = decide("", &request("POST", "/containers/abc/exec", Some(r#"{"Cmd":["sh"]}"#)));
        assert_eq!(d.verdict, Verdict::Allow, "{d:#?}");
    }

    #[test]
    fn exceptions_and_labels_follow_the_policy() {
        let with_label = r#"{"Image":"t/bb:1","Labels":{"dockward.ignore":"CT001"},"HostConfig":{"Privileged":true}}"#;
        let r = request("POST", "/containers/create", Some(with_label));
        assert_eq!(decide("", &r).verdict, Verdict::Deny, "labels are not honoured by default");
        let mut tls = r.clone();
        tls.user = "ops".into();
        tls.user_authn_method = "TLS".into();
        let labels_for_ops = "[guard]\nlabel-suppressions = [\"ops\"]\n";
        assert_eq!(decide(labels_for_ops, &tls).verdict, Verdict::Allow);
        assert_eq!(decide(labels_for_ops, &r).verdict, Verdict::Deny);
        let exception = "[[guard.exception]]\nimages = [\"t/*\"]\nrules = [\"CT001\"]\nreason = \"lab\"\n";
        let d = decide(exception, &r);
        assert_eq!(d.verdict, Verdict::Allow);
        assert_eq!(d.findings.iter().find(|f| f.code == "CT001").unwrap().effect, Effect::Excepted);
    }

    #[test]
    fn a_secret_in_the_request_never_reaches_the_record() {
        let body = r#"{"Image":"t/bb:1","Env":["DB_PASSWORD=hunter2-Xy9q"],"HostConfig":{"NetworkMode":"none"}}"#;
        let d = decide("", &request("POST", "/containers/create", Some(body)));
        assert!(d.findings.iter().any(|f| f.code == "CT021"), "{d:#?}");
        let record = crate::record::decision_json(&d, &Policy::default(), std::time::UNIX_EPOCH, 0).to_string();
        assert!(!record.contains("hunter2"), "{record}");
        assert!(record.contains("DB_PASSWORD"));
    }

    #[test]
    fn policy_classes() {
        let join = request("POST", "/v1.47/swarm/join", Some("{}"));
        assert_eq!(decide("", &join).verdict, Verdict::Deny);
        assert_eq!(decide("[guard]\nswarm-join = \"allow\"\n", &join).verdict, Verdict::Allow);
        assert_eq!(decide("", &request("POST", "/plugins/guard/disable", None)).verdict, Verdict::Deny);
        assert_eq!(decide("", &request("POST", "/grpc", None)).verdict, Verdict::Deny);
        assert_eq!(decide("", &request("POST", "/v1.99/teleport", None)).verdict, Verdict::Allow);
        assert_eq!(
            decide("[guard]\nunknown-endpoint = \"deny\"\n", &request("POST", "/teleport", None)).verdict,
            Verdict::Deny
        );
        let mut start = request("POST", "/containers/abc/start", Some(r#"{"Privileged":true}"#));
        assert_eq!(decide("", &start).verdict, Verdict::Deny);
        start.request_body = None;
        start.request_headers.clear();
        assert_eq!(decide("", &start).verdict, Verdict::Allow);
    }

    #[test]
    fn services_and_bind_backed_volumes_are_judged() {
        let service = r#"{"Name":"s","TaskTemplate":{"ContainerSpec":{"Image":"x",
            "Mounts":[{"Type":"bind","Source":"/var/run/docker.sock","Target":"/s"}]}}}"#;
        let d = decide("", &request("POST", "/services/create", Some(service)));
        assert_eq!(d.verdict, Verdict::Deny, "{d:#?}");
        let volume = r#"{"Name":"v","Driver":"local","DriverOpts":{"type":"none","o":"bind","device":"/"}}"#;
        let d = decide("", &request("POST", "/volumes/create", Some(volume)));
        assert_eq!(d.verdict, Verdict::Deny, "{d:#?}");
        let d = decide("", &request("POST", "/volumes/create", Some(r#"{"Name":"v"}"#)));
        assert_eq!(d.verdict, Verdict::Allow);
    }
}
