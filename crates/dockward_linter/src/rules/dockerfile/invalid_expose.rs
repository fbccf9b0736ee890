use dockward_dockerfile::{Args, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `EXPOSE` entries that are not `port[/protocol]` or `start-end[/protocol]`
    /// with ports 1-65535 and protocol `tcp`, `udp` or `sctp`: port 0 or above
    /// 65535, an unknown protocol, an upper-case protocol (BuildKit's
    /// `ExposeProtoCasing`), or a host mapping such as `8080:80` that belongs to
    /// `docker run -p` (BuildKit's `ExposeInvalidFormat`). Entries that depend on an
    /// unknown variable are not judged.
    ///
    /// ## Why is this bad?
    /// Invalid entries fail the build or, for host mappings, are silently reduced to
    /// the container port: the image documents something it does not do.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80000 8080:80 53/UDP
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// EXPOSE 8000 80 53/udp
    /// ```
    ///
    /// ## Fix
    /// Correct the entry. The fix lower-cases an upper-case protocol (safe); other
    /// mistakes need a decision.
    ///
    /// ## References
    /// - Dockerfile reference, "EXPOSE"
    pub struct InvalidExpose;
    code = "DF116", name = "invalid-expose", severity = Error,
    category = Correctness, target = Dockerfile, fix = Sometimes,
    summary = "EXPOSE has an invalid port, range or protocol",
    aliases = [
        "DL3011", "DS-0008", "ExposeInvalidFormat", "ExposeProtoCasing", "71bf8cf8-f0a1-42fa-b9d2-d10525e0a38e",
    ],
}

fn port_problem(p: &str) -> Option<String> {
    match p.parse::<u32>() {
        Ok(0) => Some("port 0 is not a port".into()),
        Ok(n) if n > 65535 => Some(format!("port {n} is above 65535")),
        Ok(_) => None,
        Err(_) => Some(format!("`{p}` is not a port number")),
    }
}

/// What is wrong with one entry, and whether it is only the protocol's case.
fn problem(entry: &str) -> Option<(String, bool)> {
    let (ports, proto) = match entry.split_once('/') {
        Some((p, proto)) => (p, Some(proto)),
        None => (entry, None),
    };
    if ports.contains(':') {
        return Some(("host mappings (`host:container`) belong to `docker run -p`, not EXPOSE".into(), false));
    }
    let range_problem = match ports.split_once('-') {
        Some((a, b)) => port_problem(a).or_else(|| port_problem(b)).or_else(|| {
            (a.parse::<u32>().ok() > b.parse::<u32>().ok()).then(|| format!("range {ports} ends before it starts"))
        }),
        None => port_problem(ports),
    };
    if let Some(p) = range_problem {
        return Some((p, false));
    }
    match proto {
        None => None,
        Some("tcp" | "udp" | "sctp") => None,
        Some(p) if matches!(p.to_ascii_lowercase().as_str(), "tcp" | "udp" | "sctp") => {
            Some((format!("protocol `{p}` should be lower case"), true))
        }
        Some(p) => Some((format!("`{p}` is not a protocol (tcp, udp or sctp)"), false)),
    }
}

impl DockerfileRule for InvalidExpose {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let mut found = Vec::new();
        for (index, instr) in cx.dockerfile.instructions.iter().enumerate() {
            if instr.kind != InstructionKind::Expose {
                continue;
            }
            let Args::Words(words) = &instr.args else { continue };
            for word in words {
                let expanded = cx.model.expand_at(index, &word.value);
                if !expanded.is_resolved() {
                    continue;
                }
                if let Some((message, casing)) = problem(&expanded.value) {
                    let fix =
                        (casing && word.value == expanded.value).then(|| (word.range, word.value.to_ascii_lowercase()));
                    found.push((word.range, message, fix));
                }
            }
        }
        for (range, message, fix) in found {
            let d = cx.report(&Self::META, range, message);
            d.help("write `port[/tcp|udp|sctp]` or `start-end[/protocol]`");
            if let Some((r, text)) = fix {
                d.fix(dockward_diagnostics::Fix::safe(
                    "Lower-case the protocol",
                    vec![dockward_diagnostics::Edit::replace(r, text)],
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_invalid_entries() {
        assert_flags(
            &InvalidExpose,
            "FROM x:1\nEXPOSE 80 0 70000 8080:80 53/UDP 1-0 9/http 8000-8010/tcp\n",
            &["0", "70000", "8080:80", "53/UDP", "1-0", "9/http"],
        );
        assert_clean(&InvalidExpose, "FROM x:1\nARG P=8080\nEXPOSE $P ${OTHER} 443/tcp 53/udp 7000-7010\n");
        assert_flags(&InvalidExpose, "FROM x:1\nARG P=99999\nEXPOSE $P\n", &["$P"]);
    }

    #[test]
    fn fix_lower_cases_the_protocol() {
        assert_fix(&InvalidExpose, "FROM x:1\nEXPOSE 53/UDP\n", "FROM x:1\nEXPOSE 53/udp\n");
    }
}
