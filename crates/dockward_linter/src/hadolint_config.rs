//! `.hadolint.yaml`: read in place of a `dockward.toml` when a repository has only a
//! hadolint configuration, so moving from hadolint keeps its decisions.
//!
//! Mapped: `ignored` (rule ids through the aliases: `DL3008` names the dockward rule
//! that checks the same thing), `trustedRegistries`, `override` (`error`, `warning`,
//! `info`, `style`; style becomes info) and `failure-threshold`. Ids with no dockward
//! equivalent (ShellCheck's `SCxxxx`, a `DLxxxx` no rule covers) and keys dockward has no
//! use for (`label-schema`, `format`, ...) are warnings, never errors: the file was
//! written for another tool. A file that is not YAML, or whose known keys have the wrong
//! shape, is an error with its line and column.

use dockward_diagnostics::Severity;
use dockward_source::{SourceFile, TextSize};
use dockward_yaml::{Node, NodeKind};

use crate::config::{Config, ConfigError, FailOn};
use crate::registry;
use crate::settings::SettingsBuilder;

/// The names hadolint reads in a project directory.
pub const HADOLINT_FILE_NAMES: &[&str] = &[".hadolint.yaml", ".hadolint.yml"];

/// True if `path` is named like a hadolint config file.
pub fn is_hadolint_config(path: &std::path::Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| HADOLINT_FILE_NAMES.contains(&n) || n == "hadolint.yaml")
}

/// Reads a hadolint configuration's text; `name` is used in positions and warnings.
pub fn parse_hadolint_config(name: &str, text: &str) -> Result<Config, ConfigError> {
    let source = SourceFile::new(name, None, text);
    let err_at = |offset: TextSize, message: String| {
        let p = source.position(offset);
        ConfigError { path: name.to_string(), line: p.line, column: p.column, message }
    };
    let doc = dockward_yaml::parse(text, &dockward_yaml::Budget::default())
        .map_err(|e| err_at(e.range.start(), format!("not a hadolint configuration: {}", e.message)))?;
    let mut builder = SettingsBuilder::default();
    let mut warnings = Vec::new();
    let mut fail_on = None;
    let entries = match doc.root.as_ref().map(|n| &n.kind) {
        None => return Ok(Config { path: None, builder, fail_on, warnings }),
        Some(NodeKind::Map(entries)) => entries,
        Some(_) => {
            return Err(err_at(
                doc.root.as_ref().map_or(TextSize::from(0), |n| n.range.start()),
                "expected a mapping of hadolint settings".into(),
            ))
        }
    };
    let mut warn = |at: TextSize, message: String| {
        let p = source.position(at);
        warnings.push(format!("{name}:{}:{}: {message}", p.line, p.column));
    };
    for entry in entries {
        let key = scalar(&entry.key).unwrap_or_default();
        let value = &entry.value;
        match key {
            "ignored" => {
                for item in strings(value).map_err(|at| err_at(at, "`ignored` must be a list of rule ids".into()))? {
                    match mapped(item.1) {
                        Some(codes) => builder.ignore.extend(codes),
                        None => warn(item.0, no_equivalent(item.1, "ignored")),
                    }
                }
            }
            "trustedRegistries" => {
                let list = strings(value)
                    .map_err(|at| err_at(at, "`trustedRegistries` must be a list of registries".into()))?;
                builder.trusted_registries.extend(list.into_iter().map(|(_, s)| s.to_string()));
            }
            "override" => {
                let NodeKind::Map(levels) = &value.kind else {
                    return Err(err_at(
                        value.range.start(),
                        "`override` must map error, warning, info or style to rule ids".into(),
                    ));
                };
                for level in levels {
                    let level_name = scalar(&level.key).unwrap_or_default();
                    let severity = match level_name {
                        "error" => Severity::Error,
                        "warning" => Severity::Warning,
                        // dockward has three levels: style findings are information.
                        "info" | "style" => Severity::Info,
                        other => {
                            warn(level.key.range.start(), format!("unknown override level `{other}` left out"));
                            continue;
                        }
                    };
                    let list = strings(&level.value)
                        .map_err(|at| err_at(at, format!("`override.{level_name}` must be a list of rule ids")))?;
                    for (at, id) in list {
                        match mapped(id) {
                            Some(codes) => builder.severity.extend(codes.into_iter().map(|c| (c, severity))),
                            None => warn(at, no_equivalent(id, "override")),
                        }
                    }
                }
            }
            "failure-threshold" => {
                let s = scalar(value).unwrap_or_default();
                fail_on = Some(match s {
                    "error" => FailOn::Severity(Severity::Error),
                    "warning" => FailOn::Severity(Severity::Warning),
                    "info" | "style" => FailOn::Severity(Severity::Info),
                    "none" | "ignore" => FailOn::None,
                    other => {
                        return Err(err_at(
                            value.range.start(),
                            format!(
                                "unknown failure-threshold `{other}` (expected error, warning, info, style or none)"
                            ),
                        ))
                    }
                });
            }
            "no-fail" if scalar(value) == Some("true") => fail_on = Some(FailOn::None),
            // Output and pragma options of hadolint's own command line: nothing to map.
            "no-fail" | "no-color" | "format" | "verbose" | "disable-ignore-pragma" => {}
            other => warn(
                entry.key.range.start(),
                format!("`{other}` has no dockward equivalent and is left out (see docs/hadolint.md)"),
            ),
        }
    }
    Ok(Config { path: None, builder, fail_on, warnings })
}

fn no_equivalent(id: &str, list: &str) -> String {
    let what = if id.to_ascii_uppercase().starts_with("SC") {
        "a ShellCheck check, which dockward does not run"
    } else {
        "no dockward rule checks it"
    };
    format!("`{id}` in `{list}` is left out: {what}")
}

/// The dockward rules a hadolint id names (through the rules' aliases), or `None`.
fn mapped(id: &str) -> Option<Vec<String>> {
    let codes: Vec<String> = registry::all_rules().filter(|r| r.is_named(id)).map(|r| r.code.to_string()).collect();
    (!codes.is_empty()).then_some(codes)
}

fn scalar(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Scalar(s) => Some(s.value.as_str()),
        _ => None,
    }
}

/// The strings of a sequence of scalars with their offsets; an empty value is an empty
/// list. The error is the offset of what is not a string.
fn strings(node: &Node) -> Result<Vec<(TextSize, &str)>, TextSize> {
    match &node.kind {
        NodeKind::Seq(items) => {
            items.iter().map(|n| scalar(n).map(|s| (n.range.start(), s.trim())).ok_or(n.range.start())).collect()
        }
        NodeKind::Scalar(s) if s.value.is_empty() => Ok(Vec::new()),
        _ => Err(node.range.start()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load_config;

    #[test]
    fn maps_ignored_trusted_registries_overrides_and_threshold() {
        let text = "ignored:\n  - DL3008\n  - SC2086\n  - DL9999\ntrustedRegistries:\n  - docker.io\n  - ghcr.io/acme\n\
                    override:\n  error:\n    - DL3002\n  style:\n    - DL3020\nfailure-threshold: error\nlabel-schema:\n  author: text\n";
        let cfg = parse_hadolint_config(".hadolint.yaml", text).unwrap();
        let df3008: Vec<String> = mapped("DL3008").unwrap();
        assert!(!df3008.is_empty());
        assert_eq!(cfg.builder.ignore, df3008);
        assert_eq!(cfg.builder.trusted_registries, ["docker.io", "ghcr.io/acme"]);
        let sev: Vec<(String, Severity)> = cfg.builder.severity.clone();
        assert!(sev.iter().any(|(c, s)| mapped("DL3002").unwrap().contains(c) && *s == Severity::Error), "{sev:?}");
        assert!(sev.iter().any(|(c, s)| mapped("DL3020").unwrap().contains(c) && *s == Severity::Info), "{sev:?}");
        assert_eq!(cfg.fail_on, Some(FailOn::Severity(Severity::Error)));
        assert_eq!(
            cfg.warnings,
            [
                ".hadolint.yaml:3:5: `SC2086` in `ignored` is left out: a ShellCheck check, which dockward does not run",
                ".hadolint.yaml:4:5: `DL9999` in `ignored` is left out: no dockward rule checks it",
                ".hadolint.yaml:14:1: `label-schema` has no dockward equivalent and is left out (see docs/hadolint.md)",
            ]
        );
        // The settings apply: the ignored rule is off, the override on DL3002's rule is error.
        let settings = cfg.builder.build();
        let rule = registry::find(&df3008[0]).unwrap();
        assert!(!settings.is_enabled(rule));
        let root = registry::find(&mapped("DL3002").unwrap()[0]).unwrap();
        assert_eq!(settings.severity(root), Severity::Error);
    }

    #[test]
    fn empty_and_bad_files() {
        let cfg = parse_hadolint_config("h.yaml", "# nothing yet\n").unwrap();
        assert!(cfg.builder.ignore.is_empty() && cfg.warnings.is_empty());
        let err = parse_hadolint_config("h.yaml", "ignored: DL3008\n").unwrap_err();
        assert_eq!((err.line, err.column), (1, 10));
        assert!(err.message.contains("`ignored` must be a list"), "{err}");
        let err = parse_hadolint_config("h.yaml", "failure-threshold: loud\n").unwrap_err();
        assert!(err.message.contains("unknown failure-threshold `loud`"), "{err}");
        let err = parse_hadolint_config("h.yaml", "ignored: [DL3008\n").unwrap_err();
        assert!(err.message.starts_with("not a hadolint configuration"), "{err}");
        assert_eq!(parse_hadolint_config("h.yaml", "no-fail: true\n").unwrap().fail_on, Some(FailOn::None));
    }

    #[test]
    fn found_only_without_a_dockward_config() {
        let tmp = std::env::temp_dir().join(format!("dockward-hadolint-{}", std::process::id()));
        let sub = tmp.join("svc");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(tmp.join(".hadolint.yml"), "ignored: [DL3008]\n").unwrap();
        let found = crate::config::find_config(&sub).unwrap();
        assert_eq!(found.file_name().unwrap(), ".hadolint.yml");
        let cfg = load_config(&found).unwrap();
        assert_eq!(cfg.builder.ignore, mapped("DL3008").unwrap());
        // A dockward.toml anywhere above wins over the hadolint file.
        std::fs::write(sub.join("dockward.toml"), "").unwrap();
        assert_eq!(crate::config::find_config(&sub).unwrap().file_name().unwrap(), "dockward.toml");
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
