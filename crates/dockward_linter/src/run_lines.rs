//! `docker run` / `docker create` lines in shell scripts, Makefile recipes, CI
//! workflow steps and Dockerfile RUN instructions, as [`ContainerSpec`]s for the
//! container rules.
//!
//! Each kind of file is turned into shell text plus a map from every byte of that
//! text back to its source offset (Makefile recipes lose their tab, `@`/`-`/`+`
//! prefixes and `$$` escapes; YAML block scalars lose their indentation), the text is
//! tokenized with `dockward_shell`, and every word range is mapped back, so findings
//! point at the exact flag or value in the file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use dockward_diagnostics::{Diagnostic, Location};
use dockward_shell::{Command, Word};
use dockward_source::{SourceFile, TextRange, TextSize};
use dockward_spec::docker_run::{parse_run_command, run_subcommand_index};
use dockward_spec::{ContainerSpec, EngineDefaults};
use dockward_yaml::{Budget, Node, NodeKind, ScalarStyle};

use crate::check::{
    check_text_with_fixes, lint_container_specs, redact_secrets, report_suppression_problems, FileReport, FixMode,
};
use crate::registry;
use crate::rules::container::secret_in_environment::secret_ranges;
use crate::settings::Settings;
use crate::suppression::collect_line_pragmas;

/// The kinds of file `docker run` lines are looked for in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RunLineFile {
    /// A shell script (`*.sh`, `*.bash`, a sh/bash shebang).
    ShellScript,
    /// A Makefile: recipe lines only.
    Makefile,
    /// A GitHub Actions workflow: `run:` of every step.
    GithubWorkflow,
    /// `.gitlab-ci.yml`: `script:`, `before_script:`, `after_script:` items.
    GitlabCi,
}

/// Shell text built from pieces of a source file, with the source range of every byte.
#[derive(Debug, Default)]
struct MappedText {
    text: String,
    /// For byte `i` of `text`: the source offsets where it starts and ends.
    starts: Vec<u32>,
    ends: Vec<u32>,
}

impl MappedText {
    /// Appends `s`, which is written verbatim at source offset `at`.
    fn push_source(&mut self, s: &str, at: usize) {
        self.text.push_str(s);
        for i in 0..s.len() {
            self.starts.push((at + i) as u32);
            self.ends.push((at + i + 1) as u32);
        }
    }

    /// Appends `s`, which stands for the source range `start..end` (a `$$` escape, a
    /// line break folded away).
    fn push_standing_for(&mut self, s: &str, start: usize, end: usize) {
        self.text.push_str(s);
        for _ in 0..s.len() {
            self.starts.push(start as u32);
            self.ends.push(end as u32);
        }
    }

    fn map(&self, r: TextRange) -> TextRange {
        let (s, e) = (usize::from(r.start()), usize::from(r.end()));
        let last = self.starts.len();
        if last == 0 {
            return r;
        }
        let start = self.starts[s.min(last - 1)];
        let end = if e > s { self.ends[(e - 1).min(last - 1)] } else { start };
        TextRange::new(start.into(), end.into())
    }

    /// The shell commands of the text, with source ranges.
    fn script(&self) -> dockward_shell::Script {
        let mut script = dockward_shell::tokenize(&self.text);
        script.map_ranges(|r| self.map(r));
        script
    }
}

/// The specs of every `docker run` line in `script`, whose ranges are offsets in `file`,
/// plus a syntax finding for each problem in those lines. Lines inside command
/// substitutions (`id=$(docker run -d ...)`) count too.
pub fn specs_in_script(
    file: &Arc<SourceFile>,
    script: &dockward_shell::Script,
) -> (Vec<ContainerSpec>, Vec<Diagnostic>) {
    let mut specs = Vec::new();
    let mut problems = Vec::new();
    collect_specs(file, script, 0, &mut ShellVars::default(), &mut specs, &mut problems);
    (specs, problems)
}

/// What a shell variable assigned earlier in the script holds, as words whose ranges
/// are where they are written (so a finding on a flag held in an array points into the
/// array's definition). `None`: assigned from something the file does not show.
#[derive(Debug, Clone)]
enum VarValue {
    Array(Vec<Word>),
    /// A scalar: its whole value as one word (for `"$X"`), and the words it splits
    /// into (for an unquoted `$X`).
    Scalar {
        whole: Word,
        split: Vec<Word>,
    },
}

/// Variables assigned literally so far in a script (`args=(--privileged)`,
/// `args+=(-v /:/host)`, `FLAGS="--read-only --cap-drop ALL"`), for resolving
/// `docker run "${args[@]}"` and `docker run $FLAGS`.
#[derive(Debug, Default, Clone)]
struct ShellVars {
    vars: HashMap<String, Option<VarValue>>,
}

impl ShellVars {
    /// Records the assignments `cmd` makes for the rest of the script: a command of
    /// assignments only, or `export`/`local`/`declare`/`typeset`/`readonly`.
    fn record(&mut self, file: &SourceFile, cmd: &Command) {
        let words: Vec<&Word> = match cmd.argv.first().map(|w| w.text.as_str()) {
            None => cmd.assignments.iter().collect(),
            Some("export" | "local" | "declare" | "typeset" | "readonly") => cmd.argv[1..].iter().collect(),
            Some(_) => return,
        };
        for w in words {
            let Some((name, _)) = w.as_assignment() else { continue };
            let start = usize::from(w.range.start());
            let Some(source) = file.text().get(start..usize::from(w.range.end())) else { continue };
            let Some(eq) = source.find('=') else { continue };
            let append = source[..eq].ends_with('+');
            let value = &source[eq + 1..];
            let at = start + eq + 1;
            let parsed = if let Some(inner) = value.strip_prefix('(').and_then(|v| v.strip_suffix(')')) {
                words_of(inner, at + 1).map(VarValue::Array)
            } else if w.has_expansion {
                None
            } else {
                let (inner, off) = match value.as_bytes() {
                    [q @ (b'"' | b'\''), .., last] if last == q => (&value[1..value.len() - 1], at + 1),
                    _ => (value, at),
                };
                let text = w.text[w.text.find('=').map_or(0, |i| i + 1)..].into();
                let whole = Word {
                    text,
                    range: TextRange::new(TextSize::from(at as u32), w.range.end()),
                    quoted: true,
                    has_expansion: false,
                };
                words_of(inner, off).map(|split| VarValue::Scalar { whole, split })
            };
            let merged = match (append, self.vars.remove(name), parsed) {
                (true, Some(Some(VarValue::Array(mut old))), Some(VarValue::Array(new))) => {
                    old.extend(new);
                    Some(VarValue::Array(old))
                }
                (true, _, _) => None,
                (false, _, parsed) => parsed,
            };
            self.vars.insert(name.to_string(), merged);
        }
    }

    /// `cmd` with every whole-word `"${a[@]}"`, `$X`, `"$X"` after the run subcommand
    /// replaced by the words the variable holds, when it is known.
    fn resolve(&self, cmd: &Command) -> Option<Command> {
        let sub = run_subcommand_index(cmd)?;
        if !cmd.argv[sub + 1..].iter().any(|w| w.has_expansion) {
            return None;
        }
        let mut out = cmd.clone();
        out.argv.truncate(sub + 1);
        for w in &cmd.argv[sub + 1..] {
            match self.expand(w) {
                Some(words) => out.argv.extend(words),
                None => out.argv.push(w.clone()),
            }
        }
        Some(out)
    }

    fn expand(&self, w: &Word) -> Option<Vec<Word>> {
        let name_ok = |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let t = w.text.as_str();
        let braced = t.strip_prefix("${").and_then(|r| r.strip_suffix('}'));
        if let Some(array) = braced.and_then(|i| i.strip_suffix("[@]").or_else(|| i.strip_suffix("[*]"))) {
            return match self.vars.get(array)?.as_ref()? {
                VarValue::Array(words) => Some(words.clone()),
                VarValue::Scalar { whole, split } => Some(if w.quoted { vec![whole.clone()] } else { split.clone() }),
            };
        }
        let name = braced.or_else(|| t.strip_prefix('$')).filter(|n| name_ok(n))?;
        match self.vars.get(name)?.as_ref()? {
            // `$a` is the array's first element.
            VarValue::Array(words) => Some(words.iter().take(1).cloned().collect()),
            VarValue::Scalar { whole, split } => Some(if w.quoted { vec![whole.clone()] } else { split.clone() }),
        }
    }
}

/// The words of `text` (a literal array body or scalar value written at byte `at` of
/// the file), or `None` when any of them holds an expansion.
fn words_of(text: &str, at: usize) -> Option<Vec<Word>> {
    let mut script = dockward_shell::tokenize(text);
    let base = TextSize::from(at as u32);
    script.map_ranges(|r| r + base);
    let mut words: Vec<Word> =
        script.commands.into_iter().flat_map(|c| c.assignments.into_iter().chain(c.argv)).collect();
    words.sort_by_key(|w| w.range.start());
    (!words.iter().any(|w| w.has_expansion)).then_some(words)
}

/// How deep `$( $( ... ) )` nesting is followed.
const MAX_SUBSTITUTION_DEPTH: usize = 8;

fn collect_specs(
    file: &Arc<SourceFile>,
    script: &dockward_shell::Script,
    depth: usize,
    vars: &mut ShellVars,
    specs: &mut Vec<ContainerSpec>,
    problems: &mut Vec<Diagnostic>,
) {
    for cmd in &script.commands {
        if depth < MAX_SUBSTITUTION_DEPTH {
            for word in cmd.assignments.iter().chain(&cmd.argv) {
                let start = usize::from(word.range.start());
                let Some(source) = file.text().get(start..usize::from(word.range.end())) else { continue };
                if !source.contains("docker") {
                    continue;
                }
                for (s, e) in substitution_bodies(source) {
                    let mut inner = dockward_shell::tokenize(&source[s..e]);
                    let base = TextSize::from((start + s) as u32);
                    inner.map_ranges(|r| r + base);
                    collect_specs(file, &inner, depth + 1, &mut vars.clone(), specs, problems);
                }
            }
        }
        vars.record(file, cmd);
        let resolved = vars.resolve(cmd);
        let Some(line) = parse_run_command(file, resolved.as_ref().unwrap_or(cmd)) else { continue };
        if let Some(opaque) = line.opaque {
            // Its flags are unknown: judging its spec would claim Docker's defaults.
            problems.push(Diagnostic::new(
                registry::RUN_LINE_NOT_JUDGED,
                Location::source(file, opaque.range),
                opaque.message,
            ));
            continue;
        }
        for e in line.errors {
            problems.push(Diagnostic::new(
                registry::SYNTAX_ERROR,
                Location::source(file, e.range),
                format!("docker {}: {}", line.subcommand, e.message),
            ));
        }
        specs.push(line.spec);
    }
}

/// The byte ranges (in `s`) of the bodies of the outermost `$( ... )` command
/// substitutions of a word's source, outside single quotes. `$(( ))` arithmetic is
/// not a command.
fn substitution_bodies(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\'' => i = s[i + 1..].find('\'').map_or(b.len(), |q| i + 1 + q + 1),
            b'$' if b.get(i + 1) == Some(&b'(') && b.get(i + 2) != Some(&b'(') => {
                let start = i + 2;
                let (mut depth, mut j, mut quote) = (1usize, start, None::<u8>);
                while j < b.len() {
                    let c = b[j];
                    match quote {
                        Some(q) if c == q => quote = None,
                        Some(b'"') if c == b'\\' => j += 1,
                        Some(_) => {}
                        None => match c {
                            b'\'' | b'"' => quote = Some(c),
                            b'\\' => j += 1,
                            b'(' => depth += 1,
                            b')' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        },
                    }
                    j += 1;
                }
                if depth != 0 || j > b.len() {
                    break;
                }
                out.push((start, j));
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// The shell scripts of a file of `kind`, with their ranges mapped to the file.
fn scripts_of(text: &str, kind: RunLineFile) -> Result<Vec<dockward_shell::Script>, (TextRange, String)> {
    match kind {
        RunLineFile::ShellScript => Ok(vec![dockward_shell::tokenize(text)]),
        RunLineFile::Makefile => Ok(vec![makefile_recipes(text).script()]),
        RunLineFile::GithubWorkflow | RunLineFile::GitlabCi => {
            let doc = dockward_yaml::parse(text, &Budget::default()).map_err(|e| (e.range, e.message))?;
            let mut scalars = Vec::new();
            if let Some(root) = &doc.root {
                if kind == RunLineFile::GithubWorkflow {
                    github_run_steps(root, &mut scalars);
                } else {
                    gitlab_scripts(root, &mut scalars);
                }
            }
            Ok(scalars.into_iter().filter_map(|n| scalar_shell(text, n)).map(|m| m.script()).collect())
        }
    }
}

/// The specs and problems of every `docker run` line in a file of `kind`.
pub fn run_line_specs(file: &Arc<SourceFile>, kind: RunLineFile) -> (Vec<ContainerSpec>, Vec<Diagnostic>) {
    // Most scripts never mention docker: skip them before tokenizing.
    if !file.text().contains("docker") {
        return (Vec::new(), Vec::new());
    }
    match scripts_of(file.text(), kind) {
        Ok(scripts) => {
            let mut specs = Vec::new();
            let mut problems = Vec::new();
            for script in &scripts {
                let (s, p) = specs_in_script(file, script);
                specs.extend(s);
                problems.extend(p);
            }
            (specs, problems)
        }
        Err((range, message)) => (
            Vec::new(),
            vec![Diagnostic::new(
                registry::SYNTAX_ERROR,
                Location::source(file, range),
                format!("invalid YAML: {message}"),
            )],
        ),
    }
}

/// Runs the container rules over the `docker run` lines of `file`.
pub fn lint_run_lines(file: &Arc<SourceFile>, kind: RunLineFile, settings: &Settings) -> Vec<Diagnostic> {
    let (specs, mut found) = run_line_specs(file, kind);
    let rule_findings = lint_container_specs(&specs, &EngineDefaults::default(), settings);
    let mut suppressions = if file.text().contains("dockward:") || file.text().contains("hadolint") {
        collect_line_pragmas(file.text())
    } else {
        Vec::new()
    };
    for mut d in rule_findings {
        let at = d.location.range().map(|r| r.start()).unwrap_or_default();
        let mut suppressed = false;
        for s in &mut suppressions {
            suppressed |= s.covers(d.rule.code, at);
        }
        // CT035 lists members: a suppression of one of them takes it off the list.
        if !suppressed {
            suppressed = !crate::rules::container::container_not_hardened::drop_suppressed_members(&mut d, |code| {
                suppressions.iter_mut().fold(false, |hit, s| s.covers(code, at) | hit)
            });
        }
        if !suppressed {
            found.push(d);
        }
    }
    report_suppression_problems(file, &suppressions, settings, &mut found);
    // Syntax and suppression findings show lines too.
    let secrets: Vec<_> = specs.iter().flat_map(secret_ranges).collect();
    redact_secrets(&mut found, &secrets);
    found.retain(|d| settings.is_enabled(d.rule) && !settings.ignored_for_path(d.rule, file.name()));
    for d in &mut found {
        d.configure_severity(settings.severity(d.rule));
    }
    dockward_diagnostics::sort_diagnostics(&mut found);
    found
}

/// Checks the `docker run` lines of a script, Makefile or CI file given as text,
/// applying fixes per `fix`.
pub fn check_run_lines_text(
    name: &str,
    path: Option<PathBuf>,
    text: &str,
    kind: RunLineFile,
    settings: &Settings,
    fix: FixMode,
) -> FileReport {
    check_text_with_fixes(name, path, text, fix, |file| lint_run_lines(file, kind, settings))
}

/// Checks a script, Makefile or CI file given as raw bytes.
pub fn check_run_lines_bytes(
    name: &str,
    path: Option<PathBuf>,
    bytes: &[u8],
    kind: RunLineFile,
    settings: &Settings,
    fix: FixMode,
) -> FileReport {
    match crate::check::decode_text(name, path.as_ref(), bytes) {
        Ok(text) => check_run_lines_text(name, path, text, kind, settings, fix),
        Err(report) => *report,
    }
}

/// The recipe lines of a Makefile as one shell text: each line that starts with a tab
/// (and the continuation lines after it) without the tab and the `@`, `-`, `+`
/// prefixes, with `$$` turned into `$`. Make variables (`$(X)`) stay as written.
fn makefile_recipes(text: &str) -> MappedText {
    let mut out = MappedText::default();
    let mut offset = 0;
    let mut continued = false;
    for line in text.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let body = line.strip_suffix('\n').unwrap_or(line);
        let body = body.strip_suffix('\r').unwrap_or(body);
        let is_recipe = body.starts_with('\t');
        if !is_recipe && !continued {
            continue;
        }
        let mut start = usize::from(body.starts_with('\t'));
        if !continued {
            while body[start..].starts_with(['@', '-', '+', ' ', '\t']) {
                start += 1;
            }
        }
        let content = &body[start..];
        let mut pos = 0;
        while let Some(i) = content[pos..].find("$$") {
            out.push_source(&content[pos..pos + i], at + start + pos);
            out.push_standing_for("$", at + start + pos + i, at + start + pos + i + 2);
            pos += i + 2;
        }
        out.push_source(&content[pos..], at + start + pos);
        continued = content.ends_with('\\');
        out.push_standing_for("\n", at + body.len(), at + body.len());
    }
    out
}

/// Every `jobs.<id>.steps[].run` of a GitHub Actions workflow, and `runs.steps[].run`
/// of a composite action.
fn github_run_steps<'a>(root: &'a Node, out: &mut Vec<&'a Node>) {
    let steps_of = |n: &'a Node| n.get("steps").and_then(Node::as_seq).unwrap_or(&[]);
    let mut steps: Vec<&'a Node> = Vec::new();
    if let Some(jobs) = root.get("jobs").and_then(Node::as_map) {
        for job in jobs {
            steps.extend(steps_of(&job.value));
        }
    }
    if let Some(runs) = root.get("runs") {
        steps.extend(steps_of(runs));
    }
    out.extend(steps.into_iter().filter_map(|s| s.get("run")));
}

/// Every `script`, `before_script` and `after_script` item of a GitLab CI file: in
/// jobs, in `default:`, and at the top level.
fn gitlab_scripts<'a>(root: &'a Node, out: &mut Vec<&'a Node>) {
    fn items<'a>(n: &'a Node, out: &mut Vec<&'a Node>) {
        match &n.kind {
            NodeKind::Scalar(_) => out.push(n),
            NodeKind::Seq(seq) => seq.iter().for_each(|i| items(i, out)),
            NodeKind::Map(_) => {}
        }
    }
    let keys = ["script", "before_script", "after_script"];
    let Some(entries) = root.as_map() else { return };
    for e in entries {
        let key = e.key.as_str().unwrap_or("");
        if keys.contains(&key) {
            items(&e.value, out);
        } else if e.value.as_map().is_some() {
            for k in keys {
                if let Some(v) = e.value.get(k) {
                    items(v, out);
                }
            }
        }
    }
}

/// The shell text of a YAML scalar, mapped to the source. Block scalars are rebuilt
/// from their source lines (indentation removed; `>` joins lines with spaces);
/// flow scalars map one to one when their source is their value, and otherwise map
/// every byte to the whole scalar.
fn scalar_shell(text: &str, node: &Node) -> Option<MappedText> {
    let s = node.as_scalar()?;
    // Alias copies point at the anchor's text; they are checked there.
    if node.origin.is_some() {
        return None;
    }
    let raw_start = usize::from(s.raw.start());
    let raw_end = usize::from(s.raw.end());
    let raw = text.get(raw_start..raw_end)?;
    let mut out = MappedText::default();
    match s.style {
        ScalarStyle::Literal | ScalarStyle::Folded => {
            let line_start = text[..raw_start].rfind('\n').map_or(0, |i| i + 1);
            let indent = raw_start - line_start;
            let mut offset = line_start;
            let block = &text[line_start..raw_end];
            let mut previous_plain = false;
            for (n, line) in block.split_inclusive('\n').enumerate() {
                let at = offset;
                offset += line.len();
                let body = line.trim_end_matches(['\n', '\r']);
                let content_start = body.len().min(indent).min(body.len() - body.trim_start_matches(' ').len());
                let content = &body[content_start..];
                let plain = !content.is_empty() && !content.starts_with([' ', '\t']);
                if n > 0 {
                    let sep = if s.style == ScalarStyle::Folded && previous_plain && plain { " " } else { "\n" };
                    out.push_standing_for(sep, at, at);
                }
                out.push_source(content, at + content_start);
                previous_plain = plain;
            }
        }
        _ if raw == s.value => out.push_source(raw, raw_start),
        _ => out.push_standing_for(&s.value, raw_start, raw_end),
    }
    Some(out)
}

/// The specs of the `docker run` lines in a Dockerfile's RUN instructions (their
/// scripts are already mapped to source offsets by the parser).
pub fn dockerfile_run_specs(
    file: &Arc<SourceFile>,
    dockerfile: &dockward_dockerfile::Dockerfile,
) -> (Vec<ContainerSpec>, Vec<Diagnostic>) {
    let mut specs = Vec::new();
    let mut problems = Vec::new();
    if !file.text().contains("docker") {
        return (specs, problems);
    }
    for ins in &dockerfile.instructions {
        if ins.kind != dockward_dockerfile::InstructionKind::Run {
            continue;
        }
        let Some(shell) = ins.shell_form() else { continue };
        let (s, p) = specs_in_script(file, &shell.script);
        specs.extend(s);
        problems.extend(p);
    }
    (specs, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans_of(name: &str, text: &str, kind: RunLineFile, code: &str) -> Vec<String> {
        let settings = crate::SettingsBuilder { select: Some(vec![code.to_string()]), ..Default::default() }.build();
        let file = SourceFile::new(name, None, text);
        lint_run_lines(&file, kind, &settings)
            .iter()
            .filter(|d| d.rule.code == code)
            .map(|d| text[d.location.range().unwrap()].to_string())
            .collect()
    }

    // issue 13 #19: flags held in a literal array or variable of the same script are
    // judged where they are written.
    #[test]
    fn literal_arrays_and_variables_of_the_script_are_resolved() {
        let sh = |t: &str, code: &str| spans_of("a.sh", t, RunLineFile::ShellScript, code);
        let t = "args=(--rm --privileged)
args+=(-v /:/host)
docker run \"${args[@]}\" app:1
";
        assert_eq!(sh(t, "CT001"), ["--privileged"]);
        assert!(sh(t, "DW006").is_empty());
        let t = "declare -a opts=(--read-only \"--cap-drop\" ALL)
docker run ${opts[*]} app:1
";
        assert!(sh(t, "CT004").is_empty(), "the array's --read-only is seen");
        assert!(sh(t, "CT003").is_empty(), "the array's --cap-drop ALL is seen");
        let t = "FLAGS=\"--pid host --privileged\"
docker run $FLAGS app:1
docker run ${FLAGS} app:2
";
        assert_eq!(sh(t, "CT011"), ["host", "host"]);
        // Quoted, the variable is one word: the image.
        let t = "IMAGE=\"app:1\"
docker run --privileged \"$IMAGE\"
";
        assert_eq!(sh(t, "CT001"), ["--privileged"]);
        // The same line without the array's flags has the finding the array removes.
        assert_eq!(sh("docker run app:1\n", "CT004").len(), 1);
    }

    // issue 13 #19: flags from an expansion the file does not resolve make the line
    // unjudged (DW006), never judged as if it had none.
    #[test]
    fn unresolved_flag_expansions_make_the_line_unjudged() {
        let sh = |t: &str, code: &str| spans_of("a.sh", t, RunLineFile::ShellScript, code);
        for (t, word) in [
            ("docker run \"$@\" app:1\n", "\"$@\""),
            ("docker run --rm \"${extra[@]}\" app:1\n", "\"${extra[@]}\""),
            ("docker run $OPTS app:1\n", "$OPTS"),
            ("args=($(cat flags))\ndocker run \"${args[@]}\" app:1\n", "\"${args[@]}\""),
            ("F=\"$BASE --rm\"\ndocker run ${F} app:1\n", "${F}"),
        ] {
            assert_eq!(sh(t, "DW006"), [word], "{t}");
            for code in ["CT004", "CT007", "CT020"] {
                assert!(sh(t, code).is_empty(), "{code} claims a default on {t}");
            }
        }
        // An expansion that can only be the image leaves the line judged.
        for t in ["docker run --rm $IMAGE sh\n", "docker run --rm \"$1\" sh\n", "docker run --rm $1\n"] {
            assert!(sh(t, "DW006").is_empty(), "{t}");
            assert_eq!(sh(t, "CT004").len(), 1, "{t}");
        }
    }

    #[test]
    fn shell_scripts_with_continuations() {
        let t = "#!/bin/sh\nset -e\nif true; then\n  docker run --rm \\\n    --privileged \\\n    alpine true\nfi\n";
        assert_eq!(spans_of("a.sh", t, RunLineFile::ShellScript, "CT001"), ["--privileged"]);
        assert!(spans_of("a.sh", "echo hi\n", RunLineFile::ShellScript, "CT001").is_empty());
    }

    #[test]
    fn makefile_recipes_strip_prefixes_and_dollars() {
        let t = "IMG = app\nrun:\n\t@docker run --cap-add=SYS_ADMIN \\\n\t  -e HOME=$$HOME $(IMG)\n\t-docker run --pid host x\nnot-a-recipe: docker run --privileged x\n";
        assert_eq!(spans_of("Makefile", t, RunLineFile::Makefile, "CT002"), ["SYS_ADMIN"]);
        assert_eq!(spans_of("Makefile", t, RunLineFile::Makefile, "CT011"), ["host"]);
        assert!(spans_of("Makefile", t, RunLineFile::Makefile, "CT001").is_empty());
        let m = makefile_recipes(t);
        assert!(m.text.contains("-e HOME=$HOME $(IMG)"), "{}", m.text);
    }

    #[test]
    fn makefile_dollar_escape_keeps_the_word_span() {
        // `$$` is one byte of shell text for two of source, so the value cannot be
        // cut out of the word: the finding covers the whole word, which is still exact.
        let t = "x:\n\tdocker run -e TOKEN=ab$$cd x\n";
        let file = SourceFile::new("Makefile", None, t);
        let spec = &run_line_specs(&file, RunLineFile::Makefile).0[0];
        let v = spec.env[0].value.as_ref().unwrap();
        assert_eq!(v.value, "ab$cd");
        assert_eq!(&t[v.at.range().unwrap()], "TOKEN=ab$$cd");
    }

    #[test]
    fn github_workflow_run_steps_in_block_scalars() {
        let t = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: e2e\n        run: |\n          docker build -t app .\n          docker run --rm \\\n            -v /var/run/docker.sock:/var/run/docker.sock app\n      - run: docker run --privileged app\n";
        assert_eq!(spans_of("ci.yml", t, RunLineFile::GithubWorkflow, "CT012"), ["/var/run/docker.sock"]);
        assert_eq!(spans_of("ci.yml", t, RunLineFile::GithubWorkflow, "CT001"), ["--privileged"]);
    }

    #[test]
    fn folded_scalars_join_lines() {
        let t = "jobs:\n  a:\n    steps:\n      - run: >\n          docker run\n          --pid=host x\n";
        assert_eq!(spans_of("ci.yml", t, RunLineFile::GithubWorkflow, "CT011"), ["host"]);
    }

    #[test]
    fn gitlab_scripts() {
        let t = "before_script:\n  - docker run --net=host x\ntest:\n  image: docker:27\n  script:\n    - echo hi\n    - 'docker run --privileged x'\n    - - docker run --ipc host x\n";
        assert_eq!(spans_of(".gitlab-ci.yml", t, RunLineFile::GitlabCi, "CT001"), ["--privileged"]);
        assert_eq!(spans_of(".gitlab-ci.yml", t, RunLineFile::GitlabCi, "CT011"), ["host", "host"]);
    }

    #[test]
    fn invalid_yaml_and_unknown_flags_are_syntax_findings() {
        let settings = Settings::default();
        let f = SourceFile::new("ci.yml", None, "jobs: [docker\n");
        let d = lint_run_lines(&f, RunLineFile::GithubWorkflow, &settings);
        assert_eq!(d[0].rule.code, "DW001");
        let t = "docker run --frobnicate x\n";
        let f = SourceFile::new("a.sh", None, t);
        let d: Vec<_> = lint_run_lines(&f, RunLineFile::ShellScript, &settings)
            .into_iter()
            .filter(|d| d.rule.code == "DW001")
            .collect();
        assert_eq!(&t[d[0].location.range().unwrap()], "--frobnicate");
        assert!(d[0].message.contains("unknown flag"));
    }

    #[test]
    fn fixes_apply_to_scripts() {
        let s =
            crate::SettingsBuilder { select: Some(vec!["CT003".into(), "CT005".into()]), ..Default::default() }.build();
        let r = check_run_lines_text(
            "a.sh",
            None,
            "docker run x\n",
            RunLineFile::ShellScript,
            &s,
            FixMode::Apply { unsafe_fixes: false },
        );
        let fixed = r.fixed.expect("fixed");
        assert!(fixed.text.contains("--cap-drop ALL"), "{}", fixed.text);
        assert!(fixed.text.contains("--security-opt no-new-privileges"), "{}", fixed.text);
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    }

    #[test]
    fn dockerfile_run_instructions() {
        let t = "FROM docker:27\nRUN docker run \\\n    --privileged x && \\\n    docker create --cap-add ALL y\n";
        let settings =
            crate::SettingsBuilder { select: Some(vec!["CT001".into(), "CT002".into()]), ..Default::default() }.build();
        let file = SourceFile::new("Dockerfile", None, t);
        let got: Vec<_> = crate::check::lint_dockerfile(&file, &settings)
            .iter()
            .map(|d| (d.rule.code, t[d.location.range().unwrap()].to_string()))
            .collect();
        assert_eq!(got, [("CT001", "--privileged".to_string()), ("CT002", "ALL".to_string())]);
    }

    #[test]
    fn line_pragmas_suppress_the_next_command_and_unused_ones_are_reported() {
        let t = "# dockward: ignore[CT001] the test rig needs it\ndocker run \\\n  --privileged x\n\n# dockward: ignore[privileged-container]\ndocker run --pid host x\ndocker run --privileged y\n";
        let settings =
            crate::SettingsBuilder { select: Some(vec!["CT001".into(), "DW003".into()]), ..Default::default() }.build();
        let file = SourceFile::new("a.sh", None, t);
        let got: Vec<_> = lint_run_lines(&file, RunLineFile::ShellScript, &settings)
            .iter()
            .map(|d| (d.rule.code, t[d.location.range().unwrap()].to_string()))
            .collect();
        assert_eq!(got, [("DW003", "privileged-container".to_string()), ("CT001", "--privileged".to_string())],);
        let file_wide = format!("# dockward: file-ignore[CT001]\n{t}");
        let file = SourceFile::new("a.sh", None, file_wide.as_str());
        let d = lint_run_lines(&file, RunLineFile::ShellScript, &settings);
        assert!(d.iter().all(|d| d.rule.code != "CT001"), "{d:?}");
    }

    #[test]
    fn command_substitutions_are_followed() {
        let t = "id=$(docker run -d --privileged x)\necho \"$(sudo docker run --pid=host \"$(cat img)\")\"\necho '$(docker run --privileged y)'\nn=$((1 + 2))\n";
        assert_eq!(spans_of("a.sh", t, RunLineFile::ShellScript, "CT001"), ["--privileged"]);
        assert_eq!(spans_of("a.sh", t, RunLineFile::ShellScript, "CT011"), ["host"]);
        assert_eq!(substitution_bodies("a$(b (c) d)e$(f)"), [(3, 10), (14, 15)]);
        assert!(substitution_bodies("$(unclosed").is_empty());
    }
}
