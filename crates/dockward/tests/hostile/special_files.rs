//! Issue 19 #1: FIFOs and devices where dockward expects a regular file.

use std::os::unix::fs::symlink;

use super::{mkfifo, run, write, CHECKED_DOCKERFILE};

const COMPOSE: &str = "services:\n  web:\n    image: nginx:1.27\n";

#[test]
fn devices_named_on_the_command_line_are_errors_and_the_rest_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", CHECKED_DOCKERFILE);
    for dev in ["/dev/zero", "/dev/urandom"] {
        let r = run(dir.path(), &["check", dev, "Dockerfile"], &[], None);
        assert_eq!(r.code, 2, "{}", r.all());
        assert!(r.all().contains(&format!("{dev}: a character device, not a regular file; not read")), "{}", r.all());
        assert!(r.checked("Dockerfile"), "the Dockerfile was not checked: {}", r.all());
    }
}

#[test]
fn a_fifo_env_beside_a_compose_file_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "compose.yaml", COMPOSE);
    write(dir.path(), "Dockerfile", CHECKED_DOCKERFILE);
    mkfifo(&dir.path().join(".env"));
    let r = run(dir.path(), &["check", "."], &[], None);
    assert_ne!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains(".env: error CO007"), "{}", r.all());
    assert!(r.stdout.contains("a named pipe (FIFO), not a regular file; not read"), "{}", r.all());
    assert!(r.checked("Dockerfile"), "{}", r.all());
}

#[test]
fn env_files_that_are_fifos_or_devices_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("pipe.env"));
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  a:\n    image: nginx:1.27\n    env_file: pipe.env\n  b:\n    image: nginx:1.27\n    env_file: /dev/zero\n",
    );
    let r = run(dir.path(), &["check", "compose.yaml"], &[], None);
    assert_ne!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("compose.yaml:4:"), "{}", r.all());
    assert!(r.stdout.contains("`pipe.env`: cannot read: a named pipe (FIFO)"), "{}", r.all());
    assert!(r.stdout.contains("compose.yaml:7:"), "{}", r.all());
    assert!(r.stdout.contains("`/dev/zero`: cannot read: a character device"), "{}", r.all());
}

#[test]
fn a_symlinked_env_is_reported_when_it_cannot_be_read() {
    for (target, message) in [
        ("/dev/urandom", "a character device, not a regular file"),
        ("missing.env", "cannot read: No such file or directory"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "compose.yaml", COMPOSE);
        symlink(target, dir.path().join(".env")).unwrap();
        let r = run(dir.path(), &["check", "compose.yaml"], &[], None);
        assert!(r.stdout.contains(".env: error CO007"), "{target}: {}", r.all());
        assert!(r.stdout.contains(message), "{target}: {}", r.all());
    }
}

#[test]
fn a_fifo_or_device_met_by_the_walk_is_an_error_and_never_opened() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok/Dockerfile", CHECKED_DOCKERFILE);
    mkfifo(&dir.path().join("Dockerfile"));
    mkfifo(&dir.path().join("compose.yaml"));
    let r = run(dir.path(), &["check", "."], &[], None);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("Dockerfile: error DW002"), "{}", r.all());
    assert!(r.stdout.contains("compose.yaml: error DW002"), "{}", r.all());
    assert!(r.checked("ok/Dockerfile"), "{}", r.all());
}

#[test]
fn compose_references_that_are_fifos_do_not_block() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("included.yaml"));
    mkfifo(&dir.path().join("base.yaml"));
    mkfifo(&dir.path().join("Dockerfile.pipe"));
    write(
        dir.path(),
        "compose.yaml",
        "include:\n  - included.yaml\nservices:\n  web:\n    extends:\n      file: base.yaml\n      service: web\n    \
         image: nginx:1.27\n  api:\n    build:\n      context: .\n      dockerfile: Dockerfile.pipe\n",
    );
    let r = run(dir.path(), &["check", "compose.yaml"], &[], None);
    assert_ne!(r.code, 0, "{}", r.all());
    for (line, what) in
        [("compose.yaml:2:5", "included file `included.yaml`"), ("compose.yaml:6:7", "extended file `base.yaml`")]
    {
        let message = format!("{line}: error CO006 [unresolved-extends-or-include] {what}: a named pipe (FIFO), not a regular file; not read");
        assert!(r.stdout.contains(&message), "{message}\n{}", r.all());
    }
}

#[test]
fn a_config_file_that_is_a_fifo_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", CHECKED_DOCKERFILE);
    mkfifo(&dir.path().join("dockward.toml"));
    let r = run(dir.path(), &["check", "Dockerfile"], &[], None);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.all().contains("dockward.toml"), "{}", r.all());
    assert!(r.all().contains("a named pipe (FIFO), not a regular file"), "{}", r.all());
}

#[test]
fn files_and_stdin_are_read_up_to_the_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", CHECKED_DOCKERFILE);
    let big = format!("FROM alpine:3.20\n{}", "# padding\n".repeat(300_000));
    write(dir.path(), "big/Dockerfile", &big);
    let limit = [("DOCKWARD_MAX_FILE_SIZE", "1MiB")];
    let r = run(dir.path(), &["check", "."], &limit, None);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.stdout
            .contains("big/Dockerfile: error DW002 [unreadable-file] cannot read: larger than the 1048576-byte limit"),
        "{}",
        r.all()
    );
    assert!(r.checked("Dockerfile"), "{}", r.all());
    // Without the override the file is read.
    assert!(!run(dir.path(), &["check", "big"], &[], None).stdout.contains("DW002"));
    // A stream of zeros on stdin stops at the limit.
    let r = run(dir.path(), &["check", "-"], &limit, Some(std::path::Path::new("/dev/zero")));
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.all().contains("larger than the 1048576-byte limit"), "{}", r.all());
}

#[test]
fn a_bad_limit_setting_is_an_error_up_front() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", CHECKED_DOCKERFILE);
    let r = run(dir.path(), &["check", "Dockerfile"], &[("DOCKWARD_MAX_FILE_SIZE", "lots")], None);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stderr.contains("DOCKWARD_MAX_FILE_SIZE=\"lots\" is not a size"), "{}", r.all());
}
