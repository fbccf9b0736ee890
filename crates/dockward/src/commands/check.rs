//! `dockward check`.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dockward_diagnostics::{Diagnostic, Location, RuleMeta};
use dockward_linter::check::{check_dockerfile_bytes, check_dockerfile_owned, FileReport, FixMode};
use dockward_linter::config::{self, FailOn};
use dockward_linter::daemon::{check_daemon_json_bytes, check_flag_file_bytes, FlagFileKind};
use dockward_linter::project_images::ProjectImages;
use dockward_linter::registry;
use dockward_linter::run_lines::{check_run_lines_bytes, RunLineFile};
use dockward_linter::settings::{Settings, SettingsBuilder};
use dockward_report::{Report, ReportOptions};
use rayon::prelude::*;

use super::compliance::Family;
use super::output::{stream_output, use_color, write_output};
use super::settings::{builder_from_config, settings_builder, CliSelection};
use crate::args::{CheckArgs, OutputFormat};
use crate::discover::{discover, FileKind, Input};
use dockward_compose::{LoadOptions, ProjectFile};
use dockward_linter::check_compose::check_compose_project;
use std::collections::BTreeSet;

mod compose;
mod kubernetes;
mod vu;
use crate::exit;

pub fn run(args: CheckArgs) -> u8 {
    match run_inner(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("dockward: {message}");
            exit::ERROR
        }
    }
}

fn run_inner(args: CheckArgs) -> Result<u8, String> {
    if args.show_files {
        return show_files(&args);
    }
    if let Some(file) = &args.show_settings {
        return show_settings(&args, file);
    }
    // A broken baseline stops the run before any work (exit 2).
    let baseline = args.baseline.as_deref().map(super::baseline::load).transpose()?;
    let previous = args.compare.as_deref().map(super::baseline::load_previous).transpose()?;
    let (settings, config_fail_on) = resolve_settings(&args)?;
    let settings = Arc::new(settings);
    let fail_on = super::settings::fail_on(args.fail_on, config_fail_on);
    let fix_mode =
        if args.fix || args.diff { FixMode::Apply { unsafe_fixes: args.unsafe_fixes } } else { FixMode::Off };

    // With --host-root and no paths, only the host is checked (not the current directory).
    // With --host-root or -f and no paths, only the host or the named Compose project is
    // checked (not the current directory).
    let frameworks = super::compliance::frameworks_for(&args.compliance, args.format.output())?;
    super::compliance::check_compare(args.compare.as_deref(), args.format.output())?;
    let (inputs, discovery_errors) =
        if args.paths.is_empty() && (args.host_root.is_some() || !args.compose_files.is_empty()) {
            (Vec::new(), Vec::new())
        } else {
            discover(&args.paths, args.stdin_filename.as_deref())
        };
    let mut had_error = false;
    for e in &discovery_errors {
        eprintln!("dockward: {}: {}", e.path, e.message);
        had_error = true;
    }
    // A path that could not be checked is in the report too (DW002), so no format
    // claims a clean check of what was never read.
    let missing: Vec<FileReport> =
        discovery_errors.iter().map(|e| input_error(&e.path, format!("cannot read: {}", e.message))).collect();
    // The VU rules, when selected: the database (a missing one is a note), the image
    // archives to read again for their packages, and the repository's lockfiles.
    let vu_db = super::vulns::open_if_selected(&settings, args.quiet)?;
    let only_host_or_compose = args.paths.is_empty() && (args.host_root.is_some() || !args.compose_files.is_empty());
    let lockfiles = match &vu_db {
        Some(_) if !only_host_or_compose => crate::discover::discover_lockfiles(&args.paths),
        _ => Vec::new(),
    };
    let mut inputs = inputs;
    if !lockfiles.is_empty() {
        // A lockfile named on the command line is read as a lockfile, not a Dockerfile.
        inputs.retain(|i| !matches!(i, Input::File { path, .. } if lockfiles.iter().any(|(_, p)| p == path)));
    }
    let archives: Vec<(String, Option<PathBuf>)> = if vu_db.is_some() {
        inputs
            .iter()
            .filter_map(|i| match i {
                Input::File { display, path, kind: FileKind::ImageArchive } => {
                    Some((display.clone(), Some(path.clone())))
                }
                // Read once, as it arrives: the VU rules cannot read it again.
                Input::Stream { display, .. } => Some((display.clone(), None)),
                _ => None,
            })
            .collect()
    } else {
        Vec::new()
    };
    if args.fix && inputs.iter().any(|i| matches!(i, Input::Stream { .. })) {
        return Err("--fix cannot write to stdin or a pipe; use --diff to see the fixes".into());
    }

    let families = families_read(&inputs, &args, vu_db.is_some());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    let (inputs, streams) = read_streams(inputs, &settings)?;
    let (inputs, k8s_inputs) = kubernetes::split(inputs);
    let units = compose::group(inputs, &args.compose_files);
    let unit_settings = with_project_images(&units, &streams.bytes, settings_per_unit(&args, &units, &settings)?);
    let compose_options = compose::options(&args);
    let bar = super::progress::files(args.quiet, units.len());
    let check_unit = |unit: &compose::Unit, settings: &Settings| -> Vec<FileReport> {
        if let Some(bar) = &bar {
            bar.inc(1);
        }
        match unit {
            compose::Unit::Single(input) => vec![check_input(input, &streams.bytes, settings, fix_mode)],
            compose::Unit::Compose { files, layering } => {
                compose::check(files, *layering, &streams.bytes, &compose_options, settings, fix_mode)
            }
        }
    };
    // One unit (a single large file is the costly case) is checked on this thread: glibc
    // gives a worker thread an allocator arena of its own, and on one the same check
    // peaked about 100 MiB higher (a 10 MB Dockerfile: 314 MiB against 209 MiB here, as
    // with MALLOC_ARENA_MAX=1; issue 19 #5). Several units still share the pool.
    let mut reports: Vec<FileReport> = if units.len() == 1 {
        units.iter().zip(&unit_settings).flat_map(|(unit, settings)| check_unit(unit, settings)).collect()
    } else {
        pool.install(|| {
            units.par_iter().zip(&unit_settings).flat_map_iter(|(unit, settings)| check_unit(unit, settings)).collect()
        })
    };
    super::progress::finish(&bar);
    reports.extend(streams.reports);
    let mut pss = None;
    if !k8s_inputs.is_empty() {
        // One scan for every manifest: NetworkPolicies and RBAC cross files.
        let k8s_settings = kubernetes::settings(&settings, &args);
        let (k8s_reports, k8s_pss) =
            pool.install(|| kubernetes::check(k8s_inputs, &streams.bytes, &k8s_settings, fix_mode, args.quiet));
        reports.extend(k8s_reports);
        pss = k8s_pss;
    }
    if let Some(db) = &vu_db {
        for (display, path) in &archives {
            let Some(path) = path else {
                if !args.quiet {
                    eprintln!(
                        "dockward: note: {display}: the VU rules skip what is read from stdin or a pipe (it cannot be \
                         read twice); use `dockward scan -` for an image archive"
                    );
                }
                continue;
            };
            let Some(report) = reports.iter_mut().find(|r| &r.name == display && !r.unreadable) else { continue };
            report.diagnostics.extend(vu::archive_findings(path, db, &settings, args.quiet));
        }
        reports.extend(
            lockfiles.iter().map(|(display, path)| vu::lockfile_report(display, path, db, &settings, args.quiet)),
        );
        if !reports.is_empty() {
            if let Some(first) = reports.first_mut() {
                first.diagnostics.extend(super::vulns::lint_database(db, &settings));
            }
        }
    }
    if let Some(root) = &args.host_root {
        reports.extend(dockward_linter::host::check_host(root, &settings).map_err(|e| format!("--host-root {e}"))?);
    }
    reports.extend(missing);
    reports.sort_by(|a, b| a.name.cmp(&b.name));

    let mut fixes_applied = 0;
    let mut any_diff = false;
    let mut diff_out = Vec::new();
    for r in &mut reports {
        had_error |= r.unreadable;
        let Some(fixed) = &r.fixed else { continue };
        if args.diff {
            any_diff = true;
            // A diff prints raw file lines: secrets in them are masked like in every
            // report, by their ranges in each text.
            let (original, text) = fixed.masked();
            dockward_report::render_diff(&r.name, &original, &text, &mut diff_out).map_err(|e| e.to_string())?;
        } else if let Some(path) = &r.path {
            match std::fs::write(path, &fixed.text) {
                Ok(()) => fixes_applied += fixed.applied,
                Err(e) => {
                    eprintln!("dockward: {}: cannot write fixes: {e}", r.name);
                    had_error = true;
                    // The findings listed are those left after the fixes: say that the
                    // file on disk still has the others.
                    r.diagnostics.push(Diagnostic::new(
                        registry::UNREADABLE_FILE,
                        Location::File { name: r.name.clone() },
                        format!(
                            "cannot write the fixes: {e}; the file is unchanged and still has the {} fixed finding{}",
                            fixed.applied,
                            if fixed.applied == 1 { "" } else { "s" }
                        ),
                    ));
                }
            }
        }
    }

    if args.diff {
        write_output(args.output.as_ref(), &diff_out)?;
        return Ok(if had_error {
            exit::ERROR
        } else if any_diff {
            exit::FINDINGS
        } else {
            exit::CLEAN
        });
    }

    let files: Vec<String> = reports.iter().map(|r| r.name.clone()).collect();
    let mut diagnostics = all_diagnostics(reports);
    dockward_diagnostics::sort_diagnostics(&mut diagnostics);
    let (diagnostics, baseline_summary) = super::baseline::apply(
        diagnostics,
        &files,
        &super::baseline::Options {
            baseline: args.baseline.as_deref().zip(baseline.as_ref()),
            write: args.baseline_write.as_deref(),
            severities: &args.severity,
            names: super::baseline::Names::Paths,
            quiet: args.quiet,
        },
    )?;
    // Without --fix, "fixable" counts what plain `--fix` would apply.
    let threshold = fix_mode.threshold().unwrap_or(dockward_diagnostics::Applicability::Safe);
    let fixable = diagnostics.iter().filter(|d| d.fix.as_ref().is_some_and(|f| f.applicability >= threshold)).count();
    let rules: Vec<&'static RuleMeta> = registry::all_rules().collect();
    let comparison = super::baseline::compare(args.compare.as_deref(), previous.as_ref(), &diagnostics);
    let report = Report {
        diagnostics: &diagnostics,
        rules: &rules,
        files: &files,
        fixes_applied,
        fixable,
        baseline: baseline_summary,
        comparison: comparison.as_ref(),
    };
    let to_file = args.output.is_some();
    let options = ReportOptions {
        color: use_color(args.color, to_file),
        show_source: true,
        show_fixes: true,
        // Text shows statistics instead of the findings; machine formats keep their
        // document valid and get the statistics on stderr.
        statistics: args.statistics && args.format == OutputFormat::Text,
        quiet: args.quiet,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        subject: ("file", "files"),
        taxonomies: Vec::new(),
    };
    // A family whose rules found something ran, whatever input it came from.
    let mut families = families;
    families.extend(diagnostics.iter().map(|d| super::compliance::family_of(d.rule)));
    let ran = super::compliance::ran_in(&settings, &families);
    let cards = super::compliance::evaluate(&frameworks, &ran, &diagnostics);
    let before = previous.as_ref().map(|p| super::compliance::previous_cards(&frameworks, &ran, p));
    if args.format == OutputFormat::Pss {
        // The Pod Security report of the manifests (an empty one when there were none:
        // `kubernetes::settings` asks the scan for it only with this format).
        let pss = pss.unwrap_or_else(|| dockward_linter::pss_report::build(&[], &[], settings.pss_version));
        write_output(args.output.as_ref(), dockward_linter::pss_report::to_json(&pss).as_bytes())?;
    } else {
        stream_output(args.output.as_ref(), |out| {
            super::compliance::render(
                args.format.output(),
                "dockward check",
                &report,
                &options,
                &super::compliance::Evidence { cards: &cards, before: before.as_deref(), ran: &ran },
                out,
            )
        })?;
    }
    if args.statistics && args.format != OutputFormat::Text {
        let mut stats = Vec::new();
        dockward_report::render_statistics(&report, &mut stats).map_err(|e| e.to_string())?;
        eprint!("{}", String::from_utf8_lossy(&stats));
    }

    // Recording a baseline is the adoption step: today's findings do not fail it.
    let recording = args.baseline_write.is_some() && args.baseline.is_none();
    let failing = match fail_on {
        _ if recording => false,
        FailOn::None => false,
        FailOn::Severity(min) => diagnostics.iter().any(|d| d.severity >= min && !is_input_error(d)),
    };
    Ok(if had_error {
        exit::ERROR
    } else if failing {
        exit::FINDINGS
    } else {
        exit::CLEAN
    })
}

/// The rule families this check runs, by the kinds of input it reads: a rule whose
/// input was not there did not run, and its compliance controls are not checked.
fn families_read(inputs: &[Input], args: &CheckArgs, vulnerabilities: bool) -> BTreeSet<Family> {
    let mut families = BTreeSet::from([Family::Meta]);
    let kinds = inputs.iter().map(|i| match i {
        Input::File { kind, .. } | Input::Stream { kind, .. } => *kind,
    });
    for kind in kinds {
        families.extend(match kind {
            FileKind::Dockerfile => &[Family::Dockerfile][..],
            FileKind::ShellScript | FileKind::Makefile | FileKind::GithubWorkflow | FileKind::GitlabCi => {
                &[Family::Container][..]
            }
            FileKind::DaemonJson | FileKind::DockerUnit | FileKind::DefaultDocker | FileKind::SysconfigDocker => {
                &[Family::Daemon][..]
            }
            FileKind::Compose => &[Family::Compose, Family::Container][..],
            FileKind::ImageArchive => &[Family::ImageContents][..],
            FileKind::Kubernetes | FileKind::Kustomization => &[Family::Kubernetes, Family::Container][..],
            // A raw chart is reported (KS017), not checked.
            FileKind::HelmTemplate => &[Family::Kubernetes][..],
        });
    }
    if !args.compose_files.is_empty() {
        families.extend([Family::Compose, Family::Container]);
    }
    if args.host_root.is_some() {
        families.extend([Family::Host, Family::Daemon]);
    }
    if vulnerabilities {
        families.insert(Family::Vulnerability);
    }
    families
}

/// `--show-files`: what discovery would check (after .gitignore and the file-name
/// rules), one path per line, sorted; a path that cannot be walked is exit 2.
fn show_files(args: &CheckArgs) -> Result<u8, String> {
    let (inputs, errors) = discover(&args.paths, args.stdin_filename.as_deref());
    let mut names: Vec<&str> = inputs
        .iter()
        .map(|i| match i {
            Input::File { display, .. } | Input::Stream { display, .. } => display.as_str(),
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut out = String::new();
    for n in names {
        out.push_str(n);
        out.push('\n');
    }
    super::output::print(out.as_bytes())?;
    for e in &errors {
        eprintln!("dockward: {}: {}", e.path, e.message);
    }
    Ok(if errors.is_empty() { exit::CLEAN } else { exit::ERROR })
}

/// `--show-settings FILE`: the config file that applies to FILE (as `check` picks it:
/// `--config`, `--isolated`, else the nearest above the file) and the settings FILE
/// gets with the command line on top: every enabled rule with its severity, and those
/// per-file-ignores turn off for it.
fn show_settings(args: &CheckArgs, file: &Path) -> Result<u8, String> {
    use std::fmt::Write as _;
    let config = if args.isolated {
        None
    } else if let Some(c) = &args.config {
        Some(c.clone())
    } else {
        config::find_config(file)
    };
    let (builder, fail_on) = builder_from_config(config.as_deref(), selection(args))?;
    let builder = with_build_args(builder, args)?;
    let trusted = builder.trusted_registries.clone();
    let build_args = builder.build_args.clone();
    let settings = builder.build();
    let fail_on = super::settings::fail_on(args.fail_on, fail_on);
    let mut out = String::new();
    let _ = writeln!(out, "file: {}", file.display());
    let _ = match &config {
        Some(c) => writeln!(out, "config: {}", c.display()),
        None if args.isolated => writeln!(out, "config: none (--isolated)"),
        None => writeln!(out, "config: none (the defaults)"),
    };
    let _ = writeln!(
        out,
        "fail-on: {}",
        match fail_on {
            FailOn::None => "none",
            FailOn::Severity(s) => s.as_str(),
        }
    );
    if !args.severity.is_empty() {
        let shown: Vec<&str> = args.severity.iter().map(|s| s.severity().as_str()).collect();
        let _ = writeln!(out, "severity shown: {}", shown.join(", "));
    }
    if !trusted.is_empty() {
        let _ = writeln!(out, "trusted-registries: {}", trusted.join(", "));
    }
    for (k, v) in &build_args {
        let _ = writeln!(out, "build-arg: {k}={v}");
    }
    let name = file.to_string_lossy();
    let mut rules: Vec<&'static RuleMeta> = registry::all_rules().filter(|r| settings.is_enabled(r)).collect();
    rules.sort_by_key(|r| r.code);
    let (ignored, on): (Vec<_>, Vec<_>) = rules.into_iter().partition(|r| settings.ignored_for_path(r, &name));
    let _ = writeln!(out, "rules enabled: {}", on.len());
    for r in &on {
        let sev = settings.severity(r);
        let changed = if sev != r.severity { format!(" (default {})", r.severity.as_str()) } else { String::new() };
        let _ = writeln!(out, "  {:<6} {:<8} {}{changed}", r.code, sev.as_str(), r.name);
    }
    if !ignored.is_empty() {
        let codes: Vec<&str> = ignored.iter().map(|r| r.code).collect();
        let _ = writeln!(out, "ignored for this file (per-file-ignores): {}", codes.join(", "));
    }
    super::output::print(out.as_bytes())?;
    Ok(exit::CLEAN)
}

/// Every report's findings in one list, in report order. One file's findings are moved,
/// not copied, and several files' go into a list of the exact size: growing it one by
/// one would hold up to twice the findings at once (issue 19 #5).
fn all_diagnostics(reports: Vec<FileReport>) -> Vec<Diagnostic> {
    let total: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
    if reports.iter().filter(|r| !r.diagnostics.is_empty()).count() <= 1 {
        return reports.into_iter().map(|r| r.diagnostics).find(|d| !d.is_empty()).unwrap_or_default();
    }
    let mut all = Vec::with_capacity(total);
    for r in reports {
        all.extend(r.diagnostics);
    }
    all
}

/// Unreadable files already decide the exit code (2); they are not "findings".
fn is_input_error(d: &Diagnostic) -> bool {
    d.rule.code == registry::UNREADABLE_FILE.code
}

/// The run's settings: `--config`, else the nearest `dockward.toml` above the first
/// path (or the current directory). Its `fail-on` decides the exit code; files below
/// other config files get those (see [`settings_per_unit`]).
fn resolve_settings(args: &CheckArgs) -> Result<(Settings, Option<FailOn>), String> {
    let start = args.paths.iter().find(|p| p.as_os_str() != "-").cloned().unwrap_or_else(|| PathBuf::from("."));
    let (builder, fail_on) = settings_builder(args.isolated, args.config.as_ref(), &start, selection(args))?;
    Ok((with_build_args(builder, args)?.build(), fail_on))
}

fn selection(args: &CheckArgs) -> CliSelection<'_> {
    CliSelection { select: &args.select, extend_select: &args.extend_select, ignore: &args.ignore }
}

fn with_build_args(mut builder: SettingsBuilder, args: &CheckArgs) -> Result<SettingsBuilder, String> {
    if args.pss_version.is_some() {
        builder.pss_version = args.pss_version;
    }
    for kv in &args.build_args {
        let (k, v) = kv.split_once('=').ok_or_else(|| format!("--build-arg `{kv}` must be KEY=VALUE"))?;
        builder.build_args.insert(k.to_string(), v.to_string());
    }
    Ok(builder)
}

/// The settings of each unit, like ruff: the nearest `dockward.toml` above the unit's
/// (first) file, with the command line on top, so `dockward check .` in a repository
/// applies `services/api/dockward.toml` to the files below it. Files with no config
/// above them, stdin, and every file under `--config` or `--isolated` get the run's
/// settings. Each config file is read once, before checking starts, so a broken one
/// stops the run with its location (exit 2) whatever the thread count.
fn settings_per_unit(
    args: &CheckArgs,
    units: &[compose::Unit],
    run_settings: &Arc<Settings>,
) -> Result<Vec<Arc<Settings>>, String> {
    if args.isolated || args.config.is_some() {
        return Ok(vec![Arc::clone(run_settings); units.len()]);
    }
    let mut config_of_dir: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut settings_of_config: HashMap<PathBuf, Arc<Settings>> = HashMap::new();
    let mut out = Vec::with_capacity(units.len());
    for unit in units {
        let first = unit.first_reported();
        let Some(Input::File { path, .. }) = first else {
            out.push(Arc::clone(run_settings));
            continue;
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
        let config = config_of_dir.entry(dir.clone()).or_insert_with(|| config::find_config(&dir)).clone();
        let Some(config) = config else {
            out.push(Arc::clone(run_settings));
            continue;
        };
        if let Some(s) = settings_of_config.get(&config) {
            out.push(Arc::clone(s));
            continue;
        }
        let (builder, _fail_on) = builder_from_config(Some(&config), selection(args))?;
        let settings = Arc::new(with_build_args(builder, args)?.build());
        settings_of_config.insert(config, Arc::clone(&settings));
        out.push(settings);
    }
    Ok(out)
}

/// Gives every unit's settings the index of the images the checked Dockerfiles build
/// (see [`ProjectImages`]), so that DF002 can follow `FROM ${BASE}` to the project's own
/// base image. Built once, before checking, from every Dockerfile input; only when a
/// unit has DF002 enabled. A file that cannot be read is left out here (its check
/// reports it).
fn with_project_images(
    units: &[compose::Unit],
    streams: &HashMap<String, Vec<u8>>,
    unit_settings: Vec<Arc<Settings>>,
) -> Vec<Arc<Settings>> {
    let missing_user = &dockward_linter::rules::dockerfile::missing_user::MissingUser::META;
    if !unit_settings.iter().any(|s| s.is_enabled(missing_user)) {
        return unit_settings;
    }
    let mut texts: Vec<(PathBuf, String)> = Vec::new();
    for unit in units {
        let compose::Unit::Single(input) = unit else { continue };
        match input {
            Input::File { path, kind: FileKind::Dockerfile, .. } => {
                if let Ok(text) = dockward_source::input::read_to_string(path) {
                    texts.push((path.clone(), text));
                }
            }
            Input::Stream { display, path, kind: FileKind::Dockerfile } => {
                if let Some(text) = streams.get(display).and_then(|b| std::str::from_utf8(b).ok()) {
                    texts.push((path.clone().unwrap_or_else(|| PathBuf::from(display)), text.to_string()));
                }
            }
            _ => {}
        }
    }
    let images = Arc::new(ProjectImages::from_dockerfiles(texts.iter().map(|(p, t)| (p.as_path(), t.as_str()))));
    if images.is_empty() {
        return unit_settings;
    }
    // One new Settings per distinct config, shared like the originals.
    let mut done: Vec<(*const Settings, Arc<Settings>)> = Vec::new();
    unit_settings
        .into_iter()
        .map(|s| {
            if let Some((_, new)) = done.iter().find(|(p, _)| *p == Arc::as_ptr(&s)) {
                return Arc::clone(new);
            }
            let mut with = (*s).clone();
            with.project_images = Arc::clone(&images);
            let new = Arc::new(with);
            done.push((Arc::as_ptr(&s), Arc::clone(&new)));
            new
        })
        .collect()
}

/// What the streams (stdin, pipes) held: the bytes of each text input by display
/// name, and the reports of the image archives, already checked.
struct Streams {
    bytes: HashMap<String, Vec<u8>>,
    reports: Vec<FileReport>,
}

/// Reads every stream input once, before checking starts. The first 64 KiB decide
/// what a stream is: an image archive (`docker save app | dockward check -`) is
/// checked right away as it streams in, never held in memory; anything else is read
/// whole and checked like a file, as the kind its name or a shell shebang gives.
fn read_streams(inputs: Vec<Input>, settings: &Settings) -> Result<(Vec<Input>, Streams), String> {
    let mut streams = Streams { bytes: HashMap::new(), reports: Vec::new() };
    let mut kept = Vec::with_capacity(inputs.len());
    for input in inputs {
        let Input::Stream { display, path, kind } = input else {
            kept.push(input);
            continue;
        };
        let mut reader: Box<dyn Read> = match &path {
            None => Box::new(std::io::stdin().lock()),
            // Discovery made streams only of pipes: opening waits for the writer.
            Some(p) => match dockward_source::input::open_pipe(p) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    streams.reports.push(unreadable(&display, p, e));
                    continue;
                }
            },
        };
        let what = path.as_ref().map_or_else(|| "stdin".to_string(), |p| p.display().to_string());
        let mut head = Vec::with_capacity(64 * 1024);
        if let Err(e) = (&mut reader).take(64 * 1024).read_to_end(&mut head) {
            return Err(format!("cannot read {what}: {e}"));
        }
        let name = Path::new(&display);
        let sniffed = FileKind::of_stream(name, &head);
        if sniffed == FileKind::ImageArchive {
            let stream = std::io::BufReader::with_capacity(1 << 20, std::io::Cursor::new(head).chain(reader));
            streams
                .reports
                .push(dockward_linter::image_contents::check_image_archive(&display, path, stream, settings));
            continue;
        }
        // A name that says what the file is wins over a shebang.
        let kind = if FileKind::by_name(name).is_some() { kind } else { sniffed };
        // `helm template ... | dockward check --stdin-filename chart.yaml -`: a YAML
        // or JSON name that is not a Compose name, with manifests in it.
        let kind = if crate::discover::classify(name).is_none() && crate::discover::is_manifest_extension(name) {
            crate::discover::manifest_kind_of_head(&head).unwrap_or(kind)
        } else {
            kind
        };
        // Bounded like a file: `check - < /dev/zero` is an error, not all of memory.
        let max = dockward_source::input::limits().max_file_size;
        let mut bytes = head;
        (&mut reader)
            .take(max.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read {what}: {e}"))?;
        if bytes.len() as u64 > max {
            return Err(format!("cannot read {what}: {}", dockward_source::input::too_large(max)));
        }
        streams.bytes.insert(display.clone(), bytes);
        kept.push(Input::Stream { display, path, kind });
    }
    Ok((kept, streams))
}

fn check_input(input: &Input, streams: &HashMap<String, Vec<u8>>, settings: &Settings, fix: FixMode) -> FileReport {
    match input {
        Input::Stream { display, path, kind } => {
            let bytes = streams.get(display).map(Vec::as_slice).unwrap_or_default();
            check_bytes(*kind, display, path.clone(), bytes, settings, fix)
        }
        // Archives are streamed, never read whole: an image can be gigabytes.
        Input::File { display, path, kind: FileKind::ImageArchive } => match dockward_source::input::open_regular(path)
        {
            Ok(f) => dockward_linter::image_contents::check_image_archive(
                display,
                Some(path.clone()),
                std::io::BufReader::with_capacity(1 << 20, f),
                settings,
            ),
            Err(e) => unreadable(display, path, e),
        },
        // The bytes are checked in place: no second copy of a large file.
        Input::File { display, path, kind: FileKind::Dockerfile } => match dockward_source::input::read(path) {
            Ok(bytes) => check_dockerfile_owned(display, Some(path.clone()), bytes, settings, fix),
            Err(e) => unreadable(display, path, e),
        },
        Input::File { display, path, kind } => match dockward_source::input::read(path) {
            Ok(bytes) => check_bytes(*kind, display, Some(path.clone()), &bytes, settings, fix),
            Err(e) => unreadable(display, path, e),
        },
    }
}

fn unreadable(display: &str, path: &std::path::Path, e: std::io::Error) -> FileReport {
    FileReport { path: Some(path.to_path_buf()), ..input_error(display, format!("cannot read: {e}")) }
}

/// The report of an input that could not be checked: one DW002, whatever the
/// selection (exit code 2).
fn input_error(name: &str, message: String) -> FileReport {
    FileReport {
        name: name.to_string(),
        path: None,
        diagnostics: vec![Diagnostic::new(
            registry::UNREADABLE_FILE,
            Location::File { name: name.to_string() },
            message,
        )],
        fixed: None,
        unreadable: true,
    }
}

/// One file's checks, by what kind of file it is.
fn check_bytes(
    kind: FileKind,
    name: &str,
    path: Option<PathBuf>,
    bytes: &[u8],
    settings: &Settings,
    fix: FixMode,
) -> FileReport {
    match kind {
        FileKind::Dockerfile => check_dockerfile_bytes(name, path, bytes, settings, fix),
        FileKind::ShellScript => check_run_lines_bytes(name, path, bytes, RunLineFile::ShellScript, settings, fix),
        FileKind::Makefile => check_run_lines_bytes(name, path, bytes, RunLineFile::Makefile, settings, fix),
        FileKind::GithubWorkflow => {
            check_run_lines_bytes(name, path, bytes, RunLineFile::GithubWorkflow, settings, fix)
        }
        FileKind::GitlabCi => check_run_lines_bytes(name, path, bytes, RunLineFile::GitlabCi, settings, fix),
        FileKind::DaemonJson => check_daemon_json_bytes(name, path, bytes, settings, fix),
        FileKind::DockerUnit => check_flag_file_bytes(FlagFileKind::SystemdUnit, name, path, bytes, settings),
        FileKind::DefaultDocker => check_flag_file_bytes(FlagFileKind::DefaultDocker, name, path, bytes, settings),
        FileKind::SysconfigDocker => check_flag_file_bytes(FlagFileKind::SysconfigDocker, name, path, bytes, settings),
        FileKind::ImageArchive => dockward_linter::image_contents::check_image_archive(name, path, bytes, settings),
        // Kubernetes inputs are split off and checked as one scan (`kubernetes::check`).
        FileKind::Kubernetes | FileKind::Kustomization | FileKind::HelmTemplate => {
            let input = dockward_linter::check_k8s::ManifestInput::file(name, path, bytes.to_vec());
            dockward_linter::check_k8s::check_manifests_with_fixes(&[input], settings, fix).reports.swap_remove(0)
        }
        // Compose inputs are grouped into projects before checking.
        FileKind::Compose => {
            let file = ProjectFile {
                path: path.unwrap_or_else(|| PathBuf::from(name)),
                display: name.to_string(),
                bytes: Some(bytes.to_vec()),
            };
            let mut reports = check_compose_project(&[file], &LoadOptions::default(), settings, fix);
            reports.swap_remove(0)
        }
    }
}
