pub use compact_str::CompactString;
use dockward_source::TextRange;
pub use thin_vec::ThinVec;

/// A tokenized shell script: its simple commands in source order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<Command>,
    /// True if pipefail is on when the first command with `followed_by == Pipe` runs,
    /// or at the end of the script if no command pipes.
    ///
    /// Pipefail is turned on by a `set` command whose options include `-o pipefail`,
    /// also in combined flags (`-eo pipefail`, `-euxo pipefail`, `-o errexit -o
    /// pipefail`; every `o` takes the next argument as its option name), and off again
    /// by `+o pipefail`. Option parsing stops at `--` or the first argument that does
    /// not start with `-` or `+`. A `set` inside `( ... )` lasts until the `)` (so
    /// it covers pipes later in that subshell only); a `set` that is itself part of a
    /// pipeline does nothing. Conditions are not evaluated, so a `set` inside `if`
    /// counts. Pipefail set by other means (`SHELL`, `bash -o
    /// pipefail -c`) is the caller's business.
    pub sets_pipefail: bool,
    /// Problems such as an unterminated quote. The tokenizer still returns every
    /// command it could read.
    pub errors: Vec<(TextRange, String)>,
}

impl Script {
    /// Applies `f` to every range in the script (commands, words, redirections,
    /// errors), e.g. to turn offsets in a joined RUN text into source offsets.
    pub fn map_ranges(&mut self, mut f: impl FnMut(TextRange) -> TextRange) {
        for cmd in &mut self.commands {
            cmd.range = f(cmd.range);
            for word in cmd.assignments.iter_mut().chain(cmd.argv.iter_mut()) {
                word.range = f(word.range);
            }
            for redirect in &mut cmd.redirects {
                redirect.range = f(redirect.range);
                if let Some(target) = &mut redirect.target {
                    target.range = f(target.range);
                }
            }
        }
        for (range, _) in &mut self.errors {
            *range = f(*range);
        }
    }
}

/// One simple command: `[VAR=x ...] argv... [redirects]`.
///
/// Its lists are [`ThinVec`]s (one pointer each; an empty one allocates nothing): a
/// RUN-heavy Dockerfile keeps every command of every RUN while its rules run, and the
/// command shrinks from 88 to 40 bytes (issue 19 #5). They deref to slices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// Leading `NAME=value` assignments.
    pub assignments: ThinVec<Word>,
    /// argv[0] is the program. Keywords such as `if`, `then`, `do`, `!` are not argv:
    /// the command after them is.
    pub argv: ThinVec<Word>,
    pub redirects: ThinVec<Redirect>,
    /// From the first to the last word of the command, assignments and redirections
    /// (with their targets) included; keywords before it (`then`, `!`) excluded.
    pub range: TextRange,
    /// The operator before this command (`None` for the first one of a script).
    pub preceded_by: Option<Operator>,
    /// The operator after this command. A command that ends at `)` takes the first
    /// operator after the parenthesis (`(a) | b`: `a` pipes).
    pub followed_by: Option<Operator>,
    /// Nesting depth of `( ... )` subshells and `{ ...; }` groups. `if`, loops and
    /// `case` do not add depth.
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
    /// `$(...)`, backticks) are kept literally. A [`CompactString`]: a word of up to 24
    /// bytes needs no heap block (a RUN-heavy Dockerfile keeps every word of every RUN,
    /// issue 19 #5); it derefs to `str` and compares with `&str` and `String`.
    pub text: CompactString,
    /// The word as written, in the tokenized text's offsets.
    pub range: TextRange,
    /// True if any part of the word was quoted.
    pub quoted: bool,
    /// True if the word holds an unquoted or double-quoted expansion (`$`, backtick),
    /// so its run-time value is not `text`.
    pub has_expansion: bool,
}

impl Word {
    /// Splits `NAME=value` (or `NAME+=value`) into `("NAME", "value")`. Only checks
    /// `text`, so it also splits arguments such as the `A=b` of `export A=b`.
    pub fn as_assignment(&self) -> Option<(&str, &str)> {
        let bytes = self.text.as_bytes();
        let first = *bytes.first()?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        let eq = self.text.find('=')?;
        let name = self.text[..eq].strip_suffix('+').unwrap_or(&self.text[..eq]);
        if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return None;
        }
        Some((name, &self.text[eq + 1..]))
    }
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

/// A redirection. `2>&1` is `op` `2>&` with target `1`; `<<'EOF'` is `op` `<<` with
/// target `EOF` (quoted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The operator as written, with its fd number and without the target: `>`, `>>`,
    /// `<`, `2>`, `2>&`, `>&`, `&>`, `&>>`, `<>`, `>|`, `<<`, `<<-`, `<<<`.
    pub op: String,
    /// From the operator to the end of the target.
    pub range: TextRange,
    /// The target word (file name, fd, heredoc delimiter). `None` only when missing,
    /// which is also reported in [`Script::errors`].
    pub target: Option<Word>,
}

impl Redirect {
    /// The file descriptor redirected: the explicit number (`2>`), else 0 for input
    /// operators and 1 for output ones. `None` for `&>` / `&>>` (both 1 and 2) or an
    /// fd number too large to be one.
    pub fn fd(&self) -> Option<u32> {
        let digits = self.op.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            return self.op[..digits].parse().ok();
        }
        match self.op.as_bytes().first() {
            Some(b'<') => Some(0),
            Some(b'>') => Some(1),
            _ => None,
        }
    }

    /// `<<` or `<<-` (the target is the delimiter).
    pub fn is_heredoc(&self) -> bool {
        let op = self.op.trim_start_matches(|c: char| c.is_ascii_digit());
        op == "<<" || op == "<<-"
    }

    /// `<<<word`.
    pub fn is_herestring(&self) -> bool {
        self.op.trim_start_matches(|c: char| c.is_ascii_digit()) == "<<<"
    }

    /// `>&`, `2>&`, `<&`: the target names a file descriptor (or `-` to close).
    pub fn duplicates_fd(&self) -> bool {
        self.op.ends_with('&') && !self.op.starts_with('&')
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn commands_and_words_stay_small() {
        // Every command and word of every RUN is held while a Dockerfile's rules run
        // (issue 19 #5): a 10 MB Dockerfile of one-line RUNs has about a million words.
        assert!(std::mem::size_of::<super::Command>() <= 40, "{}", std::mem::size_of::<super::Command>());
        assert!(std::mem::size_of::<super::Word>() <= 40, "{}", std::mem::size_of::<super::Word>());
    }
}
