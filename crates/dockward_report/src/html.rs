//! One self-contained HTML file: a summary with charts, compliance scorecards, every
//! finding with its location, source, help and fix, filterable and sortable in the page,
//! and the documentation of each rule that fired.
//!
//! Self-contained means no network at all: the styles and the script are inline, the
//! charts are inline SVG, and the fonts are the reader's own. The findings are data in
//! the page (a JSON island, [`write_findings_data`]) that the script draws a page of
//! rows at a time, filters and sorts: building 20,000 rows of DOM on load took seconds.
//! Without the script the summary, scorecards and rule documentation still read; printed,
//! the controls hide and every matching finding is drawn with its details open. Secrets
//! are masked exactly as in the other formats ([`crate::scrub`]). The output is
//! deterministic: no time stamps, no random ids.
//!
//! Size: one finding costs its message and a few numbers; its place, source lines (at
//! most [`SNIPPET_LINES`], each cut at [`SNIPPET_COLUMNS`]), help and fix are written
//! once however many findings share them, and so is each rule's documentation.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use dockward_diagnostics::{Diagnostic, Location, RuleMeta, Severity};

// The XML escape serves HTML too: element content and double-quoted attributes, line
// breaks as character references (which `<pre>` shows as breaks).
use crate::checkstyle::escape_attr as esc;
use crate::scrub::Secrets;
use crate::{Counts, Report, ReportOptions};

/// Source lines shown under a finding.
const SNIPPET_LINES: u32 = 6;
/// New and fixed findings listed in the "changes since" section; past this the page
/// names how many more (a first comparison can have every finding new, and rows of DOM
/// are what make a page slow to open).
const CHANGES_LISTED: usize = 500;
/// Characters kept of each source line.
const SNIPPET_COLUMNS: usize = 240;

/// What the HTML report shows beyond the findings.
#[derive(Debug, Clone, Default)]
pub struct HtmlSections {
    /// The page title: `dockward check`, `dockward audit of 3 hosts`.
    pub title: String,
    /// Compliance scorecards (the CIS Docker Benchmark's among them), in order.
    pub scorecards: Vec<ScorecardView>,
    /// With `--compare` and `--compliance`: the controls whose outcome changed.
    pub control_changes: Vec<ControlChangeView>,
}

/// A control whose outcome changed since the earlier run (`PASS` -> `FAIL`).
#[derive(Debug, Clone)]
pub struct ControlChangeView {
    /// `nist-800-190`.
    pub framework: String,
    pub id: String,
    pub title: String,
    pub before: String,
    pub after: String,
}

/// One framework's scorecard, already evaluated by the caller.
#[derive(Debug, Clone)]
pub struct ScorecardView {
    /// `nist-800-190`.
    pub id: String,
    pub title: String,
    /// A sentence on what the scorecard does and does not show.
    pub header: String,
    pub rows: Vec<ScorecardRow>,
}

/// One control of a scorecard.
#[derive(Debug, Clone)]
pub struct ScorecardRow {
    pub id: String,
    pub title: String,
    /// `FAIL`, `PASS`, `PARTIAL`, `MANUAL`, `N/A` or `NOT CHECKED`.
    pub outcome: String,
    /// The rule codes of its findings, in order.
    pub findings: Vec<String>,
    /// What a pass shows and what it does not.
    pub note: String,
}

/// The outcomes a scorecard can show, in the order of the charts.
const OUTCOMES: [(&str, &str); 6] = [
    ("FAIL", "#c62828"),
    ("PASS", "#2e7d32"),
    ("PARTIAL", "#f9a825"),
    ("MANUAL", "#6d4c41"),
    ("N/A", "#9e9e9e"),
    ("NOT CHECKED", "#546e7a"),
];

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Error => "#c62828",
        Severity::Warning => "#ef6c00",
        Severity::Info => "#1565c0",
    }
}

/// A rule code as an element id (`r-DF001`).
fn rule_anchor(code: &str) -> String {
    let safe: String = code.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("r-{safe}")
}

/// The family of a rule: the letters of its code (`DF`, `CT`, `VU`).
fn family(code: &str) -> &str {
    let end = code.find(|c: char| c.is_ascii_digit()).unwrap_or(code.len());
    &code[..end]
}

/// A horizontal bar chart: one labelled bar per (label, value, colour).
fn bar_chart(title: &str, bars: &[(String, usize, &str)]) -> String {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row_h) = (120usize, 320usize, 24usize);
    let height = bars.len().max(1) * row_h + 8;
    let mut svg = format!(
        "<figure><figcaption>{}</figcaption><svg role=img aria-label=\"{}\" viewBox=\"0 0 {} {height}\" width=\"{}\" height=\"{height}\">",
        esc(title),
        esc(title),
        label_w + bar_w + 60,
        label_w + bar_w + 60
    );
    for (i, (label, value, color)) in bars.iter().enumerate() {
        let y = i * row_h + 4;
        let w = if *value == 0 { 0 } else { (value * bar_w / max).max(2) };
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=end>{}</text><rect x=\"{}\" y=\"{y}\" width=\"{w}\" height=\"{}\" fill=\"{color}\"><title>{}: {value}</title></rect><text x=\"{}\" y=\"{}\">{value}</text>",
            label_w - 6,
            y + 15,
            esc(label),
            label_w,
            row_h - 6,
            esc(label),
            label_w + w + 6,
            y + 15
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

/// A single stacked bar of a scorecard's outcomes, with a legend.
fn outcome_bar(card: &ScorecardView) -> String {
    let total = card.rows.len().max(1);
    let width = 480usize;
    let mut svg = format!(
        "<svg role=img aria-label=\"{} outcomes\" viewBox=\"0 0 {width} 22\" width=\"{width}\" height=\"22\">",
        esc(&card.id)
    );
    let mut x = 0usize;
    let mut legend = String::from("<p class=legend>");
    for (outcome, color) in OUTCOMES {
        let n = card.rows.iter().filter(|r| r.outcome == outcome).count();
        if n == 0 {
            continue;
        }
        let w = n * width / total;
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"0\" width=\"{w}\" height=\"22\" fill=\"{color}\"><title>{outcome}: {n}</title></rect>"
        );
        x += w;
        let _ = write!(legend, "<span><i style=\"background:{color}\"></i>{outcome} {n}</span> ");
    }
    svg.push_str("</svg>");
    legend.push_str("</p>");
    svg + &legend
}

/// `line:column`, or nothing for a location that is not in a file.
fn position(location: &Location) -> String {
    match location {
        Location::Source { file, range } => file.position(range.start()).to_string(),
        _ => String::new(),
    }
}

/// Where a finding is, without the position: the file, or the logical place.
fn place(location: &Location) -> String {
    match location {
        Location::Logical { scope, path } => format!("{scope} {path}"),
        other => other.name().to_owned(),
    }
}

/// The lines of the finding's primary range, masked, with line numbers (plain text:
/// the script puts it in a `<pre>` as text).
fn snippet(d: &Diagnostic, secrets: &Secrets<'_>) -> Option<String> {
    let Location::Source { file, range } = &d.location else { return None };
    let index = file.line_index();
    let first = index.line_of(range.start());
    let last = index.line_of(range.end()).max(first).min(first + SNIPPET_LINES - 1);
    let mut out = String::new();
    for line in first..=last.min(index.line_count()) {
        let line_range = index.line_range(line, file.text());
        let text = file.slice(line_range);
        let mut masked = secrets.source(file, text, u32::from(line_range.start()));
        if masked.chars().count() > SNIPPET_COLUMNS {
            masked = masked.chars().take(SNIPPET_COLUMNS).collect::<String>() + "…";
        }
        let _ = writeln!(out, "{line:>5} {masked}");
    }
    Some(out)
}

/// Writes the HTML report.
pub fn render_html(
    report: &Report,
    options: &ReportOptions,
    sections: &HtmlSections,
    out: &mut dyn Write,
) -> io::Result<()> {
    let title = if sections.title.is_empty() { "dockward report" } else { sections.title.as_str() };
    let counts = Counts::of(report.diagnostics);
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><meta name=viewport content=\"width=device-width,initial-scale=1\"><meta name=generator content=\"dockward {}\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        esc(&options.tool_version),
        esc(title)
    )?;
    writeln!(out, "<header><h1>{}</h1><p>dockward {}</p></header><main>", esc(title), esc(&options.tool_version))?;

    // Summary.
    let (one, many) = options.subject;
    let subjects = report.files.len();
    writeln!(
        out,
        "<section id=summary><h2>Summary</h2><p class=cards><span class=\"card sev-error\"><b>{}</b> errors</span><span class=\"card sev-warning\"><b>{}</b> warnings</span><span class=\"card sev-info\"><b>{}</b> info</span><span class=card><b>{subjects}</b> {}</span></p>",
        counts.errors,
        counts.warnings,
        counts.info,
        if subjects == 1 { one } else { many }
    )?;
    if counts.total() > 0 {
        let bars: Vec<(String, usize, &str)> = [Severity::Error, Severity::Warning, Severity::Info]
            .into_iter()
            .map(|s| {
                let n = report.diagnostics.iter().filter(|d| d.severity == s).count();
                (s.as_str().to_owned(), n, severity_color(s))
            })
            .collect();
        out.write_all(bar_chart("Findings by severity", &bars).as_bytes())?;
        let mut families: BTreeMap<&str, usize> = BTreeMap::new();
        for d in report.diagnostics {
            *families.entry(family(d.rule.code)).or_default() += 1;
        }
        let bars: Vec<(String, usize, &str)> =
            families.into_iter().map(|(f, n)| (f.to_owned(), n, "#455a64")).collect();
        out.write_all(bar_chart("Findings by rule family", &bars).as_bytes())?;
        // Per place (file, host, image, container, service): the table a reader
        // scans first on a fleet audit.
        let mut places: BTreeMap<String, [usize; 3]> = BTreeMap::new();
        for d in report.diagnostics {
            let slot = match d.severity {
                Severity::Error => 0,
                Severity::Warning => 1,
                Severity::Info => 2,
            };
            places.entry(d.location.name().to_owned()).or_default()[slot] += 1;
        }
        writeln!(
            out,
            "<h3>By location</h3><table class=sortable id=places><thead><tr><th>Location<th class=num>Errors<th class=num>Warnings<th class=num>Info</thead><tbody>"
        )?;
        for (name, [e, w, i]) in &places {
            writeln!(out, "<tr><td>{}<td class=num>{e}<td class=num>{w}<td class=num>{i}", esc(name))?;
        }
        writeln!(out, "</tbody></table>")?;
    } else {
        writeln!(out, "<p class=clean>No findings.</p>")?;
    }
    writeln!(out, "</section>")?;

    // Scorecards.
    if !sections.scorecards.is_empty() {
        writeln!(out, "<section id=compliance><h2>Compliance evidence</h2>")?;
        for card in &sections.scorecards {
            writeln!(
                out,
                "<article class=scorecard id=\"c-{}\"><h3>{}</h3><p>{}</p>{}",
                esc(&card.id),
                esc(&card.title),
                esc(&card.header),
                outcome_bar(card)
            )?;
            writeln!(out, "<table class=sortable><thead><tr><th>Control<th>Title<th>Result<th>Findings<th>What it shows</thead><tbody>")?;
            for row in &card.rows {
                let class: String = row.outcome.to_ascii_lowercase().replace([' ', '/'], "-");
                let mut codes: Vec<&str> = row.findings.iter().map(String::as_str).collect();
                codes.sort_unstable();
                codes.dedup();
                let links: Vec<String> =
                    codes.iter().map(|c| format!("<a href=\"#{}\">{}</a>", rule_anchor(c), esc(c))).collect();
                writeln!(
                    out,
                    "<tr><td>{}<td>{}<td><span class=\"out out-{class}\">{}</span><td>{}<td>{}",
                    esc(&row.id),
                    esc(&row.title),
                    esc(&row.outcome),
                    if row.findings.is_empty() {
                        String::new()
                    } else {
                        format!("{} ({})", row.findings.len(), links.join(", "))
                    },
                    esc(&row.note)
                )?;
            }
            writeln!(out, "</tbody></table></article>")?;
        }
        writeln!(out, "</section>")?;
    }

    if let Some(comparison) = report.comparison {
        write_changes(report.diagnostics, comparison, &sections.control_changes, out)?;
    }

    // Findings: a table the script fills, a page at a time, from the data island below
    // (see `write_findings_data`).
    if !report.diagnostics.is_empty() {
        let mut places: Vec<&str> = report.diagnostics.iter().map(|d| d.location.name()).collect();
        places.sort_unstable();
        places.dedup();
        writeln!(
            out,
            "<section id=findings><h2>Findings</h2><form class=controls onsubmit=\"return false\"><input id=q type=search placeholder=\"Filter by text\" aria-label=\"Filter by text\"> <label><input type=checkbox class=sev value=error checked> errors</label> <label><input type=checkbox class=sev value=warning checked> warnings</label> <label><input type=checkbox class=sev value=info checked> info</label> <select id=place aria-label=Location><option value=\"\">every location</option>"
        )?;
        for p in &places {
            writeln!(out, "<option>{}</option>", esc(p))?;
        }
        writeln!(
            out,
            "</select> <span id=shown>{0} of {0} findings</span></form><noscript><p>The findings table is drawn by the page's script from the data below (that keeps a report of many findings small and quick to open); the text, JSON and SARIF formats list them without a browser.</p></noscript><table id=ft><thead><tr><th data-col=0>Severity<th data-col=1>Rule<th data-col=2>Location<th data-col=3 class=num>Line<th data-col=4>Message</thead><tbody></tbody></table><p class=more><button type=button id=more hidden>Show more</button></p>",
            report.diagnostics.len()
        )?;
        write_findings_data(report.diagnostics, out)?;
        writeln!(out, "</section>")?;
    }

    // Documentation of the rules that fired, once each.
    let mut fired: Vec<&'static RuleMeta> = Vec::new();
    for d in report.diagnostics {
        if !fired.iter().any(|r| r.code == d.rule.code) {
            fired.push(d.rule);
        }
    }
    fired.sort_by_key(|r| r.code);
    if !fired.is_empty() {
        writeln!(out, "<section id=rules><h2>Rules</h2>")?;
        for rule in fired {
            writeln!(
                out,
                "<article id=\"{}\"><h3>{} <code>{}</code></h3><p>{}</p><details><summary>Documentation</summary><pre class=doc>{}</pre></details></article>",
                rule_anchor(rule.code),
                esc(rule.code),
                esc(rule.name),
                esc(rule.summary),
                esc(rule.docs.trim())
            )?;
        }
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</main><script>{SCRIPT}</script></body></html>")
}

/// The "changes since" section: counts, the controls whose outcome changed, the new
/// findings and the fixed ones (the earlier report's text, escaped like any other).
fn write_changes(
    diagnostics: &[Diagnostic],
    comparison: &crate::compare::Comparison,
    controls: &[ControlChangeView],
    out: &mut dyn Write,
) -> io::Result<()> {
    use crate::compare::Change;
    let c = comparison.counts();
    writeln!(
        out,
        "<section id=changes><h2>Changes since {}</h2><p class=cards><span class=\"card chg-new\"><b>{}</b> new</span><span class=\"card chg-fixed\"><b>{}</b> fixed</span><span class=card><b>{}</b> unchanged</span></p>",
        esc(&comparison.since),
        c.new,
        c.fixed,
        c.unchanged
    )?;
    if !controls.is_empty() {
        writeln!(out, "<h3>Controls whose outcome changed</h3><table class=sortable id=control-changes><thead><tr><th>Framework<th>Control<th>Title<th>Before<th>Now</thead><tbody>")?;
        for row in controls {
            let class = |o: &str| o.to_ascii_lowercase().replace([' ', '/'], "-");
            writeln!(
                out,
                "<tr><td>{}<td>{}<td>{}<td><span class=\"out out-{}\">{}</span><td><span class=\"out out-{}\">{}</span>",
                esc(&row.framework),
                esc(&row.id),
                esc(&row.title),
                class(&row.before),
                esc(&row.before),
                class(&row.after),
                esc(&row.after)
            )?;
        }
        writeln!(out, "</tbody></table>")?;
    }
    if c.new > 0 {
        writeln!(out, "<h3>New</h3><table class=sortable id=new-findings><thead><tr><th>Severity<th>Rule<th>Location<th>Line<th>Message</thead><tbody>")?;
        let new = diagnostics.iter().zip(&comparison.changes).filter(|(_, c)| **c == Change::New);
        for (d, _) in new.take(CHANGES_LISTED) {
            let sev = d.severity.as_str();
            writeln!(
                out,
                "<tr class=\"sev-{sev}\"><td><span class=badge>{sev}</span><td><a href=\"#{}\">{}</a><td>{}<td class=num>{}<td>{}",
                rule_anchor(d.rule.code),
                esc(d.rule.code),
                esc(&place(&d.location)),
                position(&d.location),
                esc(&Secrets::of(d).scrub(&d.message))
            )?;
        }
        writeln!(out, "</tbody></table>")?;
        if c.new > CHANGES_LISTED {
            writeln!(
                out,
                "<p>and {} more: the JSON format's <code>change</code> field lists every one.</p>",
                c.new - CHANGES_LISTED
            )?;
        }
    }
    if c.fixed > 0 {
        writeln!(out, "<h3>Fixed</h3><table class=sortable id=fixed-findings><thead><tr><th>Severity<th>Rule<th>Location<th>Message</thead><tbody>")?;
        for f in comparison.fixed.iter().take(CHANGES_LISTED) {
            let sev = match f.severity.as_str() {
                s @ ("error" | "warning" | "info") => s,
                _ => "info",
            };
            writeln!(
                out,
                "<tr class=\"sev-{sev}\"><td><span class=badge>{}</span><td>{}<td>{}<td>{}",
                esc(&f.severity),
                esc(&f.code),
                esc(&f.path),
                esc(&f.message)
            )?;
        }
        writeln!(out, "</tbody></table>")?;
        if c.fixed > CHANGES_LISTED {
            writeln!(
                out,
                "<p>and {} more: the JSON format's <code>comparison.fixed_findings</code> lists every one.</p>",
                c.fixed - CHANGES_LISTED
            )?;
        }
    }
    writeln!(out, "</section>")
}

/// Strings written once and referred to by index: the places, snippets, help, fix and
/// related texts many findings share (a rule's help is the same on every finding).
#[derive(Default)]
struct StringTable {
    index: std::collections::HashMap<String, usize>,
    strings: Vec<String>,
}

impl StringTable {
    /// The index of `text`; `-1` (no entry) for an empty text.
    fn id(&mut self, text: &str) -> i64 {
        if text.is_empty() {
            return -1;
        }
        if let Some(&i) = self.index.get(text) {
            return i as i64;
        }
        let i = self.strings.len();
        self.strings.push(text.to_owned());
        self.index.insert(text.to_owned(), i);
        i as i64
    }
}

/// A string as JSON that is safe inside `<script>`: every `<` escaped, so neither
/// `</script>` nor `<!--` can appear, whatever a message or a masked line holds.
fn script_json(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into()).replace('<', "\\u003c")
}

/// The findings as data the script draws the table from, in report order:
/// `{"f":[[severity, code, place, location, line, message, snippet, help, fix,
/// related, vulnerability], ...], "s":[strings]}`, the text fields after `code` indices
/// into `s` except the message and line (-1: none). Secrets are masked here, as in every
/// format. One finding costs its message and a few numbers; the rest is shared.
fn write_findings_data(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    let mut table = StringTable::default();
    write!(out, "<script type=application/json id=findings-data>{{\"f\":[")?;
    for (i, d) in diagnostics.iter().enumerate() {
        let secrets = Secrets::of(d);
        let severity = match d.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        };
        let snippet = snippet(d, &secrets).unwrap_or_default();
        let help = d.help.as_ref().map(|h| secrets.scrub(h).into_owned()).unwrap_or_default();
        let fix = d
            .fix
            .as_ref()
            .map(|f| format!("Fix ({}): {}", f.applicability.as_str(), secrets.scrub(&f.message)))
            .unwrap_or_default();
        let related: Vec<String> =
            d.related.iter().map(|r| format!("{}: {}", r.location, secrets.scrub(&r.message))).collect();
        let vuln = d
            .vuln
            .as_ref()
            .map(|v| {
                format!(
                    "{} {} in {} {}{}",
                    v.advisory,
                    v.severity,
                    v.package,
                    v.version,
                    v.fixed.as_deref().map(|f| format!(", fixed in {f}")).unwrap_or_default()
                )
            })
            .unwrap_or_default();
        write!(
            out,
            "{}[{severity},{},{},{},{},{},{},{},{},{},{}]",
            if i == 0 { "" } else { ",\n" },
            script_json(d.rule.code),
            table.id(&place(&d.location)),
            table.id(d.location.name()),
            script_json(&position(&d.location)),
            script_json(&secrets.scrub(&d.message)),
            table.id(&snippet),
            table.id(&help),
            table.id(&fix),
            table.id(&related.join("\n")),
            table.id(&vuln)
        )?;
    }
    write!(out, "],\n\"s\":[")?;
    for (i, text) in table.strings.iter().enumerate() {
        write!(out, "{}{}", if i == 0 { "" } else { ",\n" }, script_json(text))?;
    }
    writeln!(out, "]}}</script>")
}

const STYLE: &str = r#"
:root{--fg:#1b1f23;--muted:#57606a;--line:#d0d7de;--bg:#fff;--alt:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:16px 24px;border-bottom:1px solid var(--line);background:var(--alt)}
header h1{margin:0;font-size:1.5em}header p{margin:4px 0 0;color:var(--muted)}
main{padding:8px 24px 48px;max-width:1400px}
h2{border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:32px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:110px}
.card b{font-size:1.4em;display:block}
.card.sev-error b{color:#c62828}.card.sev-warning b{color:#ef6c00}.card.sev-info b{color:#1565c0}
figure{display:inline-block;margin:12px 24px 12px 0;vertical-align:top}
figcaption{font-weight:600;margin-bottom:4px}
svg text{font-size:12px;fill:var(--fg)}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--alt);position:sticky;top:0;cursor:pointer;user-select:none}
th.sorted-asc::after{content:" \25B2"}th.sorted-desc::after{content:" \25BC"}
td.num,th.num{text-align:right;white-space:nowrap}
tr.sev-error .badge{background:#c62828}tr.sev-warning .badge{background:#ef6c00}tr.sev-info .badge{background:#1565c0}
.badge{color:#fff;border-radius:4px;padding:0 6px;font-size:.85em}
td{overflow-wrap:anywhere}
#ft th{cursor:pointer}
.more button{padding:4px 12px}
pre{background:var(--alt);padding:8px;overflow-x:auto;font-size:13px;margin:6px 0}
pre.doc{white-space:pre-wrap}
.ln{color:var(--muted)}
.controls{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:8px 0}
.controls input[type=search]{padding:4px 8px;min-width:240px}
.legend span{margin-right:12px;white-space:nowrap}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
.out{font-weight:600;white-space:nowrap}
.scorecard td:nth-child(2){min-width:12em}.scorecard td:first-child{white-space:nowrap}.out-fail{color:#c62828}.out-pass{color:#2e7d32}.out-partial{color:#a07800}
.clean{font-size:1.2em;color:#2e7d32}
svg{max-width:100%;height:auto}
@media (max-width:700px){main{padding:8px}#ft th:nth-child(4),#ft td:nth-child(4){display:none}.scorecard td:nth-child(2){min-width:0}.scorecard th:nth-child(4),.scorecard td:nth-child(4){display:none}}
@media print{.controls,.more{display:none}details>*{display:block}th{position:static}a{color:inherit;text-decoration:none}}
"#;

/// The findings table, drawn from the data island a page at a time (`PAGE` rows, then
/// "Show more"), filtered by text, severity and location and sorted by column over the
/// data, not the DOM: a 20,000-finding report opens with 200 rows built instead of
/// 20,000. Printing draws every matching row with its details open. The other tables
/// sort in the DOM. Plain DOM code: no library, nothing fetched.
const SCRIPT: &str = r#"
(function(){
  var PAGE=200,SEV=['error','warning','info'];
  var island=document.getElementById('findings-data');
  var data=island?JSON.parse(island.textContent):{f:[],s:[]};
  var S=data.s,F=data.f,matching=F,drawn=0,search=null;
  var body=document.querySelector('#ft tbody'),more=document.getElementById('more');
  function str(i){return i<0?'':S[i]}
  function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;if(text!=null)e.textContent=text;return e}
  function row(f){
    var sev=SEV[f[0]],tr=el('tr','sev-'+sev);tr.dataset.sev=sev;tr.dataset.place=str(f[3]);
    var td=el('td');td.appendChild(el('span','badge',sev));tr.appendChild(td);
    td=el('td');var a=el('a',null,f[1]);a.href='#r-'+f[1].replace(/[^A-Za-z0-9]/g,'-');td.appendChild(a);tr.appendChild(td);
    tr.appendChild(el('td',null,str(f[2])));tr.appendChild(el('td','num',f[4]));
    td=el('td',null,f[5]);
    if(f[6]>=0||f[7]>=0||f[8]>=0||f[9]>=0||f[10]>=0){
      var d=el('details');d.appendChild(el('summary',null,'details'));
      if(f[6]>=0)d.appendChild(el('pre','src',str(f[6])));
      if(f[7]>=0)d.appendChild(el('p','help',str(f[7])));
      if(f[8]>=0)d.appendChild(el('p','fix',str(f[8])));
      if(f[9]>=0){var ul=el('ul','related');str(f[9]).split('\n').forEach(function(l){ul.appendChild(el('li',null,l))});d.appendChild(ul)}
      if(f[10]>=0)d.appendChild(el('p','vuln',str(f[10])));
      if(printing)d.open=true;
      td.appendChild(d);
    }
    tr.appendChild(td);return tr;
  }
  var printing=false;
  function draw(upto){
    var frag=document.createDocumentFragment();
    for(;drawn<Math.min(upto,matching.length);drawn++)frag.appendChild(row(matching[drawn]));
    if(body)body.appendChild(frag);
    if(more){more.hidden=drawn>=matching.length;more.textContent='Show '+Math.min(PAGE,matching.length-drawn)+' more'}
  }
  function text(f){return [SEV[f[0]],f[1],str(f[2]),f[4],f[5],str(f[6]),str(f[7]),str(f[8]),str(f[9]),str(f[10])].join(' ').toLowerCase()}
  function apply(){
    var q=((document.getElementById('q')||{}).value||'').toLowerCase();
    var sev={};document.querySelectorAll('input.sev').forEach(function(c){sev[c.value]=c.checked});
    var place=(document.getElementById('place')||{}).value||'';
    if(q&&!search)search=F.map(text);
    matching=F.filter(function(f,i){
      return sev[SEV[f[0]]]!==false&&(!place||str(f[3])===place)&&(!q||search[i].indexOf(q)>=0);
    });
    redraw();
  }
  function redraw(){
    if(body)body.textContent='';drawn=0;draw(PAGE);
    var s=document.getElementById('shown');if(s)s.textContent=matching.length+' of '+F.length+' findings';
  }
  ['q','place'].forEach(function(id){var e=document.getElementById(id);if(e){e.addEventListener('input',apply);e.addEventListener('change',apply)}});
  document.querySelectorAll('input.sev').forEach(function(c){c.addEventListener('change',apply)});
  if(more)more.addEventListener('click',function(){draw(drawn+PAGE)});
  // Sorting the findings sorts the data (F stays in report order for filtering).
  var order=null;
  document.querySelectorAll('#ft th').forEach(function(th){
    th.addEventListener('click',function(){
      var col=+th.dataset.col,asc=!th.classList.contains('sorted-asc');
      document.querySelectorAll('#ft th').forEach(function(h){h.classList.remove('sorted-asc','sorted-desc')});
      th.classList.add(asc?'sorted-asc':'sorted-desc');
      function key(f){switch(col){case 0:return f[0];case 1:return f[1];case 2:return str(f[2]).toLowerCase();
        case 3:var m=/^(\d+):(\d+)$/.exec(f[4]);return m?(+m[1])*1e6+(+m[2]):-1;default:return f[5].toLowerCase()}}
      matching=matching.slice().sort(function(a,b){var x=key(a),y=key(b);return (x<y?-1:x>y?1:0)*(asc?1:-1)});
      redraw();
    });
  });
  var rank={error:0,warning:1,info:2};
  function key(r,i){var c=r.cells[i];if(!c)return '';var t=c.textContent.trim();
    if(i===0&&t in rank)return rank[t];var n=parseFloat(t);return (/^[0-9.:]+$/.test(t)&&!isNaN(n))?n:t.toLowerCase()}
  document.querySelectorAll('table.sortable').forEach(function(table){
    table.tHead.rows[0].querySelectorAll('th').forEach(function(th,i){
      th.addEventListener('click',function(){
        var asc=!th.classList.contains('sorted-asc');
        table.tHead.querySelectorAll('th').forEach(function(h){h.classList.remove('sorted-asc','sorted-desc')});
        th.classList.add(asc?'sorted-asc':'sorted-desc');
        var tb=table.tBodies[0];var rs=Array.prototype.slice.call(tb.rows);
        rs.sort(function(a,b){var x=key(a,i),y=key(b,i);return (x<y?-1:x>y?1:0)*(asc?1:-1)});
        rs.forEach(function(r){tb.appendChild(r)});
      });
    });
  });
  // `#filter=TEXT` in the address fills the filter: a link can show one rule or file.
  var m=/^#filter=(.*)$/.exec(location.hash);var qi=document.getElementById('q');
  if(m&&qi){qi.value=decodeURIComponent(m[1]);apply();}else{redraw();}
  // Printed, every matching finding shows, details open.
  function forPrint(){printing=true;draw(matching.length);document.querySelectorAll('details').forEach(function(d){d.open=true})}
  window.addEventListener('beforeprint',forPrint);
  if(window.matchMedia){window.matchMedia('print').addListener(function(q){if(q.matches)forPrint()})}
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    fn html(report: &Report, sections: &HtmlSections) -> String {
        let mut out = Vec::new();
        render_html(report, &ReportOptions::default(), sections, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn findings_are_escaped_located_and_masked() {
        let f = file("Dockerfile", "FROM a\nENV TOKEN=s3cr3t-v4lue-123\nUSER <root>\n");
        let mut secret = diag(&RULE_B, &f, 11, 33, "A secret is set: s3cr3t-v4lue-123");
        secret.redactions = dockward_diagnostics::thin_vec![range(17, 33)];
        let diags = vec![secret, diag(&RULE_A, &f, 34, 45, "USER <root> & more")];
        let files = vec!["Dockerfile".to_owned()];
        let page = html(&report(&diags, &files), &HtmlSections::default());
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(!page.contains("s3cr3t-v4lue-123"), "the secret leaked");
        assert!(page.contains("ENV TOKEN=****"));
        // The findings are data for the script: escaped so that no `<` reaches the
        // script element (no `</script>`), located, with the rule's page linked by code.
        let island = &page[page.find("id=findings-data>").unwrap()..];
        let island = &island[..island.find("</script>").unwrap()];
        assert!(!island[1..].contains('<'), "{island}");
        assert!(island.contains(r#"[1,"DF001","#) && island.contains(r#""3:1","USER \u003croot> & more""#), "{island}");
        assert!(page.contains("id=\"r-DF001\"") && page.contains("id=\"r-DF002\""));
        let data: serde_json::Value = serde_json::from_str(&island["id=findings-data>".len()..]).unwrap();
        assert_eq!(data["f"].as_array().unwrap().len(), 2);
        let strings = data["s"].as_array().unwrap();
        let snippet = data["f"][0][6].as_i64().unwrap() as usize;
        assert_eq!(strings[snippet], "    2 ENV TOKEN=****\n");
        assert!(page.contains("2 of 2 findings"));
        // Nothing is fetched: no external URL in src/href attributes.
        assert!(!page.contains("src=\"http") && !page.contains("href=\"http") && !page.contains("@import"));
        // Deterministic.
        assert_eq!(page, html(&report(&diags, &files), &HtmlSections::default()));
    }

    #[test]
    fn scorecards_and_charts_are_drawn() {
        let sections = HtmlSections {
            title: "dockward audit".into(),
            control_changes: vec![],
            scorecards: vec![ScorecardView {
                id: "nist-800-190".into(),
                title: "NIST SP 800-190".into(),
                header: "2 controls have technical evidence".into(),
                rows: vec![
                    ScorecardRow {
                        id: "4.4.3".into(),
                        title: "Insecure runtime".into(),
                        outcome: "FAIL".into(),
                        findings: vec!["DF001".into(), "DF001".into()],
                        note: "n".into(),
                    },
                    ScorecardRow {
                        id: "4.1.3".into(),
                        title: "Malware".into(),
                        outcome: "MANUAL".into(),
                        findings: vec![],
                        note: "m".into(),
                    },
                ],
            }],
        };
        let f = file("Dockerfile", "FROM a\n");
        let diags = vec![diag(&RULE_A, &f, 0, 4, "x")];
        let files = vec!["Dockerfile".to_owned()];
        let page = html(&report(&diags, &files), &sections);
        assert!(page.contains("<title>dockward audit</title>"));
        assert!(page.contains("<span class=\"out out-fail\">FAIL</span><td>2 (<a href=\"#r-DF001\">DF001</a>)"));
        assert!(page.contains("FAIL 1</span>") && page.contains("MANUAL 1</span>"));
        assert!(page.contains("Findings by rule family"));
        let clean = html(&report(&[], &files), &HtmlSections::default());
        assert!(clean.contains("No findings.") && !clean.contains("id=ft"));
    }

    #[test]
    fn changes_list_at_most_a_bounded_number_of_findings() {
        let f = file("Dockerfile", "FROM a\n");
        let diags: Vec<Diagnostic> =
            (0..CHANGES_LISTED + 3).map(|i| diag(&RULE_A, &f, 0, 4, &format!("m{i}"))).collect();
        let files = vec!["Dockerfile".to_owned()];
        let comparison = crate::compare::Comparison {
            since: "old <1>.json".into(),
            changes: vec![crate::compare::Change::New; diags.len()],
            fixed: vec![],
        };
        let mut r = report(&diags, &files);
        r.comparison = Some(&comparison);
        let page = html(&r, &HtmlSections::default());
        let section = &page[page.find("<section id=changes>").unwrap()..];
        let section = &section[..section.find("</section>").unwrap()];
        assert!(section.contains("Changes since old &lt;1&gt;.json"));
        assert_eq!(section.matches("<tr class=").count(), CHANGES_LISTED);
        assert!(section.contains("and 3 more"), "{section}");
    }
}
