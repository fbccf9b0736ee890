//! The Dockerfile syntax tree.
//!
//! Every node keeps the byte range of the source text it came from. String values are
//! stored twice where the two differ: `raw` ranges point at the text as written (quotes,
//! escapes, continuations), `value`s hold what BuildKit would see after unquoting.
//! Nothing here is expanded: variable expansion lives in [`crate::semantic`].

use std::borrow::Cow;

use dockward_source::{LineIndex, TextRange};

/// A value with the source range it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    /// The value (unquoted where the grammar unquotes).
    pub value: T,
    /// Where it was written.
    pub range: TextRange,
}

impl<T> Spanned<T> {
    /// A value read from `range`.
    pub fn new(value: T, range: TextRange) -> Self {
        Self { value, range }
    }
}

impl Spanned<String> {
    /// The value as a `&str`.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// A parsed Dockerfile. Parsing never fails: problems are collected in `errors` and
/// parsing goes on with the next instruction.
#[derive(Debug, Clone, Default)]
pub struct Dockerfile {
    /// Parser directives at the top of the file (`# syntax=`, `# escape=`, `# check=`).
    pub directives: Vec<Directive>,
    /// The escape character in force (`\` or `` ` ``).
    pub escape: char,
    /// Top-level instructions in source order.
    pub instructions: Vec<Instruction>,
    /// Every comment line, including those dropped from inside continued instructions.
    /// Parser directives are in `directives`, not here; lines of heredoc bodies are
    /// body text, not comments.
    pub comments: Vec<Comment>,
    /// Syntax errors, in source order.
    pub errors: Vec<ParseError>,
    /// Build stages: one per FROM, in order. Instructions before the first FROM (global
    /// ARGs, directives misplaced) belong to no stage.
    pub stages: Vec<Stage>,
    /// Whitespace-only lines inside a continued instruction. BuildKit skips them with
    /// a warning (its `NoEmptyContinuation` check), saying they will become errors.
    pub empty_continuation_lines: Vec<TextRange>,
    /// The text that was parsed (BOM included: every range points into it). Kept so
    /// that semantic analysis ([`crate::semantic::Model`]) can read raw values.
    pub source: std::sync::Arc<str>,
}

impl Dockerfile {
    /// The instructions of `stage`.
    pub fn stage_instructions(&self, stage: &Stage) -> &[Instruction] {
        &self.instructions[stage.instructions.clone()]
    }

    /// The final stage (the image `docker build` produces without `--target`).
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The stage that instruction `index` (into [`Self::instructions`]) belongs to.
    pub fn stage_of(&self, index: usize) -> Option<&Stage> {
        let i = self.stages.partition_point(|s| s.instructions.end <= index);
        self.stages.get(i).filter(|s| s.instructions.contains(&index))
    }

    /// The source text of `range` as written (empty if out of bounds).
    pub fn slice(&self, range: TextRange) -> &str {
        self.source.get(std::ops::Range::<usize>::from(range)).unwrap_or("")
    }

    /// The text of `range` as BuildKit sees it: continuation lines joined, comment
    /// and blank lines inside dropped.
    pub fn logical_text(&self, range: TextRange) -> Cow<'_, str> {
        crate::lines::logical_text(&self.source, range, self.escape)
    }

    /// The directive named `name` (lower-case: `syntax`, `escape`, `check`).
    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name.value == name)
    }
}

/// A parser directive (`# syntax=...`) at the top of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased name: `syntax`, `escape`, `check`.
    pub name: Spanned<String>,
    /// The value, trimmed.
    pub value: Spanned<String>,
    /// The whole comment line.
    pub range: TextRange,
}

/// A comment line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// From `#` to the end of the line (without the line terminator).
    pub range: TextRange,
    /// The text after `#`, trimmed of surrounding whitespace.
    pub text: TextRange,
    /// True if the comment sat inside a continued instruction (BuildKit drops these).
    pub inside_instruction: bool,
}

/// A syntax error, located as narrowly as possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The narrowest range the error is about.
    pub range: TextRange,
    /// What is wrong, worded like BuildKit where BuildKit has a message.
    pub message: String,
}

/// One build stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// 0-based stage index (what `COPY --from=0` refers to).
    pub index: usize,
    /// Indexes into [`Dockerfile::instructions`]; the first one is the FROM.
    pub instructions: std::ops::Range<usize>,
    /// `AS name`, lower-cased as BuildKit compares it, with the source range.
    pub name: Option<Spanned<String>>,
}

/// The instruction keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstructionKind {
    /// `ADD`.
    Add,
    /// `ARG`.
    Arg,
    /// `CMD`.
    Cmd,
    /// `COPY`.
    Copy,
    /// `ENTRYPOINT`.
    Entrypoint,
    /// `ENV`.
    Env,
    /// `EXPOSE`.
    Expose,
    /// `FROM`.
    From,
    /// `HEALTHCHECK`.
    Healthcheck,
    /// `LABEL`.
    Label,
    /// `MAINTAINER`.
    Maintainer,
    /// `ONBUILD`.
    Onbuild,
    /// `RUN`.
    Run,
    /// `SHELL`.
    Shell,
    /// `STOPSIGNAL`.
    Stopsignal,
    /// `USER`.
    User,
    /// `VOLUME`.
    Volume,
    /// `WORKDIR`.
    Workdir,
    /// A word BuildKit does not know. Kept, with a parse error.
    /// `UNKNOWN`.
    Unknown,
}

impl InstructionKind {
    /// Case-insensitive lookup of an instruction keyword.
    pub fn from_keyword(word: &str) -> Self {
        use InstructionKind::*;
        // Compared without allocating: this runs once per instruction.
        const ALL: [InstructionKind; 18] = [
            Add,
            Arg,
            Cmd,
            Copy,
            Entrypoint,
            Env,
            Expose,
            From,
            Healthcheck,
            Label,
            Maintainer,
            Onbuild,
            Run,
            Shell,
            Stopsignal,
            User,
            Volume,
            Workdir,
        ];
        ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(word)).unwrap_or(Unknown)
    }

    /// Upper-case canonical keyword.
    pub fn as_str(self) -> &'static str {
        use InstructionKind::*;
        match self {
            Add => "ADD",
            Arg => "ARG",
            Cmd => "CMD",
            Copy => "COPY",
            Entrypoint => "ENTRYPOINT",
            Env => "ENV",
            Expose => "EXPOSE",
            From => "FROM",
            Healthcheck => "HEALTHCHECK",
            Label => "LABEL",
            Maintainer => "MAINTAINER",
            Onbuild => "ONBUILD",
            Run => "RUN",
            Shell => "SHELL",
            Stopsignal => "STOPSIGNAL",
            User => "USER",
            Volume => "VOLUME",
            Workdir => "WORKDIR",
            Unknown => "UNKNOWN",
        }
    }
}

/// One instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Which instruction this is.
    pub kind: InstructionKind,
    /// The keyword as written (original case).
    pub keyword: Spanned<String>,
    /// From the keyword to the end of the instruction: continuation lines and heredoc
    /// bodies included, the final line terminator excluded.
    pub range: TextRange,
    /// `--name[=value]` flags before the arguments, in order. Unknown flags are kept.
    pub flags: Vec<Flag>,
    /// The arguments after the flags.
    pub args: Args,
    /// Heredocs opened on this instruction, in order.
    pub heredocs: Vec<Heredoc>,
}

impl Instruction {
    /// The first flag named `name` (lower-case, without `--`).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name.value == name)
    }

    /// Every flag named `name` (`--mount` may be repeated).
    pub fn flags_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Flag> + 'a {
        self.flags.iter().filter(move |f| f.name.value == name)
    }

    /// 1-based first and last line, as BuildKit's `StartLine`/`EndLine`: the last line
    /// includes continuation lines and heredoc terminators.
    pub fn line_span(&self, index: &LineIndex) -> (u32, u32) {
        (index.line_of(self.range.start()), index.line_of(self.range.end()))
    }

    /// The command arguments of RUN, CMD, ENTRYPOINT and SHELL.
    pub fn command(&self) -> Option<&CommandArgs> {
        match &self.args {
            Args::Command(c) => Some(c),
            _ => None,
        }
    }

    /// The shell form of RUN, CMD, ENTRYPOINT (or SHELL), if written that way.
    pub fn shell_form(&self) -> Option<&ShellForm> {
        match self.command() {
            Some(CommandArgs::Shell(s)) => Some(s),
            _ => None,
        }
    }

    /// True if the arguments were written as a JSON array (exec form, or COPY/ADD/VOLUME
    /// JSON form).
    pub fn is_json(&self) -> bool {
        match &self.args {
            Args::Command(CommandArgs::Exec { .. }) => true,
            Args::Paths(p) => p.json,
            Args::Healthcheck(HealthcheckArgs::Cmd { command: CommandArgs::Exec { .. }, .. }) => true,
            _ => false,
        }
    }

    /// The ONBUILD trigger instruction.
    pub fn onbuild_inner(&self) -> Option<&Instruction> {
        match &self.args {
            Args::Onbuild(i) => Some(i),
            _ => None,
        }
    }
}

/// A `--name[=value]` flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// `--name=value` as written.
    pub range: TextRange,
    /// The name without the leading `--`, lower-cased.
    pub name: Spanned<String>,
    /// The value after `=`, unquoted; `None` for a bare `--flag`. The range is the
    /// value as written.
    pub value: Option<Spanned<String>>,
    /// Maps offsets in the unquoted value to source offsets when the value is not
    /// written verbatim (quotes, escapes or a line continuation inside it). Empty
    /// when `value.range.start() + offset` is the source offset.
    pub value_map: OffsetMap,
}

impl Flag {
    /// Parses the value as BuildKit's CSV `key=value,...` list (as in `--mount`).
    /// Each field's range points into the source.
    pub fn csv_fields(&self) -> Vec<CsvField> {
        let Some(value) = &self.value else { return Vec::new() };
        crate::flags::parse_csv(value, &self.value_map)
    }

    /// The value, or `""` for a bare flag.
    pub fn value_str(&self) -> &str {
        self.value.as_ref().map_or("", |v| v.value.as_str())
    }

    /// The source range of `value[start..end]` (offsets in the unquoted value).
    pub fn value_subrange(&self, start: usize, end: usize) -> Option<TextRange> {
        let value = self.value.as_ref()?;
        let r = TextRange::new((start as u32).into(), (end.max(start) as u32).into());
        Some(if self.value_map.pieces.is_empty() { r + value.range.start() } else { self.value_map.range_to_source(r) })
    }
}

/// One `key[=value]` field of a CSV flag value such as `--mount=type=cache,target=/x`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvField {
    /// The key, lower-cased.
    pub key: Spanned<String>,
    /// The text after the first `=`; `None` for a bare key (`readonly`).
    pub value: Option<Spanned<String>>,
}

/// The arguments of an instruction, by grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Args {
    /// `FROM [--platform=..] image [AS name]`.
    From(FromArgs),
    /// RUN, CMD, ENTRYPOINT, SHELL: exec (JSON) or shell form.
    Command(CommandArgs),
    /// COPY, ADD (sources then destination, last), VOLUME.
    Paths(PathArgs),
    /// ENV, LABEL, ARG.
    KeyValues(Vec<KeyValue>),
    /// EXPOSE: whitespace-separated words.
    Words(Vec<Spanned<String>>),
    /// USER, WORKDIR, MAINTAINER, STOPSIGNAL and unknown instructions: the rest of the
    /// line (continuations joined).
    Text(Spanned<String>),
    /// HEALTHCHECK with a type word (`NONE`, `CMD`, ...).
    Healthcheck(HealthcheckArgs),
    /// ONBUILD: the trigger instruction, with its own spans (and its heredocs).
    Onbuild(Box<Instruction>),
    /// No arguments at all (`CMD` alone, a bare `HEALTHCHECK`).
    Empty,
}

/// `FROM image [AS name]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromArgs {
    /// The image word, unquoted (not expanded); the range is the word as written.
    pub image: Spanned<String>,
    /// The `AS` keyword, when present.
    pub as_keyword: Option<TextRange>,
    /// The stage name as written (original case).
    pub alias: Option<Spanned<String>>,
}

/// Exec form or shell form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandArgs {
    /// `["a", "b"]`: JSON strings, decoded. `range` covers the brackets.
    /// Each element's range covers its quotes.
    Exec {
        /// The decoded strings.
        argv: Vec<Spanned<String>>,
        /// From `[` to `]`.
        range: TextRange,
    },
    /// Anything that is not a JSON array of strings.
    Shell(ShellForm),
}

/// Shell-form text. `logical` is the text BuildKit passes to the shell: continuation
/// escapes, newlines, dropped comment and empty lines removed. `map` turns offsets in
/// `logical` back into source offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellForm {
    /// From the first to the last byte of the text in the source.
    pub range: TextRange,
    /// The joined text, as BuildKit hands it to the shell.
    pub logical: String,
    /// Logical offsets to source offsets.
    pub map: OffsetMap,
    /// The shell commands of this text and of any heredoc that the shell runs as a
    /// script (`RUN <<EOF`, `RUN bash <<EOF`), every span mapped to the source. Filled
    /// for RUN; empty for CMD/ENTRYPOINT (they run in a later container).
    pub script: dockward_shell::Script,
}

/// Maps offsets in a logical (joined) string back to the source. A list of
/// `(logical_start, source_start)` pieces: each piece is a run of bytes copied
/// unchanged from the source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// `(logical_start, source_start)` per run, sorted.
    pub pieces: Vec<(u32, u32)>,
}

impl OffsetMap {
    /// A map for text copied unchanged from `source_start`.
    pub fn identity(source_start: u32) -> Self {
        Self { pieces: vec![(0, source_start)] }
    }

    /// The source offset of logical offset `at`.
    pub fn to_source(&self, at: u32) -> u32 {
        let idx = match self.pieces.binary_search_by_key(&at, |p| p.0) {
            Ok(i) => i,
            Err(0) => return at,
            Err(i) => i - 1,
        };
        let (l, s) = self.pieces[idx];
        s + (at - l)
    }

    /// The source range of a logical range. The end maps as "just after the last
    /// byte", so a range never swallows a removed continuation.
    pub fn range_to_source(&self, range: TextRange) -> TextRange {
        let start = self.to_source(range.start().into());
        let end = if range.is_empty() { start } else { self.to_source(u32::from(range.end()) - 1) + 1 };
        TextRange::new(start.into(), end.max(start).into())
    }
}

/// COPY/ADD/VOLUME paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathArgs {
    /// True for the JSON array form.
    pub json: bool,
    /// Every path in order, unquoted. For COPY/ADD the last one is the destination.
    pub paths: Vec<Spanned<String>>,
}

impl PathArgs {
    /// COPY/ADD: sources (all but the last path).
    pub fn sources(&self) -> &[Spanned<String>] {
        match self.paths.split_last() {
            Some((_, rest)) => rest,
            None => &[],
        }
    }

    /// COPY/ADD: the destination (the last path).
    pub fn destination(&self) -> Option<&Spanned<String>> {
        self.paths.last()
    }
}

/// One `key=value` pair of ENV, LABEL or ARG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    /// The key, unquoted; the range is the key as written.
    pub key: Spanned<String>,
    /// The value unquoted and unescaped (not expanded); `None` for `ARG name`.
    pub value: Option<Spanned<String>>,
    /// The value as written (quotes included), for BuildKit-exact dumps.
    pub raw_value: Option<TextRange>,
    /// The whole pair.
    pub range: TextRange,
    /// True for the legacy `ENV key value` form (no `=`).
    pub legacy: bool,
}

/// HEALTHCHECK arguments after the flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthcheckArgs {
    /// `HEALTHCHECK NONE`.
    None {
        /// The `NONE` word.
        keyword: TextRange,
    },
    /// `HEALTHCHECK [flags] CMD ...`; `keyword` is the `CMD` word. A `CMD` with
    /// nothing after it has an empty shell form.
    Cmd {
        /// The `CMD` word.
        keyword: TextRange,
        /// What follows `CMD`.
        command: CommandArgs,
    },
    /// Anything else after the flags (`CONNECT ...`); kept as text.
    Other(Spanned<String>),
}

/// A heredoc: `<<EOF` on the instruction line and its body on the following lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The `<<EOF` / `<<-"EOF"` word on the instruction line.
    pub marker: TextRange,
    /// The delimiter without quotes.
    pub delimiter: String,
    /// `<<-`: leading tabs are stripped from the body.
    pub strip_tabs: bool,
    /// False if the delimiter was quoted (no expansion in the body).
    pub expand: bool,
    /// The body: from the line after the instruction line to the end of the line
    /// before the terminator (line terminator included).
    pub body: TextRange,
    /// The terminator line; `None` if the heredoc is unterminated (a parse error).
    pub terminator: Option<TextRange>,
    /// For COPY/ADD: the destination-side file descriptor number (`0<<EOF`) if given.
    pub fd: Option<u32>,
}

impl Heredoc {
    /// The body text as BuildKit passes it on: for `<<-`, leading tabs are removed
    /// from every line.
    pub fn content<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let body = text.get(std::ops::Range::<usize>::from(self.body)).unwrap_or("");
        if !self.strip_tabs || !body.contains('\t') {
            return Cow::Borrowed(body);
        }
        let mut out = String::with_capacity(body.len());
        for line in body.split_inclusive('\n') {
            out.push_str(line.trim_start_matches('\t'));
        }
        Cow::Owned(out)
    }
}
