//! Installed Ruby gems: `specifications/<name>-<version>.gemspec` (and the
//! default gems in `specifications/default/`), the Ruby DSL RubyGems writes at
//! install time. Only the simple assignments it writes are read; nothing is
//! evaluated.

use crate::catalog::textutil::{file_name, read_wanted, MIB};
use crate::catalog::{CatalogOutput, TreeCataloger};
use crate::model::{Distro, Ecosystem, Package};
use crate::tree::FileTree;

const GEMSPEC_MAX: u64 = MIB;

/// The RubyGems cataloger.
pub struct Ruby;

/// Whether `path` is a gemspec RubyGems installed: `.../specifications/x.gemspec`
/// or `.../specifications/default/x.gemspec`; and whether it is a default gem.
fn installed_gemspec(path: &str) -> Option<bool> {
    if !path.ends_with(".gemspec") {
        return None;
    }
    let rest = match path.rsplit_once("/specifications/") {
        Some((_, rest)) => rest,
        None => path.strip_prefix("specifications/")?,
    };
    match rest.strip_prefix("default/") {
        Some(inner) if !inner.contains('/') => Some(true),
        _ if !rest.contains('/') => Some(false),
        _ => None,
    }
}

impl TreeCataloger for Ruby {
    fn name(&self) -> &'static str {
        "gem"
    }

    fn wants(&self, path: &str) -> Option<u64> {
        installed_gemspec(path).map(|_| GEMSPEC_MAX)
    }

    fn catalog(&self, tree: &dyn FileTree, paths: &[&str], _distro: Option<&Distro>, out: &mut CatalogOutput) {
        for &path in paths {
            let Some(default_gem) = installed_gemspec(path) else { continue };
            let Some(bytes) = read_wanted(tree, path, GEMSPEC_MAX, out) else { continue };
            let spec = parse_gemspec(&String::from_utf8_lossy(&bytes));
            let from_file = name_version_from_file_name(file_name(path));
            let name = spec.name.or_else(|| from_file.map(|(n, _)| n.to_string()));
            let version = spec.version.or_else(|| from_file.map(|(_, v)| v.to_string()));
            let (Some(name), Some(version)) = (name, version) else {
                out.warn(path, "neither the gemspec nor its file name gives a name and a version, skipped");
                continue;
            };
            let mut package = Package::new(Ecosystem::RubyGems, name, version, path);
            package.licenses = spec.licenses;
            if default_gem {
                package.extra.insert("default-gem".into(), "true".into());
            }
            out.packages.push(package);
        }
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
struct GemSpec {
    name: Option<String>,
    version: Option<String>,
    licenses: Vec<String>,
}

fn parse_gemspec(text: &str) -> GemSpec {
    let mut spec = GemSpec::default();
    for line in text.lines() {
        let Some((attribute, value)) = assignment(line) else { continue };
        match (attribute, value) {
            ("name", Value::Str(s)) if spec.name.is_none() => spec.name = Some(s),
            ("version", Value::Str(s)) if spec.version.is_none() => spec.version = Some(s),
            ("license", Value::Str(s)) => spec.licenses = vec![s],
            ("licenses", Value::Str(s)) => spec.licenses = vec![s],
            ("licenses", Value::List(list)) => spec.licenses = list,
            _ => {}
        }
    }
    spec.licenses.retain(|l| !l.is_empty());
    spec
}

/// A right-hand side this reader understands.
#[derive(Debug, PartialEq, Eq)]
enum Value {
    Str(String),
    List(Vec<String>),
}

/// `s.name = "x".freeze` -> (`name`, Str(`x`)). The receiver may be any
/// identifier (`s`, `spec`, `gem`).
fn assignment(line: &str) -> Option<(&str, Value)> {
    let (target, rhs) = line.split_once('=')?;
    if rhs.starts_with(['=', '~']) {
        return None; // `==`, `=~`: a comparison, not an assignment
    }
    let (receiver, attribute) = target.trim().split_once('.')?;
    let is_ident = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_ident(receiver) || !is_ident(attribute) {
        return None;
    }
    let mut parser = Parser { rest: rhs.trim_start() };
    let value = parser.value()?;
    Some((attribute, value))
}

/// A reader of Ruby literals: strings (`"..."`, `'...'`, with `.freeze`),
/// `Gem::Version.new("...")`, arrays of strings and `%w[...]`.
struct Parser<'a> {
    rest: &'a str,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        self.rest = self.rest.trim_start();
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip_space();
        match self.rest.strip_prefix(token) {
            Some(after) => {
                self.rest = after;
                true
            }
            None => false,
        }
    }

    fn value(&mut self) -> Option<Value> {
        self.skip_space();
        if self.eat("Gem::Version.new(") {
            let s = self.string()?;
            return self.eat(")").then_some(Value::Str(s));
        }
        if self.eat("[") {
            let mut list = Vec::new();
            loop {
                if self.eat("]") {
                    return Some(Value::List(list));
                }
                list.push(self.string()?);
                if !self.eat(",") {
                    return self.eat("]").then_some(Value::List(list));
                }
            }
        }
        if let Some(after) = self.rest.strip_prefix("%w").or_else(|| self.rest.strip_prefix("%W")) {
            let mut chars = after.chars();
            let close = match chars.next()? {
                '[' => ']',
                '(' => ')',
                '{' => '}',
                '<' => '>',
                other if !other.is_alphanumeric() && !other.is_whitespace() => other,
                _ => return None,
            };
            let (words, _) = chars.as_str().split_once(close)?;
            return Some(Value::List(words.split_whitespace().map(str::to_string).collect()));
        }
        self.string().map(Value::Str)
    }

    /// A quoted string, with an optional `.freeze` after it.
    fn string(&mut self) -> Option<String> {
        self.skip_space();
        let mut chars = self.rest.char_indices();
        let (_, quote) = chars.next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let mut out = String::new();
        let mut escaped = false;
        for (index, c) in chars {
            if escaped {
                // In single quotes only `\'` and `\\` are escapes.
                if quote == '\'' && c != '\'' && c != '\\' {
                    out.push('\\');
                }
                out.push(c);
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == quote {
                self.rest = &self.rest[index + c.len_utf8()..];
                self.eat(".freeze");
                return Some(out);
            } else {
                out.push(c);
            }
        }
        None
    }
}

/// `rack-3.0.8.gemspec` -> (`rack`, `3.0.8`); `nokogiri-1.15.4-x86_64-linux.gemspec`
/// -> (`nokogiri`, `1.15.4`): the version starts at the first `-<digit>` (gem
/// versions never contain `-`, the platform follows one).
fn name_version_from_file_name(file: &str) -> Option<(&str, &str)> {
    let stem = file.strip_suffix(".gemspec")?;
    let split = stem
        .char_indices()
        .find_map(|(i, c)| (c == '-' && stem[i + 1..].starts_with(|d: char| d.is_ascii_digit())).then_some(i))?;
    let name = &stem[..split];
    let version = stem[split + 1..].split('-').next()?;
    (!name.is_empty()).then_some((name, version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memtree::MemTree;

    fn run(tree: &MemTree) -> CatalogOutput {
        let paths: Vec<&str> =
            tree.entries().iter().map(|e| e.path.as_str()).filter(|p| Ruby.wants(p).is_some()).collect();
        let mut out = CatalogOutput::default();
        Ruby.catalog(tree, &paths, None, &mut out);
        out
    }

    const GENERATED: &str = r#"# -*- encoding: utf-8 -*-
# stub: rack 3.0.8 ruby lib

Gem::Specification.new do |s|
  s.name = "rack".freeze
  s.version = "3.0.8"

  s.required_rubygems_version = Gem::Requirement.new(">= 0".freeze) if s.respond_to? :required_rubygems_version=
  s.metadata = { "bug_tracker_uri" => "https://example.invalid/issues" } if s.respond_to? :metadata=
  s.require_paths = ["lib".freeze]
  s.authors = ["Someone".freeze]
  s.licenses = ["MIT".freeze]
  s.summary = "A modular Ruby webserver interface.".freeze

  s.installed_by_version = "3.4.10" if s.respond_to? :installed_by_version
end
"#;

    #[test]
    fn a_gemspec_as_rubygems_writes_it() {
        let tree = MemTree::new().with_file("usr/local/bundle/specifications/rack-3.0.8.gemspec", GENERATED);
        let out = run(&tree);
        assert!(out.warnings.is_empty());
        let p = &out.packages[0];
        assert_eq!((p.name.as_str(), p.version.as_str()), ("rack", "3.0.8"));
        assert_eq!(p.licenses, ["MIT"]);
        assert_eq!(p.ecosystem, Ecosystem::RubyGems);
        assert_eq!(p.location, "usr/local/bundle/specifications/rack-3.0.8.gemspec");
        assert!(p.extra.is_empty());
    }

    #[test]
    fn other_literal_forms() {
        let spec = parse_gemspec(
            "spec.name    = 'it\\'s'\nspec.version = Gem::Version.new( \"1.2.3\" )\nspec.license = 'Ruby'\n\
             if spec.name == \"x\" then\n",
        );
        assert_eq!(spec.name.as_deref(), Some("it's"));
        assert_eq!(spec.version.as_deref(), Some("1.2.3"));
        assert_eq!(spec.licenses, ["Ruby"]);

        let spec = parse_gemspec("gem.name = \"a\\\"b\"\ngem.licenses = %w[MIT BSD-2-Clause]\n");
        assert_eq!(spec.name.as_deref(), Some("a\"b"));
        assert_eq!(spec.licenses, ["MIT", "BSD-2-Clause"]);

        let spec = parse_gemspec("s.licenses = [\"MIT\".freeze, \"Apache-2.0\".freeze]\ns.licenses = []\n");
        assert!(spec.licenses.is_empty());

        let spec = parse_gemspec("s.licenses = \"GPL-2.0\"\ns.name = computed_name\ns.version = VERSION\n");
        assert_eq!(spec, GemSpec { name: None, version: None, licenses: vec!["GPL-2.0".into()] });

        assert_eq!(parse_gemspec("s.name = \"unterminated\ns.version = ['x'\n"), GemSpec::default());
    }

    #[test]
    fn file_name_fallback() {
        assert_eq!(name_version_from_file_name("rack-3.0.8.gemspec"), Some(("rack", "3.0.8")));
        assert_eq!(name_version_from_file_name("net-http-0.4.1.gemspec"), Some(("net-http", "0.4.1")));
        assert_eq!(name_version_from_file_name("nokogiri-1.15.4-x86_64-linux.gemspec"), Some(("nokogiri", "1.15.4")));
        assert_eq!(name_version_from_file_name("noversion.gemspec"), None);
        assert_eq!(name_version_from_file_name("-1.0.gemspec"), None);

        let tree = MemTree::new()
            .with_file("var/lib/gems/3.1.0/specifications/default/json-2.6.1.gemspec", "s.name = NAME\n")
            .with_file("var/lib/gems/3.1.0/specifications/weird.gemspec", "")
            .with_file("var/lib/gems/3.1.0/specifications/named-1.0.gemspec", "s.name = 'other'\n");
        let out = run(&tree);
        let got: Vec<(&str, &str)> = out.packages.iter().map(|p| (p.name.as_str(), p.version.as_str())).collect();
        assert_eq!(got, [("json", "2.6.1"), ("other", "1.0")]);
        assert_eq!(out.packages[0].extra["default-gem"], "true");
        assert_eq!(out.warnings.len(), 1);
        assert_eq!(out.warnings[0].path, "var/lib/gems/3.1.0/specifications/weird.gemspec");
    }

    #[test]
    fn wants_installed_gemspecs_only() {
        assert!(Ruby.wants("usr/local/bundle/specifications/rack-3.0.8.gemspec").is_some());
        assert!(Ruby.wants("specifications/rack-3.0.8.gemspec").is_some());
        assert!(Ruby.wants("x/specifications/default/json-2.6.1.gemspec").is_some());
        assert!(Ruby.wants("x/specifications/deep/er/a-1.gemspec").is_none());
        assert!(Ruby.wants("x/gems/rack-3.0.8/rack.gemspec").is_none());
        assert!(Ruby.wants("x/specifications/rack-3.0.8.gemspec.bak").is_none());
    }
}
