use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports input that does not parse: an unknown Dockerfile instruction, an
    /// unterminated heredoc, `ENV` without a value, a JSON array holding a non-string.
    ///
    /// Instruction flags are checked against BuildKit's table and reported in its
    /// words, the first bad flag of each instruction: an unknown flag (`unknown flag:
    /// --plattform`, with the nearest known name as help), a repeated one (`duplicate
    /// flag specified: --from`), a string flag without `=value` (`COPY --from build`:
    /// `missing a value on flag: --from`) and a boolean flag whose value is not `true`
    /// or `false` (`expecting boolean value for flag --link, not: maybe`). Other
    /// findings on such an instruction are reported without a fix: no edit elsewhere
    /// makes it build.
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
    /// COPY --from build /out/app /usr/local/bin/
    /// ```
    ///
    /// ## How to fix
    /// Correct the syntax at the reported position (`ENV DEBUG=1`, `COPY --from=build`).
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

#[cfg(test)]
mod tests {
    use dockward_source::SourceFile;

    use crate::check::lint_dockerfile;
    use crate::settings::Settings;

    /// issue 13 #16: refused flags are DW001 errors in BuildKit's words, and a finding
    /// on the refused instruction offers no fix.
    #[test]
    fn refused_flags_are_syntax_errors() {
        let text = "FROM --plattform=linux/amd64 alpine:3.20 AS build\nFROM alpine:3.20\nCOPY --from build /a /b\n\
                    COPY --link=maybe a /c/\nCOPY --chown=1 --chown=2 a /d/\n";
        let file = SourceFile::new("Dockerfile", None, text);
        let diags = lint_dockerfile(&file, &Settings::default());
        let syntax: Vec<(&str, &str)> = diags
            .iter()
            .filter(|d| d.rule.code == "DW001")
            .map(|d| (&text[d.location.range().unwrap()], d.message.as_ref()))
            .collect();
        assert_eq!(
            syntax,
            [
                ("--plattform=linux/amd64", "unknown flag: --plattform"),
                ("--from", "missing a value on flag: --from"),
                ("--link=maybe", "expecting boolean value for flag --link, not: maybe"),
                ("--chown=2", "duplicate flag specified: --chown"),
            ]
        );
        assert_eq!(diags[0].help.as_deref(), Some("did you mean --platform?"));
        // `build` read as a source makes DF115 fire; its "append `/`" fix would not help.
        let line3 = diags.iter().filter(|d| {
            d.rule.code != "DW001" && text[..d.location.range().unwrap().start().into()].lines().count() == 3
        });
        assert!(line3.clone().count() > 0);
        assert!(line3.into_iter().all(|d| d.fix.is_none()));
    }

    #[test]
    fn accepted_flags_are_not_errors() {
        let text = "FROM --platform=$BUILDPLATFORM alpine:3.20 AS build\nFROM alpine:3.20\n\
                    COPY --from=build --link --chmod=755 /a /b/\nRUN --mount=type=cache,target=/c --network=none true\n";
        let file = SourceFile::new("Dockerfile", None, text);
        assert!(lint_dockerfile(&file, &Settings::default()).iter().all(|d| d.rule.code != "DW001"));
    }
}
