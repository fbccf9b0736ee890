use dockward_source::TextRange;

/// A tokenized shell script: its simple commands in source order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<Command>,
    /// True if the script runs `set -o pipefail` (or `set -eo pipefail`, ...) before
    /// its first pipeline.
    pub sets_pipefail: bool,
    /// Problems such as an unterminated quote. The tokenizer still returns every
    /// command it could read.
    pub errors: Vec<(TextRange, String)>,
}

/// One simple command: `[VAR=x ...] argv... [redirects]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// Leading `NAME=value` assignments.
    pub assignments: Vec<Word>,
    /// argv[0] is the program. Keywords such as `if`, `then`, `do`, `!` are not argv:
    /// the command after them is.
    pub argv: Vec<Word>,
    pub redirects: Vec<Redirect>,
    /// From the first to the last word of the command.
    pub range: TextRange,
    /// The operator before this command (`None` for the first one of a script).
    pub preceded_by: Option<Operator>,
    /// The operator after this command.
    pub followed_by: Option<Operator>,
    /// Nesting depth of `( ... )` subshells and `{ ...; }` groups.
    pub depth: u32,
}

impl Command {
    /// argv[0], the program name as written (unquoted).
    pub fn program(&self) -> Option<&str> {
        self.argv.first().map(|w| w.text.as_str())
    }

    /// The program name without a directory (`/usr/bin/apt-get` -> `apt-get`).
    pub fn program_basename(&self) -> Option<&str> {
        self.program().map(|p| p.rsplit('/').next().unwrap_or(p))
    }

    /// Arguments after argv[0].
    pub fn args(&self) -> &[Word] {
        self.argv.get(1..).unwrap_or(&[])
    }

    /// True if this command's output goes into a pipe.
    pub fn pipes_out(&self) -> bool {
        self.followed_by == Some(Operator::Pipe)
    }
}

/// One shell word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word with quotes removed and escapes resolved. Expansions (`$X`, `${X}`,
    /// `$(...)`, backticks) are kept literally.
    pub text: String,
    /// The word as written, in the tokenized text's offsets.
    pub range: TextRange,
    /// True if any part of the word was quoted.
    pub quoted: bool,
    /// True if the word holds an unquoted or double-quoted expansion (`$`, backtick),
    /// so its run-time value is not `text`.
    pub has_expansion: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `&&`
    And,
    /// `||`
    Or,
    /// `;` or a newline
    Sequence,
    /// `|`
    Pipe,
    /// `&` (background)
    Background,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The operator as written: `>`, `>>`, `<`, `2>&1`, `<<EOF`, ...
    pub op: String,
    pub range: TextRange,
    /// The target word (file name, fd, heredoc delimiter).
    pub target: Option<Word>,
}
