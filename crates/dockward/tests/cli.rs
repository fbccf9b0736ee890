//! End-to-end tests of the `dockward` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dockward"));
    c.env_remove("NO_COLOR").env("TERM", "xterm");
    c
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run dockward")
}

fn json_findings(out: &Output) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad json ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    v["findings"].as_array().cloned().unwrap_or_default()
}

fn codes(findings: &[Value]) -> Vec<String> {
    findings.iter().map(|f| f["code"].as_str().unwrap().to_string()).collect()
}

fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn insecure_examples_fail_and_hardened_pass() {
    let out = run(bin().current_dir(repo()).args(["check", "examples/insecure", "--format", "json"]));
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let findings = json_findings(&out);
    let got: Vec<(String, String)> = findings
        .iter()
        .map(|f| (f["path"].as_str().unwrap().to_string(), f["code"].as_str().unwrap().to_string()))
        .collect();
    for expected in [
        ("examples/insecure/Dockerfile", "DF001"),
        ("examples/insecure/Dockerfile", "DF003"),
        ("examples/insecure/Dockerfile", "DF004"),
        ("examples/insecure/Dockerfile", "DF005"),
        ("examples/insecure/Dockerfile", "DF012"),
        ("examples/insecure/Dockerfile", "DF013"),
        ("examples/insecure/Dockerfile", "DF020"),
        ("examples/insecure/Dockerfile.builder", "DF002"),
        ("examples/insecure/Dockerfile.builder", "DF003"),
        ("examples/insecure/daemon.json", "DM002"),
        ("examples/insecure/daemon.json", "DM011"),
    ] {
        assert!(got.contains(&(expected.0.to_string(), expected.1.to_string())), "missing {expected:?} in {got:?}");
    }
    let out = run(bin().current_dir(repo()).args(["check", "examples/hardened"]));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn discovery_honours_gitignore_and_finds_hidden_dirs() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".gitignore", "ignored/\n");
    write(dir.path(), "ignored/Dockerfile", "FROM a\n");
    write(dir.path(), ".devcontainer/Dockerfile", "FROM a\n");
    write(dir.path(), "svc/api.Dockerfile", "FROM a\n");
    write(dir.path(), "svc/Containerfile", "FROM a\n");
    write(dir.path(), "svc/Dockerfile.template", "FROM a\n");
    write(dir.path(), "svc/notes.txt", "FROM a\n");
    let out = run(bin().current_dir(dir.path()).args(["check", "--format", "junit", "."]));
    let xml = String::from_utf8_lossy(&out.stdout);
    for yes in [".devcontainer/Dockerfile", "svc/api.Dockerfile", "svc/Containerfile"] {
        assert!(xml.contains(yes), "{yes} not checked:\n{xml}");
    }
    for no in ["ignored/Dockerfile", "Dockerfile.template", "notes.txt"] {
        assert!(!xml.contains(no), "{no} checked:\n{xml}");
    }
    // An explicit file of any name is checked.
    let out = run(bin().current_dir(dir.path()).args(["check", "--format", "json", "svc/notes.txt"]));
    assert_eq!(json_findings(&out)[0]["path"], "svc/notes.txt");
}

#[test]
fn stdin_with_a_display_name() {
    let mut child = bin()
        .args(["check", "-", "--stdin-filename", "web/Dockerfile", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"FROM nginx\nUSER root\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let findings = json_findings(&out);
    assert_eq!(codes(&findings), ["DF003", "DF001"]);
    assert!(findings.iter().all(|f| f["path"] == "web/Dockerfile"));
    assert_eq!(findings[1]["location"]["start"]["line"], 2);
    assert_eq!(findings[1]["location"]["start"]["column"], 6);
}

#[test]
fn select_ignore_and_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM nginx\nMAINTAINER me\nUSER root\n");
    let all = codes(&json_findings(&run(bin().current_dir(dir.path()).args(["check", "--format", "json"]))));
    assert_eq!(all, ["DF003", "DF005", "DF001"]);
    // Aliases work for --ignore and --select, and hadolint ids for both.
    let out = run(bin().current_dir(dir.path()).args([
        "check",
        "--format",
        "json",
        "--ignore",
        "DL3002,maintainer-deprecated",
    ]));
    assert_eq!(codes(&json_findings(&out)), ["DF003"]);
    let out = run(bin().current_dir(dir.path()).args(["check", "--format", "json", "--select", "DL3007"]));
    assert_eq!(codes(&json_findings(&out)), ["DF003"]);
    // Only info left: fails at info, passes at warning.
    let out = run(bin().current_dir(dir.path()).args(["check", "--select", "DF005", "--fail-on", "warning"]));
    assert_eq!(out.status.code(), Some(0));
    let out = run(bin().current_dir(dir.path()).args(["check", "--select", "DF005", "--fail-on", "info"]));
    assert_eq!(out.status.code(), Some(1));
    let out = run(bin().current_dir(dir.path()).args(["check", "--fail-on", "none"]));
    assert_eq!(out.status.code(), Some(0));
    let out = run(bin().current_dir(dir.path()).args(["check", "--select", "NOPE1"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NOPE1"));
}

#[test]
fn config_file_is_found_upward_and_errors_point_at_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "dockward.toml", "ignore = [\"DF003\"]\n[severity]\nDF001 = \"error\"\n");
    write(dir.path(), "a/b/Dockerfile", "FROM nginx\nUSER root\n");
    let out = run(bin().current_dir(dir.path().join("a")).args(["check", "--format", "json", "b"]));
    let findings = json_findings(&out);
    assert_eq!(codes(&findings), ["DF001"]);
    assert_eq!(findings[0]["severity"], "error");
    // --isolated ignores it.
    let out = run(bin().current_dir(dir.path().join("a")).args(["check", "--isolated", "--format", "json", "b"]));
    assert_eq!(codes(&json_findings(&out)), ["DF003", "DF001"]);
    write(dir.path(), "dockward.toml", "[severity]\nDF001 = \"error\"\nDF777 = \"info\"\n");
    let out = run(bin().current_dir(dir.path()).args(["check", "a"]));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("dockward.toml:3:1:") && err.contains("DF777"), "{err}");
}

/// Like ruff: each file gets the nearest config above it, per-file-ignores globs are
/// relative to their config's directory, `--config` applies one to all, and a broken
/// nested config stops the run with its location.
#[test]
fn nested_config_files_apply_to_the_files_below_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "dockward.toml", "ignore = [\"DF003\"]\n");
    write(d, "Dockerfile", "FROM nginx\nUSER root\n");
    write(d, "api/dockward.toml", "ignore = [\"DF001\"]\n[per-file-ignores]\n\"test/**\" = [\"DF003\"]\n");
    write(d, "api/Dockerfile", "FROM nginx\nUSER root\n");
    write(d, "api/test/Dockerfile", "FROM nginx\nUSER root\nMAINTAINER me\n");
    // Not below api/test: `test/**` must not match `test/../../...` spellings.
    write(d, "api/other/Dockerfile", "FROM nginx\nUSER root\n");
    let by_file = |out: &Output| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = json_findings(out)
            .iter()
            .map(|f| (f["path"].as_str().unwrap().to_string(), f["code"].as_str().unwrap().to_string()))
            .collect();
        v.sort();
        v
    };
    let out = run(bin().current_dir(d).args(["check", "--format", "json", "."]));
    assert_eq!(
        by_file(&out),
        [
            ("Dockerfile".to_string(), "DF001".to_string()),
            ("api/Dockerfile".to_string(), "DF003".to_string()),
            ("api/other/Dockerfile".to_string(), "DF003".to_string()),
            ("api/test/Dockerfile".to_string(), "DF005".to_string()),
        ],
        "root: DF003 off; api: DF001 off, and DF003 off under api/test only"
    );
    // The same from another working directory: the globs stay relative to api/.
    let out = run(bin().current_dir(d.join("api/test")).args(["check", "--format", "json", "../.."]));
    let got = by_file(&out);
    assert_eq!(
        got.iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>(),
        ["DF001", "DF003", "DF003", "DF005"],
        "{got:?}"
    );
    // --config: one file for everything.
    let out = run(bin().current_dir(d).args(["check", "--format", "json", "--config", "dockward.toml", "."]));
    let got = by_file(&out);
    assert_eq!(got.iter().filter(|(_, c)| c == "DF001").count(), 4, "{got:?}");
    assert!(!got.iter().any(|(_, c)| c == "DF003"), "{got:?}");
    // A broken nested config is an error with its position, whatever else is fine.
    write(d, "api/dockward.toml", "ignore = [\"DF001\"]\nselect = [\"NOPE9\"]\n");
    let out = run(bin().current_dir(d).args(["check", "."]));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("dockward.toml:2:") && err.contains("NOPE9"), "{err}");
}

#[test]
fn inline_suppressions_and_unused_ones() {
    let dir = tempfile::tempdir().unwrap();
    let text = "FROM nginx:1.27\n# dockward: ignore[DF001] the entrypoint drops privileges\nUSER root\n\
                # hadolint ignore=DL4000\nMAINTAINER me\n# dockward: ignore[add-instead-of-copy, DF999]\nRUN true\n";
    write(dir.path(), "Dockerfile", text);
    let out = run(bin().current_dir(dir.path()).args(["check", "--format", "json"]));
    let findings = json_findings(&out);
    assert_eq!(codes(&findings), ["DW003", "DW004"], "{findings:#?}");
    assert!(findings[0]["message"].as_str().unwrap().contains("add-instead-of-copy"));
    // --fix removes the stale code from the list, keeping the rest.
    let out = run(bin().current_dir(dir.path()).args(["check", "--fix", "--format", "json"]));
    assert_eq!(codes(&json_findings(&out)), ["DW004"]);
    let fixed = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(fixed.contains("# dockward: ignore[DF999]\n"), "{fixed}");
}

#[test]
fn fix_and_diff() {
    let dir = tempfile::tempdir().unwrap();
    let original = "FROM alpine:3.20\nMAINTAINER Jane\nADD a.txt /a\n";
    let path = write(dir.path(), "Dockerfile", original);
    let out = run(bin().current_dir(dir.path()).args(["check", "--diff"]));
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains("-MAINTAINER Jane")
            && diff.contains("+LABEL maintainer=\"Jane\"")
            && diff.contains("+COPY a.txt /a"),
        "{diff}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original, "--diff must not write");
    let out = run(bin().current_dir(dir.path()).args(["check", "--fix", "--select", "DF004,DF005"]));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "FROM alpine:3.20\nLABEL maintainer=\"Jane\"\nCOPY a.txt /a\n");
}

/// The keys of every JSON object in `text`, object by object, as written (a JSON
/// value keeps only the last of two equal keys).
fn json_object_keys(text: &str) -> Vec<Vec<String>> {
    use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
    struct Keys(Vec<Vec<String>>);
    impl<'de> Deserialize<'de> for Keys {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Keys;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("JSON")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                    let (mut here, mut nested) = (Vec::new(), Vec::new());
                    while let Some(k) = map.next_key::<String>()? {
                        here.push(k);
                        nested.extend(map.next_value::<Keys>()?.0);
                    }
                    nested.insert(0, here);
                    Ok(Keys(nested))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Keys, A::Error> {
                    let mut all = Vec::new();
                    while let Some(k) = seq.next_element::<Keys>()? {
                        all.extend(k.0);
                    }
                    Ok(Keys(all))
                }
                fn visit_bool<E>(self, _: bool) -> Result<Keys, E> {
                    Ok(Keys(Vec::new()))
                }
                fn visit_i64<E>(self, _: i64) -> Result<Keys, E> {
                    Ok(Keys(Vec::new()))
                }
                fn visit_u64<E>(self, _: u64) -> Result<Keys, E> {
                    Ok(Keys(Vec::new()))
                }
                fn visit_f64<E>(self, _: f64) -> Result<Keys, E> {
                    Ok(Keys(Vec::new()))
                }
                fn visit_str<E>(self, _: &str) -> Result<Keys, E> {
                    Ok(Keys(Vec::new()))
                }
                fn visit_unit<E>(self) -> Result<Keys, E> {
                    Ok(Keys(Vec::new()))
                }
            }
            d.deserialize_any(V)
        }
    }
    let keys: Keys = serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"));
    keys.0
}

#[test]
fn unsafe_fixes_of_the_insecure_daemon_json_set_every_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("daemon.json");
    std::fs::copy(repo().join("examples/insecure/daemon.json"), &path).unwrap();
    let out =
        run(bin().current_dir(dir.path()).args(["check", "--isolated", "--fix", "--unsafe-fixes", "daemon.json"]));
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let fixed = std::fs::read_to_string(&path).unwrap();
    // The misspelt `live-restor` is renamed, and DM007 inserts no second `live-restore`.
    for keys in json_object_keys(&fixed) {
        let mut sorted = keys.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), keys.len(), "a key twice in {keys:?}:\n{fixed}");
    }
    assert_eq!(fixed.matches("\"live-restore\"").count(), 1, "{fixed}");
    let v: Value = serde_json::from_str(&fixed).unwrap();
    assert_eq!(v["live-restore"], true);
    let out = run(bin().current_dir(dir.path()).args(["check", "--isolated", "--format", "json", "daemon.json"]));
    let got = codes(&json_findings(&out));
    for gone in ["DM002", "DM004", "DM007"] {
        assert!(!got.contains(&gone.to_string()), "{gone} after the fixes: {got:?}\n{fixed}");
    }
    // The unfixed file has the typo and no live-restore.
    let original = std::fs::read_to_string(repo().join("examples/insecure/daemon.json")).unwrap();
    assert!(original.contains("\"live-restor\"") && !original.contains("\"live-restore\""));
}

#[test]
fn bad_inputs_are_reported_and_do_not_stop_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "bin/Dockerfile", b"FROM a\x00\x01\x02");
    write(d, "latin1/Dockerfile", b"FROM alpine:3.20\nLABEL x=caf\xe9\n");
    write(d, "empty/Dockerfile", "");
    write(d, "heredoc/Dockerfile", "FROM alpine:3.20\nRUN <<EOF\necho never ends\n");
    write(d, "json/Dockerfile", "FROM alpine:3.20\nCMD [\"a\", 1]\n");
    write(d, "longline/Dockerfile", format!("FROM alpine:3.20\nRUN echo {}\n", "x".repeat(1 << 20)));
    write(
        d,
        "continuations/Dockerfile",
        format!("FROM alpine:3.20\nRUN true \\\n{}  && true\n", "  && true \\\n".repeat(10_000)),
    );
    write(d, "good/Dockerfile", "FROM nginx\n");
    let out = run(bin().current_dir(d).args(["check", "--format", "json", "--select", "DF003"]));
    assert_eq!(out.status.code(), Some(2), "unreadable files make the run an error");
    let findings = json_findings(&out);
    let by_path = |p: &str| {
        findings.iter().filter(|f| f["path"] == p).map(|f| f["code"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(by_path("bin/Dockerfile"), ["DW002"]);
    assert_eq!(by_path("latin1/Dockerfile"), ["DW002"]);
    let latin = findings.iter().find(|f| f["path"] == "latin1/Dockerfile").unwrap();
    assert_eq!(
        (latin["location"]["start"]["line"].as_u64(), latin["location"]["start"]["column"].as_u64()),
        (Some(2), Some(12))
    );
    assert_eq!(by_path("empty/Dockerfile"), ["DW001"]);
    assert_eq!(by_path("heredoc/Dockerfile"), ["DW001"]);
    assert_eq!(by_path("json/Dockerfile"), ["DW001"]);
    // BuildKit rejects lines over 64 KiB; so does dockward, with the position.
    assert_eq!(by_path("longline/Dockerfile"), ["DW001"]);
    let long = findings.iter().find(|f| f["path"] == "longline/Dockerfile").unwrap();
    assert!(long["message"].as_str().unwrap().contains("max allowed size"), "{long}");
    assert_eq!(long["location"]["start"]["line"], 2);
    assert!(by_path("continuations/Dockerfile").is_empty());
    assert_eq!(by_path("good/Dockerfile"), ["DF003"], "the good file is still checked");
    // A missing path is an error too (DW002, whatever the selection), but the rest is checked.
    let out = run(bin().current_dir(d).args(["check", "--format", "json", "--select", "DF003", "nope", "good"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
    assert_eq!(codes(&json_findings(&out)), ["DF003", "DW002"]);
}

/// Runs `dockward check ARGS` in `dir`.
fn check_in(dir: &Path, args: &[&str]) -> Output {
    run(bin().current_dir(dir).arg("check").arg("--isolated").args(args))
}

#[test]
fn an_error_run_never_claims_a_clean_check() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "clean/Dockerfile", "FROM alpine:3.20\nUSER 10001\n");
    // Clean on its own.
    let out = check_in(d, &["clean"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("All checked: no findings in 1 file."));
    // A path that does not exist, alone or next to a clean file, in every format.
    for paths in [&["missing"][..], &["missing", "clean"][..]] {
        let out = check_in(d, paths);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{paths:?}: {text}");
        assert!(!text.contains("All checked"), "{paths:?}: {text}");
        assert!(text.contains("missing: error DW002 [unreadable-file] cannot read: No such file"), "{text}");
        assert!(text.contains("(1 error,"), "{text}");
        let mut json = vec!["--format", "json"];
        json.extend_from_slice(paths);
        let out = check_in(d, &json);
        assert_eq!(out.status.code(), Some(2));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["summary"]["errors"], 1, "{v}");
        assert_eq!(v["findings"][0]["code"], "DW002");
        assert_eq!(v["findings"][0]["path"], "missing");
        let mut sarif = vec!["--format", "sarif"];
        sarif.extend_from_slice(paths);
        let out = check_in(d, &sarif);
        assert_eq!(out.status.code(), Some(2));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let results = v["runs"][0]["results"].as_array().unwrap();
        assert!(results.iter().any(|r| r["ruleId"] == "DW002" && r["level"] == "error"), "{v}");
        for (format, marker) in [("junit", "DW002"), ("github", "::error file=missing")] {
            let mut args = vec!["--format", format];
            args.extend_from_slice(paths);
            let out = check_in(d, &args);
            assert_eq!(out.status.code(), Some(2), "{format}");
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains(marker), "{format}: {text}");
        }
        // Quiet output still lists the error; statistics count it.
        let mut quiet = vec!["-q"];
        quiet.extend_from_slice(paths);
        let out = check_in(d, &quiet);
        assert!(String::from_utf8_lossy(&out.stdout).contains("DW002"));
    }
}

#[test]
fn fixes_that_cannot_be_written_are_reported() {
    // Tests run as root: the check runs as `nobody` over a root-owned file it can read only.
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "Dockerfile", "FROM alpine:3.20\nMAINTAINER me\nUSER 10001\n");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_dockward")])
        .args(["check", "--isolated", "--fix", "--format", "json"])
        .arg(&p)
        .output()
        .expect("setpriv (util-linux)");
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let findings = json_findings(&out);
    let dw = findings.iter().find(|f| f["code"] == "DW002").expect("a DW002");
    assert!(dw["message"].as_str().unwrap().contains("cannot write the fixes"), "{dw}");
    assert!(dw["message"].as_str().unwrap().contains("still has the 1 fixed finding"), "{dw}");
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "FROM alpine:3.20\nMAINTAINER me\nUSER 10001\n");
}

#[test]
fn a_50_mb_dockerfile_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let line = "RUN echo 0123456789012345678901234567890123456789012345678901234567890123456789\n";
    let mut text = String::from("FROM alpine:3.20\n");
    while text.len() < 50 << 20 {
        text.push_str(line);
    }
    write(dir.path(), "Dockerfile", &text);
    let out = run(bin().current_dir(dir.path()).args(["check", "--format", "json"]));
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(codes(&json_findings(&out)), ["DF002"]);
}

#[test]
fn output_is_identical_whatever_the_parallelism() {
    let base = repo().join("../shared/corpus/dockerfiles");
    let one = run(bin().args(["check", "--format", "json", "-j", "1"]).arg(&base));
    let four = run(bin().args(["check", "--format", "json", "-j", "4"]).arg(&base));
    assert!(!json_findings(&one).is_empty());
    assert_eq!(one.stdout, four.stdout);
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM nginx\n");
    let plain = run(bin().current_dir(dir.path()).args(["check"]));
    assert!(!plain.stdout.contains(&0x1b), "piped output has no escapes");
    let forced = run(bin().current_dir(dir.path()).args(["check", "--color", "always"]));
    assert!(forced.stdout.contains(&0x1b));
    let text = String::from_utf8_lossy(&plain.stdout);
    assert!(text.contains("Dockerfile:1:6") && text.contains("DF003"), "{text}");
}

#[test]
fn output_file_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM nginx\n");
    let out = run(bin().current_dir(dir.path()).args(["check", "--format", "sarif", "--output", "report.sarif"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let ids: Vec<&str> =
        sarif["runs"][0]["results"].as_array().unwrap().iter().map(|r| r["ruleId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["DF002", "DF003"]);
    let out = run(bin().current_dir(dir.path()).args(["check", "--format", "github"]));
    let gh = String::from_utf8_lossy(&out.stdout);
    assert!(
        gh.lines().any(|l| l.starts_with("::warning file=Dockerfile,line=1,col=6,endLine=1,endColumn=11,title=DF003")),
        "{gh}"
    );
    let out = run(bin().current_dir(dir.path()).args(["check", "--statistics", "--quiet"]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("DF003") && text.contains("base-image-latest"), "{text}");
}

#[test]
fn rules_rule_and_debug_ast() {
    let out = run(bin().args(["rules", "--format", "json"]));
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rules.as_array().unwrap().iter().any(|r| r["code"] == "DF001" && r["aliases"][0] == "DL3002"));
    let out = run(bin().args(["rule", "DL3002"]));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.starts_with("# DF001 `last-user-is-root`"), "{page}");
    assert_eq!(run(bin().args(["rule", "nope"])).status.code(), Some(2));
    // A peer id that covers several rules shows each page; docker-bench's ids come from `cis`.
    let out = run(bin().args(["rule", "DS-0002"]));
    let pages = String::from_utf8_lossy(&out.stdout);
    assert!(pages.starts_with("# DF001 `last-user-is-root`") && pages.contains("\n# DF002 `missing-user`"), "{pages}");
    let out = run(bin().args(["rule", "check_2_2"]));
    let pages = String::from_utf8_lossy(&out.stdout);
    assert!(pages.starts_with("# DM006 `icc-enabled`") && pages.contains("\n# NW002 `default-bridge-icc`"), "{pages}");
    assert!(rules.as_array().unwrap().iter().any(|r| r["code"] == "DM006" && r["aliases"] == json!(["check_2_2"])));
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "Dockerfile", "FROM alpine AS b\nCOPY --from=b a /b/\n");
    let out = run(bin().args(["debug", "ast"]).arg(&p));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "(from \"alpine\" \"AS\" \"b\")\n(copy [\"--from=b\"] \"a\" \"/b/\")\n"
    );
}

#[test]
fn secrets_never_reach_any_output_format() {
    let key = "AKIAIOSFODNN7EXAMPLE";
    let pw = "hunter2-very-secret";
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        format!(
            "FROM python\nENV AWS_ACCESS_KEY_ID={key} DB_PASSWORD={pw}\n\
             RUN curl -k -u admin:{pw} https://x && echo {key} | sudo tee /k\nUSER root\n"
        ),
    );
    for format in ["json", "sarif", "text", "junit", "github"] {
        // Default rules, and a selection without any secret rule: the key is masked either way.
        for select in [None, Some("DF003,DF013,DF016")] {
            let mut cmd = bin();
            cmd.current_dir(dir.path()).args(["check", "--isolated", "--color", "always", "--format", format]);
            if let Some(s) = select {
                cmd.args(["--select", s]);
            }
            let out = run(&mut cmd);
            assert_eq!(out.status.code(), Some(1), "{format}: {}", String::from_utf8_lossy(&out.stderr));
            let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            assert!(!all.contains(key), "{format} {select:?} shows the key:\n{all}");
            assert!(!all.contains(pw), "{format} {select:?} shows the password:\n{all}");
            assert!(all.contains("DF0"), "{format}: no findings?\n{all}");
        }
    }
    // `--diff` prints raw lines around each fix (here ADD -> COPY next to the key).
    write(
        dir.path(),
        "Dockerfile.fix",
        format!("FROM python:3.13-slim\nENV AWS_ACCESS_KEY_ID={key}\nADD app.py /app/\n"),
    );
    let out = run(bin().current_dir(dir.path()).args(["check", "--isolated", "--diff", "Dockerfile.fix"]));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(diff.contains("+COPY app.py /app/") && diff.contains("AWS_ACCESS_KEY_ID=****"), "{diff}");
    assert!(!diff.contains(key), "{diff}");
    let out = run(bin().current_dir(dir.path()).args(["check", "--isolated", "--format", "json", "Dockerfile"]));
    let got = codes(&json_findings(&out));
    for code in ["DF007", "DF008", "DF010", "DF013", "DF016"] {
        assert!(got.contains(&code.to_string()), "missing {code} in {got:?}");
    }
}

/// issue 13 #18: `FROM ${BASE}` built on the tree's own non-root base is not missing a
/// USER when the base's Dockerfile is checked too; checked alone, it still is.
#[test]
fn missing_user_follows_the_projects_own_base() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "images/base/Dockerfile", "FROM debian:12\nUSER 10001\n");
    write(dir.path(), "images/root/Dockerfile", "FROM debian:12\n");
    write(dir.path(), "images/app/Dockerfile", "ARG BASE=registry.example.com/team/base:1\nFROM ${BASE}\n");
    write(dir.path(), "images/tool/Dockerfile", "ARG BASE=registry.example.com/team/root:1\nFROM ${BASE}\n");
    let check = |paths: &[&str]| {
        let out =
            run(bin().current_dir(dir.path()).args(["check", "--format", "json", "--select", "DF002"]).args(paths));
        let mut files: Vec<String> =
            json_findings(&out).iter().map(|f| f["path"].as_str().unwrap_or("").to_string()).collect();
        files.sort();
        files
    };
    let all = check(&["."]);
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all.iter().all(|f| f.contains("root") || f.contains("tool")), "{all:?}");
    assert_eq!(check(&["images/app/Dockerfile"]).len(), 1);
}

#[test]
fn pss_version_is_parsed_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\nUSER app\n");
    let bad = run(bin().args(["check", "--isolated", "--pss-version", "1.x"]).arg(dir.path()));
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("expected `latest` or `1.N` / `v1.N` with N from 0 to 37"), "{stderr}");
    let newer = run(bin().args(["check", "--isolated", "--pss-version", "v1.99"]).arg(dir.path()));
    assert!(String::from_utf8_lossy(&newer.stderr).contains("use `latest`"));
    for ok in ["latest", "1.25", "v1.0"] {
        let out = run(bin().args(["check", "--isolated", "--fail-on", "none", "--pss-version", ok]).arg(dir.path()));
        assert_eq!(out.status.code(), Some(0), "{ok}: {}", String::from_utf8_lossy(&out.stderr));
    }
}
