//! Reading RUN commands for the security rules: every simple command a RUN executes
//! (shell form, heredoc scripts, exec form, and the script of `sh -c '...'`), the
//! program behind wrappers such as `sudo` and `env`, and option lookup that
//! understands clusters (`-fsSLk`), `--name=value` and `--`.

use std::borrow::Cow;

use dockward_dockerfile::{CommandArgs, Dockerfile, Instruction, InstructionKind};
use dockward_shell::{Command, Script, ThinVec, Word};
use dockward_source::{TextRange, TextSize};

/// One RUN's commands: the instruction index and a script whose ranges are source
/// ranges (borrowed from the parsed file when it is the RUN's own: a dozen rules ask
/// for every RUN, and copying each script for each of them doubled the peak memory of
/// a large file).
pub(crate) struct RunScript<'d> {
    pub instruction: usize,
    pub script: Cow<'d, Script>,
    /// The RUN is an `ONBUILD RUN` trigger: it runs in the builds of images made
    /// `FROM` this one, not in this build.
    pub onbuild: bool,
}

const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"];

/// Every RUN of the file with its commands, plus one script per `sh -c '<script>'`
/// found in them (recursively, a few levels deep). `ONBUILD RUN` triggers are included
/// (marked `onbuild`): a `curl | sh` or a disabled TLS check is as dangerous when it
/// runs in every downstream build.
pub(crate) fn run_scripts(df: &Dockerfile) -> Vec<RunScript<'_>> {
    let mut out = Vec::new();
    for (i, outer) in df.instructions.iter().enumerate() {
        let onbuild = outer.kind == InstructionKind::Onbuild;
        let instr = outer.onbuild_inner().unwrap_or(outer);
        if instr.kind != InstructionKind::Run {
            continue;
        }
        let script = match exec_argv_script(instr) {
            Some(argv) => Cow::Owned(argv),
            None => match instr.shell_form() {
                Some(shell) => Cow::Borrowed(&shell.script),
                None => continue,
            },
        };
        let mut pending = vec![(script, 0u32)];
        while let Some((script, depth)) = pending.pop() {
            if depth < 3 {
                for cmd in &script.commands {
                    if let Some((inner, _)) = shell_c_script(&df.source, cmd) {
                        pending.push((Cow::Owned(inner), depth + 1));
                    }
                    let execs = find_exec_commands(cmd);
                    if !execs.is_empty() {
                        pending.push((Cow::Owned(Script { commands: execs, ..Script::default() }), depth + 1));
                    }
                }
            }
            out.push(RunScript { instruction: i, script, onbuild });
        }
    }
    out.sort_by_key(|r| r.instruction);
    out
}

/// The argv of an exec-form RUN (`RUN ["apt-get", "install", "x"]`) as one command.
/// Each element is one word, never shell-parsed: a `|` element is a literal argument.
fn exec_argv_script(instr: &Instruction) -> Option<Script> {
    let Some(CommandArgs::Exec { argv, range }) = instr.command() else { return None };
    let words: Vec<Word> = argv
        .iter()
        .map(|a| Word { text: a.value.as_str().into(), range: a.range, quoted: true, has_expansion: false })
        .collect();
    if words.is_empty() {
        return None;
    }
    Some(Script {
        commands: vec![Command {
            assignments: ThinVec::new(),
            argv: words.into_iter().collect(),
            redirects: ThinVec::new(),
            range: *range,
            preceded_by: None,
            followed_by: None,
            depth: 0,
        }],
        ..Script::default()
    })
}

/// The commands one RUN instruction executes, as one script, in either form: the shell
/// form's script (heredoc scripts included); for the exec form the argv as one command,
/// or, when that command is a shell given `-c <script>` (also after `sudo`), the script
/// the shell runs. This is the one view the rules read RUN through, so that none of
/// them skips the exec form.
pub(crate) struct RunCommands<'a> {
    pub script: Cow<'a, Script>,
    /// True when every word's range is where its text is written, so that a fix can
    /// insert shell text next to it. False for exec-form argv (an edit there would have
    /// to be JSON) and for a `-c` script written with JSON escapes.
    pub fixable: bool,
}

impl RunCommands<'_> {
    /// The commands, in order.
    pub fn commands(&self) -> &[Command] {
        &self.script.commands
    }
}

/// See [`RunCommands`]. `None` for an instruction that is not a RUN or has nothing to
/// run.
pub(crate) fn run_commands<'a>(source: &str, instr: &'a Instruction) -> Option<RunCommands<'a>> {
    if instr.kind != InstructionKind::Run {
        return None;
    }
    if let Some(shell) = instr.shell_form() {
        return Some(RunCommands { script: Cow::Borrowed(&shell.script), fixable: true });
    }
    let outer = exec_argv_script(instr)?;
    if let Some((inner, verbatim)) = shell_c_script(source, &outer.commands[0]) {
        return Some(RunCommands { script: Cow::Owned(inner), fixable: verbatim });
    }
    Some(RunCommands { script: Cow::Owned(outer), fixable: false })
}

/// The commands `find ... -exec CMD ARGS {} ;` (also `-execdir`, `-ok`, `+`) runs.
fn find_exec_commands(cmd: &Command) -> Vec<Command> {
    let argv = effective_argv(cmd);
    if argv.first().map(|w| basename(&w.text)) != Some("find") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        if matches!(argv[i].text.as_str(), "-exec" | "-execdir" | "-ok" | "-okdir") {
            let start = i + 1;
            let end =
                argv[start..].iter().position(|w| w.text == ";" || w.text == "+").map_or(argv.len(), |p| start + p);
            if end > start {
                let words = argv[start..end].to_vec();
                let range = words[0].range.cover(words[words.len() - 1].range);
                out.push(Command {
                    assignments: ThinVec::new(),
                    argv: words.into_iter().collect(),
                    redirects: ThinVec::new(),
                    range,
                    preceded_by: None,
                    followed_by: None,
                    depth: cmd.depth,
                });
            }
            i = end;
        }
        i += 1;
    }
    out
}

/// The script of `sh -c '<script>'` (also `bash -ec`, `sh -xc`), tokenized and mapped
/// to the source. When the word is not written verbatim (escapes inside quotes), every
/// range points at the whole word, and the flag returned is false.
fn shell_c_script(source: &str, cmd: &Command) -> Option<(Script, bool)> {
    let argv = effective_argv(cmd);
    let prog = basename(&argv.first()?.text);
    if !SHELLS.contains(&prog) {
        return None;
    }
    let mut args = argv[1..].iter();
    let script_word = loop {
        let w = args.next()?;
        if w.text.starts_with('-') && !w.text.starts_with("--") && w.text.ends_with('c') {
            break args.next()?;
        }
        if !w.text.starts_with('-') && !w.text.starts_with('+') {
            return None;
        }
    };
    let mut script = dockward_shell::tokenize(&script_word.text);
    let verbatim = verbatim_start(source, script_word);
    match verbatim {
        Some(start) => script.map_ranges(|r| r + start),
        None => script.map_ranges(|_| script_word.range),
    }
    Some((script, verbatim.is_some()))
}

/// The source offset where `word.text` is written byte for byte, if it is: unquoted
/// and unescaped, or wrapped in one pair of quotes with nothing to unescape.
fn verbatim_start(source: &str, word: &Word) -> Option<TextSize> {
    let written = source.get(std::ops::Range::<usize>::from(word.range))?;
    if written == word.text {
        return Some(word.range.start());
    }
    let inner = written.get(1..written.len().checked_sub(1)?)?;
    let quote = written.as_bytes()[0];
    (matches!(quote, b'"' | b'\'') && written.as_bytes()[written.len() - 1] == quote && inner == word.text)
        .then(|| word.range.start() + TextSize::from(1))
}

/// The source range of `word.text[start..end]`, or the whole word when the text is
/// not written verbatim.
pub(crate) fn word_subrange(source: &str, word: &Word, start: usize, end: usize) -> TextRange {
    if let Some(s) = verbatim_start(source, word) {
        return TextRange::new(s + TextSize::from(start as u32), s + TextSize::from(end as u32));
    }
    // `NAME='value'`: a verbatim prefix, then the rest in one pair of quotes.
    let written = source.get(std::ops::Range::<usize>::from(word.range)).unwrap_or("");
    if end == word.text.len() && written.starts_with(&word.text[..start]) {
        let rest = &written[start..];
        let quoted = rest.len() >= 2 && matches!(rest.as_bytes()[0], b'"' | b'\'') && rest.ends_with(&rest[..1]);
        if quoted && rest[1..rest.len() - 1] == word.text[start..] {
            let s = word.range.start() + TextSize::from(start as u32 + 1);
            return TextRange::new(s, s + TextSize::from((end - start) as u32));
        }
    }
    word.range
}

pub(crate) fn basename(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

/// argv without the wrappers that run another command: `sudo [opts]`, `env [opts]
/// [A=b]`, `xargs [opts]`, `command`, `exec`, `nohup`, `time`, `nice`.
pub(crate) fn effective_argv(cmd: &Command) -> &[Word] {
    let mut argv = cmd.argv.as_slice();
    for _ in 0..4 {
        let Some(first) = argv.first() else { break };
        let mut i = 1;
        match basename(&first.text) {
            "sudo" | "doas" => {
                while let Some(w) = argv.get(i) {
                    if w.text == "--" {
                        i += 1;
                        break;
                    }
                    if !w.text.starts_with('-') {
                        break;
                    }
                    // Options that take a value as the next word.
                    if matches!(w.text.as_str(), "-u" | "-g" | "-C" | "-D" | "-h" | "-p" | "-r" | "-t" | "-U") {
                        i += 1;
                    }
                    i += 1;
                }
            }
            "env" => {
                while let Some(w) = argv.get(i) {
                    if w.text.starts_with('-') {
                        if matches!(w.text.as_str(), "-u" | "-C" | "-S") {
                            i += 1;
                        }
                        i += 1;
                    } else if w.as_assignment().is_some() {
                        i += 1;
                    } else {
                        break;
                    }
                }
            }
            "xargs" => {
                while let Some(w) = argv.get(i) {
                    if !w.text.starts_with('-') {
                        break;
                    }
                    if matches!(w.text.as_str(), "-I" | "-n" | "-P" | "-L" | "-d" | "-s" | "-E" | "-a") {
                        i += 1;
                    }
                    i += 1;
                }
            }
            "command" | "exec" | "nohup" | "time" => {}
            "nice" => {
                if argv.get(1).is_some_and(|w| w.text == "-n") {
                    i = 3;
                }
            }
            _ => break,
        }
        argv = argv.get(i..).unwrap_or(&[]);
    }
    argv
}

/// The `NAME=value` words that apply to the command: its leading assignments and
/// those given to `env`.
pub(crate) fn env_assignments(cmd: &Command) -> impl Iterator<Item = &Word> {
    let env_args = match cmd.program_basename() {
        Some("env") => cmd.args(),
        _ => &[],
    };
    cmd.assignments.iter().chain(env_args.iter().filter(|w| w.as_assignment().is_some()))
}

/// The program name (basename) of the effective command.
pub(crate) fn program(cmd: &Command) -> Option<&str> {
    effective_argv(cmd).first().map(|w| basename(&w.text))
}

/// Arguments of the effective command (after the program).
pub(crate) fn arguments(cmd: &Command) -> &[Word] {
    effective_argv(cmd).get(1..).unwrap_or(&[])
}

/// Options up to `--`.
pub(crate) fn options(args: &[Word]) -> &[Word] {
    match args.iter().position(|w| w.text == "--") {
        Some(i) => &args[..i],
        None => args,
    }
}

/// A long option named `name` (`--name` or `--name=value`).
pub(crate) fn long_flag<'w>(args: &'w [Word], name: &str) -> Option<&'w Word> {
    options(args).iter().find(|w| is_long(w, name))
}

pub(crate) fn is_long(w: &Word, name: &str) -> bool {
    w.text
        .strip_prefix("--")
        .and_then(|r| r.strip_prefix(name))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('='))
}

/// The value of an option: after `=` in the same word, else the next word.
pub(crate) struct OptValue<'w> {
    pub word: &'w Word,
    /// Byte offset of the value in `word.text`.
    pub start: usize,
}

impl OptValue<'_> {
    pub fn text(&self) -> &str {
        &self.word.text[self.start..]
    }
    pub fn range(&self, source: &str) -> TextRange {
        word_subrange(source, self.word, self.start, self.word.text.len())
    }
}

/// The value of the long option at `args[i]` (`--name=value` or `--name value`).
pub(crate) fn long_value(args: &[Word], i: usize) -> Option<OptValue<'_>> {
    let w = args.get(i)?;
    match w.text.find('=') {
        Some(eq) => Some(OptValue { word: w, start: eq + 1 }),
        None => args.get(i + 1).map(|n| OptValue { word: n, start: 0 }),
    }
}

/// The first short option `flag` in a cluster (`-k`, `-fsSLk`). Letters of `takes_value`
/// end a cluster: what follows them is their value. Returns the word and the offset
/// of the letter.
pub(crate) fn short_flag<'w>(args: &'w [Word], flag: char, takes_value: &str) -> Option<(&'w Word, usize)> {
    let opts = options(args);
    let mut i = 0;
    while i < opts.len() {
        let w = &opts[i];
        i += 1;
        let Some(cluster) = w.text.strip_prefix('-') else { continue };
        if cluster.starts_with('-') || cluster.is_empty() {
            continue;
        }
        for (pos, c) in cluster.char_indices() {
            if c == flag {
                return Some((w, pos + 1));
            }
            if takes_value.contains(c) {
                if pos + c.len_utf8() == cluster.len() {
                    i += 1; // the value is the next word
                }
                break;
            }
        }
    }
    None
}

/// Package-manager install commands: the package words they install.
pub(crate) fn installed_packages(cmd: &Command) -> Vec<&Word> {
    let argv = effective_argv(cmd);
    let Some(prog) = argv.first().map(|w| basename(&w.text)) else { return Vec::new() };
    let subcommands: &[&str] = match prog {
        "apt-get" | "apt" | "aptitude" => &["install"],
        "apk" => &["add"],
        "yum" | "microdnf" => &["install", "groupinstall"],
        "dnf" | "dnf5" | "tdnf" => &["install", "in", "groupinstall"],
        "zypper" => &["install", "in"],
        "pacman" => &["-S", "-Sy", "-Syu"],
        _ => return Vec::new(),
    };
    let args = &argv[1..];
    let Some(sub) = args.iter().position(|w| subcommands.contains(&w.text.as_str())) else { return Vec::new() };
    // Options of these tools that take the next word as their value.
    let valued = ["-o", "-t", "--target-release", "--repo", "-X", "--repository", "--setopt", "-c", "--virtual"];
    let mut out = Vec::new();
    let mut skip = false;
    for w in &args[sub + 1..] {
        if skip {
            skip = false;
            continue;
        }
        if w.text.starts_with('-') {
            skip = valued.contains(&w.text.as_str());
            continue;
        }
        out.push(w);
    }
    out
}

/// True if the package spec `spec` names `package` (`openssh-server`,
/// `openssh-server=1:9.2`, `openssh-server-8.0p1`).
pub(crate) fn names_package(spec: &str, package: &str) -> bool {
    let Some(rest) = spec.strip_prefix(package) else { return false };
    rest.is_empty()
        || rest.starts_with(['=', '>', '<', '~', ':'])
        || rest.strip_prefix('-').is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        || rest.starts_with(".x86_64")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scripts(text: &str) -> Vec<(String, Vec<String>)> {
        let df = dockward_dockerfile::parse(text);
        run_scripts(&df)
            .iter()
            .flat_map(|s| s.script.commands.iter())
            .map(|c| (program(c).unwrap_or("").to_string(), arguments(c).iter().map(|w| w.text.to_string()).collect()))
            .collect()
    }

    #[test]
    fn reaches_nested_and_exec_form_commands() {
        let got = scripts("FROM a\nRUN sudo -u x env A=1 curl -k https://x\n");
        assert_eq!(got[0].0, "curl");
        let got = scripts("FROM a\nRUN [\"sh\", \"-c\", \"curl -k https://x\"]\n");
        assert!(got.iter().any(|(p, a)| p == "curl" && a[0] == "-k"), "{got:?}");
        let got = scripts("FROM a\nRUN bash -ec 'wget --no-check-certificate x'\n");
        assert!(got.iter().any(|(p, _)| p == "wget"), "{got:?}");
        let got = scripts("FROM a\nRUN find / -perm /6000 -type f -exec chmod a-s {} \\; || true\n");
        assert!(got.iter().any(|(p, a)| p == "chmod" && a == &["a-s", "{}"]), "{got:?}");
    }

    #[test]
    fn nested_spans_are_exact() {
        let text = "FROM a\nRUN sh -c 'curl -k https://x'\n";
        let df = dockward_dockerfile::parse(text);
        let runs = run_scripts(&df);
        let curl = runs.iter().flat_map(|r| &r.script.commands).find(|c| program(c) == Some("curl")).unwrap();
        assert_eq!(&text[curl.argv[1].range], "-k");
    }

    #[test]
    fn short_flags_in_clusters() {
        let s = dockward_shell::tokenize("curl -fsSLk -o out -H -k x");
        let args = s.commands[0].args();
        assert_eq!(short_flag(args, 'k', "oH").map(|(w, p)| (w.text.as_str(), p)), Some(("-fsSLk", 5)));
        let s = dockward_shell::tokenize("curl -o -k x");
        assert!(short_flag(s.commands[0].args(), 'k', "o").is_none());
        let s = dockward_shell::tokenize("curl -- -k");
        assert!(short_flag(s.commands[0].args(), 'k', "o").is_none());
    }

    #[test]
    fn package_names() {
        assert!(names_package("openssh-server", "openssh-server"));
        assert!(names_package("openssh-server=1:9.2p1", "openssh-server"));
        assert!(names_package("openssh-server-8.0p1", "openssh-server"));
        assert!(!names_package("openssh-server-extras", "openssh-server"));
        let s = dockward_shell::tokenize("apt-get -y install --no-install-recommends gcc make");
        let p: Vec<_> = installed_packages(&s.commands[0]).iter().map(|w| w.text.clone()).collect();
        assert_eq!(p, ["gcc", "make"]);
        let s = dockward_shell::tokenize("apk add --no-cache --virtual .deps gcc");
        let p: Vec<_> = installed_packages(&s.commands[0]).iter().map(|w| w.text.clone()).collect();
        assert_eq!(p, ["gcc"]);
    }
}
