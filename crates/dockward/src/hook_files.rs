//! The pre-commit hook (`.pre-commit-hooks.yaml`) passes exactly the files discovery
//! claims: a file named on the command line is read whatever its name, so the hook's
//! `files` pattern is the only thing keeping `README.md` from being checked as a
//! Dockerfile, and a file it misses is never checked at commit time.

use std::path::Path;

use crate::discover::classify;

/// The `files` pattern of every hook, read with dockward's own YAML parser.
pub(crate) fn hook_patterns() -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.pre-commit-hooks.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = dockward_yaml::parse(&text, &dockward_yaml::Budget::default()).unwrap();
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    let hooks = doc.root.as_ref().and_then(|r| r.as_seq()).expect("a list of hooks");
    hooks
        .iter()
        .map(|h| {
            let id = h.get("id").and_then(|n| n.as_str()).expect("id").to_string();
            let files = h.get("files").and_then(|n| n.as_str()).expect("files").to_string();
            (id, files)
        })
        .collect()
}

/// pre-commit matches `files` with Python's `re.search` on the path relative to the
/// repository root, `/`-separated. fancy-regex reads the same syntax (look-ahead,
/// scoped flags, verbose mode).
fn passes(pattern: &fancy_regex::Regex, path: &str) -> bool {
    pattern.is_match(path).unwrap()
}

/// Every name a few bases, suffixes and directories make, so the corners of both
/// sides (`Dockerfile.md`, `Dockerfile-compose.yml`, `Dockerfile.sh`, workflow files
/// named like Compose files, `docker` outside `default/`) are compared.
fn sample_paths() -> Vec<String> {
    let bases = [
        "Dockerfile",
        "dockerfile",
        "DOCKERFILE",
        "Containerfile",
        "api",
        "compose",
        "docker-compose",
        "app-compose",
        "-compose",
        "app",
        "daemon",
        "docker",
        "Makefile",
        "GNUmakefile",
        ".gitlab-ci",
        "README",
        "docker.service",
        "override",
    ];
    let suffixes = [
        "",
        ".prod",
        "-alpine",
        "_x",
        ".md",
        ".j2",
        ".yml",
        ".yaml",
        ".YML",
        ".sh",
        ".json",
        ".dockerfile",
        ".Dockerfile",
        ".compose.yml",
        ".",
        "-",
        ".prod.yml",
        ".conf",
        ".mk",
        ".txt",
        ".prod.md",
        ".template",
        ".py",
        ".lock",
        "..yml",
        "-.yml",
        ".compose",
        ".bash",
        ".d",
    ];
    let dirs = [
        "",
        "a/",
        ".github/workflows/",
        "x/.github/workflows/",
        "etc/docker/",
        "docker.service.d/",
        "etc/systemd/system/docker.service.d/",
        "default/",
        "etc/sysconfig/",
        "Dockerfile/",
    ];
    let mut paths = Vec::new();
    for dir in dirs {
        for base in bases {
            for suffix in suffixes {
                paths.push(format!("{dir}{base}{suffix}"));
            }
        }
    }
    paths
}

#[test]
fn every_hook_passes_exactly_the_files_discovery_claims() {
    let hooks = hook_patterns();
    assert!(hooks.iter().any(|(id, _)| id == "dockward"), "{hooks:?}");
    for (id, files) in hooks {
        let pattern = fancy_regex::Regex::new(&files).unwrap_or_else(|e| panic!("hook {id}: {e}"));
        let mut wrong = Vec::new();
        for path in sample_paths() {
            let claimed = classify(Path::new(&path)).is_some();
            if passes(&pattern, &path) != claimed {
                wrong.push(format!("{path}: discovery {claimed}, hook {}", !claimed));
            }
        }
        assert!(wrong.is_empty(), "hook {id} disagrees with discovery:\n{}", wrong.join("\n"));
        for (path, want) in [
            ("README.md", false),
            ("docs/Dockerfile.md", false),
            ("src/main.rs", false),
            ("Dockerfile", true),
            ("services/api/Dockerfile.prod", true),
            ("deploy/compose.yaml", true),
            ("etc/docker/daemon.json", true),
            ("scripts/run.sh", true),
        ] {
            assert_eq!(passes(&pattern, path), want, "hook {id}: {path}");
        }
    }
}
