use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dockward_spec::{Mount, MountKind};

use super::{ComposeContext, ComposeRule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a host path bound read-write into more than one service. Relative
    /// paths are resolved against the directory of the file that writes them, so
    /// `./data` in two files of the same directory is the same path.
    ///
    /// ## Why is this bad?
    /// A writable bind shared between services lets a compromise of one service
    /// tamper with what the other reads or executes, and lets two services corrupt
    /// each other's files. Most sharing needs only one writer.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: app:1
    ///     volumes: ["./shared:/data"]
    ///   worker:
    ///     image: worker:1
    ///     volumes: ["./shared:/data"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   worker:
    ///     image: worker:1
    ///     volumes: ["./shared:/data:ro"]
    /// ```
    ///
    /// ## How to fix
    /// Mount it read-only (`:ro`, `read_only: true`) in every service but the one
    /// that writes, or give each service its own directory.
    ///
    /// ## References
    /// - Docker docs, "Bind mounts"
    pub struct SharedWritableHostPath;
    code = "CO010", name = "shared-writable-host-path", severity = Warning,
    category = Security, target = Compose, fix = None,
    summary = "A host path is bound read-write into several services",
    aliases = ["8c978947-0ff6-485c-b0c2-0bfca6026466"],
    practices = ["b: Filesystem & Volume Security"],
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

impl ComposeRule for SharedWritableHostPath {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut ComposeContext<'_>) {
        let mut by_path: BTreeMap<PathBuf, Vec<(&str, &Mount)>> = BTreeMap::new();
        for spec in cx.specs {
            for m in spec.mounts.iter().filter(|m| m.kind == MountKind::Bind && !m.is_read_only()) {
                if let Some(p) = host_path(m) {
                    let users = by_path.entry(p).or_default();
                    if !users.iter().any(|(s, _)| *s == spec.name) {
                        users.push((&spec.name, m));
                    }
                }
            }
        }
        for users in by_path.values().filter(|u| u.len() > 1) {
            let names: Vec<&str> = users.iter().map(|(s, _)| *s).collect();
            for (i, (service, mount)) in users.iter().enumerate() {
                let source = mount.source.as_ref().map(|s| s.value.as_str()).unwrap_or_default();
                let others: Vec<&str> = names.iter().copied().filter(|n| n != service).collect();
                let at = mount.source.as_ref().map_or(&mount.at, |s| &s.at);
                let d = cx.report(
                    &Self::META,
                    at,
                    format!("`{source}` is bound read-write into `{service}` and also into {}", quoted(&others)),
                );
                d.help("mount it read-only (`:ro`) in the services that only read it");
                for (j, (other, m)) in users.iter().enumerate() {
                    if i != j {
                        d.related(m.at.clone(), format!("read-write in `{other}`"));
                    }
                }
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
    fn same_path_in_two_services() {
        let text = "services:\n  app:\n    image: a:1\n    volumes: ['./shared:/data']\n  worker:\n    image: w:1\n    volumes:\n      - type: bind\n        source: shared/\n        target: /in\n  reader:\n    image: r:1\n    volumes: ['./shared:/data:ro']\n";
        let (found, _) = run(&SharedWritableHostPath, &[("compose.yaml", text)], &[]);
        assert_eq!(spans(&found), ["./shared", "shared/"]);
        assert!(found[0].message.contains("`worker`"));
        assert_eq!(found[0].related.len(), 1);
    }

    #[test]
    fn read_only_or_named_volumes_are_clean() {
        let text = "services:\n  a:\n    image: a:1\n    volumes: ['data:/d', './x:/x:ro']\n  b:\n    image: b:1\n    volumes: ['data:/d', './x:/x']\n";
        assert!(run(&SharedWritableHostPath, &[("compose.yaml", text)], &[]).0.is_empty());
    }
}
