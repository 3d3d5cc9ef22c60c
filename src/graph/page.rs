//! graph.html: the causal map of a model as a document that prints.
//!
//! A model of dozens of variables drawn whole is too large to read on a
//! page: scaled to an A4 page, its labels print at two or three points.
//! This page sets the map out as its panels instead, one per question the
//! scenario's chart groups ask (see [`super::Map::panel`]), each at the
//! full width of the page with text that reads in print, and links the
//! whole map (graph.svg, beside it) for the screen. The panels are inlined,
//! so the file needs nothing else to show them; there is no script.

use crate::format::html;

const STYLE: &str = "
body { margin: 0; background: #fff; color: #1a1a1a;
  font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
h1 { font-size: 1.8rem; margin: 0 0 .5rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; }
a { color: #0072B2; }
figure { margin: 0 0 1.5rem; break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; border: 1px solid #e5e5e5; }
@page { size: A4; margin: 12mm; }
@media print {
  body { font-size: 9pt; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 16pt; }
  section + section { break-before: page; }
  figure svg { border: 0; max-height: 225mm; }
}
";

/// The page for `scenario`: its panels as (question, SVG drawing), and a
/// link to `whole`, the file of the whole map.
pub fn page(scenario: &str, panels: &[(String, String)], whole: &str) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!(
        "<title>{} — causal map</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        html(scenario)
    ));
    out.push_str(&format!(
        "<section>\n<h1>{}: causal map, question by question</h1>\n",
        html(scenario)
    ));
    out.push_str(&format!(
        "<p>Each panel draws what the charts of one question show and what each of those \
         reads directly, so it prints at a size that reads. The whole model is in \
         <a href=\"{0}\">{0}</a>, beside this page, to open on screen.</p>\n",
        html(whole)
    ));
    for (k, (question, svg)) in panels.iter().enumerate() {
        if k > 0 {
            out.push_str("<section>\n");
        }
        out.push_str(&format!(
            "<h2>{}. {}</h2>\n<figure>\n{}</figure>\n</section>\n",
            k + 1,
            html(question),
            inline(svg)
        ));
    }
    if panels.is_empty() {
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// An SVG document as an element of the page: without its XML prolog.
fn inline(svg: &str) -> &str {
    svg.find("<svg").map_or("", |start| &svg[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panels_are_inlined_under_their_questions_with_the_whole_map_linked() {
        let svg = "<?xml version=\"1.0\"?>\n<svg width=\"10\" height=\"10\"><text>x</text></svg>\n";
        let page = page(
            "s <1>",
            &[
                ("Who wins?".into(), svg.into()),
                ("B & C".into(), svg.into()),
            ],
            "graph.svg",
        );
        assert!(page.contains("<h2>1. Who wins?</h2>"), "{page}");
        assert!(page.contains("<h2>2. B &amp; C</h2>"), "{page}");
        assert!(page.contains("s &lt;1&gt;: causal map"), "{page}");
        assert_eq!(page.matches("<svg width").count(), 2);
        assert!(!page.contains("<?xml"));
        assert!(page.contains("<a href=\"graph.svg\">graph.svg</a>"));
        assert_eq!(
            page.matches("<section>").count(),
            page.matches("</section>").count()
        );
    }
}
