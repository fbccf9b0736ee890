use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports input that does not parse: an unknown Dockerfile instruction, an
    /// unterminated heredoc, `ENV` without a value, a JSON array holding a non-string.
    ///
    /// ## Why is this bad?
    /// BuildKit refuses such a file, so the image cannot be built. dockward keeps
    /// checking the rest of the file after the error, but findings near it may be
    /// missing.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV DEBUG
    /// ```
    ///
    /// ## How to fix
    /// Correct the syntax at the reported position (`ENV DEBUG=1`).
    ///
    /// ## Notes
    /// This rule cannot be disabled or suppressed: a file that does not parse must never
    /// look clean.
    pub struct SyntaxError;
    code = "DW001", name = "syntax-error", severity = Error,
    category = Syntax, target = Meta, fix = None,
    summary = "The file does not parse",
    aliases = ["DL1000", "DL3043"],
}
