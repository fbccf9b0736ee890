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
    /// The practices (`a:` / `b:` guide, section) this rule enforces.
    pub practices: &'static [&'static str],
}

impl RuleMeta {
    /// True if `selector` names this rule: its code, name, an alias, `cis-N`, or a
    /// code prefix (`DF`, `DF0`).
    pub fn matches(&self, selector: &str) -> bool {
        let sel = selector.trim();
        if sel.eq_ignore_ascii_case("ALL") {
            return true;
        }
        sel.eq_ignore_ascii_case(self.code)
            || sel.eq_ignore_ascii_case(self.name)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(sel))
            || sel.strip_prefix("cis-").or_else(|| sel.strip_prefix("CIS-")).is_some_and(|c| self.cis.contains(&c))
            || (!sel.is_empty()
                && sel.len() < self.code.len()
                && sel.chars().all(|c| c.is_ascii_alphanumeric())
                && self.code.len() >= sel.len()
                && self.code[..sel.len()].eq_ignore_ascii_case(sel))
    }
}
