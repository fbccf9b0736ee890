//! `dockward debug ast`.

use dockward_source::SourceFile;

use super::output::print;
use crate::args::{AstArgs, AstFormat};
use crate::exit;

pub fn ast(args: AstArgs) -> u8 {
    let bytes = match dockward_source::input::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("dockward: {}: {e}", args.file.display());
            return exit::ERROR;
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        eprintln!("dockward: {}: not valid UTF-8", args.file.display());
        return exit::ERROR;
    };
    let df = dockward_dockerfile::parse(&text);
    let dump = match args.format {
        AstFormat::Buildkit => format!("{}\n", dockward_dockerfile::dump_buildkit(&df, &text)),
        AstFormat::Debug => format!("{df:#?}\n"),
    };
    if let Err(e) = print(dump.as_bytes()) {
        eprintln!("dockward: {e}");
        return exit::ERROR;
    }
    if df.errors.is_empty() {
        return exit::CLEAN;
    }
    let file = SourceFile::new(args.file.display().to_string(), None, text.as_str());
    for e in &df.errors {
        eprintln!("{}:{}: error: {}", file.name(), file.position(e.range.start()), e.message);
    }
    exit::FINDINGS
}
