use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports an input that could not be checked: a path given on the command line
    /// that does not exist (or a directory that cannot be walked), a file that cannot be
    /// read, is binary (a NUL byte in its first 8 KiB) or is not valid UTF-8, an image
    /// archive that cannot be read, fixes that `--fix` could not write back, and, in
    /// an audit of several engines, an engine that could not be read.
    ///
    /// ## Why is this bad?
    /// An input that was not checked may hide any problem. `dockward check` exits with
    /// code 2 when any input could not be checked, and still checks every other one
    /// (`dockward audit` exits 2 only when no engine could be audited). The finding is
    /// in every output format, so no report reads as a clean check of what was never
    /// read. It is not subject to `--select` or `--ignore`, nor to `--fail-on`.
    ///
    /// ## Example
    /// A `Dockerfile` saved as UTF-16 by an editor, an image tarball named
    /// `Dockerfile.tar` passed explicitly, or a mistyped path (`dockward check
    /// Dockerfil`).
    ///
    /// ## How to fix
    /// Save the file as UTF-8, correct the path, or stop passing the input to dockward.
    pub struct UnreadableFile;
    code = "DW002", name = "unreadable-file", severity = Error,
    category = Syntax, target = Meta, fix = None,
    summary = "An input could not be read or checked",
}
