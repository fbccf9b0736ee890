use crate::Severity;

/// What a rule is about, for grouping in docs and SARIF tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// Weakens isolation or exposes the host, credentials or the supply chain.
    Security,
    /// Builds or runs wrongly, or not reproducibly.
    Correctness,
    /// Bigger images, slower builds, deprecated syntax.
    BestPractice,
    /// The input could not be read or parsed.
    Syntax,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Security => "security",
            Category::Correctness => "correctness",
            Category::BestPractice => "best-practice",
            Category::Syntax => "syntax",
        }
    }

    /// A category by name, as a rule selector names it. `hygiene` is another name for
    /// best practice (what other linters call image and build hygiene).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        match s.as_str() {
            "security" => Some(Category::Security),
            "correctness" => Some(Category::Correctness),
            "best-practice" | "best_practice" | "hygiene" => Some(Category::BestPractice),
            "syntax" => Some(Category::Syntax),
            _ => None,
        }
    }
}

/// Whether a rule can offer fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "always",
        }
    }
}

/// What kind of input a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// Meta rules about the run itself (parse errors, unused suppressions).
    Meta,
    Dockerfile,
    /// Compose-file structure (the project, not one service).
    Compose,
    /// A container's runtime settings (`ContainerSpec`): a Compose service, a
    /// `docker run` line or a live container.
    Container,
    /// The daemon's configuration (`DaemonSpec`): daemon.json, dockerd flags, live `/info`.
    Daemon,
    /// Files and settings of the host the daemon runs on.
    Host,
    /// A built image: its config, history and layers.
    Image,
    /// Docker networks.
    Network,
    /// Swarm mode objects.
    Swarm,
    /// Kubernetes objects beyond their containers: NetworkPolicies, RBAC, service
    /// accounts, ConfigMaps, namespaces and Pod Security admission.
    Kubernetes,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Meta => "meta",
            Target::Dockerfile => "dockerfile",
            Target::Compose => "compose",
            Target::Container => "container",
            Target::Daemon => "daemon",
            Target::Host => "host",
            Target::Image => "image",
            Target::Network => "network",
            Target::Swarm => "swarm",
            Target::Kubernetes => "kubernetes",
        }
    }
}

/// Static description of a rule. One per rule, declared beside its check.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code, never reused: `DF001`.
    pub code: &'static str,
    /// Kebab-case name of the problem: `last-user-is-root`.
    pub name: &'static str,
    /// One sentence, shown in `dockward rules` and SARIF `shortDescription`.
    pub summary: &'static str,
    /// Markdown documentation (the rule's doc comment).
    pub docs: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub target: Target,
    pub fix: FixAvailability,
    /// Off unless selected explicitly.
    pub default_enabled: bool,
    /// Peers' ids (hadolint `DL3002`, Trivy `DS-0002`, ...), accepted wherever a rule
    /// can be named.
    pub aliases: &'static [&'static str],
    /// CIS Docker Benchmark controls this rule checks, e.g. `4.1`.
    pub cis: &'static [&'static str],
    /// The practices of the hardening guides this rule enforces, by id of the catalogue
    /// `docs/coverage/practices.txt` (`b-no-privileged`; `dockward_linter::practices`).
    pub practices: &'static [&'static str],
}

impl RuleMeta {
    /// Every peer id of the rule, as output formats list them: the aliases, then
    /// docker-bench-security's id of each CIS control (`check_2_2`).
    pub fn peer_ids(&self) -> Vec<String> {
        let derived = self.cis.iter().map(|c| format!("check_{}", c.replace('.', "_")));
        self.aliases.iter().map(|a| a.to_string()).chain(derived).collect()
    }

    /// True if `selector` names this rule exactly: its code, its name, an alias, or
    /// docker-bench-security's id of a CIS control the rule checks (`check_5_5` for
    /// 5.5). docker-bench numbers its checks after CIS Docker Benchmark 1.6.0, the
    /// numbering of `cis`, so its ids are derived here rather than listed as aliases
    /// rule by rule; several rules share one when each checks a part of the control
    /// (`check_4_1`: the Dockerfile, Compose, live-container and image twins).
    pub fn is_named(&self, selector: &str) -> bool {
        let sel = selector.trim();
        sel.eq_ignore_ascii_case(self.code)
            || sel.eq_ignore_ascii_case(self.name)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(sel))
            || docker_bench_control(sel).is_some_and(|control| self.cis.iter().any(|c| *c == control))
    }

    /// True if `selector` names this rule: its code, name, an alias, `cis-N`, its
    /// category (`security`, `correctness`, `best-practice` or `hygiene`, `syntax`), or
    /// a code prefix (`DF`, `DF0`).
    pub fn matches(&self, selector: &str) -> bool {
        let sel = selector.trim();
        if sel.eq_ignore_ascii_case("ALL") {
            return true;
        }
        self.is_named(sel)
            || Category::parse(sel) == Some(self.category)
            || sel.strip_prefix("cis-").or_else(|| sel.strip_prefix("CIS-")).is_some_and(|c| self.cis.contains(&c))
            || (!sel.is_empty()
                && sel.len() < self.code.len()
                && sel.chars().all(|c| c.is_ascii_alphanumeric())
                && self.code.len() >= sel.len()
                && self.code[..sel.len()].eq_ignore_ascii_case(sel))
    }
}

/// The CIS control a docker-bench-security check id stands for: `check_5_5` -> `5.5`,
/// `check_1_1_13` -> `1.1.13`. Its community checks (`check_c_5_3_1`) are no CIS
/// controls and return `None`; rules carry those as aliases.
pub fn docker_bench_control(selector: &str) -> Option<String> {
    let rest = selector.get(..6).filter(|p| p.eq_ignore_ascii_case("check_")).map(|_| &selector[6..])?;
    let parts: Vec<&str> = rest.split('_').collect();
    let numeric = parts.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()));
    (numeric && (2..=3).contains(&parts.len())).then(|| parts.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_bench_ids_name_cis_controls() {
        assert_eq!(docker_bench_control("check_5_5").as_deref(), Some("5.5"));
        assert_eq!(docker_bench_control("CHECK_1_1_13").as_deref(), Some("1.1.13"));
        assert_eq!(docker_bench_control("check_c_5_3_1"), None);
        assert_eq!(docker_bench_control("check_5"), None);
        assert_eq!(docker_bench_control("check_5_"), None);
        assert_eq!(docker_bench_control("check_5_5_5_5"), None);
        assert_eq!(docker_bench_control("chec"), None);
        assert_eq!(docker_bench_control("checké_5"), None);
    }

    #[test]
    fn a_rule_is_named_by_the_docker_bench_id_of_each_of_its_controls() {
        let rule = RuleMeta {
            code: "CT011",
            name: "host-namespace-shared",
            summary: "s",
            docs: "",
            severity: crate::Severity::Error,
            category: Category::Security,
            target: Target::Container,
            fix: FixAvailability::None,
            default_enabled: true,
            aliases: &["check_c_9_9"],
            cis: &["5.10", "5.16"],
            practices: &[],
        };
        assert!(rule.is_named("check_5_10") && rule.is_named("check_5_16") && rule.is_named("check_c_9_9"));
        assert!(!rule.is_named("check_5_1") && !rule.is_named("check_5_100") && !rule.is_named("cis-5.10"));
        assert!(rule.matches("cis-5.10") && rule.matches("check_5_16"));
        assert_eq!(rule.peer_ids(), ["check_c_9_9", "check_5_10", "check_5_16"]);
    }
}
