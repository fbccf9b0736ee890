//! Word splitting, quoting, escapes and expansions.

use dockward_shell::{tokenize, Word};

/// The words of a one-command script, checked against their ranges.
fn words(text: &str) -> Vec<Word> {
    let script = tokenize(text);
    assert_eq!(script.commands.len(), 1, "{text:?}: {script:#?}");
    let cmd = &script.commands[0];
    cmd.assignments.iter().chain(&cmd.argv).cloned().collect()
}

fn texts(text: &str) -> Vec<String> {
    words(text).into_iter().map(|w| w.text.into_string()).collect()
}

fn raw<'a>(text: &'a str, w: &Word) -> &'a str {
    &text[w.range]
}

#[test]
fn plain_words_and_ranges() {
    let text = "  apt-get   install\t-y curl ";
    let ws = words(text);
    let raws: Vec<&str> = ws.iter().map(|w| raw(text, w)).collect();
    assert_eq!(raws, ["apt-get", "install", "-y", "curl"]);
    assert!(ws.iter().all(|w| !w.quoted && !w.has_expansion));
    assert_eq!(u32::from(ws[0].range.start()), 2);
}

#[test]
fn single_quotes_are_literal() {
    let text = r#"echo 'a b $HOME \n "x"'"#;
    let ws = words(text);
    assert_eq!(ws[1].text, r#"a b $HOME \n "x""#);
    assert!(ws[1].quoted);
    assert!(!ws[1].has_expansion, "nothing expands in single quotes");
    assert_eq!(raw(text, &ws[1]), r#"'a b $HOME \n "x"'"#);
}

#[test]
fn double_quotes_resolve_only_their_escapes() {
    let text = r#"echo "a \"b\" \\ \$X \` \n $Y""#;
    let ws = words(text);
    assert_eq!(ws[1].text, r#"a "b" \ $X ` \n $Y"#);
    assert!(ws[1].quoted);
    assert!(ws[1].has_expansion, "$Y expands");

    let escaped_only = words(r#"echo "\$HOME""#);
    assert_eq!(escaped_only[1].text, "$HOME");
    assert!(!escaped_only[1].has_expansion);
}

#[test]
fn mixed_quoting_forms_one_word() {
    let text = r#"a'b c'"d e"f\ g"#;
    let ws = words(text);
    assert_eq!(ws.len(), 1);
    assert_eq!(ws[0].text, "ab cd ef g");
    assert_eq!(raw(text, &ws[0]), text);
}

#[test]
fn backslash_outside_quotes() {
    let ws = words(r"echo \$HOME a\ b \\ \;");
    let texts: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["echo", "$HOME", "a b", "\\", ";"]);
    assert!(!ws[1].has_expansion);
    assert!(ws[1].quoted, "a backslash quotes");
}

#[test]
fn line_continuations_are_removed() {
    let text = "apt-get inst\\\nall \\\n  -y \\\r\n  curl";
    let ws = words(text);
    let texts: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["apt-get", "install", "-y", "curl"]);
    assert_eq!(raw(text, &ws[1]), "inst\\\nall");
    assert!(!ws[1].quoted, "a continuation is not quoting");

    let in_dquote = words("echo \"a\\\nb\"");
    assert_eq!(in_dquote[1].text, "ab");
}

#[test]
fn lone_backslash_at_end() {
    let script = tokenize("echo a \\");
    assert_eq!(script.commands[0].argv.len(), 3);
    assert_eq!(script.commands[0].argv[2].text, "\\");
    assert!(script.errors.is_empty());
}

#[test]
fn ansi_c_quoting() {
    let ws = words(r"printf $'a\tb\n\x41\101\u00e9\'q\\' $'\cA'");
    assert_eq!(ws[1].text, "a\tb\nAAé'q\\");
    assert!(ws[1].quoted);
    assert!(!ws[1].has_expansion);
    assert_eq!(ws[2].text, "\u{1}");
}

#[test]
fn ansi_c_invalid_utf8_is_replaced() {
    let ws = words(r"printf $'\xff'");
    assert_eq!(ws[1].text, "\u{fffd}");
}

#[test]
fn parameter_expansions() {
    let text = "echo $A ${B:-x y} $1 $@ $? $$ \"${C}\" pre${D}post $";
    let ws = words(text);
    let texts: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["echo", "$A", "${B:-x y}", "$1", "$@", "$?", "$$", "${C}", "pre${D}post", "$"]);
    assert!(ws[1..9].iter().all(|w| w.has_expansion));
    assert!(!ws[9].has_expansion, "a lone `$` is literal");
    assert_eq!(raw(text, &ws[2]), "${B:-x y}");
}

#[test]
fn command_substitution_is_one_word() {
    let text = r#"cd $(dirname "$(which go)") && echo "$(a "b c" | d)""#;
    let script = tokenize(text);
    assert_eq!(script.commands.len(), 2);
    let dir = &script.commands[0].argv[1];
    assert_eq!(dir.text, r#"$(dirname "$(which go)")"#);
    assert!(dir.has_expansion);
    assert!(!dir.quoted);
    assert_eq!(&text[dir.range], r#"$(dirname "$(which go)")"#);
    assert_eq!(script.commands[1].argv[1].text, r#"$(a "b c" | d)"#);
    assert!(script.errors.is_empty());
}

#[test]
fn command_substitution_with_parens_quotes_and_comments() {
    let ws = words("x=$(echo ')' \"(\" $(( (1+2) * 3 )) `date` # don't\n)");
    assert_eq!(ws.len(), 1);
    assert_eq!(ws[0].text, "x=$(echo ')' \"(\" $(( (1+2) * 3 )) `date` # don't\n)");
}

#[test]
fn arithmetic_expansion_and_backticks() {
    let ws = words("echo $((1 + (2 * 3))) `uname -m` \"`id -u`\"");
    let texts: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["echo", "$((1 + (2 * 3)))", "`uname -m`", "`id -u`"]);
    assert!(ws[1..].iter().all(|w| w.has_expansion));
}

#[test]
fn single_quoted_dollar_is_no_expansion_but_double_is() {
    let ws = words("echo '$X' \"$X\"");
    assert!(!ws[1].has_expansion);
    assert!(ws[2].has_expansion);
}

#[test]
fn comments_only_at_word_start() {
    let script = tokenize("echo a#b # c d\necho e");
    assert_eq!(script.commands.len(), 2);
    let a: Vec<&str> = script.commands[0].argv.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(a, ["echo", "a#b"]);
    assert_eq!(script.commands[1].argv[1].text, "e");

    let after_op = tokenize("true;# comment ; rm -rf /");
    assert_eq!(after_op.commands.len(), 1);
}

#[test]
fn quoted_operators_are_words() {
    let ws = words(r#"echo "a && b" 'c | d' e\|f"#);
    let texts: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["echo", "a && b", "c | d", "e|f"]);
}

#[test]
fn quoted_command_text_is_one_argument() {
    let script = tokenize(r#"echo "apt-get install x""#);
    assert_eq!(script.commands.len(), 1);
    assert_eq!(script.commands[0].program(), Some("echo"));
    assert_eq!(script.commands[0].args().len(), 1);
    assert_eq!(script.commands[0].args()[0].text, "apt-get install x");
}

#[test]
fn non_ascii_words() {
    let text = "echo héllo 'wörld' \"ß$X\" \\é";
    let ws = words(text);
    let texts: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["echo", "héllo", "wörld", "ß$X", "é"]);
    assert_eq!(raw(text, &ws[2]), "'wörld'");
}

#[test]
fn process_substitution_is_one_word() {
    let script = tokenize("bash <(curl -fsSL https://x/install.sh) --flag");
    let argv: Vec<&str> = script.commands[0].argv.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(argv, ["bash", "<(curl -fsSL https://x/install.sh)", "--flag"]);
    assert!(script.commands[0].argv[1].has_expansion);
    assert!(script.commands[0].redirects.is_empty());
}

#[test]
fn brace_words_are_not_groups() {
    assert_eq!(texts("echo {a,b} {} }"), ["echo", "{a,b}", "{}", "}"]);
}

#[test]
fn locale_string_reads_as_double_quoted() {
    let ws = words("echo $\"hi $USER\"");
    assert_eq!(ws[1].text, "hi $USER");
    assert!(ws[1].quoted && ws[1].has_expansion);
}

#[test]
fn case_inside_command_substitution() {
    let text = r#"arch="$(case "$(uname -m)" in x86_64) echo amd64 ;; (aarch64) echo arm64 ;; esac)"; echo "$arch""#;
    let script = tokenize(text);
    assert!(script.errors.is_empty(), "{:?}", script.errors);
    assert_eq!(script.commands.len(), 2);
    let assignment = &script.commands[0].assignments[0];
    assert_eq!(
        &text[assignment.range],
        r#"arch="$(case "$(uname -m)" in x86_64) echo amd64 ;; (aarch64) echo arm64 ;; esac)""#
    );
    assert_eq!(script.commands[1].argv[1].text, "$arch");

    // Only `case ... in` counts: an argument named `case` does not change parentheses.
    assert_eq!(texts("echo $(echo case) x"), ["echo", "$(echo case)", "x"]);
}

#[test]
fn single_quote_in_braces_depends_on_double_quotes() {
    // Unquoted, `'...'` inside `${}` quotes (the `}` in it does not close).
    assert_eq!(texts("echo ${x:-'a}b'}"), ["echo", "${x:-'a}b'}"]);
    // Inside double quotes the `'` is literal and the first `}` closes.
    let script = tokenize(r#"echo "${x:-'a}" b"#);
    assert!(script.errors.is_empty(), "{:?}", script.errors);
    let argv: Vec<&str> = script.commands[0].argv.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(argv, ["echo", "${x:-'a}", "b"]);
}
