//! Every YAML file of the developer corpus (awesome-compose and the compose-go
//! fixtures) parses, with every range inside the text on char boundaries.
//!
//! Known failures: none. All compose-go loader/cli fixtures are valid YAML; the ones
//! meant to fail (include/depends_on cycles, `depends_on` on itself) fail in Compose's
//! model, not in YAML, so they are expected to parse here. If a fixture that is
//! invalid YAML is ever added, list it in `EXPECTED_FAILURES` with the reason.

use std::path::{Path, PathBuf};

use dockward_yaml::{parse, Budget, Node, NodeKind, TextRange};

/// Corpus-relative paths that must fail to parse, with why.
const EXPECTED_FAILURES: &[(&str, &str)] = &[];

fn corpus_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus"))
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            out.push(path);
        }
    }
}

fn check_ranges(text: &str, node: &Node, count: &mut usize) {
    *count += 1;
    let ok = |r: TextRange| {
        usize::from(r.end()) <= text.len()
            && text.is_char_boundary(r.start().into())
            && text.is_char_boundary(r.end().into())
    };
    assert!(ok(node.range), "node range {:?}", node.range);
    if let Some(tag) = &node.tag {
        assert!(ok(tag.range) && text[tag.range].starts_with('!'), "tag {tag:?}");
    }
    if let Some(origin) = node.origin.as_deref() {
        assert!(text[origin.alias].starts_with('*'), "alias {origin:?}");
        assert!(text[origin.anchor].starts_with('&'), "anchor {origin:?}");
    }
    match &node.kind {
        NodeKind::Map(entries) => {
            for e in entries {
                check_ranges(text, &e.key, count);
                check_ranges(text, &e.value, count);
                if let Some(site) = e.merged_from {
                    assert!(text[site].starts_with("<<"), "merge site {:?}", &text[site]);
                }
            }
        }
        NodeKind::Seq(items) => items.iter().for_each(|n| check_ranges(text, n, count)),
        NodeKind::Scalar(s) => {
            assert!(ok(s.raw));
            // Plain scalars' source is their value when it is on one line.
            if s.style == dockward_yaml::ScalarStyle::Plain && !text[node.range].contains('\n') && node.origin.is_none()
            {
                assert_eq!(&text[node.range], s.value);
            }
        }
    }
}

#[test]
fn corpus_compose_files_parse() {
    let dir = corpus_dir();
    let mut files = Vec::new();
    yaml_files(&dir, &mut files);
    files.sort();
    if files.is_empty() {
        eprintln!("corpus not found at {}, skipping", dir.display());
        return;
    }
    let budget = Budget::default();
    let (mut parsed, mut nodes, mut comments, mut failed) = (0, 0, 0, Vec::new());
    for path in &files {
        let rel = path.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let expected_failure = EXPECTED_FAILURES.iter().find(|(p, _)| *p == rel);
        match parse(&text, &budget) {
            Ok(doc) => {
                assert!(expected_failure.is_none(), "{rel} was expected to fail");
                assert!(doc.errors.is_empty(), "{rel}: {:?}", doc.errors);
                if let Some(root) = &doc.root {
                    check_ranges(&text, root, &mut nodes);
                }
                for c in &doc.comments {
                    assert!(text[c.range].starts_with('#'), "{rel}: comment {c:?}");
                }
                comments += doc.comments.len();
                parsed += 1;
            }
            Err(e) => {
                let pos = &text[..usize::from(e.range.start())].lines().count();
                if expected_failure.is_none() {
                    failed.push(format!("{rel}:{pos}: {}", e.message));
                }
            }
        }
    }
    eprintln!("{parsed} of {} corpus YAML files parsed: {nodes} nodes, {comments} comments", files.len());
    assert!(failed.is_empty(), "unexpected failures:\n{}", failed.join("\n"));
    assert!(files.len() >= 60, "expected the whole corpus, found {}", files.len());
}
