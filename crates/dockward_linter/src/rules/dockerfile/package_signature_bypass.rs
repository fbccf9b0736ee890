use dockward_diagnostics::{Edit, Fix};
use dockward_shell::Word;
use dockward_source::{TextRange, TextSize};

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

use super::shell_helpers::{arguments, options, program, run_scripts};

declare_rule! {
    /// ## What it does
    /// Flags package-manager options that install packages without checking their
    /// signatures: `apt-get --allow-unauthenticated`, `--force-yes`,
    /// `--allow-insecure-repositories`, `-o APT::Get::AllowUnauthenticated=true`,
    /// `apk --allow-untrusted`, `yum`/`dnf`/`microdnf`/`tdnf --nogpgcheck` (and
    /// `--setopt=gpgcheck=0`), `rpm --nosignature`/`--nodigest`, and
    /// `zypper --no-gpg-checks`. Installing package files that a `RUN
    /// --mount=...,from=<stage>` brings in from an earlier stage of the same build is
    /// not reported: those are unsigned by nature.
    ///
    /// ## Why is this bad?
    /// Package signatures are what proves a package comes from the distribution and
    /// was not changed by a mirror or on the network. Without them, a tampered package
    /// is installed as root.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y --allow-unauthenticated curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// ## How to fix
    /// Remove the option and import the repository's signing key instead. The fix
    /// removes the option; it is unsafe because the install then fails until the key
    /// is trusted.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.11, "Ensure only verified packages are installed"
    /// - Practices b, "Image Security"
    pub struct PackageSignatureBypass;
    code = "DF014", name = "package-signature-bypass", severity = Error,
    category = Security, target = Dockerfile, fix = Sometimes,
    summary = "A package manager is told to skip signature checks",
    aliases = ["CKV2_DOCKER_7", "CKV2_DOCKER_8", "CKV2_DOCKER_9", "CKV2_DOCKER_10", "CKV2_DOCKER_11"],
    cis = ["4.11"],
    practices = ["a-trusted-source"],
}

fn bypass_flags(prog: &str) -> &'static [&'static str] {
    match prog {
        "apt-get" | "apt" | "aptitude" => &["--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories"],
        "apk" => &["--allow-untrusted"],
        "yum" | "dnf" | "microdnf" | "tdnf" | "dnf5" => &["--nogpgcheck", "--nogpg"],
        "rpm" => &["--nosignature", "--nodigest", "--nofiledigest"],
        "zypper" => &["--no-gpg-checks"],
        _ => &[],
    }
}

/// `APT::Get::AllowUnauthenticated=true`, `gpgcheck=0` and friends.
fn bypass_setting(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let Some((key, value)) = lower.split_once('=') else { return false };
    let value = value.trim().trim_matches('"');
    let on = matches!(value, "1" | "true" | "yes");
    let off = matches!(value, "0" | "false" | "no");
    (key.ends_with("allowunauthenticated") || key.ends_with("allowinsecurerepositories")) && on
        || (key.ends_with("gpgcheck") || key.ends_with("repo_gpgcheck")) && off
}

/// Targets of `--mount=...,from=<stage or image>` on a RUN, with a trailing `/`.
fn stage_mount_targets(instr: &dockward_dockerfile::Instruction) -> Vec<String> {
    let mut out = Vec::new();
    for flag in instr.flags_named("mount") {
        let fields = flag.csv_fields();
        if !fields.iter().any(|f| f.key.value == "from") {
            continue;
        }
        for f in &fields {
            if matches!(f.key.value.as_str(), "target" | "dst" | "destination") {
                if let Some(v) = &f.value {
                    let t = v.value.trim_end_matches('/');
                    if !t.is_empty() {
                        out.push(format!("{t}/"));
                    }
                }
            }
        }
    }
    out
}

/// The word plus the blank before it, so that deleting it leaves clean text.
fn with_leading_space(source: &str, range: TextRange) -> TextRange {
    let start = usize::from(range.start());
    let spaces = source[..start].bytes().rev().take_while(|b| *b == b' ' || *b == b'\t').count();
    TextRange::new(TextSize::from((start - spaces) as u32), range.end())
}

impl DockerfileRule for PackageSignatureBypass {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let source = cx.text();
        let mut found: Vec<(TextRange, String, bool)> = Vec::new();
        for run in run_scripts(cx.dockerfile) {
            let mounted = stage_mount_targets(&cx.dockerfile.instructions[run.instruction]);
            for cmd in &run.script.commands {
                let Some(prog) = program(cmd) else { continue };
                let args = arguments(cmd);
                // Packages built by an earlier stage of this build and mounted from it
                // are unsigned by nature; the stage that built them is the check.
                let files: Vec<&str> = args.iter().map(|w| w.text.as_str()).filter(|t| t.contains('/')).collect();
                if !files.is_empty() && files.iter().all(|f| mounted.iter().any(|m| f.starts_with(m.as_str()))) {
                    continue;
                }
                let flags = bypass_flags(prog);
                let opts = options(args);
                for (i, w) in opts.iter().enumerate() {
                    let name = w.text.split('=').next().unwrap_or("");
                    if flags.contains(&name) {
                        let verbatim = source.get(std::ops::Range::<usize>::from(w.range)) == Some(w.text.as_str());
                        found.push((
                            w.range,
                            format!("`{prog} {name}` installs packages without checking signatures"),
                            verbatim,
                        ));
                        continue;
                    }
                    if flags.is_empty() {
                        continue;
                    }
                    let setting: Option<&Word> = if w.text == "-o" || w.text == "--setopt" {
                        opts.get(i + 1)
                    } else if w.text.starts_with("-o") || w.text.starts_with("--setopt=") {
                        Some(w)
                    } else {
                        None
                    };
                    if let Some(s) = setting {
                        let text = s.text.trim_start_matches("--setopt=").trim_start_matches("-o");
                        if bypass_setting(text) {
                            found.push((s.range, format!("`{prog}` is configured to skip signature checks"), false));
                        }
                    }
                }
            }
        }
        found.sort_by_key(|(r, _, _)| r.start());
        found.dedup_by_key(|(r, _, _)| *r);
        for (range, message, removable) in found {
            let d = cx.report(&Self::META, range, message);
            d.help("remove it and trust the repository's signing key instead");
            if removable {
                d.fix(Fix::unsafe_("Remove the option", vec![Edit::delete(with_leading_space(source, range))]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_signature_bypass() {
        let cases = [
            ("RUN apt-get -y --allow-unauthenticated install curl", "--allow-unauthenticated"),
            ("RUN apt-get install -y --force-yes curl", "--force-yes"),
            ("RUN apt-get -o APT::Get::AllowUnauthenticated=true install x", "APT::Get::AllowUnauthenticated=true"),
            ("RUN apk add --allow-untrusted /tmp/x.apk", "--allow-untrusted"),
            ("RUN yum install -y --nogpgcheck x", "--nogpgcheck"),
            ("RUN dnf --setopt=gpgcheck=0 install -y x", "--setopt=gpgcheck=0"),
            ("RUN rpm -i --nosignature x.rpm", "--nosignature"),
            ("RUN zypper --no-gpg-checks in -y x", "--no-gpg-checks"),
            ("RUN sudo apt-get install --allow-unauthenticated x", "--allow-unauthenticated"),
        ];
        for (line, flagged) in cases {
            assert_flags(&PackageSignatureBypass, &format!("FROM a:1\n{line}\n"), &[flagged]);
        }
    }

    #[test]
    fn other_commands_and_text_are_fine() {
        for line in [
            "RUN echo --allow-unauthenticated",
            "RUN apt-get install -y --no-install-recommends curl",
            "RUN dnf --setopt=gpgcheck=1 install -y x",
            "RUN my-tool --nogpgcheck",
            "RUN --mount=type=bind,from=builder,source=/pkgs,target=/tmp/pkgs apk add --allow-untrusted /tmp/pkgs/x.apk",
        ] {
            assert_clean(&PackageSignatureBypass, &format!("FROM a:1\n{line}\n"));
        }
    }

    #[test]
    fn unsafe_fix_removes_the_option() {
        let text = "FROM a:1\nRUN apt-get install -y --allow-unauthenticated curl\n";
        let d = lint(&PackageSignatureBypass, text);
        let out = dockward_diagnostics::apply_fixes(text, d.iter().filter_map(|d| d.fix.as_ref()));
        assert_eq!(out.text, "FROM a:1\nRUN apt-get install -y curl\n");
    }
}
