//! The causal map as SVG, in polsim's own style, drawn through layout-rs's
//! rendering trait.
//!
//! `layout.rs` places the nodes; layout-rs's shapes (`Element`) and arrows
//! (`render_arrow`, which bends each edge through its points with Bézier
//! curves and finds where it meets a node's outline) draw themselves onto
//! [`Canvas`], polsim's implementation of layout-rs's `RenderBackend`. The
//! canvas knows what it is drawing (a node of a kind, an edge of a sign), so
//! the house style (the font, the colours, the double frame of an outcome,
//! the arrowheads and the `+`/`−`/`±` beside each head) is decided here and
//! not by editing layout-rs's own SVG. Loops are marked where they turn (R
//! or B in a circle at the middle of their nodes) and listed under the map.

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};

use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::format::{ClipHandle, RenderBackend, Renderable};
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::render::render_arrow;
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};

use super::Map;
use super::build::{EdgeKind, Kind};
use super::layout::{Direction, Layout, layout};
use super::loops::Polarity;
use super::signs::Sign;
use crate::format::html;

/// How one kind of node looks.
pub struct Look {
    pub legend: &'static str,
    pub fill: &'static str,
    pub stroke: &'static str,
}

impl Kind {
    pub fn look(self) -> Look {
        let (legend, fill, stroke) = match self {
            Kind::Parameter => ("parameter", "#e0ecfb", "#1d4ed8"),
            Kind::State => ("state (carried from step to step)", "#dcfce7", "#15803d"),
            Kind::Derived => ("derived", "#fef9c3", "#a16207"),
            Kind::Event => ("event", "#fee2e2", "#b91c1c"),
            Kind::Count => ("count event", "#ffe4e6", "#be123c"),
            Kind::Outcome => ("outcome", "#ede9fe", "#6d28d9"),
            Kind::Intervention => ("intervention", "#ffedd5", "#c2410c"),
        };
        Look {
            legend,
            fill,
            stroke,
        }
    }
}

/// How an edge looks: its colour, and whether it is dashed.
fn edge_look(kind: EdgeKind) -> (&'static str, bool, &'static str) {
    match kind {
        EdgeKind::Reads(Sign::Plus) => ("#1e3a8a", false, "plus"),
        EdgeKind::Reads(Sign::Minus) => ("#c2410c", false, "minus"),
        EdgeKind::Reads(Sign::Unknown) => ("#6b7280", false, "unknown"),
        EdgeKind::Forces => ("#c2410c", true, "forces"),
    }
}

fn polarity_colour(p: Polarity) -> &'static str {
    match p {
        Polarity::Reinforcing => "#047857",
        Polarity::Balancing => "#7c3aed",
        Polarity::Undetermined => "#6b7280",
    }
}

/// Font size of node labels, in pixels, and what a line of it takes.
pub(super) const FONT_SIZE: usize = 14;
const CHAR_WIDTH: f64 = 8.0;
const LINE_HEIGHT: f64 = 17.0;
/// Wrap node labels longer than this many characters.
pub const WRAP: usize = 18;
const MARGIN: f64 = 20.0;
/// From one line of the title to the next.
const TITLE_PITCH: f64 = 24.0;
const SANS: &str = "font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif;";
const INK: &str = "#1f2937";
/// The page a map is fitted to when choosing its direction, in pixels
/// (about A4 portrait at 96 dpi inside the margins).
const PAGE: (f64, f64) = (700.0, 1000.0);
/// Loops marked in the drawing and listed under it, at most.
const LOOPS_DRAWN: usize = 16;
/// The narrowest a line of the loop list wraps at, in pixels.
const LOOP_LINE: f64 = 900.0;

/// Break a label into lines of at most `width` characters at spaces,
/// balanced so the lines have similar lengths (a longer word keeps a line
/// of its own).
pub fn wrap(text: &str, width: usize) -> String {
    text.lines()
        .map(|paragraph| {
            let words: Vec<&str> = paragraph.split_whitespace().collect();
            let total = words.iter().map(|w| w.chars().count() + 1).sum::<usize>();
            let total = total.saturating_sub(1);
            if total <= width {
                return words.join(" ");
            }
            let lines = total.div_ceil(width.max(1));
            let mut target = total.div_ceil(lines);
            loop {
                let wrapped = greedy(&words, target);
                if wrapped.len() <= lines || target >= width {
                    return wrapped.join("\n");
                }
                target += 1;
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Fill lines up to `width` characters, word by word.
fn greedy(words: &[&str], width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in words {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

fn color(hex: &str) -> Color {
    Color::from_name(hex).unwrap_or_else(|| Color::fast("black"))
}

/// Size of a node drawn around `text` (already wrapped).
fn node_size(kind: Kind, text: &str) -> (f64, f64) {
    let longest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let lines = text.lines().count().max(1);
    let w = longest.max(3) as f64 * CHAR_WIDTH;
    let h = lines as f64 * LINE_HEIGHT;
    match kind {
        // Ellipses need room at the ends for the text to fit inside.
        Kind::Parameter | Kind::Event => (w * 1.2 + 22.0, h + 18.0),
        Kind::Count => (w * 1.2 + 30.0, h + 24.0),
        _ => (w + 20.0, h + 12.0),
    }
}

fn element(kind: Kind, text: &str, size: (f64, f64)) -> Element {
    let look = kind.look();
    let shape = match kind {
        Kind::Parameter | Kind::Event => ShapeKind::Circle(text.to_string()),
        Kind::Count => ShapeKind::DoubleCircle(text.to_string()),
        Kind::State | Kind::Derived | Kind::Outcome | Kind::Intervention => {
            ShapeKind::Box(text.to_string())
        }
    };
    let (width, rounded) = match kind {
        Kind::Derived => (1, 10),
        Kind::State => (2, 0),
        Kind::Event | Kind::Count => (2, 0),
        Kind::Intervention => (2, 4),
        _ => (1, 0),
    };
    let style = StyleAttr::new(
        color(look.stroke),
        width,
        Some(color(look.fill)),
        rounded,
        FONT_SIZE,
    );
    Element::create(
        shape,
        style,
        Orientation::LeftToRight,
        Point::new(size.0, size.1),
    )
}

/// What the canvas is drawing now.
#[derive(Clone, Copy)]
enum Drawing {
    Node(Kind),
    Edge(EdgeKind),
}

/// polsim's SVG writer behind layout-rs's `RenderBackend`.
struct Canvas {
    body: String,
    /// Sign marks, drawn over every line.
    marks: String,
    clips: Vec<String>,
    now: Drawing,
}

impl Canvas {
    fn new() -> Canvas {
        Canvas {
            body: String::new(),
            marks: String::new(),
            clips: Vec::new(),
            now: Drawing::Node(Kind::State),
        }
    }

    fn fill_stroke(look: &StyleAttr) -> String {
        let fill = look
            .fill_color
            .map_or("none".to_string(), |c| c.to_web_color()[..7].to_string());
        format!(
            "fill=\"{fill}\" stroke=\"{}\" stroke-width=\"{}\"",
            &look.line_color.to_web_color()[..7],
            look.line_width
        )
    }
}

impl RenderBackend for Canvas {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        look: &StyleAttr,
        _properties: Option<String>,
        clip: Option<ClipHandle>,
    ) {
        let clip = clip.map_or(String::new(), |c| format!(" clip-path=\"url(#clip{c})\""));
        let _ = writeln!(
            self.body,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"{}\" {}{clip}/>",
            xy.x,
            xy.y,
            size.x,
            size.y,
            look.rounded,
            Canvas::fill_stroke(look)
        );
        if let Drawing::Node(Kind::Outcome) = self.now {
            // An outcome is a double frame.
            let _ = writeln!(
                self.body,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" stroke=\"{}\"/>",
                xy.x + 3.0,
                xy.y + 3.0,
                (size.x - 6.0).max(0.0),
                (size.y - 6.0).max(0.0),
                Kind::Outcome.look().stroke
            );
        }
    }

    fn draw_line(&mut self, start: Point, stop: Point, look: &StyleAttr, _: Option<String>) {
        let _ = writeln!(
            self.body,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\" stroke-width=\"{}\"/>",
            start.x,
            start.y,
            stop.x,
            stop.y,
            &look.line_color.to_web_color()[..7],
            look.line_width
        );
    }

    fn draw_circle(&mut self, xy: Point, size: Point, look: &StyleAttr, _: Option<String>) {
        let _ = writeln!(
            self.body,
            "<ellipse cx=\"{:.1}\" cy=\"{:.1}\" rx=\"{:.1}\" ry=\"{:.1}\" {}/>",
            xy.x,
            xy.y,
            size.x / 2.0,
            size.y / 2.0,
            Canvas::fill_stroke(look)
        );
    }

    fn draw_text(&mut self, xy: Point, text: &str, look: &StyleAttr) {
        let lines: Vec<&str> = text.lines().collect();
        let first = xy.y - (lines.len().saturating_sub(1)) as f64 * LINE_HEIGHT / 2.0;
        let _ = write!(
            self.body,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" dominant-baseline=\"central\" style=\"{SANS} font-size: {}px;\" fill=\"{INK}\">",
            xy.x, first, look.font_size
        );
        for (i, line) in lines.iter().enumerate() {
            let dy = if i == 0 { 0.0 } else { LINE_HEIGHT };
            let _ = write!(
                self.body,
                "<tspan x=\"{:.1}\" dy=\"{dy}\">{}</tspan>",
                xy.x,
                html(line)
            );
        }
        self.body.push_str("</text>\n");
    }

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        dashed: bool,
        head: (bool, bool),
        look: &StyleAttr,
        _properties: Option<String>,
        text: &str,
    ) {
        let Some(first) = path.first() else {
            return;
        };
        let kind = match self.now {
            Drawing::Edge(k) => k,
            Drawing::Node(_) => EdgeKind::Reads(Sign::Unknown),
        };
        let (_, _, marker) = edge_look(kind);
        // The path as layout-rs shapes it: an exit vector from the first
        // point, then entry vectors into the following ones.
        let mut d = format!("M {:.1} {:.1} ", first.0.x, first.0.y);
        if path.len() >= 2 {
            let _ = write!(
                d,
                "C {:.1} {:.1}, {:.1} {:.1}, {:.1} {:.1} ",
                first.1.x, first.1.y, path[1].0.x, path[1].0.y, path[1].1.x, path[1].1.y
            );
        }
        for p in path.iter().skip(2) {
            let _ = write!(d, "S {:.1} {:.1}, {:.1} {:.1} ", p.0.x, p.0.y, p.1.x, p.1.y);
        }
        let _ = writeln!(
            self.body,
            "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{}{}/>",
            d.trim_end(),
            &look.line_color.to_web_color()[..7],
            look.line_width,
            if dashed {
                " stroke-dasharray=\"6,4\""
            } else {
                ""
            },
            if head.1 {
                format!(" marker-end=\"url(#head-{marker})\"")
            } else {
                String::new()
            }
        );
        if !text.is_empty() {
            // The sign beside the line a little before the arrowhead, on
            // the left of the way in: far enough back that edges meeting
            // at one point keep their signs apart.
            let (x, y) = beside_end(path, SIGN_BACK, SIGN_ASIDE);
            let _ = writeln!(
                self.marks,
                "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" dominant-baseline=\"central\" style=\"{SANS} font-size: 15px; font-weight: bold; paint-order: stroke;\" stroke=\"white\" stroke-width=\"3\" fill=\"{}\">{}</text>",
                &look.line_color.to_web_color()[..7],
                html(text)
            );
        }
    }

    fn create_clip(&mut self, xy: Point, size: Point, rounded_px: usize) -> ClipHandle {
        let handle = self.clips.len();
        self.clips.push(format!(
            "<clipPath id=\"clip{handle}\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"{rounded_px}\"/></clipPath>",
            xy.x, xy.y, size.x, size.y
        ));
        handle
    }
}

/// How far a state's arc to itself reaches out from its side.
const SELF_LOOP: f64 = 30.0;

/// How far back from an arrowhead, along the line, and how far aside a
/// sign is drawn.
const SIGN_BACK: f64 = 24.0;
const SIGN_ASIDE: f64 = 9.0;

/// A point `back` pixels (in a straight line) before the end of a path in
/// layout-rs's form (an exit vector, then entry vectors), moved `aside`
/// pixels to the left of the way in.
fn beside_end(path: &[(Point, Point)], back: f64, aside: f64) -> (f64, f64) {
    let n = path.len();
    let end = path[n - 1].1;
    if n < 2 {
        return (end.x, end.y);
    }
    // The last cubic segment: its start and first control point.
    let (start, c1) = if n == 2 {
        (path[0].0, path[0].1)
    } else {
        let p = path[n - 2].1;
        let q = path[n - 2].0;
        (p, Point::new(2.0 * p.x - q.x, 2.0 * p.y - q.y))
    };
    let c2 = path[n - 1].0;
    let at = |t: f64| {
        let u = 1.0 - t;
        let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
        Point::new(
            a * start.x + b * c1.x + c * c2.x + d * end.x,
            a * start.y + b * c1.y + c * c2.y + d * end.y,
        )
    };
    let mut t: f64 = 1.0;
    let mut p = end;
    while t > 0.0 && p.distance_to(end) < back {
        t -= 0.005;
        p = at(t.max(0.0));
    }
    let ahead = at((t + 0.02).min(1.0));
    let (dx, dy) = (ahead.x - p.x, ahead.y - p.y);
    let len = dx.hypot(dy).max(1e-9);
    (p.x + dy / len * aside, p.y - dx / len * aside)
}

/// Arrowheads, one per edge colour.
fn markers() -> String {
    let mut out = String::from("<defs>\n");
    for kind in [
        EdgeKind::Reads(Sign::Plus),
        EdgeKind::Reads(Sign::Minus),
        EdgeKind::Reads(Sign::Unknown),
        EdgeKind::Forces,
    ] {
        let (colour, _, name) = edge_look(kind);
        let _ = writeln!(
            out,
            "<marker id=\"head-{name}\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\" markerUnits=\"userSpaceOnUse\"><polygon points=\"0 0, 10 4, 0 8\" fill=\"{colour}\"/></marker>"
        );
    }
    out.push_str("</defs>\n");
    out
}

/// A map drawn: the SVG document and its size in pixels.
pub struct Picture {
    pub svg: String,
    pub width: f64,
    pub height: f64,
}

/// The drawing of a map.
pub fn svg(map: &Map) -> Result<String, String> {
    drawing(map).map(|d| d.svg)
}

/// A panel's title wraps at this many characters, so a long question does
/// not set the width of its drawing.
const PANEL_TITLE_WRAP: usize = 80;

/// The drawing of a map, with its size.
pub fn drawing(map: &Map) -> Result<Picture, String> {
    let g = &map.drawn;
    if g.nodes.is_empty() {
        return Ok(Picture {
            svg: empty_svg(&g.title),
            width: EMPTY_SIZE.0,
            height: EMPTY_SIZE.1,
        });
    }
    let texts: Vec<String> = g.nodes.iter().map(|n| wrap(&n.label, WRAP)).collect();
    let sizes: Vec<(f64, f64)> = g
        .nodes
        .iter()
        .zip(&texts)
        .map(|(n, t)| node_size(n.kind, t))
        .collect();
    // Room for a state's arc to itself: above it when the chain runs
    // across, to its right when it runs down.
    let room = |d: Direction| -> Vec<(f64, f64)> {
        let mut sizes = sizes.clone();
        for e in g.edges.iter().filter(|e| e.from == e.to) {
            let (w, h) = &mut sizes[e.from];
            match d {
                Direction::LeftToRight => *h += 2.0 * SELF_LOOP,
                Direction::TopToBottom => *w += 2.0 * SELF_LOOP,
            }
        }
        sizes
    };
    let place = |d: Direction| {
        let mut laid = layout(g, &room(d), d);
        for (p, s) in laid.nodes.iter_mut().zip(&sizes) {
            (p.w, p.h) = *s;
        }
        laid
    };
    let laid = catch_unwind(AssertUnwindSafe(|| match map.direction {
        Some(d) => (place(d), d),
        None => {
            // The way that prints larger on a page.
            let fit = |l: &Layout| (PAGE.0 / l.width.max(1.0)).min(PAGE.1 / l.height.max(1.0));
            let across = place(Direction::LeftToRight);
            let down = place(Direction::TopToBottom);
            if fit(&down) > fit(&across) {
                (down, Direction::TopToBottom)
            } else {
                (across, Direction::LeftToRight)
            }
        }
    }))
    .map_err(|_| "the causal map could not be laid out".to_string())?;
    let (laid, direction) = laid;
    let heading = heading_lines(map, direction);
    let title: Vec<String> = match &map.panel {
        Some(question) => wrap(&format!("{}: {question}", g.title), PANEL_TITLE_WRAP)
            .lines()
            .map(str::to_string)
            .collect(),
        None => vec![format!("{}: causal map", g.title)],
    };
    let title_h = (title.len() - 1) as f64 * TITLE_PITCH;
    let top = MARGIN + 26.0 + title_h + heading.len() as f64 * 18.0 + 16.0;
    let canvas = catch_unwind(AssertUnwindSafe(|| {
        draw(map, &laid, direction, &texts, top)
    }))
    .map_err(|_| "the causal map could not be drawn".to_string())?;
    let loops = drawn_loops(map);
    let marks = loop_marks(map, &laid, &loops, top);
    let mut legend_top = top + laid.height + 28.0;
    let (legend, legend_h, legend_w) = legend(map, legend_top);
    legend_top += legend_h;
    let (list, list_h, list_w) = loop_list(map, &loops, legend_top, laid.width);
    let width = (laid.width + 2.0 * MARGIN)
        .max(legend_w + 2.0 * MARGIN)
        .max(list_w + 2.0 * MARGIN)
        .max(
            heading.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64 * 7.6
                + 2.0 * MARGIN,
        )
        .max(
            title.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64 * 11.5 + 2.0 * MARGIN,
        );
    let height = legend_top + list_h + MARGIN;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<svg width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    out.push_str(&markers());
    if !canvas.clips.is_empty() {
        let _ = writeln!(out, "<defs>{}</defs>", canvas.clips.join(""));
    }
    out.push_str("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    for (i, line) in title.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"{MARGIN}\" y=\"{:.1}\" style=\"{SANS} font-size: 19px; font-weight: bold;\" fill=\"{INK}\">{}</text>",
            MARGIN + 12.0 + i as f64 * TITLE_PITCH,
            html(line)
        );
    }
    for (i, line) in heading.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"{MARGIN}\" y=\"{:.1}\" style=\"{SANS} font-size: 13px;\" fill=\"#4b5563\">{}</text>",
            MARGIN + 36.0 + title_h + i as f64 * 18.0,
            html(line)
        );
    }
    out.push_str(&canvas.body);
    out.push_str(&marks);
    out.push_str(&canvas.marks);
    out.push_str(&legend);
    out.push_str(&list);
    out.push_str("</svg>\n");
    Ok(Picture {
        svg: out,
        width: width.round(),
        height: height.round(),
    })
}

/// Lines under the title: what is drawn, and how to read the signs.
fn heading_lines(map: &Map, direction: Direction) -> Vec<String> {
    let mut what = match map.focus {
        None if map.panel.is_some() => {
            "What the question's charts show, and what each of those reads directly".to_string()
        }
        Some(f) => {
            let node = &map.full.nodes[f];
            let name = if node.label == node.name {
                node.name.clone()
            } else {
                format!("{} ({})", node.label, node.name)
            };
            format!(
                "Around {name}, {} link{} upstream and downstream",
                map.depth,
                if map.depth == 1 { "" } else { "s" }
            )
        }
        None => "The whole model".to_string(),
    };
    if !map.parameters {
        what.push_str(", without parameters");
    }
    let (r, b, u) = map.loop_counts();
    let loops = if map.listed_loops().is_empty() {
        "no feedback loops".to_string()
    } else {
        format!(
            "{}{} feedback loop{}{}: {r} reinforcing, {b} balancing{}",
            if map.loops_cut { "at least " } else { "" },
            map.listed_loops().len(),
            if map.listed_loops().len() == 1 {
                ""
            } else {
                "s"
            },
            if map.focus.is_some() {
                " through it"
            } else if map.panel.is_some() {
                " drawn whole here"
            } else {
                ""
            },
            if u > 0 {
                format!(", {u} undetermined")
            } else {
                String::new()
            }
        )
    };
    // A panel's lines are kept short, so they do not widen it.
    let first = if map.panel.is_some() {
        vec![
            format!("{what}."),
            format!("{}{}.", loops[..1].to_uppercase(), &loops[1..]),
        ]
    } else {
        vec![format!("{what}; {loops}.")]
    };
    let reading = match direction {
        Direction::LeftToRight => {
            "Read left to right along the causal chain; arrows that point back to the left close feedback loops."
        }
        Direction::TopToBottom => {
            "Read top to bottom along the causal chain; arrows that point back up close feedback loops."
        }
    };
    let signs = "+ raises what it points to, \u{2212} lowers it, \u{b1} either.";
    let mut lines = first;
    if map.panel.is_some() {
        lines.extend([reading.to_string(), signs.to_string()]);
    } else {
        lines.push(format!("{reading} {signs}"));
    }
    lines
}

fn draw(map: &Map, laid: &Layout, direction: Direction, texts: &[String], top: f64) -> Canvas {
    let g = &map.drawn;
    let shift = |x: f64, y: f64| Point::new(x + MARGIN, y + top);
    let elements: Vec<Element> = g
        .nodes
        .iter()
        .zip(&laid.nodes)
        .zip(texts)
        .map(|((n, p), t)| {
            let mut e = element(n.kind, t, (p.w, p.h));
            e.move_to(shift(p.x, p.y));
            e
        })
        .collect();
    let mut canvas = Canvas::new();
    // Edges first, so nodes sit on top of them.
    for route in &laid.routes {
        let e = &g.edges[route.edge];
        canvas.now = Drawing::Edge(e.kind);
        let (colour, dashed, _) = edge_look(e.kind);
        let mut chain = vec![elements[e.from].clone()];
        for &(x, y) in &route.bends {
            let mut c = Element::empty_connector(Orientation::LeftToRight);
            c.move_to(shift(x, y));
            chain.push(c);
        }
        chain.push(elements[e.to].clone());
        let label = match e.kind {
            EdgeKind::Reads(s) => s.glyph(),
            EdgeKind::Forces => "forces",
        };
        let look = StyleAttr::new(color(colour), 1, None, 0, FONT_SIZE - 2);
        let arrow = Arrow::new(
            LineEndKind::None,
            LineEndKind::Arrow,
            if dashed {
                LineStyleKind::Dashed
            } else {
                LineStyleKind::Normal
            },
            label,
            &look,
            &None,
            &None,
        );
        render_arrow(&mut canvas, false, &chain, &arrow);
    }
    // A state's influence on its own change: a small loop on the side the
    // chain does not enter from (the top when it runs left to right, the
    // right when it runs down).
    for e in g.edges.iter().filter(|e| e.from == e.to) {
        canvas.now = Drawing::Edge(e.kind);
        let (colour, _, _) = edge_look(e.kind);
        let p = &laid.nodes[e.from];
        let c = shift(p.x, p.y);
        let path = match direction {
            Direction::LeftToRight => {
                let (left, right, y) = (c.x - p.w * 0.22, c.x + p.w * 0.22, c.y - p.h / 2.0);
                [
                    (Point::new(left, y), Point::new(left - 14.0, y - SELF_LOOP)),
                    (
                        Point::new(right + 14.0, y - SELF_LOOP),
                        Point::new(right, y),
                    ),
                ]
            }
            Direction::TopToBottom => {
                let (x, top, bottom) = (c.x + p.w / 2.0, c.y - p.h * 0.3, c.y + p.h * 0.3);
                [
                    (Point::new(x, top), Point::new(x + SELF_LOOP, top - 12.0)),
                    (
                        Point::new(x + SELF_LOOP, bottom + 12.0),
                        Point::new(x, bottom),
                    ),
                ]
            }
        };
        let look = StyleAttr::new(color(colour), 1, None, 0, FONT_SIZE - 2);
        let label = e.sign().map_or("", Sign::glyph);
        canvas.draw_arrow(&path, false, (false, true), &look, None, label);
    }
    for (n, e) in g.nodes.iter().zip(&elements) {
        canvas.now = Drawing::Node(n.kind);
        let _ = writeln!(
            canvas.body,
            "<g class=\"node {}\"><title>{}</title>",
            n.kind.word(),
            html(&n.tooltip)
        );
        e.render(false, &mut canvas);
        canvas.body.push_str("</g>\n");
    }
    canvas
}

/// The loops marked in the drawing: those of two nodes or more whose every
/// node is drawn, reinforcing and balancing ones before undetermined ones,
/// the shortest first, at most [`LOOPS_DRAWN`]. A state's loop of one (its
/// own adjustment) is the small arc over it.
fn drawn_loops(map: &Map) -> Vec<usize> {
    let mut drawn: Vec<usize> = map
        .listed
        .iter()
        .copied()
        .filter(|&l| {
            let nodes = &map.loops[l].nodes;
            nodes.len() > 1 && nodes.iter().all(|&n| map.shown[n].is_some())
        })
        .collect();
    // Loops of known polarity first, each group shortest first.
    drawn.sort_by_key(|&l| map.loops[l].polarity == Polarity::Undetermined);
    drawn.truncate(LOOPS_DRAWN);
    drawn
}

/// A circled R or B at the middle of each drawn loop's nodes, or the
/// nearest spot to it that covers no node and no other mark.
fn loop_marks(map: &Map, laid: &Layout, loops: &[usize], top: f64) -> String {
    let mut out = String::new();
    let mut taken: Vec<(f64, f64)> = Vec::new();
    let radius = 13.0;
    let covers = |x: f64, y: f64, taken: &[(f64, f64)]| {
        laid.nodes
            .iter()
            .any(|p| (x - p.x).abs() < p.w / 2.0 + radius && (y - p.y).abs() < p.h / 2.0 + radius)
            || taken
                .iter()
                .any(|&(tx, ty)| (tx - x).hypot(ty - y) < 2.0 * radius + 4.0)
    };
    for &l in loops {
        let lp = &map.loops[l];
        let points: Vec<(f64, f64)> = lp
            .nodes
            .iter()
            .filter_map(|&n| map.shown[n])
            .map(|d| (laid.nodes[d].x, laid.nodes[d].y))
            .collect();
        let count = points.len().max(1) as f64;
        let cx = points.iter().map(|p| p.0).sum::<f64>() / count;
        let cy = points.iter().map(|p| p.1).sum::<f64>() / count;
        // The free spot nearest the middle, on rings around it.
        let (x, y) = (0..40)
            .flat_map(|ring| {
                let r = f64::from(ring) * 8.0;
                let spots = if ring == 0 { 1 } else { 8 + 4 * ring };
                (0..spots).map(move |k| {
                    let a = f64::from(k) / f64::from(spots) * std::f64::consts::TAU;
                    (cx + r * a.cos(), cy + r * a.sin())
                })
            })
            .find(|&(x, y)| !covers(x, y, &taken))
            .unwrap_or((cx, cy));
        taken.push((x, y));
        let colour = polarity_colour(lp.polarity);
        let _ = writeln!(
            out,
            "<g class=\"loop-mark\"><circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{radius}\" fill=\"white\" stroke=\"{colour}\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" dominant-baseline=\"central\" style=\"{SANS} font-size: 11px; font-weight: bold;\" fill=\"{colour}\">{}</text></g>",
            x + MARGIN,
            y + top,
            x + MARGIN,
            y + top,
            html(&lp.id)
        );
    }
    out
}

/// The legend: node kinds drawn, edge signs, loop marks. Returns the SVG,
/// its height and its width.
fn legend(map: &Map, y0: f64) -> (String, f64, f64) {
    let g = &map.drawn;
    let mut out = format!("<g class=\"legend\" transform=\"translate({MARGIN},{y0:.1})\">\n");
    let mut x = 0.0;
    let text = |x: f64, y: f64, s: &str| {
        format!(
            "<text x=\"{x:.1}\" y=\"{y:.1}\" dominant-baseline=\"central\" style=\"{SANS} font-size: 13px;\" fill=\"{INK}\">{}</text>",
            html(s)
        )
    };
    for kind in Kind::ALL
        .into_iter()
        .filter(|k| g.nodes.iter().any(|n| n.kind == *k))
    {
        let look = kind.look();
        let (fill, stroke) = (look.fill, look.stroke);
        let shape = match kind {
            Kind::Parameter | Kind::Event => format!(
                "<ellipse cx=\"{:.1}\" cy=\"12\" rx=\"15\" ry=\"9\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{}\"/>",
                x + 15.0,
                if kind == Kind::Event { 2 } else { 1 }
            ),
            Kind::Count => format!(
                "<ellipse cx=\"{cx:.1}\" cy=\"12\" rx=\"13\" ry=\"7\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"2\"/><ellipse cx=\"{cx:.1}\" cy=\"12\" rx=\"17\" ry=\"11\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"2\"/>",
                cx = x + 15.0
            ),
            Kind::Outcome => format!(
                "<rect x=\"{x:.1}\" y=\"2\" width=\"30\" height=\"20\" fill=\"{fill}\" stroke=\"{stroke}\"/><rect x=\"{:.1}\" y=\"5\" width=\"24\" height=\"14\" fill=\"none\" stroke=\"{stroke}\"/>",
                x + 3.0
            ),
            Kind::Derived | Kind::State | Kind::Intervention => {
                let (rx, sw) = match kind {
                    Kind::Derived => (7, 1),
                    Kind::Intervention => (4, 2),
                    _ => (0, 2),
                };
                format!(
                    "<rect x=\"{x:.1}\" y=\"2\" width=\"30\" height=\"20\" rx=\"{rx}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{sw}\"/>"
                )
            }
        };
        out.push_str(&shape);
        out.push_str(&text(x + 38.0, 12.0, look.legend));
        x += 38.0 + look.legend.chars().count() as f64 * 7.4 + 22.0;
    }
    let first_row = x;
    // Second row: the edges and the loop marks.
    x = 0.0;
    let y = 40.0;
    let mut edges: Vec<(EdgeKind, &str)> = vec![
        (EdgeKind::Reads(Sign::Plus), "+ raises"),
        (EdgeKind::Reads(Sign::Minus), "\u{2212} lowers"),
        (EdgeKind::Reads(Sign::Unknown), "\u{b1} either, by value"),
    ];
    if g.edges.iter().any(|e| e.kind == EdgeKind::Forces) {
        edges.push((EdgeKind::Forces, "forces (intervention)"));
    }
    for (kind, words) in edges {
        let (colour, dashed, name) = edge_look(kind);
        let _ = write!(
            out,
            "<path d=\"M {x:.1} {y:.1} L {:.1} {y:.1}\" stroke=\"{colour}\" stroke-width=\"1.5\"{} marker-end=\"url(#head-{name})\"/>",
            x + 34.0,
            if dashed {
                " stroke-dasharray=\"6,4\""
            } else {
                ""
            }
        );
        out.push_str(&text(x + 42.0, y, words));
        x += 42.0 + words.chars().count() as f64 * 7.4 + 22.0;
    }
    for p in [Polarity::Reinforcing, Polarity::Balancing] {
        let colour = polarity_colour(p);
        let _ = write!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"11\" fill=\"white\" stroke=\"{colour}\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" dominant-baseline=\"central\" style=\"{SANS} font-size: 11px; font-weight: bold;\" fill=\"{colour}\">{}</text>",
            x + 11.0,
            x + 11.0,
            p.letter()
        );
        let words = format!("{} loop", p.word());
        out.push_str(&text(x + 28.0, y, &words));
        x += 28.0 + words.chars().count() as f64 * 7.4 + 22.0;
    }
    out.push_str("</g>\n");
    (out, 60.0, first_row.max(x))
}

/// The drawn loops, one to a line, under the legend.
/// Loop lines wrap to the wider of `max_width` and [`LOOP_LINE`] pixels.
fn loop_list(map: &Map, loops: &[usize], y0: f64, max_width: f64) -> (String, f64, f64) {
    let max_width = max_width.max(LOOP_LINE);
    if loops.is_empty() {
        return (String::new(), 0.0, 0.0);
    }
    let mut out = format!("<g class=\"loops\" transform=\"translate({MARGIN},{y0:.1})\">\n");
    let mut y = 14.0;
    let mut width: f64 = 0.0;
    let drawable = map
        .listed_loops()
        .iter()
        .filter(|&&l| map.loops[l].nodes.len() > 1)
        .count();
    let title = if loops.len() < drawable {
        format!(
            "Feedback loops: {} of {drawable}{}, reinforcing and balancing first, shortest first (polsim graph --json lists every one):",
            loops.len(),
            if map.loops_cut { " found" } else { "" }
        )
    } else {
        "Feedback loops:".to_string()
    };
    let _ = writeln!(
        out,
        "<text x=\"0\" y=\"{y:.1}\" style=\"{SANS} font-size: 13px; font-weight: bold;\" fill=\"{INK}\">{}</text>",
        html(&title)
    );
    for &l in loops {
        y += 19.0;
        let lp = &map.loops[l];
        let path: Vec<String> = lp
            .nodes
            .iter()
            .chain(lp.nodes.first())
            .map(|&n| map.full.nodes[n].label.clone())
            .collect();
        // A long loop runs on over further lines, indented, rather than
        // widen the drawing (and shrink it on the page).
        let mut lines = vec![format!("{} ({}): {}", lp.id, lp.polarity.word(), path[0])];
        for step in &path[1..] {
            let last = lines.last_mut().expect("a first line");
            let joined = format!("{last} \u{2192} {step}");
            if joined.chars().count() as f64 * 7.2 > max_width {
                lines.push(format!("    \u{2192} {step}"));
            } else {
                *last = joined;
            }
        }
        for (k, line) in lines.iter().enumerate() {
            if k > 0 {
                y += 17.0;
            }
            width = width.max(line.chars().count() as f64 * 7.2);
            let _ = writeln!(
                out,
                "<text x=\"0\" y=\"{y:.1}\" style=\"{SANS} font-size: 13px;\" fill=\"{}\">{}</text>",
                polarity_colour(lp.polarity),
                html(line)
            );
        }
    }
    out.push_str("</g>\n");
    (out, y + 10.0, width)
}

/// The size of [`empty_svg`].
const EMPTY_SIZE: (f64, f64) = (360.0, 60.0);

/// A drawing for a map with nothing in it.
fn empty_svg(title: &str) -> String {
    let text = html(&format!("{title}: no variables to draw"));
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n\
         <svg width=\"360\" height=\"60\" viewBox=\"0 0 360 60\" xmlns=\"http://www.w3.org/2000/svg\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"20\" y=\"35\" style=\"{SANS} font-size: 14px;\" fill=\"#334155\">{text}</text>\n\
         </svg>\n"
    )
}
