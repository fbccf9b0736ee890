//! BuildKit's own parser test files (`shared/corpus/buildkit-parser`): the AST dump
//! must match `result` exactly, negative cases must fail, and line numbers must agree.

use std::fs;
use std::path::{Path, PathBuf};

use dockward_dockerfile::{dump_buildkit, parse};
use dockward_source::LineIndex;

fn corpus() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus")).to_path_buf()
}

fn case_dirs(sub: &str) -> Vec<PathBuf> {
    let dir = corpus().join("buildkit-parser").join(sub);
    let mut dirs: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn testfiles_dump_like_buildkit() {
    let dirs = case_dirs("testfiles");
    assert_eq!(dirs.len(), 33, "expected the 33 upstream cases");
    let mut failures = Vec::new();
    for dir in &dirs {
        let text = fs::read_to_string(dir.join("Dockerfile")).unwrap();
        let expected = fs::read_to_string(dir.join("result")).unwrap();
        let df = parse(&text);
        let got = dump_buildkit(&df, &text) + "\n";
        if got != expected || !df.errors.is_empty() {
            failures.push(format!("--- {}\nerrors: {:?}\nexpected:\n{expected}got:\n{got}", dir.display(), df.errors));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), dirs.len(), failures.join("\n"));
}

#[test]
fn negative_testfiles_fail_with_a_located_error() {
    let dirs = case_dirs("testfiles-negative");
    assert_eq!(dirs.len(), 4);
    for dir in &dirs {
        let text = fs::read_to_string(dir.join("Dockerfile")).unwrap();
        let df = parse(&text);
        assert!(!df.errors.is_empty(), "{}: no error", dir.display());
        for e in &df.errors {
            assert!(u32::from(e.range.end()) as usize <= text.len(), "{}: {e:?}", dir.display());
            assert!(!e.message.is_empty());
        }
    }
}

#[test]
fn line_numbers_match_buildkit() {
    let text = fs::read_to_string(corpus().join("buildkit-parser/testfile-line/Dockerfile")).unwrap();
    let df = parse(&text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let index = LineIndex::new(&text);
    let lines: Vec<(u32, u32)> = df.instructions.iter().map(|i| i.line_span(&index)).collect();
    assert_eq!(lines, vec![(5, 5), (11, 12), (17, 31)]);
    assert_eq!(df.directives.len(), 1);
    assert_eq!(df.directives[0].name.value, "escape");
}
