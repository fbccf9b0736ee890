//! Groups tokens into simple commands.
//!
//! Compound commands are not built into a tree: keywords are skipped where a command
//! may start, and only the nesting that rules care about (subshells and groups, for
//! [`Command::depth`]) is tracked, on an explicit stack so that deep input cannot
//! overflow the call stack.

use dockward_source::TextRange;

use crate::lexer::{self, Lexer, Op, RedirOp, Tok, MAX_NESTING};
use crate::script::{Command, Operator, Redirect, Script, Word};

/// Tokenizes `text` (the logical shell text of a RUN, or a heredoc body). Never panics,
/// never fails; problems go to [`Script::errors`]. Every range is a byte range into
/// `text`.
///
/// The shell escape character is always `\`: a Dockerfile `# escape=` directive only
/// applies before the text reaches the shell, so there is no escape-aware variant.
///
/// Heredoc bodies: after a newline, the bodies of the heredocs opened on the line
/// before are skipped up to their terminator line. A heredoc operator with no newline
/// after it is not an error, because a Dockerfile parser passes RUN text without the
/// bodies it handles itself.
///
/// ```
/// use dockward_shell::{tokenize, Operator};
///
/// let text = r#"if [ -f /x ]; then FOO=1 apk add --no-cache "$PKG" 2>&1; fi"#;
/// let script = tokenize(text);
/// let apk = &script.commands[1];
/// assert_eq!(apk.program(), Some("apk"));
/// assert_eq!(apk.args()[2].text, "$PKG");
/// assert!(apk.args()[2].has_expansion);
/// assert_eq!(&text[apk.args()[2].range], "\"$PKG\"");
/// assert_eq!(apk.assignments[0].text, "FOO=1");
/// assert_eq!(apk.redirects[0].op, "2>&");
/// assert_eq!(apk.preceded_by, Some(Operator::Sequence));
/// ```
pub fn tokenize(text: &str) -> Script {
    if u32::try_from(text.len()).is_err() {
        return Script {
            errors: vec![(TextRange::default(), "input larger than 4 GiB is not tokenized".into())],
            ..Script::default()
        };
    }
    Parser::new(text).run()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Subshell,
    Group,
    Case,
}

struct Frame {
    kind: FrameKind,
    open: TextRange,
    /// For a subshell: pipefail outside it, restored when it closes.
    saved_pipefail: bool,
}

/// What the next token means when it is not part of an ordinary command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Normal,
    /// After `for` / `select`: the loop variable or `((...))`.
    ForName,
    /// After the loop variable: `in`, `do`, `;` or a newline.
    ForIn,
    /// The word list after `in`.
    ForWords,
    /// After `case`: the subject word.
    CaseSubject,
    /// After the subject: `in`.
    CaseIn,
    /// Between arms: patterns up to `)`, or `esac`.
    CasePattern,
    /// After `function`: the name.
    FuncName,
    /// After `function name`: optional `()`.
    FuncParens,
    FuncParensClose,
}

/// The simple command being read.
#[derive(Default)]
struct Partial {
    assignments: Vec<Word>,
    argv: Vec<Word>,
    redirects: Vec<Redirect>,
    range: Option<TextRange>,
}

impl Partial {
    fn is_empty(&self) -> bool {
        self.range.is_none()
    }

    fn extend(&mut self, range: TextRange) {
        self.range = Some(self.range.map_or(range, |r| r.cover(range)));
    }
}

struct Parser<'a> {
    text: &'a str,
    lx: Lexer<'a>,
    pushback: Option<Tok>,
    commands: Vec<Command>,
    /// Pipefail as set by the `set` commands read so far in the current shell.
    pipefail: bool,
    /// Pipefail when the first command with `followed_by == Pipe` ran.
    pipefail_at_first_pipe: Option<bool>,
    /// `pipefail` when `awaiting_op` ran, in case the operator it takes is a pipe.
    awaiting_pipefail: bool,
    cur: Partial,
    frames: Vec<Frame>,
    /// Subshell and group frames (the public `depth`).
    depth: u32,
    state: State,
    /// The operator that the next command is preceded by.
    pending_op: Option<Operator>,
    /// A command that ended without an operator (at `)`): it takes the next one.
    awaiting_op: Option<usize>,
    /// Just after `fi`, `done`, `esac`, `}`, `)` or `((...))`: redirections here belong
    /// to that compound command, not to a new simple command.
    after_compound: bool,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            lx: Lexer::new(text),
            pushback: None,
            commands: Vec::new(),
            cur: Partial::default(),
            frames: Vec::new(),
            pipefail: false,
            pipefail_at_first_pipe: None,
            awaiting_pipefail: false,
            depth: 0,
            state: State::Normal,
            pending_op: None,
            awaiting_op: None,
            after_compound: false,
        }
    }

    fn next(&mut self, arith_ok: bool) -> Tok {
        self.pushback.take().unwrap_or_else(|| self.lx.next_token(arith_ok))
    }

    fn run(mut self) -> Script {
        loop {
            let arith_ok = (self.state == State::Normal && self.cur.is_empty()) || self.state == State::ForName;
            let tok = self.next(arith_ok);
            if matches!(tok, Tok::Eof) {
                break;
            }
            self.step(tok);
        }
        self.finish(None);
        if !self.lx.fatal {
            for frame in std::mem::take(&mut self.frames) {
                let msg = match frame.kind {
                    FrameKind::Subshell => "`(` is never closed",
                    FrameKind::Group => "`{` is never closed",
                    FrameKind::Case => "`case` without `esac`",
                };
                self.lx.error(frame.open, msg);
            }
        }
        let sets_pipefail = self.pipefail_at_first_pipe.unwrap_or(self.pipefail);
        let mut errors = self.lx.errors;
        errors.sort_by_key(|(range, _)| range.start());
        let mut commands = self.commands;
        commands.shrink_to_fit();
        Script { commands, sets_pipefail, errors }
    }

    fn step(&mut self, tok: Tok) {
        match self.state {
            State::Normal => self.normal(tok),
            State::ForName => match tok {
                Tok::Word(_) | Tok::Arith => self.state = State::ForIn,
                other => self.resume(other),
            },
            State::ForIn => match tok {
                Tok::Word(w) if is_plain(&w, "in") => self.state = State::ForWords,
                Tok::Word(w) if is_plain(&w, "do") => self.state = State::Normal,
                // The header's separator is not an operator between commands.
                Tok::Op(Op::Semi | Op::Newline, _) => self.state = State::Normal,
                other => self.resume(other),
            },
            State::ForWords => match tok {
                Tok::Word(_) => {}
                Tok::Op(Op::Semi | Op::Newline, _) => self.state = State::Normal,
                other => self.resume(other),
            },
            State::CaseSubject => match tok {
                Tok::Word(_) => self.state = State::CaseIn,
                Tok::Op(Op::Newline, _) => {}
                other => self.resume(other),
            },
            State::CaseIn => match tok {
                Tok::Word(w) if is_plain(&w, "in") => {
                    if self.push_frame(FrameKind::Case, w.range) {
                        self.state = State::CasePattern;
                    }
                }
                Tok::Op(Op::Newline, _) => {}
                other => self.resume(other),
            },
            State::CasePattern => match tok {
                Tok::Word(w) if is_plain(&w, "esac") => {
                    self.pop_to(FrameKind::Case);
                    self.after_compound = true;
                    self.state = State::Normal;
                }
                Tok::Op(Op::RParen, _) => self.state = State::Normal,
                // Patterns, `|` between them, the optional `(` before them, blank lines.
                _ => {}
            },
            State::FuncName => match tok {
                Tok::Word(_) => self.state = State::FuncParens,
                other => self.resume(other),
            },
            State::FuncParens => match tok {
                Tok::Op(Op::LParen, _) => self.state = State::FuncParensClose,
                other => self.resume(other),
            },
            State::FuncParensClose => match tok {
                Tok::Op(Op::RParen, _) => self.state = State::Normal,
                other => self.resume(other),
            },
        }
    }

    /// Leaves a header state on a token it does not expect, reading that token as the
    /// start of a command.
    fn resume(&mut self, tok: Tok) {
        self.state = State::Normal;
        self.normal(tok);
    }

    fn normal(&mut self, tok: Tok) {
        match tok {
            Tok::Eof => {}
            Tok::Word(w) => self.word(w),
            Tok::Redir(op) => self.redirect(op),
            Tok::Arith => self.after_compound = true,
            Tok::Op(op, range) => match op {
                Op::Newline => self.newline(),
                Op::And => self.operator(Operator::And),
                Op::Or => self.operator(Operator::Or),
                Op::Semi => self.operator(Operator::Sequence),
                Op::Pipe => self.operator(Operator::Pipe),
                Op::Amp => self.operator(Operator::Background),
                Op::CaseBreak => {
                    self.operator(Operator::Sequence);
                    if self.frames.last().is_some_and(|f| f.kind == FrameKind::Case) {
                        self.state = State::CasePattern;
                    } else {
                        self.lx.error(range, "`;;` outside a `case` arm");
                    }
                }
                Op::LParen => self.lparen(range),
                Op::RParen => self.rparen(range),
            },
        }
    }

    fn word(&mut self, w: Word) {
        if self.cur.is_empty() && !w.quoted && !w.has_expansion {
            match w.text.as_str() {
                "if" | "then" | "else" | "elif" | "do" | "while" | "until" | "!" => {
                    self.after_compound = false;
                    return;
                }
                "fi" | "done" => {
                    self.after_compound = true;
                    return;
                }
                "esac" => {
                    // Reached when an arm's last command has no `;;`.
                    self.pop_to(FrameKind::Case);
                    self.after_compound = true;
                    return;
                }
                "for" | "select" => {
                    self.state = State::ForName;
                    return;
                }
                "case" => {
                    self.state = State::CaseSubject;
                    return;
                }
                "function" => {
                    self.state = State::FuncName;
                    return;
                }
                "{" => {
                    self.push_frame(FrameKind::Group, w.range);
                    self.after_compound = false;
                    return;
                }
                "}" => {
                    if self.frames.iter().any(|f| f.kind == FrameKind::Group) {
                        self.pop_to(FrameKind::Group);
                        self.after_compound = true;
                    } else {
                        self.lx.error(w.range, "unexpected `}`");
                    }
                    return;
                }
                _ => {}
            }
        }
        self.after_compound = false;
        self.cur.extend(w.range);
        if self.cur.argv.is_empty() {
            let raw = self.text[w.range].as_bytes();
            if lexer::assignment_prefix(raw).is_some() {
                self.cur.assignments.push(w);
                return;
            }
            if is_plain(&w, "[[") {
                self.lx.test_mode = true;
            }
        } else if self.lx.test_mode && is_plain(&w, "]]") && self.cur.argv.first().is_some_and(|a| is_plain(a, "[[")) {
            self.lx.test_mode = false;
        }
        self.cur.argv.push(w);
    }

    fn redirect(&mut self, op: RedirOp) {
        let op_text = &self.text[op.range];
        let target = match self.next(false) {
            Tok::Word(w) => Some(w),
            other => {
                self.lx.error(op.range, format!("`{op_text}` has no target"));
                self.pushback = Some(other);
                None
            }
        };
        if let (Some(strip_tabs), Some(t)) = (op.heredoc, &target) {
            self.lx.push_heredoc(&t.text, strip_tabs, op.range);
        }
        let range = target.as_ref().map_or(op.range, |t| op.range.cover(t.range));
        let redirect = Redirect { op: op_text.to_string(), range, target };
        if self.cur.is_empty() && self.after_compound {
            // `done < file`, `} > out`: applies to the compound command, which is not a
            // `Command` of its own.
            return;
        }
        self.cur.extend(range);
        self.cur.redirects.push(redirect);
    }

    fn newline(&mut self) {
        let after_compound = std::mem::take(&mut self.after_compound);
        if !self.cur.is_empty() {
            self.finish(Some(Operator::Sequence));
            self.pending_op = Some(Operator::Sequence);
        } else if let Some(i) = self.awaiting_op.take() {
            self.commands[i].followed_by = Some(Operator::Sequence);
            self.pending_op = Some(Operator::Sequence);
        } else if after_compound {
            self.pending_op.get_or_insert(Operator::Sequence);
        }
        // Otherwise the newline only continues a list (`a &&` newline `b`) or is blank.
    }

    fn operator(&mut self, op: Operator) {
        // `(( x )) && a`: `a` is preceded by `&&` though no `Command` came before.
        let follows_something = std::mem::take(&mut self.after_compound) || !self.cur.is_empty();
        if !self.cur.is_empty() {
            self.finish(Some(op));
        } else if let Some(i) = self.awaiting_op.take() {
            self.commands[i].followed_by = Some(op);
            if op == Operator::Pipe {
                self.pipefail_at_first_pipe.get_or_insert(self.awaiting_pipefail);
            }
        }
        if follows_something || !self.commands.is_empty() {
            self.pending_op = Some(op);
        }
    }

    fn lparen(&mut self, range: TextRange) {
        if self.cur.is_empty() {
            self.push_frame(FrameKind::Subshell, range);
            return;
        }
        let is_function_name = self.cur.argv.len() == 1
            && self.cur.assignments.is_empty()
            && self.cur.redirects.is_empty()
            && !self.cur.argv[0].quoted
            && !self.cur.argv[0].has_expansion;
        if is_function_name {
            let next = self.next(false);
            if let Tok::Op(Op::RParen, _) = next {
                // `name() body`: the name is not a command; the body's commands are.
                self.cur = Partial::default();
                return;
            }
            self.pushback = Some(next);
        }
        self.lx.error(range, "unexpected `(`");
        self.finish(None);
        self.push_frame(FrameKind::Subshell, range);
    }

    fn rparen(&mut self, range: TextRange) {
        self.finish(None);
        if self.frames.iter().any(|f| f.kind == FrameKind::Subshell) {
            self.pop_to(FrameKind::Subshell);
            self.after_compound = true;
        } else {
            self.lx.error(range, "unexpected `)`");
        }
    }

    /// Returns false (and stops tokenizing) past [`MAX_NESTING`].
    fn push_frame(&mut self, kind: FrameKind, open: TextRange) -> bool {
        if self.frames.len() >= MAX_NESTING {
            self.lx.too_deep(open);
            return false;
        }
        if kind != FrameKind::Case {
            self.depth += 1;
        }
        self.frames.push(Frame { kind, open, saved_pipefail: self.pipefail });
        true
    }

    /// Pops frames up to and including the innermost one of `kind`, if any.
    fn pop_to(&mut self, kind: FrameKind) {
        if !self.frames.iter().any(|f| f.kind == kind) {
            return;
        }
        while let Some(frame) = self.frames.pop() {
            match frame.kind {
                FrameKind::Subshell => {
                    self.depth -= 1;
                    self.pipefail = frame.saved_pipefail;
                }
                FrameKind::Group => self.depth -= 1,
                FrameKind::Case => {}
            }
            if frame.kind == kind {
                return;
            }
        }
    }

    fn finish(&mut self, followed_by: Option<Operator>) {
        self.lx.test_mode = false;
        let Some(range) = self.cur.range else { return };
        let partial = std::mem::take(&mut self.cur);
        // A RUN-heavy Dockerfile keeps every command of every RUN until its rules have
        // run: the lists are copied into thin vectors of their length (issue 19 #5).
        let cmd = Command {
            assignments: partial.assignments.into_iter().collect(),
            argv: partial.argv.into_iter().collect(),
            redirects: partial.redirects.into_iter().collect(),
            range,
            preceded_by: self.pending_op.take(),
            followed_by,
            depth: self.depth,
        };
        // A pipeline element runs in a subshell of its own, so its `set` does not last.
        let in_pipeline = cmd.pipes_out() || cmd.preceded_by == Some(Operator::Pipe);
        if !in_pipeline && cmd.program() == Some("set") {
            if let Some(value) = set_pipefail_option(cmd.args()) {
                self.pipefail = value;
            }
        }
        if cmd.pipes_out() {
            self.pipefail_at_first_pipe.get_or_insert(self.pipefail);
        }
        self.commands.push(cmd);
        self.awaiting_op = followed_by.is_none().then(|| self.commands.len() - 1);
        self.awaiting_pipefail = self.pipefail;
    }
}

fn is_plain(w: &Word, keyword: &str) -> bool {
    !w.quoted && !w.has_expansion && w.text == keyword
}

/// What `set ARGS` does to pipefail: `Some(true)` for `-o pipefail` (also inside
/// combined flags such as `-euxo pipefail`), `Some(false)` for `+o pipefail`.
fn set_pipefail_option(args: &[Word]) -> Option<bool> {
    let mut result = None;
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        let (enable, flags) = match arg.text.as_bytes() {
            [b'-', b'-', ..] | [b'-'] | [b'+'] => break,
            [b'-', flags @ ..] => (true, flags),
            [b'+', flags @ ..] => (false, flags),
            // Option processing stops at the first positional parameter.
            _ => break,
        };
        for _ in flags.iter().filter(|&&f| f == b'o') {
            // Each `o` takes the next argument as its option name, in order.
            if let Some(name) = args.get(i) {
                i += 1;
                if name.text == "pipefail" {
                    result = Some(enable);
                }
            }
        }
    }
    result
}
