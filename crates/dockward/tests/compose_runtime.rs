//! End-to-end tests of the container runtime rules (CT) on Compose projects, with the
//! default rule selection.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn check(dir: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockward"))
        .env("NO_COLOR", "1")
        .args(["check", "--isolated"])
        .args(extra)
        .arg(dir)
        .output()
        .unwrap()
}

fn findings(out: &Output) -> Vec<(String, u64, u64)> {
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad json ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let start = &f["location"]["start"];
            (
                f["code"].as_str().unwrap().to_string(),
                start["line"].as_u64().unwrap(),
                start["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

const INSECURE: &str = "\
services:
  web:
    image: nginx:1.27
    privileged: true
    cap_add: [SYS_ADMIN, CHOWN]
    ports:
      - \"8080:80\"
      - 0.0.0.0:8443:443
      - 127.0.0.1:9000:9000
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - data:/data
    environment:
      API_TOKEN: not-a-real-token-but-long
    networks: [front]
networks:
  front:
volumes:
  data:
";

#[test]
fn insecure_project_findings_are_located_exactly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), INSECURE).unwrap();
    let out = check(dir.path(), &["--format", "json", "--select", "CT001,CT002,CT012,CT017,CT021"]);
    assert_eq!(out.status.code(), Some(1));
    let expected =
        [("CT001", 4, 17), ("CT002", 5, 15), ("CT017", 7, 9), ("CT017", 8, 9), ("CT012", 11, 9), ("CT021", 14, 18)];
    let expected: Vec<(String, u64, u64)> = expected.iter().map(|(c, l, col)| (c.to_string(), *l, *col)).collect();
    assert_eq!(findings(&out), expected);
    // The secret is masked in every format.
    for format in ["json", "text", "sarif", "junit", "github"] {
        let out = check(dir.path(), &["--format", format, "--select", "CT021"]);
        let shown = String::from_utf8_lossy(&out.stdout);
        assert!(shown.contains("CT021"), "{format}: {shown}");
        assert!(!shown.contains("not-a-real-token-but-long"), "{format} leaks the secret:\n{shown}");
    }
}

#[test]
fn secret_from_dotenv_points_at_the_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "DB_PASSWORD=from-dotenv-secret\n").unwrap();
    let yaml = "services:\n  db:\n    image: postgres:16\n    environment:\n      DB_PASSWORD: ${DB_PASSWORD}\n";
    std::fs::write(dir.path().join("compose.yaml"), yaml).unwrap();
    let out = check(dir.path(), &["--format", "json", "--select", "CT021"]);
    assert_eq!(findings(&out), [("CT021".to_string(), 5, 7)]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("`${DB_PASSWORD}` from .env"), "{shown}");
    for format in ["json", "text", "sarif"] {
        let out = check(dir.path(), &["--format", format, "--select", "CT021"]);
        assert!(!String::from_utf8_lossy(&out.stdout).contains("from-dotenv-secret"), "{format} leaks");
    }
}

#[test]
fn hardened_project_is_clean_with_default_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM debian:12.7\nUSER 10001\nHEALTHCHECK CMD [\"/app\", \"-h\"]\nCMD [\"/app\"]\n",
    )
    .unwrap();
    let yaml = "\
services:
  app:
    build: .
    read_only: true
    cap_drop: [ALL]
    security_opt: [no-new-privileges:true]
    ports: [\"127.0.0.1:8080:8080\"]
    networks: [backend]
    deploy:
      resources:
        limits: {memory: 256m, cpus: '0.5', pids: 100}
networks:
  backend:
";
    std::fs::write(dir.path().join("compose.yaml"), yaml).unwrap();
    let out = check(dir.path(), &["--format", "json", "--fail-on", "info"]);
    assert_eq!(findings(&out), []);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn the_examples_keep_their_exit_codes() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let hardened =
        Command::new(env!("CARGO_BIN_EXE_dockward")).arg("check").arg(examples.join("hardened")).output().unwrap();
    assert_eq!(hardened.status.code(), Some(0), "{}", String::from_utf8_lossy(&hardened.stdout));
    let out = check(&examples.join("insecure/compose.yaml"), &["--format", "json", "--select", "CT"]);
    let codes: std::collections::BTreeSet<String> = findings(&out).into_iter().map(|f| f.0).collect();
    for code in ["CT001", "CT002", "CT011", "CT012", "CT017", "CT021"] {
        assert!(codes.contains(code), "{code} missing from {codes:?}");
    }
}
