//! Project automation: `cargo xtask docs` regenerates `docs/rules/` and `docs/coverage.md`
//! from the registry; `cargo xtask dist` builds the static release binary
//! `target/dist/dockward` (docs/install.md).

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
        "dist" => match dist() {
            Ok(path) => {
                let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                println!("wrote {} ({:.1} MB, static)", path.display(), size as f64 / 1e6);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("xtask dist: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: cargo xtask docs|dist");
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

/// The only target the toolchain here has: no musl target can be installed (rustup
/// cannot download), so the binary links glibc statically instead.
const DIST_TARGET: &str = "x86_64-unknown-linux-gnu";

/// Builds `target/dist/dockward`: the `dist` profile (stripped, thin LTO, panic=abort),
/// glibc linked statically (`-C target-feature=+crt-static`), so it runs on any x86_64
/// Linux whatever its C library, and in a `FROM scratch` image.
///
/// `--target` is explicit so that the flag reaches only the binary: build scripts and
/// proc-macros are built for the host without it (a proc-macro cannot be static).
/// RUSTFLAGS is set, not extended, so every caller (a shell, `.ci/run` with its
/// `-D warnings`) shares one cached build under `target/`.
fn dist() -> Result<PathBuf, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(&root)
        .args(["build", "--locked", "--profile", "dist", "--target", DIST_TARGET, "-p", "dockward"])
        .env("RUSTFLAGS", "-C target-feature=+crt-static")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build failed ({status})"));
    }
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let built = target_dir.join(DIST_TARGET).join("dist/dockward");
    let bytes = std::fs::read(&built).map_err(|e| format!("{}: {e}", built.display()))?;
    if let Some(interp) = elf_interpreter(&bytes)? {
        return Err(format!("{} is dynamically linked (interpreter {interp})", built.display()));
    }
    let out_dir = target_dir.join("dist");
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let out = out_dir.join("dockward");
    // Written to a temporary name and renamed, so a running copy is never half-written.
    let tmp = out_dir.join(".dockward.tmp");
    std::fs::copy(&built, &tmp)
        .and_then(|_| std::fs::rename(&tmp, &out))
        .map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(out)
}

/// The program interpreter (`PT_INTERP`) of a 64-bit little-endian ELF file, the
/// dynamic loader a dynamically linked program names; `None` for a static binary
/// (static-pie included).
fn elf_interpreter(elf: &[u8]) -> Result<Option<String>, String> {
    let u16_at = |at: usize| elf.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as usize);
    let u32_at = |at: usize| elf.get(at..at + 4).map(|b| u32::from_le_bytes(b.try_into().unwrap()));
    let u64_at = |at: usize| elf.get(at..at + 8).map(|b| u64::from_le_bytes(b.try_into().unwrap()) as usize);
    if elf.get(..6) != Some(b"\x7fELF\x02\x01".as_slice()) {
        return Err("not a 64-bit little-endian ELF file".into());
    }
    let (Some(phoff), Some(phentsize), Some(phnum)) = (u64_at(0x20), u16_at(0x36), u16_at(0x38)) else {
        return Err("truncated ELF header".into());
    };
    for i in 0..phnum {
        let ph = phoff + i * phentsize;
        const PT_INTERP: u32 = 3;
        if u32_at(ph) == Some(PT_INTERP) {
            let (Some(offset), Some(size)) = (u64_at(ph + 8), u64_at(ph + 32)) else {
                return Err("truncated program header".into());
            };
            let name = elf.get(offset..offset + size).ok_or("interpreter outside the file")?;
            return Ok(Some(String::from_utf8_lossy(name).trim_end_matches('\0').to_string()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// This very test binary is dynamically linked (tests are not built static): its
    /// interpreter is found; a header without one is static.
    #[test]
    fn finds_the_interpreter_of_a_dynamic_binary() {
        let me = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let interp = elf_interpreter(&me).unwrap().expect("a test binary is dynamic");
        assert!(interp.contains("ld-linux"), "{interp}");
        let mut header = me[..64].to_vec();
        header[0x38] = 0; // no program headers
        assert_eq!(elf_interpreter(&header), Ok(None));
        assert!(elf_interpreter(b"#!/bin/sh").is_err());
    }
}
