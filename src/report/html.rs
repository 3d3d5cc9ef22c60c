//! report.html: one self-contained file a reader can open, mail or archive.
//!
//! Charts are inlined as SVG and the style sheet is inline; there is no
//! script, font, image or style sheet to fetch, so the page looks the same
//! offline, in ten years, and in a mail attachment. The only links are to
//! anchors within the page. Inline SVG in HTML needs no namespace
//! declaration (the parser puts `<svg>` in the SVG namespace), so the
//! `xmlns` attribute plotters writes is dropped: the file then contains no
//! URL at all except any a scenario author wrote into their own text.

use crate::format::html as escape;

use super::content::{Block, Figure, Report, Section, Table};

const STYLE: &str = "
:root { color-scheme: light; }
body { margin: 0; background: #fff; color: #1a1a1a;
  font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
/* Text keeps a readable measure; figures and tables may use the full width. */
p, dl, nav, h1, header { max-width: 62rem; }
h1 { font-size: 2rem; margin: 0 0 .25rem; }
h2 { font-size: 1.45rem; margin: 2.5rem 0 .75rem; padding-bottom: .25rem; border-bottom: 2px solid #0072B2; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.description { font-size: 1.1rem; margin: .25rem 0; }
.byline { color: #555; margin: .25rem 0 1rem; }
nav ol { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; padding: 0; margin: 0; list-style: none; }
nav a { color: #0072B2; }
/* A wide table scrolls inside its own box rather than pushing the page wider. */
.table { max-width: 100%; overflow-x: auto; margin: .5rem 0 1rem; }
table { border-collapse: collapse; font-size: .92rem; }
th, td { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }
td { overflow-wrap: break-word; }
td.prose { min-width: 16rem; }
td.nowrap { white-space: nowrap; }
th { border-bottom: 2px solid #444; background: #f6f6f6; }
td .sub { display: block; font-size: .85em; color: #555; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; overflow-wrap: normal; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.25rem; margin: .5rem 0 1rem; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
pre { background: #f6f6f6; padding: .5rem .75rem; overflow-x: auto; max-width: 62rem; white-space: pre-wrap; overflow-wrap: anywhere; }
code { font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: .9em; }
.findings { border: 1px solid #cfe0ee; background: #f3f8fc; padding: .25rem 1rem .5rem; max-width: 62rem; }
.findings h2 { margin-top: .75rem; border: 0; }
.findings li { margin: .3rem 0; }
/* Charts sit two abreast where there is room, one per row on a narrow screen. */
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(30rem, 1fr)); gap: 1.25rem 1.5rem; margin: 1rem 0 1.5rem; }
figure { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; border: 1px solid #e5e5e5; }
figcaption { margin-top: .5rem; font-size: .9rem; color: #333; }
.note { border-left: 4px solid #E69F00; background: #fdf6e7; padding: .4rem .75rem; margin: .5rem 0; }
@page { size: A4; margin: 12mm 12mm 14mm; }
@media print {
  body { font-size: 9pt; line-height: 1.35; }
  main { max-width: none; padding: 0; }
  p, dl, nav, h1, header, pre, .findings { max-width: none; }
  nav { display: none; }
  h1 { font-size: 17pt; }
  h2 { font-size: 13pt; margin: 0 0 .5rem; break-after: avoid; }
  h3 { font-size: 10.5pt; margin: .6rem 0 .2rem; break-after: avoid; }
  /* A group's heading and its one-line introduction stay with its first
     row of charts rather than end a page on their own. */
  h3 + p, p:has(+ .figures) { break-after: avoid; }
  /* Each section after the first starts a page (the key findings share the
     first); the parameter table and the provenance run on where the section
     before them ends, as a long table repeats its header on each page anyway. */
  section + section { break-before: page; }
  .findings + section, section#parameters, section#provenance { break-before: auto; }
  section#parameters, section#provenance { margin-top: 8mm; }
  dl { gap: .1rem 1rem; font-size: 8pt; line-height: 1.25; }
  .table { overflow: visible; }
  table { width: 100%; font-size: 6.5pt; line-height: 1.15; }
  th, td { padding: .06rem .25rem; }
  td .sub { font-size: 5.5pt; line-height: 1; }
  td.prose { min-width: 0; width: 56%; }
  /* Beside a column of prose, the name and definition columns keep room to read. */
  table:has(td.prose) td:first-child:not(.prose) { width: 14%; }
  table:has(td.prose) td:nth-child(2):not(.prose),
  table:has(td.prose) td:nth-child(3):not(.prose) { width: 10%; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
  pre { font-size: 7.5pt; }
  .figures { grid-template-columns: 1fr 1fr; gap: 3mm 6mm; margin: .5rem 0; }
  figcaption { font-size: 6.8pt; line-height: 1.25; margin-top: .2rem; }
  figure svg { border: 0; }
  .note { padding: .2rem .5rem; }
}
";

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!(
        "<title>{} — polsim report</title>\n",
        escape(&report.title)
    ));
    out.push_str(&format!(
        "<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
    ));
    out.push_str(&format!("<header>\n<h1>{}</h1>\n", escape(&report.title)));
    if !report.description.is_empty() {
        out.push_str(&format!(
            "<p class=\"description\">{}</p>\n",
            escape(&report.description)
        ));
    }
    out.push_str(&format!(
        "<p class=\"byline\">{}</p>\n</header>\n",
        escape(&report.byline)
    ));
    out.push_str("<nav aria-label=\"Contents\"><ol>\n");
    for s in &report.sections {
        out.push_str(&format!(
            "<li><a href=\"#{}\">{}</a></li>\n",
            s.id,
            escape(&s.heading)
        ));
    }
    out.push_str("</ol></nav>\n");
    for section in &report.sections {
        render_section(&mut out, section);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn render_section(out: &mut String, section: &Section) {
    // The key findings stand out as a box at the top.
    let class = if section.id == "findings" {
        " class=\"findings\""
    } else {
        ""
    };
    out.push_str(&format!(
        "<section id=\"{}\"{class}>\n<h2>{}</h2>\n",
        section.id,
        escape(&section.heading)
    ));
    let mut in_figures = false;
    for block in &section.blocks {
        // Consecutive charts share one grid, two abreast where there is room.
        let figure = matches!(block, Block::Figure(_));
        if figure && !in_figures {
            out.push_str("<div class=\"figures\">\n");
        } else if !figure && in_figures {
            out.push_str("</div>\n");
        }
        in_figures = figure;
        match block {
            Block::Para(text) => out.push_str(&format!("<p>{}</p>\n", escape(text))),
            Block::Subheading(text) => out.push_str(&format!("<h3>{}</h3>\n", escape(text))),
            Block::Note(text) => out.push_str(&format!("<p class=\"note\">{}</p>\n", escape(text))),
            Block::Code(text) => {
                out.push_str(&format!("<pre><code>{}</code></pre>\n", escape(text)))
            }
            Block::Table(table) => render_table(out, table),
            Block::List(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    out.push_str(&format!("<li>{}</li>\n", escape(item)));
                }
                out.push_str("</ul>\n");
            }
            Block::Facts(facts) => {
                out.push_str("<dl>\n");
                for (term, value) in facts {
                    out.push_str(&format!(
                        "<dt>{}</dt><dd>{}</dd>\n",
                        escape(term),
                        escape(value)
                    ));
                }
                out.push_str("</dl>\n");
            }
            Block::Figure(figure) => render_figure(out, figure),
        }
    }
    if in_figures {
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
}

fn render_table(out: &mut String, table: &Table) {
    let class = |i: usize| {
        if i >= table.numbers_from {
            " class=\"num\""
        } else if table.prose == Some(i) {
            " class=\"prose\""
        } else if table.nowrap.contains(&i) {
            " class=\"nowrap\""
        } else {
            ""
        }
    };
    out.push_str("<div class=\"table\"><table>\n<thead><tr>");
    for (i, h) in table.header.iter().enumerate() {
        out.push_str(&format!("<th{}>{}</th>", class(i), escape(h)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            out.push_str(&format!("<td{}>{}</td>", class(i), breakable(cell)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
}

/// A table cell's text, escaped, with a line-break opportunity after each
/// `_`, so a long identifier (`intel_capacity_growth`) can wrap in a narrow
/// column instead of widening the table past the page. A line after a line
/// break in the text (a value's standard error beneath it) is set smaller,
/// on its own line.
fn breakable(text: &str) -> String {
    let mut lines = text
        .split('\n')
        .map(|line| escape(line).replace('_', "_<wbr>"));
    let mut out = lines.next().unwrap_or_default();
    for line in lines {
        out.push_str(&format!("<span class=\"sub\">{line}</span>"));
    }
    out
}

fn render_figure(out: &mut String, figure: &Figure) {
    out.push_str(&format!("<figure id=\"chart-{}\">\n", escape(&figure.name)));
    out.push_str(&inline_svg(&figure.svg, &figure.title));
    out.push_str(&format!(
        "<figcaption><strong>{}</strong> {}</figcaption>\n</figure>\n",
        escape(&figure.lead()),
        escape(&figure.caption)
    ));
}

/// An SVG document made fit to sit inside HTML: no XML prolog, no
/// namespace declaration, labelled for screen readers.
pub fn inline_svg(svg: &str, title: &str) -> String {
    let body = match svg.find("<svg") {
        Some(start) => &svg[start..],
        None => return String::new(),
    };
    let body = body
        .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
        .replacen("\n xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
    body.replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{}\"", escape(title)),
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_figures_share_a_grid_and_identifiers_can_wrap() {
        use crate::report::content::{Figure, Section};
        let figure = |name: &str| {
            Block::Figure(Figure {
                name: name.into(),
                title: name.into(),
                caption: String::new(),
                svg: "<svg></svg>".into(),
                png: Vec::new(),
            })
        };
        let section = Section {
            id: "charts",
            heading: "Charts".into(),
            blocks: vec![
                Block::Para("intro".into()),
                figure("a"),
                figure("b"),
                Block::Note("left out".into()),
                figure("c"),
            ],
        };
        let mut out = String::new();
        render_section(&mut out, &section);
        assert_eq!(out.matches("<div class=\"figures\">").count(), 2, "{out}");
        let first = out.find("<div class=\"figures\">").unwrap_or(0);
        let closed = out[first..].find("</div>").map_or(0, |i| first + i);
        assert!(out[first..closed].contains("chart-b"), "{out}");
        assert!(out[closed..].contains("class=\"note\""), "{out}");
        assert_eq!(breakable("intel_capacity"), "intel_<wbr>capacity");
        assert_eq!(breakable("<b>"), "&lt;b&gt;");
    }

    #[test]
    fn the_style_sheet_lays_out_print() {
        for rule in [
            "@page { size: A4",
            "@media print",
            "break-before: page",
            ".figures { grid-template-columns: 1fr 1fr",
        ] {
            assert!(STYLE.contains(rule), "style lacks {rule}");
        }
    }

    #[test]
    fn inline_svg_drops_the_namespace() {
        let svg = "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\n<text>x</text></svg>";
        let inline = inline_svg(svg, "A <b>");
        assert!(!inline.contains("http"), "{inline}");
        assert!(inline.starts_with("<svg role=\"img\" aria-label=\"A &lt;b&gt;\" width="));
        assert_eq!(inline_svg("not svg", "t"), "");
    }
}
