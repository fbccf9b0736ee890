//! Loads each Compose file given and prints its problems and services, for debugging
//! and benchmarking: `cargo run --release -p dockward_compose --example load -- FILE...`
//! (`--repeat N` loads the list N times and prints files/s instead).

use std::time::Instant;

use dockward_compose::{load_project, LoadOptions, ProjectFile};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut repeat = 0usize;
    if let Some(i) = args.iter().position(|a| a == "--repeat") {
        repeat = args.get(i + 1).and_then(|n| n.parse().ok()).unwrap_or(1);
        args.drain(i..(i + 2).min(args.len()));
    }
    let options = LoadOptions { environment: Some(Vec::new()), ..Default::default() };
    if repeat > 0 {
        let start = Instant::now();
        let mut services = 0;
        for _ in 0..repeat {
            for a in &args {
                let project = load_project(&[ProjectFile::new(a)], &options);
                services += project.container_specs().0.len();
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let files = repeat * args.len();
        println!("{files} files, {services} services in {secs:.3}s: {:.0} files/s", files as f64 / secs);
        return;
    }
    for a in &args {
        let project = load_project(&[ProjectFile::new(a)], &options);
        let (specs, problems) = project.container_specs();
        println!("{a}: {} services", specs.len());
        for p in project.problems.iter().chain(&problems) {
            let pos = p.at.span().map(|(s, _)| format!("{}:{}", s.line, s.column)).unwrap_or_default();
            println!("  {:?} {}:{pos} {}", p.kind, p.at.name(), p.message);
        }
    }
}
