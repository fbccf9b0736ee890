//! Bad, huge and random input: no panic, bounded work, located errors.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use dockward_dockerfile::semantic::Model;
use dockward_dockerfile::{dump_buildkit, parse, Args, Dockerfile};

mod common;
use common::check_spans;

/// Parses, dumps and models `text`, checking every span.
fn exercise(text: &str) -> Dockerfile {
    let df = parse(text);
    check_spans(text, &df, Path::new("<input>"), false);
    let _ = dump_buildkit(&df, text);
    let m = Model::build(&df, &BTreeMap::new());
    for i in 0..df.instructions.len().min(50) {
        let _ = m.expand_at(i, "${A:-x}$B");
    }
    df
}

#[test]
fn empty_and_comment_only_files() {
    for text in ["", "\n\n", "   ", "\u{feff}", "# only\n# comments\n", "#\n\n  # x \\\n"] {
        let df = exercise(text);
        assert_eq!(df.errors.len(), 1, "{text:?}: {:?}", df.errors);
        assert_eq!(df.errors[0].message, "file with no instructions");
        assert!(df.instructions.is_empty());
    }
}

#[test]
fn broken_json_falls_back_or_errors() {
    let cases = [
        "CMD [",
        "CMD [\"a\"",
        "CMD [\"a\",",
        "CMD [\"a\\",
        "CMD [\"\\u12",
        "CMD [\"a\"]]",
        "CMD [[[[",
        "CMD [\"a\" \"b\"]",
        "CMD [1, \"a\"]",
        "CMD [\"a\", {\"b\": [1, 2, {\"c\": null}]}]",
        "CMD [\"\u{0}\"]",
        "ENTRYPOINT [\"unterminated",
    ];
    for c in cases {
        let text = format!("FROM a\n{c}\n");
        let df = exercise(&text);
        assert_eq!(df.instructions.len(), 2, "{c}");
        for e in &df.errors {
            assert!(!e.range.is_empty(), "{c}: {e:?}");
        }
    }
}

#[test]
fn unterminated_heredoc_is_located() {
    let text = "FROM a\nRUN <<EOF cat\nline\nCOPY <<X /y\n";
    let df = exercise(text);
    assert_eq!(df.errors.len(), 1);
    assert_eq!(&text[df.errors[0].range], "<<EOF");
}

#[test]
fn nul_bytes_and_control_characters() {
    let mut text = String::from("FROM a\u{0}b\nRUN \u{1}\u{7}echo \u{0} \\\n\u{b}\u{c}\u{7f}x\nENV \u{0}=\u{0}\n");
    for c in 0u8..0x20 {
        text.push_str(&format!("LABEL k=\"{}\"\n", c as char));
        text.push(c as char);
        text.push('\n');
    }
    let df = exercise(&text);
    assert!(df.instructions.len() >= 3);
}

#[test]
fn a_one_megabyte_line() {
    let mut text = String::from("FROM a\nRUN echo ");
    text.push_str(&"x".repeat(1 << 20));
    text.push_str("\nRUN next\n");
    let start = Instant::now();
    let df = exercise(&text);
    assert_eq!(df.instructions.len(), 3);
    // BuildKit cannot read a line that long: the error names it.
    assert_eq!(df.errors.len(), 1);
    assert!(df.errors[0].message.contains("max allowed size"));
    assert!(df.errors[0].range.contains(7.into()));
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn ten_thousand_continuation_lines() {
    let mut text = String::from("FROM a\nRUN true \\\n");
    for i in 0..10_000 {
        text.push_str(&format!("  && echo {i} \\\n"));
        if i % 100 == 0 {
            text.push_str("  # a comment\n\n");
        }
    }
    text.push_str("  && finish\nRUN after\n");
    let start = Instant::now();
    let df = exercise(&text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.instructions.len(), 3);
    let sh = df.instructions[1].shell_form().unwrap();
    assert_eq!(sh.script.commands.len(), 10_002);
    let last = sh.script.commands.last().unwrap();
    assert_eq!(&text[last.range], "finish");
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn many_heredocs_and_pairs() {
    let mut text = String::from("FROM a\nENV");
    for i in 0..20_000 {
        text.push_str(&format!(" K{i}=\"v {i}\" \\\n"));
    }
    text.push_str(" Z=1\nRUN");
    for i in 0..2_000 {
        text.push_str(&format!(" <<E{i}"));
    }
    text.push('\n');
    for i in 0..2_000 {
        text.push_str(&format!("body {i}\nE{i}\n"));
    }
    text.push_str("RUN after\n");
    let df = exercise(&text);
    assert!(df.errors.is_empty(), "{:?}", &df.errors[..df.errors.len().min(3)]);
    match &df.instructions[1].args {
        Args::KeyValues(kvs) => {
            assert_eq!(kvs.len(), 20_001);
            assert_eq!(&text[kvs[19_999].range], "K19999=\"v 19999\"");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(df.instructions[2].heredocs.len(), 2_000);
    assert_eq!(df.instructions.len(), 4);
}

#[test]
fn self_doubling_variables_stay_bounded() {
    let mut text = String::from("FROM a\nENV A=0123456789\n");
    for _ in 0..60 {
        text.push_str("ENV A=$A$A$A$A\n");
    }
    text.push_str("RUN x\n");
    let start = Instant::now();
    let df = parse(&text);
    let m = Model::build(&df, &BTreeMap::new());
    let e = m.expand_at(df.instructions.len(), "$A");
    assert!(e.value.len() <= 64 * 1024);
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn deep_nesting() {
    let text = format!(
        "FROM a\nENV A={}x{}\nCMD {}\nRUN {}\n",
        "${B:-".repeat(50_000),
        "}".repeat(50_000),
        "[".repeat(100_000),
        "(".repeat(10_000)
    );
    exercise(&text);
}

#[test]
fn fifty_megabytes() {
    // About 50 MB of simple instructions, parsed in one go: linear time, and the
    // spans at the end are still right.
    let line = "RUN echo \"a line of a generated fifty megabyte Dockerfile, nothing more\"\n";
    let mut text = String::with_capacity(50 << 20);
    text.push_str("FROM alpine\n");
    while text.len() < 50 << 20 {
        text.push_str(line);
    }
    let start = Instant::now();
    let df = parse(&text);
    let took = start.elapsed();
    assert!(df.errors.is_empty());
    assert_eq!(df.instructions.len(), 1 + (text.len() - 12) / line.len());
    let last = df.instructions.last().unwrap();
    assert_eq!(&text[last.range], line.trim_end());
    assert!(took < Duration::from_secs(120), "{took:?}");
}

/// A small deterministic generator (no dependency on a random crate).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn random_token_soup() {
    const TOKENS: &[&str] = &[
        "FROM ",
        "RUN ",
        "COPY ",
        "ADD ",
        "ENV ",
        "ARG ",
        "LABEL ",
        "ONBUILD ",
        "HEALTHCHECK ",
        "CMD ",
        "SHELL ",
        "EXPOSE ",
        "USER ",
        "WORKDIR ",
        "FOO ",
        "--mount=",
        "--from=",
        "type=cache,",
        "\"",
        "'",
        "\\",
        "`",
        "\n",
        "\r\n",
        " ",
        "\t",
        "#",
        "# escape=`\n",
        "<<",
        "<<-",
        "EOF",
        "\nEOF\n",
        "[",
        "]",
        ",",
        "=",
        "$",
        "${",
        "}",
        ":-",
        "#",
        "%",
        "/",
        "AS ",
        "x",
        "é",
        "😀",
        "\u{0}",
        "\u{feff}",
        "NONE",
        "&&",
        "|",
        ";",
        "(",
        ")",
    ];
    let mut rng = Lcg(0x5eed);
    let (mut instructions, mut errors, mut heredocs) = (0, 0, 0);
    for _ in 0..5_000 {
        let n = 1 + (rng.next() % 80) as usize;
        let mut text = String::new();
        for _ in 0..n {
            text.push_str(TOKENS[(rng.next() as usize) % TOKENS.len()]);
        }
        let df = exercise(&text);
        instructions += df.instructions.len();
        errors += df.errors.len();
        heredocs += df.instructions.iter().map(|i| i.heredocs.len()).sum::<usize>();
    }
    // The soup must reach the interesting paths.
    assert!(instructions > 10_000 && errors > 1_000 && heredocs > 50, "{instructions} {errors} {heredocs}");
}
