//! `dockward init`: writes a commented starter `dockward.toml`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::exit;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The directory to write `dockward.toml` in. Default: the current directory.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

pub fn run(args: InitArgs) -> u8 {
    let path = args.dir.join("dockward.toml");
    // `create_new`: an existing file (or a link, a FIFO) is never overwritten or
    // followed, and there is no window between a check and the write.
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path);
    let mut file = match file {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!("dockward: {} already exists; it is left unchanged", path.display());
            return exit::ERROR;
        }
        Err(e) => {
            eprintln!("dockward: {}: cannot create: {e}", path.display());
            return exit::ERROR;
        }
    };
    if let Err(e) = file.write_all(dockward_linter::config_schema::STARTER_CONFIG.as_bytes()) {
        eprintln!("dockward: {}: cannot write: {e}", path.display());
        return exit::ERROR;
    }
    eprintln!("dockward: wrote {}", path.display());
    exit::CLEAN
}
