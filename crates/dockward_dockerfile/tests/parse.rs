//! The grammar, piece by piece.

use dockward_dockerfile::*;
use dockward_source::{LineIndex, TextRange};

fn ok(text: &str) -> Dockerfile {
    let df = parse(text);
    assert!(df.errors.is_empty(), "unexpected errors: {:?}", df.errors);
    df
}

fn s(text: &str, r: TextRange) -> &str {
    &text[r]
}

fn dump(text: &str) -> String {
    dump_buildkit(&parse(text), text)
}

fn shell(i: &Instruction) -> &ShellForm {
    i.shell_form().expect("shell form")
}

fn kvs(i: &Instruction) -> &[KeyValue] {
    match &i.args {
        Args::KeyValues(k) => k,
        other => panic!("not key/values: {other:?}"),
    }
}

#[test]
fn directives_at_the_top_only() {
    let t = "\u{feff}# Syntax = docker/dockerfile:1.7 \n#ESCAPE=`\n  # check=skip=JSONArgsRecommended\n# syntax=again\nFROM a\n";
    let df = parse(t);
    // The repeated directive is kept (so that it can be linted) but has no effect.
    assert_eq!(df.directives.len(), 4);
    assert_eq!(df.directives[0].name.value, "syntax");
    assert_eq!(df.directives[0].value.value, "docker/dockerfile:1.7");
    assert_eq!(s(t, df.directives[0].value.range), "docker/dockerfile:1.7");
    assert_eq!(s(t, df.directives[0].name.range), "Syntax");
    assert_eq!(df.escape, '`');
    assert_eq!(df.directive("check").unwrap().value.value, "skip=JSONArgsRecommended");
    // The repeated syntax directive is an error, located on its line.
    assert_eq!(df.errors.len(), 1, "{:?}", df.errors);
    assert_eq!(s(t, df.errors[0].range), "# syntax=again");

    // A blank line or an ordinary comment ends the block.
    let t = "# hello\n# escape=`\nFROM a\nRUN a \\\n  b\n";
    let df = ok(t);
    assert!(df.directives.is_empty());
    assert_eq!(shell(&df.instructions[1]).logical, "a   b");
    assert_eq!(df.escape, '\\');
    assert_eq!(df.comments.len(), 2);
    let t = "\n# escape=`\nFROM a\n";
    assert!(ok(t).directives.is_empty());
    // Unknown keys are comments (and end the block).
    let t = "# foo=bar\n# escape=`\nFROM a\n";
    assert!(ok(t).directives.is_empty());
}

#[test]
fn invalid_escape_directive() {
    let t = "# escape=x\nFROM a\n";
    let df = parse(t);
    assert_eq!(df.errors.len(), 1);
    assert_eq!(s(t, df.errors[0].range), "x");
    assert_eq!(df.escape, '\\');
    assert_eq!(df.instructions.len(), 1);
}

#[test]
fn backtick_escape() {
    let t = "# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir c:\\ `\n    && echo done\nCOPY a\\b `\n  c:\\x\\\n";
    let df = ok(t);
    let run = &df.instructions[1];
    assert_eq!(shell(run).logical, "dir c:\\     && echo done");
    assert_eq!(dump(t).lines().nth(2), Some(r#"(copy "a\\b" "c:\\x\\")"#));
}

#[test]
fn continuation_with_comments_and_blank_lines() {
    let t =
        "FROM a\nRUN apt-get update \\\n  # refresh\n\n   \n  && apt-get install -y \\\n     curl   # not a comment\n";
    let df = ok(t);
    let run = &df.instructions[1];
    let sh = shell(run);
    assert_eq!(sh.logical, "apt-get update   && apt-get install -y      curl   # not a comment");
    assert_eq!(df.comments.len(), 1);
    assert!(df.comments[0].inside_instruction);
    assert_eq!(s(t, df.comments[0].text), "refresh");
    let empty: Vec<&str> = df.empty_continuation_lines.iter().map(|r| s(t, *r)).collect();
    assert_eq!(empty, vec!["", "   "]);
    // Spans of logical pieces map back to the source.
    let at = sh.logical.find("curl").unwrap() as u32;
    let r = sh.map.range_to_source(TextRange::new(at.into(), (at + 4).into()));
    assert_eq!(s(t, r), "curl");
    let at = sh.logical.find("install").unwrap() as u32;
    let r = sh.map.range_to_source(TextRange::new(at.into(), (at + 7).into()));
    assert_eq!(s(t, r), "install");
    // A range across the joint keeps the removed text inside it.
    let at = sh.logical.find("-y").unwrap() as u32;
    let r = sh.map.range_to_source(TextRange::new(at.into(), (at + 12).into()));
    assert_eq!(s(t, r), "-y \\\n     curl");
    // The instruction ends on the last continuation line.
    let index = LineIndex::new(t);
    assert_eq!(run.line_span(&index), (2, 7));
    // Script words point into the source too.
    let curl = sh.script.commands.iter().flat_map(|c| &c.argv).find(|w| w.text == "curl").unwrap();
    assert_eq!(s(t, curl.range), "curl");
    let get = &sh.script.commands[1].argv[0];
    assert_eq!(s(t, get.range), "apt-get");
}

#[test]
fn continuation_edge_cases() {
    // Escaped escape at the end is not a continuation; a lone escape line joins.
    let t = "FROM a\nENV A=b\\\\\nENV B hello\\\n\\\nworld\nRUN x \\";
    let df = ok(t);
    assert_eq!(df.instructions.len(), 4);
    assert_eq!(kvs(&df.instructions[1])[0].value.as_ref().unwrap().value, "b\\");
    assert_eq!(kvs(&df.instructions[2])[0].value.as_ref().unwrap().value, "helloworld");
    assert_eq!(shell(&df.instructions[3]).logical, "x");
    // CRLF line ends.
    let t = "FROM a\r\nRUN echo \\\r\n  hi\r\n";
    let df = ok(t);
    assert_eq!(shell(&df.instructions[1]).logical, "echo   hi");
    assert_eq!(s(t, df.instructions[1].range), "RUN echo \\\r\n  hi");
}

#[test]
fn keywords_keep_their_case_and_spans() {
    let t = "from a\n  Run echo\nWORKDIR /x\n";
    let df = ok(t);
    assert_eq!(df.instructions[1].kind, InstructionKind::Run);
    assert_eq!(df.instructions[1].keyword.value, "Run");
    assert_eq!(s(t, df.instructions[1].keyword.range), "Run");
    assert_eq!(s(t, df.instructions[1].range), "Run echo");
}

#[test]
fn unknown_instruction_is_an_error_and_parsing_goes_on() {
    let t = "FROM a\nFOO bar baz\nRUN x\n";
    let df = parse(t);
    assert_eq!(df.instructions.len(), 3);
    assert_eq!(df.instructions[1].kind, InstructionKind::Unknown);
    assert_eq!(df.errors.len(), 1);
    assert_eq!(s(t, df.errors[0].range), "FOO");
    match &df.instructions[1].args {
        Args::Text(t2) => assert_eq!(t2.value, "bar baz"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn flags() {
    let t = "FROM --platform=$BUILDPLATFORM golang AS build\nCOPY --from=build --chown=1000:1000 --chmod=755 --link --exclude='*.md' --parents src /dst\n";
    let df = ok(t);
    let from = &df.instructions[0];
    let p = from.flag("platform").unwrap();
    assert_eq!(p.value.as_ref().unwrap().value, "$BUILDPLATFORM");
    assert_eq!(s(t, p.range), "--platform=$BUILDPLATFORM");
    assert_eq!(s(t, p.name.range), "platform");
    let copy = &df.instructions[1];
    let names: Vec<&str> = copy.flags.iter().map(|f| f.name.value.as_str()).collect();
    assert_eq!(names, vec!["from", "chown", "chmod", "link", "exclude", "parents"]);
    assert!(copy.flag("link").unwrap().value.is_none());
    let ex = copy.flag("exclude").unwrap();
    assert_eq!(ex.value.as_ref().unwrap().value, "*.md");
    assert_eq!(s(t, ex.value.as_ref().unwrap().range), "'*.md'");
    // Flag names are lower-cased; unknown flags are kept.
    let df = ok("FROM a\nRUN --NetWork=none --frobnicate=1 -- echo --not-a-flag\n");
    let run = &df.instructions[1];
    assert_eq!(run.flag("network").unwrap().value_str(), "none");
    assert!(run.flag("frobnicate").is_some());
    assert_eq!(shell(run).logical, "echo --not-a-flag");
    let df = ok("FROM a\nHEALTHCHECK --interval=30s --timeout=3s --start-period=5s --start-interval=1s --retries=3 CMD curl -f http://x/ || exit 1\n");
    let hc = &df.instructions[1];
    assert_eq!(hc.flags.len(), 5);
    assert_eq!(hc.flag("retries").unwrap().value_str(), "3");
}

#[test]
fn mount_csv_fields_with_spans() {
    let t = "FROM a\nRUN --mount=type=cache,target=/root/.cache,sharing=locked,id=pip \\\n    --mount=type=secret,id=npmrc,target=/root/.npmrc,required \\\n    --mount=\"type=bind,source=a,b\" \\\n    pip install x\n";
    let df = ok(t);
    let run = &df.instructions[1];
    let mounts: Vec<&Flag> = run.flags_named("mount").collect();
    assert_eq!(mounts.len(), 3);
    let f = mounts[0].csv_fields();
    assert_eq!(f.len(), 4);
    assert_eq!((f[1].key.value.as_str(), f[1].value.as_ref().unwrap().value.as_str()), ("target", "/root/.cache"));
    assert_eq!(s(t, f[1].value.as_ref().unwrap().range), "/root/.cache");
    let f = mounts[1].csv_fields();
    assert_eq!(f[3].key.value, "required");
    assert!(f[3].value.is_none());
    assert_eq!(s(t, f[3].key.range), "required");
    // A quoted flag value: the CSV spans still point at the right source bytes.
    let f = mounts[2].csv_fields();
    assert_eq!(f[1].key.value, "source");
    assert_eq!(f[1].value.as_ref().unwrap().value, "a");
    assert_eq!(s(t, f[1].value.as_ref().unwrap().range), "a");
    assert_eq!(s(t, f[0].key.range), "type");
    assert_eq!(f[2].key.value, "b");
    assert_eq!(shell(run).logical, "pip install x");
}

#[test]
fn flag_value_across_a_continuation() {
    let t = "FROM a\nRUN --mount=type=cache,\\\ntarget=/x echo\n";
    let df = ok(t);
    let m = df.instructions[1].flag("mount").unwrap();
    assert_eq!(m.value_str(), "type=cache,target=/x");
    let f = m.csv_fields();
    assert_eq!(s(t, f[1].key.range), "target");
    assert_eq!(s(t, f[1].value.as_ref().unwrap().range), "/x");
    assert_eq!(s(t, m.value_subrange(5, 10).unwrap()), "cache");
}

#[test]
fn exec_and_shell_forms() {
    let t = "FROM a\nCMD [\"a\", \"b c\", \"\\u00e9\\t\"]\nENTRYPOINT echo hi\nCMD ['x']\nCMD [\"unterminated\"\nRUN [\"sh\", \"-c\", \"x\"] \nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n";
    let df = ok(t);
    match df.instructions[1].command().unwrap() {
        CommandArgs::Exec { argv, range } => {
            assert_eq!(argv.iter().map(|a| a.value.as_str()).collect::<Vec<_>>(), vec!["a", "b c", "é\t"]);
            assert_eq!(s(t, argv[1].range), "\"b c\"");
            assert_eq!(s(t, *range), "[\"a\", \"b c\", \"\\u00e9\\t\"]");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(shell(&df.instructions[2]).logical, "echo hi");
    assert!(shell(&df.instructions[2]).script.commands.is_empty(), "no script for ENTRYPOINT");
    assert_eq!(shell(&df.instructions[3]).logical, "['x']");
    assert_eq!(shell(&df.instructions[4]).logical, "[\"unterminated\"");
    assert!(df.instructions[5].is_json());
    assert!(df.instructions[6].is_json());
}

#[test]
fn json_with_a_non_string_is_an_error() {
    let t = "FROM a\nCMD [\"echo\", 1]\nRUN [\"a\", [\"b\"]]\nCOPY [\"a\", null, \"/x\"]\nRUN ok\n";
    let df = parse(t);
    assert_eq!(df.errors.len(), 3, "{:?}", df.errors);
    assert_eq!(s(t, df.errors[0].range), "1");
    assert_eq!(s(t, df.errors[1].range), "[\"b\"]");
    assert_eq!(s(t, df.errors[2].range), "null");
    assert_eq!(df.instructions.len(), 5);
}

#[test]
fn paths() {
    let t =
        "FROM a\nCOPY --chown=a:b src1 \"src 2\" /dst/\nADD [\"a b\", \"/c\"]\nVOLUME /data /logs\nVOLUME [\"/v\"]\n";
    // BuildKit only fails on the half-quoted words when it runs the COPY.
    let df = ok(t);
    match &df.instructions[1].args {
        Args::Paths(p) => {
            assert!(!p.json);
            // Whitespace splits even inside quotes, as in BuildKit.
            let v: Vec<&str> = p.paths.iter().map(|x| s(t, x.range)).collect();
            assert_eq!(v, vec!["src1", "\"src", "2\"", "/dst/"]);
            assert_eq!(p.destination().unwrap().value, "/dst/");
            assert_eq!(p.sources().len(), 3);
        }
        other => panic!("{other:?}"),
    }
    match &df.instructions[2].args {
        Args::Paths(p) => {
            assert!(p.json);
            assert_eq!(p.sources()[0].value, "a b");
        }
        other => panic!("{other:?}"),
    }
    let df = parse("FROM a\nCOPY onlyone\nVOLUME\n");
    assert_eq!(df.errors.len(), 2);
}

#[test]
fn env_and_label_pairs() {
    let t = "FROM a\nENV A=1 B=\"two words\" C=three\\ words D='single $X' E=\nLABEL \"com.example.key\"=\"v\" other=x\nENV LEGACY some value here\n";
    let df = ok(t);
    let env = kvs(&df.instructions[1]);
    let pairs: Vec<(&str, &str)> =
        env.iter().map(|kv| (kv.key.value.as_str(), kv.value.as_ref().unwrap().value.as_str())).collect();
    assert_eq!(pairs, vec![("A", "1"), ("B", "two words"), ("C", "three words"), ("D", "single $X"), ("E", "")]);
    assert_eq!(s(t, env[1].raw_value.unwrap()), "\"two words\"");
    assert_eq!(s(t, env[1].range), "B=\"two words\"");
    assert_eq!(s(t, env[1].key.range), "B");
    let label = kvs(&df.instructions[2]);
    assert_eq!(label[0].key.value, "com.example.key");
    assert_eq!(s(t, label[0].key.range), "\"com.example.key\"");
    let legacy = &kvs(&df.instructions[3])[0];
    assert!(legacy.legacy);
    assert_eq!(legacy.key.value, "LEGACY");
    assert_eq!(legacy.value.as_ref().unwrap().value, "some value here");
}

#[test]
fn env_errors() {
    let t = "FROM a\nENV PATH\nENV A=1 B\nENV\nLABEL =x\n";
    let df = parse(t);
    let msgs: Vec<&str> = df.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(df.errors.len(), 4, "{msgs:?}");
    assert_eq!(s(t, df.errors[0].range), "PATH");
    assert_eq!(s(t, df.errors[1].range), "B");
    assert_eq!(s(t, df.errors[2].range), "ENV");
    assert_eq!(s(t, df.errors[3].range), "=x");
    // The good pair of `ENV A=1 B` is kept.
    assert_eq!(kvs(&df.instructions[2]).len(), 1);
}

#[test]
fn args() {
    let t = "ARG VERSION=1.2 OTHER\nFROM a\nARG abc=\"123 456\" def\n";
    let df = ok(t);
    let a = kvs(&df.instructions[0]);
    assert_eq!(a[0].key.value, "VERSION");
    assert_eq!(a[0].value.as_ref().unwrap().value, "1.2");
    assert!(a[1].value.is_none());
    let a = kvs(&df.instructions[2]);
    assert_eq!(a[0].value.as_ref().unwrap().value, "123 456");
    assert_eq!(s(t, a[0].raw_value.unwrap()), "\"123 456\"");
}

#[test]
fn from_forms() {
    let t =
        "FROM --platform=linux/amd64 docker.io/library/alpine:3.20@sha256:abc AS Builder\nFROM builder\nFROM scratch\n";
    let df = ok(t);
    match &df.instructions[0].args {
        Args::From(f) => {
            assert_eq!(f.image.value, "docker.io/library/alpine:3.20@sha256:abc");
            assert_eq!(s(t, f.as_keyword.unwrap()), "AS");
            assert_eq!(f.alias.as_ref().unwrap().value, "Builder");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(df.stages.len(), 3);
    assert_eq!(df.stages[0].name.as_ref().unwrap().value, "builder");
    assert_eq!(s(t, df.stages[0].name.as_ref().unwrap().range), "Builder");
    assert_eq!(df.stages[1].instructions, 1..2);

    for (bad, at) in [
        ("FROM\n", "FROM"),
        ("FROM a AS\n", "AS"),
        ("FROM a b\n", "b"),
        ("FROM a AS b c\n", "c"),
        ("FROM a AS 1x\n", "1x"),
    ] {
        let df = parse(bad);
        assert_eq!(df.errors.len(), 1, "{bad}: {:?}", df.errors);
        assert_eq!(s(bad, df.errors[0].range), at, "{bad}");
        assert_eq!(df.stages.len(), 1);
    }
}

#[test]
fn text_and_words() {
    let t = "FROM a\nUSER app:app\nWORKDIR /srv/app\nSTOPSIGNAL SIGTERM\nMAINTAINER me <me@x>\nEXPOSE 80/tcp 443\n";
    let df = ok(t);
    match &df.instructions[1].args {
        Args::Text(u) => assert_eq!((u.value.as_str(), s(t, u.range)), ("app:app", "app:app")),
        other => panic!("{other:?}"),
    }
    match &df.instructions[5].args {
        Args::Words(w) => assert_eq!(w.iter().map(|x| x.value.as_str()).collect::<Vec<_>>(), vec!["80/tcp", "443"]),
        other => panic!("{other:?}"),
    }
    let df = parse("FROM a\nUSER\nWORKDIR\nEXPOSE\n");
    assert_eq!(df.errors.len(), 3);
}

#[test]
fn healthcheck_forms() {
    let t = "FROM a\nHEALTHCHECK NONE\nHEALTHCHECK --interval=5s CMD [\"curl\", \"-f\"]\nHEALTHCHECK CMD curl -f x || exit 1\nHEALTHCHECK\nHEALTHCHECK CMD\n";
    let df = ok(t);
    assert!(matches!(&df.instructions[1].args, Args::Healthcheck(HealthcheckArgs::None { .. })));
    match &df.instructions[2].args {
        Args::Healthcheck(HealthcheckArgs::Cmd { keyword, command: CommandArgs::Exec { argv, .. } }) => {
            assert_eq!(s(t, *keyword), "CMD");
            assert_eq!(argv.len(), 2);
        }
        other => panic!("{other:?}"),
    }
    match &df.instructions[3].args {
        Args::Healthcheck(HealthcheckArgs::Cmd { command: CommandArgs::Shell(sh), .. }) => {
            assert_eq!(sh.logical, "curl -f x || exit 1")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(df.instructions[4].args, Args::Empty));
}

#[test]
fn onbuild_nesting() {
    let t = "FROM a\nONBUILD COPY --from=b . /app\nONBUILD RUN echo hi && \\\n  make\n";
    let df = ok(t);
    let inner = df.instructions[1].onbuild_inner().unwrap();
    assert_eq!(inner.kind, InstructionKind::Copy);
    assert_eq!(s(t, inner.keyword.range), "COPY");
    assert_eq!(inner.flag("from").unwrap().value_str(), "b");
    assert_eq!(s(t, inner.range), "COPY --from=b . /app");
    let run = df.instructions[2].onbuild_inner().unwrap();
    let sh = shell(run);
    assert_eq!(sh.logical, "echo hi &&   make");
    assert_eq!(sh.script.commands.len(), 2);
    assert_eq!(s(t, sh.script.commands[1].range), "make");
    assert_eq!(dump(t).lines().nth(1), Some(r#"(onbuild (copy ["--from=b"] "." "/app"))"#));

    let df = parse("FROM a\nONBUILD ONBUILD RUN x\nONBUILD FROM b\nONBUILD\n");
    assert_eq!(df.errors.len(), 3, "{:?}", df.errors);
}

#[test]
fn heredoc_run_script() {
    let t = "FROM a\nRUN <<EOF\napt-get install x\nEOF\n# a comment\nRUN done\n";
    let df = ok(t);
    let run = &df.instructions[1];
    assert_eq!(run.heredocs.len(), 1);
    let h = &run.heredocs[0];
    assert_eq!(h.delimiter, "EOF");
    assert!(h.expand);
    assert_eq!(s(t, h.marker), "<<EOF");
    assert_eq!(s(t, h.body), "apt-get install x\n");
    assert_eq!(s(t, h.terminator.unwrap()), "EOF");
    assert_eq!(s(t, run.range), "RUN <<EOF\napt-get install x\nEOF");
    let cmd = shell(run).script.commands.iter().find(|c| c.program() == Some("apt-get")).unwrap();
    assert_eq!(s(t, cmd.argv[0].range), "apt-get");
    assert_eq!(s(t, cmd.range), "apt-get install x");
    assert_eq!(df.comments.len(), 1);
    assert_eq!(df.instructions.len(), 3);
    let index = LineIndex::new(t);
    assert_eq!(run.line_span(&index), (2, 4));
}

#[test]
fn heredoc_variants() {
    // Several per line, `<<-`, quoted delimiters, file descriptors.
    let t = "FROM a\nCOPY <<one.txt 3<<-'two' /dst/\nfirst $X\none.txt\n\tsecond\n\ttwo\nRUN bash <<\"SCRIPT\"\n\tset -eu\n  echo $HOME\nSCRIPT\n";
    let df = ok(t);
    let copy = &df.instructions[1];
    assert_eq!(copy.heredocs.len(), 2);
    let (a, b) = (&copy.heredocs[0], &copy.heredocs[1]);
    assert_eq!((a.delimiter.as_str(), a.expand, a.strip_tabs, a.fd), ("one.txt", true, false, None));
    assert_eq!((b.delimiter.as_str(), b.expand, b.strip_tabs, b.fd), ("two", false, true, Some(3)));
    assert_eq!(s(t, a.body), "first $X\n");
    assert_eq!(s(t, b.body), "\tsecond\n");
    assert_eq!(b.content(t), "second\n");
    assert_eq!(s(t, b.terminator.unwrap()), "\ttwo");
    match &copy.args {
        Args::Paths(p) => assert_eq!(p.destination().unwrap().value, "/dst/"),
        other => panic!("{other:?}"),
    }
    // `bash <<"SCRIPT"`: the body is bash's script.
    let run = &df.instructions[2];
    assert!(!run.heredocs[0].expand);
    let progs: Vec<&str> = shell(run).script.commands.iter().filter_map(|c| c.program()).collect();
    assert_eq!(progs, vec!["bash", "set", "echo"]);
    let echo = shell(run).script.commands.iter().find(|c| c.program() == Some("echo")).unwrap();
    assert_eq!(s(t, echo.argv[1].range), "$HOME");
}

#[test]
fn heredoc_data_is_not_a_script() {
    let t = "FROM a\nRUN cat <<EOF > /etc/x\nrm -rf /\nEOF\nRUN python3 <<EOF\nimport os\nEOF\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\nRUN sh -c 'x' <<EOF\nrm y\nEOF\n";
    let df = ok(t);
    for i in &df.instructions[1..] {
        let sh = shell(i);
        assert!(!sh.script.commands.iter().any(|c| i.heredocs[0].body.contains_range(c.range)), "{}", sh.logical);
    }
    // Piped into a shell, it is a script.
    let t = "FROM a\nRUN cat <<EOF | sh -e\nrm -rf /tmp/x\nEOF\n";
    let df = ok(t);
    assert!(shell(&df.instructions[1]).script.commands.iter().any(|c| c.program() == Some("rm")));
    // A shebang naming a shell is a script.
    let t = "FROM a\nRUN <<EOF\n#!/bin/bash\nset -e\nEOF\n";
    let df = ok(t);
    assert!(shell(&df.instructions[1]).script.commands.iter().any(|c| c.program() == Some("set")));
}

#[test]
fn heredoc_unterminated() {
    let t = "FROM a\nRUN <<EOF\necho hi\nRUN other\n";
    let df = parse(t);
    assert_eq!(df.errors.len(), 1);
    assert_eq!(s(t, df.errors[0].range), "<<EOF");
    let h = &df.instructions[1].heredocs[0];
    assert!(h.terminator.is_none());
    assert_eq!(s(t, h.body), "echo hi\nRUN other\n");
    assert_eq!(df.instructions.len(), 2);
}

#[test]
fn heredoc_not_in_json_or_other_instructions() {
    let t = "FROM a\nRUN [\"cat\", \"<<EOF\"]\nENV A=<<EOF\nRUN echo \"<<EOF\"\nRUN x\n";
    let df = ok(t);
    assert!(df.instructions.iter().all(|i| i.heredocs.is_empty()));
    assert_eq!(df.instructions.len(), 5);
}

#[test]
fn heredoc_in_onbuild() {
    let t = "FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\nRUN next\n";
    let df = ok(t);
    let outer = &df.instructions[1];
    let inner = outer.onbuild_inner().unwrap();
    assert_eq!(inner.heredocs.len(), 1);
    assert_eq!(s(t, inner.heredocs[0].body), "echo hi\n");
    assert!(shell(inner).script.commands.iter().any(|c| c.program() == Some("echo")));
    assert_eq!(s(t, outer.range), "ONBUILD RUN <<EOF\necho hi\nEOF");
    assert_eq!(df.instructions.len(), 3);
}

#[test]
fn stages_and_lookup() {
    let t = "ARG V=1\nFROM a AS one\nRUN x\nFROM one\nCOPY --from=one / /\n";
    let df = ok(t);
    assert_eq!(df.stages.len(), 2);
    assert_eq!(df.stages[0].instructions, 1..3);
    assert_eq!(df.stages[1].instructions, 3..5);
    assert!(df.stage_of(0).is_none());
    assert_eq!(df.stage_of(2).unwrap().index, 0);
    assert_eq!(df.stage_of(4).unwrap().index, 1);
    assert_eq!(df.final_stage().unwrap().index, 1);
    assert_eq!(df.stage_instructions(&df.stages[0]).len(), 2);
}

#[test]
fn comments_are_collected() {
    let t = "# top\nFROM a\n  # indented\nRUN a \\\n  # inside\n  b\n#\n";
    let df = ok(t);
    let c: Vec<(&str, bool)> = df.comments.iter().map(|c| (s(t, c.text), c.inside_instruction)).collect();
    assert_eq!(c, vec![("top", false), ("indented", false), ("inside", true), ("", false)]);
    assert_eq!(s(t, df.comments[1].range), "# indented");
}

#[test]
fn logical_text_helper() {
    let t = "FROM a\nENV A=\"x \\\n   y\"\n";
    let df = ok(t);
    let kv = &kvs(&df.instructions[1])[0];
    assert_eq!(df.logical_text(kv.raw_value.unwrap()), "\"x    y\"");
    assert_eq!(kv.value.as_ref().unwrap().value, "x    y");
}
