//! graph.html: the causal map of a model as a document that prints.
//!
//! A model of dozens of variables drawn whole is too large to read on a
//! page: scaled to an A4 page, its labels print at two or three points.
//! This page sets the map out as its panels instead, one per question the
//! scenario's chart groups ask (see [`super::Map::panel`]), each at the
//! full width of the page with text that reads in print, and links the
//! whole map (graph.svg, beside it) for the screen. The panels are inlined,
//! so the file needs nothing else to show them; there is no script.

use super::print::{MIN_LABEL_PT, PRINT_BOX_MM, Printed};
use crate::format::{self, html};

/// The page's style; the print box is [`PRINT_BOX_MM`], which
/// [`super::print::fit`] sizes the panels for.
fn style() -> String {
    let margin = (210.0 - PRINT_BOX_MM.0) / 2.0;
    format!(
        "
body {{ margin: 0; background: #fff; color: #1a1a1a;
  font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', Arial, sans-serif; }}
main {{ max-width: 1100px; margin: 0 auto; padding: 2rem 1.25rem 4rem; }}
h1 {{ font-size: 1.8rem; margin: 0 0 .5rem; }}
h2 {{ font-size: 1.3rem; margin: 2rem 0 .5rem; }}
h3 {{ font-size: 1.05rem; margin: 1.5rem 0 .4rem; }}
a {{ color: #0072B2; }}
figure {{ margin: 0 0 1.5rem; break-inside: avoid; }}
figure svg {{ display: block; width: 100%; height: auto; border: 1px solid #e5e5e5; }}
@page {{ size: A4; margin: {margin}mm; }}
@media print {{
  body {{ font-size: 9pt; }}
  main {{ max-width: none; padding: 0; }}
  h1 {{ font-size: 16pt; }}
  h2 {{ font-size: 13pt; margin-top: 0; }}
  h3 {{ font-size: 10.5pt; break-after: avoid; }}
  section + section, h3 + figure + h3 {{ break-before: page; }}
  figure svg {{ border: 0; max-height: {}mm; }}
}}
",
        PRINT_BOX_MM.1
    )
}

/// The page for `scenario`: its questions' maps, each whole or in parts,
/// and a link to `whole`, the file of the whole map.
pub fn page(scenario: &str, panels: &[Printed], whole: &str) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!(
        "<title>{} — causal map</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n",
        html(scenario),
        style()
    ));
    out.push_str(&format!(
        "<section>\n<h1>{}: causal map, question by question</h1>\n",
        html(scenario)
    ));
    out.push_str(&format!(
        "<p>Each panel draws what the charts of one question show and what each of those \
         reads directly, so it prints at a size that reads (its labels at {} pt or more on A4). \
         The whole model is in <a href=\"{1}\">{1}</a>, beside this page, to open on screen.</p>\n",
        format::fixed(MIN_LABEL_PT, 0, false),
        html(whole)
    ));
    for (k, printed) in panels.iter().enumerate() {
        if k > 0 {
            out.push_str("<section>\n");
        }
        out.push_str(&format!(
            "<h2>{}. {}</h2>\n",
            k + 1,
            html(&printed.question)
        ));
        let count = printed.parts.len();
        if count > 1 {
            out.push_str(&split_note(printed, whole));
        }
        for (j, part) in printed.parts.iter().enumerate() {
            if count > 1 {
                out.push_str(&format!(
                    "<h3>Part {} of {count}: {}</h3>\n",
                    j + 1,
                    html(&part.subjects.join(", "))
                ));
            }
            out.push_str(&format!(
                "<figure>\n{}</figure>\n",
                inline(&part.drawing.svg)
            ));
        }
        out.push_str("</section>\n");
    }
    if panels.is_empty() {
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// What a reader of a question drawn in parts must know: why, how the
/// parts divide it, and which loops no part draws whole.
fn split_note(printed: &Printed, whole: &str) -> String {
    let count = printed.parts.len();
    let mut note = format!(
        "<p class=\"split\">Drawn whole, this map would print its labels at {} pt, too small \
         to read, so it is split into {count} parts along the causal chain, each drawing some of \
         the question\u{2019}s names with everything they read (a name in two parts is the same \
         variable).",
        format::fixed(printed.whole_pt, 1, false)
    );
    match printed.loops_across {
        0 => {}
        1 => note.push_str(&format!(
            " One feedback loop passes between the parts; <a href=\"{0}\">{0}</a> draws it whole.",
            html(whole)
        )),
        n => note.push_str(&format!(
            " {} feedback loops pass between the parts; <a href=\"{1}\">{1}</a> draws them whole.",
            format::count(n as u64),
            html(whole)
        )),
    }
    note.push_str("</p>\n");
    note
}

/// An SVG document as an element of the page: without its XML prolog.
fn inline(svg: &str) -> &str {
    svg.find("<svg").map_or("", |start| &svg[start..])
}

#[cfg(test)]
mod tests {
    use super::super::draw::Picture;
    use super::super::print::Part;
    use super::*;

    fn printed(question: &str, parts: usize, loops_across: usize) -> Printed {
        let svg = "<?xml version=\"1.0\"?>\n<svg width=\"10\" height=\"10\"><text>x</text></svg>\n";
        Printed {
            question: question.into(),
            parts: (0..parts)
                .map(|k| Part {
                    drawing: Picture {
                        svg: svg.into(),
                        width: 10.0,
                        height: 10.0,
                    },
                    subjects: vec![format!("Name {k}"), "A & B".into()],
                    names: vec![format!("name_{k}"), "a_b".into()],
                })
                .collect(),
            loops_across,
            whole_pt: 4.6,
        }
    }

    #[test]
    fn panels_are_inlined_under_their_questions_with_the_whole_map_linked() {
        let page = page(
            "s <1>",
            &[printed("Who wins?", 1, 0), printed("B & C", 1, 0)],
            "graph.svg",
        );
        assert!(page.contains("<h2>1. Who wins?</h2>"), "{page}");
        assert!(page.contains("<h2>2. B &amp; C</h2>"), "{page}");
        assert!(page.contains("s &lt;1&gt;: causal map"), "{page}");
        assert_eq!(page.matches("<svg width").count(), 2);
        assert!(!page.contains("<?xml"));
        assert!(!page.contains("<h3>"), "a whole panel has no parts");
        assert!(page.contains("<a href=\"graph.svg\">graph.svg</a>"));
        assert!(page.contains("max-height: 210mm"), "the print box");
        assert_eq!(
            page.matches("<section>").count(),
            page.matches("</section>").count()
        );
    }

    #[test]
    fn a_split_question_says_so_and_names_each_part() {
        let page = page("s", &[printed("Who wins?", 2, 3)], "graph.svg");
        assert_eq!(page.matches("<svg width").count(), 2);
        assert!(
            page.contains("<h3>Part 1 of 2: Name 0, A &amp; B</h3>"),
            "{page}"
        );
        assert!(
            page.contains("<h3>Part 2 of 2: Name 1, A &amp; B</h3>"),
            "{page}"
        );
        assert!(page.contains("labels at 4.6 pt"), "{page}");
        assert!(page.contains("split into 2 parts"), "{page}");
        assert!(
            page.contains("3 feedback loops pass between the parts"),
            "{page}"
        );
        assert_eq!(
            page.matches("<section>").count(),
            page.matches("</section>").count()
        );
    }
}
