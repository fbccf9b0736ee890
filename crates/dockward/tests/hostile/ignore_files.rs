//! Issue 19 #2: ignore files the directory walker (the `ignore` crate) would read:
//! a `.gitignore` symlink to `/dev/zero` aborted the process, a FIFO blocked it.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

use super::{mkfifo, run, write, CHECKED_DOCKERFILE};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "init.defaultBranch=main"])
        .args(args)
        .output()
        .expect("git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_cloned_repository_with_a_gitignore_symlink_to_dev_zero_is_an_error_not_an_abort() {
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin");
    write(&origin, "app/Dockerfile", CHECKED_DOCKERFILE);
    write(&origin, "Dockerfile", CHECKED_DOCKERFILE);
    symlink("/dev/zero", origin.join("app/.gitignore")).unwrap();
    git(&origin, &["init", "-q"]);
    git(&origin, &["add", "-A"]);
    git(&origin, &["commit", "-q", "-m", "hostile"]);
    // git stores the symlink and a clone checks it out as one.
    git(dir.path(), &["clone", "-q", "origin", "clone"]);
    let clone = dir.path().join("clone");
    assert!(std::fs::symlink_metadata(clone.join("app/.gitignore")).unwrap().file_type().is_symlink());
    let r = run(&clone, &["check", "."], &[], None);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.stdout.contains(
            "app/.gitignore: error DW002 [unreadable-file] cannot read: a character device, not a regular file; \
             not read; the directory `app` is not walked"
        ),
        "{}",
        r.all()
    );
    // The rest of the repository is checked.
    assert!(r.checked("Dockerfile"), "{}", r.all());
}

#[test]
fn fifo_ignore_files_are_errors_and_the_other_directories_are_walked() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/Dockerfile", CHECKED_DOCKERFILE);
    write(dir.path(), "b/Dockerfile", CHECKED_DOCKERFILE);
    write(dir.path(), "c/Dockerfile", CHECKED_DOCKERFILE);
    mkfifo(&dir.path().join("a/.dockwardignore"));
    mkfifo(&dir.path().join("b/.ignore"));
    let r = run(dir.path(), &["check", "."], &[], None);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("a/.dockwardignore: error DW002"), "{}", r.all());
    assert!(r.stdout.contains("b/.ignore: error DW002"), "{}", r.all());
    assert!(r.checked("c/Dockerfile"), "{}", r.all());
    assert!(!r.checked("a/Dockerfile"), "{}", r.all());
}

#[test]
fn a_bad_ignore_file_above_the_walked_directory_is_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "sub/Dockerfile", CHECKED_DOCKERFILE);
    mkfifo(&dir.path().join(".gitignore"));
    let r = run(&dir.path().join("sub"), &["check", "."], &[], None);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.all().contains("`.` is walked without the ignore files above it, nor any `.gitignore`"), "{}", r.all());
    assert!(r.checked("Dockerfile"), "{}", r.all());
}
