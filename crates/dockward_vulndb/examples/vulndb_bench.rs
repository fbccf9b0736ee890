//! Builds a database from OSV inputs and times lookups against it.
//!
//! `cargo run --release -p dockward_vulndb --example vulndb_bench -- OUT.db INPUT...`
//!
//! Prints the build report, the size ratio and lookups per second for every package
//! name in the database plus as many misses.

use std::path::PathBuf;
use std::time::Instant;

use dockward_vulndb::{build, VulnDb};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let out = args.next().ok_or("usage: vulndb_bench OUT.db INPUT...")?;
    let inputs: Vec<PathBuf> = args.collect();

    let start = Instant::now();
    let report = build(&inputs, &out)?;
    let build_time = start.elapsed();
    for w in report.warnings.iter().take(20) {
        println!("warning: {w}");
    }
    println!(
        "built {} in {:.2?}: {} advisories ({} withdrawn, {} duplicates, {} rejected), {} packages, {} entries",
        out.display(),
        build_time,
        report.advisories,
        report.withdrawn,
        report.duplicates,
        report.rejected,
        report.packages,
        report.affected
    );
    println!(
        "JSON read: {} bytes; database: {} bytes (1/{:.1})",
        report.json_bytes,
        report.db_bytes,
        report.json_bytes as f64 / report.db_bytes.max(1) as f64
    );

    let start = Instant::now();
    let db = VulnDb::open(&out)?;
    let open_time = start.elapsed();
    let status = db.status()?;
    println!("opened in {open_time:.2?}; built {} (schema {})", status.built, status.schema);
    let mut queries = Vec::new();
    for eco in &status.ecosystems {
        println!(
            "  {:<12} {:>6} advisories {:>6} packages {:>6} entries {:>4} withdrawn",
            eco.ecosystem, eco.advisories, eco.packages, eco.affected, eco.withdrawn
        );
        for name in db.packages(&eco.ecosystem)? {
            queries.push((eco.ecosystem.clone(), format!("{name}-missing")));
            queries.push((eco.ecosystem.clone(), name));
        }
    }
    // The first pass reads every page from the file into SQLite's cache (a fresh
    // process's first scan); later passes show the lookup itself.
    for pass in ["first pass", "warm pass"] {
        let mut entries = 0;
        let start = Instant::now();
        for (eco, name) in &queries {
            entries += db.lookup(eco, name)?.len();
        }
        let elapsed = start.elapsed();
        println!(
            "{pass}: {} lookups (half misses) returned {} entries in {:.2?}: {:.0} lookups/s, {:.1} µs each",
            queries.len(),
            entries,
            elapsed,
            queries.len() as f64 / elapsed.as_secs_f64(),
            elapsed.as_secs_f64() * 1e6 / queries.len() as f64
        );
    }
    Ok(())
}
