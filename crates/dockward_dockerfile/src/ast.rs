//! The Dockerfile syntax tree.
//!
//! Every node keeps the byte range of the source text it came from. String values are
//! stored twice where the two differ: `raw` ranges point at the text as written (quotes,
//! escapes, continuations), `value`s hold what BuildKit would see after unquoting.
//! Nothing here is expanded: variable expansion lives in [`crate::semantic`].

use dockward_source::TextRange;

/// A value with the source range it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub range: TextRange,
}

impl<T> Spanned<T> {
    pub fn new(value: T, range: TextRange) -> Self {
        Self { value, range }
    }
}

impl Spanned<String> {
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
    pub comments: Vec<Comment>,
    /// Syntax errors, in source order.
    pub errors: Vec<ParseError>,
    /// Build stages: one per FROM, in order. Instructions before the first FROM (global
    /// ARGs, directives misplaced) belong to no stage.
    pub stages: Vec<Stage>,
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased name: `syntax`, `escape`, `check`.
    pub name: Spanned<String>,
    pub value: Spanned<String>,
    /// The whole comment line.
    pub range: TextRange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// From `#` to the end of the line (without the line terminator).
    pub range: TextRange,
    /// The text after `#`, trimmed of surrounding whitespace.
    pub text: TextRange,
    /// True if the comment sat inside a continued instruction (BuildKit drops these).
    pub inside_instruction: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub range: TextRange,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstructionKind {
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
    /// A word BuildKit does not know. Kept, with a parse error.
    Unknown,
}

impl InstructionKind {
    /// Case-insensitive lookup of an instruction keyword.
    pub fn from_keyword(word: &str) -> Self {
        use InstructionKind::*;
        match word.to_ascii_lowercase().as_str() {
            "add" => Add,
            "arg" => Arg,
            "cmd" => Cmd,
            "copy" => Copy,
            "entrypoint" => Entrypoint,
            "env" => Env,
            "expose" => Expose,
            "from" => From,
            "healthcheck" => Healthcheck,
            "label" => Label,
            "maintainer" => Maintainer,
            "onbuild" => Onbuild,
            "run" => Run,
            "shell" => Shell,
            "stopsignal" => Stopsignal,
            "user" => User,
            "volume" => Volume,
            "workdir" => Workdir,
            _ => Unknown,
        }
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub kind: InstructionKind,
    /// The keyword as written (original case).
    pub keyword: Spanned<String>,
    /// From the keyword to the end of the instruction: continuation lines and heredoc
    /// bodies included, the final line terminator excluded.
    pub range: TextRange,
    /// `--name[=value]` flags before the arguments, in order. Unknown flags are kept.
    pub flags: Vec<Flag>,
    pub args: Args,
    /// Heredocs opened on this instruction, in order.
    pub heredocs: Vec<Heredoc>,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name.value == name)
    }

    pub fn flags_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Flag> + 'a {
        self.flags.iter().filter(move |f| f.name.value == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// `--name=value` as written.
    pub range: TextRange,
    /// The name without the leading `--`, lower-cased.
    pub name: Spanned<String>,
    /// The value after `=`, unquoted; `None` for a bare `--flag`.
    pub value: Option<Spanned<String>>,
}

impl Flag {
    /// Parses the value as BuildKit's CSV `key=value,...` list (as in `--mount`).
    /// Each field's range points into the source.
    pub fn csv_fields(&self) -> Vec<CsvField> {
        let Some(value) = &self.value else { return Vec::new() };
        crate::flags::parse_csv(value)
    }
}

/// One `key[=value]` field of a CSV flag value such as `--mount=type=cache,target=/x`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvField {
    pub key: Spanned<String>,
    pub value: Option<Spanned<String>>,
}

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
    Healthcheck(HealthcheckArgs),
    Onbuild(Box<Instruction>),
    /// No arguments at all (`CMD` alone, a bare `HEALTHCHECK`).
    Empty,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromArgs {
    pub image: Spanned<String>,
    /// The `AS` keyword, when present.
    pub as_keyword: Option<TextRange>,
    /// The stage name as written (original case).
    pub alias: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandArgs {
    /// `["a", "b"]`: JSON strings, decoded. `range` covers the brackets.
    Exec { argv: Vec<Spanned<String>>, range: TextRange },
    Shell(ShellForm),
}

/// Shell-form text. `logical` is the text BuildKit passes to the shell: continuation
/// escapes, newlines, dropped comment and empty lines removed. `map` turns offsets in
/// `logical` back into source offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellForm {
    /// From the first to the last byte of the text in the source.
    pub range: TextRange,
    pub logical: String,
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
    pub pieces: Vec<(u32, u32)>,
}

impl OffsetMap {
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
        let end = if range.is_empty() {
            start
        } else {
            self.to_source(u32::from(range.end()) - 1) + 1
        };
        TextRange::new(start.into(), end.max(start).into())
    }
}

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthcheckArgs {
    /// `HEALTHCHECK NONE`.
    None { keyword: TextRange },
    /// `HEALTHCHECK [flags] CMD ...`; `keyword` is the `CMD` word.
    Cmd { keyword: TextRange, command: CommandArgs },
    /// Anything else after the flags (`CONNECT ...`); kept as text.
    Other(Spanned<String>),
}

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
