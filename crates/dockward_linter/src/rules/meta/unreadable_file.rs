use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a file that could not be checked: it cannot be read, it is binary (a NUL
    /// byte in its first 8 KiB), or it is not valid UTF-8.
    ///
    /// ## Why is this bad?
    /// A file that was not checked may hide any problem. dockward exits with code 2
    /// when any file could not be read, and still checks every other file.
    ///
    /// ## Example
    /// A `Dockerfile` saved as UTF-16 by an editor, or an image tarball named
    /// `Dockerfile.tar` passed explicitly.
    ///
    /// ## How to fix
    /// Save the file as UTF-8, or stop passing it to dockward.
    pub struct UnreadableFile;
    code = "DW002", name = "unreadable-file", severity = Error,
    category = Syntax, target = Meta, fix = None,
    summary = "The file could not be read as UTF-8 text",
}
