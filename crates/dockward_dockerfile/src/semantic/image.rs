//! Image references, split the way the Docker reference grammar does.

/// An image reference such as `registry.example.com:5000/team/app:1.2@sha256:...`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// The registry (`ghcr.io`, `localhost:5000`) when the first path component names
    /// one: it contains `.` or `:`, is `localhost`, or has an upper-case letter.
    /// `None` means Docker Hub.
    pub registry: Option<String>,
    /// The repository path without the registry, tag and digest (`library/alpine`
    /// stays `library/alpine`, `alpine` stays `alpine`).
    pub repository: String,
    /// The tag, if one is written. An untagged reference has `None`: the builder then
    /// pulls `latest`, which rules may want to report.
    pub tag: Option<String>,
    /// The digest after `@`, if any.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Splits `reference`. Never fails: an invalid reference still gives its parts.
    pub fn parse(reference: &str) -> Self {
        let (name, digest) = match reference.split_once('@') {
            Some((n, d)) => (n, Some(d.to_string())),
            None => (reference, None),
        };
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name[last_slash..].rfind(':') {
            Some(i) => (&name[..last_slash + i], Some(name[last_slash + i + 1..].to_string())),
            None => (name, None),
        };
        let (registry, repository) = match name.split_once('/') {
            Some((first, rest))
                if first.contains(['.', ':'])
                    || first == "localhost"
                    || first.chars().any(|c| c.is_ascii_uppercase()) =>
            {
                (Some(first.to_string()), rest.to_string())
            }
            _ => (None, name.to_string()),
        };
        ImageRef { registry, repository, tag, digest }
    }

    /// The registry, with Docker Hub's name when none is written.
    pub fn registry_or_default(&self) -> &str {
        self.registry.as_deref().unwrap_or("docker.io")
    }

    /// The fully qualified name without tag and digest: `docker.io/library/alpine`.
    pub fn full_name(&self) -> String {
        match &self.registry {
            Some(r) => format!("{r}/{}", self.repository),
            None if !self.repository.contains('/') => format!("docker.io/library/{}", self.repository),
            None => format!("docker.io/{}", self.repository),
        }
    }

    /// True for a Docker Hub official image (`alpine`, `library/alpine`).
    pub fn is_docker_official(&self) -> bool {
        matches!(self.registry.as_deref(), None | Some("docker.io" | "index.docker.io" | "registry-1.docker.io"))
            && (!self.repository.contains('/') || self.repository.starts_with("library/"))
    }

    /// True if the reference is pinned by digest.
    pub fn is_pinned(&self) -> bool {
        self.digest.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(registry: Option<&str>, repository: &str, tag: Option<&str>, digest: Option<&str>) -> ImageRef {
        ImageRef {
            registry: registry.map(Into::into),
            repository: repository.into(),
            tag: tag.map(Into::into),
            digest: digest.map(Into::into),
        }
    }

    #[test]
    fn references() {
        assert_eq!(ImageRef::parse("alpine"), r(None, "alpine", None, None));
        assert_eq!(ImageRef::parse("alpine:3.19"), r(None, "alpine", Some("3.19"), None));
        assert_eq!(ImageRef::parse("library/alpine@sha256:abc"), r(None, "library/alpine", None, Some("sha256:abc")));
        assert_eq!(
            ImageRef::parse("ghcr.io/org/app:1@sha256:abc"),
            r(Some("ghcr.io"), "org/app", Some("1"), Some("sha256:abc"))
        );
        assert_eq!(ImageRef::parse("localhost:5000/app"), r(Some("localhost:5000"), "app", None, None));
        assert_eq!(ImageRef::parse("localhost/app:x"), r(Some("localhost"), "app", Some("x"), None));
        assert_eq!(ImageRef::parse("user/app:latest"), r(None, "user/app", Some("latest"), None));
        assert_eq!(ImageRef::parse("Registry/app"), r(Some("Registry"), "app", None, None));
        assert_eq!(ImageRef::parse("alpine").full_name(), "docker.io/library/alpine");
        assert_eq!(ImageRef::parse("user/app").full_name(), "docker.io/user/app");
        assert!(ImageRef::parse("alpine:3").is_docker_official());
        assert!(!ImageRef::parse("user/app").is_docker_official());
        assert!(ImageRef::parse("a@sha256:x").is_pinned());
    }
}
