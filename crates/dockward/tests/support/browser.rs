//! A real browser for the HTML report: headless Chromium (Debian's `chromium`, which
//! `.ci/run` installs) loads the page from a file, runs its script, and gives back the
//! DOM it ends with and every console message. Screenshots at two widths are kept in
//! `target/test-artefacts/html/` for a person to look at; they are not committed.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What the browser made of a page.
pub struct Page {
    /// The document after the page's script ran (`--dump-dom`).
    pub dom: String,
    /// Console messages and uncaught errors the page produced.
    pub console: Vec<String>,
}

fn chromium() -> Command {
    let mut cmd = Command::new("chromium");
    // --no-sandbox: tests run as root in a container, where Chromium's sandbox
    // cannot start. No network is needed: the page is self-contained.
    cmd.args(["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-logging=stderr", "--v=0"]);
    cmd
}

/// Loads `file` (with an optional `#fragment`) and returns its final DOM and console.
pub fn open(file: &Path, fragment: &str) -> Page {
    let url = format!("file://{}{fragment}", file.display());
    let out = chromium()
        .args(["--virtual-time-budget=2000", "--dump-dom", &url])
        .output()
        .expect("headless Chromium (`apt-get install chromium`; .ci/run installs it)");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    let console =
        String::from_utf8_lossy(&out.stderr).lines().filter(|l| l.contains(":CONSOLE")).map(str::to_owned).collect();
    Page { dom: String::from_utf8_lossy(&out.stdout).into_owned(), console }
}

/// Screenshots of `file` at a desktop and a phone width, named `<name>-<width>.png`.
pub fn screenshots(file: &Path, name: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../test-artefacts/html");
    std::fs::create_dir_all(&dir).unwrap();
    [1280u32, 420]
        .iter()
        .map(|width| {
            let png = dir.join(format!("{name}-{width}.png"));
            let _ = std::fs::remove_file(&png);
            let out = chromium()
                .arg(format!("--screenshot={}", png.display()))
                .arg(format!("--window-size={width},1800"))
                .arg(format!("file://{}", file.display()))
                .output()
                .expect("headless Chromium");
            assert!(out.status.success() && png.exists(), "no screenshot: {}", String::from_utf8_lossy(&out.stderr));
            png
        })
        .collect()
}

/// The checks every report page must pass in the browser: it rendered, the script ran
/// without a console message, the text filter from the URL hides what does not match.
pub fn assert_renders(file: &Path, must_contain: &[&str], filter: &str) -> Page {
    let page = open(file, "");
    assert!(page.console.is_empty(), "console: {:?}", page.console);
    for text in must_contain {
        assert!(page.dom.contains(text), "the page lacks {text:?}");
    }
    // The findings the script counts are all shown before filtering.
    let rows = page.dom.matches("<tr class=\"sev-").count();
    assert!(page.dom.contains(&format!("{rows} shown")), "{rows} rows, but the count says otherwise");
    let filtered = open(file, &format!("#filter={filter}"));
    assert!(filtered.console.is_empty(), "console: {:?}", filtered.console);
    let hidden = filtered.dom.matches(" hidden=\"\"").count();
    let shown = rows - hidden;
    assert!(shown > 0 && hidden > 0, "#filter={filter}: {shown} shown, {hidden} hidden of {rows}");
    assert!(filtered.dom.contains(&format!("{shown} shown")));
    page
}
