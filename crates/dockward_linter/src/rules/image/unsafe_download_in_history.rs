use crate::audit::{AuditContext, ImageRule};
use crate::declare_rule;
use dockward_spec::ImageView;

declare_rule! {
    /// ## What it does
    /// Flags image history steps that fetched code from the network without checking
    /// it: `ADD https://...`, and a `curl`/`wget` download piped straight into a shell
    /// (`curl -fsSL https://get.example | sh`).
    ///
    /// ## Why is this bad?
    /// Whatever the server (or anyone on the path to it) returned at build time is now
    /// in the image, unverified. `ADD <url>` also checks no checksum unless `--checksum`
    /// is given, and a piped script runs before anyone can read it.
    ///
    /// ## Example
    /// `docker history --no-trunc app:1` shows `/bin/sh -c curl -sL https://x.sh | bash`.
    ///
    /// ## Fix
    /// Download to a file, verify a pinned checksum or signature, then run it; or use
    /// `ADD --checksum=sha256:...`, or a package from a signed repository.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 4.9 "Ensure that COPY is used instead of ADD in Dockerfiles"
    /// - Practices a, "Use Trusted Base Images"; practices b, "Supply Chain"
    pub struct UnsafeDownloadInHistory;
    code = "IM006", name = "unsafe-download-in-history", severity = Warning,
    category = Security, target = Image, fix = None,
    summary = "The image was built with `ADD <url>` or a download piped into a shell", aliases = ["CIS-DI-0009"],
    cis = ["4.9"],
    practices = ["a-trusted-source"],
}

const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh"];
const DOWNLOADERS: &[&str] = &["curl", "wget"];

/// The shell text of a history step: what follows `/bin/sh -c` (and `#(nop)`).
fn step_text(created_by: &str) -> &str {
    let t = created_by.trim();
    let t = match t.find("/bin/sh -c ") {
        Some(i) => &t[i + "/bin/sh -c ".len()..],
        None => t,
    };
    t.trim_start().strip_prefix("#(nop)").unwrap_or(t).trim()
}

fn adds_url(text: &str) -> Option<&str> {
    let mut words = text.split_whitespace();
    if words.next()? != "ADD" {
        return None;
    }
    words
        .find(|w| !w.starts_with("--"))
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .filter(|_| !text.contains("--checksum"))
}

fn pipes_download_to_shell(text: &str) -> bool {
    let script = dockward_shell::tokenize(text);
    script.commands.windows(2).any(|pair| {
        let (from, to) = (&pair[0], &pair[1]);
        let shell = match to.program_basename() {
            Some("sudo") => to.args().first().map(|w| w.text.rsplit('/').next().unwrap_or(&w.text).to_string()),
            p => p.map(String::from),
        };
        from.pipes_out()
            && from.program_basename().is_some_and(|p| DOWNLOADERS.contains(&p))
            && shell.is_some_and(|s| SHELLS.contains(&s.as_str()))
    })
}

impl ImageRule for UnsafeDownloadInHistory {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, images: &[ImageView], cx: &mut AuditContext<'_>) {
        for img in images {
            for step in &img.history {
                let text = step_text(&step.created_by.value);
                if let Some(url) = adds_url(text) {
                    cx.report_value(
                        &Self::META,
                        &step.created_by,
                        format!("`{}` was built with `ADD {url}`", img.name),
                    )
                    .help("download, verify a pinned checksum, then COPY; or use `ADD --checksum=`");
                } else if pipes_download_to_shell(text) {
                    cx.report_value(
                        &Self::META,
                        &step.created_by,
                        format!("`{}` was built by piping a download into a shell", img.name),
                    )
                    .help("download to a file and verify its checksum or signature before running it");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::*;

    #[test]
    fn flags_add_url_and_curl_pipe_sh() {
        let img = with_history(
            image("app:1"),
            &[
                "/bin/sh -c #(nop) ADD https://example.com/tool.tgz in /opt/",
                "ADD https://example.com/a /a # buildkit",
                "/bin/sh -c apt-get update && curl -fsSL https://get.example.sh | sudo bash -",
                "RUN /bin/sh -c wget -qO- https://x | sh # buildkit",
            ],
        );
        let got = lint_images(&UnsafeDownloadInHistory::META, &[img], 0);
        let paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "image/app:1/History[0].CreatedBy",
                "image/app:1/History[1].CreatedBy",
                "image/app:1/History[2].CreatedBy",
                "image/app:1/History[3].CreatedBy"
            ]
        );
        assert_eq!(got[0].1, "`app:1` was built with `ADD https://example.com/tool.tgz`");
        assert_eq!(got[2].1, "`app:1` was built by piping a download into a shell");
    }

    #[test]
    fn passes_local_add_verified_add_and_saved_downloads() {
        let img = with_history(
            image("app:1"),
            &[
                "/bin/sh -c #(nop) ADD file:3a1b in / ",
                "ADD --checksum=sha256:abc https://example.com/a /a # buildkit",
                "/bin/sh -c curl -fsSLo /tmp/i.sh https://x && sha256sum -c s && sh /tmp/i.sh",
                "/bin/sh -c curl https://x | tar -xz",
            ],
        );
        assert!(lint_images(&UnsafeDownloadInHistory::META, &[img], 0).is_empty());
    }
}
