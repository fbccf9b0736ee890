//! The one judgement of what is a secret, shared by every rule that looks for
//! credentials: Compose `environment` / `docker run -e` / live containers (CT021),
//! Dockerfile `ARG`/`ENV` (DF007), text anywhere in a Dockerfile (DF008), RUN command
//! lines (DF010), copied key files (DF009), image config and history (IM003) and files
//! in images (IM012, IM013). A rule asks here, never keeps its own word list, so the
//! twins cannot drift apart.
//!
//! - [`is_secret_name`]: does a variable's name say it holds a credential?
//! - [`judge_value`]: is a value a credential, a placeholder, or something else (a
//!   reference, a switch, a path, a URL without credentials)?
//! - [`find_credentials`]: credentials in known formats (tokens, private key blocks,
//!   `scheme://user:password@host`) anywhere in a text, with their byte ranges.
//! - [`pem_kind`]: does a key file hold a private key or only public material?

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// Name parts that mark a secret on their own.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWORDS",
    "PASSWD",
    "PASS",
    "PASSPHRASE",
    "PWD",
    "PW",
    "SECRET",
    "SECRETS",
    "TOKEN",
    "CREDENTIAL",
    "CREDENTIALS",
    "APIKEY",
    "PRIVATEKEY",
];
/// Endings that make a glued word a secret word (`ROOTPASS`, `DBPASSWORD`, `GHTOKEN`,
/// `HTPASSWD`).
const SECRET_ENDINGS: &[&str] = &["PASS", "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY"];
/// Words that end like a secret word but are not one.
const NOT_SECRET_WORDS: &[&str] = &["BYPASS", "COMPASS", "SURPASS", "KEEPASS", "OLDPWD", "TRESPASS"];
/// `<first>_<second>` pairs that mark a secret (`API_KEY`, `PRIVATE_KEY`).
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("API", "KEY"),
    ("PRIVATE", "KEY"),
    ("ACCESS", "KEY"),
    ("SECRET", "KEY"),
    ("AUTH", "KEY"),
    ("ENCRYPTION", "KEY"),
    ("SIGNING", "KEY"),
    ("MASTER", "KEY"),
    ("CLIENT", "KEY"),
    ("LICENSE", "KEY"),
    ("SESSION", "KEY"),
    ("AUTH", "TOKEN"),
];
/// Name parts after the secret word that say the value is about the secret, or
/// next to it, rather than the secret itself: `PASSWORD_FILE`, `TOKEN_URL`,
/// `SMTP_PASSWORD_USER`, `REGISTRY_AUTH_TOKEN_REALM`, `..._TOKEN_SERVICE`,
/// `..._TOKEN_ISSUER`.
const QUALIFIERS: &[&str] = &[
    "FILE",
    "FILES",
    "PATH",
    "DIR",
    "URL",
    "URI",
    "ENDPOINT",
    "HOST",
    "PORT",
    "LENGTH",
    "LEN",
    "MIN",
    "MAX",
    "TTL",
    "EXPIRY",
    "EXPIRE",
    "EXPIRES",
    "EXPIRATION",
    "LIFETIME",
    "TIMEOUT",
    "INTERVAL",
    "HEADER",
    "NAME",
    "TYPE",
    "ID",
    "ALGORITHM",
    "ALG",
    "POLICY",
    "SIZE",
    "COUNT",
    "ENABLED",
    "REQUIRED",
    "MODE",
    "PREFIX",
    "FORMAT",
    "VERSION",
    "HASH",
    "HASHERS",
    "ROTATION",
    "REGEX",
    "SOURCE",
    "USER",
    "USERNAME",
    "LOGIN",
    "EMAIL",
    "SERVICE",
    "REALM",
    "ISSUER",
    "AUDIENCE",
    "SCOPE",
    "SCOPES",
    "ROOTCERTBUNDLE",
    "STORE",
    "PROVIDER",
    "BACKEND",
    "METHOD",
];
/// Name parts before the secret word that make it a switch or setting
/// (`MYSQL_ALLOW_EMPTY_PASSWORD`, `MYSQL_RANDOM_ROOT_PASSWORD`).
const SWITCHES: &[&str] = &["ALLOW", "EMPTY", "RANDOM", "NO", "SKIP", "DISABLE", "ENABLE", "USE", "REQUIRE", "FORCE"];

/// A name part that marks a secret: one of [`SECRET_WORDS`], or a word ending in one
/// (`ROOTPASS`, `DBPASSWORD`, `GHTOKEN`), except words such as `BYPASS`.
fn is_secret_word(part: &str) -> bool {
    if NOT_SECRET_WORDS.contains(&part) {
        return false;
    }
    SECRET_WORDS.contains(&part) || SECRET_ENDINGS.iter().any(|w| part.ends_with(w))
}

/// `name` split into upper-case parts at `_`, `-`, `.` and camel-case humps:
/// `dbPasswordFile` -> `DB`, `PASSWORD`, `FILE`.
fn name_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if matches!(c, '_' | '-' | '.') {
            parts.push(std::mem::take(&mut cur));
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower {
            parts.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_uppercase());
    }
    parts.push(cur);
    parts.retain(|p| !p.is_empty());
    parts
}

/// True if a variable or build argument called `name` holds a credential:
/// `DB_PASSWORD`, `LDAP_ROOTPASS`, `SMTP_PASS`, `GPG_PASSPHRASE`, `MYSQL_PWD`,
/// `API_TOKEN`, `apiKey`, `AWS_SECRET_ACCESS_KEY`. Not: names where the secret word is
/// qualified (`PASSWORD_FILE`, `TOKEN_URL`, `SMTP_PASSWORD_USER`,
/// `REGISTRY_AUTH_TOKEN_REALM`), switches (`MYSQL_ALLOW_EMPTY_PASSWORD`), user names
/// (`DB_USER`), and the shell's working directory (`PWD`).
pub fn is_secret_name(name: &str) -> bool {
    let parts = name_parts(name);
    if matches!(parts.as_slice(), [p] if p == "PWD") {
        return false;
    }
    for (i, part) in parts.iter().enumerate() {
        let pair_end =
            SECRET_PAIRS.iter().any(|(a, b)| part == a && parts.get(i + 1).is_some_and(|n| n == b)).then_some(i + 1);
        let end = if is_secret_word(part) { Some(i) } else { pair_end };
        let Some(end) = end else { continue };
        if parts[end + 1..].iter().any(|p| QUALIFIERS.contains(&p.as_str())) {
            return false;
        }
        if parts[..i].iter().any(|p| SWITCHES.contains(&p.as_str())) {
            return false;
        }
        return true;
    }
    false
}

/// What a value written for a secret-named variable is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A literal credential.
    Secret,
    /// An obvious stand-in (`changeme`, `your-token-here`, `xxxx`, `******`,
    /// `<password>`, `dummy`, empty): not a leaked secret, but a credential nobody
    /// chose; rules report it one severity lower and say so.
    Placeholder,
    /// Not a credential whatever the name says: a reference (`$X`, `${X}`), a switch
    /// (`true`, `no`), a short number (`3600`), a file path, a URL without credentials.
    NotSecret,
}

/// Judges `value`, the (unquoted) value of a variable whose name says it is a secret.
pub fn judge_value(value: &str) -> Verdict {
    let v = unquote(value.trim());
    if v.is_empty() || is_placeholder(v) {
        return Verdict::Placeholder;
    }
    if v.contains('$') || v.contains("{{") {
        return Verdict::NotSecret;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(lower.as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null" | "nil") {
        return Verdict::NotSecret;
    }
    if v.len() <= 4 && v.bytes().all(|b| b.is_ascii_digit()) {
        return Verdict::NotSecret;
    }
    if is_path(v) {
        return Verdict::NotSecret;
    }
    if let Some(rest) = url_rest(v) {
        // A URL is a secret only through the password it carries, which
        // `find_credentials` reports; a realm, issuer or endpoint URL is not one.
        return if find_credentials(v).is_empty() || rest.is_empty() { Verdict::NotSecret } else { Verdict::Secret };
    }
    Verdict::Secret
}

/// Why a variable is reported by the rules that judge variables (CT021, IM003, env
/// files in images), and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableJudgement {
    /// For the message: `holds a GitHub token`, `looks like a secret ...`.
    pub why: String,
    /// An obvious stand-in (`changeme`, `<password>`): reported one level lower, and
    /// not masked (it hides nothing).
    pub placeholder: bool,
    /// Only the credentials [`find_credentials`] finds inside the value are secret (a
    /// URL's password in `DATABASE_URL`), not the whole value.
    pub parts_only: bool,
}

/// Judges the variable `name` set to `value`: a credential in a known format in any
/// variable (a token, a password in a URL), or a literal value of a secret-named one
/// ([`is_secret_name`], [`judge_value`]). `None`: not reported.
pub fn judge_variable(name: &str, value: &str) -> Option<VariableJudgement> {
    let found = find_credentials(value);
    if let Some(f) = found.iter().find(|f| !f.placeholder) {
        return Some(VariableJudgement {
            why: format!("holds {}", f.kind),
            placeholder: false,
            parts_only: !is_secret_name(name),
        });
    }
    let placeholder = || VariableJudgement {
        why: "holds a placeholder credential (not a real secret, but one nobody chose)".to_string(),
        placeholder: true,
        parts_only: false,
    };
    if is_secret_name(name) {
        return match judge_value(value) {
            Verdict::Secret => Some(VariableJudgement {
                why: "looks like a secret written as a literal value".to_string(),
                placeholder: false,
                parts_only: false,
            }),
            Verdict::Placeholder => Some(placeholder()),
            Verdict::NotSecret => None,
        };
    }
    (!found.is_empty()).then(placeholder)
}

/// `value` without one pair of surrounding quotes.
fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    value
}

/// What follows `scheme://` when `v` is a URL.
fn url_rest(v: &str) -> Option<&str> {
    let (scheme, rest) = v.split_once("://")?;
    let ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'));
    ok.then_some(rest)
}

/// True for an obvious stand-in for a credential: `changeme`, `change_me`,
/// `your-password`, `your_api_key_here`, `<token>`, `xxxx`, `******`, `...`,
/// `dummy`, `dummy-key`, `fake`, `placeholder`, `replace-me`, `example`, `todo`.
pub fn is_placeholder(value: &str) -> bool {
    let v = unquote(value.trim());
    if v.is_empty() {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    let squashed: String = lower.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if v.starts_with('<') && v.ends_with('>') {
        return true;
    }
    if v.chars().count() >= 3 && (lower.chars().all(|c| c == 'x') || v.chars().all(|c| matches!(c, '*' | '.' | '#'))) {
        return true;
    }
    const EXACT: &[&str] =
        &["changeme", "changeit", "changethis", "placeholder", "replaceme", "example", "todo", "tbd", "fixme", "fake"];
    if EXACT.contains(&squashed.as_str()) {
        return true;
    }
    const PREFIXES: &[&str] = &["your", "dummy", "fake", "insert", "replace", "changeme", "example", "placeholder"];
    // The prefix must be a word of its own (`your-token`, `dummy_key`, `dummyvalue`
    // but not `yourself123` ... which `squashed` cannot tell apart, so the separator or
    // a known suffix decides).
    for p in PREFIXES {
        if let Some(rest) = lower.strip_prefix(p) {
            if rest.is_empty() || rest.starts_with(['-', '_', '.', ' ']) || placeholder_tail(rest) {
                return true;
            }
        }
    }
    squashed.ends_with("here")
        && (squashed.starts_with("your") || squashed.starts_with("put") || squashed.starts_with("insert"))
}

/// `dummypassword`, `yourtoken`: a placeholder prefix glued to a credential word.
fn placeholder_tail(rest: &str) -> bool {
    ["password", "pass", "secret", "token", "key", "apikey", "value", "pw", "pwd", "here"].contains(&rest)
}

/// True for a file path: `/run/secrets/db`, `./secrets/jwt.key`, `~/.pgpass`,
/// `secrets/db_password.txt`, `C:\keys\a.pem`. Such a value names where the secret
/// is, not the secret.
pub fn is_path(v: &str) -> bool {
    let path_chars =
        |s: &str| s.chars().all(|c| c.is_alphanumeric() || matches!(c, '/' | '\\' | '.' | '_' | '-' | '~' | '@' | ':'));
    if v.is_empty() || v.chars().any(char::is_whitespace) || !path_chars(v) {
        return false;
    }
    if v.starts_with('/') || v.starts_with("./") || v.starts_with("../") || v.starts_with("~/") {
        return v.len() > 1;
    }
    let bytes = v.as_bytes();
    if bytes.len() > 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'\\' {
        return true;
    }
    // A relative path: a directory and a file name with a short extension.
    if let Some((dir, name)) = v.rsplit_once('/') {
        let ext = name.rsplit_once('.').map(|(_, e)| e);
        return !dir.is_empty()
            && !v.contains(':')
            && ext.is_some_and(|e| (1..=6).contains(&e.len()) && e.chars().all(|c| c.is_ascii_alphabetic()));
    }
    false
}

/// A credential found in a text: what it is and the byte range of the secret part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: &'static str,
    pub range: Range<usize>,
    /// The credential is an obvious placeholder (`https://user:<password>@host`).
    pub placeholder: bool,
}

static TOKENS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    [
        ("an AWS access key id", r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b"),
        ("a GitHub token", r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b"),
        ("a GitHub token", r"\bgithub_pat_[A-Za-z0-9_]{22,}\b"),
        ("a GitLab token", r"\bglpat-[A-Za-z0-9_\-]{20,}"),
        ("a Slack token", r"\bxox[abposr]-[A-Za-z0-9\-]{10,}"),
        ("a Stripe secret key", r"\b[sr]k_live_[A-Za-z0-9]{16,}\b"),
        ("a private key", r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
    ]
    .into_iter()
    .map(|(k, r)| (k, Regex::new(r).expect("valid token pattern")))
    .collect()
});

/// `scheme://user:password@`: group 1 is the password.
static URL_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@'\x22]+:([^\s/@'\x22]+)@[A-Za-z0-9\[]").expect("valid URL pattern")
});

/// End of a private key block that starts at `start`, if its END line follows.
fn private_key_end(text: &str, start: usize) -> Option<usize> {
    let rest = &text[start..];
    let end = rest.find("-----END ")?;
    let close = rest[end + 9..].find("-----")? + end + 9 + 5;
    Some(start + close)
}

/// Every credential in a known format in `text`, in order, one per secret: AWS key
/// ids, GitHub/GitLab/Slack/Stripe tokens, private key blocks (the whole block) and
/// passwords in URLs (`scheme://user:password@host`, the password only). A URL
/// password made of a variable or command substitution is not a literal and is left
/// out.
pub fn find_credentials(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    for (kind, re) in TOKENS.iter() {
        for m in re.find_iter(text) {
            let end =
                if *kind == "a private key" { private_key_end(text, m.start()).unwrap_or(m.end()) } else { m.end() };
            out.push(Found { kind, range: m.start()..end, placeholder: false });
        }
    }
    for c in URL_PASSWORD.captures_iter(text) {
        let pw = c.get(1).expect("group 1");
        if pw.as_str().contains(['$', '`', '{']) {
            continue;
        }
        out.push(Found { kind: "a password in a URL", range: pw.range(), placeholder: is_placeholder(pw.as_str()) });
    }
    out.sort_by_key(|f| (f.range.start, std::cmp::Reverse(f.range.end)));
    // One finding per secret: a token that is also a URL password is reported once.
    let mut kept: Vec<Found> = Vec::with_capacity(out.len());
    for f in out {
        if kept.last().is_none_or(|k| f.range.start >= k.range.end) {
            kept.push(f);
        }
    }
    kept
}

/// What a PEM-style key or certificate file holds, judged from its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PemKind {
    /// A private key block (`-----BEGIN ... PRIVATE KEY-----`) or an OpenSSH private key.
    Private,
    /// Only public material: certificates, public keys, PGP public key blocks, DH or
    /// EC parameters, CRLs, certificate requests, `ssh-ed25519 AAAA...` lines.
    Public,
    /// Neither can be told (binary DER, an empty or unrelated file).
    Unknown,
}

/// Judges the text of a key file. A file with both (a certificate chain with its
/// key) is private.
pub fn pem_kind(text: &str) -> PemKind {
    static PRIVATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----").expect("valid private key pattern")
    });
    static PUBLIC: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?m)-----BEGIN (?:(?:TRUSTED |X509 )?CERTIFICATE(?: REQUEST)?|(?:NEW )?CERTIFICATE REQUEST|(?:[A-Z0-9]+ )*PUBLIC KEY(?: BLOCK)?|DH PARAMETERS|EC PARAMETERS|X509 CRL|PGP SIGNATURE)-----|^(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com) AAAA",
        )
        .expect("valid public key pattern")
    });
    if PRIVATE.is_match(text) {
        PemKind::Private
    } else if PUBLIC.is_match(text) {
        PemKind::Public
    } else {
        PemKind::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for n in [
            "DB_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "api_token",
            "apiKey",
            "API_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "GITHUB_TOKEN",
            "NPM_AUTH_TOKEN",
            "PW",
            "APIKEY",
            // issue 13 #2: `*_PASS`, `*_PASSPHRASE`, `*_PWD`.
            "SMTP_PASS",
            "NAGIOSADMIN_PASS",
            "LDAP_ROOTPASS",
            "GPG_PASSPHRASE",
            "MYSQL_PWD",
            "DB_PW",
            "dbPassword",
            "LICENSE_KEY",
            "SECRET_KEY_BASE",
            "JWT_SECRET",
            "REGISTRY_AUTH_HTPASSWD",
        ] {
            assert!(is_secret_name(n), "{n} is a secret name");
        }
        for n in [
            "DB_USER",
            "DB_USERNAME",
            "SMTP_PASSWORD_USER",
            "RABBITMQ_DEFAULT_USER",
            "DB_PASSWORD_FILE",
            "dbPasswordFile",
            "TOKEN_URL",
            "REGISTRY_AUTH_TOKEN_REALM",
            "REGISTRY_AUTH_TOKEN_SERVICE",
            "REGISTRY_AUTH_TOKEN_ISSUER",
            "REGISTRY_AUTH_HTPASSWD_REALM",
            "REGISTRY_AUTH_HTPASSWD_PATH",
            "PASSWORD_MIN_LENGTH",
            "MYSQL_ALLOW_EMPTY_PASSWORD",
            "PWD",
            "OLDPWD",
            "MONKEY",
            "TOKENIZER_PARALLELISM",
            "KEEPASSXC_VERSION",
            "CACHE_BYPASS",
            "GPG_KEY",
            "AWS_ACCESS_KEY_ID",
            "LANG",
        ] {
            assert!(!is_secret_name(n), "{n} is not a secret name");
        }
    }

    #[test]
    fn values() {
        for v in ["hunter2", "s3cr3t-value", "root", "'quoted-secret'", "12345678", "postgres://app:hunter2@db/app"] {
            assert_eq!(judge_value(v), Verdict::Secret, "{v}");
        }
        for v in [
            "",
            "\"\"",
            "changeme",
            "CHANGE_ME",
            "change-me",
            "your-password",
            "your_api_key_here",
            "YOUR_TOKEN",
            "<password>",
            "<your token>",
            "xxxx",
            "XXXXXXXX",
            "******",
            "...",
            "dummy",
            "dummy-secret-key",
            "dummysecret",
            "fake",
            "placeholder",
            "replace-me",
        ] {
            assert_eq!(judge_value(v), Verdict::Placeholder, "{v:?}");
        }
        for v in [
            "${DB_PASSWORD}",
            "$PW",
            "true",
            "no",
            "3600",
            "/run/secrets/db",
            "./secrets/jwt.key",
            "~/.pgpass",
            "secrets/db_password.txt",
            "https://auth.example.com/token",
            "{{ .Env.TOKEN }}",
        ] {
            assert_eq!(judge_value(v), Verdict::NotSecret, "{v}");
        }
        // Not placeholders: real words that merely start like one.
        assert!(!is_placeholder("yourself123"));
        assert!(!is_placeholder("fakeroot-s3cret"));
        assert!(!is_path("ab/cd+ef=="), "base64 is not a path");
    }

    #[test]
    fn variables() {
        let j = judge_variable("DATABASE_URL", "postgres://app:hunter2@db/app").unwrap();
        assert!(j.parts_only && !j.placeholder && j.why.contains("URL"), "{j:?}");
        let j = judge_variable("GREETING", "ghp_abcdefghijklmnopqrstuvwxyz0123456789").unwrap();
        assert!(j.why.contains("GitHub"));
        assert!(judge_variable("DB_PASSWORD", "changeme").unwrap().placeholder);
        assert!(judge_variable("DATABASE_URL", "postgres://app:<password>@db/app").unwrap().placeholder);
        assert!(!judge_variable("DB_PASSWORD", "postgres://app:hunter2@db/app").unwrap().parts_only);
        assert_eq!(judge_variable("DATABASE_URL", "postgres://db/app"), None);
        assert_eq!(judge_variable("DB_USER", "hunter2"), None);
        assert_eq!(judge_variable("DB_PASSWORD", "/run/secrets/db"), None);
    }

    #[test]
    fn credentials_in_text() {
        let t = "DATABASE_URL=postgres://app:hunter2@db:5432/app and https://u:<password>@h/ and https://u:${PW}@h/";
        let found = find_credentials(t);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(&t[found[0].range.clone()], "hunter2");
        assert!(!found[0].placeholder);
        assert_eq!(&t[found[1].range.clone()], "<password>");
        assert!(found[1].placeholder);
        assert!(find_credentials("git@github.com:acme/app.git https://user@example.com/").is_empty());
        // A URL-encoded password is still a password.
        let t = "https://bob:p%40ss-w0rd@h/";
        assert_eq!(&t[find_credentials(t)[0].range.clone()], "p%40ss-w0rd");
    }

    #[test]
    fn pem_kinds() {
        assert_eq!(pem_kind("-----BEGIN PGP PUBLIC KEY BLOCK-----\nmQINB\n"), PemKind::Public);
        assert_eq!(pem_kind("-----BEGIN CERTIFICATE-----\nMIIB\n"), PemKind::Public);
        assert_eq!(pem_kind("-----BEGIN DH PARAMETERS-----\nMIIB\n"), PemKind::Public);
        assert_eq!(pem_kind("-----BEGIN PUBLIC KEY-----\nMIIB\n"), PemKind::Public);
        assert_eq!(pem_kind("ssh-ed25519 AAAAC3Nza me@host\n"), PemKind::Public);
        assert_eq!(
            pem_kind("-----BEGIN EC PARAMETERS-----\nBgg\n-----BEGIN EC PRIVATE KEY-----\nMHc\n"),
            PemKind::Private
        );
        assert_eq!(pem_kind("-----BEGIN CERTIFICATE-----\nx\n-----BEGIN PRIVATE KEY-----\n"), PemKind::Private);
        assert_eq!(pem_kind("-----BEGIN OPENSSH PRIVATE KEY-----\n"), PemKind::Private);
        assert_eq!(pem_kind("\u{30}\u{82}binary"), PemKind::Unknown);
    }
}
