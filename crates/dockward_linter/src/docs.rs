//! Markdown documentation generated from the registry: `docs/rules/*.md`.
//!
//! `cargo xtask docs` writes the files; a test checks the checked-in copies are
//! current, so the docs cannot drift from the code.

use std::fmt::Write;

use dockward_diagnostics::RuleMeta;

use crate::registry;

/// The rule's doc comment as Markdown (the one leading space rustdoc keeps removed).
pub fn rule_docs(rule: &RuleMeta) -> String {
    let mut out = String::new();
    for line in rule.docs.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out
}

/// The page for one rule.
pub fn rule_page(rule: &RuleMeta) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# {} `{}`\n", rule.code, rule.name);
    let _ = writeln!(md, "{}.\n", rule.summary);
    let _ = writeln!(md, "| | |\n|---|---|");
    let _ = writeln!(md, "| Severity | {} |", rule.severity);
    let _ = writeln!(md, "| Category | {} |", rule.category.as_str());
    let _ = writeln!(md, "| Applies to | {} |", rule.target.as_str());
    let _ = writeln!(md, "| Fix | {} |", rule.fix.as_str());
    let _ = writeln!(md, "| Enabled by default | {} |", if rule.default_enabled { "yes" } else { "no" });
    let peer_ids = rule.peer_ids();
    if !peer_ids.is_empty() {
        let ids: Vec<&str> = peer_ids.iter().map(String::as_str).collect();
        let _ = writeln!(md, "| Aliases | {} |", join_code(&ids));
    }
    if !rule.cis.is_empty() {
        let _ = writeln!(md, "| CIS Docker Benchmark | {} |", crate::cis::cis_ids_by_version(rule.code, rule.cis));
    }
    if !rule.practices.is_empty() {
        let words: Vec<String> = rule.practices.iter().map(|id| crate::practices::describe(id)).collect();
        let _ = writeln!(md, "| Practices | {} |", words.join("; "));
    }
    let controls = compliance_controls(rule.code);
    if !controls.is_empty() {
        let _ = writeln!(md, "| Evidence for | {controls} |");
    }
    md.push('\n');
    md.push_str(&rule_docs(rule).replace("\n## ", "\n### ").replacen("## ", "### ", 1));
    md
}

/// The compliance controls a rule gives evidence for, grouped by framework:
/// `nist-800-190 4.4.3, 4.5.2; hipaa 164.312(d)` (from `compliance/*.toml`).
fn compliance_controls(code: &str) -> String {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for (framework, control) in crate::compliance::controls_of(code) {
        match groups.last_mut() {
            Some((f, ids)) if *f == framework => ids.push(control),
            _ => groups.push((framework, vec![control])),
        }
    }
    groups.iter().map(|(f, ids)| format!("{f} {}", ids.join(", "))).collect::<Vec<_>>().join("; ")
}

fn join_code(items: &[&str]) -> String {
    items.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
}

/// The index page listing every rule.
pub fn index_page() -> String {
    let mut md = String::from("# Rules\n\nGenerated from the rule registry by `cargo xtask docs`; do not edit.\n\n");
    md.push_str("| Code | Name | Severity | Fix | Default | Summary | Aliases |\n|---|---|---|---|---|---|---|\n");
    for r in registry::all_rules() {
        let _ = writeln!(
            md,
            "| [{code}]({code}.md) | `{name}` | {sev} | {fix} | {on} | {summary} | {aliases} |",
            code = r.code,
            name = r.name,
            sev = r.severity,
            fix = r.fix.as_str(),
            on = if r.default_enabled { "on" } else { "off" },
            summary = r.summary,
            aliases = join_code(&r.peer_ids().iter().map(String::as_str).collect::<Vec<_>>()),
        );
    }
    md
}

/// Every generated file: (file name, content).
pub fn generate() -> Vec<(String, String)> {
    let mut files = vec![("README.md".to_string(), index_page())];
    for r in registry::all_rules() {
        files.push((format!("{}.md", r.code), rule_page(r)));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_in_rule_docs_are_current() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
        let mut stale = Vec::new();
        let generated = generate();
        for (name, content) in &generated {
            match std::fs::read_to_string(dir.join(name)) {
                Ok(on_disk) if on_disk == *content => {}
                _ => stale.push(name.clone()),
            }
        }
        let expected: std::collections::HashSet<_> = generated.iter().map(|(n, _)| n.clone()).collect();
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !expected.contains(&name) {
                stale.push(format!("{name} (no such rule)"));
            }
        }
        assert!(stale.is_empty(), "docs/rules is out of date, run `cargo xtask docs`: {stale:?}");
    }
}
