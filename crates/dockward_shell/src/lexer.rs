//! Byte-level lexer: turns shell text into words, operators and redirection operators.
//!
//! Every offset the lexer stops at is either the end of the text or an ASCII byte, so
//! every range it produces lies on char boundaries even in non-ASCII input.

use dockward_source::{TextRange, TextSize};

use crate::script::Word;

/// Deepest nesting of subshells, groups, `case`, `$(`, `${`, backticks and quotes inside
/// them that is tokenized. Past it the rest of the text is skipped with an error, so
/// hostile input cannot make the tokenizer slow or exhaust memory.
pub const MAX_NESTING: usize = 256;

/// More errors than this add nothing for a reader and would let garbage input (a
/// megabyte of `)`) allocate one message per byte.
const MAX_ERRORS: usize = 100;

#[derive(Debug)]
pub(crate) enum Tok {
    Word(Word),
    Op(Op, TextRange),
    Redir(RedirOp),
    /// `(( ... ))` at the start of a command.
    Arith,
    Eof,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    And,
    Or,
    Semi,
    /// `;;`, `;&` or `;;&`.
    CaseBreak,
    /// `|` or `|&`.
    Pipe,
    Amp,
    Newline,
    LParen,
    RParen,
}

#[derive(Debug)]
pub(crate) struct RedirOp {
    /// The operator with its fd number: `2>`, `>>`, `<<-`, `&>`.
    pub range: TextRange,
    /// `Some(strip_tabs)` for `<<` and `<<-`.
    pub heredoc: Option<bool>,
}

/// A construct that a nested scan is inside of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// `cases`: `case ... in` opened directly inside and not yet closed by `esac`.
    Paren {
        cases: u32,
    },
    Brace,
    Dquote,
    Backtick,
}

struct PendingHeredoc {
    delimiter: Vec<u8>,
    strip_tabs: bool,
    op: TextRange,
}

/// A word being built.
#[derive(Default)]
struct WordBuf {
    text: Vec<u8>,
    quoted: bool,
    has_expansion: bool,
}

pub(crate) struct Lexer<'a> {
    bytes: &'a [u8],
    pos: usize,
    pub errors: Vec<(TextRange, String)>,
    /// Set once nesting went past [`MAX_NESTING`]; from then on only `Eof` is returned.
    pub fatal: bool,
    /// Inside `[[ ... ]]`, where `<`, `>`, `&&`, `||` and parentheses are operands of
    /// the test rather than shell operators.
    pub test_mode: bool,
    heredocs: Vec<PendingHeredoc>,
    /// Bytes that `(( ... ))` look-ahead may still scan in total. Failed look-aheads
    /// are re-run from the next `(`, so an unbounded scan could turn a long run of
    /// parentheses quadratic.
    arith_budget: usize,
}

pub(crate) fn range(start: usize, end: usize) -> TextRange {
    // Callers guarantee `text.len() <= u32::MAX`, so the casts are lossless.
    TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32))
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r')
}

/// Bytes after which a word starts inside a nested scan.
fn is_scan_delimiter(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b';' | b'(' | b'|' | b'&')
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `NAME=` or `NAME+=` at the start of `raw`: returns the length of the prefix.
pub(crate) fn assignment_prefix(raw: &[u8]) -> Option<usize> {
    if !is_name_start(*raw.first()?) {
        return None;
    }
    let name_len = raw.iter().position(|&b| !is_name_char(b))?;
    match raw.get(name_len..name_len + 2) {
        Some([b'+', b'=']) => Some(name_len + 2),
        _ if raw.get(name_len) == Some(&b'=') => Some(name_len + 1),
        _ => None,
    }
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            bytes: text.as_bytes(),
            pos: 0,
            errors: Vec::new(),
            fatal: false,
            test_mode: false,
            heredocs: Vec::new(),
            arith_budget: text.len().saturating_mul(2).saturating_add(4096),
        }
    }

    fn peek(&self, off: usize) -> Option<u8> {
        self.bytes.get(self.pos + off).copied()
    }

    pub fn error(&mut self, range: TextRange, msg: impl Into<String>) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push((range, msg.into()));
        } else if self.errors.len() == MAX_ERRORS {
            self.errors.push((range, "too many errors; further errors are not reported".into()));
        }
    }

    /// Reports nesting past [`MAX_NESTING`] at the ASCII opener at `at` and stops.
    pub fn too_deep(&mut self, at: TextRange) {
        if !self.fatal {
            self.error(at, format!("nesting deeper than {MAX_NESTING} levels; the rest is not tokenized"));
            self.fatal = true;
        }
    }

    /// Registers a heredoc whose body starts after the next newline token.
    pub fn push_heredoc(&mut self, delimiter: &str, strip_tabs: bool, op: TextRange) {
        self.heredocs.push(PendingHeredoc { delimiter: delimiter.as_bytes().to_vec(), strip_tabs, op });
    }

    /// The next token. `arith_ok` allows `((` to start an arithmetic command.
    pub fn next_token(&mut self, arith_ok: bool) -> Tok {
        if self.fatal {
            return Tok::Eof;
        }
        self.skip_blanks_and_comment();
        let start = self.pos;
        let Some(c) = self.peek(0) else { return Tok::Eof };
        let test = self.test_mode;
        match c {
            b'\n' => {
                self.pos += 1;
                self.read_heredoc_bodies();
                Tok::Op(Op::Newline, range(start, start + 1))
            }
            b';' => {
                let len = match (self.peek(1), self.peek(2)) {
                    (Some(b';'), Some(b'&')) => 3,
                    (Some(b';' | b'&'), _) => 2,
                    _ => 1,
                };
                self.pos += len;
                let op = if len == 1 { Op::Semi } else { Op::CaseBreak };
                Tok::Op(op, range(start, self.pos))
            }
            b'&' if !test => match self.peek(1) {
                Some(b'&') => self.op(Op::And, 2),
                Some(b'>') => self.redirect(start, start + 1),
                _ => self.op(Op::Amp, 1),
            },
            b'|' if !test => match self.peek(1) {
                Some(b'|') => self.op(Op::Or, 2),
                Some(b'&') => self.op(Op::Pipe, 2),
                _ => self.op(Op::Pipe, 1),
            },
            b'(' if !test => {
                if arith_ok && self.peek(1) == Some(b'(') {
                    if let Some(end) = self.arith_end() {
                        self.pos = end;
                        return Tok::Arith;
                    }
                }
                self.op(Op::LParen, 1)
            }
            b')' if !test => self.op(Op::RParen, 1),
            b'<' | b'>' if !test && self.peek(1) != Some(b'(') => self.redirect(start, start),
            b'0'..=b'9' if !test => {
                let digits = self.bytes[start..].iter().take_while(|b| b.is_ascii_digit()).count();
                let op = start + digits;
                let is_redirect =
                    matches!(self.bytes.get(op), Some(b'<' | b'>')) && self.bytes.get(op + 1) != Some(&b'(');
                if is_redirect {
                    self.redirect(start, op)
                } else {
                    Tok::Word(self.word())
                }
            }
            _ => Tok::Word(self.word()),
        }
    }

    fn op(&mut self, op: Op, len: usize) -> Tok {
        let start = self.pos;
        self.pos += len;
        Tok::Op(op, range(start, self.pos))
    }

    /// `start` is where the fd number or `&` begins, `at` the first `<` or `>`.
    fn redirect(&mut self, start: usize, at: usize) -> Tok {
        let b = self.bytes;
        let (len, heredoc) = match (b[at], b.get(at + 1), b.get(at + 2)) {
            (b'<', Some(b'<'), Some(b'<')) => (3, None),
            (b'<', Some(b'<'), Some(b'-')) => (3, Some(true)),
            (b'<', Some(b'<'), _) => (2, Some(false)),
            (b'<', Some(b'>' | b'&'), _) => (2, None),
            (b'>', Some(b'>' | b'|' | b'&'), _) => (2, None),
            _ => (1, None),
        };
        // `&>` is not a heredoc whatever follows.
        let heredoc = if b[start] == b'&' { None } else { heredoc };
        self.pos = at + len;
        Tok::Redir(RedirOp { range: range(start, self.pos), heredoc })
    }

    fn skip_blanks_and_comment(&mut self) {
        loop {
            match (self.peek(0), self.peek(1), self.peek(2)) {
                (Some(b), ..) if is_blank(b) => self.pos += 1,
                (Some(b'\\'), Some(b'\n'), _) => self.pos += 2,
                (Some(b'\\'), Some(b'\r'), Some(b'\n')) => self.pos += 3,
                (Some(b'#'), ..) => {
                    self.pos = self.find(b'\n', self.pos).unwrap_or(self.bytes.len());
                    return;
                }
                _ => return,
            }
        }
    }

    fn find(&self, needle: u8, from: usize) -> Option<usize> {
        self.bytes.get(from..)?.iter().position(|&b| b == needle).map(|i| from + i)
    }

    /// After a newline token: skips the bodies of heredocs opened on the line just ended.
    fn read_heredoc_bodies(&mut self) {
        let pending = std::mem::take(&mut self.heredocs);
        for heredoc in pending {
            loop {
                if self.pos >= self.bytes.len() {
                    let delimiter = String::from_utf8_lossy(&heredoc.delimiter);
                    self.error(heredoc.op, format!("unterminated heredoc: no line `{delimiter}` ends it"));
                    return;
                }
                let eol = self.find(b'\n', self.pos).unwrap_or(self.bytes.len());
                let mut line = &self.bytes[self.pos..eol];
                if let [rest @ .., b'\r'] = line {
                    line = rest;
                }
                if heredoc.strip_tabs {
                    let tabs = line.iter().take_while(|&&b| b == b'\t').count();
                    line = &line[tabs..];
                }
                self.pos = (eol + 1).min(self.bytes.len());
                if line == heredoc.delimiter.as_slice() {
                    break;
                }
            }
        }
    }

    /// At `((`: the end of the arithmetic command if the parentheses close as `))`.
    fn arith_end(&mut self) -> Option<usize> {
        let mut depth = 2usize;
        let mut i = self.pos + 2;
        while let Some(&b) = self.bytes.get(i) {
            if self.arith_budget == 0 {
                return None;
            }
            self.arith_budget -= 1;
            match b {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 1 {
                        // `((a) b)` is a subshell in a subshell, not arithmetic.
                        return (self.bytes.get(i + 1) == Some(&b')')).then_some(i + 2);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        None
    }

    fn is_word_end(&self, b: u8) -> bool {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' | b';' => true,
            b'&' | b'|' | b'<' | b'>' | b'(' | b')' => !self.test_mode,
            _ => false,
        }
    }

    fn word(&mut self) -> Word {
        let start = self.pos;
        let mut buf = WordBuf::default();
        if self.test_mode && self.bytes[start..].starts_with(b"]]") {
            // Lets `]]` end the test even when glued to what follows (`]]&&`).
            self.pos += 2;
            buf.text.extend_from_slice(b"]]");
            return self.finish_word(start, buf);
        }
        if matches!(self.bytes[start..], [b'<' | b'>', b'(', ..]) {
            // Process substitution `<(cmd)`: one word, like `$(cmd)`.
            buf.has_expansion = true;
            self.push_and_scan(&mut buf, 2, Ctx::Paren { cases: 0 }, "<(", false);
        }
        while let Some(c) = self.peek(0) {
            if self.fatal {
                break;
            }
            if c == b'(' && !self.test_mode && assignment_prefix(&self.bytes[start..self.pos]) == Some(self.pos - start)
            {
                // Array assignment `a=(x y)`: the parentheses belong to the word.
                self.push_and_scan(&mut buf, 1, Ctx::Paren { cases: 0 }, "(", false);
                continue;
            }
            if self.is_word_end(c) {
                break;
            }
            match c {
                b'\\' => self.backslash(&mut buf),
                b'\'' => self.single_quote(&mut buf),
                b'"' => self.double_quote(&mut buf),
                b'$' => self.dollar(&mut buf, false),
                b'`' => {
                    buf.has_expansion = true;
                    self.push_and_scan(&mut buf, 1, Ctx::Backtick, "`", false);
                }
                _ => {
                    buf.text.push(c);
                    self.pos += 1;
                }
            }
        }
        if self.pos == start {
            // Unreachable by construction (callers only start a word on a non-delimiter),
            // but a lexer that stops advancing would loop forever.
            self.pos += 1;
            while self.pos < self.bytes.len() && (self.bytes[self.pos] & 0xC0) == 0x80 {
                self.pos += 1;
            }
            buf.text.extend_from_slice(&self.bytes[start..self.pos]);
        }
        self.finish_word(start, buf)
    }

    fn finish_word(&self, start: usize, buf: WordBuf) -> Word {
        // Kept as long as its script (issue 19 #5): at its length, inline when short.
        let text = crate::CompactString::from(String::from_utf8_lossy(&buf.text).as_ref());
        Word { text, range: range(start, self.pos), quoted: buf.quoted, has_expansion: buf.has_expansion }
    }

    /// Unquoted `\`: escapes the next byte or removes a line continuation.
    fn backslash(&mut self, buf: &mut WordBuf) {
        match (self.peek(1), self.peek(2)) {
            (Some(b'\n'), _) => self.pos += 2,
            (Some(b'\r'), Some(b'\n')) => self.pos += 3,
            (Some(next), _) => {
                buf.quoted = true;
                // A multi-byte char's remaining bytes are copied by the caller's loop.
                buf.text.push(next);
                self.pos += 2;
            }
            // A lone `\` at the end: the shell keeps it literally.
            (None, _) => {
                buf.text.push(b'\\');
                self.pos += 1;
            }
        }
    }

    fn single_quote(&mut self, buf: &mut WordBuf) {
        let open = self.pos;
        buf.quoted = true;
        match self.find(b'\'', open + 1) {
            Some(close) => {
                buf.text.extend_from_slice(&self.bytes[open + 1..close]);
                self.pos = close + 1;
            }
            None => {
                buf.text.extend_from_slice(&self.bytes[open + 1..]);
                self.pos = self.bytes.len();
                self.error(range(open, self.pos), "unterminated single quote");
            }
        }
    }

    fn double_quote(&mut self, buf: &mut WordBuf) {
        let open = self.pos;
        buf.quoted = true;
        self.pos += 1;
        loop {
            if self.fatal {
                return;
            }
            let Some(c) = self.peek(0) else {
                self.error(range(open, self.pos), "unterminated double quote");
                return;
            };
            match c {
                b'"' => {
                    self.pos += 1;
                    return;
                }
                b'\\' => match (self.peek(1), self.peek(2)) {
                    (Some(b'\n'), _) => self.pos += 2,
                    (Some(b'\r'), Some(b'\n')) => self.pos += 3,
                    (Some(e @ (b'$' | b'`' | b'"' | b'\\')), _) => {
                        buf.text.push(e);
                        self.pos += 2;
                    }
                    // Other backslashes are literal inside double quotes.
                    _ => {
                        buf.text.push(b'\\');
                        self.pos += 1;
                    }
                },
                b'$' => self.dollar(buf, true),
                b'`' => {
                    buf.has_expansion = true;
                    self.push_and_scan(buf, 1, Ctx::Backtick, "`", true);
                }
                _ => {
                    buf.text.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn dollar(&mut self, buf: &mut WordBuf, in_dquote: bool) {
        match self.peek(1) {
            Some(b'\'') if !in_dquote => self.ansi_c_quote(buf),
            Some(b'"') if !in_dquote => {
                // `$"..."` (locale translation) reads like a double-quoted string.
                self.pos += 1;
                self.double_quote(buf);
            }
            Some(b'(') => {
                buf.has_expansion = true;
                let opener = if self.peek(2) == Some(b'(') { "$((" } else { "$(" };
                self.push_and_scan(buf, 2, Ctx::Paren { cases: 0 }, opener, in_dquote);
            }
            Some(b'{') => {
                buf.has_expansion = true;
                self.push_and_scan(buf, 2, Ctx::Brace, "${", in_dquote);
            }
            Some(c) if is_name_start(c) => {
                buf.has_expansion = true;
                let len = 1 + self.bytes[self.pos + 1..].iter().take_while(|&&b| is_name_char(b)).count();
                buf.text.extend_from_slice(&self.bytes[self.pos..self.pos + len]);
                self.pos += len;
            }
            Some(c) if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => {
                buf.has_expansion = true;
                buf.text.extend_from_slice(&self.bytes[self.pos..self.pos + 2]);
                self.pos += 2;
            }
            // `$` before anything else is a literal dollar sign.
            _ => {
                buf.text.push(b'$');
                self.pos += 1;
            }
        }
    }

    /// `$'...'`: resolves C escapes.
    fn ansi_c_quote(&mut self, buf: &mut WordBuf) {
        let open = self.pos;
        buf.quoted = true;
        self.pos += 2;
        loop {
            let Some(c) = self.peek(0) else {
                self.error(range(open, self.pos), "unterminated `$'` string");
                return;
            };
            match c {
                b'\'' => {
                    self.pos += 1;
                    return;
                }
                b'\\' => self.ansi_c_escape(buf),
                _ => {
                    buf.text.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn ansi_c_escape(&mut self, buf: &mut WordBuf) {
        let Some(e) = self.peek(1) else {
            buf.text.push(b'\\');
            self.pos += 1;
            return;
        };
        self.pos += 2;
        let simple = match e {
            b'n' => Some(b'\n'),
            b't' => Some(b'\t'),
            b'r' => Some(b'\r'),
            b'a' => Some(0x07),
            b'b' => Some(0x08),
            b'e' | b'E' => Some(0x1b),
            b'f' => Some(0x0c),
            b'v' => Some(0x0b),
            b'\\' | b'\'' | b'"' | b'?' => Some(e),
            _ => None,
        };
        if let Some(byte) = simple {
            buf.text.push(byte);
            return;
        }
        match e {
            b'x' => match self.take_digits(16, 2) {
                Some(v) => buf.text.push(v as u8),
                None => buf.text.extend_from_slice(b"\\x"),
            },
            b'u' | b'U' => {
                let max = if e == b'u' { 4 } else { 8 };
                match self.take_digits(16, max) {
                    Some(v) => {
                        let ch = char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER);
                        buf.text.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                    }
                    None => buf.text.extend_from_slice(&[b'\\', e]),
                }
            }
            b'0'..=b'7' => {
                self.pos -= 1;
                let v = self.take_digits(8, 3).unwrap_or(0);
                buf.text.push((v & 0xff) as u8);
            }
            b'c' => match self.peek(0) {
                Some(ch) if ch.is_ascii() => {
                    buf.text.push(ch & 0x1f);
                    self.pos += 1;
                }
                _ => buf.text.extend_from_slice(b"\\c"),
            },
            _ => {
                // Unknown escapes stay as written; a multi-byte char's remaining bytes
                // follow in the caller's loop.
                buf.text.push(b'\\');
                buf.text.push(e);
            }
        }
    }

    fn take_digits(&mut self, radix: u32, max: usize) -> Option<u32> {
        let mut value: Option<u32> = None;
        for _ in 0..max {
            let Some(d) = self.peek(0).and_then(|b| (b as char).to_digit(radix)) else { break };
            value = Some(value.unwrap_or(0) * radix + d);
            self.pos += 1;
        }
        value
    }

    /// Copies an `opener_len`-byte opener and the nested construct it opens (kept
    /// literally, minus line continuations) into `buf`. `in_dquote`: the word is inside
    /// double quotes there.
    fn push_and_scan(&mut self, buf: &mut WordBuf, opener_len: usize, first: Ctx, opener: &str, in_dquote: bool) {
        let open = self.pos;
        buf.text.extend_from_slice(&self.bytes[open..open + opener_len]);
        self.pos += opener_len;
        // The enclosing double quote sits at the bottom of the stack so that a `'` in
        // `"${x:-'a}"` is literal, as it is to the shell.
        let base = usize::from(in_dquote);
        let mut stack = Vec::with_capacity(base + 4);
        if in_dquote {
            stack.push(Ctx::Dquote);
        }
        stack.push(first);
        while stack.len() > base {
            if stack.len() > MAX_NESTING {
                self.too_deep(range(open, open + 1));
                return;
            }
            let top = stack[stack.len() - 1];
            let Some(c) = self.peek(0) else {
                let what = if opener == "`" {
                    "unterminated backtick".to_string()
                } else {
                    format!("unterminated `{opener}`")
                };
                self.error(range(open, self.pos), what);
                return;
            };
            let next = self.peek(1);
            let mut copy = 1;
            match (top, c) {
                (_, b'\\') => match (next, self.peek(2)) {
                    (Some(b'\n'), _) => {
                        self.pos += 2;
                        continue;
                    }
                    (Some(b'\r'), Some(b'\n')) => {
                        self.pos += 3;
                        continue;
                    }
                    (Some(_), _) => copy = 2,
                    (None, _) => {}
                },
                (Ctx::Backtick, b'`') => {
                    stack.pop();
                }
                (Ctx::Backtick, _) => {}
                (Ctx::Dquote, b'"') => {
                    stack.pop();
                }
                (Ctx::Paren { .. } | Ctx::Brace, b'"') => stack.push(Ctx::Dquote),
                (Ctx::Paren { .. }, b'\'') => copy = self.single_quoted_len(),
                (Ctx::Brace, b'\'') if stack.len() < 2 || stack[stack.len() - 2] != Ctx::Dquote => {
                    copy = self.single_quoted_len();
                }
                (Ctx::Paren { .. } | Ctx::Brace, b'$') if next == Some(b'\'') => copy = self.ansi_c_len(),
                (Ctx::Paren { .. }, b'(') => stack.push(Ctx::Paren { cases: 0 }),
                // The `)` ending a case pattern inside `$(case ... esac)`.
                (Ctx::Paren { cases }, b')') if cases > 0 => {}
                (Ctx::Paren { .. }, b')') | (Ctx::Brace, b'}') => {
                    stack.pop();
                }
                (Ctx::Paren { .. }, b'#') if is_scan_delimiter(self.bytes[self.pos - 1]) => {
                    // A comment: quotes and parentheses in it must not count.
                    copy = self.find(b'\n', self.pos).unwrap_or(self.bytes.len()) - self.pos;
                }
                (Ctx::Paren { cases }, b'c') if self.opens_case() => {
                    if let Some(last) = stack.last_mut() {
                        *last = Ctx::Paren { cases: cases + 1 };
                    }
                }
                (Ctx::Paren { cases }, b'e') if cases > 0 && self.is_word_at(b"esac") => {
                    if let Some(last) = stack.last_mut() {
                        *last = Ctx::Paren { cases: cases - 1 };
                    }
                }
                (_, b'$') if next == Some(b'(') => {
                    stack.push(Ctx::Paren { cases: 0 });
                    copy = 2;
                }
                (_, b'$') if next == Some(b'{') => {
                    stack.push(Ctx::Brace);
                    copy = 2;
                }
                (_, b'`') => stack.push(Ctx::Backtick),
                _ => {}
            }
            buf.text.extend_from_slice(&self.bytes[self.pos..self.pos + copy]);
            self.pos += copy;
        }
    }

    /// `word` as a whole word at `pos` (inside a nested scan, so `pos > 0`).
    fn is_word_at(&self, word: &[u8]) -> bool {
        is_scan_delimiter(self.bytes[self.pos - 1])
            && self.bytes[self.pos..].starts_with(word)
            && self.bytes.get(self.pos + word.len()).is_none_or(|&b| is_scan_delimiter(b) || b == b')')
    }

    /// At `case` inside `$(...)`: whether `in` follows on the same line, so that the
    /// case patterns' unmatched `)` must not close the substitution. Looks a bounded
    /// distance ahead to stay linear.
    fn opens_case(&self) -> bool {
        if !self.is_word_at(b"case") {
            return false;
        }
        let rest = &self.bytes[self.pos + 4..];
        let window = &rest[..rest.len().min(256)];
        for (i, &b) in window.iter().enumerate() {
            if b == b'\n' {
                return false;
            }
            if is_blank(b) && window[i + 1..].starts_with(b"in") {
                match rest.get(i + 3) {
                    None => return true,
                    Some(&after) if is_blank(after) || after == b'\n' => return true,
                    _ => {}
                }
            }
        }
        false
    }

    /// Length of the single-quoted string at `pos`, to the end of the text if
    /// unterminated.
    fn single_quoted_len(&self) -> usize {
        self.find(b'\'', self.pos + 1).map_or(self.bytes.len(), |close| close + 1) - self.pos
    }

    /// Length of the `$'...'` string at `pos`, to the end of the text if unterminated.
    fn ansi_c_len(&self) -> usize {
        let mut i = self.pos + 2;
        while let Some(&b) = self.bytes.get(i) {
            match b {
                b'\\' => i += 2,
                b'\'' => return i + 1 - self.pos,
                _ => i += 1,
            }
        }
        self.bytes.len() - self.pos
    }
}
