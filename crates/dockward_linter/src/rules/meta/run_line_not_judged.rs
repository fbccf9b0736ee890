use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `docker run`/`docker create` line in a script, Makefile or CI file whose
    /// flags come from a shell expansion the file does not resolve: `"${args[@]}"`
    /// when `args` is not assigned literally earlier in the same script, `"$@"`, or an
    /// unquoted `$FLAGS`/`${opts}` before the image. The container rules (`CT`) are not
    /// run on such a line. Arrays and variables assigned literally in the same script
    /// (`args=(--privileged -v /:/host)`, `FLAGS="--read-only"`) are resolved instead,
    /// and the line is judged with their words.
    ///
    /// ## Why is this bad?
    /// The expansion may hold `--privileged` as well as nothing. Judging the line as if
    /// it had no flags would report Docker's defaults (no memory limit, a writable root
    /// filesystem) that may be false, and would miss what the expansion really adds.
    ///
    /// ## Example
    /// ```sh
    /// docker run "$@" app:1.0
    /// ```
    ///
    /// ## How to fix
    /// Write the flags on the line, or assign the array literally in the same script;
    /// or check the container once it runs (`dockward audit`).
    pub struct RunLineNotJudged;
    code = "DW006", name = "run-line-not-judged", severity = Info,
    category = Syntax, target = Meta, fix = None,
    summary = "A docker run line's flags come from an expansion that cannot be resolved",
}
