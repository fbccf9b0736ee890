use dockward_dockerfile::{Args, InstructionKind};
use dockward_shell::Word;
use dockward_source::TextRange;

use crate::declare_rule;
use crate::rule::{DockerfileContext, DockerfileRule};

use super::shell_helpers::{
    arguments, env_assignments, long_flag, long_value, options, program, run_scripts, short_flag, word_subrange,
};

declare_rule! {
    /// ## What it does
    /// Flags switches that turn off TLS certificate verification:
    /// `curl -k`/`--insecure` (also inside clusters such as `-fsSLk`),
    /// `wget --no-check-certificate`, `pip --trusted-host`, `npm`/`yarn`/`pnpm config
    /// set strict-ssl false`, `git -c http.sslVerify=false`, `git config
    /// http.sslVerify false`, `yum`/`dnf --setopt=sslverify=0`, apt's
    /// `Acquire::https::Verify-Peer=false`, and the variables
    /// `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`, `GIT_SSL_NO_VERIFY`,
    /// `NPM_CONFIG_STRICT_SSL=false`, `PIP_TRUSTED_HOST` set with `ENV`, on a RUN
    /// command, or with an `ARG` whose value (default, `--build-arg`, or the global ARG
    /// it redeclares) is in the environment of a later RUN of its stage (`ARG NAME
    /// value` without `=` declares two ARGs and sets nothing). `GIT_SSL_NO_VERIFY`
    /// counts whatever its value, `0`, `false` or empty included: git only asks
    /// whether it is set. Only real commands count: `echo "curl -k"` is text.
    ///
    /// ## Why is this bad?
    /// Without certificate checks anyone on the network path (a proxy, a compromised
    /// mirror, DNS spoofing) can swap the download for their own code, which then runs
    /// in the build or ships in the image. Set with ENV, the switch also weakens every
    /// connection the application makes at run time.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSLk https://example.com/tool -o /usr/local/bin/tool
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY corp-ca.crt /usr/local/share/ca-certificates/
    /// RUN update-ca-certificates && curl -fsSL https://example.com/tool -o /usr/local/bin/tool
    /// ```
    ///
    /// ## How to fix
    /// Install the CA that signs the server's certificate (`update-ca-certificates`,
    /// `--cacert`, `PIP_CERT`, `NODE_EXTRA_CA_CERTS`) instead of disabling checks.
    ///
    /// ## References
    /// - Practices a, "Secure Communication and Networking", "Use Trusted Base Images"; practices b, "Image Security"
    pub struct TlsVerificationDisabled;
    code = "DF013", name = "tls-verification-disabled", severity = Error,
    category = Security, target = Dockerfile, fix = None,
    summary = "TLS certificate verification is turned off",
    aliases = [
        "CKV2_DOCKER_2", "CKV2_DOCKER_3", "CKV2_DOCKER_4", "CKV2_DOCKER_5", "CKV2_DOCKER_6",
        "CKV2_DOCKER_12", "CKV2_DOCKER_13", "CKV2_DOCKER_14", "CKV2_DOCKER_15", "CKV2_DOCKER_16",
    ],
    practices = ["a-trusted-source"],
}

/// Why `NAME=value` disables TLS verification, if it does.
fn insecure_variable(name: &str, value: &str) -> Option<&'static str> {
    let v = value.trim().to_ascii_lowercase();
    let falsy = matches!(v.as_str(), "0" | "false" | "no" | "off");
    let set = !v.is_empty() && !falsy;
    match name {
        "NODE_TLS_REJECT_UNAUTHORIZED" if v == "0" => Some("Node.js accepts any certificate"),
        "PYTHONHTTPSVERIFY" if v == "0" => Some("Python's urllib skips certificate checks"),
        // git tests only whether the variable exists: `0`, `false` and empty disable
        // the checks too.
        "GIT_SSL_NO_VERIFY" => Some("git skips certificate checks when GIT_SSL_NO_VERIFY is set, whatever its value"),
        "NPM_CONFIG_STRICT_SSL" | "npm_config_strict_ssl" if falsy => Some("npm accepts any certificate"),
        "YARN_STRICT_SSL" | "YARN_ENABLE_STRICT_SSL" if falsy => Some("yarn accepts any certificate"),
        "PIP_TRUSTED_HOST" if !v.is_empty() => Some("pip skips certificate checks for these hosts"),
        "CURL_INSECURE" if set => Some("curl skips certificate checks"),
        _ => None,
    }
}

fn is_false(s: &str) -> bool {
    matches!(s.to_ascii_lowercase().as_str(), "false" | "0" | "no" | "off")
}

/// True if `name` disables verification by being set at all, so that its value
/// (even one the shell or ARG expansion leaves unknown) does not matter.
fn presence_only(name: &str) -> bool {
    name == "GIT_SSL_NO_VERIFY"
}

/// `key=value` config settings that disable verification.
fn insecure_setting(setting: &str) -> bool {
    let lower = setting.to_ascii_lowercase();
    let Some((key, value)) = lower.split_once('=') else { return false };
    let key = key.trim();
    (key.ends_with("sslverify") || key.ends_with("ssl_verify") || key == "strict-ssl") && is_false(value.trim())
        || (key.ends_with("verify-peer") || key.ends_with("verify-host")) && is_false(value.trim().trim_matches('"'))
}

impl DockerfileRule for TlsVerificationDisabled {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut DockerfileContext<'_>) {
        let source = cx.text();
        let mut found: Vec<(TextRange, String)> = Vec::new();
        let mut word = |w: &Word, why: &str| found.push((w.range, why.to_string()));
        let mut at = Vec::new();
        for run in run_scripts(cx.dockerfile) {
            for cmd in &run.script.commands {
                for a in env_assignments(cmd) {
                    if let Some((name, value)) = a.as_assignment() {
                        if !a.has_expansion || presence_only(name) {
                            if let Some(why) = insecure_variable(name, value) {
                                word(a, why);
                            }
                        }
                    }
                }
                let Some(prog) = program(cmd) else { continue };
                let args = arguments(cmd);
                if prog == "export" {
                    for a in args {
                        if let Some((name, value)) = a.as_assignment() {
                            let known = !a.has_expansion || presence_only(name);
                            if let Some(why) = insecure_variable(name, value).filter(|_| known) {
                                word(a, why);
                            }
                        }
                    }
                }
                match prog {
                    "curl" => {
                        if let Some(w) = long_flag(args, "insecure").or_else(|| long_flag(args, "proxy-insecure")) {
                            word(w, "curl accepts any certificate");
                        } else if let Some((w, pos)) = short_flag(args, 'k', "oOuHdXAebcFTwxmCEKrYyzQPDU") {
                            at.push((word_subrange(source, w, pos, pos + 1), "curl accepts any certificate"));
                        }
                    }
                    "wget" => {
                        if let Some(w) = long_flag(args, "no-check-certificate") {
                            word(w, "wget accepts any certificate");
                        }
                    }
                    p if p == "pip" || p.starts_with("pip3") || p.starts_with("python") => {
                        if let Some(w) = long_flag(args, "trusted-host") {
                            word(w, "pip skips certificate checks for this host");
                        }
                        let opts = options(args);
                        if let Some(i) = opts.iter().position(|w| w.text == "set") {
                            if opts.get(i + 1).is_some_and(|k| k.text.ends_with("trusted-host")) {
                                word(&opts[i + 1], "pip skips certificate checks for these hosts");
                            }
                        }
                    }
                    "npm" | "yarn" | "pnpm" => {
                        let opts = options(args);
                        if let Some(i) = opts.iter().position(|w| w.text == "set") {
                            if let Some(kw) = opts.get(i + 1) {
                                let key = kw.text.to_ascii_lowercase();
                                let key = key.trim_start_matches("--");
                                // `set strict-ssl false` or `set strict-ssl=false`.
                                let (k, v) = match key.split_once('=') {
                                    Some((k, v)) => (k.to_string(), Some(v.to_string())),
                                    None => (key.to_string(), opts.get(i + 2).map(|v| v.text.to_string())),
                                };
                                let strict = k == "strict-ssl" || k == "enablestrictssl";
                                if strict && v.is_some_and(|v| is_false(&v)) {
                                    word(kw, "the package manager accepts any certificate");
                                }
                            }
                        }
                        if let Some(i) = opts.iter().position(|w| is_long_eq(w, "strict-ssl")) {
                            if long_value(opts, i).is_some_and(|v| is_false(v.text())) {
                                word(&opts[i], "the package manager accepts any certificate");
                            }
                        }
                    }
                    "git" => {
                        let opts = args;
                        for (i, w) in opts.iter().enumerate() {
                            if w.text == "-c" {
                                if let Some(n) = opts.get(i + 1).filter(|n| insecure_setting(&n.text)) {
                                    word(n, "git skips certificate checks");
                                }
                            }
                        }
                        if let Some(i) = opts.iter().position(|w| w.text == "config") {
                            let rest: Vec<&Word> = opts[i + 1..].iter().filter(|w| !w.text.starts_with('-')).collect();
                            if let [k, v, ..] = rest.as_slice() {
                                let key = k.text.to_ascii_lowercase();
                                let ssl_verify = key.starts_with("http.") && key.ends_with(".sslverify");
                                if ssl_verify && is_false(&v.text) {
                                    word(k, "git skips certificate checks");
                                }
                            }
                        }
                    }
                    "yum" | "dnf" | "microdnf" | "tdnf" | "yum-config-manager" | "dnf-config-manager" | "apt-get"
                    | "apt" => {
                        for (i, w) in args.iter().enumerate() {
                            let setting = if let Some(v) = w.text.strip_prefix("--setopt=") {
                                Some((v.to_string(), w))
                            } else if w.text == "--setopt" || w.text == "-o" {
                                args.get(i + 1).map(|n| (n.text.to_string(), n))
                            } else {
                                w.text.strip_prefix("-o").filter(|v| v.contains('=')).map(|v| (v.to_string(), w))
                            };
                            if let Some((s, w)) = setting {
                                if insecure_setting(&s) {
                                    word(w, "the package manager skips certificate checks");
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let instructions = &cx.dockerfile.instructions;
        for (i, instr) in instructions.iter().enumerate() {
            let Args::KeyValues(kvs) = &instr.args else { continue };
            match instr.kind {
                InstructionKind::Env => {
                    for kv in kvs {
                        let Some(raw) = kv.raw_value else { continue };
                        let value = cx.model.expand_range_at(i, source, raw);
                        if !value.is_resolved() && !presence_only(&kv.key.value) {
                            continue;
                        }
                        if let Some(why) = insecure_variable(&kv.key.value, &value.value) {
                            at.push((kv.range, why));
                        }
                    }
                }
                // An ARG with a value (its default, a `--build-arg`, or the global
                // ARG it redeclares) is in the environment of every later RUN of its
                // stage. A global ARG that no stage redeclares reaches no RUN, and
                // `ARG NAME` without a value sets nothing.
                InstructionKind::Arg => {
                    let Some(stage) = cx.dockerfile.stage_of(i) else { continue };
                    let later_run =
                        (i + 1..stage.instructions.end).find(|&j| instructions[j].kind == InstructionKind::Run);
                    let Some(run) = later_run else { continue };
                    for kv in kvs {
                        let Some(var) = cx.model.variable_at(run, &kv.key.value) else { continue };
                        if var.instruction != i || var.kind != dockward_dockerfile::semantic::VarKind::Arg {
                            continue;
                        }
                        let Some(value) = &var.value else { continue };
                        if !var.unresolved.is_empty() && !presence_only(&kv.key.value) {
                            continue;
                        }
                        if let Some(why) = insecure_variable(&kv.key.value, value) {
                            at.push((kv.range, why));
                        }
                    }
                }
                _ => {}
            }
        }
        found.extend(at.into_iter().map(|(r, w)| (r, w.to_string())));
        found.sort_by_key(|(r, _)| r.start());
        found.dedup_by_key(|(r, _)| *r);
        for (range, why) in found {
            cx.report(&Self::META, range, format!("TLS verification is disabled: {why}"))
                .help("trust the server's CA instead (update-ca-certificates, --cacert, NODE_EXTRA_CA_CERTS)");
        }
    }
}

fn is_long_eq(w: &Word, name: &str) -> bool {
    super::shell_helpers::is_long(w, name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flags_every_switch() {
        let cases = [
            ("RUN curl -fsSLk https://x", "k"),
            ("ONBUILD RUN curl -fsSLk https://x", "k"),
            ("RUN curl --insecure https://x", "--insecure"),
            ("RUN apt-get update && curl -k https://x | tar x", "k"),
            ("RUN wget --no-check-certificate https://x", "--no-check-certificate"),
            ("RUN pip install --trusted-host pypi.org x", "--trusted-host"),
            ("RUN pip3 install --trusted-host=pypi.org x", "--trusted-host=pypi.org"),
            ("RUN npm config set strict-ssl false", "strict-ssl"),
            ("RUN yarn config set strict-ssl false", "strict-ssl"),
            ("RUN npm config set strict-ssl=false", "strict-ssl=false"),
            ("RUN git -c http.sslVerify=false clone https://x", "http.sslVerify=false"),
            ("RUN git config --global http.sslVerify false", "http.sslVerify"),
            ("RUN NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci", "NODE_TLS_REJECT_UNAUTHORIZED=0"),
            ("RUN export GIT_SSL_NO_VERIFY=1 && git clone x", "GIT_SSL_NO_VERIFY=1"),
            ("ENV PYTHONHTTPSVERIFY=0", "PYTHONHTTPSVERIFY=0"),
            ("ENV NODE_TLS_REJECT_UNAUTHORIZED 0", "NODE_TLS_REJECT_UNAUTHORIZED 0"),
            ("RUN yum --setopt=sslverify=false install -y x", "--setopt=sslverify=false"),
            ("RUN apt-get -o Acquire::https::Verify-Peer=false update", "Acquire::https::Verify-Peer=false"),
            ("RUN [\"curl\", \"-k\", \"https://x\"]", "k"),
            ("RUN pip config set global.trusted-host pypi.example.com", "global.trusted-host"),
            (
                "RUN git config --global http.https://git.example.com/.sslVerify false",
                "http.https://git.example.com/.sslVerify",
            ),
            ("RUN <<EOF\nset -e\nwget --no-check-certificate https://x\nEOF", "--no-check-certificate"),
            ("RUN find /x -name '*.sh' -exec curl --insecure -T {} https://x \\;", "--insecure"),
        ];
        for (line, flagged) in cases {
            assert_flags(&TlsVerificationDisabled, &format!("FROM a:1\n{line}\n"), &[flagged]);
        }
    }

    #[test]
    fn text_options_values_and_safe_settings_are_fine() {
        for line in [
            "RUN echo \"curl -k\"",
            "RUN curl -fsSL -o k.tgz https://x",
            "RUN curl -H 'X-k: 1' https://x",
            "RUN curl -o -k https://x",
            "RUN npm config set strict-ssl true",
            "RUN git config --global http.sslVerify true",
            "ENV NODE_TLS_REJECT_UNAUTHORIZED=1",
            "ENV git_ssl_no_verify=1",
            "ENV GIT_SSL_NO_VERIFY_CAINFO=1",
            "RUN grep -k x",
            "# RUN curl -k https://x",
        ] {
            assert_clean(&TlsVerificationDisabled, &format!("FROM a:1\n{line}\n"));
        }
    }

    /// issue 13 #13: an ARG value is in the environment of the stage's later RUNs.
    #[test]
    fn arg_defaults_reach_run() {
        for (text, flagged) in [
            ("FROM a:1\nARG NODE_TLS_REJECT_UNAUTHORIZED=0\nRUN npm ci\n", "NODE_TLS_REJECT_UNAUTHORIZED=0"),
            ("FROM a:1\nARG PYTHONHTTPSVERIFY=0\nRUN pip install -r r.txt\n", "PYTHONHTTPSVERIFY=0"),
            ("FROM a:1\nARG NPM_CONFIG_STRICT_SSL=false\nRUN npm ci\n", "NPM_CONFIG_STRICT_SSL=false"),
            (
                "FROM a:1\nARG PIP_TRUSTED_HOST=pypi.example.com\nRUN pip install x\n",
                "PIP_TRUSTED_HOST=pypi.example.com",
            ),
            ("FROM a:1\nARG GIT_SSL_NO_VERIFY=1\nRUN git clone x\n", "GIT_SSL_NO_VERIFY=1"),
            // A stage ARG without a value takes the global ARG's.
            (
                "ARG NODE_TLS_REJECT_UNAUTHORIZED=0\nFROM a:1\nARG NODE_TLS_REJECT_UNAUTHORIZED\nRUN npm ci\n",
                "NODE_TLS_REJECT_UNAUTHORIZED",
            ),
        ] {
            assert_flags(&TlsVerificationDisabled, text, &[flagged]);
        }
        for text in [
            // No later RUN in the stage; a global ARG not redeclared; no default.
            "FROM a:1\nRUN npm ci\nARG NODE_TLS_REJECT_UNAUTHORIZED=0\n",
            "FROM a:1\nARG NODE_TLS_REJECT_UNAUTHORIZED=0\nFROM b:1\nRUN npm ci\n",
            "ARG NODE_TLS_REJECT_UNAUTHORIZED=0\nFROM a:1\nRUN npm ci\n",
            "FROM a:1\nARG GIT_SSL_NO_VERIFY\nRUN git clone x\n",
            // `ARG NAME value` declares two ARGs, neither with a default.
            "FROM a:1\nARG GIT_SSL_NO_VERIFY true\nRUN git clone x\n",
            "FROM a:1\nARG NODE_TLS_REJECT_UNAUTHORIZED=1\nRUN npm ci\n",
        ] {
            assert_clean(&TlsVerificationDisabled, text);
        }
    }

    /// issue 13 #14: git only asks whether GIT_SSL_NO_VERIFY exists.
    #[test]
    fn git_no_verify_is_presence_only() {
        for line in [
            "ENV GIT_SSL_NO_VERIFY=0",
            "ENV GIT_SSL_NO_VERIFY=false",
            "ENV GIT_SSL_NO_VERIFY=\"\"",
            "ENV GIT_SSL_NO_VERIFY=${UNSET}",
        ] {
            let text = format!("FROM a:1\n{line}\n");
            assert_eq!(lint(&TlsVerificationDisabled, &text).len(), 1, "{text}");
        }
        assert_flags(
            &TlsVerificationDisabled,
            "FROM a:1\nRUN GIT_SSL_NO_VERIFY= git clone x\n",
            &["GIT_SSL_NO_VERIFY="],
        );
        assert_flags(
            &TlsVerificationDisabled,
            "FROM a:1\nRUN export GIT_SSL_NO_VERIFY=$V && git clone x\n",
            &["GIT_SSL_NO_VERIFY=$V"],
        );
        assert_flags(
            &TlsVerificationDisabled,
            "FROM a:1\nARG GIT_SSL_NO_VERIFY=\nRUN git clone x\n",
            &["GIT_SSL_NO_VERIFY="],
        );
        // Other variables keep their value semantics.
        assert_clean(&TlsVerificationDisabled, "FROM a:1\nENV NODE_TLS_REJECT_UNAUTHORIZED=false\n");
    }
}
