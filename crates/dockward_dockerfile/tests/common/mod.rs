//! Span checks shared by the integration tests.
#![allow(dead_code)]

use std::path::Path;

use dockward_dockerfile::{logical_text, Args, CommandArgs, Dockerfile, HealthcheckArgs, Instruction};
use dockward_source::TextRange;

fn check_range(text: &str, r: TextRange, what: &str, path: &Path) {
    let (s, e) = (u32::from(r.start()) as usize, u32::from(r.end()) as usize);
    assert!(s <= e && e <= text.len(), "{}: {what} {r:?} out of bounds", path.display());
    assert!(text.is_char_boundary(s) && text.is_char_boundary(e), "{}: {what} {r:?} splits a char", path.display());
}

fn check_command(text: &str, c: &CommandArgs, path: &Path, escape: char) {
    match c {
        CommandArgs::Exec { argv, range } => {
            check_range(text, *range, "exec form", path);
            argv.iter().for_each(|a| check_range(text, a.range, "argv", path));
        }
        CommandArgs::Shell(s) => {
            check_range(text, s.range, "shell form", path);
            // The source range joined again gives the logical text back.
            assert_eq!(logical_text(text, s.range, escape), s.logical, "{}", path.display());
            for (i, ch) in s.logical.char_indices().filter(|(_, c)| !c.is_whitespace()).take(64) {
                let at = i as u32;
                let r = s.map.range_to_source(TextRange::new(at.into(), (at + ch.len_utf8() as u32).into()));
                assert_eq!(text[r].chars().next(), Some(ch), "{}: offset {i} of {:?}", path.display(), s.logical);
            }
            for cmd in &s.script.commands {
                check_range(text, cmd.range, "command", path);
                for w in cmd.argv.iter().chain(&cmd.assignments) {
                    check_range(text, w.range, "word", path);
                }
                for r in &cmd.redirects {
                    check_range(text, r.range, "redirect", path);
                }
            }
        }
    }
}

pub fn check_instruction(text: &str, i: &Instruction, path: &Path, strict: bool, escape: char) {
    check_range(text, i.range, "instruction", path);
    check_range(text, i.keyword.range, "keyword", path);
    if strict {
        // Only a keyword split by a line continuation differs from its source text.
        assert_eq!(&text[i.keyword.range], i.keyword.value, "{}", path.display());
    }
    assert!(i.range.contains_range(i.keyword.range));
    for f in &i.flags {
        check_range(text, f.range, "flag", path);
        check_range(text, f.name.range, "flag name", path);
        if let Some(v) = &f.value {
            check_range(text, v.range, "flag value", path);
        }
        for field in f.csv_fields() {
            check_range(text, field.key.range, "csv key", path);
            if let Some(v) = &field.value {
                check_range(text, v.range, "csv value", path);
            }
        }
    }
    for h in &i.heredocs {
        check_range(text, h.marker, "heredoc marker", path);
        check_range(text, h.body, "heredoc body", path);
        if let Some(t) = h.terminator {
            check_range(text, t, "heredoc terminator", path);
            assert_eq!(text[t].trim_start_matches('\t'), h.delimiter);
        }
    }
    match &i.args {
        Args::From(f) => {
            check_range(text, f.image.range, "image", path);
            if let Some(a) = &f.alias {
                check_range(text, a.range, "alias", path);
            }
        }
        Args::Command(c) => check_command(text, c, path, escape),
        Args::Paths(p) => p.paths.iter().for_each(|x| check_range(text, x.range, "path", path)),
        Args::KeyValues(kvs) => {
            for kv in kvs {
                check_range(text, kv.range, "pair", path);
                check_range(text, kv.key.range, "key", path);
                if let Some(r) = kv.raw_value {
                    check_range(text, r, "value", path);
                    assert!(kv.range.contains_range(r));
                }
            }
        }
        Args::Words(w) => w.iter().for_each(|x| check_range(text, x.range, "word", path)),
        Args::Text(t) => check_range(text, t.range, "text", path),
        Args::Healthcheck(HealthcheckArgs::Cmd { keyword, command }) => {
            check_range(text, *keyword, "CMD", path);
            check_command(text, command, path, escape);
        }
        Args::Healthcheck(_) | Args::Empty => {}
        Args::Onbuild(inner) => check_instruction(text, inner, path, strict, escape),
    }
}

/// Checks that every span of `df` is inside `text`, on char boundaries. `strict` also
/// requires keywords to be written as they read (true unless split by a continuation).
pub fn check_spans(text: &str, df: &Dockerfile, path: &Path, strict: bool) {
    for i in &df.instructions {
        check_instruction(text, i, path, strict, df.escape);
    }
    for c in &df.comments {
        check_range(text, c.range, "comment", path);
        check_range(text, c.text, "comment text", path);
        assert!(text[c.range].starts_with('#'));
    }
    for e in &df.errors {
        check_range(text, e.range, "error", path);
    }
}
