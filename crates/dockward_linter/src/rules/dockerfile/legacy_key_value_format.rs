use dockward_diagnostics::{Edit, Fix};
use dockward_dockerfile::{Args, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags the legacy whitespace form `ENV key value` (and `LABEL key value`)
    /// instead of `ENV key=value`.
    ///
    /// ## Why is this bad?
    /// The legacy form sets only one variable and takes the whole rest of the line
    /// as its value, so `ENV A 1 B 2` sets `A` to `1 B 2`. The Dockerfile reference
    /// discourages it and may remove it.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV NODE_ENV production
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ENV NODE_ENV=production
    /// ```
    ///
    /// ## Fix
    /// The fix writes `key=value`, quoting the value in `"..."` when it contains
    /// spaces. It is safe, and not offered when the value holds quotes or escapes
    /// whose meaning quoting would change.
    ///
    /// ## References
    /// - Dockerfile reference, "ENV"; BuildKit build checks, "LegacyKeyValueFormat"
    pub struct LegacyKeyValueFormat;
    code = "DF121", name = "legacy-key-value-format", severity = Info,
    category = BestPractice, target = Dockerfile, fix = Sometimes,
    summary = "ENV or LABEL uses the legacy `key value` form",
    aliases = ["LegacyKeyValueFormat"],
}

impl DockerfileRule for LegacyKeyValueFormat {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let text = cx.text();
        let escape = cx.dockerfile.escape;
        let mut found = Vec::new();
        for instr in &cx.dockerfile.instructions {
            let instr = instr.onbuild_inner().unwrap_or(instr);
            if !matches!(instr.kind, InstructionKind::Env | InstructionKind::Label) {
                continue;
            }
            let Args::KeyValues(pairs) = &instr.args else { continue };
            for kv in pairs.iter().filter(|kv| kv.legacy) {
                let raw = kv.raw_value.map(|r| &text[std::ops::Range::<usize>::from(r)]).unwrap_or("");
                let key = &text[std::ops::Range::<usize>::from(kv.key.range)];
                let plain = !raw.contains(['"', '\'', escape, '\n', '\r']) && !raw.is_empty();
                let fix = plain.then(|| {
                    let value = if raw.contains([' ', '\t']) { format!("\"{raw}\"") } else { raw.to_string() };
                    Edit::replace(kv.range, format!("{key}={value}"))
                });
                found.push((kv.key.range, instr.kind, fix));
            }
        }
        for (range, kind, fix) in found {
            let d = cx.report(&Self::META, range, format!("legacy `{} key value` form", kind.as_str()));
            d.help("write `key=value`");
            if let Some(edit) = fix {
                d.fix(Fix::safe("Use key=value", vec![edit]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_legacy_pairs() {
        assert_flags(&LegacyKeyValueFormat, "FROM x:1\nENV NODE_ENV production\nLABEL a b\n", &["NODE_ENV", "a"]);
        assert_clean(&LegacyKeyValueFormat, "FROM x:1\nENV NODE_ENV=production A=\"b c\"\n");
    }

    #[test]
    fn fix_writes_key_equals_value() {
        assert_fix(&LegacyKeyValueFormat, "FROM x:1\nENV A 1\n", "FROM x:1\nENV A=1\n");
        assert_fix(&LegacyKeyValueFormat, "FROM x:1\nENV PATH /opt/bin:$PATH\n", "FROM x:1\nENV PATH=/opt/bin:$PATH\n");
        assert_fix(&LegacyKeyValueFormat, "FROM x:1\nENV MSG hello  world\n", "FROM x:1\nENV MSG=\"hello  world\"\n");
        let diags = lint(&LegacyKeyValueFormat, "FROM x:1\nENV MSG \"quoted\" text\n");
        assert!(diags[0].fix.is_none());
    }
}
