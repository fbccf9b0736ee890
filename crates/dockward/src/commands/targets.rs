//! The targets `dockward sbom` and `dockward scan` read: `docker save` archives (a
//! file, stdin, or an image exported from an engine with `GET /images/{name}/get`),
//! streamed once through the catalogers, and root filesystem directories, walked.
//! Nothing is unpacked or written.

use std::io::{BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use dockward_engine::{ConnectEnv, Endpoint};
use dockward_image::ReadLimits;
use dockward_sbom::Inventory;

/// What to read, shared by `sbom` and `scan`.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// What to read: a `docker save` archive (`-` reads stdin), a root filesystem
    /// directory, or an image name or id on the engine. Prefixes force the kind:
    /// `docker-archive:PATH`, `dir:PATH`, `docker:NAME`.
    #[arg(value_name = "TARGET")]
    pub targets: Vec<String>,
    /// Also read every image a container uses on the engine(s).
    #[arg(long)]
    pub in_use: bool,
    /// Engine for image names and `--in-use` (`unix://`, `tcp://`, `ssh://`); default:
    /// DOCKER_HOST, the current context, or the local socket.
    #[arg(long = "host", short = 'H', value_name = "URL")]
    pub hosts: Vec<String>,
    /// Docker CLI context for image names and `--in-use`.
    #[arg(long = "context", short = 'c', value_name = "NAME")]
    pub contexts: Vec<String>,
    /// Seconds an engine may stay silent before a transfer is given up.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
}

/// One thing to inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Stdin,
    Archive(PathBuf),
    Dir(PathBuf),
    Image(String),
}

fn classify(t: &str) -> Target {
    if t == "-" {
        return Target::Stdin;
    }
    if let Some(p) = t.strip_prefix("docker-archive:") {
        return Target::Archive(PathBuf::from(p));
    }
    if let Some(p) = t.strip_prefix("dir:") {
        return Target::Dir(PathBuf::from(p));
    }
    if let Some(n) = t.strip_prefix("docker:") {
        return Target::Image(n.to_string());
    }
    let path = Path::new(t);
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Target::Dir(path.to_path_buf()),
        Ok(_) => Target::Archive(path.to_path_buf()),
        // A path-looking name that does not exist is an error, not an image name.
        Err(_) if t.starts_with('.') || t.starts_with('/') || t.ends_with(".tar") || t.ends_with(".tar.gz") => {
            Target::Archive(path.to_path_buf())
        }
        Err(_) => Target::Image(t.to_string()),
    }
}

fn limits() -> ReadLimits {
    ReadLimits::default()
}

/// Inventories every target: archives and stdin streamed once, directories walked,
/// images exported from the engine(s). A target that cannot be read is an error line
/// on stderr and sets the second value (exit code 2 when the run ends); warnings and
/// notes of the catalogers go to stderr unless `quiet`.
pub fn inventories(args: &TargetArgs, quiet: bool) -> Result<(Vec<Inventory>, bool), String> {
    if args.targets.is_empty() && !args.in_use {
        return Err("give an image, an archive (`-` for stdin) or a directory, or --in-use".into());
    }
    let targets: Vec<Target> = args.targets.iter().map(|t| classify(t)).collect();
    let mut failed = false;
    let mut inventories: Vec<Inventory> = Vec::new();
    let mut names: Vec<(String, String)> = Vec::new(); // (engine label, image) to export
    for (raw, target) in args.targets.iter().zip(&targets) {
        match target {
            Target::Stdin => {
                if std::io::stdin().is_terminal() {
                    return Err("`-` reads an image archive from stdin, but stdin is a terminal".into());
                }
                let bar = super::progress::bytes(quiet, "reading stdin", None);
                let stdin = super::progress::Counting::new(std::io::stdin().lock(), bar.clone());
                let read =
                    dockward_sbom::inventory::inventory_archive(BufReader::with_capacity(1 << 20, stdin), &limits());
                super::progress::finish(&bar);
                match read {
                    Ok(found) => inventories.extend(found),
                    Err(e) => {
                        eprintln!("dockward: -: {e}");
                        failed = true;
                    }
                }
            }
            // A pipe (`<(docker save app)`) streams like stdin; anything else must be a
            // regular file (a device is refused, never read without end).
            Target::Archive(path) => match if dockward_source::input::is_pipe(path) {
                dockward_source::input::open_pipe(path)
            } else {
                dockward_source::input::open_regular(path)
            } {
                Ok(f) => {
                    let size = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
                    let bar = super::progress::bytes(quiet, format!("reading {}", path.display()), size);
                    let f = super::progress::Counting::new(f, bar.clone());
                    let read =
                        dockward_sbom::inventory::inventory_archive(BufReader::with_capacity(1 << 20, f), &limits());
                    super::progress::finish(&bar);
                    match read {
                        Ok(found) => inventories.extend(found),
                        Err(e) => {
                            eprintln!("dockward: {}: {e}", path.display());
                            failed = true;
                        }
                    }
                }
                Err(e) => {
                    eprintln!("dockward: {raw}: {}", describe_io(&e));
                    failed = true;
                }
            },
            Target::Dir(path) => match dockward_sbom::inventory::inventory_dir(path) {
                Ok(inv) => inventories.push(inv),
                Err(e) => {
                    eprintln!("dockward: {}: {e}", path.display());
                    failed = true;
                }
            },
            Target::Image(name) => names.push((String::new(), name.clone())),
        }
    }
    if !names.is_empty() || args.in_use {
        let endpoints = dockward_engine::resolve_endpoints(&args.hosts, &args.contexts, &ConnectEnv::from_process())
            .map_err(|e| e.to_string())?;
        for endpoint in &endpoints {
            let mut images: Vec<String> = names.iter().map(|(_, n)| n.clone()).collect();
            if args.in_use {
                match images_in_use(endpoint, args.timeout) {
                    Ok(used) => {
                        for u in used {
                            if !images.contains(&u) {
                                images.push(u);
                            }
                        }
                    }
                    Err(e) => {
                        eprintln!("dockward: {}: cannot list the images in use: {e}", endpoint.label);
                        failed = true;
                        continue;
                    }
                }
            }
            let bar = super::progress::bytes(
                quiet,
                format!("exporting {} image(s) from {}", images.len(), endpoint.label),
                None,
            );
            let (found, ok) = export_and_inventory(endpoint, &images, args.timeout, endpoints.len() > 1, bar.clone());
            super::progress::finish(&bar);
            inventories.extend(found);
            failed |= !ok;
        }
    }
    if !quiet {
        for inv in &inventories {
            for w in &inv.warnings {
                let layer = w.layer.map(|l| format!(" (layer {l})")).unwrap_or_default();
                eprintln!("dockward: {}: /{}{layer}: {}", inv.name, w.path, w.message);
            }
            for n in &inv.notes {
                eprintln!("dockward: {}: {n}", inv.name);
            }
        }
    }
    Ok((inventories, failed))
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file, directory or image archive".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// The images the engine's containers use (any state), by id.
fn images_in_use(endpoint: &Endpoint, timeout: u64) -> Result<Vec<String>, String> {
    let options = dockward_engine::AuditOptions { timeout_secs: timeout.max(1), ..Default::default() };
    let snapshot = dockward_engine::read_endpoints(std::slice::from_ref(endpoint), &options)
        .pop()
        .ok_or("no answer")?
        .map_err(|e| e.to_string())?;
    let mut used: Vec<String> = snapshot
        .images
        .iter()
        .filter(|i| !i.used_by.is_empty())
        .map(|i| if i.name.starts_with("sha256:") { i.id.clone() } else { i.name.clone() })
        .collect();
    used.sort();
    used.dedup();
    Ok(used)
}

/// Exports each image (GET only) and inventories it while it streams.
fn export_and_inventory(
    endpoint: &Endpoint,
    images: &[String],
    timeout: u64,
    prefix: bool,
    bar: Option<indicatif::ProgressBar>,
) -> (Vec<Inventory>, bool) {
    let consume: dockward_engine::export::ArchiveConsumer<_> = Arc::new(move |_id: &str, r: &mut dyn Read| {
        let r = super::progress::Counting::new(r, bar.clone());
        dockward_sbom::inventory::inventory_archive(BufReader::with_capacity(1 << 20, r), &limits())
    });
    let outcomes = match dockward_engine::export::export_images(endpoint, timeout.max(1), images, 2, consume) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("dockward: {}: cannot export images: {e}", endpoint.label);
            return (Vec::new(), false);
        }
    };
    let mut ok = true;
    let mut out = Vec::new();
    for (name, outcome) in images.iter().zip(outcomes) {
        match outcome.map_err(|e| e.to_string()).and_then(|r| r.map_err(|e| e.to_string())) {
            Ok(found) => out.extend(found.into_iter().map(|mut inv| {
                // An export by id carries no tag: name the image as the user did.
                if inv.tags.is_empty() || !name.starts_with("sha256:") {
                    inv.name = name.clone();
                }
                if prefix {
                    inv.name = format!("{}/{}", endpoint.label, inv.name);
                }
                inv
            })),
            Err(e) => {
                eprintln!("dockward: {}: image {name}: {}", endpoint.label, image_error(&e));
                ok = false;
            }
        }
    }
    (out, ok)
}

/// The engine answers 404 for an unknown image: say it in the user's terms.
fn image_error(e: &str) -> String {
    if e.contains("404") || e.contains("No such image") {
        "no such image on this engine (dockward never pulls)".into()
    } else {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_classified() {
        assert_eq!(classify("-"), Target::Stdin);
        assert_eq!(classify("dir:/x"), Target::Dir("/x".into()));
        assert_eq!(classify("docker-archive:a"), Target::Archive("a".into()));
        assert_eq!(classify("docker:alpine"), Target::Image("alpine".into()));
        assert_eq!(classify("alpine:3.20"), Target::Image("alpine:3.20".into()));
        assert_eq!(classify("./missing.tar"), Target::Archive("./missing.tar".into()));
        assert_eq!(classify("missing.tar"), Target::Archive("missing.tar".into()));
        assert_eq!(classify(env!("CARGO_MANIFEST_DIR")), Target::Dir(env!("CARGO_MANIFEST_DIR").into()));
    }
}
