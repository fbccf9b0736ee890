//! pnpm's `pnpm-lock.yaml`: the `packages:` section, one key per resolved package,
//! in the spelling of each lockfile version:
//! - v5: `/name/1.2.3`, `/@scope/name/1.2.3_peer@1.0.0`;
//! - v6: `/name@1.2.3`, `/@scope/name@1.2.3(peer@1.0.0)`, with `dev: true|false`;
//! - v9: `name@1.2.3`, `'@scope/name@1.2.3'` (peers and dev-ness moved elsewhere).
//!
//! Packages not from the registry (tarballs, git) carry `name:` and `version:` fields
//! under their key. Read line by line: keys are the lines two spaces into the section,
//! their fields four spaces in; nothing else is looked at.

use super::npm::split_at_version;
use super::{locked, not_checked, set_dev, text, LockfileCataloger};
use crate::catalog::CatalogOutput;
use crate::model::Ecosystem;

/// The pnpm lockfile cataloger.
pub static PNPM_LOCK: LockfileCataloger =
    LockfileCataloger { name: "pnpm-lock", file: is_pnpm_lock, skip_dirs: &[], parse };

fn is_pnpm_lock(name: &str) -> bool {
    name == "pnpm-lock.yaml"
}

/// One key of `packages:` being read.
struct Entry {
    line: usize,
    key: String,
    name: Option<String>,
    version: Option<String>,
    dev: bool,
}

fn parse(bytes: &[u8], path: &str, out: &mut CatalogOutput) {
    let Some(text) = text(bytes, path, out) else { return };
    let mut major: Option<u32> = None;
    let mut in_packages = false;
    let mut entry: Option<Entry> = None;
    let mut not_registry = 0;
    for (index, line) in text.lines().enumerate() {
        let lineno = index + 1;
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') {
            if let Some(done) = entry.take() {
                finish(done, major, path, &mut not_registry, out);
            }
            let (key, value) = line.split_once(':').unwrap_or((line, ""));
            in_packages = key == "packages";
            if key == "lockfileVersion" {
                let value = value.trim().trim_matches(['\'', '"']);
                major = value.split('.').next().and_then(|m| m.parse().ok());
            }
            continue;
        }
        if !in_packages {
            continue;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim();
        match indent {
            2 => {
                if let Some(done) = entry.take() {
                    finish(done, major, path, &mut not_registry, out);
                }
                // `/a@1.0.0:` or, with fields in flow style, `/a@1.0.0: {dev: true}`.
                let key = match split_key(content) {
                    Some((key, _)) => key,
                    None => {
                        out.warn(path, format!("line {lineno}: not a package key, skipped"));
                        continue;
                    }
                };
                let key = key.trim_matches(['\'', '"']).to_string();
                entry = Some(Entry { line: lineno, key, name: None, version: None, dev: false });
            }
            4 => {
                let Some(entry) = entry.as_mut() else { continue };
                let (field, value) = content.split_once(':').unwrap_or((content, ""));
                let value = value.trim().trim_matches(['\'', '"']).to_string();
                match field {
                    "name" if !value.is_empty() => entry.name = Some(value),
                    "version" if !value.is_empty() => entry.version = Some(value),
                    "dev" => entry.dev = value == "true",
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if let Some(done) = entry.take() {
        finish(done, major, path, &mut not_registry, out);
    }
    not_checked(
        out,
        path,
        not_registry,
        "package is not from the registry and has no version",
        "packages are not from the registry and have no version",
    );
}

/// `key:` or `key: value` -> the key; quoted keys may hold `:` (`'a@https://x'`).
fn split_key(content: &str) -> Option<(&str, &str)> {
    let quote = content.chars().next().filter(|c| *c == '\'' || *c == '"');
    let split = match quote {
        Some(q) => {
            let close = content[1..].find(q)? + 1;
            let rest = content[close + 1..].strip_prefix(':')?;
            (&content[..=close], rest)
        }
        None => content.split_once(": ").or_else(|| content.strip_suffix(':').map(|k| (k, "")))?,
    };
    (!split.0.is_empty()).then_some(split)
}

fn finish(entry: Entry, major: Option<u32>, path: &str, not_registry: &mut usize, out: &mut CatalogOutput) {
    let key = entry.key.as_str();
    let parsed = key_name_version(key, major);
    // Fields, where present, say what a tarball or git key cannot.
    let name = entry.name.as_deref().or(parsed.map(|(n, _)| n));
    let version = entry.version.as_deref().or(parsed.map(|(_, v)| v).filter(|v| is_version(v)));
    match (name, version) {
        (Some(name), Some(version)) => {
            let mut package = locked(Ecosystem::Npm, name, version, path);
            set_dev(&mut package, entry.dev);
            out.packages.push(package);
        }
        (Some(_), None) => *not_registry += 1,
        (None, _) if key.contains("://") || key.contains(".com/") || key.contains(".org/") => *not_registry += 1,
        (None, _) => out.warn(path, format!("line {}: `{key}` is not a package key, skipped", entry.line)),
    }
}

/// The name and version a key spells (its peer suffix dropped).
fn key_name_version(key: &str, major: Option<u32>) -> Option<(&str, &str)> {
    let bare = key.strip_prefix('/').unwrap_or(key);
    let after_scope = if bare.starts_with('@') { bare.find('/').map_or(bare.len(), |i| i + 1) } else { 0 };
    let v5 = match major {
        Some(m) => m < 6,
        None => !bare[after_scope..].contains('@'),
    };
    let (name, version) = if v5 {
        // `/name/1.2.3_peer`: the name is one segment, or two for a scope.
        let slash = after_scope + bare[after_scope..].find('/')?;
        let (name, version) = (&bare[..slash], &bare[slash + 1..]);
        (name, version.split('_').next().unwrap_or(version))
    } else {
        let (name, version) = split_at_version(bare)?;
        (name, version.split('(').next().unwrap_or(version))
    };
    (!name.is_empty() && !version.is_empty()).then_some((name, version))
}

fn is_version(v: &str) -> bool {
    v.starts_with(|c: char| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{messages, names, pairs, run, with_extra};
    use super::*;
    use crate::catalog::TreeCataloger;

    #[test]
    fn wants_pnpm_lock_yaml_only() {
        assert!(PNPM_LOCK.wants("pnpm-lock.yaml").is_some());
        assert!(PNPM_LOCK.wants("a/pnpm-lock.yaml").is_some());
        assert!(PNPM_LOCK.wants("a/pnpm-workspace.yaml").is_none());
        assert!(PNPM_LOCK.wants("node_modules/.pnpm/lock.yaml").is_none());
        assert!(PNPM_LOCK.wants("a/node_modules/x/pnpm-lock.yaml").is_none());
    }

    #[test]
    fn v6_keys_with_peers_and_dev() {
        let lock = "\
lockfileVersion: '6.0'

settings:
  autoInstallPeers: true

dependencies:
  react:
    specifier: ^18.2.0
    version: 18.2.0

packages:

  /@babel/core@7.22.0:
    resolution: {integrity: sha512-abc}
    engines: {node: '>=6.9.0'}
    dev: true

  /react-dom@18.2.0(react@18.2.0):
    resolution: {integrity: sha512-def}
    peerDependencies:
      react: ^18.2.0
    dependencies:
      loose-envify: 1.4.0
    dev: false

  /loose-envify@1.4.0:
    resolution: {integrity: sha512-ghi}
    hasBin: true
    dev: false
";
        let out = run(&PNPM_LOCK, "pnpm-lock.yaml", lock);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(
            names(&out),
            pairs(&[("@babel/core", "7.22.0"), ("loose-envify", "1.4.0"), ("react-dom", "18.2.0")])
        );
        assert_eq!(with_extra(&out, "dev", "true"), ["@babel/core"]);
    }

    #[test]
    fn v5_slash_keys_with_underscore_peers() {
        let lock = "\
lockfileVersion: 5.4

specifiers:
  foo: ^1.0.0

packages:

  /foo/1.0.0_bar@2.0.0:
    resolution: {integrity: sha512-x}
    dev: false

  /@types/node/18.11.9:
    resolution: {integrity: sha512-y}
    dev: true
";
        let out = run(&PNPM_LOCK, "pnpm-lock.yaml", lock);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(names(&out), pairs(&[("@types/node", "18.11.9"), ("foo", "1.0.0")]));
        assert_eq!(with_extra(&out, "dev", "true"), ["@types/node"]);
    }

    #[test]
    fn v9_bare_quoted_and_tarball_keys() {
        let lock = "\
lockfileVersion: '9.0'

importers:

  .:
    dependencies:
      left-pad:
        specifier: 1.3.0
        version: 1.3.0

packages:

  '@babel/helper-string-parser@7.22.5':
    resolution: {integrity: sha512-a}
    engines: {node: '>=6.9.0'}

  left-pad@1.3.0:
    resolution: {integrity: sha512-b}
    deprecated: use String.prototype.padStart()

  '@acme/tool@https://codeload.github.com/acme/tool/tar.gz/abc':
    resolution: {tarball: https://codeload.github.com/acme/tool/tar.gz/abc}
    name: '@acme/tool'
    version: 2.1.0

  gitdep@git+https://example.com/gitdep.git#abc:
    resolution: {commit: abc, repo: https://example.com/gitdep.git, type: git}

  inline@1.0.0: {resolution: {integrity: sha512-c}}

snapshots:

  left-pad@1.3.0: {}
  '@babel/helper-string-parser@7.22.5': {}
";
        let out = run(&PNPM_LOCK, "pnpm-lock.yaml", lock);
        assert_eq!(
            names(&out),
            pairs(&[
                ("@acme/tool", "2.1.0"),
                ("@babel/helper-string-parser", "7.22.5"),
                ("inline", "1.0.0"),
                ("left-pad", "1.3.0")
            ])
        );
        assert_eq!(messages(&out), ["1 package is not from the registry and has no version: not checked"]);
    }

    #[test]
    fn bad_keys_warn_and_the_rest_is_read() {
        let lock = "lockfileVersion: '6.0'\npackages:\n  /ok@1.0.0:\n    dev: false\n  nokey\n  /noversion:\n    dev: true\n  '/unterminated@1.0.0:\n";
        let out = run(&PNPM_LOCK, "pnpm-lock.yaml", lock);
        assert_eq!(names(&out), pairs(&[("ok", "1.0.0")]));
        assert_eq!(
            messages(&out),
            [
                "line 5: not a package key, skipped",
                "line 6: `/noversion` is not a package key, skipped",
                "line 8: not a package key, skipped",
            ]
        );
    }

    #[test]
    fn key_spellings() {
        assert_eq!(key_name_version("/a/1.0.0", Some(5)), Some(("a", "1.0.0")));
        assert_eq!(key_name_version("/@s/a/1.0.0_b@1+c@2", Some(5)), Some(("@s/a", "1.0.0")));
        assert_eq!(key_name_version("/@s/a/1.0.0", None), Some(("@s/a", "1.0.0")));
        assert_eq!(key_name_version("/@s/a@1.0.0(b@1)(c@2)", Some(6)), Some(("@s/a", "1.0.0")));
        assert_eq!(key_name_version("@s/a@1.0.0", None), Some(("@s/a", "1.0.0")));
        assert_eq!(key_name_version("a@1.0.0", Some(9)), Some(("a", "1.0.0")));
        assert_eq!(key_name_version("/a", Some(5)), None);
        assert_eq!(key_name_version("@s", None), None);
        assert_eq!(key_name_version("", Some(9)), None);
    }
}
