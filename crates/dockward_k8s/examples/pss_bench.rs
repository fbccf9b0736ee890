//! Pod Security Standards throughput over the PSA fixture corpus, on one thread.
//!
//! ```text
//! cargo run --release -p dockward_k8s --example pss_bench -- [--iterations N] [CORPUS]
//! ```
//!
//! CORPUS is the `psa-testdata` directory (`{baseline,restricted}/v1.X/{pass,fail}/*.yaml`;
//! default `../shared/corpus/psa-testdata`). The fixtures are read into memory first;
//! then, N times over: end to end (YAML parse, object, evaluation at the fixture's
//! version) and evaluation alone (objects parsed once). Each fixture is also checked
//! against its expected outcome, so a fast wrong evaluator does not print a figure.

use std::path::{Path, PathBuf};
use std::time::Instant;

use dockward_k8s::pss::{evaluate, Level, Version};
use dockward_k8s::{objects_in, Object};
use dockward_source::SourceFile;
use dockward_yaml::Budget;

struct Fixture {
    text: String,
    version: Version,
    level: Level,
    pass: bool,
}

fn sorted(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| {
            eprintln!("pss_bench: cannot read {}: {e}", dir.display());
            std::process::exit(2)
        })
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    paths
}

fn load(root: &Path) -> Vec<Fixture> {
    let mut fixtures = Vec::new();
    for level in [Level::Baseline, Level::Restricted] {
        for version_dir in sorted(&root.join(level.as_str())) {
            let name = version_dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let Ok(version) = name.parse::<Version>() else { continue };
            for pass in [true, false] {
                for file in sorted(&version_dir.join(if pass { "pass" } else { "fail" })) {
                    if let Ok(text) = std::fs::read_to_string(&file) {
                        fixtures.push(Fixture { text, version, level, pass });
                    }
                }
            }
        }
    }
    fixtures
}

fn parse(fixture: &Fixture) -> Object {
    let file = SourceFile::new("fixture.yaml", None, fixture.text.as_str());
    objects_in(&file, &Budget::default()).objects.into_iter().next().expect("one object per fixture")
}

fn main() {
    let mut iterations = 20usize;
    let mut root = PathBuf::from("../shared/corpus/psa-testdata");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--iterations" {
            iterations = args.next().and_then(|n| n.parse().ok()).unwrap_or_else(|| {
                eprintln!("--iterations needs a number");
                std::process::exit(2);
            });
        } else {
            root = PathBuf::from(a);
        }
    }
    let fixtures = load(&root);
    if fixtures.is_empty() {
        eprintln!("pss_bench: no fixtures under {}", root.display());
        std::process::exit(2);
    }
    let bytes: usize = fixtures.iter().map(|f| f.text.len()).sum();
    let objects: Vec<Object> = fixtures.iter().map(parse).collect();
    let wrong = fixtures
        .iter()
        .zip(&objects)
        .filter(|(f, o)| evaluate(o, f.version).expect("a pod").satisfies(f.level) != f.pass)
        .count();
    if wrong > 0 {
        eprintln!("pss_bench: {wrong} fixtures misclassified; run the conformance test");
        std::process::exit(1);
    }

    let start = Instant::now();
    let mut failures = 0usize;
    for _ in 0..iterations {
        for fixture in &fixtures {
            let object = parse(fixture);
            failures += evaluate(&object, fixture.version).map_or(0, |e| e.failures.len());
        }
    }
    let end_to_end = start.elapsed().as_secs_f64();

    let start = Instant::now();
    for _ in 0..iterations {
        for (fixture, object) in fixtures.iter().zip(&objects) {
            failures += evaluate(object, fixture.version).map_or(0, |e| e.failures.len());
        }
    }
    let evaluate_only = start.elapsed().as_secs_f64();

    let n = (fixtures.len() * iterations) as f64;
    println!(
        "{} fixtures ({:.1} KiB), {iterations} iterations, all classified as upstream",
        fixtures.len(),
        bytes as f64 / 1024.0
    );
    println!(
        "end to end (parse + evaluate): {:.3} s, {:.0} fixtures/s, {:.1} us/fixture",
        end_to_end,
        n / end_to_end,
        end_to_end / n * 1e6
    );
    println!(
        "evaluate only:                 {:.3} s, {:.0} fixtures/s, {:.1} us/fixture",
        evaluate_only,
        n / evaluate_only,
        evaluate_only / n * 1e6
    );
    // Keeps the work observable so the optimiser cannot drop it.
    println!("(failing checks counted: {failures})");
}
