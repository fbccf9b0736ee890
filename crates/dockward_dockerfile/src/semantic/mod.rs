//! Meaning on top of the syntax tree: variable scopes (ARG/ENV, build args), variable
//! expansion, and the stage graph (bases, `COPY --from`, `RUN --mount=from=`).
//!
//! Scoping follows BuildKit: ARGs declared before the first FROM are global and only
//! visible in FROM lines, unless a stage declares them again (`ARG NAME` without a
//! default then takes the global value). Build args override ARG defaults. ENV wins
//! over ARG of the same name and is inherited by stages built on another stage.

pub(crate) mod expand;
mod image;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use dockward_source::TextRange;

pub use expand::{expand, expand_with, unquote, Expanded};
use expand::{expand_env, Env, Found};
pub use image::ImageRef;

use crate::ast::{Args, CommandArgs, Dockerfile, InstructionKind, Spanned};
use crate::lines::logical_text;

/// BuildKit's automatic platform ARGs. They are set in the global scope without being
/// declared, with values that depend on the build machine and `--platform`, so this
/// model treats them as unresolved unless a build arg gives them a value.
pub const AUTOMATIC_ARGS: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
];

/// True for one of BuildKit's automatic platform ARGs ([`AUTOMATIC_ARGS`]).
pub fn is_automatic_arg(name: &str) -> bool {
    AUTOMATIC_ARGS.contains(&name)
}

/// ARG or ENV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VarKind {
    /// Declared by ARG (build time only).
    Arg,
    /// Declared by ENV (also in the image).
    Env,
}

/// One variable definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// The name (unquoted).
    pub name: String,
    /// ARG or ENV.
    pub kind: VarKind,
    /// The value after expansion; `None` for an ARG declared without a default and not
    /// given by a build arg (or a global ARG).
    pub value: Option<String>,
    /// Unresolved variables the value was built from.
    pub unresolved: Vec<String>,
    /// The declaring instruction (index into [`Dockerfile::instructions`]).
    pub instruction: usize,
    /// The source range of the `name[=value]` pair.
    pub range: TextRange,
    /// True if the value came from a build arg.
    pub from_build_arg: bool,
    /// Declaration order: instruction index and position inside the instruction.
    order: u64,
}

/// A value taken from a flag or word, expanded, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandedValue {
    /// The expansion.
    pub value: Expanded,
    /// The source range of the text that was expanded.
    pub range: TextRange,
    /// The instruction it belongs to.
    pub instruction: usize,
}

/// What a stage name, `--from` or `from=` refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An earlier stage (by name, or by index for `--from`).
    Stage(usize),
    /// The current stage or a later one: invalid in BuildKit (a cycle or a forward
    /// reference), recorded so that rules can report it.
    LaterStage(usize),
    /// `scratch`: the empty image.
    Scratch,
    /// An image from a registry.
    Image(ImageRef),
    /// Nothing usable: the name expanded to an empty string.
    Unknown,
}

/// Where a [`StageRef`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefKind {
    /// `COPY --from=x` / `ADD --from=x`.
    CopyFrom,
    /// `RUN --mount=...,from=x`.
    MountFrom,
}

/// A reference to another stage or image from inside a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageRef {
    /// The referring instruction.
    pub instruction: usize,
    /// `COPY --from` or `RUN --mount from=`.
    pub kind: RefKind,
    /// The reference as written, expanded; `range` covers the flag or field value.
    pub name: ExpandedValue,
    /// What it resolves to.
    pub target: Target,
}

/// One build stage, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageModel {
    /// 0-based stage index.
    pub index: usize,
    /// The stage name, lower-cased.
    pub name: Option<String>,
    /// The FROM instruction.
    pub from_instruction: usize,
    /// The image word of FROM, expanded with the global ARGs and build args.
    /// `None` when FROM has no image.
    pub base_name: Option<ExpandedValue>,
    /// What the base is.
    pub base: Target,
    /// The `--platform` flag, expanded.
    pub platform: Option<ExpandedValue>,
    /// `COPY --from` and `RUN --mount from=` references, in order.
    pub refs: Vec<StageRef>,
    /// The USER in force at the end of the stage, if set in this Dockerfile (here or
    /// in a base stage). `None` means the base image's user.
    pub user: Option<ExpandedValue>,
    /// The WORKDIR in force at the end of the stage (relative paths resolved against
    /// the previous WORKDIR, or `/`), if set in this Dockerfile.
    pub workdir: Option<ExpandedValue>,
    /// The SHELL in force at the end of the stage, if set in this Dockerfile.
    pub shell: Option<(Vec<String>, usize)>,
    /// Index of the base stage, if the base is an earlier stage.
    pub base_stage: Option<usize>,
}

/// Which scope an instruction sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScopeId {
    Global,
    Stage(usize),
}

/// Variable scopes and the stage graph of a Dockerfile.
#[derive(Debug, Clone)]
pub struct Model {
    escape: char,
    /// The build args the model was built with.
    pub build_args: BTreeMap<String, String>,
    /// ARGs declared before the first FROM, in order.
    pub global_args: Vec<Variable>,
    /// One per FROM, in order (same indexes as [`Dockerfile::stages`]).
    pub stages: Vec<StageModel>,
    scope_of: Vec<ScopeId>,
    /// [`Model::root_stage`] of each stage.
    roots: Vec<usize>,
    globals: HashMap<String, Vec<Variable>>,
    stage_vars: Vec<HashMap<String, Vec<Variable>>>,
}

/// Total bytes of variable values a model keeps. Past it, new values are dropped
/// (treated as unknown), so that a file of self-doubling ENVs cannot use up memory.
const VALUE_BUDGET: usize = 32 * 1024 * 1024;

/// Charges `value` to `spent`; drops it when the budget is used up.
fn charge(spent: &mut usize, value: Option<String>) -> Option<String> {
    let v = value?;
    *spent += v.len();
    (*spent <= VALUE_BUDGET).then_some(v)
}

fn order(instruction: usize, pos: usize) -> u64 {
    ((instruction as u64) << 16) | (pos.min(0xFFFF) as u64)
}

/// A scope at one point of the file, as seen by the expander.
struct ScopeEnv<'m> {
    model: &'m Model,
    scope: ScopeId,
    before: u64,
}

impl Env for ScopeEnv<'_> {
    fn get(&self, name: &str) -> Found<'_> {
        match self.model.lookup(self.scope, self.before, name) {
            Some(Variable { value: Some(v), unresolved, .. }) => Found::Value(Cow::Borrowed(v), unresolved),
            Some(_) => Found::Unset,
            None => match self.model.build_args.get(name) {
                Some(v) if self.scope == ScopeId::Global && is_automatic_arg(name) => {
                    Found::Value(Cow::Borrowed(v), &[])
                }
                _ => Found::Unset,
            },
        }
    }
}

fn last_before(vars: &[Variable], before: u64, kind: Option<VarKind>) -> Option<&Variable> {
    let end = vars.partition_point(|v| v.order < before);
    vars[..end].iter().rev().find(|v| kind.is_none_or(|k| v.kind == k))
}

impl Model {
    /// Resolves scopes and stages. `build_args` are `--build-arg` values: they override
    /// ARG defaults (and only apply to declared ARGs, as in BuildKit).
    pub fn build(df: &Dockerfile, build_args: &BTreeMap<String, String>) -> Model {
        let mut m = Model {
            escape: df.escape,
            build_args: build_args.clone(),
            global_args: Vec::new(),
            stages: Vec::new(),
            scope_of: Vec::with_capacity(df.instructions.len()),
            roots: Vec::with_capacity(df.stages.len()),
            globals: HashMap::new(),
            stage_vars: Vec::new(),
        };
        let text: &str = &df.source;
        let raw = |r: TextRange| logical_text(text, r, df.escape);
        let stage_names: Vec<Option<&str>> = df.stages.iter().map(|s| s.name.as_ref().map(|n| n.as_str())).collect();
        let mut spent = 0usize;

        for (i, instr) in df.instructions.iter().enumerate() {
            let current = m.stages.len().checked_sub(1);
            let scope = match (instr.kind, current) {
                (InstructionKind::From, _) | (_, None) => ScopeId::Global,
                (_, Some(s)) => ScopeId::Stage(s),
            };
            m.scope_of.push(scope);
            let k0 = order(i, 0);
            // `COPY --from=x` and `RUN --mount=...,from=x` name a stage or image the same way.
            let add_ref = |m: &mut Model, s: usize, kind: RefKind, v: &Spanned<String>| {
                let value = m.expand_in(scope, k0, &v.value);
                let target = resolve(&value.value, s, &stage_names, true);
                m.stages[s].refs.push(StageRef {
                    instruction: i,
                    kind,
                    name: ExpandedValue { value, range: v.range, instruction: i },
                    target,
                });
            };
            match instr.kind {
                InstructionKind::From => {
                    let index = m.stages.len();
                    let (base_name, alias) = match &instr.args {
                        Args::From(f) => (
                            Some(ExpandedValue {
                                value: m.expand_in(ScopeId::Global, k0, &raw(f.image.range)),
                                range: f.image.range,
                                instruction: i,
                            }),
                            f.alias.as_ref().map(|a| a.value.to_lowercase()),
                        ),
                        _ => (None, None),
                    };
                    let base = match &base_name {
                        Some(b) => resolve(&b.value.value, index, &stage_names, false),
                        None => Target::Unknown,
                    };
                    let platform = instr.flag("platform").and_then(|f| f.value.as_ref()).map(|v| ExpandedValue {
                        value: m.expand_in(ScopeId::Global, k0, &v.value),
                        range: v.range,
                        instruction: i,
                    });
                    let base_stage = match base {
                        Target::Stage(p) => Some(p),
                        _ => None,
                    };
                    // Settings are inherited from a base stage.
                    let inherited = base_stage.and_then(|p| m.stages.get(p));
                    let stage = StageModel {
                        index,
                        name: alias,
                        from_instruction: i,
                        base_name,
                        base,
                        platform,
                        refs: Vec::new(),
                        user: inherited.and_then(|p| p.user.clone()),
                        workdir: inherited.and_then(|p| p.workdir.clone()),
                        shell: inherited.and_then(|p| p.shell.clone()),
                        base_stage,
                    };
                    m.roots.push(base_stage.map_or(index, |p| m.roots[p]));
                    m.stages.push(stage);
                    m.stage_vars.push(HashMap::new());
                }
                InstructionKind::Arg => {
                    let Args::KeyValues(kvs) = &instr.args else { continue };
                    for (j, kv) in kvs.iter().enumerate() {
                        let name = kv.key.value.clone();
                        let at = order(i, j);
                        let (value, unresolved, from_build_arg) = if let Some(b) = build_args.get(&name) {
                            (Some(b.clone()), Vec::new(), true)
                        } else if let Some(r) = kv.raw_value {
                            let e = m.expand_in(scope, at, &raw(r));
                            (Some(e.value), e.unresolved, false)
                        } else if scope != ScopeId::Global {
                            // `ARG NAME` in a stage takes the global value.
                            match m.globals.get(&name).and_then(|v| v.last()) {
                                Some(g) => (g.value.clone(), g.unresolved.clone(), g.from_build_arg),
                                None => (None, Vec::new(), false),
                            }
                        } else {
                            (None, Vec::new(), false)
                        };
                        let var = Variable {
                            name: name.clone(),
                            kind: VarKind::Arg,
                            value: charge(&mut spent, value),
                            unresolved,
                            instruction: i,
                            range: kv.range,
                            from_build_arg,
                            order: at,
                        };
                        match scope {
                            ScopeId::Global => {
                                m.global_args.push(var.clone());
                                m.globals.entry(name).or_default().push(var);
                            }
                            ScopeId::Stage(s) => m.stage_vars[s].entry(name).or_default().push(var),
                        }
                    }
                }
                InstructionKind::Env => {
                    let (ScopeId::Stage(s), Args::KeyValues(kvs)) = (scope, &instr.args) else { continue };
                    // Every pair is expanded with the scope before the instruction.
                    let vars: Vec<Variable> = kvs
                        .iter()
                        .map(|kv| {
                            let e = match kv.raw_value {
                                Some(r) => m.expand_in(scope, k0, &raw(r)),
                                None => Expanded::default(),
                            };
                            Variable {
                                name: kv.key.value.clone(),
                                kind: VarKind::Env,
                                value: Some(e.value),
                                unresolved: e.unresolved,
                                instruction: i,
                                range: kv.range,
                                from_build_arg: false,
                                order: k0,
                            }
                        })
                        .collect();
                    for mut v in vars {
                        v.value = charge(&mut spent, v.value);
                        m.stage_vars[s].entry(v.name.clone()).or_default().push(v);
                    }
                }
                InstructionKind::User | InstructionKind::Workdir => {
                    let (ScopeId::Stage(s), Args::Text(t)) = (scope, &instr.args) else { continue };
                    let mut value = m.expand_in(scope, k0, &t.value);
                    let ev = |value| ExpandedValue { value, range: t.range, instruction: i };
                    if instr.kind == InstructionKind::User {
                        m.stages[s].user = Some(ev(value));
                    } else {
                        // Relative to the previous WORKDIR, cleaned like Go's `filepath.Join`.
                        let joined = if value.value.starts_with('/') {
                            value.value.clone()
                        } else {
                            let prev = m.stages[s].workdir.as_ref().map_or("/", |w| w.value.value.as_str());
                            format!("{prev}/{}", value.value)
                        };
                        value.value = clean_path(&joined);
                        m.stages[s].workdir = Some(ev(value));
                    }
                }
                InstructionKind::Shell => {
                    if let (ScopeId::Stage(s), Args::Command(CommandArgs::Exec { argv, .. })) = (scope, &instr.args) {
                        m.stages[s].shell = Some((argv.iter().map(|a| a.value.clone()).collect(), i));
                    }
                }
                InstructionKind::Copy | InstructionKind::Add => {
                    let ScopeId::Stage(s) = scope else { continue };
                    if let Some(v) = instr.flag("from").and_then(|f| f.value.as_ref()) {
                        add_ref(&mut m, s, RefKind::CopyFrom, v);
                    }
                }
                InstructionKind::Run => {
                    let ScopeId::Stage(s) = scope else { continue };
                    for flag in instr.flags_named("mount") {
                        for field in flag.csv_fields() {
                            if let (true, Some(v)) = (field.key.value == "from", &field.value) {
                                add_ref(&mut m, s, RefKind::MountFrom, v);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        m
    }

    fn expand_in(&self, scope: ScopeId, before: u64, word: &str) -> Expanded {
        expand_env(word, self.escape, &ScopeEnv { model: self, scope, before }, false)
    }

    fn lookup(&self, scope: ScopeId, before: u64, name: &str) -> Option<&Variable> {
        match scope {
            ScopeId::Global => last_before(self.globals.get(name)?, before, None),
            ScopeId::Stage(s) => {
                let vars = self.stage_vars.get(s)?.get(name).map(Vec::as_slice).unwrap_or(&[]);
                if let Some(v) = last_before(vars, before, Some(VarKind::Env)) {
                    return Some(v);
                }
                // ENV inherited from base stages.
                let mut base = self.stages.get(s).and_then(|st| st.base_stage);
                let mut hops = 0;
                while let Some(p) = base {
                    if let Some(v) = self
                        .stage_vars
                        .get(p)
                        .and_then(|m| m.get(name))
                        .and_then(|vs| vs.iter().rev().find(|v| v.kind == VarKind::Env))
                    {
                        return Some(v);
                    }
                    base = self.stages.get(p).and_then(|st| st.base_stage);
                    hops += 1;
                    if hops > self.stages.len() {
                        break;
                    }
                }
                last_before(vars, before, Some(VarKind::Arg))
            }
        }
    }

    /// The stage instruction `index` belongs to (`None` before the first FROM; a FROM
    /// belongs to the stage it starts).
    pub fn stage_of(&self, index: usize) -> Option<usize> {
        match self.scope_of.get(index)? {
            ScopeId::Stage(s) => Some(*s),
            ScopeId::Global => {
                // Stages are in file order, so their FROM instructions are sorted.
                self.stages.binary_search_by_key(&index, |s| s.from_instruction).ok()
            }
        }
    }

    /// Expands `word` (raw text, quotes included) as BuildKit would when running
    /// instruction `index`: with the variables declared before it. FROM lines and
    /// instructions before the first FROM see the global ARGs only.
    ///
    /// An index past the last instruction means "at the end of the file" (the scope
    /// of the last stage).
    pub fn expand_at(&self, index: usize, word: &str) -> Expanded {
        self.expand_in(self.scope_at(index), order(index, 0), word)
    }

    fn scope_at(&self, index: usize) -> ScopeId {
        match self.scope_of.get(index) {
            Some(s) => *s,
            None => match self.stages.len() {
                0 => ScopeId::Global,
                n => ScopeId::Stage(n - 1),
            },
        }
    }

    /// Expands the source text of `range` (inside instruction `index`), joined as
    /// BuildKit joins continuation lines. `text` is the parsed text.
    pub fn expand_range_at(&self, index: usize, text: &str, range: TextRange) -> Expanded {
        self.expand_at(index, &logical_text(text, range, self.escape))
    }

    /// The definition of `name` visible to instruction `index`, if any.
    pub fn variable_at(&self, index: usize, name: &str) -> Option<&Variable> {
        self.lookup(self.scope_at(index), order(index, 0), name)
    }

    /// Every variable declared in stage `stage` (ARG and ENV), in declaration order.
    pub fn stage_variables(&self, stage: usize) -> Vec<&Variable> {
        let mut vars: Vec<&Variable> =
            self.stage_vars.get(stage).into_iter().flat_map(|m| m.values().flatten()).collect();
        vars.sort_by_key(|v| v.order);
        vars
    }

    /// The stage chain of `stage`: itself, then its base stage, and so on.
    pub fn ancestry(&self, stage: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut cur = Some(stage).filter(|&s| s < self.stages.len());
        while let Some(s) = cur {
            out.push(s);
            // A base stage always comes earlier in the file, so the chain cannot loop.
            cur = self.stages[s].base_stage.filter(|&b| b < s);
        }
        out
    }

    /// The first stage of `stage`'s chain (the last of [`Model::ancestry`]): the one
    /// whose base is an image, `scratch` or unknown. Constant time, so that rules asking
    /// it for every stage of a long chain stay linear.
    pub fn root_stage(&self, stage: usize) -> usize {
        self.roots.get(stage).copied().unwrap_or(stage)
    }

    /// Stages the final stage depends on (through bases and references), itself
    /// included, in index order. Stages outside this set are not built by a plain
    /// `docker build`.
    pub fn reachable_from(&self, stage: usize) -> Vec<usize> {
        let mut seen = vec![false; self.stages.len()];
        let mut todo = vec![stage];
        while let Some(s) = todo.pop() {
            if s >= seen.len() || seen[s] {
                continue;
            }
            seen[s] = true;
            let st = &self.stages[s];
            if let Some(b) = st.base_stage {
                todo.push(b);
            }
            for r in &st.refs {
                if let Target::Stage(t) = r.target {
                    todo.push(t);
                }
            }
        }
        seen.iter().enumerate().filter(|(_, &b)| b).map(|(i, _)| i).collect()
    }
}

/// Go's `path.Clean` for an absolute path: no `.`, no `..`, no doubled or trailing
/// slash.
fn clean_path(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            x => parts.push(x),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Resolves a stage reference made from stage `current`.
fn resolve(name: &str, current: usize, stage_names: &[Option<&str>], by_index: bool) -> Target {
    if name.is_empty() {
        return Target::Unknown;
    }
    let lower = name.to_lowercase();
    let found = stage_names.iter().position(|n| *n == Some(lower.as_str())).or_else(|| {
        if by_index {
            name.parse::<usize>().ok().filter(|&i| i < stage_names.len())
        } else {
            None
        }
    });
    match found {
        Some(i) if i < current => Target::Stage(i),
        Some(i) => Target::LaterStage(i),
        None if lower == "scratch" => Target::Scratch,
        None => Target::Image(ImageRef::parse(name)),
    }
}
