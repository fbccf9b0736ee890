//! `dockward sbom`: what software an image, an image archive or a root filesystem holds,
//! as CycloneDX, SPDX, dockward JSON or a table.
//!
//! Every target goes through one path ([`super::targets`]): a `docker save` archive (a
//! file, stdin, or an image exported from an engine with `GET /images/{name}/get`) is
//! streamed once through the catalogers; a directory is walked. Nothing is unpacked or
//! written but the report.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use dockward_sbom::output::{render, Producer, SbomFormat};
use dockward_sbom::Inventory;

use super::output::write_output;
use super::targets::TargetArgs;
use crate::exit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SbomFormatArg {
    /// CycloneDX 1.6 JSON.
    Cyclonedx,
    /// SPDX 2.3 JSON.
    Spdx,
    /// dockward's own JSON (the inventory model, with layers and warnings).
    Json,
    /// A table of packages.
    Text,
}

#[derive(Debug, Args)]
pub struct SbomArgs {
    #[command(flatten)]
    pub targets: TargetArgs,
    #[arg(long, value_enum, default_value_t = SbomFormatArg::Text)]
    pub format: SbomFormatArg,
    /// Write the document to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also list (text) packages a later layer removed, and every warning.
    #[arg(long)]
    pub debug: bool,
    /// No warnings or notes on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

pub fn run(args: SbomArgs) -> u8 {
    match run_inner(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("dockward: {message}");
            exit::ERROR
        }
    }
}

fn run_inner(args: &SbomArgs) -> Result<u8, String> {
    let (inventories, failed) = super::targets::inventories(&args.targets, args.quiet)?;
    let format = match args.format {
        SbomFormatArg::Cyclonedx => SbomFormat::CycloneDx,
        SbomFormatArg::Spdx => SbomFormat::Spdx,
        SbomFormatArg::Json => SbomFormat::Json,
        SbomFormatArg::Text => SbomFormat::Text,
    };
    if !inventories.is_empty() {
        let producer = Producer { name: "dockward", version: env!("CARGO_PKG_VERSION") };
        let mut text = render(&inventories, format, &producer);
        if args.debug && format == SbomFormat::Text {
            text.push_str(&removed_listing(&inventories));
        }
        write_output(args.output.as_ref(), text.as_bytes())?;
    }
    Ok(if failed { exit::ERROR } else { exit::CLEAN })
}

/// `--debug`: the packages a later layer removed.
fn removed_listing(inventories: &[Inventory]) -> String {
    let mut out = String::new();
    for inv in inventories {
        for r in &inv.removed {
            out.push_str(&format!(
                "removed: {} {} {} (in /{} of layer {}, removed by layer {})\n",
                r.ecosystem.as_str(),
                r.name,
                r.version,
                r.location,
                r.layer,
                r.removed_by
            ));
        }
    }
    out
}
