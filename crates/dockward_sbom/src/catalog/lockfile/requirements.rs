//! pip's `requirements*.txt`, where pinned: `name==1.2.3`, `name[extra] == 1.2.3`,
//! with environment markers (`; python_version < "3.11"`) and per-requirement
//! options (`--hash=...`, often on `\` continuation lines) ignored. Comments, blank
//! lines and option lines (`-r`, `-c`, `-e`, `--index-url`, ...) are skipped; included
//! files are not followed (a `requirements*.txt` is read on its own anyway).
//!
//! A requirement without an exact pin (`name>=1`, `name`, a URL or a path) names no
//! version to check: it gives no package, and the file gives one warning counting
//! them.

use super::poetry::PYTHON_DEPENDENCY_DIRS;
use super::{locked, not_checked, text, LockfileCataloger};
use crate::catalog::CatalogOutput;
use crate::model::Ecosystem;

/// The requirements-file cataloger.
pub static REQUIREMENTS: LockfileCataloger =
    LockfileCataloger { name: "requirements", file: is_requirements, skip_dirs: PYTHON_DEPENDENCY_DIRS, parse };

/// `requirements.txt`, `requirements-dev.txt`, `requirements_prod.txt`, ...
fn is_requirements(name: &str) -> bool {
    name.starts_with("requirements") && name.ends_with(".txt") && name.len() >= "requirements.txt".len()
}

fn parse(bytes: &[u8], path: &str, out: &mut CatalogOutput) {
    let Some(text) = text(bytes, path, out) else { return };
    let mut unpinned = 0;
    let mut logical = String::new();
    let mut first_line = 0;
    for (index, raw) in text.lines().enumerate() {
        if logical.is_empty() {
            first_line = index + 1;
        }
        let line = strip_comment(raw);
        if let Some(head) = line.trim_end().strip_suffix('\\') {
            logical.push_str(head);
            logical.push(' ');
            continue;
        }
        logical.push_str(line);
        requirement(&logical, first_line, path, &mut unpinned, out);
        logical.clear();
    }
    // The last line ended with `\`.
    requirement(&logical, first_line, path, &mut unpinned, out);
    not_checked(out, path, unpinned, "requirement is not pinned", "requirements are not pinned");
}

/// pip's rule: `#` starts a comment at the start of a line or after whitespace.
fn strip_comment(line: &str) -> &str {
    let mut previous_blank = true;
    for (i, c) in line.char_indices() {
        if c == '#' && previous_blank {
            return &line[..i];
        }
        previous_blank = c.is_whitespace();
    }
    line
}

fn requirement(line: &str, lineno: usize, path: &str, unpinned: &mut usize, out: &mut CatalogOutput) {
    let line = line.trim();
    if line.is_empty() || line.starts_with('-') {
        return;
    }
    // Per-requirement options come after the requirement; markers after `;`.
    let spec = line.split(" --").next().unwrap_or(line);
    let spec = spec.split(';').next().unwrap_or(spec).trim();
    if spec.contains("://") || spec.starts_with(['.', '/', '~']) {
        // A URL or a local path: no version to check.
        *unpinned += 1;
        return;
    }
    let name_end =
        spec.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))).unwrap_or(spec.len());
    let name = &spec[..name_end];
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) || !name.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        out.warn(path, format!("line {lineno}: `{spec}` is not a requirement, skipped"));
        return;
    }
    let mut rest = spec[name_end..].trim_start();
    if let Some(extras) = rest.strip_prefix('[') {
        let Some((_, after)) = extras.split_once(']') else {
            out.warn(path, format!("line {lineno}: `{spec}`: unclosed `[`, skipped"));
            return;
        };
        rest = after.trim_start();
    }
    // The old `name (==1.0)` spelling.
    if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        rest = inner.trim();
    }
    if rest.is_empty() || rest.starts_with('@') {
        // Any version, or a direct reference (`name @ https://...`).
        *unpinned += 1;
        return;
    }
    let mut pinned = None;
    for clause in rest.split(',') {
        let clause = clause.trim();
        let op_end = clause.find(|c: char| !matches!(c, '<' | '>' | '=' | '!' | '~')).unwrap_or(clause.len());
        let (op, version) = (&clause[..op_end], clause[op_end..].trim());
        let valid = !version.is_empty()
            && version.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '!' | '-' | '_' | '*'));
        match op {
            "==" | "===" if valid && !version.contains('*') => pinned = Some(version),
            "==" | "===" | "!=" | "<" | "<=" | ">" | ">=" | "~=" if valid => {}
            _ => {
                out.warn(path, format!("line {lineno}: `{clause}` is not a version specifier, skipped"));
                return;
            }
        }
    }
    match pinned {
        Some(version) => out.packages.push(locked(Ecosystem::PyPi, name, version, path)),
        None => *unpinned += 1,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{messages, names, pairs, run};
    use super::*;
    use crate::catalog::TreeCataloger;

    #[test]
    fn wants_requirements_txt_files() {
        for yes in ["requirements.txt", "a/requirements-dev.txt", "requirements_prod.txt", "requirements.lock.txt"] {
            assert!(REQUIREMENTS.wants(yes).is_some(), "{yes}");
        }
        for no in ["requirements.in", "dev-requirements.txt", "a/requirements", "requirement.txt", "constraints.txt"] {
            assert!(REQUIREMENTS.wants(no).is_none(), "{no}");
        }
        assert!(REQUIREMENTS.wants("usr/lib/python3/dist-packages/x/requirements.txt").is_none());
    }

    #[test]
    fn pinned_requirements() {
        let text = "\
# production
Django==4.2.1
requests[socks,security] == 2.31.0  # pinned by hand
urllib3==2.0.4 ; python_version >= \"3.8\"
Jinja2===2.10
six (==1.16.0)
";
        let out = run(&REQUIREMENTS, "requirements.txt", text);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(
            names(&out),
            pairs(&[
                ("Django", "4.2.1"),
                ("Jinja2", "2.10"),
                ("requests", "2.31.0"),
                ("six", "1.16.0"),
                ("urllib3", "2.0.4"),
            ])
        );
        assert!(out.packages.iter().all(|p| p.ecosystem == Ecosystem::PyPi && p.location == "requirements.txt"));
    }

    #[test]
    fn hashes_options_continuations_and_unpinned_lines() {
        let text = "\
--index-url https://pypi.example.com/simple
-r requirements-base.txt
-c constraints.txt
-e git+https://example.com/x.git#egg=x
-e .

certifi==2023.7.22 \\
    --hash=sha256:539cc1d13202e \\
    --hash=sha256:92d6037539857d8206b8f6ae472e8b77db8058fec5937a1ef3f54304089edbb9
idna==3.4 --hash=sha256:abc
flask>=2.0
numpy
torch==2.0.*
pandas>=1.5,<2
mylib @ https://example.com/mylib-1.0.tar.gz
./local/pkg
https://example.com/pkg-1.0-py3-none-any.whl
attrs>=22,==23.1.0
trailing==1.0 \\
";
        let out = run(&REQUIREMENTS, "requirements-prod.txt", text);
        assert_eq!(
            names(&out),
            pairs(&[("attrs", "23.1.0"), ("certifi", "2023.7.22"), ("idna", "3.4"), ("trailing", "1.0")])
        );
        assert_eq!(messages(&out), ["7 requirements are not pinned: not checked"]);
    }

    #[test]
    fn a_fully_unpinned_file_gives_one_warning_only() {
        let out = run(&REQUIREMENTS, "requirements.txt", "flask\n");
        assert!(out.packages.is_empty());
        assert_eq!(messages(&out), ["1 requirement is not pinned: not checked"]);
    }

    #[test]
    fn malformed_lines_warn_with_their_line() {
        let text = "ok==1.0\n\npip install foo\n_bad==1\nbroken[extra==1\nx==1.0 \\\n  ==2\nweird=>1\nfine==2.0\n";
        let out = run(&REQUIREMENTS, "requirements.txt", text);
        assert_eq!(names(&out), pairs(&[("fine", "2.0"), ("ok", "1.0")]));
        assert_eq!(
            messages(&out),
            [
                "line 3: `install foo` is not a version specifier, skipped",
                "line 4: `_bad==1` is not a requirement, skipped",
                "line 5: `broken[extra==1`: unclosed `[`, skipped",
                "line 6: `==1.0    ==2` is not a version specifier, skipped",
                "line 8: `=>1` is not a version specifier, skipped",
            ]
        );
    }

    #[test]
    fn comments_need_a_blank_before_them() {
        assert_eq!(strip_comment("a==1 # c"), "a==1 ");
        assert_eq!(strip_comment("# c"), "");
        assert_eq!(strip_comment("https://x/y#egg=z"), "https://x/y#egg=z");
    }
}
