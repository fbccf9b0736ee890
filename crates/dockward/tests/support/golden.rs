//! Golden files: a reviewed expected output checked in under `tests/golden/`.
//! `DOCKWARD_UPDATE_GOLDEN=1` rewrites the file instead of comparing (review the diff
//! before committing it).

use std::path::Path;

/// Compares `actual` with the golden file `path` (relative to the crate), or rewrites the
/// file when `DOCKWARD_UPDATE_GOLDEN` is set. On a difference, panics with the first
/// differing line, so the failure says what changed; `what` names the output.
pub fn assert_golden(path: &str, actual: &str, what: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    if std::env::var_os("DOCKWARD_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (DOCKWARD_UPDATE_GOLDEN=1 writes it)", path.display()));
    if actual != expected {
        let (line, (a, e)) = actual
            .lines()
            .zip(expected.lines())
            .enumerate()
            .find(|(_, (a, e))| a != e)
            .unwrap_or((actual.lines().count().min(expected.lines().count()), ("<end>", "<end>")));
        panic!(
            "{what} differs from {} at line {}:\n  expected: {e}\n  actual:   {a}\n\
             review the change, then regenerate with DOCKWARD_UPDATE_GOLDEN=1",
            path.display(),
            line + 1
        );
    }
}
