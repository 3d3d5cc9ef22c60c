//! A question's panel fitted to a printed page: the box graph.html prints
//! a panel in, the size its labels print at, and, for a panel too large to
//! print at a size that reads, its split into parts that do.
//!
//! A panel is drawn the way that prints larger (left to right or top to
//! bottom). When neither way brings its node labels to [`MIN_LABEL_PT`],
//! the question's names (its outcomes, variables and events) are taken in
//! the order of the causal chain and cut into runs, each as long as still
//! prints that large; each part draws its names with what each reads
//! directly, exactly as a whole panel does, so every arrow into a name of
//! the question is drawn, in the part that holds that name. A loop is
//! listed in a part when it lies wholly within it; the page counts those
//! that pass between parts.

use super::build::Graph;
use super::draw::{self, FONT_SIZE, Picture};
use super::{Direction, Map, Options, Panel, loops};
use crate::scenario::Model;

/// The box a panel prints in, in millimetres: an A4 page's width less
/// 12 mm margins, and the height the page leaves the drawing under its
/// headings (graph.html's print style sets both). Of the 273 mm between
/// the margins, the first page's title and introduction, a question's
/// heading, the note of a split and a part's heading take up to 63 mm.
pub const PRINT_BOX_MM: (f64, f64) = (186.0, 210.0);

/// The smallest size, in points, a panel's node labels print at.
pub const MIN_LABEL_PT: f64 = 7.0;

const MM_PER_PT: f64 = 25.4 / 72.0;

/// The size in points of text `font_px` high in a drawing `width` x
/// `height` pixels, scaled (up or down) to fit [`PRINT_BOX_MM`].
pub fn printed_pt(width: f64, height: f64, font_px: f64) -> f64 {
    let mm_per_px = (PRINT_BOX_MM.0 / width.max(1.0)).min(PRINT_BOX_MM.1 / height.max(1.0));
    font_px * mm_per_px / MM_PER_PT
}

/// The size in points a drawing's node labels print at.
pub fn label_pt(d: &Picture) -> f64 {
    printed_pt(d.width, d.height, FONT_SIZE as f64)
}

/// One drawing of a question on the page: the whole panel, or one part.
pub struct Part {
    pub drawing: Picture,
    /// The question's names this part is drawn for.
    pub names: Vec<String>,
    /// The labels of the question's names this part is drawn for.
    pub subjects: Vec<String>,
}

/// A question's map as graph.html prints it.
pub struct Printed {
    pub question: String,
    /// One part when the panel prints whole.
    pub parts: Vec<Part>,
    /// Loops wholly within the whole panel that no part lists whole.
    pub loops_across: usize,
    /// The size in points the whole panel's labels would print at.
    pub whole_pt: f64,
}

/// `panel` of `model` drawn to print with labels of at least
/// [`MIN_LABEL_PT`]: whole if it can, else in parts.
pub fn fit(model: &Model, panel: &Panel, options: &Options) -> Result<Printed, String> {
    let full = Graph::from_model(model);
    let found = loops::find(&full);
    let part = |names: &[String], title: &str| {
        let sub = Panel {
            title: title.to_string(),
            names: names.to_vec(),
        };
        Map::panel_of(full.clone(), found.clone(), &sub, options)
    };
    let mut whole = part(&panel.names, &panel.title);
    let best = drawn(&mut whole, options)?;
    let whole_pt = label_pt(&best);
    if whole_pt >= MIN_LABEL_PT || panel.names.len() < 2 {
        return Ok(Printed {
            question: panel.title.clone(),
            parts: vec![Part {
                drawing: best,
                subjects: labels(&whole, &panel.names),
                names: panel.names.clone(),
            }],
            loops_across: 0,
            whole_pt,
        });
    }
    // The question's names along the chain: in the order they are defined.
    let mut names: Vec<(usize, String)> = panel
        .names
        .iter()
        .filter_map(|n| whole.full.find(n).map(|i| (i, n.clone())))
        .collect();
    names.sort_by_key(|(i, _)| whole.full.nodes[*i].place);
    let mut runs: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for (_, name) in names {
        let mut longer = current.clone();
        longer.push(name.clone());
        if current.is_empty()
            || label_pt(&drawn(&mut part(&longer, &panel.title), options)?) >= MIN_LABEL_PT
        {
            current = longer;
        } else {
            runs.push(std::mem::replace(&mut current, vec![name]));
        }
    }
    runs.push(current);
    let count = runs.len();
    let mut parts = Vec::with_capacity(count);
    let mut listed = vec![false; whole.loops.len()];
    for (k, names) in runs.into_iter().enumerate() {
        let title = format!("{} (part {} of {count})", panel.title, k + 1);
        let mut map = part(&names, &title);
        for &l in &map.listed {
            listed[l] = true;
        }
        parts.push(Part {
            drawing: drawn(&mut map, options)?,
            subjects: labels(&map, &names),
            names,
        });
    }
    let loops_across = whole.listed.iter().filter(|&&l| !listed[l]).count();
    Ok(Printed {
        question: panel.title.clone(),
        parts,
        loops_across,
        whole_pt,
    })
}

/// `map` drawn the way the options ask, or, when they leave it open, the
/// way that prints its labels larger.
fn drawn(map: &mut Map, options: &Options) -> Result<Picture, String> {
    if options.direction.is_some() {
        return draw::drawing(map);
    }
    let mut best: Option<Picture> = None;
    for d in [Direction::TopToBottom, Direction::LeftToRight] {
        map.direction = Some(d);
        let drawing = draw::drawing(map)?;
        if best
            .as_ref()
            .is_none_or(|b| label_pt(&drawing) > label_pt(b))
        {
            best = Some(drawing);
        }
    }
    map.direction = None;
    best.ok_or_else(|| "the causal map could not be drawn".to_string())
}

/// The labels of `names` as the map shows them.
fn labels(map: &Map, names: &[String]) -> Vec<String> {
    names
        .iter()
        .filter_map(|n| map.full.find(n))
        .map(|i| map.full.nodes[i].label.clone())
        .collect()
}
