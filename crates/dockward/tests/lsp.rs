//! `dockward server`: the real binary driven over stdin/stdout with LSP JSON-RPC
//! messages (Content-Length framing), as an editor drives it.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(30);

/// A client: the server process, the messages it sent, and the next request id.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Notifications received while waiting for something else.
    notifications: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Self {
        Self::start_with(json!({
            "textDocument": { "codeAction": { "resolveSupport": { "properties": ["edit"] } } }
        }))
    }

    fn start_with(capabilities: Value) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dockward"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dockward server starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("Content-Length header")];
                reader.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).expect("a JSON message")).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        let mut client = Client { child, stdin, incoming, notifications: Vec::new(), next_id: 0 };
        let init =
            client.request("initialize", json!({ "processId": null, "rootUri": null, "capabilities": capabilities }));
        assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
        assert_eq!(init["result"]["capabilities"]["textDocumentSync"]["change"], 2, "incremental sync");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).unwrap();
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        stdin.write_all(&body).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its response (notifications meanwhile are kept).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.receive(|m| m["id"] == id && m.get("method").is_none())
    }

    fn receive(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = self.incoming.recv_timeout(left).expect("the server answers in time");
            if wanted(&m) {
                return m;
            }
            if m.get("id").is_none() {
                self.notifications.push(m);
            }
        }
    }

    /// The next diagnostics published for `uri` at `version` (`None`: after close).
    fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let kept = self.notifications.iter().position(|m| is_publish(m, uri, version));
        let m = match kept {
            Some(i) => self.notifications.remove(i),
            None => self.receive(|m| is_publish(m, uri, version)),
        };
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) -> Vec<Value> {
        let item = json!({ "uri": uri, "languageId": language, "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": item }));
        self.diagnostics(uri, Some(1))
    }

    /// Shuts down and exits; the exit code.
    fn finish(mut self) -> Option<i32> {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null);
        assert!(r.get("error").is_none());
        // Requests after shutdown are refused.
        let late = self.request("textDocument/hover", json!({}));
        assert_eq!(late["error"]["code"], -32600, "{late}");
        self.notify("exit", Value::Null);
        self.wait()
    }

    fn wait(mut self) -> Option<i32> {
        drop(self.stdin.take());
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(Instant::now() < deadline, "the server exits");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn is_publish(m: &Value, uri: &str, version: Option<i64>) -> bool {
    m["method"] == "textDocument/publishDiagnostics"
        && m["params"]["uri"] == uri
        && match version {
            Some(v) => m["params"]["version"] == v,
            None => m["params"]["diagnostics"].as_array().is_some_and(|d| d.is_empty()),
        }
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

fn find<'a>(diagnostics: &'a [Value], code: &str) -> &'a Value {
    diagnostics.iter().find(|d| d["code"] == code).unwrap_or_else(|| panic!("no {code} in {diagnostics:#?}"))
}

/// A position as LSP counts it: 0-based line, UTF-16 code units before the byte
/// offset on its line.
fn lsp_position(text: &str, offset: usize) -> Value {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..offset].matches('\n').count();
    json!({ "line": line, "character": text[line_start..offset].encode_utf16().count() })
}

/// The byte offset of an LSP position (ASCII-free lines included).
fn offset_of(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap() as usize;
    let mut units = pos["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut offset = start;
    for c in text[start..].chars() {
        if units == 0 || c == '\n' {
            break;
        }
        units -= c.len_utf16();
        offset += c.len_utf8();
    }
    offset
}

/// Applies a workspace edit's text edits for `uri` to `text`.
fn apply(text: &str, edit: &Value, uri: &str) -> String {
    let mut edits: Vec<(usize, usize, String)> = edit["changes"][uri]
        .as_array()
        .unwrap_or_else(|| panic!("edits for {uri} in {edit}"))
        .iter()
        .map(|e| {
            let s = offset_of(text, &e["range"]["start"]);
            let t = offset_of(text, &e["range"]["end"]);
            (s, t, e["newText"].as_str().unwrap().to_string())
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, t, new) in edits {
        out.replace_range(s..t, &new);
    }
    out
}

const DOCKERFILE: &str = "FROM ubuntu\n# é😀 ünïcode before the findings\nRUN echo \"é😀\" && apt-get install -y curl\nMAINTAINER me\nRUN wget -O - https://x | sh\n";

#[test]
fn diagnostics_have_utf16_ranges_and_follow_changes_until_close() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    let uri = uri_of(&path);
    let mut c = Client::start();
    let found = c.open(&uri, "dockerfile", DOCKERFILE);
    for code in ["DF003", "DF005", "DF102", "DF106"] {
        assert!(codes(&found).contains(&code), "{code} in {found:#?}");
    }
    // `install` comes after `é😀` on its line: 3 UTF-16 units, 2 characters, 6 bytes.
    let at = DOCKERFILE.find("install").unwrap();
    let df102 = find(&found, "DF102");
    assert_eq!(df102["range"]["start"], lsp_position(DOCKERFILE, at));
    assert_eq!(df102["range"]["end"], lsp_position(DOCKERFILE, at + "install".len()));
    assert_eq!(df102["range"]["start"]["character"], 26, "UTF-16 units, not bytes (29) or characters (25)");
    assert_eq!(df102["source"], "dockward");
    assert_eq!(
        df102["codeDescription"]["href"],
        format!("{}/blob/main/docs/rules/DF102.md", env!("CARGO_PKG_REPOSITORY")),
        "the rule's page in the repository, as SARIF's helpUri"
    );
    assert_eq!(find(&found, "DF003")["severity"], 2, "warning");
    assert_eq!(find(&found, "DF005")["severity"], 3, "info");

    // An incremental change: the apt line becomes `RUN echo ok`, positions in UTF-16.
    let line_start = DOCKERFILE.find("RUN echo").unwrap();
    let line_end = line_start + DOCKERFILE[line_start..].find('\n').unwrap();
    let range = json!({ "start": lsp_position(DOCKERFILE, line_start), "end": lsp_position(DOCKERFILE, line_end) });
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "range": range, "text": "RUN echo ok" }],
        }),
    );
    let after = c.diagnostics(&uri, Some(2));
    assert!(!codes(&after).contains(&"DF102") && codes(&after).contains(&"DF005"), "{after:#?}");
    // The MAINTAINER line did not move: its range is the same as before.
    assert_eq!(find(&after, "DF005")["range"], find(&found, "DF005")["range"]);

    // A full change to a clean file clears them all.
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 3 },
            "contentChanges": [{ "text": "FROM alpine:3.20\nUSER 1000\n" }],
        }),
    );
    assert_eq!(c.diagnostics(&uri, Some(3)), Vec::<Value>::new());

    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 4 },
            "contentChanges": [{ "text": "FROM alpine\nUSER 1000\n" }],
        }),
    );
    assert_eq!(codes(&c.diagnostics(&uri, Some(4))), ["DF003"]);
    c.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
    assert_eq!(c.diagnostics(&uri, None), Vec::<Value>::new());
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn fixes_are_code_actions_and_hover_shows_the_rule_page() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("api.Dockerfile"));
    let mut c = Client::start();
    let found = c.open(&uri, "dockerfile", DOCKERFILE);

    let maintainer = find(&found, "DF005")["range"].clone();
    let r = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": maintainer,
            "context": { "diagnostics": [], "only": ["quickfix"] },
        }),
    );
    let actions = r["result"].as_array().unwrap();
    let fix = actions.iter().find(|a| a["title"].as_str().unwrap().contains("DF005")).expect("a DF005 fix");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0]["code"], "DF005");
    let fixed = apply(DOCKERFILE, &fix["edit"], &uri);
    assert_eq!(fixed, DOCKERFILE.replace("MAINTAINER me", "LABEL maintainer=\"me\""));

    // An unsafe fix is offered, marked, and not preferred.
    let pipe = find(&found, "DF106")["range"].clone();
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": pipe, "context": { "diagnostics": [] } }),
    );
    let actions = r["result"].as_array().unwrap();
    let unsafe_fix = actions.iter().find(|a| a["title"].as_str().unwrap().contains("DF106")).expect("DF106 fix");
    assert!(unsafe_fix["title"].as_str().unwrap().contains("unsafe"), "{unsafe_fix}");
    assert_eq!(unsafe_fix["isPreferred"], false);
    let with_unsafe = apply(DOCKERFILE, &unsafe_fix["edit"], &uri);
    // bash is there in `ubuntu`: a SHELL with pipefail before the RUN.
    assert!(with_unsafe.contains("pipefail\", \"-c\"]\nRUN wget"), "{with_unsafe}");

    // Fix all: resolved lazily, applies every safe fix (and no unsafe one).
    let fix_all = actions.iter().find(|a| a["kind"] == "source.fixAll.dockward").expect("fix all").clone();
    assert!(fix_all.get("edit").is_none(), "computed when resolved");
    let resolved = c.request("codeAction/resolve", fix_all)["result"].clone();
    let all = apply(DOCKERFILE, &resolved["edit"], &uri);
    assert!(all.contains("LABEL maintainer=\"me\"") && all.contains("--no-install-recommends"), "{all}");
    assert!(!all.contains("pipefail"), "{all}");
    // Only the fix-all when only source actions are asked for.
    let r = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": maintainer,
            "context": { "diagnostics": [], "only": ["source.fixAll"] },
        }),
    );
    let kinds: Vec<&str> = r["result"].as_array().unwrap().iter().map(|a| a["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["source.fixAll.dockward"]);

    // Hover on the MAINTAINER instruction: the page `dockward rule DF005` prints.
    let r = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 3, "character": 4 } }),
    );
    let page = Command::new(env!("CARGO_BIN_EXE_dockward")).args(["rule", "DF005"]).output().unwrap();
    assert_eq!(r["result"]["contents"]["kind"], "markdown");
    assert_eq!(
        r["result"]["contents"]["value"].as_str().unwrap().trim_end(),
        String::from_utf8_lossy(&page.stdout).trim_end()
    );
    assert_eq!(r["result"]["range"], maintainer);
    // Nothing to say where there is no finding.
    let r = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 0 } }),
    );
    assert_eq!(r["result"], Value::Null);
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn compose_files_are_checked_in_their_project_with_the_buffer_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    // On disk: nothing privileged. In the editor: `privileged: ${PRIV}`, and `.env`
    // beside the file says what PRIV is.
    std::fs::write(&path, "services:\n  web:\n    image: nginx:1.27\n").unwrap();
    std::fs::write(dir.path().join(".env"), "PRIV=true\n").unwrap();
    let buffer = "services:\n  web:\n    image: nginx:1.27\n    privileged: ${PRIV}\n";
    let uri = uri_of(&path);
    let mut c = Client::start();
    let found = c.open(&uri, "yaml", buffer);
    let ct001 = find(&found, "CT001");
    assert_eq!(ct001["range"]["start"]["line"], 3);
    assert_eq!(ct001["severity"], 1, "error");

    // `.env` changes on disk; a save tells the server to read it again.
    std::fs::write(dir.path().join(".env"), "PRIV=false\n").unwrap();
    c.notify("textDocument/didSave", json!({ "textDocument": { "uri": uri } }));
    let again = c.diagnostics(&uri, Some(1));
    assert!(!codes(&again).contains(&"CT001"), "{again:#?}");

    // Broken YAML is a finding, not a crash.
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "text": "services:\n  web: [\n" }],
        }),
    );
    assert_eq!(codes(&c.diagnostics(&uri, Some(2))), ["DW001"]);
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn the_nearest_dockward_toml_applies() {
    let dir = tempfile::tempdir().unwrap();
    let config =
        "ignore = [\"DF005\"]\n[severity]\nDF003 = \"error\"\n[per-file-ignores]\n\"svc/Dockerfile\" = [\"DF106\"]\n";
    std::fs::write(dir.path().join("dockward.toml"), config).unwrap();
    std::fs::create_dir(dir.path().join("svc")).unwrap();
    let uri = uri_of(&dir.path().join("svc/Dockerfile"));
    let mut c = Client::start();
    let found = c.open(&uri, "dockerfile", DOCKERFILE);
    assert!(!codes(&found).contains(&"DF005"), "ignored by the config: {found:#?}");
    assert_eq!(find(&found, "DF003")["severity"], 1, "raised to error by the config");
    assert!(!codes(&found).contains(&"DF106"), "per-file-ignores, relative to the config: {found:#?}");
    // Inline suppressions are honoured too.
    let suppressed = DOCKERFILE.replace("FROM ubuntu\n", "# dockward: ignore[DF003]\nFROM ubuntu\n");
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": suppressed }] }),
    );
    let after = c.diagnostics(&uri, Some(2));
    assert!(!codes(&after).contains(&"DF003") && codes(&after).contains(&"DF102"), "{after:#?}");

    // A broken config: one located error, nothing checked (as `dockward check`).
    std::fs::write(dir.path().join("dockward.toml"), "ignore = [\"NOPE999\"]\n").unwrap();
    c.notify("workspace/didChangeWatchedFiles", json!({ "changes": [] }));
    let broken = c.diagnostics(&uri, Some(2));
    assert_eq!(codes(&broken), ["config"]);
    assert!(broken[0]["message"].as_str().unwrap().contains("NOPE999"), "{broken:#?}");
    assert!(broken[0]["relatedInformation"][0]["location"]["uri"].as_str().unwrap().ends_with("/dockward.toml"));
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn bad_input_never_stops_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start_with(json!({}));
    // Binary content, a NUL in a Dockerfile: one DW002, no crash.
    let bin = uri_of(&dir.path().join("Dockerfile"));
    assert_eq!(codes(&c.open(&bin, "dockerfile", "FROM a\u{0}b\n")), ["DW002"]);
    // Syntax errors are findings.
    let json_uri = uri_of(&dir.path().join("daemon.json"));
    assert!(codes(&c.open(&json_uri, "json", "{\"icc\": tru")).contains(&"DW001"));
    // Parameters of the wrong shape: an error response, and the server goes on.
    let r = c.request("textDocument/hover", json!({ "textDocument": 42 }));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let r = c.request("textDocument/definition", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    // A change to a document that is not open, an out-of-range edit.
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": "file:///nowhere/Dockerfile", "version": 2 }, "contentChanges": [] }),
    );
    let edit = json!({ "start": { "line": 90, "character": 5 }, "end": { "line": 99, "character": 0 } });
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": bin, "version": 2 },
            "contentChanges": [{ "text": "FROM alpine\n" }, { "range": edit, "text": "USER 1000\n" }],
        }),
    );
    assert_eq!(codes(&c.diagnostics(&bin, Some(2))), ["DF003"]);
    // Without resolve support, the fix-all edit comes with the action.
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": json_uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "context": { "diagnostics": [] } }),
    );
    assert!(r["result"].is_array(), "{r}");
    // A file dockward does not check gets no diagnostics; others keep working.
    let readme = uri_of(&dir.path().join("README.md"));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": readme, "languageId": "markdown", "version": 1, "text": "# x" } }),
    );
    let r = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": readme }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(r["result"], Value::Null);
    assert!(c.notifications.iter().all(|m| m["params"]["uri"] != readme.as_str()));
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let mut c = Client::start();
    c.notify("exit", Value::Null);
    assert_eq!(c.wait(), Some(1));
    // Closing stdin without a word is the same.
    let c = Client::start();
    assert_eq!(c.wait(), Some(1));
}

#[test]
fn daemon_json_and_manifests_are_checked_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start();
    let daemon = uri_of(&dir.path().join("daemon.json"));
    let found = c.open(&daemon, "json", "{\n  \"icc\": true\n}\n");
    let dm006 = find(&found, "DM006");
    assert_eq!(dm006["range"]["start"], json!({ "line": 1, "character": 9 }));
    // A YAML file with no Compose name becomes manifests once `apiVersion` and `kind`
    // are typed.
    let manifest = uri_of(&dir.path().join("deploy.yaml"));
    let item = json!({ "uri": manifest, "languageId": "yaml", "version": 1, "text": "name: web\n" });
    c.notify("textDocument/didOpen", json!({ "textDocument": item }));
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n";
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": manifest, "version": 2 }, "contentChanges": [{ "text": pod }] }),
    );
    let found = c.diagnostics(&manifest, Some(2));
    assert_eq!(find(&found, "CT001")["range"]["start"]["line"], 9, "{found:#?}");
    // Nothing was published for the plain YAML text.
    assert!(c.notifications.iter().all(|m| m["params"]["uri"] != manifest.as_str()));
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn related_locations_are_mapped() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("Dockerfile"));
    let mut c = Client::start();
    let text = "FROM alpine:3.20 AS é\nRUN true\nFROM alpine:3.20 AS é\nUSER 1000\n";
    let found = c.open(&uri, "dockerfile", text);
    let dup = find(&found, "DF112");
    let related = &dup["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri.as_str());
    assert_eq!(related["location"]["range"]["start"], lsp_position(text, text.find('é').unwrap()));
    assert_eq!(related["location"]["range"]["end"], json!({ "line": 0, "character": 21 }));
    assert!(!related["message"].as_str().unwrap().is_empty());
    assert_eq!(c.finish(), Some(0));
}
