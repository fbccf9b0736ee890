//! The inventory: one model for every source and every output format.

use std::collections::BTreeMap;

use serde::Serialize;

/// Which package world a package belongs to. OS package kinds (deb, apk, rpm) take
/// their OSV ecosystem from the [`Distro`] (`Debian:12`); the others are fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ecosystem {
    Deb,
    Apk,
    Rpm,
    #[serde(rename = "pypi")]
    PyPi,
    Npm,
    #[serde(rename = "gem")]
    RubyGems,
    #[serde(rename = "composer")]
    Packagist,
    #[serde(rename = "nuget")]
    NuGet,
    Maven,
    #[serde(rename = "golang")]
    Go,
    #[serde(rename = "cargo")]
    Crates,
}

impl Ecosystem {
    /// The purl type (`pkg:<type>/...`).
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::Deb => "deb",
            Ecosystem::Apk => "apk",
            Ecosystem::Rpm => "rpm",
            Ecosystem::PyPi => "pypi",
            Ecosystem::Npm => "npm",
            Ecosystem::RubyGems => "gem",
            Ecosystem::Packagist => "composer",
            Ecosystem::NuGet => "nuget",
            Ecosystem::Maven => "maven",
            Ecosystem::Go => "golang",
            Ecosystem::Crates => "cargo",
        }
    }

    /// True for the packages of an operating system's package manager.
    pub fn is_os(self) -> bool {
        matches!(self, Ecosystem::Deb | Ecosystem::Apk | Ecosystem::Rpm)
    }

    /// The OSV ecosystem name of a language ecosystem (`None` for OS packages: see
    /// [`Distro::osv_ecosystem`]).
    pub fn osv_name(self) -> Option<&'static str> {
        Some(match self {
            Ecosystem::PyPi => "PyPI",
            Ecosystem::Npm => "npm",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::Packagist => "Packagist",
            Ecosystem::NuGet => "NuGet",
            Ecosystem::Maven => "Maven",
            Ecosystem::Go => "Go",
            Ecosystem::Crates => "crates.io",
            Ecosystem::Deb | Ecosystem::Apk | Ecosystem::Rpm => return None,
        })
    }

    /// Short name for text output and JSON (`deb`, `pypi`, `golang`, ...).
    pub fn as_str(self) -> &'static str {
        self.purl_type()
    }
}

/// One package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Package {
    pub ecosystem: Ecosystem,
    /// As the metadata spells it (`Jinja2`, `zlib1g`, `github.com/x/y`, `org.slf4j:slf4j-api`
    /// for Maven: `group:artifact`).
    pub name: String,
    /// As installed. rpm: `[epoch:]version-release`; Go modules: `v1.2.3`, the Go
    /// standard library `go1.19.8` (module `stdlib`), a main module built from a
    /// checkout `(devel)`.
    pub version: String,
    /// Architecture where the metadata gives one (`amd64`, `x86_64`, `all`, `noarch`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// OS packages: the source package (dpkg `Source`, apk origin, rpm source rpm name;
    /// the binary's own name when the database names none). Advisories are per source
    /// package.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    /// OS packages: the source package's version (it differs from the binary's for
    /// binNMUs and for packages whose `Source:` names another version); always set
    /// for OS packages, so that matching never guesses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_version: Option<String>,
    /// Licences as the metadata declares them (not guessed from files).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<String>,
    /// The file that lists the package (`var/lib/dpkg/status`, a `METADATA`, a binary),
    /// relative to the root, no leading `/`. For a package found inside an archive (a
    /// jar in a war), the outer file, and `inner_path` the path inside it.
    pub location: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inner_path: Option<String>,
    /// Index of the layer (from 0, manifest order) that holds `location` in the final
    /// filesystem; `None` for a directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<usize>,
    /// Files the package database says the package owns (relative paths), where it
    /// lists them (dpkg `.list`, apk `R:`, rpm file names, `RECORD`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// Anything else worth keeping, by key: `maintainer`, `vendor`, `go-version`,
    /// `main-module`, `installer`, `owned-by` (the OS package owning a language
    /// package's metadata), ...
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
    /// Filled in by the driver ([`crate::purl::purl`]) from the ecosystem and the distro.
    pub purl: String,
}

impl Package {
    /// A package with the three fields every cataloger knows; the rest empty.
    pub fn new(
        ecosystem: Ecosystem,
        name: impl Into<String>,
        version: impl Into<String>,
        location: impl Into<String>,
    ) -> Self {
        Self {
            ecosystem,
            name: name.into(),
            version: version.into(),
            arch: None,
            source_name: None,
            source_version: None,
            licenses: Vec::new(),
            location: location.into(),
            inner_path: None,
            layer: None,
            files: Vec::new(),
            extra: BTreeMap::new(),
            purl: String::new(),
        }
    }
}

/// The operating system, from `os-release` or its fallbacks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Distro {
    /// `ID` (`debian`, `alpine`, `rhel`, ...), lower case.
    pub id: String,
    /// `VERSION_ID` (`12`, `3.20.3`, `9.4`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// `VERSION_CODENAME` (`bookworm`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub codename: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pretty_name: Option<String>,
    /// `ID_LIKE`, split.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub id_like: Vec<String>,
    /// A finer version from a distro file (`etc/debian_version` 12.15, `etc/alpine-release`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// Which file told (`etc/os-release`, `usr/lib/os-release`, `etc/debian_version`, ...).
    pub source: String,
}

/// Something a cataloger could not read, with where.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Warning {
    /// The file (relative to the root), with `!inner` for a path inside an archive.
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<usize>,
    pub message: String,
}

impl Warning {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), layer: None, message: message.into() }
    }
}

/// A package a lower layer installed and a later layer removed: not in the image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemovedPackage {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: String,
    pub location: String,
    /// The layer whose database listed it.
    pub layer: usize,
    /// The layer that rewrote or deleted that database without it.
    pub removed_by: usize,
}

/// One layer of an image, for the SBOM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layer {
    pub index: usize,
    /// `sha256:<hex>` of the uncompressed layer (the config's `rootfs.diff_ids`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff_id: Option<String>,
    /// The history entry that made it (`created_by`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
}

/// What one image (or directory) holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Inventory {
    /// The image's name (first tag, or short id) or the directory's path.
    pub name: String,
    /// `sha256:<hex>` of the image config (the image id), when an image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// When the image was built (the config's `created`, RFC 3339), when known: SBOM
    /// timestamps use it so the same image always gives the same document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<Layer>,
    /// `None`: no os-release nor a fallback (distroless, scratch); see `notes`.
    pub distro: Option<Distro>,
    /// Sorted by (ecosystem, name, version, location).
    pub packages: Vec<Package>,
    /// For `--debug` listings: packages removed by a later layer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<RemovedPackage>,
    /// Located problems; the inventory continues past each.
    pub warnings: Vec<Warning>,
    /// Plain remarks (`no os-release: distroless?`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}
