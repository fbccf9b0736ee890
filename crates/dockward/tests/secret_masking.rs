//! End-to-end: `dockward check` masks a secret's own bytes in every output format,
//! and never the same word where it means something else (issue 13 #1).

use std::path::Path;
use std::process::{Command, Output};

/// A password that is also an ordinary word of the report (`root filesystem`, `user:
/// root`), and a distinctive URL password in a variable that is not secret-named.
const COMPOSE: &str = "services:
  db:
    image: mysql:8.0
    user: root
    environment:
      MYSQL_ROOT_PASSWORD: root
      DATABASE_URL: mysql://app:Hunter2-url-pw@db/app
";

fn check(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockward"))
        .env_remove("NO_COLOR")
        .args(["check", "--isolated", "--color", "never", "--select", "CT004,CT020,CT021"])
        .args(args)
        .arg(dir.join("compose.yaml"))
        .output()
        .unwrap()
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), COMPOSE).unwrap();
    dir
}

#[test]
fn every_format_masks_the_secret_and_only_the_secret() {
    let dir = project();
    for format in ["text", "json", "sarif", "junit", "github"] {
        let out = check(dir.path(), &["--format", format]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        // The secrets' own bytes never show.
        assert!(!stdout.contains("Hunter2-url-pw"), "{format} leaked the URL password:\n{stdout}");
        assert!(!stdout.contains("MYSQL_ROOT_PASSWORD: root"), "{format} leaked the password:\n{stdout}");
        // The same word elsewhere is left alone: masking it would name the password.
        assert!(stdout.contains("writable root filesystem"), "{format} masked another `root`:\n{stdout}");
        assert!(!stdout.contains("****  filesystem") && !stdout.contains("writable ****"), "{format}:\n{stdout}");
        assert!(stdout.contains("runs as root (`user: root`)"), "{format} masked the user name:\n{stdout}");
        assert!(stdout.contains("MYSQL_ROOT_PASSWORD"), "{format} lost the finding:\n{stdout}");
    }
}

#[test]
fn snippets_show_the_mask_in_place() {
    let dir = project();
    let text = String::from_utf8(check(dir.path(), &["--format", "text"]).stdout).unwrap();
    assert!(text.contains("6 |       MYSQL_ROOT_PASSWORD: ****\n"), "{text}");
    assert!(text.contains("7 |       DATABASE_URL: mysql://app:****@db/app\n"), "only the URL's password:\n{text}");
    assert!(text.contains("4 |     user: root\n"), "the `user:` line is not a secret:\n{text}");
    // SARIF snippets are the findings' regions.
    let sarif: serde_json::Value =
        serde_json::from_slice(&check(dir.path(), &["--format", "sarif"]).stdout).expect("sarif is json");
    let snippets: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"].as_str())
        .collect();
    assert_eq!(snippets, ["db", "root", "****", "mysql://app:****@db/app"]);
}

#[test]
fn the_diff_masks_the_secret_lines_only() {
    let dir = project();
    let out = check(dir.path(), &["--diff", "--unsafe-fixes"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("+    read_only: true"), "CT004's fix:\n{stdout}");
    assert!(!stdout.contains("Hunter2-url-pw") && !stdout.contains("MYSQL_ROOT_PASSWORD: root"), "{stdout}");
    assert!(stdout.contains("mysql://app:****@db/app"), "{stdout}");
    // The file itself is unchanged by --diff.
    assert_eq!(std::fs::read_to_string(dir.path().join("compose.yaml")).unwrap(), COMPOSE);
}

/// The same guarantee for a Dockerfile: the password `root` of `ENV` is masked where it
/// is, and `USER root` (and DF001's message quoting it) is left alone.
#[test]
fn dockerfiles_mask_the_secret_and_only_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let dockerfile =
        "FROM debian:12\nENV DB_PASSWORD=root\nRUN curl -u admin:Hunter2-run-pw https://example.com/x\nUSER root\n";
    std::fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
    for format in ["text", "json", "sarif", "junit", "github"] {
        let out = Command::new(env!("CARGO_BIN_EXE_dockward"))
            .args(["check", "--isolated", "--color", "never", "--select", "DF001,DF007,DF010", "--format", format])
            .arg(dir.path().join("Dockerfile"))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.contains("Hunter2-run-pw") && !stdout.contains("DB_PASSWORD=root"), "{format}:\n{stdout}");
        assert!(stdout.contains("`root`"), "{format} masked DF001's `root`:\n{stdout}");
        if format == "text" {
            assert!(stdout.contains("ENV DB_PASSWORD=****\n"), "{stdout}");
            assert!(stdout.contains("USER root\n"), "{stdout}");
        }
    }
}
