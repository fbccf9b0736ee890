//! The server: the message loop, the open documents, the checking worker and the
//! request handlers.
//!
//! Checking runs on one worker thread, so the loop keeps applying changes while a
//! large file is checked. A document is checked when it changes, after the debounce
//! delay (`initializationOptions.debounceMs`, 0 by default); while its check runs,
//! further changes only mark it again, and a result for a version that is no longer
//! current is dropped: a burst of typing costs at most one check in flight and one
//! waiting, never a queue of them.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{after, never, select, unbounded, Receiver, Sender};
use dockward_diagnostics::{Applicability, Diagnostic};
use dockward_linter::check::FixMode;
use dockward_source::SourceFile;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability, Hover,
    HoverContents, HoverParams, HoverProviderCapability, InitializeParams, MarkupContent, MarkupKind, MessageType,
    NumberOrString, PositionEncodingKind, PublishDiagnosticsParams, Range, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
    WorkspaceEdit,
};
use serde::Deserialize;

use crate::document::{self, Document};
use crate::lint::{self, LintJob, Linted, SettingsCache};
use crate::{convert, Classifier};

/// The code action kind of "fix everything that is safe", for `editor.codeActionsOnSave`
/// and `:lua vim.lsp.buf.code_action({ context = { only = { "source.fixAll" } } })`.
pub const FIX_ALL_KIND: &str = "source.fixAll.dockward";

/// What the client may set in `initializationOptions`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct InitOptions {
    /// The rule page link of every diagnostic, `{code}` standing for the rule's code.
    rule_url: Option<String>,
    /// How long to wait after a change before checking, in milliseconds.
    debounce_ms: Option<u64>,
}

/// The longest debounce accepted: longer would look like a server that stopped.
const MAX_DEBOUNCE: Duration = Duration::from_secs(5);

struct Job {
    uri: Uri,
    version: i32,
    lint: LintJob,
}

struct Done {
    uri: Uri,
    version: i32,
    /// `Err`: the check panicked (an internal error, logged; the server goes on).
    result: Result<(LintJob, Linted), String>,
    warnings: Vec<String>,
}

/// The last check of a document, for its version.
struct Checked {
    version: i32,
    /// The text checked, to convert ranges and compute edits.
    file: Arc<SourceFile>,
    findings: Vec<Diagnostic>,
    /// `findings` as published (or the config error alone).
    published: Vec<lsp_types::Diagnostic>,
}

pub(crate) struct Server<'c> {
    connection: &'c Connection,
    classify: Classifier,
    docs: BTreeMap<Uri, Document>,
    checked: BTreeMap<Uri, Checked>,
    /// Documents to check, with when.
    pending: BTreeMap<Uri, Instant>,
    in_flight: BTreeSet<Uri>,
    jobs: Sender<Job>,
    done: Receiver<Done>,
    settings: Arc<Mutex<SettingsCache>>,
    rule_url: String,
    debounce: Duration,
    /// The client resolves code actions lazily (`codeAction/resolve` with `edit`):
    /// the fix-all edit, a whole check with fixes, is computed only when chosen.
    resolve_edits: bool,
    watch_files: bool,
    shutdown: bool,
    next_id: i32,
    restarts: u32,
}

/// How often a lost checking thread is replaced before giving up (a thread that
/// cannot even start would otherwise be restarted in a loop).
const MAX_WORKER_RESTARTS: u32 = 3;

/// Serves one client on `connection` until `exit`; returns the process exit code (0
/// after `shutdown`, else 1, as the specification says).
pub fn serve(connection: &Connection, classify: Classifier) -> u8 {
    let (id, params) = match connection.initialize_start() {
        Ok(start) => start,
        Err(e) => {
            eprintln!("dockward server: {e}");
            return 1;
        }
    };
    let params: InitializeParams = match serde_json::from_value(params) {
        Ok(p) => p,
        Err(e) => {
            let message = format!("invalid initialize parameters: {e}");
            let _ = connection.sender.send(Response::new_err(id, ErrorCode::InvalidParams as i32, message).into());
            eprintln!("dockward server: invalid initialize parameters: {e}");
            return 1;
        }
    };
    let mut server = Server::new(connection, classify, &params);
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": ServerInfo { name: "dockward".into(), version: Some(env!("CARGO_PKG_VERSION").into()) },
    });
    if connection.sender.send(Response::new_ok(id, result).into()).is_err() {
        return 1;
    }
    server.run()
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::Supported(true)),
            ..Default::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(lsp_types::CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::new(FIX_ALL_KIND)]),
            resolve_provider: Some(true),
            ..Default::default()
        })),
        ..Default::default()
    }
}

impl<'c> Server<'c> {
    fn new(connection: &'c Connection, classify: Classifier, params: &InitializeParams) -> Self {
        let settings = Arc::new(Mutex::new(SettingsCache::default()));
        let (jobs, done) = spawn_worker(Arc::clone(&settings));
        let mut server = Server {
            connection,
            classify,
            docs: BTreeMap::new(),
            checked: BTreeMap::new(),
            pending: BTreeMap::new(),
            in_flight: BTreeSet::new(),
            jobs,
            done,
            settings,
            rule_url: convert::DEFAULT_RULE_URL.to_string(),
            debounce: Duration::ZERO,
            resolve_edits: false,
            watch_files: false,
            shutdown: false,
            next_id: 0,
            restarts: 0,
        };
        let caps = &params.capabilities;
        server.resolve_edits = caps
            .text_document
            .as_ref()
            .and_then(|t| t.code_action.as_ref())
            .and_then(|c| c.resolve_support.as_ref())
            .is_some_and(|r| r.properties.iter().any(|p| p == "edit"));
        server.watch_files = caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        if let Some(options) = &params.initialization_options {
            match InitOptions::deserialize(options) {
                Ok(o) => server.apply_options(o),
                Err(e) => server.log(MessageType::WARNING, format!("initializationOptions ignored: {e}")),
            }
        }
        server
    }

    fn apply_options(&mut self, o: InitOptions) {
        if let Some(url) = o.rule_url {
            if convert::rule_href(&url, "DF001").is_some() {
                self.rule_url = url;
            } else {
                self.log(MessageType::WARNING, format!("initializationOptions.ruleUrl `{url}` is not a URI; ignored"));
            }
        }
        if let Some(ms) = o.debounce_ms {
            self.debounce = Duration::from_millis(ms).min(MAX_DEBOUNCE);
        }
    }

    fn run(&mut self) -> u8 {
        loop {
            self.dispatch_due();
            let wait = self.next_deadline().map(|t| t.saturating_duration_since(Instant::now()));
            let timer = wait.map_or_else(never, after);
            select! {
                recv(self.connection.receiver) -> msg => match msg {
                    Ok(Message::Request(req)) => self.on_request(req),
                    Ok(Message::Notification(n)) => {
                        if n.method == lsp_types::notification::Exit::METHOD {
                            return if self.shutdown { 0 } else { 1 };
                        }
                        self.on_notification(n);
                    }
                    // Answers to our requests (registrations): nothing to do.
                    Ok(Message::Response(_)) => {}
                    // The client went away without `exit`.
                    Err(_) => return 1,
                },
                recv(self.done) -> done => match done {
                    Ok(done) => self.on_done(done),
                    Err(_) => {
                        // The worker is gone (it never should be: every check is
                        // guarded); start another and check the open documents again.
                        self.in_flight.clear();
                        if self.restarts < MAX_WORKER_RESTARTS {
                            self.restarts += 1;
                            self.log(MessageType::ERROR, "the checking thread stopped; restarting it".into());
                            (self.jobs, self.done) = spawn_worker(Arc::clone(&self.settings));
                            self.recheck_all();
                        } else {
                            self.log(MessageType::ERROR, "the checking thread keeps stopping; no more checks".into());
                            self.done = never();
                            self.pending.clear();
                        }
                    }
                },
                recv(timer) -> _ => {}
            }
        }
    }

    fn send(&self, message: impl Into<Message>) {
        // A closed connection ends the loop at the next receive.
        let _ = self.connection.sender.send(message.into());
    }

    /// Logs to stderr and to the client's log (`window/logMessage`).
    fn log(&self, typ: MessageType, message: String) {
        eprintln!("dockward server: {message}");
        let params = lsp_types::LogMessageParams { typ, message };
        self.send(Notification::new(lsp_types::notification::LogMessage::METHOD.into(), params));
    }

    fn on_request(&mut self, req: Request) {
        use lsp_types::request::{CodeActionRequest, CodeActionResolveRequest, HoverRequest, Shutdown};
        if self.shutdown {
            let message = "the server is shutting down".to_string();
            self.send(Response::new_err(req.id, ErrorCode::InvalidRequest as i32, message));
            return;
        }
        let id = req.id.clone();
        let response = match req.method.as_str() {
            Shutdown::METHOD => {
                self.shutdown = true;
                Ok(serde_json::Value::Null)
            }
            CodeActionRequest::METHOD => {
                params::<CodeActionParams>(&req).and_then(|p| self.guarded(|s| s.code_actions(p)))
            }
            CodeActionResolveRequest::METHOD => {
                params::<CodeAction>(&req).and_then(|p| self.guarded(|s| s.resolve_code_action(p)))
            }
            HoverRequest::METHOD => params::<HoverParams>(&req).and_then(|p| self.guarded(|s| s.hover(p))),
            _ => Err((ErrorCode::MethodNotFound, format!("unknown request `{}`", req.method))),
        };
        self.send(match response {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        });
    }

    /// Runs a handler, turning a panic into an error response (logged): a bug in one
    /// request must not end the session.
    fn guarded<T: serde::Serialize>(
        &mut self,
        handler: impl FnOnce(&mut Self) -> T,
    ) -> Result<serde_json::Value, (ErrorCode, String)> {
        match catch_unwind(AssertUnwindSafe(|| handler(self))) {
            Ok(value) => serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string())),
            Err(panic) => {
                let message = format!("internal error: {}", panic_message(&panic));
                self.log(MessageType::ERROR, message.clone());
                Err((ErrorCode::InternalError, message))
            }
        }
    }

    fn on_notification(&mut self, n: Notification) {
        use lsp_types::notification::{
            DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
            DidSaveTextDocument, Initialized,
        };
        match n.method.as_str() {
            Initialized::METHOD => self.register_watchers(),
            DidOpenTextDocument::METHOD => {
                let Some(p) = self.notification_params::<lsp_types::DidOpenTextDocumentParams>(n) else { return };
                let item = p.text_document;
                let path = crate::uri::to_path(&item.uri);
                let name = path.as_deref().map_or_else(|| item.uri.as_str().to_string(), dockward_source::display_path);
                let uri = item.uri.clone();
                let doc = Document {
                    uri: item.uri,
                    path,
                    name,
                    language_id: item.language_id,
                    version: item.version,
                    text: item.text,
                    kind: None,
                };
                self.docs.insert(uri.clone(), doc);
                self.pending.insert(uri, Instant::now());
            }
            DidChangeTextDocument::METHOD => {
                let Some(p) = self.notification_params::<lsp_types::DidChangeTextDocumentParams>(n) else { return };
                let uri = p.text_document.uri;
                let Some(doc) = self.docs.get_mut(&uri) else {
                    self.log(MessageType::WARNING, format!("didChange for {} which is not open", uri.as_str()));
                    return;
                };
                for change in p.content_changes {
                    doc.apply_change(change);
                }
                doc.version = p.text_document.version;
                let at = Instant::now() + self.debounce;
                // The other files of its Compose project see the new text too.
                let siblings = self.compose_siblings(&uri);
                self.pending.insert(uri, at);
                for s in siblings {
                    self.pending.entry(s).or_insert(at);
                }
            }
            DidSaveTextDocument::METHOD | DidChangeWatchedFiles::METHOD => {
                // A file on disk changed (`.env`, `dockward.toml`, an extended file): what
                // any open document's check read may be different now.
                self.recheck_all();
            }
            DidCloseTextDocument::METHOD => {
                let Some(p) = self.notification_params::<lsp_types::DidCloseTextDocumentParams>(n) else { return };
                let uri = p.text_document.uri;
                self.docs.remove(&uri);
                self.pending.remove(&uri);
                if self.checked.remove(&uri).is_some() {
                    self.publish(uri, None, Vec::new());
                }
            }
            // `$/cancelRequest`, `$/setTrace`, `workspace/didChangeConfiguration`, ...:
            // requests are answered at once, and nothing else is configurable.
            _ => {}
        }
    }

    fn notification_params<P: serde::de::DeserializeOwned>(&self, n: Notification) -> Option<P> {
        let method = n.method.clone();
        match serde_json::from_value(n.params) {
            Ok(p) => Some(p),
            Err(e) => {
                self.log(MessageType::ERROR, format!("invalid `{method}` parameters: {e}"));
                None
            }
        }
    }

    /// Asks the client to tell about changes to the files a check reads besides the
    /// document: config files, `.env`, and the Compose files of a project.
    fn register_watchers(&mut self) {
        if !self.watch_files {
            return;
        }
        let globs = ["**/dockward.toml", "**/.hadolint.yaml", "**/.hadolint.yml", "**/.env", "**/*compose*.y*ml"];
        let watchers: Vec<lsp_types::FileSystemWatcher> = globs
            .iter()
            .map(|g| lsp_types::FileSystemWatcher {
                glob_pattern: lsp_types::GlobPattern::String((*g).to_string()),
                kind: None,
            })
            .collect();
        let registration = lsp_types::Registration {
            id: "dockward-watched-files".into(),
            method: lsp_types::notification::DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(lsp_types::DidChangeWatchedFilesRegistrationOptions { watchers })
                .ok(),
        };
        self.next_id += 1;
        let id = RequestId::from(format!("dockward-{}", self.next_id));
        let params = lsp_types::RegistrationParams { registrations: vec![registration] };
        self.send(Request::new(id, lsp_types::request::RegisterCapability::METHOD.into(), params));
    }

    /// The other open Compose files of the directory of `uri`, when it is one.
    fn compose_siblings(&self, uri: &Uri) -> Vec<Uri> {
        let Some(dir) = self.docs.get(uri).and_then(|d| d.path.as_deref()).and_then(|p| p.parent()) else {
            return Vec::new();
        };
        self.docs
            .values()
            .filter(|d| &d.uri != uri && d.kind == Some(crate::DocumentKind::Compose))
            .filter(|d| d.path.as_deref().and_then(|p| p.parent()) == Some(dir))
            .map(|d| d.uri.clone())
            .collect()
    }

    fn recheck_all(&mut self) {
        let now = Instant::now();
        for uri in self.docs.keys() {
            self.pending.entry(uri.clone()).or_insert(now);
        }
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.pending.iter().filter(|(uri, _)| !self.in_flight.contains(*uri)).map(|(_, at)| *at).min()
    }

    /// Sends the documents whose time has come to the worker (one check per document
    /// at a time).
    fn dispatch_due(&mut self) {
        let now = Instant::now();
        let due: Vec<Uri> = self
            .pending
            .iter()
            .filter(|(uri, at)| **at <= now && !self.in_flight.contains(*uri))
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in due {
            self.pending.remove(&uri);
            let Some((version, job)) = self.job_for(&uri) else {
                // No longer a file dockward checks (renamed, or its content says so).
                if self.checked.remove(&uri).is_some() {
                    self.publish(uri, None, Vec::new());
                }
                continue;
            };
            if self.jobs.send(Job { uri: uri.clone(), version, lint: job }).is_ok() {
                self.in_flight.insert(uri);
            }
        }
    }

    /// What to check for the document at `uri`, classified again (a YAML file becomes
    /// manifests when `apiVersion` and `kind` are typed).
    fn job_for(&mut self, uri: &Uri) -> Option<(i32, LintJob)> {
        let doc = self.docs.get(uri)?;
        // A buffer the editor says is a Dockerfile or Compose file, whatever its name.
        let by_language = match doc.language_id.as_str() {
            "dockerfile" | "containerfile" => Some(crate::DocumentKind::Dockerfile),
            "dockercompose" => Some(crate::DocumentKind::Compose),
            _ => None,
        };
        let kind = doc.path.as_deref().and_then(|p| (self.classify)(p, &doc.text)).or(by_language);
        let doc = self.docs.get_mut(uri)?;
        doc.kind = kind;
        let kind = kind?;
        let doc = self.docs.get(uri)?;
        let mut buffers = BTreeMap::new();
        if kind == crate::DocumentKind::Compose {
            let dir = doc.path.as_deref().and_then(|p| p.parent());
            for other in self.docs.values().filter(|o| &o.uri != uri) {
                if let Some(p) = other.path.as_ref().filter(|p| p.parent() == dir && dir.is_some()) {
                    buffers.insert(p.clone(), Arc::from(other.text.as_str()));
                }
            }
        }
        let job = LintJob {
            name: doc.name.clone(),
            path: doc.path.clone(),
            kind,
            text: Arc::from(doc.text.as_str()),
            buffers,
        };
        Some((doc.version, job))
    }

    fn on_done(&mut self, done: Done) {
        self.in_flight.remove(&done.uri);
        for w in done.warnings {
            self.log(MessageType::WARNING, w);
        }
        let (job, linted) = match done.result {
            Ok(result) => result,
            Err(panic) => {
                self.log(MessageType::ERROR, format!("internal error checking {}: {panic}", done.uri.as_str()));
                return;
            }
        };
        // A newer text is waiting (or the document was closed): this result is stale.
        if self.docs.get(&done.uri).is_none_or(|d| d.version != done.version) {
            return;
        }
        let checked = self.checked_from(&done.uri, done.version, &job, linted);
        let published = checked.published.clone();
        self.checked.insert(done.uri.clone(), checked);
        self.publish(done.uri, Some(done.version), published);
    }

    fn checked_from(&self, uri: &Uri, version: i32, job: &LintJob, linted: Linted) -> Checked {
        let file = SourceFile::new(job.name.clone(), job.path.clone(), Arc::clone(&job.text));
        match linted {
            Linted::Checked(report) => {
                let findings = lint::own_findings(report, &job.name);
                let published = findings.iter().map(|d| convert::diagnostic(d, &file, uri, &self.rule_url)).collect();
                Checked { version, file, findings, published }
            }
            Linted::ConfigError { config, error } => {
                let mut d = lsp_types::Diagnostic {
                    severity: Some(lsp_types::DiagnosticSeverity::ERROR),
                    code: Some(NumberOrString::String("config".into())),
                    source: Some("dockward".into()),
                    message: format!("{error}\nnothing is checked until the config file is fixed"),
                    ..Default::default()
                };
                if let Some(config_uri) = crate::uri::from_path(&config) {
                    let at = lsp_types::Position {
                        line: error.line.saturating_sub(1),
                        character: error.column.saturating_sub(1),
                    };
                    d.related_information = Some(vec![lsp_types::DiagnosticRelatedInformation {
                        location: lsp_types::Location { uri: config_uri, range: Range { start: at, end: at } },
                        message: error.message.clone(),
                    }]);
                }
                Checked { version, file, findings: Vec::new(), published: vec![d] }
            }
        }
    }

    fn publish(&self, uri: Uri, version: Option<i32>, diagnostics: Vec<lsp_types::Diagnostic>) {
        let params = PublishDiagnosticsParams { uri, diagnostics, version };
        self.send(Notification::new(lsp_types::notification::PublishDiagnostics::METHOD.into(), params));
    }

    /// The check of the document's current text: the last one, or a new one made now
    /// when the text changed since (fix edits must match the text they apply to).
    fn current(&mut self, uri: &Uri) -> Option<&Checked> {
        let version = self.docs.get(uri)?.version;
        if self.checked.get(uri).is_none_or(|c| c.version != version) {
            let (version, job) = self.job_for(uri)?;
            let linted = self.check_now(&job, FixMode::Off)?;
            let checked = self.checked_from(uri, version, &job, linted);
            self.checked.insert(uri.clone(), checked);
        }
        self.checked.get(uri)
    }

    /// Checks `job` on this thread (for a request that needs the result now).
    fn check_now(&self, job: &LintJob, fix: FixMode) -> Option<Linted> {
        let mut warnings = Vec::new();
        let linted = check_job(&self.settings, job, fix, &mut warnings);
        for w in warnings {
            self.log(MessageType::WARNING, w);
        }
        Some(linted)
    }

    fn code_actions(&mut self, p: CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
        let uri = p.text_document.uri;
        let only = p.context.only;
        let resolve_edits = self.resolve_edits;
        let checked = self.current(&uri)?;
        let mut actions: Vec<CodeActionOrCommand> = Vec::new();
        if wants(only.as_deref(), CodeActionKind::QUICKFIX.as_str()) {
            let mut seen: Vec<(String, Vec<lsp_types::TextEdit>)> = Vec::new();
            for (d, published) in checked.findings.iter().zip(&checked.published) {
                let Some(fix) = d.fix.as_ref().filter(|f| f.applicability != Applicability::DisplayOnly) else {
                    continue;
                };
                if !convert::touches(published.range, p.range) {
                    continue;
                }
                let edits = convert::edits(&fix.edits, &checked.file);
                let safe = fix.applicability == Applicability::Safe;
                let title = if safe {
                    format!("{} ({})", fix.message, d.rule.code)
                } else {
                    format!("{} ({}, unsafe fix: check the result)", fix.message, d.rule.code)
                };
                if seen.iter().any(|(t, e)| *t == title && *e == edits) {
                    continue;
                }
                seen.push((title.clone(), edits.clone()));
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![published.clone()]),
                    edit: Some(workspace_edit(&uri, edits)),
                    is_preferred: Some(safe),
                    ..Default::default()
                }));
            }
        }
        let any_safe =
            checked.findings.iter().any(|d| d.fix.as_ref().is_some_and(|f| f.applicability == Applicability::Safe));
        if any_safe && wants(only.as_deref(), FIX_ALL_KIND) {
            let mut action = CodeAction {
                title: "Fix all safe dockward findings".into(),
                kind: Some(CodeActionKind::new(FIX_ALL_KIND)),
                data: Some(serde_json::json!({ "uri": uri.as_str() })),
                ..Default::default()
            };
            if !resolve_edits {
                action.edit = Some(self.fix_all(&uri).unwrap_or_default());
            }
            actions.push(CodeActionOrCommand::CodeAction(action));
        }
        Some(actions)
    }

    fn resolve_code_action(&mut self, mut action: CodeAction) -> CodeAction {
        if action.edit.is_some() {
            return action;
        }
        let uri = action
            .data
            .as_ref()
            .and_then(|d| d.get("uri"))
            .and_then(|u| u.as_str())
            .and_then(|u| u.parse::<Uri>().ok());
        if let Some(uri) = uri {
            action.edit = Some(self.fix_all(&uri).unwrap_or_default());
        }
        action
    }

    /// The edit applying every safe fix, round after round like `dockward check --fix`.
    fn fix_all(&mut self, uri: &Uri) -> Option<WorkspaceEdit> {
        let (_, job) = self.job_for(uri)?;
        let Linted::Checked(report) = self.check_now(&job, FixMode::Apply { unsafe_fixes: false })? else {
            return None;
        };
        let fixed = report.fixed?;
        let edit = convert::minimal_edit(&document::source_of(&job.text), &fixed.text)?;
        Some(workspace_edit(uri, vec![edit]))
    }

    /// The documentation of the rules with findings under the cursor, or on its line
    /// (an instruction or key with findings): the page `dockward rule CODE` prints.
    fn hover(&mut self, p: HoverParams) -> Option<Hover> {
        let at = p.text_document_position_params.position;
        let checked = self.current(&p.text_document_position_params.text_document.uri)?;
        let cursor = Range { start: at, end: at };
        let pairs = || checked.findings.iter().zip(&checked.published);
        let mut hits: Vec<(&Diagnostic, &lsp_types::Diagnostic)> =
            pairs().filter(|(_, l)| convert::touches(l.range, cursor)).collect();
        if hits.is_empty() {
            hits = pairs().filter(|(_, l)| l.range.start.line <= at.line && at.line <= l.range.end.line).collect();
        }
        let range = hits.first()?.1.range;
        let mut codes: Vec<&str> = Vec::new();
        let mut pages: Vec<String> = Vec::new();
        for (d, _) in hits {
            if !codes.contains(&d.rule.code) {
                codes.push(d.rule.code);
                pages.push(dockward_linter::docs::rule_page(d.rule));
            }
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: pages.join("\n---\n\n"),
            }),
            range: Some(range),
        })
    }
}

fn workspace_edit(uri: &Uri, edits: Vec<lsp_types::TextEdit>) -> WorkspaceEdit {
    #[allow(clippy::mutable_key_type)] // `Uri` hashes its text, which never changes.
    let changes = std::collections::HashMap::from([(uri.clone(), edits)]);
    WorkspaceEdit { changes: Some(changes), ..Default::default() }
}

/// Whether a request's `only` asks for actions of `kind` (a kind includes its
/// sub-kinds: `source` asks for `source.fixAll.dockward`). No `only`: every kind.
fn wants(only: Option<&[CodeActionKind]>, kind: &str) -> bool {
    only.is_none_or(|list| {
        list.iter().any(|k| {
            let k = k.as_str();
            kind == k || (kind.starts_with(k) && kind[k.len()..].starts_with('.'))
        })
    })
}

fn params<P: serde::de::DeserializeOwned>(req: &Request) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(req.params.clone())
        .map_err(|e| (ErrorCode::InvalidParams, format!("invalid `{}` parameters: {e}", req.method)))
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// Checks one job with the settings of its config file, guarded: a panic becomes an
/// error for the caller to log.
fn check_job(settings: &Mutex<SettingsCache>, job: &LintJob, fix: FixMode, warnings: &mut Vec<String>) -> Linted {
    let found = {
        let mut cache = settings.lock().unwrap_or_else(|e| e.into_inner());
        cache.settings_for(job.path.as_deref(), &mut |w| warnings.push(w))
    };
    match found {
        Ok(settings) => Linted::Checked(lint::lint(job, &settings, fix)),
        Err((config, error)) => Linted::ConfigError { config, error },
    }
}

/// The checking thread: takes jobs in order, answers each (a panic is reported, and
/// the thread goes on).
fn spawn_worker(settings: Arc<Mutex<SettingsCache>>) -> (Sender<Job>, Receiver<Done>) {
    let (jobs, job_rx) = unbounded::<Job>();
    let (done_tx, done) = unbounded::<Done>();
    let spawned = std::thread::Builder::new().name("dockward-check".into()).spawn(move || {
        for job in job_rx {
            let mut warnings = Vec::new();
            let result =
                catch_unwind(AssertUnwindSafe(|| check_job(&settings, &job.lint, FixMode::Off, &mut warnings)))
                    .map(|linted| (job.lint, linted))
                    .map_err(|panic| panic_message(&panic));
            if done_tx.send(Done { uri: job.uri, version: job.version, result, warnings }).is_err() {
                break;
            }
        }
    });
    if let Err(e) = spawned {
        eprintln!("dockward server: cannot start the checking thread: {e}");
    }
    (jobs, done)
}
