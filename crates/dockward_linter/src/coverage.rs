//! `docs/coverage.md`: which dockward rule covers each peer tool's rule and each
//! practice of the two hardening guides.
//!
//! Built from the registry (`aliases`, `cis`, `practices`) and from the hand-written
//! lists in `docs/coverage/*.txt`, one per peer, one rule a line:
//! `id | short title | reason` (the reason only when dockward deliberately does not
//! cover it). `cargo xtask docs` writes the page; a test checks it is current.

use std::fmt::Write;

use dockward_diagnostics::RuleMeta;

use crate::registry;

/// A peer tool and its rule list.
pub struct Peer {
    /// File stem under `docs/coverage/`.
    pub key: &'static str,
    /// Heading.
    pub title: &'static str,
    /// True if its ids are CIS Docker Benchmark numbers, matched against `cis`.
    pub by_cis: bool,
    /// The list file's content.
    pub data: &'static str,
}

pub const PEERS: &[Peer] = &[
    Peer {
        key: "hadolint",
        title: "hadolint",
        by_cis: false,
        data: include_str!("../../../docs/coverage/hadolint.txt"),
    },
    Peer {
        key: "trivy",
        title: "Trivy (Dockerfile checks)",
        by_cis: false,
        data: include_str!("../../../docs/coverage/trivy.txt"),
    },
    Peer {
        key: "checkov",
        title: "Checkov (CKV_DOCKER, CKV2_DOCKER)",
        by_cis: false,
        data: include_str!("../../../docs/coverage/checkov.txt"),
    },
    Peer {
        key: "kics-dockerfile",
        title: "KICS Dockerfile queries",
        by_cis: false,
        data: include_str!("../../../docs/coverage/kics-dockerfile.txt"),
    },
    Peer {
        key: "kics-compose",
        title: "KICS Docker Compose queries",
        by_cis: false,
        data: include_str!("../../../docs/coverage/kics-compose.txt"),
    },
    Peer {
        key: "buildkit",
        title: "BuildKit build checks (`docker build --check`)",
        by_cis: false,
        data: include_str!("../../../docs/coverage/buildkit.txt"),
    },
    Peer { key: "dockle", title: "dockle", by_cis: false, data: include_str!("../../../docs/coverage/dockle.txt") },
    Peer {
        key: "kube-linter",
        title: "kube-linter (Kubernetes)",
        by_cis: false,
        data: include_str!("../../../docs/coverage/kube-linter.txt"),
    },
    Peer {
        key: "polaris",
        title: "Polaris (Kubernetes)",
        by_cis: false,
        data: include_str!("../../../docs/coverage/polaris.txt"),
    },
    Peer {
        key: "kube-score",
        title: "kube-score (Kubernetes)",
        by_cis: false,
        data: include_str!("../../../docs/coverage/kube-score.txt"),
    },
    Peer {
        key: "checkov-kubernetes",
        title: "Checkov (CKV_K8S, CKV2_K8S)",
        by_cis: false,
        data: include_str!("../../../docs/coverage/checkov-kubernetes.txt"),
    },
    Peer {
        key: "trivy-kubernetes",
        title: "Trivy (Kubernetes checks, KSV)",
        by_cis: false,
        data: include_str!("../../../docs/coverage/trivy-kubernetes.txt"),
    },
    Peer {
        key: "kubescape",
        title: "kubescape (Kubernetes controls)",
        by_cis: false,
        data: include_str!("../../../docs/coverage/kubescape.txt"),
    },
    Peer {
        key: "docker-bench",
        title: "docker-bench-security / CIS Docker Benchmark",
        by_cis: true,
        data: include_str!("../../../docs/coverage/docker-bench.txt"),
    },
    Peer {
        key: "kubernetes",
        title: "Kubernetes linters, container checks (Trivy KSV, Checkov CKV_K8S, kubescape, kube-linter, Polaris, kube-score)",
        by_cis: false,
        data: include_str!("../../../docs/coverage/kubernetes.txt"),
    },
];

/// One line of a list file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub reason: Option<&'a str>,
}

/// Parses a list file: `id | title [| reason]` per line; blank lines and `#` comments skipped.
pub fn rows(data: &str) -> Vec<Row<'_>> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.splitn(3, " | ").map(str::trim);
            let id = parts.next().unwrap_or_default().trim_end_matches(" |").trim();
            let title = parts.next().unwrap_or_default().trim_end_matches('|').trim();
            let reason = parts.next().filter(|r| !r.is_empty());
            Row { id, title, reason }
        })
        .collect()
}

/// The rules that cover peer rule `id`: by alias, and for a CIS-numbered peer also by
/// `cis` (its community checks such as docker-bench's `C.5.3.1` are no CIS controls, so
/// they are named by alias: `check_c_5_3_1`).
pub fn covering(peer: &Peer, id: &str) -> Vec<&'static RuleMeta> {
    registry::all_rules()
        .filter(|r| (peer.by_cis && r.cis.contains(&id)) || r.aliases.iter().any(|a| alias_names(a, id)))
        .collect()
}

/// Whether alias `alias` names peer rule `id`: the same id in any case, or
/// docker-bench's function name for it (`check_2_2` for `2.2`, `check_c_5_3_1` for `C.5.3.1`).
fn alias_names(alias: &str, id: &str) -> bool {
    alias.eq_ignore_ascii_case(id)
        || alias.strip_prefix("check_").is_some_and(|n| n.replace('_', ".").eq_ignore_ascii_case(id))
}

/// The rules whose `practices` name practice `id` (`b-no-privileged`).
pub fn practice_rules(id: &str) -> Vec<&'static RuleMeta> {
    registry::all_rules().filter(|r| r.practices.contains(&id)).collect()
}

fn links(rules: &[&RuleMeta]) -> String {
    rules.iter().map(|r| format!("[{c}](rules/{c}.md) `{n}`", c = r.code, n = r.name)).collect::<Vec<_>>().join(", ")
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The whole page.
pub fn coverage_page() -> String {
    let mut md = String::from(
        "# Coverage\n\nGenerated by `cargo xtask docs` from the rule registry (`aliases`, `cis`, `practices`) and \
         the lists in `docs/coverage/`; do not edit.\n\nEach peer rule is listed with the dockward rule(s) that cover \
         it, or the reason it is deliberately not covered. \"Not yet covered\" marks work still open.\n\n",
    );
    md.push_str("| Peer | Rules | Covered | Not covered on purpose | Not yet covered |\n|---|---|---|---|---|\n");
    for peer in PEERS {
        let rows = rows(peer.data);
        let covered = rows.iter().filter(|r| !covering(peer, r.id).is_empty()).count();
        let reasoned = rows.iter().filter(|r| covering(peer, r.id).is_empty() && r.reason.is_some()).count();
        let _ = writeln!(
            md,
            "| [{}](#{}) | {} | {} | {} | {} |",
            peer.title,
            peer.key,
            rows.len(),
            covered,
            reasoned,
            rows.len() - covered - reasoned
        );
    }
    for peer in PEERS {
        let _ = writeln!(md, "\n<a id=\"{}\"></a>\n\n## {}\n", peer.key, peer.title);
        md.push_str("| Id | What it checks | dockward |\n|---|---|---|\n");
        for row in rows(peer.data) {
            let rules = covering(peer, row.id);
            let status = match (rules.is_empty(), row.reason) {
                (false, _) => links(&rules),
                (true, Some(reason)) => format!("not covered: {}", cell(reason)),
                (true, None) => "not yet covered".to_string(),
            };
            let _ = writeln!(md, "| `{}` | {} | {} |", row.id, cell(row.title), status);
        }
    }
    md.push_str("\n## Practices of the hardening guides\n\n");
    md.push_str(
        "Every practice of `docker-security-practices-a.md` (guide A) and `-b.md` (guide B), from the catalogue \
         `docs/coverage/practices.txt`, with the rules that check it and what is left to a human.\n\n",
    );
    md.push_str("| Practice | Section | Rules | Needs a human |\n|---|---|---|---|\n");
    for practice in crate::practices::all() {
        let rules = practice_rules(practice.id);
        let rules_cell = if rules.is_empty() { "none: see the next column".to_string() } else { links(&rules) };
        let _ = writeln!(
            md,
            "| {} <a id=\"{}\"></a> | {} | {} | {} |",
            cell(practice.text),
            practice.id,
            practice.section,
            rules_cell,
            cell(practice.needs_human.unwrap_or(""))
        );
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Peer rules that no dockward rule covers yet and that have no reason to stay
    /// uncovered. Empty: every listed peer rule is covered or explained. A peer rule
    /// added to `docs/coverage/*.txt` before its dockward rule lands goes here; an id
    /// covered by a rule must be removed from it.
    const PENDING: &[&str] = &[];

    #[test]
    fn checked_in_coverage_page_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/coverage.md");
        let on_disk = std::fs::read_to_string(path).unwrap_or_default();
        assert!(on_disk == coverage_page(), "docs/coverage.md is out of date, run `cargo xtask docs`");
    }

    #[test]
    fn every_peer_rule_is_covered_explained_or_pending() {
        let mut uncovered = Vec::new();
        let mut stale = Vec::new();
        for peer in PEERS {
            for row in rows(peer.data) {
                let covered = !covering(peer, row.id).is_empty();
                let pending = PENDING.contains(&row.id);
                if !covered && row.reason.is_none() && !pending {
                    uncovered.push(format!("{} {}", peer.key, row.id));
                }
                if pending && (covered || row.reason.is_some()) {
                    stale.push(format!("{} {}", peer.key, row.id));
                }
            }
        }
        assert!(uncovered.is_empty(), "peer rules with neither a covering rule nor a reason: {uncovered:?}");
        assert!(stale.is_empty(), "covered or explained, remove from PENDING: {stale:?}");
    }

    #[test]
    fn pending_ids_exist_and_aliases_name_listed_peer_rules() {
        let listed: std::collections::HashSet<&str> = PEERS.iter().flat_map(|p| rows(p.data)).map(|r| r.id).collect();
        for id in PENDING {
            assert!(listed.contains(id), "PENDING names {id}, which no peer list has");
        }
        // A typo in an alias would silently leave a peer rule uncovered.
        for rule in registry::all_rules() {
            for alias in rule.aliases {
                // docker-bench's function names (`check_2_2`) stand for its dotted ids.
                assert!(
                    listed.iter().any(|id| alias_names(alias, id)),
                    "{} alias {alias} is in no docs/coverage list",
                    rule.code
                );
            }
        }
    }

    #[test]
    fn docker_bench_function_names_name_dotted_ids() {
        assert!(alias_names("check_c_5_3_1", "C.5.3.1"));
        assert!(alias_names("check_2_2", "2.2"));
        assert!(!alias_names("check_2_2", "2.22"));
        let bench = PEERS.iter().find(|p| p.key == "docker-bench").expect("docker-bench list");
        let codes: Vec<_> = covering(bench, "C.5.3.3").iter().map(|r| r.code).collect();
        assert_eq!(codes, ["CT002"]);
    }

    #[test]
    fn rows_parse_reasons() {
        let r = rows("# comment\nDL1 | Title | why not\nDL2 | Title\n\n");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0], Row { id: "DL1", title: "Title", reason: Some("why not") });
        assert_eq!(r[1].reason, None);
    }
}
