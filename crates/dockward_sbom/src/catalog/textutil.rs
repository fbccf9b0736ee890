//! Small pieces the text-format catalogers share: reading a file with a located
//! warning, path arithmetic inside the root, and RFC-822-style stanzas.

use crate::catalog::CatalogOutput;
use crate::tree::{FileTree, ReadError};

pub(crate) const KIB: u64 = 1024;
pub(crate) const MIB: u64 = 1024 * KIB;

/// The bytes of a file the cataloger asked for; any failure is a warning.
pub(crate) fn read_wanted(tree: &dyn FileTree, path: &str, max: u64, out: &mut CatalogOutput) -> Option<Vec<u8>> {
    match tree.read(path, max) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            out.warn(path, format!("cannot read: {e}"));
            None
        }
    }
}

/// The bytes of a companion file that may well be absent (a dpkg `.list`, a
/// `RECORD`): absence is silent, other failures are warnings.
pub(crate) fn read_optional(tree: &dyn FileTree, path: &str, max: u64, out: &mut CatalogOutput) -> Option<Vec<u8>> {
    match tree.read(path, max) {
        Ok(bytes) => Some(bytes),
        Err(ReadError::NotFound) => None,
        Err(e) => {
            out.warn(path, format!("cannot read: {e}"));
            None
        }
    }
}

/// A JSON file the cataloger asked for; unreadable or invalid JSON is a warning.
pub(crate) fn read_json(
    tree: &dyn FileTree,
    path: &str,
    max: u64,
    out: &mut CatalogOutput,
) -> Option<serde_json::Value> {
    let bytes = read_wanted(tree, path, max, out)?;
    match serde_json::from_slice(&bytes) {
        Ok(value) => Some(value),
        Err(e) => {
            out.warn(path, format!("invalid JSON: {e}"));
            None
        }
    }
}

/// `a/b/c` -> `a/b`; `c` -> ``.
pub(crate) fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `a/b/c` -> `c`.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}

/// `rel` taken from the directory `dir` (an absolute `rel` from the root), with
/// `.` and `..` folded; `None` when `..` would climb above the root.
pub(crate) fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let base = if rel.starts_with('/') { "" } else { dir };
    for part in base.split('/').chain(rel.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// One stanza of a `Field: value` file (dpkg `status`): the fields in order with
/// the line each starts on; continuation lines are appended to the value after a
/// newline.
#[derive(Debug, Default)]
pub(crate) struct Stanza {
    pub first_line: usize,
    pub fields: Vec<(String, String)>,
    /// The first line that was neither a field nor a continuation.
    pub bad_line: Option<usize>,
}

impl Stanza {
    /// The value of the first field called `name` (case-insensitive, as dpkg
    /// treats field names), trimmed.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }
}

/// Splits RFC-822-style text into stanzas separated by blank lines.
pub(crate) fn stanzas(text: &str) -> Vec<Stanza> {
    let mut all = Vec::new();
    let mut current: Option<Stanza> = None;
    for (index, line) in text.lines().enumerate() {
        let lineno = index + 1;
        if line.trim().is_empty() {
            all.extend(current.take());
            continue;
        }
        let stanza = current.get_or_insert_with(|| Stanza { first_line: lineno, ..Stanza::default() });
        if line.starts_with([' ', '\t']) {
            match stanza.fields.last_mut() {
                Some((_, value)) => {
                    value.push('\n');
                    value.push_str(line.trim());
                }
                None => {
                    stanza.bad_line.get_or_insert(lineno);
                }
            }
            continue;
        }
        match line.split_once(':') {
            Some((name, value)) if !name.is_empty() && !name.contains(char::is_whitespace) => {
                stanza.fields.push((name.to_string(), value.trim().to_string()));
            }
            _ => {
                stanza.bad_line.get_or_insert(lineno);
            }
        }
    }
    all.extend(current);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_folds_dots_and_refuses_to_climb_out() {
        assert_eq!(join("usr/lib/python3/site-packages", "../../../bin/x").as_deref(), Some("usr/bin/x"));
        assert_eq!(join("a/b", "./c//d").as_deref(), Some("a/b/c/d"));
        assert_eq!(join("a/b", "/etc/x").as_deref(), Some("etc/x"));
        assert_eq!(join("a", "../../x"), None);
        assert_eq!(join("", "x").as_deref(), Some("x"));
    }

    #[test]
    fn parent_and_file_name() {
        assert_eq!(parent("a/b/c"), "a/b");
        assert_eq!(parent("c"), "");
        assert_eq!(file_name("a/b/c"), "c");
        assert_eq!(file_name("c"), "c");
    }

    #[test]
    fn stanzas_with_continuations_and_bad_lines() {
        let text = "Package: a\nDescription: one\n two\n .\n\n\n \t\nPackage: b\nno colon here\nVersion: 1\n\n continuation first\nX: y\n";
        let s = stanzas(text);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].first_line, 1);
        assert_eq!(s[0].get("description"), Some("one\ntwo\n."));
        assert_eq!(s[0].bad_line, None);
        assert_eq!(s[1].first_line, 8);
        assert_eq!(s[1].bad_line, Some(9));
        assert_eq!(s[1].get("Version"), Some("1"));
        assert_eq!(s[2].bad_line, Some(12));
        assert_eq!(s[2].get("X"), Some("y"));
        assert_eq!(s[2].get("Package"), None);
    }
}
