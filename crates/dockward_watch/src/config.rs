//! `[watch]` of `dockward.toml`, read from the file's text by the watcher itself (the
//! linter's config only passes the section through), with errors located at the line and
//! column of the offending key.

use std::path::{Path, PathBuf};

use dockward_sinks::SinkConfig;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WatchConfig {
    /// Seconds between two resyncs.
    pub resync: Option<u64>,
    pub state: Option<PathBuf>,
    pub format: Option<String>,
    pub timeout: Option<u64>,
    /// `dockward guard`'s decision log (a file sink), followed for TLS identities.
    pub guard_log: Option<PathBuf>,
    /// The audit log to correlate events with (who did it).
    pub auditd_log: Option<PathBuf>,
    /// The key of the audit rules on connect to the socket (default `docker-api`).
    pub auditd_key: Option<String>,
    #[serde(default)]
    pub sink: Vec<SinkConfig>,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    watch: Option<WatchConfig>,
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The `[watch]` section of a config file's text (`None` when it has none).
pub fn parse(path: &Path, text: &str) -> Result<Option<WatchConfig>, String> {
    // Everything but [watch] is the linter's: read only this table, ignore the rest.
    let table: toml::Table = toml::from_str(text).map_err(|e| located(path, text, &e))?;
    if !table.contains_key("watch") {
        return Ok(None);
    }
    let file: Result<File, _> = toml::de::from_str(&only_watch(text));
    match file {
        Ok(f) => {
            let config = f.watch.unwrap_or_default();
            if let Some(format) = &config.format {
                if format != "json" && format != "ecs" {
                    return Err(format!("{}: [watch] format = `{format}`: expected `json` or `ecs`", path.display()));
                }
            }
            if config.resync == Some(0) {
                return Err(format!("{}: [watch] resync must be at least 1 second", path.display()));
            }
            Ok(Some(config))
        }
        Err(e) => Err(located(path, text, &e)),
    }
}

/// The text with every line outside the `[watch]` tables blanked (kept as empty lines, so
/// offsets of what remains are the file's own lines and columns).
fn only_watch(text: &str) -> String {
    let mut keep = false;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with('[') {
            let name = t.trim_start_matches('[').split([']', '#']).next().unwrap_or("").trim();
            keep = name == "watch" || name.starts_with("watch.");
        }
        if keep {
            out.push_str(line);
        } else {
            out.push_str(&" ".repeat(line.trim_end_matches('\n').len()));
            if line.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    out
}

fn located(path: &Path, text: &str, e: &toml::de::Error) -> String {
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("{}:{line}:{col}: {}", path.display(), e.message())
        }
        None => format!("{}: {}", path.display(), e.message()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_section_and_its_sinks() {
        let text = "select = [\"CT\"]\n[audit]\nmin-engine-version = \"26.1\"\n[watch]\nresync = 60\nformat = \"ecs\"\nguard-log = \"/var/log/dockward/guard.jsonl\"\nauditd-log = \"/var/log/audit/audit.log\"\nauditd-key = \"dw\"\n\n[[watch.sink]]\ntype = \"file\"\npath = \"/var/log/dockward/watch.jsonl\"\n";
        let c = parse(Path::new("dockward.toml"), text).unwrap().unwrap();
        assert_eq!(c.resync, Some(60));
        assert_eq!(c.format.as_deref(), Some("ecs"));
        assert_eq!(c.guard_log.as_deref(), Some(Path::new("/var/log/dockward/guard.jsonl")));
        assert_eq!(c.auditd_log, Some(PathBuf::from("/var/log/audit/audit.log")));
        assert_eq!(c.auditd_key.as_deref(), Some("dw"));
        assert_eq!(c.sink, [SinkConfig::File { path: "/var/log/dockward/watch.jsonl".into(), queue: None }]);
        assert_eq!(parse(Path::new("d.toml"), "[audit]\n").unwrap(), None);
    }

    #[test]
    fn errors_point_at_the_key() {
        let err = parse(Path::new("d.toml"), "[audit]\n\n[watch]\nresinc = 5\n").unwrap_err();
        assert!(err.starts_with("d.toml:4:1: unknown field `resinc`"), "{err}");
        let err = parse(Path::new("d.toml"), "[watch]\n[[watch.sink]]\ntype = \"carrier-pigeon\"\n").unwrap_err();
        assert!(err.starts_with("d.toml:3:8:"), "{err}");
        let err = parse(Path::new("d.toml"), "[watch]\nformat = \"xml\"\n").unwrap_err();
        assert!(err.contains("expected `json` or `ecs`"), "{err}");
        assert!(parse(Path::new("d.toml"), "[watch\n").unwrap_err().starts_with("d.toml:1:"));
    }
}
