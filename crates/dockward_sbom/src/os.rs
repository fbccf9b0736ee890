//! Which operating system a tree holds: `os-release` first, then the distribution
//! files older or stripped images still carry. And the two names the rest of the
//! crate derives from it: the OSV ecosystem and the purl namespace.

use std::collections::BTreeMap;

use crate::model::{Distro, Warning};
use crate::tree::{FileTree, ReadError};

/// The largest OS file read. Real ones are a few hundred bytes.
pub const OS_FILE_MAX: u64 = 64 * 1024;

/// Every file [`detect`] may read, so an image reader can keep them.
pub const OS_FILES: &[&str] = &[
    "etc/os-release",
    "usr/lib/os-release",
    "etc/debian_version",
    "etc/alpine-release",
    "etc/redhat-release",
    "etc/system-release",
];

/// Whether [`detect`] reads `path`, and the largest size it accepts (the same
/// contract as [`crate::catalog::TreeCataloger::wants`]).
pub fn wants(path: &str) -> Option<u64> {
    OS_FILES.contains(&path).then_some(OS_FILE_MAX)
}

/// The operating system of `tree`, or `None` (scratch, distroless without
/// os-release). Unreadable or malformed files give located warnings, never an error.
pub fn detect(tree: &dyn FileTree) -> (Option<Distro>, Vec<Warning>) {
    let mut warnings = Vec::new();
    let mut distro = None;
    // `etc/os-release` wins: it is what the distribution's own tools read, and
    // `usr/lib/os-release` is the vendor default it may override.
    for path in ["etc/os-release", "usr/lib/os-release"] {
        let Some(text) = read_text(tree, path, &mut warnings) else { continue };
        let fields = parse_os_release(&text, path, &mut warnings);
        match distro_from_fields(&fields, path) {
            Some(found) => {
                distro = Some(found);
                break;
            }
            None => warnings.push(Warning::new(path, "no ID= line: the file does not name the operating system")),
        }
    }

    if let Some(found) = &mut distro {
        found.release = finer_release(tree, found, &mut warnings);
        return (distro, warnings);
    }

    if let Some(text) = read_text(tree, "etc/debian_version", &mut warnings) {
        if let Some(line) = first_line(&text) {
            let version_id = leading_number(line).map(str::to_string);
            let found = Distro {
                id: "debian".into(),
                version_id,
                release: Some(line.to_string()),
                source: "etc/debian_version".into(),
                ..Distro::default()
            };
            return (Some(found), warnings);
        }
        warnings.push(Warning::new("etc/debian_version", "empty: no Debian release in it"));
    }
    if let Some(text) = read_text(tree, "etc/alpine-release", &mut warnings) {
        if let Some(line) = first_line(&text) {
            let found = Distro {
                id: "alpine".into(),
                version_id: Some(line.to_string()),
                release: Some(line.to_string()),
                source: "etc/alpine-release".into(),
                ..Distro::default()
            };
            return (Some(found), warnings);
        }
        warnings.push(Warning::new("etc/alpine-release", "empty: no Alpine release in it"));
    }
    for path in ["etc/redhat-release", "etc/system-release"] {
        let Some(text) = read_text(tree, path, &mut warnings) else { continue };
        match parse_release_line(&text) {
            Some(line) => {
                let found = Distro {
                    id: line.id.to_string(),
                    version_id: Some(line.version_id),
                    codename: line.codename,
                    pretty_name: first_line(&text).map(str::to_string),
                    release: Some(line.release),
                    source: path.to_string(),
                    ..Distro::default()
                };
                return (Some(found), warnings);
            }
            None => warnings.push(Warning::new(
                path,
                format!(
                    "`{}` is not a `<distribution> release <version>` line dockward knows",
                    first_line(&text).unwrap_or("")
                ),
            )),
        }
    }
    (None, warnings)
}

/// The finer version some distributions keep beside os-release (`12.15` for
/// Debian 12, `7.9.2009` for CentOS 7), when the file agrees with the os-release ID.
fn finer_release(tree: &dyn FileTree, distro: &Distro, warnings: &mut Vec<Warning>) -> Option<String> {
    match distro.id.as_str() {
        // Ubuntu ships a `debian_version` too (`bookworm/sid`): it names the Debian
        // it was branched from, not Ubuntu's own release, so only Debian reads it.
        "debian" => read_text(tree, "etc/debian_version", warnings).and_then(|t| first_line(&t).map(str::to_string)),
        "alpine" => read_text(tree, "etc/alpine-release", warnings).and_then(|t| first_line(&t).map(str::to_string)),
        "rhel" | "centos" | "rocky" | "almalinux" | "fedora" | "amzn" | "ol" => {
            ["etc/redhat-release", "etc/system-release"].into_iter().find_map(|path| {
                let text = read_text(tree, path, warnings)?;
                parse_release_line(&text).filter(|line| line.id == distro.id).map(|line| line.release)
            })
        }
        _ => None,
    }
}

fn read_text(tree: &dyn FileTree, path: &str, warnings: &mut Vec<Warning>) -> Option<String> {
    match tree.read(path, OS_FILE_MAX) {
        Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Err(ReadError::NotFound) => None,
        Err(e) => {
            warnings.push(Warning::new(path, format!("cannot read: {e}")));
            None
        }
    }
}

fn first_line(text: &str) -> Option<&str> {
    text.lines().map(str::trim).find(|l| !l.is_empty())
}

/// `12.15` -> `12`; `trixie/sid` -> `None`.
fn leading_number(version: &str) -> Option<&str> {
    let end = version.find(|c: char| !c.is_ascii_digit()).unwrap_or(version.len());
    (end > 0).then(|| &version[..end])
}

/// `KEY=value` lines of an os-release file, values unquoted. Later assignments of
/// a key win, as when the file is sourced by a shell.
pub fn parse_os_release(text: &str, path: &str, warnings: &mut Vec<Warning>) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let lineno = index + 1;
        let Some((key, value)) = line.split_once('=') else {
            warnings.push(Warning::new(path, format!("line {lineno}: not a KEY=value line, skipped")));
            continue;
        };
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            warnings.push(Warning::new(path, format!("line {lineno}: `{key}` is not a variable name, skipped")));
            continue;
        }
        let value = match unquote(value) {
            Ok(v) => v,
            Err(partial) => {
                warnings.push(Warning::new(path, format!("line {lineno}: unterminated quote in {key}")));
                partial
            }
        };
        fields.insert(key.to_string(), value);
    }
    fields
}

/// Shell-style unquoting as the os-release format asks: double quotes with
/// backslash escapes for `"`, `\`, `$` and backquote; single quotes taken
/// literally; a bare backslash escapes the next character. `Err` carries what was
/// read when a quote is left open.
fn unquote(raw: &str) -> Result<String, String> {
    enum Quote {
        None,
        Double,
        Single,
    }
    let mut out = String::with_capacity(raw.len());
    let mut quote = Quote::None;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match quote {
            Quote::None => match c {
                '"' => quote = Quote::Double,
                '\'' => quote = Quote::Single,
                '\\' => out.extend(chars.next()),
                _ => out.push(c),
            },
            Quote::Double => match c {
                '"' => quote = Quote::None,
                '\\' => match chars.next() {
                    Some(n @ ('"' | '\\' | '$' | '`')) => out.push(n),
                    Some(n) => {
                        out.push('\\');
                        out.push(n);
                    }
                    None => out.push('\\'),
                },
                _ => out.push(c),
            },
            Quote::Single => match c {
                '\'' => quote = Quote::None,
                _ => out.push(c),
            },
        }
    }
    match quote {
        Quote::None => Ok(out),
        Quote::Double | Quote::Single => Err(out),
    }
}

fn distro_from_fields(fields: &BTreeMap<String, String>, path: &str) -> Option<Distro> {
    let get = |key: &str| fields.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()).map(str::to_string);
    let id = get("ID")?.to_ascii_lowercase();
    Some(Distro {
        id,
        version_id: get("VERSION_ID"),
        // Ubuntu before 17.10 only had UBUNTU_CODENAME.
        codename: get("VERSION_CODENAME").or_else(|| get("UBUNTU_CODENAME")),
        pretty_name: get("PRETTY_NAME"),
        id_like: get("ID_LIKE")
            .map(|v| v.split_whitespace().map(str::to_ascii_lowercase).collect())
            .unwrap_or_default(),
        release: None,
        source: path.to_string(),
    })
}

/// What `etc/redhat-release` or `etc/system-release` says.
#[derive(Debug, PartialEq, Eq)]
struct ReleaseLine {
    id: &'static str,
    /// As os-release would give it (`7` for CentOS 7, `8.9` for RHEL 8.9).
    version_id: String,
    /// The whole version (`7.9.2009`).
    release: String,
    codename: Option<String>,
}

/// `CentOS Linux release 7.9.2009 (Core)` and its kin.
fn parse_release_line(text: &str) -> Option<ReleaseLine> {
    let line = first_line(text)?;
    let (name, rest) = line.split_once(" release ")?;
    let mut words = rest.split_whitespace();
    let version = words.next()?;
    if !version.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let id = [
        ("Red Hat Enterprise Linux", "rhel"),
        ("CentOS", "centos"),
        ("Rocky Linux", "rocky"),
        ("AlmaLinux", "almalinux"),
        ("Amazon Linux", "amzn"),
        ("Fedora", "fedora"),
        ("Oracle Linux", "ol"),
    ]
    .into_iter()
    .find_map(|(prefix, id)| name.starts_with(prefix).then_some(id))?;
    let codename = rest
        .split_once('(')
        .and_then(|(_, after)| after.split_once(')'))
        .map(|(inside, _)| inside.trim().to_string())
        .filter(|c| !c.is_empty());
    // CentOS's os-release says `7` where centos-release says `7.9.2009`; the
    // others use the same version in both.
    let version_id = if id == "centos" { leading_number(version).unwrap_or(version) } else { version };
    Some(ReleaseLine { id, version_id: version_id.to_string(), release: version.to_string(), codename })
}

impl Distro {
    /// The OSV ecosystem of this distribution's packages (`Debian:12`,
    /// `Ubuntu:22.04:LTS`, `Alpine:v3.20`), as the OSV schema's ecosystem list
    /// defines them; `None` when OSV has no ecosystem for it or the release is
    /// unknown.
    pub fn osv_ecosystem(&self) -> Option<String> {
        let version = self.version_id.as_deref();
        match self.id.as_str() {
            "debian" => {
                // Testing and sid have no VERSION_ID; a numbered debian_version
                // (from the fallback) still names the release.
                let major =
                    version.and_then(leading_number).or_else(|| self.release.as_deref().and_then(leading_number))?;
                Some(format!("Debian:{major}"))
            }
            "ubuntu" => {
                let (year, month) = version?.split_once('.')?;
                if year.len() != 2
                    || month.len() != 2
                    || !(year.chars().chain(month.chars())).all(|c| c.is_ascii_digit())
                {
                    return None;
                }
                // LTS releases are the April releases of even years; OSV requires
                // the `:LTS` suffix on exactly those.
                let lts = month == "04" && year.parse::<u32>().is_ok_and(|y| y % 2 == 0);
                Some(if lts { format!("Ubuntu:{year}.{month}:LTS") } else { format!("Ubuntu:{year}.{month}") })
            }
            "alpine" => {
                let version = version?;
                // Edge calls itself `3.21.0_alpha20240807`: not a release branch.
                if version.contains('_') {
                    return None;
                }
                let mut parts = version.split('.');
                let (major, minor) = (parts.next()?, parts.next()?);
                let numeric = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
                (numeric(major) && numeric(minor)).then(|| format!("Alpine:v{major}.{minor}"))
            }
            "rocky" => Some(format!("Rocky Linux:{}", version.and_then(leading_number)?)),
            "almalinux" => Some(format!("AlmaLinux:{}", version.and_then(leading_number)?)),
            "opensuse-leap" => Some(format!("openSUSE:Leap {}", version?)),
            "opensuse-tumbleweed" => Some("openSUSE:Tumbleweed".into()),
            "mageia" => Some(format!("Mageia:{}", version?)),
            "photon" => Some(format!("Photon OS:{}", version?)),
            "wolfi" => Some("Wolfi".into()),
            "chainguard" => Some("Chainguard".into()),
            // Red Hat's OSV ecosystems name a product stream and repository
            // (`Red Hat:enterprise_linux:9::baseos`, `...::appstream`), which
            // os-release cannot tell; SUSE's name product modules the same way.
            // The matcher has to choose among them, not this function.
            _ => None,
        }
    }

    /// The purl namespace of this distribution's packages and the value of the
    /// `distro=` qualifier as syft writes it: `("debian", "debian-12")`,
    /// `("alpine", "alpine-3.20.3")`, `("redhat", "rhel-9.4")`.
    pub fn purl_namespace_and_distro(&self) -> (String, String) {
        // The purl spec's namespace is the vendor; for most distributions that is
        // the os-release ID, for a few the ID is an abbreviation of it.
        let namespace = match self.id.as_str() {
            "rhel" => "redhat",
            "amzn" => "amazon",
            "ol" => "oracle",
            "sles" | "sled" | "sle-micro" => "suse",
            id if id.starts_with("opensuse") => "opensuse",
            id => id,
        };
        let distro = match &self.version_id {
            Some(v) => format!("{}-{v}", self.id),
            None => self.id.clone(),
        };
        (namespace.to_string(), distro)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memtree::MemTree;

    fn distro(id: &str, version: &str) -> Distro {
        Distro { id: id.into(), version_id: Some(version.into()), ..Distro::default() }
    }

    #[test]
    fn debian12_minbase_from_the_corpus() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/vuln/images/debian12-minbase/rootfs");
        let tree = MemTree::from_dir(std::path::Path::new(root)).unwrap();
        let (found, warnings) = detect(&tree);
        assert!(warnings.is_empty(), "{warnings:?}");
        let d = found.unwrap();
        assert_eq!(d.id, "debian");
        assert_eq!(d.version_id.as_deref(), Some("12"));
        assert_eq!(d.codename.as_deref(), Some("bookworm"));
        assert_eq!(d.pretty_name.as_deref(), Some("Debian GNU/Linux 12 (bookworm)"));
        assert_eq!(d.release.as_deref(), Some("12.15"));
        assert_eq!(d.source, "etc/os-release");
        assert_eq!(d.osv_ecosystem().as_deref(), Some("Debian:12"));
        assert_eq!(d.purl_namespace_and_distro(), ("debian".into(), "debian-12".into()));
    }

    #[test]
    fn etc_os_release_may_be_a_symlink_and_usr_lib_is_the_fallback() {
        let tree = MemTree::new()
            .with_file("usr/lib/os-release", "ID=alpine\nVERSION_ID=3.20.3\n")
            .with_symlink("etc/os-release", "../usr/lib/os-release")
            .with_file("etc/alpine-release", "3.20.3\n");
        let (d, w) = detect(&tree);
        let d = d.unwrap();
        assert!(w.is_empty());
        assert_eq!((d.id.as_str(), d.source.as_str()), ("alpine", "etc/os-release"));
        assert_eq!(d.release.as_deref(), Some("3.20.3"));
        assert_eq!(d.osv_ecosystem().as_deref(), Some("Alpine:v3.20"));
        assert_eq!(d.purl_namespace_and_distro(), ("alpine".into(), "alpine-3.20.3".into()));

        let tree = MemTree::new().with_file("usr/lib/os-release", "ID=wolfi\n");
        let (d, _) = detect(&tree);
        assert_eq!(d.unwrap().source, "usr/lib/os-release");
    }

    #[test]
    fn a_dangling_etc_os_release_falls_back_to_usr_lib() {
        let tree = MemTree::new()
            .with_symlink("etc/os-release", "/nowhere")
            .with_file("usr/lib/os-release", "ID=debian\nVERSION_ID=\"11\"\n");
        let (d, w) = detect(&tree);
        assert!(w.is_empty());
        assert_eq!(d.unwrap().version_id.as_deref(), Some("11"));
    }

    #[test]
    fn a_symlink_loop_is_a_warning_not_a_failure() {
        let tree = MemTree::new()
            .with_symlink("etc/os-release", "os-release2")
            .with_symlink("etc/os-release2", "os-release")
            .with_file("etc/debian_version", "10.13\n");
        let (d, w) = detect(&tree);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].path, "etc/os-release");
        let d = d.unwrap();
        assert_eq!(
            (d.id.as_str(), d.version_id.as_deref(), d.release.as_deref()),
            ("debian", Some("10"), Some("10.13"))
        );
        assert_eq!(d.source, "etc/debian_version");
    }

    #[test]
    fn os_release_quoting_comments_and_bad_lines() {
        let text =
            "# a comment\n\n  ID=\"ubuntu\"\nPRETTY_NAME='Ubuntu 22.04.4 LTS'\nNAME=\"say \\\"hi\\\" \\$x \\n\"\n\
                    ID_LIKE=debian\nthis line is wrong\n9BAD-KEY=1\nVERSION_ID=\"22.04\"\nVERSION_CODENAME=jammy\n\
                    UNTERMINATED=\"abc\nESCAPED=a\\ b\n";
        let mut w = Vec::new();
        let f = parse_os_release(text, "etc/os-release", &mut w);
        assert_eq!(f["ID"], "ubuntu");
        assert_eq!(f["PRETTY_NAME"], "Ubuntu 22.04.4 LTS");
        assert_eq!(f["NAME"], "say \"hi\" $x \\n");
        assert_eq!(f["UNTERMINATED"], "abc");
        assert_eq!(f["ESCAPED"], "a b");
        let messages: Vec<&str> = w.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "line 7: not a KEY=value line, skipped",
                "line 8: `9BAD-KEY` is not a variable name, skipped",
                "line 11: unterminated quote in UNTERMINATED"
            ]
        );
        let d = distro_from_fields(&f, "etc/os-release").unwrap();
        assert_eq!(d.id_like, ["debian"]);
        assert_eq!(d.codename.as_deref(), Some("jammy"));
        assert_eq!(d.osv_ecosystem().as_deref(), Some("Ubuntu:22.04:LTS"));
    }

    #[test]
    fn ubuntu_takes_its_release_from_os_release_not_debian_version() {
        let tree = MemTree::new()
            .with_file("etc/os-release", "ID=ubuntu\nVERSION_ID=\"23.10\"\n")
            .with_file("etc/debian_version", "trixie/sid\n");
        let (d, _) = detect(&tree);
        let d = d.unwrap();
        assert_eq!(d.release, None);
        assert_eq!(d.osv_ecosystem().as_deref(), Some("Ubuntu:23.10"));
    }

    #[test]
    fn os_release_without_id_falls_through() {
        let tree =
            MemTree::new().with_file("etc/os-release", "NAME=whatever\n").with_file("etc/alpine-release", "3.19.1\n");
        let (d, w) = detect(&tree);
        assert_eq!(w.len(), 1);
        assert!(w[0].message.contains("no ID="));
        let d = d.unwrap();
        assert_eq!((d.id.as_str(), d.source.as_str()), ("alpine", "etc/alpine-release"));
        assert_eq!(d.osv_ecosystem().as_deref(), Some("Alpine:v3.19"));
    }

    #[test]
    fn nothing_at_all_is_none_without_warnings() {
        let (d, w) = detect(&MemTree::new().with_file("bin/sh", "x"));
        assert_eq!(d, None);
        assert!(w.is_empty());
    }

    #[test]
    fn debian_testing_has_no_osv_release() {
        let tree = MemTree::new().with_file("etc/debian_version", "trixie/sid\n");
        let (d, _) = detect(&tree);
        let d = d.unwrap();
        assert_eq!((d.version_id.as_deref(), d.release.as_deref()), (None, Some("trixie/sid")));
        assert_eq!(d.osv_ecosystem(), None);
        assert_eq!(d.purl_namespace_and_distro().1, "debian");
    }

    #[test]
    fn redhat_release_lines() {
        let line = |t: &str| parse_release_line(t).map(|l| (l.id, l.version_id, l.release, l.codename));
        assert_eq!(
            line("Red Hat Enterprise Linux release 8.9 (Ootpa)\n"),
            Some(("rhel", "8.9".into(), "8.9".into(), Some("Ootpa".into())))
        );
        assert_eq!(
            line("CentOS Linux release 7.9.2009 (Core)\n"),
            Some(("centos", "7".into(), "7.9.2009".into(), Some("Core".into())))
        );
        assert_eq!(
            line("Amazon Linux release 2 (Karoo)\n"),
            Some(("amzn", "2".into(), "2".into(), Some("Karoo".into())))
        );
        assert_eq!(line("Rocky Linux release 9.3 (Blue Onyx)").unwrap().0, "rocky");
        assert_eq!(line("CentOS Stream release 9").unwrap().1, "9");
        assert_eq!(line("Fedora release 39 (Thirty Nine)").unwrap().0, "fedora");
        assert_eq!(line("Some Linux release 1.0"), None);
        assert_eq!(line("Red Hat Enterprise Linux release beta"), None);
        assert_eq!(line(""), None);
    }

    #[test]
    fn redhat_release_as_fallback_and_as_finer_release() {
        let tree = MemTree::new().with_file("etc/system-release", "Amazon Linux release 2 (Karoo)\n");
        let (d, w) = detect(&tree);
        assert!(w.is_empty());
        let d = d.unwrap();
        assert_eq!((d.id.as_str(), d.version_id.as_deref()), ("amzn", Some("2")));
        assert_eq!(d.source, "etc/system-release");
        assert_eq!(d.purl_namespace_and_distro(), ("amazon".into(), "amzn-2".into()));
        assert_eq!(d.osv_ecosystem(), None);

        let tree = MemTree::new()
            .with_file("etc/os-release", "ID=\"centos\"\nVERSION_ID=\"7\"\n")
            .with_file("etc/redhat-release", "CentOS Linux release 7.9.2009 (Core)\n");
        let (d, _) = detect(&tree);
        assert_eq!(d.unwrap().release.as_deref(), Some("7.9.2009"));

        let tree = MemTree::new().with_file("etc/redhat-release", "Gentoo Base System release 2.14\n");
        let (d, w) = detect(&tree);
        assert_eq!(d, None);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].path, "etc/redhat-release");
    }

    #[test]
    fn oversized_os_release_is_a_warning() {
        let tree = MemTree::new()
            .with_file("etc/os-release", vec![b'#'; 100_000])
            .with_file("usr/lib/os-release", "ID=debian\n");
        let (d, w) = detect(&tree);
        assert_eq!(w.len(), 1);
        assert!(w[0].message.contains("limit"), "{}", w[0].message);
        assert_eq!(d.unwrap().source, "usr/lib/os-release");
    }

    #[test]
    fn osv_ecosystems() {
        let eco = |id: &str, v: &str| distro(id, v).osv_ecosystem();
        assert_eq!(eco("debian", "12").as_deref(), Some("Debian:12"));
        assert_eq!(eco("ubuntu", "22.04").as_deref(), Some("Ubuntu:22.04:LTS"));
        assert_eq!(eco("ubuntu", "24.04").as_deref(), Some("Ubuntu:24.04:LTS"));
        assert_eq!(eco("ubuntu", "23.04").as_deref(), Some("Ubuntu:23.04"));
        assert_eq!(eco("ubuntu", "23.10").as_deref(), Some("Ubuntu:23.10"));
        assert_eq!(eco("ubuntu", "22"), None);
        assert_eq!(eco("alpine", "3.20.3").as_deref(), Some("Alpine:v3.20"));
        assert_eq!(eco("alpine", "3.21.0_alpha20240807"), None);
        assert_eq!(eco("alpine", "3"), None);
        assert_eq!(eco("rocky", "9.3").as_deref(), Some("Rocky Linux:9"));
        assert_eq!(eco("almalinux", "9.4").as_deref(), Some("AlmaLinux:9"));
        assert_eq!(eco("opensuse-leap", "15.5").as_deref(), Some("openSUSE:Leap 15.5"));
        assert_eq!(eco("opensuse-tumbleweed", "20240801").as_deref(), Some("openSUSE:Tumbleweed"));
        assert_eq!(eco("mageia", "9").as_deref(), Some("Mageia:9"));
        assert_eq!(eco("photon", "5.0").as_deref(), Some("Photon OS:5.0"));
        assert_eq!(eco("wolfi", "20230201").as_deref(), Some("Wolfi"));
        assert_eq!(eco("chainguard", "20230214").as_deref(), Some("Chainguard"));
        assert_eq!(eco("rhel", "9.4"), None);
        assert_eq!(eco("sles", "15.5"), None);
        assert_eq!(eco("arch", "rolling"), None);
        assert_eq!(Distro { id: "debian".into(), ..Distro::default() }.osv_ecosystem(), None);
    }

    #[test]
    fn purl_namespaces() {
        let ns = |id: &str, v: &str| distro(id, v).purl_namespace_and_distro();
        assert_eq!(ns("rhel", "9.4"), ("redhat".into(), "rhel-9.4".into()));
        assert_eq!(ns("rocky", "9.3"), ("rocky".into(), "rocky-9.3".into()));
        assert_eq!(ns("ol", "8.9"), ("oracle".into(), "ol-8.9".into()));
        assert_eq!(ns("opensuse-leap", "15.5"), ("opensuse".into(), "opensuse-leap-15.5".into()));
        assert_eq!(ns("ubuntu", "22.04"), ("ubuntu".into(), "ubuntu-22.04".into()));
    }

    #[test]
    fn wants_only_the_os_files() {
        assert_eq!(wants("etc/os-release"), Some(OS_FILE_MAX));
        assert_eq!(wants("etc/os-release.bak"), None);
        assert_eq!(wants("/etc/os-release"), None);
    }
}
