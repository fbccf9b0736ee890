//! `dockward server`: the Language Server (docs/editors.md). The protocol and the
//! checks are `dockward_lsp`'s; this command only gives it the discovery's idea of
//! which file is what, so the editor checks exactly the files `dockward check` would.

use std::path::Path;
use std::sync::Arc;

use clap::Args;
use dockward_lsp::{DocumentKind, FlagFileKind, RunLineFile};

use crate::discover::{classify, helm_chart_of, is_manifest_extension, manifest_kind_of_head, FileKind};

#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Talk LSP over stdin and stdout: the default and only transport (accepted because
    /// editor clients pass it).
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_args: ServerArgs) -> u8 {
    dockward_lsp::run_stdio(Arc::new(kind_of))
}

/// What a document is, as the directory walk of `dockward check` would classify it:
/// by name, else (a `.yaml`/`.yml`/`.json` file outside a Helm chart's templates)
/// Kubernetes manifests by their first bytes. Other YAML files are not taken for
/// Compose files here: an editor opens every YAML file of a repository.
fn kind_of(path: &Path, text: &str) -> Option<DocumentKind> {
    let kind = match classify(path) {
        Some(kind) => kind,
        None if is_manifest_extension(path) && helm_chart_of(path).is_none() => {
            let head = &text.as_bytes()[..text.len().min(64 * 1024)];
            manifest_kind_of_head(head)?
        }
        None => return None,
    };
    Some(match kind {
        FileKind::Dockerfile => DocumentKind::Dockerfile,
        FileKind::Compose => DocumentKind::Compose,
        FileKind::DaemonJson => DocumentKind::DaemonJson,
        FileKind::DockerUnit => DocumentKind::FlagFile(FlagFileKind::SystemdUnit),
        FileKind::DefaultDocker => DocumentKind::FlagFile(FlagFileKind::DefaultDocker),
        FileKind::SysconfigDocker => DocumentKind::FlagFile(FlagFileKind::SysconfigDocker),
        FileKind::ShellScript => DocumentKind::RunLines(RunLineFile::ShellScript),
        FileKind::Makefile => DocumentKind::RunLines(RunLineFile::Makefile),
        FileKind::GithubWorkflow => DocumentKind::RunLines(RunLineFile::GithubWorkflow),
        FileKind::GitlabCi => DocumentKind::RunLines(RunLineFile::GitlabCi),
        FileKind::Kubernetes => DocumentKind::Kubernetes,
        // A kustomization needs `kubectl kustomize`, a Helm template is a Go template,
        // an image archive is no text: `dockward check` reads them, an editor does not.
        FileKind::Kustomization | FileKind::HelmTemplate | FileKind::ImageArchive => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_what_discovery_says() {
        let k = |p: &str, t: &str| kind_of(Path::new(p), t);
        assert_eq!(k("/r/Dockerfile", ""), Some(DocumentKind::Dockerfile));
        assert_eq!(k("/r/api.Dockerfile", ""), Some(DocumentKind::Dockerfile));
        assert_eq!(k("/r/Containerfile.dev", ""), Some(DocumentKind::Dockerfile));
        assert_eq!(k("/r/Dockerfile.md", ""), None);
        assert_eq!(k("/r/docker-compose.override.yml", ""), Some(DocumentKind::Compose));
        assert_eq!(k("/r/compose.prod.yaml", ""), Some(DocumentKind::Compose));
        assert_eq!(k("/etc/docker/daemon.json", "{}"), Some(DocumentKind::DaemonJson));
        assert_eq!(
            k("/r/deploy.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n"),
            Some(DocumentKind::Kubernetes)
        );
        // Any other YAML file is left alone (not read as a Compose file).
        assert_eq!(k("/r/mkdocs.yml", "site_name: x\n"), None);
        assert_eq!(k("/r/README.md", "# x"), None);
    }
}
