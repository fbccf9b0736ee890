//! Bundler's `Gemfile.lock` (or `gems.locked`): the `specs:` of its `GEM` sections,
//! one `name (version)` line four spaces in per gem (their dependencies are six
//! spaces in). A platform-specific gem (`nokogiri (1.15.4-x86_64-linux)`) is version
//! `1.15.4` with extra `platform`. Gems of `GIT` sections are kept with extra
//! `source=git`, those of `PATH` sections (the project's own) with `source=local`.

use super::{locked, text, LockfileCataloger};
use crate::catalog::CatalogOutput;
use crate::model::Ecosystem;

/// The Bundler lockfile cataloger.
pub static GEMFILE_LOCK: LockfileCataloger =
    LockfileCataloger { name: "gemfile-lock", file: is_gemfile_lock, skip_dirs: &["vendor"], parse };

fn is_gemfile_lock(name: &str) -> bool {
    name == "Gemfile.lock" || name == "gems.locked"
}

fn parse(bytes: &[u8], path: &str, out: &mut CatalogOutput) {
    let Some(text) = text(bytes, path, out) else { return };
    // The source of the section being read, when it lists gems.
    let mut section: Option<Option<&str>> = None;
    let mut in_specs = false;
    let mut seen_source = false;
    for (index, line) in text.lines().enumerate() {
        let lineno = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            section = match line.trim_end() {
                "GEM" => Some(None),
                "GIT" => Some(Some("git")),
                "PATH" => Some(Some("local")),
                _ => None,
            };
            seen_source |= section.is_some();
            in_specs = false;
            continue;
        }
        let Some(source) = section else { continue };
        let indent = line.len() - line.trim_start_matches(' ').len();
        match indent {
            2 => in_specs = line.trim_end() == "  specs:",
            4 if in_specs => {
                let spec = line.trim();
                let Some((name, version)) = spec.strip_suffix(')').and_then(|s| s.split_once(" (")) else {
                    out.warn(path, format!("line {lineno}: `{spec}` is not `name (version)`, skipped"));
                    continue;
                };
                let (name, version) = (name.trim(), version.trim());
                if name.is_empty() || version.is_empty() || name.contains(' ') {
                    out.warn(path, format!("line {lineno}: `{spec}` is not `name (version)`, skipped"));
                    continue;
                }
                // Gem versions have no `-`: one introduces the platform.
                let (version, platform) = match version.split_once('-') {
                    Some((v, p)) if !v.is_empty() && !p.is_empty() => (v, Some(p)),
                    _ => (version, None),
                };
                let mut package = locked(Ecosystem::RubyGems, name, version, path);
                if let Some(platform) = platform {
                    package.extra.insert("platform".into(), platform.into());
                }
                if let Some(source) = source {
                    package.extra.insert("source".into(), source.into());
                }
                out.packages.push(package);
            }
            _ => {}
        }
    }
    if !seen_source {
        out.warn(path, "no GEM, GIT or PATH section: not a Gemfile.lock");
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{messages, names, pairs, run, with_extra};
    use super::*;
    use crate::catalog::TreeCataloger;

    #[test]
    fn wants_both_names_outside_vendor() {
        assert!(GEMFILE_LOCK.wants("Gemfile.lock").is_some());
        assert!(GEMFILE_LOCK.wants("app/gems.locked").is_some());
        assert!(GEMFILE_LOCK.wants("vendor/bundle/ruby/3.2.0/gems/x-1.0/Gemfile.lock").is_none());
        assert!(GEMFILE_LOCK.wants("app/Gemfile").is_none());
    }

    #[test]
    fn gem_git_and_path_sections() {
        let lock = "\
GIT
  remote: https://github.com/acme/forked.git
  revision: 0123456789abcdef
  specs:
    forked (0.2.0)

PATH
  remote: .
  specs:
    myapp (1.0.0)
      rails (~> 7.0)

GEM
  remote: https://rubygems.org/
  specs:
    actionpack (7.0.4)
      rack (~> 2.0, >= 2.2.0)
    nokogiri (1.15.4-x86_64-linux)
      racc (~> 1.4)
    nokogiri (1.15.4-arm64-darwin)
      racc (~> 1.4)
    rack (2.2.8)

PLATFORMS
  arm64-darwin
  x86_64-linux

DEPENDENCIES
  forked!
  myapp!
  rack (= 2.2.8)

BUNDLED WITH
   2.4.10
";
        let out = run(&GEMFILE_LOCK, "Gemfile.lock", lock);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(
            names(&out),
            pairs(&[
                ("actionpack", "7.0.4"),
                ("forked", "0.2.0"),
                ("myapp", "1.0.0"),
                ("nokogiri", "1.15.4"),
                ("nokogiri", "1.15.4"),
                ("rack", "2.2.8"),
            ])
        );
        let mut platforms: Vec<&str> =
            out.packages.iter().filter_map(|p| p.extra.get("platform")).map(String::as_str).collect();
        platforms.sort();
        assert_eq!(platforms, ["arm64-darwin", "x86_64-linux"]);
        assert_eq!(with_extra(&out, "source", "git"), ["forked"]);
        assert_eq!(with_extra(&out, "source", "local"), ["myapp"]);
        assert!(out.packages.iter().all(|p| p.ecosystem == Ecosystem::RubyGems));
    }

    #[test]
    fn prerelease_versions_and_crlf() {
        let lock = "GEM\r\n  remote: https://rubygems.org/\r\n  specs:\r\n    rails (7.1.0.rc1)\r\n\r\nCHECKSUMS\r\n    x (1.0)\r\n";
        let out = run(&GEMFILE_LOCK, "gems.locked", lock);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(names(&out), pairs(&[("rails", "7.1.0.rc1")]));
    }

    #[test]
    fn malformed_specs_warn() {
        let lock = "GEM\n  specs:\n    broken\n    two words (1.0)\n    empty ()\n    ok (1.0)\n";
        let out = run(&GEMFILE_LOCK, "Gemfile.lock", lock);
        assert_eq!(names(&out), pairs(&[("ok", "1.0")]));
        assert_eq!(
            messages(&out),
            [
                "line 3: `broken` is not `name (version)`, skipped",
                "line 4: `two words (1.0)` is not `name (version)`, skipped",
                "line 5: `empty ()` is not `name (version)`, skipped",
            ]
        );
        let out = run(&GEMFILE_LOCK, "Gemfile.lock", "source 'https://rubygems.org'\ngem 'rails'\n");
        assert_eq!(messages(&out), ["no GEM, GIT or PATH section: not a Gemfile.lock"]);
    }
}
