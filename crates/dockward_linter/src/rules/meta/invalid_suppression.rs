use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a code in a `# dockward: ignore[...]` pragma that names no rule.
    ///
    /// ## Why is this bad?
    /// A typo in a suppression silently suppresses nothing, and the finding the author
    /// meant to accept still fails the build, or worse, a later reader believes it is
    /// accepted.
    ///
    /// ## Example
    /// ```dockerfile
    /// # dockward: ignore[DF0001]
    /// FROM alpine
    /// ```
    ///
    /// ## How to fix
    /// Use a rule code (`DF001`), name (`last-user-is-root`) or alias (`DL3002`); see
    /// `dockward rules`.
    pub struct InvalidSuppression;
    code = "DW004", name = "invalid-suppression", severity = Warning,
    category = BestPractice, target = Meta, fix = None,
    summary = "A suppression comment names no rule",
}
