//! A table for people: one line per package, aligned, per image.

use std::fmt::Write;

use crate::model::Inventory;

pub(super) fn render(inventories: &[Inventory]) -> String {
    let mut out = String::new();
    for (i, inv) in inventories.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let os = match &inv.distro {
            Some(d) => {
                d.pretty_name.clone().unwrap_or_else(|| format!("{} {}", d.id, d.version_id.as_deref().unwrap_or("")))
            }
            None => "unknown operating system".into(),
        };
        let _ = writeln!(out, "{}: {os}, {} packages", inv.name, inv.packages.len());
        let rows: Vec<[String; 5]> = inv
            .packages
            .iter()
            .map(|p| {
                let source = match (&p.source_name, &p.source_version) {
                    (Some(n), Some(v)) if *n != p.name || *v != p.version => format!("{n} {v}"),
                    (Some(n), None) if *n != p.name => n.clone(),
                    _ => String::new(),
                };
                let layer = p.layer.map(|l| l.to_string()).unwrap_or_default();
                [p.name.clone(), p.version.clone(), p.ecosystem.as_str().to_string(), source, layer]
            })
            .collect();
        let header = ["NAME", "VERSION", "TYPE", "SOURCE", "LAYER"];
        let mut widths = header.map(str::len);
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |cells: &[&str]| {
            let mut l = String::new();
            for (k, c) in cells.iter().enumerate() {
                if k + 1 == cells.len() {
                    l.push_str(c);
                } else {
                    let _ = write!(l, "{c:<w$}  ", w = widths[k]);
                }
            }
            l.trim_end().to_string()
        };
        let _ = writeln!(out, "{}", line(&header));
        for r in &rows {
            let cells: Vec<&str> = r.iter().map(String::as_str).collect();
            let _ = writeln!(out, "{}", line(&cells));
        }
        for w in &inv.warnings {
            let layer = w.layer.map(|l| format!(" (layer {l})")).unwrap_or_default();
            let _ = writeln!(out, "warning: /{}{layer}: {}", w.path, w.message);
        }
        for n in &inv.notes {
            let _ = writeln!(out, "note: {n}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sample;
    use crate::Warning;

    #[test]
    fn aligned_rows_with_sources_and_warnings() {
        let mut inv = sample::inventory();
        inv.warnings.push(Warning { path: "var/lib/rpm/Packages".into(), layer: Some(1), message: "truncated".into() });
        let text = render(&[inv]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "corpus/py:1: Debian GNU/Linux 12 (bookworm), 3 packages");
        assert!(lines[1].starts_with("NAME      VERSION"), "{}", lines[1]);
        assert!(lines[2].starts_with("zlib1g    1:1.2.13.dfsg-1  deb"), "{}", lines[2]);
        assert!(lines[2].contains("zlib 1:1.2.13.dfsg-1"), "{}", lines[2]);
        assert_eq!(lines[5], "warning: /var/lib/rpm/Packages (layer 1): truncated");
    }
}
