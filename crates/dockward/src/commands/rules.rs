//! `dockward rules` and `dockward rule`.

use std::io::Write;

use dockward_linter::docs::rule_page;
use dockward_linter::registry;
use serde::Serialize;

use super::output::print;
use crate::args::{RuleArgs, RulesArgs, RulesFormat};
use crate::exit;

#[derive(Serialize)]
struct RuleJson<'a> {
    code: &'a str,
    name: &'a str,
    summary: &'a str,
    severity: &'a str,
    category: &'a str,
    target: &'a str,
    fix: &'a str,
    default_enabled: bool,
    aliases: Vec<String>,
    cis: &'a [&'a str],
    practices: Vec<PracticeJson>,
    docs: String,
}

/// A practice of the hardening guides, with its words (`dockward_linter::practices`).
#[derive(Serialize)]
struct PracticeJson {
    id: &'static str,
    section: &'static str,
    text: &'static str,
}

pub fn list(args: RulesArgs) -> u8 {
    let mut out: Vec<u8> = Vec::with_capacity(64 * 1024);
    let result = match args.format {
        RulesFormat::Json => {
            let rules: Vec<RuleJson> = registry::all_rules()
                .map(|r| RuleJson {
                    code: r.code,
                    name: r.name,
                    summary: r.summary,
                    severity: r.severity.as_str(),
                    category: r.category.as_str(),
                    target: r.target.as_str(),
                    fix: r.fix.as_str(),
                    default_enabled: r.default_enabled,
                    aliases: r.peer_ids(),
                    cis: r.cis,
                    practices: r
                        .practices
                        .iter()
                        .filter_map(|id| dockward_linter::practices::get(id))
                        .map(|p| PracticeJson { id: p.id, section: p.section, text: p.text })
                        .collect(),
                    docs: dockward_linter::docs::rule_docs(r),
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &rules).map_err(std::io::Error::other).and_then(|_| writeln!(out))
        }
        RulesFormat::Table => {
            let name_w = registry::all_rules().map(|r| r.name.len()).max().unwrap_or(4);
            let mut res = writeln!(out, "{:<6} {:<name_w$} {:<8} {:<9} SUMMARY", "CODE", "NAME", "SEVERITY", "FIX");
            for r in registry::all_rules() {
                let off = if r.default_enabled { "" } else { " (off by default)" };
                res = res.and_then(|_| {
                    writeln!(
                        out,
                        "{:<6} {:<name_w$} {:<8} {:<9} {}{off}",
                        r.code,
                        r.name,
                        r.severity.as_str(),
                        r.fix.as_str(),
                        r.summary
                    )
                });
            }
            res
        }
    };
    match result.map_err(|e| e.to_string()).and_then(|()| print(&out)) {
        Ok(()) => exit::CLEAN,
        Err(e) => {
            eprintln!("dockward: {e}");
            exit::ERROR
        }
    }
}

pub fn show(args: RuleArgs) -> u8 {
    // A peer's id (`DS-0002`, `check_4_1`) may name several rules, each checking a part
    // of what the peer checks: show every page, in registry order.
    let rules = registry::named(&args.rule);
    if rules.is_empty() {
        eprintln!("dockward: no rule named `{}` (see `dockward rules`)", args.rule);
        return exit::ERROR;
    }
    let pages: Vec<String> = rules.iter().map(|rule| rule_page(rule)).collect();
    match print(pages.join("\n---\n\n").as_bytes()) {
        Ok(()) => exit::CLEAN,
        Err(e) => {
            eprintln!("dockward: {e}");
            exit::ERROR
        }
    }
}
