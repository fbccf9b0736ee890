//! Project automation: `cargo xtask docs` regenerates `docs/rules/` and `docs/coverage.md`
//! from the registry.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    match task.as_str() {
        "docs" => match write_docs() {
            Ok(n) => {
                println!("wrote {n} files (docs/rules, docs/coverage.md)");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("xtask docs: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: cargo xtask docs");
            ExitCode::FAILURE
        }
    }
}

fn write_docs() -> std::io::Result<usize> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/rules");
    std::fs::create_dir_all(&dir)?;
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "md") {
            std::fs::remove_file(path)?;
        }
    }
    let files = dockward_linter::docs::generate();
    for (name, content) in &files {
        std::fs::write(dir.join(name), content)?;
    }
    std::fs::write(dir.join("../coverage.md"), dockward_linter::coverage::coverage_page())?;
    Ok(files.len() + 1)
}
