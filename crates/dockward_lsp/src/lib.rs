//! `dockward server`: a Language Server (LSP over stdio) that checks Dockerfiles,
//! Compose files, `daemon.json`, dockerd flag files, `docker run` lines and Kubernetes
//! manifests as they are typed, offers dockward's fixes as code actions and shows a
//! rule's documentation on hover (docs/editors.md).
//!
//! Built on `lsp-server` and `lsp-types`, rust-analyzer's synchronous crates: the
//! checks are synchronous, so no async runtime is needed. The crate knows nothing of
//! the command line: which files are what is the binary's discovery, given as a
//! [`Classifier`].

mod convert;
mod document;
mod lint;
mod server;
mod uri;

use std::path::Path;
use std::sync::Arc;

pub use dockward_linter::daemon::FlagFileKind;
pub use dockward_linter::run_lines::RunLineFile;
pub use server::FIX_ALL_KIND;

/// What an open document is, and so which checker reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Dockerfile,
    /// A Compose file, checked in its project.
    Compose,
    DaemonJson,
    /// `docker.service`, `/etc/default/docker`, `/etc/sysconfig/docker`.
    FlagFile(FlagFileKind),
    /// A file whose `docker run` lines are checked (scripts, Makefiles, CI files).
    RunLines(RunLineFile),
    /// Kubernetes manifests (one file: NetworkPolicies and RBAC of other files are not
    /// seen, unlike `dockward check` of a directory).
    Kubernetes,
}

/// Tells what a document is from its path and its current text (Kubernetes manifests
/// are known by their content); `None`: not a file dockward checks.
pub type Classifier = Arc<dyn Fn(&Path, &str) -> Option<DocumentKind> + Send + Sync>;

/// Serves one client over stdin and stdout until it sends `exit`; returns the exit
/// code (0 after `shutdown`, else 1).
pub fn run_stdio(classify: Classifier) -> u8 {
    let (connection, io_threads) = lsp_server::Connection::stdio();
    let code = server::serve(&connection, classify);
    // The writer thread ends when the last sender is gone.
    drop(connection);
    if let Err(e) = io_threads.join() {
        eprintln!("dockward server: {e}");
        return 1;
    }
    code
}
