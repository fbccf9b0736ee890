//! Conformance with Pod Security Admission: every fixture the upstream library
//! publishes (`{baseline,restricted}/v1.X/{pass,fail}/*.yaml`, copied into
//! `shared/corpus/psa-testdata`) must be classified as upstream classifies it at its
//! version and level. A fail fixture must also fail the check it is named after
//! (`capabilities_baseline2.yaml` fails `capabilities_baseline`).
//!
//! `DOCKWARD_PSA_TESTDATA` overrides the corpus location.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dockward_k8s::objects_in;
use dockward_k8s::pss::{evaluate, Level, Version};
use dockward_source::SourceFile;
use dockward_yaml::Budget;

fn corpus() -> PathBuf {
    match std::env::var_os("DOCKWARD_PSA_TESTDATA") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/psa-testdata"),
    }
}

fn sorted_dir(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    entries
}

/// `capabilities_baseline12.yaml` -> `capabilities_baseline`.
fn named_check(file: &Path) -> String {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    stem.trim_end_matches(|c: char| c.is_ascii_digit()).to_owned()
}

#[derive(Default)]
struct Counts {
    pass: usize,
    fail: usize,
}

#[test]
fn every_psa_fixture_is_classified_as_upstream() {
    let root = corpus();
    assert!(
        root.join("baseline").is_dir() && root.join("restricted").is_dir(),
        "the PSA fixture corpus is missing: expected {} with baseline/ and restricted/ \
         (copy kubernetes/pod-security-admission test/testdata there, or set DOCKWARD_PSA_TESTDATA)",
        root.display()
    );
    let mut counts: BTreeMap<(Version, Level), Counts> = BTreeMap::new();
    let mut wrong = Vec::new();
    for level in [Level::Baseline, Level::Restricted] {
        for version_dir in sorted_dir(&root.join(level.as_str())) {
            let name = version_dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
            let version: Version = name.parse().unwrap_or_else(|e| panic!("{}: {e}", version_dir.display()));
            for expect_pass in [true, false] {
                let dir = version_dir.join(if expect_pass { "pass" } else { "fail" });
                for file in sorted_dir(&dir) {
                    if file.extension().and_then(|e| e.to_str()) != Some("yaml") {
                        continue;
                    }
                    let text = std::fs::read_to_string(&file).expect("fixture is UTF-8");
                    let source = SourceFile::new(file.display().to_string(), None, text);
                    let read = objects_in(&source, &Budget::default());
                    assert!(read.errors.is_empty(), "{}: {:?}", file.display(), read.errors);
                    assert_eq!(read.objects.len(), 1, "{}: one Pod per fixture", file.display());
                    let evaluation =
                        evaluate(&read.objects[0], version).unwrap_or_else(|| panic!("{}: not a pod", file.display()));
                    let entry = counts.entry((version, level)).or_default();
                    if expect_pass {
                        entry.pass += 1;
                    } else {
                        entry.fail += 1;
                    }
                    let relative = file.strip_prefix(&root).unwrap_or(&file).display().to_string();
                    if evaluation.satisfies(level) != expect_pass {
                        let failing: Vec<_> = evaluation.failures_at(level).map(|f| f.id).collect();
                        wrong.push(format!(
                            "{relative}: expected {}, got level {} (failing: {failing:?})",
                            if expect_pass { "pass" } else { "fail" },
                            evaluation.level
                        ));
                    } else if !expect_pass {
                        let check = named_check(&file);
                        if !evaluation.failures.iter().any(|f| f.id.eq_ignore_ascii_case(&check)) {
                            let failing: Vec<_> = evaluation.failures.iter().map(|f| f.id).collect();
                            wrong.push(format!("{relative}: fails, but not check {check} (failing: {failing:?})"));
                        }
                    }
                }
            }
        }
    }
    let mut total = 0;
    for ((version, level), c) in &counts {
        println!("{version} {level:<10} pass {:>3} fail {:>3}", c.pass, c.fail);
        total += c.pass + c.fail;
    }
    println!("{total} fixtures, {} misclassified", wrong.len());
    assert!(wrong.is_empty(), "{} of {total} fixtures misclassified:\n{}", wrong.len(), wrong.join("\n"));
    // Every version from 1.0 to latest at both levels, so a half-copied corpus is noticed.
    for version in Version::all() {
        for level in [Level::Baseline, Level::Restricted] {
            assert!(counts.contains_key(&(version, level)), "no fixtures for {level} {version}");
        }
    }
    assert!(total >= 4_500, "only {total} fixtures found under {}", root.display());
}
