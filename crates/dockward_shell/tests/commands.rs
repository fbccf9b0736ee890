//! Commands, operators, compound syntax, assignments, redirections, pipefail, errors.

use dockward_shell::{tokenize, Command, Operator, Script};

fn argv(cmd: &Command) -> Vec<&str> {
    cmd.argv.iter().map(|w| w.text.as_str()).collect()
}

fn all_argv(script: &Script) -> Vec<Vec<&str>> {
    script.commands.iter().map(argv).collect()
}

fn ops(script: &Script) -> Vec<(Option<Operator>, Option<Operator>)> {
    script.commands.iter().map(|c| (c.preceded_by, c.followed_by)).collect()
}

fn clean(text: &str) -> Script {
    let script = tokenize(text);
    assert!(script.errors.is_empty(), "{text:?}: {:?}", script.errors);
    script
}

use Operator::{And, Background, Or, Pipe, Sequence};

#[test]
fn apt_get_chain() {
    let text = "apt-get update && apt-get install -y --no-install-recommends curl=7.* && rm -rf /var/lib/apt/lists/*";
    let s = clean(text);
    assert_eq!(
        all_argv(&s),
        [
            vec!["apt-get", "update"],
            vec!["apt-get", "install", "-y", "--no-install-recommends", "curl=7.*"],
            vec!["rm", "-rf", "/var/lib/apt/lists/*"],
        ]
    );
    assert_eq!(ops(&s), [(None, Some(And)), (Some(And), Some(And)), (Some(And), None)]);
    assert_eq!(&text[s.commands[1].range], "apt-get install -y --no-install-recommends curl=7.*");
    assert!(s.commands[1].assignments.is_empty(), "`curl=7.*` after argv[0] is an argument");
    assert!(s.commands.iter().all(|c| c.depth == 0));
}

#[test]
fn set_then_pipe() {
    let text = r#"set -eux; curl -fsSL "$URL" | tar -xz -C /opt"#;
    let s = clean(text);
    assert_eq!(all_argv(&s), [vec!["set", "-eux"], vec!["curl", "-fsSL", "$URL"], vec!["tar", "-xz", "-C", "/opt"]]);
    assert_eq!(ops(&s), [(None, Some(Sequence)), (Some(Sequence), Some(Pipe)), (Some(Pipe), None)]);
    assert!(s.commands[1].pipes_out());
    assert!(!s.sets_pipefail, "-eux has no `o`");
    assert_eq!(&text[s.commands[1].argv[2].range], "\"$URL\"");
}

#[test]
fn all_operators() {
    let s = clean("a || b; c & d |& e | f\ng");
    assert_eq!(all_argv(&s).concat(), ["a", "b", "c", "d", "e", "f", "g"]);
    assert_eq!(
        ops(&s),
        [
            (None, Some(Or)),
            (Some(Or), Some(Sequence)),
            (Some(Sequence), Some(Background)),
            (Some(Background), Some(Pipe)),
            (Some(Pipe), Some(Pipe)),
            (Some(Pipe), Some(Sequence)),
            (Some(Sequence), None),
        ]
    );
}

#[test]
fn newlines_after_operators_and_blank_lines() {
    let s = clean("\n\na &&\n\n  b\n\n\nc;\n\nd");
    assert_eq!(all_argv(&s).concat(), ["a", "b", "c", "d"]);
    assert_eq!(
        ops(&s),
        [(None, Some(And)), (Some(And), Some(Sequence)), (Some(Sequence), Some(Sequence)), (Some(Sequence), None)]
    );
}

#[test]
fn if_then_fi() {
    let text = "if [ -f /x ]; then apk add --no-cache y; fi";
    let s = clean(text);
    assert_eq!(all_argv(&s), [vec!["[", "-f", "/x", "]"], vec!["apk", "add", "--no-cache", "y"]]);
    assert_eq!(s.commands[1].program(), Some("apk"));
    assert_eq!(&text[s.commands[1].range], "apk add --no-cache y");
    assert_eq!(ops(&s), [(None, Some(Sequence)), (Some(Sequence), Some(Sequence))]);
}

#[test]
fn elif_else_while_until_not() {
    let s = clean(
        "if ! command -v x; then a; elif b; then c; else d; fi\nwhile read l; do e \"$l\"; done\nuntil f; do g; done",
    );
    let programs: Vec<&str> = s.commands.iter().filter_map(Command::program).collect();
    assert_eq!(programs, ["command", "a", "b", "c", "d", "read", "e", "f", "g"]);
}

#[test]
fn keywords_are_only_keywords_at_command_start() {
    let s = clean("echo if then fi done; \"if\" x");
    assert_eq!(all_argv(&s), [vec!["echo", "if", "then", "fi", "done"], vec!["if", "x"]]);
}

#[test]
fn subshell_depth_and_operators() {
    let text = "(cd /tmp && make) || exit 1";
    let s = clean(text);
    assert_eq!(all_argv(&s), [vec!["cd", "/tmp"], vec!["make"], vec!["exit", "1"]]);
    assert_eq!(s.commands.iter().map(|c| c.depth).collect::<Vec<_>>(), [1, 1, 0]);
    assert_eq!(ops(&s), [(None, Some(And)), (Some(And), Some(Or)), (Some(Or), None)]);
    assert_eq!(&text[s.commands[1].range], "make");
}

#[test]
fn groups_and_nested_subshells() {
    let s = clean("{ a; (b; (c)); }; d");
    assert_eq!(all_argv(&s).concat(), ["a", "b", "c", "d"]);
    assert_eq!(s.commands.iter().map(|c| c.depth).collect::<Vec<_>>(), [1, 2, 3, 0]);
}

#[test]
fn subshell_piping_out() {
    let s = clean("(a; b) | c");
    assert_eq!(ops(&s), [(None, Some(Sequence)), (Some(Sequence), Some(Pipe)), (Some(Pipe), None)]);
}

#[test]
fn redirect_after_compound_is_not_a_command() {
    let s = clean("{ echo a; echo b; } > /etc/x 2>&1\nwhile read l; do echo $l; done < /f\n(a) >/dev/null");
    assert_eq!(all_argv(&s).concat(), ["echo", "a", "echo", "b", "read", "l", "echo", "$l", "a"]);
    assert!(s.commands.iter().all(|c| c.redirects.is_empty()));
}

#[test]
fn assignments_and_redirects() {
    let text = r#"FOO=bar BAZ="q x" cmd arg 2>&1 >/dev/null"#;
    let s = clean(text);
    let c = &s.commands[0];
    let assigns: Vec<&str> = c.assignments.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(assigns, ["FOO=bar", "BAZ=q x"]);
    assert_eq!(c.assignments[1].as_assignment(), Some(("BAZ", "q x")));
    assert_eq!(argv(c), ["cmd", "arg"]);
    assert_eq!(c.redirects.len(), 2);
    assert_eq!(c.redirects[0].op, "2>&");
    assert_eq!(c.redirects[0].target.as_ref().unwrap().text, "1");
    assert_eq!(&text[c.redirects[0].range], "2>&1");
    assert!(c.redirects[0].duplicates_fd());
    assert_eq!(c.redirects[0].fd(), Some(2));
    assert_eq!(c.redirects[1].op, ">");
    assert_eq!(c.redirects[1].fd(), Some(1));
    assert_eq!(c.redirects[1].target.as_ref().unwrap().text, "/dev/null");
    assert_eq!(&text[c.range], text);
}

#[test]
fn assignment_rules() {
    let s = clean("A=1 B+=2 c=(x \"y z\") cmd D=4; export E=5; \"F\"=6 g; 1H=7; A=1");
    let c = &s.commands[0];
    let assigns: Vec<&str> = c.assignments.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(assigns, ["A=1", "B+=2", "c=(x \"y z\")"]);
    assert_eq!(c.assignments[1].as_assignment(), Some(("B", "2")));
    assert_eq!(argv(c), ["cmd", "D=4"]);
    assert_eq!(argv(&s.commands[1]), ["export", "E=5"]);
    assert_eq!(argv(&s.commands[2]), ["F=6", "g"], "a quoted name is not an assignment");
    assert_eq!(argv(&s.commands[3]), ["1H=7"]);
    let last = &s.commands[4];
    assert!(last.argv.is_empty() && last.assignments.len() == 1, "assignment-only command");
    assert_eq!(last.program(), None);
}

#[test]
fn redirect_forms() {
    let text = "c >a >>b <c <>d >|e 2>f 3>&- &>g &>>h >&2 10<i <<<'j k' 2>>l";
    let s = clean(text);
    let c = &s.commands[0];
    assert_eq!(argv(c), ["c"]);
    let got: Vec<(&str, &str)> =
        c.redirects.iter().map(|r| (r.op.as_str(), r.target.as_ref().unwrap().text.as_str())).collect();
    assert_eq!(
        got,
        [
            (">", "a"),
            (">>", "b"),
            ("<", "c"),
            ("<>", "d"),
            (">|", "e"),
            ("2>", "f"),
            ("3>&", "-"),
            ("&>", "g"),
            ("&>>", "h"),
            (">&", "2"),
            ("10<", "i"),
            ("<<<", "j k"),
            ("2>>", "l"),
        ]
    );
    let fds: Vec<Option<u32>> = c.redirects.iter().map(|r| r.fd()).collect();
    assert_eq!(
        fds,
        [
            Some(1),
            Some(1),
            Some(0),
            Some(0),
            Some(1),
            Some(2),
            Some(3),
            None,
            None,
            Some(1),
            Some(10),
            Some(0),
            Some(2)
        ]
    );
    assert!(c.redirects[11].is_herestring());
    assert_eq!(&text[c.redirects[11].range], "<<<'j k'");
}

#[test]
fn digits_are_fd_only_when_glued_to_the_operator() {
    let s = clean("echo 2 >x a2>y");
    let c = &s.commands[0];
    assert_eq!(argv(c), ["echo", "2", "a2"]);
    assert_eq!(c.redirects[0].op, ">");
    assert_eq!(c.redirects[1].op, ">");
}

#[test]
fn redirect_before_command_and_between_args() {
    let s = clean(">/tmp/log FOO=1 make <in all");
    let c = &s.commands[0];
    assert_eq!(argv(c), ["make", "all"]);
    assert_eq!(c.assignments[0].text, "FOO=1");
    assert_eq!(c.redirects.len(), 2);
}

#[test]
fn heredoc_ops_without_body() {
    let text = "cat <<EOF >/etc/x; cat <<-'END' | sh; cat << \"Q\"";
    let s = clean(text);
    let r: Vec<(&str, &str, bool)> = s
        .commands
        .iter()
        .flat_map(|c| &c.redirects)
        .filter(|r| r.is_heredoc())
        .map(|r| (r.op.as_str(), r.target.as_ref().unwrap().text.as_str(), r.target.as_ref().unwrap().quoted))
        .collect();
    assert_eq!(r, [("<<", "EOF", false), ("<<-", "END", true), ("<<", "Q", true)]);
}

#[test]
fn heredoc_body_is_skipped() {
    let text = "cat <<EOF > /x && echo done\nrm -rf /\nEOF\nls\ncat <<-END\n\tnot a command\n\tEND\npwd";
    let s = clean(text);
    assert_eq!(all_argv(&s), [vec!["cat"], vec!["echo", "done"], vec!["ls"], vec!["cat"], vec!["pwd"]]);
}

#[test]
fn two_heredocs_on_one_line() {
    let s = clean("paste <<A <<'B'\na1\nA\nb1\nB\nnext");
    assert_eq!(all_argv(&s), [vec!["paste"], vec!["next"]]);
}

#[test]
fn unterminated_heredoc_body() {
    let s = tokenize("cat <<EOF\nline\nnot the end");
    assert_eq!(all_argv(&s), [vec!["cat"]]);
    assert_eq!(s.errors.len(), 1);
    assert!(s.errors[0].1.contains("heredoc"), "{:?}", s.errors);
}

#[test]
fn for_loop_header_is_not_a_command() {
    let text = "for p in a b; do pip install \"$p\"; done";
    let s = clean(text);
    assert_eq!(all_argv(&s), [vec!["pip", "install", "$p"]]);
    assert_eq!(&text[s.commands[0].range], "pip install \"$p\"");

    let s = clean("for x\ndo\n  echo $x\ndone; for ((i=0; i<3; i++)); do echo $i; done; for y do z; done");
    assert_eq!(all_argv(&s), [vec!["echo", "$x"], vec!["echo", "$i"], vec!["z"]]);
}

#[test]
fn case_arms() {
    let text = "case \"$(uname -m)\" in\n  x86_64|amd64) arch=amd64; echo x ;;\n  (arm*) arch=arm64 ;;\n  *) echo unsupported; exit 1 ;;\nesac; echo after";
    let s = clean(text);
    let programs: Vec<Option<&str>> = s.commands.iter().map(Command::program).collect();
    assert_eq!(programs, [None, Some("echo"), None, Some("echo"), Some("exit"), Some("echo")]);
    assert_eq!(s.commands[0].assignments[0].text, "arch=amd64");
    assert_eq!(argv(&s.commands[5]), ["echo", "after"]);
}

#[test]
fn case_arm_without_final_break_and_nested_case() {
    let s = clean("case a in a) case b in b) x;; esac;; c) y; esac\nz");
    assert_eq!(all_argv(&s), [vec!["x"], vec!["y"], vec!["z"]]);
}

#[test]
fn case_in_subshell() {
    let s = clean("(case $x in a) b ;; esac) && c");
    assert_eq!(all_argv(&s), [vec!["b"], vec!["c"]]);
    assert_eq!(s.commands[0].depth, 1);
}

#[test]
fn function_definitions() {
    let s = clean("f() { echo in f; }; function g { h; }; function k() (l); f");
    assert_eq!(all_argv(&s), [vec!["echo", "in", "f"], vec!["h"], vec!["l"], vec!["f"]]);
    assert_eq!(s.commands.iter().map(|c| c.depth).collect::<Vec<_>>(), [1, 1, 1, 0]);
}

#[test]
fn double_bracket_test_is_one_command() {
    let text = "if [[ -n \"$a\" && ( $b < 3 || $c =~ ^(x|y)$ ) ]]; then d; fi; [[ -f x ]]&&e";
    let s = clean(text);
    assert_eq!(
        all_argv(&s),
        [
            vec!["[[", "-n", "$a", "&&", "(", "$b", "<", "3", "||", "$c", "=~", "^(x|y)$", ")", "]]"],
            vec!["d"],
            vec!["[[", "-f", "x", "]]"],
            vec!["e"],
        ]
    );
    assert!(s.commands[0].redirects.is_empty());
    assert_eq!(s.commands[2].followed_by, Some(And));
}

#[test]
fn arithmetic_command_is_skipped() {
    let s = clean("(( n = (1 + 2) * 3 )) && echo $n; ((cd a && b) || c)");
    assert_eq!(all_argv(&s), [vec!["echo", "$n"], vec!["cd", "a"], vec!["b"], vec!["c"]]);
    assert_eq!(s.commands[0].preceded_by, Some(And));
    assert_eq!(s.commands.iter().map(|c| c.depth).collect::<Vec<_>>(), [0, 2, 2, 1]);
}

#[test]
fn bang_and_pipeline_into_loop() {
    let s = clean("! grep -q x f | while read l; do echo \"$l\"; done");
    assert_eq!(all_argv(&s), [vec!["grep", "-q", "x", "f"], vec!["read", "l"], vec!["echo", "$l"]]);
    assert_eq!(s.commands[1].preceded_by, Some(Pipe));
}

#[test]
fn crlf_line_endings() {
    let s = clean("apt-get update && \\\r\n  apt-get install -y x\r\necho y\r\n");
    assert_eq!(all_argv(&s), [vec!["apt-get", "update"], vec!["apt-get", "install", "-y", "x"], vec!["echo", "y"]]);
}

mod pipefail {
    use super::*;

    fn pf(text: &str) -> bool {
        tokenize(text).sets_pipefail
    }

    #[test]
    fn flag_forms() {
        assert!(pf("set -o pipefail; a | b"));
        assert!(pf("set -eo pipefail && a | b"));
        assert!(pf("set -euxo pipefail; a | b"));
        assert!(pf("set -o errexit -o pipefail; a | b"));
        assert!(pf("set -e -u -o pipefail\na | b"));
        assert!(pf("set -oe pipefail; a | b"));
        assert!(pf("set -Eeuo pipefail"), "no pipe at all: the state at the end");
    }

    #[test]
    fn not_set() {
        assert!(!pf("set -eux; a | b"));
        assert!(!pf("a | b"));
        assert!(!pf("a | b; set -o pipefail; c | d"), "set after the first pipe");
        assert!(!pf("set -o errexit; a | b"));
        assert!(!pf("set -- -o pipefail; a | b"));
        assert!(!pf("set x -o pipefail; a | b"), "options end at a positional argument");
        assert!(!pf("echo set -o pipefail; a | b"));
        assert!(!pf("set -o pipefail; set +o pipefail; a | b"));
    }

    #[test]
    fn scope() {
        assert!(!pf("(set -o pipefail); a | b"), "a subshell does not change the script");
        assert!(!pf("set -o pipefail | cat; a | b"), "nor does a pipeline element");
        assert!(pf("{ set -o pipefail; }; a | b"), "a group runs in the same shell");
        assert!(pf("a && set -o pipefail && b | c"));
        assert!(pf("(set -o pipefail; a | b)"), "the subshell's own pipe is covered");
        assert!(!pf("(set -o pipefail; a); b | c"));
        assert!(pf("set -o pipefail; (a) | b"), "a subshell inherits it");
        assert!(!pf("(a) | b; set -o pipefail"), "`a` pipes out through the `)`");
    }
}

mod errors {
    use super::*;

    fn messages(text: &str) -> Vec<(String, String)> {
        tokenize(text).errors.into_iter().map(|(r, m)| (text[r].to_string(), m)).collect()
    }

    #[test]
    fn unterminated_quotes_keep_earlier_commands() {
        let s = tokenize("a && b \"c d");
        assert_eq!(all_argv(&s), [vec!["a"], vec!["b", "c d"]]);
        assert_eq!(messages("a && b \"c d"), [("\"c d".to_string(), "unterminated double quote".to_string())]);
        assert_eq!(messages("echo 'x")[0].1, "unterminated single quote");
        assert_eq!(messages("echo $'x")[0].1, "unterminated `$'` string");
    }

    #[test]
    fn unterminated_substitutions() {
        assert_eq!(messages("echo $(a \"b\""), [("$(a \"b\"".to_string(), "unterminated `$(`".to_string())]);
        assert_eq!(messages("echo ${a")[0].1, "unterminated `${`");
        assert_eq!(messages("echo `a")[0].1, "unterminated backtick");
        assert_eq!(messages("echo $((1+2)")[0].1, "unterminated `$((`");
    }

    #[test]
    fn unbalanced_syntax() {
        assert_eq!(messages("a)")[0].0, ")");
        assert_eq!(messages("(a")[0], ("(".to_string(), "`(` is never closed".to_string()));
        assert_eq!(messages("{ a;")[0].1, "`{` is never closed");
        assert_eq!(messages("case x in a) b")[0].1, "`case` without `esac`");
        assert_eq!(messages("a; }")[0].1, "unexpected `}`");
        assert_eq!(messages("echo >")[0], (">".to_string(), "`>` has no target".to_string()));
        assert_eq!(messages("a ;; b")[0].0, ";;");
    }

    #[test]
    fn misplaced_paren_after_words() {
        let s = tokenize("echo a (b)");
        assert_eq!(all_argv(&s), [vec!["echo", "a"], vec!["b"]]);
        assert_eq!(s.errors.len(), 1);
    }
}

#[test]
fn map_ranges_shifts_everything() {
    let mut s = tokenize("a >b && 'c");
    s.map_ranges(|r| r + dockward_source::TextSize::from(10));
    assert_eq!(u32::from(s.commands[0].range.start()), 10);
    assert_eq!(u32::from(s.commands[0].redirects[0].target.as_ref().unwrap().range.start()), 13);
    assert_eq!(u32::from(s.errors[0].0.start()), 18);
}
