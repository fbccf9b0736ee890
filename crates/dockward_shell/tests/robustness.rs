//! No panics, valid ranges and linear time on real and hostile input.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use dockward_shell::{tokenize, Script, MAX_NESTING};
use dockward_source::TextRange;

/// Every range lies inside `text` on char boundaries, words lie inside their command,
/// and commands come in source order.
fn check_ranges(text: &str, script: &Script) {
    let ok = |r: TextRange| {
        let (s, e) = (usize::from(r.start()), usize::from(r.end()));
        e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
    };
    let mut prev_end = 0usize;
    for cmd in &script.commands {
        assert!(ok(cmd.range), "command range {:?} in {text:?}", cmd.range);
        assert!(usize::from(cmd.range.start()) >= prev_end, "commands out of order in {text:?}");
        prev_end = cmd.range.end().into();
        let words = cmd.assignments.iter().chain(&cmd.argv);
        let targets = cmd.redirects.iter().filter_map(|r| r.target.as_ref());
        for w in words.chain(targets) {
            assert!(ok(w.range) && cmd.range.contains_range(w.range), "word {w:?} in {text:?}");
        }
        for r in &cmd.redirects {
            assert!(ok(r.range) && cmd.range.contains_range(r.range), "redirect {r:?} in {text:?}");
        }
    }
    for (r, _) in &script.errors {
        assert!(ok(*r), "error range {r:?} in {text:?}");
    }
}

fn run(text: &str) -> Script {
    let script = tokenize(text);
    check_ranges(text, &script);
    script
}

/// Generous: a linear pass over a megabyte takes milliseconds, a quadratic one hours.
fn timed(what: &str, text: &str) -> Script {
    let start = Instant::now();
    let script = run(text);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(10), "{what}: {took:?}");
    script
}

const CORPUS: &str = "/work/shared/corpus/dockerfiles";

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else if path.file_name().is_some_and(|n| n.to_string_lossy().contains("Dockerfile")) {
            out.push(path);
        }
    }
}

/// Crude RUN extraction: joins `\`-continued lines (dropping comment lines inside,
/// as BuildKit does), strips `RUN` and its `--flags`, skips the exec form.
fn run_texts(dockerfile: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = dockerfile.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.len() < 4 || !trimmed[..4].eq_ignore_ascii_case("run ") {
            continue;
        }
        let mut text = trimmed[4..].to_string();
        while text.trim_end().ends_with('\\') {
            let keep = text.trim_end().len() - 1;
            text.truncate(keep);
            let Some(next) = lines.by_ref().find(|l| !l.trim_start().starts_with('#')) else { break };
            text.push_str(next);
        }
        let mut rest = text.trim_start();
        while let Some(flag) = rest.strip_prefix("--") {
            rest = flag.split_once(char::is_whitespace).map_or("", |(_, r)| r).trim_start();
        }
        if !rest.starts_with('[') {
            out.push(rest.to_string());
        }
    }
    out
}

#[test]
fn corpus_run_lines() {
    let mut files = Vec::new();
    files_under(Path::new(CORPUS), &mut files);
    if files.is_empty() {
        eprintln!("skipped: no Dockerfiles under {CORPUS}");
        return;
    }
    let (mut runs, mut commands) = (0usize, 0usize);
    let mut misread = Vec::new();
    for file in &files {
        let Ok(content) = std::fs::read_to_string(file) else { continue };
        // Windows images run PowerShell, which is not shell syntax.
        let powershell = file.to_string_lossy().contains("windows");
        for text in run_texts(&content) {
            let script = run(&text);
            runs += 1;
            commands += script.commands.len();
            if !script.errors.is_empty() && !powershell {
                misread.push((file.clone(), script.errors));
            }
        }
    }
    eprintln!("{} files, {runs} RUNs, {commands} commands", files.len());
    assert!(runs > 500, "extraction found only {runs} RUN instructions");
    assert!(commands > runs, "most RUNs chain several commands");
    assert!(misread.is_empty(), "errors in shell RUNs: {misread:#?}");
}

#[test]
fn corpus_sample_reads_as_expected() {
    let text = r#"set -eux; apk add --no-cache --virtual .build-deps gcc; savedAptMark="$(apt-mark showmanual)"; apt-get update; dpkgArch="$(dpkg --print-architecture)"; case "${dpkgArch##*-}" in amd64) arch='x86_64' ;; *) echo >&2 "error: unsupported architecture ($dpkgArch)"; exit 1 ;; esac; wget -O go.tgz "$url"; echo "$sha256 *go.tgz" | sha256sum -c -; tar -C /usr/local -xzf go.tgz"#;
    let s = run(text);
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let programs: Vec<Option<&str>> = s.commands.iter().map(|c| c.program()).collect();
    assert_eq!(
        programs,
        [
            Some("set"),
            Some("apk"),
            None,
            Some("apt-get"),
            None,
            None,
            Some("echo"),
            Some("exit"),
            Some("wget"),
            Some("echo"),
            Some("sha256sum"),
            Some("tar"),
        ]
    );
    assert_eq!(s.commands[2].assignments[0].text, "savedAptMark=$(apt-mark showmanual)");
    assert_eq!(s.commands[6].redirects[0].op, ">&");
    assert!(s.commands[9].pipes_out());
    assert!(!s.sets_pipefail);
}

#[test]
fn one_megabyte_line() {
    let line = "apt-get install -y pkg && ".repeat(40_000) + "true";
    let s = timed("1 MB of commands", &line);
    assert_eq!(s.commands.len(), 40_001);

    let word = "a".repeat(1 << 20);
    let s = timed("1 MB word", &word);
    assert_eq!(s.commands[0].argv[0].text.len(), 1 << 20);

    let quoted = format!("echo \"{}", "x$y ".repeat(1 << 18));
    let s = timed("1 MB unterminated quote", &quoted);
    assert_eq!(s.errors.len(), 1);
}

#[test]
fn ten_thousand_continuation_lines() {
    let text = "apt-get install -y \\\n".repeat(10_000) + "curl";
    let s = timed("continuations", &text);
    assert_eq!(s.commands.len(), 1);
    assert_eq!(s.commands[0].argv.len(), 30_001);

    let glued = "a\\\n".repeat(10_000);
    let s = timed("continuations inside a word", &glued);
    assert_eq!(s.commands[0].argv[0].text, "a".repeat(10_000));
}

#[test]
fn deep_nesting_is_bounded() {
    for (what, open, close) in [
        ("subshells", "( ", " )"),
        ("groups", "{ ", " }"),
        ("command substitutions", "$(", ")"),
        ("parameter expansions", "${", "}"),
        ("quoted substitutions", "\"$(", ")\""),
        ("arithmetic expansions", "$((", "))"),
    ] {
        let text = format!("echo; {}a{}", open.repeat(10_000), close.repeat(10_000));
        let s = timed(what, &text);
        let deep: Vec<&String> = s.errors.iter().map(|(_, m)| m).filter(|m| m.contains("nesting")).collect();
        assert_eq!(deep.len(), 1, "{what}: {:?}", s.errors);
        assert_eq!(s.commands[0].program(), Some("echo"), "{what}: earlier commands survive");
    }
    // `((...))` is scanned with a counter, not a stack: any depth is one arithmetic command.
    let arith = format!("{}a{} && b", "((".repeat(10_000), "))".repeat(10_000));
    let s = timed("arithmetic command", &arith);
    assert!(s.errors.is_empty());
    assert_eq!(s.commands.len(), 1);

    let nested = |n: usize| format!("{}a{}", "( ".repeat(n), " )".repeat(n));
    let s = run(&nested(MAX_NESTING));
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(s.commands[0].depth as usize, MAX_NESTING);
    let s = run(&nested(MAX_NESTING + 1));
    assert_eq!(s.errors.len(), 1);
    assert!(s.commands.is_empty());
}

#[test]
fn long_runs_of_one_character() {
    for c in ["(", ")", "((", "{", "}", ";", ";;", "|", "&", "<", ">", "\\", "'", "\"", "`", "$", "#", "\n", "<<E\n"] {
        let text = c.repeat(200_000);
        let s = timed(c, &text);
        assert!(s.errors.len() <= 101, "{c:?}: errors are capped");
    }
}

#[test]
fn many_case_words_in_one_substitution() {
    let text = format!("x=$({}", "case a in b) ".repeat(100_000));
    let s = timed("case look-ahead", &text);
    assert_eq!(s.errors.len(), 1, "{:?}", s.errors);
}

#[test]
fn unterminated_constructs() {
    for text in [
        "'",
        "\"",
        "$(",
        "${",
        "`",
        "$'",
        "\"$(",
        "$((",
        "cat <<EOF\n",
        "((",
        "a=(",
        "<(",
        "case",
        "for",
        "function",
        "f(",
        "[[ a",
    ] {
        run(text);
    }
}

/// A xorshift generator: enough to vary inputs reproducibly without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_shell_like_input() {
    const PIECES: &[&str] = &[
        " ", " ", "a", "b", "x=1", "\n", "\\\n", "\\", ";", ";;", "&", "&&", "|", "||", "|&", "(", ")", "((", "))",
        "{", "}", "{ ", " }", "<", ">", ">>", "2>&1", "<<", "<<-", "<<<", "EOF", "\nEOF\n", "'", "\"", "`", "$", "$(",
        "${", "$((", "$'", "\\'", "#", "if", "then", "fi", "for", "in", "do", "done", "case", "esac", ")", "function",
        "[[", "]]", "!", "é", "ß", "日本", "set", "-o", "pipefail", "\r\n", "\t",
    ];
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..20_000 {
        let len = rng.below(40);
        let text: String = (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect();
        run(&text);
    }
}

#[test]
fn random_bytes() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..5_000 {
        let len = rng.below(200);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        run(&String::from_utf8_lossy(&bytes));
    }
}
