use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports, once, a file named `daemon.json` whose top-level keys are mostly not
    /// dockerd options (for example a process manager's `daemon.json` with `apps`,
    /// `name` and `script`). Such a file is not judged by the daemon rules (`DM`): it
    /// is some other program's configuration that happens to share the name. A Docker
    /// `daemon.json` with a misspelt key still has mostly known keys and is judged as
    /// usual (DM002 suggests the key meant).
    ///
    /// ## Why is this bad?
    /// Judging another program's file against dockerd's option table gives a finding
    /// for every key and every default dockerd would apply, none of which are true.
    ///
    /// ## Example
    /// ```json
    /// { "apps": [{ "name": "web", "script": "server.js" }] }
    /// ```
    ///
    /// ## How to fix
    /// Nothing, if the file is not Docker's. Otherwise correct its keys to dockerd's
    /// option names, or exclude the file from the check.
    pub struct NotADaemonConfig;
    code = "DW005", name = "not-a-daemon-config", severity = Info,
    category = Syntax, target = Meta, fix = None,
    summary = "A daemon.json does not look like a Docker daemon configuration",
}
