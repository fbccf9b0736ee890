use dockward_dockerfile::{Args, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `ADD http(s)://...` without `--checksum=sha256:...`. Git sources
    /// (`*.git`, `...git#ref`) are not reported: they are pinned by commit instead.
    ///
    /// ## Why is this bad?
    /// Without a checksum the build takes whatever the server returns today: a
    /// compromised or changed download lands in the image unnoticed.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://example.com/tool-1.2.tar.gz /opt/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ADD --checksum=sha256:<digest> https://example.com/tool-1.2.tar.gz /opt/
    /// ```
    ///
    /// ## How to fix
    /// Add `--checksum=sha256:<digest>` (BuildKit, Dockerfile syntax 1.6+), or download
    /// with `curl` and check the digest with `sha256sum -c`.
    ///
    /// ## References
    /// - Practices a, "Use Trusted Base Images" (verify what you download); practices b, "Image Security"
    pub struct AddUrlWithoutChecksum;
    code = "DF011", name = "add-url-without-checksum", severity = Warning,
    category = Security, target = Dockerfile, fix = None,
    summary = "ADD downloads a URL without verifying a checksum", aliases = ["CKV_DOCKER_4", "DS-0005", "9513a694-aa0d-41d8-be61-3271e056f36b", "4b410d24-1cbe-4430-a632-62c9a931cf1c"],
    practices = ["a-trusted-source"],
}

impl DockerfileRule for AddUrlWithoutChecksum {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        for (i, instr) in cx.dockerfile.instructions.iter().enumerate() {
            if instr.kind != InstructionKind::Add || instr.flag("checksum").is_some() {
                continue;
            }
            let Args::Paths(paths) = &instr.args else { continue };
            for src in paths.sources() {
                let value = cx.model.expand_at(i, &src.value).value;
                let lower = value.to_ascii_lowercase();
                if !(lower.starts_with("http://") || lower.starts_with("https://")) {
                    continue;
                }
                let path = lower.split(['?', '#']).next().unwrap_or(&lower);
                if path.ends_with(".git") || lower.contains(".git#") {
                    continue;
                }
                cx.report(&Self::META, src.range, "ADD downloads this URL without a checksum")
                    .help("add `--checksum=sha256:<digest>` so a changed download fails the build");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_urls_without_checksum() {
        assert_flags(&AddUrlWithoutChecksum, "FROM a:1\nADD https://e.com/t.tgz /opt/\n", &["https://e.com/t.tgz"]);
        assert_flags(&AddUrlWithoutChecksum, "FROM a:1\nARG U=http://e.com/x\nADD ${U} /x\n", &["${U}"]);
    }

    #[test]
    fn checksums_git_and_local_files_are_fine() {
        assert_clean(&AddUrlWithoutChecksum, "FROM a:1\nADD --checksum=sha256:abc https://e.com/t.tgz /opt/\n");
        assert_clean(&AddUrlWithoutChecksum, "FROM a:1\nADD https://github.com/a/b.git#v1 /src\n");
        assert_clean(&AddUrlWithoutChecksum, "FROM a:1\nADD rootfs.tar.gz /\n");
        assert_clean(&AddUrlWithoutChecksum, "FROM a:1\nCOPY https.txt /x\n");
    }
}
