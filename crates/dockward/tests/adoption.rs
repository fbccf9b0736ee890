//! Getting dockward and running it everywhere (issue 14): the extra output formats
//! end to end, completions and man pages, the pre-commit hook, the CI templates and
//! the container image.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dockward"));
    c.env("NO_COLOR", "1");
    c
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run dockward")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The same findings in every format: as many concise lines, Checkstyle errors and
/// GitLab issues as the JSON report has findings, with the same exit code.
#[test]
fn every_format_reports_the_same_findings() {
    let check = |format: &str| run(bin().current_dir(repo()).args(["check", "examples/insecure", "--format", format]));
    let json = check("json");
    assert_eq!(json.status.code(), Some(1), "{}", String::from_utf8_lossy(&json.stderr));
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.len() > 10, "{report}");

    let concise = check("concise");
    assert_eq!(concise.status.code(), Some(1));
    let lines: Vec<String> = stdout(&concise).lines().map(String::from).collect();
    assert_eq!(lines.len(), findings.len());
    for (line, f) in lines.iter().zip(findings) {
        let code = f["code"].as_str().unwrap();
        assert!(line.contains(&format!(": {code} [")), "{line} / {f}");
        assert!(line.starts_with("examples/insecure/"), "{line}");
    }

    let checkstyle = stdout(&check("checkstyle"));
    assert!(checkstyle.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">"));
    assert_eq!(checkstyle.matches("<error ").count(), findings.len());

    let gitlab: Value = serde_json::from_str(&stdout(&check("gitlab"))).unwrap();
    let issues = gitlab.as_array().unwrap();
    assert_eq!(issues.len(), findings.len());
    let mut prints: Vec<&str> = issues.iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
    prints.sort();
    prints.dedup();
    assert_eq!(prints.len(), issues.len(), "fingerprints are unique");
    assert!(issues.iter().all(|i| i["location"]["path"].as_str().unwrap().starts_with("examples/insecure/")));
}

/// `dockward completions` and `dockward man` print what is checked in under `dist/`.
#[test]
fn completions_and_man_print_the_checked_in_files() {
    for (shell, file) in
        [("bash", "dockward.bash"), ("zsh", "_dockward"), ("fish", "dockward.fish"), ("powershell", "_dockward.ps1")]
    {
        let out = run(bin().args(["completions", shell]));
        assert!(out.status.success());
        assert_eq!(out.stdout, std::fs::read(repo().join("dist/completions").join(file)).unwrap(), "{shell}");
    }
    let out = run(bin().arg("man"));
    assert!(out.status.success());
    assert_eq!(out.stdout, std::fs::read(repo().join("dist/man/dockward.1")).unwrap());
    let out = run(bin().args(["man", "check"]));
    assert_eq!(out.stdout, std::fs::read(repo().join("dist/man/dockward-check.1")).unwrap());
    let out = run(bin().args(["man", "nope"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no man page for `dockward-nope.1`"));
    let out = run(bin().args(["completions", "tcsh"]));
    assert_eq!(out.status.code(), Some(2));
}

/// A small git repository with files dockward handles and files it must not see.
fn sample_repository(dir: &Path) {
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    // Root at the end: a finding (the hook fails the commit).
    write("app/Dockerfile", "FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER root\n");
    write("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n");
    // Not Docker files; as a Dockerfile, README.md would be a parse error.
    write("README.md", "# Sample\n\nRun `docker compose up`.\n");
    write("docs/Dockerfile.md", "How we write Dockerfiles.\n");
    write("src/main.py", "print('hi')\n");
    let git = |args: &[&str]| {
        let out = Command::new("git").current_dir(dir).args(args).output().expect("git");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
}

/// The hook definitions (`.pre-commit-hooks.yaml`), read with dockward's YAML parser.
fn hooks() -> Vec<dockward_yaml::Node> {
    let text = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).unwrap();
    let doc = dockward_yaml::parse(&text, &dockward_yaml::Budget::default()).unwrap();
    doc.root.unwrap().as_seq().unwrap().to_vec()
}

/// What pre-commit does with the `dockward` hook: list the staged files, keep those
/// `files` matches (Python `re.search`), run `entry` with them appended. Only the
/// Docker files reach dockward, and the commit is refused for their findings.
#[test]
fn the_pre_commit_hook_runs_on_the_docker_files_only() {
    let tmp = tempfile::tempdir().unwrap();
    sample_repository(tmp.path());
    let hook = hooks().into_iter().find(|h| h.get("id").and_then(|n| n.as_str()) == Some("dockward")).unwrap();
    let files = fancy_regex::Regex::new(hook.get("files").unwrap().as_str().unwrap()).unwrap();
    let entry: Vec<String> =
        hook.get("entry").unwrap().as_str().unwrap().split_whitespace().map(String::from).collect();
    assert_eq!(hook.get("language").unwrap().as_str(), Some("system"));

    let listed = Command::new("git").current_dir(tmp.path()).args(["ls-files"]).output().unwrap();
    let staged: Vec<String> = String::from_utf8(listed.stdout).unwrap().lines().map(String::from).collect();
    let passed: Vec<&String> = staged.iter().filter(|f| files.is_match(f).unwrap()).collect();
    assert_eq!(passed, ["app/Dockerfile", "compose.yaml"]);

    assert_eq!(entry[0], "dockward", "the hook runs the installed binary");
    let out = run(Command::new(env!("CARGO_BIN_EXE_dockward")).current_dir(tmp.path()).args(&entry[1..]).args(&passed));
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("app/Dockerfile") && text.contains("compose.yaml"), "{text}");
    assert!(!text.contains("README") && !text.contains("main.py"), "{text}");
}

/// The same with the real `pre-commit` (`pip install pre-commit`), when it is
/// installed: `pre-commit try-repo` reads this repository's hook file as a user's
/// configuration would. Skipped (with a note) where pre-commit is not installed; the
/// test above covers the hook definition either way.
#[test]
fn the_real_pre_commit_runs_the_hook() {
    if Command::new("pre-commit").arg("--version").output().map(|o| !o.status.success()).unwrap_or(true) {
        eprintln!("pre-commit is not installed: skipped (pip install pre-commit)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    sample_repository(&work);
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_dockward")).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("pre-commit")
        .current_dir(&work)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", tmp.path().join("cache"))
        .args(["try-repo", repo().to_str().unwrap(), "dockward", "--all-files", "--verbose"])
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("app/Dockerfile") && text.contains("compose.yaml"), "{text}");
    assert!(!text.contains("README.md") && !text.contains("main.py"), "{text}");
    assert!(text.contains("dockward") && text.contains("Failed"), "{text}");
}

fn yaml(path: &str) -> dockward_yaml::Node {
    let text = std::fs::read_to_string(repo().join(path)).unwrap();
    let doc =
        dockward_yaml::parse(&text, &dockward_yaml::Budget::default()).unwrap_or_else(|e| panic!("{path}: {e:?}"));
    assert!(doc.errors.is_empty(), "{path}: {:?}", doc.errors);
    doc.root.unwrap_or_else(|| panic!("{path} is empty"))
}

fn str_at<'a>(node: &'a dockward_yaml::Node, keys: &[&str]) -> &'a str {
    let mut n = node;
    for k in keys {
        n = n.get(k).unwrap_or_else(|| panic!("no `{k}` in {keys:?}"));
    }
    n.as_str().unwrap_or_else(|| panic!("{keys:?} is not a string"))
}

/// A PATH with the dockward under test first.
fn path_with_dockward() -> String {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_dockward")).parent().unwrap();
    format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default())
}

/// `action.yml` is a composite action that uploads SARIF, and its "Run dockward" step,
/// run as the runner would (bash, inputs in the environment), writes a SARIF report
/// with the findings and passes exit 1 on to the later steps instead of failing.
#[test]
fn the_github_action_runs_dockward_and_uploads_sarif() {
    let action = yaml("action.yml");
    assert_eq!(str_at(&action, &["runs", "using"]), "composite");
    assert_eq!(str_at(&action, &["inputs", "command", "default"]), "check");
    let steps = action.get("runs").unwrap().get("steps").unwrap().as_seq().unwrap();
    let uses: Vec<&str> = steps.iter().filter_map(|s| s.get("uses").and_then(|u| u.as_str())).collect();
    assert_eq!(uses, ["github/codeql-action/upload-sarif@v3"]);
    let run_step = steps.iter().find(|s| s.get("id").and_then(|i| i.as_str()) == Some("run")).unwrap();
    let script = str_at(run_step, &["run"]);
    assert!(script.contains("--format sarif"), "{script}");

    let tmp = tempfile::tempdir().unwrap();
    let (sarif, output) = (tmp.path().join("out.sarif"), tmp.path().join("github_output"));
    let step = |command: &str| {
        Command::new("bash")
            .current_dir(repo())
            .args(["-c", script])
            .env("PATH", path_with_dockward())
            .env("INPUT_COMMAND", command)
            .env("INPUT_ARGS", "examples/insecure --ignore DF005")
            .env("INPUT_SARIF_FILE", &sarif)
            .env("GITHUB_OUTPUT", &output)
            .output()
            .unwrap()
    };
    let out = step("check");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "exit-code=1\n");
    let log: Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results.iter().all(|r| r["ruleId"] != "DF005"), "the extra args reach dockward");

    let out = step("audit");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("::error::"), "{out:?}");
}

/// The GitLab template: a job whose `codequality` report is what its script writes
/// with `--format gitlab`; the dockward lines of the script, run by `sh` in a copy of
/// the insecure example, write a non-empty report and exit 1, which the job allows.
#[test]
fn the_gitlab_template_writes_the_code_quality_report() {
    let template = yaml("ci/gitlab/dockward.gitlab-ci.yml");
    let job = template.get("dockward").expect("a `dockward` job");
    let report = str_at(job, &["artifacts", "reports", "codequality"]);
    assert_eq!(str_at(job, &["artifacts", "when"]), "always");
    let allowed = job.get("allow_failure").unwrap().get("exit_codes").unwrap().as_seq().unwrap();
    assert_eq!(allowed.iter().filter_map(|n| n.as_str()).collect::<Vec<_>>(), ["1"]);
    let script: Vec<&str> = job.get("script").unwrap().as_seq().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    let lines: Vec<&str> = script.iter().copied().filter(|l| l.starts_with("dockward ")).collect();
    assert_eq!(lines.len(), 2, "{script:?}");
    assert!(lines[1].contains("--format gitlab") && lines[1].contains(&format!("--output {report}")), "{lines:?}");

    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(repo().join("examples/insecure")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, tmp.path().join(path.file_name().unwrap())).unwrap();
    }
    let sh = |line: &str| {
        Command::new("sh")
            .current_dir(tmp.path())
            .args(["-c", line])
            .env("PATH", path_with_dockward())
            .env("DOCKWARD_ARGS", ".")
            .output()
            .unwrap()
    };
    let log = sh(lines[0]);
    assert_eq!(log.status.code(), Some(0), "the log line never fails the job");
    assert!(stdout(&log).lines().count() > 5, "{}", stdout(&log));
    let out = sh(lines[1]);
    assert_eq!(out.status.code(), Some(1));
    let issues: Value = serde_json::from_slice(&std::fs::read(tmp.path().join(report)).unwrap()).unwrap();
    assert_eq!(issues.as_array().unwrap().len(), stdout(&log).lines().count());
    assert!(issues[0]["location"]["path"].as_str().is_some_and(|p| !p.starts_with("./")), "{issues}");
}
