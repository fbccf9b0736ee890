//! `docker run` lines in a shell script, a Makefile, a GitHub workflow or a GitLab CI
//! file (chosen by the first byte): the flag parser, the CT rules and their fixes.
#![no_main]
#[path = "common/mod.rs"]
mod common;

use dockward_linter::run_lines::RunLineFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let (kind, name) = match selector % 4 {
        0 => (RunLineFile::ShellScript, "run.sh"),
        1 => (RunLineFile::Makefile, "Makefile"),
        2 => (RunLineFile::GithubWorkflow, ".github/workflows/ci.yml"),
        _ => (RunLineFile::GitlabCi, ".gitlab-ci.yml"),
    };
    let fix = common::fix_mode(selector / 4);
    let _ = dockward_linter::run_lines::check_run_lines_bytes(name, None, bytes, kind, &common::SETTINGS, fix);
});
