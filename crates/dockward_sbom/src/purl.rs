//! Package URLs (<https://github.com/package-url/purl-spec>):
//! `pkg:<type>/<namespace>/<name>@<version>?<qualifiers>`.
//!
//! OS packages carry the distro as namespace and qualifier, and `upstream` (the source
//! package) as syft writes it, so that SBOMs from either tool name a package alike.
//! Percent-encoding is the spec's; it agrees with syft 1.18.1 for the characters package
//! versions use (`+` and `@` encoded; `:`, `~`, `(`, `)` kept).

use crate::model::{Distro, Ecosystem, Package};

/// The package URL of `p`; OS packages take their namespace and `distro` qualifier from
/// `distro` (none without one).
pub fn purl(p: &Package, distro: Option<&Distro>) -> String {
    let mut qualifiers: Vec<(&str, String)> = Vec::new();
    let mut version = p.version.clone();
    let (namespace, name): (Option<String>, String) = match p.ecosystem {
        Ecosystem::Deb | Ecosystem::Apk | Ecosystem::Rpm => {
            if let Some(arch) = p.arch.as_deref().filter(|a| !a.is_empty()) {
                qualifiers.push(("arch", arch.to_string()));
            }
            if let Some(d) = distro.and_then(distro_qualifier) {
                qualifiers.push(("distro", d));
            }
            let upstream = match p.ecosystem {
                Ecosystem::Deb => deb_upstream(p),
                Ecosystem::Apk => p.source_name.clone().filter(|s| !s.is_empty() && *s != p.name),
                // The source rpm, as rpm names it (`openssl-3.0.7-27.el9.src.rpm`).
                _ => p.source_name.clone().filter(|s| !s.is_empty()),
            };
            if let Some(u) = upstream {
                qualifiers.push(("upstream", u));
            }
            if p.ecosystem == Ecosystem::Rpm {
                // The epoch is a qualifier, not part of the purl's version.
                if let Some((epoch, rest)) = p.version.split_once(':') {
                    if !epoch.is_empty() && epoch.bytes().all(|b| b.is_ascii_digit()) {
                        qualifiers.push(("epoch", epoch.to_string()));
                        version = rest.to_string();
                    }
                }
            }
            (distro.map(|d| os_namespace(p.ecosystem, &d.id)), p.name.clone())
        }
        Ecosystem::PyPi => (None, crate::catalog::python::normalize_name(&p.name)),
        Ecosystem::Go => {
            if p.name == "stdlib" {
                // The toolchain's `go1.19.8` is version `1.19.8` of module `stdlib`.
                version = version.strip_prefix("go").unwrap_or(&version).to_string();
            }
            match p.name.rsplit_once('/') {
                Some((ns, n)) => (Some(ns.to_string()), n.to_string()),
                None => (None, p.name.clone()),
            }
        }
        Ecosystem::Maven => split(p.name.split_once(':'), &p.name),
        Ecosystem::Npm if p.name.starts_with('@') => split(p.name.split_once('/'), &p.name),
        Ecosystem::Packagist => split(p.name.split_once('/'), &p.name),
        Ecosystem::Npm | Ecosystem::NuGet | Ecosystem::Crates | Ecosystem::RubyGems => (None, p.name.clone()),
    };
    qualifiers.sort();
    let mut out = format!("pkg:{}/", p.ecosystem.purl_type());
    if let Some(ns) = namespace.filter(|n| !n.is_empty()) {
        let segments: Vec<String> = ns.split('/').filter(|s| !s.is_empty()).map(encode).collect();
        if !segments.is_empty() {
            out.push_str(&segments.join("/"));
            out.push('/');
        }
    }
    out.push_str(&encode(&name));
    if !version.is_empty() {
        out.push('@');
        out.push_str(&encode(&version));
    }
    for (i, (key, value)) in qualifiers.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(key);
        out.push('=');
        out.push_str(&encode(value));
    }
    out
}

fn split(parts: Option<(&str, &str)>, whole: &str) -> (Option<String>, String) {
    match parts {
        Some((ns, n)) if !n.is_empty() => (Some(ns.to_string()), n.to_string()),
        _ => (None, whole.to_string()),
    }
}

/// `debian-12`, `alpine-3.20.3`; the ID alone when the release has no version (sid).
fn distro_qualifier(d: &Distro) -> Option<String> {
    let id = d.id.to_lowercase();
    match d.version_id.as_deref().filter(|v| !v.is_empty()) {
        _ if id.is_empty() => None,
        Some(v) => Some(format!("{id}-{v}")),
        None => Some(id),
    }
}

/// The vendor namespace: the distro ID, with RHEL's and openSUSE's spelled as their
/// purls (and syft) spell them.
fn os_namespace(ecosystem: Ecosystem, id: &str) -> String {
    let id = id.to_lowercase();
    match ecosystem {
        Ecosystem::Rpm if id == "rhel" => "redhat".into(),
        Ecosystem::Rpm if id.starts_with("opensuse") => "opensuse".into(),
        _ => id,
    }
}

/// `upstream=<source>` when the source package has another name, `<source>@<version>`
/// when it has another version (a binNMU or an epoch only the binary carries).
fn deb_upstream(p: &Package) -> Option<String> {
    let source = p.source_name.as_deref().filter(|s| !s.is_empty());
    let source_version = p.source_version.as_deref().filter(|v| !v.is_empty() && *v != p.version);
    match (source, source_version) {
        (_, Some(v)) => Some(format!("{}@{v}", source.unwrap_or(&p.name))),
        (Some(s), None) if s != p.name => Some(s.to_string()),
        _ => None,
    }
}

/// Percent-encodes all but ASCII letters, digits and `-._~:!$'()*,;`: `+` (a space to
/// form decoders), `@`, `/`, `?`, `#`, `&`, `=`, `%`, spaces, controls and non-ASCII
/// (as UTF-8 bytes) are encoded.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:!$'()*,;".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg(ecosystem: Ecosystem, name: &str, version: &str) -> Package {
        Package::new(ecosystem, name, version, "x")
    }

    fn distro(id: &str, version_id: &str) -> Distro {
        Distro { id: id.into(), version_id: Some(version_id.into()), ..Default::default() }
    }

    fn deb(name: &str, version: &str, arch: &str, source: Option<&str>, source_version: Option<&str>) -> Package {
        Package {
            arch: Some(arch.into()),
            source_name: source.map(str::to_string),
            source_version: source_version.map(str::to_string),
            ..pkg(Ecosystem::Deb, name, version)
        }
    }

    #[test]
    fn deb_with_distro_arch_and_upstream() {
        let d = distro("debian", "12");
        let zlib = deb("zlib1g", "1:1.2.13.dfsg-1", "amd64", None, None);
        assert_eq!(purl(&zlib, Some(&d)), "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12");
        let zlib = deb("zlib1g", "1:1.2.13.dfsg-1", "amd64", Some("zlib"), Some("1:1.2.13.dfsg-1"));
        assert_eq!(
            purl(&zlib, Some(&d)),
            "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib"
        );
        let bash = deb("bash", "5.2.15-2+b13", "amd64", Some("bash"), Some("5.2.15-2"));
        assert_eq!(
            purl(&bash, Some(&d)),
            "pkg:deb/debian/bash@5.2.15-2%2Bb13?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2"
        );
        let libstdcxx = deb("libstdc++6", "12.2.0-14+deb12u1", "amd64", Some("gcc-12"), None);
        assert_eq!(
            purl(&libstdcxx, Some(&d)),
            "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14%2Bdeb12u1?arch=amd64&distro=debian-12&upstream=gcc-12"
        );
        // No distro: no vendor to name.
        assert_eq!(purl(&deb("dash", "0.5.12-2", "amd64", None, None), None), "pkg:deb/dash@0.5.12-2?arch=amd64");
        let sid = Distro { id: "debian".into(), ..Default::default() };
        assert_eq!(
            purl(&deb("dash", "0.5.12-2", "amd64", None, None), Some(&sid)),
            "pkg:deb/debian/dash@0.5.12-2?arch=amd64&distro=debian"
        );
    }

    /// Every package of the stored Debian 12 image, as its status file lists it, gets
    /// the purl syft 1.18.1 wrote.
    #[test]
    fn deb_purls_match_syft_for_a_whole_debian_image() {
        let base = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/vuln/images/debian12-minbase");
        let status = std::fs::read_to_string(format!("{base}/rootfs/var/lib/dpkg/status")).unwrap();
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(format!("{base}/expected-inventory.json")).unwrap()).unwrap();
        let d = distro("debian", "12");
        let mut ours = std::collections::BTreeMap::new();
        for stanza in status.split("\n\n") {
            let field = |k: &str| {
                stanza.lines().find_map(|l| l.strip_prefix(k).and_then(|r| r.strip_prefix(": ")).map(str::to_string))
            };
            let Some(name) = field("Package") else { continue };
            let version = field("Version").unwrap();
            let (source, source_version) = match field("Source") {
                Some(s) => match s.split_once(" (") {
                    Some((n, v)) => (Some(n.to_string()), Some(v.trim_end_matches(')').to_string())),
                    None => (Some(s), None),
                },
                None => (None, None),
            };
            let p = deb(&name, &version, &field("Architecture").unwrap(), source.as_deref(), source_version.as_deref());
            ours.insert(name, purl(&p, Some(&d)));
        }
        let packages = expected["packages"].as_array().unwrap();
        assert_eq!(packages.len(), 88);
        for p in packages {
            let name = p["name"].as_str().unwrap();
            assert_eq!(ours.get(name).map(String::as_str), p["purl_syft_1.18.1"].as_str(), "{name}");
        }
    }

    #[test]
    fn pypi_names_are_normalised() {
        assert_eq!(purl(&pkg(Ecosystem::PyPi, "Jinja2", "2.10"), None), "pkg:pypi/jinja2@2.10");
        assert_eq!(purl(&pkg(Ecosystem::PyPi, "zope.interface", "6.0"), None), "pkg:pypi/zope-interface@6.0");
        assert_eq!(purl(&pkg(Ecosystem::PyPi, "Foo__Bar-.baz", "1"), None), "pkg:pypi/foo-bar-baz@1");
    }

    #[test]
    fn go_modules_split_their_path_and_the_toolchain_is_stdlib() {
        let d = distro("debian", "12");
        assert_eq!(purl(&pkg(Ecosystem::Go, "stdlib", "go1.19.8"), Some(&d)), "pkg:golang/stdlib@1.19.8");
        assert_eq!(
            purl(&pkg(Ecosystem::Go, "example.com/demo", "(devel)"), None),
            "pkg:golang/example.com/demo@(devel)"
        );
        assert_eq!(
            purl(&pkg(Ecosystem::Go, "github.com/Azure/go-autorest/autorest", "v0.11.29+incompatible"), None),
            "pkg:golang/github.com/Azure/go-autorest/autorest@v0.11.29%2Bincompatible"
        );
    }

    #[test]
    fn language_packages_with_namespaces() {
        assert_eq!(
            purl(&pkg(Ecosystem::Maven, "org.slf4j:slf4j-api", "2.0.9"), None),
            "pkg:maven/org.slf4j/slf4j-api@2.0.9"
        );
        assert_eq!(purl(&pkg(Ecosystem::Npm, "@angular/core", "17.0.0"), None), "pkg:npm/%40angular/core@17.0.0");
        assert_eq!(purl(&pkg(Ecosystem::Npm, "lodash", "4.17.21"), None), "pkg:npm/lodash@4.17.21");
        assert_eq!(
            purl(&pkg(Ecosystem::Packagist, "laravel/framework", "v10.0.0"), None),
            "pkg:composer/laravel/framework@v10.0.0"
        );
        assert_eq!(purl(&pkg(Ecosystem::Crates, "serde", "1.0.197"), None), "pkg:cargo/serde@1.0.197");
        assert_eq!(purl(&pkg(Ecosystem::RubyGems, "rails", "7.1.0"), None), "pkg:gem/rails@7.1.0");
        assert_eq!(purl(&pkg(Ecosystem::NuGet, "Newtonsoft.Json", "13.0.1"), None), "pkg:nuget/Newtonsoft.Json@13.0.1");
    }

    #[test]
    fn apk_and_rpm() {
        let alpine = distro("alpine", "3.20.3");
        let busybox = Package {
            arch: Some("x86_64".into()),
            source_name: Some("busybox".into()),
            ..pkg(Ecosystem::Apk, "busybox", "1.36.1-r29")
        };
        assert_eq!(purl(&busybox, Some(&alpine)), "pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3");
        let libcrypto = Package {
            arch: Some("x86_64".into()),
            source_name: Some("openssl".into()),
            ..pkg(Ecosystem::Apk, "libcrypto3", "3.3.2-r0")
        };
        assert_eq!(
            purl(&libcrypto, Some(&alpine)),
            "pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3&upstream=openssl"
        );

        let rhel = distro("rhel", "9.4");
        let openssl = Package {
            arch: Some("x86_64".into()),
            source_name: Some("openssl-3.0.7-27.el9.src.rpm".into()),
            ..pkg(Ecosystem::Rpm, "openssl-libs", "1:3.0.7-27.el9")
        };
        assert_eq!(
            purl(&openssl, Some(&rhel)),
            "pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=rhel-9.4&epoch=1&upstream=openssl-3.0.7-27.el9.src.rpm"
        );
        let tumbleweed = distro("opensuse-tumbleweed", "20240101");
        let bash = Package { arch: Some("x86_64".into()), ..pkg(Ecosystem::Rpm, "bash", "5.2.26-1.1") };
        assert_eq!(
            purl(&bash, Some(&tumbleweed)),
            "pkg:rpm/opensuse/bash@5.2.26-1.1?arch=x86_64&distro=opensuse-tumbleweed-20240101"
        );
    }

    #[test]
    fn odd_characters_are_percent_encoded() {
        assert_eq!(encode("a b/c?d#e&f=g%h+i@j"), "a%20b%2Fc%3Fd%23e%26f%3Dg%25h%2Bi%40j");
        assert_eq!(encode("é"), "%C3%A9");
        assert_eq!(encode("1:2.0~rc1(x)"), "1:2.0~rc1(x)");
        assert_eq!(purl(&pkg(Ecosystem::Crates, "x", ""), None), "pkg:cargo/x");
    }
}
