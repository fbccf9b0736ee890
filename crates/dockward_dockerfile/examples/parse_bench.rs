//! Parse throughput: reads Dockerfiles into memory, then parses all of them N times
//! on one thread.
//!
//! ```text
//! cargo run --release -p dockward_dockerfile --example parse_bench -- [--iterations N] PATH...
//! ```
//!
//! A directory is searched for `Dockerfile*`, `*.dockerfile` and `Containerfile*`
//! (BuildKit's negative test cases are included: they parse, with errors).

use std::path::{Path, PathBuf};
use std::time::Instant;

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else { return };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                collect(&p, out);
            } else if let Some(name) = p.file_name().and_then(|n| n.to_str()) {
                if name.starts_with("Dockerfile") || name.ends_with(".dockerfile") || name.starts_with("Containerfile")
                {
                    out.push(p);
                }
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
}

fn main() {
    let mut iterations = 20usize;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--iterations" {
            iterations = args.next().and_then(|n| n.parse().ok()).unwrap_or_else(|| {
                eprintln!("--iterations needs a number");
                std::process::exit(2);
            });
        } else {
            paths.push(PathBuf::from(a));
        }
    }
    if paths.is_empty() {
        eprintln!("usage: parse_bench [--iterations N] PATH...");
        std::process::exit(2);
    }
    let mut files = Vec::new();
    for p in &paths {
        collect(p, &mut files);
    }
    let texts: Vec<String> = files.iter().filter_map(|p| std::fs::read_to_string(p).ok()).collect();
    let bytes: usize = texts.iter().map(String::len).sum();

    // One warm-up pass, also to count what was parsed.
    let (mut instructions, mut errors) = (0usize, 0usize);
    for t in &texts {
        let df = dockward_dockerfile::parse(t);
        instructions += df.instructions.len();
        errors += df.errors.len();
    }

    let start = Instant::now();
    let mut sink = 0usize;
    for _ in 0..iterations {
        for t in &texts {
            let df = dockward_dockerfile::parse(t);
            sink = sink.wrapping_add(df.instructions.len());
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let total = bytes * iterations;
    println!(
        "{} files, {} bytes x {} iterations = {} bytes in {:.3} s: {:.1} MB/s ({} instructions, {} errors per pass; {})",
        texts.len(),
        bytes,
        iterations,
        total,
        secs,
        total as f64 / secs / 1e6,
        instructions,
        errors,
        sink % 2
    );
}
