//! Every valid Dockerfile of the shared corpus parses with no error, and every span
//! the parser reports points inside the text, on character boundaries.

use std::fs;
use std::path::{Path, PathBuf};

use dockward_dockerfile::{flag_errors, parse};

mod common;
use common::check_spans;

fn corpus() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus")).to_path_buf()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with("Dockerfile") || name.ends_with(".dockerfile") {
                out.push(p);
            }
        }
    }
}

/// Every corpus Dockerfile that BuildKit parses (the negative cases excluded).
fn valid_dockerfiles() -> Vec<PathBuf> {
    let mut files = Vec::new();
    walk(&corpus(), &mut files);
    files.retain(|p| !p.components().any(|c| c.as_os_str() == "testfiles-negative"));
    files.sort();
    files
}

#[test]
fn corpus_parses_without_errors() {
    let files = valid_dockerfiles();
    assert_eq!(files.len(), 496, "the corpus should hold 496 valid Dockerfiles");
    let mut failures = Vec::new();
    let mut heredoc_files = 0;
    for path in &files {
        let text = fs::read_to_string(path).unwrap();
        let df = parse(&text);
        check_spans(&text, &df, path, true);
        if df.instructions.iter().any(|i| !i.heredocs.is_empty()) {
            heredoc_files += 1;
        }
        if !df.errors.is_empty() {
            failures.push(format!("{}: {:?}", path.display(), df.errors));
        }
    }
    assert!(failures.is_empty(), "{} files with errors:\n{}", failures.len(), failures.join("\n"));
    assert!(heredoc_files >= 28, "only {heredoc_files} files with heredocs");
}

#[test]
fn awesome_compose_heredocs_are_scripts() {
    // `RUN <<EOF` bodies are shell scripts: their commands are in the RUN's script,
    // with ranges inside the body.
    let mut files = Vec::new();
    walk(&corpus().join("awesome-compose"), &mut files);
    let mut checked = 0;
    for path in files {
        let text = fs::read_to_string(&path).unwrap();
        let df = parse(&text);
        for i in &df.instructions {
            let Some(shell) = i.shell_form() else { continue };
            let Some(h) = i.heredocs.first() else { continue };
            if !shell.logical.trim().starts_with("<<") {
                continue;
            }
            let in_body: Vec<_> = shell.script.commands.iter().filter(|c| h.body.contains_range(c.range)).collect();
            assert!(!in_body.is_empty(), "{}: no command from the heredoc body", path.display());
            for c in in_body {
                let argv0 = &c.argv[0];
                assert_eq!(text[argv0.range].trim_matches(['"', '\'']), argv0.text);
            }
            checked += 1;
        }
    }
    assert!(checked >= 28, "{checked}");
}

/// The flag table refuses nothing in the real-world part of the corpus (BuildKit's own
/// `flags` parser case uses made-up flags on purpose: its instruction parser refuses
/// them, and so does [`flag_errors`]).
#[test]
fn corpus_flags_are_accepted() {
    let mut refused = Vec::new();
    for path in valid_dockerfiles() {
        let text = fs::read_to_string(&path).unwrap();
        let df = parse(&text);
        for (e, _) in flag_errors(&df) {
            refused.push(format!("{}: {}", path.display(), e.message));
        }
    }
    let expected_refusals = refused.iter().filter(|r| r.contains("buildkit-parser/testfiles/flags/")).count();
    assert_eq!(refused.len(), expected_refusals, "{}", refused.join("\n"));
    assert!(expected_refusals > 0);
}
