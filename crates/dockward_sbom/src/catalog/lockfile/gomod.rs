//! Go's `go.mod`: the modules a module requires, in single `require` lines and
//! `require ( ... )` blocks, `// indirect` ones with extra `indirect=true`, and
//! `replace` directives applied (`old [v] => new v` requires `new` at `v` instead;
//! `old [v] => ./dir` builds it from the project's tree: extra `source=local`).
//! The `module` itself, the `go` and `toolchain` lines (the Go version, not a
//! dependency), `exclude`, `retract` and the rest name no dependency.

use super::{locked, text, LockfileCataloger};
use crate::catalog::CatalogOutput;
use crate::model::Ecosystem;

/// The go.mod cataloger.
pub static GO_MOD: LockfileCataloger =
    LockfileCataloger { name: "go-mod", file: is_go_mod, skip_dirs: &["vendor"], parse };

fn is_go_mod(name: &str) -> bool {
    name == "go.mod"
}

/// Directives that name no dependency.
const OTHER_DIRECTIVES: [&str; 8] = ["module", "go", "toolchain", "exclude", "retract", "godebug", "tool", "ignore"];

struct Require {
    path: String,
    version: String,
    indirect: bool,
}

struct Replace {
    old: String,
    old_version: Option<String>,
    new: String,
    new_version: Option<String>,
}

fn parse(bytes: &[u8], path: &str, out: &mut CatalogOutput) {
    let Some(text) = text(bytes, path, out) else { return };
    let mut requires: Vec<Require> = Vec::new();
    let mut replaces: Vec<Replace> = Vec::new();
    // The directive of the open block, and the line that opened it.
    let mut block: Option<(String, usize)> = None;
    for (index, line) in text.lines().enumerate() {
        let lineno = index + 1;
        let (code, comment) = split_comment(line);
        let tokens = match tokens(code) {
            Ok(tokens) => tokens,
            Err(e) => {
                out.warn(path, format!("line {lineno}: {e}, skipped"));
                continue;
            }
        };
        let indirect = comment.is_some_and(|c| {
            let c = c.trim();
            c == "indirect" || c.starts_with("indirect;")
        });
        let (verb, args) = match &block {
            Some((verb, _)) => {
                if tokens.len() == 1 && tokens[0] == ")" {
                    block = None;
                    continue;
                }
                (verb.clone(), &tokens[..])
            }
            None => {
                let Some((first, rest)) = tokens.split_first() else { continue };
                if rest.len() == 1 && rest[0] == "(" {
                    block = Some((first.clone(), lineno));
                    continue;
                }
                (first.clone(), rest)
            }
        };
        if args.is_empty() {
            continue;
        }
        match verb.as_str() {
            "require" => match args {
                [module, version] if version.starts_with('v') => {
                    requires.push(Require { path: module.clone(), version: version.clone(), indirect })
                }
                _ => out.warn(
                    path,
                    format!("line {lineno}: `require {}` is not `module version`, skipped", args.join(" ")),
                ),
            },
            "replace" => match replace(args) {
                Some(r) => replaces.push(r),
                None => out.warn(
                    path,
                    format!(
                        "line {lineno}: `replace {}` is not `old [version] => new [version]`, skipped",
                        args.join(" ")
                    ),
                ),
            },
            verb if OTHER_DIRECTIVES.contains(&verb) => {}
            verb => out.warn(path, format!("line {lineno}: unknown directive `{verb}`, skipped")),
        }
    }
    if let Some((verb, line)) = block {
        out.warn(path, format!("line {line}: the `{verb} (` block is never closed"));
    }
    for require in requires {
        // The last matching directive wins; one for this version over one for all.
        let replaced = replaces
            .iter()
            .rev()
            .filter(|r| r.old == require.path)
            .find(|r| r.old_version.as_deref() == Some(require.version.as_str()))
            .or_else(|| replaces.iter().rev().find(|r| r.old == require.path && r.old_version.is_none()));
        let mut package = match replaced {
            Some(Replace { new, new_version: Some(v), .. }) => {
                let mut package = locked(Ecosystem::Go, new, v, path);
                package.extra.insert("replaces".into(), format!("{} {}", require.path, require.version));
                package
            }
            Some(Replace { new, new_version: None, .. }) => {
                let mut package = locked(Ecosystem::Go, &require.path, &require.version, path);
                package.extra.insert("source".into(), "local".into());
                package.extra.insert("replaced-by".into(), new.clone());
                package
            }
            None => locked(Ecosystem::Go, &require.path, &require.version, path),
        };
        if require.indirect {
            package.extra.insert("indirect".into(), "true".into());
        }
        out.packages.push(package);
    }
}

/// `old [v] => new [v]`; a new path without a version is a directory.
fn replace(args: &[String]) -> Option<Replace> {
    let arrow = args.iter().position(|a| a == "=>")?;
    let (left, right) = (&args[..arrow], &args[arrow + 1..]);
    let (old, old_version) = match left {
        [old] => (old.clone(), None),
        [old, v] => (old.clone(), Some(v.clone())),
        _ => return None,
    };
    let (new, new_version) = match right {
        [new] => (new.clone(), None),
        [new, v] => (new.clone(), Some(v.clone())),
        _ => return None,
    };
    Some(Replace { old, old_version, new, new_version })
}

/// The code and the `//` comment of a line (`//` inside a quoted string is code).
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '`' => quote = Some(c),
            None if line[i..].starts_with("//") => return (&line[..i], Some(&line[i + 2..])),
            None => {}
        }
    }
    (line, None)
}

/// Whitespace-separated tokens, `"quoted"` and `` `raw` `` strings unquoted; `(`, `)`
/// and `=>` are tokens of their own.
fn tokens(code: &str) -> Result<Vec<String>, String> {
    let mut tokens = Vec::new();
    let mut chars = code.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' || c == '`' {
            chars.next();
            let mut token = String::new();
            let mut closed = false;
            while let Some((_, d)) = chars.next() {
                if d == c {
                    closed = true;
                    break;
                }
                if d == '\\' && c == '"' {
                    if let Some((_, e)) = chars.next() {
                        token.push(e);
                    }
                    continue;
                }
                token.push(d);
            }
            if !closed {
                return Err(format!("unterminated string at column {}", i + 1));
            }
            tokens.push(token);
        } else if c == '(' || c == ')' {
            chars.next();
            tokens.push(c.to_string());
        } else {
            let mut token = String::new();
            while let Some(&(_, d)) = chars.peek() {
                if d.is_whitespace() || d == '"' || d == '`' || d == '(' || d == ')' {
                    break;
                }
                token.push(d);
                chars.next();
            }
            // `a=>b` written without spaces.
            match token.split_once("=>") {
                Some((a, b)) if !token.is_empty() && token != "=>" => {
                    tokens.extend([a, "=>", b].into_iter().filter(|t| !t.is_empty()).map(str::to_string));
                }
                _ => tokens.push(token),
            }
        }
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{messages, names, pairs, run, with_extra};
    use super::*;
    use crate::catalog::TreeCataloger;

    #[test]
    fn wants_go_mod_outside_vendor() {
        assert!(GO_MOD.wants("go.mod").is_some());
        assert!(GO_MOD.wants("services/api/go.mod").is_some());
        assert!(GO_MOD.wants("vendor/example.com/x/go.mod").is_none());
        assert!(GO_MOD.wants("go.sum").is_none());
        assert!(GO_MOD.wants("go.work").is_none());
    }

    #[test]
    fn requires_in_lines_and_blocks() {
        let text = "\
module example.com/app

go 1.21

toolchain go1.21.3

require github.com/google/uuid v1.3.0

require (
\tgolang.org/x/net v0.17.0
\tgolang.org/x/text v0.13.0 // indirect
\t\"example.com/quoted\" v1.0.0 // some comment
\tgithub.com/old/thing v2.0.0+incompatible // indirect; pinned
)

exclude golang.org/x/net v0.10.0
retract [v1.0.0, v1.0.5]
";
        let out = run(&GO_MOD, "go.mod", text);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(
            names(&out),
            pairs(&[
                ("example.com/quoted", "v1.0.0"),
                ("github.com/google/uuid", "v1.3.0"),
                ("github.com/old/thing", "v2.0.0+incompatible"),
                ("golang.org/x/net", "v0.17.0"),
                ("golang.org/x/text", "v0.13.0"),
            ])
        );
        assert_eq!(with_extra(&out, "indirect", "true"), ["github.com/old/thing", "golang.org/x/text"]);
        assert!(out.packages.iter().all(|p| p.ecosystem == Ecosystem::Go && p.name != "stdlib"));
    }

    #[test]
    fn replace_directives() {
        let text = "\
module example.com/app

require (
\texample.com/a v1.0.0
\texample.com/b v1.2.0
\texample.com/c v0.3.0 // indirect
\texample.com/d v1.0.0
)

replace example.com/a => example.com/a-fork v1.0.1
replace example.com/b v1.1.0 => example.com/b v1.1.1
replace (
\texample.com/c v0.3.0 => ../c
\texample.com/d=>example.com/d2 v2.0.0
)
";
        let out = run(&GO_MOD, "go.mod", text);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(
            names(&out),
            pairs(&[
                ("example.com/a-fork", "v1.0.1"),
                ("example.com/b", "v1.2.0"),
                ("example.com/c", "v0.3.0"),
                ("example.com/d2", "v2.0.0"),
            ])
        );
        let c = out.packages.iter().find(|p| p.name == "example.com/c").unwrap();
        assert_eq!((c.extra["source"].as_str(), c.extra["replaced-by"].as_str()), ("local", "../c"));
        assert_eq!(c.extra["indirect"], "true");
        let a = out.packages.iter().find(|p| p.name == "example.com/a-fork").unwrap();
        assert_eq!(a.extra["replaces"], "example.com/a v1.0.0");
    }

    #[test]
    fn malformed_lines_warn_and_the_rest_is_read() {
        let text = "\
module example.com/app
require example.com/a
require example.com/b 1.0.0
frobnicate example.com/c
replace example.com/x v1 v2 => y
require \"example.com/unterminated v1.0.0
require example.com/ok v1.0.0
require (
\texample.com/in-block v1.0.0
";
        let out = run(&GO_MOD, "go.mod", text);
        assert_eq!(names(&out), pairs(&[("example.com/in-block", "v1.0.0"), ("example.com/ok", "v1.0.0")]));
        assert_eq!(
            messages(&out),
            [
                "line 2: `require example.com/a` is not `module version`, skipped",
                "line 3: `require example.com/b 1.0.0` is not `module version`, skipped",
                "line 4: unknown directive `frobnicate`, skipped",
                "line 5: `replace example.com/x v1 v2 => y` is not `old [version] => new [version]`, skipped",
                "line 6: unterminated string at column 9, skipped",
                "line 8: the `require (` block is never closed",
            ]
        );
    }

    #[test]
    fn comments_and_tokens() {
        assert_eq!(split_comment("a b // c"), ("a b ", Some(" c")));
        assert_eq!(split_comment("\"x//y\" v1"), ("\"x//y\" v1", None));
        assert_eq!(tokens("require (").unwrap(), ["require", "("]);
        assert_eq!(tokens("`raw path` v1").unwrap(), ["raw path", "v1"]);
        assert_eq!(tokens("a=>b v1").unwrap(), ["a", "=>", "b", "v1"]);
        assert_eq!(tokens("a =>b").unwrap(), ["a", "=>", "b"]);
    }
}
