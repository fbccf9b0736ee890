use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `# dockward: ignore[...]` or `# dockward: file-ignore[...]` code that
    /// suppressed nothing.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real finding of that rule at that place, and
    /// misleads readers about what is wrong with the file.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// # dockward: ignore[last-user-is-root] we need root
    /// USER app
    /// ```
    ///
    /// ## How to fix
    /// Remove the code from the pragma, or the whole comment. The fix does that.
    ///
    /// ## Notes
    /// hadolint pragmas (`# hadolint ignore=...`) are honoured but never reported as
    /// unused, since hadolint has rules with no exact dockward twin.
    pub struct UnusedSuppression;
    code = "DW003", name = "unused-suppression", severity = Warning,
    category = BestPractice, target = Meta, fix = Always,
    summary = "A suppression comment suppresses nothing",
}
