use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dockward_diagnostics::Location;
use dockward_spec::{Mount, MountKind};

use super::{ComposeContext, ComposeRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a host path or a named volume mounted read-write into more than one
    /// service, once per path or volume, naming the services. Relative paths are
    /// resolved against the directory of the file that writes them, so `./data` in
    /// two files of the same directory is the same path; a `local` volume whose
    /// options bind a host path (`driver_opts: {o: bind, device: ...}`) is that path,
    /// and `volumes_from: [other]` (without `:ro`) shares every writable mount of
    /// `other`.
    ///
    /// ## Why is this bad?
    /// Writable storage shared between services lets a compromise of one service
    /// tamper with what the other reads or executes, and lets two services corrupt
    /// each other's files. Most sharing needs only one writer.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: app:1
    ///     volumes: ["./shared:/data", "cache:/cache"]
    ///   worker:
    ///     image: worker:1
    ///     volumes: ["./shared:/data", "cache:/cache"]
    /// volumes:
    ///   cache:
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   worker:
    ///     image: worker:1
    ///     volumes: ["./shared:/data:ro", "cache:/cache:ro"]
    /// ```
    ///
    /// ## How to fix
    /// Mount it read-only (`:ro`, `read_only: true`) in every service but the one
    /// that writes, or give each service its own directory or volume.
    ///
    /// ## References
    /// - Docker docs, "Bind mounts"
    /// - Docker docs, "Volumes"
    pub struct SharedWritableHostPath;
    code = "CO010", name = "shared-writable-host-path", severity = Warning,
    category = Security, target = Compose, fix = None,
    summary = "A host path or named volume is mounted read-write into several services",
    aliases = ["8c978947-0ff6-485c-b0c2-0bfca6026466"],
    practices = ["b-read-only-volumes"],
}

/// What several services may share: a host path or a named volume.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Storage {
    Path(PathBuf),
    Volume(String),
}

/// A bind source as an absolute, lexically normalised path.
fn host_path(mount: &Mount) -> Option<PathBuf> {
    let source = mount.source.as_ref()?;
    let raw = Path::new(&source.value);
    let joined = if raw.is_absolute() || source.value.starts_with('~') {
        raw.to_path_buf()
    } else {
        let dir = source.at.file().and_then(|f| f.path()).and_then(Path::parent).unwrap_or(Path::new(""));
        dir.join(raw)
    };
    Some(crate::settings::lexically_normal(&joined))
}

fn storage(mount: &Mount) -> Option<Storage> {
    match mount.kind {
        MountKind::Bind => host_path(mount).map(Storage::Path),
        // An anonymous volume (no source) is the container's own.
        MountKind::Volume => mount.source.as_ref().map(|s| Storage::Volume(s.value.clone())),
        _ => None,
    }
}

/// Each storage's users: (service, the `volumes_from` entry it came through, the mount).
type Users<'a> = BTreeMap<Storage, Vec<(&'a str, Option<Location>, &'a Mount)>>;

fn add<'a>(users: &mut Users<'a>, key: Storage, service: &'a str, through: Option<Location>, m: &'a Mount) {
    let users = users.entry(key).or_default();
    if !users.iter().any(|(s, _, _)| *s == service) {
        users.push((service, through, m));
    }
}

impl ComposeRule for SharedWritableHostPath {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut ComposeContext<'_>) {
        let mut by_storage: Users<'_> = BTreeMap::new();
        for spec in cx.services {
            for m in spec.mounts.iter().filter(|m| !m.is_read_only()) {
                if let Some(key) = storage(m) {
                    add(&mut by_storage, key, &spec.name, None, m);
                }
            }
        }
        // `volumes_from: [other]` mounts every mount of `other` the way it has it,
        // unless `:ro`.
        for service in cx.project.services() {
            let Some(items) = service.value.get("volumes_from").and_then(|v| v.as_seq()) else { continue };
            for item in items {
                let Some(text) = item.as_str() else { continue };
                let (from, mode) = text.split_once(':').unwrap_or((text, "rw"));
                if mode == "ro" || from == "container" {
                    continue;
                }
                let Some(other) = cx.services.iter().find(|s| s.name == from) else { continue };
                for m in other.mounts.iter().filter(|m| !m.is_read_only()) {
                    if let Some(key) = storage(m) {
                        add(&mut by_storage, key, service.name, Some(item.at.clone()), m);
                    }
                }
            }
        }
        for (key, users) in by_storage.iter().filter(|(_, u)| u.len() > 1) {
            let names: Vec<&str> = users.iter().map(|(s, _, _)| *s).collect();
            let (_, through, first) = &users[0];
            let source = first.source.as_ref().map(|s| s.value.as_str()).unwrap_or_default();
            let what = match key {
                Storage::Path(_) => format!("`{source}` is bound"),
                Storage::Volume(name) => format!("volume `{name}` is mounted"),
            };
            let at = match (through, &first.source) {
                (Some(at), _) => at,
                (None, Some(s)) => &s.at,
                (None, None) => &first.at,
            };
            let d = cx.report(
                &Self::META,
                at,
                format!("{what} read-write into {} services: {}", names.len(), quoted(&names)),
            );
            d.help("mount it read-only (`:ro`) in the services that only read it");
            if let Some(source) = &first.source {
                d.related.extend(source.related());
            }
            for (other, through, m) in &users[1..] {
                let at = through.as_ref().unwrap_or(&m.at);
                d.related(at.clone(), format!("read-write in `{other}`"));
            }
        }
    }
}

fn quoted(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn same_path_in_two_services_is_one_finding() {
        let text = "services:\n  app:\n    image: a:1\n    volumes: ['./shared:/data']\n  worker:\n    image: w:1\n    volumes:\n      - type: bind\n        source: shared/\n        target: /in\n  reader:\n    image: r:1\n    volumes: ['./shared:/data:ro']\n  third:\n    image: t:1\n    volumes: ['./shared:/x', './shared:/y']\n";
        let (found, _) = run(&SharedWritableHostPath, &[("compose.yaml", text)], &[]);
        assert_eq!(spans(&found), ["./shared"]);
        assert_eq!(found[0].message, "`./shared` is bound read-write into 3 services: `app`, `worker`, `third`");
        assert_eq!(found[0].related.len(), 2);
    }

    #[test]
    fn a_named_volume_in_two_services() {
        let text = "services:\n  a:\n    image: a:1\n    volumes: ['data:/d', 'cache:/c', 'logs:/l']\n  b:\n    image: b:1\n    volumes:\n      - type: volume\n        source: data\n        target: /d\n      - cache:/c:ro\n  c:\n    image: c:1\n    volumes: ['/anon']\n  d:\n    image: d:1\n    volumes: ['/anon']\nvolumes:\n  data:\n  cache:\n  logs:\n";
        let (found, _) = run(&SharedWritableHostPath, &[("compose.yaml", text)], &[]);
        assert_eq!(spans(&found), ["data"]);
        assert_eq!(found[0].message, "volume `data` is mounted read-write into 2 services: `a`, `b`");
    }

    #[test]
    fn a_volume_binding_a_host_path_is_that_path() {
        let text = "services:\n  a:\n    image: a:1\n    volumes: ['hostdata:/d']\n  b:\n    image: b:1\n    volumes: ['/srv/data:/d']\nvolumes:\n  hostdata:\n    driver_opts: {type: none, o: bind, device: /srv/data}\n";
        let (found, _) = run(&SharedWritableHostPath, &[("compose.yaml", text)], &[]);
        assert_eq!(spans(&found), ["hostdata"]);
        assert!(found[0].message.contains("`a`, `b`"), "{}", found[0].message);
    }

    #[test]
    fn volumes_from_shares_the_other_services_mounts() {
        let text = "services:\n  a:\n    image: a:1\n    volumes: ['data:/d', './conf:/c:ro']\n  b:\n    image: b:1\n    volumes_from: [a]\n  c:\n    image: c:1\n    volumes_from: ['a:ro', 'container:x']\nvolumes:\n  data:\n";
        let (found, _) = run(&SharedWritableHostPath, &[("compose.yaml", text)], &[]);
        assert_eq!(spans(&found), ["data"]);
        assert_eq!(found[0].message, "volume `data` is mounted read-write into 2 services: `a`, `b`");
        let related: Vec<String> = found[0]
            .related
            .iter()
            .map(|r| r.location.file().unwrap().text()[r.location.range().unwrap()].to_string())
            .collect();
        assert_eq!(related, ["a"]);
    }

    #[test]
    fn read_only_or_single_users_are_clean() {
        let text = "services:\n  a:\n    image: a:1\n    volumes: ['data:/d', './x:/x:ro', './y:/y']\n  b:\n    image: b:1\n    volumes: ['data:/d:ro', './x:/x', 'other:/d']\nvolumes:\n  data:\n  other:\n";
        assert!(run(&SharedWritableHostPath, &[("compose.yaml", text)], &[]).0.is_empty());
    }
}
