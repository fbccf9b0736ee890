use dockward_diagnostics::{Edit, Fix};
use dockward_dockerfile::{Args, InstructionKind};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

declare_rule! {
    /// ## What it does
    /// Flags `ADD` instructions whose sources are all plain local files or
    /// directories: no URL, no git repository, no local tar archive to extract, and no
    /// variable that could hide one.
    ///
    /// ## Why is this bad?
    /// `ADD` does more than copy: it downloads URLs and unpacks archives. Using it for
    /// plain files hides that behaviour from reviewers, and a later change of the
    /// source to an archive or URL silently changes what lands in the image. `COPY`
    /// does only what it says.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD requirements.txt /app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY requirements.txt /app/
    /// ```
    ///
    /// ## How to fix
    /// Replace `ADD` with `COPY`. The fix does it, and is safe: for plain local
    /// sources the two instructions behave the same. It is not offered when the
    /// instruction uses an ADD-only flag.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.9, "Ensure that COPY is used instead of ADD"
    /// - Practices a, "Minimal and Lean Images"
    pub struct AddInsteadOfCopy;
    code = "DF004", name = "add-instead-of-copy", severity = Warning,
    category = Security, target = Dockerfile, fix = Sometimes,
    summary = "ADD is used to copy plain local files",
    aliases = ["DL3020", "DS-0005", "CKV_DOCKER_4", "9513a694-aa0d-41d8-be61-3271e056f36b", "CIS-DI-0009"],
    cis = ["4.9"],
    practices = ["a-trusted-source"],
}

/// True if COPY would refuse `flag` (`--checksum`, `--keep-git-dir`, `--unpack`: ADD
/// only), by BuildKit's flag table.
fn copy_refuses(flag: &str) -> bool {
    !dockward_dockerfile::flags_of(InstructionKind::Copy).iter().any(|(name, _)| *name == flag)
}

/// Extensions ADD unpacks when the source is a local file.
const ARCHIVE_SUFFIXES: &[&str] = &[
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz",
    ".tbz2",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tzst",
    ".tar.lz",
    ".tar.lzma",
];

fn is_remote(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("git@")
        || lower.contains(".git#")
        || lower.ends_with(".git")
}

fn is_archive(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    ARCHIVE_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

impl DockerfileRule for AddInsteadOfCopy {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let text = cx.text();
        for (index, instr) in cx.dockerfile.instructions.iter().enumerate() {
            if instr.kind != InstructionKind::Add {
                continue;
            }
            let Args::Paths(paths) = &instr.args else { continue };
            let sources = paths.sources();
            let heredoc_only = sources.is_empty() && !instr.heredocs.is_empty();
            if sources.is_empty() && !heredoc_only {
                continue;
            }
            // A source written with variables is judged by the value ARG, ENV or
            // `--build-arg` give it; one whose value is unknown is left alone.
            let plain = sources.iter().all(|s| {
                let value = if s.value.contains('$') {
                    let expanded = cx.model.expand_range_at(index, text, s.range);
                    if !expanded.is_resolved() {
                        return false;
                    }
                    expanded.value
                } else {
                    s.value.clone()
                };
                !value.is_empty() && !is_remote(&value) && !is_archive(&value)
            });
            if !plain {
                continue;
            }
            let keyword = instr.keyword.range;
            let replacement = super::keyword_like(instr, "COPY");
            let fixable = !instr.flags.iter().any(|f| copy_refuses(&f.name.value));
            let d = cx.report(&Self::META, keyword, "ADD copies plain local files here; use COPY");
            d.help("COPY does the same without ADD's URL download and archive extraction");
            if fixable {
                d.fix(Fix::safe("Replace ADD with COPY", vec![Edit::replace(keyword, replacement)]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_plain_local_sources() {
        assert_flags(&AddInsteadOfCopy, "FROM alpine:3.20\nADD app.py /app/\n", &["ADD"]);
        assert_flags(&AddInsteadOfCopy, "FROM alpine:3.20\nadd [\"a b.txt\", \"c\", \"/app/\"]\n", &["add"]);
        assert_flags(&AddInsteadOfCopy, "FROM alpine:3.20\nADD --chown=1:1 src/ /src/\n", &["ADD"]);
    }

    #[test]
    fn urls_archives_git_and_variables_are_legitimate() {
        for src in [
            "https://example.com/x.sh",
            "HTTP://example.com/x",
            "rootfs.tar.gz",
            "layer.TAR",
            "git@github.com:acme/repo.git",
            "https://github.com/acme/repo.git#v1.0",
            "${URL}",
        ] {
            assert_clean(&AddInsteadOfCopy, &format!("FROM alpine:3.20\nADD {src} /x/\n"));
        }
        // One archive among the sources makes ADD meaningful.
        assert_clean(&AddInsteadOfCopy, "FROM alpine:3.20\nADD a.txt b.tgz /x/\n");
    }

    #[test]
    fn fixes_keep_case_and_skip_add_only_flags() {
        assert_fix(&AddInsteadOfCopy, "FROM alpine:3.20\nADD a /a\n", "FROM alpine:3.20\nCOPY a /a\n");
        assert_fix(&AddInsteadOfCopy, "FROM alpine:3.20\nadd a /a\n", "FROM alpine:3.20\ncopy a /a\n");
        let diags = lint(&AddInsteadOfCopy, "FROM alpine:3.20\nADD --unpack=false a /a\n");
        assert_eq!(diags.len(), 1);
        assert!(diags[0].fix.is_none());
    }

    /// issue 13 #15: a source that resolves through ARG, ENV or `--build-arg` is judged.
    #[test]
    fn sources_resolved_through_variables() {
        assert_flags(&AddInsteadOfCopy, "FROM alpine:3.20\nARG SRC=app.py\nADD ${SRC} /app/\n", &["ADD"]);
        assert_flags(&AddInsteadOfCopy, "FROM alpine:3.20\nENV DIR=src\nADD $DIR/main.py /app/\n", &["ADD"]);
        assert_clean(&AddInsteadOfCopy, "FROM alpine:3.20\nARG URL=https://example.com/x.sh\nADD $URL /x\n");
        assert_clean(&AddInsteadOfCopy, "FROM alpine:3.20\nARG TARBALL=rootfs.tar.gz\nADD $TARBALL /\n");
        assert_clean(&AddInsteadOfCopy, "FROM alpine:3.20\nARG SRC\nADD $SRC /x\n");
        let settings = crate::settings::SettingsBuilder {
            select: Some(vec!["DF004".into()]),
            build_args: [("SRC".to_string(), "local.txt".to_string())].into_iter().collect(),
            ..Default::default()
        }
        .build();
        let diags = lint_with(&AddInsteadOfCopy, "FROM alpine:3.20\nARG SRC\nADD $SRC /x\n", settings);
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn heredoc_add_is_a_copy() {
        assert_flags(&AddInsteadOfCopy, "FROM alpine:3.20\nADD <<EOF /etc/motd\nhello\nEOF\n", &["ADD"]);
    }
}
