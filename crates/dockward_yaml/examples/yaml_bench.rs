//! Throughput of `dockward_yaml::parse` over the corpus's Compose files.
//!
//! ```text
//! cargo run --release -p dockward_yaml --example yaml_bench [ITERATIONS] [CORPUS_DIR]
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

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

fn main() {
    let mut args = std::env::args().skip(1);
    let iterations: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(200);
    let dir = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus")));
    let mut paths = Vec::new();
    yaml_files(&dir, &mut paths);
    let texts: Vec<String> = paths.iter().filter_map(|p| std::fs::read_to_string(p).ok()).collect();
    if texts.is_empty() {
        eprintln!("no YAML files under {}", dir.display());
        std::process::exit(1);
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let budget = dockward_yaml::Budget::default();

    let started = Instant::now();
    let mut nodes_ok = 0usize;
    for _ in 0..iterations {
        for text in &texts {
            if let Ok(doc) = dockward_yaml::parse(text, &budget) {
                nodes_ok += usize::from(doc.root.is_some());
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let files = (texts.len() * iterations) as f64;
    println!(
        "{} files ({} KiB) x {iterations}: {:.0} files/s, {:.1} MB/s ({:.3} s, {} documents)",
        texts.len(),
        bytes / 1024,
        files / secs,
        (bytes * iterations) as f64 / secs / 1e6,
        secs,
        nodes_ok,
    );
}
