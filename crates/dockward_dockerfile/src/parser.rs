//! The Dockerfile parser: BuildKit's `Parse` loop and line parsers, keeping spans and
//! going on after errors.

use dockward_shell::{Command, Script};
use dockward_source::{TextRange, TextSize};

use crate::ast::*;
use crate::heredoc::{find_markers, Marker};
use crate::json::{parse_array, JsonArray};
use crate::lines::{continuation, is_space_byte, leading_ws, phys_line, trimmed_end, Joiner, Logical, PhysLine};
use crate::semantic::expand::{expand_env, needs_unquote, NoEnv};
use crate::words::{extract_flags, parse_words, split_first_ws, split_ws, RawFlag};

/// bufio.Scanner's limit: BuildKit fails on a line longer than this (terminator
/// included).
const MAX_LINE: usize = 64 * 1024;

const NOT_STRING_ARRAY: &str = "when using JSON array syntax, arrays must be comprised of strings only";

pub(crate) fn parse(text: &str) -> Dockerfile {
    let mut df = Dockerfile { escape: '\\', ..Default::default() };
    if u32::try_from(text.len()).is_err() {
        df.errors
            .push(ParseError { range: TextRange::default(), message: "file larger than 4 GiB is not parsed".into() });
        return df;
    }
    let mut p = Parser { text, df, esc: b'\\', joiner: Joiner::default() };
    p.run();
    let mut df = p.df;
    df.errors.sort_by_key(|e| e.range.start());
    // The tree lives while every rule runs: give back what doubling left unused (a
    // 10 MB Dockerfile has 125,000 instructions; issue 19 #5).
    df.instructions.shrink_to_fit();
    df.comments.shrink_to_fit();
    df
}

struct Parser<'t> {
    text: &'t str,
    df: Dockerfile,
    /// The escape character as a byte (`\` or `` ` ``).
    esc: u8,
    joiner: Joiner,
}

fn range(start: usize, end: usize) -> TextRange {
    TextRange::new(TextSize::from(start as u32), TextSize::from(end.max(start) as u32))
}

/// Maps a script tokenized from `logical` to source offsets with `map`.
fn shell_script(logical: &str, map: &OffsetMap) -> Script {
    let mut script = dockward_shell::tokenize(logical);
    script.map_ranges(|r| map.range_to_source(r));
    script
}

/// Shells that run a script read from standard input when given no `-c` and no
/// script file.
const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "yash", "posh"];

/// True if `cmd` is a shell that reads its script from standard input.
fn reads_script_from_stdin(cmd: &Command) -> bool {
    let Some(prog) = cmd.program_basename() else { return false };
    if !SHELLS.contains(&prog) {
        return false;
    }
    let mut args = cmd.args().iter();
    while let Some(a) = args.next() {
        let t = a.text.as_str();
        if t == "--" || t == "-" {
            // The end of the options: a script file may follow.
            return args.next().is_none();
        }
        if t.starts_with("--") {
            continue; // --norc, --posix, ...
        }
        if let Some(opts) = t.strip_prefix('-').or_else(|| t.strip_prefix('+')) {
            if opts.contains('s') {
                return true; // -s: read commands from standard input
            }
            if opts.contains('c') {
                return false;
            }
            if opts.contains('o') || opts.contains('O') {
                args.next(); // the option name
            }
            continue;
        }
        return false; // a script file
    }
    true
}

/// For a heredoc run as a script file: true unless its shebang names a non-shell
/// interpreter (`#!/usr/bin/env python3`).
fn shebang_is_shell(body: &str) -> bool {
    let Some(rest) = body.strip_prefix("#!") else { return true };
    let line = rest.lines().next().unwrap_or("");
    let mut words = line.split_whitespace();
    let Some(first) = words.next() else { return true };
    let mut prog = first.rsplit('/').next().unwrap_or(first);
    if prog == "env" {
        prog = words.find(|w| !w.starts_with('-')).unwrap_or("");
        prog = prog.rsplit('/').next().unwrap_or(prog);
    }
    SHELLS.contains(&prog)
}

impl<'t> Parser<'t> {
    /// The unquoted form of a word that BuildKit runs through its word processor.
    ///
    /// An unterminated quote or a bad `${...}` makes BuildKit fail when it runs the
    /// instruction, not when it parses the file (its own parser tests hold such
    /// words), so it is not a parse error here: the value is a best effort, and
    /// [`crate::semantic::Model`] reports the failure when it expands the word.
    fn unquoted(&self, word: &str) -> String {
        let esc = self.esc as char;
        if !needs_unquote(word, esc) {
            return word.to_string();
        }
        expand_env(word, esc, &NoEnv, true).value
    }

    fn error(&mut self, range: TextRange, message: impl Into<String>) {
        self.df.errors.push(ParseError { range, message: message.into() });
    }

    fn line(&mut self, pos: usize) -> PhysLine {
        let line = phys_line(self.text, pos);
        if line.next - line.start > MAX_LINE {
            self.error(
                range(line.start, line.content_end),
                format!("dockerfile line greater than max allowed size of {}", MAX_LINE - 1),
            );
        }
        line
    }

    fn run(&mut self) {
        let text = self.text;
        let mut pos = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
        let mut directives_open = true;
        while pos < text.len() {
            let line = self.line(pos);
            pos = line.next;
            let content = &text[line.start..line.content_end];
            let lead = leading_ws(content);
            let body_start = line.start + lead;
            let trimmed = &text[body_start..line.content_end];

            if directives_open {
                directives_open = self.directive(body_start, trimmed, line.content_end);
                if directives_open {
                    continue;
                }
            }
            if trimmed.starts_with('#') {
                self.comment(body_start, line.content_end, false);
                continue;
            }
            let cont = continuation(trimmed, self.esc);
            if cont.is_none() && trimmed.is_empty() {
                continue;
            }

            // An instruction: join its continuation lines.
            self.joiner.clear();
            self.joiner.push(text, body_start, body_start + cont.unwrap_or(trimmed.len()));
            let mut last = line;
            let mut more = cont.is_some();
            while more && pos < text.len() {
                let l = self.line(pos);
                pos = l.next;
                last = l;
                let c = &text[l.start..l.content_end];
                let lead = leading_ws(c);
                if c.as_bytes().get(lead) == Some(&b'#') {
                    self.comment(l.start + lead, l.content_end, true);
                    continue;
                }
                if lead == c.len() {
                    // Skipped; BuildKit warns about it.
                    self.df.empty_continuation_lines.push(range(l.start, l.content_end));
                    continue;
                }
                let cont = continuation(c, self.esc);
                self.joiner.push(text, l.start, l.start + cont.unwrap_or(c.len()));
                more = cont.is_some();
            }

            let joiner = std::mem::take(&mut self.joiner);
            let lg = Logical { text: joiner.text(text), pieces: &joiner.pieces };
            if let Some(mut instr) = self.instruction(lg, 0, lg.text.len()) {
                // Trailing comment or blank lines that the continuation swallowed
                // belong to the instruction (BuildKit's EndLine counts them).
                if last.start > u32::from(instr.range.end()) as usize {
                    instr.range = TextRange::new(instr.range.start(), TextSize::from(last.content_end as u32));
                }
                pos = self.heredocs(&mut instr, lg, pos);
                self.df.instructions.push(instr);
            }
            self.joiner = joiner;
        }

        if self.df.instructions.is_empty() {
            let r = range(0, text.len());
            self.error(r, "file with no instructions");
        }
        self.build_stages();
    }

    /// Reads a parser directive from a (left-trimmed) line. Returns false when the
    /// line is not one, which ends the directive block.
    fn directive(&mut self, start: usize, line: &str, end: usize) -> bool {
        let Some(after) = line.strip_prefix('#') else { return false };
        let lead = leading_ws(after);
        let body = &after[lead..];
        let body_at = start + 1 + lead;
        let bytes = body.as_bytes();
        if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
            return false;
        }
        let key_end = bytes.iter().position(|b| !b.is_ascii_alphanumeric()).unwrap_or(bytes.len());
        // Go's `\s` is [\t\n\f\r ].
        let is_s = |b: &u8| matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | b' ');
        let mut i = key_end;
        while i < bytes.len() && is_s(&bytes[i]) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            return false;
        }
        i += 1;
        while i < bytes.len() && is_s(&bytes[i]) {
            i += 1;
        }
        let mut v_end = bytes.len();
        while v_end > i && is_s(&bytes[v_end - 1]) {
            v_end -= 1;
        }
        if v_end == i {
            return false;
        }
        let key = body[..key_end].to_ascii_lowercase();
        if !matches!(key.as_str(), "syntax" | "escape" | "check") {
            return false;
        }
        let value = &body[i..v_end];
        let d = Directive {
            name: Spanned::new(key, range(body_at, body_at + key_end)),
            value: Spanned::new(value.to_string(), range(body_at + i, body_at + v_end)),
            range: range(start, end),
        };
        if self.df.directive(&d.name.value).is_some() {
            self.error(d.range, format!("only one {} parser directive can be used", d.name.value));
        } else if d.name.value == "escape" {
            match value {
                "\\" | "`" => {
                    self.esc = value.as_bytes()[0];
                    self.df.escape = value.as_bytes()[0] as char;
                }
                _ => self.error(d.value.range, format!("invalid escape token '{value}' does not match ` or \\")),
            }
        }
        self.df.directives.push(d);
        true
    }

    fn comment(&mut self, hash: usize, end: usize, inside: bool) {
        let body = &self.text[hash + 1..end];
        let lead = leading_ws(body);
        let t_end = hash + 1 + trimmed_end(body).max(lead);
        self.df.comments.push(Comment {
            range: range(hash, end),
            text: range(hash + 1 + lead, t_end),
            inside_instruction: inside,
        });
    }

    /// Parses the instruction in `lg.text[start..end]` (BuildKit's `newNodeFromLine`).
    fn instruction(&mut self, lg: Logical<'_>, start: usize, end: usize) -> Option<Instruction> {
        let s = &lg.text[start..end];
        let lead = leading_ws(s);
        let tend = trimmed_end(s);
        if tend <= lead {
            return None;
        }
        let (a, b) = (start + lead, start + tend);
        let line = &lg.text[a..b];
        let (kw_end, rest_start) = match split_first_ws(line) {
            Some((sep, next)) => (a + sep, a + next),
            None => (b, b),
        };
        let keyword_text = &lg.text[a..kw_end];
        let kind = InstructionKind::from_keyword(keyword_text);
        let keyword = Spanned::new(keyword_text.to_string(), lg.range(a, kw_end));

        let (raw_flags, rest_rel) = extract_flags(&lg.text[rest_start..b]);
        let flags: Vec<Flag> = raw_flags.into_iter().map(|f| make_flag(lg, rest_start, f)).collect();
        let rest = &lg.text[rest_start + rest_rel..b];
        let args_start = rest_start + rest_rel + leading_ws(rest);
        let args_end = args_start.max(rest_start + rest_rel + trimmed_end(rest));

        let mut instr =
            Instruction { kind, keyword, range: lg.range(a, b), flags, args: Args::Empty, heredocs: Vec::new() };
        instr.args = self.args(&instr, lg, args_start, args_end);
        Some(instr)
    }

    fn args(&mut self, instr: &Instruction, lg: Logical<'_>, a: usize, b: usize) -> Args {
        use InstructionKind as K;
        let kind = instr.kind;
        let name = kind.as_str();
        let empty = a >= b;
        match kind {
            K::Run | K::Cmd | K::Entrypoint | K::Shell => {
                if empty {
                    return Args::Empty;
                }
                let c = self.command(lg, a, b, kind == K::Run);
                if kind == K::Shell && matches!(c, CommandArgs::Shell(_)) {
                    self.error(lg.range(a, b), "SHELL requires the arguments to be in JSON form");
                }
                Args::Command(c)
            }
            K::Copy | K::Add | K::Volume => {
                let p = self.paths(lg, a, b);
                let min = if kind == K::Volume { 1 } else { 2 };
                if p.paths.len() < min {
                    let at = if empty { instr.keyword.range } else { lg.range(a, b) };
                    let what = if min == 1 { "at least one argument" } else { "at least two arguments" };
                    self.error(at, format!("{name} requires {what}"));
                }
                Args::Paths(p)
            }
            K::Env | K::Label => {
                if empty {
                    self.error(instr.keyword.range, format!("{name} requires at least one argument"));
                    return Args::Empty;
                }
                Args::KeyValues(self.name_val(lg, a, b, name))
            }
            K::Arg => {
                if empty {
                    self.error(instr.keyword.range, "ARG requires at least one argument");
                    return Args::Empty;
                }
                Args::KeyValues(self.name_or_name_val(lg, a, b))
            }
            K::From => self.from(instr, lg, a, b),
            K::Expose => {
                if empty {
                    self.error(instr.keyword.range, "EXPOSE requires at least one argument");
                    return Args::Empty;
                }
                Args::Words(self.ws_words(lg, a, b))
            }
            K::Maintainer | K::User | K::Workdir | K::Stopsignal => {
                if empty {
                    self.error(instr.keyword.range, format!("{name} requires exactly one argument"));
                    return Args::Empty;
                }
                Args::Text(Spanned::new(lg.text[a..b].to_string(), lg.range(a, b)))
            }
            K::Healthcheck => {
                if empty {
                    return Args::Empty;
                }
                Args::Healthcheck(self.healthcheck(lg, a, b))
            }
            K::Onbuild => {
                if empty {
                    self.error(instr.keyword.range, "ONBUILD requires at least one argument");
                    return Args::Empty;
                }
                match self.instruction(lg, a, b) {
                    Some(inner) => {
                        match inner.kind {
                            K::Onbuild => {
                                self.error(inner.keyword.range, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
                            }
                            K::From | K::Maintainer => self.error(
                                inner.keyword.range,
                                format!("{} isn't allowed as an ONBUILD trigger", inner.kind.as_str()),
                            ),
                            _ => {}
                        }
                        Args::Onbuild(Box::new(inner))
                    }
                    None => Args::Empty,
                }
            }
            K::Unknown => {
                let kw = &instr.keyword;
                self.error(kw.range, format!("unknown instruction: {}", kw.value));
                Args::Text(Spanned::new(lg.text[a..b].to_string(), lg.range(a, b.max(a))))
            }
        }
    }

    /// `parseMaybeJSON`.
    fn command(&mut self, lg: Logical<'_>, a: usize, b: usize, tokenize: bool) -> CommandArgs {
        let s = &lg.text[a..b];
        match parse_array(s) {
            JsonArray::Strings(items) => CommandArgs::Exec {
                argv: items.into_iter().map(|(v, x, y)| Spanned::new(v, lg.range(a + x, a + y))).collect(),
                range: lg.range(a, b),
            },
            other => {
                let not_strings = matches!(other, JsonArray::NotStrings(..));
                if let JsonArray::NotStrings(x, y) = other {
                    self.error(lg.range(a + x, a + y), NOT_STRING_ARRAY);
                }
                let map = OffsetMap { pieces: lg.sub_pieces(a, b) };
                let script = if tokenize && !not_strings { shell_script(s, &map) } else { Script::default() };
                CommandArgs::Shell(ShellForm { range: lg.range(a, b), logical: s.to_string(), map, script })
            }
        }
    }

    /// `parseMaybeJSONToList`.
    fn paths(&mut self, lg: Logical<'_>, a: usize, b: usize) -> PathArgs {
        if a >= b {
            return PathArgs { json: false, paths: Vec::new() };
        }
        match parse_array(&lg.text[a..b]) {
            JsonArray::Strings(items) => PathArgs {
                json: true,
                paths: items.into_iter().map(|(v, x, y)| Spanned::new(v, lg.range(a + x, a + y))).collect(),
            },
            other => {
                if let JsonArray::NotStrings(x, y) = other {
                    self.error(lg.range(a + x, a + y), NOT_STRING_ARRAY);
                }
                PathArgs { json: false, paths: self.ws_words(lg, a, b) }
            }
        }
    }

    /// Whitespace-separated words, unquoted.
    fn ws_words(&mut self, lg: Logical<'_>, a: usize, b: usize) -> Vec<Spanned<String>> {
        split_ws(&lg.text[a..b])
            .into_iter()
            .map(|(x, y)| {
                let r = lg.range(a + x, a + y);
                Spanned::new(self.unquoted(&lg.text[a + x..a + y]), r)
            })
            .collect()
    }

    /// `parseNameVal` for ENV and LABEL.
    fn name_val(&mut self, lg: Logical<'_>, a: usize, b: usize, name: &str) -> Vec<KeyValue> {
        let s = &lg.text[a..b];
        let esc = self.esc as char;
        let words = parse_words(s, esc);
        let mut out = Vec::new();
        let Some(&(w0a, w0b)) = words.first() else { return out };
        if !s[w0a..w0b].contains('=') {
            // Legacy `ENV key value`: the key up to the first blank, the value the rest.
            let Some((sep, next)) = split_first_ws(s) else {
                self.error(lg.range(a, b), format!("{name} must have two arguments"));
                return out;
            };
            let (kr, vr) = (lg.range(a, a + sep), lg.range(a + next, b));
            let key = self.unquoted(&s[..sep]);
            let value = self.unquoted(&s[next..]);
            out.push(KeyValue {
                key: Spanned::new(key, kr),
                value: Some(Spanned::new(value, vr)),
                raw_value: Some(lg.range(a + next, b)),
                range: lg.range(a, b),
                legacy: true,
            });
            return out;
        }
        for (x, y) in words {
            let word = &s[x..y];
            let Some(eq) = word.find('=') else {
                self.error(
                    lg.range(a + x, a + y),
                    format!("Syntax error - can't find = in {word:?}. Must be of the form: name=value"),
                );
                continue;
            };
            if eq == 0 {
                self.error(lg.range(a + x, a + y), format!("{name} names can not be blank"));
            }
            let (ka, kb, va) = (a + x, a + x + eq, a + x + eq + 1);
            let vb = a + y;
            let (kr, vr) = (lg.range(ka, kb), lg.range(va, vb));
            out.push(KeyValue {
                key: Spanned::new(self.unquoted(&word[..eq]), kr),
                value: Some(Spanned::new(self.unquoted(&word[eq + 1..]), vr)),
                raw_value: Some(vr),
                range: lg.range(ka, vb),
                legacy: false,
            });
        }
        out
    }

    /// `parseNameOrNameVal` for ARG.
    fn name_or_name_val(&mut self, lg: Logical<'_>, a: usize, b: usize) -> Vec<KeyValue> {
        let s = &lg.text[a..b];
        let esc = self.esc as char;
        let mut out = Vec::new();
        for (x, y) in parse_words(s, esc) {
            let word = &s[x..y];
            let kv = match word.find('=') {
                Some(eq) => {
                    let (kr, vr) = (lg.range(a + x, a + x + eq), lg.range(a + x + eq + 1, a + y));
                    KeyValue {
                        key: Spanned::new(self.unquoted(&word[..eq]), kr),
                        value: Some(Spanned::new(self.unquoted(&word[eq + 1..]), vr)),
                        raw_value: Some(vr),
                        range: lg.range(a + x, a + y),
                        legacy: false,
                    }
                }
                None => KeyValue {
                    key: Spanned::new(self.unquoted(word), lg.range(a + x, a + y)),
                    value: None,
                    raw_value: None,
                    range: lg.range(a + x, a + y),
                    legacy: false,
                },
            };
            if kv.key.value.is_empty() {
                self.error(kv.range, "ARG names can not be blank");
            }
            out.push(kv);
        }
        out
    }

    fn from(&mut self, instr: &Instruction, lg: Logical<'_>, a: usize, b: usize) -> Args {
        let words = self.ws_words(lg, a, b);
        const COUNT: &str = "FROM requires either one or three arguments";
        let Some(image) = words.first().cloned() else {
            self.error(instr.keyword.range, "FROM requires an image name");
            return Args::Empty;
        };
        let mut from = FromArgs { image, as_keyword: None, alias: None };
        match words.len() {
            1 => {}
            2 => {
                if words[1].value.eq_ignore_ascii_case("as") {
                    self.error(words[1].range, "FROM ... AS requires a stage name");
                    from.as_keyword = Some(words[1].range);
                } else {
                    self.error(words[1].range, COUNT);
                }
            }
            n => {
                if words[1].value.eq_ignore_ascii_case("as") {
                    from.as_keyword = Some(words[1].range);
                    from.alias = Some(words[2].clone());
                    if n > 3 {
                        let r = TextRange::new(words[3].range.start(), words[n - 1].range.end());
                        self.error(r, COUNT);
                    }
                } else {
                    self.error(TextRange::new(words[1].range.start(), words[n - 1].range.end()), COUNT);
                }
            }
        }
        if let Some(alias) = &from.alias {
            let lower = alias.value.to_lowercase();
            let valid = lower.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
                && lower.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"-_.".contains(&c));
            if !valid {
                self.error(
                    alias.range,
                    format!(
                        "invalid name for build stage: {:?}, name can't start with a number or contain symbols",
                        alias.value
                    ),
                );
            }
        }
        Args::From(from)
    }

    /// `parseHealthConfig`: the type word, then `parseMaybeJSON` of the rest.
    fn healthcheck(&mut self, lg: Logical<'_>, a: usize, b: usize) -> HealthcheckArgs {
        let s = &lg.text[a..b];
        let bytes = s.as_bytes();
        let sep = bytes.iter().position(|&c| is_space_byte(c)).unwrap_or(bytes.len());
        let mut next = sep;
        while next < bytes.len() && is_space_byte(bytes[next]) {
            next += 1;
        }
        let typ = &s[..sep];
        let keyword = lg.range(a, a + sep);
        if typ.eq_ignore_ascii_case("none") {
            HealthcheckArgs::None { keyword }
        } else if typ.eq_ignore_ascii_case("cmd") {
            let command = if a + next < b {
                self.command(lg, a + next, b, false)
            } else {
                CommandArgs::Shell(ShellForm {
                    range: TextRange::empty(keyword.end()),
                    logical: String::new(),
                    map: OffsetMap::identity(keyword.end().into()),
                    script: Script::default(),
                })
            };
            HealthcheckArgs::Cmd { keyword, command }
        } else {
            HealthcheckArgs::Other(Spanned::new(s.to_string(), lg.range(a, b)))
        }
    }

    /// Finds the heredocs of `instr` (or of its ONBUILD trigger), reads their bodies
    /// from `pos` on, and returns where parsing goes on.
    fn heredocs(&mut self, instr: &mut Instruction, lg: Logical<'_>, mut pos: usize) -> usize {
        let can = |i: &Instruction| {
            matches!(i.kind, InstructionKind::Run | InstructionKind::Copy | InstructionKind::Add) && !i.is_json()
        };
        let target_is_inner = match &instr.args {
            Args::Onbuild(inner) => can(inner),
            _ => false,
        };
        if !target_is_inner && !can(instr) {
            return pos;
        }
        let markers = find_markers(lg.text);
        if markers.is_empty() {
            return pos;
        }
        let text = self.text;
        let mut heredocs = Vec::with_capacity(markers.len());
        let mut end = instr.range.end();
        for m in &markers {
            let marker = lg.range(m.start, m.end);
            let body_start = pos;
            let mut terminator = None;
            while pos < text.len() {
                let l = self.line(pos);
                let content = &text[l.start..l.content_end];
                let candidate = if m.strip_tabs { content.trim_start_matches('\t') } else { content };
                end = TextSize::from(l.content_end as u32);
                if candidate == m.name {
                    terminator = Some(range(l.start, l.content_end));
                    let body = range(body_start, l.start);
                    heredocs.push(heredoc(m, marker, body, terminator));
                    pos = l.next;
                    break;
                }
                pos = l.next;
            }
            if terminator.is_none() {
                self.error(marker, format!("unterminated heredoc {}", m.name));
                heredocs.push(heredoc(m, marker, range(body_start, text.len()), None));
                end = TextSize::from(text.len() as u32).max(end);
            }
        }
        instr.range = TextRange::new(instr.range.start(), end);
        let target = match &mut instr.args {
            Args::Onbuild(inner) if target_is_inner => {
                inner.range = TextRange::new(inner.range.start(), end);
                inner.as_mut()
            }
            _ => instr,
        };
        if target.kind == InstructionKind::Run {
            if let Args::Command(CommandArgs::Shell(shell)) = &mut target.args {
                add_heredoc_scripts(text, shell, &heredocs, &markers);
            }
        }
        target.heredocs = heredocs;
        pos
    }

    fn build_stages(&mut self) {
        let mut stages: Vec<Stage> = Vec::new();
        for (i, instr) in self.df.instructions.iter().enumerate() {
            if instr.kind == InstructionKind::From {
                if let Some(last) = stages.last_mut() {
                    last.instructions.end = i;
                }
                let name = match &instr.args {
                    Args::From(f) => f.alias.as_ref().map(|a| Spanned::new(a.value.to_lowercase(), a.range)),
                    _ => None,
                };
                stages.push(Stage { index: stages.len(), instructions: i..i + 1, name });
            }
        }
        if let Some(last) = stages.last_mut() {
            last.instructions.end = self.df.instructions.len();
        }
        self.df.stages = stages;
    }
}

fn heredoc(m: &Marker, marker: TextRange, body: TextRange, terminator: Option<TextRange>) -> Heredoc {
    Heredoc {
        marker,
        delimiter: m.name.clone(),
        strip_tabs: m.strip_tabs,
        expand: m.expand,
        body,
        terminator,
        fd: m.fd,
    }
}

/// Appends to `shell.script` the commands of every heredoc that a shell runs as a
/// script: `RUN <<EOF` alone (unless a shebang names another interpreter), or a heredoc
/// feeding the standard input of a shell with no `-c` and no script file.
fn add_heredoc_scripts(text: &str, shell: &mut ShellForm, heredocs: &[Heredoc], markers: &[Marker]) {
    let only_marker = markers.len() == 1 && {
        let t = shell.logical.trim();
        find_markers(t).first().is_some_and(|m| m.start == 0 && m.end == t.len())
    };
    for (i, h) in heredocs.iter().enumerate() {
        let body = text.get(std::ops::Range::<usize>::from(h.body)).unwrap_or("");
        let is_script = if only_marker {
            i == 0 && shebang_is_shell(body)
        } else {
            let cmds = &shell.script.commands;
            let consumer = cmds.iter().position(|c| {
                c.redirects.iter().any(|r| r.is_heredoc() && r.range.intersect(h.marker).is_some_and(|x| !x.is_empty()))
            });
            match consumer {
                Some(k) if reads_script_from_stdin(&cmds[k]) => true,
                // `cat <<EOF | sh`: the body reaches a shell through the pipe.
                Some(k) => {
                    cmds[k].pipes_out()
                        && cmds[k].program_basename() == Some("cat")
                        && cmds[k].args().is_empty()
                        && cmds.get(k + 1).is_some_and(reads_script_from_stdin)
                }
                None => false,
            }
        };
        if !is_script {
            continue;
        }
        let mut sub = dockward_shell::tokenize(body);
        sub.map_ranges(|r| r + h.body.start());
        let main_pipes = shell.script.commands.iter().any(Command::pipes_out);
        shell.script.sets_pipefail |= sub.sets_pipefail && !main_pipes;
        shell.script.commands.append(&mut sub.commands);
        shell.script.errors.append(&mut sub.errors);
    }
}

/// Builds a [`Flag`] from a word read by `extract_flags` on `lg.text[base..]`.
fn make_flag(lg: Logical<'_>, base: usize, f: RawFlag) -> Flag {
    let frange = lg.range(base + f.start, base + f.end);
    let body = f.word.get(2..).unwrap_or("");
    let (name_raw_end, value) = match (f.eq, body.find('=')) {
        (Some(eq_at), Some(weq)) => {
            let value = &body[weq + 1..];
            let vrange = lg.range(base + eq_at + 1, base + f.end);
            // Offset of the value in `f.word`.
            let w0 = (weq + 3) as u32;
            let map = value_map(lg, base, &f.pieces, w0, f.word.len() as u32, vrange);
            (eq_at, Some((Spanned::new(value.to_string(), vrange), map)))
        }
        _ => (f.end, None),
    };
    let name_text = match body.find('=') {
        Some(i) => &body[..i],
        None => body,
    };
    let name = Spanned::new(name_text.to_ascii_lowercase(), lg.range(base + f.start + 2, base + name_raw_end));
    let (value, value_map) = match value {
        Some((v, m)) => (Some(v), m),
        None => (None, OffsetMap::default()),
    };
    Flag { range: frange, name, value, value_map }
}

/// The source map of `word[w0..w_end]`, given the word's pieces `(word_offset,
/// input_offset)` (input offsets relative to `base` in the logical line). Empty when
/// the value is a verbatim copy starting at `vrange.start()`.
fn value_map(lg: Logical<'_>, base: usize, pieces: &[(u32, u32)], w0: u32, w_end: u32, vrange: TextRange) -> OffsetMap {
    let mut out: Vec<(u32, u32)> = Vec::new();
    for (i, &(w, inp)) in pieces.iter().enumerate() {
        let next_w = pieces.get(i + 1).map_or(w_end, |p| p.0);
        let (from, to) = (w.max(w0), next_w);
        if to <= from {
            continue;
        }
        // Walk the run in the logical line, splitting at the line's own pieces.
        let mut l = base + (inp + (from - w)) as usize;
        let mut left = (to - from) as usize;
        let mut at = from - w0;
        while left > 0 {
            let src = lg.src(l);
            let idx = lg.pieces.partition_point(|p| p.0 as usize <= l);
            let piece_end = lg.pieces.get(idx).map_or(usize::MAX, |p| p.0 as usize);
            let n = left.min(piece_end - l);
            let contiguous = out.last().is_some_and(|&(pa, ps)| ps + (at - pa) == src);
            if !contiguous {
                out.push((at, src));
            }
            l += n;
            left -= n;
            at += n as u32;
        }
    }
    if out.len() <= 1 && out.first().is_none_or(|&(_, s)| s == u32::from(vrange.start())) {
        return OffsetMap::default();
    }
    OffsetMap { pieces: out }
}
