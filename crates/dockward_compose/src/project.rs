//! Loading a project: files in order, each parsed, interpolated, validated, with its
//! `include`s and `extends` resolved, then merged (overrides after the base).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dockward_diagnostics::{Location, Related};
use dockward_source::{SourceFile, TextRange, TextSize};
use dockward_yaml::{Budget, Comment};

use crate::env::Env;
use crate::interpolate::ErrorKind;
use crate::merge::merge;
use crate::value::{Converter, Entry, Kind, Value};

/// What the loader found wrong; the linter turns each kind into a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// The file cannot be read, is binary or is not UTF-8.
    Unreadable,
    /// Not YAML (or a blown alias/size budget).
    Syntax,
    /// Duplicate keys, extra documents, bad merge keys.
    DuplicateKey,
    /// The Compose schema rejects the file (unknown key, wrong type, non-mapping root).
    Schema,
    /// `${VAR:?msg}` / `${VAR?msg}` with the variable missing.
    RequiredVariable,
    /// A `$` that starts no valid expression.
    InvalidInterpolation,
    /// `extends` that cannot be resolved (missing service or file, cycle).
    Extends,
    /// `include` that cannot be resolved (missing file, cycle, conflicting resources).
    Include,
    /// An env file that cannot be read or parsed.
    EnvFile,
    /// `depends_on` naming an undefined service, or a dependency cycle.
    DependsOn,
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub kind: ProblemKind,
    pub at: Location,
    pub message: String,
    pub related: Vec<Related>,
}

/// A file of the project as read: its text and the comments (for suppressions and
/// fixes). `main` files are the ones given (or discovered); the others were reached
/// through `extends` or `include`.
#[derive(Debug, Clone)]
pub struct ComposeFile {
    pub file: Arc<SourceFile>,
    pub main: bool,
    pub comments: Vec<Comment>,
    /// The top-level `version` entry: (key range, value range).
    pub version: Option<(TextRange, TextRange)>,
}

/// A file to load: its path (for relative paths and `.env`), the name to report, and
/// its bytes when already read (stdin).
#[derive(Debug, Clone)]
pub struct ProjectFile {
    pub path: PathBuf,
    pub display: String,
    pub bytes: Option<Vec<u8>>,
}

impl ProjectFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let display = display_path(&path);
        Self { path, display, bytes: None }
    }
}

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--env-file`s, in order; when empty, `.env` beside the first file.
    pub env_files: Vec<PathBuf>,
    /// The variables to interpolate with; `None`: the process environment.
    pub environment: Option<Vec<(String, String)>>,
    pub budget: Budget,
}

/// A loaded project.
#[derive(Debug, Clone)]
pub struct Project {
    pub name: String,
    /// The directory of the first file.
    pub dir: PathBuf,
    pub files: Vec<ComposeFile>,
    /// The merged model; `None` when no file could be loaded.
    pub model: Option<Value>,
    pub problems: Vec<Problem>,
    pub env: Env,
}

/// One service of the merged model.
#[derive(Debug, Clone, Copy)]
pub struct Service<'p> {
    pub name: &'p str,
    /// The service's key in the first file that defines it.
    pub key_at: &'p Location,
    pub value: &'p Value,
}

impl Project {
    pub fn services(&self) -> Vec<Service<'_>> {
        let Some(services) = self.model.as_ref().and_then(|m| m.get("services")).and_then(Value::as_map) else {
            return Vec::new();
        };
        services.iter().map(|e| Service { name: &e.key, key_at: &e.key_at, value: &e.value }).collect()
    }

    /// A top-level section's entries (`secrets`, `configs`, `volumes`, `networks`).
    pub fn section(&self, name: &str) -> &[Entry] {
        self.model.as_ref().and_then(|m| m.get(name)).and_then(Value::as_map).unwrap_or(&[])
    }
}

/// `compose.yaml`-style names docker compose looks for, in its order of preference.
pub const DEFAULT_FILE_NAMES: [&str; 4] = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

/// Whether a file name is one docker compose reads by default, or its override.
pub fn is_compose_file_name(name: &str) -> bool {
    DEFAULT_FILE_NAMES.iter().any(|d| name == *d || name == override_name(d))
}

fn override_name(name: &str) -> String {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    format!("{stem}.override.{ext}")
}

/// The project files docker compose would load from `dir`: the first default file
/// that exists, then its `.override` file if there is one.
pub fn project_files_in(dir: &Path) -> Vec<PathBuf> {
    for name in DEFAULT_FILE_NAMES {
        let base = dir.join(name);
        if base.is_file() {
            let mut out = vec![base];
            let over = dir.join(override_name(name));
            if over.is_file() {
                out.push(over);
            }
            return out;
        }
    }
    Vec::new()
}

/// Loads the files as one project, in order (later files override earlier ones).
pub fn load_project(files: &[ProjectFile], options: &LoadOptions) -> Project {
    let dir = files.first().and_then(|f| f.path.parent()).map(Path::to_path_buf).unwrap_or_default();
    let mut env = match &options.environment {
        Some(vars) => Env::from_vars(vars.iter().cloned()),
        None => Env::from_vars(std::env::vars()),
    };
    let mut problems = Vec::new();
    let env_files: Vec<(PathBuf, bool)> = if options.env_files.is_empty() {
        vec![(dir.join(".env"), false)]
    } else {
        options.env_files.iter().map(|p| (p.clone(), true)).collect()
    };
    for (path, required) in env_files {
        if let Err(e) = env.load_file(&path, required) {
            problems.push(Problem { kind: ProblemKind::EnvFile, at: e.at, message: e.message, related: Vec::new() });
        }
    }
    let mut loader = Loader { budget: options.budget, env, files: Vec::new(), problems, aux: HashMap::new() };
    let mut model: Option<Value> = None;
    for f in files {
        let Some(value) = loader.load(&f.path, f.display.clone(), f.bytes.as_deref(), true, &mut Vec::new()) else {
            continue;
        };
        match &mut model {
            None => model = Some(value),
            Some(m) => merge(m, value, &[]),
        }
    }
    if let Some(m) = &model {
        check_depends_on(m, &mut loader.problems);
    }
    let name = model
        .as_ref()
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| dir.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default());
    Project { name, dir, files: loader.files, model, problems: loader.problems, env: loader.env }
}

struct Loader {
    budget: Budget,
    env: Env,
    files: Vec<ComposeFile>,
    problems: Vec<Problem>,
    /// Files reached through `extends`, by canonical path: their model before
    /// their own `extends` are resolved.
    aux: HashMap<PathBuf, Option<Arc<Value>>>,
}

/// Paths as reports show them ([`dockward_source::display_path`]).
pub fn display_path(p: &Path) -> String {
    dockward_source::display_path(p)
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

impl Loader {
    fn problem(&mut self, kind: ProblemKind, at: Location, message: impl Into<String>) {
        self.problems.push(Problem { kind, at, message: message.into(), related: Vec::new() });
    }

    /// Reads, parses, interpolates and validates one file, then resolves its includes
    /// and extends. `includes` is the chain of files including this one.
    fn load(
        &mut self,
        path: &Path,
        display: String,
        bytes: Option<&[u8]>,
        main: bool,
        includes: &mut Vec<PathBuf>,
    ) -> Option<Value> {
        let mut value = self.parse_file(path, display, bytes, main)?;
        let extends_files = value.get("services").and_then(Value::as_map).is_some_and(|services| {
            services.iter().any(|s| s.value.get("extends").and_then(|e| e.get("file")).is_some())
        });
        if extends_files {
            // A service may extend one of this file's services through another file.
            self.aux.entry(canonical(path)).or_insert_with(|| Some(Arc::new(value.clone())));
        }
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        includes.push(canonical(path));
        self.resolve_includes(&mut value, &dir, includes);
        includes.pop();
        self.resolve_all_extends(&mut value, path);
        Some(value)
    }

    fn parse_file(&mut self, path: &Path, display: String, bytes: Option<&[u8]>, main: bool) -> Option<Value> {
        let owned;
        let bytes = match bytes {
            Some(b) => b,
            None => match dockward_source::input::read(path) {
                Ok(b) => {
                    owned = b;
                    &owned
                }
                Err(e) => {
                    self.problem(
                        ProblemKind::Unreadable,
                        Location::File { name: display },
                        format!("cannot read: {e}"),
                    );
                    return None;
                }
            },
        };
        if let Some(nul) = bytes.iter().take(8192).position(|b| *b == 0) {
            self.problem(
                ProblemKind::Unreadable,
                Location::File { name: display },
                format!("binary file (NUL byte at offset {nul}); not checked"),
            );
            return None;
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t.to_string(),
            Err(e) => {
                let file =
                    SourceFile::new(display, Some(path.to_path_buf()), String::from_utf8_lossy(bytes).into_owned());
                let at = TextSize::from(e.valid_up_to() as u32);
                self.problem(
                    ProblemKind::Unreadable,
                    Location::source(&file, TextRange::new(at, at + TextSize::from(1))),
                    format!("invalid UTF-8 (byte 0x{:02x}); the file must be UTF-8 text", bytes[e.valid_up_to()]),
                );
                return None;
            }
        };
        let file = SourceFile::new(display, Some(path.to_path_buf()), text);
        let doc = match dockward_yaml::parse(file.text(), &self.budget) {
            Ok(doc) => doc,
            Err(e) => {
                let mut message = e.message.clone();
                if file.text()[..usize::from(e.range.start()).min(file.text().len())]
                    .rsplit('\n')
                    .next()
                    .is_some_and(|line| line.contains('\t'))
                {
                    message.push_str(" (YAML indentation must use spaces, not tabs)");
                }
                self.problem(ProblemKind::Syntax, Location::source(&file, e.range), message);
                self.files.push(ComposeFile { file, main, comments: Vec::new(), version: None });
                return None;
            }
        };
        for e in &doc.errors {
            self.problem(ProblemKind::DuplicateKey, Location::source(&file, e.range), e.message.clone());
        }
        let version = doc.root.as_ref().and_then(|r| r.entry("version")).map(|e| (e.key.range, e.value.range));
        self.files.push(ComposeFile { file: file.clone(), main, comments: doc.comments.clone(), version });
        let root = doc.root.as_ref()?;
        if root.as_map().is_none() {
            let what = if root.as_seq().is_some() { "a sequence" } else { "a scalar" };
            self.problem(
                ProblemKind::Schema,
                Location::source(&file, root.range),
                format!("a Compose file must be a mapping at the top level, not {what}"),
            );
            return None;
        }
        let mut conv = Converter::new(&file, &self.env);
        let value = conv.convert(root);
        let conv_problems = std::mem::take(&mut conv.problems);
        for p in conv_problems {
            let kind = match p.kind {
                ErrorKind::Required => ProblemKind::RequiredVariable,
                ErrorKind::Invalid => ProblemKind::InvalidInterpolation,
            };
            self.problem(kind, p.at, p.message);
        }
        for e in crate::schema::validate(&value) {
            self.problem(ProblemKind::Schema, e.at, e.message);
        }
        Some(value)
    }

    fn resolve_includes(&mut self, value: &mut Value, dir: &Path, includes: &mut Vec<PathBuf>) {
        let Some(items) = value.get("include").and_then(Value::as_seq).map(<[Value]>::to_vec) else {
            return;
        };
        for item in items {
            let paths: Vec<&Value> = match (item.as_str(), item.get("path")) {
                (Some(_), _) => vec![&item],
                (None, Some(p)) if p.as_str().is_some() => vec![p],
                (None, Some(p)) => p.as_seq().map(|s| s.iter().collect()).unwrap_or_default(),
                (None, None) => Vec::new(),
            };
            let mut included: Option<Value> = None;
            for p in paths {
                let Some(rel) = p.as_str() else { continue };
                let path = dir.join(rel);
                // A FIFO or a device is said to be one (the read would refuse it anyway).
                match dockward_source::input::screen(&path, u64::MAX) {
                    Ok(true) => {}
                    Ok(false) => {
                        self.problem(ProblemKind::Include, p.at.clone(), format!("included file `{rel}` not found"));
                        continue;
                    }
                    Err(e) => {
                        self.problem(ProblemKind::Include, p.at.clone(), format!("included file `{rel}`: {e}"));
                        continue;
                    }
                }
                let canon = canonical(&path);
                if includes.contains(&canon) {
                    self.problem(
                        ProblemKind::Include,
                        p.at.clone(),
                        format!("include cycle: `{rel}` is already being included"),
                    );
                    continue;
                }
                let display = display_path(&path);
                if let Some(v) = self.load(&path, display, None, false, includes) {
                    match &mut included {
                        None => included = Some(v),
                        Some(m) => merge(m, v, &[]),
                    }
                }
            }
            let Some(included) = included else { continue };
            self.import(value, included, &item.at);
        }
    }

    /// Adds an included model's resources; the same name in both is an error.
    fn import(&mut self, value: &mut Value, included: Value, item_at: &Location) {
        let Kind::Map(inc) = included.kind else { return };
        for section in inc {
            if !matches!(section.key.as_str(), "services" | "networks" | "volumes" | "secrets" | "configs") {
                continue;
            }
            let section_at = section.value.at.clone();
            let Kind::Map(entries) = section.value.kind else { continue };
            let Kind::Map(top) = &mut value.kind else { return };
            let target = match top.iter().position(|e| e.key == section.key) {
                Some(i) => i,
                None => {
                    top.push(Entry {
                        key: section.key.clone(),
                        key_at: section.key_at.clone(),
                        value: Value { kind: Kind::Map(Vec::new()), at: section_at, via: Vec::new(), tag: None },
                    });
                    top.len() - 1
                }
            };
            let mut conflicts = Vec::new();
            if let Kind::Map(existing) = &mut top[target].value.kind {
                for e in entries {
                    if let Some(mine) = existing.iter().find(|x| x.key == e.key) {
                        conflicts.push((mine.key_at.clone(), e.key_at.clone(), e.key.clone()));
                    } else {
                        existing.push(e);
                    }
                }
            }
            for (mine, theirs, name) in conflicts {
                self.problems.push(Problem {
                    kind: ProblemKind::Include,
                    at: mine,
                    message: format!("`{}.{name}` conflicts with the one imported by `include`", section.key),
                    related: vec![
                        Related { location: theirs, message: "imported definition".into() },
                        Related { location: item_at.clone(), message: "included here".into() },
                    ],
                });
            }
        }
    }

    fn resolve_all_extends(&mut self, value: &mut Value, path: &Path) {
        let Some(services) = value.get("services").and_then(Value::as_map).map(<[Entry]>::to_vec) else {
            return;
        };
        if !services.iter().any(|s| s.value.get("extends").is_some()) {
            return;
        }
        let top = TopServices::new(&services, path);
        // Services of this file resolved so far: each link of a chain is resolved once,
        // not once per service below it (a chain of n was cubic).
        let mut memo: HashMap<String, Option<Value>> = HashMap::new();
        let mut resolved = Vec::with_capacity(services.len());
        for s in &services {
            resolved.push(self.resolve_service(&top, &s.key, &mut memo));
        }
        let Kind::Map(top) = &mut value.kind else { return };
        let Some(entry) = top.iter_mut().find(|e| e.key == "services") else { return };
        if let Kind::Map(entries) = &mut entry.value.kind {
            for (e, r) in entries.iter_mut().zip(resolved) {
                if let Some(r) = r {
                    e.value = r;
                }
            }
        }
    }

    /// A service of the file being loaded, with its `extends` chain applied.
    ///
    /// The chain is walked down to a service that extends nothing (or to a problem:
    /// missing service or file, cycle), then merged back up. Results are kept in
    /// `memo` when the whole walk stayed in this file and met no cycle: a cycle's
    /// message names the chain it was reached from, and services reached through
    /// another file (`extends.file`) are that file's as written, not this one's.
    fn resolve_service(
        &mut self,
        top: &TopServices<'_>,
        name: &str,
        memo: &mut HashMap<String, Option<Value>>,
    ) -> Option<Value> {
        // Where the walk is: `aux` is None while in the file being loaded.
        let mut aux: Option<Arc<Value>> = None;
        let mut path = top.path.to_path_buf();
        let mut canon = top.canon.clone();
        let mut name = name.to_string();
        // The (file, service) pairs being resolved, for cycles.
        let mut stack = vec![(canon.clone(), name.clone())];
        let mut on_stack: HashSet<(PathBuf, String)> = stack.iter().cloned().collect();
        // The services walked through, each with its own keys, to merge on the way up.
        let mut pending: Vec<(String, Value)> = Vec::new();
        let mut memoize = true;
        let mut result = loop {
            if aux.is_none() {
                if let Some(v) = memo.get(&name) {
                    break v.clone();
                }
            }
            let services: &[Entry] = match &aux {
                None => top.services,
                Some(m) => m.get("services").and_then(Value::as_map).unwrap_or_default(),
            };
            let entry = match &aux {
                None => top.index.get(name.as_str()).map(|&i| &services[i]),
                Some(_) => services.iter().find(|e| e.key == name),
            };
            let Some(entry) = entry else { break None };
            let Some(ext) = entry.value.get("extends") else {
                break Some(entry.value.clone());
            };
            let (base_name, file) = match ext.as_str() {
                Some(s) => (s.to_string(), None),
                None => (
                    ext.get("service").and_then(Value::as_str).unwrap_or_default().to_string(),
                    ext.get("file").and_then(Value::as_str).map(str::to_string),
                ),
            };
            let (base_aux, base_path, base_canon) = match &file {
                None => (aux.clone(), path.clone(), canon.clone()),
                Some(f) => {
                    let base_path = path.parent().map(Path::to_path_buf).unwrap_or_default().join(f);
                    // Screened without blocking: a FIFO or a device is named, not read.
                    match dockward_source::input::screen(&base_path, u64::MAX) {
                        Ok(true) => {}
                        Ok(false) => {
                            self.problem(
                                ProblemKind::Extends,
                                ext.at.clone(),
                                format!("extended file `{f}` not found"),
                            );
                            break None;
                        }
                        Err(e) => {
                            self.problem(ProblemKind::Extends, ext.at.clone(), format!("extended file `{f}`: {e}"));
                            break None;
                        }
                    }
                    memoize = false;
                    let Some(model) = self.aux_file(&base_path) else { break None };
                    let canon = canonical(&base_path);
                    (Some(model), base_path, canon)
                }
            };
            let key = (base_canon.clone(), base_name.clone());
            if on_stack.contains(&key) {
                let chain: Vec<String> = stack.iter().map(|(_, s)| s.clone()).chain([base_name.clone()]).collect();
                self.problem(ProblemKind::Extends, ext.at.clone(), format!("extends cycle: {}", chain.join(" -> ")));
                memoize = false;
                break None;
            }
            let base_services: &[Entry] = match &base_aux {
                None => top.services,
                Some(m) => m.get("services").and_then(Value::as_map).unwrap_or_default(),
            };
            let base_exists = match &base_aux {
                None => top.index.contains_key(base_name.as_str()),
                Some(_) => base_services.iter().any(|e| e.key == base_name),
            };
            if !base_exists {
                let place = file.as_deref().map(|f| format!(" in `{f}`")).unwrap_or_default();
                self.problem(
                    ProblemKind::Extends,
                    ext.at.clone(),
                    format!("cannot extend service `{base_name}`: no such service{place}"),
                );
                break None;
            }
            let mut local = entry.value.clone();
            if let Kind::Map(m) = &mut local.kind {
                m.retain(|e| e.key != "extends");
            }
            pending.push((name, local));
            on_stack.insert(key.clone());
            stack.push(key);
            (aux, path, canon, name) = (base_aux, base_path, base_canon, base_name);
        };
        if memoize && aux.is_none() {
            memo.insert(name, result.clone());
        }
        while let Some((name, local)) = pending.pop() {
            result = result.map(|mut base| {
                if let Kind::Map(m) = &mut base.kind {
                    // Dependencies are never inherited.
                    m.retain(|e| !matches!(e.key.as_str(), "depends_on" | "volumes_from"));
                }
                let at = local.at.clone();
                merge(&mut base, local, &["services", "*"]);
                base.at = at;
                base
            });
            if memoize {
                memo.insert(name, result.clone());
            }
        }
        result
    }

    fn aux_file(&mut self, path: &Path) -> Option<Arc<Value>> {
        let canon = canonical(path);
        if let Some(v) = self.aux.get(&canon) {
            return v.clone();
        }
        // Insert first so that a file extending itself finds an entry.
        self.aux.insert(canon.clone(), None);
        let v = self.parse_file(path, display_path(path), None, false).map(Arc::new);
        self.aux.insert(canon, v.clone());
        v
    }
}

/// The services of the file whose `extends` are being resolved, by name.
struct TopServices<'s> {
    services: &'s [Entry],
    /// The first service of each name (as a linear search would find it).
    index: HashMap<&'s str, usize>,
    path: &'s Path,
    canon: PathBuf,
}

impl<'s> TopServices<'s> {
    fn new(services: &'s [Entry], path: &'s Path) -> Self {
        let mut index = HashMap::with_capacity(services.len());
        for (i, e) in services.iter().enumerate() {
            index.entry(e.key.as_str()).or_insert(i);
        }
        Self { services, index, path, canon: canonical(path) }
    }
}

/// `depends_on` entries of a service: (name, the value naming it, required).
fn dependencies(service: &Value) -> Vec<(String, Location, bool)> {
    match service.get("depends_on") {
        Some(d) if d.as_map().is_some() => d
            .as_map()
            .unwrap_or_default()
            .iter()
            .map(|e| (e.key.clone(), e.key_at.clone(), e.value.get("required").and_then(Value::as_bool) != Some(false)))
            .collect(),
        Some(d) => d
            .as_seq()
            .unwrap_or_default()
            .iter()
            .filter_map(|v| Some((v.as_str()?.to_string(), v.at.clone(), true)))
            .collect(),
        None => Vec::new(),
    }
}

/// Reports `depends_on` that names no service, and dependency cycles (each once).
fn check_depends_on(model: &Value, problems: &mut Vec<Problem>) {
    let Some(services) = model.get("services").and_then(Value::as_map) else { return };
    let names: Vec<&str> = services.iter().map(|e| e.key.as_str()).collect();
    let deps: Vec<Vec<(usize, Location)>> = services
        .iter()
        .map(|s| {
            let mut out = Vec::new();
            for (name, at, required) in dependencies(&s.value) {
                match names.iter().position(|n| *n == name) {
                    Some(i) => out.push((i, at)),
                    None if required => problems.push(Problem {
                        kind: ProblemKind::DependsOn,
                        at,
                        message: format!("service `{}` depends on undefined service `{name}`", s.key),
                        related: Vec::new(),
                    }),
                    None => {}
                }
            }
            out
        })
        .collect();
    // Iterative DFS with colours; a back edge closes a cycle.
    let mut colour = vec![0u8; names.len()];
    for root in 0..names.len() {
        if colour[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        colour[root] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some((dep, at)) = deps[node].get(*next) {
                *next += 1;
                match colour[*dep] {
                    0 => {
                        colour[*dep] = 1;
                        stack.push((*dep, 0));
                    }
                    1 => {
                        let start = stack.iter().position(|(n, _)| n == dep).unwrap_or(0);
                        let mut chain: Vec<&str> = stack[start..].iter().map(|(n, _)| names[*n]).collect();
                        chain.push(names[*dep]);
                        problems.push(Problem {
                            kind: ProblemKind::DependsOn,
                            at: at.clone(),
                            message: format!("depends_on cycle: {}", chain.join(" -> ")),
                            related: Vec::new(),
                        });
                    }
                    _ => {}
                }
            } else {
                colour[node] = 2;
                stack.pop();
            }
        }
    }
}
