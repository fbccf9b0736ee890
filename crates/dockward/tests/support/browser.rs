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

/// The rows of the findings table (`#ft`) in a DOM, each as its markup.
pub fn finding_rows(dom: &str) -> Vec<&str> {
    let Some(at) = dom.find("id=\"ft\"") else { return Vec::new() };
    let table = &dom[at..];
    let table = &table[..table.find("</table>").unwrap_or(table.len())];
    table.split("<tr class=\"sev-").skip(1).collect()
}

/// `(matching, total)` from the count beside the filter: `12 of 40 findings`.
pub fn counts(dom: &str) -> (usize, usize) {
    let at = dom.find("id=\"shown\">").expect("the count beside the filter") + "id=\"shown\">".len();
    let text = &dom[at..at + dom[at..].find('<').unwrap()];
    let words: Vec<&str> = text.split_whitespace().collect();
    assert_eq!((words.len(), words[1], words[3]), (4, "of", "findings"), "{text}");
    (words[0].parse().unwrap(), words[2].parse().unwrap())
}

/// The rows the script draws at first, then on each "Show more".
pub const PAGE: usize = 200;

/// The checks every report page must pass in the browser: it rendered, the script ran
/// without a console message and drew the first page of findings from the page's data,
/// the text filter from the URL keeps only what matches and the count follows.
pub fn assert_renders(file: &Path, must_contain: &[&str], filter: &str) -> Page {
    let page = open(file, "");
    assert!(page.console.is_empty(), "console: {:?}", page.console);
    for text in must_contain {
        assert!(page.dom.contains(text), "the page lacks {text:?}");
    }
    let (matching, total) = counts(&page.dom);
    assert_eq!(matching, total, "unfiltered, every finding matches");
    assert_eq!(finding_rows(&page.dom).len(), total.min(PAGE), "the first page of {total} findings");
    let filtered = open(file, &format!("#filter={filter}"));
    assert!(filtered.console.is_empty(), "console: {:?}", filtered.console);
    let (shown, all) = counts(&filtered.dom);
    assert_eq!(all, total);
    assert!(shown > 0 && shown < total, "#filter={filter}: {shown} of {total}");
    let rows = finding_rows(&filtered.dom);
    assert_eq!(rows.len(), shown.min(PAGE));
    let needle = filter.to_lowercase();
    assert!(rows.iter().all(|r| r.to_lowercase().contains(&needle)), "a row without {filter}");
    page
}
